//! `regsim diff BASE CHANGED`: both scenarios on the same random streams, and their paired
//! differences per replication (`diff.csv`, a forest chart, `report.html`) in
//! `DIR/diff_<changed>_vs_<base>/`.
//!
//! Both run with the same seed (`--seed`, else the base's) and the same number of replications
//! (`--replications`, else the base's), so replication r of each draws the same numbers for
//! every block they share ([`crate::engine::rng`]).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::Error;
use crate::metrics::intervals;
use crate::metrics::paired::{self, PairedStats, Totals};
use crate::metrics::table::Table;
use crate::metrics::table::READ_BACK;
use crate::metrics::Layout;
use crate::precision::{self, Outcome, Precision, Reading};
use crate::progress::Progress;
use crate::replicate::{collector, extend, simulate, thread_pool};
use crate::report::charts::{forest::ForestChart, render, run_label};
use crate::report::html::shell_word;
use crate::report::paired::{diff_report, DiffPage};
use crate::report::{self, atomic_write};
use crate::run::{check_replications, load_all, refuse_too_large, write_folder, RunOptions};
use crate::scenario::Loaded;
use crate::stop::Stop;

/// Two scenarios' paired differences, in memory: what `regsim diff` writes.
#[derive(Debug, Clone)]
pub struct Diffed {
    pub base: String,
    pub changed: String,
    /// The seed and replications both ran with.
    pub seed: u64,
    pub replications: u32,
    /// The money currency both share; empty when they differ (see `note`).
    pub currency: String,
    /// One row per metric both scenarios have, in the base's metric order.
    pub rows: Vec<PairedStats>,
    /// A remark on the comparison (a seed overridden, currencies that differ).
    pub note: Option<String>,
    /// How a precision run ended (`None` for a fixed number of replications).
    pub precision: Option<Outcome>,
}

/// Runs `loaded` (base, changed) on the same streams: with `seed` and `replications` when
/// given, else the base's. Rows of a large run wait in an unnamed file in `spill`; the
/// replications run on the current rayon pool.
pub fn compute(
    mut loaded: [Loaded; 2],
    seed: Option<u64>,
    replications: Option<u32>,
    spill: &Path,
    progress: &Progress,
    stop: &Stop,
) -> Result<Diffed, Error> {
    let seed_given = seed;
    let seed = seed.unwrap_or(loaded[0].world.seed);
    let replications = replications.unwrap_or(loaded[0].world.replications);
    let mut note = None;
    if loaded[1].world.seed != seed && seed_given.is_none() {
        note = Some(format!(
            "{} names seed {}; both ran with the base's seed {seed} so that they share streams.",
            loaded[1].world.name, loaded[1].world.seed
        ));
    }
    for l in &mut loaded {
        l.world.seed = seed;
        l.world.replications = replications;
    }
    let stopped = || {
        let reason = stop
            .reason()
            .map_or("stopped".to_string(), |r| r.to_string());
        Error::Stopped(format!("{reason}: nothing written"))
    };
    let (runs, precision) = match loaded[0].world.precision.clone() {
        None => {
            let mut runs = Vec::new();
            for (i, l) in loaded.iter().enumerate() {
                progress.scenario(&l.world.name, i + 1, loaded.len(), replications as u64);
                let layout = Layout::of(&l.world);
                let reps = simulate(&l.world, &layout, replications, spill, progress, stop)?
                    .ok_or_else(stopped)?;
                runs.push((layout, reps.totals));
            }
            (runs, None)
        }
        Some(p) => {
            let (runs, outcome) = to_precision(&loaded, &p, spill, progress, stop)?;
            (runs, Some(outcome.ok_or_else(stopped)?))
        }
    };
    let replications = precision.as_ref().map_or(replications, |o| o.replications);
    let [(bl, bt), (cl, ct)] = [&runs[0], &runs[1]];
    let rows = paired::paired(
        &Totals {
            layout: bl,
            totals: bt,
        },
        &Totals {
            layout: cl,
            totals: ct,
        },
    )
    .context(READ_BACK)?;
    let (b, c) = (&loaded[0].world, &loaded[1].world);
    let currency = if b.currency == c.currency {
        b.currency.clone()
    } else {
        note = Some(format!(
            "{} is in {} and {} in {}: money differences mix currencies.",
            b.name, b.currency, c.name, c.currency
        ));
        String::new()
    };
    Ok(Diffed {
        base: b.name.clone(),
        changed: c.name.clone(),
        seed,
        replications,
        currency,
        rows,
        note,
        precision,
    })
}

