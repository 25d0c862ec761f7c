//! Article parsing: decoded text → title, dateline and body paragraphs.
//!
//! Owns the shape of one article file (title line, blank line, paragraphs) and the recognition
//! of wire-copy datelines such as `ANKARA, Turkey (AP) --`. It knows nothing about files or
//! encodings (see `corpus`) nor about tokens (see `analysis`).

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
    if let Some(first) = paragraphs.first_mut() {
        if let Some((found, rest_at)) = find_dateline(first) {
            dateline = found.to_string();
            let rest = first[rest_at..].trim_start().to_string();
            if rest.is_empty() {
                paragraphs.remove(0);
            } else {
                *first = rest;
            }
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

/// Separators that end a dateline, longest first so `--` wins over `-`.
const SEPARATORS: [&str; 4] = [" -- ", " — ", " – ", " - "];

/// Datelines are short; anything longer before the separator is a sentence.
const MAX_DATELINE_BYTES: usize = 90;

/// Finds a dateline at the start of a paragraph. Returns the dateline text (without separator)
/// and the byte offset where the rest of the paragraph starts.
pub fn find_dateline(paragraph: &str) -> Option<(&str, usize)> {
    let window_end = floor_char_boundary(paragraph, MAX_DATELINE_BYTES + 5);
    let window = &paragraph[..window_end];
    // The earliest separator: a dateline never contains one itself.
    let (at, separator) = SEPARATORS
        .iter()
        .filter_map(|sep| window.find(sep).map(|at| (at, *sep)))
        .min_by_key(|(at, sep)| (*at, std::cmp::Reverse(sep.len())))
        .or_else(|| bare_dash_separator(window))?;
    let candidate = paragraph[..at].trim_end();
    if candidate.len() > MAX_DATELINE_BYTES || !is_dateline(candidate) {
        return None;
    }
    Some((candidate, at + separator.len()))
}

/// `NEW YORK—The city…`: an em or en dash with no spaces also separates a dateline.
fn bare_dash_separator(window: &str) -> Option<(usize, &'static str)> {
    ["—", "–"]
        .iter()
        .filter_map(|sep| window.find(sep).map(|at| (at, *sep)))
        .min()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Checks the text before a separator: `PLACE[, REGION…][, DATE][ (AGENCY)]`.
fn is_dateline(candidate: &str) -> bool {
    let (body, agency) = split_agency(candidate);
    if agency.is_some_and(|agency| !is_agency(agency)) {
        return false;
    }
    let body = body.trim_end_matches(',').trim();
    if body.is_empty() {
        return false;
    }
    let mut parts = body.split(',').map(str::trim);
    let Some(place) = parts.next() else {
        return false;
    };
    if !is_place(place, true) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    for (i, part) in rest.iter().enumerate() {
        let is_last = i + 1 == rest.len();
        let ok = if is_last {
            is_date(part) || is_place(part, false)
        } else {
            is_place(part, false)
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Splits a trailing `(AP)` off the candidate.
fn split_agency(candidate: &str) -> (&str, Option<&str>) {
    let trimmed = candidate.trim_end();
    if let Some(without_close) = trimmed.strip_suffix(')') {
        if let Some(open) = without_close.rfind('(') {
            return (&trimmed[..open], Some(&without_close[open + 1..]));
        }
    }
    (trimmed, None)
}

/// An agency name: one to four capitalised words (`AP`, `Reuters`, `AFP`, `Dow Jones`).
fn is_agency(agency: &str) -> bool {
    let words: Vec<&str> = agency.split_whitespace().collect();
    !words.is_empty() && words.len() <= 4 && words.iter().all(|word| starts_upper(word))
}

/// Words that may stand lower-case inside a place name (`Rio de Janeiro`).
const PLACE_CONNECTORS: [&str; 12] = [
    "de", "da", "do", "dos", "das", "del", "la", "le", "el", "al", "of", "on",
];

/// A place: up to six words, each capitalised (or a known connector, not first). A city —
/// the first part — must be all capitals or title case with at most four words.
fn is_place(part: &str, is_city: bool) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let max_words = if is_city { 4 } else { 6 };
    if words.is_empty() || words.len() > max_words {
        return false;
    }
    words.iter().enumerate().all(|(i, word)| {
        let word = word.trim_end_matches('.');
        (i > 0 && PLACE_CONNECTORS.contains(&word)) || is_place_word(word)
    })
}

/// `ANKARA`, `Turkey`, `N.Y`, `SÃO`, `O'HARE`, `Winston-Salem`, `St`.
fn is_place_word(word: &str) -> bool {
    starts_upper(word)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-' | '&'))
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `Nov 24`, `Sept. 12`, `March 3`, `24 November`, `Nov. 24, 2019` is cut at commas before us.
fn is_date(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    match words.as_slice() {
        [month, day] => (is_month(month) && is_day(day)) || (is_day(month) && is_month(day)),
        [month] => is_month(month) || is_year(month),
        _ => false,
    }
}

fn is_month(word: &str) -> bool {
    let word = word.trim_end_matches('.').to_lowercase();
    word.len() >= 3
        && MONTHS
            .iter()
            .any(|month| *month == word || (word.len() <= 4 && month.starts_with(&word)))
}

fn is_day(word: &str) -> bool {
    word.parse::<u8>().is_ok_and(|day| (1..=31).contains(&day))
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u16>()
            .is_ok_and(|year| (1800..=2200).contains(&year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dateline(paragraph: &str) -> Option<(&str, &str)> {
        find_dateline(paragraph).map(|(found, at)| (found, paragraph[at..].trim_start()))
    }

    #[test]
    fn dateline_shapes() {
        let cases = [
            (
                "ANKARA, Turkey (AP) -- Turkey's minister",
                "ANKARA, Turkey (AP)",
            ),
            ("WASHINGTON (Reuters) - The Fed", "WASHINGTON (Reuters)"),
            (
                "LONDON, Nov 24 (Reuters) - Shares fell",
                "LONDON, Nov 24 (Reuters)",
            ),
            ("NEW YORK — The subway", "NEW YORK"),
            ("NEW YORK—The subway", "NEW YORK"),
            ("PARIS, March 3 -- The talks", "PARIS, March 3"),
            ("ZÜRICH, Sept. 12 (AFP) -- Banks", "ZÜRICH, Sept. 12 (AFP)"),
            (
                "SÃO PAULO, Brazil (Reuters) - Coffee",
                "SÃO PAULO, Brazil (Reuters)",
            ),
            ("ALBANY, N.Y. (AP) -- Lawmakers", "ALBANY, N.Y. (AP)"),
            ("London, March 11 -- Gold rose", "London, March 11"),
            ("Rio de Janeiro, Jan. 5 -- Rain", "Rio de Janeiro, Jan. 5"),
            ("BEIRUT – Talks resumed", "BEIRUT"),
            ("COMMACK, N.Y., Feb 26 -- Computer", "COMMACK, N.Y., Feb 26"),
            (
                "CHARLOTTETOWN, Prince Edward Island, March 26 -- Island",
                "CHARLOTTETOWN, Prince Edward Island, March 26",
            ),
            ("MCLEAN, Va., March 26 -- Shr loss", "MCLEAN, Va., March 26"),
            (
                "GENEVA, 24 November (Reuters) - Talks",
                "GENEVA, 24 November (Reuters)",
            ),
            (
                "WINSTON-SALEM, N.C. (AP) -- Tobacco",
                "WINSTON-SALEM, N.C. (AP)",
            ),
        ];
        for (paragraph, expected) in cases {
            let (found, rest) = dateline(paragraph).unwrap_or_else(|| panic!("{paragraph}"));
            assert_eq!(found, expected, "{paragraph}");
            assert!(!rest.is_empty() && !rest.starts_with('-'), "{paragraph}");
        }
    }

    #[test]
    fn near_misses_are_not_datelines() {
        let cases = [
            "the talks -- which began Monday -- stalled",
            "\"We will not retreat -- ever,\" the minister said.",
            "Officials met on Monday in LONDON -- the capital -- to talk.",
            "Turkey said Thursday -- after talks -- that it would wait.",
            "It was a long day - and a longer night.",
            "The vote, held in PARIS, March 3 -- was close.",
            "A 12-member panel -- appointed last year -- met.",
            "",
            "-- leading dash",
        ];
        for paragraph in cases {
            assert_eq!(dateline(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn parse_splits_title_dateline_and_paragraphs() {
        let text = "Turkey Unhappy\n\nTurkey Unhappy\n\nANKARA, Turkey (AP) -- First part\nstill first.\n\nSecond.\n";
        let article = parse(text);
        assert_eq!(article.title, "Turkey Unhappy");
        assert_eq!(article.dateline, "ANKARA, Turkey (AP)");
        assert_eq!(article.paragraphs, ["First part still first.", "Second."]);
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
