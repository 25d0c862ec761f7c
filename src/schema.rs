//! Schema: the fields of an article document, defined once, with their handles kept together.
//!
//! One tantivy document is one article: what quest, Lucene and tantivy-cli index, and what
//! block-max WAND skips through fastest (a document per paragraph made every feature pay for
//! fifteen times as many documents). Passages are found at query time (see `search`): the
//! body is indexed as one value per paragraph, with positions, and the `paragraphs` column
//! keeps how many positions each paragraph spans, so a position found in the postings says
//! which paragraph it is in without the article being read or analysed again. The text is
//! stored once, in the doc store: title, dateline and the paragraphs as separate values.
//!
//! Format 11 is the first of this design (formats up to 10 held a document per paragraph).
//! Format 13 added `file`: a file may hold many articles (a feed, a TREC collection).

use std::net::Ipv6Addr;

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{ANALYZER, WORDS_ANALYZER};

/// Field names, as users write them in `field:word` queries.
pub const TITLE: &str = "title";
pub const DATELINE: &str = "dateline";
pub const BODY: &str = "body";

/// The names of the signature's four columns.
pub const SIGNATURE_FIELDS: [&str; 4] = ["signature0", "signature1", "signature2", "signature3"];

/// The name of the column of paragraph spans.
pub const PARAGRAPHS: &str = "paragraphs";

/// The dateline's place and agency, as users name them in `place:` and `agency:` filters.
pub const PLACE: &str = "place";
pub const AGENCY: &str = "agency";

/// Positions tantivy leaves between two values of a text field (its `POSITION_GAP`): a
/// paragraph starts one position after the last position the one before it could use, so a
/// phrase never runs across a paragraph break.
pub const PARAGRAPH_GAP: u32 = 1;

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The article's key, one untokenized term per article (fast, for hits): its file's key
    /// for a file of one plain-text article, else `file#id` with the id the format gives.
    pub path: Field,
    /// The key of the article's file: its path relative to the corpus folder. What
    /// re-indexing deletes by, so a changed or deleted file takes all its articles with it;
    /// fast, for the manifest.
    pub file: Field,
    /// The title and dateline, indexed with positions and stored.
    pub title: Field,
    pub dateline: Field,
    /// The title's words as typed (lower-cased and folded, not stemmed): a query word found
    /// there in its exact form earns a bonus (see `search`). Frequencies only and no length
    /// norms: it is only asked whether a word is there.
    pub title_words: Field,
    /// The body, one value per paragraph, with positions; stored.
    pub body: Field,
    /// Each paragraph's span of body positions, in order (see `span_value`): the last
    /// position its analysis kept, plus one (0 for a paragraph of no words). Kept in a 128-bit
    /// (IP address) column: tantivy opens it in constant time, where a 64-bit column may be
    /// stored in blocks whose every header is decoded when a search opens it.
    pub paragraphs: Field,
    /// The article's date and where it came from, as `dates::date_value` encodes them.
    pub date: Field,
    /// The body's near-duplicate signature, in four parts (see `signature`; 32 bytes an
    /// article).
    pub signature: [Field; 4],
    /// The dateline's place and agency, lower-cased, one term each: filters (`place:london`),
    /// facets and `stats`; fast, for the facets of every match.
    pub place: Field,
    pub agency: Field,
    /// The file's size and modification time when it was indexed: what incremental indexing
    /// compares, and what tells a search whether the file still holds the text indexed.
    pub size: Field,
    pub modified: Field,
}

/// The `paragraphs` column's value for a paragraph spanning `positions` body positions.
pub fn span_value(positions: u32) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(positions))
}

/// The span a `paragraphs` column value holds.
pub fn span_of(value: Ipv6Addr) -> u32 {
    u32::try_from(u128::from(value)).unwrap_or(u32::MAX)
}

/// Where each paragraph's positions start, given the paragraphs' spans: each one starts
/// `PARAGRAPH_GAP` after the end of the one before.
pub fn paragraph_starts(spans: &[u32]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(spans.len());
    let mut next = 0u32;
    for &span in spans {
        starts.push(next);
        next = next.saturating_add(span).saturating_add(PARAGRAPH_GAP);
    }
    starts
}

impl Fields {
    /// The schema every newsdex index is built with.
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let stemmed = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default()
            .set_indexing_options(stemmed.clone())
            .set_stored();
        // The dateline: as text, without length norms (a few words, always).
        let short_text = TextOptions::default()
            .set_indexing_options(stemmed.set_fieldnorms(false))
            .set_stored();
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
            path: builder.add_text_field("path", key.clone()),
            file: builder.add_text_field("file", key),
            title: builder.add_text_field(TITLE, text.clone()),
            title_words: builder.add_text_field("title_words", words),
            dateline: builder.add_text_field(DATELINE, short_text),
            body: builder.add_text_field(BODY, text),
            paragraphs: builder.add_ip_addr_field(PARAGRAPHS, FAST),
            date: builder.add_u64_field("date", FAST),
            signature: SIGNATURE_FIELDS.map(|name| builder.add_u64_field(name, FAST)),
            place: builder.add_text_field(PLACE, STRING | FAST),
            agency: builder.add_text_field(AGENCY, STRING | FAST),
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
            file: field("file")?,
            title: field(TITLE)?,
            title_words: field("title_words")?,
            dateline: field(DATELINE)?,
            body: field(BODY)?,
            paragraphs: field(PARAGRAPHS)?,
            date: field("date")?,
            signature: [
                field(SIGNATURE_FIELDS[0])?,
                field(SIGNATURE_FIELDS[1])?,
                field(SIGNATURE_FIELDS[2])?,
                field(SIGNATURE_FIELDS[3])?,
            ],
            place: field(PLACE)?,
            agency: field(AGENCY)?,
            size: field("size")?,
            modified: field("modified")?,
        })
    }

    /// The name a user gives `field` in `name:word`.
    pub fn user_name(&self, field: Field) -> &'static str {
        [
            (self.title, TITLE),
            (self.dateline, DATELINE),
            (self.place, PLACE),
            (self.agency, AGENCY),
        ]
        .into_iter()
        .find(|&(known, _)| known == field)
        .map_or(BODY, |(_, name)| name)
    }

    /// The field a user names in `name:word`, if it is one of ours.
    pub fn by_user_name(&self, name: &str) -> Option<Field> {
        match name.to_ascii_lowercase().as_str() {
            TITLE => Some(self.title),
            DATELINE => Some(self.dateline),
            BODY => Some(self.body),
            PLACE => Some(self.place),
            AGENCY => Some(self.agency),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_start_one_gap_after_the_last_span_ends() {
        assert_eq!(paragraph_starts(&[]), Vec::<u32>::new());
        assert_eq!(paragraph_starts(&[3, 0, 5, 2]), [0, 4, 5, 11]);
        assert_eq!(span_of(span_value(70_000)), 70_000);
    }
}
