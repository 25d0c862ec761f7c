//! `newsdex index`: bring an index up to date with a folder of articles.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use newsdex::corpus::DEFAULT_EXTENSIONS;
use newsdex::indexer::{IndexConfig, Summary, index_corpus};

use super::{DEFAULT_CORPUS, index_dir, progress_wanted};

/// Default indexing memory budget: enough for fast segment building, well under the 400 MB
/// the process may use in all.
pub const MEMORY_BUDGET_MB: usize = 200;

#[derive(Debug, Args)]
#[command(after_long_help = "\
Re-running on the same folder is incremental: only new or changed files (by size and
modification time) are read again, and the passages of deleted files are removed.

Files: every *.txt below CORPUS (add more extensions with --ext); hidden files and folders
are passed over. A file is skipped, and named on stderr with the reason, only when it cannot
be read or is binary; any text encoding is read (UTF-8, UTF-16 with BOM, else Windows-1252).
Symlinks are never followed.

Exit status: 0 every file indexed, 1 finished but some files were skipped, 2 error.

Examples:
  newsdex index                          index ./corpus into ./index
  newsdex index ~/news --index ~/news.idx
  newsdex index wire --ext story --ext txt")]
pub struct IndexArgs {
    /// Folder of articles to index.
    #[arg(default_value = DEFAULT_CORPUS)]
    pub corpus: PathBuf,
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// File extension to index (repeatable) [default: txt].
    #[arg(long = "ext", value_name = "EXT")]
    pub extensions: Vec<String>,
    /// Indexing memory budget in MB.
    #[arg(long, value_name = "MB", default_value_t = MEMORY_BUDGET_MB)]
    pub memory: usize,
}

/// Builds the configuration from arguments.
pub fn config(args: &IndexArgs) -> IndexConfig {
    let extensions = if args.extensions.is_empty() {
        DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect()
    } else {
        args.extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_string())
            .collect()
    };
    IndexConfig {
        corpus: args.corpus.clone(),
        index_dir: index_dir(args.index.as_deref()).0,
        extensions,
        progress: progress_wanted(),
        memory_budget: args.memory.max(32) * 1024 * 1024,
    }
}

pub fn run(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let summary = index_corpus(&config(args))?;
    report(&summary);
    Ok(if summary.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints skipped files and the one-line summary on stderr.
pub fn report(summary: &Summary) {
    for skipped in &summary.skipped {
        eprintln!(
            "newsdex: skipped {}: {}",
            newsdex::output::sanitize(&skipped.path),
            skipped.reason
        );
    }
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
    eprintln!(
        "indexed {} files: {} new or changed, {} unchanged, {} removed; {} passages; {}; {:.1} MB in {:.2} s ({:.1} MB/s)",
        summary.files,
        summary.indexed,
        summary.unchanged,
        summary.removed,
        summary.passages,
        skipped,
        summary.bytes as f64 / 1e6,
        summary.seconds,
        summary.megabytes_per_second()
    );
}
