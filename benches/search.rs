//! In-process timings with criterion: parsing one generated article, and searching an index
//! built once, in a temporary folder, from 2,000 generated articles. `cargo bench` runs them;
//! the whole-process comparison with other engines is `bench/run.sh`.
//!
//! The articles come from `generate.py` in the shared folder (`../shared` beside the checkout,
//! or `NEWSDEX_SHARED`); `NEWSDEX_BENCH_CORPUS` points the bench at a folder of `.txt` articles
//! instead.

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsdex::article;
use newsdex::indexer::{IndexConfig, index_corpus};
use newsdex::search::{Engine, Request};

/// Articles in the generated corpus (about 6 MB of text).
const ARTICLES: usize = 2000;

/// One query per kind the CLI bench mixes: words, a phrase, a compound, fields, a prefix.
const QUERIES: [(&str, &str); 8] = [
    ("one_word", "inflation"),
    ("news_query", "federal reserve interest rates"),
    ("four_words", "oil prices opec output"),
    ("phrase", "\"interest rates\""),
    ("hyphenated", "long-term"),
    ("title_field", "title:bank"),
    ("dateline_field", "dateline:london"),
    ("prefix", "negotia*"),
];

/// The corpus and index for the whole run; the temporary folder goes when it drops.
struct Fixture {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("creating a temporary folder");
    let corpus = match std::env::var_os("NEWSDEX_BENCH_CORPUS") {
        Some(corpus) => PathBuf::from(corpus),
        None => generate(&dir.path().join("corpus")),
    };
    let index = dir.path().join("index");
    let summary = index_corpus(&IndexConfig {
        corpus: corpus.clone(),
        index_dir: index.clone(),
        extensions: None,
        progress: false,
        memory_budget: 64 * 1024 * 1024,
        repair: false,
        year: None,
    })
    .expect("indexing the bench corpus");
    eprintln!(
        "bench corpus: {} articles, {:.1} MB, indexed in {:.2} s",
        summary.indexed,
        summary.bytes as f64 / 1e6,
        summary.seconds
    );
    Fixture {
        _dir: dir,
        corpus,
        index,
    }
}

/// Writes `ARTICLES` generated articles (seed 1, deterministic) into `out`.
fn generate(out: &Path) -> PathBuf {
    let shared = std::env::var_os("NEWSDEX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let script = shared.join("corpora/generate.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(out)
        .args(["--articles", &ARTICLES.to_string()])
        .status()
        .unwrap_or_else(|err| panic!("running python3 {}: {err}", script.display()));
    assert!(
        status.success(),
        "{} failed ({status}); set NEWSDEX_SHARED or NEWSDEX_BENCH_CORPUS",
        script.display()
    );
    out.to_path_buf()
}

/// The article of median size: a typical one, neither a stub nor the longest.
fn median_article(corpus: &Path) -> String {
    let mut files: Vec<(u64, PathBuf)> = walk(corpus)
        .into_iter()
        .map(|path| (fs::metadata(&path).map_or(0, |m| m.len()), path))
        .collect();
    files.sort();
    let (_, path) = &files[files.len() / 2];
    fs::read_to_string(path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries =
        fs::read_dir(dir).unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|ext| ext == "txt") {
            files.push(path);
        }
    }
    files
}

fn benches(c: &mut Criterion) {
    let fixture = fixture();

    let text = median_article(&fixture.corpus);
    let mut group = c.benchmark_group("article");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse_median_article", |b| {
        b.iter(|| article::parse(black_box(&text)))
    });
    group.finish();

    let mut engine = Engine::open(&fixture.index).expect("opening the bench index");
    let mut group = c.benchmark_group("search");
    for (name, query) in QUERIES {
        for articles in [false, true] {
            let request = Request {
                articles,
                ..Request::new(query)
            };
            let id = if articles {
                format!("{name}_articles")
            } else {
                name.to_string()
            };
            group.bench_function(id, |b| {
                b.iter(|| {
                    engine
                        .search(black_box(&request))
                        .map(|results| results.hits.len())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(search, benches);
criterion_main!(search);
