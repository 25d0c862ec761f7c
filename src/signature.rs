//! Near-duplicate signatures: 256 bits that say how much of its text an article shares with
//! another, so that re-sends, corrected and re-topped stories are found as one.
//!
//! An article's body is cut into shingles of three consecutive words (lower-cased, without
//! accents; the title is left out, so a changed headline still matches), and summarised by
//! one-permutation MinHash (Li, Owen & Zhang 2012): each shingle's 64-bit hash falls into one
//! of 128 bins, each bin keeps its smallest hash, and empty bins borrow from the next full one
//! (densification, Shrivastava & Li 2014). Only the lowest two bits of each bin's minimum are
//! kept (b-bit MinHash, Li & König 2010): two articles' bins agree with probability
//! J + (1 - J)/4 for a Jaccard resemblance J of their shingle sets, so J is estimated from the
//! share of agreeing bins. Hashes are FNV-1a with a SplitMix finaliser: stable across builds,
//! since signatures are stored in the index. This module knows nothing of the index.

/// Bins of the one-permutation MinHash.
const BINS: usize = 128;
/// Words per shingle.
const SHINGLE: usize = 3;

/// An article's signature: two bits for each of 128 bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Signature(pub [u64; 4]);

impl Signature {
    /// The signature of an article whose body's words have these `word_hash`es, in order: a
    /// shingle's hash is mixed from its words', so no shingle is ever spelt out.
    pub fn of_word_hashes(words: &[u64]) -> Signature {
        let mut minima = [u64::MAX; BINS];
        let mut filled = [false; BINS];
        let mut add = |hash: u64| {
            let bin = (hash >> 57) as usize;
            let value = hash & ((1 << 57) - 1);
            minima[bin] = minima[bin].min(value);
            filled[bin] = true;
        };
        if words.len() < SHINGLE {
            words.iter().for_each(|&word| add(word));
        } else {
            for shingle in words.windows(SHINGLE) {
                add(mix(shingle[0]
                    ^ shingle[1].rotate_left(21)
                    ^ shingle[2].rotate_left(42)));
            }
        }
        if filled.iter().any(|&full| full) {
            densify(&mut minima, &filled);
        }
        let mut bits = [0u64; 4];
        for (bin, minimum) in minima.iter().enumerate() {
            bits[bin / 32] |= (minimum & 0b11) << ((bin % 32) * 2);
        }
        Signature(bits)
    }

    /// The estimated Jaccard resemblance of two articles' shingle sets, 0 to 1.
    pub fn resemblance(&self, other: &Signature) -> f32 {
        let mut agreeing = 0;
        for (a, b) in self.0.iter().zip(&other.0) {
            let differ = a ^ b;
            // A bin agrees when both its bits do.
            let disagree_pairs = (differ | (differ >> 1)) & 0x5555_5555_5555_5555;
            agreeing += 32 - disagree_pairs.count_ones();
        }
        let share = agreeing as f32 / BINS as f32;
        ((share - 0.25) / 0.75).clamp(0.0, 1.0)
    }

    /// The signature in `bands` bands of equal width, each as a number, for finding
    /// candidate pairs by shared bands (locality-sensitive hashing).
    pub fn bands(&self, bands: usize) -> impl Iterator<Item = u64> + '_ {
        let width = 256 / bands;
        (0..bands).map(move |band| {
            let bit = band * width;
            (self.0[bit / 64] >> (bit % 64)) & ((1u64 << width.min(63)) - 1)
        })
    }
}

/// The resemblance from which two articles are one story: re-sends, a corrected figure, a
/// changed headline or a paragraph more or fewer (measured on Reuters-21578:
/// docs/duplicates.md).
pub const SAME_STORY: f32 = 0.8;

/// Bands of the signature compared to find candidate pairs: 16 bands of 8 bins. Two articles
/// of resemblance 0.8 share a band with probability 0.994; two unrelated ones (0.0), 0.0002.
const BANDS: usize = 16;

/// Signatures added one by one, each found again from any signature that resembles it, through
/// the bands they share: finding is as quick with a thousand signatures as with ten.
pub struct StoryIndex<T> {
    stories: Vec<(Signature, T)>,
    /// Per band and its value, the last story added with it; `earlier[story][band]` is the one
    /// added before it with the same value (`NONE` for none): chains without an allocation a
    /// bucket.
    last: rustc_hash::FxHashMap<(usize, u64), u32>,
    earlier: Vec<[u32; BANDS]>,
}

/// The end of a chain of stories.
const NONE: u32 = u32::MAX;

