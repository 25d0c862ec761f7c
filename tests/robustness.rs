//! Robustness tests: the built `newsdex` binary against hostile corpora, killed runs, two runs
//! at once, a read-only index and damaged indexes. Every run has a deadline, so a hang fails
//! the test instead of stalling CI.
//!
//! Unix only: FIFOs, symlinks, non-UTF-8 file names, SIGKILL, `/proc` and `setpriv`.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_newsdex");

/// Longest any single run may take before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(60);

/// The fields of a `--json` hit these tests look at (the full shape is `tests/cli.rs`'s job).
#[derive(Debug, Deserialize)]
struct Hit {
    path: String,
    paragraph: u64,
    title: String,
    text: String,
}

/// A temp folder (0755, so `nobody` can enter it) in which `newsdex` runs.
struct Workspace {
    root: TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let root = TempDir::new().expect("temp dir");
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).expect("chmod 755");
        Workspace { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    /// `newsdex --color never ARGS…` in the workspace, environment cleared, with a deadline.
    fn run(&self, args: &[&str]) -> Output {
        run_with_deadline(self.command(args), DEADLINE)
    }

    fn command(&self, args: &[&str]) -> Command {
        command_in(self.root.path(), BIN, args)
    }

    /// Starts `newsdex ARGS…` without waiting; output is discarded.
    fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn newsdex")
    }

    /// `newsdex search --index INDEX --json --limit 100000 QUERY`: exit code and hits.
    /// Every matching passage: no story collapsed, no cap on passages an article.
    fn search(&self, index: &str, query: &str) -> (i32, Vec<Hit>, String) {
        let out = self.run(&[
            "search",
            "--index",
            index,
            "--json",
            "--limit",
            "100000",
            "--all",
            "--per-article",
            "0",
            query,
        ]);
        let err = stderr(&out);
        assert_no_panic(&out);
        (exit_code(&out), parse_hits(&out), err)
    }
}

/// A command for the binary at `bin`, run in `dir` with only `PATH` set and colour off.
fn command_in(dir: &Path, bin: &str, args: &[&str]) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("--color")
        .arg("never")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// Runs a command to completion, killing it and failing the test past `deadline`.
fn run_with_deadline(mut command: Command, deadline: Duration) -> Output {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {deadline:?}, killed: {command:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn exit_code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {}", stderr(out)))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_no_panic(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_ne!(out.status.code(), Some(101), "panic exit: {err}");
}

fn parse_hits(out: &Output) -> Vec<Hit> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| {
                let shown: String = line.chars().take(200).collect();
                panic!("not a JSON hit ({err}): {shown:?}")
            })
        })
        .collect()
}

/// Asserts an error exit: code 2, one `newsdex: ` line on stderr, no panic.
fn assert_one_line_error(out: &Output) -> String {
    let err = stderr(out);
    assert_no_panic(out);
    assert_eq!(exit_code(out), 2, "expected exit 2; stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line, got: {err:?}");
    assert!(lines[0].starts_with("newsdex: "), "{err:?}");
    err
}

/// A hit's article key: its path without the corpus folder in front (`c/a.txt` → `a.txt`).
fn key_of(hit: &Hit) -> &str {
    hit.path
        .split_once('/')
        .map_or(hit.path.as_str(), |(_, key)| key)
}

/// Passages as (article key, paragraph) pairs.
type Passages = BTreeSet<(String, u64)>;

/// The (article key, paragraph) pairs of hits, asserting there are no duplicates.
fn passages(hits: &[Hit], what: &str) -> Passages {
    let set: Passages = hits
        .iter()
        .map(|hit| (key_of(hit).to_string(), hit.paragraph))
        .collect();
    assert_eq!(set.len(), hits.len(), "duplicate passages for {what}");
    set
}

// ---------------------------------------------------------------------------------------------
// Deterministic text

/// xorshift64*: a fixed seed gives the same corpus on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// 400 made-up words of 3 to 5 syllables (letters only, so they never meet a marker word).
fn vocabulary() -> Vec<String> {
    const ONSETS: [&str; 16] = [
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st",
    ];
    const VOWELS: [&str; 5] = ["a", "e", "i", "o", "u"];
    let mut rng = Rng(0x5EED_0001);
    let mut words = BTreeSet::new();
    while words.len() < 400 {
        let syllables = 3 + rng.below(3);
        let word: String = (0..syllables)
            .map(|_| format!("{}{}", ONSETS[rng.below(16)], VOWELS[rng.below(5)]))
            .collect();
        words.insert(word);
    }
    words.into_iter().collect()
}

/// A paragraph of `count` vocabulary words.
fn sentence(rng: &mut Rng, vocabulary: &[String], count: usize) -> String {
    let words: Vec<&str> = (0..count)
        .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
        .collect();
    words.join(" ")
}

// ---------------------------------------------------------------------------------------------
// 1. Hostile corpus

/// A good article: title, blank line, two paragraphs, the marker in the first.
fn good_article(title: &str, marker: &str) -> String {
    format!(
        "{title}\n\nThe {marker} report was filed on Monday after the talks.\n\n\
         Officials said more would follow later in the week.\n"
    )
}

/// What the hostile corpus holds besides good articles: name → why newsdex must skip it.
const BAD_FILES: [(&str, &str); 8] = [
    ("binary.txt", "binary content"),
    ("empty.txt", "empty file"),
    ("blank.txt", "empty file"),
    ("fifo.txt", "not a regular file"),
    ("loop-a", "loop or a dangling link"),
    ("loop-b", "loop or a dangling link"),
    ("outside-file.txt", "outside the corpus"),
    ("outside-dir", "outside the corpus"),
];

