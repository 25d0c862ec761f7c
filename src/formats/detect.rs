//! Telling a file's format from its first bytes, the file name only a hint: TREC's AP files
//! have no extension (`AP880212`), feeds are saved as `.xml`, and NewsML as anything.
//!
//! Markup is told by its DOCTYPE and first element (`<nitf>`, `<newsItem>`, `<rss>`, `<feed>`,
//! `<DOC>`, `<REUTERS>`, `<html>`); JSON by its shape (an object on each line is JSON Lines, a
//! multi-line object or an array is ninjs); anything else is plain text.

use super::Format;

/// Detection reads at most this much of the file.
pub const PREFIX_BYTES: usize = 64 << 10;

/// The format of a file from its first bytes (any amount; at most [`PREFIX_BYTES`] are read)
/// and its name.
pub fn detect(prefix: &[u8], file_name: &str) -> Format {
    let prefix = &prefix[..prefix.len().min(PREFIX_BYTES)];
    let prefix = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let text = String::from_utf8_lossy(prefix);
    let text = text.trim_start();
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    if looks_like_json(text) {
        return json_format(text, &extension);
    }
    if text.starts_with('<')
        && let Some(format) = markup_format(text)
    {
        // A text article may open with a stray tag (`<p>`, `<script>`): under a `.txt` name
        // only a whole page (`<html>`, its DOCTYPE) is HTML.
        if format == Format::Html && extension == "txt" && !is_whole_page(text) {
            return Format::Text;
        }
        return format;
    }
    match extension.as_str() {
        "html" | "htm" | "xhtml" => Format::Html,
        "jsonl" | "ndjson" | "jsonlines" => Format::JsonLines,
        _ => Format::Text,
    }
}

/// An object whose first key follows (`{"`), or an array of objects: not a text article that
/// happens to open with a brace (`{Corrected} Harbour reopens`).
fn looks_like_json(text: &str) -> bool {
    let mut chars = text.chars();
    let opener = chars.next();
    let next = chars.as_str().trim_start().chars().next();
    matches!(
        (opener, next),
        (Some('{'), Some('"' | '}')) | (Some('['), Some('{' | ']'))
    )
}

fn json_format(text: &str, extension: &str) -> Format {
    if matches!(extension, "jsonl" | "ndjson" | "jsonlines") {
        return Format::JsonLines;
    }
    if text.starts_with('[') {
        return Format::Ninjs;
    }
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let first_is_whole = serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok();
    let cut_by_prefix = !text.contains('\n') && text.len() >= PREFIX_BYTES - 4;
    if first_is_whole {
        if lines
            .next()
            .is_some_and(|next| next.trim_start().starts_with('{'))
        {
            return Format::JsonLines;
        }
        return if has_ninjs_keys(first) {
            Format::Ninjs
        } else {
            Format::JsonLines
        };
    }
    if cut_by_prefix && extension != "json" {
        // One long line, longer than the look: JSON Lines unless named as one JSON file.
        return Format::JsonLines;
    }
    Format::Ninjs
}

fn has_ninjs_keys(text: &str) -> bool {
    const KEYS: [&str; 8] = [
        "\"uri\"",
        "\"versioncreated\"",
        "\"firstcreated\"",
        "\"body_text\"",
        "\"body_html\"",
        "\"headlines\"",
        "\"bodies\"",
        "\"ninjs\"",
    ];
    KEYS.iter().any(|key| text.contains(key))
}

/// The format of markup from its DOCTYPE or its first element, if it is one newsdex knows.
fn markup_format(text: &str) -> Option<Format> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if let Some(doctype) = strip_prefix_ignore_case(rest, "<!DOCTYPE") {
            let name: String = doctype
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_'))
                .collect();
            match name.to_ascii_lowercase().as_str() {
                "html" => return Some(Format::Html),
                "lewis" => return Some(Format::ReutersSgml),
                "nitf" => return Some(Format::Nitf),
                _ => {}
            }
            rest = skip_doctype(rest)?;
        } else {
            break;
        }
    }
    let name: String = rest
        .strip_prefix('<')?
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        .collect();
    let local = name
        .rsplit_once(':')
        .map_or(name.as_str(), |(_, local)| local);
    let format = match local {
        "nitf" => Format::Nitf,
        "newsItem" | "newsMessage" | "packageItem" | "conceptItem" | "knowledgeItem"
        | "planningItem" | "catalogItem" => Format::NewsMlG2,
        "rss" | "RDF" => Format::Rss,
        "feed" | "entry" => Format::Atom,
        _ if local.eq_ignore_ascii_case("DOC") => Format::TrecSgml,
        _ if local.eq_ignore_ascii_case("REUTERS") => Format::ReutersSgml,
        _ if is_html_element(&local.to_ascii_lowercase()) => Format::Html,
        _ => return None,
    };
    Some(format)
}

