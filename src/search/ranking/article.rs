//! Whole-article evidence: BM25F over an article's title and whole body, for ranking articles.
//!
//! A passage ranks on its own, but an article that is about the query throughout (its words in
//! the headline and paragraph after paragraph) is a better answer than one with a single
//! strong paragraph. Callan (1994) found the best article ranking mixes the best passage's
//! score with the whole document's; here the whole document's is BM25F with constants of its
//! own (`article_k1`, `article_b`): each keyword's frequency over the body and the title, the
//! body's length against the mean body's, and the keyword's idf over articles. This module
//! scores; the ranking mixes.

use super::Context;
use super::bm25::{length_norm, saturate};
use super::bm25f::Keyword;

/// The whole-article BM25F of candidate `candidate`, and its parts word by word (each the
/// word and its value) when asked.
pub(super) fn score(
    keywords: &[Keyword],
    context: &Context,
    candidate: usize,
    mut parts: Option<&mut Vec<(String, f32)>>,
) -> f32 {
    let (tuning, statistics) = (context.tuning, context.statistics);
    let shape = &context.matches.shapes[candidate];
    let body_length = shape.body_length();
    let body_norm = length_norm(tuning.article_b, body_length, statistics.mean_body);
    let title_norm = length_norm(tuning.article_b, shape.title_length, statistics.mean_title);
    let mut total = 0.0;
    for keyword in keywords {
        let body = context.matches.positions(keyword.body, candidate).len();
        let title = context.matches.positions(keyword.title, candidate).len();
        if body == 0 && title == 0 {
            continue;
        }
        let weighted = body as f32 / body_norm + tuning.title_weight * title as f32 / title_norm;
        let score = saturate(keyword.idf, weighted, 1.0, tuning.article_k1);
        total += score;
        if let Some(parts) = parts.as_mut() {
            parts.push((
                format!(
                    "`{}`: {body} in the body ({body_length:.0} words, mean {:.0}), {title} in the title; idf {:.2}",
                    keyword.term, statistics.mean_body, keyword.idf
                ),
                score,
            ));
        }
    }
    total
}
