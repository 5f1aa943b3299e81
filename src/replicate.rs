//! Running replications, shared by `regsim run` and `regsim sweep`: the worker pool, the
//! refusal of worlds estimated to need too many events, and the parallel run
//! of one world's replications (returned in replication order, so results do not depend on the
//! thread count).

use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;

use crate::engine::{estimate_events, run_replication_until, Workspace};
use crate::error::{Diagnostic, Error};
use crate::metrics::{Layout, RepResult};
use crate::model::World;
use crate::progress::Progress;
use crate::stop::Stop;

/// Runs `replications` replications of `world` on the current rayon pool, returned in
/// replication order; `None` when `stop` was raised before all finished.
pub fn simulate(
    world: &World,
    layout: &Layout,
    replications: u32,
    progress: &Progress,
    stop: &Stop,
) -> Option<Vec<RepResult>> {
    (0..replications as u64)
        .into_par_iter()
        .map_init(Workspace::new, |ws, r| {
            let res = run_replication_until(world, layout, r, ws, stop);
            progress.replicated();
            res
        })
        .collect()
}

/// Default of `--max-events`: events one replication may be estimated to handle.
pub const DEFAULT_MAX_EVENTS: f64 = 1e7;

/// A located refusal when `world` is estimated to need more than `max_events` events per
/// replication (see [`estimate_events`]).
pub fn check_events(world: &World, file: &Path, max_events: f64) -> Option<Diagnostic> {
    let estimate = estimate_events(world);
    (estimate > max_events).then(|| Diagnostic {
        file: file.to_path_buf(),
        location: None,
        message: format!(
            "about {estimate:.2e} events per replication, above the limit of {max_events:.2e}; \
             check headcounts and session rates (of gated groups above all), misuse watched by \
             monitors and heavy-tailed records of restricted staff, or raise the limit with \
             --max-events {:.0e}",
            (estimate * 1.5).max(max_events)
        ),
    })
}

/// A rayon pool of `threads` workers (default: one per core).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 {
            return Err(Error::Usage("--threads must be at least 1".into()));
        }
        builder = builder.num_threads(t);
    }
    Ok(builder.build().context("cannot start worker threads")?)
}
