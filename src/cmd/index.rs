//! `newsdex index`: bring an index up to date with a folder of articles.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use newsdex::corpus::DEFAULT_EXTENSIONS;
use newsdex::indexer::{IndexConfig, Summary, index_corpus};
use newsdex::output::sanitize;
use newsdex::watch::{self, Change, Stop};

use super::{DEFAULT_CORPUS, index_dir, progress_wanted};

/// Default indexing memory budget, shared by the writer's threads. The process peaks about
/// 120 MB above it (parsed batches, the lexicon's new words, the final merge): 100 keeps a
/// build under 256 MB at any size (300 MB of news: 223 MB peak; 200 gave 323 MB for no
/// measurable speed, as the segments are merged into one at the end anyway).
pub const MEMORY_BUDGET_MB: usize = 100;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Re-running on the same folder is incremental: only new or changed files (by size and
modification time) are read again, and the passages of deleted files are removed.

Files: every *.txt below CORPUS; --ext story adds *.story (and the index remembers its
extensions, so a later run without --ext indexes the same files). Files saved as
*.xml *.nitf *.newsml *.rss *.atom *.html *.htm *.xhtml *.sgm *.sgml *.json *.jsonl
*.ndjson *.jsonlines are read too, and files without an extension whose content is one of
these formats (TREC's AP880212). Each file's format is told by its content: NITF,
NewsML-G2, ninjs, RSS, Atom, HTML, TREC and Reuters SGML, JSON Lines, else a plain-text
article. A file of many articles (a feed, a collection) gives each its own id, shown as
path#id (DOCNO, guid, item id, else its number in the file); a changed file's articles are
all replaced, a deleted file's removed. Malformed XML, SGML or JSON is named with its file
and line, and the file's other articles are indexed (exit 1). Hidden files and folders
are passed over. A file is skipped, and named on stderr with the reason, only when it cannot
be read or is binary; any text encoding is read (UTF-8, UTF-16 with BOM, else Windows-1252).
Symlinks are never followed.

Dates: the date a format gives (pubDate, versionCreated, DATE, NITF date.issue) first; else
a date in the path (2019/10/23/, 2019-10-23-storm.txt) dates an article; else its
dateline (`NICOSIA, Oct 19 -`). A dateline without a year takes the path's year (1987/),
else the year of dated articles beside it in its folder, else --year, and only then the
year of the file's modification time, which copying resets (`newsdex stats` counts each
source and warns when file times date most articles). Nothing is dated after the build.
--year is remembered like --ext; giving another year dates every article again.

A run stopped by a full or failing disk says so in one line (exit 2) and leaves the last
commit as it was; run it again once the disk is fixed. Damage the run sees in the index (a
segment's file missing or cut short) is repaired: that segment is dropped and its articles
are indexed again from CORPUS. --repair looks harder first, as `newsdex check` does (every
file against its checksum, every article's passages), and repairs what it finds the same way.

--watch keeps running once the index is up to date: a file added, changed or removed below
CORPUS is searchable (or gone) about a second after its last write, by the same incremental
run, committed, so `newsdex search` and `newsdex serve` in other processes see it. Each batch
of changes prints one line on stderr; a file that cannot be read is named once. Ctrl-C (or
SIGTERM) indexes what is waiting, commits and exits 0; a second Ctrl-C stops at once, leaving
the last commit as it was.

Exit status: 0 every file indexed (with --watch: stopped by Ctrl-C), 1 finished but some
files were skipped, malformed or none found, 2 error.

Examples:
  newsdex index                          index ./corpus into ./index
  newsdex index ~/news --index ~/news.idx
  newsdex index wire --ext story          *.txt and *.story
  newsdex index reuters --year 1987      datelines such as `SALVADOR, Feb 26` are 1987's
  newsdex index ~/news --index ~/news.idx --repair   after `newsdex check` found damage
  newsdex index wire --watch              keep ./index up with a wire folder until Ctrl-C")]
pub struct IndexArgs {
    /// Folder of articles to index.
    #[arg(default_value = DEFAULT_CORPUS)]
    pub corpus: PathBuf,
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Also index files with this extension (repeatable; *.txt always) [default: the
    /// index's own, else txt].
    #[arg(long = "ext", value_name = "EXT")]
    pub extensions: Vec<String>,
    /// Indexing memory budget in MB.
    #[arg(long, value_name = "MB", default_value_t = MEMORY_BUDGET_MB)]
    pub memory: usize,
    /// Check every index file first, and index again what damage took.
    #[arg(long)]
    pub repair: bool,
    /// The year of datelines that name none (`SALVADOR, Feb 26`), when neither the path nor
    /// a dated article beside them says [default: the index's own, else the file's time].
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i64).range(1800..=9999))]
    pub year: Option<i64>,
    /// Keep running: index files as they come, change and go, until Ctrl-C.
    #[arg(long)]
    pub watch: bool,
}

