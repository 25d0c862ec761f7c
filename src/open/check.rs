//! Checking an index: does every file hold what was written, and does the index hold what
//! newsdex writes?
//!
//! tantivy verifies no checksum when it reads, so a damaged file gives wrong answers, or none.
//! The quick check (each segment's files present, their footers whole, doc-store footers sane,
//! and the files without a seal read against their checksums: see `seals`) costs a few small
//! reads a sealed file; searches and every `index` run make it before tantivy opens a segment. The full check
//! (`newsdex check`, and `index --repair`) also reads every file against the checksum in its
//! footer, every article's document (its path, its file's identity, its paragraphs, one article a
//! path) and the lexicon against its own checksum. Each problem says what fixes it: a damaged
//! segment's articles are re-indexed from the corpus (`index --repair`, see
//! `indexer::repair`), words staged but not folded are folded by any run, and what cannot be
//! rebuilt piecemeal (the marker, `meta.json`, the lexicon) asks for a rebuild. Changes
//! nothing but the seals of the files it found sound (see `seals`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::OpenReadError;
use tantivy::directory::footer::Footer;
use tantivy::directory::{Directory, FileSlice};
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::{HasLen, Index, Opstamp, ReloadPolicy, Searcher};

use super::pread::PreadDirectory;
use super::seals::Seals;
use super::{FORMAT_VERSION, OpenError, marker, shown};
use crate::fault::{Doing, Fault, FaultLog, Kind};
use crate::lexicon::{self, Lexicon};
use crate::numbers::thousands;
use crate::schema;

/// What fixes a problem, from the least work to the most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fix {
    /// Any `newsdex index` run.
    Index,
    /// `newsdex index --repair`.
    Repair,
    /// Deleting the folder and indexing the corpus again.
    Rebuild,
}

/// Where in an index a problem is, which says what repairs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The lexicon lacks the words the last commit staged: any run adds them.
    Staged,
    /// A segment: dropped, its articles are indexed again.
    Segment(SegmentId),
    /// Articles whose document is not whole, or indexed twice: deleted and indexed again.
    Articles,
    /// tantivy's list of its files (`.managed.json`): removed, it is written anew.
    FileList,
    /// What only indexing every article again mends (`meta.json`, the lexicon): `--repair`
    /// does it in place.
    Everything,
    /// The marker, or an index of another format: nothing says what the folder holds.
    Folder,
}

impl Part {
    pub fn fix(self) -> Fix {
        match self {
            Part::Staged => Fix::Index,
            Part::Segment(_) | Part::Articles | Part::FileList | Part::Everything => Fix::Repair,
            Part::Folder => Fix::Rebuild,
        }
    }
}

/// One thing wrong with an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, naming the file.
    pub what: String,
    pub part: Part,
}

impl Problem {
    fn new(what: String, part: Part) -> Problem {
        Problem { what, part }
    }

    pub fn fix(&self) -> Fix {
        self.part.fix()
    }

