//! A page of results: near-duplicate articles collapsed into one row per story, and at most a
//! few passages of any one article.
//!
//! Wire archives file the same story again (re-sends, corrections, re-tops): an article whose
//! signature resembles that of an article already on the page (`signature::SAME_STORY`) is
//! listed as that row's copy instead of taking a row. In a passage list an article shows at
//! most `per_article` passages, the others counted on its row (among the ranked candidates).
//! Copies further down the ranking are still found while their scores stay close to the
//! page's last (a copy scores as its original does), so a row lists them without reading
//! every candidate's signature. This module orders nothing: it walks a ranking and keeps what
//! a page shows.

use rustc_hash::{FxHashMap, FxHashSet};

use tantivy::DocAddress;

use crate::search::IndexView;
use crate::search::passages::first_passage;
use crate::signature::{SAME_STORY, Signature, StoryIndex};

/// A row of a page: a passage (an article's best, with articles), the best passage of each
/// article that is a copy of its story, and how many of its article's passages the page
/// leaves out.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::search) struct Row {
    pub score: f32,
    pub address: DocAddress,
    /// Each copy's best passage on the ranking, and its score.
    pub copies: Vec<(f32, DocAddress)>,
    pub more_in_article: usize,
}

/// How a page is cut from a ranking.
#[derive(Debug, Clone, Copy)]
pub(in crate::search) struct Cut {
    /// Rows wanted.
    pub rows: usize,
    /// One row per story (copies listed on it), or every article on its own.
    pub collapse: bool,
    /// Most passages of one article on the page; 0 for all.
    pub per_article: usize,
}

/// Scores below this share of the page's last row's cannot be a copy of a row: a copy
/// scores within a few percent of its original.
const COPY_SCORE_SHARE: f32 = 0.9;

/// Past a full page, at most this many articles a row are looked up as possible copies of
/// the page's stories. A query whose candidates score alike (two common words) had every one
/// of its 300 looked up, a signature read each: 2-3 ms of an 8 ms search. Copies rank next to
/// their original, so the first few past the page are where they are.
const LOOKUPS_PAST_PAGE: usize = 2;

/// The page `cut` takes from `ranked` (best first; passages, or articles by their best
/// passage), as rows.
pub(in crate::search) fn page(
    index: &IndexView,
    ranked: &[(f32, DocAddress)],
    cut: Cut,
) -> tantivy::Result<Vec<Row>> {
    let ids = index.columns.article_ids()?;
    let mut rows: Vec<Row> = Vec::new();
    // Per article on the page: its first row, and how many of its passages are shown.
    let mut shown: FxHashMap<u64, (usize, usize)> = FxHashMap::default();
    // Per story: its signature and row. Per article met: its row, or None.
    let mut stories: StoryIndex<usize> = StoryIndex::with_capacity(cut.rows.min(ranked.len()));
    let mut copy_of: FxHashMap<u64, Option<usize>> = FxHashMap::default();
    // The articles listed as copies: a copy's later passages add nothing.
    let mut copied: FxHashSet<u64> = FxHashSet::default();
    // Articles past a full page still looked up as possible copies (see `LOOKUPS_PAST_PAGE`).
    let mut past_page = 0;
    for &(score, address) in ranked {
        let full = rows.len() >= cut.rows;
        // Past a full page only what its rows count: their articles' other passages, and
        // copies, which score close to their originals.
        let close = rows.last().is_none_or(|last| {
            score >= last.score * COPY_SCORE_SHARE && past_page < cut.rows * LOOKUPS_PAST_PAGE
        });
        let article = ids[address.segment_ord as usize].first(address.doc_id);
        if let Some((row, count)) = article.and_then(|id| shown.get_mut(&id)) {
            if cut.per_article == 0 || *count < cut.per_article {
                if !full {
                    *count += 1;
                    rows.push(row_at(score, address));
                }
            } else {
                rows[*row].more_in_article += 1;
            }
            continue;
        }
        if full && !close {
            continue;
        }
        if cut.collapse
            && let Some(id) = article
        {
            let copy = match copy_of.get(&id) {
                Some(known) => *known,
                None => {
                    past_page += usize::from(full);
                    let signature = signature(index, address)?;
                    let story = signature.and_then(|signature| {
                        let found = stories.find(&signature, SAME_STORY);
                        if found.is_none() && !full {
                            stories.add(signature, rows.len());
                        }
                        found
                    });
                    copy_of.insert(id, story);
                    story
                }
            };
            if let Some(row) = copy {
                if copied.insert(id) {
                    rows[row].copies.push((score, address));
                }
                continue;
            }
        }
        if full {
            continue;
        }
        if let Some(id) = article {
            shown.insert(id, (rows.len(), 1));
        }
        rows.push(row_at(score, address));
    }
    Ok(rows)
}

fn row_at(score: f32, address: DocAddress) -> Row {
    Row {
        score,
        address,
        copies: Vec::new(),
        more_in_article: 0,
    }
}

/// The signature of a passage's article, from its first passage (`None` for an article
/// indexed without one).
fn signature(index: &IndexView, address: DocAddress) -> tantivy::Result<Option<Signature>> {
    let paragraph = index.columns.paragraph(address)?;
    let first = first_passage(index, address, paragraph)?;
    match first {
        Some(first) => index.columns.signature(first),
        None => Ok(None),
    }
}