/// Builds the hostile corpus in `c/` (and the files its links point to in `outside/`).
/// Returns the good articles: marker word → expected article key.
fn hostile_corpus(ws: &Workspace) -> BTreeMap<String, String> {
    let corpus = ws.path("c");
    fs::create_dir(&corpus).unwrap();
    let mut good = BTreeMap::new();
    let mut add = |marker: String, key: &str| {
        assert!(good.insert(marker, key.to_string()).is_none());
    };

    for i in 0..20 {
        let marker = format!("goodmarker{i:02}");
        let name = format!("good{i:02}.txt");
        fs::write(
            corpus.join(&name),
            good_article(&format!("Good Story {i}"), &marker),
        )
        .unwrap();
        add(marker, &name);
    }

    // A good article with one stray NUL byte.
    let mut nul = good_article("Stray Byte Story", "goodmarker20").into_bytes();
    nul.insert(40, 0);
    fs::write(corpus.join("nul.txt"), nul).unwrap();
    add("goodmarker20".into(), "nul.txt");

    fs::write(
        corpus.join("latin1.txt"),
        b"Z\xfcrich Bankers Meet\n\nZ\xfcrich bankers met goodmarker21 officials at the caf\xe9.\n",
    )
    .unwrap();
    add("goodmarker21".into(), "latin1.txt");

    fs::write(
        corpus.join("cp1252.txt"),
        b"Smart Quotes\n\nHe said \x93goodmarker22 is here\x94 on Monday.\n",
    )
    .unwrap();
    add("goodmarker22".into(), "cp1252.txt");

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Wide Story\n\nThe goodmarker23 report was filed.\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    fs::write(corpus.join("utf16le.txt"), utf16).unwrap();
    add("goodmarker23".into(), "utf16le.txt");

    fs::write(
        corpus.join("utf8bom.txt"),
        format!("\u{FEFF}{}", good_article("Bom Story", "goodmarker24")),
    )
    .unwrap();
    add("goodmarker24".into(), "utf8bom.txt");

    fs::write(corpus.join("title-only.txt"), "Only A Title goodmarker25\n").unwrap();
    add("goodmarker25".into(), "title-only.txt");

    // 20 MB in paragraphs of ~1 KB, the marker half-way. Words of 6 to 10 letters keep the
    // token count (what a debug build spends its time on) near 2 million.
    let vocabulary = vocabulary();
    let mut rng = Rng(0x5EED_0020);
    let mut huge = String::from("Huge Article\n\n");
    let mut paragraphs = 0;
    while huge.len() < 20 * 1024 * 1024 {
        huge.push_str(&sentence(&mut rng, &vocabulary, 110));
        paragraphs += 1;
        if paragraphs == 10_000 {
            huge.push_str(" goodmarker26");
        }
        huge.push_str("\n\n");
    }
    assert!(paragraphs > 10_000, "marker not placed");
    fs::write(corpus.join("huge.txt"), huge).unwrap();
    add("goodmarker26".into(), "huge.txt");

    // 1 MB in one paragraph (lines but no blank line), the marker at its very end.
    let mut long = String::from("Long Paragraph\n\n");
    while long.len() < 1024 * 1024 {
        long.push_str(&sentence(&mut rng, &vocabulary, 12));
        long.push('\n');
    }
    long.push_str("goodmarker27\n");
    fs::write(corpus.join("long-paragraph.txt"), long).unwrap();
    add("goodmarker27".into(), "long-paragraph.txt");

    let mut deep = corpus.clone();
    let mut deep_key = String::new();
    for level in 0..40 {
        deep.push(format!("d{level:02}"));
        deep_key.push_str(&format!("d{level:02}/"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(
        deep.join("deep.txt"),
        good_article("Deep Story", "goodmarker28"),
    )
    .unwrap();
    deep_key.push_str("deep.txt");
    add("goodmarker28".into(), &deep_key);

    // A folder named like an article: walked, not read.
    fs::create_dir(corpus.join("x.txt")).unwrap();
    fs::write(
        corpus.join("x.txt/inside.txt"),
        good_article("Inside Story", "goodmarker29"),
    )
    .unwrap();
    add("goodmarker29".into(), "x.txt/inside.txt");

    fs::write(
        corpus.join("with space.txt"),
        good_article("Spaced Story", "goodmarker30"),
    )
    .unwrap();
    add("goodmarker30".into(), "with space.txt");

    fs::write(
        corpus.join("new\nline.txt"),
        good_article("Newline Story", "goodmarker31"),
    )
    .unwrap();
    add("goodmarker31".into(), "new\nline.txt");

    let invalid = corpus.join(OsStr::from_bytes(b"bad\xff\xfename.txt"));
    fs::write(&invalid, good_article("Invalid Name Story", "goodmarker32")).unwrap();
    // Keys escape bytes that are not UTF-8 as `\xNN`.
    add("goodmarker32".into(), "bad\\xFF\\xFEname.txt");

    // The bad ones.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 2048));
    png.extend((0..2048u32).map(|i| (i * 7919 % 251) as u8));
    fs::write(corpus.join("binary.txt"), png).unwrap();
    fs::write(corpus.join("empty.txt"), b"").unwrap();
    fs::write(corpus.join("blank.txt"), b"  \n\t\n   \r\n\n").unwrap();
    let mkfifo = Command::new("mkfifo")
        .arg(corpus.join("fifo.txt"))
        .status()
        .expect("run mkfifo");
    assert!(mkfifo.success(), "mkfifo failed");
    symlink(corpus.join("loop-b"), corpus.join("loop-a")).unwrap();
    symlink(corpus.join("loop-a"), corpus.join("loop-b")).unwrap();
    let outside = ws.path("outside");
    fs::create_dir_all(outside.join("dir")).unwrap();
    fs::write(
        outside.join("secret.txt"),
        good_article("Secret", "secretmarker01"),
    )
    .unwrap();
    fs::write(
        outside.join("dir/leak.txt"),
        good_article("Leak", "secretmarker02"),
    )
    .unwrap();
    symlink(outside.join("secret.txt"), corpus.join("outside-file.txt")).unwrap();
    symlink(outside.join("dir"), corpus.join("outside-dir")).unwrap();
    good
}

#[test]
fn hostile_corpus_is_indexed_without_hanging_and_every_bad_file_is_named() {
    let ws = Workspace::new();
    let good = hostile_corpus(&ws);
    assert_eq!(good.len(), 33);

    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    eprintln!("{err}");
    assert_no_panic(&out);
    assert!(out.stdout.is_empty(), "index wrote to stdout");
    assert_eq!(exit_code(&out), 1, "skipped files mean exit 1: {err}");

    // Each bad file named once, with its reason; nothing else skipped.
    let skipped: Vec<&str> = err
        .lines()
        .filter(|line| line.starts_with("newsdex: skipped "))
        .collect();
    for (name, reason) in BAD_FILES {
        let lines: Vec<&&str> = skipped
            .iter()
            .filter(|line| line.contains(&format!("/{name}: ")))
            .collect();
        assert_eq!(lines.len(), 1, "{name} not named once: {err}");
        assert!(
            lines[0].contains(reason),
            "{name}: wrong reason: {}",
            lines[0]
        );
    }
    assert_eq!(skipped.len(), BAD_FILES.len(), "unexpected skips: {err}");
    let summary = err.lines().last().unwrap_or_default();
    assert!(summary.starts_with("indexed "), "{err}");
    assert!(
        summary.contains(&format!("{} skipped (", BAD_FILES.len())),
        "summary does not count the skips: {summary}"
    );
    assert!(
        summary.contains(&format!("{} new or changed", good.len())),
        "{summary}"
    );

    // Every good article, odd ones included, is found by its marker, and only there.
    let mut found = 0;
    let mut problems = Vec::new();
    for (marker, key) in &good {
        let (code, hits, err) = ws.search("idx", marker);
        let keys: BTreeSet<&str> = hits.iter().map(key_of).collect();
        if code == 0 && keys == BTreeSet::from([key.as_str()]) {
            found += 1;
        } else {
            problems.push(format!("{marker} ({key:?}): exit {code}, {keys:?} {err}"));
        }
    }
    assert!(problems.is_empty(), "not found: {problems:#?}");
    assert_eq!(found, 33);

    // Decoded right, not just found.
    let first = |marker: &str| ws.search("idx", marker).1.remove(0);
    assert_eq!(first("goodmarker21").title, "Zürich Bankers Meet");
    assert!(first("goodmarker21").text.contains("café"));
    assert!(
        first("goodmarker22")
            .text
            .contains("\u{201C}goodmarker22 is here\u{201D}")
    );
    assert_eq!(
        first("goodmarker23").text,
        "The goodmarker23 report was filed."
    );
    assert_eq!(first("goodmarker24").title, "Bom Story");
    assert!(!first("goodmarker20").text.contains('\0'));
    assert_eq!(first("goodmarker25").title, "Only A Title goodmarker25");
    let huge = first("goodmarker26");
    assert_eq!(huge.paragraph, 10_000, "huge article split wrongly");
    assert!(
        first("goodmarker27").text.len() > 1_000_000,
        "paragraph cut"
    );

    // Links out of the corpus were not followed.
    for secret in ["secretmarker01", "secretmarker02"] {
        let (code, hits, _) = ws.search("idx", secret);
        assert_eq!((code, hits.len()), (1, 0), "{secret} leaked into the index");
    }
}

/// Whether `strace` can trace here (it needs ptrace; containers may forbid it).
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `newsdex ARGS…` in the workspace under strace with `options` (which calls to fail, how),
/// environment cleared, with a deadline.
fn run_traced(ws: &Workspace, options: &[String], args: &[&str]) -> Output {
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "--quiet=all", "-o", "/dev/null"])
        .args(options)
        .args([BIN, "--color", "never"])
        .args(args)
        .current_dir(ws.root.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    run_with_deadline(traced, DEADLINE)
}

/// strace options failing `calls` (a syscall set) with `error`: on `path` only when given
/// (strace matches it whole, so it is made absolute), at the invocations `when` picks
/// (counted per thread; empty: every one).
fn fail(calls: &str, error: &str, path: Option<&Path>, when: &str) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(path) = path {
        options.push("-P".to_string());
        options.push(path.to_string_lossy().into_owned());
    }
    options.push("-e".to_string());
    options.push(format!("trace={calls}"));
    options.push("-e".to_string());
    let when = if when.is_empty() {
        String::new()
    } else {
        format!(":when={when}")
    };
    options.push(format!("inject={calls}:error={error}{when}"));
    options
}

/// `newsdex index CORPUS --index idx` under strace, CORPUS being the workspace's `c` by its
/// whole path (which strace's `-P` matches), with every `openat` of `path` failing with `error`.
fn index_failing_to_open(ws: &Workspace, path: &Path, error: &str) -> Output {
    let corpus = ws.path("c");
    let corpus = corpus.to_string_lossy();
    let args = ["index", corpus.as_ref(), "--index", "idx"];
    run_traced(ws, &fail("openat", error, Some(path), ""), &args)
}

/// A file that vanishes between the walk and the read. A real deletion cannot be timed from
/// outside the process, so strace makes the kernel answer the article's `openat` with ENOENT,
/// which is exactly what a deleted file gives; the walk's `stat` is left alone.
#[test]
fn file_vanishing_between_walk_and_read_is_skipped_then_removed() {
    if !strace_works() {
        eprintln!("SKIPPED: strace is not installed or cannot trace here");
        return;
    }
    let ws = Workspace::new();
    let corpus = ws.path("c");
    fs::create_dir(&corpus).unwrap();
    fs::write(corpus.join("keep.txt"), good_article("Keep", "keepmarker")).unwrap();
    let victim = corpus.join("victim.txt");
    fs::write(&victim, good_article("Victim", "victimmarker")).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));

    // Changed, so the next run reads it again; that read fails as if it had been deleted.
    fs::write(&victim, good_article("Victim Changed", "victimchanged")).unwrap();
    let out = index_failing_to_open(&ws, &victim, "ENOENT");
    let err = stderr(&out);
    assert_no_panic(&out);
    assert_eq!(exit_code(&out), 1, "{err}");
    let line = err
        .lines()
        .find(|line| line.starts_with("newsdex: skipped ") && line.contains("victim.txt"))
        .unwrap_or_else(|| panic!("vanished file not named: {err}"));
    assert!(
        line.contains("cannot read") && line.contains("No such file"),
        "{line}"
    );
    assert!(err.contains("1 skipped"), "{err}");
    assert_eq!(ws.search("idx", "keepmarker").0, 0);
    // Unreadable is not gone: the old passages stay until the file can be read or is missing
    // from a walk (documented in `indexer::write_changes`).
    assert_eq!(ws.search("idx", "victimmarker").0, 0);
    assert_eq!(ws.search("idx", "victimchanged").0, 1);

    // Now really gone: the next run removes it.
    fs::remove_file(&victim).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    assert!(err.contains("1 removed"), "{err}");
    assert_eq!(ws.search("idx", "victimmarker").0, 1);
    assert_eq!(ws.search("idx", "keepmarker").0, 0);
}

