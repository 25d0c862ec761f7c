//! Reading articles back: their title, dateline and paragraphs, from the article file when it
//! is still the one indexed, otherwise from the doc store.
//!
//! Owns the per-search cache of articles read (feedback and hits share it), and how a hit's
//! path is shown. It does not rank or highlight.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tantivy::DocAddress;
use tantivy::schema::{Field, TantivyDocument, Value};

use super::{FileState, IndexView};
use crate::article;
use crate::corpus;

/// An article as read back.
#[derive(Debug, Clone)]
pub(super) struct ArticleText {
    pub key: String,
    /// Its id within its file, for an article of a file of many (see [`article_id`]).
    pub id: Option<String>,
    pub title: String,
    pub dateline: String,
    pub paragraphs: Vec<String>,
    /// Whether the text came from the article file, still the one indexed.
    pub file: FileState,
}

/// A passage's text and its article's fields.
#[derive(Debug, Clone)]
pub(super) struct PassageText {
    pub key: String,
    pub id: Option<String>,
    pub title: String,
    pub dateline: String,
    pub text: String,
    pub file: FileState,
}

/// Articles from the doc store or files a search wants at once, from which several threads
/// read: the cost of a cold file or a doc-store block is most of a hit's.
const PARALLEL_READS: usize = 16;

/// The articles a search has read, by address.
#[derive(Default)]
pub(super) struct Texts {
    read: FxHashMap<DocAddress, Arc<ArticleText>>,
}

impl Texts {
    /// Forgets the articles of the last search.
    pub fn clear(&mut self) {
        self.read.clear();
    }

    /// The articles at `addresses`, in order, each read once a search.
    pub fn articles(
        &mut self,
        index: &IndexView,
        addresses: &[DocAddress],
    ) -> tantivy::Result<Vec<Arc<ArticleText>>> {
        let mut unread: Vec<DocAddress> = addresses
            .iter()
            .filter(|address| !self.read.contains_key(address))
            .copied()
            .collect();
        unread.sort_unstable();
        unread.dedup();
        let read: Vec<ArticleText> = if unread.len() >= PARALLEL_READS {
            unread
                .par_iter()
                .map(|&address| read_article(index, address))
                .collect::<tantivy::Result<_>>()?
        } else {
            unread
                .iter()
                .map(|&address| read_article(index, address))
                .collect::<tantivy::Result<_>>()?
        };
        self.read
            .extend(unread.into_iter().zip(read.into_iter().map(Arc::new)));
        Ok(addresses
            .iter()
            .map(|address| Arc::clone(&self.read[address]))
            .collect())
    }

    /// The passages (article, 0-based paragraph) asked for, in order.
    pub fn passages(
        &mut self,
        index: &IndexView,
        passages: &[(DocAddress, u32)],
    ) -> tantivy::Result<Vec<PassageText>> {
        let addresses: Vec<DocAddress> = passages.iter().map(|&(address, _)| address).collect();
        let articles = self.articles(index, &addresses)?;
        Ok(passages
            .iter()
            .zip(articles)
            .map(|(&(_, paragraph), article)| PassageText {
                key: article.key.clone(),
                id: article.id.clone(),
                title: article.title.clone(),
                dateline: article.dateline.clone(),
                text: article
                    .paragraphs
                    .get(paragraph as usize)
                    .cloned()
                    .unwrap_or_default(),
                file: article.file,
            })
            .collect())
    }
}

/// The article at `address`: from its file when the file is still the one indexed (the size
/// and time its document records), parsed as indexing parsed it: reading and parsing a few KB
/// costs far less than decompressing the doc-store block that holds the article. An article
/// whose file is gone or changed comes from the doc store, which holds it as indexed.
pub(super) fn read_article(index: &IndexView, address: DocAddress) -> tantivy::Result<ArticleText> {
    let key = index.columns.key(address)?;
    let file_key = index.columns.file_key(address)?;
    // An article of a file of many (a feed, a collection: `file#id`) always comes from the
    // doc store: finding it again would mean reading its whole file.
    if key != file_key {
        let file = match index.open.corpus.as_deref() {
            Some(corpus) => {
                corpus::key_path(corpus, &file_key).map_or(FileState::Missing, |path| {
                    let indexed = index.columns.file_identity(address).ok().flatten();
                    match indexed {
                        Some((size, modified)) if corpus::is_unchanged(&path, size, modified) => {
                            FileState::Unchanged
                        }
                        _ if path.is_file() => FileState::Changed,
                        _ => FileState::Missing,
                    }
                })
            }
            None => FileState::Missing,
        };
        let id = article_id(&key, &file_key);
        return stored_article(index, address, key, id, file);
    }
    if let Some(corpus) = index.open.corpus.as_deref()
        && let Some((size, modified)) = index.columns.file_identity(address)?
        && let Some(text) = corpus::key_path(corpus, &key)
            .and_then(|path| corpus::read_unchanged(&path, size, modified))
    {
        let article = article::parse(&text);
        return Ok(ArticleText {
            key,
            id: None,
            title: article.title,
            dateline: article.dateline,
            paragraphs: article.paragraphs,
            file: FileState::Unchanged,
        });
    }
    let file = file_state(index, &key);
    stored_article(index, address, key, None, file)
}

/// The id of the article `key` within the file `file_key`: what its format names it by
/// (DOCNO, guid, item id) or its number in the file, for an article of a file of many
/// (`file#id`); `None` for a file of one article, whose key is its file's.
pub(super) fn article_id(key: &str, file_key: &str) -> Option<String> {
    key.strip_prefix(file_key)?
        .strip_prefix('#')
        .map(str::to_string)
}

/// The article at `address` as the doc store holds it.
fn stored_article(
    index: &IndexView,
    address: DocAddress,
    key: String,
    id: Option<String>,
    file: FileState,
) -> tantivy::Result<ArticleText> {
    let document: TantivyDocument = index.segments.searcher.doc(address)?;
    let fields = &index.open.fields;
    Ok(ArticleText {
        file,
        key,
        id,
        title: stored_text(&document, fields.title),
        dateline: stored_text(&document, fields.dateline),
        paragraphs: document
            .get_all(fields.body)
            .filter_map(|value| value.as_str().map(str::to_string))
            .collect(),
    })
}

/// What became of the file of an article that cannot be read from its file: changed, or
/// gone (also when the index records no corpus folder).
fn file_state(index: &IndexView, key: &str) -> FileState {
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
