//! Paired differences between two scenarios run on the same random streams.
//!
//! Replication r of both draws the same numbers for every block they share, so the difference
//! dᵣ = changedᵣ − baseᵣ cancels the noise of what they share. Per metric (those both have, in
//! the base's order): the means, the mean difference d̄, its sd, the 95% interval
//! d̄ ± t(0.975, n − 1)·sd/√n, the relative change d̄ / base mean (empty when the base mean is
//! 0), and the share of replications where changed > base.

use std::io;

use super::aggregate::{t975, Stats, Summary};
use super::table::Table;
use super::Layout;

/// The paired comparison of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedStats {
    pub metric: String,
    pub base_mean: f64,
    pub changed_mean: f64,
    pub diff_mean: f64,
    pub diff_sd: f64,
    pub ci95: [f64; 2],
    /// `diff_mean / base_mean`; `None` when the base mean is 0.
    pub rel_change: Option<f64>,
    pub p_changed_greater: f64,
}

/// Every replication's totals of one scenario, in replication order.
pub struct Totals<'a> {
    pub layout: &'a Layout,
    /// `totals.row(replication)[metric]`.
    pub totals: &'a Table,
}

/// The paired differences of every metric `base` and `changed` share (same replications),
/// reading their totals a column at a time.
pub fn paired(base: &Totals, changed: &Totals) -> io::Result<Vec<PairedStats>> {
    let n = base.totals.len().min(changed.totals.len());
    let mut out = Vec::new();
    for (k, name) in base.layout.names.iter().enumerate() {
        let Some(j) = changed.layout.index(name) else {
            continue;
        };
        let (b, c) = (base.totals.column(k)?, changed.totals.column(j)?);
        let pairs: Vec<(f64, f64)> = b.into_iter().zip(c).take(n).collect();
        out.push(stats(name, &pairs));
    }
    Ok(out)
}

/// Statistics of `changed − base`, replication by replication, for every metric of
/// `changed`'s layout, in its order: a metric `base` does not have counts as 0 there. The
/// statistics of one sweep point compared with its `versus` scenario.
pub fn differences(changed: &Totals, base: &Totals) -> io::Result<Vec<Stats>> {
    let n = base.totals.len().min(changed.totals.len());
    changed
        .layout
        .names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let mut d = changed.totals.column(k)?;
            d.truncate(n);
            if let Some(j) = base.layout.index(name) {
                let b = base.totals.column(j)?;
                d.iter_mut().zip(b).for_each(|(x, b)| *x -= b);
            }
            Ok(Stats::of(&mut d))
        })
        .collect()
}

/// Paired statistics of (base, changed) values.
pub fn stats(metric: &str, pairs: &[(f64, f64)]) -> PairedStats {
    let n = pairs.len();
    let nf = n.max(1) as f64;
    let base_mean = pairs.iter().map(|p| p.0).sum::<f64>() / nf;
    let changed_mean = pairs.iter().map(|p| p.1).sum::<f64>() / nf;
    let diff_mean = changed_mean - base_mean;
    let diff_sd = if n > 1 {
        let ss: f64 = pairs
            .iter()
            .map(|(b, c)| (c - b - diff_mean) * (c - b - diff_mean))
            .sum();
        (ss / (nf - 1.0)).sqrt()
    } else {
        0.0
    };
    let half = if n > 1 {
        t975(n - 1) * diff_sd / nf.sqrt()
    } else {
        0.0
    };
    PairedStats {
        metric: metric.to_string(),
        base_mean,
        changed_mean,
        diff_mean,
        diff_sd,
        ci95: [diff_mean - half, diff_mean + half],
        rel_change: (base_mean != 0.0).then(|| diff_mean / base_mean),
        p_changed_greater: pairs.iter().filter(|(b, c)| c > b).count() as f64 / nf,
    }
}

/// The paired differences of `changed` against `base`, from their summaries' layouts and
/// per-replication totals.
pub fn versus(
    base: (&Summary, &Table),
    changed: (&Summary, &Table),
) -> io::Result<Vec<PairedStats>> {
    paired(
        &Totals {
            layout: &base.0.layout,
            totals: base.1,
        },
        &Totals {
            layout: &changed.0.layout,
            totals: changed.1,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_cancels_shared_noise_and_keeps_the_effect() {
        // changed = base + 2 + small noise: the paired sd is the small noise's, not the base's.
        let pairs: Vec<(f64, f64)> = (0..100)
            .map(|i| {
                let base = 1000.0 * ((i * 37 % 100) as f64);
                (base, base + 2.0 + if i % 2 == 0 { 0.5 } else { -0.5 })
            })
            .collect();
        let s = stats("m", &pairs);
        assert!((s.diff_mean - 2.0).abs() < 1e-9);
        assert!((s.diff_sd - 0.5025).abs() < 1e-3, "{}", s.diff_sd);
        assert!(s.ci95[0] > 1.8 && s.ci95[1] < 2.2, "{:?}", s.ci95);
        assert_eq!(s.p_changed_greater, 1.0);
        assert!((s.rel_change.unwrap() - 2.0 / s.base_mean).abs() < 1e-12);
        assert_eq!(stats("z", &[(0.0, 1.0), (0.0, 0.0)]).rel_change, None);
    }
}