    /// The damaged segment the problem is in, if it is in one.
    pub fn segment(&self) -> Option<SegmentId> {
        match self.part {
            Part::Segment(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// The corpus folder the index was built from, for the repair command.
    pub corpus: Option<PathBuf>,
    /// The last commit, if there is one.
    pub opstamp: Option<Opstamp>,
    pub segments: usize,
    /// Live articles, as `meta.json` counts them.
    pub articles: u64,
    /// Their passages, when they could be counted (no segment damaged).
    pub passages: Option<u64>,
    /// Entries (words and records) in the lexicon, if it has one.
    pub lexicon: Option<usize>,
    pub problems: Vec<Problem>,
}

impl Report {
    /// What fixes every problem found, if any was.
    pub fn fix(&self) -> Option<Fix> {
        self.problems.iter().map(Problem::fix).max()
    }

    /// Whether a problem is in `part`s like `is`.
    pub fn has(&self, is: impl Fn(Part) -> bool) -> bool {
        self.problems.iter().any(|problem| is(problem.part))
    }
}

/// The segment files of a commit: those every segment has, and its deletes if it has any.
/// (tantivy's own list names a `.0.del` for segments without deletes, which does not exist.)
fn segment_files(meta: &SegmentMeta) -> Vec<PathBuf> {
    let mut components = vec![
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Store,
    ];
    if meta.has_deletes() {
        components.push(SegmentComponent::Delete);
    }
    components
        .into_iter()
        .map(|component| meta.relative_path(component))
        .collect()
}

/// How a segment is named in messages: its id's first 8 digits and its live articles.
fn segment_name(meta: &SegmentMeta) -> String {
    format!(
        "segment {} ({} articles)",
        meta.id().short_uuid_string(),
        thousands(u64::from(meta.num_docs()))
    )
}

/// Bytes checksummed at a time: bounds the memory a check of a large file takes.
const CHECKSUM_CHUNK: usize = 4 << 20;

/// Which segment files a check reads against their checksums (each file's footer is read
/// whatever the depth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Those without a seal (see `seals`): a search, and every `index` run.
    Unsealed,
    /// Every one: `newsdex check` and `index --repair`.
    Every,
}

/// The problems of each segment of `metas` in the index in `dir`, opened as `index`: a file
/// missing, cut short or with a damaged footer, or (as `depth` says) whose bytes do not match
/// its checksum or cannot be read (a fault kept in `faults`, as the index's own reads keep
/// theirs). The files whose checksum matched are sealed in `seals`.
pub fn segment_problems(
    index: &Index,
    dir: &Path,
    metas: &[SegmentMeta],
    depth: Depth,
    seals: &mut Seals,
    faults: &FaultLog,
) -> Vec<Problem> {
    // Checksums are read through a directory of their own, with no doc-store check: they read
    // a store's blocks in chunks that do not start at a block.
    let mut raw = None;
    let mut problems = Vec::new();
    for meta in metas {
        for file in segment_files(meta) {
            let shown_file = dir.join(&file);
            // A sealed file is there, whole and unchanged since its checksum matched.
            if depth == Depth::Unsealed && seals.holds(dir, &file) {
                continue;
            }
            let found = match index.directory().open_read(&file) {
                Err(err) => Some(super::read_failure(dir, &err)),
                Ok(_) => match raw.get_or_insert_with(|| PreadDirectory::open(dir)) {
                    Ok(raw) => match checksum_matches(raw, &file) {
                        Ok(true) => {
                            seals.seal(dir, &file);
                            None
                        }
                        Ok(false) => Some(format!("{} fails its checksum", shown_file.display())),
                        Err(err) => {
                            faults.record(Doing::Reading, &shown_file, &err);
                            Some(super::file_failure_text(&shown_file, &err))
                        }
                    },
                    Err(err) => Some(format!("cannot open {}: {err}", dir.display())),
                },
            };
            if let Some(what) = found {
                problems.push(Problem::new(
                    format!("{}: {what}", segment_name(meta)),
                    Part::Segment(meta.id()),
                ));
                // One problem a segment is enough to repair it.
                break;
            }
        }
    }
    problems
}

/// Seals the files of the last commit of the index in `dir` whose bytes match their checksums
/// (those a run wrote: the others are sealed already), so that searches need not read them;
/// returns the problems of those that do not.
pub fn seal_last_commit(
    index: &Index,
    dir: &Path,
    faults: &FaultLog,
) -> tantivy::Result<Vec<Problem>> {
    let meta = index.load_metas()?;
    let mut seals = Seals::read(dir);
    let problems = segment_problems(
        index,
        dir,
        &meta.segments,
        Depth::Unsealed,
        &mut seals,
        faults,
    );
    // A cache: seals not written (a full disk) only cost searches these reads.
    let _ = seals.write(dir);
    Ok(problems)
}

/// A fault met reading a file, as a problem: damage names itself; anything else says the
/// file cannot be read.
fn described(fault: &Fault) -> String {
    match fault.kind {
        Kind::Damaged => fault.error.clone(),
        _ => format!("{} cannot be read ({})", fault.path.display(), fault.error),
    }
}

/// Whether `file` of the index in `dir` can be read and matches its checksum.
pub fn file_intact(dir: &Path, file: &Path) -> bool {
    PreadDirectory::open(dir).is_ok_and(|raw| matches!(checksum_matches(&raw, file), Ok(true)))
}

/// Whether the bytes of `file` match the checksum in its footer, read in chunks.
fn checksum_matches(raw: &PreadDirectory, file: &Path) -> io::Result<bool> {
    let whole: FileSlice = raw.open_read(file).map_err(|err| match err {
        OpenReadError::IoError { io_error, .. } => {
            Arc::into_inner(io_error).unwrap_or_else(|| io::Error::other("the file cannot be read"))
        }
        OpenReadError::FileDoesNotExist(_) => io::Error::from(io::ErrorKind::NotFound),
        other => io::Error::other(other.to_string()),
    })?;
    let (footer, body) = Footer::extract_footer(whole)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut at = 0;
    while at < body.len() {
        let end = (at + CHECKSUM_CHUNK).min(body.len());
        hasher.update(body.read_bytes_slice(at..end)?.as_slice());
        at = end;
    }
    Ok(hasher.finalize() == footer.crc)
}

/// What a check of every article's document found.
#[derive(Debug, Default)]
pub struct Articles {
    /// Live articles.
    pub count: u64,
    /// Their passages (paragraphs).
    pub passages: u64,
    /// The keys of the files of articles whose document is not whole, or not theirs alone,
    /// with why: a file's articles are indexed again together.
    pub incomplete: Vec<(String, String)>,
}

/// Checks every live document of `searcher`'s segments: each has its path, its file's size
/// and time and at least one paragraph, and no path is two articles.
pub fn articles(searcher: &Searcher) -> tantivy::Result<Articles> {
    let mut found = Articles::default();
    let mut incomplete = Vec::new();
    let mut documents_of_key: HashMap<String, (u32, String)> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let spans = fast.ip_addr(schema::PARAGRAPHS)?;
        let sizes = fast.u64("size")?;
        let modified = fast.u64("modified")?;
        let paths = fast.str("path")?;
        let files = fast.str("file")?;
        let text =
            |column: &Option<tantivy::columnar::StrColumn>, doc| -> tantivy::Result<String> {
                let mut text = String::new();
                if let Some(column) = column
                    && let Some(ord) = column.ords().first(doc)
                {
                    column.ord_to_str(ord, &mut text)?;
                }
                Ok(text)
            };
        for doc in segment.doc_ids_alive() {
            found.count += 1;
            let key = text(&paths, doc)?;
            let file = text(&files, doc)?;
            let paragraphs = spans.values_for_doc(doc).count() as u64;
            found.passages += paragraphs;
            let why = if key.is_empty() || file.is_empty() {
                Some("its document has no path")
            } else if sizes.first(doc).is_none() || modified.first(doc).is_none() {
                Some("its file's size or time is missing")
            } else if paragraphs == 0 {
                Some("it has no paragraphs")
            } else {
                None
            };
            if let Some(why) = why {
                incomplete.push((file.clone(), why.to_string()));
            }
            documents_of_key.entry(key).or_insert((0, file)).0 += 1;
        }
    }
    for (_, (documents, file)) in documents_of_key {
        if documents > 1 {
            incomplete.push((file, format!("indexed {documents} times")));
        }
    }
    incomplete.sort();
    incomplete.dedup_by(|a, b| a.0 == b.0);
    found.incomplete = incomplete;
    Ok(found)
}

/// Checks the index in `dir` fully, changing nothing but its seals. An error only when there is no index
/// to check, or it cannot be read at all.
pub fn check(dir: &Path) -> Result<Report, OpenError> {
    let mut report = Report::default();
    let found = |mut report: Report, what: String, part: Part| {
        report.problems.push(Problem::new(what, part));
        Ok(report)
    };
    let marker = match marker::read(dir) {
        Ok(Some(marker)) => marker,
        Ok(None) => return Err(OpenError::Missing(shown(dir))),
        Err(OpenError::Damaged { cause, .. }) => return found(report, cause, Part::Folder),
        Err(err) => return Err(err),
    };
    report.corpus = marker.corpus;
    if marker.format != FORMAT_VERSION {
        let what = format!(
            "built by another version of newsdex (format {}, this one reads {FORMAT_VERSION})",
            marker.format
        );
        return found(report, what, Part::Folder);
    }
    if !dir.join("meta.json").exists() {
        return Ok(report);
    }
    if let Some(what) = managed_list_problem(dir) {
        return found(report, what, Part::FileList);
    }
    let faults = FaultLog::default();
    let index = match super::mapped(dir, &faults) {
        Ok(index) => index,
        Err(err) => match super::failure(dir, err, &faults) {
            OpenError::Damaged { cause, .. } => return found(report, cause, Part::Everything),
            other => return Err(other),
        },
    };
    let meta = index
        .load_metas()
        .map_err(|err| super::failure(dir, err, &faults))?;
    report.opstamp = Some(meta.opstamp);
    report.segments = meta.segments.len();
    report.articles = meta.segments.iter().map(|s| u64::from(s.num_docs())).sum();
    let mut seals = Seals::read(dir);
    report.problems.extend(segment_problems(
        &index,
        dir,
        &meta.segments,
        Depth::Every,
        &mut seals,
        &faults,
    ));
    // Best effort: a folder `check` cannot write is checked all the same.
    let _ = seals.write(dir);
    if report.problems.is_empty() {
        check_articles(&index, &mut report);
    }
    check_lexicon(dir, meta.opstamp, &mut report);
    Ok(report)
}

/// What is wrong with `.managed.json` (tantivy's list of its files, for clean-up), if it is
/// there and cannot be read as one: tantivy then refuses to open the index.
pub fn managed_list_problem(dir: &Path) -> Option<String> {
    let path = dir.join(".managed.json");
    let bytes = std::fs::read(&path).ok()?;
    // Read as tantivy reads it: bytes that are not UTF-8 are replaced, not refused.
    serde_json::from_str::<HashSet<PathBuf>>(&String::from_utf8_lossy(&bytes))
        .err()
        .map(|err| format!("{} is damaged ({err})", path.display()))
}

/// Counts the passages and checks every article's document, into `report`.
fn check_articles(index: &Index, report: &mut Report) {
    // tantivy panics on some damage the checksums cannot see (a bug's, not the disk's).
    let searched = std::panic::catch_unwind(AssertUnwindSafe(|| -> tantivy::Result<Articles> {
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        articles(&reader.searcher())
    }));
    match searched {
        Ok(Ok(found)) => {
            report.passages = Some(found.passages);
            if let Some((key, why)) = found.incomplete.first() {
                let others = found.incomplete.len() - 1;
                let more = match others {
                    0 => String::new(),
                    n => format!(", and {} more", thousands(n as u64)),
                };
                let what = format!("article {key} is incomplete ({why}){more}");
                report.problems.push(Problem::new(what, Part::Articles));
            }
        }
        Ok(Err(err)) => {
            let what = format!("the segments cannot be read together ({err})");
            report.problems.push(Problem::new(what, Part::Everything));
        }
        Err(_) => {
            let what = "the segments cannot be read together (tantivy failed on them)".into();
            report.problems.push(Problem::new(what, Part::Everything));
        }
    }
}

/// What is wrong with the lexicon in `dir`, if anything: missing, not readable as one, or
/// failing its checksum; and the lexicon, when it can be opened.
pub fn lexicon_problem(dir: &Path) -> (Option<Lexicon>, Option<String>) {
    let file = dir.join(lexicon::FILE);
    match Lexicon::open(dir) {
        Ok(Some(lexicon)) if lexicon.checksum_matches() == Some(false) => {
            let what = format!("{} fails its checksum", file.display());
            (Some(lexicon), Some(what))
        }
        Ok(Some(lexicon)) => (Some(lexicon), None),
        Ok(None) => {
            let what = format!(
                "{} is missing (search works without it, more slowly, and names no missing words)",
                file.display()
            );
            (None, Some(what))
        }
        Err(err) => (
            None,
            Some(described(&Fault::new(err.doing, &err.path, &err.source))),
        ),
    }
}

/// Checks the lexicon: there, whole, matching its checksum, and holding the last commit's
/// words (or they are staged for it).
fn check_lexicon(dir: &Path, opstamp: Opstamp, report: &mut Report) {
    let file = dir.join(lexicon::FILE);
    let (lexicon, problem) = lexicon_problem(dir);
    report.lexicon = lexicon.as_ref().map(Lexicon::len);
    if let Some(what) = problem {
        report.problems.push(Problem::new(what, Part::Everything));
        return;
    }
    let Some(lexicon) = lexicon else {
        return;
    };
    let folded = lexicon.folded().unwrap_or(0);
    if let Ok(Some(staged)) = lexicon::staged_for(dir)
        && staged == opstamp
        && folded < opstamp
    {
        let what = format!(
            "{} lacks the words of the last commit (a run stopped before adding them; they are staged)",
            file.display()
        );
        report.problems.push(Problem::new(what, Part::Staged));
    }
}
