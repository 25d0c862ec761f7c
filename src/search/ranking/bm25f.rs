//! The BM25F signal: field-weighted BM25 (Robertson, Zaragoza & Taylor 2004) for the
//! candidates the first pass found, in place of its per-field scores.
//!
//! tantivy scores each field on its own and adds the scores, so a word in both the title and
//! the body counts as two saturated matches, and a short title's single match scores like a
//! body full of the word. BM25F weighs and length-normalises each field's occurrences first,
//! sums them into one term frequency, and saturates that once: a title match still counts for
//! several body matches, but a word cannot earn its weight twice (measured on the test
//! collections: docs/relevance.md). Scores only the words it is given; which
//! words and fields is the rerank's choice.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader};

use crate::analysis::Word;
use crate::search::IndexView;
use crate::search::plan::TITLE_BOOST;
use crate::search::segments::sort_best_first;

use super::Tuning;

/// Rescores `candidates` with BM25F over body and title for the keywords that are one term
/// each, and sorts them again, best first.
pub(super) fn rescore_title_and_body(
    index: &IndexView,
    tuning: &Tuning,
    keywords: &[Vec<Word>],
    candidates: &mut [(f32, DocAddress)],
) -> tantivy::Result<()> {
    let weighted = title_and_body(index, tuning)?;
    rescore(
        &index.segments.searcher,
        (tuning.k1, tuning.b),
        &weighted,
        &single_terms(keywords),
        candidates,
        None,
    )
}

/// Body and title as BM25F weighs them: a title is held by an article's first passage only.
fn title_and_body(index: &IndexView, tuning: &Tuning) -> tantivy::Result<[WeightedField; 2]> {
    let (passages, articles) = index.columns.passage_and_article_counts()?;
    let fields = &index.open.fields;
    Ok([
        WeightedField {
            field: fields.body,
            weight: 1.0,
            first_pass_boost: 1.0,
            holders: passages,
        },
        WeightedField {
            field: fields.title,
            weight: tuning.title_weight,
            first_pass_boost: TITLE_BOOST,
            holders: articles,
        },
    ])
}

/// Most fields BM25F sums (body and title).
const FIELDS: usize = 2;

/// What BM25F made of one word in one passage: its frequency and length in each field (body,
/// title), its idf, the first pass's score of it that BM25F replaced, and BM25F's.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TermPart {
    pub term: String,
    pub frequencies: Vec<u32>,
    pub lengths: Vec<f32>,
    pub mean_lengths: Vec<f32>,
    pub idf: f32,
    pub first_pass: f32,
    pub score: f32,
}

/// The BM25F parts of a passage's score, word by word, as `rescore_title_and_body` computes
/// them.
pub(super) fn explain(
    index: &IndexView,
    tuning: &Tuning,
    keywords: &[Vec<Word>],
    address: DocAddress,
) -> tantivy::Result<Vec<TermPart>> {
    let weighted = title_and_body(index, tuning)?;
    let mut parts = Vec::new();
    rescore(
        &index.segments.searcher,
        (tuning.k1, tuning.b),
        &weighted,
        &single_terms(keywords),
        &mut [(0.0, address)],
        Some(&mut |_, part| parts.push(part)),
    )?;
    Ok(parts)
}

/// The index terms of the keywords that are one term each (as often as they occur in the
/// query): the first pass scored each as one term query per field, which BM25F replaces.
pub(super) fn single_terms(keywords: &[Vec<Word>]) -> Vec<String> {
    keywords
        .iter()
        .filter_map(|analysed| match analysed.as_slice() {
            [word] => Some(word.term.clone()),
            _ => None,
        })
        .collect()
}

/// A field that BM25F sums, with the weight of one of its occurrences against one in the
/// body, the boost the first pass gave the field (whose score BM25F replaces), and how many
/// passages can hold it: its mean length is taken over those, so a title is compared with
/// other titles, not with the many passages that have none.
#[derive(Debug, Clone, Copy)]
struct WeightedField {
    pub field: Field,
    pub weight: f32,
    pub first_pass_boost: f32,
    pub holders: u64,
}

