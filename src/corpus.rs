//! Corpus reading: which files are articles, what changed, and their bytes turned into text.
//!
//! Owns the folder walk (walkdir; symlinks that leave the folder and loops are refused),
//! the file identity used by incremental indexing (relative path, size, modification time)
//! and decoding (BOM, UTF-8, Windows-1252 fallback, binary detection). It does not parse
//! articles (see `article`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

/// Extensions read by default; `--ext` adds more.
pub const DEFAULT_EXTENSIONS: [&str; 1] = ["txt"];

/// Files larger than this are skipped: no news article is this big, and reading one would hold
/// the whole file in memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One article file found by the walk.
#[derive(Debug, Clone)]
pub struct ArticleFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path relative to the corpus folder, `/`-separated, with bytes that are not UTF-8
    /// escaped as `\xNN`: the identity under which the index stores it.
    pub key: String,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch; with `size`, what says it changed.
    pub modified_ns: u64,
}

/// A file the walk or the reader could not use, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<ArticleFile>,
    pub skipped: Vec<Skipped>,
}

/// The corpus folder's canonical path, or why `root` is not a folder that can be read.
pub fn folder(root: &Path) -> anyhow::Result<PathBuf> {
    let canonical = fs::canonicalize(root)
        .map_err(|err| anyhow::anyhow!("cannot open corpus folder {}: {err}", root.display()))?;
    if !canonical.is_dir() {
        anyhow::bail!("corpus {} is not a folder", root.display());
    }
    Ok(canonical)
}

/// Walks `root` for article files. Hidden files and folders (`.git`, `.DS_Store`) and files
/// with other extensions are not articles and are passed over silently; everything else that
/// cannot be used is reported in `skipped`.
pub fn walk(root: &Path, extensions: &[String]) -> anyhow::Result<Walk> {
    let canonical_root = folder(root)?;
    let mut walk = Walk::default();
    // Article files in walk order, before their metadata is read.
    let mut candidates = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(display_path).unwrap_or_default();
                let reason = err
                    .io_error()
                    .map(|io| io.to_string())
                    .unwrap_or_else(|| err.to_string());
                walk.skipped.push(Skipped { path, reason });
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            // Folder links and broken links are reported whatever their name: they may hide
            // articles. File links are reported only when they look like articles.
            let reason = symlink_refusal(entry.path(), &canonical_root);
            if reason.is_folder_or_broken || has_extension(entry.file_name(), extensions) {
                walk.skipped.push(Skipped {
                    path: display_path(entry.path()),
                    reason: reason.text,
                });
            }
            continue;
        }
        if has_extension(entry.file_name(), extensions) {
            candidates.push(entry.into_path());
        }
    }
    // Reading a file's size and time is a path lookup per file, most of a no-change
    // re-index; the lookups run on every core, in walk order.
    let stats: Vec<io::Result<FileStat>> = candidates
        .par_iter()
        .map(|path| fs::metadata(path).map(FileStat::of))
        .collect();
    for (path, stat) in candidates.into_iter().zip(stats) {
        let stat = match stat {
            Ok(stat) => stat,
            Err(err) => {
                walk.skipped.push(Skipped {
                    path: display_path(&path),
                    reason: err.to_string(),
                });
                continue;
            }
        };
        if stat.kind.is_dir() {
            continue;
        }
        if !stat.kind.is_file() {
            walk.skipped.push(Skipped {
                path: display_path(&path),
                reason: "not a regular file (FIFO, socket or device)".into(),
            });
            continue;
        }
        if stat.size > MAX_FILE_BYTES {
            walk.skipped.push(Skipped {
                path: display_path(&path),
                reason: format!("larger than {} MiB", MAX_FILE_BYTES >> 20),
            });
            continue;
        }
        let key = path_key(root, &path);
        walk.files.push(ArticleFile {
            path,
            key,
            size: stat.size,
            modified_ns: stat.modified_ns,
        });
    }
    Ok(walk)
}

/// What the walk keeps of a file's metadata (a few bytes instead of a whole `stat`).
struct FileStat {
    kind: fs::FileType,
    size: u64,
    modified_ns: u64,
}

