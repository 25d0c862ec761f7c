//! The fast columns a search reads for a passage without touching the doc store: its
//! article's key (path), its paragraph number, its article id and length, and its file's size
//! and time.
//!
//! Owns opening each segment's columns once, on first use, and reading one value of them. It
//! does not decide what the values mean for ranking or hits.

use std::net::Ipv6Addr;
use std::sync::OnceLock;

use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::fastfield::FastFieldReaders;
use tantivy::{DocAddress, DocId, Searcher};

use crate::dates::{self, DateSource, Day};
use crate::schema::{self, SIGNATURE_FIELDS};
use crate::signature::Signature;

/// Per segment, the fast columns ranking and hits read, each opened on first use: opening a
/// column decodes its block index, which cost more than the search itself (2,000 page faults
/// for a rare word on the 1 GB index) when it was done for every hit.
pub(super) struct Columns {
    searcher: Searcher,
    per_segment: Vec<SegmentColumns>,
}

/// The fast columns of one segment that ranking and hits read, each opened on first use.
#[derive(Default)]
struct SegmentColumns {
    article: OnceLock<ArticleIds>,
    article_length: OnceLock<Column<u64>>,
    date: OnceLock<Column<u64>>,
    signature: [OnceLock<Column<u64>>; 4],
    paragraph: OnceLock<Column<Ipv6Addr>>,
    path: OnceLock<Option<StrColumn>>,
    size: OnceLock<Column<u64>>,
    modified: OnceLock<Column<u64>>,
}

/// A segment's article ids (see `schema::Fields::article`), read as numbers.
#[derive(Clone)]
pub(super) struct ArticleIds(Column<Ipv6Addr>);

impl ArticleIds {
    /// The article id of passage `doc`.
    pub fn first(&self, doc: DocId) -> Option<u64> {
        self.0.first(doc).map(schema::article_id)
    }
}

impl Columns {
    pub fn new(searcher: &Searcher) -> Columns {
        Columns {
            searcher: searcher.clone(),
            per_segment: searcher
                .segment_readers()
                .iter()
                .map(|_| SegmentColumns::default())
                .collect(),
        }
    }