impl<T: Copy> StoryIndex<T> {
    /// An index with room for `stories` without growing.
    pub fn with_capacity(stories: usize) -> StoryIndex<T> {
        let mut last = rustc_hash::FxHashMap::default();
        last.reserve(stories * BANDS);
        StoryIndex {
            stories: Vec::with_capacity(stories),
            last,
            earlier: Vec::with_capacity(stories),
        }
    }

    /// Adds a story's signature, with what to answer when it is found.
    pub fn add(&mut self, signature: Signature, story: T) {
        let at = self.stories.len() as u32;
        let mut earlier = [NONE; BANDS];
        for (band, value) in signature.bands(BANDS).enumerate() {
            earlier[band] = self.last.insert((band, value), at).unwrap_or(NONE);
        }
        self.earlier.push(earlier);
        self.stories.push((signature, story));
    }

    /// The first story added whose signature resembles `signature` by `threshold` or more.
    pub fn find(&self, signature: &Signature, threshold: f32) -> Option<T> {
        let mut candidates: Vec<u32> = Vec::new();
        for (band, value) in signature.bands(BANDS).enumerate() {
            let mut at = self.last.get(&(band, value)).copied().unwrap_or(NONE);
            while at != NONE {
                candidates.push(at);
                at = self.earlier[at as usize][band];
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|at| &self.stories[at as usize])
            .find(|(story, _)| story.resemblance(signature) >= threshold)
            .map(|&(_, story)| story)
    }
}

/// Articles grouped into stories: each group the articles whose resemblance to another of the
/// group reaches a threshold, found through shared bands.
pub struct Stories {
    /// Per article, its story's first article.
    story: Vec<usize>,
}

/// Most stories of one band's bucket that a signature is compared with. A bucket is a few
/// articles, except when many share one band by accident (a feed of one template); comparing
/// every pair there grew as its square (60,000 such items: 1.8 billion pairs, 22 GB).
const REPRESENTATIVES: usize = 16;

impl Stories {
    /// Groups articles by their signatures.
    pub fn group(signatures: &[Signature], threshold: f32) -> Stories {
        Stories::group_comparing(signatures, threshold, |_, _| {})
    }

    /// Groups articles by their signatures, telling `compared` each pair compared. In each
    /// band's bucket an article is compared with the first article of each story the bucket
    /// has shown so far (up to [`REPRESENTATIVES`]), and joins the first it resembles: single
    /// linkage through those, linear in the articles however crowded a bucket is.
    pub fn group_comparing(
        signatures: &[Signature],
        threshold: f32,
        mut compared: impl FnMut(usize, usize),
    ) -> Stories {
        let mut parent: Vec<usize> = (0..signatures.len()).collect();
        // Per band, the articles with their signatures laid out by band value (a counting
        // sort: a band is 16 bits), so that a bucket is a run read in order. Facets group
        // every match (180,000 articles for a common query at 1 GB): with 16-bit bands nearly
        // every bucket holds a few, and comparisons that chase articles across memory cost
        // hundreds of milliseconds where these cost tens.
        let width = 256 / BANDS;
        // A counting sort pays for its 65,536 slots once per band: worth it for a large set,
        // not for the many small ones facets group (a set for each place, agency and day).
        let counting = signatures.len() >= (1 << width) / 4;
        let mut starts = vec![0usize; if counting { (1 << width) + 1 } else { 0 }];
        let mut laid_out: Vec<(u64, u32, Signature)> = Vec::with_capacity(signatures.len());
        let mut representatives: Vec<usize> = Vec::new();
        let values: Vec<[u64; BANDS]> = signatures
            .iter()
            .map(|signature| {
                let mut values = [0; BANDS];
                for (slot, value) in values.iter_mut().zip(signature.bands(BANDS)) {
                    *slot = value;
                }
                values
            })
            .collect();
        for band in 0..BANDS {
            laid_out.clear();
            if counting {
                starts.fill(0);
                for value in &values {
                    starts[value[band] as usize + 1] += 1;
                }
                for i in 1..starts.len() {
                    starts[i] += starts[i - 1];
                }
                laid_out.resize(signatures.len(), (0, 0, Signature([0; 4])));
                for (i, signature) in signatures.iter().enumerate() {
                    let slot = &mut starts[values[i][band] as usize];
                    laid_out[*slot] = (values[i][band], i as u32, *signature);
                    *slot += 1;
                }
            } else {
                laid_out.extend(
                    signatures
                        .iter()
                        .enumerate()
                        .map(|(i, signature)| (values[i][band], i as u32, *signature)),
                );
                laid_out.sort_unstable_by_key(|&(value, i, _)| (value, i));
            }
            for run in laid_out
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|run| run.len() > 1)
            {
                representatives.clear();
                for (k, (_, b, signature)) in run.iter().enumerate() {
                    let linked = representatives.iter().find(|&&r| {
                        compared(run[r].1 as usize, *b as usize);
                        run[r].2.resemblance(signature) >= threshold
                    });
                    match linked {
                        Some(&r) => {
                            let (ra, rb) = (
                                find(&mut parent, run[r].1 as usize),
                                find(&mut parent, *b as usize),
                            );
                            parent[ra.max(rb)] = ra.min(rb);
                        }
                        None if representatives.len() < REPRESENTATIVES => representatives.push(k),
                        None => {}
                    }
                }
            }
        }
        let story = (0..signatures.len())
            .map(|i| find(&mut parent, i))
            .collect();
        Stories { story }
    }