impl FileStat {
    fn of(metadata: fs::Metadata) -> FileStat {
        FileStat {
            kind: metadata.file_type(),
            size: metadata.len(),
            modified_ns: metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos() as u64),
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Whether a file name ends in one of the extensions (any case). Works on the name's bytes:
/// parsing paths back into components was a tenth of a no-change re-index.
fn has_extension(name: &std::ffi::OsStr, extensions: &[String]) -> bool {
    let name = name.as_encoded_bytes();
    let Some(dot) = name.iter().rposition(|&byte| byte == b'.') else {
        return false;
    };
    let extension = &name[dot + 1..];
    dot > 0
        && extensions
            .iter()
            .any(|wanted| wanted.as_bytes().eq_ignore_ascii_case(extension))
}

/// Why a symlink is not followed.
struct SymlinkRefusal {
    text: String,
    is_folder_or_broken: bool,
}

/// Symlinks are never followed: a link out of the folder would read outside the corpus, a link
/// inside it would index an article twice or loop. Says which case this is.
fn symlink_refusal(path: &Path, canonical_root: &Path) -> SymlinkRefusal {
    let Ok(target) = fs::canonicalize(path) else {
        return SymlinkRefusal {
            text: "symlink cannot be followed: a loop or a dangling link".into(),
            is_folder_or_broken: true,
        };
    };
    let is_folder = target.is_dir();
    let text = if !target.starts_with(canonical_root) {
        "symlink leads outside the corpus folder"
    } else if is_folder {
        "symlink to a folder inside the corpus, which is walked under its own name"
    } else {
        "symlink to a file inside the corpus, which is indexed under its own name"
    };
    SymlinkRefusal {
        text: text.into(),
        is_folder_or_broken: is_folder,
    }
}

/// The index key of a file the walk found below `root`: its path after root's, as the walk
/// joined it (`/`-separated), with `\` doubled and non-UTF-8 bytes as `\xNN`, so two
/// different names never share a key. Taken from the bytes: parsing every path back into
/// components was a tenth of a no-change re-index.
fn path_key(root: &Path, path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let relative = bytes
        .strip_prefix(root.as_os_str().as_encoded_bytes())
        .unwrap_or(bytes);
    let start = relative.iter().take_while(|&&byte| byte == b'/').count();
    let mut key = String::with_capacity(relative.len());
    escape_bytes(&relative[start..], &mut key);
    key
}

/// A path as shown to a user in messages: non-UTF-8 bytes escaped as in `path_key`.
pub fn display_path(path: &Path) -> String {
    let mut shown = String::new();
    escape_bytes(path.as_os_str().as_encoded_bytes(), &mut shown);
    shown
}

fn escape_bytes(bytes: &[u8], out: &mut String) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
}

/// Why a file's bytes are not an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("binary content ({percent}% control bytes)")]
    Binary { percent: usize },
}

/// Share of control bytes (other than tab, line ends and form feed) above which a file is
/// binary: text in any 8-bit encoding has next to none, images and archives have plenty.
const BINARY_CONTROL_PERCENT: usize = 5;

/// Decodes a file's bytes to text. A BOM says UTF-8 or UTF-16; otherwise valid UTF-8 is taken
/// as is and anything else as Windows-1252 (a superset of Latin-1's printable range). Stray
/// NUL and control characters are dropped, never a reason to refuse the file.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        encoding.decode_with_bom_removal(bytes).0.into_owned()
    } else {
        check_not_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        }
    };
    Ok(strip_controls(text))
}

fn check_not_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.is_empty() {
        return Ok(());
    }
    let controls = bytes.iter().filter(|&&b| is_control_byte(b)).count();
    let percent = controls * 100 / bytes.len();
    if controls * 100 > bytes.len() * BINARY_CONTROL_PERCENT {
        return Err(DecodeError::Binary { percent });
    }
    Ok(())
}

fn is_control_byte(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C)) || byte == 0x7F
}

fn strip_controls(text: String) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return text;
    }
    text.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_encoding_we_meet() {
        let cases: [(&[u8], &str); 7] = [
            (b"plain ascii", "plain ascii"),
            ("São Paulo".as_bytes(), "São Paulo"),
            (b"\xEF\xBB\xBFwith bom", "with bom"),
            (b"\xFF\xFEh\x00i\x00", "hi"),
            (b"\xFE\xFF\x00h\x00i", "hi"),
            (b"Z\xFCrich caf\xE9", "Zürich café"),
            (b"\x93smart\x94 quotes", "\u{201C}smart\u{201D} quotes"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(bytes).unwrap(), expected);
        }
    }

    #[test]
    fn stray_nul_is_dropped_not_fatal() {
        let mut bytes = b"A good article about talks in Geneva that goes on.".to_vec();
        bytes.insert(10, 0);
        assert_eq!(
            decode(&bytes).unwrap(),
            "A good article about talks in Geneva that goes on."
        );
    }

    #[test]
    fn binary_is_refused() {
        let png: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(decode(&png), Err(DecodeError::Binary { .. })));
        assert!(decode(&[0u8; 100]).is_err());
    }

    #[test]
    fn keys_of_walked_files_are_the_bytes_below_the_root() {
        use std::os::unix::ffi::OsStrExt;
        let key = |root: &str, path: &[u8]| {
            path_key(
                Path::new(root),
                Path::new(std::ffi::OsStr::from_bytes(path)),
            )
        };
        assert_eq!(key("corpus", b"corpus/world/a.txt"), "world/a.txt");
        assert_eq!(key("corpus/", b"corpus/a.txt"), "a.txt");
        assert_eq!(key(".", b"./a.txt"), "a.txt");
        assert_eq!(key("corpus", b"corpus/ lead space.txt"), " lead space.txt");
        assert_eq!(
            key("corpus", b"corpus/a\\b/c\xFFd.txt"),
            "a\\\\b/c\\xFFd.txt"
        );
    }

    #[test]
    fn extensions_match_the_last_suffix_in_any_case() {
        let wanted = ["txt".to_string()];
        let has = |name: &str| has_extension(std::ffi::OsStr::new(name), &wanted);
        assert!(has("story.txt"));
        assert!(has("STORY.TXT"));
        assert!(has("archive.tar.txt"));
        assert!(!has("story.txt.bak"));
        assert!(!has(".txt"));
        assert!(!has("txt"));
        assert!(!has("story."));
    }
}
