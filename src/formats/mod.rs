//! Format readers: a file in one of the formats news comes in → its articles, with what was
//! passed over and what went wrong, so nothing is skipped silently.
//!
//! The pipeline: [`detect`] tells the format from the content (the file name only a hint),
//! then one reader a format turns the text into [`Item`]s: articles ([`FormatArticle`]: an id
//! unique in the file, an [`Article`], the date the format gives), things passed over
//! (pictures, events, empty records) and errors naming a line. [`parse`] reads a whole file
//! into a [`Parsed`]; [`stream`] reads the record formats (TREC and Reuters SGML, JSON Lines)
//! one record at a time from any `BufRead`, so a 1 GB file is never held whole.
//!
//! Shared pieces: `xml` parses XML safely (no entity is ever declared, expanded or fetched),
//! `markup` turns HTML and XHTML into paragraphs, `text` splits plain text into paragraphs
//! and assembles articles, `dates` reads the dates formats write, `sgml` splits TREC and
//! Reuters files into records, `records` streams them. This module knows nothing about the
//! index, the corpus walk or files on disk: the caller reads the bytes and names the file.

mod dates;
mod detect;
mod feeds;
mod html;
mod json_lines;
mod markup;
mod newsml_g2;
mod ninjs;
mod nitf;
mod records;
mod reuters;
mod sgml;
mod text;
mod trec;
mod xml;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::BufRead;

use crate::article::{self, Article};
use crate::dates::Day;

pub use detect::{PREFIX_BYTES, detect};
pub use records::Records;

/// File extensions the corpus walk always takes, besides the text articles' (`*.txt`, `--ext`):
/// the names the formats are saved under. What a file holds is still told by its content.
pub const EXTENSIONS: [&str; 14] = [
    "xml",
    "nitf",
    "newsml",
    "rss",
    "atom",
    "html",
    "htm",
    "xhtml",
    "sgm",
    "sgml",
    "json",
    "jsonl",
    "ndjson",
    "jsonlines",
];

/// The formats newsdex reads, told apart by content (the extension only a hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One article a file: title line, blank line, paragraphs (`article::parse`).
    Text,
    /// IPTC News Industry Text Format, one article a file.
    Nitf,
    /// IPTC NewsML-G2: a news item, or a news message carrying several.
    NewsMlG2,
    /// IPTC ninjs (news in JSON): one item a file, or an array of items.
    Ninjs,
    /// RSS 2.0 (and RSS 1.0/RDF): each item an article.
    Rss,
    /// Atom: each entry an article.
    Atom,
    /// A web page: its article's title and paragraphs.
    Html,
    /// TREC SGML: many `<DOC>` records a file.
    TrecSgml,
    /// Reuters-21578 SGML: many `<REUTERS>` records a file.
    ReutersSgml,
    /// JSON Lines: an article a line.
    JsonLines,
}

impl Format {
    /// The name messages and the docs use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Nitf => "NITF",
            Format::NewsMlG2 => "NewsML-G2",
            Format::Ninjs => "ninjs",
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Html => "HTML",
            Format::TrecSgml => "TREC SGML",
            Format::ReutersSgml => "Reuters SGML",
            Format::JsonLines => "JSON Lines",
        }
    }

    /// Whether [`stream`] reads it record by record (else it is read whole by [`parse`]).
    pub fn streams(self) -> bool {
        matches!(
            self,
            Format::TrecSgml | Format::ReutersSgml | Format::JsonLines
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a file holds: its articles, plus what was passed over or went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: Format,
    pub articles: Vec<FormatArticle>,
    pub passed_over: Vec<PassedOver>,
    pub errors: Vec<FormatError>,
}

/// One article read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatArticle {
    /// Unique within the file: DOCNO, guid, item id, NEWID, JSON id, else the record's
    /// 1-based number in the file (`"3"`). A repeated id gets `#2`, `#3`… and an error.
    pub id: String,
    /// Title, dateline and paragraphs; paragraphs never is empty (a title-only article
    /// gets its title as its passage).
    pub article: Article,
    /// The calendar day the format gives (as written, whatever the time zone) and the
    /// field it came from (`"pubDate"`, `"versionCreated"`, `"DATE"`…).
    pub date: Option<(Day, &'static str)>,
}

/// Something in the file that is not an article: a picture item, an event, an empty record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedOver {
    /// What it was, with its id where it has one (`picture item urn:newsml:…`).
    pub what: String,
    pub line: Option<u64>,
}

