//! `regsim run`: find scenario files, validate them all, run replications in parallel and write
//! the outputs. Validation of every file comes first, so bad input writes nothing. Each
//! scenario's folder, `[[expect]]` results included, is filled under a hidden name and renamed
//! into place when whole ([`write_folder`]); a failed check is reported (exit 3) only after
//! every output is written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::error::{Diagnostic, Error};
use crate::expect::{self, Check};
use crate::limits::{self, Limits};
use crate::metrics::aggregate::Summary;
use crate::metrics::branches::{branches, Branch};
use crate::metrics::collect::Collected;
use crate::metrics::paired::{versus, PairedStats};
use crate::metrics::table::{Table, READ_BACK};
use crate::metrics::Layout;
use crate::model::World;
use crate::progress::Progress;
use crate::replicate::{simulate, thread_pool};
use crate::report::format::Unit;
use crate::report::html::Versus;
use crate::report::{self, atomic_write, atomic_write_with, visuals};
use crate::scenario::{self, build::MAX_REPLICATIONS, Loaded};
use crate::stop::Stop;

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
        let reps = world.replications as u64;
        progress.scenario(&world.name, n + 1, loaded.len(), reps);
        let started = Instant::now();
        let layout = Layout::of(world);
        let spill = crate::limits::nearest_existing(&opts.out);
        let Some(reps) = pool.install(|| {
            simulate(
                world,
                &layout,
                world.replications,
                spill,
                &progress,
                &opts.stop,
            )
        })?
        else {
            return Err(stopped(&opts.stop, &ran, &loaded));
        };
        let summary = Summary::of(&layout, &reps).context(READ_BACK)?;
        let cost_totals =
            report::charts::scenario::cost_totals(&summary, &reps).context(READ_BACK)?;
        let branches = branches(world, &layout, &reps).context(READ_BACK)?;
        let checks: Vec<Check> = l
            .raw
            .expect
            .iter()
            .map(|e| {
                let stats = summary.stats(&e.metric).expect("validated metric");
                Check::evaluate(e, stats, None, Vec::new())
            })
            .collect();
        let versus =
            versus_baseline(&loaded, &done, l, &summary, &reps.totals).context(READ_BACK)?;
        let dir = opts.out.join(&world.name);
        write_folder(&dir, |staging| {
            write_scenario(staging, world, &summary, &reps, &branches)?;
            if let Some(v) = versus.as_ref().filter(|v| !v.rows.is_empty()) {
                atomic_write(
                    &staging.join(format!("versus_{}.csv", v.baseline)),
                    &report::csv::paired(&v.rows),
                )?;
            }
            let versus = versus.as_ref().map(|v| Versus {
                baseline: &v.baseline,
                rows: &v.rows,
                note: v.note.clone(),
            });
            pool.install(|| {
                visuals::scenario_visuals(
                    staging,
                    l,
                    &summary,
                    &reps,
                    (&cost_totals, &branches),
                    versus.as_ref(),
                    !opts.no_charts,
                )
            })?;
            if !checks.is_empty() {
                atomic_write(
                    &staging.join("expectations.json"),
                    &expect::json(&world.name, &checks),
                )?;
                atomic_write(
                    &staging.join("junit.xml"),
                    &expect::junit(&world.name, &checks),
                )?;
            }
            Ok(())
        })?;
        // Every replication's totals are kept only for the scenarios that name this one as
        // their baseline.
        let is_baseline = loaded
            .iter()
            .any(|o| o.world.baseline.as_deref() == Some(world.name.as_str()));
        let totals = if is_baseline {
            reps.totals
        } else {
            Table::default()
        };
        ran.push(Ran {
            name: world.name.clone(),
            replications: world.replications,
            seconds: started.elapsed().as_secs_f64(),
            dir,
            checks,
        });
        done[i] = Some(Done {
            summary,
            cost_totals,
            totals,
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
    if loaded.len() > 1 {
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
        })
        .collect();
    let command = visuals::run_command(paths, opts.replications, opts.seed, opts.no_charts);
    pool.install(|| visuals::run_visuals(&opts.out, &entries, &command, !opts.no_charts))?;
    Ok(ran)
}

