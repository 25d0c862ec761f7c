//! Opening an index folder: for searching, or for writing (creating it when there is none).
//!
//! Owns the checks every opening makes (the marker says the folder is newsdex's and in this
//! version's format, a commit exists, tantivy's files load, the schema has our fields), the
//! fuller ones of [`check`], and the directories tantivy reads through: memory maps for
//! searching, [`pread`] for the writer, [`readonly`] where the folder cannot be written, each
//! [`watched`] for faults, with its doc stores checked by [`store`]. Both the indexer and the
//! searcher open indexes here; this module never walks a corpus, writes a document or runs a
//! query.

pub mod check;
pub mod marker;
pub mod pread;
pub mod readonly;
pub mod seals;
pub mod store;
pub mod watched;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::OpenReadError;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher};

use crate::analysis;
use crate::corpus;
use crate::fault::{Fault, FaultLog, FileError, Kind};
use crate::lexicon;
use crate::schema::Fields;

use marker::Marker;
pub use marker::{FORMAT_VERSION, MARKER};
use pread::PreadDirectory;
use readonly::ReadOnlyDirectory;
use seals::Seals;
use watched::Watched;

/// An index opened for reading or writing, with its field handles and corpus folder.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
    /// Absolute corpus folder the stored paths are relative to.
    pub corpus: Option<PathBuf>,
    /// The first fault met reading or writing the index's files.
    pub faults: FaultLog,
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
        "the index in {dir} is damaged ({cause}); `newsdex check --index {dir}` says what to repair, or rebuild it: delete the folder and run `newsdex index CORPUS --index {dir}`"
    )]
    Damaged { dir: String, cause: String },
    #[error(
        "cannot read the index in {dir}: {fault} (`newsdex check --index {dir}` says whether the index is damaged)"
    )]
    Unreadable { dir: String, fault: Fault },
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

/// How a folder is named in messages.
pub(crate) fn shown(dir: &Path) -> String {
    corpus::display_path(dir)
}

/// Opens an existing index for searching. Never creates or changes anything.
pub fn open(dir: &Path, access: Access) -> Result<OpenIndex, OpenError> {
    let marker = marker::read(dir)?.ok_or_else(|| OpenError::Missing(shown(dir)))?;
    if marker.format != FORMAT_VERSION {
        return Err(OpenError::WrongVersion {
            dir: shown(dir),
            found: marker.format,
        });
    }
    if !dir.join("meta.json").exists() {
        return Err(OpenError::Empty(shown(dir)));
    }
    let faults = FaultLog::default();
    let index = match access {
        Access::Shared => mapped(dir, &faults),
        Access::ReadOnly => ReadOnlyDirectory::open(dir)
            .and_then(|directory| Index::open(Watched::new(directory, dir, &faults))),
    }
    .map_err(|err| failure(dir, err, &faults))?;
    let fields = Fields::from_schema(&index.schema()).map_err(|err| damaged(dir, err))?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: marker.corpus,
        faults,
    })
}

/// The index in `dir` through memory maps, its faults kept in `faults`: what searches and
/// the indexer's lookups read. Makes none of `open`'s checks.
pub fn mapped(dir: &Path, faults: &FaultLog) -> tantivy::Result<Index> {
    Index::open(Watched::new(MmapDirectory::open(dir)?, dir, faults))
}

/// Opens the index in `dir` for a one-shot search: its last commit, with no reloading thread.
/// A folder where tantivy's meta lock cannot be written (read-only) is opened without it.
pub fn for_search(dir: &Path) -> Result<(OpenIndex, Searcher), OpenError> {
    let mut tries = 1;
    loop {
        let commit = fs::read(dir.join("meta.json")).ok();
        match for_search_once(dir) {
            // A commit made meanwhile (`index --watch` makes one a second) merges and removes
            // the files of the one being opened, which then looks damaged: open the new one.
            Err(OpenError::Damaged { .. } | OpenError::Unreadable { .. })
                if tries < OPEN_TRIES && fs::read(dir.join("meta.json")).ok() != commit =>
            {
                tries += 1;
            }
            opened => return opened,
        }
    }
}

/// How many commits in a row a search may find replaced while it opens one.
const OPEN_TRIES: usize = 3;

