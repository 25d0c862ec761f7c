//! `newsdex eval`: measure ranking quality on a test collection.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use newsdex::corpus::DEFAULT_EXTENSIONS;
use newsdex::eval::{RUN_DEPTH, Ranking, evaluate, read_qrels, read_queries, trec_run};
use newsdex::indexer::{IndexConfig, index_corpus};
use newsdex::open;
use newsdex::query::Syntax;
use newsdex::search::{Detail, Engine, Hit, Request, SearchError, Signal, Signals, Tuning};

#[derive(Debug, Args)]
#[command(after_long_help = "\
A collection is a folder with corpus/ (articles), queries.tsv (qid<TAB>text) and qrels.txt
(TREC: qid 0 docid grade; docid = file name without extension). eval indexes the corpus
(reusing its index when it is current), runs every query as plain words ranking whole
articles (`newsdex search --plain --articles`, 1000 deep), and prints trec_eval's nDCG@10
(graded), P@10, MAP and Recall@100. Near-duplicate articles, which search shows as one
story, are listed in the run at their story's rank, each judged on its own. Nothing is
written inside the collection folder.

With --passages the judged unit is a passage, docid `<file name without extension>#<n>` for
its paragraph n: every query runs as `newsdex search` takes it (its syntax, two passages an
article, a story's copies after its row), 1000 passages deep.

Examples:
  newsdex eval ../shared/corpora/collections/cran
  newsdex eval cran --run cran.trec --json
  newsdex eval cran --without feedback      what feedback is worth on cran
  newsdex eval bench/passages --passages --corpus ../shared/corpora/news/reuters21578/corpus")]
pub struct EvalArgs {
    /// Collection folder: corpus/, queries.tsv, qrels.txt.
    pub collection: PathBuf,
    /// Judge passages, not articles: qrels name `<docid>#<paragraph>`.
    #[arg(long)]
    pub passages: bool,
    /// The collection's articles, when they are not in its corpus/ folder.
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Rank N results deep (at most 1000): 10 ranks as an interactive search does, drawing
    /// the articles it draws (nDCG@10 and P@10 are then a user's; MAP is cut short).
    #[arg(long, value_name = "N", default_value_t = RUN_DEPTH as u64,
          value_parser = clap::value_parser!(u64).range(1..=RUN_DEPTH as u64))]
    pub depth: u64,
    /// Index folder [default: a folder under the system's temp folder, one per collection].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Also write the TREC run (top 1000 per query) to FILE.
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// Print the metrics as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Rank without this signal (repeatable), to measure what it is worth:
    /// bm25f, proximity, exact-title, feedback, article.
    #[arg(long, value_name = "SIGNAL")]
    pub without: Vec<Signal>,
    /// Rank with a ranking constant set (repeatable), to measure it: k1, b, title_weight,
    /// proximity, proximity_slop, exact_title, feedback_min_words, feedback_docs,
    /// feedback_terms, feedback_original, other_passages, rerank_depth.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub settings: Vec<String>,
}

pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let mut tuning = Tuning::default();
    for setting in &args.settings {
        tuning
            .set(setting)
            .map_err(|err| anyhow::anyhow!("--set {err}"))?;
    }
    let collection = fs::canonicalize(&args.collection)
        .with_context(|| format!("cannot open collection {}", args.collection.display()))?;
    let queries = read_queries(&collection.join("queries.tsv"))?;
    let qrels = read_qrels(&collection.join("qrels.txt"))?;
    let corpus = match &args.corpus {
        Some(corpus) => fs::canonicalize(corpus)
            .with_context(|| format!("cannot open corpus {}", corpus.display()))?,
        None => collection.join("corpus"),
    };
    let index_dir = match &args.index {
        Some(dir) => dir.clone(),
        None => {
            // eval's own cache, one a corpus: an index from another newsdex version is simply
            // rebuilt.
            let dir = default_index(args.corpus.as_ref().map_or(&collection, |_| &corpus));
            if open::is_other_version(&dir) {
                fs::remove_dir_all(&dir)
                    .with_context(|| format!("removing the old index {}", dir.display()))?;
            }
            dir
        }
    };
    let config = IndexConfig {
        corpus: corpus.clone(),
        index_dir: index_dir.clone(),
        extensions: Some(DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect()),
        progress: super::progress_wanted(),
        memory_budget: super::index::MEMORY_BUDGET_MB * 1024 * 1024,
        repair: false,
        year: None,
    };
    let summary = index_corpus(&config)?;
    super::index::report(&summary, &corpus);

    let signals = args
        .without
        .iter()
        .fold(Signals::ALL, |signals, &signal| signals.without(signal));
    let started = std::time::Instant::now();
    let engine = Engine::open(&index_dir).map_err(anyhow::Error::new)?;
    let unit = if args.passages {
        Unit::Passages
    } else {
        Unit::Articles
    };
    let depth = usize::try_from(args.depth).unwrap_or(RUN_DEPTH);
    let runs = rank_all(&engine, &queries, unit, depth, signals, tuning)?;
    if let Some(path) = &args.run {
        fs::write(path, trec_run(&queries, &runs, "newsdex"))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // The searches' own time, as the bench times the peers': opening the index and running
    // every query, not checking the corpus.
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "newsdex: {} queries in {seconds:.2} s ({:.1} ms a query)",
        queries.len(),
        1000.0 * seconds / queries.len().max(1) as f64
    );
    let metrics = evaluate(&qrels, &runs);
    if args.json {
        println!("{}", serde_json::to_string(&metrics)?);
    } else {
        println!("collection     {}", collection.display());
        println!("queries        {}", metrics.queries);
        println!("nDCG@10        {:.4}", metrics.ndcg_at_10);
        println!("P@10           {:.4}", metrics.p_at_10);
        println!("MAP            {:.4}", metrics.map);
        println!("Recall@100     {:.4}", metrics.recall_at_100);
    }
    Ok(ExitCode::SUCCESS)
}

