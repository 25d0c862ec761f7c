//! Indexing: the index folder, and bringing it up to date with a corpus folder.
//!
//! Owns the index folder's marker (`newsdex.json`, written before anything else so a folder
//! that is not ours is never touched), opening and creating the tantivy index, and incremental
//! updates: files whose size and modification time are unchanged are not read again, changed
//! ones are deleted and re-added by their path term, vanished ones are deleted. Changes become
//! visible at commits (at the end of a run, and every `COMMIT_EVERY_BYTES` of a big one), so
//! a killed run leaves the last committed state intact and the next run picks up from it.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::index::InvertedIndexReader;
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergePolicy, NoMergePolicy};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{
    DocId, DocSet, Index, IndexReader, IndexSettings, IndexWriter, Opstamp, SegmentReader,
    TERMINATED, TantivyError, doc,
};

use crate::analysis;
use crate::article::{self, Article};
use crate::corpus::{self, ArticleFile, Skipped};
use crate::pread::PreadDirectory;
use crate::readonly::ReadOnlyDirectory;
use crate::schema::{self, Fields};

/// The marker file that says a folder holds a newsdex index.
pub const MARKER: &str = "newsdex.json";

/// Bumped whenever the schema or analysis changes in a way old indexes cannot serve.
pub const FORMAT_VERSION: u32 = 7;

/// What the marker records.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    format: u32,
    /// The corpus folder last indexed into this index, absolute; article keys are relative to it.
    corpus: Option<PathBuf>,
}

/// An index opened for reading or writing, with its field handles and corpus folder.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
    /// Absolute corpus folder the stored paths are relative to.
    pub corpus: Option<PathBuf>,
}

/// Why an index could not be opened; the CLI turns these into messages and exit codes.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no newsdex index in {0} (build one with `newsdex index CORPUS --index {0}`)")]
    Missing(String),
    #[error(
        "the index in {0} holds no committed articles yet (its first `newsdex index` run did not finish, or the corpus had none)"
    )]
    Empty(String),
    #[error(
        "the index in {dir} was built by another version of newsdex (format {found}, this one reads {FORMAT_VERSION}); rebuild it: delete the folder and run `newsdex index CORPUS --index {dir}`"
    )]
    WrongVersion { dir: String, found: u32 },
    #[error(
        "the index in {dir} is damaged ({cause}); rebuild it: delete the folder and run `newsdex index CORPUS --index {dir}`"
    )]
    Damaged { dir: String, cause: String },
}

fn shown(dir: &Path) -> String {
    corpus::display_path(dir)
}

fn read_marker(dir: &Path) -> Result<Option<Marker>, OpenError> {
    let path = dir.join(MARKER);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(OpenError::Damaged {
                dir: shown(dir),
                cause: format!("cannot read {MARKER}: {err}"),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|err| OpenError::Damaged {
            dir: shown(dir),
            cause: format!("{MARKER} is not valid: {err}"),
        })
}

/// The name the marker is written under before it is renamed into place.
fn marker_temporary() -> String {
    format!("{MARKER}.tmp")
}

fn write_marker(dir: &Path, marker: &Marker) -> anyhow::Result<()> {
    let temporary = dir.join(marker_temporary());
    let text = serde_json::to_string_pretty(marker)?;
    fs::write(&temporary, text).with_context(|| format!("writing {}", temporary.display()))?;
    fs::rename(&temporary, dir.join(MARKER))
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))?;
    Ok(())
}

/// Whether `dir` is ours to hold an index: missing, empty, holding only dotfiles, a README
/// or the temporary marker of a run killed while writing it, or already marked as newsdex's.
fn check_index_folder(dir: &Path) -> anyhow::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", dir.display())),
    };
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.')
            || name.to_ascii_lowercase().starts_with("readme")
            || name == marker_temporary()
        {
            continue;
        }
        bail!(
            "{} is not empty and holds no newsdex index; refusing to write there (choose an empty or new folder)",
            dir.display()
        );
    }
    Ok(())
}