/// A folder that cannot be listed (strace makes its `openat` fail with EACCES, which root
/// would otherwise never see) is named, and the articles committed from it are kept: not
/// listed is not gone.
#[test]
fn unlistable_folder_is_named_and_its_articles_are_kept_until_it_can_be_read() {
    if !strace_works() {
        eprintln!("SKIPPED: strace is not installed or cannot trace here");
        return;
    }
    let ws = Workspace::new();
    let closed = ws.path("c/closed");
    fs::create_dir_all(&closed).unwrap();
    fs::create_dir_all(ws.path("c/open")).unwrap();
    fs::write(closed.join("k.txt"), good_article("Kept", "keptmarker")).unwrap();
    fs::write(ws.path("c/open/o.txt"), good_article("Open", "openmarker")).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));

    let out = index_failing_to_open(&ws, &closed, "EACCES");
    let err = stderr(&out);
    assert_no_panic(&out);
    assert_eq!(exit_code(&out), 1, "{err}");
    assert!(
        err.contains("/c/closed: cannot list the folder: Permission denied"),
        "{err}"
    );
    assert!(err.contains("index up to date: 1 file unchanged"), "{err}");
    assert_eq!(ws.search("idx", "keptmarker").1.len(), 1);

    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    assert!(err.contains("index up to date: 2 files unchanged"), "{err}");
    fs::remove_file(closed.join("k.txt")).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert!(err.contains("1 removed"), "{err}");
    assert_eq!(ws.search("idx", "keptmarker").0, 1);
    assert_eq!(ws.search("idx", "openmarker").1.len(), 1);
}

