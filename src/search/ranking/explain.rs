//! Explaining a result's score: the share of each signal in it, as a tree whose parts sum to
//! the score shown.
//!
//! A passage's score is its query words' BM25, field by field, then, for a keyword query,
//! BM25F's score of each keyword, the proximity pairs found, the words in the title as typed
//! and the feedback words; an article's adds a share of its other passages' scores and of its
//! whole-article score. Each part is computed again for the one passage, by the same code
//! and with the same constants as the ranking. This module explains; it ranks nothing.

use serde::Serialize;

use super::{
    Context, Explainer, Ranked, Ranking, article, bm25f, exact_title, feedback, proximity, words,
};
use crate::search::Request;

/// A part of a score: what it is, its value, and the parts that make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub what: String,
    pub value: f32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Explanation>,
}

impl Explanation {
    pub(super) fn new(what: impl Into<String>, value: f32, parts: Vec<Explanation>) -> Explanation {
        Explanation {
            what: what.into(),
            // A part that adds nothing reads 0, not -0.
            value: if value == 0.0 { 0.0 } else { value },
            parts,
        }
    }

    /// A part whose value is the sum of its parts.
    fn sum(what: impl Into<String>, parts: Vec<Explanation>) -> Explanation {
        let value = parts.iter().map(|part| part.value).sum();
        Explanation::new(what, value, parts)
    }
}

/// The explanation of a row: its passage's score and, for an article, what its other passages
/// and its whole text add.
pub(in crate::search) fn row(ranking: &Ranking, request: &Request, row: &Ranked) -> Explanation {
    let passage = passage(ranking, request, row);
    if !request.articles {
        return passage;
    }
    let tuning = &request.tuning;
    let candidate = row.candidate;
    let scores = &ranking.scores;
    let others: Vec<Explanation> = scores.passages[candidate]
        .iter()
        .zip(&scores.matched[candidate])
        .enumerate()
        .filter(|&(paragraph, (_, &matched))| matched && paragraph as u32 != row.paragraph)
        .map(|(paragraph, (&score, _))| {
            Explanation::new(
                format!(
                    "{} × ¶{}'s score {score:.3}",
                    tuning.other_passages,
                    paragraph + 1
                ),
                tuning.other_passages * score,
                Vec::new(),
            )
        })
        .collect();
    let mut parts = vec![Explanation::new(
        "the best passage",
        passage.value,
        vec![passage],
    )];
    if !others.is_empty() {
        parts.push(Explanation::sum(
            "the article's other matching passages",
            others,
        ));
    }
    if scores.whole[candidate].is_some() {
        let context = context(ranking, request);
        let mut words = Vec::new();
        article::score(
            &ranking.scoring.keywords,
            &context,
            candidate,
            Some(&mut words),
        );
        let words = words
            .into_iter()
            .map(|(what, value)| {
                Explanation::new(
                    format!("{} × {what}", tuning.article_weight),
                    tuning.article_weight * value,
                    Vec::new(),
                )
            })
            .collect();
        parts.push(Explanation::sum("the whole article (BM25F)", words));
    }
    Explanation::sum("article score", parts)
}

fn context<'a>(ranking: &'a Ranking, request: &'a Request) -> Context<'a> {
    Context {
        tuning: &request.tuning,
        statistics: &ranking.statistics,
        matches: &ranking.matches,
    }
}

/// The explanation of one passage's score: each signal's parts, computed again for it.
fn passage(ranking: &Ranking, request: &Request, row: &Ranked) -> Explanation {
    let candidate = row.candidate;
    let paragraph = row.paragraph as usize;
    if !ranking.scores.matched[candidate]
        .get(paragraph)
        .copied()
        .unwrap_or(false)
    {
        return Explanation::new(
            "the article's first-pass score (no passage holds the query's words)",
            row.score,
            Vec::new(),
        );
    }
    let scoring = &ranking.scoring;
    let context = context(ranking, request);
    let count = ranking.matches.shapes[candidate].spans.len();
    let mut scores = vec![0.0; count];
    let mut groups = Vec::new();
    let matched = &ranking.scores.matched[candidate];
    let mut counts = words::Counts::default();
    counts.fill(&scoring.words, &context, candidate);
    let mut group = |what: &str, add: &mut dyn FnMut(&mut Vec<f32>, &mut Explainer)| {
        let mut explainer = Explainer::of(paragraph);
        add(&mut scores, &mut explainer);
        if !explainer.parts.is_empty() {
            groups.push(Explanation::sum(what, explainer.parts));
        }
    };
    group("the query's words, field by field (BM25)", &mut |s, e| {
        words::add(&scoring.words, &counts, &context, candidate, s, e)
    });
    if scoring.bm25f {
        group("BM25F over title and body", &mut |s, e| {
            bm25f::add(&scoring.keywords, &context, candidate, s, e)
        });
    }
    group("query words near each other", &mut |s, e| {
        proximity::add(&scoring.pairs, &context, candidate, s, e)
    });
    group("query words in the title as typed", &mut |s, e| {
        exact_title::add(&scoring.title_words, &context, candidate, s, e)
    });
    group("feedback words (RM3)", &mut |s, e| {
        feedback::add(&scoring.feedback, &context, candidate, s, matched, e)
    });
    Explanation::sum("passage score", groups)
}
