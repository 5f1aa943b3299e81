//! One scenario's results in memory: what `regsim run` computes before it writes anything, and
//! what the library API returns ([`crate::api::run`]). Computing and writing are apart:
//! [`Results::compute`] runs the replications and aggregates them; [`Results::write`] writes
//! exactly the files of a scenario's folder that `regsim run` writes.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use super::write::write_folder;
use crate::expect::{self, Check};
use crate::metrics::aggregate::Summary;
use crate::metrics::branches::{branches, Branch};
use crate::metrics::collect::Collected;
use crate::metrics::drivers::Driver;
use crate::metrics::intervals;
use crate::metrics::paired::PairedStats;
use crate::metrics::table::{Table, READ_BACK};
use crate::metrics::Layout;
use crate::model::World;
use crate::precision::{Outcome, Reading};
use crate::progress::Progress;
use crate::replicate::{collector, extend, simulate};
use crate::report::html::Versus;
use crate::report::{self, atomic_write, atomic_write_with, visuals};
use crate::scenario::Loaded;
use crate::stop::Stop;

/// One scenario's results: its summary, every replication's totals and inputs, the streaming
/// monthly and yearly bands, branches and `[[expect]]` checks.
#[derive(Debug)]
pub struct Results {
    /// The scenario as it ran (seed and replications applied).
    pub loaded: Loaded,
    pub summary: Summary,
    /// Every replication's totals and inputs, and the monthly and yearly estimators.
    pub reps: Collected,
    pub branches: Vec<Branch>,
    /// Every replication's `cost.total`, in replication order (empty without one).
    pub cost_totals: Vec<f64>,
    /// The scenario's `[[expect]]` checks, evaluated (empty without any).
    pub checks: Vec<Check>,
    /// How a precision run ended (`None` for a fixed number of replications).
    pub precision: Option<Outcome>,
    /// Wall time of the replications and aggregation, for the caller to report (never written).
    pub seconds: f64,
}

/// A scenario's paired comparison with its baseline, owned; `rows` is empty (and `note` says
/// why) when the baseline could not be paired.
#[derive(Debug, Clone)]
pub struct VersusRows {
    pub baseline: String,
    pub rows: Vec<PairedStats>,
    pub note: Option<String>,
    /// Per headline metric ([`crate::report::headline::METRICS`]) whose paired difference
    /// varies with a drawn input: the input that moves it most.
    pub drivers: Vec<(String, Driver)>,
}

impl VersusRows {
    /// The comparison as the reports read it.
    pub fn view(&self) -> Versus<'_> {
        Versus {
            baseline: &self.baseline,
            rows: &self.rows,
            note: self.note.clone(),
            drivers: &self.drivers,
        }
    }
}

impl Results {
    /// Runs `loaded` with its world's seed and replications on the current rayon pool; rows of a
    /// large run wait in an unnamed file in `spill`. `None` when `stop` was raised first.
    pub fn compute(
        loaded: Loaded,
        spill: &Path,
        progress: &Progress,
        stop: &Stop,
    ) -> anyhow::Result<Option<Results>> {
        let started = Instant::now();
        let mut loaded = loaded;
        let layout = Layout::of(&loaded.world);
        let Some((reps, precision)) = replicate(&loaded.world, &layout, spill, progress, stop)?
        else {
            return Ok(None);
        };
        // A precision run ran as many replications as it took.
        loaded.world.replications = reps.len() as u32;
        let world = &loaded.world;
        let summary = Summary::of(&layout, &reps).context(READ_BACK)?;
        let cost_totals =
            report::charts::scenario::cost_totals(&summary, &reps).context(READ_BACK)?;
        let branches = branches(world, &layout, &reps).context(READ_BACK)?;
        let checks: Vec<Check> = loaded
            .raw
            .expect
            .iter()
            .filter_map(|e| {
                // Expectations are validated against the layout when the scenario loads.
                let stats = summary.stats(&e.metric)?;
                Some(Check::evaluate(e, stats, None, Vec::new()))
            })
            .collect();
        Ok(Some(Results {
            loaded,
            summary,
            reps,
            branches,
            cost_totals,
            checks,
            precision,
            seconds: started.elapsed().as_secs_f64(),
        }))
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.loaded.world.name
    }

    /// Replications run.
    pub fn replications(&self) -> usize {
        self.reps.len()
    }

    /// `summary.json`, as written.
    pub fn summary_json(&self) -> Vec<u8> {
        let world = &self.loaded.world;
        report::json::summary(
            world,
            world.seed,
            self.reps.len(),
            &self.summary,
            self.precision.as_ref(),
        )
    }

    /// `timeseries.csv`, as written.
    pub fn timeseries_csv(&self) -> Vec<u8> {
        report::csv::timeseries(&self.loaded.world, &self.summary)
    }

