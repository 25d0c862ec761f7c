//! What a run stopped by a disk fault says: which fault, on which file, and what the index
//! still holds, as the one line a user reads (`no space left on device writing idx; the index
//! still holds the last commit (9,000 articles); free space and run newsdex index again`).

use std::path::Path;

use crate::fault::{self, Doing, Fault, FaultLog, Kind};
use crate::numbers::thousands;
use crate::open::{self, OpenError};

/// A run stopped by a disk fault: which, and what the index still holds.
#[derive(Debug, thiserror::Error)]
pub struct DiskFault {
    pub fault: Fault,
    /// The index folder, as messages show it.
    pub dir: String,
    /// Articles in the last commit (`None`: nothing committed); an error when they cannot
    /// be counted.
    pub holds: Result<Option<u64>, String>,
}

impl std::fmt::Display for DiskFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = &self.dir;
        match self.fault.kind {
            Kind::DiskFull => write!(f, "{} writing {dir}", self.fault.error)?,
            _ => write!(f, "{}", self.fault)?,
        }
        match &self.holds {
            Ok(Some(0)) => write!(f, "; the index still holds the last commit (no articles)")?,
            Ok(Some(1)) => write!(f, "; the index still holds the last commit (1 article)")?,
            Ok(Some(articles)) => write!(
                f,
                "; the index still holds the last commit ({} articles)",
                thousands(*articles)
            )?,
            Ok(None) => write!(f, "; the index holds no commit yet")?,
            Err(_) => write!(f, "; the index keeps its last commit")?,
        }
        match (self.fault.kind, self.fault.doing) {
            (Kind::DiskFull, _) => write!(f, "; free space and run newsdex index again"),
            (_, Doing::Reading) => write!(
                f,
                "; `newsdex check --index {dir}` says whether the index is damaged"
            ),
            _ => write!(f, "; check the disk, then run newsdex index again"),
        }
    }
}

/// `error` as the user should read it: a disk fault behind it becomes a [`DiskFault`] (or,
/// for damage, [`OpenError::Damaged`]); any other error is left as it is.
pub(super) fn explain(error: anyhow::Error, dir: &Path, faults: &FaultLog) -> anyhow::Error {
    let Some(fault) = fault::behind(&error, faults, dir) else {
        return error;
    };
    if fault.kind == Kind::Damaged {
        return OpenError::Damaged {
            dir: open::shown(dir),
            cause: fault.error,
        }
        .into();
    }
    DiskFault {
        fault,
        dir: open::shown(dir),
        holds: open::committed_articles(dir).map_err(|err| format!("{err:#}")),
    }
    .into()
}
