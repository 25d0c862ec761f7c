//! Output: search hits as text for people or JSON Lines for scripts.
//!
//! Owns the look of results (colour, the window shown of a long passage, escaping of control
//! characters from article text) and the JSON contract, [`JsonHit`]. Printers write to any
//! `io::Write` so tests capture them in memory. Deciding whether to colour is the caller's.

use std::io::{self, Write};

use serde::Serialize;

use crate::numbers::thousands;
use crate::schema::{AGENCY, PLACE};
use crate::search::{ArticleView, Count, Explanation, Facets, FileState, Hit};

/// Longest passage excerpt shown to a person, in bytes; longer passages are windowed.
const WINDOW_BYTES: usize = 320;

/// One line of `--json` output: the public contract for scripts.
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    pub rank: usize,
    pub score: f32,
    /// For an article of a file of many: its file's path, `#`, and `id`.
    pub path: &'a str,
    /// The article's id within its file (DOCNO, guid, item id, or its number there);
    /// `null` for a file of one article.
    pub id: Option<&'a str>,
    pub paragraph: u64,
    pub title: &'a str,
    /// `""` when the article has none.
    pub dateline: &'a str,
    /// The passage as indexed, whole.
    pub text: &'a str,
    /// `[start, end)` UTF-8 byte offsets into `text`.
    pub highlights: Vec<[usize; 2]>,
    /// `[start, end)` UTF-8 byte offsets into `title`.
    pub title_highlights: Vec<[usize; 2]>,
    /// `unchanged`, or `changed` / `missing` when the article file changed or vanished since
    /// indexing (the text is then the text indexed).
    pub file: &'static str,
    /// The paths of the near-duplicate articles collapsed into this row (its story's copies),
    /// each also a line of its own right after this one.
    pub copies: Vec<&'a str>,
    /// On a copy's line: the path of the row its story is shown on (`null` on that row).
    pub copy_of: Option<&'a str>,
    /// How many more passages of this article matched than the list shows.
    pub more_in_article: usize,
    /// The article's date (`YYYY-MM-DD`) and where it came from: `path`, `dateline` or
    /// `modified` (the file's time).
    pub date: String,
    pub date_source: &'static str,
    /// With `--explain`: the score taken apart, a tree of `{what, value, parts}` whose
    /// parts' values sum to their whole's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<&'a Explanation>,
}

impl<'a> JsonHit<'a> {
    /// The JSON form of `hit`, ranked `rank` (1-based); a copy names the hit it is a copy of.
    fn new(rank: usize, hit: &'a Hit, copy_of: Option<&'a str>) -> JsonHit<'a> {
        JsonHit {
            rank,
            score: hit.score,
            path: &hit.path,
            id: hit.id.as_deref(),
            paragraph: hit.paragraph,
            title: &hit.title,
            dateline: &hit.dateline,
            text: &hit.text,
            highlights: pairs(&hit.highlights),
            title_highlights: pairs(&hit.title_highlights),
            file: hit.file.name(),
            copies: hit.copies.iter().map(|copy| copy.path.as_str()).collect(),
            copy_of,
            more_in_article: hit.more_in_article,
            date: hit.date.to_string(),
            date_source: hit.date_source.name(),
            explanation: hit.explanation.as_ref(),
        }
    }
}

/// How hits look to a person.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// The first hit's rank.
    pub first_rank: usize,
    pub colour: bool,
}

/// The JSON lines of `hits`, the first ranked `first_rank`: each hit, then each of its
/// copies at its rank, so that a script sees every article found and which are one story.
pub fn json_lines(hits: &[Hit], first_rank: usize) -> Vec<JsonHit<'_>> {
    let mut lines = Vec::with_capacity(hits.len());
    for (i, hit) in hits.iter().enumerate() {
        let rank = first_rank + i;
        lines.push(JsonHit::new(rank, hit, None));
        lines.extend(
            hit.copies
                .iter()
                .map(|copy| JsonHit::new(rank, copy, Some(&hit.path))),
        );
    }
    lines
}

