//! The query's own words and phrases, field by field: each leaf of the plan (a term or a phrase
//! in one field, with its boost, as the first pass scores it) scored by BM25 in each passage
//! where it occurs. A body leaf counts in the paragraph its occurrence starts in. A title or
//! dateline leaf matches the article's first passage, which its title and dateline head, and
//! scores for every passage of the article: a passage is read with its article's title and
//! dateline, on the page as by a judge.
//!
//! This is every query's base score, and the only one of a query that is not plain keywords
//! (phrases, fields, operators, prefixes). Where the leaves occur also says which passages
//! match at all (see `plan::Condition`).

use tantivy::schema::Field;

use super::bm25::{Statistics, length_norm, saturate};
use super::{Context, Explainer};
use crate::schema::Fields;
use crate::search::matches::Terms;
use crate::search::plan::Leaf;

/// Which of an article's texts a leaf is looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Body,
    Title,
    Dateline,
    /// What the article as a whole is filed under (its dateline's place, its agency): every
    /// passage of it matches.
    Article,
}

/// A leaf ready to match and score: its part, its terms' numbers in the term table, its idf
/// (a phrase's is its terms' summed, as tantivy's), its boost, whether it adds to scores here,
/// and what it is, for explaining.
#[derive(Debug, Clone)]
pub(super) struct Scored {
    part: Option<Part>,
    terms: Vec<usize>,
    idf: f32,
    boost: f32,
    counts: bool,
    what: String,
}

/// Which text of an article `field` is.
fn part_of(fields: &Fields, field: Field) -> Option<Part> {
    if field == fields.body {
        Some(Part::Body)
    } else if field == fields.title {
        Some(Part::Title)
    } else if field == fields.dateline {
        Some(Part::Dateline)
    } else if field == fields.place || field == fields.agency {
        Some(Part::Article)
    } else {
        None
    }
}

/// The plan's leaves, in order, each with its terms numbered in `terms`; a leaf adds to
/// scores unless it is excluded or `replaced` says another signal scores it.
pub(super) fn scored(
    leaves: &[Leaf],
    fields: &Fields,
    statistics: &Statistics,
    terms: &mut Terms,
    replaced: impl Fn(&Leaf) -> bool,
) -> tantivy::Result<Vec<Scored>> {
    let mut scored = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        let part = part_of(fields, leaf.field);
        let mut idf = 0.0;
        for term in &leaf.terms {
            idf += statistics.idf(leaf.field, term)?;
        }
        let name = fields.user_name(leaf.field);
        let words = leaf.terms.join(" ");
        let quoted = if leaf.terms.len() > 1 {
            format!("\"{words}\"")
        } else {
            words
        };
        scored.push(Scored {
            part,
            terms: leaf.terms.iter().map(|t| terms.id(leaf.field, t)).collect(),
            idf,
            boost: leaf.boost,
            counts: leaf.scored && !replaced(leaf),
            what: format!("`{quoted}` in the {name}"),
        });
    }
    Ok(scored)
}

