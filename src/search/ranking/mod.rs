//! Ranking: the first pass over every passage, the rerank of its best candidates by each
//! signal, and articles scored from their passages.
//!
//! A keyword query (bare words only) is ranked in two steps. The words alone pick at least
//! `RERANK_DEPTH` (and ten times the limit) candidates, a flat union of terms that tantivy
//! answers with block-max WAND; then each candidate is rescored by the [`Signal`]s, each a
//! module of its own: [`bm25f`] for the words over title and body, a [`proximity`] bonus, a
//! bonus for words in the title exactly as typed ([`exact_title`]) and, for
//! `feedback::MIN_WORDS` words or more, pseudo-relevance [`feedback`]. Phrases and frequent
//! expansion terms are thus scored on the candidates only, never over every passage; a
//! passage outside the candidates could only surface if BM25F raised it from below rank
//! `RERANK_DEPTH`. Any other query is ranked by the first pass alone. This module decides the
//! order of results; it reads no passage text but the feedback's and prints nothing.

mod article;
mod bm25f;
mod exact_title;
pub(super) mod explain;
mod feedback;
mod proximity;
pub(super) mod stories;
mod tuning;

use rustc_hash::FxHashMap;
use std::fmt;
use std::str::FromStr;

use tantivy::DocAddress;
use tantivy::query::Query;

use super::columns::ArticleIds;
use super::passages::Passages;
use super::plan::Plan;
use super::segments::sort_best_first;
use super::{IndexView, Request};
use crate::analysis::{Analyzer, Word, is_stop_word};
pub use tuning::Tuning;

/// A signal of the rerank: one reason a candidate rises or falls, which can be switched off
/// (`Signals::without`) to measure what it is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// BM25F over title and body in place of the first pass's per-field BM25.
    Bm25f,
    /// Query words near each other in a passage.
    Proximity,
    /// Query words in the title as typed, not only through their stem.
    ExactTitle,
    /// Pseudo-relevance feedback (RM3) from the best candidates.
    Feedback,
    /// An article's words over all its passages and title (BM25F), when ranking articles.
    Article,
}

impl Signal {
    /// Every signal, in the order the rerank applies them.
    pub const ALL: [Signal; 5] = [
        Signal::Bm25f,
        Signal::Proximity,
        Signal::ExactTitle,
        Signal::Feedback,
        Signal::Article,
    ];

    /// The name users and scripts give the signal.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Bm25f => "bm25f",
            Signal::Proximity => "proximity",
            Signal::ExactTitle => "exact-title",
            Signal::Feedback => "feedback",
            Signal::Article => "article",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Signal {
    type Err = String;

    fn from_str(name: &str) -> Result<Signal, String> {
        Signal::ALL
            .into_iter()
            .find(|signal| signal.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
                format!("no signal `{name}` (signals: {})", names.join(", "))
            })
    }
}

/// Which signals a search uses: all of them unless some are switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signals(u8);

impl Signals {
    pub const ALL: Signals = Signals(0b1_1111);

    /// These signals without `signal`.
    pub fn without(self, signal: Signal) -> Signals {
        Signals(self.0 & !signal.bit())
    }

    pub fn has(self, signal: Signal) -> bool {
        self.0 & signal.bit() != 0
    }
}

impl Default for Signals {
    fn default() -> Self {
        Signals::ALL
    }
}

/// How many passages the first pass keeps for `wanted` results: enough candidates for the
/// rerank of a keyword query; for articles without a rerank, four times as many (widened
/// when one article holds many of them); otherwise `wanted`.
pub(super) fn first_pass_depth(plan: &Plan, request: &Request, wanted: usize) -> usize {
    if !plan.keywords.is_empty() {
        wanted.saturating_mul(10).max(request.tuning.rerank_depth)
    } else if request.articles {
        wanted.saturating_mul(4).max(16)
    } else {
        wanted
    }
}

/// The first pass: the `depth` best passages for the plan's query, best first.
pub(super) fn first_pass(
    index: &IndexView,
    query: &dyn Query,
    depth: usize,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    index.segments.top_passages(query, depth)
}

/// Whole-article scores by article id, for ranking articles (empty: none).
pub(super) type ArticleScores = FxHashMap<u64, f32>;

/// What a rerank learned beyond the candidates' scores: its articles' whole scores, and the
/// words feedback added with their weights (for explaining).
#[derive(Debug, Default)]
pub(super) struct Reranked {
    pub article_scores: ArticleScores,
    pub feedback: Vec<(String, f32)>,
}