/// One scenario's layout and every replication's totals.
type Run = (Layout, Table);

/// Both scenarios of `loaded`, block by block in step, until the paired difference of every
/// metric of `p` is known to its target (as `diff.csv` reports it); the outcome is `None`
/// when stopped.
fn to_precision(
    loaded: &[Loaded; 2],
    p: &Precision,
    spill: &Path,
    progress: &Progress,
    stop: &Stop,
) -> anyhow::Result<(Vec<Run>, Option<Outcome>)> {
    let layouts = loaded.clone().map(|l| Layout::of(&l.world));
    progress.scenario(&loaded[0].world.name, 1, 2, p.max_replications as u64);
    let mut reps = [
        collector(&layouts[0], p.max_replications, spill)?,
        collector(&layouts[1], p.max_replications, spill)?,
    ];
    let metrics: Vec<[usize; 2]> = p
        .indices(&layouts[0])
        .into_iter()
        .zip(p.indices(&layouts[1]))
        .map(|(b, c)| [b, c])
        .collect();
    let outcome = p.drive(|n| -> anyhow::Result<_> {
        for (i, r) in reps.iter_mut().enumerate() {
            if !extend(&loaded[i].world, &layouts[i], r, n, spill, progress, stop)? {
                return Ok(None);
            }
        }
        let readings = metrics
            .iter()
            .map(|&[b, c]| {
                let pairs: Vec<(f64, f64)> = reps[0]
                    .totals
                    .column(b)?
                    .into_iter()
                    .zip(reps[1].totals.column(c)?)
                    .collect();
                let name = &layouts[0].names[b];
                // The stream and statistics of `diff.csv`.
                let rng = &mut intervals::stream(layouts[0].seed, "bootstrap-diff", name);
                let d = paired::stats_with(name, &pairs, rng);
                Ok(Reading {
                    mean: d.diff_mean,
                    ci95: d.ci95,
                    n_nonzero: d.n_nonzero,
                })
            })
            .collect::<std::io::Result<_>>()
            .context(READ_BACK)?;
        Ok(Some(readings))
    })?;
    let [b, c] = reps;
    let [lb, lc] = layouts;
    Ok((vec![(lb, b.totals), (lc, c.totals)], outcome))
}

impl Diffed {
    /// The folder `regsim diff` writes into under `out`: `diff_<changed>_vs_<base>`.
    pub fn folder(&self, out: &Path) -> PathBuf {
        out.join(format!("diff_{}_vs_{}", self.changed, self.base))
    }

    /// The report's remark: the comparison's note and how a precision run ended.
    fn page_note(&self) -> Option<String> {
        let precision = self.precision.as_ref().map(|p| {
            format!(
                "Replications ran in blocks of {} until the paired differences were known well enough: {}.",
                p.block,
                p.line()
            )
        });
        match (self.note.clone(), precision) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        }
    }

    /// Writes `dir` whole or not at all: `diff.csv`, the forest chart (unless `with_charts` is
    /// false) and `report.html`, whose Reproduce line is `command`.
    pub fn write(&self, dir: &Path, command: &str, with_charts: bool) -> anyhow::Result<()> {
        write_folder(dir, |staging| {
            atomic_write(&staging.join("diff.csv"), &report::csv::paired(&self.rows))?;
            if with_charts {
                let chart = ForestChart::of(
                    &self.rows,
                    &self.base,
                    &self.changed,
                    run_label(&self.changed, self.seed, self.replications as usize),
                    &self.currency,
                );
                let r = render("diff_forest", &chart)?;
                atomic_write(&staging.join("diff_forest.svg"), &r.svg)?;
                atomic_write(&staging.join("diff_forest.png"), &r.png)?;
            }
            atomic_write(
                &staging.join("report.html"),
                &diff_report(&DiffPage {
                    base: &self.base,
                    changed: &self.changed,
                    seed: self.seed,
                    replications: self.replications as usize,
                    currency: &self.currency,
                    command,
                    rows: &self.rows,
                    with_charts,
                    note: self.page_note(),
                }),
            )
        })
    }
}