/// The rest after a DOCTYPE, whose internal subset (`[…]`) may hold `>`s.
fn skip_doctype(text: &str) -> Option<&str> {
    let mut depth = 0i32;
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '>' if depth <= 0 => return Some(&text[at + 1..]),
            _ => {}
        }
    }
    None
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_whole_page(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

fn is_html_element(name: &str) -> bool {
    const HTML: [&str; 14] = [
        "html", "head", "body", "meta", "title", "link", "article", "main", "div", "p", "section",
        "header", "script", "style",
    ];
    HTML.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_and_the_name_is_a_hint() {
        let cases: &[(&str, &str, Format)] = &[
            ("Title\n\nBody.\n", "a.txt", Format::Text),
            ("<script>x</script>Title\n\nBody.\n", "a.txt", Format::Text),
            ("<script>x</script>Title\n\nBody.\n", "a.html", Format::Html),
            ("<!DOCTYPE html><p>Body.</p>", "a.txt", Format::Html),
            (
                "\u{feff}<?xml version=\"1.0\"?>\n<!DOCTYPE nitf SYSTEM \"nitf.dtd\">\n<nitf>",
                "x",
                Format::Nitf,
            ),
            (
                "<?xml version=\"1.0\"?><!-- c --><nitf version=\"3.4\">",
                "x.xml",
                Format::Nitf,
            ),
            (
                "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\">",
                "x.xml",
                Format::NewsMlG2,
            ),
            (
                "<?xml version=\"1.0\"?>\n<newsMessage>",
                "x",
                Format::NewsMlG2,
            ),
            ("<g2:conceptItem>", "x", Format::NewsMlG2),
            (
                "<?xml version=\"1.0\"?><rss version=\"2.0\">",
                "feed.xml",
                Format::Rss,
            ),
            ("<rdf:RDF xmlns:rdf=\"…\">", "x.rdf", Format::Rss),
            (
                "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "x.xml",
                Format::Atom,
            ),
            ("<!DOCTYPE html>\n<html>", "page", Format::Html),
            ("<html><body>", "page", Format::Html),
            ("<div>fragment</div>", "x", Format::Html),
            ("Some text, no tags", "page.html", Format::Html),
            (
                "<DOC>\n<DOCNO> AP880212-0001 </DOCNO>",
                "AP880212",
                Format::TrecSgml,
            ),
            ("<doc>\n<docno>x</docno>", "FT911-1", Format::TrecSgml),
            (
                "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS NEWID=\"1\">",
                "reut2-000.sgm",
                Format::ReutersSgml,
            ),
            ("<REUTERS TOPICS=\"YES\">", "x", Format::ReutersSgml),
            ("<!DOCTYPE x [<!ENTITY a \"b>\">]><rss>", "x", Format::Rss),
            ("<unknown>", "x.xml", Format::Text),
            (
                "{\"title\": \"a\"}\n{\"title\": \"b\"}\n",
                "wire",
                Format::JsonLines,
            ),
            ("{\"title\": \"a\"}\n", "one.json", Format::JsonLines),
            (
                "{\"uri\": \"u\", \"headline\": \"h\"}",
                "item.json",
                Format::Ninjs,
            ),
            ("{\n  \"uri\": \"u\"\n}\n", "item", Format::Ninjs),
            ("[{\"uri\": \"u\"}]", "items.json", Format::Ninjs),
            ("{\n \"title\": 1}", "a.jsonl", Format::JsonLines),
            ("", "empty", Format::Text),
            (
                "{Corrected} Harbour reopens\n\nBody.",
                "a.txt",
                Format::Text,
            ),
            ("[Update 2] Harbour\n\nBody.", "a.txt", Format::Text),
        ];
        for (text, name, format) in cases {
            assert_eq!(detect(text.as_bytes(), name), *format, "{text:?} {name}");
        }
    }

    #[test]
    fn a_long_first_line_beyond_the_look_is_json_lines() {
        let line = format!("{{\"title\": \"{}\"}}", "x".repeat(PREFIX_BYTES));
        assert_eq!(detect(line.as_bytes(), "wire"), Format::JsonLines);
        assert_eq!(detect(line.as_bytes(), "wire.json"), Format::Ninjs);
    }
}