/// `for_search`, once.
fn for_search_once(dir: &Path) -> Result<(OpenIndex, Searcher), OpenError> {
    let open_shared = open(dir, Access::Shared)?;
    refuse_unsealed_damage(dir, &open_shared)?;
    let (open, reader) = match one_shot_reader(&open_shared.index) {
        Ok(reader) => (open_shared, reader),
        // The meta lock could not be written: a read-only folder, where no writer runs.
        Err(tantivy::TantivyError::LockFailure(..)) => {
            let open = open(dir, Access::ReadOnly)?;
            let reader =
                one_shot_reader(&open.index).map_err(|err| failure(dir, err, &open.faults))?;
            (open, reader)
        }
        Err(err) => return Err(failure(dir, err, &open_shared.faults)),
    };
    let searcher = reader.searcher();
    if searcher.num_docs() == 0 {
        return Err(OpenError::Empty(dir.display().to_string()));
    }
    Ok((open, searcher))
}

/// Reads the last commit's files that have no seal against their checksums before tantivy
/// opens them (see `seals`): damage is then an error naming its file, never an abort.
fn refuse_unsealed_damage(dir: &Path, open: &OpenIndex) -> Result<(), OpenError> {
    let metas = open
        .index
        .searchable_segment_metas()
        .map_err(|err| failure(dir, err, &open.faults))?;
    let mut seals = Seals::read(dir);
    let depth = check::Depth::Unsealed;
    let problems =
        check::segment_problems(&open.index, dir, &metas, depth, &mut seals, &open.faults);
    match (problems.into_iter().next(), open.faults.first()) {
        (None, _) => Ok(()),
        (Some(_), Some(fault)) if fault.kind != Kind::Damaged => Err(OpenError::Unreadable {
            dir: shown(dir),
            fault,
        }),
        (Some(problem), _) => Err(OpenError::Damaged {
            dir: shown(dir),
            cause: problem.what,
        }),
    }
}

/// A reader for a one-shot process: no reloading thread.
fn one_shot_reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

fn damaged(dir: &Path, err: tantivy::TantivyError) -> OpenError {
    OpenError::Damaged {
        dir: shown(dir),
        cause: cause(dir, &err),
    }
}

/// What a tantivy error says of the index in `dir`, in plain words and naming the file when
/// tantivy knows it (its own messages show the I/O error's debug form).
pub fn cause(dir: &Path, err: &tantivy::TantivyError) -> String {
    use tantivy::TantivyError;
    match err {
        TantivyError::OpenReadError(read) => read_failure(dir, read),
        TantivyError::IoError(io) => io.to_string(),
        // Its file is only shown in its debug form: `Data corruption (in file `"meta.json"`)`.
        TantivyError::DataCorruption(corruption) => {
            let said = format!("{corruption:?}");
            match said
                .split_once("(in file `\"")
                .and_then(|(_, rest)| rest.split_once('"'))
            {
                Some((file, _)) => format!("{} is damaged", dir.join(file).display()),
                None => said,
            }
        }
        other => other.to_string(),
    }
}

/// What a failed opening of a file of the index in `dir` says, in plain words.
pub(crate) fn read_failure(dir: &Path, err: &OpenReadError) -> String {
    match err {
        OpenReadError::FileDoesNotExist(file) => {
            format!("{} is missing", dir.join(file).display())
        }
        OpenReadError::IoError { io_error, filepath } => {
            file_failure_text(&dir.join(filepath), io_error)
        }
        other => other.to_string(),
    }
}

/// An I/O error on `file` in plain words: missing, damaged (a footer tantivy cannot read
/// means the file is cut short or overwritten), or the system's error.
pub(crate) fn file_failure_text(file: &Path, error: &io::Error) -> String {
    let shown = file.display();
    let text = error.to_string();
    match error.kind() {
        io::ErrorKind::NotFound => format!("{shown} is missing"),
        _ if text.starts_with("Footer") || text.starts_with("File corrupted") => {
            format!("{shown} is cut short or its footer is damaged")
        }
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
            if text.contains(&shown.to_string()) =>
        {
            text
        }
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
            format!("{shown} is damaged ({text})")
        }
        _ => format!(
            "{shown} cannot be read ({})",
            Fault::new(crate::fault::Doing::Reading, file, error).error
        ),
    }
}

/// Why tantivy failed to open the index in `dir`: the fault its directory met first, if
/// any (damage it names; an I/O error makes the index unreadable, not damaged), else what
/// tantivy says, as damage.
pub fn failure(dir: &Path, err: tantivy::TantivyError, faults: &FaultLog) -> OpenError {
    match faults.first() {
        Some(fault) if fault.kind == Kind::Damaged => OpenError::Damaged {
            dir: shown(dir),
            cause: fault.error,
        },
        Some(fault) => OpenError::Unreadable {
            dir: shown(dir),
            fault,
        },
        None => damaged(dir, err),
    }
}

