//! Intervals that hold for the samples a simulator makes: skewed, zero-inflated, heavy-tailed.
//!
//! - **Mean** ([`mean_interval`]): a studentised (bootstrap-t) interval from [`RESAMPLES`]
//!   resamples while n ≤ [`BOOTSTRAP_MAX`], else the t interval mean ± t(0.975, n − 1)·sd/√n
//!   (at that size the t interval's skewness error, O(skew/√n), is below half a point of
//!   coverage for the skew the shipped scenarios show, and a bootstrap of every metric would cost
//!   more than the run). The resamples come from a stream keyed by the metric's name (see
//!   [`stream`]), so an interval never depends on the order metrics are summarised in or on
//!   threads. Fewer than [`FEW`] non-zero values cannot tell a tail apart from its absence; the
//!   interval is then flagged `few_nonzero`. When every value is equal there is no spread to
//!   resample: no interval, the flag `all_equal` and "k non-zero of n" instead.
//! - **Shares** ([`wilson`]): Wilson score intervals.
//! - **Expected shortfall** ([`shortfall_sorted`]): the empirical (Acerbi–Tasche) tail mean,
//!   with a percentile-bootstrap interval ([`shortfall_interval`]).
//! - **Milestones** ([`km_median`]): with censoring only at the horizon the Kaplan–Meier
//!   survival is the empirical one before the horizon.

use rand::Rng as _;

use crate::engine::rng::{Base, Rng};

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 999;
/// Largest sample bootstrapped; above it intervals are asymptotic (t, normal).
pub const BOOTSTRAP_MAX: usize = 2000;
/// Fewer non-zero values than this flag an interval (and fewer tail values an ES).
pub const FEW: usize = 10;
/// The 97.5% normal quantile.
const Z: f64 = 1.959_963_984_540_054;

/// How an interval was made (written in the outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    #[serde(rename = "bootstrap-t")]
    BootstrapT,
    #[serde(rename = "t")]
    T,
    /// Every value equal: no interval.
    #[serde(rename = "none")]
    None,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::BootstrapT => "bootstrap-t",
            Method::T => "t",
            Method::None => "none",
        }
    }
}

/// The random stream of the bootstrap of metric `name` (`kind` tells a summary's from a paired
/// comparison's) under scenario seed `seed`.
pub fn stream(seed: u64, kind: &str, name: &str) -> Rng {
    Base::new(seed, 0, kind, name).rng()
}

/// A 95% interval of a mean and how it was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanInterval {
    /// `[mean, mean]` when every value is equal (see [`Method::None`]).
    pub ci95: [f64; 2],
    pub method: Method,
}

/// Sample mean and sd.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, sd)
}

/// The 95% interval of the mean of `values` (in any order; the order is part of the
/// resampling, so callers pass replication order).
pub fn mean_interval(values: &[f64], rng: &mut Rng) -> MeanInterval {
    let n = values.len();
    let (mean, sd) = mean_sd(values);
    if n < 2 || sd == 0.0 || values.iter().all(|&v| v == values[0]) {
        return MeanInterval {
            ci95: [mean, mean],
            method: Method::None,
        };
    }
    let se = sd / (n as f64).sqrt();
    if n > BOOTSTRAP_MAX {
        let half = super::sample::t975(n - 1) * se;
        return MeanInterval {
            ci95: [mean - half, mean + half],
            method: Method::T,
        };
    }
    let nf = n as f64;
    let mut t = Vec::with_capacity(RESAMPLES);
    for _ in 0..RESAMPLES {
        let (mut s, mut ss) = (0.0, 0.0);
        for _ in 0..n {
            let x = values[rng.random_range(0..n)] - mean;
            s += x;
            ss += x * x;
        }
        let m = s / nf;
        let var = ((ss - s * m) / (nf - 1.0)).max(0.0);
        let se_b = (var / nf).sqrt();
        // A resample without spread (all one value) counts as the extreme it is.
        t.push(if se_b > 0.0 {
            m / se_b
        } else if m > 0.0 {
            f64::INFINITY
        } else if m < 0.0 {
            f64::NEG_INFINITY
        } else {
            0.0
        });
    }
    t.sort_by(f64::total_cmp);
    // Order statistics (B + 1)·0.025 and (B + 1)·0.975 of B = 999.
    let (lo_t, hi_t) = (
        t[(RESAMPLES + 1) / 40 - 1],
        t[(RESAMPLES + 1) * 39 / 40 - 1],
    );
    // A bound past every resample's spread (a resample without spread was the extreme) is
    // the sample's extreme: the mean of no reweighting of the sample lies beyond it.
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let finite = |v: f64, or: f64| if v.is_finite() { v } else { or };
    MeanInterval {
        ci95: [finite(mean - hi_t * se, min), finite(mean - lo_t * se, max)],
        method: Method::BootstrapT,
    }
}