/// Something wrong in the file. It names the line; the caller names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub line: Option<u64>,
    pub message: String,
}

impl FormatError {
    fn at(line: impl Into<Option<u64>>, message: impl Into<String>) -> FormatError {
        FormatError {
            line: line.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One thing a reader found, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Article(FormatArticle),
    PassedOver(PassedOver),
    Error(FormatError),
}

/// An article field a JSON Lines key can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Dateline,
    /// A string (paragraphs split on blank lines) or an array of strings (one a paragraph).
    Body,
    Date,
    Id,
}

/// How to read a file beyond what its format says: today, which JSON Lines keys feed which
/// field (`title`, `dateline`, `body` or `text`, `date`, `id` unless mapped otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keys in the order they are tried; the first present key wins for its field.
    json_keys: Vec<(String, Field)>,
}

impl Default for Options {
    fn default() -> Options {
        let keys = [
            ("title", Field::Title),
            ("dateline", Field::Dateline),
            ("body", Field::Body),
            ("text", Field::Body),
            ("date", Field::Date),
            ("id", Field::Id),
        ];
        Options {
            json_keys: keys
                .into_iter()
                .map(|(key, field)| (key.to_string(), field))
                .collect(),
        }
    }
}

impl Options {
    /// Maps a JSON key to a field, written `key=field` (`headline=title`, `story=body`). A
    /// mapped key is tried before the default names, which still apply.
    pub fn map_json_key(&mut self, mapping: &str) -> Result<(), String> {
        let (key, field) = mapping
            .split_once('=')
            .ok_or_else(|| format!("`{mapping}`: write a mapping as key=field (headline=title)"))?;
        let field = match field.trim() {
            "title" => Field::Title,
            "dateline" => Field::Dateline,
            "body" | "text" => Field::Body,
            "date" => Field::Date,
            "id" => Field::Id,
            other => {
                return Err(format!(
                    "`{other}` is not a field: title, dateline, body, date or id"
                ));
            }
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("`{mapping}`: the key is empty"));
        }
        let mapped = self
            .json_keys
            .iter()
            .take_while(|(_, f)| *f != field)
            .count();
        self.json_keys.retain(|(known, _)| known != key);
        let at = mapped.min(self.json_keys.len());
        self.json_keys.insert(at, (key.to_string(), field));
        Ok(())
    }

    /// The keys that feed a field, in the order they are tried.
    fn keys_for(&self, field: Field) -> impl Iterator<Item = &str> {
        self.json_keys
            .iter()
            .filter(move |(_, f)| *f == field)
            .map(|(key, _)| key.as_str())
    }
}

/// Reads a whole file: detects its format from the text and the file name, then reads it.
pub fn parse(text: &str, file_name: &str, options: &Options) -> Parsed {
    parse_as(detect(text.as_bytes(), file_name), text, options)
}

/// Reads a whole file in a format the caller already knows.
pub fn parse_as(format: Format, text: &str, options: &Options) -> Parsed {
    let mut items = Items::default();
    match format {
        Format::Text => read_text(text, &mut items),
        Format::Nitf => nitf::read(text, &mut items),
        Format::NewsMlG2 => newsml_g2::read(text, &mut items),
        Format::Ninjs => ninjs::read(text, &mut items),
        Format::Rss => feeds::read_rss(text, &mut items),
        Format::Atom => feeds::read_atom(text, &mut items),
        Format::Html => html::read(text, &mut items),
        Format::TrecSgml | Format::ReutersSgml | Format::JsonLines => {
            // Streamed items already carry unique ids.
            items.found.extend(
                stream(format, text.as_bytes(), options)
                    .into_iter()
                    .flatten(),
            );
        }
    }
    items.into_parsed(format)
}

/// Reads a record format (TREC SGML, Reuters SGML, JSON Lines) one record at a time, in
/// flat memory; `None` for the formats read whole. Ids are made unique as [`parse`] does.
pub fn stream<R: BufRead>(format: Format, reader: R, options: &Options) -> Option<Records<R>> {
    Records::new(format, reader, options.clone())
}

