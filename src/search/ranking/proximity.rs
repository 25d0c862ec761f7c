//! Proximity: passages where query words stand within a few words of each other earn a bonus.
//!
//! Each pair of words next to each other in the query scores as a sloppy phrase, and so, at
//! half the weight, does each pair one word apart (as in Metzler and Croft's dependence
//! model): in a prose query the words that belong together are not always adjacent ("sparse
//! symmetric matrices"). Only builds the queries; `Segments::add_scores` scores them.

use tantivy::query::{PhraseQuery, Query};
use tantivy::schema::{Field, Term};

use crate::analysis::Word;
use crate::search::plan::boosted;

use super::Tuning;

/// The pair queries over the body for `content_words`, the query's words without its stop
/// words.
/// Pairs adjacent in the query weigh `tuning.proximity`, pairs one apart half as much; each
/// with what it asks, for explaining.
pub(super) fn queries(
    body: Field,
    tuning: &Tuning,
    content_words: &[&Word],
) -> Vec<(String, Box<dyn Query>)> {
    let boost = tuning.proximity;
    let terms: Vec<&str> = content_words
        .iter()
        .map(|word| word.term.as_str())
        .collect();
    let adjacent = terms.windows(2).map(|w| (w[0], w[1], boost));
    let one_apart = terms.windows(3).map(|w| (w[0], w[2], boost / 2.0));
    adjacent
        .chain(one_apart)
        .filter(|(first, second, _)| first != second)
        .map(|(first, second, boost)| {
            let mut phrase = PhraseQuery::new(vec![
                Term::from_field_text(body, first),
                Term::from_field_text(body, second),
            ]);
            phrase.set_slop(tuning.proximity_slop);
            let what = format!("`{first}` near `{second}`");
            (what, boosted(Box::new(phrase), boost))
        })
        .collect()
}