/// Where a phrase (or a single term) starts in one text: the positions of its first term at
/// which every other term follows in turn.
pub(super) fn phrase_starts<'a>(lists: &'a [&'a [u32]]) -> impl Iterator<Item = u32> + 'a {
    let (first, rest) = lists
        .split_first()
        .map_or((&[][..], &[][..]), |(f, r)| (*f, r));
    first.iter().copied().filter(move |&start| {
        rest.iter().enumerate().all(|(i, positions)| {
            start
                .checked_add(i as u32 + 1)
                .is_some_and(|at| positions.binary_search(&at).is_ok())
        })
    })
}

/// How often each leaf occurs in each of candidate `candidate`'s passages, as a table a row a
/// leaf, a column a paragraph; title and dateline occurrences count for the first.
#[derive(Debug, Default)]
pub(super) struct Counts {
    paragraphs: usize,
    counts: Vec<u32>,
}

impl Counts {
    /// How often leaf `leaf` occurs in paragraph `paragraph`.
    pub fn get(&self, leaf: usize, paragraph: usize) -> u32 {
        self.counts[leaf * self.paragraphs + paragraph]
    }

    /// Fills the table for candidate `candidate` (reusing its memory).
    pub fn fill(&mut self, leaves: &[Scored], context: &Context, candidate: usize) {
        let shape = &context.matches.shapes[candidate];
        self.paragraphs = shape.spans.len();
        self.counts.clear();
        self.counts.resize(leaves.len() * self.paragraphs, 0);
        for (i, leaf) in leaves.iter().enumerate() {
            let row = &mut self.counts[i * self.paragraphs..(i + 1) * self.paragraphs];
            let mut lists = [&[][..]; 8];
            if leaf.terms.len() > lists.len() {
                // A phrase longer than a sentence of keywords: read its terms on the heap.
                let lists: Vec<&[u32]> = leaf
                    .terms
                    .iter()
                    .map(|&term| context.matches.positions(term, candidate))
                    .collect();
                count(leaf.part, &lists, shape, row);
                continue;
            }
            for (list, &term) in lists.iter_mut().zip(&leaf.terms) {
                *list = context.matches.positions(term, candidate);
            }
            count(leaf.part, &lists[..leaf.terms.len()], shape, row);
        }
    }
}

/// Counts a leaf's occurrences (its terms' positions in `lists`) into `row`, a paragraph each.
fn count(
    part: Option<Part>,
    lists: &[&[u32]],
    shape: &crate::search::matches::Shape,
    row: &mut [u32],
) {
    if lists.iter().any(|list| list.is_empty()) {
        return;
    }
    match part {
        Some(Part::Body) => {
            for start in phrase_starts(lists) {
                row[shape.paragraph_of(start)] += 1;
            }
        }
        Some(Part::Title | Part::Dateline) => row[0] += phrase_starts(lists).count() as u32,
        Some(Part::Article) => row.fill(lists[0].len() as u32),
        None => {}
    }
}

/// Adds the BM25 of each leaf that counts to candidate `candidate`'s passages, given where
/// the leaves occur.
pub(super) fn add(
    leaves: &[Scored],
    counts: &Counts,
    context: &Context,
    candidate: usize,
    scores: &mut [f32],
    explain: &mut Explainer,
) {
    let (tuning, statistics) = (context.tuning, context.statistics);
    let shape = &context.matches.shapes[candidate];
    for (i, leaf) in leaves.iter().enumerate() {
        if !leaf.counts {
            continue;
        }
        for (paragraph, total) in scores.iter_mut().enumerate() {
            let frequency = match leaf.part {
                Some(Part::Body) => counts.get(i, paragraph),
                _ => counts.get(i, 0),
            };
            if frequency == 0 {
                continue;
            }
            let norm = match leaf.part {
                Some(Part::Body) => length_norm(
                    tuning.b,
                    shape.spans[paragraph] as f32,
                    statistics.mean_paragraph,
                ),
                Some(Part::Title) => {
                    length_norm(tuning.b, shape.title_length, statistics.mean_title)
                }
                _ => 1.0,
            };
            let score = leaf.boost * saturate(leaf.idf, frequency as f32, norm, tuning.k1);
            *total += score;
            explain.add(paragraph, score, || {
                format!("{}: {frequency}×, idf {:.2}", leaf.what, leaf.idf)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_starts_where_each_term_follows_the_one_before() {
        let cease: &[u32] = &[2, 10, 20];
        let fire: &[u32] = &[3, 12, 21];
        let starts: Vec<u32> = phrase_starts(&[cease, fire]).collect();
        assert_eq!(starts, [2, 20]);
        let single: Vec<u32> = phrase_starts(&[cease]).collect();
        assert_eq!(single, [2, 10, 20]);
        assert_eq!(phrase_starts(&[]).count(), 0);
    }
}
