//! Splitting text into words: runs of letters and digits (as tantivy's simple tokenizer
//! splits), except that an acronym written with dots is one word of its letters: `U.S.`,
//! `U.K.` and `J.P.` read as `us`, `uk` and `jp`. News writes `U.S.` where a searcher types
//! `us`; split at its dots it became the letters `u` and `s`, which no search for the United
//! States found (the passage-judged set's `us unemployment rate` and `uk unemployment fell`).
//!
//! One function splits ([`split`]); the chains' tokenizer and the indexer's fast vocabulary
//! pass both call it, so the positions the index gives words and the paragraph spans the
//! vocabulary counts cannot disagree.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Calls `each(start, end, acronym)` for every word of `text` in order, with its byte range;
/// `acronym` says the range holds dots between single letters, which the word leaves out.
pub fn split(text: &str, mut each: impl FnMut(usize, usize, bool)) {
    for (start, end, acronym) in WordRanges::new(text) {
        each(start, end, acronym);
    }
}

/// The words of a text, as `split` gives them.
pub struct WordRanges<'a> {
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
}

impl<'a> WordRanges<'a> {
    pub fn new(text: &'a str) -> WordRanges<'a> {
        WordRanges {
            text,
            chars: text.char_indices().peekable(),
        }
    }
}

impl Iterator for WordRanges<'_> {
    type Item = (usize, usize, bool);

    fn next(&mut self) -> Option<(usize, usize, bool)> {
        loop {
            let (start, c) = self.chars.next()?;
            if !c.is_alphanumeric() {
                continue;
            }
            if c.is_alphabetic()
                && let Some(end) = acronym_end(self.text, start + c.len_utf8())
            {
                while self.chars.next_if(|&(at, _)| at < end).is_some() {}
                return Some((start, end, true));
            }
            let mut end = start + c.len_utf8();
            while let Some(&(at, next)) = self.chars.peek() {
                if !next.is_alphanumeric() {
                    break;
                }
                end = at + next.len_utf8();
                self.chars.next();
            }
            return Some((start, end, false));
        }
    }
}

/// Where an acronym that starts with a single letter ending at byte `after` ends (after its
/// last letter), if one does: that letter, then a dot and a single letter, at least once,
/// each letter standing alone (followed by a dot, or by neither letter nor digit).
fn acronym_end(text: &str, after: usize) -> Option<usize> {
    let mut rest = text[after..].chars();
    let mut end = None;
    let mut at = after;
    loop {
        // A dot, then a letter that stands alone.
        if rest.next() != Some('.') {
            break;
        }
        let Some(letter) = rest.next().filter(|c| c.is_alphabetic()) else {
            break;
        };
        let letter_end = at + 1 + letter.len_utf8();
        if rest.clone().next().is_some_and(char::is_alphanumeric) {
            break;
        }
        end = Some(letter_end);
        at = letter_end;
    }
    end
}

/// The word of a range `split` gave: the text, less an acronym's dots.
pub fn word_text<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    acronym: bool,
) -> std::borrow::Cow<'a, str> {
    let slice = &text[start..end];
    if acronym {
        slice
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .into()
    } else {
        slice.into()
    }
}

/// The chains' tokenizer: [`split`]'s words, numbered from 0.
#[derive(Clone, Default)]
pub struct NewsTokenizer {
    token: Token,
}

/// The words of one text.
pub struct NewsTokenStream<'a> {
    words: WordRanges<'a>,
    text: &'a str,
    token: &'a mut Token,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            words: WordRanges::new(text),
            text,
            token: &mut self.token,
        }
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end, acronym)) = self.words.next() else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(&word_text(self.text, start, end, acronym));
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        split(text, |start, end, acronym| {
            words.push(word_text(text, start, end, acronym).into_owned())
        });
        words
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_and_acronyms_lose_their_dots() {
        let cases: [(&str, &[&str]); 9] = [
            (
                "The U.S. and U.K. economies",
                &["The", "US", "and", "UK", "economies"],
            ),
            ("U.S.-Japan talks", &["US", "Japan", "talks"]),
            ("the U.S, then", &["the", "US", "then"]),
            ("J.P. Morgan at 9 a.m.", &["JP", "Morgan", "at", "9", "am"]),
            ("3.5 pct, 1.2.3", &["3", "5", "pct", "1", "2", "3"]),
            ("U.Sx is not one", &["U", "Sx", "is", "not", "one"]),
            ("A. Smith and I.", &["A", "Smith", "and", "I"]),
            (
                "cease-fire São Paulo É.U.",
                &["cease", "fire", "São", "Paulo", "ÉU"],
            ),
            ("", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), expected, "{text}");
        }
    }

    #[test]
    fn a_token_covers_its_acronym_and_words_are_numbered_in_turn() {
        let mut tokenizer = NewsTokenizer::default();
        let mut stream = tokenizer.token_stream("in U.S. trade");
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        assert_eq!(
            tokens,
            [
                ("in".to_string(), 0, 2, 0),
                ("US".to_string(), 3, 6, 1),
                ("trade".to_string(), 8, 13, 2)
            ]
        );
    }
}
