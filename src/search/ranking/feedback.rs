//! Pseudo-relevance feedback (RM3): the terms that weigh most in the best candidates, added
//! to the query with a share of its weight.
//!
//! A result's weight is the softmax of its score, so the clear leaders speak and a long tail
//! of weak matches does not; a term's weight within a result is its share of the result's
//! words. Stop words and numbers are never feedback terms. The original query keeps
//! `ORIGINAL_WEIGHT` of the weight and stays required, so feedback only reorders candidates.

use rustc_hash::FxHashMap;

use tantivy::DocAddress;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};

use crate::analysis::{Analyzer, is_stop_word};
use crate::schema::Fields;
use crate::search::IndexView;
use crate::search::passages::Passages;
use crate::search::plan::{TITLE_BOOST, boosted};

use super::Tuning;

/// The `tuning.feedback_terms` heaviest terms of the passages `best` (scored, best first),
/// with their weights.
pub(super) fn terms(
    index: &IndexView,
    tuning: &Tuning,
    analyzer: &mut Analyzer,
    passages: &mut Passages,
    best: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<(String, f32)>> {
    let top = best
        .iter()
        .map(|(score, _)| *score)
        .fold(f32::MIN, f32::max);
    let softmax_total: f32 = best.iter().map(|(score, _)| (score - top).exp()).sum();
    let addresses: Vec<DocAddress> = best.iter().map(|&(_, address)| address).collect();
    let texts = passages.texts(index, &addresses)?;
    let mut weights: FxHashMap<String, f32> = FxHashMap::default();
    for (&(score, _), passage) in best.iter().zip(&texts) {
        // An article's first passage carries its title.
        let mut words = Vec::new();
        if passage.paragraph == 1 {
            words.extend(analyzer.words(&passage.title));
        }
        words.extend(analyzer.words(&passage.text));
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
    terms.truncate(tuning.feedback_terms);
    Ok(terms)
}

/// The feedback terms as queries whose scores are added to the original's: the original
/// keeps `tuning.feedback_original` of the weight, each of its words counting 1, and the
/// feedback terms share the rest in proportion to their weights. Each with what it asks, for
/// explaining.
pub(super) fn queries(
    fields: &Fields,
    tuning: &Tuning,
    expansion: &[(String, f32)],
    query_words: usize,
) -> Vec<(String, Box<dyn Query>)> {
    let total: f32 = expansion.iter().map(|(_, weight)| weight).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let original = tuning.feedback_original;
    let scale = query_words as f32 * (1.0 - original) / original / total;
    let mut queries = Vec::new();
    for (term, weight) in expansion {
        for (field, boost, name) in [
            (fields.body, 1.0, "body"),
            (fields.title, TITLE_BOOST, "title"),
        ] {
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            let what = format!("feedback word `{term}` in the {name}");
            queries.push((what, boosted(Box::new(query), boost * weight * scale)));
        }
    }
    queries
}
