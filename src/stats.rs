//! What an index holds: articles, passages, stories (near-duplicates as one), the dates its
//! articles span, the places and agencies its datelines name most, its size and format.
//!
//! Reads an opened index's columns, term dictionaries and folder; never its text. Printing is
//! the command's.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::Serialize;
use tantivy::schema::Field;
use tantivy::{DocSet, Searcher, TERMINATED};

use crate::dates::{self, DateSource, Day};
use crate::lexicon::Lexicon;
use crate::open::{self, FORMAT_VERSION, OpenError};
use crate::schema::{PARAGRAPHS, SIGNATURE_FIELDS};
use crate::signature::{SAME_STORY, Signature, Stories};

/// Places and agencies listed, the most frequent first.
const TOP: usize = 10;

/// What an index holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub articles: u64,
    pub passages: u64,
    /// Articles once near-duplicates count as one story.
    pub stories: u64,
    /// The earliest and latest article dates (`YYYY-MM-DD`), and how many articles took their
    /// date from the path, the dateline and the file's time.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub dated_by: DatedBy,
    /// The places and agencies the datelines name most, with their article counts.
    pub places: Vec<(String, u64)>,
    pub agencies: Vec<(String, u64)>,
    /// Distinct words as written, when the index keeps a lexicon.
    pub words: Option<u64>,
    pub segments: usize,
    pub bytes: u64,
    pub format: u32,
    /// The folder the articles were indexed from.
    pub corpus: Option<String>,
}

/// How many articles took their date from each source (`--json`: an object by source name).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DatedBy([u64; DateSource::ALL.len()]);

impl DatedBy {
    fn count(&mut self, source: DateSource) {
        self.0[source as usize] += 1;
    }

    /// The sources that dated articles, with their counts, most trusted first.
    pub fn sources(&self) -> impl Iterator<Item = (DateSource, u64)> + '_ {
        DateSource::ALL
            .into_iter()
            .map(|source| (source, self.0[source as usize]))
            .filter(|(_, count)| *count > 0)
    }

    /// The share of articles whose year came from their file's time (0 without articles).
    pub fn from_file_times(&self) -> f64 {
        let total: u64 = self.0.iter().sum();
        let from_files: u64 = self
            .sources()
            .filter(|(source, _)| source.from_file_time())
            .map(|(_, count)| count)
            .sum();
        if total == 0 {
            0.0
        } else {
            from_files as f64 / total as f64
        }
    }
}

impl Serialize for DatedBy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(DateSource::ALL.len()))?;
        for source in DateSource::ALL {
            map.serialize_entry(source.name(), &self.0[source as usize])?;
        }
        map.end()
    }
}

/// The statistics of the index in `dir`.
pub fn of_index(dir: &Path) -> Result<Stats, OpenError> {
    let (open, searcher) = open::for_search(dir)?;
    let damaged = |err: tantivy::TantivyError| OpenError::Damaged {
        dir: open::shown(dir),
        cause: err.to_string(),
    };
    let fields = &open.fields;
    let (facts, passages) = articles(&searcher).map_err(damaged)?;
    let mut dated_by = DatedBy::default();
    let (mut first, mut last): (Option<Day>, Option<Day>) = (None, None);
    for article in &facts {
        let (day, source) = article.date;
        dated_by.count(source);
        first = Some(first.map_or(day, |first| first.min(day)));
        last = Some(last.map_or(day, |last| last.max(day)));
    }
    let signatures: Vec<Signature> = facts.iter().filter_map(|a| a.signature).collect();
    let stories = Stories::group(&signatures, SAME_STORY).count()
        + facts.iter().filter(|a| a.signature.is_none()).count();
    Ok(Stats {
        articles: facts.len() as u64,
        passages,
        stories: stories as u64,
        first_date: first.map(|day| day.to_string()),
        last_date: last.map(|day| day.to_string()),
        dated_by,
        places: most_frequent(&searcher, fields.place).map_err(damaged)?,
        agencies: most_frequent(&searcher, fields.agency).map_err(damaged)?,
        words: Lexicon::open(dir)
            .map_err(|err| open::file_failure(dir, &err))?
            .map(|lexicon| lexicon.word_count()),
        segments: searcher.segment_readers().len(),
        bytes: folder_bytes(dir),
        format: FORMAT_VERSION,
        corpus: open.corpus.as_ref().map(|c| c.display().to_string()),
    })
}

/// What `stats` reads of an article.
struct ArticleFacts {
    date: (Day, DateSource),
    signature: Option<Signature>,
}

/// What `stats` reads of every live article.
fn articles(searcher: &Searcher) -> tantivy::Result<(Vec<ArticleFacts>, u64)> {
    let mut found = Vec::new();
    let mut passages = 0;
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let spans = fast.ip_addr(PARAGRAPHS)?;
        let dates = fast.u64("date")?;
        let signature_columns = SIGNATURE_FIELDS
            .iter()
            .map(|name| fast.u64(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for doc in segment.doc_ids_alive() {
            passages += spans.values_for_doc(doc).count() as u64;
            let date = dates
                .first(doc)
                .map_or((Day(0), DateSource::Modified), dates::date_of);
            let mut parts = [0u64; 4];
            let mut complete = true;
            for (part, column) in parts.iter_mut().zip(&signature_columns) {
                match column.first(doc) {
                    Some(value) => *part = value,
                    None => complete = false,
                }
            }
            found.push(ArticleFacts {
                date,
                signature: complete.then_some(Signature(parts)),
            });
        }
    }
    Ok((found, passages))
}

/// A raw field's most frequent terms, with the live articles holding each.
fn most_frequent(searcher: &Searcher, field: Field) -> tantivy::Result<Vec<(String, u64)>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let Ok(term) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            let mut postings = inverted.read_postings_from_terminfo(
                terms.value(),
                tantivy::schema::IndexRecordOption::Basic,
            )?;
            let mut live = 0;
            while postings.doc() != TERMINATED {
                live += u64::from(!segment.is_deleted(postings.doc()));
                postings.advance();
            }
            if live > 0 {
                *counts.entry(term.to_string()).or_default() += live;
            }
        }
    }
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(TOP);
    Ok(counts)
}

/// The bytes of the files in the index folder.
fn folder_bytes(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .filter(|metadata| metadata.is_file())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0)
}