/// Why a file of the index in `dir` could not be read: damage it names, or a fault.
pub fn file_failure(dir: &Path, err: &FileError) -> OpenError {
    let fault = Fault::new(err.doing, &err.path, &err.source);
    match fault.kind {
        Kind::Damaged => OpenError::Damaged {
            dir: shown(dir),
            cause: fault.error,
        },
        _ => OpenError::Unreadable {
            dir: shown(dir),
            fault,
        },
    }
}

/// The articles of the last commit in `dir`: `None` when nothing is committed.
pub fn committed_articles(dir: &Path) -> anyhow::Result<Option<u64>> {
    if !dir.join("meta.json").exists() {
        return Ok(None);
    }
    let index = mapped(dir, &FaultLog::default())?;
    let metas = index.searchable_segment_metas()?;
    Ok(Some(
        metas.iter().map(|meta| u64::from(meta.num_docs())).sum(),
    ))
}

/// Whether `dir` holds an index written by another version of newsdex.
pub fn is_other_version(dir: &Path) -> bool {
    matches!(marker::read(dir), Ok(Some(marker)) if marker.format != FORMAT_VERSION)
}

/// Whether `dir` holds a newsdex index (a marker), committed or not.
pub fn exists(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// The file extensions the index in `dir` was last built with, if its marker records them.
pub fn stored_extensions(dir: &Path) -> Option<Vec<String>> {
    marker::read(dir).ok().flatten()?.extensions
}

/// The year the index in `dir` gives yearless datelines (`--year`), if it was given one.
pub fn stored_year(dir: &Path) -> Option<i64> {
    marker::read(dir).ok().flatten()?.year
}

/// Opens the index in `dir` for writing, creating it (marker first) when there is none, and
/// records `corpus_root` as the folder its article keys are relative to, `extensions` as
/// the files it indexes and `year` as the year of yearless datelines. Faults met on the index's files are kept in `faults`.
pub fn for_writing(
    dir: &Path,
    corpus_root: &Path,
    extensions: &[String],
    year: Option<i64>,
    faults: &FaultLog,
) -> anyhow::Result<OpenIndex> {
    let existing = marker::read(dir)?;
    match &existing {
        Some(marker) if marker.format != FORMAT_VERSION => {
            return Err(OpenError::WrongVersion {
                dir: shown(dir),
                found: marker.format,
            }
            .into());
        }
        Some(_) => {}
        None => marker::check_unmarked_folder(dir)?,
    }
    fs::create_dir_all(dir).with_context(|| format!("creating index folder {}", dir.display()))?;
    let marker = Marker {
        format: FORMAT_VERSION,
        corpus: Some(corpus_root.to_path_buf()),
        extensions: Some(extensions.to_vec()),
        year,
    };
    // Written only when it changes: two runs that find nothing to do (eval's, side by side)
    // would otherwise race on the temporary name, and a run on a full disk writes nothing
    // before it has something to index.
    if existing.as_ref() != Some(&marker) {
        marker::write(dir, &marker)?;
    }
    let directory = PreadDirectory::open(dir)
        .with_context(|| format!("opening index folder {}", dir.display()))?;
    let directory = Watched::new(directory, dir, faults);
    let index = if dir.join("meta.json").exists() {
        Index::open(directory).map_err(|err| failure(dir, err, faults))?
    } else {
        // The lexicon first: an index whose creation failed is created again by the next
        // run, lexicon and all, where a lexicon that failed after the index was created would
        // never be started (see `lexicon::create_empty`).
        lexicon::create_empty(dir)?;
        let (schema, _) = Fields::schema();
        Index::create(directory, schema, index_settings())
            .with_context(|| format!("creating index in {}", dir.display()))?
    };
    let fields = Fields::from_schema(&index.schema()).map_err(|err| damaged(dir, err))?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: Some(corpus_root.to_path_buf()),
        faults: faults.clone(),
    })
}

/// A new index's settings. The doc store only serves hits whose article file changed or
/// vanished since indexing (search reads the others from the files), so it is sized for the
/// writer's time and the index's size. Compressing it was a fifth of indexing's CPU at zstd
/// level 9 in 256 KB blocks; level 6 in 512 KB blocks builds the 300 MB bench corpus in
/// 15.0 s instead of 17.6 and stores it in 0.862 of the text instead of 0.874 (100 MB: 0.883
/// instead of 0.896; level 6 in 256 KB blocks would be 0.901). The price is paid by hits that
/// fall back to the doc store: with the 300 MB corpus gone, the query mix p50 is 10.0 ms
/// instead of 7.7.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(6),
        }),
        docstore_blocksize: 512 * 1024,
        ..IndexSettings::default()
    }
}
