//! BM25's parts (Robertson & Zaragoza 2009), as every passage signal uses them: the index's
//! statistics (articles, mean lengths of a paragraph, a title, a body), each term's idf over
//! articles, and saturation.
//!
//! A passage is scored against other passages: its length is compared with the mean
//! paragraph's. Its terms' idf is taken over articles, which the index counts (an article is a
//! document): whether a word is rare in the collection does not depend on how its articles
//! are cut into paragraphs. Counts include deleted articles not yet merged away, as tantivy's
//! own BM25 counts them.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, Term};

use crate::search::IndexView;

/// The index's statistics for one search.
pub(in crate::search) struct Statistics {
    searcher: tantivy::Searcher,
    /// Articles, deleted ones included.
    pub articles: f32,
    /// Mean span of a paragraph, of a body (an article's paragraphs together), of a title.
    pub mean_paragraph: f32,
    pub mean_body: f32,
    pub mean_title: f32,
    /// Articles holding each term asked about, by field and term.
    document_frequencies: RefCell<FxHashMap<(Field, String), u64>>,
}

impl Statistics {
    pub fn new(index: &IndexView) -> tantivy::Result<Statistics> {
        let searcher = &index.segments.searcher;
        let fields = &index.open.fields;
        let articles = searcher.total_num_docs()?.max(1) as f32;
        let body_tokens = searcher.total_num_tokens(fields.body)? as f32;
        let title_tokens = searcher.total_num_tokens(fields.title)? as f32;
        let paragraphs = index.columns.paragraph_count()?.max(1) as f32;
        let mean = |tokens: f32, of: f32| (tokens / of).max(1.0);
        Ok(Statistics {
            searcher: searcher.clone(),
            articles,
            mean_paragraph: mean(body_tokens, paragraphs),
            mean_body: mean(body_tokens, articles),
            mean_title: mean(title_tokens, articles),
            document_frequencies: RefCell::default(),
        })
    }

    /// How many articles hold `term` in `field`.
    pub fn document_frequency(&self, field: Field, term: &str) -> tantivy::Result<u64> {
        let key = (field, term.to_string());
        if let Some(&known) = self.document_frequencies.borrow().get(&key) {
            return Ok(known);
        }
        let counted = self
            .searcher
            .doc_freq(&Term::from_field_text(field, term))?;
        self.document_frequencies.borrow_mut().insert(key, counted);
        Ok(counted)
    }

    /// The idf of `term` in `field` (0 when no article holds it).
    pub fn idf(&self, field: Field, term: &str) -> tantivy::Result<f32> {
        let frequency = self.document_frequency(field, term)?;
        Ok(if frequency == 0 {
            0.0
        } else {
            idf(frequency, self.articles)
        })
    }
}

/// BM25's idf of a term that `frequency` of `articles` hold (Lucene's and tantivy's, which
/// is never negative).
pub(in crate::search) fn idf(frequency: u64, articles: f32) -> f32 {
    let frequency = (frequency as f32).min(articles);
    (1.0 + (articles - frequency + 0.5) / (frequency + 0.5)).ln()
}

/// BM25's length normalisation: how a text's length compares with the mean's, as `b` has it.
pub(in crate::search) fn length_norm(b: f32, length: f32, mean: f32) -> f32 {
    1.0 - b + b * length / mean.max(f32::MIN_POSITIVE)
}

/// BM25's saturation of a (normalised) frequency: `frequency` occurrences of a term weighing
/// `idf`, in a text whose length normalises by `norm`.
pub(in crate::search) fn saturate(idf: f32, frequency: f32, norm: f32, k1: f32) -> f32 {
    if frequency <= 0.0 {
        return 0.0;
    }
    idf * (k1 + 1.0) * frequency / (frequency + k1 * norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_grows_with_frequency_and_falls_with_length() {
        let idf = idf(10, 1000.0);
        assert!(idf > 4.0 && idf < 5.0, "{idf}");
        let once = saturate(idf, 1.0, 1.0, 1.2);
        let twice = saturate(idf, 2.0, 1.0, 1.2);
        assert!((once - idf).abs() < 1e-6);
        assert!(twice > once && twice < 2.0 * once);
        assert!(saturate(idf, 1.0, length_norm(0.75, 200.0, 100.0), 1.2) < once);
        assert_eq!(saturate(idf, 0.0, 1.0, 1.2), 0.0);
    }
}