/// How to open an index for searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The normal way: readers take tantivy's short meta lock, so a concurrent `index` run
    /// cannot delete files mid-open.
    Shared,
    /// Without any lock file, for folders the user cannot write (no writer can run there).
    ReadOnly,
}

/// Opens an existing index for searching. Never creates or changes anything.
pub fn open(dir: &Path, access: Access) -> Result<OpenIndex, OpenError> {
    let marker = read_marker(dir)?.ok_or_else(|| OpenError::Missing(shown(dir)))?;
    if marker.format != FORMAT_VERSION {
        return Err(OpenError::WrongVersion {
            dir: shown(dir),
            found: marker.format,
        });
    }
    if !dir.join("meta.json").exists() {
        return Err(OpenError::Empty(shown(dir)));
    }
    let damaged = |err: tantivy::TantivyError| OpenError::Damaged {
        dir: shown(dir),
        cause: err.to_string(),
    };
    let index = match access {
        Access::Shared => Index::open_in_dir(dir),
        Access::ReadOnly => ReadOnlyDirectory::open(dir).and_then(Index::open),
    }
    .map_err(damaged)?;
    let fields = Fields::from_schema(&index.schema()).map_err(damaged)?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: marker.corpus,
    })
}

/// Whether `dir` holds an index written by another version of newsdex.
pub fn is_other_version(dir: &Path) -> bool {
    matches!(read_marker(dir), Ok(Some(marker)) if marker.format != FORMAT_VERSION)
}

/// Whether `dir` holds a newsdex index (a marker), committed or not.
pub fn exists(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Opens the index in `dir` for writing, creating it (marker first) when there is none.
fn open_or_create(dir: &Path, corpus_root: &Path) -> anyhow::Result<OpenIndex> {
    let marker = read_marker(dir)?;
    match &marker {
        Some(marker) if marker.format != FORMAT_VERSION => {
            return Err(OpenError::WrongVersion {
                dir: shown(dir),
                found: marker.format,
            }
            .into());
        }
        Some(_) => {}
        None => check_index_folder(dir)?,
    }
    fs::create_dir_all(dir).with_context(|| format!("creating index folder {}", dir.display()))?;
    write_marker(
        dir,
        &Marker {
            format: FORMAT_VERSION,
            corpus: Some(corpus_root.to_path_buf()),
        },
    )?;
    let directory = PreadDirectory::open(dir)
        .with_context(|| format!("opening index folder {}", dir.display()))?;
    let index = if dir.join("meta.json").exists() {
        Index::open(directory).map_err(|err| OpenError::Damaged {
            dir: shown(dir),
            cause: err.to_string(),
        })?
    } else {
        let (schema, _) = Fields::schema();
        // The doc store only serves hits whose article file changed or vanished since
        // indexing (search reads the others from the files), so it is sized for the
        // writer's time and the index's size. Compressing it was a fifth of indexing's CPU
        // at zstd level 9 in 256 KB blocks; level 6 in 512 KB blocks builds the 300 MB
        // bench corpus in 15.0 s instead of 17.6 and stores it in 0.862 of the text
        // instead of 0.874 (100 MB: 0.883 instead of 0.896; level 6 in 256 KB blocks
        // would be 0.901). The price is paid by hits that fall back to the doc store: with
        // the 300 MB corpus gone, the query mix p50 is 10.0 ms instead of 7.7.
        let settings = IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(6),
            }),
            docstore_blocksize: 512 * 1024,
            ..IndexSettings::default()
        };
        Index::create(directory, schema, settings)
            .with_context(|| format!("creating index in {}", dir.display()))?
    };
    let fields = Fields::from_schema(&index.schema()).map_err(|err| OpenError::Damaged {
        dir: shown(dir),
        cause: err.to_string(),
    })?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: Some(corpus_root.to_path_buf()),
    })
}

