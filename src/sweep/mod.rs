//! `regsim sweep` and `regsim merge`: parameter sweeps over a base scenario.
//!
//! A sweep file ([`file`]) names a base scenario, parameters by [`path`] into its resolved TOML,
//! a [`design`] and `[[expect]]` checks. Every point is set in the base's merged table and
//! built through the same code as `regsim run`, all before anything runs, so an invalid point
//! writes nothing (exit 2). Every point runs the sweep seed's replications 0..R: replication r of
//! every point draws each block's numbers from the stream (seed, r, block) — common random
//! numbers, so differences between points come from the parameters, not from different draws.
//!
//! Outputs ([`output`]) go to `DIR/<sweep>/`: `sweep.json` (the manifest), one file per finished
//! point under `points/` (written atomically, which is what `--resume` and [`shard`]s rely on),
//! then `points.csv`, `sensitivity.csv` ([`sensitivity`], Sobol and Morris designs), SVG and PNG
//! [`charts`], `expectations.json`, `junit.xml` and `report.html` ([`report`]). A sharded run writes only the manifest and its points;
//! `regsim merge` joins shard folders and writes the same bytes as an unsharded run.

pub mod charts;
pub mod design;
pub mod file;
mod heatmap;
pub mod memory;
pub mod output;
pub mod path;
pub mod raw;
pub mod report;
pub mod results;
pub mod sensitivity;
pub mod shard;
pub mod warn;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use rayon::prelude::*;

use crate::error::{Diagnostic, Error};
use crate::expect::Check;
use crate::limits::{self, Limits};
use crate::metrics::aggregate::Stats;
use crate::metrics::aggregate::Summary;
use crate::metrics::collect::Collected;
use crate::metrics::intervals;
use crate::metrics::paired::{differences, Totals};
use crate::metrics::table::READ_BACK;
use crate::precision::{self, Ask, Reading};
use crate::progress::Progress;
use crate::replicate::{collector, extend, simulate, thread_pool};
use crate::report::atomic_write;
use crate::stop::Stop;

use design::Structure;
use output::{Manifest, PointResult};
use shard::Shard;

/// Whether `path` looks like a sweep file (top-level `base` and `design`), for `regsim validate`.
pub fn is_sweep_file(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("base") && t.contains_key("design"))
}

/// Options of `regsim sweep`.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub out: PathBuf,
    /// `None`: the whole sweep, joined results written.
    pub shard: Option<Shard>,
    /// Skip points already persisted under `points/`.
    pub resume: bool,
    pub threads: Option<usize>,
    /// Refuse points estimated to need more events per replication, or a sweep more memory or
    /// disk than the machine has.
    pub limits: Limits,
    /// Raised by SIGINT, SIGTERM or `--timeout`.
    pub stop: Stop,
    /// `--precision REL`, `--precision-metric M`: every point's replications in blocks until
    /// its intervals are narrow enough (the sweep's `[precision]` table applies without).
    pub precision: Ask,
}

/// What a sweep or merge did, for the caller to report.
pub struct Swept {
    pub name: String,
    pub dir: PathBuf,
    pub points: usize,
    /// Points run now (the rest were resumed or belong to other shards).
    pub ran: usize,
    /// `None` for a shard: results are joined by `regsim merge`.
    pub checks: Option<Vec<Check>>,
}

fn manifest(s: &file::Sweep) -> Manifest {
    let (sobol_rows, morris_steps) = match &s.plan.structure {
        Structure::Plain => (None, None),
        Structure::Sobol { n } => (Some(*n), None),
        Structure::Morris { steps } => (None, Some(steps.clone())),
    };
    let file = s
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .filter(|f| *f != format!("{}.toml", s.name));
    Manifest {
        name: s.name.clone(),
        file,
        regsim_version: env!("CARGO_PKG_VERSION").to_string(),
        base: s.raw.base.clone(),
        seed: s.seed,
        replications: s.replications,
        design: s.raw.design.name().to_string(),
        parameters: s.parameters.clone(),
        points: s.values.clone(),
        metrics: s.layout.names.clone(),
        sensitivity_metrics: s.sensitivity_metrics.clone(),
        chart_metrics: if s.raw.metrics.is_empty() {
            charts::DEFAULT_METRICS
                .iter()
                .filter(|n| s.layout.index(n).is_some())
                .map(|n| n.to_string())
                .collect()
        } else {
            s.raw.metrics.clone()
        },
        sobol_rows,
        morris_steps,
        expect: s.raw.expect.clone(),
        versus: s.raw.versus.clone(),
        versus_unset: s.versus.as_ref().map_or(Vec::new(), |v| {
            s.parameters
                .iter()
                .zip(&v.applies)
                .filter(|(_, a)| !**a)
                .map(|(p, _)| p.clone())
                .collect()
        }),
        currency: s
            .worlds
            .first()
            .map(|w| w.currency.clone())
            .unwrap_or_default(),
        warnings: s.warnings.clone(),
        precision: s.precision.clone(),
    }
}

