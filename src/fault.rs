//! Disk faults: an I/O error together with the file it struck and what was being done to it,
//! the first such error an index folder met, and how each kind reads to a user.
//!
//! A full disk, a failing one (EIO and the like) and a damaged file call for different
//! remedies (free space; check the disk; repair the index), so they are told apart here, by
//! the error number or, for damage newsdex detects itself, by `InvalidData`. tantivy loses
//! most of an I/O error on its way up (a worker thread that failed to write a segment becomes
//! "an index writer was killed"), so the directories newsdex gives tantivy keep the first
//! fault they see in a [`FaultLog`], with its file. This module never decides what a command
//! does about a fault: the indexer, the searcher and `check` do.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What was being done to a file when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    Reading,
    /// Creating, writing or renaming into place.
    Writing,
    /// Making written data durable (fsync).
    Syncing,
    Removing,
}

impl fmt::Display for Doing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Doing::Reading => "reading",
            Doing::Writing => "writing",
            Doing::Syncing => "syncing",
            Doing::Removing => "removing",
        })
    }
}

/// An I/O error on one file of an index folder, from newsdex's own file handling (the
/// marker, the lexicon); tantivy's files report to a [`FaultLog`] instead.
#[derive(Debug, thiserror::Error)]
#[error("{doing} {}: {source}", path.display())]
pub struct FileError {
    pub doing: Doing,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl FileError {
    pub fn new(doing: Doing, path: &Path, source: io::Error) -> FileError {
        FileError {
            doing,
            path: path.to_path_buf(),
            source,
        }
    }

    /// Wraps the error of `work` on `path`.
    pub fn wrap<T>(doing: Doing, path: &Path, work: io::Result<T>) -> Result<T, FileError> {
        work.map_err(|source| FileError::new(doing, path, source))
    }
}

/// The kinds of fault a user acts on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No space left (or the quota is used up): free space and run again.
    DiskFull,
    /// The bytes read are not what was written: the index needs repairing.
    Damaged,
    /// The device or the system refused (EIO, a read-only file system, permissions).
    Failed,
}

/// One fault: what was being done, to which file, and the error as the system said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub doing: Doing,
    pub path: PathBuf,
    pub kind: Kind,
    /// The error's text without Rust's `(os error N)`, lower-cased at the start:
    /// `input/output error`.
    pub error: String,
}

impl Fault {
    pub fn new(doing: Doing, path: &Path, error: &io::Error) -> Fault {
        Fault {
            doing,
            path: path.to_path_buf(),
            kind: kind_of(error),
            error: plain(error),
        }
    }
}

impl fmt::Display for Fault {
    /// `input/output error writing idx/3f2a….store`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.error, self.doing, self.path.display())
    }
}

/// The error numbers of a full disk: no space, or the user's quota used up.
const DISK_FULL: [i32; 2] = [libc::ENOSPC, libc::EDQUOT];

fn kind_of(error: &io::Error) -> Kind {
    match error.raw_os_error() {
        Some(code) if DISK_FULL.contains(&code) => Kind::DiskFull,
        Some(_) => Kind::Failed,
        None => match error.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Kind::DiskFull,
            io::ErrorKind::InvalidData => Kind::Damaged,
            _ => Kind::Failed,
        },
    }
}

/// An error's text as a user reads it: `Input/output error (os error 5)` becomes
/// `input/output error`. The temporary files tantivy writes `meta.json` through wrap the
/// system's error with their path (`… (os error 28) at path "idx/.tmpXYZ"`): the path of a
/// temporary file says nothing to a user, and is cut too.
fn plain(error: &io::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        // Only a capital followed by a small letter is a sentence's start (not `EIO`).
        Some(first) if chars.next().is_some_and(char::is_lowercase) => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text,
    }
}

