//! Whole-article evidence: BM25F over an article's title and passages together, for ranking
//! articles.
//!
//! A passage ranks on its own, but an article that is about the query throughout (its words in
//! the headline and paragraph after paragraph) is a better answer than one with a single
//! strong paragraph. Callan (1994) found the best article ranking mixes the best passage's
//! score with the whole document's; here the whole document's is BM25F at query time: each
//! word's frequency summed over the article's candidate passages and its title (a deep
//! first pass holds nearly all of an article's matching passages: summing over every passage
//! of each article measured the same on all nine collections), the article's length (a
//! column on every passage) against the mean article's, and the word's idf over articles
//! (the lexicon's count of articles holding it). This module scores; `rank_articles` mixes.

use rustc_hash::{FxHashMap, FxHashSet};

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocAddress, DocSet, TERMINATED};

use super::Tuning;
use crate::search::IndexView;
use crate::search::columns::ArticleIds;

/// What whole-article BM25F made of one word in one article.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ArticleTerm {
    pub term: String,
    pub body_frequency: f32,
    pub title_frequency: f32,
    pub body_length: f32,
    pub mean_body_length: f32,
    pub idf: f32,
    pub score: f32,
}

/// The whole-article BM25F score of each candidate's article, by article id.
pub(super) fn scores(
    index: &IndexView,
    tuning: &Tuning,
    terms: &[String],
    candidates: &[(f32, DocAddress)],
) -> tantivy::Result<FxHashMap<u64, f32>> {
    let mut scores: FxHashMap<u64, f32> = FxHashMap::default();
    score_terms(index, tuning, terms, candidates, &mut |id, part| {
        *scores.entry(id).or_default() += part.score;
    })?;
    Ok(scores)
}

/// The parts of article `id`'s whole-article score, word by word.
pub(super) fn explain(
    index: &IndexView,
    tuning: &Tuning,
    terms: &[String],
    candidates: &[(f32, DocAddress)],
    id: u64,
) -> tantivy::Result<Vec<ArticleTerm>> {
    let mut parts = Vec::new();
    score_terms(index, tuning, terms, candidates, &mut |article, part| {
        if article == id {
            parts.push(part);
        }
    })?;
    Ok(parts)
}

/// Scores each word in each candidate's article, handing each non-zero part to `parts`.
fn score_terms(
    index: &IndexView,
    tuning: &Tuning,
    terms: &[String],
    candidates: &[(f32, DocAddress)],
    parts: &mut dyn FnMut(u64, ArticleTerm),
) -> tantivy::Result<()> {
    let ids = index.columns.article_ids()?;
    // The candidates in index order, each with its article.
    let mut passages: Vec<(DocAddress, u64)> = candidates
        .iter()
        .filter_map(|&(_, a)| Some((a, ids[a.segment_ord as usize].first(a.doc_id)?)))
        .collect();
    passages.sort_unstable();
    let mut body_lengths: FxHashMap<u64, f32> = FxHashMap::default();
    for &(address, id) in &passages {
        if let std::collections::hash_map::Entry::Vacant(entry) = body_lengths.entry(id) {
            entry.insert(index.columns.article_length(address)?);
        }
    }
    let fields = &index.open.fields;
    let (_, live_articles) = index.columns.passage_and_article_counts()?;
    let live_articles = live_articles.max(1) as f32;
    let mean_body = total_tokens(index, fields.body)? as f32 / live_articles;
    let mean_title = total_tokens(index, fields.title)? as f32 / live_articles;
    let norm =
        |length: f32, mean: f32| 1.0 - tuning.article_b + tuning.article_b * length / mean.max(1.0);
    for term in terms {
        let (holding, counted) = match &index.lexicon {
            Some(lexicon) => (lexicon.term_articles(term), lexicon.article_count()),
            // Without a lexicon (its file lost), the postings say it, more slowly.
            None => (article_frequency(index, term, &ids)?, live_articles as u64),
        };
        if holding == 0 {
            continue;
        }
        let counted = counted.max(holding) as f32;
        let idf = (1.0 + (counted - holding as f32 + 0.5) / (holding as f32 + 0.5)).ln();
        let body = frequencies(index, fields.body, term, &passages)?;
        let title = frequencies(index, fields.title, term, &passages)?;
        for (&id, &(body_tf, title_tf, title_length)) in merge(&body, &title).iter() {
            let frequency = body_tf / norm(body_lengths[&id], mean_body)
                + tuning.title_weight * title_tf / norm(title_length, mean_title);
            let k1 = tuning.article_k1;
            parts(
                id,
                ArticleTerm {
                    term: term.clone(),
                    body_frequency: body_tf,
                    title_frequency: title_tf,
                    body_length: body_lengths[&id],
                    mean_body_length: mean_body,
                    idf,
                    score: idf * (k1 + 1.0) * frequency / (k1 + frequency),
                },
            );
        }
    }
    Ok(())
}