/// A sweep file loaded and checked against the limits, with its manifest: what every way of
/// running it (the CLI's [`run`], the library's [`memory::compute`]) starts from.
pub(crate) struct Prepared {
    pub sweep: file::Sweep,
    pub manifest: Manifest,
    /// The manifest's bytes (`sweep.json`) and their [`output::fingerprint`].
    pub bytes: Vec<u8>,
    pub print: String,
}

/// Loads sweep `file` and refuses it when a point is estimated to need more events per
/// replication than `limits` allow, or the points running side by side (up to `threads`) more
/// memory, or their results more disk in `out`, than there is. `ask` is `--precision` and
/// `--precision-metric` (the file's `[precision]` table applies without).
pub(crate) fn prepare(
    file: &Path,
    threads: Option<usize>,
    out: &Path,
    limits: &Limits,
    ask: &Ask,
) -> Result<Prepared, Error> {
    let mut sweep = file::load(file).map_err(Error::Invalid)?;
    let precision = sweep.precision.take();
    sweep.precision = precision::resolve(precision, ask, file, &[(&sweep.name, &sweep.layout)])?;
    // A precision sweep's points may each run up to `max_replications`.
    if let Some(p) = &sweep.precision {
        sweep.replications = p.max_replications;
    }
    // Every point, since parameters can raise headcounts and rates; the first too large is named.
    let versus_worlds = sweep
        .versus
        .iter()
        .flat_map(|v| v.worlds.iter().enumerate());
    if let Some(d) = sweep
        .worlds
        .iter()
        .enumerate()
        .chain(versus_worlds)
        .find_map(|(p, w)| limits::check_events(w, file, limits.events).map(|d| (p, d)))
        .map(|(p, mut d)| {
            let at: Vec<String> = sweep
                .parameters
                .iter()
                .zip(&sweep.values[p])
                .map(|(name, v)| format!("{name} = {v}"))
                .collect();
            d.message = format!("point {p} ({}): {}", at.join(", "), d.message);
            d
        })
    {
        return Err(Error::Invalid(vec![d]));
    }
    // Points run side by side, up to one per worker; each writes a small result file.
    let side_by_side = threads
        .unwrap_or_else(rayon::current_num_threads)
        .min(sweep.worlds.len()) as u64;
    let need = limits::Need {
        file,
        memory: side_by_side
            * (limits::memory(&sweep.layout, sweep.replications as u64)
                + sweep
                    .versus
                    .as_ref()
                    .map_or(0, |v| limits::memory(&v.layout, sweep.replications as u64))),
        output: 64 * 1024 * sweep.worlds.len() as u64,
    };
    let refused = limits::check(&[need], 0, out, limits);
    if !refused.is_empty() {
        return Err(Error::Invalid(refused));
    }
    let manifest = manifest(&sweep);
    let bytes = manifest.to_bytes();
    let print = output::fingerprint(&bytes);
    Ok(Prepared {
        sweep,
        manifest,
        bytes,
        print,
    })
}

impl Prepared {
    /// Runs point `p`'s replications (and the `versus` scenario's, paired: fixed, or block by
    /// block to the sweep's precision target) and returns its statistics; `None` when `stop`
    /// was raised. Rows of large runs wait in `spill`.
    pub fn run_point(
        &self,
        p: usize,
        spill: &Path,
        progress: &Progress,
        stop: &Stop,
    ) -> anyhow::Result<Option<PointResult>> {
        let Some(result) = point(&self.sweep, p, spill, &self.print, progress, stop)? else {
            return Ok(None);
        };
        result.check_finite()?;
        Ok(Some(result))
    }

    /// Replications a point runs (twice the sweep's with a `versus` scenario).
    pub fn per_point(&self) -> u64 {
        let r = self.sweep.replications as u64;
        if self.sweep.versus.is_some() {
            2 * r
        } else {
            r
        }
    }
}