/// Prints hits as JSON Lines (see `json_lines`); the first is ranked `first_rank`.
pub fn print_json(out: &mut impl Write, hits: &[Hit], first_rank: usize) -> io::Result<()> {
    for line in json_lines(hits, first_rank) {
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The line `search --json --facets` ends with: the matching stories by place, agency and
/// date.
#[derive(Debug, Serialize)]
pub struct JsonFacets<'a> {
    pub facets: &'a Facets,
}

/// Prints a query's facets for a person: the stories, then a line a facet, the most stories
/// first, and the date bars with the filter that narrows to each value.
pub fn print_facets(out: &mut impl Write, facets: &Facets) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{} stories", thousands(facets.stories))?;
    let list = |counts: &[Count], name: &str| -> String {
        counts
            .iter()
            .map(|count| {
                format!(
                    "{}:{} {}",
                    name,
                    quoted(&count.value),
                    thousands(count.stories)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !facets.places.is_empty() {
        writeln!(out, "places    {}", sanitize(&list(&facets.places, PLACE)))?;
    }
    if !facets.agencies.is_empty() {
        writeln!(
            out,
            "agencies  {}",
            sanitize(&list(&facets.agencies, AGENCY))
        )?;
    }
    let most = facets
        .dates
        .iter()
        .map(|bar| bar.stories)
        .max()
        .unwrap_or(0);
    // A run of empty periods is one line: a timeline of a story that went quiet for months
    // is a screen of zeros otherwise.
    let mut bars = facets.dates.iter().peekable();
    while let Some(bar) = bars.next() {
        let mut last = bar;
        let mut empty = 1;
        while bar.stories == 0
            && let Some(next) = bars.next_if(|next| next.stories == 0)
        {
            last = next;
            empty += 1;
        }
        let label = if bar.since == last.until {
            bar.since.clone()
        } else {
            format!("{}..{}", bar.since, last.until)
        };
        let drawn = if empty > 1 {
            format!("({empty} {}s)", facets.date_unit)
        } else if most == 0 {
            String::new()
        } else {
            "█".repeat((bar.stories * BAR_WIDTH).div_ceil(most) as usize)
        };
        writeln!(out, "{:<22} {:>6} {}", label, thousands(bar.stories), drawn)?;
    }
    Ok(())
}

/// The widest date bar, in characters.
const BAR_WIDTH: u64 = 40;

/// A facet value as a filter takes it: quoted when it holds a space.
fn quoted(value: &str) -> String {
    if value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// `newsdex show --json`: one article, the public contract for scripts (and the server).
#[derive(Debug, Serialize)]
pub struct JsonArticle<'a> {
    pub path: &'a str,
    /// As [`JsonHit::id`].
    pub id: Option<&'a str>,
    /// As [`JsonHit::date`] and [`JsonHit::date_source`].
    pub date: String,
    pub date_source: &'static str,
    pub title: &'a str,
    pub dateline: &'a str,
    pub title_highlights: Vec<[usize; 2]>,
    pub file: &'static str,
    pub paragraphs: Vec<JsonParagraph<'a>>,
}

/// One paragraph of a [`JsonArticle`].
#[derive(Debug, Serialize)]
pub struct JsonParagraph<'a> {
    pub number: u64,
    pub text: &'a str,
    pub highlights: Vec<[usize; 2]>,
}

impl<'a> JsonArticle<'a> {
    pub fn new(article: &'a ArticleView) -> JsonArticle<'a> {
        JsonArticle {
            path: &article.path,
            id: article.id.as_deref(),
            date: article.date.to_string(),
            date_source: article.date_source.name(),
            title: &article.title,
            dateline: &article.dateline,
            title_highlights: pairs(&article.title_highlights),
            file: article.file.name(),
            paragraphs: article
                .paragraphs
                .iter()
                .map(|paragraph| JsonParagraph {
                    number: paragraph.number,
                    text: &paragraph.text,
                    highlights: pairs(&paragraph.highlights),
                })
                .collect(),
        }
    }
}

/// Byte ranges as JSON pairs.
fn pairs(ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    ranges.iter().map(|&(start, end)| [start, end]).collect()
}

/// Prints an article for a person: its path, date, dateline and title, then each paragraph whole,
/// numbered as `search` numbers passages, the marked words highlighted.
pub fn print_article(out: &mut impl Write, article: &ArticleView, colour: bool) -> io::Result<()> {
    let style = if colour { &COLOUR } else { &PLAIN };
    writeln!(
        out,
        "{}{}{}{}",
        style.path,
        sanitize(&article.path),
        style.reset,
        file_note(article.file)
    )?;
    let title = marked(
        &article.title,
        &article.title_highlights,
        0,
        article.title.len(),
        style,
        style.meta,
    );
    // As a hit's line: the date, the dateline, the title.
    let meta = if article.dateline.is_empty() {
        format!("{} · {title}", article.date)
    } else {
        format!(
            "{} · {} · {title}",
            article.date,
            sanitize(&article.dateline)
        )
    };
    writeln!(out, "{}{}{}", style.meta, meta, style.reset)?;
    for paragraph in &article.paragraphs {
        let text = marked(
            &paragraph.text,
            &paragraph.highlights,
            0,
            paragraph.text.len(),
            style,
            "",
        );
        writeln!(
            out,
            "\n{}¶{}{} {text}",
            style.rank, paragraph.number, style.reset
        )?;
    }
    Ok(())
}

/// What a row says after its path when the list leaves out passages of its article.
fn more_note(more: usize) -> String {
    match more {
        0 => String::new(),
        more => format!("  (+{more} more in this article)"),
    }
}

/// `copy` as shown beside `path`: its file name when both are in one folder, else whole.
fn beside<'a>(path: &str, copy: &'a str) -> &'a str {
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    match copy.rsplit_once('/') {
        Some((copy_folder, name)) if copy_folder == folder => name,
        _ => copy,
    }
}

/// What a hit or article says after its path when its file is no longer the one indexed.
fn file_note(file: FileState) -> &'static str {
    match file {
        FileState::Unchanged => "",
        FileState::Changed => " (file changed since indexing)",
        FileState::Missing => " (file gone since indexing)",
    }
}

/// Terminal styles, empty when colour is off.
struct Style {
    rank: &'static str,
    path: &'static str,
    meta: &'static str,
    mark: &'static str,
    /// Ends a mark.
    unmark: &'static str,
    reset: &'static str,
}

const COLOUR: Style = Style {
    rank: "\x1b[1m",
    path: "\x1b[35m",
    meta: "\x1b[32m",
    mark: "\x1b[1;31m",
    unmark: "\x1b[0m",
    reset: "\x1b[0m",
};

/// Without colour, highlighted words are bracketed so they still stand out in a pipe.
const PLAIN: Style = Style {
    rank: "",
    path: "",
    meta: "",
    mark: "[",
    unmark: "]",
    reset: "",
};

/// Prints hits for a person; the first is ranked `first_rank`:
///
/// ```text
/// 1. 12.30  corpus/turkey-unhappy-with-syria-talks.txt ¶9
///    ANKARA, Turkey (AP) · Turkey Unhappy With Syria Talks
///    …collapse of the [cease-fire] deal struck in Sochi…
/// ```
///
/// A hit whose article file changed or vanished since indexing says so after its path.
pub fn print_human(out: &mut impl Write, hits: &[Hit], look: Look) -> io::Result<()> {
    let style = if look.colour { &COLOUR } else { &PLAIN };
    let first_rank = look.first_rank;
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}{}.{} {:.2}  {}{}{} ¶{}{}{}",
            style.rank,
            first_rank + i,
            style.reset,
            hit.score,
            style.path,
            sanitize(&hit.path),
            style.reset,
            hit.paragraph,
            file_note(hit.file),
            more_note(hit.more_in_article)
        )?;
        let title = marked(
            &hit.title,
            &hit.title_highlights,
            0,
            hit.title.len(),
            style,
            style.meta,
        );
        let meta = if hit.dateline.is_empty() {
            format!("{} · {title}", hit.date)
        } else {
            format!("{} · {} · {title}", hit.date, sanitize(&hit.dateline))
        };
        writeln!(out, "   {}{}{}", style.meta, meta, style.reset)?;
        if !hit.copies.is_empty() {
            let copies: Vec<String> = hit
                .copies
                .iter()
                .map(|copy| sanitize(beside(&hit.path, &copy.path)))
                .collect();
            writeln!(out, "   also: {}", copies.join(", "))?;
        }
        let (start, end) = window(&hit.text, &hit.highlights, WINDOW_BYTES);
        let mut line = String::from("   ");
        if start > 0 {
            line.push('…');
        }
        line.push_str(&marked(&hit.text, &hit.highlights, start, end, style, ""));
        if end < hit.text.len() {
            line.push('…');
        }
        writeln!(out, "{line}")?;
        if let Some(explanation) = &hit.explanation {
            print_explanation(out, explanation, 1)?;
        }
    }
    Ok(())
}

