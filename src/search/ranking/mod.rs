//! Ranking: the first pass's candidate articles, every passage of them scored from the
//! postings' positions, and articles scored from their passages.
//!
//! Every query's passages are scored by its own words and phrases, field by field ([`words`]):
//! a passage matches when one occurs in it (an article's title and dateline count for its
//! first passage). A keyword query (bare words only) is scored by more signals, each a module
//! of its own and each switchable: [`bm25f`] for the words over title and passage, a
//! [`proximity`] bonus, a bonus for words in the title exactly as typed ([`exact_title`])
//! and, for `feedback_min_words` words or more, pseudo-relevance [`feedback`]. Articles rank by
//! their best passage, a share of their other matching passages and, for a keyword query,
//! the whole article's BM25F ([`article`]). This module decides the order of results; it reads
//! no text but the feedback's, and prints nothing.

mod article;
mod bm25;
mod bm25f;
mod exact_title;
pub(super) mod explain;
mod feedback;
mod proximity;
pub(super) mod stories;
mod tuning;
mod words;

use std::fmt;
use std::str::FromStr;

use tantivy::DocAddress;

use super::matches::{Matches, Terms};
use super::plan::{Condition, Plan};
use super::segments::Candidate;
use super::text::Texts;
use super::{IndexView, Request, Sort};
use crate::analysis::{Analyzer, Word, is_stop_word};
use bm25::Statistics;
use explain::Explanation;
pub use tuning::Tuning;

/// A signal of the ranking: one reason a passage or article rises or falls, which can be
/// switched off (`Signals::without`) to measure what it is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// BM25F over title and passage in place of field-by-field BM25.
    Bm25f,
    /// Query words near each other in a passage.
    Proximity,
    /// Query words in the title as typed, not only through their stem.
    ExactTitle,
    /// Pseudo-relevance feedback (RM3) from the best results.
    Feedback,
    /// An article's words over its whole text and title (BM25F), when ranking articles.
    Article,
}

impl Signal {
    /// Every signal, in the order the ranking applies them.
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

/// How many articles the first pass keeps for `wanted` results: enough candidates for a
/// keyword query's signals to reorder (`rerank_depth`); otherwise twice the rows wanted, at
/// least 16 (widened when the passages of those fill fewer rows).
pub(super) fn first_pass_depth(plan: &Plan, request: &Request, wanted: usize) -> usize {
    if !plan.keywords.is_empty() && request.sort == Sort::Relevance {
        wanted.max(request.tuning.rerank_depth)
    } else {
        wanted.saturating_mul(2).max(16)
    }
}

/// Ranks with `rank(depth)`, which returns its results and how many articles it drew on, at
/// fourfold depths until the results fill `limit` or the articles run out.
pub(super) fn widening<T>(
    mut depth: usize,
    limit: usize,
    mut rank: impl FnMut(usize) -> tantivy::Result<(Vec<T>, usize)>,
) -> tantivy::Result<Vec<T>> {
    loop {
        let (ranked, drawn) = rank(depth)?;
        if ranked.len() >= limit || drawn < depth {
            return Ok(ranked);
        }
        depth = depth.saturating_mul(4);
    }
}

/// What the signals read while scoring one candidate.
pub(super) struct Context<'a> {
    pub tuning: &'a Tuning,
    pub statistics: &'a Statistics,
    pub matches: &'a Matches,
}

/// Collects the parts of one passage's score, for explaining it; does nothing for the others.
pub(super) struct Explainer {
    paragraph: Option<usize>,
    parts: Vec<Explanation>,
}

impl Explainer {
    /// Collects nothing: the ranking's own pass.
    pub fn none() -> Explainer {
        Explainer {
            paragraph: None,
            parts: Vec::new(),
        }
    }

    fn of(paragraph: usize) -> Explainer {
        Explainer {
            paragraph: Some(paragraph),
            parts: Vec::new(),
        }
    }

    /// Records a part of paragraph `paragraph`'s score, when that is the one explained.
    #[inline]
    pub fn add(&mut self, paragraph: usize, value: f32, what: impl FnOnce() -> String) {
        if self.paragraph == Some(paragraph) {
            self.parts.push(Explanation::new(what(), value, Vec::new()));
        }
    }
}

