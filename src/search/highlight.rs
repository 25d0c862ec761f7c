//! Highlighting: which byte ranges of a passage the query matched.
//!
//! Owns the patterns a query leaves to look for (word sequences as index terms, prefixes as
//! typed), in the passage and in the title, and finding them in a text analysed the way it was
//! indexed. A lone stop word is marked only when the query has nothing else to mark (`the who`
//! marks `the`; `cease-fire and truce` does not mark `and`). It does not decide which part of
//! a long passage to show; that is `output`'s.

use crate::analysis::{Analyzer, Word};

/// A word sequence a text is searched for when highlighting.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Pattern {
    /// Consecutive index terms.
    Terms(Vec<String>),
    /// A lone stop word's term: marked only when nothing else is.
    StopWord(String),
    /// Any word that starts with this, as written (lower-cased, without accents).
    Prefix(String),
}

/// What to mark in a hit: the patterns of the query's parts that search the body, and of
/// those that search the title.
#[derive(Debug, Default)]
pub(super) struct Highlighting {
    pub body: Vec<Pattern>,
    pub title: Vec<Pattern>,
}

/// Byte ranges of `text` where a pattern of the query matches, sorted and merged.
pub(super) fn highlights(
    analyzer: &mut Analyzer,
    text: &str,
    patterns: &[Pattern],
) -> Vec<(usize, usize)> {
    if patterns.is_empty() {
        return Vec::new();
    }
    let only_stop_words = patterns
        .iter()
        .all(|pattern| matches!(pattern, Pattern::StopWord(_)));
    let patterns: Vec<&Pattern> = patterns
        .iter()
        .filter(|pattern| only_stop_words || !matches!(pattern, Pattern::StopWord(_)))
        .collect();
    let words = analyzer.words(text);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for pattern in &patterns {
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
        Pattern::StopWord(term) => words
            .first()
            .is_some_and(|word| word.term == *term)
            .then_some(1),
        Pattern::Prefix(prefix) => words
            .first()
            .is_some_and(|word| word.word.starts_with(prefix.as_str()))
            .then_some(1),
    }
}
