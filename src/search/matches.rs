//! Where the query's terms occur in each candidate article, read once from the postings: the
//! positions of each term in the body, title and dateline (for an exact title word, its
//! frequency), and the article's paragraph spans and title length. Every passage signal then
//! scores from memory, and a position says its paragraph through the spans (see
//! `schema::Fields::paragraphs`), without the article being read or analysed again.
//!
//! Owns the term table, the reading (segment by segment, side by side when the search is
//! parallel) and the layout; it scores nothing.

use rustc_hash::FxHashMap;

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocAddress, DocSet};

use super::IndexView;
use super::segments::{Candidate, segment_range};
use crate::schema;

/// The terms a search looks for in its candidates, each in one field, numbered in the order
/// they were asked for.
#[derive(Debug, Default, Clone)]
pub(super) struct Terms {
    list: Vec<(Field, String)>,
    ids: FxHashMap<(Field, String), usize>,
}

impl Terms {
    /// The number of `term` in `field`, added when new.
    pub fn id(&mut self, field: Field, term: &str) -> usize {
        let key = (field, term.to_string());
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.list.len();
        self.list.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn field_and_term(&self, id: usize) -> (Field, &str) {
        let (field, term) = &self.list[id];
        (*field, term)
    }
}

/// What a search knows of a candidate article's shape.
#[derive(Debug, Clone, Default)]
pub(super) struct Shape {
    /// Each paragraph's span of body positions, and where it starts.
    pub spans: Vec<u32>,
    pub starts: Vec<u32>,
    /// The title's length in words, as its field norm has it.
    pub title_length: f32,
}

impl Shape {
    /// The paragraph (0-based) holding body position `position`: the last one starting at or
    /// before it (a position past every span, which a consistent index never holds, goes to
    /// the last).
    pub fn paragraph_of(&self, position: u32) -> usize {
        self.starts
            .partition_point(|&start| start <= position)
            .saturating_sub(1)
    }

    /// The body's length in words: its paragraphs' spans.
    pub fn body_length(&self) -> f32 {
        self.spans.iter().map(|&span| span as f32).sum()
    }
}

/// The candidates' shapes and where each term occurs in each.
#[derive(Debug, Default)]
pub(super) struct Matches {
    /// The candidates, in ranking order, and their shapes.
    pub candidates: Vec<Candidate>,
    pub shapes: Vec<Shape>,
    /// Per term (in `Terms` order), per candidate: where in `positions` the term's positions
    /// in its field lie (its frequency's worth of zeros in a field without positions); an
    /// empty range where it is absent. One buffer for all: a search reads thousands.
    occurrences: Vec<Vec<(u32, u32)>>,
    positions: Vec<u32>,
}

impl Matches {
    /// The candidates' shapes; no term read yet.
    pub fn new(index: &IndexView, candidates: Vec<Candidate>) -> tantivy::Result<Matches> {
        let title = index.open.fields.title;
        let mut shapes = Vec::with_capacity(candidates.len());
        let mut norms = FxHashMap::default();
        for candidate in &candidates {
            let address = candidate.address;
            let mut shape = Shape::default();
            index.columns.spans(address, &mut shape.spans)?;
            if shape.spans.is_empty() {
                // Never written so; an article is at least one passage.
                shape.spans.push(0);
            }
            shape.starts = schema::paragraph_starts(&shape.spans);
            let norm = match norms.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => entry.insert(
                    index
                        .segments
                        .searcher
                        .segment_reader(address.segment_ord)
                        .get_fieldnorms_reader(title)?,
                ),
            };
            shape.title_length = norm.fieldnorm(address.doc_id) as f32;
            shapes.push(shape);
        }
        Ok(Matches {
            candidates,
            shapes,
            occurrences: Vec::new(),
            positions: Vec::new(),
        })
    }

    /// Reads the occurrences of every term of `terms` not read yet, in every candidate.
    pub fn read(&mut self, index: &IndexView, terms: &Terms) -> tantivy::Result<()> {
        let first_new = self.occurrences.len();
        if first_new >= terms.len() {
            return Ok(());
        }
        let wanted: Vec<(Field, &str)> = (first_new..terms.len())
            .map(|id| terms.field_and_term(id))
            .collect();
        // The candidates in index order, each with its place in the ranking.
        let mut order: Vec<(DocAddress, usize)> = self
            .candidates
            .iter()
            .enumerate()
            .map(|(i, candidate)| (candidate.address, i))
            .collect();
        order.sort_unstable();
        let schema = index.segments.searcher.schema();
        let per_segment = index.segments.each(|segment_ord, segment| {
            let in_segment = &order[segment_range(&order, segment_ord, |&(a, _)| a)];
            // (term, candidate, range in this segment's positions), and the positions.
            let mut found: Vec<(usize, usize, u32, u32)> = Vec::new();
            let mut positions: Vec<u32> = Vec::new();
            if in_segment.is_empty() {
                return Ok((found, positions));
            }
            for (t, &(field, text)) in wanted.iter().enumerate() {
                let with_positions = schema
                    .get_field_entry(field)
                    .field_type()
                    .get_index_record_option()
                    .is_some_and(|option| option.has_positions());
                let option = if with_positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                };
                let term = Term::from_field_text(field, text);
                let Some(mut postings) = segment
                    .inverted_index(field)?
                    .read_postings(&term, option)?
                else {
                    continue;
                };
                for &(address, i) in in_segment {
                    if postings.doc() < address.doc_id {
                        postings.seek(address.doc_id);
                    }
                    if postings.doc() != address.doc_id {
                        continue;
                    }
                    let start = positions.len() as u32;
                    if with_positions {
                        postings.append_positions_with_offset(0, &mut positions);
                    } else {
                        positions.resize(positions.len() + postings.term_freq() as usize, 0);
                    }
                    found.push((t, i, start, positions.len() as u32 - start));
                }
            }
            Ok((found, positions))
        })?;
        let count = self.candidates.len();
        self.occurrences
            .extend((first_new..terms.len()).map(|_| vec![(0, 0); count]));
        for (found, positions) in per_segment {
            let offset = self.positions.len() as u32;
            self.positions.extend_from_slice(&positions);
            for (t, i, start, len) in found {
                self.occurrences[first_new + t][i] = (offset + start, len);
            }
        }
        Ok(())
    }

    /// Where term `term` occurs in candidate `candidate`'s field (empty: nowhere).
    pub fn positions(&self, term: usize, candidate: usize) -> &[u32] {
        match self
            .occurrences
            .get(term)
            .and_then(|per_candidate| per_candidate.get(candidate))
        {
            Some(&(start, len)) => &self.positions[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_belongs_to_the_paragraph_whose_span_holds_it() {
        let spans = vec![3, 0, 5];
        let shape = Shape {
            starts: schema::paragraph_starts(&spans),
            spans,
            title_length: 0.0,
        };
        // Paragraph starts 0, 4, 5: positions 0-2, none, 5-9.
        let paragraphs: Vec<usize> = [0, 2, 3, 5, 9, 40].map(|p| shape.paragraph_of(p)).into();
        assert_eq!(paragraphs, [0, 0, 0, 2, 2, 2]);
        assert_eq!(shape.body_length(), 8.0);
    }
}