/// The walk keeps its folders on a stack of its own, so a tree far deeper than any corpus
/// (a thousand levels; recursion on rayon's threads overflowed at 256 in a debug build) is
/// walked to the bottom.
#[test]
fn folders_nested_a_thousand_deep_are_walked_to_the_bottom() {
    let ws = Workspace::new();
    let mut folder = ws.path("c");
    for depth in 0..1000 {
        folder.push("d");
        fs::create_dir_all(&folder).unwrap();
        if depth == 10 {
            fs::write(
                folder.join("shallow.txt"),
                good_article("Shallow", "shallowmarker"),
            )
            .unwrap();
        }
    }
    fs::write(folder.join("deep.txt"), good_article("Deep", "deepmarker")).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert_no_panic(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    assert_eq!(ws.search("idx", "shallowmarker").1.len(), 1);
    assert_eq!(ws.search("idx", "deepmarker").1.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Crash safety

/// Marker words compared between indexes: every generated article has one `crashmarkN` in one
/// paragraph, N and the paragraph depending on the article and the corpus version.
const MARKERS: [&str; 5] = [
    "crashmark0",
    "crashmark3",
    "crashmark7",
    "crashmark11",
    "crashmark12",
];

/// Writes article `i` of corpus `version` (1 or 2): about 2 KB in four paragraphs.
fn generated_article(i: usize, version: u64, vocabulary: &[String]) -> String {
    let mut rng = Rng(0x5EED_1000 + i as u64 * 31 + version * 1_000_003);
    let mut text = format!("Report {i} {}\n\n", sentence(&mut rng, vocabulary, 3));
    let marker_paragraph = (i + version as usize) % 4;
    for p in 0..4 {
        let mut paragraph = sentence(&mut rng, vocabulary, 55);
        if p == marker_paragraph {
            paragraph.push_str(&format!(" crashmark{}", (i * (version as usize + 2)) % 13));
        }
        if rng.below(3) == 0 {
            paragraph.push_str(" commonword");
        }
        if p == 0
            && ((version == 1 && i.is_multiple_of(5)) || (version == 2 && i.is_multiple_of(7)))
        {
            paragraph.push_str(&format!(" versionmark{version}"));
        }
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    text
}

/// The article numbers of each corpus version: version 2 drops some and adds some.
fn article_numbers(version: u64, count: usize) -> Vec<usize> {
    match version {
        1 => (0..count).collect(),
        _ => (0..count + count / 10).filter(|i| i % 17 != 5).collect(),
    }
}

fn write_generated_corpus(dir: &Path, version: u64, count: usize, vocabulary: &[String]) {
    fs::create_dir_all(dir).unwrap();
    for i in article_numbers(version, count) {
        fs::write(
            dir.join(format!("a{i:04}.txt")),
            generated_article(i, version, vocabulary),
        )
        .unwrap();
    }
}

/// The queries whose hit sets must match between two indexes of the same corpus.
fn probe_queries() -> Vec<&'static str> {
    let mut queries = MARKERS.to_vec();
    queries.extend(["commonword", "versionmark1", "versionmark2", "title:report"]);
    queries
}

/// Hit sets, (key, paragraph), for every probe query; empty for exit 1 (no hits).
fn snapshot(ws: &Workspace, index: &str) -> BTreeMap<&'static str, Passages> {
    let mut all = BTreeMap::new();
    for query in probe_queries() {
        let (code, hits, err) = ws.search(index, query);
        assert!(
            code == 0 || code == 1,
            "{index} {query}: exit {code}: {err}"
        );
        all.insert(query, passages(&hits, query));
    }
    all
}

/// Kills `newsdex index` after each delay; returns how many kills hit a live process.
/// After every kill, `search` must answer, with hits for `query` that `committed` accepts.
fn kill_runs(
    ws: &Workspace,
    delays: &[Duration],
    query: &str,
    committed: &dyn Fn(&Passages) -> bool,
) -> usize {
    let mut live = 0;
    for delay in delays {
        let mut child = ws.spawn(&["index", "c", "--index", "idx"]);
        thread::sleep(*delay);
        if child.try_wait().expect("try_wait").is_none() {
            live += 1;
        }
        let _ = child.kill();
        child.wait().expect("reap");

        let (code, hits, err) = ws.search("idx", query);
        // A run killed before it marked its folder leaves no index: search says so (exit 2).
        let marked = ws.path("idx").join("newsdex.json").exists();
        assert!(
            code == 0 || code == 1 || (code == 2 && !marked),
            "after a kill at {delay:?}, search exited {code}: {err}"
        );
        let got = passages(&hits, query);
        assert!(
            committed(&got),
            "after a kill at {delay:?}, {query} gave {} hits, not a committed state",
            got.len()
        );
    }
    live
}

#[test]
fn killed_index_runs_never_break_the_index_or_duplicate_passages() {
    const ARTICLES: usize = 500;
    let ws = Workspace::new();
    let vocabulary = vocabulary();
    write_generated_corpus(&ws.path("c"), 1, ARTICLES, &vocabulary);
    // The final corpus, built fresh elsewhere: the reference, and the measure of a full run.
    write_generated_corpus(&ws.path("c2"), 2, ARTICLES, &vocabulary);
    let started = Instant::now();
    let out = ws.run(&["index", "c2", "--index", "ref"]);
    let full_run = started.elapsed();
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let delays: Vec<Duration> = (0..5)
        .map(|k| full_run.mul_f64(0.08 + 0.18 * k as f64))
        .collect();

    // Phase 1: kill first runs on a new index. Nothing is committed, so search finds nothing
    // (exit 1) until a run completes, and then everything.
    let first_runs = |got: &Passages| got.is_empty() || got.len() == ARTICLES / 5;
    let mut live = kill_runs(&ws, &delays, "versionmark1", &first_runs);
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let (code, hits, err) = ws.search("idx", "versionmark1");
    assert_eq!(code, 0, "{err}");
    let committed = passages(&hits, "versionmark1");
    assert_eq!(committed.len(), ARTICLES / 5);

    // Phase 2: every file rewritten, some deleted, some added; kill the update runs. Search
    // answers from the last commit (version 1), or from the new one if a kill came too late.
    for i in article_numbers(1, ARTICLES) {
        fs::remove_file(ws.path(&format!("c/a{i:04}.txt"))).unwrap();
    }
    write_generated_corpus(&ws.path("c"), 2, ARTICLES, &vocabulary);
    let reference = snapshot(&ws, "ref");
    let update_runs = |got: &Passages| *got == committed || *got == reference["versionmark1"];
    live += kill_runs(&ws, &delays, "versionmark1", &update_runs);
    eprintln!("full run {full_run:?}, delays {delays:?}, {live} of 10 kills hit a live run");
    assert!(live >= 5, "only {live} of 10 kills hit a running index");

    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let recovered = snapshot(&ws, "idx");
    for query in probe_queries() {
        assert_eq!(
            recovered[query], reference[query],
            "{query}: index after kills differs from a fresh build"
        );
    }
    assert!(reference["versionmark1"].is_empty());
    assert!(reference["commonword"].len() > 100);
    // A title is indexed once, on the article's first passage.
    let articles = article_numbers(2, ARTICLES).len();
    assert_eq!(reference["title:report"].len(), articles);
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrency

/// Whether process `pid` holds the index writer lock of `index` open.
fn holds_writer_lock(pid: u32, index: &Path) -> bool {
    let lock = index.join(".tantivy-writer.lock");
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten()
        .any(|fd| fs::read_link(fd.path()).is_ok_and(|target| target == lock))
}

/// Starts `newsdex index c --index idx` and waits until it holds the writer lock.
fn start_long_index(ws: &Workspace) -> Child {
    let mut child = ws.spawn(&["index", "c", "--index", "idx"]);
    let index = fs::canonicalize(ws.root.path()).unwrap().join("idx");
    let started = Instant::now();
    while !holds_writer_lock(child.id(), &index) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("index finished ({status}) before it was seen holding the lock");
        }
        assert!(started.elapsed() < DEADLINE, "writer lock never taken");
        thread::sleep(Duration::from_millis(2));
    }
    child
}

/// While one `index` runs, a second one on the same index is refused in one line.
fn assert_second_index_refused(ws: &Workspace) {
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = assert_one_line_error(&out);
    assert!(
        err.contains("another"),
        "does not mention the other run: {err}"
    );
}

fn finish(mut child: Child) -> (i32, String) {
    let mut err = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut err);
    }
    let status = child.wait().expect("wait");
    (status.code().expect("killed by a signal"), err)
}

#[test]
fn second_index_run_is_refused_and_search_answers_from_the_last_commit() {
    const ARTICLES: usize = 400;
    let ws = Workspace::new();
    let vocabulary = vocabulary();
    write_generated_corpus(&ws.path("c"), 1, ARTICLES, &vocabulary);

    // A first run: nothing committed yet, so search finds nothing, and says so by exit 1.
    let first = start_long_index(&ws);
    assert_second_index_refused(&ws);
    let (code, hits, err) = ws.search("idx", "versionmark1");
    assert!(
        code == 1 || (code == 0 && hits.len() == ARTICLES / 5),
        "search during the first run: exit {code}, {} hits: {err}",
        hits.len()
    );
    let (code, err) = finish(first);
    assert_eq!(code, 0, "{err}");
    let (_, committed, _) = ws.search("idx", "versionmark1");
    let committed = passages(&committed, "versionmark1");
    assert_eq!(committed.len(), ARTICLES / 5);

    // An update run: search keeps answering from the first commit until the second one.
    for i in ARTICLES..ARTICLES * 2 {
        fs::write(
            ws.path(&format!("c/a{i:04}.txt")),
            generated_article(i, 2, &vocabulary),
        )
        .unwrap();
    }
    let update = start_long_index(&ws);
    assert_second_index_refused(&ws);
    let (code, hits, err) = ws.search("idx", "versionmark1");
    assert_eq!(code, 0, "{err}");
    assert_eq!(passages(&hits, "versionmark1"), committed);
    let added = (ARTICLES..ARTICLES * 2)
        .filter(|i| i.is_multiple_of(7))
        .count();
    let (code, hits, err) = ws.search("idx", "versionmark2");
    assert!(
        code == 1 || (code == 0 && hits.len() == added),
        "half an update visible: exit {code}, {} hits: {err}",
        hits.len()
    );
    let (code, err) = finish(update);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ws.search("idx", "versionmark2").1.len(), added);
}

// ---------------------------------------------------------------------------------------------
// 4. Read-only use

/// Every file below `dir`: relative path → (bytes, modification time, mode).
fn listing(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime, u32)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            let bytes = if meta.is_file() {
                fs::read(&path).unwrap()
            } else {
                Vec::new()
            };
            files.insert(
                path.strip_prefix(dir).unwrap().to_path_buf(),
                (bytes, meta.modified().unwrap(), meta.permissions().mode()),
            );
        }
    }
    files
}

fn chmod_recursive(mode: &str, dir: &Path) {
    let status = Command::new("chmod")
        .args(["-R", mode])
        .arg(dir)
        .status()
        .expect("run chmod");
    assert!(status.success(), "chmod {mode} failed");
}

