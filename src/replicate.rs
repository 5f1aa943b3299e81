//! Running replications, shared by `regsim run`, `diff` and `sweep`: the worker pool and the
//! parallel run of one world's replications (gathered in replication order, so results do not
//! depend on the thread count).

use std::path::Path;

use anyhow::Context;
use rayon::prelude::*;

use crate::engine::{run_replication_until, Workspace};
use crate::error::Error;
use crate::metrics::collect::Collected;
use crate::metrics::{Layout, RepResult};
use crate::model::World;
use crate::progress::Progress;
use crate::stop::Stop;

/// Bytes of replication results held at once: replications run in parallel in batches of
/// about this size, each gathered in replication order before the next starts.
pub(crate) const BATCH_BYTES: usize = 16 << 20;

/// Replications per batch for `layout`: at least a few per worker, at most 4,096.
fn batch_size(layout: &Layout) -> usize {
    let per_rep = 8 * layout.len() * (layout.months + 1) + 64;
    (BATCH_BYTES / per_rep).clamp(4 * rayon::current_num_threads(), 4_096)
}

/// Runs `replications` replications of `world` on the current rayon pool and gathers them in
/// replication order ([`Collected`]); `None` when `stop` was raised before all finished. A
/// large run's rows go to an unnamed file in `spill` (see [`crate::metrics::table`]); failing
/// to write it is the only error.
pub fn simulate(
    world: &World,
    layout: &Layout,
    replications: u32,
    spill: &Path,
    progress: &Progress,
    stop: &Stop,
) -> anyhow::Result<Option<Collected>> {
    let mut out = collector(layout, replications, spill)?;
    let done = extend(world, layout, &mut out, replications, spill, progress, stop)?;
    Ok(done.then_some(out))
}

/// An empty [`Collected`] for up to `replications` replications of `layout`.
pub fn collector(layout: &Layout, replications: u32, spill: &Path) -> anyhow::Result<Collected> {
    Collected::new(layout, replications as usize, spill).with_context(|| spill_error(spill))
}

fn spill_error(spill: &Path) -> String {
    format!(
        "cannot write the replications' rows to a temporary file in {}",
        spill.display()
    )
}

/// Runs the replications of `world` from `out.len()` up to `to` (exclusive) on the current
/// rayon pool and adds them to `out` in replication order; `false` when `stop` was raised
/// before all finished.
pub fn extend(
    world: &World,
    layout: &Layout,
    out: &mut Collected,
    to: u32,
    spill: &Path,
    progress: &Progress,
    stop: &Stop,
) -> anyhow::Result<bool> {
    let n = to as u64;
    let batch = batch_size(layout) as u64;
    let mut start = out.len() as u64;
    while start < n {
        let end = (start + batch).min(n);
        let reps: Option<Vec<RepResult>> = (start..end)
            .into_par_iter()
            .map_init(Workspace::new, |ws, r| {
                let res = run_replication_until(world, layout, r, ws, stop);
                progress.replicated();
                res
            })
            .collect();
        let Some(reps) = reps else { return Ok(false) };
        for r in &reps {
            out.push(r).with_context(|| spill_error(spill))?;
        }
        start = end;
    }
    Ok(true)
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
