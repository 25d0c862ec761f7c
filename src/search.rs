//! Searching: a parsed query → tantivy queries → ranked passages (or articles) with highlights.
//!
//! Owns how words become index terms at query time (the same chain as indexing), how
//! compounds are matched in every spelling, field boosts, passage and article ranking, and
//! which byte ranges of a passage to highlight. Printing is `output`'s.
//!
//! Compounds: a word the index does not hold whole may be two words it does hold
//! (`ceasefire` → the phrase `cease fire`, which `cease-fire` also is after analysis), and two
//! adjacent words may be one (`"cease fire"` → `ceasefire`). Both are checked against the
//! index's own vocabulary, so they work for any compound; halves that are stop words are never
//! taken (`therapist` is not `the rapist`).

use std::collections::HashMap;
use std::net::Ipv6Addr;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;
use tantivy::collector::{Collector, TopDocs};
use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::fastfield::FastFieldReaders;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, EnableScoring, Occur, PhraseQuery, Query, Scorer,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Term, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, SegmentReader};
use tantivy::{DocSet, TERMINATED};

use crate::analysis::{Analyzer, Word, is_stop_word};
use crate::article::{self, Article};
use crate::bm25f::{self, WeightedField};
use crate::corpus;
use crate::indexer::{self, Access, OpenError, OpenIndex};
use crate::query::{self, Node, Syntax};
use crate::schema::{self, BODY, DATELINE, TITLE};

/// How a title or dateline match counts against a body match in the first pass, which
/// tantivy scores field by field (tuned on the test collections, see the README).
pub const TITLE_BOOST: f32 = 1.0;
/// What one occurrence of a word in the title weighs against one in the body when the
/// candidates are rescored with BM25F: a title names the subject, and is short. On the test
/// collections 5 was the one weight measured that kept every collection above the best peer
/// (3, 8 and 12 scored within 0.4% of it on average; README, relevance).
const TITLE_WEIGHT: f32 = 5.0;
pub const DATELINE_BOOST: f32 = 0.5;

/// Most alternative spellings tried for one word or phrase.
const MAX_ALTERNATIVES: usize = 6;
/// Most index terms a `prefix*` expands to.
const MAX_PREFIX_TERMS: usize = 64;
/// How many characters stemming may cut from a word that a prefix query still reaches.
const STEM_CUT: usize = 2;
/// Prefixes are not cut below this many bytes (`cat*` must not find `ca`).
const MIN_STEM_PREFIX: usize = 4;
/// Shortest half of a split compound, in characters.
const MIN_COMPOUND_PART: usize = 3;

/// What to search for and how much to return.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub query: &'a str,
    pub syntax: Syntax,
    pub limit: usize,
    /// One row per article (its best passage) instead of one per passage.
    pub articles: bool,
}

/// One ranked passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub score: f32,
    /// The article's path, relative to the current folder when the corpus is below it.
    pub path: String,
    /// 1-based paragraph number within the article body.
    pub paragraph: u64,
    pub title: String,
    pub dateline: String,
    /// The passage as indexed, whole.
    pub text: String,
    /// Byte ranges of `text` to highlight, sorted, end exclusive.
    pub highlights: Vec<(usize, usize)>,
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
}

/// An opened index, ready to answer queries.
pub struct Engine {
    open: OpenIndex,
    /// Per segment, the fast columns ranking and hits read, each opened on first use: opening
    /// a column decodes its block index, which cost more than the search itself (2,000 page
    /// faults for a rare word on the 1 GB index) when it was done for every hit.
    columns: Vec<SegmentColumns>,
    searcher: Searcher,
    analyzer: Analyzer,
    /// The passages this search has read, by address: the feedback's and the hits' overlap.
    passages: HashMap<DocAddress, PassageText>,
    /// Whether this search runs its per-segment work in parallel (see `each_segment`).
    parallel: bool,
    /// Postings from which a search runs in parallel: `PARALLEL_POSTINGS`, or never (`None`)
    /// on an index without two segments of `PARALLEL_SEGMENT_PASSAGES` (tests take both ways
    /// on a small index).
    parallel_from: Option<u64>,
}

/// The fast columns of one segment that ranking and hits read, each opened on first use.
#[derive(Default)]
struct SegmentColumns {
    article: OnceLock<Column<u64>>,
    paragraph: OnceLock<Column<Ipv6Addr>>,
    path: OnceLock<Option<StrColumn>>,
    size: OnceLock<Column<u64>>,
    modified: OnceLock<Column<u64>>,
}

/// A passage's text and its article's fields.
#[derive(Clone)]
struct PassageText {
    key: String,
    /// 1-based paragraph number within the article body.
    paragraph: u64,
    title: String,
    dateline: String,
    text: String,
}

/// A passage read from its article file, or what reading it from the doc store takes.
enum Read {
    FromFile(PassageText),
    Stored {
        address: DocAddress,
        /// The article's first passage, which stores its title and dateline.
        first: Option<DocAddress>,
        key: String,
        paragraph: u64,
    },
}

/// A word sequence the passage text is searched for when highlighting.
#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    /// Consecutive index terms.
    Terms(Vec<String>),
    /// Any term with this prefix.
    Prefix(String),
}

