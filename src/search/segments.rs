//! Work over the index's segments: the best articles for a query, the newest, how many match,
//! and running per-segment work either on one thread or side by side on rayon's pool.
//!
//! Owns the searcher and the choice, made once a search, of whether its per-segment work runs
//! in parallel. Knows nothing of what a query means or which signals exist: it is handed
//! tantivy queries and articles.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Range;

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::Total;
use super::columns::Columns;

/// Matching articles counted at most: past it a count says "at least" (Elasticsearch counts
/// 10,000 by default, Lucene 1,000).
pub(super) const COUNT_LIMIT: u64 = 10_000;
/// Postings (the summed document frequencies of a query's terms) from which a search runs
/// in parallel: below it, starting rayon's threads (about 0.2 ms) costs more than it saves.
const PARALLEL_POSTINGS: u64 = 20_000;
/// Articles the second-largest segment must hold for a search to run in parallel: with small
/// segments the threads cost more than they share.
const PARALLEL_SEGMENT_ARTICLES: u32 = 20_000;

/// An article the first pass found, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Candidate {
    pub score: Score,
    pub address: DocAddress,
}

/// The searcher, and how the current search runs its per-segment work.
#[derive(Clone)]
pub(super) struct Segments {
    pub searcher: Searcher,
    /// Whether this search runs its per-segment work in parallel (see `each`).
    parallel: bool,
    /// Postings from which a search runs in parallel: `PARALLEL_POSTINGS`, or never (`None`)
    /// on an index without two segments of `PARALLEL_SEGMENT_ARTICLES` (tests take both ways
    /// on a small index).
    pub parallel_from: Option<u64>,
}

impl Segments {
    pub fn new(searcher: Searcher) -> Segments {
        let mut segment_sizes: Vec<u32> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.max_doc())
            .collect();
        segment_sizes.sort_unstable_by(|a, b| b.cmp(a));
        let two_large_segments =
            segment_sizes.get(1).copied().unwrap_or(0) >= PARALLEL_SEGMENT_ARTICLES;
        Segments {
            searcher,
            parallel: false,
            parallel_from: two_large_segments.then_some(PARALLEL_POSTINGS),
        }
    }

    /// Decides, for the search of `query`, whether its per-segment work runs in parallel:
    /// whether the articles its terms list add up to `parallel_from`. An unreadable term
    /// counts as none: the search meets and reports it.
    pub fn choose_parallel(&mut self, query: &dyn Query) {
        self.parallel = self.parallel_from.is_some_and(|threshold| {
            let mut postings = 0;
            query.query_terms(&mut |term, _| {
                if postings < threshold {
                    postings += self.searcher.doc_freq(term).unwrap_or(0);
                }
            });
            postings >= threshold
        });
    }

    /// `work` on each segment, results in segment order. A parallel search gives each segment
    /// its own task on rayon's pool (a thread a core): a query of frequent words spends its
    /// time in the index's large segments, which the cores then search side by side.
    pub fn each<T: Send>(
        &self,
        work: impl Fn(u32, &SegmentReader) -> tantivy::Result<T> + Sync,
    ) -> tantivy::Result<Vec<T>> {
        let segments = self.searcher.segment_readers();
        if self.parallel {
            segments
                .par_iter()
                .with_max_len(1)
                .enumerate()
                .map(|(segment_ord, segment)| work(segment_ord as u32, segment))
                .collect()
        } else {
            segments
                .iter()
                .enumerate()
                .map(|(segment_ord, segment)| work(segment_ord as u32, segment))
                .collect()
        }
    }

    /// The `limit` best articles for `query`, best first. Which articles make the cut never
    /// depends on how the index's segments happen to be laid out: among articles tying with
    /// the last one kept, the lower keys are kept (see `best_in_segment`). Their order above the
    /// cut is the segments' (the ranking scores every candidate again).
    pub fn top_articles(
        &self,
        query: &dyn Query,
        limit: usize,
        columns: &Columns,
    ) -> tantivy::Result<Vec<Candidate>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let per_segment = self.each(|segment_ord, segment| {
            best_in_segment(weight.as_ref(), segment, segment_ord, limit, columns)
        })?;
        let mut found: Vec<Ranked> = per_segment.into_iter().flatten().collect();
        found.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.address.segment_ord.cmp(&b.address.segment_ord))
                .then(a.ordinal.cmp(&b.ordinal))
        });
        if found.len() > limit {
            keep_lowest_keys_at_the_cut(&mut found, limit, columns)?;
            found.truncate(limit);
        }
        Ok(found
            .into_iter()
            .map(|ranked| Candidate {
                score: ranked.score,
                address: ranked.address,
            })
            .collect())
    }

    /// The `limit` newest articles for `query` (by date), the better match first within a
    /// day, with their scores.
    pub fn newest(&self, query: &dyn Query, limit: usize) -> tantivy::Result<Vec<Candidate>> {
        let collector = TopDocs::with_limit(limit).tweak_score(|segment: &SegmentReader| {
            let dates = segment.fast_fields().u64("date").ok();
            move |doc: DocId, score: Score| {
                let value = dates
                    .as_ref()
                    .and_then(|dates| dates.first(doc))
                    .unwrap_or(0);
                (value / 4, score)
            }
        });
        let newest = self.searcher.search(query, &collector)?;
        Ok(newest
            .into_iter()
            .map(|((_, score), address)| Candidate { score, address })
            .collect())
    }

    /// How many live articles match `query`, counted until `COUNT_LIMIT`: a count visits
    /// every match, which for the commonest words would cost more than the search.
    pub fn count(&self, query: &dyn Query) -> tantivy::Result<Total> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        let mut count = 0;
        for segment in self.searcher.segment_readers() {
            let mut matches = weight.scorer(segment, 1.0)?;
            while matches.doc() != TERMINATED {
                if !segment.is_deleted(matches.doc()) {
                    if count == COUNT_LIMIT {
                        return Ok(Total {
                            count,
                            at_least: true,
                        });
                    }
                    count += 1;
                }
                matches.advance();
            }
        }
        Ok(Total {
            count,
            at_least: false,
        })
    }
}

