//! The lexicon: every word of the indexed articles as written (lower-cased, without accents,
//! not stemmed), and every term (stem) as indexed, each with how many articles use it, kept in
//! the index folder beside tantivy's files.
//!
//! The index holds stems, which cannot say whether a word was ever written: `goverment` stems
//! to `gover`, which `governess` also gives. The lexicon can, so a search names the query words
//! that no article contains, and suggests the words they may have meant from its neighbours by
//! edit distance and frequency. Its terms' counts are the articles that hold a term, which the
//! index (one document a passage) cannot say without reading every posting: whole-article
//! ranking takes its idf from them. It only ever grows: an article deleted or changed leaves
//! its words counted (a rebuild recounts), and the count of articles with them, which makes a
//! word at worst look used when it no longer is. Words without a letter (numbers) are kept
//! as terms only.
//!
//! A run's words reach the lexicon with its commit, in two steps that survive a kill at any
//! point: before tantivy commits, the run stages its words with the commit's opstamp
//! (`lexicon.staged`); after, the staged words are folded into `lexicon.fst`. A staged file
//! whose commit happened is folded by the next run that opens the index for writing; one whose
//! commit did not happen is dropped. This module knows nothing of articles or queries.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use memmap2::Mmap;
use rustc_hash::FxHashMap;
use tantivy::Opstamp;
use tantivy_fst::{IntoStreamer, Map, MapBuilder, Streamer};

use crate::analysis::Vocabulary;

/// The lexicon's file in the index folder.
pub const FILE: &str = "lexicon.fst";
/// A run's words, staged for the commit they belong to.
const STAGED: &str = "lexicon.staged";
/// The key under which the lexicon records the last commit whose words it holds (no word
/// starts with a NUL), so that words are never folded in twice.
const FOLDED: &[u8] = b"\0folded";
/// The key counting the articles added.
const ARTICLES: &str = "\0articles";
/// What term keys start with, to keep them apart from words.
const TERM: char = '\u{1}';

/// The lexicon of an index, as searches read it.
pub struct Lexicon {
    words: Map<Mmap>,
}

impl Lexicon {
    /// The lexicon in the index folder `dir`, or `None` when it has none yet (an index built
    /// before there was one) or it cannot be read: callers then go without.
    pub fn open(dir: &Path) -> Option<Lexicon> {
        let file = File::open(dir.join(FILE)).ok()?;
        // SAFETY: the file is only ever replaced by a rename, never written in place, so the
        // mapped bytes do not change under the map.
        let bytes = unsafe { Mmap::map(&file) }.ok()?;
        let words = Map::from(tantivy_fst::raw::Fst::new(bytes).ok()?);
        Some(Lexicon { words })
    }

    /// The last commit whose words the lexicon holds.
    fn folded(&self) -> Option<Opstamp> {
        self.words.get(FOLDED)
    }

    /// How many articles use `word` (as the word analyzer gives it: lower-cased, folded).
    pub fn articles(&self, word: &str) -> u64 {
        self.words.get(word).unwrap_or(0)
    }

    /// How many articles hold the index term `term` (a stem).
    pub fn term_articles(&self, term: &str) -> u64 {
        self.words.get(format!("{TERM}{term}")).unwrap_or(0)
    }

    /// How many distinct words the lexicon holds (terms and counters aside).
    pub fn word_count(&self) -> u64 {
        let mut words = 0;
        let mut stream = self.words.stream();
        while let Some((key, _)) = stream.next() {
            words +=
                u64::from(!key.starts_with(b"\0") && !key.starts_with(TERM.to_string().as_bytes()));
        }
        words
    }

    /// How many articles the lexicon has counted (every article added, also those since
    /// changed or deleted).
    pub fn article_count(&self) -> u64 {
        self.words.get(ARTICLES).unwrap_or(0)
    }

