//! The BM25F signal: field-weighted BM25 (Robertson, Zaragoza & Taylor 2004) for each keyword
//! that is one term, over a passage and its article's title.
//!
//! Scoring each field on its own and adding the scores (as the first pass and `words` do)
//! lets a word in both the title and the body count as two saturated matches, and a short
//! title's single match score like a body full of the word. BM25F weighs and length-normalises
//! each field's occurrences first, sums them into one frequency, and saturates that once: a
//! title match still counts for several body matches, but a word cannot earn its weight twice
//! (measured on the test collections: docs/relevance.md). The keywords it scores are taken
//! out of `words`.

use super::bm25::{Statistics, length_norm, saturate};
use super::{Context, Explainer};
use crate::analysis::Word;
use crate::schema::Fields;
use crate::search::matches::Terms;

/// A keyword BM25F scores: its term, the term's numbers in the body and the title, and its
/// idf over the articles that hold it in either.
#[derive(Debug, Clone)]
pub(super) struct Keyword {
    pub term: String,
    pub body: usize,
    pub title: usize,
    pub idf: f32,
}

/// The index terms of the keywords that are one term each (as often as they occur in the
/// query).
pub(super) fn single_terms(keywords: &[Vec<Word>]) -> Vec<String> {
    keywords
        .iter()
        .filter_map(|analysed| match analysed.as_slice() {
            [word] => Some(word.term.clone()),
            _ => None,
        })
        .collect()
}

/// The keywords BM25F scores, numbered in `terms`; those no article holds are left out.
pub(super) fn keywords(
    keywords: &[Vec<Word>],
    fields: &Fields,
    statistics: &Statistics,
    terms: &mut Terms,
) -> tantivy::Result<Vec<Keyword>> {
    let mut scored = Vec::new();
    for term in single_terms(keywords) {
        let holding = statistics
            .document_frequency(fields.body, &term)?
            .max(statistics.document_frequency(fields.title, &term)?);
        if holding == 0 {
            continue;
        }
        scored.push(Keyword {
            body: terms.id(fields.body, &term),
            title: terms.id(fields.title, &term),
            idf: super::bm25::idf(holding, statistics.articles),
            term,
        });
    }
    Ok(scored)
}

/// Adds each keyword's BM25F to candidate `candidate`'s passages.
pub(super) fn add(
    keywords: &[Keyword],
    context: &Context,
    candidate: usize,
    scores: &mut [f32],
    explain: &mut Explainer,
) {
    let (tuning, statistics) = (context.tuning, context.statistics);
    let shape = &context.matches.shapes[candidate];
    let title_norm = length_norm(tuning.b, shape.title_length, statistics.mean_title);
    let mut frequencies = vec![0u32; scores.len()];
    for keyword in keywords {
        let body = context.matches.positions(keyword.body, candidate);
        let in_title = context.matches.positions(keyword.title, candidate).len();
        if body.is_empty() && in_title == 0 {
            continue;
        }
        frequencies.fill(0);
        for &position in body {
            frequencies[shape.paragraph_of(position)] += 1;
        }
        for (paragraph, &frequency) in frequencies.iter().enumerate() {
            let title = in_title;
            if frequency == 0 && title == 0 {
                continue;
            }
            let norm = length_norm(
                tuning.b,
                shape.spans[paragraph] as f32,
                statistics.mean_paragraph,
            );
            let weighted =
                frequency as f32 / norm + tuning.title_weight * title as f32 / title_norm;
            let score = saturate(keyword.idf, weighted, 1.0, tuning.k1);
            scores[paragraph] += score;
            explain.add(paragraph, score, || {
                let mut found = Vec::new();
                if frequency > 0 {
                    found.push(format!(
                        "{frequency} in the passage ({} words, mean {:.0})",
                        shape.spans[paragraph], statistics.mean_paragraph
                    ));
                }
                if title > 0 {
                    found.push(format!(
                        "{title} in the title ({:.0} words, mean {:.0})",
                        shape.title_length, statistics.mean_title
                    ));
                }
                format!(
                    "`{}`: {}; idf {:.2}",
                    keyword.term,
                    found.join(", "),
                    keyword.idf
                )
            });
        }
    }
}
