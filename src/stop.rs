//! Stopping early: SIGINT, SIGTERM and `--timeout` all raise one [`Stop`] flag.
//!
//! The engine looks at the flag once per simulated day and every 4,096 events, so a replication
//! ends within bounded work of the request (a day's bulk draws are bounded by `--max-events`); `regsim run` and `regsim sweep` then return [`crate::error::Error`]
//! `Stopped`, having persisted only what was complete (whole scenario folders, whole sweep
//! points). A second SIGINT or SIGTERM while the first is being handled ends the process at once
//! with exit code 1; files are still whole, because every file is written under a temporary name
//! and renamed.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

const NONE: usize = 0;
const SIGINT: usize = 1;
const SIGTERM: usize = 2;
const TIMEOUT: usize = 3;

/// Why a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Interrupted,
    Terminated,
    TimedOut,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Reason::Interrupted => "interrupted (SIGINT)",
            Reason::Terminated => "terminated (SIGTERM)",
            Reason::TimedOut => "stopped by --timeout",
        })
    }
}

/// A shared request to stop; cheap to clone and to poll.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicUsize>);

impl Stop {
    /// A flag nothing raises but [`Stop::request`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A flag raised by SIGINT and SIGTERM (and, given a limit, by a timer).
    pub fn from_signals(timeout: Option<Duration>) -> anyhow::Result<Self> {
        use signal_hook::consts::signal::{SIGINT as INT, SIGTERM as TERM};
        use signal_hook::flag;
        let stop = Self::new();
        // Handlers run in the order registered: the first signal finds `seen` false and only
        // raises the flag; a second one finds it true and exits.
        let seen = Arc::new(AtomicBool::new(false));
        for (sig, code) in [(INT, SIGINT), (TERM, SIGTERM)] {
            flag::register_conditional_shutdown(sig, 1, Arc::clone(&seen))
                .and_then(|_| flag::register(sig, Arc::clone(&seen)))
                .and_then(|_| flag::register_usize(sig, Arc::clone(&stop.0), code))
                .context("cannot install signal handlers")?;
        }
        if let Some(limit) = timeout {
            let timer = stop.clone();
            std::thread::Builder::new()
                .name("regsim-timeout".into())
                .spawn(move || {
                    std::thread::sleep(limit);
                    timer.request(TIMEOUT);
                })
                .context("cannot start the --timeout timer")?;
        }
        Ok(stop)
    }

    /// Raises the flag as SIGINT would (a front end that catches the interrupt itself, as
    /// Python does).
    pub fn interrupt(&self) {
        self.request(SIGINT);
    }

    fn request(&self, code: usize) {
        let _ = self
            .0
            .compare_exchange(NONE, code, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Whether a stop was requested.
    #[inline]
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed) != NONE
    }

    /// Why, if a stop was requested.
    pub fn reason(&self) -> Option<Reason> {
        match self.0.load(Ordering::Relaxed) {
            SIGINT => Some(Reason::Interrupted),
            SIGTERM => Some(Reason::Terminated),
            TIMEOUT => Some(Reason::TimedOut),
            _ => None,
        }
    }
}
