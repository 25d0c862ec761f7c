//! `newsdex stats`: what an index holds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use newsdex::output::sanitize;
use newsdex::stats::{self, Stats};

use super::index_dir;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Prints what the index holds: articles, passages, stories (near-duplicate articles counted
once), the dates its articles span and where the dates came from, the places and agencies
its datelines name most, its size and format. --json prints one object with the same.

Exit status: 0 printed, 1 no committed index yet, 2 error.

Examples:
  newsdex stats
  newsdex stats --index ~/news.idx --json | jq .stories")]
pub struct StatsArgs {
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let (dir, _) = index_dir(args.index.as_deref());
    let stats = match stats::of_index(&dir) {
        Ok(stats) => stats,
        Err(empty @ newsdex::open::OpenError::Empty(_)) => {
            eprintln!("newsdex: {empty}");
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err.into()),
    };
    if args.json {
        println!("{}", serde_json::to_string(&stats)?);
    } else {
        print!("{}", human(&stats));
    }
    Ok(ExitCode::SUCCESS)
}

/// The statistics for a person, a line each.
fn human(stats: &Stats) -> String {
    let list = |counts: &[(String, u64)]| {
        let shown: Vec<String> = counts
            .iter()
            .map(|(name, count)| format!("{} {count}", sanitize(name)))
            .collect();
        if shown.is_empty() {
            "none".to_string()
        } else {
            shown.join(", ")
        }
    };
    let dates = match (&stats.first_date, &stats.last_date) {
        (Some(first), Some(last)) => format!("{first} to {last}"),
        _ => "none".to_string(),
    };
    let by = &stats.dated_by;
    format!(
        "articles   {}\npassages   {}\nstories    {} (near-duplicates as one)\ndates      {dates} (from the path {}, the dateline {}, the file's time {})\nplaces     {}\nagencies   {}\nwords      {}\nindex      {:.1} MB in {} segments, format {}\ncorpus     {}\n",
        stats.articles,
        stats.passages,
        stats.stories,
        by.path,
        by.dateline,
        by.modified,
        list(&stats.places),
        list(&stats.agencies),
        stats
            .words
            .map_or("(no lexicon)".to_string(), |w| w.to_string()),
        stats.bytes as f64 / 1e6,
        stats.segments,
        stats.format,
        stats
            .corpus
            .as_deref()
            .map_or("unknown".to_string(), sanitize),
    )
}
