//! Explaining a result's score: the share of each signal in it, as a tree whose parts sum to
//! the score shown.
//!
//! A passage's score is the first pass's (tantivy's own explanation, word by word and field by
//! field), then, for a keyword query: BM25F's score of each word in place of the first pass's,
//! the proximity pairs found, the words in the title as typed, and the feedback words; an
//! article's adds a share of its other passages' scores and of its whole-article score. Each
//! part is recomputed for the one passage with the queries and constants the ranking used.
//! This module explains; it ranks nothing.

use serde::Serialize;
use tantivy::DocAddress;
use tantivy::query::{BooleanQuery, Occur, Query};

use super::{Reranked, Signal, article, bm25f, bonus_queries, feedback};
use crate::search::plan::Plan;
use crate::search::{IndexView, Request, Sort};

/// A part of a score: what it is, its value, and the parts that make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub what: String,
    pub value: f32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Explanation>,
}

impl Explanation {
    fn new(what: impl Into<String>, value: f32, parts: Vec<Explanation>) -> Explanation {
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

/// What a search ranked with, for explaining its rows.
pub(in crate::search) struct Evidence<'a> {
    pub plan: &'a Plan,
    pub request: &'a Request<'a>,
    /// The candidates as finally scored.
    pub candidates: &'a [(f32, DocAddress)],
    pub reranked: &'a Reranked,
}

/// The explanation of a row: its passage's score and, for an article, what its other passages
/// and its whole text add.
pub(in crate::search) fn row(
    index: &IndexView,
    evidence: &Evidence,
    address: DocAddress,
) -> tantivy::Result<Explanation> {
    let passage = passage(index, evidence, address)?;
    if !evidence.request.articles {
        return Ok(passage);
    }
    let ids = index.columns.article_ids()?;
    let article_of = |a: DocAddress| ids[a.segment_ord as usize].first(a.doc_id);
    let Some(id) = article_of(address) else {
        return Ok(passage);
    };
    let tuning = &evidence.request.tuning;
    let others: Vec<Explanation> = evidence
        .candidates
        .iter()
        .filter(|&&(_, other)| other != address && article_of(other) == Some(id))
        .map(|&(score, other)| {
            let paragraph = index.columns.paragraph(other).unwrap_or(0);
            Explanation::new(
                format!(
                    "{} × ¶{paragraph}'s score {score:.3}",
                    tuning.other_passages
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
    if evidence.reranked.article_scores.contains_key(&id) {
        let terms = bm25f::single_terms(&evidence.plan.keywords);
        let words = article::explain(index, tuning, &terms, evidence.candidates, id)?
            .into_iter()
            .map(|part| {
                Explanation::new(
                    format!(
                        "{} × `{}`: {} in the body ({:.0} words, mean {:.0}), {} in the title; idf {:.2}",
                        tuning.article_weight,
                        part.term,
                        part.body_frequency,
                        part.body_length,
                        part.mean_body_length,
                        part.title_frequency,
                        part.idf
                    ),
                    tuning.article_weight * part.score,
                    Vec::new(),
                )
            })
            .collect();
        parts.push(Explanation::sum("the whole article (BM25F)", words));
    }
    Ok(Explanation::sum("article score", parts))
}

/// The explanation of one passage's score.
fn passage(
    index: &IndexView,
    evidence: &Evidence,
    address: DocAddress,
) -> tantivy::Result<Explanation> {
    let mut parts = vec![first_pass(index, evidence.plan.query.as_ref(), address)?];
    let request = evidence.request;
    let words = &evidence.plan.keywords;
    if words.is_empty() || request.sort == Sort::Date {
        return Ok(Explanation::sum("passage score", parts));
    }
    let tuning = &request.tuning;
    if request.signals.has(Signal::Bm25f) {
        let terms = bm25f::explain(index, tuning, words, address)?
            .into_iter()
            .map(|part| {
                let fields: Vec<String> = ["body", "title"]
                    .iter()
                    .zip(part.frequencies.iter().zip(&part.lengths))
                    .zip(&part.mean_lengths)
                    .filter(|((_, (frequency, _)), _)| **frequency > 0)
                    .map(|((name, (frequency, length)), mean)| {
                        format!("{frequency} in the {name} ({length:.0} words, mean {mean:.0})")
                    })
                    .collect();
                Explanation::new(
                    format!(
                        "`{}`: {}; idf {:.2}; BM25F {:.3} in place of the first pass's {:.3}",
                        part.term,
                        fields.join(", "),
                        part.idf,
                        part.score,
                        part.first_pass
                    ),
                    part.score - part.first_pass,
                    Vec::new(),
                )
            })
            .collect();
        parts.push(Explanation::sum("BM25F over title and body", terms));
    }
    let bonuses = bonus_queries(index, request, words);
    let (proximity, exact): (Vec<_>, Vec<_>) = bonuses
        .into_iter()
        .partition(|(what, _)| what.contains(" near "));
    for (what, queries) in [
        ("query words near each other", proximity),
        ("query words in the title as typed", exact),
    ] {
        let found = found_in(index, queries, address)?;
        if !found.is_empty() {
            parts.push(Explanation::sum(what, found));
        }
    }
    let feedback = &evidence.reranked.feedback;
    if !feedback.is_empty() {
        let queries = feedback::queries(&index.open.fields, tuning, feedback, words.len());
        let found = found_in(index, queries, address)?;
        if !found.is_empty() {
            parts.push(Explanation::sum("feedback words (RM3)", found));
        }
    }
    Ok(Explanation::sum("passage score", parts))
}

/// The labelled queries that match the passage, each with its score there.
fn found_in(
    index: &IndexView,
    queries: Vec<(String, Box<dyn Query>)>,
    address: DocAddress,
) -> tantivy::Result<Vec<Explanation>> {
    let searcher = &index.segments.searcher;
    let mut found = Vec::new();
    for (what, query) in queries {
        // tantivy explains a passage a query does not match as an error.
        if let Ok(explained) = query.explain(searcher, address) {
            found.push(Explanation::new(what, explained.value(), Vec::new()));
        }
    }
    Ok(found)
}

/// The first pass's score: for a union (as a keyword query is), each matching clause labelled
/// with its words and field; for any other query, tantivy's own explanation.
fn first_pass(
    index: &IndexView,
    query: &dyn Query,
    address: DocAddress,
) -> tantivy::Result<Explanation> {
    let searcher = &index.segments.searcher;
    let union = query.downcast_ref::<BooleanQuery>().filter(|union| {
        union
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
    });
    let Some(union) = union else {
        return Ok(from_tantivy(&query.explain(searcher, address)?));
    };
    let schema = searcher.schema();
    let mut parts = Vec::new();
    for (_, clause) in union.clauses() {
        let Ok(explained) = clause.explain(searcher, address) else {
            continue;
        };
        let mut words = Vec::new();
        let mut field = None;
        clause.query_terms(&mut |term, _| {
            field = Some(schema.get_field_name(term.field()).to_string());
            words.push(term.value().as_str().unwrap_or("").to_string());
        });
        let quoted = if words.len() > 1 {
            format!("\"{}\"", words.join(" "))
        } else {
            words.join(" ")
        };
        let what = format!("`{quoted}` in the {}", field.unwrap_or_default());
        parts.push(Explanation::new(what, explained.value(), Vec::new()));
    }
    Ok(Explanation::sum("first pass (BM25, field by field)", parts))
}

/// tantivy's explanation of the first pass, as ours.
fn from_tantivy(explanation: &tantivy::query::Explanation) -> Explanation {
    let json: serde_json::Value =
        serde_json::from_str(&explanation.to_pretty_json()).unwrap_or(serde_json::Value::Null);
    let mut first = convert(&json);
    first.what = format!("first pass: {}", first.what);
    first.value = explanation.value();
    first
}

fn convert(json: &serde_json::Value) -> Explanation {
    let what = json["description"].as_str().unwrap_or("").to_string();
    let value = json["value"].as_f64().unwrap_or(0.0) as f32;
    let parts = json["details"]
        .as_array()
        .map(|details| details.iter().map(convert).collect())
        .unwrap_or_default();
    Explanation::new(what, value, parts)
}
