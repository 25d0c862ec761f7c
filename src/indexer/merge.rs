//! Merging a finished run's segments: which to merge, in what groups, and when.
//!
//! Nothing is merged while a run writes; once it has committed, its segments are merged here,
//! each article once, and small segments from small runs by size level. Knows nothing of
//! files.

use std::collections::HashSet;

use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergePolicy};
use tantivy::{Index, IndexWriter};

/// Most articles a merge gathers into one segment (about 1.3 GB of news): merges hold memory
/// in proportion to their segments, and this bounds it whatever the corpus size.
const MAX_MERGED_ARTICLES: u64 = 400_000;

/// Segments below this many articles are small: a run that writes fewer in all (a 1% change
/// of the 1 GB bench corpus writes 3,200) leaves its segments to the merges by size level
/// rather than spend a tenth of a second merging them at once.
const SMALL_SEGMENT_ARTICLES: u64 = MAX_MERGED_ARTICLES / 10;

/// Merges run side by side, one per core of a small machine.
const PARALLEL_MERGES: usize = 2;

/// Merges segments once the run is committed. tantivy's default policy merges while
/// documents come in, and merges the merged segments again at each size level; here each
/// article a run writes is merged once: the run's segments become `merge_groups` (one, up to
/// `MAX_MERGED_ARTICLES`), merged `PARALLEL_MERGES` at a time. Small segments, from small runs, are then merged by size
/// level (tantivy's log policy, limited to segments under `SMALL_SEGMENT_ARTICLES`), so that
/// they cannot pile up. Fewer segments search faster: every term a search looks up is looked
/// up in each (docs/benchmarks.md). A run killed while merging keeps its commit, only in more
/// segments.
pub(super) fn merge_segments(
    writer: &mut IndexWriter,
    index: &Index,
    earlier: &HashSet<SegmentId>,
) -> tantivy::Result<()> {
    let fresh: Vec<(SegmentId, u64)> = index
        .searchable_segment_metas()?
        .iter()
        .filter(|meta| !earlier.contains(&meta.id()))
        .map(|meta| (meta.id(), u64::from(meta.num_docs())))
        .collect();
    for batch in merge_groups(fresh).chunks(PARALLEL_MERGES) {
        let merges: Vec<_> = batch.iter().map(|group| writer.merge(group)).collect();
        for merge in merges {
            merge.wait()?;
        }
    }
    let mut by_level = LogMergePolicy::default();
    by_level.set_max_docs_before_merge(SMALL_SEGMENT_ARTICLES as usize);
    for candidate in by_level.compute_merge_candidates(&index.searchable_segment_metas()?) {
        writer.merge(&candidate.0).wait()?;
    }
    Ok(())
}

/// Splits a run's segments (id, articles) into groups to merge, balanced by articles: as few
/// groups as keep each within `MAX_MERGED_ARTICLES`, merged `PARALLEL_MERGES` side by side. A
/// small run is left as it is: the merges by size level take its segments. Groups of one
/// segment are left out: nothing to merge.
fn merge_groups(mut segments: Vec<(SegmentId, u64)>) -> Vec<Vec<SegmentId>> {
    let total: u64 = segments.iter().map(|(_, articles)| articles).sum();
    if segments.len() < 2 || total < SMALL_SEGMENT_ARTICLES {
        return Vec::new();
    }
    let count = (total.div_ceil(MAX_MERGED_ARTICLES) as usize).min(segments.len() - 1);
    segments.sort_by_key(|&(_, articles)| std::cmp::Reverse(articles));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); count];
    for (id, articles) in segments {
        if let Some(smallest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += articles;
            smallest.1.push(id);
        }
    }
    groups
        .into_iter()
        .map(|(_, ids)| ids)
        .filter(|ids| ids.len() >= 2)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn segments(articles: &[u64]) -> Vec<(SegmentId, u64)> {
        articles
            .iter()
            .map(|&count| (SegmentId::generate_random(), count))
            .collect()
    }

    /// Articles in each group, largest group first.
    fn group_sizes(input: &[(SegmentId, u64)], groups: &[Vec<SegmentId>]) -> Vec<u64> {
        let articles: std::collections::HashMap<SegmentId, u64> = input.iter().copied().collect();
        let mut sizes: Vec<u64> = groups
            .iter()
            .map(|group| group.iter().map(|id| articles[id]).sum())
            .collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes
    }

    #[test]
    fn small_runs_merge_nothing_and_a_run_up_to_the_bound_becomes_one_segment() {
        assert!(merge_groups(Vec::new()).is_empty());
        assert!(merge_groups(segments(&[40_000])).is_empty());
        assert!(merge_groups(segments(&[1_500, 1_500, 1_500])).is_empty());
        let two = segments(&[40_000, 30]);
        assert_eq!(group_sizes(&two, &merge_groups(two.clone())), [40_030]);
        // The 300 MB bench corpus: four segments become one.
        let four = segments(&[25_000, 25_000, 23_000, 21_000]);
        assert_eq!(group_sizes(&four, &merge_groups(four.clone())), [94_000]);
        // The 1 GB bench corpus: thirteen segments as the writer flushes them, one group.
        let gigabyte = segments(&[24_000; 13]);
        assert_eq!(
            group_sizes(&gigabyte, &merge_groups(gigabyte.clone())),
            [312_000]
        );
    }

    #[test]
    fn a_big_run_becomes_balanced_groups_within_the_merge_bound() {
        // Ten times the 1 GB corpus: groups near the bound, each segment in exactly one.
        let ten = segments(&[24_000; 130]);
        let groups = merge_groups(ten.clone());
        let sizes = group_sizes(&ten, &groups);
        assert_eq!(sizes.len(), 8);
        assert!(sizes[0] <= MAX_MERGED_ARTICLES + 24_000, "{sizes:?}");
        assert_eq!(sizes.iter().sum::<u64>(), 3_120_000);
        let every: HashSet<SegmentId> = groups.iter().flatten().copied().collect();
        assert_eq!(every.len(), 130);
    }
}