/// A file's articles as read, before their ids are made unique: what readers produce.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Draft {
    /// The id the format gives, if any.
    id: Option<String>,
    /// The record's 1-based number in the file, the id when the format gives none.
    number: u64,
    line: Option<u64>,
    article: Article,
    date: Option<(Day, &'static str)>,
}

/// Makes ids unique within a file: the second `x` becomes `x#2`, with an error saying so.
#[derive(Debug, Default)]
struct Ids {
    seen: HashMap<String, u64>,
}

impl Ids {
    fn assign(&mut self, draft: Draft) -> (FormatArticle, Option<FormatError>) {
        let id = draft
            .id
            .filter(|id| !id.trim().is_empty())
            .map(|id| id.trim().to_string())
            .unwrap_or_else(|| draft.number.to_string());
        let count = self.seen.entry(id.clone()).or_insert(0);
        *count += 1;
        let (id, error) = if *count == 1 {
            (id, None)
        } else {
            let renamed = format!("{id}#{count}");
            let error = FormatError::at(
                draft.line,
                format!("id `{id}` is used again; this article is read as `{renamed}`"),
            );
            (renamed, Some(error))
        };
        let article = FormatArticle {
            id,
            article: draft.article,
            date: draft.date,
        };
        (article, error)
    }
}

/// What readers find, in file order, with ids made unique as articles come in: collected
/// whole by [`parse`], handed out one at a time by [`Records`].
#[derive(Debug, Default)]
struct Items {
    ids: Ids,
    found: VecDeque<Item>,
}

impl Items {
    fn article(&mut self, draft: Draft) {
        let (article, error) = self.ids.assign(draft);
        self.found.push_back(Item::Article(article));
        if let Some(error) = error {
            self.found.push_back(Item::Error(error));
        }
    }

    /// A record of an SGML collection (`kind`: `DOC`, `REUTERS`) at `line`: its article, or,
    /// when it has no text, the record passed over by its id.
    fn record(
        &mut self,
        kind: &str,
        id: Option<String>,
        number: u64,
        line: Option<u64>,
        article: Option<Article>,
        date: Option<(Day, &'static str)>,
    ) {
        match article {
            Some(article) => self.article(Draft {
                id,
                number,
                line,
                article,
                date,
            }),
            None => {
                let named = id.unwrap_or_else(|| number.to_string());
                self.pass_over(format!("{kind} {named} with no text"), line);
            }
        }
    }

    fn pass_over(&mut self, what: impl Into<String>, line: Option<u64>) {
        self.found.push_back(Item::PassedOver(PassedOver {
            what: what.into(),
            line,
        }));
    }

    fn error(&mut self, error: FormatError) {
        self.found.push_back(Item::Error(error));
    }

    fn pop(&mut self) -> Option<Item> {
        self.found.pop_front()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.found.len()
    }

    fn into_parsed(self, format: Format) -> Parsed {
        let mut parsed = Parsed {
            format,
            articles: Vec::new(),
            passed_over: Vec::new(),
            errors: Vec::new(),
        };
        for item in self.found {
            match item {
                Item::Article(article) => parsed.articles.push(article),
                Item::PassedOver(passed) => parsed.passed_over.push(passed),
                Item::Error(error) => parsed.errors.push(error),
            }
        }
        parsed
    }
}

/// Plain text keeps today's behaviour: one article a file. A well-formed XML document in a
/// vocabulary no reader knows (NewsML 1, an agency's own) is passed over by its root's name:
/// read as text, its tags would be indexed as words.
fn read_text(text: &str, items: &mut Items) {
    if text.trim().is_empty() {
        items.pass_over("an empty file", None);
        return;
    }
    if text.trim_start().starts_with('<') {
        let document = xml::read(text);
        if let (Some(root), true) = (document.root, document.errors.is_empty()) {
            let what = format!(
                "an XML document of a kind newsdex does not read (<{}>)",
                root.name
            );
            items.pass_over(what, Some(root.line));
            return;
        }
    }
    items.article(Draft {
        id: None,
        number: 1,
        line: Some(1),
        article: article::parse(text),
        date: None,
    });
}

#[cfg(test)]
mod samples;
#[cfg(test)]
mod tests;
