//! `newsdex search`: rank passages (or articles) for a query and print them.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use newsdex::open::{self, OpenError};
use newsdex::output::{print_human, print_json};
use newsdex::query::Syntax;
use newsdex::search::{Engine, Request, SearchError};

use super::index::{self, IndexArgs};
use super::{DEFAULT_CORPUS, index_dir};

#[derive(Debug, Args)]
#[command(after_long_help = "\
Query syntax:
  cease fire            either word; passages with more of them rank first
  \"cease-fire deal\"     a phrase: these words, in this order, next to each other
  cease-fire            a hyphenated word is a phrase too; ceasefire, cease-fire and
                        \"cease fire\" all find each other's spellings
  title:syria           a word in one field: title, dateline or body
  dateline:ankara       articles filed from Ankara
  syria AND turkey      both;  syria OR turkey  either;  syria NOT russia  (or -russia;
                        a query that starts with - goes after --: search -- -russia syria)
  +syria turkey         syria required, turkey ranks higher
  negotia*              any word starting with negotia
  (a OR b) AND c        grouping
Words are matched by stem (talks finds talk) and without accents (Zurich finds Zürich).
Only upper-case AND, OR and NOT are operators. With --plain, every word is a word.

Output: rank, score, path ¶paragraph, dateline · title, and the passage with the matched
words highlighted (in colour on a terminal, [bracketed] otherwise). --json prints one JSON
object per line: rank, score, path, paragraph, title, dateline, text, highlights (UTF-8
byte offsets [start, end) into text).

With no --index and no index in ./index yet, the index is first built from ./corpus.

Exit status: 0 results found, 1 no results, 2 error.

Examples:
  newsdex search '\"cease-fire\"'
  newsdex search --articles --limit 5 syria turkey talks
  newsdex search --json 'dateline:ankara' | jq .title")]
pub struct SearchArgs {
    /// What to search for (several words are joined with spaces).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// How many results to print.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print JSON Lines, one object per result.
    #[arg(long)]
    pub json: bool,
    /// Rank whole articles: one row per article, with its best passage.
    #[arg(long)]
    pub articles: bool,
    /// Read the query as plain words: no phrases, fields or operators.
    #[arg(long)]
    pub plain: bool,
}

pub fn run(args: &SearchArgs, colour: bool) -> anyhow::Result<ExitCode> {
    let (dir, is_default) = index_dir(args.index.as_deref());
    if is_default && !open::exists(&dir) && PathBuf::from(DEFAULT_CORPUS).is_dir() {
        eprintln!(
            "newsdex: no index yet; building {} from {DEFAULT_CORPUS}/ first",
            dir.display()
        );
        let build = IndexArgs {
            corpus: PathBuf::from(DEFAULT_CORPUS),
            index: None,
            extensions: Vec::new(),
            memory: index::MEMORY_BUDGET_MB,
        };
        index::run(&build)?;
    }
    let query = args.query.join(" ");
    let request = Request {
        syntax: if args.plain {
            Syntax::Plain
        } else {
            Syntax::Full
        },
        limit: args.limit.max(1),
        articles: args.articles,
        ..Request::new(&query)
    };
    // tantivy panics on some kinds of corrupted files; that is a damaged index, not a crash.
    let searched = super::catch_panic(|| {
        let mut engine = Engine::open(&dir)?;
        let hits = engine.search(&request);
        // The process ends after printing, and the kernel unmaps the index files faster at
        // exit than dropping the engine's forty-odd mappings one by one (0.2-0.5 ms of a
        // 6-7 ms search on the 300 MB bench index; README, performance).
        std::mem::forget(engine);
        hits
    });
    let hits = match searched {
        Ok(Ok(hits)) => hits,
        // A first `index` run that never committed: nothing to find yet.
        Ok(Err(SearchError::Open(empty @ OpenError::Empty(_)))) => {
            eprintln!("newsdex: {empty}");
            return Ok(ExitCode::from(1));
        }
        Ok(Err(SearchError::Index(err))) => return Err(damaged(&dir, &err.to_string())),
        Ok(Err(err)) => return Err(err.into()),
        Err(panic) => return Err(damaged(&dir, &panic)),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = if args.json {
        print_json(&mut out, &hits)
    } else {
        print_human(&mut out, &hits, colour)
    }
    .and_then(|()| out.flush());
    match printed {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing results")?,
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A failure inside the index files: say how to recover.
fn damaged(dir: &std::path::Path, cause: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "reading the index in {} failed ({cause}); it may be damaged: delete the folder and run `newsdex index CORPUS --index {}` to rebuild it",
        dir.display(),
        dir.display()
    )
}
