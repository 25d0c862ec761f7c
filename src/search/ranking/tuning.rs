//! The ranking's constants, gathered so that each can be set for a measurement
//! (`newsdex eval --set name=value`) and chosen by leave-one-collection-out (`bench/loo.py`).
//! The defaults are the setting `bench/loo.py` chose on all nine judged collections; with each
//! collection held out in turn it chose settings close to these (docs/relevance.md).
//!
//! Owns the names, defaults and parsing of the constants; the signals read them.

/// One value for each constant of the ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// BM25's term-frequency saturation, for passages (tantivy's and Lucene's 1.2).
    pub k1: f32,
    /// BM25's length normalisation, for passages (0.75: the usual).
    pub b: f32,
    /// What one occurrence of a word in the title weighs against one in the body in BM25F: a
    /// title names the subject, and is short.
    pub title_weight: f32,
    /// Weight of a pair of query words found near each other, against 1 for a word.
    pub proximity: f32,
    /// How far apart a pair may stand (tantivy's slop: the second word up to slop + 1 words
    /// after the first or slop - 1 before it).
    pub proximity_slop: u32,
    /// Weight of a query word found in a title as typed, against 1 for the word through BM25F.
    pub exact_title: f32,
    /// Feedback is used for keyword queries of at least this many words.
    pub feedback_min_words: usize,
    /// First-pass results that feed the expansion (RM3's usual 10).
    pub feedback_docs: usize,
    /// Terms the expansion adds.
    pub feedback_terms: usize,
    /// The original query's share of the weight once expanded.
    pub feedback_original: f32,
    /// What an article's other matching passages add to its best passage's score.
    pub other_passages: f32,
    /// Fewest articles the first pass draws for a keyword query, whose passages the signals
    /// score (as many as the results asked for, if more).
    pub rerank_depth: usize,
    /// Weight of the whole article's BM25F in an article's score, against 1 for its best
    /// passage's score.
    pub article_weight: f32,
    /// BM25's saturation and length normalisation over whole articles.
    pub article_k1: f32,
    pub article_b: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            k1: 0.9,
            b: 0.75,
            title_weight: 3.0,
            proximity: 0.3,
            proximity_slop: 5,
            exact_title: 0.3,
            feedback_min_words: 3,
            feedback_docs: 10,
            feedback_terms: 30,
            feedback_original: 0.4,
            other_passages: 0.05,
            rerank_depth: 100,
            article_weight: 1.5,
            article_k1: 1.2,
            article_b: 0.3,
        }
    }
}

impl Tuning {
    /// The constants' names, as `set` takes them.
    pub const NAMES: [&'static str; 15] = [
        "k1",
        "b",
        "title_weight",
        "proximity",
        "proximity_slop",
        "exact_title",
        "feedback_min_words",
        "feedback_docs",
        "feedback_terms",
        "feedback_original",
        "other_passages",
        "rerank_depth",
        "article_weight",
        "article_k1",
        "article_b",
    ];

    /// Sets one constant from `name=value`.
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}` is not NAME=VALUE"))?;
        let real = || {
            value
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("{name}: `{value}` is not a number ≥ 0"))
        };
        let whole = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{name}: `{value}` is not a whole number"))
        };
        match name {
            "k1" => self.k1 = real()?,
            "b" => self.b = real()?.min(1.0),
            "title_weight" => self.title_weight = real()?,
            "proximity" => self.proximity = real()?,
            "proximity_slop" => self.proximity_slop = whole()? as u32,
            "exact_title" => self.exact_title = real()?,
            "feedback_min_words" => self.feedback_min_words = whole()?,
            "feedback_docs" => self.feedback_docs = whole()?.max(1),
            "feedback_terms" => self.feedback_terms = whole()?,
            "feedback_original" => self.feedback_original = real()?.clamp(0.01, 1.0),
            "other_passages" => self.other_passages = real()?,
            "rerank_depth" => self.rerank_depth = whole()?.max(1),
            "article_weight" => self.article_weight = real()?,
            "article_k1" => self.article_k1 = real()?,
            "article_b" => self.article_b = real()?.min(1.0),
            _ => {
                return Err(format!(
                    "no constant `{name}` (constants: {})",
                    Tuning::NAMES.join(", ")
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_constant_can_be_set_and_bad_values_are_refused() {
        for name in Tuning::NAMES {
            let mut tuning = Tuning::default();
            tuning.set(&format!("{name}=7")).unwrap();
            assert_ne!(tuning, Tuning::default(), "{name}");
        }
        let mut tuning = Tuning::default();
        assert!(tuning.set("k1").is_err());
        assert!(tuning.set("k1=-1").is_err());
        assert!(tuning.set("k1=NaN").is_err());
        assert!(tuning.set("kappa=1").is_err());
        assert!(tuning.set("rerank_depth=1.5").is_err());
    }
}
