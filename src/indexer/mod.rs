//! Indexing: bringing an index up to date with a corpus folder.
//!
//! Owns the writer and incremental updates: files whose size and modification time are
//! unchanged are not read again, changed ones are deleted and re-added by their path term,
//! vanished ones are deleted. Changes become
//! visible at commits (at the end of a run, and every `COMMIT_EVERY_BYTES` of a big one), so
//! a killed run leaves the last committed state intact and the next run picks up from it. A
//! run stopped by a disk fault (a full disk, EIO) rolls back, removes the files it wrote that
//! no commit uses, and says in one line what failed and what the index still holds.
//!
//! The parts: [`document`] turns an article file into its document, [`manifest`] answers
//! what the last commit holds, [`merge`] decides which segments a finished run merges,
//! [`repair`] drops damaged segments so that their articles are indexed again, and
//! [`disk_fault`] says what a run stopped by a disk fault left. Opening or creating the index folder, and checking it, is
//! [`crate::open`]'s.

mod disk_fault;
mod document;
mod manifest;
mod merge;
mod repair;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, TantivyError};

use crate::analysis;
use crate::corpus::{self, ArticleFile, Skipped};
use crate::dates::{Dating, Day};
use crate::fault::FaultLog;
use crate::formats;
use crate::lexicon::{self, NewWords};
use crate::open::{self, MARKER, OpenError, check};
use crate::schema::Fields;
pub use disk_fault::DiskFault;
use disk_fault::explain;
use document::{Contents, FileArticle, Parsed, Unusable, add_article, file_article, read_file};
use manifest::Manifest;

/// How to index.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    pub corpus: PathBuf,
    pub index_dir: PathBuf,
    /// The file extensions to index; `None`: the ones the index was last built with, or
    /// `corpus::DEFAULT_EXTENSIONS` for a new index.
    pub extensions: Option<Vec<String>>,
    /// Draw a progress bar (on a terminal).
    pub progress: bool,
    /// Indexing memory budget in bytes, shared by the writer's threads.
    pub memory_budget: usize,
    /// Check every index file against its checksum first, and every article's document, and
    /// index again what the damage took (damage the quick check sees is repaired anyway).
    pub repair: bool,
    /// The year of datelines that name none, when nothing nearer dates them (`--year`);
    /// `None`: the one the index was built with, if any.
    pub year: Option<i64>,
}

/// What an indexing run did, for the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Article files found in the corpus.
    pub files: usize,
    /// Files read and (re-)indexed this run.
    pub indexed: usize,
    /// Articles written this run (a feed or a collection holds many a file).
    pub articles: usize,
    /// Things in the files read that are not articles (pictures, events, empty records).
    pub passed_over: usize,
    /// What was wrong in files indexed all the same (their good articles are in), each
    /// naming the file and line: malformed XML, SGML or JSON.
    pub problems: Vec<Skipped>,
    /// Files left as they were (same size and modification time).
    pub unchanged: usize,
    /// Files whose articles were removed because the file is gone.
    pub removed: usize,
    /// Passages (paragraphs) of the articles written this run.
    pub passages: usize,
    /// Bytes of article files read this run.
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
    /// The extensions indexed, sorted, and whether they are the ones the index had recorded
    /// (rather than given or the default).
    pub extensions: Vec<String>,
    pub extensions_from_index: bool,
    /// The extensions the index had recorded, when this run indexed others.
    pub previous_extensions: Option<Vec<String>>,
    /// Files passed over for their extension, by extension.
    pub other_extensions: BTreeMap<String, usize>,
    /// Damage found in the index and what was done about it, one line each.
    pub repairs: Vec<String>,
    /// The year given to yearless datelines, and the one the index had when this run gave
    /// another (every article was dated again).
    pub year: Option<i64>,
    pub previous_year: Option<Option<i64>>,
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

/// The extensions to index, without dots, lower-cased, sorted: `chosen`, or the default.
fn extensions(chosen: Option<&Vec<String>>) -> Vec<String> {
    let mut extensions: Vec<String> = match chosen {
        Some(chosen) => chosen
            .iter()
            .map(|extension| extension.trim_start_matches('.').to_lowercase())
            .collect(),
        None => corpus::DEFAULT_EXTENSIONS
            .iter()
            .map(|e| e.to_string())
            .collect(),
    };
    extensions.sort_unstable();
    extensions.dedup();
    extensions
}

/// Files read and handed to the writer at a time: bounds the memory held by parsed articles.
const BATCH_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes indexed between intermediate commits, so a killed run of a big corpus keeps most of
/// its work.
const COMMIT_EVERY_BYTES: u64 = 1024 * 1024 * 1024;