/// `regsim diff`: returns the folder written and, for a precision run, how it ended.
pub fn diff(
    base: &Path,
    changed: &Path,
    opts: &RunOptions,
) -> Result<(PathBuf, Option<Outcome>), Error> {
    check_replications(opts.replications)?;
    let mut loaded = load_all(&[base.to_path_buf(), changed.to_path_buf()])?;
    // The base's precision target (its table, with --precision applied) decides for both; every
    // metric it names must be in both.
    let changed_layout = Layout::of(&loaded[1].world);
    let changed_name = loaded[1].world.name.clone();
    if opts.replications.is_some() {
        crate::run::apply_counts(&mut loaded[0], opts.replications, &opts.precision)?;
    } else {
        let layout = Layout::of(&loaded[0].world);
        let name = loaded[0].world.name.clone();
        precision::apply(
            &mut loaded[0],
            &opts.precision,
            &[(&name, &layout), (&changed_name, &changed_layout)],
        )?;
        if let Some(p) = &loaded[0].world.precision {
            for t in &p.metrics {
                if changed_layout.index(&t.metric).is_none() {
                    return Err(Error::Usage(format!(
                        "{}: precision metric `{}` is not a metric of {changed_name}; name one both have with --precision-metric",
                        base.display(),
                        t.metric
                    )));
                }
            }
        }
    }
    // The size check sees both with the replications they may run (seeds are set by
    // `compute`, which notes a changed scenario's own seed).
    let replications = match &loaded[0].world.precision {
        Some(p) => p.max_replications,
        None => opts.replications.unwrap_or(loaded[0].world.replications),
    };
    for l in &mut loaded {
        l.world.replications = replications;
    }
    refuse_too_large(&loaded, &opts.out, &opts.limits)?;
    let pool = thread_pool(opts.threads)?;
    let progress = Progress::scenarios(2 * replications as u64);
    let spill = crate::limits::nearest_existing(&opts.out);
    let loaded: [Loaded; 2] = loaded.try_into().expect("two scenarios loaded");
    let d = pool.install(|| {
        compute(
            loaded,
            opts.seed,
            Some(replications),
            spill,
            &progress,
            &opts.stop,
        )
    });
    progress.finish();
    let d = d?;
    let dir = d.folder(&opts.out);
    d.write(&dir, &command(base, changed, opts), !opts.no_charts)?;
    Ok((dir, d.precision))
}

/// `regsim diff BASE CHANGED` as invoked, with the options that change results.
fn command(base: &Path, changed: &Path, opts: &RunOptions) -> String {
    let mut c = format!(
        "regsim diff {} {}",
        shell_word(&base.display().to_string()),
        shell_word(&changed.display().to_string())
    );
    if let Some(r) = opts.replications {
        c.push_str(&format!(" --replications {r}"));
    }
    if let Some(s) = opts.seed {
        c.push_str(&format!(" --seed {s}"));
    }
    if let Some(p) = opts.precision.rel {
        c.push_str(&format!(" --precision {p}"));
    }
    for m in &opts.precision.metrics {
        c.push_str(&format!(" --precision-metric {}", shell_word(m)));
    }
    c
}
