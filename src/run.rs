//! `regsim run`: find scenario files, validate them all, run replications in parallel and write
//! the outputs. Validation of every file comes first, so bad input writes nothing. `[[expect]]`
//! checks are evaluated after every other output is written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::engine::{run_replication, Workspace};
use crate::error::{Diagnostic, Error};
use crate::expect::{self, Check};
use crate::metrics::aggregate::Summary;
use crate::metrics::{Layout, RepResult};
use crate::model::World;
use crate::report::{self, atomic_write, visuals};
use crate::scenario::{self, build::MAX_REPLICATIONS, Loaded};

/// Options of `regsim run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: PathBuf,
    /// Skip the charts (the HTML report is still written, without images).
    pub no_charts: bool,
}

/// Scenario files named by `paths`: files as given, folders' `*.toml` (not recursing), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot list {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: no scenario files (*.toml) in this folder",
                    p.display()
                )));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(Error::Invalid(vec![Diagnostic {
                file: p.clone(),
                location: None,
                message: "no such file or folder".into(),
            }]));
        }
    }
    Ok(files)
}

/// Loads every file, collecting every problem of every file.
pub fn load_all(files: &[PathBuf]) -> Result<Vec<Loaded>, Error> {
    let mut loaded = Vec::new();
    let mut diags = Vec::new();
    for f in files {
        if crate::sweep::file::looks_like_sweep(f) {
            // A sweep file (`base`, `design`) is no scenario: report its own problems, if any,
            // rather than `base` as an unknown scenario field.
            match crate::sweep::file::load(f) {
                Ok(_) => diags.push(Diagnostic {
                    file: f.clone(),
                    location: None,
                    message: "this is a sweep file (it has `base` and `design`), not a scenario: run it with `regsim sweep FILE`".into(),
                }),
                Err(d) => diags.extend(d),
            }
            continue;
        }
        match scenario::load(f) {
            Ok(l) => loaded.push(l),
            Err(d) => diags.extend(d),
        }
    }
    let mut seen: Vec<(&str, &Path)> = Vec::new();
    for l in &loaded {
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == l.world.name) {
            diags.push(Diagnostic {
                file: l.sources.main().path.clone(),
                location: None,
                message: format!(
                    "scenario name `{}` is also used by {}; set a different `name`",
                    l.world.name,
                    first.display()
                ),
            });
        } else {
            seen.push((&l.world.name, &l.sources.main().path));
        }
    }
    if diags.is_empty() {
        Ok(loaded)
    } else {
        Err(Error::Invalid(diags))
    }
}

/// Runs `replications` replications of `world` under `seed` on the current rayon pool, returned
/// in replication order.
pub fn simulate(
    world: &World,
    layout: &Layout,
    replications: u32,
    progress: &ProgressBar,
) -> Vec<RepResult> {
    (0..replications as u64)
        .into_par_iter()
        .map_init(Workspace::new, |ws, r| {
            let res = run_replication(world, layout, r, ws);
            progress.inc(1);
            res
        })
        .collect()
}

/// What `regsim run` produced, for the caller to report.
pub struct Ran {
    pub name: String,
    pub replications: u32,
    pub seconds: f64,
    pub dir: PathBuf,
    /// The scenario's `[[expect]]` checks, evaluated (empty without any).
    pub checks: Vec<Check>,
}

/// `regsim run`.
pub fn run(paths: &[PathBuf], opts: &RunOptions) -> Result<Vec<Ran>, Error> {
    if let Some(r) = opts.replications {
        if r == 0 || r > MAX_REPLICATIONS {
            return Err(Error::Usage(format!(
                "--replications must be between 1 and {MAX_REPLICATIONS}"
            )));
        }
    }
    let files = scenario_files(paths)?;
    let mut loaded = load_all(&files)?;
    for l in &mut loaded {
        if let Some(seed) = opts.seed {
            l.world.seed = seed;
        }
        if let Some(r) = opts.replications {
            l.world.replications = r;
        }
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = opts.threads {
        if t == 0 {
            return Err(Error::Usage("--threads must be at least 1".into()));
        }
        builder = builder.num_threads(t);
    }
    let pool = builder.build().context("cannot start worker threads")?;
    let total: u64 = loaded.iter().map(|l| l.world.replications as u64).sum();
    let progress = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(total);
        pb.set_style(
            ProgressStyle::with_template(
                "{msg:>16} [{bar:40}] {pos}/{len} replications, ETA {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let mut summaries = Vec::new();
    let mut cost_totals = Vec::new();
    let mut ran = Vec::new();
    for l in &loaded {
        let world = &l.world;
        progress.set_message(world.name.clone());
        let started = Instant::now();
        let layout = Layout::of(world);
        let reps = pool.install(|| simulate(world, &layout, world.replications, &progress));
        let summary = Summary::of(&layout, &reps);
        let dir = opts.out.join(&world.name);
        write_scenario(&dir, world, &summary, &reps)?;
        pool.install(|| visuals::scenario_visuals(&dir, l, &summary, &reps, !opts.no_charts))?;
        cost_totals.push(report::charts::scenario::cost_totals(&summary, &reps));
        ran.push(Ran {
            name: world.name.clone(),
            replications: world.replications,
            seconds: started.elapsed().as_secs_f64(),
            dir,
            checks: Vec::new(),
        });
        summaries.push(summary);
    }
    progress.finish_and_clear();
    if loaded.len() > 1 {
        let runs: Vec<(&str, &Summary)> = loaded
            .iter()
            .zip(&summaries)
            .map(|(l, s)| (l.world.name.as_str(), s))
            .collect();
        atomic_write(
            &opts.out.join("comparison.csv"),
            &report::csv::comparison(&runs),
        )?;
    }
    let entries: Vec<visuals::RunEntry> = loaded
        .iter()
        .zip(&summaries)
        .zip(cost_totals)
        .map(|((loaded, summary), cost_totals)| visuals::RunEntry {
            loaded,
            summary,
            cost_totals,
        })
        .collect();
    let command = visuals::run_command(paths, opts.replications, opts.seed, opts.no_charts);
    pool.install(|| visuals::run_visuals(&opts.out, &entries, &command, !opts.no_charts))?;
    // Expectations last, so that a failed one (exit 3) still leaves every output written.
    for ((l, summary), r) in loaded.iter().zip(&summaries).zip(&mut ran) {
        if l.raw.expect.is_empty() {
            continue;
        }
        r.checks = l
            .raw
            .expect
            .iter()
            .map(|e| {
                let stats = summary.stats(&e.metric).expect("validated metric");
                Check::evaluate(e, stats, None, Vec::new())
            })
            .collect();
        atomic_write(
            &r.dir.join("expectations.json"),
            &expect::json(&r.name, &r.checks),
        )?;
        atomic_write(&r.dir.join("junit.xml"), &expect::junit(&r.name, &r.checks))?;
    }
    Ok(ran)
}

/// Writes one scenario's folder.
pub fn write_scenario(
    dir: &Path,
    world: &World,
    s: &Summary,
    reps: &[RepResult],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    atomic_write(
        &dir.join("summary.json"),
        &report::json::summary(world, world.seed, reps.len(), s),
    )?;
    atomic_write(
        &dir.join("timeseries.csv"),
        &report::csv::timeseries(world, s),
    )?;
    atomic_write(
        &dir.join("replications.csv"),
        &report::csv::replications(s, reps),
    )?;
    Ok(())
}
