//! Searching: a query string → ranked passages (or articles) with highlights.
//!
//! The pipeline, one module a stage: [`plan`](self) turns the parsed query into the first
//! pass's tantivy query (fields, boosts, the spellings and prefix expansions the index's
//! `vocabulary` holds), the leaves passages are scored by, and what to highlight; `segments`
//! runs the first pass, the best articles by block-max WAND; `matches` reads where the query's
//! terms occur in them; [`ranking`] scores every passage of those articles with its signals
//! and ranks passages (or articles), and cuts a page of stories; `text` reads the winners back
//! (from their article files, or the doc store) and `highlight` marks the words that matched.
//! `columns` reads the fast columns. Opening the index is [`crate::open`]'s; printing is
//! [`crate::output`]'s.

mod article;
mod columns;
mod facets;
mod highlight;
mod matches;
mod plan;
pub mod ranking;
mod segments;
mod suggest;
mod text;
mod vocabulary;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tantivy::DocAddress;

use crate::analysis::Analyzer;
use crate::dates::{DateSource, Day};
use crate::lexicon::Lexicon;
use crate::open::{self, OpenError, OpenIndex};
use crate::query::Syntax;
pub use article::{ArticleView, Paragraph};
use columns::Columns;
pub use facets::{Count, DateCount, Facets};
use highlight::Highlighting;
pub use plan::MAX_QUERY_WORDS;
use plan::Plan;
use ranking::Ranking;
pub use ranking::explain::Explanation;
use ranking::stories::{self, Cut, Row};
pub use ranking::{Signal, Signals, Tuning};
use segments::Segments;
use text::Texts;

/// What to search for and how much to return.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub query: &'a str,
    pub syntax: Syntax,
    pub limit: usize,
    /// Results to pass over before the first returned: `offset` 10 with `limit` 10 is the
    /// second page of ten.
    pub offset: usize,
    /// One row per article (its best passage) instead of one per passage.
    pub articles: bool,
    /// The ranking's signals to use (all by default; fewer to measure what one is worth).
    pub signals: Signals,
    /// The ranking's constants (the defaults, but for measurements).
    pub tuning: Tuning,
    /// How much of each hit to return.
    pub detail: Detail,
    /// One row per story: near-duplicate articles collapse into their best, listed as its
    /// copies (`false`: every article on its own).
    pub collapse: bool,
    /// Most passages of one article in a passage list (0: all).
    pub per_article: usize,
    /// Only articles dated on or after this day, and on or before `until`.
    pub since: Option<Day>,
    pub until: Option<Day>,
    /// Only articles whose dateline names this place, and this agency (`--place`,
    /// `--agency`): what `place:` and `agency:` in a query keep, without making the query a
    /// different one to rank.
    pub place: Option<&'a str>,
    pub agency: Option<&'a str>,
    /// The order of the results.
    pub sort: Sort,
    /// Take each result's score apart (`Hit::explanation`).
    pub explain: bool,
    /// Count the matching stories by place, agency and date (`Results::facets`).
    pub facets: bool,
    /// Set by a caller that no longer wants the answer (a server's client gone): counting
    /// the facets of every match, the one long part of a search, stops at its next look
    /// with [`SearchError::Stopped`].
    pub stop: Option<&'a AtomicBool>,
}

/// Rows on a page unless asked otherwise (`search --limit`, `/api/search?limit=`).
pub const DEFAULT_LIMIT: usize = 10;
/// Passages of one article a passage list shows unless asked otherwise (`--per-article`,
/// `per_article=`): two, so that ten rows cover more stories than three articles.
pub const DEFAULT_PER_ARTICLE: usize = 2;

/// The order of a search's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    Relevance,
    /// Newest first; the better match first within a day.
    Date,
}