impl Engine {
    /// Opens the index in `dir` read-only.
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let open = indexer::open(dir, Access::Shared)?;
        let (open, reader) = match reader(&open.index) {
            Ok(reader) => (open, reader),
            // The meta lock could not be written: a read-only folder, where no writer runs.
            Err(tantivy::TantivyError::LockFailure(..)) => {
                let open = indexer::open(dir, Access::ReadOnly)?;
                let reader = reader(&open.index).map_err(|err| damaged(dir, err))?;
                (open, reader)
            }
            Err(err) => return Err(damaged(dir, err).into()),
        };
        let searcher = reader.searcher();
        if searcher.num_docs() == 0 {
            return Err(OpenError::Empty(dir.display().to_string()).into());
        }
        let mut segment_sizes: Vec<u32> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.max_doc())
            .collect();
        segment_sizes.sort_unstable_by(|a, b| b.cmp(a));
        let two_large_segments =
            segment_sizes.get(1).copied().unwrap_or(0) >= PARALLEL_SEGMENT_PASSAGES;
        Ok(Engine {
            columns: searcher
                .segment_readers()
                .iter()
                .map(|_| SegmentColumns::default())
                .collect(),
            open,
            searcher,
            analyzer: Analyzer::default(),
            passages: HashMap::new(),
            parallel: false,
            parallel_from: two_large_segments.then_some(PARALLEL_POSTINGS),
        })
    }

    /// Runs a query and returns its best passages (or articles), best first.
    pub fn search(&mut self, request: &Request) -> Result<Vec<Hit>, SearchError> {
        self.passages.clear();
        let fields = [TITLE, DATELINE, BODY];
        let node =
            query::parse(request.query, request.syntax, &fields).ok_or(SearchError::EmptyQuery)?;
        let node = drop_stop_words(node);
        let mut patterns = Vec::new();
        let query = flatten(self.build(&node, None, &mut patterns));
        let keywords = keywords(&node);
        self.parallel = self.worth_parallel(query.as_ref());
        let hits = if !keywords.is_empty() {
            self.rank_and_rerank(query.as_ref(), request, &keywords)?
        } else {
            self.rank(query.as_ref(), request.articles, request.limit)?
        };
        self.hits(&hits, &patterns)
    }

    fn rank(
        &self,
        query: &dyn Query,
        articles: bool,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        if articles {
            self.best_passage_per_article(query, limit)
        } else {
            self.top_passages(query, limit)
        }
    }

    /// The `limit` best passages for `query`, best first.
    fn top_passages(
        &self,
        query: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let collector = TopDocs::with_limit(limit).order_by_score();
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let per_segment = self.each_segment(|segment_ord, segment| {
            collector.collect_segment(weight.as_ref(), segment_ord, segment)
        })?;
        collector.merge_fruits(per_segment)
    }

    /// Proximity: passages where query words stand within a few words of each other earn a
    /// bonus. Each pair of words next to each other in the query scores as a sloppy phrase,
    /// and so, at half the weight, does each pair one word apart (as in Metzler and Croft's
    /// dependence model): in a prose query the words that belong together are not always
    /// adjacent ("sparse symmetric matrices"). `content_words` are the query's words without
    /// its stop words, analysed once for every rerank signal.
    fn proximity_queries(&self, content_words: &[&Word]) -> Vec<Box<dyn Query>> {
        let terms: Vec<&str> = content_words
            .iter()
            .map(|word| word.term.as_str())
            .collect();
        let body = self.open.fields.body;
        let adjacent = terms.windows(2).map(|w| (w[0], w[1], PROXIMITY_BOOST));
        let one_apart = terms
            .windows(3)
            .map(|w| (w[0], w[2], PROXIMITY_BOOST / 2.0));
        adjacent
            .chain(one_apart)
            .filter(|(first, second, _)| first != second)
            .map(|(first, second, boost)| {
                let mut phrase = PhraseQuery::new(vec![
                    Term::from_field_text(body, first),
                    Term::from_field_text(body, second),
                ]);
                phrase.set_slop(PROXIMITY_SLOP);
                boosted(Box::new(phrase), boost)
            })
            .collect()
    }

    /// Exact forms: each query word found in a title as typed, not only through its stem,
    /// earns an idf-weighted bonus. Snowball conflates more than a reader would (`computer`,
    /// `computing` and `compute` are all `comput`), and a title that uses the very word asked
    /// for is the surer match; in the body the same signal measured less and would double the
    /// postings (README, relevance).
    fn exact_title_queries(&self, content_words: &[&Word]) -> Vec<Box<dyn Query>> {
        let title_words = self.open.fields.title_words;
        content_words
            .iter()
            .map(|word| {
                let term = Term::from_field_text(title_words, &word.word);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                boosted(Box::new(query), EXACT_TITLE_BOOST)
            })
            .collect()
    }

    /// Pseudo-relevance feedback (RM3): the terms that weigh most in the first pass's best
    /// results. A result's weight is the softmax of its score, so the clear leaders speak
    /// and a long tail of weak matches does not; a term's weight within a result is its share
    /// of the result's words. Stop words and numbers are never feedback terms.
    fn feedback_terms(
        &mut self,
        first_pass: &[(f32, DocAddress)],
    ) -> tantivy::Result<Vec<(String, f32)>> {
        let top = first_pass
            .iter()
            .map(|(score, _)| *score)
            .fold(f32::MIN, f32::max);
        let softmax_total: f32 = first_pass
            .iter()
            .map(|(score, _)| (score - top).exp())
            .sum();
        let addresses: Vec<DocAddress> = first_pass.iter().map(|&(_, address)| address).collect();
        let passages = self.passage_texts(&addresses)?;
        let mut weights: HashMap<String, f32> = HashMap::new();
        for (&(score, _), passage) in first_pass.iter().zip(&passages) {
            // An article's first passage carries its title.
            let mut words = Vec::new();
            if passage.paragraph == 1 {
                words.extend(self.analyzer.words(&passage.title));
            }
            words.extend(self.analyzer.words(&passage.text));
            let result_weight = (score - top).exp() / softmax_total;
            let share = result_weight / words.len().max(1) as f32;
            for word in words {
                if !is_stop_word(&word.word) && !word.word.chars().all(|c| c.is_ascii_digit()) {
                    *weights.entry(word.term).or_default() += share;
                }
            }
        }
        let mut terms: Vec<(String, f32)> = weights.into_iter().collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.truncate(FEEDBACK_TERMS);
        Ok(terms)
    }

    /// Ranks a keyword query in two steps. The words alone pick at least `RERANK_DEPTH` (and
    /// ten times the limit) candidates, a flat union of terms that tantivy answers with
    /// block-max WAND; then each candidate is rescored: BM25F for the words over title and
    /// body, a proximity bonus, a bonus for words in the title exactly as typed and, for
    /// `FEEDBACK_MIN_WORDS` words or more, a pseudo-relevance
    /// feedback score (RM3) whose terms come from the best candidates. Phrases and frequent
    /// expansion terms are thus scored on the candidates only, never over every passage; a
    /// passage outside the candidates could only surface if BM25F raised it from below rank
    /// `RERANK_DEPTH`. When articles are asked for and the candidates hold fewer than the
    /// limit, the candidates are widened (see `widening`).
    fn rank_and_rerank(
        &mut self,
        query: &dyn Query,
        request: &Request,
        keywords: &[&str],
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let words: Vec<Vec<Word>> = keywords
            .iter()
            .map(|keyword| self.analyzer.words(keyword))
            .collect();
        let depth = request.limit.saturating_mul(10).max(RERANK_DEPTH);
        widening(depth, request.limit, |depth| {
            self.rerank(query, request, &words, depth)
        })
    }

    /// `rank_and_rerank` at one depth, for the analysed keywords: the ranked results, and how
    /// many candidates there were.
    fn rerank(
        &mut self,
        query: &dyn Query,
        request: &Request,
        words: &[Vec<Word>],
        depth: usize,
    ) -> tantivy::Result<(Vec<(f32, DocAddress)>, usize)> {
        let mut candidates = self.top_passages(query, depth)?;
        let (passages, articles) = self.passage_and_article_counts()?;
        let fields = [
            WeightedField {
                field: self.open.fields.body,
                weight: 1.0,
                first_pass_boost: 1.0,
                holders: passages,
            },
            WeightedField {
                field: self.open.fields.title,
                weight: TITLE_WEIGHT,
                first_pass_boost: TITLE_BOOST,
                holders: articles,
            },
        ];
        bm25f::rescore(
            &self.searcher,
            &fields,
            &single_terms(words),
            &mut candidates,
        )?;
        let content_words: Vec<&Word> = words
            .iter()
            .flatten()
            .filter(|word| !is_stop_word(&word.word))
            .collect();
        let mut bonuses = self.proximity_queries(&content_words);
        bonuses.extend(self.exact_title_queries(&content_words));
        self.add_scores(&mut candidates, &bonuses)?;
        if words.len() >= FEEDBACK_MIN_WORDS {
            let feedback_docs = self.best_of(&candidates, request.articles, FEEDBACK_DOCS)?;
            let expansion = self.feedback_terms(&feedback_docs)?;
            let expansion = self.expansion_queries(&expansion, words.len());
            self.add_scores(&mut candidates, &expansion)?;
        }
        let ranked = self.best_of(&candidates, request.articles, request.limit)?;
        Ok((ranked, candidates.len()))
    }

    /// Passages and articles in the index, deleted ones included (as BM25's statistics count
    /// them). Only an article's first passage has a `size` value.
    fn passage_and_article_counts(&self) -> tantivy::Result<(u64, u64)> {
        let (mut passages, mut articles) = (0, 0);
        for (segment_ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            let max_doc = u64::from(reader.max_doc());
            passages += max_doc;
            // The column the hits' file checks read too, opened once.
            let sizes = self.u64_column(segment_ord as u32, "size", |columns| &columns.size)?;
            articles += match &sizes.index {
                ColumnIndex::Empty { .. } => 0,
                ColumnIndex::Optional(index) => u64::from(index.num_non_nulls()),
                ColumnIndex::Full | ColumnIndex::Multivalued(_) => max_doc,
            };
        }
        Ok((passages, articles))
    }

    /// The first `limit` of ranked passages, or of their articles (see `rank_articles`); the
    /// article columns are only opened when articles are asked for.
    fn best_of(
        &self,
        passages: &[(f32, DocAddress)],
        articles: bool,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        Ok(if articles {
            rank_articles(passages, &self.article_columns()?, limit)
        } else {
            passages.iter().take(limit).copied().collect()
        })
    }

    /// The feedback terms as queries whose scores are added to the original's: the original
    /// keeps `FEEDBACK_ORIGINAL_WEIGHT` of the weight, each of its words counting 1, and the
    /// feedback terms share the rest in proportion to their weights.
    fn expansion_queries(
        &self,
        expansion: &[(String, f32)],
        query_words: usize,
    ) -> Vec<Box<dyn Query>> {
        let total: f32 = expansion.iter().map(|(_, weight)| weight).sum();
        if total <= 0.0 {
            return Vec::new();
        }
        let scale = query_words as f32 * (1.0 - FEEDBACK_ORIGINAL_WEIGHT)
            / FEEDBACK_ORIGINAL_WEIGHT
            / total;
        let fields = &self.open.fields;
        let mut queries = Vec::new();
        for (term, weight) in expansion {
            for (field, boost) in [(fields.body, 1.0), (fields.title, TITLE_BOOST)] {
                let query = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                queries.push(boosted(Box::new(query), boost * weight * scale));
            }
        }
        queries
    }

    /// Adds the scores of `queries` to each passage's (as a union of them would score) and
    /// sorts the passages again, best first. Each query's scorer visits a segment's passages
    /// in doc order, so it only seeks forward; a union's scorer would refill its whole window
    /// at every seek. Segments are rescored side by side (see `each_segment`).
    fn add_scores(
        &self,
        passages: &mut [(f32, DocAddress)],
        queries: &[Box<dyn Query>],
    ) -> tantivy::Result<()> {
        let scoring = EnableScoring::enabled_from_searcher(&self.searcher);
        let weights = queries
            .iter()
            .map(|query| query.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut order: Vec<usize> = (0..passages.len()).collect();
        order.sort_by_key(|&i| passages[i].1);
        let unscored: &[(f32, DocAddress)] = passages;
        let per_segment = self.each_segment(|segment_ord, segment| {
            let in_segment = &order[segment_range(&order, segment_ord, |&i| unscored[i].1)];
            if in_segment.is_empty() {
                return Ok(Vec::new());
            }
            let mut scores: Vec<f32> = in_segment.iter().map(|&i| unscored[i].0).collect();
            for weight in &weights {
                let mut scorer = weight.scorer(segment, 1.0)?;
                for (score, &i) in scores.iter_mut().zip(in_segment) {
                    let doc = unscored[i].1.doc_id;
                    if scorer.doc() < doc {
                        scorer.seek(doc);
                    }
                    if scorer.doc() == doc {
                        *score += scorer.score();
                    }
                }
            }
            Ok(in_segment.iter().copied().zip(scores).collect::<Vec<_>>())
        })?;
        for (i, score) in per_segment.into_iter().flatten() {
            passages[i].0 = score;
        }
        passages.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(())
    }

    /// `work` on each segment, results in segment order. A parallel search gives each segment
    /// its own task on rayon's pool (a thread a core): a query of frequent words spends its
    /// time in the index's large segments, which the cores then search side by side.
    fn each_segment<T: Send>(
        &self,
        work: impl Fn(u32, &SegmentReader) -> tantivy::Result<T> + Sync,
    ) -> tantivy::Result<Vec<T>> {
        let segments = self.searcher.segment_readers();
        if self.parallel {
            segments
                .par_iter()
                .with_max_len(1)
                .enumerate()
                .map(|(segment_ord, segment)| work(segment_ord as u32, segment))
                .collect()
        } else {
            segments
                .iter()
                .enumerate()
                .map(|(segment_ord, segment)| work(segment_ord as u32, segment))
                .collect()
        }
    }

    /// Whether `query` is worth searching in parallel: whether the passages its terms list
    /// add up to `parallel_from`. Starting rayon's threads costs about 0.2 ms, several times
    /// a rare word's whole first pass. An unreadable term counts as none: the search meets
    /// and reports it.
    fn worth_parallel(&self, query: &dyn Query) -> bool {
        let Some(threshold) = self.parallel_from else {
            return false;
        };
        let mut postings = 0;
        query.query_terms(&mut |term, _| {
            if postings < threshold {
                postings += self.searcher.doc_freq(term).unwrap_or(0);
            }
        });
        postings >= threshold
    }

    /// A segment's fast column `name`, opened with `open` the first time it is needed.
    fn column<'a, C>(
        &'a self,
        segment_ord: u32,
        name: &str,
        cell: impl Fn(&SegmentColumns) -> &OnceLock<C>,
        open: fn(&FastFieldReaders, &str) -> tantivy::Result<C>,
    ) -> tantivy::Result<&'a C> {
        let cell = cell(&self.columns[segment_ord as usize]);
        if let Some(column) = cell.get() {
            return Ok(column);
        }
        let column = open(
            self.searcher.segment_reader(segment_ord).fast_fields(),
            name,
        )?;
        Ok(cell.get_or_init(|| column))
    }

    fn u64_column<'a>(
        &'a self,
        segment_ord: u32,
        name: &str,
        cell: impl Fn(&SegmentColumns) -> &OnceLock<Column<u64>>,
    ) -> tantivy::Result<&'a Column<u64>> {
        self.column(segment_ord, name, cell, FastFieldReaders::u64)
    }

    /// A segment's paragraph column (see `schema::Fields::paragraph`).
    fn paragraph_column(&self, segment_ord: u32) -> tantivy::Result<&Column<Ipv6Addr>> {
        self.column(
            segment_ord,
            "paragraph",
            |columns| &columns.paragraph,
            FastFieldReaders::ip_addr,
        )
    }

    /// Each segment's article-id column.
    fn article_columns(&self) -> tantivy::Result<Vec<Column<u64>>> {
        (0..self.columns.len() as u32)
            .map(|segment_ord| {
                self.u64_column(segment_ord, "article", |columns| &columns.article)
                    .cloned()
            })
            .collect()
    }

    /// A segment's path column (`None` in a segment without paths).
    fn path_column(&self, segment_ord: u32) -> tantivy::Result<Option<&StrColumn>> {
        self.column(
            segment_ord,
            "path",
            |columns| &columns.path,
            FastFieldReaders::str,
        )
        .map(Option::as_ref)
    }

    /// Articles ranked by their best passage: collects passages until `limit` distinct
    /// articles are found, widening the pass when one article holds many of the top passages.
    fn best_passage_per_article(
        &self,
        query: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let articles = self.article_columns()?;
        widening(limit.saturating_mul(4).max(16), limit, |depth| {
            let passages = self.top_passages(query, depth)?;
            Ok((rank_articles(&passages, &articles, limit), passages.len()))
        })
    }

    /// The ranked passages as hits: text, article fields, highlights.
    fn hits(
        &mut self,
        ranked: &[(f32, DocAddress)],
        patterns: &[Pattern],
    ) -> Result<Vec<Hit>, SearchError> {
        let addresses: Vec<DocAddress> = ranked.iter().map(|&(_, address)| address).collect();
        let passages = self.passage_texts(&addresses)?;
        let mut hits = Vec::with_capacity(passages.len());
        for (&(score, _), passage) in ranked.iter().zip(passages) {
            let highlights = self.highlights(&passage.text, patterns);
            hits.push(Hit {
                score,
                path: display_path(self.open.corpus.as_deref(), &passage.key),
                paragraph: passage.paragraph,
                title: passage.title,
                dateline: passage.dateline,
                text: passage.text,
                highlights,
            });
        }
        Ok(hits)
    }

    /// The passages at `addresses`, in order, with their articles' title and dateline, each
    /// read once a search.
    fn passage_texts(&mut self, addresses: &[DocAddress]) -> tantivy::Result<Vec<PassageText>> {
        let mut unread: Vec<DocAddress> = addresses
            .iter()
            .filter(|address| !self.passages.contains_key(address))
            .copied()
            .collect();
        unread.sort();
        unread.dedup();
        let read = self.read_passages(&unread)?;
        debug_assert_eq!(read.len(), unread.len());
        self.passages.extend(unread.into_iter().zip(read));
        Ok(addresses
            .iter()
            .map(|address| self.passages[address].clone())
            .collect())
    }

    /// The passages at `addresses` (sorted), in order. A passage is taken from its article
    /// file when the file is still the one indexed (the size and time its first passage
    /// records), parsed as indexing parsed it: reading and parsing a few KB costs far less than
    /// decompressing the doc-store block that holds the passage, and its first passage's
    /// block, which was most of a search (README, performance). Passages whose file
    /// is gone or changed come from the doc store, which holds them as indexed.
    fn read_passages(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<PassageText>> {
        let read = self.read_from_files(addresses)?;
        let mut needed: Vec<DocAddress> = read
            .iter()
            .filter_map(|read| match read {
                Read::FromFile(_) => None,
                Read::Stored { address, first, .. } => Some([Some(*address), *first]),
            })
            .flatten()
            .flatten()
            .collect();
        let documents = read_documents(&self.searcher, &mut needed)?;
        let fields = &self.open.fields;
        Ok(read
            .into_iter()
            .map(|read| match read {
                Read::FromFile(passage) => passage,
                Read::Stored {
                    address,
                    first,
                    key,
                    paragraph,
                } => {
                    let article_field = |field| {
                        first
                            .map(|first| stored_text(&documents[&first], field))
                            .unwrap_or_default()
                    };
                    PassageText {
                        title: article_field(fields.stored_title),
                        dateline: article_field(fields.stored_dateline),
                        text: stored_text(&documents[&address], fields.body),
                        key,
                        paragraph,
                    }
                }
            })
            .collect())
    }

    /// Each passage at `addresses` (sorted) from its article file where that is still the one
    /// indexed, or where to find it in the doc store. A parallel search reads each segment's
    /// passages on its own (see `each_segment`), since opening a segment's columns is much of
    /// a hit's cost; an article with hits in two segments is then read by both.
    fn read_from_files(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<Read>> {
        debug_assert!(addresses.is_sorted());
        if !self.parallel {
            return self.read_files_once(addresses);
        }
        let per_segment = self.each_segment(|segment_ord, _| {
            self.read_files_once(&addresses[segment_range(addresses, segment_ord, |&a| a)])
        })?;
        Ok(per_segment.into_iter().flatten().collect())
    }

    /// `read_from_files` on this thread: each article's file read, and its first passage
    /// found, once.
    fn read_files_once(&self, addresses: &[DocAddress]) -> tantivy::Result<Vec<Read>> {
        // Per article: its first passage (a postings lookup) and, if unchanged, its file.
        let mut articles: HashMap<String, (Option<DocAddress>, Option<Article>)> = HashMap::new();
        addresses
            .iter()
            .map(|&address| {
                let paragraph = self.paragraph_of(address)?;
                let key = self.key_of(address)?;
                if !articles.contains_key(&key) {
                    let first = self.first_passage(address, paragraph, &key)?;
                    let article = match first {
                        Some(first) => self.unchanged_article(&key, first)?,
                        None => None,
                    };
                    articles.insert(key.clone(), (first, article));
                }
                let (first, article) = &articles[&key];
                let first = *first;
                let from_file = article.as_ref().and_then(|article| {
                    Some((article.paragraphs.get(paragraph as usize - 1)?, article))
                });
                Ok(match from_file {
                    Some((text, article)) => Read::FromFile(PassageText {
                        text: text.clone(),
                        title: article.title.clone(),
                        dateline: article.dateline.clone(),
                        key,
                        paragraph,
                    }),
                    None => Read::Stored {
                        address,
                        first,
                        key,
                        paragraph,
                    },
                })
            })
            .collect()
    }

    /// The article whose first passage is at `first`, parsed from its file if the file is
    /// still the one indexed (the size and modification time the first passage records).
    fn unchanged_article(&self, key: &str, first: DocAddress) -> tantivy::Result<Option<Article>> {
        let Some(corpus) = self.open.corpus.as_deref() else {
            return Ok(None);
        };
        let size = self.u64_column(first.segment_ord, "size", |columns| &columns.size)?;
        let modified =
            self.u64_column(first.segment_ord, "modified", |columns| &columns.modified)?;
        let (Some(size), Some(modified)) = (size.first(first.doc_id), modified.first(first.doc_id))
        else {
            return Ok(None);
        };
        Ok(corpus::key_path(corpus, key)
            .and_then(|path| corpus::read_unchanged(&path, size, modified))
            .map(|text| article::parse(&text)))
    }

    /// The article key of a passage, from the fast field.
    fn key_of(&self, address: DocAddress) -> tantivy::Result<String> {
        let mut key = String::new();
        if let Some(paths) = self.path_column(address.segment_ord)?
            && let Some(ord) = paths.ords().first(address.doc_id)
        {
            paths.ord_to_str(ord, &mut key)?;
        }
        Ok(key)
    }

    /// The 1-based paragraph number of a passage, from the fast field.
    fn paragraph_of(&self, address: DocAddress) -> tantivy::Result<u64> {
        let column = self.paragraph_column(address.segment_ord)?;
        let number = column.first(address.doc_id).map(schema::paragraph_number);
        Ok(number.unwrap_or(1).max(1))
    }

    /// The first passage of a passage's article, which stores the article's fields: the
    /// live passage with paragraph number 1 among the few the article's path term lists.
    fn first_passage(
        &self,
        address: DocAddress,
        paragraph: u64,
        key: &str,
    ) -> tantivy::Result<Option<DocAddress>> {
        if paragraph == 1 {
            return Ok(Some(address));
        }
        let term = Term::from_field_text(self.open.fields.path, key);
        for (segment_ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = segment
                .inverted_index(self.open.fields.path)?
                .read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let paragraphs = self.paragraph_column(segment_ord as u32)?;
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if !segment.is_deleted(doc)
                    && paragraphs.first(doc).map(schema::paragraph_number) == Some(1)
                {
                    return Ok(Some(DocAddress::new(segment_ord as u32, doc)));
                }
                postings.advance();
            }
        }
        Ok(None)
    }

    /// Byte ranges of `text` where a pattern of the query matches.
    fn highlights(&mut self, text: &str, patterns: &[Pattern]) -> Vec<(usize, usize)> {
        let words = self.analyzer.words(text);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            for pattern in patterns {
                if let Some(len) = pattern_match(pattern, &words[i..]) {
                    ranges.push((word.start, words[i + len - 1].end));
                }
            }
        }
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// Turns a parsed node into a tantivy query over one field or all, recording what to
    /// highlight.
    fn build(
        &mut self,
        node: &Node,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        match node {
            Node::Word {
                field: name,
                text,
                prefix,
            } => {
                let field = self.field(name.as_deref()).or(field);
                if *prefix {
                    self.prefix_query(text, field, patterns)
                } else {
                    self.words_query(text, field, patterns)
                }
            }
            Node::Phrase { field: name, text } => {
                let field = self.field(name.as_deref()).or(field);
                self.words_query(text, field, patterns)
            }
            Node::Bool(clauses) => {
                let subqueries = clauses
                    .iter()
                    .map(|(occur, node)| {
                        let mut ignored = Vec::new();
                        // Excluded words are not highlighted.
                        let sink = if *occur == query::Occur::MustNot {
                            &mut ignored
                        } else {
                            &mut *patterns
                        };
                        (tantivy_occur(*occur), self.build(node, field, sink))
                    })
                    .collect();
                Box::new(BooleanQuery::new(subqueries))
            }
        }
    }

    fn field(&self, name: Option<&str>) -> Option<Field> {
        name.and_then(|name| self.open.fields.by_user_name(name))
    }

    /// The fields searched when the user names none, with their boosts.
    fn default_fields(&self) -> [(Field, f32); 3] {
        let fields = &self.open.fields;
        [
            (fields.body, 1.0),
            (fields.title, TITLE_BOOST),
            (fields.dateline, DATELINE_BOOST),
        ]
    }

    fn fields_for(&self, field: Option<Field>) -> Vec<(Field, f32)> {
        match field {
            Some(field) => vec![(field, 1.0)],
            None => self.default_fields().to_vec(),
        }
    }

    /// A word or phrase in every spelling the index holds, over the given fields.
    fn words_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        if words.is_empty() {
            return Box::new(EmptyQuery);
        }
        let spellings = self.spellings(&words);
        patterns.extend(spellings.iter().cloned().map(Pattern::Terms));
        let per_field = self
            .fields_for(field)
            .into_iter()
            .map(|(field, boost)| {
                let alternatives: Vec<(Occur, Box<dyn Query>)> = spellings
                    .iter()
                    .map(|terms| (Occur::Should, boosted(terms_query(field, terms), boost)))
                    .collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
                )
            })
            .collect::<Vec<_>>();
        Box::new(BooleanQuery::new(per_field))
    }

    /// The term sequences that spell the same words: as written, with a compound split where
    /// the index knows both halves, and with two adjacent words joined where the index knows
    /// the joined word.
    fn spellings(&mut self, words: &[Word]) -> Vec<Vec<String>> {
        let written: Vec<String> = words.iter().map(|w| w.term.clone()).collect();
        let mut spellings = vec![written.clone()];
        for (i, word) in words.iter().enumerate() {
            for (left, right) in self.compound_splits(&word.word) {
                let mut split = written.clone();
                split.splice(i..=i, [left, right]);
                push_unique(&mut spellings, split);
            }
        }
        for i in 0..words.len().saturating_sub(1) {
            let joined = self
                .analyzer
                .term(&format!("{}{}", words[i].word, words[i + 1].word));
            if self.in_vocabulary(&joined) {
                let mut join = written.clone();
                join.splice(i..=i + 1, [joined]);
                push_unique(&mut spellings, join);
            }
        }
        spellings.truncate(MAX_ALTERNATIVES);
        spellings
    }

    /// Ways to read `word` as two words the index holds next to each other, the most common
    /// halves first.
    fn compound_splits(&mut self, word: &str) -> Vec<(String, String)> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        if chars.len() < 2 * MIN_COMPOUND_PART || !word.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        let mut splits = Vec::new();
        for &(at, _) in &chars[MIN_COMPOUND_PART..=chars.len() - MIN_COMPOUND_PART] {
            let (left, right) = word.split_at(at);
            if is_stop_word(left) || is_stop_word(right) {
                continue;
            }
            let (left, right) = (self.analyzer.term(left), self.analyzer.term(right));
            let rarest = self.doc_freq(&left).min(self.doc_freq(&right));
            if rarest > 0 {
                splits.push((rarest, left, right));
            }
        }
        splits.sort_by_key(|split| std::cmp::Reverse(split.0));
        let mut found = Vec::new();
        for (_, left, right) in splits {
            if found.len() == 2 {
                break;
            }
            // A failure to read the index keeps the split: the search itself meets it and
            // reports it.
            if self.phrase_occurs(&left, &right).unwrap_or(true) {
                found.push((left, right));
            }
        }
        found
    }

    /// Whether the phrase `left right` occurs in a live passage, in any field a query searches
    /// by default. A split whose phrase occurs nowhere can match nothing, and leaving it out
    /// keeps the first pass a plain union of terms, which tantivy answers with block-max WAND
    /// (`prices` is no longer also searched as `pri ces`). On the 300 MB bench index the query
    /// mix p50 went from 5.6 to 5.4 ms (4.9 with no splits at all: each check costs 0.03-0.3 ms).
    fn phrase_occurs(&self, left: &str, right: &str) -> tantivy::Result<bool> {
        for (field, _) in self.default_fields() {
            let phrase = PhraseQuery::new(vec![
                Term::from_field_text(field, left),
                Term::from_field_text(field, right),
            ]);
            let weight = phrase.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
            for segment in self.searcher.segment_readers() {
                let mut scorer = weight.scorer(segment, 1.0)?;
                while scorer.doc() != TERMINATED {
                    if !segment.is_deleted(scorer.doc()) {
                        return Ok(true);
                    }
                    scorer.advance();
                }
            }
        }
        Ok(false)
    }

    fn doc_freq(&self, term: &str) -> u64 {
        let term = Term::from_field_text(self.open.fields.body, term);
        self.searcher.doc_freq(&term).unwrap_or(0)
    }

    fn in_vocabulary(&self, term: &str) -> bool {
        self.doc_freq(term) > 0
    }

    /// `word*`: every index term that starts with the word, scored as the terms themselves.
    fn prefix_query(
        &mut self,
        text: &str,
        field: Option<Field>,
        patterns: &mut Vec<Pattern>,
    ) -> Box<dyn Query> {
        let words = self.analyzer.words(text);
        let Some(last) = words.last() else {
            return Box::new(EmptyQuery);
        };
        // Index terms are stems, which may be shorter than the typed prefix: `negotiations` is
        // indexed as `negoti`, which `negotia*` must find. So a term matches when it starts
        // with the prefix, or is a stem of it cut by at most `STEM_CUT` characters.
        let prefix = common_prefix(&last.word, &last.term).to_string();
        let shortest = prefix
            .len()
            .saturating_sub(STEM_CUT)
            .max(MIN_STEM_PREFIX)
            .min(prefix.len());
        patterns.push(Pattern::Prefix(prefix.clone()));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in self.fields_for(field) {
            let candidates =
                self.terms_with_prefix(field, &prefix[..prefix.floor_char_boundary(shortest)]);
            for term in candidates
                .into_iter()
                .filter(|t| t.starts_with(&prefix) || prefix.starts_with(t.as_str()))
            {
                let query = TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, boosted(Box::new(query), boost)));
            }
        }
        if clauses.is_empty() {
            return Box::new(EmptyQuery);
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn terms_with_prefix(&self, field: Field, prefix: &str) -> Vec<String> {
        let mut terms: Vec<String> = Vec::new();
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xFF);
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&upper)
                .into_stream()
            else {
                continue;
            };
            while stream.advance() && terms.len() < MAX_PREFIX_TERMS {
                if let Ok(term) = std::str::from_utf8(stream.key())
                    && !terms.iter().any(|t| t == term)
                {
                    terms.push(term.to_string());
                }
            }
        }
        terms
    }
}