/// How to index.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    pub corpus: PathBuf,
    pub index_dir: PathBuf,
    pub extensions: Vec<String>,
    /// Draw a progress bar (on a terminal).
    pub progress: bool,
    /// Indexing memory budget in bytes, shared by the writer's threads.
    pub memory_budget: usize,
}

/// What an indexing run did, for the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Article files found in the corpus.
    pub files: usize,
    /// Files read and (re-)indexed this run.
    pub indexed: usize,
    /// Files left as they were (same size and modification time).
    pub unchanged: usize,
    /// Articles removed because their file is gone.
    pub removed: usize,
    /// Passages written this run.
    pub passages: usize,
    /// Bytes of article files read this run.
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
}

impl Summary {
    /// Megabytes of article text read per second.
    pub fn megabytes_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

/// Files read and handed to the writer at a time: bounds the memory held by parsed articles.
const BATCH_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes indexed between intermediate commits, so a killed run of a big corpus keeps most of
/// its work.
const COMMIT_EVERY_BYTES: u64 = 1024 * 1024 * 1024;

/// Brings the index in `config.index_dir` up to date with `config.corpus`.
pub fn index_corpus(config: &IndexConfig) -> anyhow::Result<Summary> {
    let started = Instant::now();
    // Checked before the index is opened: a bad corpus creates no index folder.
    let corpus_root = corpus::folder(&config.corpus)?;
    let open = open_or_create(&config.index_dir, &corpus_root)?;
    let manifest =
        Manifest::read(&config.index_dir, &open.fields).map_err(|err| OpenError::Damaged {
            dir: shown(&config.index_dir),
            cause: format!("{err:#}"),
        })?;
    let bar = progress_bar(config.progress);
    let mut summary = Summary::default();
    let mut run = Run {
        index: &open.index,
        fields: &open.fields,
        config,
        manifest: &manifest,
        writer: None,
        earlier: HashSet::new(),
        next_article: manifest.next_article,
        since_commit: 0,
    };
    let changed = run.apply_changes(&bar, &mut summary);
    bar.finish_and_clear();
    if let Err(err) = changed {
        run.abandon();
        return Err(err);
    }
    let Some(mut writer) = run.writer.take() else {
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    };
    writer.commit().context("committing the index")?;
    merge_segments(&mut writer, &open.index, &run.earlier).context("merging segments")?;
    writer
        .wait_merging_threads()
        .context("finishing segment merges")?;
    share_read_permission(&config.index_dir);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Most passages a merge gathers into one segment (about 550 MB of news): merges hold memory
/// in proportion to their segments, and this bounds it whatever the corpus size.
const MAX_MERGED_PASSAGES: u64 = 2_500_000;

/// Segments below this many passages are small: a run that writes fewer in all (a 1% change
/// of the 1 GB bench corpus writes 46,000) leaves its segments to the merges by size level
/// rather than spend a tenth of a second merging them at once.
const SMALL_SEGMENT_PASSAGES: u64 = MAX_MERGED_PASSAGES / 8;

/// Merges run side by side, one per core of a small machine.
const PARALLEL_MERGES: usize = 2;

/// Merges segments once the run is committed. tantivy's default policy merges while
/// documents come in, and merges the merged segments again at each size level; here each
/// passage a run writes is merged once: the run's segments become `merge_groups`, merged
/// `PARALLEL_MERGES` at a time. Small segments, from small runs, are then merged by size
/// level (tantivy's log policy, limited to segments under `SMALL_SEGMENT_PASSAGES`), so that
/// they cannot pile up. Fewer segments search faster: on
/// the 300 MB bench corpus, 2 segments instead of 4 took the query mix p50 from 6.8 to 5.9 ms,
/// for 2.5 s more building (README, performance). A run killed while merging keeps its
/// commit, only in more segments.
fn merge_segments(
    writer: &mut IndexWriter,
    index: &Index,
    earlier: &HashSet<SegmentId>,
) -> tantivy::Result<()> {
    let fresh: Vec<(SegmentId, u64)> = index
        .searchable_segment_metas()?
        .iter()
        .filter(|meta| !earlier.contains(&meta.id()))
        .map(|meta| (meta.id(), u64::from(meta.num_docs())))
        .collect();
    for batch in merge_groups(fresh).chunks(PARALLEL_MERGES) {
        let merges: Vec<_> = batch.iter().map(|group| writer.merge(group)).collect();
        for merge in merges {
            merge.wait()?;
        }
    }
    let mut by_level = LogMergePolicy::default();
    by_level.set_max_docs_before_merge(SMALL_SEGMENT_PASSAGES as usize);
    for candidate in by_level.compute_merge_candidates(&index.searchable_segment_metas()?) {
        writer.merge(&candidate.0).wait()?;
    }
    Ok(())
}

/// Splits a run's segments (id, passages) into groups to merge, balanced by passages: as few
/// groups as keep each within `MAX_MERGED_PASSAGES`, but `PARALLEL_MERGES`, merged side by
/// side. A run that wrote no more segments than that is left as it is (merging the two
/// segments of the 100 MB bench corpus into one took 2 s of a 6.6 s build, and the index
/// still came to 0.902 of the text), and so is a small run, whose segments the merges by
/// size level take. Groups of one segment are left out: nothing to merge.
fn merge_groups(mut segments: Vec<(SegmentId, u64)>) -> Vec<Vec<SegmentId>> {
    let total: u64 = segments.iter().map(|(_, passages)| passages).sum();
    if segments.len() <= PARALLEL_MERGES || total < SMALL_SEGMENT_PASSAGES {
        return Vec::new();
    }
    let count = (total.div_ceil(MAX_MERGED_PASSAGES) as usize)
        .max(PARALLEL_MERGES)
        .min(segments.len() - 1);
    segments.sort_by_key(|&(_, passages)| std::cmp::Reverse(passages));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); count];
    for (id, passages) in segments {
        if let Some(smallest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += passages;
            smallest.1.push(id);
        }
    }
    groups
        .into_iter()
        .map(|(_, ids)| ids)
        .filter(|ids| ids.len() >= 2)
        .collect()
}