/// Gives write permission back, even when the test fails, so the temp folder can go.
struct Writable<'a>(&'a Path);

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(self.0)
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// `setpriv` as `nobody`, then `program ARGS…`.
fn as_nobody(dir: &Path, program: &str, args: &[&str]) -> Command {
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", program])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

#[test]
fn search_works_on_a_read_only_index_and_changes_nothing() {
    let ws = Workspace::new();
    let corpus = ws.path("c");
    fs::create_dir(&corpus).unwrap();
    for i in 0..5 {
        fs::write(
            corpus.join(format!("r{i}.txt")),
            good_article(&format!("Read Story {i}"), "readonlymarker"),
        )
        .unwrap();
    }
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));

    let index = ws.path("idx");
    let _restore = Writable(&index);
    chmod_recursive("a-w,a+rX", &index);
    let before = listing(&index);

    let args = [
        "--color",
        "never",
        "search",
        "--index",
        "idx",
        "--json",
        "--all",
        "--per-article",
        "0",
        "readonlymarker",
    ];
    let out = if is_root() {
        // Root writes anywhere: search as `nobody`, with a copy of the binary if the build
        // folder is closed to it.
        let probe = run_with_deadline(as_nobody(ws.root.path(), BIN, &["--version"]), DEADLINE);
        let bin = if probe.status.success() {
            BIN.to_string()
        } else {
            let copy = ws.path("newsdex");
            fs::copy(BIN, &copy).unwrap();
            fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
            copy.to_string_lossy().into_owned()
        };
        let touch = run_with_deadline(as_nobody(ws.root.path(), "touch", &["idx/probe"]), DEADLINE);
        assert!(!touch.status.success(), "nobody can write to the index");
        run_with_deadline(as_nobody(ws.root.path(), &bin, &args), DEADLINE)
    } else {
        run_with_deadline(command_in(ws.root.path(), BIN, &args[2..]), DEADLINE)
    };
    let err = stderr(&out);
    assert_no_panic(&out);
    assert_eq!(exit_code(&out), 0, "search on a read-only index: {err}");
    assert_eq!(parse_hits(&out).len(), 5);
    assert_eq!(listing(&index), before, "search changed the index folder");
}

// ---------------------------------------------------------------------------------------------
// 5. Index folders that are not ours, and damaged indexes

#[test]
fn index_folder_holding_only_dotfiles_and_a_readme_is_accepted_and_left_alone() {
    let ws = Workspace::new();
    fs::create_dir(ws.path("c")).unwrap();
    fs::write(ws.path("c/a.txt"), good_article("A Story", "dotmarker")).unwrap();
    let index = ws.path("idx");
    fs::create_dir(&index).unwrap();
    let ours: [(&str, &[u8]); 3] = [
        (".gitkeep", b""),
        (".notes", b"keep me\n"),
        ("README.md", b"# The index of our wire copy\n"),
    ];
    for (name, bytes) in ours {
        fs::write(index.join(name), bytes).unwrap();
    }

    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    for (name, bytes) in ours {
        assert_eq!(fs::read(index.join(name)).unwrap(), bytes, "{name} changed");
    }
    let (code, hits, err) = ws.search("idx", "dotmarker");
    assert_eq!((code, hits.len()), (0, 1), "{err}");
}

#[test]
fn a_run_killed_while_marking_its_folder_does_not_lock_the_folder_out() {
    let ws = Workspace::new();
    fs::create_dir(ws.path("c")).unwrap();
    fs::write(ws.path("c/a.txt"), good_article("A Story", "markmarker")).unwrap();
    // What a run killed between writing its marker and renaming it into place leaves.
    fs::create_dir(ws.path("idx")).unwrap();
    fs::write(ws.path("idx/newsdex.json.tmp"), "{\"form").unwrap();

    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let (code, hits, err) = ws.search("idx", "markmarker");
    assert_eq!((code, hits.len()), (0, 1), "{err}");
}

/// A small committed index in `idx/`, built from two articles.
fn small_index(ws: &Workspace) {
    fs::create_dir(ws.path("c")).unwrap();
    fs::write(
        ws.path("c/a.txt"),
        "Geneva Talks Resume\n\nGENEVA -- Envoys met on Monday to resume the zebra talks.\n\n\
         The talks went on late into the night.\n",
    )
    .unwrap();
    fs::write(ws.path("c/b.txt"), good_article("B Story", "zebra")).unwrap();
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
}

/// The segment files of an index with one of the given extensions.
fn segment_files(index: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(index)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .and_then(OsStr::to_str)
                .is_some_and(|ext| extensions.contains(&ext))
        })
        .collect();
    files.sort();
    files
}

/// The file-name prefix of the first segment listed in `meta.json`.
fn first_segment(index: &Path) -> String {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"][0]["segment_id"]
        .as_str()
        .expect("a committed segment")
        .replace('-', "")
}

/// A way to damage an index: what it does, and doing it to an index folder.
type Damage = (&'static str, fn(&Path));

/// Ways to damage an index, each applied to a fresh copy.
fn damages() -> Vec<Damage> {
    vec![
        ("every .store and .idx truncated to 0", |index| {
            for file in segment_files(index, &["store", "idx"]) {
                fs::File::create(file).unwrap();
            }
        }),
        ("every .store and .idx cut in half", |index| {
            for file in segment_files(index, &["store", "idx"]) {
                let len = fs::metadata(&file).unwrap().len();
                fs::OpenOptions::new()
                    .write(true)
                    .open(&file)
                    .unwrap()
                    .set_len(len / 2)
                    .unwrap();
            }
        }),
        ("a segment in meta.json deleted", |index| {
            let segment = first_segment(index);
            for entry in fs::read_dir(index).unwrap() {
                let path = entry.unwrap().path();
                if path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&segment)
                {
                    fs::remove_file(path).unwrap();
                }
            }
        }),
        ("one segment's .term deleted", |index| {
            fs::remove_file(index.join(format!("{}.term", first_segment(index)))).unwrap();
        }),
        ("meta.json cut short", |index| {
            fs::write(index.join("meta.json"), b"{\"segments\": [").unwrap();
        }),
    ]
}