    /// `annual.csv`, as written.
    pub fn annual_csv(&self) -> Vec<u8> {
        let years = crate::metrics::annual::annual(&self.reps);
        report::csv::annual(&self.summary, &years)
    }

    /// `branches.csv`, as written.
    pub fn branches_csv(&self) -> Vec<u8> {
        report::csv::branches(&self.branches)
    }

    /// Every replication's total of every metric (the columns of `replications.csv`, in
    /// order), read back a column at a time when the rows wait on disk.
    pub fn replication_columns(&self) -> std::io::Result<Vec<(String, Vec<f64>)>> {
        columns(&self.summary.layout.names, &self.reps.totals)
    }

    /// Every replication's quantities drawn once (the columns of `inputs.csv`, in order).
    pub fn input_columns(&self) -> std::io::Result<Vec<(String, Vec<f64>)>> {
        columns(&self.summary.layout.inputs.names, &self.reps.inputs)
    }

    /// Writes the scenario's folder `dir` as `regsim run` does, whole or not at all: the
    /// summary, series, per-replication rows, inputs, branches, annual amounts, the paired
    /// comparison with its baseline (when given and paired), charts (unless `with_charts` is
    /// false), `report.html` and, with checks, `expectations.json` and `junit.xml`. Charts are
    /// drawn on the current rayon pool.
    pub fn write(
        &self,
        dir: &Path,
        versus: Option<&VersusRows>,
        with_charts: bool,
    ) -> anyhow::Result<()> {
        let world = &self.loaded.world;
        write_folder(dir, |staging| {
            let layout = &self.summary.layout;
            atomic_write(&staging.join("summary.json"), &self.summary_json())?;
            atomic_write(&staging.join("timeseries.csv"), &self.timeseries_csv())?;
            atomic_write_with(&staging.join("replications.csv"), |w| {
                report::csv::per_replication(w, &layout.names, &self.reps.totals)
            })?;
            atomic_write_with(&staging.join("inputs.csv"), |w| {
                report::csv::per_replication(w, &layout.inputs.names, &self.reps.inputs)
            })?;
            atomic_write(&staging.join("branches.csv"), &self.branches_csv())?;
            atomic_write(&staging.join("annual.csv"), &self.annual_csv())?;
            if let Some(v) = versus.filter(|v| !v.rows.is_empty()) {
                atomic_write(
                    &staging.join(format!("versus_{}.csv", v.baseline)),
                    &report::csv::paired(&v.rows),
                )?;
            }
            let versus = versus.map(VersusRows::view);
            visuals::scenario_visuals(
                staging,
                &self.loaded,
                &self.summary,
                &self.reps,
                (&self.cost_totals, &self.branches, self.precision.as_ref()),
                versus.as_ref(),
                with_charts,
            )?;
            if !self.checks.is_empty() {
                atomic_write(
                    &staging.join("expectations.json"),
                    &expect::json(&world.name, &self.checks),
                )?;
                atomic_write(
                    &staging.join("junit.xml"),
                    &expect::junit(&world.name, &self.checks),
                )?;
            }
            Ok(())
        })
    }
}

/// `world`'s replications: its fixed number, or in blocks until its precision target is met
/// ([`crate::precision`]); `None` when stopped.
fn replicate(
    world: &World,
    layout: &Layout,
    spill: &Path,
    progress: &Progress,
    stop: &Stop,
) -> anyhow::Result<Option<(Collected, Option<Outcome>)>> {
    let Some(p) = &world.precision else {
        let reps = simulate(world, layout, world.replications, spill, progress, stop)?;
        return Ok(reps.map(|r| (r, None)));
    };
    let mut reps = collector(layout, p.max_replications, spill)?;
    let metrics = p.indices(layout);
    let outcome = p.drive(|n| -> anyhow::Result<_> {
        if !extend(world, layout, &mut reps, n, spill, progress, stop)? {
            return Ok(None);
        }
        let readings = metrics
            .iter()
            .map(|&k| {
                let values = reps.totals.column(k)?;
                let name = &layout.names[k];
                // The stream the summary resamples this metric with.
                let rng = &mut intervals::stream(layout.seed, "bootstrap", name);
                Ok(Reading::of(&values, rng))
            })
            .collect::<std::io::Result<_>>()
            .context(READ_BACK)?;
        Ok(Some(readings))
    })?;
    Ok(outcome.map(|o| (reps, Some(o))))
}

fn columns(names: &[String], table: &Table) -> std::io::Result<Vec<(String, Vec<f64>)>> {
    names
        .iter()
        .enumerate()
        .map(|(k, n)| Ok((n.clone(), table.column(k)?)))
        .collect()
}
