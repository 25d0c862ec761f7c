//! Plain text inside a format → paragraphs, and the pieces a reader found → an [`Article`].
//!
//! Owns the paragraph rules every reader shares (blank lines, indented first lines, one line
//! a paragraph) and the last step of every reader, [`assemble`]: tidy whitespace, drop a body
//! line that repeats the title, take a wire dateline off the first paragraph, and never leave
//! an article without a passage. It knows nothing of any format's markup.

use crate::article::{Article, find_dateline};

/// Collapses runs of whitespace to one space, trims, and drops control characters (Reuters'
/// `&#3;` end-of-text marks, stray escapes), which no reader wants in an index.
pub fn tidy(text: &str) -> String {
    let mut tidied = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An ANSI escape (`ESC [ B`) left in old wire copy: drop it whole.
            skip_escape_sequence(&mut chars);
        } else if c.is_whitespace() {
            pending_space = !tidied.is_empty();
        } else if !c.is_control() {
            if pending_space {
                tidied.push(' ');
                pending_space = false;
            }
            tidied.push(c);
        }
    }
    tidied
}

fn skip_escape_sequence(chars: &mut std::str::Chars<'_>) {
    let mut ahead = chars.clone();
    if ahead.next() != Some('[') {
        return;
    }
    for c in ahead.by_ref() {
        if !(c.is_ascii_digit() || c == ';') {
            if c.is_ascii_alphabetic() {
                *chars = ahead;
            }
            return;
        }
    }
}

/// Paragraphs separated by blank lines; the lines of one paragraph joined with a space.
pub fn blank_line_paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut paragraphs);
        } else {
            push_line(&mut current, line);
        }
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

/// Plain text from a JSON field: paragraphs split on blank lines when it has any, else one
/// line a paragraph (JSON bodies are rarely hard-wrapped, and often use single newlines).
pub fn plain_paragraphs(text: &str) -> Vec<String> {
    let has_blank_line = text
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .any(|line| line.trim().is_empty());
    if has_blank_line {
        blank_line_paragraphs(text)
    } else {
        text.lines().map(tidy).filter(|p| !p.is_empty()).collect()
    }
}

/// Wire copy: a paragraph starts after a blank line or at a line indented more than the
/// text's least-indented line; other lines continue the paragraph (hard wrapping). Measuring
/// from the least indent keeps text whose every line is indented one paragraph a blank line.
pub fn indented_paragraphs(text: &str) -> Vec<String> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let base = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(indent)
        .min()
        .unwrap_or(0);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if indent(line) > base {
            flush(&mut current, &mut paragraphs);
        }
        push_line(&mut current, line);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

fn push_line(current: &mut String, line: &str) {
    let line = tidy(line);
    if line.is_empty() {
        return;
    }
    if !current.is_empty() {
        current.push(' ');
    }
    current.push_str(&line);
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    if !current.is_empty() {
        paragraphs.push(std::mem::take(current));
    }
}

/// Where an article's dateline comes from, best first.
#[derive(Debug, Default, Clone)]
pub struct Dateline {
    /// The format's own dateline field: taken as it is, and taken off the first paragraph
    /// when the paragraph repeats it.
    pub given: Option<String>,
    /// A place the format names (G2 `located`, ninjs `located`/`place`), used only when
    /// neither the format nor the first paragraph gives a dateline.
    pub place: Option<String>,
}

impl Dateline {
    pub fn given(text: Option<String>) -> Dateline {
        Dateline {
            given: text,
            place: None,
        }
    }
}

/// The last step of every reader: tidies the pieces into an [`Article`], or `None` when there
/// is nothing to index (no title and no text).
pub fn assemble(title: &str, dateline: Dateline, paragraphs: Vec<String>) -> Option<Article> {
    let title = tidy(title);
    let mut paragraphs: Vec<String> = paragraphs
        .iter()
        .map(|p| tidy(p))
        .filter(|p| !p.is_empty())
        .collect();
    // Wire copy often repeats the headline as the first body line (as `article::parse` knows).
    if !title.is_empty() && paragraphs.first() == Some(&title) {
        paragraphs.remove(0);
    }
    let given = dateline
        .given
        .as_deref()
        .map(|given| tidy(given.trim_end_matches(|c: char| c == '-' || c.is_whitespace())))
        .filter(|given| !given.is_empty());
    let mut dateline_text = String::new();
    if let Some(given) = given {
        if let Some(first) = paragraphs.first_mut()
            && let Some(rest) = strip_dateline_prefix(first, &given)
        {
            *first = rest;
        }
        dateline_text = given;
    } else if let Some(first) = paragraphs.first_mut()
        && let Some((found, rest_at)) = find_dateline(first)
    {
        dateline_text = found.to_string();
        *first = first[rest_at..].trim_start().to_string();
    } else if let Some(place) = dateline.place.as_deref().map(tidy) {
        dateline_text = place;
    }
    paragraphs.retain(|p| !p.is_empty());
    if paragraphs.is_empty() {
        if title.is_empty() {
            return None;
        }
        paragraphs.push(title.clone());
    }
    Some(Article {
        title,
        dateline: dateline_text,
        paragraphs,
    })
}