/// Brings the index in `config.index_dir` up to date with `config.corpus`. A disk fault
/// becomes a [`DiskFault`], saying what failed and what the index still holds.
pub fn index_corpus(config: &IndexConfig) -> anyhow::Result<Summary> {
    let faults = FaultLog::default();
    update(config, &faults).map_err(|err| explain(err, &config.index_dir, &faults))
}

/// `index_corpus`, its faults kept in `faults`.
fn update(config: &IndexConfig, faults: &FaultLog) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let dir = &config.index_dir;
    // Checked before the index is opened: a bad corpus creates no index folder.
    let corpus_root = corpus::folder(&config.corpus)?;
    let stored = open::stored_extensions(dir);
    let stored_year = open::stored_year(dir);
    let mut summary = Summary {
        extensions_from_index: config.extensions.is_none() && stored.is_some(),
        extensions: extensions(config.extensions.as_ref().or(stored.as_ref())),
        ..Summary::default()
    };
    summary.previous_extensions = stored
        .map(|stored| extensions(Some(&stored)))
        .filter(|stored| *stored != summary.extensions);
    summary.year = config.year.or(stored_year);
    // A year that changes dates every yearless article again; an index without articles yet
    // has nothing to date again.
    let redate = summary.year != stored_year && open::exists(dir);
    summary.previous_year = redate.then_some(stored_year);
    if config.repair {
        summary.repairs.extend(repair::before_open(dir)?);
    }
    let open = open::for_writing(dir, &corpus_root, &summary.extensions, summary.year, faults)?;
    let repaired = repair::repair(&open, dir, config.repair, faults)?;
    summary.repairs.extend(repaired.notes);
    let manifest = Manifest::read(dir, &open.fields, faults, repaired.redo).map_err(|err| {
        if faults.first().is_some() {
            return err;
        }
        OpenError::Damaged {
            dir: open::shown(dir),
            cause: format!("{err:#}"),
        }
        .into()
    })?;
    // Words a killed run staged: folded in if its commit was made, else dropped.
    lexicon::settle(dir, manifest.opstamp)?;
    let bar = progress_bar(config.progress);
    let mut run = Run {
        index: &open.index,
        fields: &open.fields,
        config,
        manifest: &manifest,
        writer: None,
        earlier: HashSet::new(),
        since_commit: 0,
        new_words: NewWords::default(),
        dating: Dating::new(summary.year, Day::today(), &summary.extensions),
        options: formats::Options::default(),
        redate,
    };
    let changed = run
        .delete_redone()
        .and_then(|()| run.apply_changes(&bar, &mut summary));
    bar.finish_and_clear();
    if let Err(err) = changed.and_then(|()| run.finish()) {
        run.abandon();
        return Err(err);
    }
    if let Some(problem) = check::seal_last_commit(&open.index, dir, faults)?.first() {
        return Err(OpenError::Damaged {
            dir: open::shown(dir),
            cause: problem.what.clone(),
        }
        .into());
    }
    share_read_permission(dir);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Commits the writer's changes, and the words of the articles it added to the lexicon (see
