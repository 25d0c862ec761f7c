//! The subcommands: each file owns its arguments and a `run()` that returns the exit code.

pub mod check;
pub mod completions;
pub mod eval;
pub mod index;
pub mod man;
pub mod search;
pub mod serve;
pub mod show;
pub mod stats;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

/// The index folder used when `--index` is not given.
pub const DEFAULT_INDEX: &str = "index";
/// The corpus folder used when none is given.
pub const DEFAULT_CORPUS: &str = "corpus";

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Decides once, for the whole run.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |term| term != "dumb")
            }
        }
    }
}

/// The index folder to use, and whether it is the default one (which `search` may build).
pub fn index_dir(given: Option<&Path>) -> (PathBuf, bool) {
    match given {
        Some(dir) => (dir.to_path_buf(), false),
        None => (PathBuf::from(DEFAULT_INDEX), true),
    }
}

/// Whether to draw progress bars: only for a person watching stderr.
pub fn progress_wanted() -> bool {
    std::io::stderr().is_terminal()
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) is not an error.
pub fn print_bytes(bytes: &[u8], what: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => anyhow::Context::with_context(other, || format!("writing {what}")),
    }
}

/// Runs `work`, turning a panic into its message. The panic hook set in `main` keeps the
/// message for this and prints nothing, so a caught panic reaches the user once, as an error.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| last_panic())
}

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Installs the panic hook: remember the message and where it was raised.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("internal error: {message}{place}"));
        }
    }));
}

fn last_panic() -> String {
    LAST_PANIC
        .lock()
        .ok()
        .and_then(|mut last| last.take())
        .unwrap_or_else(|| "internal error".into())
}
