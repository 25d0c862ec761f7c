//! The SGML that TREC and Reuters-21578 files are written in: splitting a stream of lines
//! into records (`<DOC>…</DOC>`, `<REUTERS …>…</REUTERS>`), finding a record's fields, and
//! turning a field into text.
//!
//! This is not a general SGML parser: these collections use a handful of tags, always
//! closed, with no DTD worth reading. Tag names match in any case. A record that is never
//! closed ends where the next one starts (or at the end of the file), with an error naming
//! its line, so one broken record never takes the rest of the file with it. Records over [`MAX_RECORD_BYTES`] are
//! skipped, so memory stays flat whatever the file holds.

use quick_xml::escape::resolve_html5_entity;

use super::FormatError;
use super::text::indented_paragraphs;

/// A record larger than this is skipped with an error (the largest TREC document is ~2 MB).
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// A complete record's text, from its start tag to its end tag, and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    pub line: u64,
    pub text: String,
}

/// Splits lines into records of one root tag (`DOC`, `REUTERS`).
#[derive(Debug)]
pub struct Splitter {
    root: &'static str,
    open: Option<Open>,
    /// The line of the first stray text since the last record, reported once a run.
    stray_from: Option<u64>,
}

#[derive(Debug)]
struct Open {
    line: u64,
    text: String,
    oversized: bool,
}

impl Splitter {
    pub fn new(root: &'static str) -> Splitter {
        Splitter {
            root,
            open: None,
            stray_from: None,
        }
    }

    /// Feeds one line (without its line end); complete records and errors come out.
    pub fn feed(
        &mut self,
        number: u64,
        line: &str,
        records: &mut Vec<RawRecord>,
        errors: &mut Vec<FormatError>,
    ) {
        let mut rest = line;
        loop {
            match &mut self.open {
                None => {
                    let Some(at) = find_tag(rest, self.root, false) else {
                        self.stray(number, rest);
                        return;
                    };
                    self.stray(number, &rest[..at]);
                    self.report_stray(errors);
                    self.open = Some(Open {
                        line: number,
                        text: String::new(),
                        oversized: false,
                    });
                    rest = &rest[at..];
                    // Search for the end tag after the start tag's `<`.
                    let (head, tail) = rest.split_at(1);
                    self.append(head);
                    rest = tail;
                }
                Some(open) => {
                    let end = find_tag(rest, self.root, true);
                    let next_start = find_tag(rest, self.root, false);
                    match (end, next_start) {
                        (Some(end), start) if start.is_none_or(|start| end < start) => {
                            let close = rest[end..].find('>').map_or(rest.len(), |at| end + at + 1);
                            self.append(&rest[..close]);
                            if let Some(open) = self.open.take() {
                                finish(open, self.root, records, errors);
                            }
                            rest = &rest[close..];
                        }
                        (_, Some(start)) => {
                            let unclosed_line = open.line;
                            self.append(&rest[..start]);
                            errors.push(FormatError::at(
                                unclosed_line,
                                format!(
                                    "<{}> is not closed before the next one starts (line {number}); \
                                     it is read up to there",
                                    self.root
                                ),
                            ));
                            if let Some(open) = self.open.take() {
                                finish(open, self.root, records, errors);
                            }
                            rest = &rest[start..];
                        }
                        _ => {
                            self.append(rest);
                            self.append("\n");
                            return;
                        }
                    }
                }
            }
        }
    }

    /// The end of the input: a record still open is read as far as it goes, with an error.
    pub fn finish(&mut self, records: &mut Vec<RawRecord>, errors: &mut Vec<FormatError>) {
        self.report_stray(errors);
        if let Some(open) = self.open.take() {
            errors.push(FormatError::at(
                open.line,
                format!(
                    "<{}> is never closed (the file ends first); it is read as far as it goes",
                    self.root
                ),
            ));
            finish(open, self.root, records, errors);
        }
    }

