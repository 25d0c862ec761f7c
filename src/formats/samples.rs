//! Real published samples, kept outside the repository, read by hand:
//!
//! ```text
//! FORMAT_SAMPLES=/tmp/format-samples cargo test --lib formats::samples -- --ignored --nocapture
//! ```
//!
//! Every file under the folder is detected and read; the test prints what came out (counts,
//! the first article's title, dateline, date and paragraphs) for docs/formats.md, and fails
//! if a reader panics or a file gives nothing at all — no article, nothing passed over and no
//! error — which would be a file skipped silently.

use std::path::{Path, PathBuf};

use super::{Options, parse};

#[test]
#[ignore = "needs FORMAT_SAMPLES, a folder of published samples kept outside the repository"]
fn published_samples_read_without_silence() {
    let Some(root) = std::env::var_os("FORMAT_SAMPLES") else {
        return;
    };
    let mut files = Vec::new();
    collect(Path::new(&root), &mut files);
    files.sort();
    let mut silent = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = crate::corpus::decode(bytes) else {
            println!("{}: not text", path.display());
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = parse(&text, &name, &Options::default());
        println!(
            "{}: {} — {} articles, {} passed over, {} errors",
            path.display(),
            parsed.format,
            parsed.articles.len(),
            parsed.passed_over.len(),
            parsed.errors.len()
        );
        for passed in parsed.passed_over.iter().take(3) {
            println!("    passed over: {} (line {:?})", passed.what, passed.line);
        }
        for error in parsed.errors.iter().take(3) {
            println!("    error: {error}");
        }
        for found in parsed.articles.iter().take(2) {
            let first = found.article.paragraphs.first().map_or("", String::as_str);
            println!(
                "    [{}] title {:?} | dateline {:?} | date {:?} | {} paragraphs | first {:?}",
                short(&found.id, 50),
                short(&found.article.title, 70),
                found.article.dateline,
                found.date.map(|(day, source)| format!("{day} ({source})")),
                found.article.paragraphs.len(),
                short(first, 90),
            );
        }
        if parsed.articles.is_empty() && parsed.passed_over.is_empty() && parsed.errors.is_empty() {
            silent.push(path.clone());
        }
    }
    assert!(silent.is_empty(), "files that gave nothing: {silent:?}");
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn short(text: &str, chars: usize) -> String {
    let mut cut: String = text.chars().take(chars).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// The Reuters-21578 SGML read here against the project's own conversion of it (one text
/// file a NEWID, the sign-off kept as a last paragraph):
///
/// ```text
/// REUTERS_SGML=/tmp/format-samples/reuters \
/// REUTERS_CORPUS=../shared/corpora/news/reuters21578/corpus \
/// cargo test --lib formats::samples -- --ignored --nocapture
/// ```
#[test]
#[ignore = "needs REUTERS_SGML (the .sgm files) and REUTERS_CORPUS (the converted articles)"]
fn reuters_sgml_agrees_with_the_converted_corpus() {
    let (Some(sgml), Some(corpus)) = (
        std::env::var_os("REUTERS_SGML"),
        std::env::var_os("REUTERS_CORPUS"),
    ) else {
        return;
    };
    let mut files = Vec::new();
    collect(Path::new(&sgml), &mut files);
    files.sort();
    let (mut compared, mut same, mut without_file) = (0, 0, 0);
    let mut differences = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(text) = crate::corpus::decode(bytes) else {
            continue;
        };
        for found in parse(&text, "reut2.sgm", &Options::default()).articles {
            let converted = Path::new(&corpus).join(format!("{}.txt", found.id));
            let Ok(converted) = std::fs::read_to_string(&converted) else {
                without_file += 1;
                continue;
            };
            let mut expected = crate::article::parse(&converted);
            // The conversion keeps the sign-off; this reader drops it.
            if expected
                .paragraphs
                .last()
                .is_some_and(|last| last.eq_ignore_ascii_case("reuter"))
            {
                expected.paragraphs.pop();
            }
            if let Some(last) = expected.paragraphs.last_mut()
                && let Some(kept) = last
                    .strip_suffix(" REUTER")
                    .or_else(|| last.strip_suffix(" Reuter"))
            {
                *last = kept.trim_end().to_string();
            }
            compared += 1;
            if expected == found.article {
                same += 1;
            } else if differences.len() < 8 {
                differences.push((found.id.clone(), expected, found.article));
            }
        }
    }
    println!("{compared} compared, {same} the same, {without_file} with no converted file");
    for (id, expected, found) in &differences {
        println!("NEWID {id}:");
        println!(
            "  converted: {:?} | {:?} | {:?}",
            short(&expected.title, 60),
            expected.dateline,
            expected
                .paragraphs
                .iter()
                .map(|p| short(p, 50))
                .collect::<Vec<_>>()
        );
        println!(
            "  read:      {:?} | {:?} | {:?}",
            short(&found.title, 60),
            found.dateline,
            found
                .paragraphs
                .iter()
                .map(|p| short(p, 50))
                .collect::<Vec<_>>()
        );
    }
}

/// Streams one large record file (TREC or Reuters SGML, JSON Lines) and counts what came out,
/// to measure memory from outside (`/usr/bin/time -v` reports the largest resident size):
///
/// ```text
/// STREAM_FILE=/tmp/big.sgm cargo test --lib formats::samples -- --ignored --nocapture
/// ```
#[test]
#[ignore = "needs STREAM_FILE, a large record file"]
fn a_large_file_streams() {
    use std::io::{BufReader, Read};

    use super::{Item, detect, stream};

    let Some(path) = std::env::var_os("STREAM_FILE") else {
        return;
    };
    let Ok(mut file) = std::fs::File::open(&path) else {
        panic!("cannot open {path:?}");
    };
    let mut prefix = vec![0; 4096];
    let read = file.read(&mut prefix).unwrap_or(0);
    prefix.truncate(read);
    let name = Path::new(&path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let format = detect(&prefix, name.as_deref().unwrap_or(""));
    let Ok(file) = std::fs::File::open(&path) else {
        panic!("cannot open {path:?}");
    };
    let records = stream(format, BufReader::new(file), &Options::default());
    let Some(records) = records else {
        panic!("{format} does not stream");
    };
    let (mut articles, mut passed, mut errors, mut paragraphs) = (0u64, 0u64, 0u64, 0u64);
    let started = std::time::Instant::now();
    for item in records {
        match item {
            Item::Article(article) => {
                articles += 1;
                paragraphs += article.article.paragraphs.len() as u64;
            }
            Item::PassedOver(_) => passed += 1,
            Item::Error(_) => errors += 1,
        }
    }
    println!(
        "{format}: {articles} articles ({paragraphs} paragraphs), {passed} passed over, {errors} errors in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
