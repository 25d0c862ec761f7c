//! Exact forms: each query word found in a title as typed, not only through its stem, earns an
//! idf-weighted bonus for the article's passages.
//!
//! Snowball conflates more than a reader would (`computer`, `computing` and `compute` are all
//! `comput`), and a title that uses the very word asked for is the surer match; in the body
//! the same signal measured less and would double the postings (docs/relevance.md).

use super::bm25::{Statistics, saturate};
use super::{Context, Explainer};
use crate::analysis::Word;
use crate::schema::Fields;
use crate::search::matches::Terms;

/// A query word as typed, its number among the title's words, and its idf there.
#[derive(Debug, Clone)]
pub(super) struct TitleWord {
    id: usize,
    idf: f32,
    word: String,
}

/// The content words as the title's unstemmed words hold them.
pub(super) fn words(
    content_words: &[&Word],
    fields: &Fields,
    statistics: &Statistics,
    terms: &mut Terms,
) -> tantivy::Result<Vec<TitleWord>> {
    let mut words = Vec::new();
    for word in content_words {
        let idf = statistics.idf(fields.title_words, &word.word)?;
        if idf > 0.0 {
            words.push(TitleWord {
                id: terms.id(fields.title_words, &word.word),
                idf,
                word: word.word.clone(),
            });
        }
    }
    Ok(words)
}

/// Adds each word's bonus to candidate `candidate`'s passages, when its title has it.
pub(super) fn add(
    words: &[TitleWord],
    context: &Context,
    candidate: usize,
    scores: &mut [f32],
    explain: &mut Explainer,
) {
    let tuning = context.tuning;
    for word in words {
        let frequency = context.matches.positions(word.id, candidate).len();
        if frequency == 0 {
            continue;
        }
        let score = tuning.exact_title * saturate(word.idf, frequency as f32, 1.0, tuning.k1);
        scores[0] += score;
        explain.add(0, score, || {
            format!("`{}` in the title as typed", word.word)
        });
    }
}