/// The rest of a paragraph that opens with the dateline, perhaps the agency after it, and a
/// separator: `NEW YORK (AP) — The…` under a dateline of `NEW YORK`; AP's wire copy
/// separates with ` _ `.
fn strip_dateline_prefix(paragraph: &str, dateline: &str) -> Option<String> {
    let head = paragraph.get(..dateline.len())?;
    if !head.eq_ignore_ascii_case(dateline) {
        return None;
    }
    let mut rest = paragraph[dateline.len()..].trim_start();
    if let Some(agency) = rest.strip_prefix('(')
        && let Some((name, after)) = agency.split_once(')')
        && name.len() <= 30
    {
        rest = after.trim_start();
    }
    let after = ["--", "—", "–", "-", "_"]
        .iter()
        .find_map(|separator| rest.strip_prefix(separator))?;
    Some(after.trim_start().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_whitespace_and_drops_controls() {
        assert_eq!(tidy("  a \n\t b\u{3}  "), "a b");
        assert_eq!(tidy("x\u{1b}[By"), "xy");
        assert_eq!(tidy("\u{1b}"), "");
    }

    #[test]
    fn paragraphs_by_blank_lines_join_wrapped_lines() {
        assert_eq!(
            blank_line_paragraphs("one\ntwo\n\n\nthree\n"),
            ["one two", "three"]
        );
    }

    #[test]
    fn paragraphs_by_indent_start_at_indented_lines() {
        let text = "    Showers continued\nin the zone.\n    The dry period\nmeans.\n";
        assert_eq!(
            indented_paragraphs(text),
            ["Showers continued in the zone.", "The dry period means."]
        );
        // Every line indented alike: indentation marks nothing, blank lines do.
        let text = "   One line\n   wrapped.\n\n   Two.\n";
        assert_eq!(indented_paragraphs(text), ["One line wrapped.", "Two."]);
    }

    #[test]
    fn plain_text_splits_on_blank_lines_else_on_lines() {
        assert_eq!(plain_paragraphs("a\nb\n\nc"), ["a b", "c"]);
        assert_eq!(plain_paragraphs("a\nb\nc"), ["a", "b", "c"]);
    }

    #[test]
    fn assemble_takes_the_given_dateline_off_the_first_paragraph() {
        let article = assemble(
            "Title",
            Dateline::given(Some("SALVADOR, Feb 26 - ".into())),
            vec!["SALVADOR, Feb 26 -- Showers.".into()],
        )
        .unwrap();
        assert_eq!(article.dateline, "SALVADOR, Feb 26");
        assert_eq!(article.paragraphs, ["Showers."]);
        for (paragraph, rest) in [
            ("NEW YORK (AP) — The gas.", "The gas."),
            ("new york (AP) _ The gas.", "The gas."),
            ("NEW YORK is big.", "NEW YORK is big."),
        ] {
            let given = Dateline::given(Some("NEW YORK".into()));
            let article = assemble("T", given, vec![paragraph.into()]).unwrap();
            assert_eq!(article.paragraphs, [rest], "{paragraph}");
        }
    }

    #[test]
    fn assemble_finds_a_wire_dateline_before_using_a_place() {
        let dateline = Dateline {
            given: None,
            place: Some("Ankara".into()),
        };
        let article = assemble(
            "T",
            dateline.clone(),
            vec!["ANKARA, Turkey (AP) -- Talks.".into()],
        )
        .unwrap();
        assert_eq!(article.dateline, "ANKARA, Turkey (AP)");
        let article = assemble("T", dateline, vec!["Talks began.".into()]).unwrap();
        assert_eq!(article.dateline, "Ankara");
        assert_eq!(article.paragraphs, ["Talks began."]);
    }

    #[test]
    fn assemble_keeps_a_title_only_article_findable() {
        let article = assemble(" Just a title ", Dateline::default(), vec![]).unwrap();
        assert_eq!(article.paragraphs, ["Just a title"]);
        let article = assemble("Same", Dateline::default(), vec!["Same".into()]).unwrap();
        assert_eq!(article.paragraphs, ["Same"]);
        assert_eq!(assemble(" ", Dateline::default(), vec![" ".into()]), None);
    }
}
