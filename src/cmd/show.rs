//! `newsdex show`: print one indexed article whole, as `search` numbers its passages.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use newsdex::output::{JsonArticle, print_article, sanitize};
use newsdex::search::Engine;

use super::index_dir;

#[derive(Debug, Args)]
#[command(after_long_help = "\
PATH is an article as `search` shows it (relative to the current folder, or absolute), or
its path below the indexed folder; an article of a file of many (a feed, a TREC or JSON
Lines collection) is path#id, its id as search shows it. Only articles in the index can be
shown. An article of a file of many is always the text indexed. The text is the
file's when it is still the one indexed, otherwise the text indexed (and the path line says
the file changed or is gone).

Exit status: 0 shown, 1 no such article in the index, 2 error.

Examples:
  newsdex search cease-fire --limit 1          then, with the path it prints:
  newsdex show corpus/turkey-unhappy-with-syria-talks.txt --highlight cease-fire
  newsdex show --json corpus/turkey-unhappy-with-syria-talks.txt | jq '.paragraphs[0].text'
  newsdex show 'wire/desk.rss#urn:desk:ferry-2'")]
pub struct ShowArgs {
    /// The article's path.
    pub path: String,
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Mark the words of this query (any `search` query).
    #[arg(long, value_name = "QUERY")]
    pub highlight: Option<String>,
    /// Print the article as one JSON object: path, title, dateline, title_highlights, file,
    /// paragraphs (number, text, highlights).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ShowArgs, colour: bool) -> anyhow::Result<ExitCode> {
    let (dir, _) = index_dir(args.index.as_deref());
    let mut engine = Engine::open(&dir)?;
    let key = engine.article_key(&args.path);
    let Some(article) = engine.article(&key, args.highlight.as_deref())? else {
        eprintln!(
            "newsdex: {} is not an article in the index in {} (`newsdex search` shows the paths it holds)",
            sanitize(&args.path),
            sanitize(&dir.display().to_string())
        );
        return Ok(ExitCode::from(1));
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let printed = if args.json {
        serde_json::to_writer(&mut out, &JsonArticle::new(&article))
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
    } else {
        print_article(&mut out, &article, colour)
    }
    .and_then(|()| out.flush());
    match printed {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing the article")?,
    }
    Ok(ExitCode::SUCCESS)
}