fn copy_flat(from: &Path, to: &Path) {
    fs::create_dir(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// A copy of the small index per kind of damage, damaged: (what was done, folder name).
fn damaged_copies(ws: &Workspace) -> Vec<(&'static str, String)> {
    small_index(ws);
    damages()
        .into_iter()
        .enumerate()
        .map(|(i, (what, damage))| {
            let copy = format!("damaged{i}");
            copy_flat(&ws.path("idx"), &ws.path(&copy));
            damage(&ws.path(&copy));
            (what, copy)
        })
        .collect()
}

#[test]
fn damaged_index_gives_exit_2_and_says_how_to_rebuild() {
    let ws = Workspace::new();
    for (what, copy) in damaged_copies(&ws) {
        let out = ws.run(&["search", "--index", &copy, "zebra"]);
        let err = assert_one_line_error(&out);
        assert!(err.contains("rebuild"), "{what}: no way out given: {err}");
    }
}

#[test]
fn index_on_a_damaged_index_says_how_to_rebuild() {
    let ws = Workspace::new();
    for (what, copy) in damaged_copies(&ws) {
        let out = ws.run(&["index", "c", "--index", &copy]);
        assert_no_panic(&out);
        if exit_code(&out) == 0 {
            continue; // Rebuilt over the damage: fine too.
        }
        let err = assert_one_line_error(&out);
        assert!(err.contains("rebuild"), "{what}: no way out given: {err}");
    }
}

/// Runs `newsdex ARGS…` under a 2 GB address-space limit (so a runaway allocation fails fast
/// instead of eating the machine) and a 20 s deadline.
fn run_limited(ws: &Workspace, args: &[&str]) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["--color", "never"])
        .args(args)
        .current_dir(ws.root.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    run_with_deadline(command, Duration::from_secs(20))
}

/// Overwrites 8 bytes at `offset` of every segment file with this extension with 0xFF, in a
/// fresh copy of `idx/`, and searches it three ways. Returns what went wrong, if anything.
fn corrupt_and_search(ws: &Workspace, extension: &str, offset: u64) -> Vec<String> {
    use std::io::{Seek, SeekFrom, Write};
    let copy = ws.path("corrupt");
    let _ = fs::remove_dir_all(&copy);
    copy_flat(&ws.path("idx"), &copy);
    for file in segment_files(&copy, &[extension]) {
        let mut file = fs::OpenOptions::new().write(true).open(file).unwrap();
        file.seek(SeekFrom::Start(offset)).unwrap();
        file.write_all(&[0xFF; 8]).unwrap();
    }
    let mut problems = Vec::new();
    for query in ["zebra", "\"zebra talks\"", "ze*"] {
        let out = run_limited(ws, &["search", "--index", "corrupt", query]);
        let err = stderr(&out);
        let first_line = err
            .lines()
            .find(|line| !line.is_empty())
            .unwrap_or_default();
        let problem = match out.status.code() {
            None => Some(format!("killed by a signal: {first_line}")),
            Some(0 | 1) => None, // Undetected damage: tantivy has no checksums on read.
            Some(2) if err.contains("rebuild") && !err.contains("panicked") => None,
            Some(code) => Some(format!("exit {code}: {first_line}")),
        };
        if let Some(problem) = problem {
            problems.push(format!(".{extension} @{offset} [{query}] {problem}"));
        }
    }
    problems
}

#[test]
fn corrupted_segment_bytes_never_panic_and_say_how_to_rebuild() {
    let ws = Workspace::new();
    small_index(&ws);
    let mut problems = Vec::new();
    for extension in ["term", "idx", "pos", "fast", "fieldnorm", "store"] {
        let shortest = segment_files(&ws.path("idx"), &[extension])
            .iter()
            .map(|file| fs::metadata(file).unwrap().len())
            .min()
            .unwrap();
        for offset in (0..shortest.saturating_sub(8)).step_by(16) {
            problems.extend(corrupt_and_search(&ws, extension, offset));
        }
    }
    // A damaged doc-store block header once made tantivy allocate the size it read (4 GiB)
    // and the allocator abort the process: `open::store` now refuses the block first.
    for problem in &problems {
        eprintln!("{problem}");
    }
    let panics = problems.iter().filter(|p| p.contains("exit 101")).count();
    let signals = problems.iter().filter(|p| p.contains("signal")).count();
    assert!(
        problems.is_empty(),
        "{} bad outcomes ({panics} panics, {signals} killed by a signal, the rest exit 2 \
         without a rebuild hint); listed above",
        problems.len(),
    );
}

#[test]
fn never_committed_index_exits_1_with_a_message() {
    let ws = Workspace::new();
    // Killed between writing the marker and creating the tantivy index.
    fs::create_dir(ws.path("marker-only")).unwrap();
    fs::write(
        ws.path("marker-only/newsdex.json"),
        format!(
            r#"{{"format":{},"corpus":null}}"#,
            newsdex::open::FORMAT_VERSION
        ),
    )
    .unwrap();
    // Killed before the first commit: marker and an empty tantivy index, as an empty corpus
    // leaves it too.
    fs::create_dir(ws.path("empty-corpus")).unwrap();
    let out = ws.run(&["index", "empty-corpus", "--index", "uncommitted"]);
    assert_eq!(exit_code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("no *.txt files in empty-corpus; nothing to index"));

    for index in ["marker-only", "uncommitted"] {
        let out = ws.run(&["search", "--index", index, "anything"]);
        let err = stderr(&out);
        assert_no_panic(&out);
        assert_eq!(exit_code(&out), 1, "{index}: {err}");
        assert!(
            err.starts_with("newsdex: ") && err.contains("commit"),
            "{index}: exit 1 without saying nothing was committed: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Disk faults: full, failing, silently damaged
//
// A full disk and a failing one are made by strace, which answers chosen system calls with
// ENOSPC or EIO (a tmpfs would need a mount, which a test cannot count on). strace counts
// calls per thread: `when=7+` fails every thread's seventh write and later, which in an
// update run are tantivy's segment data (its indexing threads first write the file list six
// times) and never newsdex's own last line on stderr, its main thread's first write. Points
// in newsdex's own files are picked by path (`-P`). bench/fault_sweep.py fails every write
// and sync of a run, one at a time.

/// strace, or a failed test saying how to get it: without it these tests cannot make a disk
/// full or failing.
fn require_strace() {
    assert!(
        strace_works(),
        "the disk-fault tests need strace, able to trace: install it (apt-get install strace; \
         .ci/run does) and allow ptrace"
    );
}

/// Articles in each corpus version of the fault tests: small, so that each faulted run is
/// quick, and enough for both indexing threads to write a segment.
const FAULT_ARTICLES: usize = 40;

/// An index of corpus version 1 (`base`), the corpus `c` moved on to version 2, and what an
/// update of `base` to it and a fresh build of it give.
struct FaultSetup {
    ws: Workspace,
    /// `base`'s hits.
    before: BTreeMap<&'static str, Passages>,
    /// A fresh build's hits, which an update must give too.
    after: BTreeMap<&'static str, Passages>,
    /// The words and counts of the lexicon after an update without faults (a lexicon only
    /// grows, so an update's is not a fresh build's; the commit it records is left out: its
    /// opstamp depends on how tantivy's threads shared the work).
    updated_lexicon: Vec<(Vec<u8>, u64)>,
}

fn fault_setup() -> FaultSetup {
    require_strace();
    let ws = Workspace::new();
    let vocabulary = vocabulary();
    write_generated_corpus(&ws.path("c"), 1, FAULT_ARTICLES, &vocabulary);
    let out = ws.run(&["index", "c", "--index", "base"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let before = snapshot(&ws, "base");
    for i in article_numbers(1, FAULT_ARTICLES) {
        fs::remove_file(ws.path(&format!("c/a{i:04}.txt"))).unwrap();
    }
    write_generated_corpus(&ws.path("c"), 2, FAULT_ARTICLES, &vocabulary);
    let out = ws.run(&["index", "c", "--index", "fresh"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let after = snapshot(&ws, "fresh");
    copy_flat(&ws.path("base"), &ws.path("clean"));
    let out = ws.run(&["index", "c", "--index", "clean"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        snapshot(&ws, "clean"),
        after,
        "an update differs from a fresh build"
    );
    assert_ne!(before, after);
    FaultSetup {
        updated_lexicon: lexicon_entries(&ws.path("clean")),
        ws,
        before,
        after,
    }
}

/// Files in `index` that nothing in it accounts for: a failed run's segments or temporary
/// files. `lexicon.staged` is accounted for when `staged` (words a run committed and could not
/// fold, waiting for the next run).
fn leftovers(index: &Path, staged: bool) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(index.join("meta.json")).unwrap()).unwrap();
    let mut live: BTreeSet<String> = [
        "newsdex.json",
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
        "lexicon.fst",
        "newsdex.seals",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    if staged {
        live.insert("lexicon.staged".into());
    }
    for segment in meta["segments"].as_array().unwrap() {
        let id = segment["segment_id"].as_str().unwrap().replace('-', "");
        for extension in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
            live.insert(format!("{id}.{extension}"));
        }
        if let Some(opstamp) = segment["deletes"]["opstamp"].as_u64() {
            live.insert(format!("{id}.{opstamp}.del"));
        }
    }
    let mut left: Vec<String> = fs::read_dir(index)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !live.contains(name))
        .collect();
    left.sort();
    left
}

/// A point of an update run to fail: what it is, the calls strace fails there with which
/// error, on which file of the index (`*.term`: its first segment's terms; `None`: any), at
/// which of each thread's calls (`""`: all), and whether the run's commit is made before it.
struct FaultPoint {
    what: &'static str,
    calls: &'static str,
    error: &'static str,
    file: Option<&'static str>,
    when: &'static str,
    commits: bool,
}

impl FaultPoint {
    /// The strace options that fail this point of a run on the index in `index` (absolute).
    fn options(&self, index: &Path) -> Vec<String> {
        let file = self.file.map(|file| match file {
            "*.term" => segment_files(index, &["term"]).remove(0),
            name => index.join(name),
        });
        fail(self.calls, self.error, file.as_deref(), self.when)
    }
}

/// A point, in a line.
const fn point(
    what: &'static str,
    (calls, error): (&'static str, &'static str),
    file: Option<&'static str>,
    when: &'static str,
    commits: bool,
) -> FaultPoint {
    FaultPoint {
        what,
        calls,
        error,
        file,
        when,
        commits,
    }
}

/// Fails an update run of a copy of `base` at `point`, and checks what a user is promised:
/// exit 2 with one line saying what failed and what the index holds (which is `expected`
/// with `{index}` and `{articles}` filled in, up to a file name), the last commit searchable
/// and unchanged, nothing of the failed run left but what the next run needs, and that next
/// run completing to what an update without faults gives.
fn fail_update(setup: &FaultSetup, copy: &str, point: &FaultPoint, expected: &str) {
    let (what, commits) = (point.what, &point.commits);
    let ws = &setup.ws;
    copy_flat(&ws.path("base"), &ws.path(copy));
    let absolute = fs::canonicalize(ws.path(copy)).unwrap();
    let out = run_traced(
        ws,
        &point.options(&absolute),
        &["index", "c", "--index", copy],
    );
    let err = assert_one_line_error(&out);
    let (holds, articles) = if *commits {
        (&setup.after, article_numbers(2, FAULT_ARTICLES).len())
    } else {
        (&setup.before, FAULT_ARTICLES)
    };
    let expected = expected
        .replace("{index}", copy)
        .replace("{articles}", &articles.to_string());
    match expected.split_once("{file}") {
        Some((start, end)) => assert!(
            err.starts_with(start) && err.trim_end().ends_with(end),
            "{what}: {err:?}, expected {expected:?}"
        ),
        None => assert_eq!(err.trim_end(), expected, "{what}"),
    }
    assert_eq!(&snapshot(ws, copy), holds, "{what}: not the last commit");
    // The failed run removes what it wrote, but for a segment an indexing thread was still
    // finishing: tantivy stops waiting for its threads at the first one that failed. The
    // next run removes that one.
    let left = leftovers(&ws.path(copy), *commits);
    assert!(
        left.iter()
            .all(|name| name.len() > 33 && name.as_bytes()[32] == b'.'),
        "{what}: the failed run left {left:?}"
    );

    if *commits {
        // Committed, but its words are not in the lexicon yet: check says so, and that the
        // next run adds them.
        let out = ws.run(&["check", "--index", copy]);
        let said = stdout(&out);
        assert_eq!(exit_code(&out), 1, "{what}: check: {said}");
        assert!(
            said.contains("lacks the words of the last commit"),
            "{what}: {said}"
        );
        assert!(
            said.contains(&format!(" --index {copy}\n")),
            "{what}: {said}"
        );
    }
    let out = ws.run(&["index", "c", "--index", copy]);
    assert_eq!(exit_code(&out), 0, "{what}, run again: {}", stderr(&out));
    assert_eq!(snapshot(ws, copy), setup.after, "{what}: run again");
    let left = leftovers(&ws.path(copy), false);
    assert!(left.is_empty(), "{what}: run again, left {left:?}");
    assert!(
        lexicon_entries(&ws.path(copy)) == setup.updated_lexicon,
        "{what}: the lexicon differs from an update without faults"
    );
    let out = ws.run(&["check", "--index", copy]);
    assert_eq!(exit_code(&out), 0, "{what}: check after: {}", stdout(&out));
}

/// The words and terms of the lexicon in `index`, with their counts.
fn lexicon_entries(index: &Path) -> Vec<(Vec<u8>, u64)> {
    newsdex::lexicon::Lexicon::open(index)
        .expect("a readable lexicon")
        .expect("a lexicon")
        .entries()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const DISK_FULL: &str = "newsdex: no space left on device writing {index}; the index still \
     holds the last commit ({articles} articles); free space and run newsdex index again";

#[test]
fn a_full_disk_at_any_point_of_a_run_keeps_the_last_commit_and_the_next_run_completes() {
    let setup = fault_setup();
    let full = ("write", "ENOSPC");
    let points = [
        point("the file list of a new segment", full, None, "2+", false),
        point("segment data", full, None, "7+", false),
        point(
            "a segment's sync (delayed allocation)",
            ("fdatasync", "ENOSPC"),
            None,
            "7+",
            false,
        ),
        point(
            "staging the lexicon's words",
            full,
            Some("lexicon.staged.tmp"),
            "",
            false,
        ),
        point(
            "meta.json put in place",
            ("rename,renameat,renameat2", "ENOSPC"),
            Some("meta.json"),
            "",
            false,
        ),
        point(
            "folding the words in, after the commit",
            full,
            Some("lexicon.fst.tmp"),
            "",
            true,
        ),
    ];
    for (i, point) in points.iter().enumerate() {
        fail_update(&setup, &format!("full{i}"), point, DISK_FULL);
    }

    // A first run that cannot even write its marker says the index holds nothing yet.
    let ws = &setup.ws;
    let marker = fs::canonicalize(ws.root.path())
        .unwrap()
        .join("new/newsdex.json.tmp");
    let out = run_traced(
        ws,
        &fail("write", "ENOSPC", Some(&marker), ""),
        &["index", "c", "--index", "new"],
    );
    let err = assert_one_line_error(&out);
    assert_eq!(
        err.trim_end(),
        "newsdex: no space left on device writing new; the index holds no commit yet; free \
         space and run newsdex index again"
    );
    let out = ws.run(&["index", "c", "--index", "new"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(snapshot(ws, "new"), setup.after);
}

#[test]
fn a_failing_disk_names_the_file_and_keeps_the_last_commit() {
    let setup = fault_setup();
    let eio = ("write", "EIO");
    let write = [
        point("writing segment data", eio, None, "9", false),
        point(
            "folding the lexicon, after the commit",
            eio,
            Some("lexicon.fst.tmp"),
            "",
            true,
        ),
    ];
    let written = "newsdex: input/output error writing {index}/{file}; the index still holds \
         the last commit ({articles} articles); check the disk, then run newsdex index again";
    for (i, point) in write.iter().enumerate() {
        fail_update(&setup, &format!("eio-write{i}"), point, written);
    }
    let sync = point(
        "syncing a segment file",
        ("fdatasync", "EIO"),
        None,
        "7",
        false,
    );
    let synced = "newsdex: input/output error syncing {index}/{file}; the index still holds \
         the last commit ({articles} articles); check the disk, then run newsdex index again";
    fail_update(&setup, "eio-sync", &sync, synced);
    // The run reads the committed segments (their footers first, then their terms to delete
    // the changed articles): a read fails.
    let read = point(
        "reading a committed segment",
        ("pread64", "EIO"),
        Some("*.term"),
        "",
        false,
    );
    let reading = "newsdex: input/output error reading {index}/{file}; the index still holds \
         the last commit ({articles} articles); `newsdex check --index {index}` says whether \
         the index is damaged";
    fail_update(&setup, "eio-read", &read, reading);
}

#[test]
fn search_names_the_file_an_io_error_struck() {
    require_strace();
    let ws = Workspace::new();
    small_index(&ws);
    let index = fs::canonicalize(ws.path("idx")).unwrap();
    let term = segment_files(&index, &["term"]).remove(0);
    let term_name = term.file_name().unwrap().to_string_lossy().into_owned();
    let cases = [
        (
            "newsdex.json",
            fail("read", "EIO", Some(&index.join("newsdex.json")), ""),
        ),
        (
            "meta.json",
            fail("read", "EIO", Some(&index.join("meta.json")), ""),
        ),
        (term_name.as_str(), fail("openat", "EIO", Some(&term), "")),
        // Opened by the path the user gave, which strace's `-P` matches as it is.
        (
            "lexicon.fst",
            fail("openat", "EIO", Some(Path::new("idx/lexicon.fst")), ""),
        ),
    ];
    for (file, options) in cases {
        let out = run_traced(&ws, &options, &["search", "--index", "idx", "zebra"]);
        assert_eq!(exit_code(&out), 2, "{file}: {}", stderr(&out));
        let err = assert_one_line_error(&out);
        assert!(
            err.starts_with(&format!(
                "newsdex: cannot read the index in idx: input/output error reading idx/{file} "
            )),
            "{file}: {err}"
        );
        assert!(err.contains("newsdex check --index idx"), "{file}: {err}");
    }
}

/// Overwrites 8 bytes of `file` with 0xFF, at the middle (`None`) or at `at`.
fn overwrite(file: &Path, at: Option<u64>) {
    use std::io::{Seek, SeekFrom, Write};
    let at = at.unwrap_or_else(|| fs::metadata(file).unwrap().len() / 2);
    let mut handle = fs::OpenOptions::new().write(true).open(file).unwrap();
    handle.seek(SeekFrom::Start(at)).unwrap();
    handle.write_all(&[0xFF; 8]).unwrap();
}

/// `idx`, an index of corpus version 1 in `c`; returns its hits.
fn generated_index(ws: &Workspace) -> BTreeMap<&'static str, Passages> {
    write_generated_corpus(&ws.path("c"), 1, FAULT_ARTICLES, &vocabulary());
    let out = ws.run(&["index", "c", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    snapshot(ws, "idx")
}

#[test]
fn check_finds_damage_in_each_kind_of_file_and_says_what_repairs_it() {
    let ws = Workspace::new();
    let fresh = generated_index(&ws);
    let out = ws.run(&["check", "--index", "idx"]);
    assert_eq!(exit_code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("{FAULT_ARTICLES} articles")),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("\nsound: "), "{}", stdout(&out));

    let corpus = fs::canonicalize(ws.path("c")).unwrap();
    let repair = format!("repair: newsdex index {} --index ", corpus.display());
    let mut files: Vec<String> = segment_files(
        &ws.path("idx"),
        &["term", "idx", "pos", "fast", "fieldnorm", "store"],
    )
    .iter()
    .map(|file| file.file_name().unwrap().to_string_lossy().into_owned())
    .filter(|name| name.starts_with(&first_segment(&ws.path("idx"))))
    .collect();
    files.extend(["meta.json".into(), "lexicon.fst".into()]);
    for (i, file) in files.iter().enumerate() {
        let copy = format!("damaged{i}");
        copy_flat(&ws.path("idx"), &ws.path(&copy));
        overwrite(&ws.path(&format!("{copy}/{file}")), None);
        let out = ws.run(&["check", "--index", &copy]);
        let said = stdout(&out);
        assert_no_panic(&out);
        assert_eq!(exit_code(&out), 1, "{file}: {said}");
        assert!(
            said.contains(&format!("problem: {copy}/{file}"))
                || said.contains(&format!(": {copy}/{file} ")),
            "{file}: {said}"
        );
        assert!(
            said.contains(&format!("{repair}{copy} --repair")),
            "{file}: {said}"
        );

        let out = ws.run(&["index", "c", "--index", &copy, "--repair"]);
        let err = stderr(&out);
        assert_eq!(exit_code(&out), 0, "{file}: {err}");
        assert!(err.contains("newsdex: repaired: "), "{file}: {err}");
        assert_eq!(snapshot(&ws, &copy), fresh, "{file}: repaired");
        let out = ws.run(&["check", "--index", &copy]);
        assert_eq!(
            exit_code(&out),
            0,
            "{file}: check after repair: {}",
            stdout(&out)
        );
    }

    // Nothing says what a folder with a damaged marker holds: rebuild.
    copy_flat(&ws.path("idx"), &ws.path("no-marker"));
    fs::write(ws.path("no-marker/newsdex.json"), b"{\"format\": ").unwrap();
    let out = ws.run(&["check", "--index", "no-marker"]);
    assert_eq!(exit_code(&out), 1);
    assert!(
        stdout(&out).contains("repair: rebuild the index"),
        "{}",
        stdout(&out)
    );
    // No index at all is an error.
    let out = ws.run(&["check", "--index", "nowhere"]);
    assert_one_line_error(&out);
}

#[test]
fn index_repairs_a_segment_cut_short_without_being_asked() {
    let ws = Workspace::new();
    let fresh = generated_index(&ws);
    let pos = segment_files(&ws.path("idx"), &["pos"]).remove(0);
    let len = fs::metadata(&pos).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&pos)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let out = ws.run(&["search", "--index", "idx", "commonword"]);
    let err = assert_one_line_error(&out);
    assert!(
        err.contains("is cut short or its footer is damaged"),
        "{err}"
    );
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    assert!(err.contains("newsdex: repaired: segment "), "{err}");
    assert_eq!(snapshot(&ws, "idx"), fresh);
    assert!(leftovers(&ws.path("idx"), false).is_empty());
}

/// Seals `files` of the index in `dir` as they are now, as a disk that changed their bytes
/// without a write leaves them: searches then trust them without reading them.
fn seal_as_they_are(dir: &Path, files: &[PathBuf]) {
    use newsdex::open::seals::Seals;
    let mut seals = Seals::read(dir);
    for file in files {
        seals.seal(dir, file.strip_prefix(dir).unwrap());
    }
    seals.write(dir).unwrap();
}

#[test]
fn a_damaged_column_file_is_found_before_tantivy_reads_it_and_index_repairs_it() {
    // A damaged `.fast` column directory made tantivy allocate 2 GiB and abort: a search
    // reads a file written since its seal against its checksum first.
    let ws = Workspace::new();
    let fresh = generated_index(&ws);
    for fast in segment_files(&ws.path("idx"), &["fast"]) {
        overwrite(&fast, Some(224));
    }
    let out = run_limited(&ws, &["search", "--index", "idx", "commonword"]);
    let err = assert_one_line_error(&out);
    assert!(
        err.contains(".fast fails its checksum") && err.contains("newsdex check --index idx"),
        "{err}"
    );
    // The quick check of a plain run reads the files written since their seal too.
    let out = ws.run(&["index", "c", "--index", "idx"]);
    let err = stderr(&out);
    assert_eq!(exit_code(&out), 0, "{err}");
    // Where the damaged bytes fall depends on how the run's threads laid the segments out:
    // in the path column, the segment's articles cannot be listed and everything is indexed
    // again; elsewhere, only the segment's articles are.
    assert!(
        err.contains("fails its checksum; dropped it")
            || err.contains("fails its checksum; its articles cannot be listed either"),
        "{err}"
    );
    assert_eq!(snapshot(&ws, "idx"), fresh);
    assert!(leftovers(&ws.path("idx"), false).is_empty());
}

#[test]
fn a_damaged_doc_store_block_is_an_error_not_an_abort() {
    let ws = Workspace::new();
    small_index(&ws);
    // Hits are read from the doc store when their files are gone.
    fs::remove_dir_all(ws.path("c")).unwrap();
    let stores = segment_files(&ws.path("idx"), &["store"]);
    for store in &stores {
        overwrite(store, Some(0));
    }
    // Damage without a write keeps the seal: the doc store's own check refuses the block.
    seal_as_they_are(&ws.path("idx"), &stores);
    let out = run_limited(&ws, &["search", "--index", "idx", "zebra"]);
    let err = assert_one_line_error(&out);
    assert!(
        err.contains("doc-store block at byte 0 of idx/") && err.contains(".store is damaged"),
        "{err}"
    );
}