/// Per article: its body frequency, title frequency and title length.
fn merge(
    body: &FxHashMap<u64, (f32, f32)>,
    title: &FxHashMap<u64, (f32, f32)>,
) -> FxHashMap<u64, (f32, f32, f32)> {
    let mut merged: FxHashMap<u64, (f32, f32, f32)> = FxHashMap::default();
    for (&id, &(tf, _)) in body {
        merged.entry(id).or_default().0 = tf;
    }
    for (&id, &(tf, length)) in title {
        let entry = merged.entry(id).or_default();
        entry.1 = tf;
        entry.2 = length;
    }
    merged
}

/// Tokens of `field` in the whole index.
fn total_tokens(index: &IndexView, field: Field) -> tantivy::Result<u64> {
    let mut tokens = 0;
    for segment in index.segments.searcher.segment_readers() {
        tokens += segment.inverted_index(field)?.total_num_tokens();
    }
    Ok(tokens)
}

/// How many articles hold `term` in their body or title, read from the postings.
fn article_frequency(index: &IndexView, term: &str, ids: &[ArticleIds]) -> tantivy::Result<u64> {
    let fields = &index.open.fields;
    let mut holding: FxHashSet<u64> = FxHashSet::default();
    for (segment_ord, segment) in index.segments.searcher.segment_readers().iter().enumerate() {
        for field in [fields.body, fields.title] {
            let term = Term::from_field_text(field, term);
            let Some(mut postings) = segment
                .inverted_index(field)?
                .read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            while postings.doc() != TERMINATED {
                if let Some(id) = ids[segment_ord].first(postings.doc()) {
                    holding.insert(id);
                }
                postings.advance();
            }
        }
    }
    Ok(holding.len() as u64)
}

/// The frequency of `term` in `field` summed over each article's `passages` (sorted), and the
/// field's length in the last passage that holds it (for the title: its one passage).
fn frequencies(
    index: &IndexView,
    field: Field,
    term: &str,
    passages: &[(DocAddress, u64)],
) -> tantivy::Result<FxHashMap<u64, (f32, f32)>> {
    let term = Term::from_field_text(field, term);
    let mut sums: FxHashMap<u64, (f32, f32)> = FxHashMap::default();
    let mut segment = None;
    let mut postings = None;
    let mut norms = None;
    for &(address, id) in passages {
        if segment != Some(address.segment_ord) {
            segment = Some(address.segment_ord);
            let reader = index.segments.searcher.segment_reader(address.segment_ord);
            postings = reader
                .inverted_index(field)?
                .read_postings(&term, IndexRecordOption::WithFreqs)?;
            norms = Some(reader.get_fieldnorms_reader(field)?);
        }
        let (Some(postings), Some(norms)) = (postings.as_mut(), norms.as_ref()) else {
            continue;
        };
        if postings.doc() < address.doc_id {
            postings.seek(address.doc_id);
        }
        if postings.doc() == address.doc_id {
            let sum = sums.entry(id).or_default();
            sum.0 += postings.term_freq() as f32;
            sum.1 = norms.fieldnorm(address.doc_id) as f32;
        }
    }
    Ok(sums)
}