impl<'a> Request<'a> {
    /// The ten best passages for `query` in the full syntax, ranked with every signal, with
    /// everything a reader sees.
    pub fn new(query: &'a str) -> Request<'a> {
        Request {
            query,
            syntax: Syntax::Full,
            limit: DEFAULT_LIMIT,
            offset: 0,
            articles: false,
            signals: Signals::ALL,
            tuning: Tuning::default(),
            detail: Detail::Full,
            collapse: true,
            per_article: DEFAULT_PER_ARTICLE,
            since: None,
            until: None,
            place: None,
            agency: None,
            sort: Sort::Relevance,
            explain: false,
            facets: false,
            stop: None,
        }
    }
}

/// How much of each hit a search returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Text, title, dateline and highlights, and how many matched in all.
    Full,
    /// Only score, path and paragraph number, and no count: what a ranking evaluation needs,
    /// without reading any passage back.
    Scores,
}

/// One ranked passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub score: f32,
    /// The article's path, relative to the current folder when the corpus is below it; for
    /// an article of a file of many, its file's path, `#`, and `id`.
    pub path: String,
    /// The article's id within its file (DOCNO, guid, item id, or its number in the file)
    /// for an article of a file of many; `None` for a file of one article.
    pub id: Option<String>,
    /// 1-based paragraph number within the article body.
    pub paragraph: u64,
    pub title: String,
    pub dateline: String,
    /// The passage as indexed, whole.
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted, end exclusive.
    pub highlights: Vec<(usize, usize)>,
    /// Byte ranges of `title` to highlight.
    pub title_highlights: Vec<(usize, usize)>,
    /// Whether the article file is still the one indexed; when not, the text shown is the
    /// text indexed.
    pub file: FileState,
    /// The articles that are copies of this story (near-duplicates), each as its best
    /// passage on the ranking: listed on this hit instead of taking rows of their own.
    pub copies: Vec<Hit>,
    /// How many more passages of this article matched than the list shows.
    pub more_in_article: usize,
    /// The day the article is dated, and where that came from.
    pub date: Day,
    pub date_source: DateSource,
    /// The score taken apart, when asked for.
    pub explanation: Option<Explanation>,
}

/// The article file of a hit, against the one indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// The same size and modification time as when indexed.
    Unchanged,
    /// Changed since indexing.
    Changed,
    /// Gone since indexing.
    Missing,
}

impl FileState {
    /// The word scripts see (`--json`'s `file`).
    pub fn name(self) -> &'static str {
        match self {
            FileState::Unchanged => "unchanged",
            FileState::Changed => "changed",
            FileState::Missing => "missing",
        }
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The asked-for page of hits, best first.
    pub hits: Vec<Hit>,
    /// How many passages (or articles) matched in all; not counted for `Detail::Scores`.
    /// Rows are fewer: a story's copies and an article's passages past `per_article` share
    /// a row. Passages are counted in the articles ranked; when more articles matched than
    /// were ranked, the count says "at least".
    pub total: Total,
    /// How many articles matched in all (counted as `total` is).
    pub articles: Total,
    /// Whether there are rows after this page.
    pub more: bool,
    /// The query's words that match nothing in the index, as typed.
    pub unmatched: Vec<String>,
    /// When the query was too long and only its first `MAX_QUERY_WORDS` words were searched:
    /// how many words it had.
    pub cut_from: Option<usize>,
    /// The query with its misspelt words corrected, when some look misspelt.
    pub did_you_mean: Option<String>,
    /// The matching stories by place, agency and date, when asked for: over every article
    /// that matches the query as a whole.
    pub facets: Option<Facets>,
    /// When a date window (`since`, `until`) left nothing: how many passages (or articles)
    /// match outside it.
    pub outside_window: Option<Total>,
}

/// A count of matches: exact, or a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Total {
    pub count: u64,
    /// There are at least `count`: articles are counted up to 10,000, and passages only in
    /// the articles a search ranked.
    pub at_least: bool,
}

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the query has nothing to search for")]
    EmptyQuery,
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("search failed: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search was stopped: its answer is no longer wanted")]
    Stopped,
}

/// The opened index as the stages of a search read it. Cloned cheaply: what it opened is
/// shared.
#[derive(Clone)]
struct IndexView {
    open: Arc<OpenIndex>,
    segments: Segments,
    columns: Arc<Columns>,
    /// The words of the articles as written, when the index keeps them.
    lexicon: Option<Arc<Lexicon>>,
}

