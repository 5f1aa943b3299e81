//! A whole sweep run in memory, for the library ([`crate::api::sweep`]): every point's
//! statistics, the `[[expect]]` checks, and the tables `regsim sweep` writes, made by the same
//! functions from the same numbers. [`SweepResults::write`] writes the CLI's folder.
//!
//! The CLI computes its joined results from point files read back from disk; the numbers are
//! the same as those held here, since point files hold every `f64` exactly (serde_json with
//! `float_roundtrip`, checked in [`super::output`]'s tests).

use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use crate::error::Error;
use crate::expect::Check;
use crate::limits::Limits;
use crate::precision::Ask;
use crate::progress::Progress;
use crate::replicate::thread_pool;
use crate::report::atomic_write;
use crate::stop::Stop;

use super::output::{self, Manifest, PointResult};
use super::prepare;

/// A sweep's results: its manifest (`sweep.json`), every point's statistics in point order,
/// and its `[[expect]]` checks.
#[derive(Debug, Clone)]
pub struct SweepResults {
    pub manifest: Manifest,
    pub results: Vec<PointResult>,
    pub checks: Vec<Check>,
}

impl SweepResults {
    /// The sweep's name (its output folder's).
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// `points.csv`, byte for byte as `regsim sweep` writes it.
    pub fn points_csv(&self) -> Vec<u8> {
        output::points_csv(&self.manifest, &self.results)
    }

    /// `sensitivity.csv` (Sobol and Morris designs), byte for byte as `regsim sweep` writes
    /// it; `None` for designs without sensitivity indices.
    pub fn sensitivity_csv(&self) -> Option<Vec<u8>> {
        output::sensitivity_csv(&self.manifest, &self.results)
    }

    /// Whether every `[[expect]]` passed at every point it selects.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// Writes the sweep's folder `out/<sweep>/` as `regsim sweep FILE --out out` does (the
    /// manifest, a file per point, the tables, charts, checks and report); returns the folder.
    pub fn write(&self, out: &Path) -> anyhow::Result<PathBuf> {
        let dir = out.join(&self.manifest.name);
        let points_dir = dir.join("points");
        std::fs::create_dir_all(&points_dir)
            .with_context(|| format!("cannot create {}", points_dir.display()))?;
        atomic_write(&dir.join("sweep.json"), &self.manifest.to_bytes())?;
        for r in &self.results {
            output::write_point(&points_dir, r)?;
        }
        output::write_results(&dir, &self.manifest, &self.results)?;
        Ok(dir)
    }
}

/// How [`compute`] runs.
pub struct Options<'a> {
    pub threads: Option<usize>,
    pub limits: &'a Limits,
    /// Where the rows of a large point wait on disk.
    pub spill: &'a Path,
    pub stop: &'a Stop,
}

/// Runs every point of sweep `file` (points side by side, one per worker) and keeps the results
/// in memory; writes nothing. `None` when `opts.stop` was raised.
pub fn compute(file: &Path, opts: &Options) -> Result<Option<SweepResults>, Error> {
    // The file's `[precision]` table applies; the library has no `--precision` flags.
    let prepared = prepare(file, opts.threads, opts.spill, opts.limits, &Ask::default())?;
    let pool = thread_pool(opts.threads)?;
    let n = prepared.sweep.worlds.len();
    let progress = Progress::hidden();
    let results: Vec<Option<PointResult>> = pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|p| prepared.run_point(p, opts.spill, &progress, opts.stop))
            .collect::<anyhow::Result<_>>()
    })?;
    let Some(results) = results.into_iter().collect::<Option<Vec<_>>>() else {
        return Ok(None);
    };
    let checks = output::checks(&prepared.manifest, &results);
    Ok(Some(SweepResults {
        manifest: prepared.manifest,
        results,
        checks,
    }))
}
