//! The charts and pages of a run: per scenario its charts and `report.html`, per run the
//! comparison charts (several scenarios) and `index.html`. Every file goes through
//! [`atomic_write`].

use std::path::{Path, PathBuf};

use super::atomic_write;
use super::charts::{comparison, forest::ForestChart, render, run_label, scenario, Rendered};
use super::headline;
use super::html::{self, shell_word, ScenarioExtras, Versus};
use super::index::{self, IndexEntry};
use crate::metrics::aggregate::Summary;
use crate::metrics::branches::Branch;
use crate::metrics::collect::Collected;
use crate::precision::Outcome;
use crate::scenario::Loaded;

/// Writes each chart as SVG and PNG; returns the file names written.
fn write_charts(dir: &Path, rendered: Vec<Rendered>) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for r in rendered {
        for (ext, bytes) in [("svg", &r.svg), ("png", &r.png)] {
            let name = format!("{}.{ext}", r.name);
            atomic_write(&dir.join(&name), bytes)?;
            names.push(name);
        }
    }
    Ok(names)
}

/// Writes one scenario's charts (unless `with_charts` is false) and its `report.html` into `dir`.
pub fn scenario_visuals(
    dir: &Path,
    loaded: &Loaded,
    summary: &Summary,
    reps: &Collected,
    (cost_totals, branches, precision): (&[f64], &[Branch], Option<&Outcome>),
    versus: Option<&Versus>,
    with_charts: bool,
) -> anyhow::Result<()> {
    if with_charts {
        let inputs = scenario::Inputs {
            world: &loaded.world,
            summary,
            reps,
            cost_totals,
        };
        write_charts(dir, scenario::render_all(&inputs)?)?;
    }
    atomic_write(
        &dir.join("report.html"),
        &html::scenario_report(
            loaded,
            summary,
            reps.len(),
            &ScenarioExtras {
                versus,
                branches,
                precision,
            },
            with_charts,
        ),
    )
}

/// One scenario of a run, as the run's pages need it.
pub struct RunEntry<'a> {
    pub loaded: &'a Loaded,
    pub summary: &'a Summary,
    /// Every replication's `cost.total`, in replication order.
    pub cost_totals: Vec<f64>,
    /// Its paired comparison with its baseline, when it names one.
    pub versus: Option<Versus<'a>>,
}

/// Writes the comparison charts of each group of related scenarios (see
/// [`index::groups`]) and each paired scenario's forest chart (unless `with_charts` is
/// false), and `index.html`, into `out`, listing the sweeps whose outputs are in `out` too;
/// returns the names of the files written.
pub fn run_visuals(
    out: &Path,
    entries: &[RunEntry],
    command: &str,
    with_charts: bool,
) -> anyhow::Result<Vec<String>> {
    let mut written = Vec::new();
    if with_charts && entries.len() > 1 {
        let loaded: Vec<&Loaded> = entries.iter().map(|e| e.loaded).collect();
        let groups = index::groups(&loaded);
        for (k, g) in groups.iter().enumerate().filter(|(_, g)| g.len() > 1) {
            let runs: Vec<comparison::Scenario> = g
                .iter()
                .map(|&i| comparison::Scenario {
                    world: &entries[i].loaded.world,
                    summary: entries[i].summary,
                    cost_totals: entries[i].cost_totals.clone(),
                })
                .collect();
            let mut rendered = comparison::render_all(&runs)?;
            for (r, (name, _)) in rendered
                .iter_mut()
                .zip(index::group_chart_names(k, groups.len()))
            {
                r.name = name;
            }
            written.extend(write_charts(out, rendered)?);
        }
    }
    if with_charts {
        for e in entries {
            let Some(v) = e.versus.as_ref().filter(|v| !v.rows.is_empty()) else {
                continue;
            };
            let w = &e.loaded.world;
            let chart = ForestChart::of(
                v.rows,
                v.baseline,
                &w.name,
                run_label(&w.name, w.seed, e.cost_totals.len()),
                &w.currency,
            );
            let name = headline::forest_name(&w.name);
            written.extend(write_charts(out, vec![render(&name, &chart)?])?);
        }
    }
    let entries: Vec<IndexEntry> = entries
        .iter()
        .map(|e| IndexEntry {
            loaded: e.loaded,
            summary: e.summary,
            replications: e.cost_totals.len(),
            versus: e.versus.as_ref().map(|v| Versus {
                baseline: v.baseline,
                rows: v.rows,
                note: v.note.clone(),
                drivers: v.drivers,
            }),
        })
        .collect();
    atomic_write(
        &out.join("index.html"),
        &index::index(
            &entries,
            command,
            with_charts,
            &crate::sweep::report::run_index_section(out),
        ),
    )?;
    written.push("index.html".into());
    Ok(written)
}

/// `regsim run PATH... [--replications N] [--seed S] [--no-charts]`: the run as invoked,
/// without the options that do not change results (`--threads`, `--out`).
pub fn run_command(
    paths: &[PathBuf],
    replications: Option<u32>,
    seed: Option<u64>,
    no_charts: bool,
) -> String {
    let mut c = String::from("regsim run");
    for p in paths {
        c.push(' ');
        c.push_str(&shell_word(&p.display().to_string()));
    }
    if let Some(r) = replications {
        c.push_str(&format!(" --replications {r}"));
    }
    if let Some(s) = seed {
        c.push_str(&format!(" --seed {s}"));
    }
    if no_charts {
        c.push_str(" --no-charts");
    }
    c
}
