//! Corpus reading: which files are articles, what changed, and their bytes turned into text.
//!
//! Owns the folder walk (parallel, by name, and by content only for files without an
//! extension, which TREC's collections are; symlinks are never followed),
//! the file identity used by incremental indexing (relative path, size, modification time)
//! and decoding (BOM, UTF-8, Windows-1252 fallback, binary detection). It does not parse
//! articles (see `article`).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

/// Extensions read by default; `--ext` adds more, and an index remembers its own.
pub const DEFAULT_EXTENSIONS: [&str; 1] = ["txt"];

/// Files larger than this are skipped, unless they are a format read a record at a time
/// (see `indexer`): no news article is this big, and reading one would hold the whole file
/// in memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One article file the walk found new or changed.
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

/// What the walk found, besides the new and changed files it hands on (see `walk`).
#[derive(Debug, Default)]
pub struct Walk {
    /// How many new and changed article files it handed on.
    pub found: usize,
    /// Article files the caller's test found unchanged.
    pub unchanged: usize,
    pub skipped: Vec<Skipped>,
    /// Keys of folders that could not be listed, or not wholly: the files below them are not
    /// known to be gone.
    pub unlisted_folders: Vec<String>,
    /// Files passed over for their extension: how many of each (lower-cased; `""` for none),
    /// to tell a user who forgot `--ext` what the folder holds.
    pub other_extensions: BTreeMap<String, usize>,
    /// New and changed files of the folders listed but not yet handed on, in walk order.
    files: Vec<ArticleFile>,
}

impl Walk {
    fn append(mut self, mut later: Walk) -> Walk {
        self.found += later.found;
        self.files.append(&mut later.files);
        self.unchanged += later.unchanged;
        self.skipped.append(&mut later.skipped);
        self.unlisted_folders.append(&mut later.unlisted_folders);
        for (extension, count) in later.other_extensions {
            *self.other_extensions.entry(extension).or_default() += count;
        }
        self
    }

    fn skip(mut self, path: &Path, reason: impl Into<String>) -> Walk {
        self.skipped.push(Skipped {
            path: display_path(path),
            reason: reason.into(),
        });
        self
    }
}

/// The caller's test of whether a file is unchanged since the last run: key, size and
/// modification time in, yes or no out. Called once per article file, from any thread.
pub type UnchangedTest<'a> = &'a (dyn Fn(&str, u64, u64) -> bool + Sync);

/// The corpus folder's canonical path, or why `root` is not a folder that can be read.
pub fn folder(root: &Path) -> anyhow::Result<PathBuf> {
    let canonical = fs::canonicalize(root)
        .map_err(|err| anyhow::anyhow!("cannot open corpus folder {}: {err}", root.display()))?;
    if !canonical.is_dir() {
        anyhow::bail!("corpus {} is not a folder", root.display());
    }
    Ok(canonical)
}

/// The caller's taker of new and changed files: one folder's, in name order, at a time.
pub type FoundFiles<'a> = &'a dyn Fn(Vec<ArticleFile>);

/// Walks `root` for article files and hands those `unchanged` says no to, a folder's at a
/// time, to `found` as it goes: the walk holds the files of at most `FOLDERS_AT_ONCE` folders,
/// so its memory grows with the largest folders, not with the corpus (holding every new file
/// of a first build took 160 bytes a file, 50 MB for the 1 GB bench corpus). Hidden files and
/// folders (`.git`, `.DS_Store`) and files with other extensions are not articles and are
/// passed over silently; everything else that cannot be used is reported in `skipped`.
///
/// Folders are listed, and their files looked at, on every core, each file's size and time
/// read relative to its open folder: looking up every file by its full path was a third of a
/// no-change re-index (walkdir offers no other way, so the walk is ours). The walk goes a
/// level of folders at a time, each level by name, without recursion: no tree is too deep.
/// `found` is called on the thread that called `walk` (which must not be one of rayon's),
/// never from the pool's: it may block.
pub fn walk(
    root: &Path,
    extensions: &[String],
    unchanged: UnchangedTest,
    found: FoundFiles,
) -> anyhow::Result<Walk> {
    let canonical_root = folder(root)?;
    let entries = fs::read_dir(root)
        .map_err(|err| anyhow::anyhow!("cannot read corpus folder {}: {err}", root.display()))?;
    let walker = Walker {
        canonical_root: &canonical_root,
        extensions,
        unchanged,
    };
    let (mut walk, mut level) = walker.folder(root, "", entries);
    hand_on(&mut walk, found);
    while !level.is_empty() {
        let mut next_level = Vec::new();
        for folders in level.chunks(FOLDERS_AT_ONCE) {
            let listed: Vec<(Walk, Vec<Folder>)> = folders
                .par_iter()
                .map(|(dir, key)| match fs::read_dir(dir) {
                    Ok(entries) => walker.folder(dir, key, entries),
                    Err(err) => {
                        let mut walk =
                            Walk::default().skip(dir, format!("cannot list the folder: {err}"));
                        walk.unlisted_folders.push(key.clone());
                        (walk, Vec::new())
                    }
                })
                .collect();
            for (listed, mut subfolders) in listed {
                walk = walk.append(listed);
                hand_on(&mut walk, found);
                next_level.append(&mut subfolders);
            }
        }
        level = next_level;
    }
    Ok(walk)
}