/// tantivy writes `meta.json` and `.managed.json` readable by their owner only; give them
/// the read bits the marker got from the user's umask, so an index built by one user can be
/// searched by others, like every other file in the folder.
fn share_read_permission(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(marker) = fs::metadata(dir.join(MARKER)) else {
        return;
    };
    let read_bits = marker.permissions().mode() & 0o444;
    for name in ["meta.json", ".managed.json"] {
        let path = dir.join(name);
        if let Ok(metadata) = fs::metadata(&path) {
            let mode = metadata.permissions().mode() | read_bits;
            let _ = fs::set_permissions(&path, fs::Permissions::from_mode(mode));
        }
    }
}

/// Folders' files the walk may have handed over before indexing takes them.
const QUEUED_FOLDERS: usize = 4;

/// One indexing run's writing: the writer, opened when the run first has something to
/// change (a run that changes nothing takes no lock and writes nothing).
struct Run<'a> {
    index: &'a Index,
    fields: &'a Fields,
    config: &'a IndexConfig,
    /// The last commit's files.
    manifest: &'a Manifest,
    writer: Option<IndexWriter>,
    /// The segments of the last commit, which `merge_segments` leaves to the merges by size.
    earlier: HashSet<SegmentId>,
    /// The id the next added article gets.
    next_article: u64,
    /// Bytes indexed since the last commit.
    since_commit: u64,
}