/// Ranks with `rank(depth)`, which returns its results and how many passages it drew on, at
/// fourfold depths until the results fill `limit` or the passages run out: articles with many
/// matching passages can fill a pass with fewer articles than asked for.
fn widening(
    mut depth: usize,
    limit: usize,
    mut rank: impl FnMut(usize) -> tantivy::Result<(Vec<(f32, DocAddress)>, usize)>,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    loop {
        let (ranked, passages) = rank(depth)?;
        if ranked.len() >= limit || passages < depth {
            return Ok(ranked);
        }
        depth = depth.saturating_mul(4);
    }
}

/// Where in `sorted` (ordered by `address`) the items of segment `segment_ord` lie.
fn segment_range<T>(
    sorted: &[T],
    segment_ord: u32,
    address: impl Fn(&T) -> DocAddress,
) -> Range<usize> {
    let start = sorted.partition_point(|item| address(item).segment_ord < segment_ord);
    let end = sorted.partition_point(|item| address(item).segment_ord <= segment_ord);
    start..end
}

/// The stored documents at `addresses` (sorted and deduplicated in place), read by one thread
/// per core: decompressing a doc-store block is most of what such a hit costs (0.17 ms of
/// 0.28 with 128 KB blocks). Each thread reads a run of neighbouring addresses, so passages
/// that share a block are mostly decompressed once, by the same thread.
fn read_documents(
    searcher: &Searcher,
    addresses: &mut Vec<DocAddress>,
) -> tantivy::Result<HashMap<DocAddress, TantivyDocument>> {
    if addresses.is_empty() {
        // Asking rayon for its thread count would start its threads for nothing.
        return Ok(HashMap::new());
    }
    addresses.sort();
    addresses.dedup();
    let run = addresses
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(1);
    addresses
        .par_chunks(run)
        .map(|run| {
            run.iter()
                .map(|&address| Ok((address, searcher.doc(address)?)))
                .collect::<tantivy::Result<Vec<_>>>()
        })
        .collect::<tantivy::Result<Vec<_>>>()
        .map(|runs| runs.into_iter().flatten().collect())
}

