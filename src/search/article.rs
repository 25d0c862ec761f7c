//! Reading one indexed article whole: its title, dateline and every paragraph, numbered as
//! search numbers them, with a query's words marked.
//!
//! Owns finding an article by the path a user gives (as `search` shows it, or its key below
//! the corpus folder); reading it is `text`'s (from the file when it is still the one
//! indexed, otherwise from the doc store). Only articles in the index can be read: a path
//! that is not one of its keys reads nothing.

use std::path::Path;

use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocSet, TERMINATED};

use super::plan::Plan;
use super::text::{display_path, read_article};
use super::{Engine, FileState, Request, highlight};
use crate::corpus;
use crate::dates::{DateSource, Day};
use crate::query::Syntax;

/// An indexed article as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleView {
    /// As `search` shows it.
    pub path: String,
    /// Its id within its file, for an article of a file of many (as [`super::Hit::id`]).
    pub id: Option<String>,
    /// The day it is dated, and where that came from (as a hit's).
    pub date: Day,
    pub date_source: DateSource,
    pub title: String,
    pub dateline: String,
    pub title_highlights: Vec<(usize, usize)>,
    pub paragraphs: Vec<Paragraph>,
    /// Whether the text came from the article file, still the one indexed.
    pub file: FileState,
}

/// One paragraph of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// 1-based, as `search` numbers passages.
    pub number: u64,
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

impl Engine {
    /// The key of the article at `path`: its path below the corpus folder when it lies there
    /// (as `search` shows it, relative to the current folder, or absolute), else `path` as
    /// written, taken as a key. An article of a file of many is `file#id`: its file's part is
    /// resolved as a path, its id taken as written (a guid may hold `//`), at the first `#`
    /// that names an article in the index.
    pub fn article_key(&self, path: &str) -> String {
        let key_of = |path: &str| {
            self.index
                .open
                .corpus
                .as_deref()
                .and_then(|corpus| corpus::path_key(corpus, Path::new(path)))
                .unwrap_or_else(|| path.trim_start_matches("./").to_string())
        };
        let whole = key_of(path);
        let held = |key: &str| matches!(self.article_address(key), Ok(Some(_)));
        if held(&whole) {
            return whole;
        }
        path.match_indices('#')
            .map(|(at, _)| format!("{}#{}", key_of(&path[..at]), &path[at + 1..]))
            .find(|key| held(key))
            .unwrap_or(whole)
    }

    /// The path `search` shows for the article `key`: the inverse of [`Engine::article_key`]
    /// for the paths it shows, so a caller can insist on exactly those.
    pub fn article_path(&self, key: &str) -> String {
        display_path(self.index.open.corpus.as_deref(), key)
    }

    /// The article indexed under `key`, with the words of `highlight` (a query in the full
    /// syntax) marked; `None` when the index holds no such article.
    pub fn article(
        &mut self,
        key: &str,
        highlight: Option<&str>,
    ) -> Result<Option<ArticleView>, super::SearchError> {
        let Some(address) = self.article_address(key)? else {
            return Ok(None);
        };
        let article = read_article(&self.index, address)?;
        let (date, date_source) = self.index.columns.date(address)?;
        let corpus = self.index.open.corpus.as_deref();
        let highlighting = highlight
            .map(|query| {
                let request = Request {
                    syntax: Syntax::Full,
                    ..Request::new(query)
                };
                Plan::new(&self.index, &mut self.analyzer, &request)
            })
            .transpose()
            .or_else(|err| match err {
                super::SearchError::EmptyQuery => Ok(None),
                other => Err(other),
            })?
            .map(|plan| plan.highlighting)
            .unwrap_or_default();
        let analyzer = &mut self.analyzer;
        let paragraphs = (1..)
            .zip(&article.paragraphs)
            .map(|(number, text)| Paragraph {
                number,
                highlights: highlight::highlights(analyzer, text, &highlighting.body),
                text: text.clone(),
            })
            .collect();
        Ok(Some(ArticleView {
            path: display_path(corpus, key),
            id: article.id,
            date,
            date_source,
            title_highlights: highlight::highlights(analyzer, &article.title, &highlighting.title),
            title: article.title,
            dateline: article.dateline,
            paragraphs,
            file: article.file,
        }))
    }

    /// The live document of the article `key`, if the index holds it.
    fn article_address(&self, key: &str) -> tantivy::Result<Option<DocAddress>> {
        let path = self.index.open.fields.path;
        let term = Term::from_field_text(path, key);
        let searcher = &self.index.segments.searcher;
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = segment
                .inverted_index(path)?
                .read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if !segment.is_deleted(doc) {
                    return Ok(Some(DocAddress::new(segment_ord as u32, doc)));
                }
                postings.advance();
            }
        }
        Ok(None)
    }
}