/// One finished scenario of a run.
struct Done {
    summary: Summary,
    cost_totals: Vec<f64>,
    /// Every replication's totals, for paired differences (empty unless a baseline).
    totals: Table,
}

/// A scenario's comparison with its baseline, owned.
struct VersusRows {
    baseline: String,
    rows: Vec<PairedStats>,
    note: Option<String>,
}

/// Whether a metric is an amount of money (converted between currencies).
fn is_money(name: &str) -> bool {
    matches!(Unit::of_metric(name, ""), Unit::Money(_))
}

/// The scenarios and their results with money in the report currency, when their currencies
/// differ and every one names the same `finance.report_currency`; `None` otherwise (each stays
/// in its own currency, and the comparison says so).
fn in_report_currency(loaded: &[Loaded], done: &[Done]) -> Option<(Vec<Loaded>, Vec<Done>)> {
    let first = &loaded.first()?.world;
    if loaded.iter().all(|l| l.world.currency == first.currency) {
        return None;
    }
    let (target, _) = first.report_currency.as_ref()?;
    if !loaded.iter().all(|l| {
        l.world
            .report_currency
            .as_ref()
            .is_some_and(|(c, _)| c == target)
    }) {
        return None;
    }
    let mut out_loaded = Vec::with_capacity(loaded.len());
    let mut out_done = Vec::with_capacity(done.len());
    for (l, d) in loaded.iter().zip(done) {
        let (currency, k) = l.world.report_currency.clone().expect("checked above");
        let mut l = l.clone();
        l.world.currency = currency;
        let mut summary = d.summary.clone();
        for (m, name) in summary.layout.names.clone().iter().enumerate() {
            if is_money(name) {
                summary.totals[m].scale(k);
                for month in &mut summary.monthly[m] {
                    month.scale(k);
                }
            }
        }
        out_done.push(Done {
            summary,
            cost_totals: d.cost_totals.iter().map(|v| v * k).collect(),
            totals: Table::default(),
        });
        out_loaded.push(l);
    }
    Some((out_loaded, out_done))
}

/// The order scenarios run in: file order, except that a baseline runs before the scenarios
/// that name it (when it is part of the run), so their paired differences can be written
/// with them.
fn execution_order(loaded: &[Loaded]) -> Vec<usize> {
    let mut order = Vec::with_capacity(loaded.len());
    let mut placed = vec![false; loaded.len()];
    fn place(
        i: usize,
        loaded: &[Loaded],
        placed: &mut [bool],
        order: &mut Vec<usize>,
        depth: usize,
    ) {
        if placed[i] || depth > loaded.len() {
            return;
        }
        if let Some(b) = &loaded[i].world.baseline {
            if let Some(j) = loaded.iter().position(|l| &l.world.name == b) {
                if j != i {
                    place(j, loaded, placed, order, depth + 1);
                }
            }
        }
        if !placed[i] {
            placed[i] = true;
            order.push(i);
        }
    }
    for i in 0..loaded.len() {
        place(i, loaded, &mut placed, &mut order, 0);
    }
    order
}

