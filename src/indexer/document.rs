//! A corpus file as the index's documents: read, decoded, its format told from its content
//! (`formats`), then one document an article, with the article's fields, its body a value per
//! paragraph, and its file's key, which every article of the file shares.

use std::fs;
use std::io::Read;

use tantivy::{IndexWriter, doc};

use crate::analysis;
use crate::article::{self, Article};
use crate::corpus::{self, ArticleFile};
use crate::dates::{self, Day};
use crate::formats::{self, Format};
use crate::schema::{self, Fields};

/// Why a file yields no article.
pub(super) struct Unusable {
    pub reason: String,
    /// The file was read and holds no article (empty, binary, malformed throughout), rather
    /// than failing to read.
    pub content_gone: bool,
}

/// Files of a record format (TREC and Reuters SGML, JSON Lines) larger than this are read a
/// record at a time as they are indexed, never held whole: a collection may be a gigabyte.
const STREAM_ABOVE_BYTES: u64 = 4 * 1024 * 1024;

/// How a file is read: whole, its articles here, or a record at a time by the indexing run.
pub(super) enum Contents {
    Articles(FileArticles),
    Records(Format),
}

/// What a file holds: its articles, and what the reader passed over or found wrong.
pub(super) struct FileArticles {
    pub articles: Vec<FileArticle>,
    /// Things that are not articles (a picture item, an empty record): counted, not indexed.
    pub passed_over: usize,
    /// What was wrong in the file, each naming its line (`line 12: …`); the articles the
    /// reader could still tell apart are in `articles`.
    pub problems: Vec<String>,
}

/// One article of a file.
pub(super) struct FileArticle {
    /// The article's key: the file's for a plain-text article, else `file#id`: what tells a
    /// search that the file is not the article's text alone (it reads the doc store).
    pub key: String,
    pub article: Article,
    /// The day the format gives, if any.
    pub date: Option<Day>,
}

/// Reads, decodes and reads the articles of one file, in whichever format its content is;
/// a large file of records is left to be streamed.
pub(super) fn read_file(
    file: &ArticleFile,
    options: &formats::Options,
) -> Result<Contents, Unusable> {
    let unreadable = |err: std::io::Error| Unusable {
        reason: format!("cannot read: {err}"),
        content_gone: false,
    };
    if file.size > STREAM_ABOVE_BYTES {
        let mut prefix = Vec::new();
        fs::File::open(&file.path)
            .and_then(|opened| {
                opened
                    .take(formats::PREFIX_BYTES as u64)
                    .read_to_end(&mut prefix)
            })
            .map_err(unreadable)?;
        let format = formats::detect(&prefix, &file_name(file));
        if format.streams() {
            return Ok(Contents::Records(format));
        }
        if file.size > corpus::MAX_FILE_BYTES {
            return Err(Unusable {
                reason: format!("larger than {} MiB", corpus::MAX_FILE_BYTES >> 20),
                content_gone: false,
            });
        }
    }
    let bytes = fs::read(&file.path).map_err(unreadable)?;
    let gone = |reason: String| Unusable {
        reason,
        content_gone: true,
    };
    let text = corpus::decode(bytes).map_err(|err| gone(err.to_string()))?;
    if text.trim().is_empty() {
        return Err(gone("empty file".into()));
    }
    let format = formats::detect(text.as_bytes(), &file_name(file));
    if format == Format::Text {
        // Today's reading, exactly: a text file is always its one article.
        return Ok(Contents::Articles(FileArticles {
            articles: vec![FileArticle {
                key: file.key.clone(),
                article: article::parse(&text),
                date: None,
            }],
            passed_over: 0,
            problems: Vec::new(),
        }));
    }
    let parsed = formats::parse_as(format, &text, options);
    let problems: Vec<String> = parsed
        .errors
        .iter()
        .map(|error| format!("{format}: {error}"))
        .collect();
    // A file of pictures or events only is passed over and counted, not a problem.
    if parsed.articles.is_empty() && (parsed.passed_over.is_empty() || !problems.is_empty()) {
        let reason = match problems.first() {
            Some(problem) => problem.clone(),
            None => format!("{format}: no article"),
        };
        return Err(gone(reason));
    }
    let articles = parsed
        .articles
        .into_iter()
        .map(|found| file_article(file, found))
        .collect();
    Ok(Contents::Articles(FileArticles {
        articles,
        passed_over: parsed.passed_over.len(),
        problems,
    }))
}

fn file_name(file: &ArticleFile) -> String {
    file.path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// An article a format reader found in `file`, keyed `file#id`.
pub(super) fn file_article(file: &ArticleFile, found: formats::FormatArticle) -> FileArticle {
    FileArticle {
        key: format!("{}#{}", file.key, found.id),
        article: found.article,
        date: found.date.map(|(day, _)| day),
    }
}

/// An article read, analysed and dated, ready to add.
pub(super) struct Parsed {
    pub key: String,
    pub article: Article,
    pub vocabulary: analysis::Vocabulary,
    pub date: (dates::Day, dates::DateSource),
}

/// Adds an article's document. Its file's committed documents are deleted first by the
/// caller, once a file (see `Run::write_batch`).
pub(super) fn add_article(
    writer: &IndexWriter,
    fields: &Fields,
    file: &ArticleFile,
    parsed: &Parsed,
) -> anyhow::Result<()> {
    let Parsed {
        key,
        article,
        vocabulary,
        date: (day, source),
    } = parsed;
    let parts = article::dateline_parts(&article.dateline);
    let mut document = doc!(
        fields.path => key.as_str(),
        fields.file => file.key.as_str(),
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
