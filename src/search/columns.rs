//! The fast columns a search reads for an article without touching the doc store: its key
//! (path), its paragraphs' spans, its date and signature, and its file's size and time.
//!
//! Owns opening each segment's columns once, on first use, and reading one article's values.
//! It does not decide what the values mean for ranking or hits.

use std::net::Ipv6Addr;
use std::sync::OnceLock;

use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FastFieldReaders;
use tantivy::{DocAddress, Searcher};

use crate::dates::{self, DateSource, Day};
use crate::schema::{self, PARAGRAPHS, SIGNATURE_FIELDS};
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
    spans: OnceLock<Column<Ipv6Addr>>,
    date: OnceLock<Column<u64>>,
    signature: [OnceLock<Column<u64>>; 4],
    path: OnceLock<Option<StrColumn>>,
    file: OnceLock<Option<StrColumn>>,
    size: OnceLock<Column<u64>>,
    modified: OnceLock<Column<u64>>,
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

    fn span_column(&self, segment_ord: u32) -> tantivy::Result<&Column<Ipv6Addr>> {
        self.column(
            segment_ord,
            PARAGRAPHS,
            |columns| &columns.spans,
            FastFieldReaders::ip_addr,
        )
    }

    /// Each paragraph's span of body positions, in order, into `spans` (cleared first).
    pub fn spans(&self, address: DocAddress, spans: &mut Vec<u32>) -> tantivy::Result<()> {
        spans.clear();
        let column = self.span_column(address.segment_ord)?;
        spans.extend(column.values_for_doc(address.doc_id).map(schema::span_of));
        Ok(())
    }

    /// Paragraphs in the index, deleted articles' too (as BM25's statistics count them).
    pub fn paragraph_count(&self) -> tantivy::Result<u64> {
        let mut paragraphs = 0;
        for segment_ord in 0..self.per_segment.len() as u32 {
            paragraphs += u64::from(self.span_column(segment_ord)?.values.num_vals());
        }
        Ok(paragraphs)
    }

    /// The day an article is dated, and where that came from (the epoch, from the file's
    /// time, when the index does not say).
    pub fn date(&self, address: DocAddress) -> tantivy::Result<(Day, DateSource)> {
        let dates = self.u64_column(address.segment_ord, "date", |columns| &columns.date)?;
        Ok(dates
            .first(address.doc_id)
            .map_or((Day(0), DateSource::Modified), dates::date_of))
    }

    /// An article's near-duplicate signature.
    pub fn signature(&self, address: DocAddress) -> tantivy::Result<Option<Signature>> {
        let mut parts = [0u64; 4];
        for (i, part) in parts.iter_mut().enumerate() {
            let column = self.u64_column(address.segment_ord, SIGNATURE_FIELDS[i], |columns| {
                &columns.signature[i]
            })?;
            let Some(value) = column.first(address.doc_id) else {
                return Ok(None);
            };
            *part = value;
        }
        Ok(Some(Signature(parts)))
    }

    /// An article's key (path relative to the corpus folder); empty in a segment without
    /// paths.
    pub fn key(&self, address: DocAddress) -> tantivy::Result<String> {
        let mut key = String::new();
        if let Some(paths) = self.paths(address.segment_ord)?
            && let Some(ord) = paths.ords().first(address.doc_id)
        {
            paths.ord_to_str(ord, &mut key)?;
        }
        Ok(key)
    }

    /// The key of an article's file: its own key for a text article, not for one of a file
    /// of many (`file#id`).
    pub fn file_key(&self, address: DocAddress) -> tantivy::Result<String> {
        let mut key = String::new();
        let files = self
            .column(
                address.segment_ord,
                "file",
                |columns| &columns.file,
                FastFieldReaders::str,
            )?
            .as_ref();
        if let Some(files) = files
            && let Some(ord) = files.ords().first(address.doc_id)
        {
            files.ord_to_str(ord, &mut key)?;
        }
        Ok(key)
    }

    /// The keys of many articles: their ordinals in the path dictionary read in order, which
    /// decodes each of its blocks once instead of once a key (decoding keys one by one was a
    /// tenth of an evaluation's time).
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
            if wanted.is_empty() {
                continue;
            }
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

    /// The ordinal of an article's key in its segment's path dictionary: within a segment,
    /// ordinals sort as the keys do.
    pub fn key_ordinal(&self, address: DocAddress) -> tantivy::Result<u64> {
        Ok(self
            .paths(address.segment_ord)?
            .and_then(|paths| paths.ords().first(address.doc_id))
            .unwrap_or(u64::MAX))
    }

    /// The size and modification time of the file indexed.
    pub fn file_identity(&self, address: DocAddress) -> tantivy::Result<Option<(u64, u64)>> {
        let size = self.u64_column(address.segment_ord, "size", |columns| &columns.size)?;
        let modified =
            self.u64_column(address.segment_ord, "modified", |columns| &columns.modified)?;
        Ok(size
            .first(address.doc_id)
            .zip(modified.first(address.doc_id)))
    }
}
