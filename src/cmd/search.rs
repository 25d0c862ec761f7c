//! `newsdex search`: rank passages (or articles) for a query and print them.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use newsdex::dates::{Day, parse_day};
use newsdex::numbers::thousands;
use newsdex::open::{self, OpenError};
use newsdex::output::{JsonFacets, Look, print_facets, print_human, print_json, sanitize};
use newsdex::query::Syntax;
use newsdex::search::{
    DEFAULT_LIMIT, DEFAULT_PER_ARTICLE, Engine, MAX_QUERY_WORDS, Request, Results, SearchError,
    Sort,
};
use newsdex::watch::{Follow, POLL, Stop};

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
  place:london          filters: articles whose dateline's place (or agency:reuters, its
                        agency) is exactly that; what --facets counts; --place and
                        --agency filter so, leaving the query's ranking as it is
  syria AND turkey      both;  syria OR turkey  either;  syria NOT russia  (or -russia)
  +syria turkey         syria required, turkey ranks higher
  negotia*              any word starting with negotia (the common ones rank first)
  (a OR b) AND c        grouping
Words are matched by stem (talks finds talk) and without accents (Zurich finds Zürich).
Only upper-case AND, OR and NOT are operators. With --plain, every word is a word.

Output: rank, score, path ¶paragraph, dateline · title, and the passage with the matched
words highlighted (in colour on a terminal, [bracketed] otherwise); a hit whose file changed
or vanished since indexing says so, and shows the text as indexed. On stderr: how many
matched in all (`1-10 of 3,321 passages`; counted up to 10,000), query words the index
does not hold, and why nothing matched. --json prints one JSON object per line: rank, score,
path, id (an article's id in a file of many: DOCNO, guid; else null), paragraph, title,
dateline, text, highlights and title_highlights (UTF-8 byte offsets [start, end) into text
and title), file (unchanged, changed or missing).

--follow makes a standing search: after the results, it keeps running and prints each
matching article that a commit brings (`newsdex index DIR --watch` in another terminal, or
any `index` run), one row each with its best passage and its rank among all matches, each
article once, until Ctrl-C (exit 0). It follows the best 10,000 matches.

With no --index and no index in ./index yet, the index is first built from ./corpus.

Exit status: 0 results found, 1 no results, 2 error.

Examples:
  newsdex search '\"cease-fire\"'
  newsdex search --articles --limit 5 syria turkey talks
  newsdex search --json 'dateline:ankara' | jq .title
  newsdex search --follow --json 'title:earthquake'   a standing search, as JSON Lines")]
pub struct SearchArgs {
    /// What to search for (several words are joined with spaces).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Index folder [default: index].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// How many results to print (at least 1).
    #[arg(long, short = 'n', value_name = "N", default_value_t = DEFAULT_LIMIT as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: u64,
    /// Skip the first N results: --offset 10 shows the second page of ten.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
    /// Print JSON Lines, one object per result.
    #[arg(long)]
    pub json: bool,
    /// Rank whole articles: one row per article, with its best passage.
    #[arg(long)]
    pub articles: bool,
    /// Read the query as plain words: no phrases, fields or operators.
    #[arg(long)]
    pub plain: bool,
    /// Show every near-duplicate article on its own, not one row per story.
    #[arg(long)]
    pub all: bool,
    /// Most passages of one article to list (0: all).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_ARTICLE)]
    pub per_article: usize,
    /// Only articles dated on or after DATE: 2019-10-23, or an age such as 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before DATE (as --since).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only articles filed from PLACE, as their dateline names it (london, "new york").
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    /// Only articles filed by AGENCY, as their dateline names it (reuters, ap).
    #[arg(long, value_name = "AGENCY")]
    pub agency: Option<String>,
    /// Search for the suggested spelling when a word looks misspelt (see "did you mean").
    #[arg(long)]
    pub fix: bool,
    /// Take each result's score apart: each signal's share, summing to the score.
    #[arg(long)]
    pub explain: bool,
    /// Also count the matching stories by place, agency and date (every match, not the page).
    #[arg(long)]
    pub facets: bool,
    /// Order: by relevance, or newest first.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance, value_name = "ORDER")]
    pub sort: SortArg,
    /// Keep running: print each new matching article as it is indexed.
    #[arg(long, conflicts_with = "fix")]
    pub follow: bool,
}

/// The orders `--sort` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Relevance,
    /// Newest first (the better match first within a day).
    Date,
}

