//! The directory tantivy reads and writes an index folder through, watching its I/O.
//!
//! Every read, write or sync that fails is kept in the index's [`FaultLog`] with its file:
//! tantivy drops the file, and often the error, on the way up (a segment that failed to
//! write surfaces as "an index writer was killed"), and a user needs both to know whether the
//! disk is full, failing, or the index damaged. Doc-store blocks are checked before tantivy
//! trusts their length (see [`store`](super::store)). Wraps the directory that does the work
//! (memory maps, `pread`, read-only) and changes nothing it reads or writes.

use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, OwnedBytes, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

use super::store::{self, Layout};
use crate::fault::{Doing, FaultLog};

/// `inner`, with its faults kept in `faults` and its doc stores checked.
#[derive(Debug, Clone)]
pub struct Watched<D> {
    inner: D,
    /// The index folder as the user named it, for the files in messages.
    root: PathBuf,
    faults: FaultLog,
}

impl<D> Watched<D> {
    pub fn new(inner: D, root: &Path, faults: &FaultLog) -> Watched<D> {
        Watched {
            inner,
            root: root.to_path_buf(),
            faults: faults.clone(),
        }
    }

    fn note(&self, doing: Doing, path: &Path, error: &io::Error) {
        self.faults.record(doing, &self.root.join(path), error);
    }
}

impl<D: Directory + Clone> Directory for Watched<D> {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let inner = self.inner.get_file_handle(path).inspect_err(|err| {
            if let OpenReadError::IoError { io_error, .. } = err {
                self.note(Doing::Reading, path, io_error);
            }
        })?;
        let is_store = path.extension().is_some_and(|ext| ext == "store");
        Ok(Arc::new(WatchedFile {
            inner,
            path: self.root.join(path),
            faults: self.faults.clone(),
            layout: is_store.then(OnceLock::new),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path).inspect_err(|err| {
            if let DeleteError::IoError { io_error, .. } = err {
                self.note(Doing::Removing, path, io_error);
            }
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let writer = self.inner.open_write(path).inspect_err(|err| {
            if let OpenWriteError::IoError { io_error, .. } = err {
                self.note(Doing::Writing, path, io_error);
            }
        })?;
        // Nothing is written yet, so the buffer is empty and this cannot fail.
        let inner = writer
            .into_inner()
            .map_err(|err| OpenWriteError::wrap_io_error(err.into_error(), path.to_path_buf()))?;
        Ok(BufWriter::new(Box::new(WatchedWriter {
            inner,
            path: self.root.join(path),
            faults: self.faults.clone(),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path).inspect_err(|err| {
            if let OpenReadError::IoError { io_error, .. } = err {
                self.note(Doing::Reading, path, io_error);
            }
        })
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner
            .atomic_write(path, data)
            .inspect_err(|err| self.note(Doing::Writing, path, err))
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner
            .sync_directory()
            .inspect_err(|err| self.note(Doing::Syncing, Path::new(""), err))
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock).inspect_err(|err| {
            if let LockError::IoError(io_error) = err {
                self.note(Doing::Writing, &lock.filepath, io_error);
            }
        })
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

/// A file opened for reading, its failed reads noted; for a doc store, its blocks checked.
#[derive(Debug)]
struct WatchedFile {
    inner: Arc<dyn FileHandle>,
    path: PathBuf,
    faults: FaultLog,
    /// For a `.store` file: its layout, once read, or the damage its footers show.
    layout: Option<OnceLock<Result<Layout, String>>>,
}

impl WatchedFile {
    fn read(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        self.inner
            .read_bytes(range)
            .inspect_err(|err| self.faults.record(Doing::Reading, &self.path, err))
    }

    /// The doc store's layout (read once; damage is kept, a failed read is not).
    fn store_layout(&self, once: &OnceLock<Result<Layout, String>>) -> io::Result<Layout> {
        if let Some(known) = once.get() {
            return known.clone().map_err(store::damaged);
        }
        let shown = self.path.display().to_string();
        let found = match store::layout(self.inner.len(), |range| self.read(range), &shown) {
            Err(err) if err.kind() != io::ErrorKind::InvalidData => return Err(err),
            found => found.map_err(|err| err.to_string()),
        };
        once.get_or_init(|| found).clone().map_err(store::damaged)
    }
}

impl HasLen for WatchedFile {
    fn len(&self) -> usize {
        self.inner.len()
    }
}

impl FileHandle for WatchedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let Some(once) = &self.layout else {
            return self.read(range);
        };
        let checked = self.store_layout(once).and_then(|layout| {
            let start = range.start;
            let bytes = self.read(range)?;
            if layout.zstd && start < layout.blocks_end {
                store::check_block(&bytes, start, &self.path.display().to_string())?;
            }
            Ok(bytes)
        });
        checked.inspect_err(|err| {
            if err.kind() == io::ErrorKind::InvalidData {
                self.faults.record(Doing::Reading, &self.path, err);
            }
        })
    }
}

/// A file opened for writing, its failed writes and syncs noted.
struct WatchedWriter {
    inner: Box<dyn TerminatingWrite + Send + Sync>,
    path: PathBuf,
    faults: FaultLog,
}

impl Write for WatchedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner
            .write(buf)
            .inspect_err(|err| self.faults.record(Doing::Writing, &self.path, err))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner
            .flush()
            .inspect_err(|err| self.faults.record(Doing::Writing, &self.path, err))
    }
}

impl TerminatingWrite for WatchedWriter {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        // Terminating flushes what is left and syncs the file.
        self.inner
            .terminate_ref(token)
            .inspect_err(|err| self.faults.record(Doing::Syncing, &self.path, err))
    }
}
