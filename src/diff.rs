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
use crate::metrics::paired::{self, Totals};
use crate::metrics::table::READ_BACK;
use crate::metrics::Layout;
use crate::progress::Progress;
use crate::replicate::{simulate, thread_pool};
use crate::report::charts::{forest::ForestChart, render, run_label};
use crate::report::html::shell_word;
use crate::report::paired::{diff_report, DiffPage};
use crate::report::{self, atomic_write};
use crate::run::{load_all, write_folder, RunOptions};
use crate::scenario::build::MAX_REPLICATIONS;

/// `regsim diff`: returns the folder written.
pub fn diff(base: &Path, changed: &Path, opts: &RunOptions) -> Result<PathBuf, Error> {
    if let Some(r) = opts.replications {
        if r == 0 || r > MAX_REPLICATIONS {
            return Err(Error::Usage(format!(
                "--replications must be between 1 and {MAX_REPLICATIONS}"
            )));
        }
    }
    let mut loaded = load_all(&[base.to_path_buf(), changed.to_path_buf()])?;
    let seed = opts.seed.unwrap_or(loaded[0].world.seed);
    let replications = opts.replications.unwrap_or(loaded[0].world.replications);
    let mut note = None;
    if loaded[1].world.seed != seed && opts.seed.is_none() {
        note = Some(format!(
            "{} names seed {}; both ran with the base's seed {seed} so that they share streams.",
            loaded[1].world.name, loaded[1].world.seed
        ));
    }
    for l in &mut loaded {
        l.world.seed = seed;
        l.world.replications = replications;
    }
    crate::run::refuse_too_large(&loaded, &opts.out, &opts.limits)?;
    let pool = thread_pool(opts.threads)?;
    let progress = Progress::scenarios(2 * replications as u64);
    let spill = crate::limits::nearest_existing(&opts.out);
    let mut runs = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        progress.scenario(&l.world.name, i + 1, loaded.len(), replications as u64);
        let layout = Layout::of(&l.world);
        let reps = pool
            .install(|| {
                simulate(
                    &l.world,
                    &layout,
                    replications,
                    spill,
                    &progress,
                    &opts.stop,
                )
            })?
            .ok_or_else(|| {
                let reason = opts
                    .stop
                    .reason()
                    .map_or("stopped".to_string(), |r| r.to_string());
                Error::Stopped(format!("{reason}: nothing written"))
            })?;
        runs.push((layout, reps.totals));
    }
    progress.finish();
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
    let dir = opts.out.join(format!("diff_{}_vs_{}", c.name, b.name));
    let command = command(base, changed, opts);
    write_folder(&dir, |staging| {
        atomic_write(&staging.join("diff.csv"), &report::csv::paired(&rows))?;
        if !opts.no_charts {
            let chart = ForestChart::of(
                &rows,
                &b.name,
                &c.name,
                run_label(&c.name, seed, replications as usize),
                &currency,
            );
            let r = render("diff_forest", &chart)?;
            atomic_write(&staging.join("diff_forest.svg"), &r.svg)?;
            atomic_write(&staging.join("diff_forest.png"), &r.png)?;
        }
        atomic_write(
            &staging.join("report.html"),
            &diff_report(&DiffPage {
                base: &b.name,
                changed: &c.name,
                seed,
                replications: replications as usize,
                currency: &currency,
                command: &command,
                rows: &rows,
                with_charts: !opts.no_charts,
                note: note.clone(),
            }),
        )
    })?;
    Ok(dir)
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
    c
}