/// Builds the configuration from arguments: `--ext` adds to `txt`; without it, the index's
/// own extensions are used.
pub fn config(args: &IndexArgs) -> IndexConfig {
    let extensions = (!args.extensions.is_empty()).then(|| {
        DEFAULT_EXTENSIONS
            .iter()
            .map(|e| e.to_string())
            .chain(args.extensions.iter().cloned())
            .collect()
    });
    IndexConfig {
        corpus: args.corpus.clone(),
        index_dir: index_dir(args.index.as_deref()).0,
        extensions,
        progress: progress_wanted(),
        memory_budget: args.memory.max(32) * 1024 * 1024,
        repair: args.repair,
        year: args.year,
    }
}

pub fn run(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    if args.watch {
        return run_watching(args);
    }
    let summary = index_corpus(&config(args))?;
    report(&summary, &args.corpus);
    Ok(
        if summary.skipped.is_empty() && summary.problems.is_empty() && summary.files > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// `index --watch`: the first run reported as `index` reports it, then a line a batch that
/// changed something (see [`Told`]).
fn run_watching(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let stop = Stop::on_signals().context("catching Ctrl-C")?;
    let mut told = Told::new(&args.corpus);
    watch::watch(&watch_config(args), &stop, |change| told.tell(&change))?;
    eprintln!("newsdex: stopped; the index holds every change committed");
    Ok(ExitCode::SUCCESS)
}

/// The configuration for watching: `index`'s, without a progress bar, which each batch
/// would only flicker.
pub fn watch_config(args: &IndexArgs) -> IndexConfig {
    IndexConfig {
        progress: false,
        ..config(args)
    }
}

/// Tells of a watched folder's changes on stderr: each unreadable file once (the walk meets
/// it again every batch), and batches that changed nothing not at all.
pub struct Told<'a> {
    corpus: &'a Path,
    named: HashSet<(String, String)>,
}

impl<'a> Told<'a> {
    pub fn new(corpus: &'a Path) -> Told<'a> {
        Told {
            corpus,
            named: HashSet::new(),
        }
    }

    pub fn tell(&mut self, change: &Change) {
        match change {
            Change::CaughtUp(summary) => {
                report(summary, self.corpus);
                self.named.extend(
                    summary
                        .skipped
                        .iter()
                        .map(|s| (s.path.clone(), s.reason.clone())),
                );
                eprintln!(
                    "newsdex: watching {} for changes (Ctrl-C to stop)",
                    sanitize(&self.corpus.display().to_string())
                );
            }
            Change::Indexed(summary) => {
                let mut news = false;
                for skipped in &summary.skipped {
                    if self
                        .named
                        .insert((skipped.path.clone(), skipped.reason.clone()))
                    {
                        eprintln!(
                            "newsdex: skipped {}: {}",
                            sanitize(&skipped.path),
                            skipped.reason
                        );
                        news = true;
                    }
                }
                if news || summary.indexed > 0 || summary.removed > 0 {
                    eprintln!("{}", summary_line(summary));
                }
            }
            Change::Failed(err) => eprintln!(
                "newsdex: {err:#}; trying again in {} s",
                watch::folder::RETRY.as_secs()
            ),
            Change::Missed(why) => eprintln!("newsdex: {why}"),
        }
    }
}

/// Prints repairs, skipped files, notes on the extensions, and the one-line summary on stderr.
pub fn report(summary: &Summary, corpus: &Path) {
    for repair in &summary.repairs {
        eprintln!("newsdex: repaired: {repair}");
    }
    for skipped in &summary.skipped {
        eprintln!(
            "newsdex: skipped {}: {}",
            sanitize(&skipped.path),
            skipped.reason
        );
    }
    for problem in &summary.problems {
        eprintln!(
            "newsdex: warning: {}: {} (its other articles are indexed)",
            sanitize(&problem.path),
            sanitize(&problem.reason)
        );
    }
    let listed = |extensions: &[String]| {
        let names: Vec<String> = extensions.iter().map(|e| format!("*.{e}")).collect();
        names.join(" ")
    };
    if let Some(previous) = &summary.previous_extensions {
        eprintln!(
            "newsdex: indexing {} (this index had {}); articles in other files are removed",
            listed(&summary.extensions),
            listed(previous)
        );
    } else if summary.extensions_from_index && summary.extensions != DEFAULT_EXTENSIONS {
        eprintln!(
            "newsdex: indexing {}, as this index was built (--ext to change)",
            listed(&summary.extensions)
        );
    }
    if let Some(previous) = summary.previous_year {
        let was = previous.map_or("none".to_string(), |year| year.to_string());
        eprintln!(
            "newsdex: yearless datelines are {} now (this index had {was}); every article was dated again",
            summary
                .year
                .map_or("dated by file time".to_string(), |year| year.to_string()),
        );
    }
    if summary.files == 0 {
        eprintln!("newsdex: {}", no_articles(summary, corpus));
        if summary.removed == 0 {
            return;
        }
    }
    eprintln!("{}", summary_line(summary));
}

/// Why a run found no article, and what the folder holds instead.
fn no_articles(summary: &Summary, corpus: &Path) -> String {
    let mut others: Vec<(&String, &usize)> = summary.other_extensions.iter().collect();
    others.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let wanted = summary
        .extensions
        .iter()
        .map(|e| format!("*.{e}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let shown = sanitize(&corpus.display().to_string());
    match others.first() {
        Some((extension, _)) if !extension.is_empty() => {
            let held: Vec<String> = others
                .iter()
                .take(3)
                .map(|(extension, count)| match extension.as_str() {
                    "" => plural(
                        **count,
                        "file without an extension",
                        "files without an extension",
                    ),
                    extension => plural(
                        **count,
                        &format!("*.{extension} file"),
                        &format!("*.{extension} files"),
                    ),
                })
                .collect();
            format!(
                "no {wanted} files in {shown}, which holds {}; to index those: newsdex index {shown} --ext {extension}",
                held.join(", ")
            )
        }
        _ => format!("no {wanted} files in {shown}; nothing to index"),
    }
}

/// The summary line of a run.
fn summary_line(summary: &Summary) -> String {
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for skipped in &summary.skipped {
        let reason = skipped.reason.split([':', '(']).next().unwrap_or("").trim();
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    let skipped = if reasons.is_empty() {
        "0 skipped".to_string()
    } else {
        let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        format!("{} skipped ({})", summary.skipped.len(), list.join(", "))
    };
    let mut files = plural(summary.files, "file", "files");
    // Files of many articles (feeds, collections) say how many; text files are one each.
    if summary.articles != summary.indexed {
        files = format!(
            "{files} ({} from the files read)",
            plural(summary.articles, "article", "articles")
        );
    }
    let mut skipped = skipped;
    if summary.passed_over > 0 {
        skipped = format!(
            "{skipped}; {} passed over (not articles)",
            summary.passed_over
        );
    }
    if !summary.problems.is_empty() {
        skipped = format!(
            "{skipped}; {}",
            plural(summary.problems.len(), "error in a file", "errors in files")
        );
    }
    if summary.indexed == 0 && summary.removed == 0 {
        return format!(
            "index up to date: {files} unchanged; {skipped}; {:.2} s",
            summary.seconds
        );
    }
    format!(
        "indexed {files}: {} new or changed, {} unchanged, {} removed; {}; {skipped}; {}",
        summary.indexed,
        summary.unchanged,
        summary.removed,
        plural(summary.passages, "passage", "passages"),
        amount_read(summary)
    )
}

/// How much text a run read, and how fast: `25 KB in 0.03 s` under a megabyte (where `0.0
/// MB` would say nothing), `300.0 MB in 22.00 s (13.6 MB/s)` above.
fn amount_read(summary: &Summary) -> String {
    if summary.bytes < 1_000_000 {
        return format!(
            "{} KB in {:.2} s",
            summary.bytes.div_ceil(1000),
            summary.seconds
        );
    }
    format!(
        "{:.1} MB in {:.2} s ({:.1} MB/s)",
        summary.bytes as f64 / 1e6,
        summary.seconds,
        summary.megabytes_per_second()
    )
}

/// `1 file`, `2 files`.
fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
