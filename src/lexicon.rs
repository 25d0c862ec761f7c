//! The lexicon: every word of the indexed articles as written (lower-cased, without accents,
//! not stemmed), with how many articles use it, kept in the index folder beside tantivy's
//! files.
//!
//! The index holds stems, which cannot say whether a word was ever written: `goverment` stems
//! to `gover`, which `governess` also gives. The lexicon can, so a search names the query words
//! that no article contains, and suggests the words they may have meant from its neighbours by
//! edit distance and frequency. (How many articles hold a term, a stem, the index says itself:
//! an article is a document.) It only ever grows: an article deleted or changed leaves
//! its words counted (a rebuild recounts), and the count of articles with them, which makes a
//! word at worst look used when it no longer is. Words without a letter (numbers) are not
//! kept: no suggestion is a number.
//!
//! A run's words reach the lexicon with its commit, in two steps that survive a kill at any
//! point: before tantivy commits, the run stages its words with the commit's opstamp
//! (`lexicon.staged`); after, the staged words are folded into `lexicon.fst`. A staged file
//! whose commit happened is folded by the next run that opens the index for writing; one whose
//! commit did not happen is dropped. A write that fails (a full disk) removes its temporary
//! file and leaves the lexicon as it was: a fold lost so is made by the next run, as after a
//! kill. The lexicon's last key holds a checksum of its other keys and counts (see
//! `CHECKSUM`), which `check` verifies. This module knows nothing of articles or queries.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use memmap2::Mmap;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tantivy::Opstamp;
use tantivy_fst::{IntoStreamer, Map, MapBuilder, Streamer};

use crate::analysis::{Vocabulary, Words};
use crate::fault::{Doing, FileError};

/// The lexicon's file in the index folder.
pub const FILE: &str = "lexicon.fst";
/// A run's words, staged for the commit they belong to.
const STAGED: &str = "lexicon.staged";
/// The key under which the lexicon records the last commit whose words it holds (no word
/// starts with a NUL), so that words are never folded in twice.
const FOLDED: &[u8] = b"\0folded";
/// The key counting the articles added.
const ARTICLES: &str = "\0articles";

/// The key of the lexicon's checksum: the CRC-32 of every other key and count in order
/// (see `Checksummed`). It sorts after every word and term (no UTF-8 text holds a 0xFF byte),
/// so it is written last, and searches never meet it. A lexicon written before checksums
/// has none.
const CHECKSUM: &[u8] = b"\xff\xffchecksum";

/// The lexicon of an index, as searches read it.
pub struct Lexicon {
    words: Map<Mmap>,
}