/// Replaces, in each passage's score, the first pass's per-field BM25 scores of each term
/// with the term's BM25F score over `fields`. The terms must have been scored in the first
/// pass as one term query per field, boosted by the field's `first_pass_boost`.
/// Each word's parts go to `parts`, when given (to explain a score), with the passage's index
/// in `passages`, where the word is in the passage.
fn rescore(
    searcher: &Searcher,
    (k1, b): (f32, f32),
    fields: &[WeightedField],
    terms: &[String],
    passages: &mut [(f32, DocAddress)],
    mut parts: Option<&mut dyn FnMut(usize, TermPart)>,
) -> tantivy::Result<()> {
    debug_assert!(fields.len() <= FIELDS);
    let mut order: Vec<usize> = (0..passages.len()).collect();
    order.sort_by_key(|&i| passages[i].1);
    // Counted as tantivy's BM25 counts them, deleted passages included.
    let passage_count = searcher
        .segment_readers()
        .iter()
        .map(|reader| reader.max_doc() as f32)
        .sum::<f32>()
        .max(1.0);
    let average_lengths = fields
        .iter()
        .map(|weighted| average_length(searcher, weighted.field, weighted.holders))
        .collect::<tantivy::Result<Vec<f32>>>()?;
    for text in terms {
        let terms: Vec<Term> = fields
            .iter()
            .map(|weighted| Term::from_field_text(weighted.field, text))
            .collect();
        let Some(idf) = idf(searcher, &terms, passage_count)? else {
            continue;
        };
        let first_pass_weights = terms
            .iter()
            .map(|term| Bm25Weight::for_terms(searcher, std::slice::from_ref(term)))
            .collect::<tantivy::Result<Vec<Bm25Weight>>>()?;
        let mut segment = None;
        let (mut postings, mut norms) = (Vec::new(), Vec::new());
        for &i in &order {
            let address = passages[i].1;
            if segment != Some(address.segment_ord) {
                segment = Some(address.segment_ord);
                let reader = searcher.segment_reader(address.segment_ord);
                (postings, norms) = open_terms(reader, &terms)?;
            }
            let mut first_pass_score = 0.0;
            let mut frequency = 0.0;
            let mut frequencies = [0; FIELDS];
            let mut lengths = [0.0; FIELDS];
            for (f, weighted) in fields.iter().enumerate() {
                let Some(term_freq) = term_freq(&mut postings[f], address.doc_id) else {
                    continue;
                };
                let norm = &norms[f];
                first_pass_score += weighted.first_pass_boost
                    * first_pass_weights[f].score(norm.fieldnorm_id(address.doc_id), term_freq);
                lengths[f] = norm.fieldnorm(address.doc_id) as f32;
                frequencies[f] = term_freq;
                let length = lengths[f] / average_lengths[f];
                frequency += weighted.weight * term_freq as f32 / (1.0 - b + b * length);
            }
            let score = idf * (k1 + 1.0) * frequency / (k1 + frequency);
            passages[i].0 += score - first_pass_score;
            if frequency > 0.0
                && let Some(parts) = parts.as_mut()
            {
                parts(
                    i,
                    TermPart {
                        term: text.clone(),
                        frequencies: frequencies[..fields.len()].to_vec(),
                        lengths: lengths[..fields.len()].to_vec(),
                        mean_lengths: average_lengths.clone(),
                        idf,
                        first_pass: first_pass_score,
                        score,
                    },
                );
            }
        }
    }
    sort_best_first(passages);
    Ok(())
}

/// The word's idf over passages, counting those that hold it in any of the fields (`terms`,
/// the word in each); `None` when none does.
fn idf(searcher: &Searcher, terms: &[Term], passage_count: f32) -> tantivy::Result<Option<f32>> {
    let mut doc_freq = 0;
    for term in terms {
        doc_freq = doc_freq.max(searcher.doc_freq(term)?);
    }
    if doc_freq == 0 {
        return Ok(None);
    }
    let idf = (1.0 + (passage_count - doc_freq as f32 + 0.5) / (doc_freq as f32 + 0.5)).ln();
    Ok(Some(idf))
}

/// A segment's postings (with frequencies) and field norms of each term.
fn open_terms(
    reader: &SegmentReader,
    terms: &[Term],
) -> tantivy::Result<(Vec<Option<SegmentPostings>>, Vec<FieldNormReader>)> {
    let mut postings = Vec::with_capacity(terms.len());
    let mut norms = Vec::with_capacity(terms.len());
    for term in terms {
        postings.push(
            reader
                .inverted_index(term.field())?
                .read_postings(term, IndexRecordOption::WithFreqs)?,
        );
        norms.push(reader.get_fieldnorms_reader(term.field())?);
    }
    Ok((postings, norms))
}