/// What a search scores passages with, its terms numbered in one table.
pub(super) struct Scoring {
    terms: Terms,
    /// The plan's leaves, and which passages match.
    words: Vec<words::Scored>,
    condition: Condition,
    /// Whether the condition is a plain union (any leaf matches), checked once.
    union: bool,
    /// BM25F's keywords; also the whole article's.
    keywords: Vec<bm25f::Keyword>,
    bm25f: bool,
    pairs: Vec<proximity::Pair>,
    title_words: Vec<exact_title::TitleWord>,
    feedback: Vec<feedback::FeedbackTerm>,
    /// The feedback terms and their weights.
    pub expansion: Vec<(String, f32)>,
}

impl Scoring {
    /// The signals `request` asks for, over the plan's words.
    fn new(
        index: &IndexView,
        statistics: &Statistics,
        plan: &Plan,
        request: &Request,
    ) -> tantivy::Result<Scoring> {
        let fields = &index.open.fields;
        let (signals, tuning) = (request.signals, &request.tuning);
        let mut terms = Terms::default();
        // The keyword signals reorder a ranking by relevance.
        let keyword_query = !plan.keywords.is_empty() && request.sort == Sort::Relevance;
        let keywords = if keyword_query {
            bm25f::keywords(&plan.keywords, fields, statistics, &mut terms)?
        } else {
            Vec::new()
        };
        let bm25f = keyword_query && signals.has(Signal::Bm25f);
        let single: Vec<String> = keywords.iter().map(|k| k.term.clone()).collect();
        let replaced = |leaf: &super::plan::Leaf| {
            bm25f
                && (leaf.field == fields.body || leaf.field == fields.title)
                && leaf.terms.len() == 1
                && single.contains(&leaf.terms[0])
        };
        let words = words::scored(&plan.leaves, fields, statistics, &mut terms, replaced)?;
        let content_words: Vec<&Word> = if keyword_query {
            plan.keywords
                .iter()
                .flatten()
                .filter(|word| !is_stop_word(&word.word))
                .collect()
        } else {
            Vec::new()
        };
        let pairs = if signals.has(Signal::Proximity) {
            proximity::pairs(&content_words, fields, statistics, tuning, &mut terms)?
        } else {
            Vec::new()
        };
        let title_words = if signals.has(Signal::ExactTitle) && tuning.exact_title > 0.0 {
            exact_title::words(&content_words, fields, statistics, &mut terms)?
        } else {
            Vec::new()
        };
        Ok(Scoring {
            terms,
            words,
            condition: plan.condition.clone(),
            union: plan.condition.is_union(),
            keywords,
            bm25f,
            pairs,
            title_words,
            feedback: Vec::new(),
            expansion: Vec::new(),
        })
    }

    /// Marks the passages of candidate `candidate` that the query matches, and adds every
    /// signal's score but feedback's to them, in order.
    fn score(
        &self,
        context: &Context,
        candidate: usize,
        counts: &mut words::Counts,
        scores: &mut [f32],
        matched: &mut [bool],
        explain: &mut Explainer,
    ) {
        counts.fill(&self.words, context, candidate);
        if self.union {
            for (paragraph, matched) in matched.iter_mut().enumerate() {
                *matched = (0..self.words.len()).any(|leaf| counts.get(leaf, paragraph) > 0);
            }
        } else {
            for (paragraph, matched) in matched.iter_mut().enumerate() {
                *matched = self
                    .condition
                    .holds(&|leaf| counts.get(leaf, paragraph) > 0);
            }
        }
        words::add(&self.words, counts, context, candidate, scores, explain);
        if self.bm25f {
            bm25f::add(&self.keywords, context, candidate, scores, explain);
        }
        proximity::add(&self.pairs, context, candidate, scores, explain);
        exact_title::add(&self.title_words, context, candidate, scores, explain);
    }
}

/// A passage as ranked: its score, its article (address, and place among the candidates) and
/// its paragraph (0-based).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Ranked {
    pub score: f32,
    pub address: DocAddress,
    pub candidate: usize,
    pub paragraph: u32,
}