    /// The words within the builder's edits (insertions, deletions, substitutions, swaps of
    /// two neighbouring letters) of `word`, with their article counts.
    pub fn near(
        &self,
        word: &str,
        builder: &levenshtein_automata::LevenshteinAutomatonBuilder,
    ) -> Vec<(String, u64)> {
        let automaton = Levenshtein(builder.build_dfa(word));
        let mut stream = self.words.search(&automaton).into_stream();
        let mut near = Vec::new();
        while let Some((key, articles)) = stream.next() {
            if let Ok(key) = std::str::from_utf8(key)
                && !key.starts_with(['\0', TERM])
            {
                near.push((key.to_string(), articles));
            }
        }
        near
    }
}

/// A Levenshtein DFA as an automaton over the lexicon's keys.
struct Levenshtein(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Levenshtein {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The words and terms of the articles a run adds, each counted once per article.
#[derive(Debug, Default)]
pub struct NewWords {
    words: FxHashMap<String, u64>,
    terms: FxHashMap<String, u64>,
    articles: u64,
}

impl NewWords {
    /// Counts one article's distinct words and terms.
    pub fn add(&mut self, vocabulary: Vocabulary) {
        for word in vocabulary.words {
            *self.words.entry(word).or_default() += 1;
        }
        for term in vocabulary.terms {
            *self.terms.entry(term).or_default() += 1;
        }
        self.articles += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.articles == 0
    }
}

/// Starts the lexicon of a new index, empty.
pub fn create_empty(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(FILE);
    let write = || -> anyhow::Result<()> {
        let builder = MapBuilder::new(BufWriter::new(File::create(&path)?))?;
        builder.into_inner()?.into_inner()?.sync_all()?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// Stages `words` for the commit `opstamp` in the index folder `dir`, replacing whatever a
/// failed run staged. Written to a temporary name, synced and renamed into place.
pub fn stage(dir: &Path, opstamp: Opstamp, words: &NewWords) -> anyhow::Result<()> {
    let path = dir.join(STAGED);
    let temporary = dir.join(format!("{STAGED}.tmp"));
    let write = || -> io::Result<()> {
        let mut out = BufWriter::new(File::create(&temporary)?);
        writeln!(out, "{opstamp}")?;
        for (word, articles) in &words.words {
            writeln!(out, "{word}\t{articles}")?;
        }
        for (term, articles) in &words.terms {
            writeln!(out, "{TERM}{term}\t{articles}")?;
        }
        writeln!(out, "{ARTICLES}\t{}", words.articles)?;
        out.into_inner()?.sync_all()?;
        fs::rename(&temporary, &path)
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// Folds the staged words into the lexicon if the index's last commit, `committed`, is the one
/// they were staged for; drops them otherwise. Nothing staged: nothing to do.
pub fn settle(dir: &Path, committed: Opstamp) -> anyhow::Result<()> {
    let path = dir.join(STAGED);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    let staged = read_staged(file).with_context(|| format!("reading {}", path.display()))?;
    if let Some((opstamp, words)) = staged
        && opstamp == committed
    {
        fold(dir, opstamp, words)?;
    }
    fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))
}

/// The commit staged words belong to, and the words with their article counts.
type Staged = (Opstamp, Vec<(String, u64)>);

/// A staged file's opstamp and words; `None` for a file cut short (a kill while staging
/// leaves only the temporary name, so this is damage, and the words are dropped).
fn read_staged(file: File) -> io::Result<Option<Staged>> {
    let mut lines = BufReader::new(file).lines();
    let Some(Ok(Ok(opstamp))) = lines.next().map(|line| line.map(|l| l.parse::<Opstamp>())) else {
        return Ok(None);
    };
    let mut words = Vec::new();
    for line in lines {
        let line = line?;
        let Some((word, articles)) = line.split_once('\t') else {
            return Ok(None);
        };
        let Ok(articles) = articles.parse() else {
            return Ok(None);
        };
        words.push((word.to_string(), articles));
    }
    Ok(Some((opstamp, words)))
}

/// Writes the lexicon anew: its words and `words`, the words of commit `opstamp`, counts
/// added; unless it already holds that commit's words (a kill after folding, before the
/// staged file was removed). An index without a lexicon (built before there were lexicons)
/// keeps none.
fn fold(dir: &Path, opstamp: Opstamp, mut words: Vec<(String, u64)>) -> anyhow::Result<()> {
    let Some(old) = Lexicon::open(dir) else {
        return Ok(());
    };
    if old.folded().is_some_and(|folded| folded >= opstamp) {
        return Ok(());
    }
    words.push((String::from_utf8_lossy(FOLDED).into_owned(), opstamp));
    words.sort_unstable();
    let path = dir.join(FILE);
    let temporary = dir.join(format!("{FILE}.tmp"));
    let write = || -> anyhow::Result<()> {
        let mut out = MapBuilder::new(BufWriter::new(File::create(&temporary)?))?;
        let mut new = words.into_iter().peekable();
        let mut stream = old.words.stream();
        while let Some((key, articles)) = stream.next() {
            while let Some((word, added)) = new.next_if(|(word, _)| word.as_bytes() < key) {
                out.insert(word, added)?;
            }
            if key == FOLDED {
                continue;
            }
            let added = new
                .next_if(|(word, _)| word.as_bytes() == key)
                .map_or(0, |(_, added)| added);
            out.insert(key, articles + added)?;
        }
        for (word, added) in new {
            out.insert(word, added)?;
        }
        out.into_inner()?.into_inner()?.sync_all()?;
        fs::rename(&temporary, &path)?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use levenshtein_automata::LevenshteinAutomatonBuilder;

    fn words(list: &[&str]) -> Vocabulary {
        Vocabulary {
            words: list.iter().map(|w| w.to_string()).collect(),
            terms: list
                .iter()
                .map(|w| w.trim_end_matches('s').to_string())
                .collect(),
            body_tokens: list.len() as u64,
            signature: Default::default(),
        }
    }

    #[test]
    fn staged_words_reach_the_lexicon_only_with_their_commit() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        let mut first = NewWords::default();
        first.add(words(&["budget", "government"]));
        first.add(words(&["budget"]));
        stage(dir.path(), 5, &first).unwrap();
        // The commit did not happen: the index is still at 4.
        settle(dir.path(), 4).unwrap();
        assert_eq!(Lexicon::open(dir.path()).unwrap().articles("budget"), 0);

        stage(dir.path(), 5, &first).unwrap();
        settle(dir.path(), 5).unwrap();
        let mut second = NewWords::default();
        second.add(words(&["deficit", "budget", "zurich"]));
        stage(dir.path(), 6, &second).unwrap();
        settle(dir.path(), 6).unwrap();

        let lexicon = Lexicon::open(dir.path()).unwrap();
        assert_eq!(lexicon.articles("budget"), 3);
        assert_eq!(lexicon.articles("government"), 1);
        assert_eq!(lexicon.articles("deficit"), 1);
        assert_eq!(lexicon.articles("goverment"), 0);
        assert_eq!(lexicon.term_articles("budget"), 3);
        assert_eq!(lexicon.term_articles("deficit"), 1);
        assert_eq!(lexicon.article_count(), 3);
        assert!(!dir.path().join(STAGED).exists());

        // Killed after folding, before the staged file was removed: not folded twice.
        stage(dir.path(), 6, &second).unwrap();
        settle(dir.path(), 6).unwrap();
        assert_eq!(Lexicon::open(dir.path()).unwrap().articles("budget"), 3);
    }

    #[test]
    fn an_index_without_a_lexicon_does_not_start_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut added = NewWords::default();
        added.add(words(&["budget"]));
        stage(dir.path(), 1, &added).unwrap();
        settle(dir.path(), 1).unwrap();
        assert!(Lexicon::open(dir.path()).is_none());
    }

    #[test]
    fn near_words_are_found_by_edit_distance() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        let mut added = NewWords::default();
        added.add(words(&["government", "governments", "governor", "deficit"]));
        stage(dir.path(), 1, &added).unwrap();
        settle(dir.path(), 1).unwrap();
        let lexicon = Lexicon::open(dir.path()).unwrap();
        let near: Vec<String> = lexicon
            .near("goverment", &LevenshteinAutomatonBuilder::new(1, true))
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(near, ["government"]);
        let swapped: Vec<String> = lexicon
            .near("deifcit", &LevenshteinAutomatonBuilder::new(1, true))
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(swapped, ["deficit"]);
    }
}
