//! Did you mean: a corrected query, from the index's own words and how often they are used.
//!
//! A query word is suspect when no article writes it (it may then be up to two edits from what
//! was meant: a letter left out, added, mistyped, or two letters swapped), or when it is rare
//! and a word one edit away is far more common; two words are suspect when joined they make a
//! word far more common than either (`govern ment`). Each suspect is replaced by its likeliest
//! neighbour: the cheapest edits (see `edit_distance`), then the most articles. Only the
//! lexicon is asked; nothing is searched. This module suggests; whether to search for the
//! suggestion is the caller's choice (`--fix`).

use std::sync::OnceLock;

use levenshtein_automata::LevenshteinAutomatonBuilder;

use crate::analysis::Analyzer;
use crate::lexicon::Lexicon;

/// A rare word is suspect when a neighbour is used by this many times more articles.
const MORE_COMMON: u64 = 30;
/// Two words are joined when the joined word is used by this many times the articles of the
/// rarer: `ex port` (export) and `her ds` (herds) are, `sea port` is not.
const JOINED_MORE_COMMON: u64 = 2;
/// A word no article writes is replaced by a neighbour used by at least this many: one
/// article's typo is no better a suggestion.
const MIN_NEIGHBOUR_ARTICLES: u64 = 2;
/// Words used by more articles than this are never suspect: they are words.
const MAX_SUSPECT_ARTICLES: u64 = 20;
/// Shortest word corrected at two edits; shorter ones get one (`tin` is not a typo of `in`).
const TWO_EDITS_FROM: usize = 6;
/// Shortest word corrected at all: shorter ones are as often acronyms (`IPO`) as words.
const MIN_LETTERS: usize = 4;
/// The noisy channel's price of a tenth of an edit, in nats of how common a word is: a word
/// e times as common may cost a tenth of an edit more. One edit more (10 tenths) must be
/// 22,000 times as common.
const NATS_PER_TENTH: f64 = 1.0;
/// Most a word some articles use may be edited: one edit (`canola` is not `canada`).
const ONE_EDIT: usize = 10;

/// The query with its suspect words replaced, or `None` when none is suspect.
pub(super) fn did_you_mean(
    lexicon: &Lexicon,
    analyzer: &mut Analyzer,
    query: &str,
) -> Option<String> {
    let tokens: Vec<&str> = query.split_whitespace().collect();
    let mut corrected: Vec<String> = Vec::with_capacity(tokens.len());
    let mut changed = false;
    let mut i = 0;
    while i < tokens.len() {
        if let Some(next) = tokens.get(i + 1)
            && let Some(joined) = joined(lexicon, analyzer, tokens[i], next)
        {
            corrected.push(joined);
            changed = true;
            i += 2;
            continue;
        }
        match corrected_token(lexicon, analyzer, tokens[i]) {
            Some(token) => {
                corrected.push(token);
                changed = true;
            }
            None => corrected.push(tokens[i].to_string()),
        }
        i += 1;
    }
    changed.then(|| corrected.join(" "))
}

/// A token's word: the letters between any operator, field or quote (`title:syria` → `syria`,
/// `"cease` → `cease`), as the lexicon keeps words, if it has at least `min_letters`; with the
/// text around it.
fn word_of<'a>(
    analyzer: &mut Analyzer,
    token: &'a str,
    min_letters: usize,
) -> Option<(&'a str, String, &'a str)> {
    if token.ends_with('*') || matches!(token, "AND" | "OR" | "NOT") {
        return None;
    }
    let start = token.rfind(':').map_or(0, |at| at + 1);
    let start = start + token[start..].find(char::is_alphanumeric)?;
    let end = token
        .char_indices()
        .rfind(|(_, c)| c.is_alphanumeric())
        .map(|(at, c)| at + c.len_utf8())?;
    let words = analyzer.words(&token[start..end]);
    let [word] = words.as_slice() else {
        return None;
    };
    let letters = word.word.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= min_letters && letters == word.word.chars().count())
        .then(|| (&token[..start], word.word.clone(), &token[end..]))
}

/// The token with its word corrected, if the word is suspect.
fn corrected_token(lexicon: &Lexicon, analyzer: &mut Analyzer, token: &str) -> Option<String> {
    let (before, word, after) = word_of(analyzer, token, MIN_LETTERS)?;
    let used = lexicon.articles(&word);
    if used > MAX_SUSPECT_ARTICLES {
        return None;
    }
    let best = neighbours(lexicon, &word, used)
        .filter(|&(_, articles, cost)| match used {
            0 => articles >= MIN_NEIGHBOUR_ARTICLES,
            used => cost <= ONE_EDIT && articles >= MORE_COMMON.saturating_mul(used),
        })
        .max_by(|a, b| likelihood(a).total_cmp(&likelihood(b)))?;
    Some(format!("{before}{}{after}", best.0))
}

/// How likely a neighbour (word, articles, cost) is to be what was meant, as a noisy channel
/// weighs it (Kernighan, Church & Gale 1990): the log of how common the word is, less
/// `NATS_PER_TENTH` for each tenth of an edit the typist would have made. `defecit` is then
/// `deficit` (a wrong letter; 651 Reuters-21578 articles), not `defect` (a letter too many,
/// a tenth cheaper; 12 articles).
fn likelihood(&(_, articles, cost): &(String, u64, usize)) -> f64 {
    (articles.max(1) as f64).ln() - NATS_PER_TENTH * cost as f64
}

