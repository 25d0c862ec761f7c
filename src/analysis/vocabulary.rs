//! An article's vocabulary for the lexicon: its distinct words (as written, lower-cased and
//! folded) and terms (stemmed), its body's length, and its near-duplicate signature. Runs for
//! every article indexed, beside tantivy's own analysis, so it is built for speed: ASCII text
//! is split without the chain's machinery, words are told apart by their 64-bit hashes, and
//! a word is stemmed once a thread.

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::{MAX_TOKEN_BYTES, word_analyzer};
use crate::article::Article;
use crate::signature::{Signature, word_hash};

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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::tests::tokens;

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
}