impl Lexicon {
    /// The lexicon in the index folder `dir`, or `None` when it has none (an index built
    /// before there was one): callers then go without. A file that cannot be read, or is not
    /// a lexicon, is an error (damage is `InvalidData`).
    pub fn open(dir: &Path) -> Result<Option<Lexicon>, FileError> {
        let path = dir.join(FILE);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(FileError::new(Doing::Reading, &path, err)),
        };
        // SAFETY: the file is only ever replaced by a rename, never written in place, so the
        // mapped bytes do not change under the map.
        let bytes = FileError::wrap(Doing::Reading, &path, unsafe { Mmap::map(&file) })?;
        let fst = tantivy_fst::raw::Fst::new(bytes).map_err(|err| {
            let damage = io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is not a lexicon ({err})", path.display()),
            );
            FileError::new(Doing::Reading, &path, damage)
        })?;
        Ok(Some(Lexicon {
            words: Map::from(fst),
        }))
    }

    /// Whether the lexicon's keys and counts match the checksum it records (`None`: it
    /// records none, as lexicons written before checksums). Reads every key; a damaged
    /// transducer may hold more keys than it says, or none readable, and both are a mismatch.
    pub fn checksum_matches(&self) -> Option<bool> {
        let recorded = self.words.get(CHECKSUM)?;
        let counted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut hasher = crc32fast::Hasher::new();
            let mut stream = self.words.stream();
            let mut keys = 0;
            while let Some((key, articles)) = stream.next() {
                keys += 1;
                if keys > self.words.len() {
                    return None;
                }
                if key != CHECKSUM {
                    hash_entry(&mut hasher, key, articles);
                }
            }
            Some(u64::from(hasher.finalize()))
        }));
        Some(matches!(counted, Ok(Some(counted)) if counted == recorded))
    }

    /// Every key and count the lexicon holds but its records of itself (the last commit
    /// folded, the checksum), in key order: what two lexicons of the same articles share,
    /// whichever commits brought them (tantivy's opstamps depend on how its threads shared
    /// the work).
    pub fn entries(&self) -> Vec<(Vec<u8>, u64)> {
        let mut entries = Vec::with_capacity(self.words.len());
        let mut stream = self.words.stream();
        while let Some((key, count)) = stream.next() {
            if key != FOLDED && key != CHECKSUM {
                entries.push((key.to_vec(), count));
            }
        }
        entries
    }

    /// How many entries (words and records) the lexicon holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon holds nothing at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The last commit whose words the lexicon holds.
    pub fn folded(&self) -> Option<Opstamp> {
        self.words.get(FOLDED)
    }

    /// How many articles use `word` (as the word analyzer gives it: lower-cased, folded).
    pub fn articles(&self, word: &str) -> u64 {
        self.words.get(word).unwrap_or(0)
    }

    /// How many distinct words the lexicon holds (its records of itself aside).
    pub fn word_count(&self) -> u64 {
        let mut words = 0;
        let mut stream = self.words.stream();
        while let Some((key, _)) = stream.next() {
            words += u64::from(!key.starts_with(b"\0") && key != CHECKSUM);
        }
        words
    }

    /// The words within the builder's edits (insertions, deletions, substitutions, swaps of
    /// two neighbouring letters) of `word`, with their article counts; with `same_start`,
    /// only those that start with `word`'s first letter (a walk of that letter's words alone).
    pub fn near(
        &self,
        word: &str,
        builder: &levenshtein_automata::LevenshteinAutomatonBuilder,
        same_start: bool,
    ) -> Vec<(String, u64)> {
        let automaton = Levenshtein(builder.build_dfa(word));
        let search = self.words.search(&automaton);
        let first = word.chars().next().filter(|_| same_start);
        let mut stream = match first {
            // The keys that start with the letter's bytes: from them up to the same bytes with
            // the last one bumped (never 0xFF in UTF-8).
            Some(first) => {
                let start = first.to_string().into_bytes();
                let mut end = start.clone();
                if let Some(last) = end.last_mut() {
                    *last += 1;
                }
                search.ge(start).lt(end).into_stream()
            }
            None => search.into_stream(),
        };
        let mut near = Vec::new();
        while let Some((key, articles)) = stream.next() {
            if let Ok(key) = std::str::from_utf8(key)
                && !key.starts_with('\0')
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

/// The words of the articles a run adds, each counted once per article. Keyed by
/// their 64-bit hashes (`analysis::word_hash`), which the vocabularies carry: two words of a
/// million share one with odds of about 1 in 30 million, and would then share a count.
#[derive(Debug, Default)]
pub struct NewWords {
    words: Counts,
    articles: u64,
}

/// Words by hash: the word, and how many articles hold it.
type Counts = FxHashMap<u64, (Box<str>, u64)>;

/// A batch's counts, its words borrowed from its vocabularies.
type BatchCounts<'a> = FxHashMap<u64, (&'a str, u64)>;

impl NewWords {
    /// Counts the distinct words of a batch of articles, one vocabulary each: counted within
    /// the batch on every core, then added to the run's counts once a word, since looking a
    /// word up in the run's large table is what this costs.
    pub fn add(&mut self, vocabularies: &[&Vocabulary]) {
        let words = vocabularies
            .par_iter()
            .fold(BatchCounts::default, |mut words, vocabulary| {
                count(&mut words, &vocabulary.words);
                words
            })
            .reduce(BatchCounts::default, merge);
        for (hash, (word, articles)) in words {
            self.words.entry(hash).or_insert_with(|| (word.into(), 0)).1 += articles;
        }
        self.articles += vocabularies.len() as u64;
    }

    pub fn is_empty(&self) -> bool {
        self.articles == 0
    }
}

/// Counts each of an article's distinct `words` once.
fn count<'a>(counts: &mut BatchCounts<'a>, words: &'a Words) {
    for (word, hash) in words.iter() {
        counts.entry(hash).or_insert((word, 0)).1 += 1;
    }
}