/// What a run ranks and the qrels judge.
#[derive(Debug, Clone, Copy)]
enum Unit {
    /// Articles, the query read as plain words.
    Articles,
    /// Passages as `search` lists them, the query in its syntax.
    Passages,
}

/// Every query's ranking, by query id. The queries are independent: a thread a core, each
/// with its own clone of the engine.
fn rank_all(
    engine: &Engine,
    queries: &[(String, String)],
    unit: Unit,
    depth: usize,
    signals: Signals,
    tuning: Tuning,
) -> anyhow::Result<HashMap<String, Ranking>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = queries.len().div_ceil(threads).max(1);
    let rankings: Vec<anyhow::Result<Vec<(String, Ranking)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = queries
            .chunks(share)
            .map(|chunk| {
                let mut engine = engine.clone();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(qid, text)| {
                            let ranking = rank(&mut engine, text, unit, depth, signals, tuning)
                                .with_context(|| format!("query {qid}"))?;
                            Ok((qid.clone(), ranking))
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut runs: HashMap<String, Ranking> = HashMap::new();
    for ranked in rankings {
        runs.extend(ranked?);
    }
    Ok(runs)
}

/// One query's ranking, `depth` deep: articles, or passages. A story's copies follow it, each
/// with its own score and judged on its own, as `search --json` lists them.
fn rank(
    engine: &mut Engine,
    text: &str,
    unit: Unit,
    depth: usize,
    signals: Signals,
    tuning: Tuning,
) -> Result<Ranking, SearchError> {
    let request = Request {
        syntax: match unit {
            Unit::Articles => Syntax::Plain,
            Unit::Passages => Syntax::Full,
        },
        limit: depth,
        articles: matches!(unit, Unit::Articles),
        signals,
        tuning,
        detail: Detail::Scores,
        ..Request::new(text)
    };
    let hits = match engine.search(&request) {
        Ok(results) => results.hits,
        Err(SearchError::EmptyQuery) => Vec::new(),
        Err(err) => return Err(err),
    };
    let id = |hit: &Hit| match unit {
        Unit::Articles => docid(&hit.path, hit.id.as_deref()),
        Unit::Passages => format!("{}#{}", docid(&hit.path, hit.id.as_deref()), hit.paragraph),
    };
    Ok(hits
        .into_iter()
        .flat_map(|hit| {
            let copies = hit.copies.iter().map(|copy| (id(copy), copy.score));
            let row = (id(&hit), hit.score);
            std::iter::once(row).chain(copies).collect::<Vec<_>>()
        })
        .collect())
}

/// A stable 64-bit hash (FNV-1a) that names a collection's cache folder.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A per-collection (or per-corpus) index folder outside it, so read-only collections work
/// and repeated runs reuse the index.
fn default_index(collection: &Path) -> PathBuf {
    let name = collection
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = fnv1a(&collection.to_string_lossy());
    std::env::temp_dir()
        .join("newsdex-eval")
        .join(format!("{name}-{key:016x}"))
}

/// The collection's document id: an article of a file of many by its id, since TREC qrels
/// name DOCNOs whatever file holds them; a one-article file by its name without its
/// extension.
fn docid(path: &str, id: Option<&str>) -> String {
    if let Some(id) = id {
        return id.to_string();
    }
    Path::new(path)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::docid;

    #[test]
    fn docid_is_the_id_of_an_article_of_many_else_the_file_stem() {
        assert_eq!(
            docid("corpus/ap/AP880212#AP880212-0004", Some("AP880212-0004")),
            "AP880212-0004"
        );
        assert_eq!(docid("corpus/reut2-010.sgm#10584", Some("10584")), "10584");
        // A guid may hold a `#`, and so may a file's name: the id is the format's, whole.
        assert_eq!(
            docid("corpus/feed.rss#http://x.org/a#b", Some("http://x.org/a#b")),
            "http://x.org/a#b"
        );
        assert_eq!(docid("corpus/issue #4.xml#7", Some("7")), "7");
        assert_eq!(docid("corpus/1987/10584.txt", None), "10584");
        assert_eq!(docid("corpus/notes #4.txt", None), "notes #4");
    }
}
