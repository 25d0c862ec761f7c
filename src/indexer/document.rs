//! An article file as the index's document: read, decoded and parsed, then one document with
//! the article's fields, its body a value per paragraph.

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

/// An article read, analysed and dated, ready to add.
pub(super) struct Parsed {
    pub article: Article,
    pub vocabulary: analysis::Vocabulary,
    pub date: (dates::Day, dates::DateSource),
}

/// Adds the article's document, after deleting its committed one when `replace`.
/// Delete-then-add against the last commit, which the manifest reflects exactly, so a re-run
/// after a crash never duplicates.
pub(super) fn add_article(
    writer: &IndexWriter,
    fields: &Fields,
    file: &ArticleFile,
    parsed: &Parsed,
    replace: bool,
) -> anyhow::Result<()> {
    let Parsed {
        article,
        vocabulary,
        date: (day, source),
    } = parsed;
    if replace {
        writer.delete_term(Term::from_field_text(fields.path, &file.key));
    }
    let parts = article::dateline_parts(&article.dateline);
    let mut document = doc!(
        fields.path => file.key.as_str(),
        fields.title => article.title.as_str(),
        fields.title_words => article.title.as_str(),
        fields.dateline => article.dateline.as_str(),
        fields.date => dates::date_value(*day, *source),
        fields.size => file.size,
        fields.modified => file.modified_ns,
    );
    for paragraph in &article.paragraphs {
        document.add_text(fields.body, paragraph);
    }
    for &span in &vocabulary.spans {
        document.add_ip_addr(fields.paragraphs, schema::span_value(span));
    }
    for (field, part) in fields.signature.iter().zip(vocabulary.signature.0) {
        document.add_u64(*field, part);
    }
    if !parts.place.is_empty() {
        document.add_text(fields.place, parts.place.to_lowercase());
    }
    if let Some(agency) = parts.agency {
        document.add_text(fields.agency, agency.to_lowercase());
    }
    writer.add_document(document)?;
    Ok(())
}