/// The scores of every candidate's passages.
#[derive(Debug, Default)]
pub(super) struct Scores {
    /// Per candidate, per paragraph: its score, and whether the query's words occur there.
    pub passages: Vec<Vec<f32>>,
    pub matched: Vec<Vec<bool>>,
    /// Per candidate, its whole-article score, when articles are ranked with it.
    pub whole: Vec<Option<f32>>,
}

/// What ranking a search's candidates found: every matching passage's score, and the ranking
/// (passages, or articles each by its best passage).
pub(super) struct Ranking {
    pub matches: Matches,
    pub statistics: Statistics,
    pub scoring: Scoring,
    pub scores: Scores,
    pub ranked: Vec<Ranked>,
    /// Articles the first pass drew.
    pub drawn: usize,
}

impl Ranking {
    /// How many passages of the candidates match.
    pub fn matching_passages(&self) -> u64 {
        self.scores
            .matched
            .iter()
            .map(|m| m.iter().filter(|&&m| m).count() as u64)
            .sum()
    }

    /// How many candidates hold a matching passage.
    pub fn matching_articles(&self) -> u64 {
        self.scores
            .matched
            .iter()
            .filter(|m| m.contains(&true))
            .count() as u64
    }
}

/// Scores every passage of the `candidates` for `request` and ranks them (or their articles).
pub(super) fn rank(
    index: &IndexView,
    analyzer: &mut Analyzer,
    texts: &mut Texts,
    plan: &Plan,
    request: &Request,
    candidates: Vec<Candidate>,
) -> tantivy::Result<Ranking> {
    let drawn = candidates.len();
    let tuning = &request.tuning;
    let statistics = Statistics::new(index)?;
    let mut scoring = Scoring::new(index, &statistics, plan, request)?;
    let mut matches = Matches::new(index, candidates)?;
    matches.read(index, &scoring.terms)?;
    let mut scores = score_all(&matches, &statistics, &scoring, tuning);
    let feedback_wanted = request.signals.has(Signal::Feedback)
        && request.sort == Sort::Relevance
        && !plan.keywords.is_empty()
        && plan.keywords.len() >= tuning.feedback_min_words;
    if feedback_wanted {
        let best = order(index, &matches, &scores, request, plan.excludes())?;
        scoring.expansion = expansion(index, analyzer, texts, &best, tuning)?;
        scoring.feedback = feedback::scored(
            &scoring.expansion,
            plan.keywords.len(),
            &index.open.fields,
            &statistics,
            tuning,
            &mut scoring.terms,
        )?;
        matches.read(index, &scoring.terms)?;
        add_feedback(&matches, &statistics, &scoring, tuning, &mut scores);
    }
    let whole_wanted = request.articles
        && request.sort == Sort::Relevance
        && request.signals.has(Signal::Article)
        && tuning.article_weight > 0.0;
    if whole_wanted && !scoring.keywords.is_empty() {
        let context = Context {
            tuning,
            statistics: &statistics,
            matches: &matches,
        };
        scores.whole = (0..matches.candidates.len())
            .map(|c| Some(article::score(&scoring.keywords, &context, c, None)))
            .collect();
    }
    let ranked = order(index, &matches, &scores, request, plan.excludes())?;
    Ok(Ranking {
        matches,
        statistics,
        scoring,
        scores,
        ranked,
        drawn,
    })
}

/// Every candidate's passages scored with `scoring`.
fn score_all(
    matches: &Matches,
    statistics: &Statistics,
    scoring: &Scoring,
    tuning: &Tuning,
) -> Scores {
    let context = Context {
        tuning,
        statistics,
        matches,
    };
    let mut scores = Scores {
        whole: vec![None; matches.candidates.len()],
        ..Scores::default()
    };
    let mut counts = words::Counts::default();
    for (candidate, shape) in matches.shapes.iter().enumerate() {
        let mut passages = vec![0.0; shape.spans.len()];
        let mut matched = vec![false; shape.spans.len()];
        scoring.score(
            &context,
            candidate,
            &mut counts,
            &mut passages,
            &mut matched,
            &mut Explainer::none(),
        );
        scores.passages.push(passages);
        scores.matched.push(matched);
    }
    scores
}

