//! Proximity: passages where query words stand within a few words of each other earn a bonus.
//!
//! Each pair of words next to each other in the query scores as a sloppy phrase, and so, at
//! half the weight, does each pair one word apart (as in Metzler and Croft's dependence
//! model): in a prose query the words that belong together are not always adjacent ("sparse
//! symmetric matrices"). A pair counts once for each occurrence of its first word that has
//! the second near it in the same paragraph (Tao & Zhai 2007 score such spans).

use super::bm25::{Statistics, length_norm, saturate};
use super::{Context, Explainer, Tuning};
use crate::analysis::Word;
use crate::schema::Fields;
use crate::search::matches::Terms;

/// Two query words looked for near each other in the body, with the pair's weight and idf
/// (its words' summed, as a phrase's).
#[derive(Debug, Clone)]
pub(super) struct Pair {
    first: usize,
    second: usize,
    weight: f32,
    idf: f32,
    what: String,
}

/// The pairs of `content_words` (the query's words without its stop words): adjacent in the
/// query weighing `tuning.proximity`, one apart half as much.
pub(super) fn pairs(
    content_words: &[&Word],
    fields: &Fields,
    statistics: &Statistics,
    tuning: &Tuning,
    terms: &mut Terms,
) -> tantivy::Result<Vec<Pair>> {
    let words: Vec<&str> = content_words.iter().map(|w| w.term.as_str()).collect();
    let adjacent = words.windows(2).map(|w| (w[0], w[1], tuning.proximity));
    let one_apart = words
        .windows(3)
        .map(|w| (w[0], w[2], tuning.proximity / 2.0));
    let mut pairs = Vec::new();
    for (first, second, weight) in adjacent.chain(one_apart) {
        if first == second || weight <= 0.0 {
            continue;
        }
        let idf = statistics.idf(fields.body, first)? + statistics.idf(fields.body, second)?;
        pairs.push(Pair {
            first: terms.id(fields.body, first),
            second: terms.id(fields.body, second),
            weight,
            idf,
            what: format!("`{first}` near `{second}`"),
        });
    }
    Ok(pairs)
}

/// Whether `second` holds a position within `slop` of `position`: up to slop + 1 words after
/// it or slop - 1 before it (a sloppy phrase's reach, as tantivy's), never at it.
fn near(position: u32, second: &[u32], slop: u32) -> bool {
    let from = position.saturating_sub(slop.saturating_sub(1));
    let to = position.saturating_add(slop + 1);
    let at = second.partition_point(|&p| p < from);
    second[at..]
        .iter()
        .take_while(|&&p| p <= to)
        .any(|&p| p != position)
}

/// Adds each pair's bonus to candidate `candidate`'s passages.
pub(super) fn add(
    pairs: &[Pair],
    context: &Context,
    candidate: usize,
    scores: &mut [f32],
    explain: &mut Explainer,
) {
    let (tuning, statistics) = (context.tuning, context.statistics);
    let shape = &context.matches.shapes[candidate];
    let mut frequencies = vec![0u32; scores.len()];
    for pair in pairs {
        let first = context.matches.positions(pair.first, candidate);
        let second = context.matches.positions(pair.second, candidate);
        if first.is_empty() || second.is_empty() {
            continue;
        }
        frequencies.fill(0);
        for &position in first {
            let paragraph = shape.paragraph_of(position);
            let start = shape.starts[paragraph];
            let end = start.saturating_add(shape.spans[paragraph]);
            // Only the second word's positions in this paragraph.
            let from = second.partition_point(|&p| p < start);
            let to = second.partition_point(|&p| p < end);
            if near(position, &second[from..to], tuning.proximity_slop) {
                frequencies[paragraph] += 1;
            }
        }
        for (paragraph, &frequency) in frequencies.iter().enumerate() {
            if frequency == 0 {
                continue;
            }
            let norm = length_norm(
                tuning.b,
                shape.spans[paragraph] as f32,
                statistics.mean_paragraph,
            );
            let score = pair.weight * saturate(pair.idf, frequency as f32, norm, tuning.k1);
            scores[paragraph] += score;
            explain.add(paragraph, score, || format!("{} ({frequency}×)", pair.what));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_near_within_the_slop_either_way_but_not_at_itself() {
        // Up to six after, four before, with a slop of 5.
        let second = [10];
        assert!(near(5, &second, 5));
        assert!(near(4, &second, 5));
        assert!(!near(3, &second, 5));
        assert!(near(14, &second, 5));
        assert!(!near(15, &second, 5));
        assert!(!near(10, &second, 5));
    }
}