/// Wilson score 95% interval of a share `k / n`.
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (nf, p) = (n as f64, k as f64 / n as f64);
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = Z / (1.0 + z2 / nf) * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// Expected shortfall of sorted (ascending) data at level `alpha`: the mean of the worst
/// (highest) (1 − α)n values, the ⌈(1 − α)n⌉-th from the top weighted by the fraction of it
/// that falls in the tail (Acerbi & Tasche 2002).
pub fn shortfall_sorted(sorted: &[f64], alpha: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let tail = (1.0 - alpha) * n as f64;
    if tail <= 0.0 {
        return sorted[n - 1];
    }
    let whole = tail.floor() as usize;
    let top: f64 = sorted[n - whole..].iter().sum();
    let frac = tail - whole as f64;
    let edge = if whole < n {
        frac * sorted[n - 1 - whole]
    } else {
        0.0
    };
    (top + edge) / tail
}

/// Number of tail values behind `ES_α` of n values: (1 − α)n.
pub fn tail_size(n: usize, alpha: f64) -> f64 {
    (1.0 - alpha) * n as f64
}

/// `ES_α` of n values from the highest ones, `top` (ascending, at least ⌈(1 − α)n⌉ + 1 of
/// them unless that is all n).
fn shortfall_top(top: &[f64], n: usize, alpha: f64) -> f64 {
    let tail = tail_size(n, alpha);
    let l = top.len();
    if tail <= 0.0 {
        return top[l - 1];
    }
    let whole = tail.floor() as usize;
    let sum: f64 = top[l - whole..].iter().sum();
    let edge = if whole < l {
        (tail - whole as f64) * top[l - 1 - whole]
    } else {
        0.0
    };
    (sum + edge) / tail
}

/// Percentile-bootstrap 95% intervals of `ES_95` and `ES_99` of `values` (`None` past
/// [`BOOTSTRAP_MAX`] or when every value is equal). Each resample keeps only its top 5%.
pub fn shortfall_intervals(values: &[f64], rng: &mut Rng) -> Option<[[f64; 2]; 2]> {
    let n = values.len();
    if !(2..=BOOTSTRAP_MAX).contains(&n) || values.iter().all(|&v| v == values[0]) {
        return None;
    }
    let keep = ((tail_size(n, 0.95).ceil() as usize) + 1).min(n);
    let mut es = [Vec::with_capacity(RESAMPLES), Vec::with_capacity(RESAMPLES)];
    let mut draw = vec![0.0; n];
    for _ in 0..RESAMPLES {
        draw.iter_mut()
            .for_each(|d| *d = values[rng.random_range(0..n)]);
        let top = if keep < n {
            draw.select_nth_unstable_by(n - keep, f64::total_cmp);
            &mut draw[n - keep..]
        } else {
            &mut draw[..]
        };
        top.sort_unstable_by(f64::total_cmp);
        es[0].push(shortfall_top(top, n, 0.95));
        es[1].push(shortfall_top(top, n, 0.99));
    }
    Some(es.map(|mut e| {
        e.sort_by(f64::total_cmp);
        [
            e[(RESAMPLES + 1) / 40 - 1],
            e[(RESAMPLES + 1) * 39 / 40 - 1],
        ]
    }))
}

/// Kaplan–Meier median of times `sorted` (ascending) censored at `horizon` (a value ≥ horizon
/// is "not reached by then"); `None` when fewer than half are reached.
pub fn km_median(sorted: &[f64], horizon: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    // S(t) = #{T > t} / n before the horizon; the median is the first t with S(t) ≤ 1/2.
    let t = sorted[n.div_ceil(2) - 1];
    (t < horizon).then_some(t)
}

#[cfg(test)]
#[path = "intervals_tests.rs"]
mod tests;
