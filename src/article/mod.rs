//! Article parsing: decoded text → title, dateline and body paragraphs.
//!
//! Owns the shape of one article file (title line, blank line, paragraphs); recognising and
//! taking apart wire-copy datelines such as `ANKARA, Turkey (AP) --` is [`dateline`]'s. It
//! knows nothing about files or encodings (see `corpus`) nor about tokens (see `analysis`).

pub mod dateline;

pub use dateline::{DatelineParts, PLACE_CONNECTORS, dateline_parts, find_dateline, is_month};

/// One parsed article. `paragraphs` never is empty: a title-only article gets its title as its
/// only passage, so it stays findable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    /// The dateline without its separator (`ANKARA, Turkey (AP)`), or `""` when there is none.
    pub dateline: String,
    /// Body paragraphs; the first one no longer carries the dateline.
    pub paragraphs: Vec<String>,
}

/// Parses an article's text. Line ends may be `\n` or `\r\n`; paragraphs are separated by
/// blank lines and the lines inside one paragraph are joined with a space.
pub fn parse(text: &str) -> Article {
    let mut paragraphs = split_paragraphs(text);
    let title = if paragraphs.is_empty() {
        String::new()
    } else {
        paragraphs.remove(0)
    };
    // Wire copy often repeats the headline as the first body line.
    if paragraphs.first().is_some_and(|first| first == &title) {
        paragraphs.remove(0);
    }
    let mut dateline = String::new();
    if let Some(first) = paragraphs.first_mut()
        && let Some((found, rest_at)) = find_dateline(first)
    {
        dateline = found.to_string();
        let rest = first[rest_at..].trim_start().to_string();
        if rest.is_empty() {
            paragraphs.remove(0);
        } else {
            *first = rest;
        }
    }
    if paragraphs.is_empty() {
        paragraphs.push(title.clone());
    }
    Article {
        title,
        dateline,
        paragraphs,
    }
}

/// Splits text into paragraphs: runs of non-blank lines, each joined with single spaces.
fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_splits_title_dateline_and_paragraphs() {
        let text = "Turkey Unhappy\n\nTurkey Unhappy\n\nANKARA, Turkey (AP) -- First part\nstill first.\n\nSecond.\n";
        let article = parse(text);
        assert_eq!(article.title, "Turkey Unhappy");
        assert_eq!(article.dateline, "ANKARA, Turkey (AP)");
        assert_eq!(article.paragraphs, ["First part still first.", "Second."]);
    }

    #[test]
    fn parse_drops_the_priority_marker_and_keeps_the_rest_as_body() {
        let article = parse("Sugar\n\n****LONDON, March 5 -- India bought sugar.\n");
        assert_eq!(article.dateline, "LONDON, March 5");
        assert_eq!(article.paragraphs, ["India bought sugar."]);
    }

    #[test]
    fn parse_handles_crlf_and_missing_dateline() {
        let article = parse("Title\r\n\r\nBody one.\r\n\r\nBody two.\r\n");
        assert_eq!(article.dateline, "");
        assert_eq!(article.paragraphs, ["Body one.", "Body two."]);
    }

    #[test]
    fn title_only_article_keeps_its_title_as_passage() {
        for text in ["Just a title\n", "Just a title\n\nJust a title\n"] {
            let article = parse(text);
            assert_eq!(article.title, "Just a title");
            assert_eq!(article.paragraphs, ["Just a title"]);
        }
    }
}