/// Mean length of the field over the passages that can hold it.
fn average_length(searcher: &Searcher, field: Field, holders: u64) -> tantivy::Result<f32> {
    let mut tokens = 0;
    for reader in searcher.segment_readers() {
        tokens += reader.inverted_index(field)?.total_num_tokens();
    }
    Ok((tokens as f32 / holders.max(1) as f32).max(f32::MIN_POSITIVE))
}

/// How often the term occurs in `doc`, moving the postings forward to it (docs are visited
/// in increasing order within a segment).
fn term_freq(postings: &mut Option<SegmentPostings>, doc: DocId) -> Option<u32> {
    let postings = postings.as_mut()?;
    if postings.doc() < doc {
        postings.seek(doc);
    }
    (postings.doc() == doc).then(|| postings.term_freq())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, doc};

    /// A small index of (title, body) passages, its fields, and a searcher.
    fn index(passages: &[(&str, &str)]) -> (Searcher, Field, Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, b) in passages {
            writer.add_document(doc!(title => *t, body => *b)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), title, body)
    }

    /// The first pass: each field's term query, summed; every matching passage, best first.
    fn first_pass(searcher: &Searcher, fields: &[Field], word: &str) -> Vec<(f32, DocAddress)> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&field| {
                let term = Term::from_field_text(field, word);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                (Occur::Should, Box::new(query) as Box<dyn Query>)
            })
            .collect();
        let collector = TopDocs::with_limit(100).order_by_score();
        searcher
            .search(&BooleanQuery::new(clauses), &collector)
            .unwrap()
    }

    /// A field that every passage can hold, as tantivy's BM25 assumes.
    fn field(searcher: &Searcher, field: Field, weight: f32) -> WeightedField {
        WeightedField {
            field,
            weight,
            first_pass_boost: 1.0,
            holders: searcher.num_docs(),
        }
    }

    #[test]
    fn over_one_field_bm25f_is_bm25() {
        let (searcher, _, body) = index(&[
            ("", "oil prices rose"),
            (
                "",
                "oil oil and more oil in a much longer passage about oil and gas",
            ),
            ("", "gas"),
        ]);
        let before = first_pass(&searcher, &[body], "oil");
        let mut after = before.clone();
        rescore(
            &searcher,
            (1.2, 0.75),
            &[field(&searcher, body, 1.0)],
            &["oil".into()],
            &mut after,
            None,
        )
        .unwrap();
        assert_eq!(after.len(), 2);
        for ((old, old_address), (new, new_address)) in before.iter().zip(&after) {
            assert_eq!(old_address, new_address);
            assert!((old - new).abs() < 1e-4, "{old} became {new}");
        }
    }

    #[test]
    fn a_word_in_title_and_body_saturates_once() {
        let (searcher, title, body) = index(&[
            ("oil", "oil prices rose"),
            ("", "oil prices rose"),
            ("gas", "gas prices fell"),
        ]);
        let fields = [field(&searcher, body, 1.0), field(&searcher, title, 1.0)];
        let before = first_pass(&searcher, &[body, title], "oil");
        let mut after = before.clone();
        rescore(
            &searcher,
            (1.2, 0.75),
            &fields,
            &["oil".into()],
            &mut after,
            None,
        )
        .unwrap();
        let score_of = |passages: &[(f32, DocAddress)], doc: DocId| {
            passages
                .iter()
                .find(|(_, address)| address.doc_id == doc)
                .map(|(score, _)| *score)
                .unwrap()
        };
        // Passage 0 still ranks first, but its title no longer adds a second full match.
        assert_eq!(after[0].1.doc_id, 0);
        assert!(score_of(&after, 0) < score_of(&before, 0));
        assert!(score_of(&after, 0) > score_of(&after, 1));
    }

    #[test]
    fn a_heavier_title_outranks_body_repetition() {
        let (searcher, title, body) = index(&[
            ("oil", "prices rose sharply today"),
            ("", "oil and oil prices rose"),
        ]);
        let words = ["oil".to_string()];
        let ranked_first = |title_weight: f32| {
            let mut passages = first_pass(&searcher, &[body, title], "oil");
            let fields = [
                field(&searcher, body, 1.0),
                field(&searcher, title, title_weight),
            ];
            rescore(&searcher, (1.2, 0.75), &fields, &words, &mut passages, None).unwrap();
            passages[0].1.doc_id
        };
        assert_eq!(ranked_first(1.0), 1);
        assert_eq!(ranked_first(8.0), 0);
    }
}