    /// The story (its first article) of article `i`.
    pub fn story_of(&self, i: usize) -> usize {
        self.story[i]
    }

    /// How many stories the articles make.
    pub fn count(&self) -> usize {
        self.story
            .iter()
            .enumerate()
            .filter(|&(i, &s)| i == s)
            .count()
    }

    /// Every story's articles, in article order; stories in order of their first article.
    pub fn groups(&self) -> Vec<Vec<usize>> {
        let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, &story) in self.story.iter().enumerate() {
            groups.entry(story).or_default().push(i);
        }
        groups.into_values().collect()
    }
}

/// The root of `i` in a union-find forest, halving paths on the way.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Fills each empty bin from the next full one to its right (wrapping), mixed with the
/// distance travelled, so that two articles' empty bins agree only as often as their full
/// ones do.
fn densify(minima: &mut [u64; BINS], filled: &[bool; BINS]) {
    let original = *minima;
    // Walking right to left twice round, the nearest full bin to the right of each bin.
    let mut donor = None;
    for step in (0..2 * BINS).rev() {
        let bin = step % BINS;
        if filled[bin] {
            donor = Some(step);
        } else if step < BINS
            && let Some(donor) = donor
        {
            let distance = (donor - step) as u64;
            minima[bin] =
                mix(original[donor % BINS] ^ distance.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    }
}

/// A word's hash for `Signature::of_word_hashes`: FNV-1a over its bytes, then a SplitMix64
/// finaliser for well-spread bits. Stable across builds: signatures are stored in the index.
pub fn word_hash(word: &str) -> u64 {
    let fnv = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    mix(fnv)
}

fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(text: &str) -> Signature {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        let hashes: Vec<u64> = words.iter().map(|word| word_hash(word)).collect();
        Signature::of_word_hashes(&hashes)
    }

    const STORY: &str = "The Bank of Japan is expected to let the yen rise to 140 to the \
        dollar as exporters sell dollars ahead of the end of the fiscal year, dealers in \
        Tokyo said on Thursday, adding that the central bank had intervened only lightly \
        this week and that trading volumes were thin before the holiday weekend while \
        traders waited for the trade figures due on Monday.";

    #[test]
    fn the_same_text_resembles_itself_wholly() {
        assert_eq!(signature(STORY).resemblance(&signature(STORY)), 1.0);
        assert_eq!(signature(STORY), signature(&STORY.to_uppercase()));
    }

    #[test]
    fn a_corrected_figure_still_resembles_and_another_story_does_not() {
        let corrected = STORY.replace("140", "145");
        let resemblance = signature(STORY).resemblance(&signature(&corrected));
        assert!(resemblance > 0.75, "{resemblance}");
        let other = "Coffee prices climbed in London on Friday after frost damaged young \
            trees in the highlands of Minas Gerais, and roasters said stocks were ample.";
        let resemblance = signature(STORY).resemblance(&signature(other));
        assert!(resemblance < 0.2, "{resemblance}");
    }

    #[test]
    fn bands_cover_the_signature() {
        let sig = signature(STORY);
        let bands: Vec<u64> = sig.bands(16).collect();
        assert_eq!(bands.len(), 16);
        assert_eq!(bands[0], sig.0[0] & 0xFFFF);
    }

    #[test]
    fn a_crowded_band_is_grouped_in_linear_time() {
        // 30,000 articles sharing their first band and little else (a feed of one template),
        // and 30,000 copies of one story: compared pair by pair, a billion comparisons.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut signatures: Vec<Signature> = (0..30_000)
            .map(|_| Signature([(next() & !0xFFFF) | 0x1234, next(), next(), next()]))
            .collect();
        signatures.extend(std::iter::repeat_n(signature(STORY), 30_000));
        let mut comparisons = 0u64;
        let stories = Stories::group_comparing(&signatures, SAME_STORY, |_, _| comparisons += 1);
        assert_eq!(stories.count(), 30_001);
        assert!(comparisons < 16 * 16 * 60_000, "{comparisons}");
    }
}
