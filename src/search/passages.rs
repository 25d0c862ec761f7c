//! Reading ranked passages back: their text and their article's title and dateline, from the
//! article file when it is still the one indexed, otherwise from the doc store.
//!
//! Owns the per-search cache of passages read (feedback and hits share it), finding an
//! article's first passage (which carries the article's fields), and how a hit's path is
//! shown. It does not rank or highlight.

use rustc_hash::FxHashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Term, Value};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use super::segments::segment_range;
use super::{FileState, IndexView};
use crate::article::{self, Article};
use crate::corpus;
use crate::schema;

/// A passage's text and its article's fields.
#[derive(Clone)]
pub(super) struct PassageText {
    pub key: String,
    /// 1-based paragraph number within the article body.
    pub paragraph: u64,
    pub title: String,
    pub dateline: String,
    pub text: String,
    /// Whether the text came from the article file, still the one indexed.
    pub file: FileState,
}

/// A passage read from its article file, or what reading it from the doc store takes.
enum Read {
    FromFile(PassageText),
    Stored {
        address: DocAddress,
        /// The article's first passage, which stores its title and dateline.
        first: Option<DocAddress>,
        key: String,
        paragraph: u64,
        /// Why the file could not serve.
        file: FileState,
    },
}

/// The passages a search has read, by address: the feedback's and the hits' overlap.
#[derive(Default)]
pub(super) struct Passages {
    read: FxHashMap<DocAddress, PassageText>,
}

impl Passages {
    /// Forgets the passages of the last search.
    pub fn clear(&mut self) {
        self.read.clear();
    }

    /// The passages at `addresses`, in order, with their articles' title and dateline, each
    /// read once a search.
    pub fn texts(
        &mut self,
        index: &IndexView,
        addresses: &[DocAddress],
    ) -> tantivy::Result<Vec<PassageText>> {
        let mut unread: Vec<DocAddress> = addresses
            .iter()
            .filter(|address| !self.read.contains_key(address))
            .copied()
            .collect();
        unread.sort();
        unread.dedup();
        let read = read_passages(index, &unread)?;
        debug_assert_eq!(read.len(), unread.len());
        self.read.extend(unread.into_iter().zip(read));
        Ok(addresses
            .iter()
            .map(|address| self.read[address].clone())
            .collect())
    }
}

/// The passages at `addresses` (sorted), in order. A passage is taken from its article file
/// when the file is still the one indexed (the size and time its first passage records),
/// parsed as indexing parsed it: reading and parsing a few KB costs far less than
/// decompressing the doc-store block that holds the passage, and its first passage's block,
/// which was most of a search (docs/benchmarks.md). Passages whose file is gone or changed
/// come from the doc store, which holds them as indexed.
fn read_passages(index: &IndexView, addresses: &[DocAddress]) -> tantivy::Result<Vec<PassageText>> {
    let read = read_from_files(index, addresses)?;
    let mut needed: Vec<DocAddress> = read
        .iter()
        .filter_map(|read| match read {
            Read::FromFile(_) => None,
            Read::Stored { address, first, .. } => Some([Some(*address), *first]),
        })
        .flatten()
        .flatten()
        .collect();
    let documents = read_documents(&index.segments.searcher, &mut needed)?;
    let fields = &index.open.fields;
    Ok(read
        .into_iter()
        .map(|read| match read {
            Read::FromFile(passage) => passage,
            Read::Stored {
                address,
                first,
                key,
                paragraph,
                file,
            } => {
                let article_field = |field| {
                    first
                        .map(|first| stored_text(&documents[&first], field))
                        .unwrap_or_default()
                };
                PassageText {
                    title: article_field(fields.stored_title),
                    dateline: article_field(fields.stored_dateline),
                    text: stored_text(&documents[&address], fields.body),
                    key,
                    paragraph,
                    file,
                }
            }
        })
        .collect())
}

