//! What each part of an index takes on disk, field by field, summed over its segments:
//! `cargo run --release --example space_usage -- INDEX_DIR [TEXT_BYTES]` prints
//! `part<TAB>field<TAB>bytes<TAB>share of the text` (the share when the corpus's text bytes are
//! given). docs/benchmarks.md's index-size breakdown comes from it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use tantivy::Index;
use tantivy::space_usage::PerFieldSpaceUsage;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: space_usage INDEX_DIR [TEXT_BYTES]");
        return ExitCode::from(2);
    };
    let text: Option<f64> = args
        .next()
        .and_then(|bytes| bytes.to_string_lossy().parse().ok());
    match run(&dir, text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("space_usage: {err}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &PathBuf, text: Option<f64>) -> tantivy::Result<()> {
    let index = Index::open_in_dir(dir)?;
    newsdex::analysis::register(&index);
    let searcher = index.reader()?.searcher();
    let usage = searcher.space_usage()?;
    let mut parts: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for segment in usage.segments() {
        let per_part: [(&str, &PerFieldSpaceUsage); 5] = [
            ("terms", segment.termdict()),
            ("postings", segment.postings()),
            ("positions", segment.positions()),
            ("columns", segment.fast_fields()),
            ("norms", segment.fieldnorms()),
        ];
        for (part, per_field) in per_part {
            for field in per_field.fields() {
                *parts
                    .entry((part, field.field_name().to_string()))
                    .or_default() += field.total().get_bytes();
            }
        }
        *parts.entry(("store", String::new())).or_default() += segment.store().total().get_bytes();
    }
    let share =
        |bytes: u64| text.map_or(String::new(), |text| format!("{:.4}", bytes as f64 / text));
    let mut total = 0;
    for ((part, field), bytes) in &parts {
        total += bytes;
        println!("{part}\t{field}\t{bytes}\t{}", share(*bytes));
    }
    println!("total\t\t{total}\t{}", share(total));
    Ok(())
}