/// Two batches' counts as one, the smaller added to the larger.
fn merge<'a>(a: BatchCounts<'a>, b: BatchCounts<'a>) -> BatchCounts<'a> {
    let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (hash, (word, articles)) in from {
        into.entry(hash).or_insert((word, 0)).1 += articles;
    }
    into
}

/// Adds one key and its count to a checksum: the key's length, the key, the count.
fn hash_entry(hasher: &mut crc32fast::Hasher, key: &[u8], articles: u64) {
    hasher.update(&(key.len() as u64).to_le_bytes());
    hasher.update(key);
    hasher.update(&articles.to_le_bytes());
}

/// A lexicon being built, its checksum computed as keys go in, and written last.
struct Checksummed<W: Write> {
    builder: MapBuilder<W>,
    hasher: crc32fast::Hasher,
}

impl<W: Write> Checksummed<W> {
    fn insert(&mut self, key: impl AsRef<[u8]>, articles: u64) -> tantivy_fst::Result<()> {
        hash_entry(&mut self.hasher, key.as_ref(), articles);
        self.builder.insert(key, articles)
    }

    fn finish(mut self) -> tantivy_fst::Result<W> {
        let checksum = u64::from(self.hasher.finalize());
        self.builder.insert(CHECKSUM, checksum)?;
        self.builder.into_inner()
    }
}

/// Writes a lexicon file: `build` inserts the keys, then the checksum goes in last; the file
/// is synced and renamed into place. On failure the temporary file is removed and the old
/// file, if any, is left as it was.
fn write_lexicon(
    dir: &Path,
    build: impl FnOnce(&mut Checksummed<&mut BufWriter<File>>) -> tantivy_fst::Result<()>,
) -> Result<(), FileError> {
    let path = dir.join(FILE);
    let temporary = dir.join(format!("{FILE}.tmp"));
    write_then_rename(&temporary, &path, |out| {
        let mut lexicon = Checksummed {
            builder: MapBuilder::new(out).map_err(io_error)?,
            hasher: crc32fast::Hasher::new(),
        };
        build(&mut lexicon).map_err(io_error)?;
        lexicon.finish().map_err(io_error)?;
        Ok(())
    })
}

/// A transducer error as the I/O error it wraps (a full disk keeps its error number).
fn io_error(err: tantivy_fst::Error) -> io::Error {
    match err {
        tantivy_fst::Error::Io(err) => err,
        other => io::Error::other(other.to_string()),
    }
}

/// Writes `temporary` with `write`, syncs it and renames it to `path`; removes it on failure.
fn write_then_rename(
    temporary: &Path,
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), FileError> {
    let written = File::create(temporary).and_then(|file| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.into_inner().map_err(|err| err.into_error())?.sync_all()
    });
    if let Err(err) = written {
        let _ = fs::remove_file(temporary);
        return Err(FileError::new(Doing::Writing, temporary, err));
    }
    FileError::wrap(Doing::Writing, path, fs::rename(temporary, path)).inspect_err(|_| {
        let _ = fs::remove_file(temporary);
    })
}

/// Starts the lexicon of a new index, empty.
pub fn create_empty(dir: &Path) -> Result<(), FileError> {
    write_lexicon(dir, |_| Ok(()))
}

/// Stages `words` for the commit `opstamp` in the index folder `dir`, replacing whatever a
/// failed run staged. Written to a temporary name, synced and renamed into place.
pub fn stage(dir: &Path, opstamp: Opstamp, words: &NewWords) -> Result<(), FileError> {
    let path = dir.join(STAGED);
    let temporary = dir.join(format!("{STAGED}.tmp"));
    write_then_rename(&temporary, &path, |out| {
        writeln!(out, "{opstamp}")?;
        for (word, articles) in words.words.values() {
            writeln!(out, "{word}\t{articles}")?;
        }
        writeln!(out, "{ARTICLES}\t{}", words.articles)?;
        Ok(())
    })
}

