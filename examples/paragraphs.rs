//! Writes a corpus's paragraphs as articles of their own, for engines that rank paragraphs as
//! documents: `cargo run --release --example paragraphs -- CORPUS OUT` reads every `*.txt`
//! article under CORPUS as newsdex parses it and writes `OUT/<stem>#<n>.txt` for its paragraph
//! `n` (numbered from 1, as `newsdex search` numbers them): the article's title, a blank line,
//! the paragraph. The passage-judged news set (`bench/passages/`) pools such engines' runs
//! with newsdex's on these ids. A measuring tool, not part of the search pipeline.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use newsdex::article::parse;
use newsdex::corpus::decode;
use walkdir::WalkDir;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [corpus, out] = args.as_slice() else {
        eprintln!("usage: paragraphs CORPUS OUT");
        return ExitCode::from(2);
    };
    match write_paragraphs(corpus, out) {
        Ok((articles, paragraphs)) => {
            eprintln!(
                "paragraphs: {articles} articles, {paragraphs} paragraphs in {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("paragraphs: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes every article's paragraphs under `out`; how many articles and paragraphs.
fn write_paragraphs(corpus: &Path, out: &Path) -> Result<(usize, usize), String> {
    fs::create_dir_all(out).map_err(|err| format!("creating {}: {err}", out.display()))?;
    let (mut articles, mut paragraphs) = (0, 0);
    for entry in WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry.map_err(|err| err.to_string())?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let bytes = fs::read(path).map_err(|err| format!("reading {}: {err}", path.display()))?;
        let Ok(text) = decode(bytes) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let article = parse(&text);
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        for (number, paragraph) in (1..).zip(&article.paragraphs) {
            let file = out.join(format!("{stem}#{number}.txt"));
            fs::write(&file, format!("{}\n\n{paragraph}\n", article.title))
                .map_err(|err| format!("writing {}: {err}", file.display()))?;
            paragraphs += 1;
        }
        articles += 1;
    }
    Ok((articles, paragraphs))
}
