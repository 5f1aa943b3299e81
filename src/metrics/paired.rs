//! Paired differences between two scenarios run on the same random streams.
//!
//! Replication r of both draws the same numbers for every block they share, so the difference
//! dᵣ = changedᵣ − baseᵣ cancels the noise of what they share. Per metric (those both have, in
//! the base's order): the means, the mean difference d̄, its sd, the 95% interval
//! of d̄ (see [`super::intervals::mean_interval`]: bootstrap-t, keyed by the metric's name, or t
//! past the bootstrap's size; none, flagged `all_equal`, when every difference is equal), the
//! relative change d̄ / base mean (empty when the base mean is 0), and the share of replications
//! where changed > base. A milestone's day is censored at the horizon, so its row adds the
//! shares that reached it and their paired difference, and the Kaplan–Meier medians; its mean
//! difference is the difference of restricted means (of min(day, horizon)).

use std::io;

use crate::engine::rng::Rng;

use super::aggregate::{flags, quantile_sorted, Stats, Summary};
use super::intervals::{self, Method};
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
    /// The 5th, 50th and 95th percentiles of the paired differences: their range across
    /// drawn inputs, not the precision of `diff_mean` (that is `ci95`).
    pub diff_quantiles: [f64; 3],
    /// `diff_mean / base_mean`; `None` when the base mean is 0.
    pub rel_change: Option<f64>,
    pub p_changed_greater: f64,
    /// How `ci95` was made (`bootstrap-t`, `t`, `none`).
    pub ci95_method: &'static str,
    /// Replications, and those whose difference is not 0.
    pub n: usize,
    pub n_nonzero: usize,
    /// `all_equal`, `few_nonzero`, `es95_tail_under_10`, `es99_tail_under_10`.
    pub flags: Vec<&'static str>,
    /// Set for milestones.
    pub milestone: Option<PairedMilestone>,
}

/// A milestone's paired comparison: whether it is reached, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedMilestone {
    pub p_reached_base: f64,
    pub p_reached_changed: f64,
    /// Mean of (reached in changed − reached in base) and its 95% interval (`None` when
    /// every replication agrees).
    pub p_reached_diff: f64,
    pub p_reached_diff_ci95: Option<[f64; 2]>,
    /// Kaplan–Meier medians (`None`: not reached by half the replications).
    pub km_median_base: Option<f64>,
    pub km_median_changed: Option<f64>,
}

impl PairedStats {
    /// Whether every paired difference was equal (then `ci95` is no interval).
    pub fn all_equal(&self) -> bool {
        self.flags.contains(&"all_equal")
    }

    /// The same comparison with amounts multiplied by `k` (another currency).
    pub fn scale(&mut self, k: f64) {
        for v in [
            &mut self.base_mean,
            &mut self.changed_mean,
            &mut self.diff_mean,
            &mut self.diff_sd,
        ] {
            *v *= k;
        }
        self.ci95 = self.ci95.map(|v| v * k);
        self.diff_quantiles = self.diff_quantiles.map(|v| v * k);
    }
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
        let seed = base.layout.seed;
        let mut s = stats_with(
            name,
            &pairs,
            &mut intervals::stream(seed, "bootstrap-diff", name),
        );
        if base.layout.is_milestone(k) {
            s.milestone = Some(milestone(
                &pairs,
                base.layout.horizon_days,
                &mut intervals::stream(seed, "bootstrap-reached", name),
            ));
        }
        out.push(s);
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
            // The stream `paired` uses, so a sweep's `versus` interval is `diff`'s.
            let rng = &mut intervals::stream(base.layout.seed, "bootstrap-diff", name);
            Ok(Stats::with(&mut d, Some(rng), None))
        })
        .collect()
}

/// Paired statistics of (base, changed) values, resampling from a stream keyed by `metric`
/// under seed 0 (for pairs that are not a run's metric).
pub fn stats(metric: &str, pairs: &[(f64, f64)]) -> PairedStats {
    stats_with(
        metric,
        pairs,
        &mut intervals::stream(0, "bootstrap-diff", metric),
    )
}

