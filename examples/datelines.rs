//! Measures dateline recognition over folders of articles.
//!
//! `cargo run --release --example datelines -- DIR [DIR...]` parses every `*.txt` file under
//! each folder with `newsdex::article::parse` and prints, per folder: how many articles have a
//! dateline, the misses grouped by the shape of their first paragraph (so one look shows which
//! pattern the parser lacks), a sample of the datelines found, and finds that look wrong.
//! It is a measuring tool for `src/article.rs`, not part of the search pipeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use newsdex::article::{PLACE_CONNECTORS, is_month, parse};
use walkdir::WalkDir;

/// How many miss shapes and found datelines to print.
const TOP_SHAPES: usize = 25;
const SAMPLE_FOUND: usize = 20;
/// How much of a missed paragraph decides its shape: a dateline sits in its first few words.
const SHAPE_CHARS: usize = 60;
/// Longer than any real dateline in the corpora we measure; longer finds are worth a look.
const SUSPICIOUS_LEN: usize = 50;

fn main() -> ExitCode {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: datelines DIR [DIR...]");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for dir in &dirs {
        if let Err(message) = report(dir) {
            eprintln!("datelines: {message}");
            failed = true;
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// What one folder's articles gave.
#[derive(Default)]
struct Tally {
    files: usize,
    unreadable: usize,
    /// (path, dateline) for every find, in path order.
    found: Vec<(PathBuf, String)>,
    /// shape → (count, first example path, first example text).
    misses: HashMap<String, (usize, PathBuf, String)>,
}

fn report(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    let mut tally = Tally::default();
    // Sorted, so the samples and examples are the same from one run to the next.
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                eprintln!("warning: {err}");
                tally.unreadable += 1;
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|ext| ext != "txt") {
            continue;
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("warning: reading {}: {err}", path.display());
                tally.unreadable += 1;
                continue;
            }
        };
        tally.files += 1;
        let article = parse(&String::from_utf8_lossy(&bytes));
        if !article.dateline.is_empty() {
            tally.found.push((path.to_path_buf(), article.dateline));
            continue;
        }
        // `parse` falls back to the title when there is no body; that is not a missed dateline.
        let first = &article.paragraphs[0];
        let head: String = if article.paragraphs.len() == 1 && *first == article.title {
            "(title only)".to_string()
        } else {
            first.chars().take(SHAPE_CHARS).collect()
        };
        let slot = tally
            .misses
            .entry(shape(&head))
            .or_insert_with(|| (0, path.to_path_buf(), head.clone()));
        slot.0 += 1;
    }
    print_tally(dir, &tally);
    Ok(())
}

/// The shape of a text: runs of capitals become `A`, of lower-case letters `a`, of digits `9`,
/// of whitespace one space; punctuation stays. `SALVADOR, Feb 26 --` → `A, Aa 9 --`.
fn shape(text: &str) -> String {
    let mut key = String::new();
    let mut last = None;
    for c in text.chars() {
        let class = if c.is_uppercase() {
            'A'
        } else if c.is_lowercase() {
            'a'
        } else if c.is_numeric() {
            '9'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        let is_run = matches!(class, 'A' | 'a' | '9' | ' ');
        if !(is_run && last == Some(class)) {
            key.push(class);
        }
        last = Some(class);
    }
    key
}

/// A find worth a second look: too long for a dateline, or with a lower-case word that is not
/// a place-name connector (`de`, `of`), which usually means a sentence slipped through.
/// Lower-case month names are not counted: Reuters writes `Caracas, march 31` by the dozen.
fn is_suspicious(dateline: &str) -> bool {
    dateline.chars().count() > SUSPICIOUS_LEN
        || dateline.split_whitespace().any(|word| {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            word.chars().next().is_some_and(char::is_lowercase)
                && !PLACE_CONNECTORS.contains(&word)
                && !is_month(word)
        })
}

fn print_tally(dir: &Path, tally: &Tally) {
    let found = tally.found.len();
    let percent = if tally.files == 0 {
        0.0
    } else {
        100.0 * found as f64 / tally.files as f64
    };
    println!("== {}", dir.display());
    println!(
        "files {}  with dateline {found}  ({percent:.2}%)  misses {}  unreadable {}",
        tally.files,
        tally.files - found,
        tally.unreadable
    );

    let mut shapes: Vec<_> = tally.misses.iter().collect();
    shapes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    println!(
        "-- misses by shape ({} shapes, top {TOP_SHAPES})",
        shapes.len()
    );
    for (key, (count, path, example)) in shapes.iter().take(TOP_SHAPES) {
        println!("{count:6}  {key}");
        println!("        e.g. {}: {example}", file_name(path));
    }

    println!("-- sample of found datelines");
    // Spread the sample over the whole folder rather than its first files.
    let step = (found / SAMPLE_FOUND).max(1);
    for (path, dateline) in tally.found.iter().step_by(step).take(SAMPLE_FOUND) {
        println!("        {}: {dateline}", file_name(path));
    }

    let suspicious: Vec<_> = tally
        .found
        .iter()
        .filter(|(_, dateline)| is_suspicious(dateline))
        .collect();
    println!("-- suspicious finds: {}", suspicious.len());
    for (path, dateline) in suspicious {
        println!("        {}: {dateline}", file_name(path));
    }
    println!();
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}
