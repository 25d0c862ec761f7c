//! Work over the index's segments: the top passages for a query, scores added to candidates,
//! and running either on one thread or side by side on rayon's pool.
//!
//! Owns the searcher and the choice, made once a search, of whether its per-segment work runs
//! in parallel. Knows nothing of what a query means or which signals exist: it is handed
//! tantivy queries and passages.

use std::ops::Range;

use rustc_hash::FxHashSet;

use rayon::prelude::*;
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{EnableScoring, Query};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentReader, TERMINATED,
};

use super::Total;
use super::columns::ArticleIds;

/// Matching passages counted at most: past it a count says "at least" (Elasticsearch counts
/// 10,000 by default, Lucene 1,000).
const COUNT_LIMIT: u64 = 10_000;
/// Postings (the summed document frequencies of a query's terms) from which a search runs
/// in parallel. On the 300 MB and 1 GB bench indexes (2 cores) the first pass alone gained
/// a median 0.2-0.4 ms from 30,000 postings, 0.6-1.9 ms from 100,000, nothing at
/// 10,000-30,000, and lost 0.2 ms below 10,000 (the start of rayon's threads).
const PARALLEL_POSTINGS: u64 = 30_000;
/// Passages the second-largest segment must hold for a search to run in parallel: with
/// small segments the threads cost more than they share. Reuters-21578 (two segments of
/// 67,000 and 59,000 passages): `said the company` 4.4-4.6 ms on one thread, 4.6-5.0 in
/// parallel. The 100 MB bench index (240,000 and 227,000): query mix p50 −5% in parallel.
const PARALLEL_SEGMENT_PASSAGES: u32 = 100_000;

/// The searcher, and how the current search runs its per-segment work.
#[derive(Clone)]
pub(super) struct Segments {
    pub searcher: Searcher,
    /// Whether this search runs its per-segment work in parallel (see `each`).
    parallel: bool,
    /// Postings from which a search runs in parallel: `PARALLEL_POSTINGS`, or never (`None`)
    /// on an index without two segments of `PARALLEL_SEGMENT_PASSAGES` (tests take both ways
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
            segment_sizes.get(1).copied().unwrap_or(0) >= PARALLEL_SEGMENT_PASSAGES;
        Segments {
            searcher,
            parallel: false,
            parallel_from: two_large_segments.then_some(PARALLEL_POSTINGS),
        }
    }

    /// Decides, for the search of `query`, whether its per-segment work runs in parallel.
    pub fn choose_parallel(&mut self, query: &dyn Query) {
        self.parallel = self.worth_parallel(query);
    }

    /// Whether this search runs its per-segment work in parallel.
    pub fn parallel(&self) -> bool {
        self.parallel
    }

    /// Whether `query` is worth searching in parallel: whether the passages its terms list
    /// add up to `parallel_from`. Starting rayon's threads costs about 0.2 ms, several times
    /// a rare word's whole first pass. An unreadable term counts as none: the search meets
    /// and reports it.
    fn worth_parallel(&self, query: &dyn Query) -> bool {
        let Some(threshold) = self.parallel_from else {
            return false;
        };
        let mut postings = 0;
        query.query_terms(&mut |term, _| {
            if postings < threshold {
                postings += self.searcher.doc_freq(term).unwrap_or(0);
            }
        });
        postings >= threshold
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

    /// The `limit` best passages for `query`, best first.
    pub fn top_passages(
        &self,
        query: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let collector = TopDocs::with_limit(limit).order_by_score();
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let per_segment = self.each(|segment_ord, segment| {
            collector.collect_segment(weight.as_ref(), segment_ord, segment)
        })?;
        collector.merge_fruits(per_segment)
    }

    /// The `limit` newest passages for `query` (by their article's date), the better match
    /// first within a day, with their scores.
    pub fn newest(
        &self,
        query: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
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
            .map(|((_, score), address)| (score, address))
            .collect())
    }

    /// How many passages match `query` (or, given each segment's article ids, how many
    /// distinct articles), live ones only, counted until `COUNT_LIMIT` passages: a count
    /// visits every match, which for the commonest words would cost more than the search.
    pub fn count(
        &self,
        query: &dyn Query,
        articles: Option<&[ArticleIds]>,
    ) -> tantivy::Result<Total> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
        let mut passages = 0;
        let mut distinct = FxHashSet::default();
        for (segment_ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let mut matches = weight.scorer(segment, 1.0)?;
            while matches.doc() != TERMINATED {
                let doc = matches.doc();
                if !segment.is_deleted(doc) {
                    if passages == COUNT_LIMIT {
                        let count = articles.map_or(passages, |_| distinct.len() as u64);
                        return Ok(Total {
                            count,
                            at_least: true,
                        });
                    }
                    passages += 1;
                    if let Some(article) = articles.and_then(|ids| ids[segment_ord].first(doc)) {
                        distinct.insert(article);
                    }
                }
                matches.advance();
            }
        }
        let count = articles.map_or(passages, |_| distinct.len() as u64);
        Ok(Total {
            count,
            at_least: false,
        })
    }

    /// Adds the scores of `queries` to each passage's (as a union of them would score) and
    /// sorts the passages again, best first. Each query's scorer visits a segment's passages
    /// in doc order, so it only seeks forward; a union's scorer would refill its whole window
    /// at every seek. A seek only asks whether the passage matches (tantivy's `seek_danger`):
    /// a phrase scorer's `seek` would go on to the next passage where the phrase occurs,
    /// reading the positions of every passage holding both words on the way. Segments are
    /// rescored side by side (see `each`).
    pub fn add_scores(
        &self,
        passages: &mut [(f32, DocAddress)],
        queries: &[Box<dyn Query>],
    ) -> tantivy::Result<()> {
        let scoring = EnableScoring::enabled_from_searcher(&self.searcher);
        let weights = queries
            .iter()
            .map(|query| query.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut order: Vec<usize> = (0..passages.len()).collect();
        order.sort_by_key(|&i| passages[i].1);
        let unscored: &[(f32, DocAddress)] = passages;
        let per_segment = self.each(|segment_ord, segment| {
            let in_segment = &order[segment_range(&order, segment_ord, |&i| unscored[i].1)];
            if in_segment.is_empty() {
                return Ok(Vec::new());
            }
            let mut scores: Vec<f32> = in_segment.iter().map(|&i| unscored[i].0).collect();
            for weight in &weights {
                let mut scorer = weight.scorer(segment, 1.0)?;
                // No match of the scorer lies before this: its first, or what its last seek
                // ruled out.
                let mut lower_bound = scorer.doc();
                for (score, &i) in scores.iter_mut().zip(in_segment) {
                    let doc = unscored[i].1.doc_id;
                    if doc < lower_bound {
                        continue;
                    }
                    match scorer.seek_danger(doc) {
                        SeekDangerResult::Found => {
                            *score += scorer.score();
                            lower_bound = doc + 1;
                        }
                        SeekDangerResult::SeekLowerBound(next) => lower_bound = next,
                    }
                }
            }
            Ok(in_segment.iter().copied().zip(scores).collect::<Vec<_>>())
        })?;
        for (i, score) in per_segment.into_iter().flatten() {
            passages[i].0 = score;
        }
        sort_best_first(passages);
        Ok(())
    }
}

/// Best score first; equal scores in address order, so a ranking never depends on the order
/// candidates arrived in.
pub(super) fn sort_best_first(passages: &mut [(f32, DocAddress)]) {
    passages.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
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