/// The `--since` and `--until` days, checked: each a date or an age, in order.
fn date_window(args: &SearchArgs) -> anyhow::Result<(Option<Day>, Option<Day>)> {
    let today = Day::today();
    let parse = |text: &Option<String>, flag: &str| {
        text.as_deref()
            .map(|text| parse_day(text, today).map_err(|err| anyhow::anyhow!("{flag} {err}")))
            .transpose()
    };
    let (since, until) = (
        parse(&args.since, "--since")?,
        parse(&args.until, "--until")?,
    );
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        anyhow::bail!("--since {since} is after --until {until}: nothing can be dated between");
    }
    Ok((since, until))
}

pub fn run(args: &SearchArgs, colour: bool) -> anyhow::Result<ExitCode> {
    let (dir, is_default) = index_dir(args.index.as_deref());
    if is_default && !open::exists(&dir) && PathBuf::from(DEFAULT_CORPUS).is_dir() {
        build_first_index(&dir)?;
    }
    let query = args.query.join(" ");
    let (since, until) = date_window(args)?;
    let request = request(args, &query, since, until);
    if args.follow {
        return follow(&dir, args, &query, &request, colour);
    }
    let (results, searched_for) = match search(&dir, &request, args.fix) {
        Ok(Ok(found)) => found,
        // A first `index` run that never committed: nothing to find yet.
        Ok(Err(SearchError::Open(empty @ OpenError::Empty(_)))) => {
            eprintln!("newsdex: {empty}");
            return Ok(ExitCode::from(1));
        }
        Ok(Err(SearchError::Index(err))) => return Err(damaged(&dir, open::cause(&dir, &err))),
        Ok(Err(err)) => return Err(err.into()),
        Err(panic) => return Err(damaged(&dir, panic)),
    };
    match print_page(args, &request, &results, colour) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing results")?,
    }
    if let Some(fixed) = &searched_for {
        eprintln!(
            "newsdex: searched for {} instead of {}",
            quoted(fixed),
            quoted(&query)
        );
    }
    for note in notes(&query, &request, &results, !args.json) {
        eprintln!("newsdex: {note}");
    }
    Ok(if results.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints a page of results, and the facets when asked for, on stdout.
fn print_page(
    args: &SearchArgs,
    request: &Request,
    results: &Results,
    colour: bool,
) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let first_rank = request.offset.saturating_add(1);
    if args.json {
        print_json(&mut out, &results.hits, first_rank)
    } else {
        let look = Look { first_rank, colour };
        print_human(&mut out, &results.hits, look)
    }
    .and_then(|()| match &results.facets {
        Some(facets) if args.json => {
            serde_json::to_writer(&mut out, &JsonFacets { facets }).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }
        Some(facets) => print_facets(&mut out, facets),
        None => Ok(()),
    })
    .and_then(|()| out.flush())
}

