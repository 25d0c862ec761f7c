//! `search --follow`: a standing search, which tells of each matching article as the commit
//! that brings it is made.
//!
//! A commit rewrites the index's `meta.json`, so a change in it is a new commit (the server
//! reloads on the same sign). Then the index is opened again and every match ranked, by path
//! only, as cheaply as the ranking allows; the articles not seen before are read in full and
//! returned, each once: an article changed later is not told of again.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::open::OpenError;
use crate::search::{Detail, Engine, Hit, Request, Results, SearchError};

/// The most matching articles a standing search keeps track of (as many as a search counts):
/// an article ranked below them is not told of.
pub const DEPTH: usize = 10_000;

/// How often a standing search (`search --follow`, the page's Follow) looks for a new commit:
/// a look is one small file read, so a quarter second costs nothing and feels immediate.
pub const POLL: Duration = Duration::from_millis(250);

/// A standing search over one index folder.
pub struct Follow<'q> {
    dir: PathBuf,
    /// Every matching article, each as its best passage, in the request's order.
    request: Request<'q>,
    /// `meta.json` as the last search found it; `None` before the first commit.
    commit: Option<Vec<u8>>,
    /// The paths of the articles told of, or matching when following began.
    seen: HashSet<String>,
}

impl<'q> Follow<'q> {
    /// Searches `dir` for `page` and starts following its query from the commit searched:
    /// its results, and the follower. No results when the index has no commit yet: every
    /// article of the first commit is new.
    pub fn start(
        dir: &Path,
        page: &Request<'q>,
    ) -> Result<(Option<Results>, Follow<'q>), SearchError> {
        let mut follow = Follow {
            dir: dir.to_path_buf(),
            request: Request {
                articles: true,
                collapse: false,
                offset: 0,
                limit: DEPTH,
                explain: false,
                facets: false,
                ..page.clone()
            },
            commit: None,
            seen: HashSet::new(),
        };
        // Read before the index is opened: a commit made in between is searched again.
        follow.commit = follow.read_commit();
        let mut engine = match Engine::open(dir) {
            Ok(engine) => engine,
            Err(SearchError::Open(OpenError::Empty(_))) => return Ok((None, follow)),
            Err(err) => return Err(err),
        };
        let results = engine.search(page)?;
        let matching = engine.search(&Request {
            detail: Detail::Scores,
            ..follow.request.clone()
        })?;
        follow.seen = matching.hits.into_iter().map(|hit| hit.path).collect();
        Ok((Some(results), follow))
    }

    /// The articles a commit made since the last call brought that match, with their rank
    /// among all matches (1 the best); none when there was no commit.
    pub fn poll(&mut self) -> Result<Vec<(usize, Hit)>, SearchError> {
        let commit = self.read_commit();
        if commit.is_none() || commit == self.commit {
            return Ok(Vec::new());
        }
        self.commit = commit;
        let mut engine = match Engine::open(&self.dir) {
            Ok(engine) => engine,
            // The commit seen is one being made: it is there on the next call.
            Err(SearchError::Open(OpenError::Empty(_))) => {
                self.commit = None;
                return Ok(Vec::new());
            }
            Err(err) => return Err(err),
        };
        let ranked = engine.search(&Request {
            detail: Detail::Scores,
            ..self.request.clone()
        })?;
        let Some(first_new) = ranked
            .hits
            .iter()
            .position(|hit| !self.seen.contains(&hit.path))
        else {
            return Ok(Vec::new());
        };
        // The same depth as the ranking above (offset and limit add up to it), so the rows
        // are the same ones; only those from the first new one on are read.
        let page = engine.search(&Request {
            offset: first_new,
            limit: DEPTH - first_new,
            ..self.request.clone()
        })?;
        let mut new = Vec::new();
        for (at, hit) in page.hits.into_iter().enumerate() {
            if self.seen.insert(hit.path.clone()) {
                new.push((first_new + at + 1, hit));
            }
        }
        Ok(new)
    }

    /// The index's last commit as `meta.json` records it, if there is one.
    fn read_commit(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join("meta.json")).ok()
    }
}