/// Rescores a keyword query's candidates with each signal `request` leaves on, and sorts them
/// again, best first; when articles are ranked, also scores the candidates' articles whole.
/// Other queries' candidates are left as the first pass ranked them.
pub(super) fn rerank(
    index: &IndexView,
    analyzer: &mut Analyzer,
    passages: &mut Passages,
    plan: &Plan,
    request: &Request,
    candidates: &mut [(f32, DocAddress)],
) -> tantivy::Result<Reranked> {
    let words = &plan.keywords;
    if words.is_empty() {
        return Ok(Reranked::default());
    }
    let (signals, tuning) = (request.signals, &request.tuning);
    if signals.has(Signal::Bm25f) {
        bm25f::rescore_title_and_body(index, tuning, words, candidates)?;
    }
    let article_scores =
        if request.articles && signals.has(Signal::Article) && tuning.article_weight > 0.0 {
            article::scores(index, tuning, &bm25f::single_terms(words), candidates)?
        } else {
            ArticleScores::default()
        };
    let bonuses = unlabelled(bonus_queries(index, request, words));
    index.segments.add_scores(candidates, &bonuses)?;
    let mut feedback = Vec::new();
    if signals.has(Signal::Feedback) && words.len() >= tuning.feedback_min_words {
        let mut best = group(index, tuning, &article_scores, candidates, request.articles)?;
        best.truncate(tuning.feedback_docs);
        feedback = feedback::terms(index, tuning, analyzer, passages, &best)?;
        let queries = feedback::queries(&index.open.fields, tuning, &feedback, words.len());
        index
            .segments
            .add_scores(candidates, &unlabelled(queries))?;
    }
    Ok(Reranked {
        article_scores,
        feedback,
    })
}

/// The proximity and exact-title bonuses for `words`, as the request's signals have them, each
/// with what it asks.
fn bonus_queries(
    index: &IndexView,
    request: &Request,
    words: &[Vec<Word>],
) -> Vec<(String, Box<dyn Query>)> {
    let content_words: Vec<&Word> = words
        .iter()
        .flatten()
        .filter(|word| !is_stop_word(&word.word))
        .collect();
    let (fields, tuning) = (&index.open.fields, &request.tuning);
    let mut bonuses = Vec::new();
    if request.signals.has(Signal::Proximity) {
        bonuses.extend(proximity::queries(fields.body, tuning, &content_words));
    }
    if request.signals.has(Signal::ExactTitle) {
        let title_words = fields.title_words;
        bonuses.extend(exact_title::queries(title_words, tuning, &content_words));
    }
    bonuses
}

fn unlabelled(queries: Vec<(String, Box<dyn Query>)>) -> Vec<Box<dyn Query>> {
    queries.into_iter().map(|(_, query)| query).collect()
}

/// The ranked passages, or their articles ranked (see `rank_articles`); the article columns
/// are only opened when articles are asked for.
pub(super) fn group(
    index: &IndexView,
    tuning: &Tuning,
    article_scores: &ArticleScores,
    passages: &[(f32, DocAddress)],
    articles: bool,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    Ok(if articles {
        let ids = index.columns.article_ids()?;
        rank_articles(passages, &ids, tuning, article_scores)
    } else {
        passages.to_vec()
    })
}

/// Ranks with `rank(depth)`, which returns its results and how many passages it drew on, at
/// fourfold depths until the results fill `limit` or the passages run out: articles with many
/// matching passages can fill a pass with fewer articles than asked for.
pub(super) fn widening<T>(
    mut depth: usize,
    limit: usize,
    mut rank: impl FnMut(usize) -> tantivy::Result<(Vec<T>, usize)>,
) -> tantivy::Result<Vec<T>> {
    loop {
        let (ranked, passages) = rank(depth)?;
        if ranked.len() >= limit || passages < depth {
            return Ok(ranked);
        }
        depth = depth.saturating_mul(4);
    }
}

/// Articles ranked from their ranked passages: each by its best passage's score plus
/// `tuning.other_passages` of its other passages' scores (and `tuning.article_weight` of its
/// whole-article score, when there is one), and shown by its best passage. An article that several paragraphs match is more about the query than one with a
/// single passing mention (Callan 1994 mixes in the whole document's score for this).
fn rank_articles(
    passages: &[(f32, DocAddress)],
    articles: &[ArticleIds],
    tuning: &Tuning,
    article_scores: &ArticleScores,
) -> Vec<(f32, DocAddress)> {
    // Per article: its best passage (passages come best first) and the score it ranks by.
    let mut ranked: Vec<(f32, DocAddress)> = Vec::new();
    let mut position: FxHashMap<u64, usize> = FxHashMap::default();
    for &(score, address) in passages {
        let article = articles[address.segment_ord as usize].first(address.doc_id);
        match article.and_then(|article| position.get(&article)) {
            Some(&i) => ranked[i].0 += tuning.other_passages * score,
            None => {
                let whole = article
                    .and_then(|article| article_scores.get(&article))
                    .map_or(0.0, |whole| tuning.article_weight * whole);
                if let Some(article) = article {
                    position.insert(article, ranked.len());
                }
                ranked.push((score + whole, address));
            }
        }
    }
    sort_best_first(&mut ranked);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_switch_off_one_at_a_time_and_parse_by_name() {
        for signal in Signal::ALL {
            let without = Signals::ALL.without(signal);
            assert!(!without.has(signal));
            for other in Signal::ALL.into_iter().filter(|&other| other != signal) {
                assert!(without.has(other), "{other} stays on without {signal}");
            }
            assert_eq!(signal.name().parse::<Signal>(), Ok(signal));
        }
        assert!("bm25".parse::<Signal>().is_err());
    }
}
