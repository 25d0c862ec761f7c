//! RSS and Atom feeds → one article an item or entry.
//!
//! RSS: `title`, `content:encoded` else `description` (HTML, stripped to paragraphs),
//! `pubDate` (RFC 822) else `dc:date`, id `guid` else `link`. RSS 1.0 (RDF) items, which sit
//! beside the channel rather than in it, are read too. Atom: `title`, `content` else
//! `summary` (by their `type`: text, html or xhtml), `published` else `updated`, id `id` else
//! the alternate `link`'s `href`. An item with neither title nor text is passed over.

use super::dates;
use super::markup::{html_fragment_paragraphs, html_fragment_text, xml_paragraphs};
use super::text::{Dateline, assemble, blank_line_paragraphs};
use super::xml::{self, Element};
use super::{Draft, FormatError, Items};

pub fn read_rss(text: &str, items: &mut Items) {
    let Some(root) = read_root(text, &["rss", "RDF"], items) else {
        return;
    };
    let channel_items = root
        .children_named("channel")
        .flat_map(|channel| channel.children_named("item"));
    let rdf_items = root.children_named("item");
    for (at, item) in channel_items.chain(rdf_items).enumerate() {
        read_rss_item(item, at as u64 + 1, items);
    }
}

fn read_rss_item(item: &Element, number: u64, items: &mut Items) {
    let text_of = |name: &str| {
        item.elements()
            .find(|child| child.local() == name || child.name == name)
            .map(Element::raw_text)
            .filter(|text| !text.trim().is_empty())
    };
    let title = text_of("title")
        .map(|title| html_fragment_text(&title))
        .transpose();
    let body = item
        .child("encoded")
        .map(Element::raw_text)
        .filter(|text| !text.trim().is_empty())
        .or_else(|| text_of("description"))
        .map(|html| html_fragment_paragraphs(&html))
        .transpose();
    let title = reported(title, item, items).unwrap_or_default();
    let body = reported(body, item, items).unwrap_or_default();
    let date = text_of("pubDate")
        .and_then(|text| dates::rfc822(&text))
        .map(|day| (day, "pubDate"))
        .or_else(|| {
            let day = dates::iso8601(&text_of("dc:date")?)?;
            Some((day, "dc:date"))
        });
    let id = text_of("guid")
        .or_else(|| text_of("link"))
        .or_else(|| item.attr("about").map(str::to_string));
    add(item, number, id, &title, body, date, items);
}

pub fn read_atom(text: &str, items: &mut Items) {
    let Some(root) = read_root(text, &["feed", "entry"], items) else {
        return;
    };
    if root.local() == "entry" {
        read_atom_entry(&root, 1, items);
        return;
    }
    for (at, entry) in root.children_named("entry").enumerate() {
        read_atom_entry(entry, at as u64 + 1, items);
    }
}

fn read_atom_entry(entry: &Element, number: u64, items: &mut Items) {
    let title = entry.child("title").map(atom_text).transpose();
    let title = reported(title, entry, items).unwrap_or_default().join(" ");
    let content = entry
        .child("content")
        .filter(|content| content.attr("src").is_none())
        .map(atom_text)
        .transpose();
    let body = match reported(content, entry, items) {
        Some(paragraphs) if !paragraphs.is_empty() => paragraphs,
        _ => {
            let summary = entry.child("summary").map(atom_text).transpose();
            reported(summary, entry, items).unwrap_or_default()
        }
    };
    let date = ["published", "updated"].into_iter().find_map(|name| {
        let day = dates::iso8601(&entry.child(name)?.text())?;
        Some((day, name))
    });
    let link = entry
        .children_named("link")
        .find(|link| link.attr("rel").is_none_or(|rel| rel == "alternate"))
        .and_then(|link| link.attr("href"))
        .map(str::to_string);
    let id = entry
        .child("id")
        .map(Element::text)
        .filter(|id| !id.is_empty())
        .or(link);
    add(entry, number, id, &title, body, date, items);
}

/// An Atom text construct's paragraphs, by its `type`.
fn atom_text(element: &Element) -> Result<Vec<String>, FormatError> {
    Ok(match element.attr("type") {
        Some("html") => html_fragment_paragraphs(&element.raw_text())?,
        Some("xhtml") => xml_paragraphs(element),
        // Plain text: line breaks in it are wrapping, blank lines (rare) paragraphs.
        _ => blank_line_paragraphs(&element.raw_text()),
    })
}

/// A value, or `None` with its error reported at the element's line.
fn reported<T>(
    result: Result<Option<T>, FormatError>,
    at: &Element,
    items: &mut Items,
) -> Option<T> {
    result.unwrap_or_else(|error| {
        items.error(FormatError::at(at.line, error.message));
        None
    })
}

fn read_root(text: &str, roots: &[&str], items: &mut Items) -> Option<Element> {
    let document = xml::read(text);
    for error in document.errors {
        items.error(error);
    }
    let root = document.root?;
    if !roots.contains(&root.local()) {
        items.error(FormatError::at(
            root.line,
            format!("the root element is <{}>, not <{}>", root.name, roots[0]),
        ));
        return None;
    }
    Some(root)
}

