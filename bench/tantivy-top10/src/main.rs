//! `tantivy-top10 INDEX WORDS...`: the 10 best articles by BM25 over title and body in an
//! index `bench/run.sh` built with tantivy-cli, printed as score and id (quest's job, with
//! tantivy). A reference for newsdex's search latency, not part of newsdex.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::Value;
use tantivy::{Index, ReloadPolicy, TantivyDocument};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(dir), words) = (args.next(), args.collect::<Vec<_>>().join(" ")) else {
        eprintln!("usage: tantivy-top10 INDEX WORDS...");
        return ExitCode::from(2);
    };
    match search(&dir, &words) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tantivy-top10: {err}");
            ExitCode::from(2)
        }
    }
}

fn search(dir: &str, words: &str) -> tantivy::Result<()> {
    let index = Index::open_in_dir(dir)?;
    let schema = index.schema();
    let (id, title, body) = (
        schema.get_field("id")?,
        schema.get_field("title")?,
        schema.get_field("body")?,
    );
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let (query, _) = QueryParser::for_index(&index, vec![title, body]).parse_query_lenient(words);
    let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
    let mut lines = String::new();
    for (score, address) in top {
        let document: TantivyDocument = searcher.doc(address)?;
        let shown = document.get_first(id).and_then(|value| value.as_str());
        let _ = writeln!(lines, "{score} {}", shown.unwrap_or(""));
    }
    // A closed pipe (`| head`) is not an error.
    let _ = std::io::stdout().write_all(lines.as_bytes());
    Ok(())
}