impl Run<'_> {
    /// The writer, opened on first use.
    fn writer(&mut self) -> anyhow::Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let dir = &self.config.index_dir;
            let writer: IndexWriter = self.index.writer(self.config.memory_budget).map_err(
                |err| match err {
                    TantivyError::LockFailure(..) => anyhow::anyhow!(
                        "another `newsdex index` is writing to {} right now; wait for it to finish",
                        dir.display()
                    ),
                    other => anyhow::Error::new(other).context("opening the index for writing"),
                },
            )?;
            // A killed run may have left files of its uncommitted work (a `.del` bitset named
            // by the same opstamp this run will reach), which would make this run's commit
            // fail: drop every file the last commit does not use before writing.
            writer
                .garbage_collect_files()
                .wait()
                .context("removing files left by an interrupted run")?;
            // The run's changes were worked out against the manifest's commit: one made since
            // by another run (between its lookups and this lock) would make them wrong.
            if self.index.load_metas()?.opstamp != self.manifest.opstamp {
                bail!(
                    "another `newsdex index` run changed {} while this one read the corpus; run this one again",
                    dir.display()
                );
            }
            // Nothing is merged while the run writes; `merge_segments` does it once at the end.
            writer.set_merge_policy(Box::new(NoMergePolicy));
            self.earlier = self.index.searchable_segment_ids()?.into_iter().collect();
            self.writer = Some(writer);
        }
        Ok(self.writer.as_mut().expect("opened above"))
    }

    /// Walks the corpus and makes every change it calls for: the walk runs on a thread of its
    /// own and hands over each folder's new and changed files as it lists them, while this
    /// thread reads and indexes them (neither holds the corpus's file list, see
    /// `corpus::walk`); then the vanished articles are deleted. Fills in `summary`.
    fn apply_changes(&mut self, bar: &ProgressBar, summary: &mut Summary) -> anyhow::Result<()> {
        let (config, manifest) = (self.config, self.manifest);
        // The walk compares each file as it finds it, so only new and changed files go on.
        let unchanged =
            |key: &str, size: u64, modified: u64| manifest.unchanged(key, size, modified);
        let walk = std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel::<Vec<ArticleFile>>(QUEUED_FOLDERS);
            let walker = scope.spawn(|| {
                let hand_over = |files: Vec<ArticleFile>| {
                    // Fails only once indexing has stopped on an error, which the run reports.
                    let _ = sender.send(files);
                };
                let walk = corpus::walk(&config.corpus, &config.extensions, &unchanged, &hand_over);
                // Ends the indexing loop once the walk is done.
                drop(sender);
                walk
            });
            let written = self.write(receiver, bar, summary);
            let walk = walker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            written.and(walk)
        })?;
        summary.files = walk.found + walk.unchanged;
        summary.unchanged = walk.unchanged;
        summary.skipped.splice(0..0, walk.skipped);
        // A file in a folder that could not be listed is not known to be gone: it keeps its
        // passages until the folder can be read again.
        let vanished = manifest.vanished(&walk.unlisted_folders)?;
        if !vanished.is_empty() {
            let path = self.fields.path;
            let writer = self.writer()?;
            for key in &vanished {
                writer.delete_term(Term::from_field_text(path, key));
            }
        }
        summary.removed = vanished.len();
        Ok(())
    }

    /// Drops the run's uncommitted changes after an error.
    fn abandon(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            let _ = writer.rollback();
        }
    }

    /// Reads and (re-)adds the new and changed files the walk hands over, in batches of
    /// about `BATCH_BYTES`, committing every `COMMIT_EVERY_BYTES`.
    fn write(
        &mut self,
        folders: mpsc::Receiver<Vec<ArticleFile>>,
        bar: &ProgressBar,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        let mut batch = Vec::new();
        let mut batch_bytes = 0;
        for file in folders.into_iter().flatten() {
            batch_bytes += file.size;
            batch.push(file);
            if batch_bytes >= BATCH_BYTES {
                self.write_batch(&batch, bar, summary)?;
                batch.clear();
                batch_bytes = 0;
            }
        }
        self.write_batch(&batch, bar, summary)
    }

    /// Reads a batch of files on every core, then adds their articles in order.
    fn write_batch(
        &mut self,
        batch: &[ArticleFile],
        bar: &ProgressBar,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let parsed: Vec<Result<Article, Unusable>> = batch.par_iter().map(read_article).collect();
        let fields = self.fields;
        for (file, article) in batch.iter().zip(parsed) {
            bar.inc(file.size);
            summary.bytes += file.size;
            self.since_commit += file.size;
            // Only changed files get a delete: a delete costs memory until the next commit
            // (tantivy keeps a scoring weight for each), so a first build of 300,000 files
            // issuing one per file grew by hundreds of MB.
            let committed = self
                .manifest
                .holds(&file.key)
                .with_context(|| format!("looking {} up in the index", file.key))?;
            match article {
                Ok(article) => {
                    let article_id = self.next_article;
                    let writer = self.writer()?;
                    summary.passages +=
                        add_article(writer, fields, article_id, file, &article, committed)?;
                    self.next_article += 1;
                    summary.indexed += 1;
                }
                Err(unusable) => {
                    // An article that is now empty or binary is gone: its old passages go too.
                    // One that could not be read keeps them until it can be.
                    if unusable.content_gone && committed {
                        let term = Term::from_field_text(fields.path, &file.key);
                        self.writer()?.delete_term(term);
                    }
                    summary.skipped.push(Skipped {
                        path: corpus::display_path(&file.path),
                        reason: unusable.reason,
                    });
                }
            }
        }
        if self.since_commit >= COMMIT_EVERY_BYTES
            && let Some(writer) = self.writer.as_mut()
        {
            self.manifest.check()?;
            writer.commit().context("committing the index")?;
            self.since_commit = 0;
        }
        Ok(())
    }
}

