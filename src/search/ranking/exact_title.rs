//! Exact forms: each query word found in a title as typed, not only through its stem, earns an
//! idf-weighted bonus.
//!
//! Snowball conflates more than a reader would (`computer`, `computing` and `compute` are all
//! `comput`), and a title that uses the very word asked for is the surer match; in the body
//! the same signal measured less and would double the postings (docs/relevance.md). Only
//! builds the queries; `Segments::add_scores` scores them.

use tantivy::query::{Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term};

use crate::analysis::Word;
use crate::search::plan::boosted;

use super::Tuning;

/// One term query a content word over the title's unstemmed words, weighing
/// `tuning.exact_title`; each with what it asks, for explaining.
pub(super) fn queries(
    title_words: Field,
    tuning: &Tuning,
    content_words: &[&Word],
) -> Vec<(String, Box<dyn Query>)> {
    content_words
        .iter()
        .map(|word| {
            let term = Term::from_field_text(title_words, &word.word);
            let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
            let what = format!("`{}` in the title as typed", word.word);
            (what, boosted(Box::new(query), tuning.exact_title))
        })
        .collect()
}