fn stored_text(document: &TantivyDocument, field: Field) -> String {
    document
        .get_first(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A reader for a one-shot process: no reloading thread.
fn reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

fn damaged(dir: &Path, err: tantivy::TantivyError) -> OpenError {
    OpenError::Damaged {
        dir: dir.display().to_string(),
        cause: err.to_string(),
    }
}

/// A single term, or a phrase for several.
fn terms_query(field: Field, terms: &[String]) -> Box<dyn Query> {
    let terms: Vec<Term> = terms
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

/// A union of unions as one union, all the way down: the same matches and scores (a union
/// scores the sum of its matching clauses), and a flat union of terms is what tantivy can
/// answer with block-max WAND, skipping blocks of passages that cannot reach the top.
fn flatten(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(union) = query.downcast_ref::<BooleanQuery>().filter(|q| is_union(q)) else {
        return query;
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (_, child) in union.clauses() {
        let child = flatten(child.box_clone());
        match child.downcast_ref::<BooleanQuery>() {
            Some(inner) if is_union(inner) => clauses.extend(
                inner
                    .clauses()
                    .iter()
                    .map(|(occur, query)| (*occur, query.box_clone())),
            ),
            _ => clauses.push((Occur::Should, child)),
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Whether a boolean query is a plain union: only optional clauses, any one enough.
fn is_union(query: &BooleanQuery) -> bool {
    query.get_minimum_number_should_match() <= 1
        && query
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn tantivy_occur(occur: query::Occur) -> Occur {
    match occur {
        query::Occur::Should => Occur::Should,
        query::Occur::Must => Occur::Must,
        query::Occur::MustNot => Occur::MustNot,
    }
}

fn push_unique(spellings: &mut Vec<Vec<String>>, spelling: Vec<String>) {
    if !spellings.contains(&spelling) {
        spellings.push(spelling);
    }
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let len = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((at, c), _)| at + c.len_utf8());
    &a[..len]
}

/// How many words at the start of `words` a pattern matches, if it does.
fn pattern_match(pattern: &Pattern, words: &[Word]) -> Option<usize> {
    match pattern {
        Pattern::Terms(terms) => {
            let matches = terms.len() <= words.len()
                && terms
                    .iter()
                    .zip(words)
                    .all(|(term, word)| *term == word.term);
            matches.then_some(terms.len())
        }
        Pattern::Prefix(prefix) => words
            .first()
            .is_some_and(|word| {
                word.term.starts_with(prefix.as_str()) || word.word.starts_with(prefix.as_str())
            })
            .then_some(1),
    }
}

/// Articles ranked from their ranked passages, at most `limit`: each by its best passage's
/// score plus `OTHER_PASSAGES_WEIGHT` of its other passages' scores, and shown by its best
/// passage. An article that several paragraphs match is more about the query than one with a
/// single passing mention (Callan 1994 mixes in the whole document's score for this).
fn rank_articles(
    passages: &[(f32, DocAddress)],
    articles: &[Column<u64>],
    limit: usize,
) -> Vec<(f32, DocAddress)> {
    // Per article: its best passage (passages come best first) and the score it ranks by.
    let mut ranked: Vec<(f32, DocAddress)> = Vec::new();
    let mut position: HashMap<u64, usize> = HashMap::new();
    for &(score, address) in passages {
        let article = articles[address.segment_ord as usize].first(address.doc_id);
        match article.and_then(|article| position.get(&article)) {
            Some(&i) => ranked[i].0 += OTHER_PASSAGES_WEIGHT * score,
            None => {
                if let Some(article) = article {
                    position.insert(article, ranked.len());
                }
                ranked.push((score, address));
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked.truncate(limit);
    ranked
}

/// What an article's other matching passages add to its best passage's score (measured:
/// README, relevance).
const OTHER_PASSAGES_WEIGHT: f32 = 0.1;

/// Feedback is used for keyword queries of at least this many words (after stop words):
/// shorter ones say exactly what they want.
const FEEDBACK_MIN_WORDS: usize = 3;
/// First-pass results that feed the expansion, terms added, and the original query's share
/// of the weight (RM3's usual 10 results; 20 terms and 0.7 measured best, see the README).
const FEEDBACK_DOCS: usize = 10;
const FEEDBACK_TERMS: usize = 20;
const FEEDBACK_ORIGINAL_WEIGHT: f32 = 0.7;
/// Fewest first-pass candidates the rerank reorders (ten per result asked for, if more).
/// For 10 results, 300 scored nDCG@10 within 0.001 of 1000 on the four classic collections
/// and higher on Reuters topics (.621 against .614), while every rerank signal costs in
/// proportion to the candidates (README, ranking).
const RERANK_DEPTH: usize = 300;
/// Postings (the summed document frequencies of a query's terms) from which a search runs
/// in parallel. On the 300 MB and 1 GB bench indexes (2 cores) the first pass alone gained
/// a median 0.2-0.4 ms from 30,000 postings, 0.6-1.9 ms from 100,000, nothing at
/// 10,000-30,000, and lost 0.2 ms below 10,000 (the start of rayon's threads).
const PARALLEL_POSTINGS: u64 = 30_000;
/// Passages the second-largest segment must hold for a search to run in parallel: with
/// small segments the threads cost more than they share. Reuters-21578 (two segments of
/// 67,000 and 59,000 passages): `said the company` 4.4-4.6 ms on one thread, 4.6-5.0 in
/// parallel. The 100 MB bench index (240,000 and 227,000): query mix p50 −5% in parallel.
const PARALLEL_SEGMENT_PASSAGES: u32 = 100_000;
/// Proximity bonus: weight of a pair of adjacent query words found within `PROXIMITY_SLOP`
/// (tantivy's slop: the second word up to 6 words after the first or 4 before it; measured:
/// README, relevance).
const PROXIMITY_BOOST: f32 = 0.3;
const PROXIMITY_SLOP: u32 = 5;
/// Weight of a query word's exact form in a title, against 1 for the word through BM25F
/// (measured: README, relevance).
const EXACT_TITLE_BOOST: f32 = 0.3;

/// The index terms of the keywords that are one term each (as often as they occur in the
/// query): the first pass scored each as one term query per field, which BM25F replaces.
fn single_terms(words: &[Vec<Word>]) -> Vec<String> {
    words
        .iter()
        .filter_map(|analysed| match analysed.as_slice() {
            [word] => Some(word.term.clone()),
            _ => None,
        })
        .collect()
}

/// The bare words of a keyword query (only bare words, OR'd); empty when the query has
/// phrases, fields, operators or prefixes, which are taken literally.
fn keywords(node: &Node) -> Vec<&str> {
    match node {
        Node::Bool(clauses) => clauses
            .iter()
            .map(|(occur, node)| {
                (*occur == query::Occur::Should)
                    .then(|| bare_word(node))
                    .flatten()
            })
            .collect::<Option<Vec<&str>>>()
            .unwrap_or_default(),
        leaf => bare_word(leaf).into_iter().collect(),
    }
}

fn bare_word(node: &Node) -> Option<&str> {
    match node {
        Node::Word {
            field: None,
            text,
            prefix: false,
        } => Some(text),
        _ => None,
    }
}

/// Queries with this many words or more lose their stop words: in a long natural-language
/// query they only add noise; in a short one they may be the point (`the who`).
const LONG_QUERY_WORDS: usize = 5;

/// Leaves out stop-word clauses of a long, plain OR query.
fn drop_stop_words(node: Node) -> Node {
    let Node::Bool(clauses) = &node else {
        return node;
    };
    if clauses.len() < LONG_QUERY_WORDS {
        return node;
    }
    let is_stop = |clause: &(query::Occur, Node)| {
        matches!(clause, (query::Occur::Should, Node::Word { field: None, text, prefix: false })
            if is_stop_word(&text.to_lowercase()))
    };
    if clauses.iter().all(is_stop) {
        return node;
    }
    let kept = clauses.iter().filter(|c| !is_stop(c)).cloned().collect();
    Node::Bool(kept)
}

/// Where to find an article: its corpus folder joined with its key, shown relative to the
/// current folder when it lies below it.
fn display_path(corpus: Option<&Path>, key: &str) -> String {
    let Some(corpus) = corpus else {
        return key.to_string();
    };
    let full = corpus.join(key);
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| full.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(full);
    shown.to_string_lossy().into_owned()
}

/// The byte range of `text` to show when it is longer than `max_bytes`: the window with the
/// most highlighted words, widened to word boundaries. Returns `(start, end)`.
pub fn window(text: &str, highlights: &[(usize, usize)], max_bytes: usize) -> (usize, usize) {
    if text.len() <= max_bytes {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize); // (count, start)
    for (i, &(start, _)) in highlights.iter().enumerate() {
        let count = highlights[i..]
            .iter()
            .take_while(|(_, end)| *end <= start + max_bytes)
            .count();
        if count > best.0 {
            best = (count, start);
        }
    }
    // Some context before the first highlighted word.
    let mut start = text.floor_char_boundary(best.1.saturating_sub(max_bytes / 5));
    if start > 0 {
        start = text[..start]
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
    }
    let mut end = text.floor_char_boundary(start + max_bytes);
    if end < text.len() {
        end = text[..end]
            .rfind(char::is_whitespace)
            .filter(|&at| at > start)
            .unwrap_or(end);
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    fn term(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn clause_count(query: &dyn Query) -> Option<usize> {
        query
            .downcast_ref::<BooleanQuery>()
            .map(|q| q.clauses().len())
    }

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
            indexer::index_corpus(&indexer::IndexConfig {
                corpus: corpus_dir.clone(),
                index_dir: index_dir.clone(),
                extensions: vec!["txt".into()],
                progress: false,
                memory_budget: 50 * 1024 * 1024,
            })
            .expect("index the corpus");
        }
        (dir, index_dir, first_run.to_vec())
    }

    #[test]
    fn a_parallel_search_finds_what_a_serial_one_finds() {
        let (_dir, index_dir, first_run) = index_built_in_two_runs();
        // Fresh engines, the parallel one first: its threads open every column themselves.
        let mut parallel = Engine::open(&index_dir).expect("open the index");
        parallel.parallel_from = Some(0);
        let mut serial = Engine::open(&index_dir).expect("open the index");
        serial.parallel_from = None;
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
                    query,
                    syntax: Syntax::Full,
                    limit: 5,
                    articles,
                };
                let in_parallel = parallel.search(&request).expect("search");
                let in_series = serial.search(&request).expect("search");
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
    fn segment_range_is_each_segments_run_of_addresses() {
        let sorted = [
            DocAddress::new(0, 5),
            DocAddress::new(0, 9),
            DocAddress::new(2, 1),
            DocAddress::new(2, 3),
            DocAddress::new(3, 0),
        ];
        let ranges: Vec<Range<usize>> = (0..5)
            .map(|segment_ord| segment_range(&sorted, segment_ord, |&address| address))
            .collect();
        assert_eq!(ranges, [0..2, 2..2, 2..4, 4..5, 5..5]);
    }

    #[test]
    fn nested_unions_become_one_and_other_shapes_stay() {
        let field = Schema::builder().add_text_field("body", TEXT);
        let nested = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, boosted(term(field, "a"), 2.0)),
                    (Occur::Should, term(field, "b")),
                ])),
            ),
            (Occur::Should, term(field, "c")),
        ]);
        assert_eq!(clause_count(flatten(Box::new(nested)).as_ref()), Some(3));

        let required = BooleanQuery::new(vec![
            (Occur::Must, term(field, "a")),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term(field, "b")),
                    (Occur::Should, term(field, "c")),
                ])),
            ),
        ]);
        assert_eq!(clause_count(flatten(Box::new(required)).as_ref()), Some(2));
    }
}
