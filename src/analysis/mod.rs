//! Analysis: how text becomes index terms, the same way for articles, queries and highlights.
//!
//! The chain registered on every index as [`ANALYZER`]:
//!
//! 1. split on every character that is not a letter or digit (`cease-fire` → `cease`, `fire`
//!    at adjacent positions; `São` stays whole), but read an acronym written with dots as one
//!    word (`U.S.` → `US`; see [`tokenizer`]);
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

mod tokenizer;
mod vocabulary;
pub use vocabulary::{Vocabulary, Words, vocabulary};

use rustc_hash::FxHashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};
use tokenizer::NewsTokenizer;

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
    TextAnalyzer::builder(NewsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RememberingStemmer)
        .build()
}

/// Snowball English stemming (the algorithm and crate of tantivy's `Stemmer`) that remembers
/// the stems of the words it has met: news repeats its vocabulary, and a lookup costs a
/// fraction of a Snowball run, which was a fifth of the CPU time of indexing. Each copy of
/// the chain (one per field and indexing thread) has its own memory, so nothing is locked.
#[derive(Clone)]
struct RememberingStemmer;

/// Words remembered per copy of the chain. The first words met are mostly the frequent ones,
/// so words met later are stemmed without being kept, and the table stays small enough for
/// the processor's cache.
const MAX_REMEMBERED_STEMS: usize = 8192;

impl TokenFilter for RememberingStemmer {
    type Tokenizer<T: Tokenizer> = RememberingStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberingStemmerFilter<T> {
        RememberingStemmerFilter {
            inner: tokenizer,
            stems: FxHashMap::default(),
        }
    }
}

#[derive(Clone)]
struct RememberingStemmerFilter<T> {
    inner: T,
    stems: FxHashMap<Box<str>, Box<str>>,
}

impl<T: Tokenizer> Tokenizer for RememberingStemmerFilter<T> {
    type TokenStream<'a> = RememberingStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberingStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

struct RememberingStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut FxHashMap<Box<str>, Box<str>>,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for RememberingStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
        } else {
            let stem = self.stemmer.stem(&token.text).into_owned();
            if self.stems.len() < MAX_REMEMBERED_STEMS {
                self.stems
                    .insert(token.text.as_str().into(), stem.as_str().into());
            }
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The chain without stemming: the words as a reader sees them, lower-cased and folded.
fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::default())
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
/// once, and remembers the terms of the words it has stemmed: a search analyses its query, its
/// feedback passages and its hits, which share most of their words, and a word's term through
/// the chain costs a token stream a word.
pub struct Analyzer {
    words: TextAnalyzer,
    stems: TextAnalyzer,
    terms: FxHashMap<String, String>,
}

/// Terms an `Analyzer` remembers at most: more than a search meets, fewer than a long-lived
/// server's searches would pile up.
const MAX_REMEMBERED_TERMS: usize = 65536;

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            words: word_analyzer(),
            stems: stemming_analyzer(),
            terms: FxHashMap::default(),
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
        if let Some(term) = self.terms.get(word) {
            return term.clone();
        }
        let mut stream = self.stems.token_stream(word);
        let term = match stream.next() {
            Some(token) => token.text.clone(),
            None => word.to_string(),
        };
        if self.terms.len() >= MAX_REMEMBERED_TERMS {
            self.terms.clear();
        }
        self.terms.insert(word.to_string(), term.clone());
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

    /// The texts of the tokens `analyzer` makes of `text`.
    pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut texts = Vec::new();
        while let Some(token) = stream.next() {
            texts.push(token.text.clone());
        }
        texts
    }

    #[test]
    fn remembered_stems_are_snowballs_the_second_time_too() {
        use tantivy::tokenizer::{Language, Stemmer};
        let mut snowball = TextAnalyzer::builder(NewsTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut remembering = stemming_analyzer();
        let text = "Talks talked; the talking generals generally generate \
                    cease-fire talks in São Paulo, relational relations related";
        let expected = tokens(&mut snowball, text);
        assert_eq!(expected[..3], ["talk", "talk", "the"]);
        for _ in 0..2 {
            assert_eq!(tokens(&mut remembering, text), expected);
        }
    }

    #[test]
    fn chain_splits_hyphens_folds_accents_and_stems() {
        let mut analyzer = Analyzer::default();
        let cases = [
            ("cease-fire", vec!["ceas", "fire"]),
            ("São Paulo", vec!["sao", "paulo"]),
            ("ZÜRICH talks", vec!["zurich", "talk"]),
            ("therapist", vec!["therapist"]),
            ("U.S.", vec!["us"]),
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