/// Adds the feedback terms' scores to every candidate's matching passages.
fn add_feedback(
    matches: &Matches,
    statistics: &Statistics,
    scoring: &Scoring,
    tuning: &Tuning,
    scores: &mut Scores,
) {
    let context = Context {
        tuning,
        statistics,
        matches,
    };
    for (candidate, (passages, matched)) in
        scores.passages.iter_mut().zip(&scores.matched).enumerate()
    {
        feedback::add(
            &scoring.feedback,
            &context,
            candidate,
            passages,
            matched,
            &mut Explainer::none(),
        );
    }
}

/// The feedback terms of the best results as they rank now.
fn expansion(
    index: &IndexView,
    analyzer: &mut Analyzer,
    texts: &mut Texts,
    best: &[Ranked],
    tuning: &Tuning,
) -> tantivy::Result<Vec<(String, f32)>> {
    let best = &best[..best.len().min(tuning.feedback_docs)];
    let passages: Vec<(DocAddress, u32)> = best.iter().map(|r| (r.address, r.paragraph)).collect();
    let read = texts.passages(index, &passages)?;
    let sources: Vec<feedback::Source> = best
        .iter()
        .zip(&read)
        .map(|(ranked, passage)| feedback::Source {
            score: ranked.score,
            text: &passage.text,
            title: &passage.title,
        })
        .collect();
    Ok(feedback::terms(tuning, analyzer, &sources))
}

/// The ranking of the scored passages: every matching passage best first, or each article by
/// its best passage (see `article_score`); newest first when sorting by date. Equal scores in
/// the order of their articles' keys, then paragraphs. When the query `excludes` words, the
/// first pass matched articles none of whose passages may match: those are left out.
fn order(
    index: &IndexView,
    matches: &Matches,
    scores: &Scores,
    request: &Request,
    excludes: bool,
) -> tantivy::Result<Vec<Ranked>> {
    let tuning = &request.tuning;
    let mut ranked = Vec::new();
    for (candidate, (passage_scores, matched)) in
        scores.passages.iter().zip(&scores.matched).enumerate()
    {
        let first = matches.candidates[candidate];
        let passages = passage_scores
            .iter()
            .zip(matched)
            .enumerate()
            .filter(|(_, (_, matched))| **matched)
            .map(|(paragraph, (&score, _))| Ranked {
                score,
                address: first.address,
                candidate,
                paragraph: paragraph as u32,
            });
        let before = ranked.len();
        if request.articles {
            ranked.extend(article_score(passages, scores.whole[candidate], tuning));
        } else {
            ranked.extend(passages);
        }
        if ranked.len() == before && !excludes {
            ranked.push(unmatched(first, candidate));
        }
    }
    // Ties decide the order shown only near the top: a page, its articles' other passages and
    // its stories' copies lie within a few times the rows asked for.
    let shown = request
        .offset
        .saturating_add(request.limit)
        .saturating_mul(TIES_ORDERED_PER_ROW)
        .max(MIN_TIES_ORDERED);
    sort_best_first(index, &mut ranked, request.sort, shown)?;
    Ok(ranked)
}

/// A candidate none of whose passages the query's words were found in (the first pass matched
/// it through a part the passages are not scored by): its first passage, at its first-pass
/// score, so that no match is lost.
fn unmatched(first: Candidate, candidate: usize) -> Ranked {
    Ranked {
        score: first.score,
        address: first.address,
        candidate,
        paragraph: 0,
    }
}

/// An article ranked by its best passage's score plus `tuning.other_passages` of its other
/// passages' scores (and `tuning.article_weight` of its whole-article score, when there is
/// one), and shown by its best passage. An article that several paragraphs match is more about
/// the query than one with a single passing mention (Callan 1994 mixes in the whole document's
/// score for this). `None` when no passage matches.
fn article_score(
    passages: impl Iterator<Item = Ranked>,
    whole: Option<f32>,
    tuning: &Tuning,
) -> Option<Ranked> {
    let mut best: Option<Ranked> = None;
    let mut total = 0.0;
    for passage in passages {
        total += passage.score;
        if best.is_none_or(|best| passage.score > best.score) {
            best = Some(passage);
        }
    }
    let mut best = best?;
    let others = total - best.score;
    best.score += tuning.other_passages * others + whole.map_or(0.0, |w| tuning.article_weight * w);
    Some(best)
}