/// Two tokens that make one common word when joined, and are not both words already.
fn joined(lexicon: &Lexicon, analyzer: &mut Analyzer, first: &str, second: &str) -> Option<String> {
    let (before, left, _) = word_of(analyzer, first, 1)?;
    let (_, right, after) = word_of(analyzer, second, 1)?;
    let whole = format!("{left}{right}");
    let used = lexicon.articles(&whole);
    let rarer = lexicon.articles(&left).min(lexicon.articles(&right));
    (used > MAX_SUSPECT_ARTICLES && used >= JOINED_MORE_COMMON.saturating_mul(rarer.max(1)))
        .then(|| format!("{before}{whole}{after}"))
}

/// The lexicon's words within reach of `word` (used by `used` articles), with their article
/// counts and edits. A word some articles use is only ever corrected by one edit, and a
/// one-edit automaton walks a small part of what a two-edit one does.
fn neighbours<'a>(
    lexicon: &'a Lexicon,
    word: &'a str,
    used: u64,
) -> impl Iterator<Item = (String, u64, usize)> + 'a {
    let two_edits = used == 0 && word.chars().count() >= TWO_EDITS_FROM;
    // Two edits, and one edit from a word some articles use, are looked for among the words
    // that start as this one does (Lucene's DirectSpellChecker keeps a word's first letter
    // too: a typist seldom misses the first letter, Pollock & Zamora 1984): a walk of one
    // letter's words, not the whole lexicon. A rare name in a query (`Buffett`) is such a
    // word, and its walk of the whole lexicon was a sixth of the query's time. A word no
    // article uses is surely misspelt: its one-edit neighbours are sought everywhere.
    let one_edit = lexicon.near(word, automaton_builder(1), used > 0);
    let two = if two_edits {
        lexicon.near(word, automaton_builder(2), true)
    } else {
        Vec::new()
    };
    one_edit
        .into_iter()
        .chain(two)
        .filter(move |(near, _)| near != word)
        .map(move |(near, articles)| {
            let distance = edit_distance(word, &near);
            (near, articles, distance)
        })
}

/// Building a Levenshtein automaton builder takes milliseconds; each is built once.
fn automaton_builder(edits: usize) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    let cell = if edits == 1 { &ONE } else { &TWO };
    cell.get_or_init(|| LevenshteinAutomatonBuilder::new(edits as u8, true))
}

/// The cost, in tenths of an edit, of turning the typed word `a` into `b` (optimal string
/// alignment). Typists leave letters out more often than they swap, add or mistype them
/// (Damerau 1964; Kukich 1992), so a letter the word lacks costs 8, a swap 9, a letter too many
/// 9 and a wrong letter 10: `thacher` is nearer `thatcher` than `teacher`.
fn edit_distance(a: &str, b: &str) -> usize {
    const OMITTED: usize = 8;
    const SWAPPED: usize = 9;
    const EXTRA: usize = 9;
    const WRONG: usize = 10;
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i * EXTRA;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j * OMITTED;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { WRONG };
            let mut best = (rows[i - 1][j] + EXTRA)
                .min(rows[i][j - 1] + OMITTED)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + SWAPPED);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Vocabulary;
    use crate::lexicon::{self, NewWords};

    fn lexicon(words: &[(&str, usize)]) -> (tempfile::TempDir, Lexicon) {
        let dir = tempfile::tempdir().unwrap();
        lexicon::create_empty(dir.path()).unwrap();
        let mut added = NewWords::default();
        for &(word, articles) in words {
            for _ in 0..articles {
                added.add(&[&Vocabulary {
                    words: [word].into_iter().collect(),
                    ..Vocabulary::default()
                }]);
            }
        }
        lexicon::stage(dir.path(), 1, &added).unwrap();
        lexicon::settle(dir.path(), 1).unwrap();
        let lexicon = Lexicon::open(dir.path()).unwrap().expect("a lexicon");
        (dir, lexicon)
    }

    #[test]
    fn misspelt_words_are_corrected_and_words_are_left_alone() {
        let (_dir, lexicon) = lexicon(&[
            ("government", 200),
            ("goverment", 2),
            ("budget", 150),
            ("deficit", 90),
            // A tenth of an edit nearer `defecit` than `deficit`, and far rarer.
            ("defect", 12),
            ("economy", 120),
            ("in", 900),
            ("tin", 40),
            ("thatcher", 60),
            ("teacher", 80),
        ]);
        let mut analyzer = Analyzer::default();
        let mut suggest = |query: &str| did_you_mean(&lexicon, &mut analyzer, query);
        assert_eq!(
            suggest("goverment budget defecit").as_deref(),
            Some("government budget deficit")
        );
        assert_eq!(suggest("thacher").as_deref(), Some("thatcher"));
        assert_eq!(suggest("thacher tin").as_deref(), Some("thatcher tin"));
        assert_eq!(
            suggest("bugdet").as_deref(),
            Some("budget"),
            "a swap is one edit"
        );
        assert_eq!(suggest("eco nomy").as_deref(), Some("economy"));
        assert_eq!(suggest("title:deficti").as_deref(), Some("title:deficit"));
        assert_eq!(suggest("government budget deficit"), None);
        assert_eq!(
            suggest("tin prices"),
            None,
            "a short word is not taken for another"
        );
        assert_eq!(suggest("negotia*"), None);
    }

    #[test]
    fn a_left_out_letter_costs_least_and_a_wrong_one_most() {
        assert_eq!(edit_distance("thacher", "thatcher"), 8);
        assert_eq!(edit_distance("thacher", "teacher"), 10);
        assert_eq!(edit_distance("deifcit", "deficit"), 9);
        assert_eq!(edit_distance("budgett", "budget"), 9);
        assert_eq!(edit_distance("kitten", "sitting"), 28);
    }
}