/// Prints a score's explanation as an indented tree: value, then what it is.
fn print_explanation(out: &mut impl Write, part: &Explanation, depth: usize) -> io::Result<()> {
    writeln!(
        out,
        "{:indent$}{:>9.4}  {}",
        "",
        part.value,
        sanitize(&part.what),
        indent = 1 + 2 * depth
    )?;
    for child in &part.parts {
        print_explanation(out, child, depth + 1)?;
    }
    Ok(())
}

/// `text[start..end]`, escaped, with the highlighted ranges inside it marked; after each mark
/// the style `resume` is taken up again.
fn marked(
    text: &str,
    highlights: &[(usize, usize)],
    start: usize,
    end: usize,
    style: &Style,
    resume: &str,
) -> String {
    let mut line = String::new();
    let mut at = start;
    for &(from, to) in highlights {
        if from < at || to > end {
            continue;
        }
        line.push_str(&sanitize(&text[at..from]));
        line.push_str(style.mark);
        line.push_str(&sanitize(&text[from..to]));
        line.push_str(style.unmark);
        line.push_str(resume);
        at = to;
    }
    line.push_str(&sanitize(&text[at..end]));
    line
}

/// The byte range of `text` to show when it is longer than `max_bytes`: the window with the
/// most highlighted words, widened to word boundaries. Returns `(start, end)`.
pub fn window(text: &str, highlights: &[(usize, usize)], max_bytes: usize) -> (usize, usize) {
    if text.len() <= max_bytes {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize); // (count, start)
    for (i, &(start, _)) in highlights.iter().enumerate() {
        let count = highlights[i..]
            .iter()
            .take_while(|(_, end)| *end <= start + max_bytes)
            .count();
        if count > best.0 {
            best = (count, start);
        }
    }
    // Some context before the first highlighted word.
    let mut start = text.floor_char_boundary(best.1.saturating_sub(max_bytes / 5));
    if start > 0 {
        start = text[..start]
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
    }
    let mut end = text.floor_char_boundary(start + max_bytes);
    if end < text.len() {
        end = text[..end]
            .rfind(char::is_whitespace)
            .filter(|&at| at > start)
            .unwrap_or(end);
    }
    (start, end)
}

