//! `regsim run`: find scenario files, validate them all, run replications in parallel and write
//! the outputs. Validation of every file comes first, so bad input writes nothing. Each
//! scenario's folder, `[[expect]]` results included, is filled under a hidden name and renamed
//! into place when whole ([`write_folder`]); a failed check is reported (exit 3) only after
//! every output is written.

mod baseline;
mod results;
mod write;

pub use results::{Results, VersusRows};
pub use write::write_folder;

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::{Diagnostic, Error};
use crate::expect::Check;
use crate::limits::{self, Limits};
use crate::metrics::aggregate::Summary;
use crate::metrics::table::{Table, READ_BACK};
use crate::metrics::Layout;
use crate::precision::{self, Ask, Outcome};
use crate::progress::Progress;
use crate::replicate::thread_pool;
use crate::report::{self, atomic_write, visuals};
use crate::scenario::{self, build::MAX_REPLICATIONS, Loaded};
use crate::stop::Stop;
use baseline::{execution_order, in_report_currency, versus_baseline, Done};

/// Options of `regsim run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: PathBuf,
    /// Skip the charts (the HTML report is still written, without images).
    pub no_charts: bool,
    /// Refuse scenarios estimated to need more events, memory or disk.
    pub limits: Limits,
    /// Raised by SIGINT, SIGTERM or `--timeout`.
    pub stop: Stop,
    /// `--precision REL` and `--precision-metric M`: replications until intervals are narrow
    /// enough (see [`crate::precision`]); a scenario's `[precision]` table applies without.
    pub precision: Ask,
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

/// What `regsim run` produced, for the caller to report.
pub struct Ran {
    pub name: String,
    pub replications: u32,
    pub seconds: f64,
    pub dir: PathBuf,
    /// The scenario's `[[expect]]` checks, evaluated (empty without any).
    pub checks: Vec<Check>,
    /// How a precision run ended (`None` for a fixed number of replications).
    pub precision: Option<Outcome>,
}

/// Sets how many replications `l` runs: `replications` when given (a fixed number, whatever its
/// `[precision]` table says), else its precision target with the command line's `ask` applied,
/// whose `max_replications` is then the most it may run (what the size checks count).
pub fn apply_counts(l: &mut Loaded, replications: Option<u32>, ask: &Ask) -> Result<(), Error> {
    if let Some(r) = replications {
        if !ask.is_empty() {
            return Err(Error::Usage(
                "--replications fixes the count; --precision decides it: give one".into(),
            ));
        }
        l.world.replications = r;
        l.world.precision = None;
        return Ok(());
    }
    let layout = Layout::of(&l.world);
    let name = l.world.name.clone();
    precision::apply(l, ask, &[(&name, &layout)])?;
    if let Some(p) = &l.world.precision {
        l.world.replications = p.max_replications;
    }
    Ok(())
}

/// Refuses a replication count outside 1..=[`MAX_REPLICATIONS`].
pub fn check_replications(replications: Option<u32>) -> Result<(), Error> {
    match replications {
        Some(r) if r == 0 || r > MAX_REPLICATIONS => Err(Error::Usage(format!(
            "--replications must be between 1 and {MAX_REPLICATIONS}"
        ))),
        _ => Ok(()),
    }
}

