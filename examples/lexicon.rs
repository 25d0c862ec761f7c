//! Prints the lexicon of an index: `cargo run --release --example lexicon -- INDEX_DIR` writes
//! one `key<TAB>articles` line per word and term (terms start with U+0001, the article count's
//! key with a NUL), without the lexicon's records of itself. bench/fault_sweep.py compares the
//! lexicons of two runs with it: their files differ in the opstamp of the commit last folded,
//! which depends on how tantivy's threads shared the work.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use newsdex::lexicon::Lexicon;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: lexicon INDEX_DIR");
        return ExitCode::from(2);
    };
    let lexicon = match Lexicon::open(&dir) {
        Ok(Some(lexicon)) => lexicon,
        Ok(None) => {
            eprintln!("lexicon: {} has no lexicon", dir.display());
            return ExitCode::from(1);
        }
        Err(err) => {
            eprintln!("lexicon: {err}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (key, articles) in lexicon.entries() {
        let written = out
            .write_all(&key)
            .and_then(|()| writeln!(out, "\t{articles}"));
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
