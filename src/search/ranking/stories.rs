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

use super::Ranked;
use crate::search::IndexView;
use crate::signature::{SAME_STORY, StoryIndex};

/// A row of a page: a passage (an article's best, with articles), the best passage of each
/// article that is a copy of its story, and how many of its article's passages the page
/// leaves out.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::search) struct Row {
    pub passage: Ranked,
    /// Each copy's best passage on the ranking.
    pub copies: Vec<Ranked>,
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
    ranked: &[Ranked],
    cut: Cut,
) -> tantivy::Result<Vec<Row>> {
    let mut rows: Vec<Row> = Vec::new();
    // Per article on the page: its first row, and how many of its passages are shown.
    let mut shown: FxHashMap<DocAddress, (usize, usize)> = FxHashMap::default();
    // Per story: its signature and row. Per article met: its row, or None.
    let mut stories: StoryIndex<usize> = StoryIndex::with_capacity(cut.rows.min(ranked.len()));
    let mut copy_of: FxHashMap<DocAddress, Option<usize>> = FxHashMap::default();
    // The articles listed as copies: a copy's later passages add nothing.
    let mut copied: FxHashSet<DocAddress> = FxHashSet::default();
    // Articles past a full page still looked up as possible copies (see `LOOKUPS_PAST_PAGE`).
    let mut past_page = 0;
    for &passage in ranked {
        let article = passage.address;
        let full = rows.len() >= cut.rows;
        // Past a full page only what its rows count: their articles' other passages, and
        // copies, which score close to their originals.
        let close = rows.last().is_none_or(|last| {
            passage.score >= last.passage.score * COPY_SCORE_SHARE
                && past_page < cut.rows * LOOKUPS_PAST_PAGE
        });
        if let Some((row, count)) = shown.get_mut(&article) {
            if cut.per_article == 0 || *count < cut.per_article {
                if !full {
                    *count += 1;
                    rows.push(row_at(passage));
                }
            } else {
                rows[*row].more_in_article += 1;
            }
            continue;
        }
        if full && !close {
            continue;
        }
        if cut.collapse {
            let copy = match copy_of.get(&article) {
                Some(known) => *known,
                None => {
                    past_page += usize::from(full);
                    let signature = index.columns.signature(article)?;
                    let story = signature.and_then(|signature| {
                        let found = stories.find(&signature, SAME_STORY);
                        if found.is_none() && !full {
                            stories.add(signature, rows.len());
                        }
                        found
                    });
                    copy_of.insert(article, story);
                    story
                }
            };
            if let Some(row) = copy {
                if copied.insert(article) {
                    rows[row].copies.push(passage);
                }
                continue;
            }
        }
        if full {
            continue;
        }
        shown.insert(article, (rows.len(), 1));
        rows.push(row_at(passage));
    }
    Ok(rows)
}

fn row_at(passage: Ranked) -> Row {
    Row {
        passage,
        copies: Vec::new(),
        more_in_article: 0,
    }
}
