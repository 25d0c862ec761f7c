//! Opening an index folder: for searching, or for writing (creating it when there is none).
//!
//! Owns the checks every opening makes (the marker says the folder is newsdex's and in this
//! version's format, a commit exists, tantivy's files load, the schema has our fields) and the
//! directories tantivy reads through: memory maps for searching, [`pread`] for the writer,
//! [`readonly`] where the folder cannot be written. Both the indexer and the searcher open
//! indexes here; this module never walks a corpus, writes a document or runs a query.

pub mod marker;
pub mod pread;
pub mod readonly;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher};

use crate::analysis;
use crate::corpus;
use crate::lexicon;
use crate::schema::Fields;

use marker::Marker;
pub use marker::{FORMAT_VERSION, MARKER};
use pread::PreadDirectory;
use readonly::ReadOnlyDirectory;

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
    let index = match access {
        Access::Shared => Index::open_in_dir(dir),
        Access::ReadOnly => ReadOnlyDirectory::open(dir).and_then(Index::open),
    }
    .map_err(|err| damaged(dir, err))?;
    let fields = Fields::from_schema(&index.schema()).map_err(|err| damaged(dir, err))?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: marker.corpus,
    })
}

/// Opens the index in `dir` for a one-shot search: its last commit, with no reloading thread.
/// A folder where tantivy's meta lock cannot be written (read-only) is opened without it.
pub fn for_search(dir: &Path) -> Result<(OpenIndex, Searcher), OpenError> {
    let open_shared = open(dir, Access::Shared)?;
    let (open, reader) = match one_shot_reader(&open_shared.index) {
        Ok(reader) => (open_shared, reader),
        // The meta lock could not be written: a read-only folder, where no writer runs.
        Err(tantivy::TantivyError::LockFailure(..)) => {
            let open = open(dir, Access::ReadOnly)?;
            let reader = one_shot_reader(&open.index).map_err(|err| damaged(dir, err))?;
            (open, reader)
        }
        Err(err) => return Err(damaged(dir, err)),
    };
    let searcher = reader.searcher();
    if searcher.num_docs() == 0 {
        return Err(OpenError::Empty(dir.display().to_string()));
    }
    Ok((open, searcher))
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
        cause: err.to_string(),
    }
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

/// Opens the index in `dir` for writing, creating it (marker first) when there is none, and
/// records `corpus_root` as the folder its article keys are relative to and `extensions` as
/// the files it indexes.
pub fn for_writing(
    dir: &Path,
    corpus_root: &Path,
    extensions: &[String],
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
    };
    // Written only when it changes: two runs that find nothing to do (eval's, side by side)
    // would otherwise race on the temporary name.
    if existing.as_ref() != Some(&marker) {
        marker::write(dir, &marker)?;
    }
    let directory = PreadDirectory::open(dir)
        .with_context(|| format!("opening index folder {}", dir.display()))?;
    let index = if dir.join("meta.json").exists() {
        Index::open(directory).map_err(|err| damaged(dir, err))?
    } else {
        let (schema, _) = Fields::schema();
        let index = Index::create(directory, schema, index_settings())
            .with_context(|| format!("creating index in {}", dir.display()))?;
        // A new index starts its lexicon empty; one built before lexicons has none, and so
        // none is started for it (it would lack the words already indexed).
        lexicon::create_empty(dir)?;
        index
    };
    let fields = Fields::from_schema(&index.schema()).map_err(|err| damaged(dir, err))?;
    analysis::register(&index);
    Ok(OpenIndex {
        index,
        fields,
        corpus: Some(corpus_root.to_path_buf()),
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
