//! Schema: the fields of a passage document, defined once, with their handles kept together.
//!
//! One tantivy document is one passage (paragraph). The article's title and dateline are
//! indexed and stored once, on its first passage: a title match lifts the passage that opens
//! the article rather than every passage of it, and the index holds each title once (indexing
//! them on every passage made postings a fifth larger and changed nDCG@10 on the test
//! collections by less than 0.004 either way). The path is a
//! fast field, readable for any passage without the doc store. The file identity (size,
//! modification time) is on the first passage only: it is the manifest incremental indexing
//! reads.
//!
//! Format 4 added `title_words` and dropped the path's field norms, which nothing read (one
//! byte a passage). Format 5 dropped the dateline's length norms: datelines are a few words,
//! and a norm takes a byte on every passage though only first passages have a dateline
//! (1.4 MB of the 300 MB bench corpus's index). Format 7 keeps paragraph numbers in a 128-bit
//! column (see `Fields::paragraph`). Format 8 gives every passage its article's length and
//! date, the first passage its near-duplicate signature and its dateline's place and agency,
//! and starts the lexicon. Format 10 keeps article ids in a 128-bit column too.

use std::net::Ipv6Addr;

use tantivy::DocId;
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{ANALYZER, WORDS_ANALYZER};

/// Field names, as users write them in `field:word` queries.
pub const TITLE: &str = "title";
pub const DATELINE: &str = "dateline";
pub const BODY: &str = "body";

/// The names of the signature's four columns.
pub const SIGNATURE_FIELDS: [&str; 4] = ["signature0", "signature1", "signature2", "signature3"];

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The article's key: its path relative to the corpus folder (one untokenized term per
    /// article for delete-then-add re-indexing; fast, for the manifest and for hits).
    pub path: Field,
    /// The article's title and dateline, indexed on its first passage (not stored).
    pub title: Field,
    pub dateline: Field,
    /// The title's words as typed (lower-cased and folded, not stemmed), on the first passage:
    /// a query word found there in its exact form earns a bonus (see `search`). Frequencies
    /// only and no length norms: it is only asked whether a word is there.
    pub title_words: Field,
    /// The passage text (stored).
    pub body: Field,
    /// 1-based paragraph number within the article body (fast: read for every hit without the
    /// doc store, and to pick the first passage out of the article's path postings). Kept in
    /// a 128-bit (IP address) column, written and read with `paragraph_value` and
    /// `paragraph_number`: tantivy stores a 64-bit column of such small, locally varying
    /// numbers in blocks of 512 whose every header it decodes when a search opens the
    /// column (4,500 a segment of the 1 GB bench index, 0.25-0.5 ms each), where a 128-bit
    /// column opens in constant time. Query mix p50 on the 1 GB bench index: 5.2 -> 4.5 ms
    /// (docs/benchmarks.md); the index grows by 0.1%.
    pub paragraph: Field,
    /// A number unique to the article within the index, to group passages by article while
    /// collecting (see `indexer`: handed out in indexing order). A per-segment number such as
    /// the path's ordinal would not do: tantivy's indexing threads take passages one by one,
    /// so an article's passages are often spread over two segments (45,625 of the 94,714
    /// articles of the 300 MB bench corpus). In a 128-bit column, as `paragraph` and for the
    /// same reason: the 64-bit column took 40-90 µs a segment to open at 300 MB and 200-280 at
    /// 1 GB, on every search (its stories); written and read with `article_value` and
    /// `article_id`.
    pub article: Field,
    /// The length of the passage's article body, in tokens, as `length_value` encodes it: on
    /// every passage, so that ranking an article as a whole needs no lookup of its other
    /// passages (8 bits a passage: 0.5% of the 300 MB bench corpus's index).
    pub article_length: Field,
    /// The article's date and where it came from, as `dates::date_value` encodes them: on
    /// every passage, so that a date filter is a range over a column (2 bytes a passage).
    pub date: Field,
    /// On the first passage only: the body's near-duplicate signature, in four parts (see
    /// `signature`; 32 bytes an article).
    pub signature: [Field; 4],
    /// On the first passage only: the dateline's place and agency, lower-cased, one term each
    /// (for `stats`).
    pub place: Field,
    pub agency: Field,
    /// On the first passage only: the stored title and dateline, file size and modification
    /// time.
    pub stored_title: Field,
    pub stored_dateline: Field,
    pub size: Field,
    pub modified: Field,
}