/// An opened index, ready to answer queries. A clone searches the same opened index with
/// state of its own: one per thread serves many searches at once.
pub struct Engine {
    index: IndexView,
    analyzer: Analyzer,
    /// The articles this search has read (the feedback's and the hits' overlap).
    texts: Texts,
}

impl Clone for Engine {
    fn clone(&self) -> Engine {
        Engine {
            index: self.index.clone(),
            analyzer: Analyzer::default(),
            texts: Texts::default(),
        }
    }
}

impl Engine {
    /// Opens the index in `dir` read-only.
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let (open, searcher) = open::for_search(dir)?;
        let lexicon = Lexicon::open(dir).map_err(|err| open::file_failure(dir, &err))?;
        Ok(Engine {
            index: IndexView {
                open: Arc::new(open),
                columns: Arc::new(Columns::new(&searcher)),
                segments: Segments::new(searcher),
                lexicon: lexicon.map(Arc::new),
            },
            analyzer: Analyzer::default(),
            texts: Texts::default(),
        })
    }

    /// Runs a query and returns its best passages (or articles), best first: plan, first
    /// pass over articles, their passages scored and ranked, a page cut (stories, passages an
    /// article), hits. When the first pass's articles fill fewer rows than asked for, the pass
    /// is widened.
    pub fn search(&mut self, request: &Request) -> Result<Results, SearchError> {
        self.texts.clear();
        let plan = Plan::new(&self.index, &mut self.analyzer, request)?;
        self.index.segments.choose_parallel(plan.query.as_ref());
        let wanted = request.offset.saturating_add(request.limit);
        // One row more than the page, to know whether there are more.
        let cut = Cut {
            rows: wanted.saturating_add(1),
            collapse: request.collapse,
            per_article: if request.articles {
                0
            } else {
                request.per_article
            },
        };
        let depth = ranking::first_pass_depth(&plan, request, wanted);
        let mut last: Option<Ranking> = None;
        let mut rows = ranking::widening(depth, cut.rows, |depth| {
            let ranking = self.rank(&plan, request, depth)?;
            let rows = stories::page(&self.index, &ranking.ranked, cut)?;
            let drawn = ranking.drawn;
            last = Some(ranking);
            Ok((rows, drawn))
        })?;
        let more = rows.len() > wanted;
        rows.truncate(wanted);
        let page = rows.get(request.offset..).unwrap_or_default();
        let mut hits = match request.detail {
            Detail::Full => self.hits(page, &plan.highlighting)?,
            Detail::Scores => self.scores(page)?,
        };
        if request.explain
            && let Some(ranking) = &last
        {
            for (hit, row) in hits.iter_mut().zip(page) {
                hit.explanation = Some(ranking::explain::row(ranking, request, &row.passage));
            }
        }
        let (total, articles, did_you_mean) = match (request.detail, &last) {
            (Detail::Full, Some(ranking)) => {
                let first_pass = self.index.segments.count(plan.query.as_ref())?;
                let (articles, passages) = totals(ranking, first_pass, plan.excludes());
                let total = if request.articles { articles } else { passages };
                let lexicon = self.index.lexicon.as_ref();
                let analyzer = &mut self.analyzer;
                let suggestion = lexicon
                    .and_then(|lexicon| suggest::did_you_mean(lexicon, analyzer, request.query));
                (total, articles, suggestion)
            }
            _ => (Total::default(), Total::default(), None),
        };
        let facets = request
            .facets
            .then(|| facets::facets(&self.index, plan.whole.as_ref(), request.stop))
            .transpose()?;
        let windowed = request.since.is_some() || request.until.is_some();
        let outside_window = if windowed && hits.is_empty() && request.detail == Detail::Full {
            let unbounded = Request {
                since: None,
                until: None,
                limit: 1,
                offset: 0,
                facets: false,
                explain: false,
                ..request.clone()
            };
            Some(self.search(&unbounded)?.total).filter(|total| total.count > 0)
        } else {
            None
        };
        Ok(Results {
            hits,
            total,
            articles,
            more,
            unmatched: plan.unmatched,
            cut_from: plan.cut_from,
            did_you_mean,
            facets,
            outside_window,
        })
    }

    /// The first pass's `depth` articles (the best, or the newest), their passages scored and
    /// ranked.
    fn rank(&mut self, plan: &Plan, request: &Request, depth: usize) -> tantivy::Result<Ranking> {
        let index = &self.index;
        let query = plan.query.as_ref();
        let candidates = match request.sort {
            Sort::Relevance => index.segments.top_articles(query, depth, &index.columns)?,
            Sort::Date => index.segments.newest(query, depth)?,
        };
        let (analyzer, texts) = (&mut self.analyzer, &mut self.texts);
        ranking::rank(index, analyzer, texts, plan, request, candidates)
    }

    /// The page's rows as hits: text, article fields, highlights; each row's copies too.
    fn hits(&mut self, rows: &[Row], highlighting: &Highlighting) -> Result<Vec<Hit>, SearchError> {
        let placed = with_copies(rows);
        let passages: Vec<(DocAddress, u32)> = placed
            .iter()
            .map(|place| (place.address, place.paragraph))
            .collect();
        let texts = self.texts.passages(&self.index, &passages)?;
        let corpus = self.index.open.corpus.as_deref();
        let mut dates = Vec::with_capacity(placed.len());
        for place in &placed {
            dates.push(self.index.columns.date(place.address)?);
        }
        let analyzer = &mut self.analyzer;
        let flat = placed
            .iter()
            .zip(texts)
            .zip(dates)
            .map(|((place, passage), (date, date_source))| Hit {
                score: place.score,
                path: text::display_path(corpus, &passage.key),
                id: passage.id,
                copies: Vec::new(),
                more_in_article: place.more_in_article,
                date,
                date_source,
                explanation: None,
                paragraph: u64::from(place.paragraph) + 1,
                highlights: highlight::highlights(analyzer, &passage.text, &highlighting.body),
                title_highlights: highlight::highlights(
                    analyzer,
                    &passage.title,
                    &highlighting.title,
                ),
                title: passage.title,
                dateline: passage.dateline,
                text: passage.text,
                file: passage.file,
            })
            .collect();
        Ok(nest_copies(rows, flat))
    }

    /// The ranked passages (and each row's copies) as scores, paths and paragraph numbers
    /// only.
    fn scores(&self, rows: &[Row]) -> Result<Vec<Hit>, SearchError> {
        let placed = with_copies(rows);
        let corpus = self.index.open.corpus.as_deref();
        let columns = &self.index.columns;
        let addresses: Vec<DocAddress> = placed.iter().map(|p| p.address).collect();
        let keys = columns.keys(&addresses)?;
        let flat = placed
            .iter()
            .zip(keys)
            .map(|(place, key)| {
                let (date, date_source) = columns.date(place.address)?;
                // Only a key with a `#` can be `file#id`: the others' file key is not read.
                let id = if key.contains('#') {
                    text::article_id(&key, &columns.file_key(place.address)?)
                } else {
                    None
                };
                Ok(Hit {
                    score: place.score,
                    path: text::display_path(corpus, &key),
                    id,
                    paragraph: u64::from(place.paragraph) + 1,
                    title: String::new(),
                    dateline: String::new(),
                    text: String::new(),
                    highlights: Vec::new(),
                    title_highlights: Vec::new(),
                    file: FileState::Unchanged,
                    copies: Vec::new(),
                    more_in_article: place.more_in_article,
                    date,
                    date_source,
                    explanation: None,
                })
            })
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok(nest_copies(rows, flat))
    }
}

