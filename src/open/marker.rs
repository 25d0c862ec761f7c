//! The marker file, `newsdex.json`: what says a folder holds a newsdex index, in which format,
//! and for which corpus folder.
//!
//! Written before anything else goes into a new index folder, and renamed into place, so a
//! folder that is not ours is never touched and a run killed while writing it leaves at most
//! the temporary name behind. Knows nothing of tantivy.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use super::{OpenError, shown};
use crate::fault::{Doing, Fault, FileError};

/// The marker file that says a folder holds a newsdex index.
pub const MARKER: &str = "newsdex.json";

/// Bumped whenever the schema or analysis changes in a way old indexes cannot serve.
pub const FORMAT_VERSION: u32 = 13;

/// What the marker records.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Marker {
    pub format: u32,
    /// The corpus folder last indexed into this index, absolute; article keys are relative to it.
    pub corpus: Option<PathBuf>,
    /// The file extensions last indexed (absent from markers written before they were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<String>>,
    /// The year of datelines that name none (`--year`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
}

/// The folder's marker, or `None` when it has none.
pub(super) fn read(dir: &Path) -> Result<Option<Marker>, OpenError> {
    let path = dir.join(MARKER);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        // Not valid UTF-8: damage, as is a marker that is not valid JSON.
        Err(err) if err.kind() == io::ErrorKind::InvalidData => {
            return Err(OpenError::Damaged {
                dir: shown(dir),
                cause: format!("{} is damaged (not UTF-8 text)", path.display()),
            });
        }
        Err(err) => {
            return Err(OpenError::Unreadable {
                dir: shown(dir),
                fault: Fault::new(Doing::Reading, &path, &err),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|err| OpenError::Damaged {
            dir: shown(dir),
            cause: format!("{} is damaged (not a marker: {err})", path.display()),
        })
}

/// The name the marker is written under before it is renamed into place.
fn temporary_name() -> String {
    format!("{MARKER}.tmp")
}

/// Writes the marker under a temporary name, syncs it and renames it into place; on failure
/// (a full disk), the temporary file is removed and the old marker is left as it was.
pub(super) fn write(dir: &Path, marker: &Marker) -> Result<(), FileError> {
    let temporary = dir.join(temporary_name());
    let text = serde_json::to_string_pretty(marker).map_err(io::Error::from);
    let written = text.and_then(|text| {
        let mut file = fs::File::create(&temporary)?;
        io::Write::write_all(&mut file, text.as_bytes())?;
        file.sync_all()
    });
    if let Err(err) = written {
        let _ = fs::remove_file(&temporary);
        return Err(FileError::new(Doing::Writing, &temporary, err));
    }
    let path = dir.join(MARKER);
    FileError::wrap(Doing::Writing, &path, fs::rename(&temporary, &path))
}

/// Whether `dir` is ours to hold an index: missing, empty, holding only dotfiles, a README
/// or the temporary marker of a run killed while writing it, or already marked as newsdex's.
pub(super) fn check_unmarked_folder(dir: &Path) -> anyhow::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", dir.display())),
    };
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.')
            || name.to_ascii_lowercase().starts_with("readme")
            || name == temporary_name()
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