/// `search --follow`: the page as `search` prints it, then each matching article that a new
/// commit brings, one row each, until Ctrl-C (exit 0) or a closed pipe.
fn follow(
    dir: &Path,
    args: &SearchArgs,
    query: &str,
    request: &Request,
    colour: bool,
) -> anyhow::Result<ExitCode> {
    let stop = Stop::on_signals().context("catching Ctrl-C")?;
    let (results, mut follow) = Follow::start(dir, request).map_err(|err| failed(dir, err))?;
    let printed = match &results {
        Some(results) => {
            let printed = print_page(args, request, results, colour);
            for note in notes(query, request, results, !args.json) {
                eprintln!("newsdex: {note}");
            }
            printed
        }
        None => {
            eprintln!("newsdex: {} holds no articles yet", dir.display());
            Ok(())
        }
    };
    if let Some(ended) = pipe_closed(printed)? {
        return Ok(ended);
    }
    eprintln!(
        "newsdex: following {}: each new matching article prints as it is indexed (Ctrl-C to stop)",
        quoted(query)
    );
    let mut last_error = String::new();
    while !stop.requested() {
        let new = match follow.poll() {
            Ok(new) => new,
            // Read as a commit was being made, or damage that stays: said once, tried again.
            Err(err) => {
                let message = format!("{:#}", failed(dir, err));
                if message != last_error {
                    eprintln!("newsdex: {message}; trying again");
                    last_error = message;
                }
                Vec::new()
            }
        };
        if new.is_empty() {
            std::thread::sleep(POLL);
            continue;
        }
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let printed = new
            .iter()
            .try_for_each(|(rank, hit)| {
                let hit = std::slice::from_ref(hit);
                if args.json {
                    print_json(&mut out, hit, *rank)
                } else {
                    writeln!(out)?;
                    print_human(
                        &mut out,
                        hit,
                        Look {
                            first_rank: *rank,
                            colour,
                        },
                    )
                }
            })
            .and_then(|()| out.flush());
        if let Some(ended) = pipe_closed(printed)? {
            return Ok(ended);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A closed pipe (`| head -3`) ends a standing search without error.
fn pipe_closed(printed: io::Result<()>) -> anyhow::Result<Option<ExitCode>> {
    match printed {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(Some(ExitCode::SUCCESS)),
        other => other.context("writing results").map(|()| None),
    }
}

/// A search's failure as the user is told of it: one inside the index files says how to
/// recover.
fn failed(dir: &Path, err: SearchError) -> anyhow::Error {
    match err {
        SearchError::Index(err) => damaged(dir, open::cause(dir, &err)),
        other => other.into(),
    }
}

/// The default index built from the sample corpus, for a first `search` in the checkout.
fn build_first_index(dir: &Path) -> anyhow::Result<()> {
    eprintln!(
        "newsdex: no index yet; building {} from {DEFAULT_CORPUS}/ first",
        dir.display()
    );
    let build = IndexArgs {
        corpus: PathBuf::from(DEFAULT_CORPUS),
        index: None,
        extensions: Vec::new(),
        memory: index::MEMORY_BUDGET_MB,
        repair: false,
        year: None,
        watch: false,
    };
    index::run(&build).map(drop)
}

/// The engine's request for the command line's options.
fn request<'q>(
    args: &'q SearchArgs,
    query: &'q str,
    since: Option<Day>,
    until: Option<Day>,
) -> Request<'q> {
    Request {
        syntax: if args.plain {
            Syntax::Plain
        } else {
            Syntax::Full
        },
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        offset: usize::try_from(args.offset).unwrap_or(usize::MAX),
        articles: args.articles,
        collapse: !args.all,
        explain: args.explain,
        facets: args.facets,
        per_article: args.per_article,
        since,
        until,
        place: args
            .place
            .as_deref()
            .filter(|place| !place.trim().is_empty()),
        agency: args
            .agency
            .as_deref()
            .filter(|agency| !agency.trim().is_empty()),
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        ..Request::new(query)
    }
}

/// Opens the index and searches it, once more for the suggested spelling with `fix`: the
/// results, and the query searched for instead. A panic inside tantivy comes back as `Err`:
/// tantivy panics on some kinds of damaged files, and that is a damaged index, not a crash.
fn search(
    dir: &Path,
    request: &Request,
    fix: bool,
) -> Result<Result<(Results, Option<String>), SearchError>, String> {
    super::catch_panic(|| {
        let mut engine = Engine::open(dir)?;
        let mut results = engine.search(request);
        let mut searched_for = None;
        if fix
            && let Ok(Results {
                did_you_mean: Some(fixed),
                ..
            }) = &results
        {
            let fixed = fixed.clone();
            results = engine.search(&Request {
                query: &fixed,
                ..request.clone()
            });
            searched_for = Some(fixed);
        }
        // The process ends after printing, and the kernel unmaps the index files faster at
        // exit than dropping the engine's forty-odd mappings one by one (0.2-0.5 ms of a
        // 6-7 ms search on the 300 MB bench index; docs/benchmarks.md).
        std::mem::forget(engine);
        results.map(|results| (results, searched_for))
    })
}

/// What a search tells the user on stderr: a query cut short, words the index lacks, that
/// nothing matched, and (for a person) how many results there are in all.
fn notes(query: &str, request: &Request, results: &Results, counts: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(words) = results.cut_from {
        notes.push(format!(
            "the query has {} words; searched for its first {MAX_QUERY_WORDS}",
            thousands(words as u64)
        ));
    }
    let unmatched = (!results.unmatched.is_empty())
        .then(|| format!("not in the index: {}", results.unmatched.join(", ")));
    let suggestion = results
        .did_you_mean
        .as_deref()
        .map(|fixed| format!("; did you mean {}? (--fix searches for it)", quoted(fixed)))
        .unwrap_or_default();
    let total = &results.total;
    let unit = match (request.articles, total.count == 1 && !total.at_least) {
        (true, true) => "article",
        (true, false) => "articles",
        (false, true) => "passage",
        (false, false) => "passages",
    };
    if results.hits.is_empty() {
        let why = unmatched.map(|u| format!(" ({u})")).unwrap_or_default();
        if let Some(outside) = results.outside_window {
            let unit = match (request.articles, outside.count == 1 && !outside.at_least) {
                (true, true) => "article matches",
                (true, false) => "articles match",
                (false, true) => "passage matches",
                (false, false) => "passages match",
            };
            notes.push(format!(
                "{}{} {unit} {} outside {}",
                thousands(outside.count),
                if outside.at_least { "+" } else { "" },
                quoted(query),
                window_text(request)
            ));
        } else if total.count == 0 {
            notes.push(format!(
                "nothing matched {}{why}{suggestion}",
                quoted(query)
            ));
        } else {
            notes.push(format!(
                "no results from {} on: {}{} {unit} matched",
                request.offset + 1,
                thousands(total.count),
                if total.at_least { "+" } else { "" }
            ));
        }
        return notes;
    }
    match unmatched {
        Some(unmatched) => notes.push(format!(
            "{unmatched}; the results are for the other words{suggestion}"
        )),
        None if !suggestion.is_empty() => notes.push(suggestion[2..].to_string()),
        None => {}
    }
    if counts {
        let (first, last) = (request.offset + 1, request.offset + results.hits.len());
        let shown = if first == last {
            thousands(first as u64)
        } else {
            format!("{}-{}", thousands(first as u64), thousands(last as u64))
        };
        notes.push(format!(
            "{shown} of {}{} {unit}{}",
            thousands(total.count),
            if total.at_least { "+" } else { "" },
            if results.more {
                format!(" (--offset {last} for more)")
            } else if (last as u64) < total.count {
                // Copies and passages past --per-article share the rows shown.
                " (the rest are within these rows)".to_string()
            } else {
                String::new()
            }
        ));
    }
    notes
}

/// A date window as a message names it: `2026-10-01..2026-10-15`, `2026-10-01..`, `..2026-10-15`.
fn window_text(request: &Request) -> String {
    let day = |day: Option<Day>| day.map(|day| day.to_string()).unwrap_or_default();
    format!("{}..{}", day(request.since), day(request.until))
}

/// The query as the user typed it, quoted for a message, control characters escaped.
fn quoted(query: &str) -> String {
    format!("`{}`", sanitize(query))
}

/// A failure inside the index files: say how to recover.
fn damaged(dir: &std::path::Path, cause: String) -> anyhow::Error {
    OpenError::Damaged {
        dir: dir.display().to_string(),
        cause,
    }
    .into()
}

/// Makes a query word that starts with `-` (`-russia`, to exclude russia) reach `search` as
/// a word, not as an option clap would reject: `search soviet -russia` works as the syntax
/// table says. A token after `search` that starts with a single `-` is a word unless it is one
/// of `search`'s short options (`-n 5`, `-n5`, `-h`); it is passed on with a leading space,
/// which the query parser skips. Tokens after `--` are left as they are, but one that is an
/// option of `search` is an error: it would be searched for as a word.
pub fn words_with_dashes(
    args: Vec<OsString>,
    search: &clap::Command,
) -> Result<Vec<OsString>, String> {
    let Some(at) = args.iter().position(|arg| arg == "search") else {
        return Ok(args);
    };
    let takes_value: Vec<String> = search
        .get_arguments()
        .filter(|arg| arg.get_action().takes_values() && !arg.is_positional())
        .flat_map(|arg| {
            let long = arg.get_long().map(|long| format!("--{long}"));
            let short = arg.get_short().map(|short| format!("-{short}"));
            long.into_iter().chain(short)
        })
        .chain(["--color".to_string()])
        .collect();
    let shorts: Vec<char> = search
        .get_arguments()
        .filter_map(|arg| arg.get_short())
        .chain(['h'])
        .collect();
    let options: Vec<String> = search
        .get_arguments()
        .filter(|arg| !arg.is_positional())
        .flat_map(|arg| {
            let long = arg.get_long().map(|long| format!("--{long}"));
            let short = arg.get_short().map(|short| format!("-{short}"));
            long.into_iter().chain(short)
        })
        .chain([
            "--color".to_string(),
            "--help".to_string(),
            "-h".to_string(),
        ])
        .collect();
    let mut rewritten: Vec<OsString> = args[..=at].to_vec();
    let mut after_dashes = false;
    let mut value_next = false;
    for arg in &args[at + 1..] {
        let text = arg.to_string_lossy();
        if after_dashes {
            let name = text.split('=').next().unwrap_or_default();
            if options.iter().any(|option| option == name) {
                return Err(format!(
                    "`{text}` comes after `--`, so it would be searched for as a word; leave out the `--` (a query word may start with -: newsdex search soviet -russia --limit 5)"
                ));
            }
        } else if value_next {
            value_next = false;
        } else if text == "--" {
            after_dashes = true;
        } else if takes_value.iter().any(|option| *option == text) {
            value_next = true;
        } else if is_dash_word(&text, &shorts) {
            let mut word = OsString::from(" ");
            word.push(arg);
            rewritten.push(word);
            continue;
        }
        rewritten.push(arg.clone());
    }
    Ok(rewritten)
}

/// Whether a token that starts with one `-` is a query word rather than a short option:
/// `-russia`, `-1987` and `-nuclear` are words; `-n`, `-n5` and `-h` are options.
fn is_dash_word(token: &str, shorts: &[char]) -> bool {
    let Some(rest) = token.strip_prefix('-') else {
        return false;
    };
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if first == '-' {
        return false;
    }
    let value = chars.as_str();
    !shorts.contains(&first) || !(value.is_empty() || value.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_words_are_words_and_short_options_stay_options() {
        let shorts = ['n', 'h'];
        for word in ["-russia", "-1987", "-nuclear", "-hamas", "-zürich"] {
            assert!(is_dash_word(word, &shorts), "{word}");
        }
        for option in ["-n", "-n5", "-h", "--limit", "-", "soviet"] {
            assert!(!is_dash_word(option, &shorts), "{option}");
        }
    }
}