/// How many articles and passages match, given how many articles the first pass matches
/// (`first_pass`): passages are counted in the articles ranked, exact only when those were
/// every article the first pass matches. When the query excludes words, the first pass
/// matches articles none of whose passages may match, so articles are counted as passages
/// are.
fn totals(ranking: &Ranking, first_pass: Total, excludes: bool) -> (Total, Total) {
    let exhausted = !first_pass.at_least && first_pass.count <= ranking.drawn as u64;
    let (passages, articles) = (ranking.matching_passages(), ranking.matching_articles());
    let counted = |count: u64| Total {
        count,
        at_least: !exhausted,
    };
    let articles = if excludes {
        counted(articles)
    } else {
        first_pass
    };
    let passages = counted(passages.max(if exhausted { 0 } else { articles.count }));
    (articles, passages)
}

/// A passage to read back as a hit: a row's, or one of its copies'.
struct Placed {
    score: f32,
    address: DocAddress,
    /// 0-based.
    paragraph: u32,
    more_in_article: usize,
}

/// The page's passages in order, each row followed by its copies: read back together.
fn with_copies(rows: &[Row]) -> Vec<Placed> {
    let mut placed = Vec::with_capacity(rows.len());
    for row in rows {
        placed.push(Placed {
            score: row.passage.score,
            address: row.passage.address,
            paragraph: row.passage.paragraph,
            more_in_article: row.more_in_article,
        });
        placed.extend(row.copies.iter().map(|copy| Placed {
            score: copy.score,
            address: copy.address,
            paragraph: copy.paragraph,
            more_in_article: 0,
        }));
    }
    placed
}

