//! Analysis: how text becomes index terms, the same way for articles, queries and highlights.
//!
//! The chain registered on every index as [`ANALYZER`]:
//!
//! 1. split on every character that is not a letter or digit (`cease-fire` → `cease`, `fire`
//!    at adjacent positions; `São` stays whole);
//! 2. drop tokens over 40 bytes (base64 and URLs, never words);
//! 3. lower-case;
//! 4. fold accents to ASCII, so `Zürich` meets `zurich` and `São Paulo` meets `sao paulo`;
//! 5. Snowball English stemming, so `talks` meets `talk`.
//!
//! The same chain without stemming is registered as [`WORDS_ANALYZER`], for the title's words
//! as typed: a query word found in a title in its exact form is a surer match than one found
//! through its stem (`computer` and `computing` share the stem `comput`).
//!
//! Stop words are kept in the index, so phrases such as `"state of the union"` match exactly;
//! the query side decides when to leave them out. Compounds are not joined or split here: the
//! query side matches `ceasefire`, `cease-fire` and `cease fire` against each other by looking
//! up the index's own vocabulary (see `search`), which works for any compound, costs nothing at
//! index time and never splits an ordinary word whose halves do not occur as words.

use std::collections::HashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

/// The name under which the analyzer is registered on the index.
pub const ANALYZER: &str = "newsdex_english";

/// The name of the unstemmed chain.
pub const WORDS_ANALYZER: &str = "newsdex_words";

/// Registers both chains on an index, which must know them before it indexes or parses.
pub fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, stemming_analyzer());
    index.tokenizers().register(WORDS_ANALYZER, word_analyzer());
}

/// Longest token kept, in bytes.
const MAX_TOKEN_BYTES: usize = 40;

/// The full chain, as indexed.
fn stemming_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The chain without stemming: the words as a reader sees them, lower-cased and folded.
fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// One word of a text: where it is, how it reads and the term it is indexed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offsets into the analysed text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Lower-cased and folded, not stemmed (`talks`).
    pub word: String,
    /// As indexed (`talk`).
    pub term: String,
}

/// Runs both chains over texts; holds them so that a caller analysing many texts builds them
/// once, and remembers the terms of words it has stemmed: one search stems the same few
/// thousand words over and over (feedback documents, highlighted passages), and a lookup
/// costs a fraction of a Snowball run.
pub struct Analyzer {
    words: TextAnalyzer,
    stems: TextAnalyzer,
    known_terms: HashMap<String, String>,
}

/// Words remembered before the memory is cleared, so a long-lived analyzer stays small.
const MAX_KNOWN_TERMS: usize = 50_000;

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            words: word_analyzer(),
            stems: stemming_analyzer(),
            known_terms: HashMap::new(),
        }
    }
}

impl Analyzer {
    /// The words of `text` in order, with offsets and terms.
    pub fn words(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let mut stream = self.words.token_stream(text);
        while let Some(token) = stream.next() {
            words.push(Word {
                start: token.offset_from,
                end: token.offset_to,
                word: token.text.clone(),
                term: String::new(),
            });
        }
        drop(stream);
        for word in &mut words {
            word.term = self.term(&word.word);
        }
        words
    }

    /// The index term of one word (`talks` → `talk`); a word the chain drops maps to itself.
    pub fn term(&mut self, word: &str) -> String {
        if let Some(term) = self.known_terms.get(word) {
            return term.clone();
        }
        let mut stream = self.stems.token_stream(word);
        let term = match stream.next() {
            Some(token) => token.text.clone(),
            None => word.to_string(),
        };
        drop(stream);
        if self.known_terms.len() >= MAX_KNOWN_TERMS {
            self.known_terms.clear();
        }
        self.known_terms.insert(word.to_string(), term.clone());
        term
    }
}

/// English function words: left out of long queries, and never taken as half of a compound
/// (`therapist` is not `the` + `rapist`).
const STOP_WORDS: [&str; 124] = [
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
];

/// Whether a lower-cased word is an English function word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_stop_word("the") && is_stop_word("yours") && !is_stop_word("fire"));
    }

    #[test]
    fn chain_splits_hyphens_folds_accents_and_stems() {
        let mut analyzer = Analyzer::default();
        let cases = [
            ("cease-fire", vec!["ceas", "fire"]),
            ("São Paulo", vec!["sao", "paulo"]),
            ("ZÜRICH talks", vec!["zurich", "talk"]),
            ("therapist", vec!["therapist"]),
            ("U.S.", vec!["u", "s"]),
        ];
        for (text, expected) in cases {
            let terms: Vec<String> = analyzer.words(text).into_iter().map(|w| w.term).collect();
            assert_eq!(terms, expected, "{text}");
        }
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let mut analyzer = Analyzer::default();
        let text = "Zürich – cease-fire";
        let words = analyzer.words(text);
        let spans: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(spans, ["Zürich", "cease", "fire"]);
    }
}
