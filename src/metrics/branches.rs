//! Branches (`branches.csv`): for every decision, every uncertain timeline event and every
//! compelled-access event, each
//! outcome's share of replications with its 95% interval (Wilson score), and the headline
//! metrics given that outcome — so a bimodal result (ban or divest) is read per branch rather
//! than through a mean no replication produces.

use std::io;

use super::aggregate::Stats;
use super::collect::Collected;
use super::Layout;
use crate::model::World;

/// Metrics shown per branch, when the scenario has them.
pub const HEADLINE: [&str; 5] = [
    "cost.total",
    "cost.fines",
    "cost.revenue_loss",
    "users.active",
    "exposure.records_visible",
];

/// One outcome of one branch, with the headline metrics given it.
#[derive(Debug, Clone)]
pub struct Branch {
    /// `decision.<name>` or `timeline.<label>`.
    pub branch: String,
    pub outcome: String,
    pub replications: usize,
    pub share: f64,
    pub ci95: [f64; 2],
    /// (metric name, its statistics over this outcome's replications).
    pub given: Vec<(String, Stats)>,
}

/// Wilson score interval of k successes in n at 95%.
fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 0.0];
    }
    let (z, nf) = (1.959_963_984_540_054, n as f64);
    let p = k as f64 / nf;
    let centre = (p + z * z / (2.0 * nf)) / (1.0 + z * z / nf);
    let half = z / (1.0 + z * z / nf) * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt();
    // At k = 0 (or n) the bound is exactly 0 (or 1); rounding must not lift it past the share.
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [lo, hi]
}

/// Every branch's outcomes, decisions first (outcomes in the order written, then "not
/// taken"), then uncertain timeline events ("happens", "does not happen"), then compelled-access
/// events ("happens": at least once). Outcomes no
/// replication took are listed with share 0. Reads the kept rows a column at a time: the
/// headline metrics' once, and each branch's input.
pub fn branches(world: &World, layout: &Layout, reps: &Collected) -> io::Result<Vec<Branch>> {
    let at = &layout.inputs;
    let n = reps.len();
    let horizon = world.calendar.days as f64;
    // (branch, input slot, its outcomes: label and whether a replication's input value took it).
    type Outcomes<'a> = Vec<(String, Box<dyn Fn(f64) -> bool + 'a>)>;
    let mut splits: Vec<(String, usize, Outcomes)> = Vec::new();
    for (d, dec) in world.decisions.iter().enumerate() {
        let mut outcomes: Outcomes = Vec::new();
        for (o, outcome) in dec.outcomes.iter().enumerate() {
            outcomes.push((outcome.label.clone(), Box::new(move |v| v == o as f64)));
        }
        outcomes.push(("not taken".into(), Box::new(|v| v < 0.0)));
        splits.push((
            format!("decision.{}", dec.name),
            at.decisions + 2 * d,
            outcomes,
        ));
    }
    for (i, e) in world.timeline.iter().enumerate() {
        let Some(slot) = at.timeline[i] else { continue };
        let outcomes: Outcomes = vec![
            ("happens".into(), Box::new(move |v| v < horizon)),
            ("does not happen".into(), Box::new(move |v| v >= horizon)),
        ];
        splits.push((format!("timeline.{}", e.label), slot, outcomes));
    }
    for (i, c) in world.compelled.iter().enumerate() {
        let outcomes: Outcomes = vec![
            ("happens".into(), Box::new(move |v| v < horizon)),
            ("does not happen".into(), Box::new(move |v| v >= horizon)),
        ];
        splits.push((
            format!("compelled_access.{}", c.name),
            at.compelled + i,
            outcomes,
        ));
    }
    if splits.is_empty() {
        return Ok(Vec::new());
    }
    let headline: Vec<(&str, Vec<f64>)> = HEADLINE
        .iter()
        .filter_map(|m| layout.index(m).map(|k| (*m, k)))
        .map(|(m, k)| Ok((m, reps.totals.column(k)?)))
        .collect::<io::Result<_>>()?;
    let mut out = Vec::new();
    for (branch, slot, outcomes) in splits {
        let input = reps.inputs.column(slot)?;
        for (outcome, hit) in outcomes {
            let picked: Vec<usize> = (0..n).filter(|&r| hit(input[r])).collect();
            let given = headline
                .iter()
                .map(|(name, column)| {
                    let mut v: Vec<f64> = picked.iter().map(|&r| column[r]).collect();
                    (name.to_string(), Stats::of(&mut v))
                })
                .collect();
            out.push(Branch {
                branch: branch.clone(),
                outcome,
                replications: picked.len(),
                share: if n > 0 {
                    picked.len() as f64 / n as f64
                } else {
                    0.0
                },
                ci95: wilson(picked.len(), n),
                given,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::wilson;

    #[test]
    fn wilson_intervals_match_hand_computed_values() {
        // 50 of 100: centre 0.5, half-width 1.96·√(0.25/100 + 1.96²/40000)/(1 + 1.96²/100).
        let [lo, hi] = wilson(50, 100);
        assert!(
            (lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4,
            "{lo} {hi}"
        );
        // None of 20: the interval still has width (0 to 0.161).
        let [lo, hi] = wilson(0, 20);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.1611).abs() < 1e-3, "{hi}");
    }
}
