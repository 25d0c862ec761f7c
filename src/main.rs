//! The `newsdex` command line: parses arguments, runs a subcommand, prints errors once.

mod cmd;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use cmd::ColorChoice;

/// Full-text search for a folder of news articles: index them, then find the passages that
/// match best.
#[derive(Debug, Parser)]
#[command(
    name = "newsdex",
    version,
    after_long_help = "\
Start with:
  newsdex index corpus        build ./index from the articles in ./corpus
  newsdex search '\"cease-fire\"'
  newsdex show PATH           read a hit's article whole
  newsdex serve               search in a browser at http://127.0.0.1:7700/
  newsdex check               verify the index and say how to repair it

Exit status: 0 success (results found, index sound), 1 nothing found, files skipped or
index damaged, 2 error."
)]
struct Cli {
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index a folder of articles (incremental: only changes are re-read).
    Index(cmd::index::IndexArgs),
    /// Search the index and print the best passages.
    Search(cmd::search::SearchArgs),
    /// Print one indexed article whole, its paragraphs numbered as search numbers them.
    Show(cmd::show::ShowArgs),
    /// Show what an index holds: articles, stories, dates, datelines, size.
    Stats(cmd::stats::StatsArgs),
    /// Verify every file of the index and each article's passages; say how to repair.
    Check(cmd::check::CheckArgs),
    /// Measure ranking quality on a test collection with relevance judgments.
    Eval(cmd::eval::EvalArgs),
    /// Answer searches over HTTP: a JSON API and a search page.
    Serve(cmd::serve::ServeArgs),
    /// Print a shell completion script (bash, zsh or fish).
    Completions(cmd::completions::CompletionsArgs),
    /// Print a man page (roff).
    Man(cmd::man::ManArgs),
}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The command is built once (a search's process pays for it): for the rewrite of words
    // that start with `-`, and for parsing.
    let command = Cli::command();
    if let Some(search) = command.find_subcommand("search") {
        match cmd::search::words_with_dashes(args, search) {
            Ok(rewritten) => args = rewritten,
            Err(message) => {
                print_error(&message);
                return ExitCode::from(2);
            }
        }
    }
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let colour = cli.color.enabled();
    cmd::install_panic_hook();
    let result = cmd::catch_panic(|| match &cli.command {
        Command::Index(args) => cmd::index::run(args),
        Command::Search(args) => cmd::search::run(args, colour),
        Command::Show(args) => cmd::show::run(args, colour),
        Command::Stats(args) => cmd::stats::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Completions(args) => cmd::completions::run(args, Cli::command()),
        Command::Man(args) => cmd::man::run(args, Cli::command()),
    });
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(err)) => {
            print_error(&format!("{err:#}"));
            ExitCode::from(2)
        }
        Err(panic) => {
            print_error(&format!("{panic} (please report it)"));
            ExitCode::from(2)
        }
    }
}

/// Prints `newsdex: MESSAGE` on stderr in one write, so that it reaches the user whole or not
/// at all (`eprintln!` writes each piece of its format on its own, and panics when one fails,
/// as on a disk that is failing when stderr is a file on it).
fn print_error(message: &str) {
    use std::io::Write;
    let line = format!("newsdex: {message}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// glibc keeps freed blocks for reuse, raising its threshold for handing big ones straight
/// back up to 32 MB: indexing frees a segment's 1 MB arena pages and a merge's large reads
/// only for glibc to hold on to them. Blocks of 512 KB and more are mapped and unmapped
/// instead, which brought peak RSS while indexing the 1 GB bench corpus from 492 to 374-390 MB
/// (docs/benchmarks.md).
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 512 * 1024);
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        super::Cli::command().debug_assert();
    }
}