/// Folds the staged words into the lexicon if the index's last commit, `committed`, is the one
/// they were staged for; drops them otherwise. Nothing staged: nothing to do. A failed fold
/// keeps the staged file, for the next run to fold.
pub fn settle(dir: &Path, committed: Opstamp) -> Result<(), FileError> {
    let path = dir.join(STAGED);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(FileError::new(Doing::Reading, &path, err)),
    };
    let staged = FileError::wrap(Doing::Reading, &path, read_staged(file))?;
    if let Some((opstamp, words)) = staged
        && opstamp == committed
    {
        fold(dir, opstamp, words)?;
    }
    FileError::wrap(Doing::Removing, &path, fs::remove_file(&path))
}

/// The opstamp of the words staged in `dir` and not yet folded, if any.
pub fn staged_for(dir: &Path) -> Result<Option<Opstamp>, FileError> {
    let path = dir.join(STAGED);
    match File::open(&path) {
        Ok(file) => {
            let staged = FileError::wrap(Doing::Reading, &path, read_staged(file))?;
            Ok(staged.map(|(opstamp, _)| opstamp))
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(FileError::new(Doing::Reading, &path, err)),
    }
}

/// Removes what failed or killed runs left of the lexicon's temporary files.
pub fn remove_leftovers(dir: &Path) {
    for name in [format!("{FILE}.tmp"), format!("{STAGED}.tmp")] {
        let _ = fs::remove_file(dir.join(name));
    }
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
fn fold(dir: &Path, opstamp: Opstamp, mut words: Vec<(String, u64)>) -> Result<(), FileError> {
    let Some(old) = Lexicon::open(dir)? else {
        return Ok(());
    };
    if old.folded().is_some_and(|folded| folded >= opstamp) {
        return Ok(());
    }
    words.push((String::from_utf8_lossy(FOLDED).into_owned(), opstamp));
    words.sort_unstable();
    write_lexicon(dir, |out| {
        let mut new = words.into_iter().peekable();
        let mut stream = old.words.stream();
        while let Some((key, articles)) = stream.next() {
            while let Some((word, added)) = new.next_if(|(word, _)| word.as_bytes() < key) {
                out.insert(word, added)?;
            }
            if key == FOLDED || key == CHECKSUM {
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
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use levenshtein_automata::LevenshteinAutomatonBuilder;

    fn words(list: &[&str]) -> Vocabulary {
        Vocabulary {
            words: list.iter().copied().collect(),
            spans: vec![list.len() as u32],
            signature: Default::default(),
        }
    }

    /// The lexicon in `dir`, which must have one.
    fn read_lexicon(dir: &Path) -> Lexicon {
        Lexicon::open(dir).expect("readable").expect("a lexicon")
    }

    /// Stages the words of one article, `list`, for commit `opstamp`, and settles them.
    fn fold_article(dir: &Path, opstamp: Opstamp, list: &[&str]) {
        let mut added = NewWords::default();
        added.add(&[&words(list)]);
        stage(dir, opstamp, &added).unwrap();
        settle(dir, opstamp).unwrap();
    }

    #[test]
    fn staged_words_reach_the_lexicon_only_with_their_commit() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        let mut first = NewWords::default();
        first.add(&[&words(&["budget", "government"]), &words(&["budget"])]);
        stage(dir.path(), 5, &first).unwrap();
        // The commit did not happen: the index is still at 4.
        settle(dir.path(), 4).unwrap();
        assert_eq!(
            Lexicon::open(dir.path())
                .unwrap()
                .unwrap()
                .articles("budget"),
            0
        );

        stage(dir.path(), 5, &first).unwrap();
        settle(dir.path(), 5).unwrap();
        let mut second = NewWords::default();
        second.add(&[&words(&["deficit", "budget", "zurich"])]);
        stage(dir.path(), 6, &second).unwrap();
        settle(dir.path(), 6).unwrap();

        let lexicon = read_lexicon(dir.path());
        assert_eq!(lexicon.articles("budget"), 3);
        assert_eq!(lexicon.articles("government"), 1);
        assert_eq!(lexicon.articles("deficit"), 1);
        assert_eq!(lexicon.articles("goverment"), 0);
        assert!(!dir.path().join(STAGED).exists());

        // Killed after folding, before the staged file was removed: not folded twice.
        stage(dir.path(), 6, &second).unwrap();
        settle(dir.path(), 6).unwrap();
        assert_eq!(read_lexicon(dir.path()).articles("budget"), 3);
    }

    #[test]
    fn the_checksum_follows_every_fold_and_catches_a_changed_count() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        assert_eq!(read_lexicon(dir.path()).checksum_matches(), Some(true));
        fold_article(dir.path(), 1, &["budget", "deficit"]);
        assert_eq!(read_lexicon(dir.path()).checksum_matches(), Some(true));
        assert_eq!(read_lexicon(dir.path()).articles("budget"), 1);
        // A count changed on disk: the file is still a lexicon, but not the one written.
        let path = dir.path().join(FILE);
        let bytes = fs::read(&path).unwrap();
        let caught = (0..bytes.len()).any(|at| {
            let mut copy = bytes.clone();
            copy[at] ^= 0x01;
            fs::write(&path, &copy).unwrap();
            matches!(Lexicon::open(dir.path()), Ok(Some(damaged))
                if damaged.checksum_matches() == Some(false) && damaged.articles("budget") != 1)
        });
        assert!(caught, "no flipped bit changed a count unseen");
    }

    #[test]
    fn a_failed_write_leaves_the_lexicon_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        let before = fs::read(dir.path().join(FILE)).unwrap();
        // The temporary name is taken by a folder: creating the file fails.
        fs::create_dir(dir.path().join(format!("{STAGED}.tmp"))).unwrap();
        let mut added = NewWords::default();
        added.add(&[&words(&["budget"])]);
        let err = stage(dir.path(), 1, &added).expect_err("stage into a folder");
        assert_eq!(err.doing, Doing::Writing);
        assert!(!dir.path().join(STAGED).exists());
        fs::remove_dir(dir.path().join(format!("{STAGED}.tmp"))).unwrap();
        fs::create_dir(dir.path().join(format!("{FILE}.tmp"))).unwrap();
        stage(dir.path(), 1, &added).unwrap();
        settle(dir.path(), 1).expect_err("fold into a folder");
        assert_eq!(fs::read(dir.path().join(FILE)).unwrap(), before);
        // The staged words wait for the next run, which folds them.
        fs::remove_dir(dir.path().join(format!("{FILE}.tmp"))).unwrap();
        assert_eq!(staged_for(dir.path()).unwrap(), Some(1));
        settle(dir.path(), 1).unwrap();
        assert_eq!(read_lexicon(dir.path()).articles("budget"), 1);
    }

    #[test]
    fn an_index_without_a_lexicon_does_not_start_one() {
        let dir = tempfile::tempdir().unwrap();
        fold_article(dir.path(), 1, &["budget"]);
        assert!(Lexicon::open(dir.path()).unwrap().is_none());
    }

    #[test]
    fn near_words_are_found_by_edit_distance() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        fold_article(
            dir.path(),
            1,
            &["government", "governments", "governor", "deficit"],
        );
        let lexicon = read_lexicon(dir.path());
        assert_eq!(one_edit_from(&lexicon, "goverment", false), ["government"]);
        assert_eq!(one_edit_from(&lexicon, "deifcit", false), ["deficit"]);
    }

    /// The lexicon's words one edit from `word`, without their counts.
    fn one_edit_from(lexicon: &Lexicon, word: &str, same_start: bool) -> Vec<String> {
        lexicon
            .near(word, &LevenshteinAutomatonBuilder::new(1, true), same_start)
            .into_iter()
            .map(|(w, _)| w)
            .collect()
    }

    #[test]
    fn near_words_with_the_same_start_keep_a_letter_of_several_bytes() {
        let dir = tempfile::tempdir().unwrap();
        create_empty(dir.path()).unwrap();
        fold_article(dir.path(), 1, &["apfel", "äpfel", "öpfel"]);
        let lexicon = read_lexicon(dir.path());
        assert_eq!(
            one_edit_from(&lexicon, "äpfel", false),
            ["apfel", "äpfel", "öpfel"]
        );
        assert_eq!(one_edit_from(&lexicon, "äpfel", true), ["äpfel"]);
    }
}