/// `regsim sweep`.
pub fn run(file: &Path, opts: &SweepOptions) -> Result<Swept, Error> {
    let prepared = prepare(file, opts.threads, &opts.out, &opts.limits, &opts.precision)?;
    let (m, bytes, print) = (&prepared.manifest, &prepared.bytes, &prepared.print);
    let dir = opts.out.join(&m.name);
    let points_dir = dir.join("points");
    let manifest_path = dir.join("sweep.json");
    if opts.resume {
        if let Ok(old) = std::fs::read(&manifest_path) {
            if old != *bytes {
                return Err(Error::Usage(format!(
                    "{}: the sweep differs from the one in {}; run without --resume into another --out, or delete that folder",
                    file.display(),
                    dir.display()
                )));
            }
        }
    }
    let pool = thread_pool(opts.threads)?;
    std::fs::create_dir_all(&points_dir)
        .with_context(|| format!("cannot create {}", points_dir.display()))?;
    atomic_write(&manifest_path, bytes)?;

    let shard = opts.shard.unwrap_or(Shard::ALL);
    let n = prepared.sweep.worlds.len();
    let todo: Vec<usize> = (0..n)
        .filter(|&p| shard.owns(p))
        .filter(|&p| !opts.resume || output::read_point(&points_dir, p, m, print).is_none())
        .collect();
    let progress = Progress::sweep(&m.name, todo.len() as u64, prepared.per_point());
    let finished = AtomicUsize::new(0);
    pool.install(|| {
        todo.par_iter().try_for_each(|&p| -> anyhow::Result<()> {
            let Some(result) = prepared.run_point(p, &points_dir, &progress, &opts.stop)? else {
                return Ok(());
            };
            output::write_point(&points_dir, &result)?;
            let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
            progress.point_done(done, todo.len());
            Ok(())
        })
    })?;
    progress.finish();
    if let Some(reason) = opts.stop.reason() {
        return Err(Error::Stopped(format!(
            "{reason}: {} of the {} points to run finished and are kept in {}; \
             rerun with --resume to run the rest",
            finished.into_inner(),
            todo.len(),
            points_dir.display()
        )));
    }
    let checks = if opts.shard.is_none() {
        let results: Vec<PointResult> = read_all(std::slice::from_ref(&points_dir), m, print)?
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        Some(output::write_results(&dir, m, &results)?)
    } else {
        None
    };
    Ok(Swept {
        name: prepared.sweep.name,
        dir,
        points: n,
        ran: todo.len(),
        checks,
    })
}

/// Runs point `p` of `sweep` (and its `versus` scenario): its fixed replications, or block by
/// block until its statistics meet the sweep's precision target; `None` when stopped.
fn point(
    sweep: &file::Sweep,
    p: usize,
    points_dir: &Path,
    print: &str,
    progress: &Progress,
    stop: &Stop,
) -> anyhow::Result<Option<PointResult>> {
    let world = &sweep.worlds[p];
    let versus = sweep.versus.as_ref().map(|v| (&v.worlds[p], &v.layout));
    let stats = |reps: &Collected, other: Option<&Collected>| -> anyhow::Result<Vec<Stats>> {
        let point = Totals {
            layout: &sweep.layout,
            totals: &reps.totals,
        };
        Ok(match (versus, other) {
            (Some((_, layout)), Some(other)) => {
                let versus = Totals {
                    layout,
                    totals: &other.totals,
                };
                differences(&point, &versus).context(READ_BACK)?
            }
            _ => Summary::of(&sweep.layout, reps).context(READ_BACK)?.totals,
        })
    };
    let Some(spec) = &sweep.precision else {
        let n = sweep.replications;
        let Some(reps) = simulate(world, &sweep.layout, n, points_dir, progress, stop)? else {
            return Ok(None);
        };
        let other = match versus {
            Some((w, layout)) => match simulate(w, layout, n, points_dir, progress, stop)? {
                Some(o) => Some(o),
                None => return Ok(None),
            },
            None => None,
        };
        return Ok(Some(PointResult::of(
            p,
            print,
            &stats(&reps, other.as_ref())?,
        )));
    };
    let max = spec.max_replications;
    let mut reps = collector(&sweep.layout, max, points_dir)?;
    let mut other = match versus {
        Some((_, layout)) => Some(collector(layout, max, points_dir)?),
        None => None,
    };
    let metrics = spec.indices(&sweep.layout);
    let outcome = spec.drive(|n| -> anyhow::Result<_> {
        if !extend(
            world,
            &sweep.layout,
            &mut reps,
            n,
            points_dir,
            progress,
            stop,
        )? {
            return Ok(None);
        }
        if let (Some((w, layout)), Some(o)) = (versus, other.as_mut()) {
            if !extend(w, layout, o, n, points_dir, progress, stop)? {
                return Ok(None);
            }
        }
        // The statistics the point reports: of its totals, or of its paired differences.
        let readings = metrics
            .iter()
            .map(|&k| {
                let name = &sweep.layout.names[k];
                let mut values = reps.totals.column(k)?;
                let kind = match (versus, &other) {
                    (Some((_, layout)), Some(o)) => {
                        if let Some(j) = layout.index(name) {
                            let b = o.totals.column(j)?;
                            values.iter_mut().zip(b).for_each(|(x, b)| *x -= b);
                        }
                        "bootstrap-diff"
                    }
                    _ => "bootstrap",
                };
                let rng = &mut intervals::stream(sweep.layout.seed, kind, name);
                Ok(Reading::of(&values, rng))
            })
            .collect::<std::io::Result<_>>()
            .context(READ_BACK)?;
        Ok(Some(readings))
    })?;
    let Some(outcome) = outcome else {
        return Ok(None);
    };
    let result = PointResult::of(p, print, &stats(&reps, other.as_ref())?);
    Ok(Some(result.ran(outcome.replications, outcome.met)))
}