/// Each passage at `addresses` (sorted) from its article file where that is still the one
/// indexed, or where to find it in the doc store. A parallel search reads each segment's
/// passages on its own (see `Segments::each`), since opening a segment's columns is much of
/// a hit's cost; an article with hits in two segments is then read by both.
fn read_from_files(index: &IndexView, addresses: &[DocAddress]) -> tantivy::Result<Vec<Read>> {
    debug_assert!(addresses.is_sorted());
    if !index.segments.parallel() {
        return read_files_once(index, addresses);
    }
    let per_segment = index.segments.each(|segment_ord, _| {
        read_files_once(
            index,
            &addresses[segment_range(addresses, segment_ord, |&a| a)],
        )
    })?;
    Ok(per_segment.into_iter().flatten().collect())
}

/// `read_from_files` on this thread: each article's file read, and its first passage found,
/// once.
fn read_files_once(index: &IndexView, addresses: &[DocAddress]) -> tantivy::Result<Vec<Read>> {
    // Per article: its first passage (a postings lookup) and, if unchanged, its file.
    let mut articles: FxHashMap<String, (Option<DocAddress>, Option<Article>)> =
        FxHashMap::default();
    addresses
        .iter()
        .map(|&address| {
            let paragraph = index.columns.paragraph(address)?;
            let key = index.columns.key(address)?;
            if !articles.contains_key(&key) {
                let first = first_passage(index, address, paragraph)?;
                let article = match first {
                    Some(first) => unchanged_article(index, &key, first)?,
                    None => None,
                };
                articles.insert(key.clone(), (first, article));
            }
            let (first, article) = &articles[&key];
            let first = *first;
            let from_file = article.as_ref().and_then(|article| {
                Some((article.paragraphs.get(paragraph as usize - 1)?, article))
            });
            Ok(match from_file {
                Some((text, article)) => Read::FromFile(PassageText {
                    text: text.clone(),
                    title: article.title.clone(),
                    dateline: article.dateline.clone(),
                    key,
                    paragraph,
                    file: FileState::Unchanged,
                }),
                None => Read::Stored {
                    address,
                    first,
                    file: file_state(index, &key),
                    key,
                    paragraph,
                },
            })
        })
        .collect()
}

/// The article whose first passage is at `first`, parsed from its file if the file is still
/// the one indexed (the size and modification time the first passage records).
fn unchanged_article(
    index: &IndexView,
    key: &str,
    first: DocAddress,
) -> tantivy::Result<Option<Article>> {
    let Some(corpus) = index.open.corpus.as_deref() else {
        return Ok(None);
    };
    let Some((size, modified)) = index.columns.file_identity(first)? else {
        return Ok(None);
    };
    Ok(corpus::key_path(corpus, key)
        .and_then(|path| corpus::read_unchanged(&path, size, modified))
        .map(|text| article::parse(&text)))
}

/// What became of the file of an article that cannot be read from its file: changed, or
/// gone (also when the index records no corpus folder).
pub(super) fn file_state(index: &IndexView, key: &str) -> FileState {
    let path = index
        .open
        .corpus
        .as_deref()
        .and_then(|corpus| corpus::key_path(corpus, key));
    match path {
        Some(path) if path.is_file() => FileState::Changed,
        _ => FileState::Missing,
    }
}

/// The first passage of a passage's article, which stores the article's fields: the live
/// passage with paragraph number 1 among the few the article's path term lists.
/// An article's passages are written one after another, so its first is nearly always a few
/// passages before this one in the same segment (found by its article id: ids are never
/// reused), which costs two column reads against a lookup of the path.
pub(super) fn first_passage(
    index: &IndexView,
    address: DocAddress,
    paragraph: u64,
) -> tantivy::Result<Option<DocAddress>> {
    if paragraph == 1 {
        return Ok(Some(address));
    }
    if let Some(first) = first_passage_nearby(index, address, paragraph)? {
        return Ok(Some(first));
    }
    let key = index.columns.key(address)?;
    let path = index.open.fields.path;
    let term = Term::from_field_text(path, &key);
    for (segment_ord, segment) in index.segments.searcher.segment_readers().iter().enumerate() {
        let Some(mut postings) = segment
            .inverted_index(path)?
            .read_postings(&term, IndexRecordOption::Basic)?
        else {
            continue;
        };
        let paragraphs = index.columns.paragraphs(segment_ord as u32)?;
        while postings.doc() != TERMINATED {
            let doc = postings.doc();
            if !segment.is_deleted(doc)
                && paragraphs.first(doc).map(schema::paragraph_number) == Some(1)
            {
                return Ok(Some(DocAddress::new(segment_ord as u32, doc)));
            }
            postings.advance();
        }
    }
    Ok(None)
}

