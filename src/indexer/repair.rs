//! Repairing an index from its corpus, where that needs no rebuild: a damaged segment is
//! dropped from the last commit and the articles it held are indexed again from their files.
//!
//! Which segments are damaged is `open::check`'s to say: its quick check on every run (files
//! missing, cut short, footers damaged), its checksums too with `--repair`; a file that cannot
//! be read (EIO) counts only with `--repair`, otherwise the run stops and names it. Dropping a segment
//! rewrites `meta.json` without it, under the writer's lock, as a commit would; its files are
//! then no commit's, and the writer's clean-up removes them. Every article the dropped segment
//! held (its file column lists them, read from its fast-field file when that file is sound)
//! is deleted and indexed again, and the manifest treats them as not indexed; with
//! `--repair`, so are articles damaged otherwise (indexed twice, a document not whole). When a
//! dropped segment's articles cannot be listed, every article is indexed again, into an
//! emptied index and lexicon: a rebuild in place. Articles whose files are gone from the corpus are not brought
//! back: a run would have removed them anyway. Re-added articles count their words in the
//! lexicon again (it only grows; see `lexicon`).

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use anyhow::Context;
use tantivy::columnar::{ColumnarReader, DynamicColumn};
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK};
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::{Index, ReloadPolicy};

use crate::fault::{FaultLog, Kind};
use crate::lexicon;
use crate::numbers::thousands;
use crate::open::check::{self, Depth, Problem};
use crate::open::seals::Seals;
use crate::open::{self, OpenIndex};

/// What a repair did, for the run's summary and the manifest.
#[derive(Debug, Default)]
pub struct Repaired {
    /// The damage found, one line a segment (or for the articles), as the user reads it.
    pub notes: Vec<String>,
    /// The keys of the articles to delete and index again.
    pub redo: HashSet<String>,
}

/// Before the index is opened for a `--repair`: removes what makes tantivy refuse to open
/// it. A `.managed.json` that cannot be read only listed tantivy's files for clean-up, and
/// the writer writes it anew; a `meta.json` that cannot be read leaves nothing to keep, and
/// without it the index is created anew, in place, its old segments cleaned up.
pub fn before_open(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut notes = Vec::new();
    if let Some(problem) = check::managed_list_problem(dir) {
        let path = dir.join(".managed.json");
        fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        notes.push(format!("{problem}; removed it"));
    }
    let meta = dir.join("meta.json");
    if meta.exists()
        && let Err(tantivy::TantivyError::DataCorruption(_)) =
            open::mapped(dir, &FaultLog::default())
    {
        fs::remove_file(&meta).with_context(|| format!("removing {}", meta.display()))?;
        notes.push(format!(
            "{} is damaged; indexing every article again, in place",
            meta.display()
        ));
    }
    Ok(notes)
}

/// Finds the segments of `open`'s last commit that are damaged (with `thorough`, against
/// their checksums too), drops them, and finds the articles to index again.
pub fn repair(
    open: &OpenIndex,
    dir: &Path,
    thorough: bool,
    faults: &FaultLog,
) -> anyhow::Result<Repaired> {
    let mut repaired = Repaired::default();
    if !dir.join("meta.json").exists() {
        return Ok(repaired);
    }
    let meta = open.index.load_metas()?;
    let depth = if thorough {
        Depth::Every
    } else {
        Depth::Unsealed
    };
    // The files found sound are sealed when the run ends (`check::seal_last_commit`): a run
    // writes nothing before it has something to index.
    let mut seals = Seals::read(dir);
    let problems =
        check::segment_problems(&open.index, dir, &meta.segments, depth, &mut seals, faults);
    // A file that cannot be read is not known to be damaged: without `--repair` the run
    // stops on it, and says so (the fault log names it).
    if !thorough
        && faults
            .first()
            .is_some_and(|fault| fault.kind != Kind::Damaged)
    {
        anyhow::bail!("reading the index");
    }
    let damaged: HashSet<SegmentId> = problems.iter().filter_map(Problem::segment).collect();
    // A lexicon that cannot be trusted is only mended by counting every article again.
    let mut everything = false;
    if thorough && let (_, Some(problem)) = check::lexicon_problem(dir) {
        repaired.notes.push(format!(
            "{problem}; emptying the index and indexing every article again"
        ));
        everything = true;
    }
    for problem in &problems {
        let Some(segment) = meta
            .segments
            .iter()
            .find(|s| Some(s.id()) == problem.segment())
        else {
            continue;
        };
        match articles_of(&open.index, dir, segment, thorough) {
            Some(keys) => {
                repaired.notes.push(format!(
                    "{problem}; dropped it, and indexing again the {} articles it held",
                    thousands(keys.len() as u64)
                ));
                repaired.redo.extend(keys);
            }
            None => {
                everything = true;
                repaired.notes.push(format!(
                    "{problem}; its articles cannot be listed either, so the index is emptied and every article indexed again"
                ));
            }
        }
    }
    if everything {
        let all: HashSet<SegmentId> = meta.segments.iter().map(SegmentMeta::id).collect();
        drop_segments(&open.index, dir, &all)?;
        // Every article is added again: their words are counted anew.
        lexicon::create_empty(dir)?;
        repaired.redo.clear();
        return Ok(repaired);
    }
    if !damaged.is_empty() {
        drop_segments(&open.index, dir, &damaged)?;
    }
    if thorough {
        redo_incomplete_articles(dir, faults, &mut repaired)?;
    }
    Ok(repaired)
}

