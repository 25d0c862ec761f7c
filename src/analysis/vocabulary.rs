//! An article's vocabulary: its distinct words (as written, lower-cased and folded) for the
//! lexicon, how many body positions each paragraph spans (the index's map from a position to
//! its paragraph), and the body's near-duplicate signature. Runs for every article indexed,
//! beside tantivy's own analysis, so it is built for speed: ASCII text is split without the
//! chain's machinery, and words are told apart by their 64-bit hashes. Nothing here stems: the
//! index itself counts the articles that hold a term.

use rustc_hash::FxHashSet;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::tokenizer::split;
use super::{MAX_TOKEN_BYTES, word_analyzer};
use crate::article::Article;
use crate::signature::{Signature, word_hash};

/// What indexing learns of an article besides its terms.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// The distinct words of title, dateline and paragraphs, lower-cased and folded by the
    /// unstemmed chain, those holding a letter.
    pub words: Words,
    /// Each paragraph's span of positions as tantivy numbers them (see `schema::Fields::
    /// paragraphs`): the position of its last word kept, plus one.
    pub spans: Vec<u32>,
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

/// What `vocabulary` keeps between articles on a thread: the chain, and buffers.
struct VocabularyWork {
    chain: TextAnalyzer,
    /// The body's words' hashes, in order.
    body: Vec<u64>,
    words_seen: FxHashSet<u64>,
}

/// An article's words, paragraph spans and signature.
pub fn vocabulary(article: &Article) -> Vocabulary {
    thread_local! {
        static WORK: std::cell::RefCell<VocabularyWork> = std::cell::RefCell::new(VocabularyWork {
            chain: word_analyzer(),
            body: Vec::new(),
            words_seen: FxHashSet::default(),
        });
    }
    WORK.with_borrow_mut(|work| {
        let VocabularyWork {
            chain,
            body,
            words_seen,
        } = &mut *work;
        body.clear();
        words_seen.clear();
        let mut words = Words::default();
        let mut spans = Vec::with_capacity(article.paragraphs.len());
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
            };
            let span = if text.is_ascii() {
                ascii_words(text, add)
            } else {
                let mut span = 0;
                let mut stream = chain.token_stream(text);
                while let Some(token) = stream.next() {
                    add(&token.text);
                    span = token.position as u32 + 1;
                }
                span
            };
            if i >= 2 {
                spans.push(span);
            }
        }
        Vocabulary {
            words,
            spans,
            signature: Signature::of_word_hashes(body),
        }
    })
}

/// The words the unstemmed chain makes of an ASCII text, without its machinery (a string a
/// token, a call a filter): the tokenizer's words shorter than `MAX_TOKEN_BYTES`, lower-cased
/// (folding leaves ASCII as it is). Returns the text's span of positions: one a word, as the
/// tokenizer numbers them, up to the last word kept. Every article is read so once more, and
/// this pass is most of that reading.
fn ascii_words(text: &str, mut each: impl FnMut(&str)) -> u32 {
    let mut word = [0u8; MAX_TOKEN_BYTES];
    let (mut words, mut span) = (0u32, 0u32);
    split(text, |start, end, acronym| {
        words += 1;
        let mut len = 0;
        for &byte in &text.as_bytes()[start..end] {
            if acronym && byte == b'.' {
                continue;
            }
            if len == MAX_TOKEN_BYTES {
                // Too long to be a token: dropped whole, as the chain drops it.
                return;
            }
            word[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        if len < MAX_TOKEN_BYTES
            && let Ok(word) = std::str::from_utf8(&word[..len])
        {
            each(word);
            span = words;
        }
    });
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analysis::tests::tokens;

    #[test]
    fn ascii_words_are_the_unstemmed_chains_words() {
        let long = |n: usize| "x".repeat(n);
        let texts = [
            "WASHINGTON (Reuters) -- The U.S. cease-fire, 3.5 pct; Q4 1987's deal! U.K."
                .to_string(),
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
    fn vocabulary_counts_each_word_once_and_spans_each_paragraph() {
        let long = "x".repeat(45);
        let article = Article {
            title: "Talks Stall".into(),
            dateline: "ZÜRICH".into(),
            paragraphs: vec![
                "talks talk TALKS in Zürich; 1987".into(),
                format!("two words {long}"),
                "***".into(),
                format!("{long} ends"),
            ],
        };
        let vocabulary = vocabulary(&article);
        let mut words: Vec<&str> = vocabulary.words.iter().map(|(word, _)| word).collect();
        words.sort_unstable();
        assert_eq!(
            words,
            [
                "ends", "in", "stall", "talk", "talks", "two", "words", "zurich"
            ]
        );
        // A dropped long word at the end takes no span; one before a kept word does.
        assert_eq!(vocabulary.spans, [6, 2, 0, 2]);
    }

    #[test]
    fn spans_are_the_positions_the_index_gives_each_paragraph() {
        let long = "y".repeat(41);
        let texts = [
            "plain words, and 3.5 pct".to_string(),
            format!("{long} then word"),
            format!("word then {long}"),
            "Ünïcode façade — naïve, U.S.-made".to_string(),
            format!("Zürich {long} café"),
            "".to_string(),
        ];
        for text in &texts {
            let tokens = tokens_with_positions(&mut crate::analysis::stemming_analyzer(), text);
            let expected = tokens
                .last()
                .map_or(0, |(_, position)| *position as u32 + 1);
            let article = Article {
                title: String::new(),
                dateline: String::new(),
                paragraphs: vec![text.clone()],
            };
            assert_eq!(vocabulary(&article).spans, [expected], "{text}");
        }
    }

    fn tokens_with_positions(chain: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut stream = chain.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((token.text.clone(), token.position));
        }
        tokens
    }
}