/// Passages looked at before this one for its article's first, beyond its paragraph number:
/// the writer's threads may interleave another article's passages.
const NEARBY: u32 = 8;

/// The article's first passage among the few before this one in its segment, if it is there.
fn first_passage_nearby(
    index: &IndexView,
    address: DocAddress,
    paragraph: u64,
) -> tantivy::Result<Option<DocAddress>> {
    let ids = index.columns.article_id_column(address.segment_ord)?;
    let Some(article) = ids.first(address.doc_id) else {
        return Ok(None);
    };
    let paragraphs = index.columns.paragraphs(address.segment_ord)?;
    let segment = index.segments.searcher.segment_reader(address.segment_ord);
    let back = u32::try_from(paragraph)
        .unwrap_or(u32::MAX)
        .saturating_add(NEARBY);
    let start = address.doc_id.saturating_sub(back);
    for doc in (start..address.doc_id).rev() {
        if ids.first(doc) == Some(article)
            && paragraphs.first(doc).map(schema::paragraph_number) == Some(1)
            && !segment.is_deleted(doc)
        {
            return Ok(Some(DocAddress::new(address.segment_ord, doc)));
        }
    }
    Ok(None)
}

/// The stored documents at `addresses` (sorted and deduplicated in place), read by one thread
/// per core: decompressing a doc-store block is most of what such a hit costs (0.17 ms of
/// 0.28 with 128 KB blocks). Each thread reads a run of neighbouring addresses, so passages
/// that share a block are mostly decompressed once, by the same thread.
fn read_documents(
    searcher: &Searcher,
    addresses: &mut Vec<DocAddress>,
) -> tantivy::Result<FxHashMap<DocAddress, TantivyDocument>> {
    if addresses.is_empty() {
        // Asking rayon for its thread count would start its threads for nothing.
        return Ok(FxHashMap::default());
    }
    addresses.sort();
    addresses.dedup();
    let run = addresses
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(1);
    addresses
        .par_chunks(run)
        .map(|run| {
            run.iter()
                .map(|&address| Ok((address, searcher.doc(address)?)))
                .collect::<tantivy::Result<Vec<_>>>()
        })
        .collect::<tantivy::Result<Vec<_>>>()
        .map(|runs| runs.into_iter().flatten().collect())
}

/// An article's fields and paragraphs as the doc store holds them.
pub(super) struct StoredArticle {
    pub title: String,
    pub dateline: String,
    /// The texts of the passages asked for, in their order.
    pub paragraphs: Vec<String>,
}

/// The article whose first passage is at `first`, and the passages at `addresses`, from the
/// doc store.
pub(super) fn stored(
    index: &IndexView,
    first: DocAddress,
    addresses: &[DocAddress],
) -> tantivy::Result<StoredArticle> {
    let mut needed: Vec<DocAddress> = addresses.iter().copied().chain([first]).collect();
    let documents = read_documents(&index.segments.searcher, &mut needed)?;
    let fields = &index.open.fields;
    Ok(StoredArticle {
        title: stored_text(&documents[&first], fields.stored_title),
        dateline: stored_text(&documents[&first], fields.stored_dateline),
        paragraphs: addresses
            .iter()
            .map(|address| stored_text(&documents[address], fields.body))
            .collect(),
    })
}

fn stored_text(document: &TantivyDocument, field: Field) -> String {
    document
        .get_first(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Where to find an article: its corpus folder joined with its key, shown relative to the
/// current folder when it lies below it.
pub(super) fn display_path(corpus: Option<&Path>, key: &str) -> String {
    let Some(corpus) = corpus else {
        return key.to_string();
    };
    let full = corpus.join(key);
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| full.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(full);
    shown.to_string_lossy().into_owned()
}