/// Whether an error is part of normal work rather than a fault: a file that is not there
/// (tantivy asks), one that already is, or a call to retry.
fn is_expected(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound
            | io::ErrorKind::AlreadyExists
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// The first fault met in an index folder, shared by the directory tantivy reads and writes
/// through and by whoever explains a failure. Cloned cheaply.
#[derive(Debug, Clone, Default)]
pub struct FaultLog(Arc<Mutex<Option<Fault>>>);

impl FaultLog {
    /// Keeps `error` on `path` if it is a fault and the first one.
    pub fn record(&self, doing: Doing, path: &Path, error: &io::Error) {
        if is_expected(error) {
            return;
        }
        let mut first = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        first.get_or_insert_with(|| Fault::new(doing, path, error));
    }

    /// The first fault recorded, if any.
    pub fn first(&self) -> Option<Fault> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The fault behind `error`: a [`FileError`] in its chain, else the first fault `log` saw
/// (tantivy's errors seldom carry the file, and sometimes not even the error), else an I/O
/// error in its chain with a system error number, put on `dir`. `None`: not a disk fault.
pub fn behind(error: &anyhow::Error, log: &FaultLog, dir: &Path) -> Option<Fault> {
    if let Some(file) = error.chain().find_map(|e| e.downcast_ref::<FileError>()) {
        if is_expected(&file.source) {
            return None;
        }
        return Some(Fault::new(file.doing, &file.path, &file.source));
    }
    if let Some(fault) = log.first() {
        return Some(fault);
    }
    error
        .chain()
        .find_map(|e| e.downcast_ref::<io::Error>())
        .filter(|io| io.raw_os_error().is_some() && !is_expected(io))
        .map(|io| Fault::new(Doing::Writing, dir, io))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_plainly_and_are_told_apart_by_kind() {
        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        let eio = io::Error::from_raw_os_error(libc::EIO);
        let damaged = io::Error::new(io::ErrorKind::InvalidData, "block 3 is damaged");
        let cases = [
            (&full, Kind::DiskFull, "no space left on device"),
            (&eio, Kind::Failed, "input/output error"),
            (&damaged, Kind::Damaged, "block 3 is damaged"),
        ];
        for (error, kind, text) in cases {
            let fault = Fault::new(Doing::Writing, Path::new("idx/a.store"), error);
            assert_eq!(fault.kind, kind);
            assert_eq!(fault.to_string(), format!("{text} writing idx/a.store"));
        }
    }

    #[test]
    fn a_system_error_wrapped_with_a_path_keeps_its_kind_and_loses_the_path() {
        #[derive(Debug)]
        struct AtPath(io::Error);
        impl fmt::Display for AtPath {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} at path \"idx/.tmpXYZ\"", self.0)
            }
        }
        impl std::error::Error for AtPath {}
        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        let wrapped = io::Error::new(full.kind(), AtPath(full));
        let fault = Fault::new(Doing::Writing, Path::new("idx/meta.json"), &wrapped);
        assert_eq!(fault.kind, Kind::DiskFull);
        assert_eq!(fault.error, "no space left on device");
    }

    #[test]
    fn the_log_keeps_the_first_fault_and_ignores_expected_errors() {
        let log = FaultLog::default();
        let missing = io::Error::from(io::ErrorKind::NotFound);
        log.record(Doing::Reading, Path::new("idx/x"), &missing);
        assert_eq!(log.first(), None);
        let eio = io::Error::from_raw_os_error(libc::EIO);
        log.record(Doing::Syncing, Path::new("idx/a"), &eio);
        let full = io::Error::from_raw_os_error(libc::ENOSPC);
        log.record(Doing::Writing, Path::new("idx/b"), &full);
        let first = log.first().expect("a fault");
        assert_eq!((first.doing, first.kind), (Doing::Syncing, Kind::Failed));
    }

    #[test]
    fn a_file_error_in_the_chain_comes_before_the_log() {
        let log = FaultLog::default();
        log.record(
            Doing::Reading,
            Path::new("idx/a"),
            &io::Error::from_raw_os_error(libc::EIO),
        );
        let error = anyhow::Error::new(FileError::new(
            Doing::Writing,
            Path::new("idx/lexicon.staged.tmp"),
            io::Error::from_raw_os_error(libc::ENOSPC),
        ))
        .context("committing");
        let fault = behind(&error, &log, Path::new("idx")).expect("a fault");
        assert_eq!(fault.kind, Kind::DiskFull);
        assert_eq!(fault.path, Path::new("idx/lexicon.staged.tmp"));
        let other = anyhow::anyhow!("not a fault");
        assert_eq!(behind(&other, &FaultLog::default(), Path::new("idx")), None);
    }
}