    fn append(&mut self, text: &str) {
        if let Some(open) = &mut self.open {
            if open.oversized {
                return;
            }
            if open.text.len() + text.len() > MAX_RECORD_BYTES {
                open.oversized = true;
                open.text = String::new();
                return;
            }
            open.text.push_str(text);
        }
    }

    /// Text outside records; markup declarations (`<!DOCTYPE lewis …>`) are not text.
    fn stray(&mut self, number: u64, text: &str) {
        let text = text.trim();
        let declaration = text.starts_with("<!") || text.starts_with("<?");
        if !text.is_empty() && !declaration && self.stray_from.is_none() {
            self.stray_from = Some(number);
        }
    }

    fn report_stray(&mut self, errors: &mut Vec<FormatError>) {
        if let Some(line) = self.stray_from.take() {
            errors.push(FormatError::at(
                line,
                format!("text outside any <{}> record is not read", self.root),
            ));
        }
    }
}

fn finish(open: Open, root: &str, records: &mut Vec<RawRecord>, errors: &mut Vec<FormatError>) {
    if open.oversized {
        errors.push(FormatError::at(
            open.line,
            format!(
                "<{root}> record is over {} MiB; it is skipped",
                MAX_RECORD_BYTES >> 20
            ),
        ));
    } else {
        records.push(RawRecord {
            line: open.line,
            text: open.text,
        });
    }
}

