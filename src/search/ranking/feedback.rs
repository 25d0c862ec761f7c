//! Pseudo-relevance feedback (RM3): the terms that weigh most in the best passages, added to
//! the query with a share of its weight.
//!
//! A result's weight is the softmax of its score, so the clear leaders speak and a long tail
//! of weak matches does not; a term's weight within a result is its share of the result's
//! words. Stop words and numbers are never feedback terms. The original query keeps
//! `feedback_original` of the weight, and feedback terms only add to passages the query's
//! own words match: feedback reorders, it never brings in.

use rustc_hash::FxHashMap;

use super::bm25::{Statistics, length_norm, saturate};
use super::{Context, Explainer, Tuning};
use crate::analysis::{Analyzer, is_stop_word};
use crate::schema::Fields;
use crate::search::matches::Terms;
use crate::search::plan::TITLE_BOOST;

/// A best result's text for feedback: its score, its passage, and its article's title.
pub(super) struct Source<'a> {
    pub score: f32,
    pub text: &'a str,
    pub title: &'a str,
}

/// The `tuning.feedback_terms` heaviest terms of the best results, with their weights.
pub(super) fn terms(
    tuning: &Tuning,
    analyzer: &mut Analyzer,
    best: &[Source],
) -> Vec<(String, f32)> {
    let top = best
        .iter()
        .map(|source| source.score)
        .fold(f32::MIN, f32::max);
    let softmax_total: f32 = best.iter().map(|source| (source.score - top).exp()).sum();
    let mut weights: FxHashMap<String, f32> = FxHashMap::default();
    for source in best {
        let mut words = analyzer.words(source.title);
        words.extend(analyzer.words(source.text));
        let result_weight = (source.score - top).exp() / softmax_total;
        let share = result_weight / words.len().max(1) as f32;
        for word in words {
            if !is_stop_word(&word.word) && !word.word.chars().all(|c| c.is_ascii_digit()) {
                *weights.entry(word.term).or_default() += share;
            }
        }
    }
    let mut terms: Vec<(String, f32)> = weights.into_iter().collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(tuning.feedback_terms);
    terms
}

/// A feedback term ready to score: its numbers in the body and the title, its idf in each,
/// and its share of the query's weight.
#[derive(Debug, Clone)]
pub(super) struct FeedbackTerm {
    term: String,
    body: usize,
    title: usize,
    body_idf: f32,
    title_idf: f32,
    weight: f32,
}

/// The feedback terms as weighted terms: the original query keeps `tuning.feedback_original`
/// of the weight, each of its words counting 1, and the feedback terms share the rest in
/// proportion to their weights.
pub(super) fn scored(
    expansion: &[(String, f32)],
    query_words: usize,
    fields: &Fields,
    statistics: &Statistics,
    tuning: &Tuning,
    terms: &mut Terms,
) -> tantivy::Result<Vec<FeedbackTerm>> {
    let total: f32 = expansion.iter().map(|(_, weight)| weight).sum();
    if total <= 0.0 {
        return Ok(Vec::new());
    }
    let original = tuning.feedback_original;
    let scale = query_words as f32 * (1.0 - original) / original / total;
    let mut scored = Vec::with_capacity(expansion.len());
    for (term, weight) in expansion {
        scored.push(FeedbackTerm {
            term: term.clone(),
            body: terms.id(fields.body, term),
            title: terms.id(fields.title, term),
            body_idf: statistics.idf(fields.body, term)?,
            title_idf: statistics.idf(fields.title, term)?,
            weight: weight * scale,
        });
    }
    Ok(scored)
}

/// Adds each feedback term's BM25, field by field, to candidate `candidate`'s matching
/// passages.
pub(super) fn add(
    feedback: &[FeedbackTerm],
    context: &Context,
    candidate: usize,
    scores: &mut [f32],
    matched: &[bool],
    explain: &mut Explainer,
) {
    if feedback.is_empty() || !matched.contains(&true) {
        return;
    }
    let (tuning, statistics) = (context.tuning, context.statistics);
    let shape = &context.matches.shapes[candidate];
    let norms: Vec<f32> = shape
        .spans
        .iter()
        .map(|&span| length_norm(tuning.b, span as f32, statistics.mean_paragraph))
        .collect();
    let title_norm = length_norm(tuning.b, shape.title_length, statistics.mean_title);
    let mut frequencies = vec![0u32; scores.len()];
    for term in feedback {
        let body = context.matches.positions(term.body, candidate);
        let in_title = context.matches.positions(term.title, candidate).len();
        if body.is_empty() && in_title == 0 {
            continue;
        }
        frequencies.fill(0);
        for &position in body {
            frequencies[shape.paragraph_of(position)] += 1;
        }
        let title = if in_title > 0 {
            TITLE_BOOST * saturate(term.title_idf, in_title as f32, title_norm, tuning.k1)
        } else {
            0.0
        };
        for (paragraph, &frequency) in frequencies.iter().enumerate() {
            if !matched[paragraph] {
                continue;
            }
            let body = saturate(term.body_idf, frequency as f32, norms[paragraph], tuning.k1);
            let score = term.weight * (body + title);
            if score > 0.0 {
                scores[paragraph] += score;
                explain.add(paragraph, score, || {
                    format!("feedback word `{}`", term.term)
                });
            }
        }
    }
}