/// Paired statistics of (base, changed) values, resampling with `rng`.
pub fn stats_with(metric: &str, pairs: &[(f64, f64)], rng: &mut Rng) -> PairedStats {
    let n = pairs.len();
    let nf = n.max(1) as f64;
    let base_mean = pairs.iter().map(|p| p.0).sum::<f64>() / nf;
    let changed_mean = pairs.iter().map(|p| p.1).sum::<f64>() / nf;
    let d: Vec<f64> = pairs.iter().map(|(b, c)| c - b).collect();
    let diff_mean = changed_mean - base_mean;
    let diff_sd = intervals::mean_sd(&d).1;
    let iv = intervals::mean_interval(&d, rng);
    // The interval is of the mean of the differences, which rounding can set a hair off
    // the difference of the means reported with it: it holds that one too.
    let ci95 = if iv.method == Method::None {
        [diff_mean, diff_mean]
    } else {
        [iv.ci95[0].min(diff_mean), iv.ci95[1].max(diff_mean)]
    };
    let n_nonzero = d.iter().filter(|&&x| x != 0.0).count();
    let mut sorted = d.clone();
    sorted.sort_by(f64::total_cmp);
    let diff_quantiles = [0.05, 0.5, 0.95].map(|q| quantile_sorted(&sorted, q));
    PairedStats {
        metric: metric.to_string(),
        base_mean,
        changed_mean,
        diff_mean,
        diff_sd,
        ci95,
        diff_quantiles,
        rel_change: (base_mean != 0.0).then(|| diff_mean / base_mean),
        p_changed_greater: pairs.iter().filter(|(b, c)| c > b).count() as f64 / nf,
        ci95_method: iv.method.name(),
        n,
        n_nonzero,
        flags: flags(n, n_nonzero, iv.method),
        milestone: None,
    }
}

/// The censored comparison of a milestone's (base, changed) days under `horizon`.
fn milestone(pairs: &[(f64, f64)], horizon: f64, rng: &mut Rng) -> PairedMilestone {
    let nf = pairs.len().max(1) as f64;
    let reached = |v: f64| f64::from(u8::from(v < horizon));
    let d: Vec<f64> = pairs
        .iter()
        .map(|&(b, c)| reached(c) - reached(b))
        .collect();
    let iv = intervals::mean_interval(&d, rng);
    let median = |pick: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = pairs.iter().map(pick).collect();
        v.sort_by(f64::total_cmp);
        intervals::km_median(&v, horizon)
    };
    PairedMilestone {
        p_reached_base: pairs.iter().map(|p| reached(p.0)).sum::<f64>() / nf,
        p_reached_changed: pairs.iter().map(|p| reached(p.1)).sum::<f64>() / nf,
        p_reached_diff: d.iter().sum::<f64>() / nf,
        p_reached_diff_ci95: (iv.method != Method::None).then_some(iv.ci95),
        km_median_base: median(|p| p.0),
        km_median_changed: median(|p| p.1),
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
        // The differences are 1.5 and 2.5, half each: their range, not the mean's precision.
        assert_eq!(s.diff_quantiles, [1.5, 2.0, 2.5]);
        assert!((s.rel_change.unwrap() - 2.0 / s.base_mean).abs() < 1e-12);
        assert_eq!(stats("z", &[(0.0, 1.0), (0.0, 0.0)]).rel_change, None);
    }

    #[test]
    fn the_interval_holds_the_difference_of_the_means_it_is_reported_with() {
        // Differences equal but for rounding (0.3 added to values of 1e6 to 1.3e7): the mean of the
        // differences and the difference of the means part by more than the differences' own
        // spread, so an interval around the one misses the other.
        let pairs: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let base = 1e6 * f64::from(1 + i % 13) + 0.1 * f64::from(i);
                (base, base + 0.3)
            })
            .collect();
        for name in ["a", "b", "c", "d"] {
            let s = stats(name, &pairs);
            assert!(
                s.ci95[0] <= s.diff_mean && s.diff_mean <= s.ci95[1],
                "{name}: {:?} misses {}",
                s.ci95,
                s.diff_mean
            );
        }
    }
}