fn add(
    element: &Element,
    number: u64,
    id: Option<String>,
    title: &str,
    body: Vec<String>,
    date: Option<(crate::dates::Day, &'static str)>,
    items: &mut Items,
) {
    let line = Some(element.line);
    match assemble(title, Dateline::default(), body) {
        Some(article) => items.article(Draft {
            id,
            number,
            line,
            article,
            date,
        }),
        None => items.pass_over(format!("{} {number} with no text", element.local()), line),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Parsed, parse_as};

    fn parse(format: Format, text: &str) -> Parsed {
        parse_as(format, text, &Options::default())
    }

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Gull wire</title><link>https://gull.example/</link>
<item>
  <title>Harbour reopens</title>
  <link>https://gull.example/harbour</link>
  <guid isPermaLink="false">gull-1</guid>
  <pubDate>Thu, 04 Mar 2021 09:30:00 +0100</pubDate>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>PORTHAVEN (Gull) -- Boats left at <b>dawn</b>.</p><p>Crowds watched.</p>]]></content:encoded>
</item>
<item>
  <title>Storm &amp; floods</title>
  <link>https://gull.example/storm</link>
  <description>&lt;p&gt;Rain fell.&lt;br&gt;&lt;br&gt;Rivers rose.&lt;/p&gt;</description>
</item>
<item><description>   </description></item>
</channel></rss>"#;

    #[test]
    fn rss_items_are_articles() {
        let parsed = parse(Format::Rss, RSS);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let [first, second] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(first.id, "gull-1");
        assert_eq!(first.article.title, "Harbour reopens");
        assert_eq!(first.article.dateline, "PORTHAVEN (Gull)");
        assert_eq!(
            first.article.paragraphs,
            ["Boats left at dawn.", "Crowds watched."]
        );
        let (day, source) = first.date.unwrap();
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2021-03-04", "pubDate")
        );
        assert_eq!(second.id, "https://gull.example/storm");
        assert_eq!(second.article.title, "Storm & floods");
        assert_eq!(second.article.paragraphs, ["Rain fell.", "Rivers rose."]);
        assert_eq!(second.date, None);
        assert_eq!(parsed.passed_over[0].what, "item 3 with no text");
        assert_eq!(parsed.passed_over[0].line, Some(17));
    }

    #[test]
    fn rss_1_rdf_items_and_dc_dates() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://gull.example/"><title>Gull</title></channel>
<item rdf:about="https://gull.example/a"><title>A</title><description>Text.</description><dc:date>2021-03-05T10:00:00Z</dc:date></item>
</rdf:RDF>"#;
        let parsed = parse(Format::Rss, rdf);
        let article = &parsed.articles[0];
        assert_eq!(article.id, "https://gull.example/a");
        assert_eq!(article.date.unwrap().1, "dc:date");
    }

    #[test]
    fn atom_entries_by_content_type() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Gull</title>
<entry><id>tag:gull.example,2021:1</id><title type="html">Harbour &lt;i&gt;reopens&lt;/i&gt;</title>
  <published>2021-03-04T09:30:00+01:00</published><updated>2021-03-06T00:00:00Z</updated>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One.</p><p>Two.</p></div></content></entry>
<entry><title>Plain</title><link rel="self" href="https://gull.example/self"/><link href="https://gull.example/plain"/>
  <updated>2021-03-06T00:00:00Z</updated><summary>Line one
line two</summary></entry>
<entry><title>Html</title><content type="html">&lt;p&gt;A&lt;/p&gt;&lt;p&gt;B&lt;/p&gt;</content></entry>
</feed>"#;
        let parsed = parse(Format::Atom, atom);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let [first, second, third] = &parsed.articles[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(first.id, "tag:gull.example,2021:1");
        assert_eq!(first.article.title, "Harbour reopens");
        assert_eq!(first.article.paragraphs, ["One.", "Two."]);
        assert_eq!(first.date.unwrap().1, "published");
        assert_eq!(second.id, "https://gull.example/plain");
        assert_eq!(second.article.paragraphs, ["Line one line two"]);
        assert_eq!(second.date.unwrap().1, "updated");
        assert_eq!(
            (third.id.as_str(), &third.article.paragraphs[..]),
            ("3", &["A".to_string(), "B".to_string()][..])
        );
    }

    #[test]
    fn a_broken_feed_keeps_the_items_before_the_break() {
        let rss = "<rss><channel>\n<item><title>Good</title><description>Kept.</description></item>\n<item><title>Bad</title><description>a < b</description></item>\n<item><title>After</title><description>Also kept.</description></item>\n</channel></rss>";
        let parsed = parse(Format::Rss, rss);
        let titles: Vec<&str> = parsed
            .articles
            .iter()
            .map(|a| a.article.title.as_str())
            .collect();
        assert_eq!(titles[0], "Good");
        assert!(titles.contains(&"After"), "{parsed:?}");
        assert_eq!(parsed.errors[0].line, Some(3));
    }
}
