//! `index --watch`: the index kept up with a corpus folder as its files come, change and go.
//!
//! notify reports changes below the folder; they are gathered until the folder has been
//! quiet for [`QUIET`] (so a file still being written is read once, whole) or, while changes
//! keep coming, for at most [`LONGEST_WAIT`]; then the index is brought up to date by the
//! same incremental run as `newsdex index`, whose commit is what readers in other processes
//! see. Each run walks the whole folder, comparing sizes and times with the index, rather
//! than trusting the events' paths: the kernel drops events when its queue overflows, and a
//! folder renamed away names none of its files.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

use super::Stop;
use crate::corpus;
use crate::indexer::{IndexConfig, Summary, index_corpus};

/// How long the folder must be still before a batch is indexed.
pub const QUIET: Duration = Duration::from_millis(200);
/// The longest a change waits while others keep coming (a folder written to without pause).
pub const LONGEST_WAIT: Duration = Duration::from_secs(1);
/// How long after a failed batch (another `index` holding the lock, a full disk) it is tried
/// again.
pub const RETRY: Duration = Duration::from_secs(5);
/// How often a signal to stop is looked for while nothing happens.
const TICK: Duration = Duration::from_millis(100);

/// What watching tells its caller as it goes.
#[derive(Debug)]
pub enum Change {
    /// The run made before waiting for changes: the folder as it was found.
    CaughtUp(Summary),
    /// A batch of changes indexed and committed.
    Indexed(Summary),
    /// A batch that could not be indexed; it is tried again after [`RETRY`].
    Failed(anyhow::Error),
    /// Changes notify could not report (its queue overflowed, a folder could not be
    /// watched); the next batch's walk finds them.
    Missed(String),
}

/// Indexes `config.corpus`, then again after each batch of changes below it, telling
/// `report` of each, until `stop`: a batch waiting then is indexed first. Errors only when
/// the first run fails or the folder can no longer be watched.
pub fn watch(
    config: &IndexConfig,
    stop: &Stop,
    mut report: impl FnMut(Change),
) -> anyhow::Result<()> {
    let corpus = corpus::folder(&config.corpus)?;
    // Watching starts before the first run, so that nothing written during it is missed.
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender).context("starting to watch files")?;
    watcher
        .watch(&corpus, RecursiveMode::Recursive)
        .with_context(|| format!("watching {}", config.corpus.display()))?;
    report(Change::CaughtUp(index_corpus(config)?));
    // The index's own writes are no change to the corpus, when it lies inside it.
    let index_dir = config.index_dir.canonicalize().unwrap_or_default();
    let mut batch = Batch::default();
    loop {
        if stop.requested() {
            if batch.due.is_some() {
                report(run(config));
            }
            return Ok(());
        }
        let now = Instant::now();
        let wait = batch
            .due
            .map_or(TICK, |due| due.saturating_duration_since(now).min(TICK));
        match events.recv_timeout(wait) {
            Ok(Ok(event)) => {
                let rescan = event.need_rescan();
                if rescan || is_change(&event.kind, &event.paths, &corpus, &index_dir) {
                    batch.changed(Instant::now());
                }
                if rescan {
                    report(Change::Missed(
                        "the system dropped some file events; the whole folder is compared"
                            .to_string(),
                    ));
                }
            }
            Ok(Err(err)) => {
                report(Change::Missed(err.to_string()));
                batch.changed(Instant::now());
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                anyhow::bail!("watching {} stopped", config.corpus.display())
            }
        }
        if batch.due.is_some_and(|due| Instant::now() >= due) {
            let change = run(config);
            batch = Batch::default();
            if matches!(change, Change::Failed(_)) {
                batch.due = Some(Instant::now() + RETRY);
            }
            report(change);
        }
    }
}

/// One incremental run, its failure kept for the caller to report.
fn run(config: &IndexConfig) -> Change {
    match index_corpus(config) {
        Ok(summary) => Change::Indexed(summary),
        Err(err) => Change::Failed(err),
    }
}

/// The changes waiting to be indexed.
#[derive(Debug, Default)]
struct Batch {
    /// The first change's time.
    first: Option<Instant>,
    /// When to index them: `QUIET` after the last change, or `LONGEST_WAIT` after the first.
    due: Option<Instant>,
}

impl Batch {
    /// A change at `now`: it puts the batch off until the folder is quiet again, but not past
    /// `LONGEST_WAIT` after the first (a batch waiting to be tried again counts as new).
    fn changed(&mut self, now: Instant) {
        let first = *self.first.get_or_insert(now);
        self.due = Some((now + QUIET).min(first + LONGEST_WAIT));
    }
}

/// Whether an event can change what the index holds: one that writes, creates, renames or
/// removes something in the corpus that is not hidden (the walk passes hidden files over)
/// and not inside the index folder.
fn is_change(kind: &EventKind, paths: &[PathBuf], corpus: &Path, index_dir: &Path) -> bool {
    if matches!(kind, EventKind::Access(_)) {
        return false;
    }
    paths.iter().any(|path| {
        let Ok(inside) = path.strip_prefix(corpus) else {
            return false;
        };
        let hidden = inside
            .components()
            .any(|part| part.as_os_str().to_string_lossy().starts_with('.'));
        !hidden && (index_dir.as_os_str().is_empty() || !path.starts_with(index_dir))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind, RemoveKind};

    #[test]
    fn changes_that_matter_are_told_from_the_rest() {
        let corpus = Path::new("/news");
        let index = Path::new("/news/idx");
        let cases: [(EventKind, &str, bool); 7] = [
            (EventKind::Create(CreateKind::File), "/news/a.txt", true),
            (EventKind::Modify(ModifyKind::Any), "/news/2019/b.txt", true),
            (EventKind::Remove(RemoveKind::Folder), "/news/2019", true),
            (EventKind::Access(AccessKind::Any), "/news/a.txt", false),
            (
                EventKind::Create(CreateKind::File),
                "/news/.a.txt.swp",
                false,
            ),
            (
                EventKind::Modify(ModifyKind::Any),
                "/news/.git/index",
                false,
            ),
            (
                EventKind::Create(CreateKind::File),
                "/news/idx/meta.json",
                false,
            ),
        ];
        for (kind, path, expected) in cases {
            let paths = [PathBuf::from(path)];
            assert_eq!(is_change(&kind, &paths, corpus, index), expected, "{path}");
        }
    }

    #[test]
    fn a_batch_waits_for_quiet_but_not_for_ever() {
        let start = Instant::now();
        let mut batch = Batch::default();
        batch.changed(start);
        assert_eq!(batch.due, Some(start + QUIET));
        // Changes every 100 ms: each puts the batch off, up to LONGEST_WAIT after the first.
        for step in 1..20 {
            batch.changed(start + Duration::from_millis(100 * step));
        }
        assert_eq!(batch.due, Some(start + LONGEST_WAIT));
    }
}