/// The paired differences of `l` against its baseline, if it names one: `None` without a
/// baseline; a note and no rows when the baseline is not in this run or was not run on the
/// same seed and replications.
fn versus_baseline(
    loaded: &[Loaded],
    done: &[Option<Done>],
    l: &Loaded,
    summary: &Summary,
    totals: &Table,
) -> std::io::Result<Option<VersusRows>> {
    let Some(baseline) = l.world.baseline.clone() else {
        return Ok(None);
    };
    let found = loaded.iter().position(|o| o.world.name == baseline);
    let unpaired = |note: String| VersusRows {
        baseline: baseline.clone(),
        rows: Vec::new(),
        note: Some(note),
    };
    let Some(j) = found else {
        return Ok(Some(unpaired(format!(
            "The baseline {baseline} was not part of this run; run both together (for example the              folder that holds them) for the paired comparison, or use `regsim diff`."
        ))));
    };
    let b = &loaded[j].world;
    let Some(d) = done[j].as_ref() else {
        return Ok(Some(unpaired(format!(
            "The baseline {baseline} names this scenario as its own baseline, or is part of a              longer cycle of baselines; no paired comparison."
        ))));
    };
    if b.seed != l.world.seed || b.replications != l.world.replications {
        return Ok(Some(unpaired(format!(
            "The baseline {baseline} ran with seed {} and {} replications, this scenario with seed              {} and {}: paired differences need the same streams (use --seed and --replications,              or `regsim diff`).",
            b.seed, b.replications, l.world.seed, l.world.replications
        ))));
    }
    Ok(Some(VersusRows {
        baseline,
        rows: versus((&d.summary, &d.totals), (summary, totals))?,
        note: None,
    }))
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

/// Fills `dir` all at once: `fill` writes into a hidden staging folder beside it, which then
/// replaces `dir`. A failure or interruption leaves `dir` as it was (an older run's complete
/// folder, or none) and removes the staging folder.
pub fn write_folder(
    dir: &Path,
    fill: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy());
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot write in {}", parent.display()))?;
    }
    fill(staging.path()).with_context(|| format!("cannot write {}", dir.display()))?;
    let staging = staging.keep();
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = dir.exists();
    let swap = || -> std::io::Result<()> {
        if had_old {
            std::fs::rename(dir, &old)?;
        }
        std::fs::rename(&staging, dir)
    };
    if let Err(e) = swap() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e).with_context(|| format!("cannot replace {}", dir.display()));
    }
    if had_old {
        let removed = if old.is_dir() {
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::remove_file(&old)
        };
        removed.with_context(|| format!("cannot remove the previous {}", old.display()))?;
    }
    Ok(())
}

/// Writes one scenario's folder.
pub fn write_scenario(
    dir: &Path,
    world: &World,
    s: &Summary,
    reps: &Collected,
    branches: &[Branch],
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
    atomic_write_with(&dir.join("replications.csv"), |w| {
        report::csv::per_replication(w, &s.layout.names, &reps.totals)
    })?;
    atomic_write_with(&dir.join("inputs.csv"), |w| {
        report::csv::per_replication(w, &s.layout.inputs.names, &reps.inputs)
    })?;
    atomic_write(&dir.join("branches.csv"), &report::csv::branches(branches))?;
    let years = crate::metrics::annual::annual(reps);
    atomic_write(&dir.join("annual.csv"), &report::csv::annual(s, &years))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_folder_is_replaced_whole_or_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("old.txt"), "old").unwrap();

        // A failure half-way leaves the old folder as it was and no staging folder.
        let failed = write_folder(&dir, |d| {
            atomic_write(&d.join("a.txt"), b"new")?;
            anyhow::bail!("disk full")
        });
        assert!(format!("{:#}", failed.unwrap_err()).contains("disk full"));
        assert_eq!(names(tmp.path()), ["s"]);
        assert_eq!(names(&dir), ["old.txt"]);

        // Success replaces it: nothing of the old folder remains.
        write_folder(&dir, |d| atomic_write(&d.join("a.txt"), b"new")).unwrap();
        assert_eq!(names(tmp.path()), ["s"]);
        assert_eq!(names(&dir), ["a.txt"]);

        // A plain file in the way is replaced too.
        let file = tmp.path().join("f");
        std::fs::write(&file, "x").unwrap();
        write_folder(&file, |d| atomic_write(&d.join("b.txt"), b"b")).unwrap();
        assert_eq!(names(&file), ["b.txt"]);
        assert_eq!(names(tmp.path()), ["f", "s"]);
    }
}