/// Folders listed side by side before their files are handed on, in name order. Bounds what
/// the walk holds; sixteen keep both cores busy on the bench corpora's folders of 1,000 files.
const FOLDERS_AT_ONCE: usize = 16;

/// Hands the files `walk` holds on to `found`.
fn hand_on(walk: &mut Walk, found: FoundFiles) {
    if !walk.files.is_empty() {
        walk.found += walk.files.len();
        found(std::mem::take(&mut walk.files));
    }
}

/// A folder still to list: its path and its key.
type Folder = (PathBuf, String);

struct Walker<'a> {
    canonical_root: &'a Path,
    extensions: &'a [String],
    unchanged: UnchangedTest<'a>,
}

impl Walker<'_> {
    /// The walk of one folder's files, listed as `entries`, and its subfolders, by name.
    fn folder(&self, dir: &Path, key: &str, entries: fs::ReadDir) -> (Walk, Vec<Folder>) {
        let mut walk = Walk::default();
        let mut others = Vec::new();
        let mut subfolders = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    walk = walk.skip(dir, format!("cannot list the folder: {err}"));
                    walk.unlisted_folders.push(key.to_owned());
                    continue;
                }
            };
            let name = entry.file_name();
            if is_hidden(&name) {
                continue;
            }
            match entry.file_type() {
                Ok(file_type) if file_type.is_dir() => {
                    subfolders.push((entry.path(), child_key(key, &name)));
                }
                Ok(file_type) => others.push((name, entry, file_type)),
                Err(err) => walk = walk.skip(&entry.path(), err.to_string()),
            }
        }
        others.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        subfolders.sort_unstable_by(|a, b| a.1.cmp(&b.1));
        let found = others
            .into_par_iter()
            .fold(Walk::default, |walk, (name, entry, file_type)| {
                self.entry(walk, key, &name, &entry, file_type)
            })
            .reduce(Walk::default, Walk::append);
        (walk.append(found), subfolders)
    }

    /// Adds one entry of a folder, anything but a subfolder, to `walk`.
    fn entry(
        &self,
        walk: Walk,
        folder_key: &str,
        name: &OsStr,
        entry: &fs::DirEntry,
        file_type: fs::FileType,
    ) -> Walk {
        let is_article = has_extension(name, self.extensions)
            || (file_type.is_file() && extension(name).is_empty() && holds_a_format(&entry.path()));
        if file_type.is_symlink() {
            // Folder links and broken links are reported whatever their name: they may hide
            // articles. File links are reported only when they look like articles.
            let path = entry.path();
            let refusal = symlink_refusal(&path, self.canonical_root);
            if refusal.is_folder_or_broken || is_article {
                return walk.skip(&path, refusal.text);
            }
            return walk;
        }
        if !is_article {
            let mut walk = walk;
            *walk.other_extensions.entry(extension(name)).or_default() += 1;
            return walk;
        }
        if !file_type.is_file() {
            return walk.skip(&entry.path(), "not a regular file (FIFO, socket or device)");
        }
        // Relative to the open folder (fstatat), not a lookup of the whole path.
        let metadata = match entry.metadata() {
            Ok(metadata) => metadata,
            Err(err) => return walk.skip(&entry.path(), err.to_string()),
        };
        let size = metadata.len();
        let modified_ns = modified_ns(&metadata);
        let key = child_key(folder_key, name);
        let mut walk = walk;
        if (self.unchanged)(&key, size, modified_ns) {
            walk.unchanged += 1;
        } else {
            walk.files.push(ArticleFile {
                path: entry.path(),
                key,
                size,
                modified_ns,
            });
        }
        walk
    }
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// A file name's extension, lower-cased (`""` for none).
fn extension(name: &OsStr) -> String {
    let name = name.as_encoded_bytes();
    match name.iter().rposition(|&byte| byte == b'.') {
        Some(dot) if dot > 0 => String::from_utf8_lossy(&name[dot + 1..]).to_lowercase(),
        _ => String::new(),
    }
}