/// The hits of `with_copies(rows)`, each row's copies moved into its hit.
fn nest_copies(rows: &[Row], flat: Vec<Hit>) -> Vec<Hit> {
    let mut flat = flat.into_iter();
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(mut hit) = flat.next() else { break };
        hit.copies = flat.by_ref().take(row.copies.len()).collect();
        hits.push(hit);
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer;

    /// The sample corpus indexed in two runs, half each, so the index has several segments;
    /// and the names of the files the first run indexed.
    fn index_built_in_two_runs() -> (tempfile::TempDir, std::path::PathBuf, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus_dir = dir.path().join("corpus");
        let index_dir = dir.path().join("index");
        std::fs::create_dir(&corpus_dir).expect("corpus folder");
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut names: Vec<String> = std::fs::read_dir(&sample)
            .expect("sample corpus")
            .map(|entry| {
                entry
                    .expect("sample file")
                    .file_name()
                    .to_string_lossy()
                    .into()
            })
            .collect();
        names.sort();
        let (first_run, second_run) = names.split_at(names.len() / 2);
        for run in [first_run, second_run] {
            for name in run {
                std::fs::copy(sample.join(name), corpus_dir.join(name)).expect("copy an article");
            }
            index_folder(&corpus_dir, &index_dir);
        }
        (dir, index_dir, first_run.to_vec())
    }

    /// An index of `articles` (file name, text) in a temp folder.
    fn index_of(articles: &[(String, String)]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus_dir = dir.path().join("corpus");
        let index_dir = dir.path().join("index");
        std::fs::create_dir(&corpus_dir).expect("corpus folder");
        for (name, text) in articles {
            std::fs::write(corpus_dir.join(name), text).expect("an article");
        }
        index_folder(&corpus_dir, &index_dir);
        (dir, index_dir)
    }

    /// Indexes `corpus` into `index` as `newsdex index` does, with a small writer budget.
    fn index_folder(corpus: &Path, index: &Path) {
        indexer::index_corpus(&indexer::IndexConfig {
            corpus: corpus.to_path_buf(),
            index_dir: index.to_path_buf(),
            extensions: None,
            progress: false,
            memory_budget: 50 * 1024 * 1024,
            repair: false,
            year: None,
        })
        .expect("index the corpus");
    }

    #[test]
    fn the_first_pass_keeps_the_best_articles_when_more_match_than_it_draws() {
        // Fifty passing mentions and ten articles about rubber, each saying it more often than
        // the one before: a pass five articles deep must draw the five that say it most,
        // wherever they lie in the index.
        let mut articles: Vec<(String, String)> = (0..50)
            .map(|i| {
                let text = format!(
                    "Harbour Notes {i}\n\nShips unloaded timber, grain, coffee, tin and rubber at the \
                     harbour this week while cranes stood idle for repairs near the old quay."
                );
                (format!("a{i:02}.txt"), text)
            })
            .collect();
        for strength in 1..=10 {
            let text = format!(
                "Rubber Report\n\n{}market news.",
                "rubber ".repeat(strength)
            );
            articles.push((format!("rubber{strength:02}.txt"), text));
        }
        let (_dir, index_dir) = index_of(&articles);
        let mut engine = Engine::open(&index_dir).expect("open the index");
        let mut tuning = Tuning::default();
        tuning.set("rerank_depth=5").expect("a constant");
        // Every article on its own: the rubber reports are near-duplicates of each other.
        let request = Request {
            limit: 5,
            articles: true,
            collapse: false,
            tuning,
            ..Request::new("rubber")
        };
        let found: Vec<String> = engine
            .search(&request)
            .expect("search")
            .hits
            .into_iter()
            .map(|hit| hit.path.rsplit('/').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            found,
            [
                "rubber10.txt",
                "rubber09.txt",
                "rubber08.txt",
                "rubber07.txt",
                "rubber06.txt"
            ]
        );
    }

    #[test]
    fn a_parallel_search_finds_what_a_serial_one_finds() {
        let (_dir, index_dir, first_run) = index_built_in_two_runs();
        // Fresh engines, the parallel one first: its threads open every column themselves.
        let mut parallel = Engine::open(&index_dir).expect("open the index");
        parallel.index.segments.parallel_from = Some(0);
        let mut serial = Engine::open(&index_dir).expect("open the index");
        serial.index.segments.parallel_from = None;
        let queries = [
            "cease-fire",
            "coffee prices harvest frost",
            "subway workers strike over pay",
            "\"drone strikes\"",
            "title:storm power",
        ];
        // Whether hits came from the first run's segments, and from the second's.
        let mut runs_with_hits = [false, false];
        for query in queries {
            for articles in [false, true] {
                let request = Request {
                    limit: 5,
                    articles,
                    ..Request::new(query)
                };
                let in_parallel = parallel.search(&request).expect("search").hits;
                let in_series = serial.search(&request).expect("search").hits;
                assert!(!in_series.is_empty(), "{query}: no hits");
                assert_eq!(in_parallel, in_series, "{query}");
                for hit in &in_parallel {
                    let second = !first_run
                        .iter()
                        .any(|name| hit.path.ends_with(name.as_str()));
                    runs_with_hits[usize::from(second)] = true;
                }
            }
        }
        assert_eq!(runs_with_hits, [true, true]);
    }

    #[test]
    fn each_signal_can_be_switched_off_and_moves_the_scores() {
        let (_dir, index_dir, _) = index_built_in_two_runs();
        let mut engine = Engine::open(&index_dir).expect("open the index");
        let query = "frost coffee harvest arabica futures";
        let scores = |engine: &mut Engine, signals: Signals| -> Vec<(String, u64, f32)> {
            // Articles, so that the whole-article signal has a say too.
            let mut tuning = Tuning::default();
            tuning.set("article_weight=1").expect("a constant");
            let request = Request {
                signals,
                articles: true,
                tuning,
                ..Request::new(query)
            };
            let hits = engine.search(&request).expect("search").hits;
            hits.into_iter()
                .map(|hit| (hit.path, hit.paragraph, hit.score))
                .collect()
        };
        let all = scores(&mut engine, Signals::ALL);
        assert!(
            all[0]
                .0
                .ends_with("frost-threatens-brazils-coffee-harvest-as-prices-climb.txt")
        );
        for signal in Signal::ALL {
            let without = scores(&mut engine, Signals::ALL.without(signal));
            assert_ne!(without, all, "switching {signal} off changes nothing");
        }
    }

    #[test]
    fn clones_search_side_by_side_and_find_what_the_original_finds() {
        let (_dir, index_dir, _) = index_built_in_two_runs();
        let engine = Engine::open(&index_dir).expect("open the index");
        let request = Request::new("cease-fire talks");
        let expected = engine.clone().search(&request).expect("search").hits;
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let mut clone = engine.clone();
                std::thread::spawn(move || {
                    clone
                        .search(&Request::new("cease-fire talks"))
                        .expect("search")
                        .hits
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().expect("a search thread"), expected);
        }
    }
}
