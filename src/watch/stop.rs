//! Ctrl-C for commands that run until stopped: SIGINT or SIGTERM asks them to finish what
//! they are doing (a batch and its commit) and leave with success; a second signal ends the
//! process at once, for a finish that hangs (the index's commits make that safe).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// Set once SIGINT or SIGTERM arrived.
#[derive(Debug, Clone)]
pub struct Stop(Arc<AtomicBool>);

/// The exit status of a process ended by a second signal, as shells report one ended by
/// SIGINT.
const SECOND_SIGNAL_STATUS: i32 = 130;

impl Stop {
    /// Catches SIGINT and SIGTERM from now on.
    pub fn on_signals() -> io::Result<Stop> {
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            // Registered before the flag is set, so it ends the process only on a signal
            // that finds the flag already set: the second one.
            flag::register_conditional_shutdown(signal, SECOND_SIGNAL_STATUS, Arc::clone(&stop))?;
            flag::register(signal, Arc::clone(&stop))?;
        }
        Ok(Stop(stop))
    }

    /// Whether a signal asked to stop.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
