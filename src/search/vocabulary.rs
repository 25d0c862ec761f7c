//! Asking the index's own vocabulary: the other spellings of a word or phrase that the index
//! holds (compounds split and joined), and the terms a prefix expands to.
//!
//! Compounds: a word the index does not hold whole may be two words it does hold
//! (`ceasefire` → the phrase `cease fire`, which `cease-fire` also is after analysis), and two
//! adjacent words may be one (`"cease fire"` → `ceasefire`). Both are checked against the
//! index's own vocabulary, so they work for any compound; halves that are stop words are never
//! taken (`therapist` is not `the rapist`). This module only answers questions about terms;
//! building queries from the answers is `plan`'s.

use rustc_hash::FxHashMap;

use tantivy::query::{EnableScoring, PhraseQuery, Query};
use tantivy::schema::{Field, Term};
use tantivy::{DocSet, TERMINATED};

use super::IndexView;
use super::plan::default_fields;
use crate::analysis::{Analyzer, Word, is_stop_word};

/// Most alternative spellings tried for one word or phrase.
const MAX_ALTERNATIVES: usize = 6;
/// Most index terms a `prefix*` expands to: the most common of them. Each becomes a clause
/// of the first pass.
const MAX_PREFIX_TERMS: usize = 64;
/// Most distinct terms a prefix's expansion looks at to pick the most common (Lucene's
/// default limit on a query's clauses is 1,024).
const MAX_PREFIX_SCANNED: usize = 4096;
/// Shortest half of a split compound, in characters.
const MIN_COMPOUND_PART: usize = 3;

/// The term sequences that spell the same words: as written, with a compound split where the
/// index knows both halves, and with two adjacent words joined where the index knows the
/// joined word. Also, per word, whether an alternative spelling covers it (a split or a join
/// the index holds), so that a word the index lacks whole is not reported as matching nothing.
pub(super) fn spellings(
    index: &IndexView,
    analyzer: &mut Analyzer,
    words: &[Word],
) -> (Vec<Vec<String>>, Vec<bool>) {
    let written: Vec<String> = words.iter().map(|w| w.term.clone()).collect();
    let mut spellings = vec![written.clone()];
    let mut covered = vec![false; words.len()];
    for (i, word) in words.iter().enumerate() {
        for (left, right) in compound_splits(index, analyzer, &word.word) {
            let mut split = written.clone();
            split.splice(i..=i, [left, right]);
            push_unique(&mut spellings, split);
            covered[i] = true;
        }
    }
    for i in 0..words.len().saturating_sub(1) {
        let joined = analyzer.term(&format!("{}{}", words[i].word, words[i + 1].word));
        if doc_freq(index, &joined) > 0 {
            let mut join = written.clone();
            join.splice(i..=i + 1, [joined]);
            push_unique(&mut spellings, join);
            covered[i] = true;
            covered[i + 1] = true;
        }
    }
    spellings.truncate(MAX_ALTERNATIVES);
    (spellings, covered)
}

/// Ways to read `word` as two words the index holds next to each other, the most common
/// halves first.
fn compound_splits(
    index: &IndexView,
    analyzer: &mut Analyzer,
    word: &str,
) -> Vec<(String, String)> {
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
        let (left, right) = (analyzer.term(left), analyzer.term(right));
        let rarest = doc_freq(index, &left).min(doc_freq(index, &right));
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
        if phrase_occurs(index, &left, &right).unwrap_or(true) {
            found.push((left, right));
        }
    }
    found
}

/// Whether the phrase `left right` occurs in a live passage, in any field a query searches by
/// default. A split whose phrase occurs nowhere can match nothing, and leaving it out keeps
/// the first pass a plain union of terms, which tantivy answers with block-max WAND (`prices`
/// is no longer also searched as `pri ces`). On the 300 MB bench index the query mix p50 went
/// from 5.6 to 5.4 ms (4.9 with no splits at all: each check costs 0.03-0.3 ms).
fn phrase_occurs(index: &IndexView, left: &str, right: &str) -> tantivy::Result<bool> {
    let searcher = &index.segments.searcher;
    for (field, _) in default_fields(&index.open.fields) {
        let phrase = PhraseQuery::new(vec![
            Term::from_field_text(field, left),
            Term::from_field_text(field, right),
        ]);
        let weight = phrase.weight(EnableScoring::disabled_from_searcher(searcher))?;
        for segment in searcher.segment_readers() {
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

/// Passages whose body holds `term` (0 when the index cannot say).
fn doc_freq(index: &IndexView, term: &str) -> u64 {
    let term = Term::from_field_text(index.open.fields.body, term);
    index.segments.searcher.doc_freq(&term).unwrap_or(0)
}

fn push_unique(spellings: &mut Vec<Vec<String>>, spelling: Vec<String>) {
    if !spellings.contains(&spelling) {
        spellings.push(spelling);
    }
}

/// Whether any passage holds `term` in `field` (false when the index cannot say).
pub(super) fn holds(index: &IndexView, field: Field, term: &str) -> bool {
    let term = Term::from_field_text(field, term);
    index.segments.searcher.doc_freq(&term).unwrap_or(0) > 0
}

/// The index terms of `field` that start with `prefix` and pass `keep`, with the passages
/// holding each: the `MAX_PREFIX_TERMS` most common of them, most common first. A segment
/// whose terms cannot be read contributes none.
pub(super) fn terms_with_prefix(
    index: &IndexView,
    field: Field,
    prefix: &str,
    mut keep: impl FnMut(&str) -> bool,
) -> Vec<(String, u64)> {
    let mut found: FxHashMap<String, u64> = FxHashMap::default();
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xFF);
    for segment in index.segments.searcher.segment_readers() {
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
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if let Some(passages) = found.get_mut(term) {
                    *passages += u64::from(stream.value().doc_freq);
                } else if found.len() < MAX_PREFIX_SCANNED && keep(term) {
                    found.insert(term.to_string(), u64::from(stream.value().doc_freq));
                }
            }
        }
    }
    let mut terms: Vec<(String, u64)> = found.into_iter().collect();
    terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(MAX_PREFIX_TERMS);
    terms
}