/// Adds to `repaired` the articles whose documents are not whole in the sound segments left.
fn redo_incomplete_articles(
    dir: &Path,
    faults: &FaultLog,
    repaired: &mut Repaired,
) -> anyhow::Result<()> {
    let index = open::mapped(dir, faults)?;
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let mut articles = check::articles(&reader.searcher())?;
    // Those of dropped segments are incomplete for that alone, and indexed again already.
    articles
        .incomplete
        .retain(|(key, _)| !repaired.redo.contains(key));
    if let Some((key, why)) = articles.incomplete.first() {
        repaired.notes.push(format!(
            "{} incomplete (e.g. {key}: {why}); indexing them again",
            match articles.incomplete.len() {
                1 => "1 article was".to_string(),
                n => format!("{n} articles were"),
            }
        ));
    }
    repaired
        .redo
        .extend(articles.incomplete.into_iter().map(|(key, _)| key));
    Ok(())
}

/// The keys of the files whose articles `segment` holds (deleted ones too), from its file
/// column; `None` when its fast-field file cannot be read, or (with `thorough`) fails its
/// checksum.
fn articles_of(
    index: &Index,
    dir: &Path,
    segment: &SegmentMeta,
    thorough: bool,
) -> Option<Vec<String>> {
    let file = segment.relative_path(SegmentComponent::FastFields);
    if thorough && !check::file_intact(dir, &file) {
        return None;
    }
    // Damage the checks cannot see may still make tantivy panic; then the list is unknown.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let bytes = index.directory().open_read(&file).ok()?;
        let columns = ColumnarReader::open(bytes).ok()?;
        let handle = columns.read_columns("file").ok()?.into_iter().next()?;
        let DynamicColumn::Str(paths) = handle.open().ok()? else {
            return None;
        };
        let mut keys = Vec::with_capacity(paths.num_terms());
        for ord in 0..paths.num_terms() as u64 {
            let mut key = String::new();
            paths.ord_to_str(ord, &mut key).ok()?;
            keys.push(key);
        }
        Some(keys)
    }))
    .ok()
    .flatten()
}

/// Rewrites `meta.json` without the `damaged` segments, holding the writer's lock.
fn drop_segments(index: &Index, dir: &Path, damaged: &HashSet<SegmentId>) -> anyhow::Result<()> {
    let directory = index.directory();
    let _lock = directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|err| match err {
            LockError::LockBusy => anyhow::anyhow!(
                "another `newsdex index` is writing to {} right now; wait for it to finish",
                dir.display()
            ),
            other => anyhow::Error::new(other).context("locking the index to repair it"),
        })?;
    let mut meta = index.load_metas()?;
    meta.segments
        .retain(|segment| !damaged.contains(&segment.id()));
    // As tantivy writes it: pretty JSON and a newline.
    let mut json = serde_json::to_vec_pretty(&meta)?;
    json.push(b'\n');
    directory
        .atomic_write(Path::new("meta.json"), &json)
        .context("dropping the damaged segments from meta.json")?;
    directory.sync_directory()?;
    Ok(())
}
