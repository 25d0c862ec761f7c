//! Runs a query file through one opened engine, round after round, as a server would: for
//! profiling the in-process search (`perf record`), and its mean time a query.
//! `cargo run --release --example search_loop -- INDEX QUERIES [ROUNDS] [NAME=VALUE...]` reads
//! `qid<TAB>query` lines (the bench's `newsdex.tsv`), searches each as `newsdex search` would
//! (ten passages, every signal; ranking constants set as `eval --set` sets them), and prints
//! the mean, median and p95 milliseconds a query over the rounds after the first (which warms
//! the caches).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use newsdex::search::{Engine, Request, Tuning};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        eprintln!("usage: search_loop INDEX QUERIES [ROUNDS]");
        return ExitCode::from(2);
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut tuning = Tuning::default();
    for setting in args.iter().skip(3) {
        if let Err(err) = tuning.set(setting) {
            eprintln!("search_loop: {err}");
            return ExitCode::from(2);
        }
    }
    let text = match std::fs::read_to_string(queries) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("search_loop: {queries}: {err}");
            return ExitCode::from(2);
        }
    };
    let queries: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once('\t').map(|(_, query)| query))
        .collect();
    let mut engine = match Engine::open(&PathBuf::from(index)) {
        Ok(engine) => engine,
        Err(err) => {
            eprintln!("search_loop: {err}");
            return ExitCode::from(2);
        }
    };
    let mut times = Vec::new();
    for round in 0..rounds.max(2) {
        for query in &queries {
            let started = Instant::now();
            let request = Request {
                tuning,
                ..Request::new(query)
            };
            if let Err(err) = engine.search(&request) {
                eprintln!("search_loop: {query}: {err}");
                return ExitCode::from(2);
            }
            if round > 0 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    println!(
        "{} searches: mean {mean:.3} ms, median {:.3} ms, p95 {:.3} ms",
        times.len(),
        times[times.len() / 2],
        times[(times.len() * 95 / 100).min(times.len() - 1)]
    );
    ExitCode::SUCCESS
}
