//! `newsdex stats`: what an index holds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use newsdex::dates::DateSource;
use newsdex::output::sanitize;
use newsdex::stats::{self, Stats};

use super::index_dir;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Prints what the index holds: articles, passages, stories (near-duplicate articles counted
once), the dates its articles span and where the dates came from, the places and agencies
its datelines name most, its size and format. --json prints one object with the same.

Dates and their sources: a date in the path; a dateline's own date; a dateline's day in the
year of the path (1987/), of the dated articles beside it, of `index --year`, or of the
file's modification time; the file's time alone. A warning (on stderr) says when file times,
which copying resets, date most articles.

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
    let from_file_times = stats.dated_by.from_file_times();
    if from_file_times > 0.5 {
        eprintln!(
            "newsdex: warning: {:.0}% of the articles are dated by their files' modification times, which copying resets; \
             give their year with `newsdex index CORPUS --year YYYY`, or keep them in dated folders (1987/ or 1987/02/26/)",
            from_file_times * 100.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// How `stats` names a date source.
fn source_words(source: DateSource) -> &'static str {
    match source {
        DateSource::Path => "path",
        DateSource::Dateline => "dateline",
        DateSource::PathYear => "dateline in the path's year",
        DateSource::Sibling => "dateline in its neighbours' year",
        DateSource::YearOption => "dateline in the --year",
        DateSource::FileYear => "dateline in the file time's year",
        DateSource::Modified => "file time",
        DateSource::Format => "the format's own date",
    }
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
    let sources: Vec<String> = stats
        .dated_by
        .sources()
        .map(|(source, count)| format!("{} {count}", source_words(source)))
        .collect();
    let dates = if sources.is_empty() {
        dates
    } else {
        format!("{dates}\n           dated by {}", sources.join(", "))
    };
    format!(
        "articles   {}\npassages   {}\nstories    {} (near-duplicates as one)\ndates      {dates}\nplaces     {}\nagencies   {}\nwords      {}\nindex      {:.1} MB in {} segments, format {}\ncorpus     {}\n",
        stats.articles,
        stats.passages,
        stats.stories,
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