/// The byte offset of `<NAME` (or `</NAME` when `end`) followed by `>`, a space or the end
/// of the text, in any case; `<DOCNO>` is not `<DOC>`.
fn find_tag(text: &str, name: &str, end: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let prefix_len = if end { 2 } else { 1 };
    let mut from = 0;
    while let Some(at) = text.get(from..)?.find('<').map(|at| from + at) {
        let name_at = at + prefix_len;
        let is_end = bytes.get(at + 1) == Some(&b'/');
        let name_matches = bytes
            .get(name_at..name_at + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()));
        let boundary = bytes
            .get(name_at + name.len())
            .is_none_or(|b| *b == b'>' || b.is_ascii_whitespace());
        if is_end == end && name_matches && boundary {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// One element of a record, found at the top level of some content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// The tag name in upper case.
    pub name: String,
    /// What follows the name in the start tag (`NEWID="1" TOPICS="YES"`).
    pub attributes: &'a str,
    pub body: &'a str,
    /// Byte offset of the start tag in the content, for line numbers.
    pub offset: usize,
}

/// A record's root tag attributes and its content after the root's start tag, without the
/// root's end tag when it has one.
pub fn split_root(record: &str) -> (&str, &str) {
    let Some(open_end) = record.find('>') else {
        return ("", "");
    };
    let start_tag = record[..open_end].trim_start_matches('<');
    let (name, attributes) = start_tag
        .split_once(char::is_whitespace)
        .unwrap_or((start_tag, ""));
    let content = &record[open_end + 1..];
    let content = match content.rfind("</") {
        Some(close) if find_tag(&content[close..], name, true) == Some(0) => &content[..close],
        _ => content,
    };
    (attributes, content)
}

/// The line a piece of a record starts on (`piece` must be a slice of the record's text).
pub fn line_of(record: &RawRecord, piece: &str) -> u64 {
    let offset = (piece.as_ptr() as usize)
        .saturating_sub(record.text.as_ptr() as usize)
        .min(record.text.len());
    record.line
        + record.text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
}

/// The top-level elements in some content; an element that is never closed gets an error
/// (its byte offset and message) and the text up to the next tag as its body.
pub fn fields(content: &str) -> (Vec<Field<'_>>, Vec<(usize, String)>) {
    let upper = content.to_ascii_uppercase();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(at) = content
        .get(from..)
        .and_then(|rest| rest.find('<'))
        .map(|at| from + at)
    {
        let rest = &content[at..];
        if rest.starts_with("<!--") {
            from = rest.find("-->").map_or(content.len(), |end| at + end + 3);
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .map_or(rest.len() - 1, |len| len);
        if name_len == 0 || !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            from = at + 1;
            continue;
        }
        let Some(tag_end) = rest.find('>') else {
            break;
        };
        let name = upper[at + 1..at + 1 + name_len].to_string();
        let attributes = rest[1 + name_len..tag_end].trim();
        let body_start = at + tag_end + 1;
        let closing = format!("</{name}");
        let close = upper[body_start..]
            .match_indices(&closing)
            .map(|(offset, _)| body_start + offset)
            .find(|&close| {
                upper.as_bytes()[close + closing.len()..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_none_or(|b| *b == b'>')
            });
        let (body, next) = match close {
            Some(close) => {
                let after = content[close..]
                    .find('>')
                    .map_or(content.len(), |end| close + end + 1);
                (&content[body_start..close], after)
            }
            None => {
                errors.push((at, format!("<{name}> is not closed")));
                let end = content[body_start..]
                    .find('<')
                    .map_or(content.len(), |end| body_start + end);
                (&content[body_start..end], end)
            }
        };
        found.push(Field {
            name,
            attributes,
            body,
            offset: at,
        });
        from = next.max(at + 1);
    }
    (found, errors)
}

/// An attribute's value from a start tag's attributes (`NEWID="1"` or `NEWID=1`), any case.
pub fn attribute(attributes: &str, name: &str) -> Option<String> {
    let upper = attributes.to_ascii_uppercase();
    let wanted = name.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper.get(from..)?.find(&wanted).map(|at| from + at) {
        let before_ok = at == 0 || upper.as_bytes()[at - 1].is_ascii_whitespace();
        let after = attributes[at + wanted.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let value = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
                _ => value.split(char::is_whitespace).next().unwrap_or(""),
            };
            return Some(decode_entities(value));
        }
        from = at + 1;
    }
    None
}

/// A field's text on one line: tags and comments dropped, entities decoded.
pub fn field_text(body: &str) -> String {
    super::text::tidy(&decode_entities(&strip_tags(body, false)))
}

/// A field's paragraphs: each `<P>` one when the text has them (LA Times, FBIS), else the
/// wire rule of blank and indented lines.
pub fn field_paragraphs(body: &str) -> Vec<String> {
    let (paragraph_fields, _) = fields(body);
    let paragraphs: Vec<&Field<'_>> = paragraph_fields
        .iter()
        .filter(|field| field.name == "P")
        .collect();
    if paragraphs.is_empty() {
        return indented_paragraphs(&decode_entities(&strip_tags(body, true)));
    }
    paragraphs
        .iter()
        .map(|field| field_text(field.body))
        .filter(|text| !text.is_empty())
        .collect()
}

/// Drops tags and comments; `keep_lines` keeps line structure for the paragraph rules.
fn strip_tags(text: &str, keep_lines: bool) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        plain.push_str(&rest[..at]);
        let tag = &rest[at..];
        let starts_tag =
            tag[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !starts_tag {
            plain.push('<');
            rest = &tag[1..];
            continue;
        }
        let end = if tag.starts_with("<!--") {
            tag.find("-->").map(|end| end + 3)
        } else {
            tag.find('>').map(|end| end + 1)
        };
        let Some(end) = end else {
            rest = "";
            break;
        };
        if keep_lines {
            plain.extend(tag[..end].chars().filter(|c| *c == '\n'));
        } else {
            plain.push(' ');
        }
        rest = &tag[end..];
    }
    plain.push_str(rest);
    plain
}

