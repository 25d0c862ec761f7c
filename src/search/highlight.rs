//! Highlighting: which byte ranges of a passage the query matched.
//!
//! Owns the patterns a query leaves to look for (word sequences as index terms, prefixes) and
//! finding them in a passage analysed the way it was indexed. It does not decide which part of
//! a long passage to show; that is `output`'s.

use crate::analysis::{Analyzer, Word};

/// A word sequence the passage text is searched for when highlighting.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Pattern {
    /// Consecutive index terms.
    Terms(Vec<String>),
    /// Any term with this prefix.
    Prefix(String),
}

/// Byte ranges of `text` where a pattern of the query matches, sorted and merged.
pub(super) fn highlights(
    analyzer: &mut Analyzer,
    text: &str,
    patterns: &[Pattern],
) -> Vec<(usize, usize)> {
    let words = analyzer.words(text);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for pattern in patterns {
            if let Some(len) = pattern_match(pattern, &words[i..]) {
                ranges.push((word.start, words[i + len - 1].end));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// How many words at the start of `words` a pattern matches, if it does.
fn pattern_match(pattern: &Pattern, words: &[Word]) -> Option<usize> {
    match pattern {
        Pattern::Terms(terms) => {
            let matches = terms.len() <= words.len()
                && terms
                    .iter()
                    .zip(words)
                    .all(|(term, word)| *term == word.term);
            matches.then_some(terms.len())
        }
        Pattern::Prefix(prefix) => words
            .first()
            .is_some_and(|word| {
                word.term.starts_with(prefix.as_str()) || word.word.starts_with(prefix.as_str())
            })
            .then_some(1),
    }
}
