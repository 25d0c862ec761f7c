//! Schema: the fields of a passage document, defined once, with their handles kept together.
//!
//! One tantivy document is one passage (paragraph). It carries its article's path, title and
//! dateline so that a passage ranks and prints on its own; block compression of the doc store
//! keeps those repeats cheap. The file identity (size, modification time) is stored on the
//! first passage of each article only: it is the manifest incremental indexing reads.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::ANALYZER;

/// Field names, as users write them in `field:word` queries.
pub const TITLE: &str = "title";
pub const DATELINE: &str = "dateline";
pub const BODY: &str = "body";

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The article's key: its path relative to the corpus folder (`STRING`, so one term per
    /// article for delete-then-add re-indexing; fast, for reading the manifest).
    pub path: Field,
    pub title: Field,
    pub dateline: Field,
    /// The passage text.
    pub body: Field,
    /// 1-based paragraph number within the article body.
    pub paragraph: Field,
    /// A hash of `path`, to group passages by article while collecting.
    pub article: Field,
    /// File size and modification time, on the article's first passage only.
    pub size: Field,
    pub modified: Field,
}

impl Fields {
    /// The schema every newsdex index is built with.
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let fields = Fields {
            path: builder.add_text_field("path", STRING | STORED | FAST),
            title: builder.add_text_field(TITLE, text.clone()),
            dateline: builder.add_text_field(DATELINE, text.clone()),
            body: builder.add_text_field(BODY, text),
            paragraph: builder.add_u64_field("paragraph", STORED),
            article: builder.add_u64_field("article", FAST),
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
            dateline: field(DATELINE)?,
            body: field(BODY)?,
            paragraph: field("paragraph")?,
            article: field("article")?,
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

/// A stable 64-bit hash of an article key (FNV-1a), so article ids agree across segments and
/// runs.
pub fn article_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
