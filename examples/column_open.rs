//! Times opening each fast column of an index, as a one-shot search opens them:
//! `cargo run --release --example column_open -- INDEX_DIR` prints `segment<TAB>column<TAB>µs`
//! per segment and column, in a fresh process (run it a few times: the first run also pays
//! the page cache). docs/benchmarks.md's column costs come from it: tantivy's blockwise-linear
//! codec decodes every block header of a 64-bit column when the column opens, where a
//! 128-bit column (the paragraphs' spans) opens in constant time.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use newsdex::schema::{PARAGRAPHS, SIGNATURE_FIELDS};
use tantivy::Index;
use tantivy::fastfield::FastFieldReaders;

/// The columns and how a search opens each; the signature's names as the schema has them.
fn columns() -> Vec<(&'static str, Kind)> {
    let mut columns = vec![
        (PARAGRAPHS, Kind::Ip),
        ("date", Kind::U64),
        ("size", Kind::U64),
        ("modified", Kind::U64),
    ];
    columns.extend(SIGNATURE_FIELDS.map(|name| (name, Kind::U64)));
    columns.push(("path", Kind::Str));
    columns
}

#[derive(Clone, Copy)]
enum Kind {
    U64,
    Ip,
    Str,
}

fn open(fast: &FastFieldReaders, name: &str, kind: Kind) -> tantivy::Result<()> {
    match kind {
        Kind::U64 => fast.u64(name).map(drop),
        Kind::Ip => fast.ip_addr(name).map(drop),
        Kind::Str => fast.str(name).map(drop),
    }
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: column_open INDEX_DIR");
        return ExitCode::from(2);
    };
    let searcher = match Index::open_in_dir(&dir).and_then(|index| index.reader()) {
        Ok(reader) => reader.searcher(),
        Err(err) => {
            eprintln!("column_open: {}: {err}", dir.display());
            return ExitCode::from(2);
        }
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let fast = segment.fast_fields();
        for (name, kind) in columns() {
            let start = Instant::now();
            let opened = open(fast, name, kind);
            let micros = start.elapsed().as_secs_f64() * 1e6;
            match opened {
                Ok(()) => println!("{ord}\t{name}\t{micros:.1}"),
                Err(err) => println!("{ord}\t{name}\t{err}"),
            }
        }
    }
    ExitCode::SUCCESS
}