/// A first-pass match: its score, address and the ordinal of its key in its segment.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: Score,
    address: DocAddress,
    ordinal: u64,
}

/// How two matches of one segment rank: the higher score first, then the lower key.
fn better(a: &Ranked, b: &Ranked) -> Ordering {
    a.score
        .total_cmp(&b.score)
        .then_with(|| b.ordinal.cmp(&a.ordinal))
}

/// A match in a heap whose top (its greatest) is the worst kept.
struct Worst(Ranked);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        better(&self.0, &other.0) == Ordering::Equal
    }
}

impl Eq for Worst {}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        better(&other.0, &self.0)
    }
}

/// A segment's `limit` best live matches: the higher score first, and among equal scores
/// the lower key (the path dictionary's ordinals sort as the keys do), so that a tie is
/// settled by the key, not by where the article happens to sit. The threshold handed to
/// tantivy's pruning (block-max WAND for a union) stays just below the worst score kept, so
/// that a match tying with it is still seen.
fn best_in_segment(
    weight: &dyn tantivy::query::Weight,
    segment: &SegmentReader,
    segment_ord: u32,
    limit: usize,
    columns: &Columns,
) -> tantivy::Result<Vec<Ranked>> {
    let mut kept: BinaryHeap<Worst> = BinaryHeap::with_capacity(limit + 1);
    let mut failure = None;
    weight.for_each_pruning(Score::MIN, segment, &mut |doc, score| {
        let below = |kept: &BinaryHeap<Worst>| match kept.peek() {
            Some(Worst(worst)) if kept.len() >= limit => worst.score.next_down(),
            _ => Score::MIN,
        };
        if segment.is_deleted(doc) {
            return below(&kept);
        }
        let address = DocAddress::new(segment_ord, doc);
        let ordinal = match columns.key_ordinal(address) {
            Ok(ordinal) => ordinal,
            Err(err) => {
                failure.get_or_insert(err);
                u64::MAX
            }
        };
        let ranked = Ranked {
            score,
            address,
            ordinal,
        };
        if kept.len() < limit {
            kept.push(Worst(ranked));
        } else if let Some(Worst(worst)) = kept.peek()
            && better(&ranked, worst) == Ordering::Greater
        {
            kept.pop();
            kept.push(Worst(ranked));
        }
        below(&kept)
    })?;
    if let Some(err) = failure {
        return Err(err);
    }
    Ok(kept.into_iter().map(|Worst(ranked)| ranked).collect())
}

/// Reorders the run of matches tying with the `limit`th (of `found`, sorted by score), when it
/// runs past the cut and holds several segments' matches, so that the lower keys come first:
/// keys are read only for that run.
fn keep_lowest_keys_at_the_cut(
    found: &mut [Ranked],
    limit: usize,
    columns: &Columns,
) -> tantivy::Result<()> {
    let last = found[limit - 1].score;
    let start = found.partition_point(|ranked| ranked.score > last);
    let end = found.partition_point(|ranked| ranked.score >= last);
    let run = &mut found[start..end];
    if run
        .iter()
        .all(|ranked| ranked.address.segment_ord == run[0].address.segment_ord)
    {
        return Ok(());
    }
    let addresses: Vec<DocAddress> = run.iter().map(|ranked| ranked.address).collect();
    let keys = columns.keys(&addresses)?;
    let mut keyed: Vec<(String, Ranked)> = keys.into_iter().zip(run.iter().copied()).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.address.cmp(&b.1.address)));
    for (slot, (_, ranked)) in run.iter_mut().zip(keyed) {
        *slot = ranked;
    }
    Ok(())
}

/// Where in `sorted` (ordered by `address`) the items of segment `segment_ord` lie.
pub(super) fn segment_range<T>(
    sorted: &[T],
    segment_ord: u32,
    address: impl Fn(&T) -> DocAddress,
) -> Range<usize> {
    let start = sorted.partition_point(|item| address(item).segment_ord < segment_ord);
    let end = sorted.partition_point(|item| address(item).segment_ord <= segment_ord);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_range_is_each_segments_run_of_addresses() {
        let sorted = [
            DocAddress::new(0, 5),
            DocAddress::new(0, 9),
            DocAddress::new(2, 1),
            DocAddress::new(2, 3),
            DocAddress::new(3, 0),
        ];
        let ranges: Vec<Range<usize>> = (0..5)
            .map(|segment_ord| segment_range(&sorted, segment_ord, |&address| address))
            .collect();
        assert_eq!(ranges, [0..2, 2..2, 2..4, 4..5, 5..5]);
    }
}
