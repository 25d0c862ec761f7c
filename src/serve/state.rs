//! What every request shares: the opened index, swapped for a fresh one when `newsdex index`
//! commits while the server runs.
//!
//! Owns [`State`] (the index folder and the [`Engine`] opened on its last commit) and noticing
//! a new commit: a commit rewrites `meta.json` (and, after it, the lexicon), so a change in
//! those files' identity (size, modification time, inode) means a new engine is opened and
//! swapped in. Requests under way keep the engine they started with (the old files stay
//! mapped), so a swap never fails one; an opening that fails keeps the old engine and is tried
//! again at the next look. Answering requests is [`super::api`]'s.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;

use super::error::ApiError;
use crate::corpus::display_path as shown_dir;
use crate::lexicon;
use crate::open::OpenError;
use crate::search::{Engine, SearchError};

/// The server's shared state: one per server, behind an `Arc`.
pub struct State {
    dir: PathBuf,
    /// The engine on the last commit opened; `None` until the index has one.
    current: ArcSwapOption<Opened>,
    /// The identity of the files last looked at, so a failed opening is reported once.
    last_seen: std::sync::Mutex<Option<Stamp>>,
}

/// An engine and the commit it was opened on.
pub struct Opened {
    /// Cloned for each request: a clone shares the opened index.
    pub engine: Engine,
    stamp: Stamp,
}

/// The identity (size, modification time, inode) of the files a commit rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp([Option<(u64, i64, i64, u64)>; 2]);

impl Stamp {
    fn of(dir: &Path) -> Stamp {
        let identity = |name: &str| {
            std::fs::metadata(dir.join(name))
                .ok()
                .map(|m| (m.len(), m.mtime(), m.mtime_nsec(), m.ino()))
        };
        Stamp([identity("meta.json"), identity(lexicon::FILE)])
    }
}

/// What a look at the index folder found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The same commit as the engine serving.
    Unchanged,
    /// A new commit, now serving.
    Reloaded,
    /// Still no committed index.
    Empty,
    /// A change that could not be opened (the old engine, if any, keeps serving).
    Failed(String),
}

impl State {
    /// Opens the index in `dir`. An index with no commit yet is served (every search a 503)
    /// until it has one; a missing, damaged or other-version index is an error.
    pub fn open(dir: &Path) -> Result<State, SearchError> {
        let state = State {
            dir: dir.to_path_buf(),
            current: ArcSwapOption::empty(),
            last_seen: std::sync::Mutex::new(None),
        };
        let stamp = Stamp::of(dir);
        match Engine::open(dir) {
            Ok(engine) => state
                .current
                .store(Some(Arc::new(Opened { engine, stamp }))),
            Err(SearchError::Open(OpenError::Empty(_))) => {}
            Err(err) => return Err(err),
        }
        Ok(state)
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a committed index is being served.
    pub fn is_ready(&self) -> bool {
        self.current.load().is_some()
    }

    /// The engine to answer a request with, or a 503 while the index has no commit.
    pub fn opened(&self) -> Result<Arc<Opened>, ApiError> {
        self.current.load_full().ok_or_else(|| {
            ApiError::unavailable(format!(
                "the index in {} holds no committed articles yet; run `newsdex index CORPUS --index {}`",
                shown_dir(&self.dir),
                shown_dir(&self.dir)
            ))
        })
    }

    /// Looks at the index folder and, when it holds a new commit, opens it and swaps it in.
    /// Blocks while opening: call it off the async workers.
    pub fn refresh(&self) -> Refresh {
        let stamp = Stamp::of(&self.dir);
        if self
            .current
            .load()
            .as_ref()
            .is_some_and(|opened| opened.stamp == stamp)
        {
            return Refresh::Unchanged;
        }
        match Engine::open(&self.dir) {
            Ok(engine) => {
                self.current.store(Some(Arc::new(Opened { engine, stamp })));
                Refresh::Reloaded
            }
            Err(SearchError::Open(OpenError::Empty(_))) => Refresh::Empty,
            Err(err) => {
                let mut last = self.last_seen.lock().unwrap_or_else(|e| e.into_inner());
                let first_time = *last != Some(stamp);
                *last = Some(stamp);
                if first_time {
                    Refresh::Failed(err.to_string())
                } else {
                    Refresh::Unchanged
                }
            }
        }
    }

    /// Refreshes every `every` until the process ends, saying on stderr what changed.
    pub async fn watch(self: Arc<State>, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let state = Arc::clone(&self);
            match tokio::task::spawn_blocking(move || state.refresh()).await {
                Ok(Refresh::Reloaded) => {
                    eprintln!(
                        "newsdex: serving the new commit in {}",
                        shown_dir(&self.dir)
                    )
                }
                Ok(Refresh::Failed(why)) => eprintln!(
                    "newsdex: the index changed but could not be opened ({why}); still serving the last commit"
                ),
                Ok(Refresh::Unchanged | Refresh::Empty) => {}
                Err(panic) => eprintln!("newsdex: reopening the index failed: {panic}"),
            }
        }
    }
}