/// Replaces control characters (a newline in a file name, an escape sequence in an article)
/// with visible escapes, so article text never drives the terminal.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{DateSource, Day};

    fn hit(text: &str, highlights: Vec<(usize, usize)>) -> Hit {
        Hit {
            score: 1.5,
            path: "corpus/a.txt".into(),
            id: None,
            paragraph: 2,
            title: "Title".into(),
            dateline: "PARIS".into(),
            text: text.into(),
            highlights,
            title_highlights: Vec::new(),
            file: FileState::Unchanged,
            copies: Vec::new(),
            more_in_article: 0,
            date: Day(18_192),
            date_source: DateSource::Path,
            explanation: None,
        }
    }

    const LOOK: Look = Look {
        first_rank: 1,
        colour: false,
    };

    #[test]
    fn plain_output_brackets_highlights() {
        let mut out = Vec::new();
        print_human(&mut out, &[hit("a cease-fire deal", vec![(2, 12)])], LOOK).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "1. 1.50  corpus/a.txt ¶2\n   2019-10-23 · PARIS · Title\n   a [cease-fire] deal\n"
        );
    }

    #[test]
    fn long_passages_are_windowed_around_matches() {
        let text = format!("{} ceasefire {}", "word ".repeat(200), "tail ".repeat(200));
        let at = text.find("ceasefire").unwrap();
        let mut out = Vec::new();
        print_human(&mut out, &[hit(&text, vec![(at, at + 9)])], LOOK).unwrap();
        let shown = String::from_utf8(out).unwrap();
        let passage = shown.lines().nth(2).unwrap();
        assert!(
            passage.starts_with("   …") && passage.ends_with('…'),
            "{passage}"
        );
        assert!(passage.contains("[ceasefire]") && passage.len() < 400);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
    }

    #[test]
    fn json_lines_parse_back() {
        let mut out = Vec::new();
        print_json(&mut out, &[hit("São cease", vec![(5, 10)])], 1).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["rank"], 1);
        assert_eq!(value["highlights"][0][0], 5);
        assert_eq!(value["dateline"], "PARIS");
    }

    #[test]
    fn a_run_of_empty_periods_is_one_line() {
        use crate::search::{DateCount, Facets};
        let week = |since: &str, until: &str, stories| DateCount {
            since: since.into(),
            until: until.into(),
            stories,
        };
        let facets = Facets {
            stories: 9,
            date_unit: "week",
            dates: vec![
                week("1987-06-01", "1987-06-07", 6),
                week("1987-06-08", "1987-06-14", 0),
                week("1987-06-15", "1987-06-21", 3),
                week("1987-06-22", "1987-06-28", 0),
                week("1987-06-29", "1987-07-05", 0),
                week("1987-07-06", "1987-07-12", 0),
                week("1987-07-13", "1987-07-19", 2),
            ],
            ..Facets::default()
        };
        let mut out = Vec::new();
        print_facets(&mut out, &facets).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("1987"))
            .map(str::trim_end)
            .collect();
        assert_eq!(
            lines,
            [
                "1987-06-01..1987-06-07      6 ████████████████████████████████████████",
                "1987-06-08..1987-06-14      0",
                "1987-06-15..1987-06-21      3 ████████████████████",
                "1987-06-22..1987-07-12      0 (3 weeks)",
                "1987-07-13..1987-07-19      2 ██████████████",
            ]
        );
    }
}