/// `regsim run`: computes each scenario's [`Results`], writes its folder, and for several
/// scenarios the comparison and `index.html`.
pub fn run(paths: &[PathBuf], opts: &RunOptions) -> Result<Vec<Ran>, Error> {
    check_replications(opts.replications)?;
    let files = scenario_files(paths)?;
    let mut loaded = load_all(&files)?;
    for l in &mut loaded {
        if let Some(seed) = opts.seed {
            l.world.seed = seed;
        }
        apply_counts(l, opts.replications, &opts.precision)?;
    }
    refuse_too_large(&loaded, &opts.out, &opts.limits)?;
    let pool = thread_pool(opts.threads)?;
    let total: u64 = loaded.iter().map(|l| l.world.replications as u64).sum();
    let progress = Progress::scenarios(total);
    // Per scenario (in file order): its summary, cost totals and every replication's totals.
    let mut done: Vec<Option<Done>> = (0..loaded.len()).map(|_| None).collect();
    let mut ran: Vec<Ran> = Vec::new();
    for (n, i) in execution_order(&loaded).into_iter().enumerate() {
        let l = &loaded[i];
        let world = &l.world;
        progress.scenario(&world.name, n + 1, loaded.len(), world.replications as u64);
        let spill = crate::limits::nearest_existing(&opts.out);
        let Some(results) =
            pool.install(|| Results::compute(l.clone(), spill, &progress, &opts.stop))?
        else {
            return Err(stopped(&opts.stop, &ran, &loaded));
        };
        // A precision run's replications, for the pairing with its baseline.
        loaded[i].world.replications = results.loaded.world.replications;
        let l = &loaded[i];
        let world = &l.world;
        let versus = versus_baseline(
            &loaded,
            &done,
            l,
            &results.summary,
            (&results.reps.totals, &results.reps.inputs),
        )
        .context(READ_BACK)?;
        let dir = opts.out.join(&world.name);
        pool.install(|| results.write(&dir, versus.as_ref(), !opts.no_charts))?;
        ran.push(Ran {
            name: world.name.clone(),
            replications: world.replications,
            seconds: results.seconds,
            dir,
            checks: results.checks,
            precision: results.precision,
        });
        // Every replication's totals are kept only for the scenarios that name this one as
        // their baseline.
        let is_baseline = loaded
            .iter()
            .any(|o| o.world.baseline.as_deref() == Some(world.name.as_str()));
        done[i] = Some(Done {
            summary: results.summary,
            cost_totals: results.cost_totals,
            totals: if is_baseline {
                results.reps.totals
            } else {
                Table::default()
            },
            versus,
        });
    }
    progress.finish();
    let done: Vec<Done> = done
        .into_iter()
        .map(|d| d.expect("every scenario ran"))
        .collect();
    // Across currencies, comparisons convert money into the report currency when every
    // scenario names the same one.
    let (loaded, done) = match in_report_currency(&loaded, &done) {
        Some(converted) => converted,
        None => (loaded, done),
    };
    let mut written = Vec::new();
    if loaded.len() > 1 {
        written.push("comparison.csv".to_string());
        let runs: Vec<(&str, &Summary)> = loaded
            .iter()
            .zip(&done)
            .map(|(l, d)| (l.world.name.as_str(), &d.summary))
            .collect();
        atomic_write(
            &opts.out.join("comparison.csv"),
            &report::csv::comparison(&runs),
        )?;
    }
    let entries: Vec<visuals::RunEntry> = loaded
        .iter()
        .zip(&done)
        .map(|(loaded, d)| visuals::RunEntry {
            loaded,
            summary: &d.summary,
            cost_totals: d.cost_totals.clone(),
            versus: d.versus.as_ref().map(VersusRows::view),
        })
        .collect();
    let command = visuals::run_command(paths, opts.replications, opts.seed, opts.no_charts);
    written.extend(
        pool.install(|| visuals::run_visuals(&opts.out, &entries, &command, !opts.no_charts))?,
    );
    remove_stale(&opts.out, &written)?;
    Ok(ran)
}

/// Removes the comparison table and charts an earlier run left at the top of `out` that this
/// run did not write (names only `regsim run` gives: `comparison.csv`, `comparison_*.svg` and
/// `.png`), so that nothing beside this run's `index.html` describes another run. Scenario
/// folders of other scenarios stay, unlisted.
fn remove_stale(out: &Path, written: &[String]) -> anyhow::Result<()> {
    let listing =
        std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))?;
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == "comparison.csv"
            || (name.starts_with("comparison_")
                && (name.ends_with(".svg") || name.ends_with(".png")));
        if ours && !written.contains(&name) && entry.path().is_file() {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove the earlier run's {name}"))?;
        }
    }
    Ok(())
}

/// Refuses, before anything runs, scenarios estimated to need too many events, or a run too
/// large for the machine's memory or the output folder's disk (see [`limits`]).
pub fn refuse_too_large(loaded: &[Loaded], out: &Path, lim: &Limits) -> Result<(), Error> {
    let events: Vec<Diagnostic> = loaded
        .iter()
        .filter_map(|l| limits::check_events(&l.world, &l.sources.main().path, lim.events))
        .collect();
    if !events.is_empty() {
        return Err(Error::Invalid(events));
    }
    let mut kept = 0;
    let needs: Vec<limits::Need> = loaded
        .iter()
        .map(|l| {
            let layout = Layout::of(&l.world);
            let n = l.world.replications as u64;
            // Each scenario's cost totals stay for the comparison charts; a baseline's totals
            // for the scenarios that name it (on disk but for a block, when large).
            kept += 8 * n;
            if loaded
                .iter()
                .any(|o| o.world.baseline.as_ref() == Some(&l.world.name))
            {
                kept += limits::table_bytes(layout.len(), n).0;
            }
            limits::Need {
                file: &l.sources.main().path,
                memory: limits::memory(&layout, n),
                output: limits::output(&layout, n),
            }
        })
        .collect();
    let refused = limits::check(&needs, kept, out, lim);
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(refused))
    }
}

/// The error of a run stopped early, saying which scenario folders are complete.
fn stopped(stop: &Stop, ran: &[Ran], loaded: &[Loaded]) -> Error {
    let done: Vec<&str> = ran.iter().map(|r| r.name.as_str()).collect();
    let not_done: Vec<&str> = loaded
        .iter()
        .map(|l| l.world.name.as_str())
        .filter(|n| !done.contains(n))
        .collect();
    let reason = stop
        .reason()
        .map_or("stopped".to_string(), |r| r.to_string());
    Error::Stopped(format!(
        "{reason}: written in full: {}; not written: {} (no comparison or index.html)",
        if done.is_empty() {
            "none".to_string()
        } else {
            done.join(", ")
        },
        not_done.join(", ")
    ))
}
