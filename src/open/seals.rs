//! Seals: for each index file whose bytes last matched their checksum, its size and times
//! then, kept in `newsdex.seals` in the index folder.
//!
//! tantivy verifies no checksum when it reads, and some damage does worse than give wrong
//! answers: a damaged column directory in a `.fast` file makes tantivy allocate the size it
//! reads (2 GiB) and the process abort. Reading every file against its checksum before each
//! search would read the whole index; but a file whose size, modification and change times
//! are those it had when its checksum last matched has not been written since. So searches
//! read only the files without such a seal (changed, copied, or new) before tantivy opens
//! them, and `index` and `check` seal the files they find sound. The change time (which no
//! tool can set back) catches a write whose tool restores the modification time; bytes that
//! change without a write (a failing disk's bit rot) keep their seal, and only
//! `newsdex check`, which reads everything, finds them. The file is a cache of facts: one
//! missing, damaged or stale only costs a read of the files it no longer vouches for.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rustc_hash::FxHashMap;

/// The seals' file in the index folder.
pub const FILE: &str = "newsdex.seals";

/// What a file looked like when its checksum matched: size, modification and change times
/// (nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
}

impl Stamp {
    fn of(metadata: &fs::Metadata) -> Stamp {
        let nanos =
            |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        Stamp {
            len: metadata.len(),
            modified: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed: nanos(metadata.ctime(), metadata.ctime_nsec()),
        }
    }
}

/// The seals of an index folder's files, by file name.
#[derive(Debug, Default)]
pub struct Seals {
    stamps: FxHashMap<String, Stamp>,
    /// Whether seals were added since they were read.
    added: bool,
}

impl Seals {
    /// The seals recorded in `dir`; none when the file is missing or cannot be read, and a
    /// line that cannot be read is no seal.
    pub fn read(dir: &Path) -> Seals {
        let text = fs::read_to_string(dir.join(FILE)).unwrap_or_default();
        let stamps = text
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?;
                let stamp = Stamp {
                    len: fields.next()?.parse().ok()?,
                    modified: fields.next()?.parse().ok()?,
                    changed: fields.next()?.parse().ok()?,
                };
                fields.next().is_none().then(|| (name.to_string(), stamp))
            })
            .collect();
        Seals {
            stamps,
            added: false,
        }
    }

    /// Whether `file` (relative to `dir`) is as it was when sealed.
    pub fn holds(&self, dir: &Path, file: &Path) -> bool {
        let Some(stamp) = file.to_str().and_then(|name| self.stamps.get(name)) else {
            return false;
        };
        fs::metadata(dir.join(file)).is_ok_and(|metadata| Stamp::of(&metadata) == *stamp)
    }

    /// Seals `file` (relative to `dir`) as it is now: its checksum has just matched.
    pub fn seal(&mut self, dir: &Path, file: &Path) {
        if let (Some(name), Ok(metadata)) = (file.to_str(), fs::metadata(dir.join(file))) {
            self.stamps.insert(name.to_string(), Stamp::of(&metadata));
            self.added = true;
        }
    }

    /// Writes the seals of the files still in `dir` when any were added: to a temporary
    /// name, then renamed into place. Not synced: a seal lost in a crash only costs a read.
    pub fn write(mut self, dir: &Path) -> io::Result<()> {
        if !self.added {
            return Ok(());
        }
        self.stamps.retain(|name, _| dir.join(name).exists());
        let mut names: Vec<&String> = self.stamps.keys().collect();
        names.sort();
        let mut text = String::new();
        for name in names {
            let stamp = self.stamps[name];
            text.push_str(&format!(
                "{name}\t{}\t{}\t{}\n",
                stamp.len, stamp.modified, stamp.changed
            ));
        }
        let temporary = dir.join(format!("{FILE}.tmp"));
        let written = fs::File::create(&temporary)
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .and_then(|()| fs::rename(&temporary, dir.join(FILE)));
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_after_its_seal_is_not_held() {
        let dir = tempfile::tempdir().unwrap();
        let file = Path::new("a.fast");
        fs::write(dir.path().join(file), b"sound bytes").unwrap();
        let mut seals = Seals::read(dir.path());
        assert!(!seals.holds(dir.path(), file));
        seals.seal(dir.path(), file);
        seals.write(dir.path()).unwrap();

        let seals = Seals::read(dir.path());
        assert!(seals.holds(dir.path(), file));
        // Same size, even the same modification time put back: the change time moved.
        let modified = fs::metadata(dir.path().join(file))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(dir.path().join(file), b"other bytes").unwrap();
        fs::File::options()
            .write(true)
            .open(dir.path().join(file))
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert!(!seals.holds(dir.path(), file));
    }

    #[test]
    fn a_damaged_seals_file_vouches_for_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.fast"), b"bytes").unwrap();
        fs::write(
            dir.path().join(FILE),
            "a.fast\t5\tnot a time\t0\n\u{0}\u{1}",
        )
        .unwrap();
        assert!(!Seals::read(dir.path()).holds(dir.path(), Path::new("a.fast")));
    }

    #[test]
    fn seals_of_removed_files_are_dropped_when_written() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.fast", "b.fast"] {
            fs::write(dir.path().join(name), name).unwrap();
        }
        let mut seals = Seals::read(dir.path());
        seals.seal(dir.path(), Path::new("a.fast"));
        seals.seal(dir.path(), Path::new("b.fast"));
        fs::remove_file(dir.path().join("a.fast")).unwrap();
        seals.write(dir.path()).unwrap();
        let text = fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(
            text.starts_with("b.fast\t") && text.lines().count() == 1,
            "{text}"
        );
    }
}