/// The `article_length` column's value for a body of `tokens` tokens: 8 × log2(1 + tokens),
/// rounded, which keeps a length to within 5%, like tantivy's own field norms.
pub fn length_value(tokens: u64) -> u64 {
    (8.0 * (1.0 + tokens as f64).log2()).round() as u64
}

/// The number of tokens an `article_length` value stands for.
pub fn length_of(value: u64) -> f32 {
    (value as f32 / 8.0).exp2() - 1.0
}

/// The `paragraph` column's value for paragraph `number`.
pub fn paragraph_value(number: u64) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(number))
}

/// The paragraph number a `paragraph` column value holds (0 for a value no indexer wrote).
pub fn paragraph_number(value: Ipv6Addr) -> u64 {
    u64::try_from(u128::from(value)).unwrap_or(0)
}

/// The `article` column's value for article `id`.
pub fn article_value(id: u64) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(id))
}

/// The article id an `article` column value holds.
pub fn article_id(value: Ipv6Addr) -> u64 {
    u64::try_from(u128::from(value)).unwrap_or(u64::MAX)
}

/// The first passages of a segment (deleted ones too): the rows of its `size` column, which
/// only first passages have. Walks the column's rows: asking each of millions of passages
/// whether it has a size was a tenth of a no-change re-index.
pub fn first_passages(sizes: &Column<u64>, max_doc: DocId) -> Box<dyn Iterator<Item = DocId> + '_> {
    match &sizes.index {
        ColumnIndex::Optional(rows) => Box::new(rows.iter_non_null_docs()),
        _ => Box::new((0..max_doc).filter(|&doc| sizes.first(doc).is_some())),
    }
}

impl Fields {
    /// The schema every newsdex index is built with.
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let stemmed = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default().set_indexing_options(stemmed.clone());
        // The dateline: as text, without length norms.
        let short_text = TextOptions::default().set_indexing_options(stemmed.set_fieldnorms(false));
        let key = (STRING | FAST).set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::Basic),
        );
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS_ANALYZER)
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            path: builder.add_text_field("path", key),
            title: builder.add_text_field(TITLE, text.clone()),
            title_words: builder.add_text_field("title_words", words),
            dateline: builder.add_text_field(DATELINE, short_text),
            body: builder.add_text_field(BODY, text.set_stored()),
            paragraph: builder.add_ip_addr_field("paragraph", FAST),
            article: builder.add_ip_addr_field("article", FAST),
            article_length: builder.add_u64_field("article_length", FAST),
            date: builder.add_u64_field("date", FAST),
            signature: SIGNATURE_FIELDS.map(|name| builder.add_u64_field(name, FAST)),
            place: builder.add_text_field("place", STRING),
            agency: builder.add_text_field("agency", STRING),
            stored_title: builder.add_text_field("stored_title", STORED),
            stored_dateline: builder.add_text_field("stored_dateline", STORED),
            size: builder.add_u64_field("size", FAST),
            modified: builder.add_u64_field("modified", FAST),
        };
        (builder.build(), fields)
    }

    /// Looks the handles up in an opened index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let field = |name: &str| schema.get_field(name);
        Ok(Fields {
            path: field("path")?,
            title: field(TITLE)?,
            title_words: field("title_words")?,
            dateline: field(DATELINE)?,
            body: field(BODY)?,
            paragraph: field("paragraph")?,
            article: field("article")?,
            article_length: field("article_length")?,
            date: field("date")?,
            signature: [
                field(SIGNATURE_FIELDS[0])?,
                field(SIGNATURE_FIELDS[1])?,
                field(SIGNATURE_FIELDS[2])?,
                field(SIGNATURE_FIELDS[3])?,
            ],
            place: field("place")?,
            agency: field("agency")?,
            stored_title: field("stored_title")?,
            stored_dateline: field("stored_dateline")?,
            size: field("size")?,
            modified: field("modified")?,
        })
    }

    /// The field a user names in `name:word`, if it is one of ours.
    pub fn by_user_name(&self, name: &str) -> Option<Field> {
        match name.to_ascii_lowercase().as_str() {
            TITLE => Some(self.title),
            DATELINE => Some(self.dateline),
            BODY => Some(self.body),
            _ => None,
        }
    }
}
