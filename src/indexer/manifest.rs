//! What the last commit holds, as incremental indexing asks it: is this file indexed, with
//! which size and modification time, and which indexed files did the walk not find.
//!
//! Reads the committed segments only; never writes. The indexing run decides what to do with
//! the answers.

use std::collections::HashSet;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::columnar::Column;
use tantivy::index::InvertedIndexReader;
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocId, DocSet, IndexReader, Opstamp, SegmentReader, TERMINATED};

use crate::fault::FaultLog;
use crate::open;
use crate::schema::Fields;

/// Whether `key` lies below the folder whose key is `folder` (`""`: the corpus folder).
fn is_below(key: &str, folder: &str) -> bool {
    folder.is_empty()
        || key
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What the last commit holds, as incremental indexing asks it: each file the walk finds is
/// looked up in the index itself (its path term, then its document's size and time), from the
/// walk's threads. A map of every committed file took 131 bytes a file (41 MB for the 316,000
/// files of the 1 GB bench corpus), so a re-index grew with the corpus; this holds a bit an
/// article, to know which files the walk did not find.
pub(super) struct Manifest {
    segments: Vec<SegmentFiles>,
    /// The commit the lookups answer for.
    pub opstamp: Opstamp,
    /// Files are looked up by their key, which all their articles share.
    file: Field,
    /// The first error a lookup met, from any thread (see `check`): the run stops on it
    /// before any commit.
    failure: Mutex<Option<io::Error>>,
    /// Articles to index again (see `repair`): the manifest holds them as not indexed, and
    /// never as vanished.
    pub redo: HashSet<String>,
}

/// One segment's part of the manifest.
struct SegmentFiles {
    reader: SegmentReader,
    paths: Arc<InvertedIndexReader>,
    sizes: Column<u64>,
    modified: Column<u64>,
    /// The articles whose file the walk found, a bit per document.
    seen: Vec<AtomicU64>,
}

impl SegmentFiles {
    fn mark_seen(&self, doc: DocId) {
        self.seen[doc as usize / 64].fetch_or(1 << (doc % 64), Ordering::Relaxed);
    }

    fn was_seen(&self, doc: DocId) -> bool {
        self.seen[doc as usize / 64].load(Ordering::Relaxed) & (1 << (doc % 64)) != 0
    }
}

/// A committed file's document: its segment, document, size and modification time.
struct Committed {
    segment: usize,
    doc: DocId,
    size: u64,
    modified: u64,
}

impl Manifest {
    /// Opens the last commit's segments in `dir` for lookups, through memory maps: the
    /// writer's directory reads with a system call per read (see `pread`), and a no-change
    /// re-index of the 1 GB bench corpus spent a third of its time in them (0.54 -> 0.37 s).
    pub(super) fn read(
        dir: &Path,
        fields: &Fields,
        faults: &FaultLog,
        redo: HashSet<String>,
    ) -> anyhow::Result<Manifest> {
        let index = open::mapped(dir, faults)?;
        // Read before the segments: a commit in between makes the run stop, never miss it.
        let opstamp = index.load_metas()?.opstamp;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        let mut segments = Vec::new();
        for segment in reader.searcher().segment_readers() {
            let fast = segment.fast_fields();
            let words = (segment.max_doc() as usize).div_ceil(64);
            segments.push(SegmentFiles {
                reader: segment.clone(),
                paths: segment.inverted_index(fields.file)?,
                sizes: fast.u64("size")?,
                modified: fast.u64("modified")?,
                seen: (0..words).map(|_| AtomicU64::new(0)).collect(),
            });
        }
        Ok(Manifest {
            segments,
            opstamp,
            file: fields.file,
            failure: Mutex::new(None),
            redo,
        })
    }

    /// Whether the last commit holds `key` with this size and time; marks it found. Called
    /// from the walk's threads. A failed lookup is kept for `failure` and answers no.
    pub(super) fn unchanged(&self, key: &str, size: u64, modified: u64) -> bool {
        match self.committed(key) {
            Ok(Some(first)) => {
                self.segments[first.segment].mark_seen(first.doc);
                first.size == size && first.modified == modified
            }
            Ok(None) => false,
            Err(err) => {
                let mut failure = self.failure.lock().unwrap_or_else(|err| err.into_inner());
                failure.get_or_insert(err);
                false
            }
        }
    }

    /// Whether the last commit holds `key`.
    pub(super) fn holds(&self, key: &str) -> io::Result<bool> {
        Ok(self.committed(key)?.is_some())
    }

    /// The live document of `key`'s article, if the last commit holds it.
    fn committed(&self, key: &str) -> io::Result<Option<Committed>> {
        if self.redo.contains(key) {
            return Ok(None);
        }
        let term = Term::from_field_text(self.file, key);
        for (segment_ord, segment) in self.segments.iter().enumerate() {
            let Some(mut postings) = segment
                .paths
                .read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if !segment.reader.is_deleted(doc)
                    && let (Some(size), Some(modified)) =
                        (segment.sizes.first(doc), segment.modified.first(doc))
                {
                    return Ok(Some(Committed {
                        segment: segment_ord,
                        doc,
                        size,
                        modified,
                    }));
                }
                postings.advance();
            }
        }
        Ok(None)
    }

    /// The first error a lookup met, if any.
    pub(super) fn check(&self) -> anyhow::Result<()> {
        let mut failure = self.failure.lock().unwrap_or_else(|err| err.into_inner());
        match failure.take() {
            Some(err) => Err(anyhow::Error::new(err).context("looking files up in the index")),
            None => Ok(()),
        }
    }

    /// The keys of committed files the walk did not find, except those below a folder it
    /// could not list (`unlisted`): they are not known to be gone.
    pub(super) fn vanished(&self, unlisted: &[String]) -> anyhow::Result<Vec<String>> {
        self.check()?;
        let mut vanished = Vec::new();
        for segment in &self.segments {
            let unseen = (0..segment.reader.max_doc())
                .filter(|&doc| !segment.was_seen(doc) && !segment.reader.is_deleted(doc))
                .collect::<Vec<DocId>>();
            if unseen.is_empty() {
                continue;
            }
            let Some(paths) = segment.reader.fast_fields().str("file")? else {
                continue;
            };
            // A file's articles are added together, so its unseen ones follow each other:
            // its key is looked up once.
            let mut previous = None;
            for doc in unseen {
                let mut key = String::new();
                let Some(ord) = paths.ords().first(doc) else {
                    continue;
                };
                if previous.replace(ord) == Some(ord) || !paths.ord_to_str(ord, &mut key)? {
                    continue;
                }
                // A file whose first document the walk found (maybe in another segment) is
                // not gone: its other articles are never marked.
                let found_elsewhere = self
                    .committed(&key)?
                    .is_some_and(|first| self.segments[first.segment].was_seen(first.doc));
                if !found_elsewhere
                    && !self.redo.contains(&key)
                    && !unlisted.iter().any(|folder| is_below(&key, folder))
                {
                    vanished.push(key);
                }
            }
        }
        // The unfound articles of one file make one removal.
        vanished.sort_unstable();
        vanished.dedup();
        Ok(vanished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_below_its_folders_and_not_below_names_that_only_start_the_same() {
        assert!(is_below("world/a.txt", ""));
        assert!(is_below("world/a.txt", "world"));
        assert!(is_below("world/europe/a.txt", "world"));
        assert!(!is_below("worldwide/a.txt", "world"));
        assert!(!is_below("world", "world"));
        assert!(!is_below("a.txt", "world"));
    }
}