    /// A segment's fast column `name`, opened with `open` the first time it is needed.
    fn column<'a, C>(
        &'a self,
        segment_ord: u32,
        name: &str,
        cell: impl Fn(&SegmentColumns) -> &OnceLock<C>,
        open: fn(&FastFieldReaders, &str) -> tantivy::Result<C>,
    ) -> tantivy::Result<&'a C> {
        let cell = cell(&self.per_segment[segment_ord as usize]);
        if let Some(column) = cell.get() {
            return Ok(column);
        }
        let column = open(
            self.searcher.segment_reader(segment_ord).fast_fields(),
            name,
        )?;
        Ok(cell.get_or_init(|| column))
    }

    fn u64_column<'a>(
        &'a self,
        segment_ord: u32,
        name: &str,
        cell: impl Fn(&SegmentColumns) -> &OnceLock<Column<u64>>,
    ) -> tantivy::Result<&'a Column<u64>> {
        self.column(segment_ord, name, cell, FastFieldReaders::u64)
    }

    /// A segment's paragraph column (see `schema::Fields::paragraph`).
    pub fn paragraphs(&self, segment_ord: u32) -> tantivy::Result<&Column<Ipv6Addr>> {
        self.column(
            segment_ord,
            "paragraph",
            |columns| &columns.paragraph,
            FastFieldReaders::ip_addr,
        )
    }

    /// The 1-based paragraph number of a passage.
    pub fn paragraph(&self, address: DocAddress) -> tantivy::Result<u64> {
        let column = self.paragraphs(address.segment_ord)?;
        let number = column.first(address.doc_id).map(schema::paragraph_number);
        Ok(number.unwrap_or(1).max(1))
    }

    /// A segment's article ids.
    pub fn article_id_column(&self, segment_ord: u32) -> tantivy::Result<&ArticleIds> {
        self.column(
            segment_ord,
            "article",
            |columns| &columns.article,
            |fast, name| fast.ip_addr(name).map(ArticleIds),
        )
    }

    /// Each segment's article ids.
    pub fn article_ids(&self) -> tantivy::Result<Vec<ArticleIds>> {
        (0..self.per_segment.len() as u32)
            .map(|segment_ord| self.article_id_column(segment_ord).cloned())
            .collect()
    }

    /// The length of a passage's article body, in tokens (0 when unknown).
    pub fn article_length(&self, address: DocAddress) -> tantivy::Result<f32> {
        let lengths = self.u64_column(address.segment_ord, "article_length", |columns| {
            &columns.article_length
        })?;
        Ok(lengths.first(address.doc_id).map_or(0.0, schema::length_of))
    }

    /// The day a passage's article is dated, and where that came from (the epoch, from the
    /// file's time, when the index does not say).
    pub fn date(&self, address: DocAddress) -> tantivy::Result<(Day, DateSource)> {
        let dates = self.u64_column(address.segment_ord, "date", |columns| &columns.date)?;
        Ok(dates
            .first(address.doc_id)
            .map_or((Day(0), DateSource::Modified), dates::date_of))
    }

    /// The near-duplicate signature stored on an article's first passage.
    pub fn signature(&self, first: DocAddress) -> tantivy::Result<Option<Signature>> {
        let mut parts = [0u64; 4];
        for (i, part) in parts.iter_mut().enumerate() {
            let column = self.u64_column(first.segment_ord, SIGNATURE_FIELDS[i], |columns| {
                &columns.signature[i]
            })?;
            let Some(value) = column.first(first.doc_id) else {
                return Ok(None);
            };
            *part = value;
        }
        Ok(Some(Signature(parts)))
    }

    /// The article key (path relative to the corpus folder) of a passage; empty in a segment
    /// without paths.
    pub fn key(&self, address: DocAddress) -> tantivy::Result<String> {
        let mut key = String::new();
        if let Some(paths) = self.paths(address.segment_ord)?
            && let Some(ord) = paths.ords().first(address.doc_id)
        {
            paths.ord_to_str(ord, &mut key)?;
        }
        Ok(key)
    }

    /// The article keys of many passages: their ordinals in the path dictionary read in order,
    /// which decodes each of its blocks once instead of once a key (decoding keys one by one
    /// was a tenth of an evaluation's time).
    pub fn keys(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<String>> {
        let mut keys = vec![String::new(); addresses.len()];
        let mut by_segment: Vec<Vec<(u64, usize)>> = vec![Vec::new(); self.per_segment.len()];
        for (i, address) in addresses.iter().enumerate() {
            if let Some(paths) = self.paths(address.segment_ord)?
                && let Some(ord) = paths.ords().first(address.doc_id)
            {
                by_segment[address.segment_ord as usize].push((ord, i));
            }
        }
        for (segment_ord, mut wanted) in by_segment.into_iter().enumerate() {
            let Some(paths) = self.paths(segment_ord as u32)? else {
                continue;
            };
            wanted.sort_unstable();
            let mut ords: Vec<u64> = wanted.iter().map(|&(ord, _)| ord).collect();
            ords.dedup();
            let mut next = wanted.iter().peekable();
            let mut decoded = ords.iter();
            paths.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                let Some(&ord) = decoded.next() else {
                    return;
                };
                let key = String::from_utf8_lossy(bytes);
                while let Some(&(_, i)) = next.next_if(|&&(wanted, _)| wanted == ord) {
                    keys[i] = key.to_string();
                }
            })?;
        }
        Ok(keys)
    }

    /// A segment's path column (`None` in a segment without paths).
    fn paths(&self, segment_ord: u32) -> tantivy::Result<Option<&StrColumn>> {
        Ok(self
            .column(
                segment_ord,
                "path",
                |columns| &columns.path,
                FastFieldReaders::str,
            )?
            .as_ref())
    }

    /// The size and modification time of the file indexed, recorded on its article's first
    /// passage (`None` for any other passage).
    pub fn file_identity(&self, first: DocAddress) -> tantivy::Result<Option<(u64, u64)>> {
        let size = self.u64_column(first.segment_ord, "size", |columns| &columns.size)?;
        let modified =
            self.u64_column(first.segment_ord, "modified", |columns| &columns.modified)?;
        Ok(size.first(first.doc_id).zip(modified.first(first.doc_id)))
    }

    /// Passages and articles in the index, deleted ones included (as BM25's statistics count
    /// them). Only an article's first passage has a `size` value.
    pub fn passage_and_article_counts(&self) -> tantivy::Result<(u64, u64)> {
        let (mut passages, mut articles) = (0, 0);
        for (segment_ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            let max_doc = u64::from(reader.max_doc());
            passages += max_doc;
            // The column the hits' file checks read too, opened once.
            let sizes = self.u64_column(segment_ord as u32, "size", |columns| &columns.size)?;
            articles += match &sizes.index {
                ColumnIndex::Empty { .. } => 0,
                ColumnIndex::Optional(index) => u64::from(index.num_non_nulls()),
                ColumnIndex::Full | ColumnIndex::Multivalued(_) => max_doc,
            };
        }
        Ok((passages, articles))
    }
}