/// Decodes `&lt;`, `&#3;`, `&#x41;`, HTML's named entities and the SGML ones TREC uses
/// (`&hyph;`, `&blank;`); anything else stays as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let candidate = &rest[at + 1..];
        let end = candidate
            .char_indices()
            .take(32)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
            .filter(|(_, c)| *c == ';');
        let resolved = end.and_then(|(end, _)| {
            let name = &candidate[..end];
            let value = if let Some(number) = name.strip_prefix('#') {
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse().ok(),
                };
                char::from_u32(code?).map(String::from)
            } else {
                match name {
                    "hyph" => Some("-".to_string()),
                    "blank" => Some(" ".to_string()),
                    _ => resolve_html5_entity(name).map(str::to_string),
                }
            };
            Some((value?, end))
        });
        match resolved {
            Some((value, end)) => {
                decoded.push_str(&value);
                rest = &candidate[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = candidate;
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(lines: &[&str]) -> (Vec<RawRecord>, Vec<FormatError>) {
        let mut splitter = Splitter::new("DOC");
        let (mut records, mut errors) = (Vec::new(), Vec::new());
        for (at, line) in lines.iter().enumerate() {
            splitter.feed(at as u64 + 1, line, &mut records, &mut errors);
        }
        splitter.finish(&mut records, &mut errors);
        (records, errors)
    }

    #[test]
    fn records_are_split_on_their_root_tag_in_any_case() {
        let (records, errors) = split(&[
            "<DOC>",
            "<DOCNO> 1 </DOCNO>",
            "</DOC>",
            "<doc><DOCNO>2</DOCNO></doc><DOC>",
            "x",
            "</DOC>",
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 4, 4]);
        assert_eq!(records[0].text, "<DOC>\n<DOCNO> 1 </DOCNO>\n</DOC>");
        assert_eq!(records[1].text, "<doc><DOCNO>2</DOCNO></doc>");
    }

    #[test]
    fn an_unclosed_record_ends_where_the_next_starts() {
        let (records, errors) = split(&[
            "<DOC>",
            "<DOCNO>1</DOCNO>",
            "<DOC>",
            "<DOCNO>2</DOCNO>",
            "</DOC>",
            "<DOC>",
            "cut",
        ]);
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].text, "<DOC>\n<DOCNO>1</DOCNO>\n");
        assert!(records[1].text.contains(">2<"));
        assert_eq!(records[2].text, "<DOC>\ncut\n");
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[1].line), (Some(1), Some(6)));
    }

    #[test]
    fn stray_text_between_records_is_reported_once() {
        let (records, errors) = split(&["junk", "more junk", "<DOC>", "</DOC>", "", "tail"]);
        assert_eq!(records.len(), 1);
        let lines: Vec<Option<u64>> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(1), Some(6)]);
    }

    #[test]
    fn fields_attributes_and_text() {
        let record = "<REUTERS NEWID=\"7\" OLDID='9'>\n<DATE>26-FEB-1987</DATE>\n<TEXT TYPE=\"NORM\"><TITLE>A &amp; B</TITLE></TEXT><!-- <DATE>no</DATE> --><unclosed>rest</REUTERS>";
        let (attributes, content) = split_root(record);
        assert_eq!(attribute(attributes, "newid").as_deref(), Some("7"));
        assert_eq!(attribute(attributes, "OLDID").as_deref(), Some("9"));
        assert_eq!(attribute(attributes, "ID"), None);
        let (found, errors) = fields(content);
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["DATE", "TEXT", "UNCLOSED"]);
        assert_eq!(found[1].attributes, "TYPE=\"NORM\"");
        assert_eq!(errors.len(), 1);
        assert_eq!(
            split_root("<DOC>\n<DOCNO>1</DOCNO>\n").1,
            "\n<DOCNO>1</DOCNO>\n"
        );
        let (inner, _) = fields(found[1].body);
        assert_eq!(field_text(inner[0].body), "A & B");
    }

    #[test]
    fn paragraphs_from_p_tags_or_indentation() {
        assert_eq!(
            field_paragraphs("<P>\nOne\nline.\n</P>\n<P>Two.</P>"),
            ["One line.", "Two."]
        );
        assert_eq!(
            field_paragraphs("\n   First para\nwraps.\n   Second.\n"),
            ["First para wraps.", "Second."]
        );
    }

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode_entities("&lt;A&gt; &#3;&#x41; &hyph; &eacute; &bogus; & x"),
            "<A> \u{3}A - é &bogus; & x"
        );
        assert_eq!(decode_entities("&#99999999999;"), "&#99999999999;");
    }
}