/// Bytes of a file without an extension read to tell whether it is in a format newsdex reads.
const SNIFF_BYTES: u64 = 8 * 1024;

/// Whether a file without an extension holds a format newsdex reads (TREC's `AP880212`), by
/// its first bytes: a README or a LICENSE stays out of the index.
fn holds_a_format(path: &Path) -> bool {
    use std::io::Read;
    let mut prefix = Vec::new();
    let read =
        fs::File::open(path).and_then(|file| file.take(SNIFF_BYTES).read_to_end(&mut prefix));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    read.is_ok() && crate::formats::detect(&prefix, &name) != crate::formats::Format::Text
}

/// Whether a file name ends in one of the extensions (any case). Works on the name's bytes:
/// parsing paths back into components was a tenth of a no-change re-index.
fn has_extension(name: &OsStr, extensions: &[String]) -> bool {
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

/// The index key of an entry named `name` in the folder whose key is `folder_key` (`""` for
/// the corpus folder): its path below the corpus folder, `/`-separated, with `\` doubled and
/// non-UTF-8 bytes as `\xNN`, so two different names never share a key.
fn child_key(folder_key: &str, name: &OsStr) -> String {
    let name = name.as_encoded_bytes();
    let mut key = String::with_capacity(folder_key.len() + 1 + name.len());
    if !folder_key.is_empty() {
        key.push_str(folder_key);
        key.push('/');
    }
    escape_bytes(name, &mut key);
    key
}

/// A file's modification time in nanoseconds since the epoch (0 when unknown).
fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos() as u64)
}

/// The path of the file whose key is `key` below `root`: `child_key` undone. `None` for a key
/// the walk cannot have made (empty, `.` or `..` parts, a stray `\`): a crafted index must
/// not lead outside the corpus folder.
pub fn key_path(root: &Path, key: &str) -> Option<PathBuf> {
    let mut bytes = Vec::with_capacity(key.len());
    let mut rest = key.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        match rest {
            [b'\\', tail @ ..] => {
                bytes.push(b'\\');
                rest = tail;
            }
            [b'x', high, low, tail @ ..] => {
                let digit = |byte: u8| char::from(byte).to_digit(16);
                bytes.push((digit(*high)? * 16 + digit(*low)?) as u8);
                rest = tail;
            }
            _ => return None,
        }
    }
    if bytes
        .split(|&byte| byte == b'/')
        .any(|part| part.is_empty() || part == b"." || part == b"..")
    {
        return None;
    }
    Some(root.join(OsStr::from_bytes(&bytes)))
}

/// The key of the file at `path` (absolute, or relative to the current folder) if it lies
/// below `root`, the corpus folder: `child_key`'s form of its path below `root`. The path is
/// read as written (`.` and `..` resolved by name, links not followed), so a file that has
/// since vanished still has its key.
pub fn path_key(root: &Path, path: &Path) -> Option<String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut parts: Vec<&OsStr> = Vec::new();
    for component in absolute.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part),
            std::path::Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    let mut below = Path::new("/").to_path_buf();
    below.extend(&parts);
    let relative = below.strip_prefix(root).ok()?;
    let mut key = String::new();
    for part in relative.components() {
        key = child_key(&key, part.as_os_str());
    }
    (!key.is_empty()).then_some(key)
}

/// Whether the file at `path` is still the one indexed: a regular file of that size and
/// modification time.
pub fn is_unchanged(path: &Path, size: u64, modified: u64) -> bool {
    fs::symlink_metadata(path).is_ok_and(|metadata| {
        metadata.is_file() && metadata.len() == size && modified_ns(&metadata) == modified
    })
}