/// Every point of `m`, each read from the first of `folders` that holds it.
fn read_all(
    folders: &[PathBuf],
    m: &Manifest,
    print: &str,
) -> Result<Vec<(PointResult, Vec<u8>)>, Error> {
    let mut results = Vec::with_capacity(m.points.len());
    let mut missing = Vec::new();
    for p in 0..m.points.len() {
        match folders
            .iter()
            .find_map(|f| output::read_point(f, p, m, print))
        {
            Some(r) => results.push(r),
            None => missing.push(p),
        }
    }
    if missing.is_empty() {
        return Ok(results);
    }
    let shown: Vec<String> = missing.iter().take(20).map(|p| p.to_string()).collect();
    Err(Error::Usage(format!(
        "sweep `{}`: {} of {} points have no result (points {}{}); run the missing shards (or rerun with --resume) and merge again",
        m.name,
        missing.len(),
        m.points.len(),
        shown.join(", "),
        if missing.len() > 20 { ", ..." } else { "" }
    )))
}

/// The sweep folders under a `regsim merge` argument: the folder itself when it holds a
/// `sweep.json`, else its sub-folders that do.
fn sweep_folders(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if dir.join("sweep.json").is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            Error::Invalid(vec![Diagnostic {
                file: dir.to_path_buf(),
                location: None,
                message: format!("cannot read this folder: {e}"),
            }])
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("sweep.json").is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Error::Invalid(vec![Diagnostic {
            file: dir.to_path_buf(),
            location: None,
            message: "no sweep output here (no sweep.json in it or its sub-folders)".into(),
        }]));
    }
    Ok(found)
}

/// `regsim merge`: joins shard folders of one or more sweeps into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Vec<Swept>, Error> {
    // Sweep name -> (manifest bytes, manifest, folders).
    let mut sweeps: Vec<(Vec<u8>, Manifest, Vec<PathBuf>)> = Vec::new();
    for d in dirs {
        for f in sweep_folders(d)? {
            let path = f.join("sweep.json");
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                Error::Invalid(vec![Diagnostic {
                    file: path.clone(),
                    location: None,
                    message: format!("not a regsim sweep manifest: {e}"),
                }])
            })?;
            match sweeps.iter_mut().find(|(_, s, _)| s.name == m.name) {
                Some((b, _, folders)) => {
                    if *b != bytes {
                        return Err(Error::Invalid(vec![Diagnostic {
                            file: path,
                            location: None,
                            message: format!(
                                "shards of sweep `{}` disagree: this one ran a different sweep file, seed or regsim version than {}",
                                m.name,
                                folders[0].display()
                            ),
                        }]));
                    }
                    folders.push(f.join("points"));
                }
                None => sweeps.push((bytes, m, vec![f.join("points")])),
            }
        }
    }
    let mut done = Vec::new();
    for (bytes, m, folders) in &sweeps {
        let results = read_all(folders, m, &output::fingerprint(bytes))?;
        let dir = out.join(&m.name);
        let points_dir = dir.join("points");
        std::fs::create_dir_all(&points_dir)
            .with_context(|| format!("cannot create {}", points_dir.display()))?;
        atomic_write(&dir.join("sweep.json"), bytes)?;
        for (r, bytes) in &results {
            output::copy_point(&points_dir, r.point, bytes)?;
        }
        let results: Vec<PointResult> = results.into_iter().map(|(r, _)| r).collect();
        let checks = output::write_results(&dir, m, &results)?;
        done.push(Swept {
            name: m.name.clone(),
            dir,
            points: results.len(),
            ran: 0,
            checks: Some(checks),
        });
    }
    Ok(done)
}
