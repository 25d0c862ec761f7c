//! An article file as the index's documents: read, decoded and parsed, then one passage
//! document per paragraph, the first carrying the article's fields.

use std::fs;

use tantivy::schema::Term;
use tantivy::{IndexWriter, doc};

use crate::analysis;
use crate::article::{self, Article};
use crate::corpus::{self, ArticleFile};
use crate::dates;
use crate::schema::{self, Fields};

/// Why a file yields no article.
pub(super) struct Unusable {
    pub reason: String,
    /// The file was read and holds no article (empty or binary), rather than failing to read.
    pub content_gone: bool,
}

/// Reads, decodes and parses one file.
pub(super) fn read_article(file: &ArticleFile) -> Result<Article, Unusable> {
    let bytes = fs::read(&file.path).map_err(|err| Unusable {
        reason: format!("cannot read: {err}"),
        content_gone: false,
    })?;
    let gone = |reason: String| Unusable {
        reason,
        content_gone: true,
    };
    let text = corpus::decode(bytes).map_err(|err| gone(err.to_string()))?;
    if text.trim().is_empty() {
        return Err(gone("empty file".into()));
    }
    Ok(article::parse(&text))
}

/// Adds one document per passage, after deleting the article's committed passages when
/// `replace`; returns how many. Delete-then-add against the last commit, which the manifest
/// reflects exactly, so a re-run after a crash never duplicates. Passages go to the writer
/// one by one: a batch per article kept ten thousand articles queued in tantivy's pipeline,
/// and 150 MB more memory.
pub(super) fn add_article(
    writer: &IndexWriter,
    fields: &Fields,
    article_id: u64,
    file: &ArticleFile,
    article: &Article,
    vocabulary: &analysis::Vocabulary,
    replace: bool,
) -> anyhow::Result<usize> {
    if replace {
        writer.delete_term(Term::from_field_text(fields.path, &file.key));
    }
    let (day, source) = dates::article_date(&file.key, &article.dateline, file.modified_ns);
    let date = dates::date_value(day, source);
    let parts = article::dateline_parts(&article.dateline);
    for (i, paragraph) in article.paragraphs.iter().enumerate() {
        let mut document = doc!(
            fields.path => file.key.as_str(),
            fields.body => paragraph.as_str(),
            fields.paragraph => schema::paragraph_value(i as u64 + 1),
            fields.article => schema::article_value(article_id),
            fields.article_length => schema::length_value(vocabulary.body_tokens),
            fields.date => date,
        );
        if i == 0 {
            document.add_text(fields.title, &article.title);
            document.add_text(fields.title_words, &article.title);
            document.add_text(fields.dateline, &article.dateline);
            document.add_text(fields.stored_title, &article.title);
            document.add_text(fields.stored_dateline, &article.dateline);
            document.add_u64(fields.size, file.size);
            for (field, part) in fields.signature.iter().zip(vocabulary.signature.0) {
                document.add_u64(*field, part);
            }
            if !parts.place.is_empty() {
                document.add_text(fields.place, parts.place.to_lowercase());
            }
            if let Some(agency) = parts.agency {
                document.add_text(fields.agency, agency.to_lowercase());
            }
            document.add_u64(fields.modified, file.modified_ns);
        }
        writer.add_document(document)?;
    }
    Ok(article.paragraphs.len())
}