/// Passages, a row asked for, whose ties are put in the order of their keys (see `order`).
const TIES_ORDERED_PER_ROW: usize = 8;
/// Fewest passages whose ties are put in the order of their keys.
const MIN_TIES_ORDERED: usize = 64;

/// Sorts a ranking best first (newest first by date, the better first within a day); equal
/// scores among the first `shown` in the order of their articles' keys, then paragraphs, so
/// that what a page shows never depends on where the index keeps an article. Keys are read
/// only for such ties; past `shown`, ties stay in index order.
fn sort_best_first(
    index: &IndexView,
    ranked: &mut [Ranked],
    sort: Sort,
    shown: usize,
) -> tantivy::Result<()> {
    let mut days = rustc_hash::FxHashMap::default();
    if sort == Sort::Date {
        for passage in ranked.iter() {
            if let std::collections::hash_map::Entry::Vacant(entry) = days.entry(passage.address) {
                entry.insert(index.columns.date(passage.address)?.0);
            }
        }
    }
    let day = |passage: &Ranked| days.get(&passage.address).copied();
    ranked.sort_by(|a, b| {
        day(b)
            .cmp(&day(a))
            .then(b.score.total_cmp(&a.score))
            .then(a.address.cmp(&b.address))
            .then(a.paragraph.cmp(&b.paragraph))
    });
    // Runs of equal rank across articles: by key, then paragraph.
    let mut start = 0;
    while start < ranked.len().min(shown) {
        let head = ranked[start];
        let end = start
            + ranked[start..]
                .iter()
                .take_while(|p| p.score == head.score && day(p) == day(&head))
                .count();
        let run = &mut ranked[start..end];
        start = end;
        if run.iter().all(|p| p.address == head.address) {
            // One article's passages: in paragraph order already.
            continue;
        }
        if run
            .iter()
            .all(|p| p.address.segment_ord == head.address.segment_ord)
        {
            // Within a segment the path dictionary's ordinals sort as the keys do.
            let mut ordered = Vec::with_capacity(run.len());
            for passage in run.iter() {
                ordered.push((index.columns.key_ordinal(passage.address)?, *passage));
            }
            ordered.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.paragraph.cmp(&b.1.paragraph)));
            for (slot, (_, passage)) in run.iter_mut().zip(ordered) {
                *slot = passage;
            }
        } else {
            let addresses: Vec<DocAddress> = run.iter().map(|p| p.address).collect();
            let keys = index.columns.keys(&addresses)?;
            let mut keyed: Vec<(String, Ranked)> =
                keys.into_iter().zip(run.iter().copied()).collect();
            keyed.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(a.1.paragraph.cmp(&b.1.paragraph))
                    .then(a.1.address.cmp(&b.1.address))
            });
            for (slot, (_, passage)) in run.iter_mut().zip(keyed) {
                *slot = passage;
            }
        }
    }
    Ok(())
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

    #[test]
    fn an_article_ranks_by_its_best_passage_plus_a_share_of_the_others() {
        let tuning = Tuning {
            other_passages: 0.1,
            article_weight: 0.5,
            ..Tuning::default()
        };
        let passage = |paragraph: u32, score: f32| Ranked {
            score,
            address: DocAddress::new(0, 7),
            candidate: 0,
            paragraph,
        };
        let passages = [passage(0, 1.0), passage(1, 3.0), passage(2, 2.0)];
        let best = article_score(passages.into_iter(), Some(4.0), &tuning).unwrap();
        assert_eq!(best.paragraph, 1);
        assert!((best.score - (3.0 + 0.1 * 3.0 + 0.5 * 4.0)).abs() < 1e-6);
        assert!(article_score(std::iter::empty(), None, &tuning).is_none());
    }
}
