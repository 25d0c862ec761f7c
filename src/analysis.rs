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

use rustc_hash::{FxHashMap, FxHashSet};

use crate::article::Article;
use crate::signature::{Signature, word_hash};
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
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
/// once (and the stemming chain's memory of stems lasts across texts).
pub struct Analyzer {
    words: TextAnalyzer,
    stems: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            words: word_analyzer(),
            stems: stemming_analyzer(),
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
        let mut stream = self.stems.token_stream(word);
        match stream.next() {
            Some(token) => token.text.clone(),
            None => word.to_string(),
        }
    }
}

/// The distinct words and terms of an article (title, dateline, paragraphs), as the lexicon
/// keeps them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Lower-cased and folded by the unstemmed chain, those holding a letter.
    pub words: Words,
    /// As indexed (stemmed), every one.
    pub terms: Words,
    /// Tokens in the body (the paragraphs), as the index counts them.
    pub body_tokens: u64,
    /// The body's near-duplicate signature.
    pub signature: Signature,
}

/// Distinct strings kept end to end in one buffer, each with its `word_hash`: every article
/// indexed has hundreds of distinct words, and a string each was a third of indexing's
/// allocations; their hashes let the lexicon count them without hashing them again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Words {
    text: String,
    ends: Vec<usize>,
    hashes: Vec<u64>,
}

impl Words {
    /// Adds `word` unless a word with its hash is there already.
    pub fn insert(&mut self, word: &str, hash: u64, seen: &mut FxHashSet<u64>) {
        if seen.insert(hash) {
            self.text.push_str(word);
            self.ends.push(self.text.len());
            self.hashes.push(hash);
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each string with its hash.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.hashes)
            .map(|((start, &end), &hash)| (&self.text[start..end], hash))
    }
}

impl<'a> FromIterator<&'a str> for Words {
    fn from_iter<I: IntoIterator<Item = &'a str>>(strings: I) -> Words {
        let mut words = Words::default();
        let mut seen = FxHashSet::default();
        for word in strings {
            words.insert(word, word_hash(word), &mut seen);
        }
        words
    }
}

/// What `vocabulary` keeps between articles on a thread: the chain, the hashes seen, and the
/// stems of the words met most (as the indexing chain's `RememberingStemmer`).
struct VocabularyWork {
    chain: TextAnalyzer,
    stemmer: frostem::Stemmer,
    /// By word hash: the word's stem and the stem's hash.
    stems: FxHashMap<u64, (Box<str>, u64)>,
    /// The body's words' hashes, in order.
    body: Vec<u64>,
    words_seen: FxHashSet<u64>,
    terms_seen: FxHashSet<u64>,
}

/// Stems remembered by `vocabulary` on each thread.
const MAX_VOCABULARY_STEMS: usize = 65536;

/// The distinct words and terms of an article. Runs for every article indexed: words are
/// told apart by their 64-bit hashes, and a word is stemmed once a thread.
pub fn vocabulary(article: &Article) -> Vocabulary {
    thread_local! {
        static WORK: std::cell::RefCell<VocabularyWork> = std::cell::RefCell::new(VocabularyWork {
            chain: word_analyzer(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stems: FxHashMap::default(),
            body: Vec::new(),
            words_seen: FxHashSet::default(),
            terms_seen: FxHashSet::default(),
        });
    }
    WORK.with_borrow_mut(|work| {
        let VocabularyWork {
            chain,
            stemmer,
            stems,
            body,
            words_seen,
            terms_seen,
        } = &mut *work;
        body.clear();
        words_seen.clear();
        terms_seen.clear();
        let (mut words, mut terms) = (Words::default(), Words::default());
        let texts = [&article.title, &article.dateline]
            .into_iter()
            .chain(&article.paragraphs);
        for (i, text) in texts.enumerate() {
            let mut add = |word: &str| {
                let hash = word_hash(word);
                if i >= 2 {
                    body.push(hash);
                }
                if words_seen.contains(&hash) {
                    return;
                }
                if word.chars().any(char::is_alphabetic) {
                    words.insert(word, hash, words_seen);
                } else {
                    words_seen.insert(hash);
                }
                match stems.get(&hash) {
                    Some((stem, stem_hash)) => terms.insert(stem, *stem_hash, terms_seen),
                    None => {
                        let stem = stemmer.stem(word);
                        let stem_hash = word_hash(&stem);
                        terms.insert(&stem, stem_hash, terms_seen);
                        if stems.len() < MAX_VOCABULARY_STEMS {
                            stems.insert(hash, (stem.as_ref().into(), stem_hash));
                        }
                    }
                }
            };
            if text.is_ascii() {
                ascii_words(text, add);
            } else {
                let mut stream = chain.token_stream(text);
                while let Some(token) = stream.next() {
                    add(&token.text);
                }
            }
        }
        Vocabulary {
            words,
            terms,
            body_tokens: body.len() as u64,
            signature: Signature::of_word_hashes(body),
        }
    })
}

/// The words the unstemmed chain makes of an ASCII text, without its machinery (a string a
/// token, a call a filter): runs of letters and digits shorter than `MAX_TOKEN_BYTES`,
/// lower-cased (folding leaves ASCII as it is). Every article is read so once more for the
/// lexicon, and this pass is most of that reading.
fn ascii_words(text: &str, mut each: impl FnMut(&str)) {
    let mut word = [0u8; MAX_TOKEN_BYTES];
    let mut len = 0;
    // A run too long to be a token is dropped whole, as the chain drops it.
    let mut too_long = false;
    let mut end = |word: &[u8], too_long: bool| {
        if !word.is_empty()
            && word.len() < MAX_TOKEN_BYTES
            && !too_long
            && let Ok(word) = std::str::from_utf8(word)
        {
            each(word);
        }
    };
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() {
            if len < MAX_TOKEN_BYTES {
                word[len] = byte.to_ascii_lowercase();
                len += 1;
            } else {
                too_long = true;
            }
        } else {
            end(&word[..len], too_long);
            (len, too_long) = (0, false);
        }
    }
    end(&word[..len], too_long);
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
    fn ascii_words_are_the_unstemmed_chains_words() {
        let long = |n: usize| "x".repeat(n);
        let texts = [
            "WASHINGTON (Reuters) -- The U.S. cease-fire, 3.5 pct; Q4 1987's deal!".to_string(),
            format!("{} {} {} end", long(39), long(40), long(41)),
            format!("{}-{}.", long(39), "Tail"),
            "  ,,, --  ".to_string(),
            "trailing39".to_string() + &long(30),
        ];
        for text in &texts {
            let mut fast = Vec::new();
            ascii_words(text, |word| fast.push(word.to_string()));
            assert_eq!(fast, tokens(&mut word_analyzer(), text), "{text}");
        }
    }

    #[test]
    fn vocabulary_counts_each_word_and_term_once() {
        let article = Article {
            title: "Talks Stall".into(),
            dateline: "ZÜRICH".into(),
            paragraphs: vec!["talks talk TALKS in Zürich; 1987".into()],
        };
        let vocabulary = vocabulary(&article);
        let mut words: Vec<&str> = vocabulary.words.iter().map(|(word, _)| word).collect();
        words.sort_unstable();
        assert_eq!(words, ["in", "stall", "talk", "talks", "zurich"]);
        let mut terms: Vec<&str> = vocabulary.terms.iter().map(|(term, _)| term).collect();
        terms.sort_unstable();
        assert_eq!(terms, ["1987", "in", "stall", "talk", "zurich"]);
        assert_eq!(vocabulary.body_tokens, 6);
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
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
        let mut snowball = TextAnalyzer::builder(SimpleTokenizer::default())
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
