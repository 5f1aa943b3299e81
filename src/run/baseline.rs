//! Baselines within a run: the order scenarios run in (a baseline before the scenarios that
//! name it), their paired comparisons, and money in one report currency for the comparison.

use crate::metrics::aggregate::Summary;
use crate::metrics::drivers::{strongest, Driver};
use crate::metrics::paired::versus;
use crate::metrics::table::Table;
use crate::report::format::Unit;
use crate::report::headline;
use crate::scenario::Loaded;

use super::results::VersusRows;

/// One finished scenario of a run.
pub(super) struct Done {
    pub summary: Summary,
    pub cost_totals: Vec<f64>,
    /// Every replication's totals, for paired differences (empty unless a baseline).
    pub totals: Table,
    /// Its paired comparison with its baseline, when it names one.
    pub versus: Option<VersusRows>,
}

/// Whether a metric is an amount of money (converted between currencies).
fn is_money(name: &str) -> bool {
    matches!(Unit::of_metric(name, ""), Unit::Money(_))
}

/// The scenarios and their results with money in the report currency, when their currencies
/// differ and every one names the same `finance.report_currency`; `None` otherwise (each stays
/// in its own currency, and the comparison says so).
pub(super) fn in_report_currency(
    loaded: &[Loaded],
    done: &[Done],
) -> Option<(Vec<Loaded>, Vec<Done>)> {
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
        let mut versus = d.versus.clone();
        for r in versus.iter_mut().flat_map(|v| &mut v.rows) {
            if is_money(&r.metric) {
                r.scale(k);
            }
        }
        out_done.push(Done {
            summary,
            cost_totals: d.cost_totals.iter().map(|v| v * k).collect(),
            totals: Table::default(),
            versus,
        });
        out_loaded.push(l);
    }
    Some((out_loaded, out_done))
}

/// The order scenarios run in: file order, except that a baseline runs before the scenarios
/// that name it (when it is part of the run), so their paired differences can be written
/// with them.
pub(super) fn execution_order(loaded: &[Loaded]) -> Vec<usize> {
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
pub(super) fn versus_baseline(
    loaded: &[Loaded],
    done: &[Option<Done>],
    l: &Loaded,
    summary: &Summary,
    (totals, inputs): (&Table, &Table),
) -> std::io::Result<Option<VersusRows>> {
    let Some(baseline) = l.world.baseline.clone() else {
        return Ok(None);
    };
    let found = loaded.iter().position(|o| o.world.name == baseline);
    let unpaired = |note: String| VersusRows {
        baseline: baseline.clone(),
        rows: Vec::new(),
        note: Some(note),
        drivers: Vec::new(),
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
        drivers: drivers((&d.summary, &d.totals), (summary, totals, inputs))?,
    }))
}

/// For each headline metric both scenarios have, the drawn input of `changed` that moves
/// its paired difference most (by rank correlation over replications).
fn drivers(
    (base, base_totals): (&Summary, &Table),
    (changed, totals, inputs): (&Summary, &Table, &Table),
) -> std::io::Result<Vec<(String, Driver)>> {
    let names = &changed.layout.inputs.names;
    let columns: Vec<(String, Vec<f64>)> = (0..names.len())
        .map(|k| Ok((names[k].clone(), inputs.column(k)?)))
        .collect::<std::io::Result<_>>()?;
    let mut out = Vec::new();
    for metric in headline::METRICS {
        let (Some(i), Some(j)) = (base.layout.index(metric), changed.layout.index(metric)) else {
            continue;
        };
        let b = base_totals.column(i)?;
        let diff: Vec<f64> = totals
            .column(j)?
            .iter()
            .zip(&b)
            .map(|(c, b)| c - b)
            .collect();
        if let Some(d) = strongest(&diff, &columns) {
            out.push((metric.to_string(), d));
        }
    }
    Ok(out)
}