/// The text of the file at `path` if it is still the one indexed (a regular file of that
/// size and modification time), decoded as indexing decodes it; `None` otherwise.
pub fn read_unchanged(path: &Path, size: u64, modified: u64) -> Option<String> {
    if !is_unchanged(path, size, modified) {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    if bytes.len() as u64 != size {
        return None;
    }
    decode(bytes).ok()
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
pub fn decode(bytes: Vec<u8>) -> Result<String, DecodeError> {
    // Plain UTF-8 with no control characters and no BOM, nearly every article, keeps its
    // buffer. (A UTF-16 BOM is never valid UTF-8.)
    let bytes = if may_hold_controls(&bytes) || bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(not_utf8) => not_utf8.into_bytes(),
        }
    };
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        encoding.decode_with_bom_removal(&bytes).0.into_owned()
    } else {
        check_not_binary(&bytes)?;
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(not_utf8) => encoding_rs::WINDOWS_1252
                .decode(not_utf8.as_bytes())
                .0
                .into_owned(),
        }
    };
    Ok(strip_controls(text))
}

/// Whether `bytes` may hold a character `strip_controls` drops (a C0 control but tab and line
/// ends, DEL, or a C1 control in UTF-8: 0xC2 then 0x80-0x9F). Nearly every article holds none,
/// and is then taken as it is, in its own buffer, after one pass: counting controls, validating,
/// copying and scanning for them again was a tenth of a search once hits came from the
/// article files.
fn may_hold_controls(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &byte)| {
        (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r'))
            || byte == 0x7F
            || (byte == 0xC2
                && bytes
                    .get(i + 1)
                    .is_some_and(|next| (0x80..0xA0).contains(next)))
    })
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
        let cases: [(&[u8], &str); 9] = [
            (b"plain ascii", "plain ascii"),
            ("São Paulo".as_bytes(), "São Paulo"),
            (b"\xEF\xBB\xBFwith bom", "with bom"),
            (b"\xFF\xFEh\x00i\x00", "hi"),
            (b"\xFE\xFF\x00h\x00i", "hi"),
            (b"Z\xFCrich caf\xE9", "Zürich café"),
            (b"\x93smart\x94 quotes", "\u{201C}smart\u{201D} quotes"),
            (
                b"form\x0Cfeed and \xC2\x85next line",
                "formfeed and next line",
            ),
            (b"caf\xC3\xA9 \xC2\xA3 5", "caf\u{e9} \u{a3} 5"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(bytes.to_vec()).unwrap(), expected);
        }
    }

    #[test]
    fn stray_nul_is_dropped_not_fatal() {
        let mut bytes = b"A good article about talks in Geneva that goes on.".to_vec();
        bytes.insert(10, 0);
        assert_eq!(
            decode(bytes).unwrap(),
            "A good article about talks in Geneva that goes on."
        );
    }

    #[test]
    fn binary_is_refused() {
        let png: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(decode(png), Err(DecodeError::Binary { .. })));
        assert!(decode(vec![0u8; 100]).is_err());
    }

    #[test]
    fn keys_are_the_escaped_names_below_the_corpus_folder() {
        let key = |folder: &str, name: &[u8]| child_key(folder, OsStr::from_bytes(name));
        assert_eq!(key("", b"a.txt"), "a.txt");
        assert_eq!(key("world", b"a.txt"), "world/a.txt");
        assert_eq!(
            key("world/europe", b" lead space.txt"),
            "world/europe/ lead space.txt"
        );
        assert_eq!(key("a\\\\b", b"c\xFFd\\.txt"), "a\\\\b/c\\xFFd\\\\.txt");
    }

    #[test]
    fn key_paths_undo_the_escaping_and_refuse_keys_the_walk_cannot_make() {
        let names: [&[u8]; 4] = [b"a.txt", b" lead space.txt", b"c\xFFd\\.txt", b"x\\x41"];
        for name in names {
            let key = child_key("world/europe", OsStr::from_bytes(name));
            let mut expected = PathBuf::from("/corpus/world/europe");
            expected.push(OsStr::from_bytes(name));
            assert_eq!(
                key_path(Path::new("/corpus"), &key),
                Some(expected),
                "{key}"
            );
        }
        for key in [
            "",
            "/etc/passwd",
            "../secret.txt",
            "a/../../b",
            "a//b",
            "./a",
            "a\\",
            "a\\xZZ",
        ] {
            assert_eq!(key_path(Path::new("/corpus"), key), None, "{key}");
        }
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