/// Progress as bytes indexed, with no total: the walk is paced by indexing (it hands over a
/// few folders at a time), so the corpus's size is only known at the end.
fn progress_bar(enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} indexing: {bytes} read ({bytes_per_sec}), {elapsed}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Why a file yields no article.
struct Unusable {
    reason: String,
    /// The file was read and holds no article (empty or binary), rather than failing to read.
    content_gone: bool,
}

/// Reads, decodes and parses one file.
fn read_article(file: &ArticleFile) -> Result<Article, Unusable> {
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
fn add_article(
    writer: &IndexWriter,
    fields: &Fields,
    article_id: u64,
    file: &ArticleFile,
    article: &Article,
    replace: bool,
) -> anyhow::Result<usize> {
    if replace {
        writer.delete_term(Term::from_field_text(fields.path, &file.key));
    }
    for (i, paragraph) in article.paragraphs.iter().enumerate() {
        let mut document = doc!(
            fields.path => file.key.as_str(),
            fields.body => paragraph.as_str(),
            fields.paragraph => schema::paragraph_value(i as u64 + 1),
            fields.article => article_id,
        );
        if i == 0 {
            document.add_text(fields.title, &article.title);
            document.add_text(fields.title_words, &article.title);
            document.add_text(fields.dateline, &article.dateline);
            document.add_text(fields.stored_title, &article.title);
            document.add_text(fields.stored_dateline, &article.dateline);
            document.add_u64(fields.size, file.size);
            document.add_u64(fields.modified, file.modified_ns);
        }
        writer.add_document(document)?;
    }
    Ok(article.paragraphs.len())
}

/// Whether `key` lies below the folder whose key is `folder` (`""`: the corpus folder).
fn is_below(key: &str, folder: &str) -> bool {
    folder.is_empty()
        || key
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What the last commit holds, as incremental indexing asks it: each file the walk finds is
/// looked up in the index itself (its path term, then its first passage's size and time),
/// from the walk's threads. A map of every committed file took 131 bytes a file (41 MB for
/// the 316,000 files of the 1 GB bench corpus), so a re-index grew with the corpus; this
/// holds a bit a passage, to know which files the walk did not find.
struct Manifest {
    segments: Vec<SegmentFiles>,
    /// The commit the lookups answer for.
    opstamp: Opstamp,
    path: Field,
    /// An article id no committed passage uses: ids are handed out in indexing order, so the
    /// per-passage id column packs into a few bits (a hash of the path took 64 per passage).
    next_article: u64,
    /// The first error a lookup met, from any thread (see `check`): the run stops on it
    /// before any commit.
    failure: Mutex<Option<io::Error>>,
}

/// One segment's part of the manifest.
struct SegmentFiles {
    reader: SegmentReader,
    paths: Arc<InvertedIndexReader>,
    sizes: Column<u64>,
    modified: Column<u64>,
    /// The first passages whose file the walk found, a bit per passage.
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

/// A committed file's first passage: its segment, passage, size and modification time.
struct FirstPassage {
    segment: usize,
    doc: DocId,
    size: u64,
    modified: u64,
}

impl Manifest {
    /// Opens the last commit's segments in `dir` for lookups, through memory maps: the
    /// writer's directory reads with a system call per read (see `pread`), and a no-change
    /// re-index of the 1 GB bench corpus spent a third of its time in them (0.54 -> 0.37 s).
    fn read(dir: &Path, fields: &Fields) -> anyhow::Result<Manifest> {
        let index = Index::open_in_dir(dir)?;
        // Read before the segments: a commit in between makes the run stop, never miss it.
        let opstamp = index.load_metas()?.opstamp;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        let mut next_article = 0;
        let mut segments = Vec::new();
        for segment in reader.searcher().segment_readers() {
            let fast = segment.fast_fields();
            if segment.max_doc() > 0 {
                next_article = next_article.max(fast.u64("article")?.max_value().saturating_add(1));
            }
            let words = (segment.max_doc() as usize).div_ceil(64);
            segments.push(SegmentFiles {
                reader: segment.clone(),
                paths: segment.inverted_index(fields.path)?,
                sizes: fast.u64("size")?,
                modified: fast.u64("modified")?,
                seen: (0..words).map(|_| AtomicU64::new(0)).collect(),
            });
        }
        Ok(Manifest {
            segments,
            opstamp,
            path: fields.path,
            next_article,
            failure: Mutex::new(None),
        })
    }

    /// Whether the last commit holds `key` with this size and time; marks it found. Called
    /// from the walk's threads. A failed lookup is kept for `failure` and answers no.
    fn unchanged(&self, key: &str, size: u64, modified: u64) -> bool {
        match self.first_passage(key) {
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
    fn holds(&self, key: &str) -> io::Result<bool> {
        Ok(self.first_passage(key)?.is_some())
    }

    /// The live first passage of `key`'s article, if the last commit holds it.
    fn first_passage(&self, key: &str) -> io::Result<Option<FirstPassage>> {
        let term = Term::from_field_text(self.path, key);
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
                    return Ok(Some(FirstPassage {
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
    fn check(&self) -> anyhow::Result<()> {
        let mut failure = self.failure.lock().unwrap_or_else(|err| err.into_inner());
        match failure.take() {
            Some(err) => Err(anyhow::Error::new(err).context("looking files up in the index")),
            None => Ok(()),
        }
    }

    /// The keys of committed files the walk did not find, except those below a folder it
    /// could not list (`unlisted`): they are not known to be gone.
    fn vanished(&self, unlisted: &[String]) -> anyhow::Result<Vec<String>> {
        self.check()?;
        let mut vanished = Vec::new();
        for segment in &self.segments {
            let max_doc = segment.reader.max_doc();
            let unseen = first_passage_docs(&segment.sizes, max_doc)
                .filter(|&doc| !segment.was_seen(doc) && !segment.reader.is_deleted(doc))
                .collect::<Vec<DocId>>();
            if unseen.is_empty() {
                continue;
            }
            let Some(paths) = segment.reader.fast_fields().str("path")? else {
                continue;
            };
            for doc in unseen {
                let mut key = String::new();
                let Some(ord) = paths.ords().first(doc) else {
                    continue;
                };
                if !paths.ord_to_str(ord, &mut key)? {
                    continue;
                }
                // A key whose first passage the walk found in another segment is not gone.
                let found_elsewhere = self
                    .first_passage(&key)?
                    .is_some_and(|first| self.segments[first.segment].was_seen(first.doc));
                if !found_elsewhere && !unlisted.iter().any(|folder| is_below(&key, folder)) {
                    vanished.push(key);
                }
            }
        }
        // Two unfound first passages of one key (never written, but cheap to allow for) make
        // one removal.
        vanished.sort_unstable();
        vanished.dedup();
        Ok(vanished)
    }
}

/// The first passages of a segment: the rows with a file size. Walks the size column's rows:
/// asking each of millions of passages whether it has a size was a tenth of a no-change
/// re-index.
fn first_passage_docs(sizes: &Column<u64>, max_doc: DocId) -> Box<dyn Iterator<Item = DocId> + '_> {
    match &sizes.index {
        ColumnIndex::Optional(rows) => Box::new(rows.iter_non_null_docs()),
        _ => Box::new((0..max_doc).filter(|&doc| sizes.first(doc).is_some())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(passages: &[u64]) -> Vec<(SegmentId, u64)> {
        passages
            .iter()
            .map(|&count| (SegmentId::generate_random(), count))
            .collect()
    }

    /// Passages in each group, largest group first.
    fn group_sizes(input: &[(SegmentId, u64)], groups: &[Vec<SegmentId>]) -> Vec<u64> {
        let passages: std::collections::HashMap<SegmentId, u64> = input.iter().copied().collect();
        let mut sizes: Vec<u64> = groups
            .iter()
            .map(|group| group.iter().map(|id| passages[id]).sum())
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes
    }

    #[test]
    fn a_key_is_below_its_folders_and_not_below_names_that_only_start_the_same() {
        assert!(is_below("world/a.txt", ""));
        assert!(is_below("world/a.txt", "world"));
        assert!(is_below("world/europe/a.txt", "world"));
        assert!(!is_below("worldwide/a.txt", "world"));
        assert!(!is_below("world", "world"));
        assert!(!is_below("a.txt", "world"));
    }

    #[test]
    fn small_runs_and_runs_of_two_segments_merge_nothing_and_three_become_two() {
        assert!(merge_groups(Vec::new()).is_empty());
        assert!(merge_groups(segments(&[400_000])).is_empty());
        assert!(merge_groups(segments(&[400_000, 30])).is_empty());
        assert!(merge_groups(segments(&[23_000, 23_000, 23_000])).is_empty());
        let three = segments(&[300_000, 200_000, 100_000]);
        assert_eq!(group_sizes(&three, &merge_groups(three.clone())), [300_000]);
        // The 300 MB bench corpus: four segments become two.
        let four = segments(&[440_000, 440_000, 300_000, 220_000]);
        assert_eq!(
            group_sizes(&four, &merge_groups(four.clone())),
            [740_000, 660_000]
        );
    }

    #[test]
    fn a_big_run_becomes_balanced_groups_within_the_merge_bound() {
        // The 1 GB bench corpus: eleven segments as the writer flushes them.
        let gigabyte = segments(&[420_000; 11]);
        let groups = merge_groups(gigabyte.clone());
        assert_eq!(group_sizes(&gigabyte, &groups), [2_520_000, 2_100_000]);
        let every: HashSet<SegmentId> = groups.iter().flatten().copied().collect();
        assert_eq!(every.len(), 11, "each segment in exactly one group");

        // Ten times that: more groups, none far above the bound.
        let ten = segments(&[420_000; 110]);
        let sizes = group_sizes(&ten, &merge_groups(ten.clone()));
        assert_eq!(sizes.len(), 19);
        assert!(sizes[0] <= MAX_MERGED_PASSAGES + 420_000, "{sizes:?}");
        assert_eq!(sizes.iter().sum::<u64>(), 46_200_000);
    }
}