/// `lexicon`: staged for the commit, folded in once it is made).
fn commit(writer: &mut IndexWriter, dir: &Path, words: &mut NewWords) -> anyhow::Result<()> {
    let prepared = writer.prepare_commit().context("committing the index")?;
    let opstamp = prepared.opstamp();
    if !words.is_empty() {
        lexicon::stage(dir, opstamp, words)?;
    }
    prepared.commit().context("committing the index")?;
    *words = NewWords::default();
    Ok(lexicon::settle(dir, opstamp)?)
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

/// Removes the temporary files of killed runs, which no clean-up of tantivy's knows: its
/// atomic writes' (`.tmpXXXXXX`) and the lexicon's. Only while holding the writer's lock,
/// so that no other run is writing them.
fn remove_leftovers(dir: &Path) {
    lexicon::remove_leftovers(dir);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // tempfile's names: `.tmp` and six random characters.
        if name.len() == 10 && name.starts_with(".tmp") {
            let _ = fs::remove_file(entry.path());
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
    /// Bytes indexed since the last commit.
    since_commit: u64,
    /// The words of the articles added since the last commit, for the lexicon.
    new_words: NewWords,
    dating: Dating,
    /// How the format readers read files (JSON Lines' keys).
    options: formats::Options,
    /// Every file is read again, its article dated anew (the year changed).
    redate: bool,
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
            remove_leftovers(dir);
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
        let (config, manifest, redate) = (self.config, self.manifest, self.redate);
        // The formats' own extensions are always walked: their content says what they hold.
        let mut extensions = summary.extensions.clone();
        extensions.extend(
            formats::EXTENSIONS
                .iter()
                .map(|extension| extension.to_string())
                .filter(|extension| !summary.extensions.contains(extension)),
        );
        // The walk compares each file as it finds it, so only new and changed files go on.
        // (Asked even when redating: the manifest counts the files it is asked of as seen.)
        let unchanged = |key: &str, size: u64, modified: u64| {
            manifest.unchanged(key, size, modified) && !redate
        };
        let walk = std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel::<Vec<ArticleFile>>(QUEUED_FOLDERS);
            let walker = scope.spawn(|| {
                let hand_over = |files: Vec<ArticleFile>| {
                    // Fails only once indexing has stopped on an error, which the run reports.
                    let _ = sender.send(files);
                };
                let walk = corpus::walk(&config.corpus, &extensions, &unchanged, &hand_over);
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
        summary.other_extensions = walk.other_extensions;
        // A file in a folder that could not be listed is not known to be gone: it keeps its
        // article until the folder can be read again.
        let vanished = manifest.vanished(&walk.unlisted_folders)?;
        if !vanished.is_empty() {
            let file = self.fields.file;
            let writer = self.writer()?;
            for key in &vanished {
                writer.delete_term(Term::from_field_text(file, key));
            }
        }
        summary.removed = vanished.len();
        Ok(())
    }

    /// Deletes the articles a repair indexes again (see `repair`), before anything is added.
    fn delete_redone(&mut self) -> anyhow::Result<()> {
        if self.manifest.redo.is_empty() {
            return Ok(());
        }
        let file = self.fields.file;
        let keys: Vec<&String> = self.manifest.redo.iter().collect();
        let writer = self.writer()?;
        for key in keys {
            writer.delete_term(Term::from_field_text(file, key));
        }
        Ok(())
    }

    /// Commits the run's changes, if it made any, and merges the segments it wrote.
    fn finish(&mut self) -> anyhow::Result<()> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        commit(writer, &self.config.index_dir, &mut self.new_words)?;
        merge::merge_segments(writer, self.index, &self.earlier).context("merging segments")?;
        if let Some(writer) = self.writer.take() {
            writer
                .wait_merging_threads()
                .context("finishing segment merges")?;
        }
        Ok(())
    }

    /// Drops the run's uncommitted changes after an error, and the files it wrote that no
    /// commit uses (segments, a merge's output), so that a run stopped by a full disk gives
    /// back the space it took. Best effort: what is left, the next run removes.
    fn abandon(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            let _ = writer.rollback();
            let _ = writer.garbage_collect_files().wait();
        }
        let dir = &self.config.index_dir;
        lexicon::remove_leftovers(dir);
        // Words staged for a commit that failed are dropped; for one made before the
        // failure, folded if the disk allows, else left for the next run.
        if let Ok(meta) = self.index.load_metas() {
            let _ = lexicon::settle(dir, meta.opstamp);
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
        let (dating, options) = (&self.dating, &self.options);
        let read: Vec<Result<Prepared, Unusable>> = batch
            .par_iter()
            .map(|file| {
                read_file(file, options).map(|contents| match contents {
                    Contents::Articles(mut read) => {
                        let articles = std::mem::take(&mut read.articles)
                            .into_iter()
                            .map(|found| prepare(dating, file, found))
                            .collect();
                        Prepared::Articles {
                            articles,
                            passed_over: read.passed_over,
                            problems: read.problems,
                        }
                    }
                    Contents::Records(format) => Prepared::Records(format),
                })
            })
            .collect();
        let vocabularies: Vec<&analysis::Vocabulary> = read
            .iter()
            .filter_map(|read| match read {
                Ok(Prepared::Articles { articles, .. }) => Some(articles),
                _ => None,
            })
            .flatten()
            .map(|parsed| &parsed.vocabulary)
            .collect();
        self.new_words.add(&vocabularies);
        let fields = self.fields;
        for (file, read) in batch.iter().zip(read) {
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
            // Delete-then-add against the last commit, which the manifest reflects exactly,
            // so a re-run after a crash never duplicates; one delete takes every article the
            // file held, so those gone from it go too.
            let file_term = Term::from_field_text(fields.file, &file.key);
            match read {
                Ok(Prepared::Articles {
                    articles,
                    passed_over,
                    problems,
                }) => {
                    let writer = self.writer()?;
                    if committed {
                        writer.delete_term(file_term);
                    }
                    for article in &articles {
                        add_article(writer, fields, file, article)?;
                        summary.passages += article.article.paragraphs.len();
                    }
                    summary.articles += articles.len();
                    summary.passed_over += passed_over;
                    summary.indexed += 1;
                    note_problems(summary, file, problems);
                }
                Ok(Prepared::Records(format)) => {
                    if committed {
                        self.writer()?.delete_term(file_term);
                    }
                    self.write_records(file, format, summary)?;
                }
                Err(unusable) => {
                    // A file that now holds no article is gone: its old documents go too.
                    // One that could not be read keeps them until it can be.
                    if unusable.content_gone && committed {
                        self.writer()?.delete_term(file_term);
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
            commit(writer, &self.config.index_dir, &mut self.new_words)?;
            self.since_commit = 0;
        }
        Ok(())
    }

    /// Adds the articles of a large record file as its records are read, a few hundred at a
    /// time, so the file is never held whole. Never committed half-way: the manifest would
    /// take the file as indexed.
    fn write_records(
        &mut self,
        file: &ArticleFile,
        format: formats::Format,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        let path = corpus::display_path(&file.path);
        let input = match fs::File::open(&file.path) {
            Ok(input) => input,
            Err(err) => {
                summary.skipped.push(Skipped {
                    path,
                    reason: format!("cannot read: {err}"),
                });
                return Ok(());
            }
        };
        let records = formats::stream(format, std::io::BufReader::new(input), &self.options)
            .with_context(|| format!("{format} is not read a record at a time"))?;
        let (before, passed) = (summary.articles, summary.passed_over);
        let (mut problems, mut chunk) = (Vec::new(), Vec::new());
        for item in records {
            match item {
                formats::Item::Article(found) => chunk.push(file_article(file, found)),
                formats::Item::PassedOver(_) => summary.passed_over += 1,
                formats::Item::Error(error) => problems.push(format!("{format}: {error}")),
            }
            if chunk.len() == RECORDS_AT_ONCE {
                self.add_articles(file, std::mem::take(&mut chunk), summary)?;
            }
        }
        self.add_articles(file, chunk, summary)?;
        if summary.articles == before && (!problems.is_empty() || summary.passed_over == passed) {
            summary.skipped.push(Skipped {
                path,
                reason: problems
                    .first()
                    .cloned()
                    .unwrap_or_else(|| format!("{format}: no article")),
            });
            return Ok(());
        }
        summary.indexed += 1;
        note_problems(summary, file, problems);
        Ok(())
    }

    /// Analyses and dates articles of `file` on every core, then adds them.
    fn add_articles(
        &mut self,
        file: &ArticleFile,
        found: Vec<FileArticle>,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        let dating = &self.dating;
        let articles: Vec<Parsed> = found
            .into_par_iter()
            .map(|found| prepare(dating, file, found))
            .collect();
        let vocabularies: Vec<&analysis::Vocabulary> =
            articles.iter().map(|parsed| &parsed.vocabulary).collect();
        self.new_words.add(&vocabularies);
        let fields = self.fields;
        let writer = self.writer()?;
        for article in &articles {
            add_article(writer, fields, file, article)?;
            summary.passages += article.article.paragraphs.len();
        }
        summary.articles += articles.len();
        Ok(())
    }
}

/// Records of a streamed file analysed and added at a time.
const RECORDS_AT_ONCE: usize = 512;

/// Problems a file's report names one by one; the rest are counted.
const PROBLEMS_NAMED: usize = 10;

/// A file read whole, its articles analysed and dated; or a file left to stream.
enum Prepared {
    Articles {
        articles: Vec<Parsed>,
        passed_over: usize,
        problems: Vec<String>,
    },
    Records(formats::Format),
}

/// An article of `file` analysed and dated, ready to add.
fn prepare(dating: &Dating, file: &ArticleFile, found: FileArticle) -> Parsed {
    let vocabulary = analysis::vocabulary(&found.article);
    let date = dating.date_article(file, &found.article.dateline, found.date);
    Parsed {
        key: found.key,
        article: found.article,
        vocabulary,
        date,
    }
}

/// Adds a file's problems to the summary: the first few by line, the rest counted (a
/// collection whose every record repeats an id would otherwise print a line a record).
fn note_problems(summary: &mut Summary, file: &ArticleFile, problems: Vec<String>) {
    let path = corpus::display_path(&file.path);
    let more = problems.len().saturating_sub(PROBLEMS_NAMED);
    for reason in problems.into_iter().take(PROBLEMS_NAMED) {
        summary.problems.push(Skipped {
            path: path.clone(),
            reason,
        });
    }
    if more > 0 {
        summary.problems.push(Skipped {
            path,
            reason: format!("{more} more problems in this file"),
        });
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
