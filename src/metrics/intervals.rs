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
//! - **Skewed, non-negative means** (sample skewness above [`SKEWED`], as fines, records and
//!   costs are): the bootstrap-t misses on one side, above, because a sample of 50 rarely holds
//!   the rare large values that make most of the mean (lognormal σ = 1.5: 91.8% at n = 50). The
//!   interval is then the hull of the bootstrap-t interval and a delta-lognormal one
//!   ([`Method::Hull`], flagged `conservative`): zeros with probability 1 − p and a lognormal
//!   above, p and the lognormal's parameters drawn from their generalised pivotal quantities
//!   (Tian 2005, "Inferences on the mean of zero-inflated lognormal data"; Jeffreys Beta for p),
//!   [`PIVOTS`] draws. A hull of two intervals covers at least as often as either. The
//!   lognormal part is used only where the logs of the non-zero values look normal enough
//!   ([`lognormal_fits`]: not left-skewed or heavy-tailed beyond three standard errors); where
//!   they do not, the lognormal's fitted variance would bound the mean far above anything the
//!   sample supports, and the interval stays bootstrap-t. With fewer
//!   than [`FEW`] non-zero values the lognormal's σ is not known well enough to bound the mean
//!   unless a cap on the values is known (a fine's legal maximum): with a cap the pivot is the
//!   mean of the capped lognormal, and below two non-zero values the bound is the Wilson upper
//!   bound of p times the cap; without one the interval stays bootstrap-t, flagged.
//! - **Shares** ([`wilson`]): Wilson score intervals.
//! - **Expected shortfall** ([`shortfall_sorted`]): the empirical (Acerbi–Tasche) tail mean,
//!   with a percentile-bootstrap interval from the mean's resamples
//!   ([`mean_and_shortfall_intervals`]).
//! - **Milestones** ([`km_median`]): with censoring only at the horizon the Kaplan–Meier
//!   survival is the empirical one before the horizon.

use rand::Rng as _;

use crate::engine::rng::{Base, Rng};
use crate::model::samplers::{beta, gamma, std_normal};

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 999;
/// Largest sample bootstrapped; above it intervals are asymptotic (t, normal).
pub const BOOTSTRAP_MAX: usize = 2000;
/// Fewer non-zero values than this flag an interval (and fewer tail values an ES).
pub const FEW: usize = 10;
/// Draws of the delta-lognormal pivot (cheap: a few gamma draws each, whatever n).
pub const PIVOTS: usize = 1999;
/// Sample skewness above which a non-negative sample's mean interval is [`Method::Hull`].
pub const SKEWED: f64 = 1.0;
/// The 97.5% normal quantile.
const Z: f64 = 1.959_963_984_540_054;

/// How an interval was made (written in the outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    #[serde(rename = "bootstrap-t")]
    BootstrapT,
    /// The hull of the bootstrap-t and the delta-lognormal intervals (skewed, non-negative).
    #[serde(rename = "bootstrap-t+delta-lognormal")]
    Hull,
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
            Method::Hull => "bootstrap-t+delta-lognormal",
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
/// resampling, so callers pass replication order), for values with no known cap.
pub fn mean_interval(values: &[f64], rng: &mut Rng) -> MeanInterval {
    mean_interval_capped(values, None, rng)
}

/// The 95% interval of the mean of `values`, each at most `cap` when one is known.
pub fn mean_interval_capped(values: &[f64], cap: Option<f64>, rng: &mut Rng) -> MeanInterval {
    let boot = bootstrap(values, rng, false).0;
    hull(values, boot, cap, rng)
}

/// The 95% interval of the mean (as [`mean_interval`]) and percentile-bootstrap 95% intervals
/// of `ES_95` and `ES_99` (`None` past [`BOOTSTRAP_MAX`] or when every value is equal), both
/// from one set of resamples: each resample's mean and sd make its t, its top 5% its ES.
pub fn mean_and_shortfall_intervals(
    values: &[f64],
    rng: &mut Rng,
) -> (MeanInterval, Option<[[f64; 2]; 2]>) {
    let (boot, es) = bootstrap(values, rng, true);
    (hull(values, boot, None, rng), es)
}

/// `boot`, or its hull with the delta-lognormal interval for skewed non-negative `values`.
fn hull(values: &[f64], boot: MeanInterval, cap: Option<f64>, rng: &mut Rng) -> MeanInterval {
    if boot.method != Method::BootstrapT
        || values.iter().any(|&v| v < 0.0)
        || skewness(values) <= SKEWED
    {
        return boot;
    }
    match delta_lognormal(values, cap, rng) {
        Some([lo, hi]) => MeanInterval {
            ci95: [boot.ci95[0].min(lo), boot.ci95[1].max(hi)],
            method: Method::Hull,
        },
        None => boot,
    }
}

/// The t interval mean ± t(0.975, n − 1)·sd/√n (none when every value is equal).
pub fn t_interval(values: &[f64]) -> MeanInterval {
    let n = values.len();
    let (mean, sd) = mean_sd(values);
    if n < 2 || sd == 0.0 || values.iter().all(|&v| v == values[0]) {
        return MeanInterval {
            ci95: [mean, mean],
            method: Method::None,
        };
    }
    let half = super::sample::t975(n - 1) * sd / (n as f64).sqrt();
    MeanInterval {
        ci95: [mean - half, mean + half],
        method: Method::T,
    }
}

/// Sample skewness (the moment estimator; 0 without spread).
fn skewness(values: &[f64]) -> f64 {
    let (mean, sd) = mean_sd(values);
    if sd == 0.0 {
        return 0.0;
    }
    values
        .iter()
        .map(|v| ((v - mean) / sd).powi(3))
        .sum::<f64>()
        / values.len() as f64
}

/// Whether `logs` (the logs of a sample's non-zero values) are consistent with a normal sample,
/// as far as the delta-lognormal bound needs: not skewed to the left, and not heavier-tailed,
/// beyond three standard errors of a normal sample's skewness (√(6/k)) and excess kurtosis
/// (√(24/k)). Logs with a long left tail (waits near zero in a few replications, say) inflate the
/// fitted log-variance and so the lognormal's mean exp(μ + σ²/2): a pivot interval of a mean of
/// 0.28 days reached 197 days. Such a sample gets the bootstrap-t interval alone.
fn lognormal_fits(logs: &[f64]) -> bool {
    let k = logs.len() as f64;
    let (m, sd) = mean_sd(logs);
    if sd == 0.0 {
        return true;
    }
    let (mut m3, mut m4) = (0.0, 0.0);
    for z in logs.iter().map(|y| (y - m) / sd) {
        m3 += z.powi(3);
        m4 += z.powi(4);
    }
    let (skew, excess) = (m3 / k, m4 / k - 3.0);
    skew >= -3.0 * (6.0 / k).sqrt() && excess <= 3.0 * (24.0 / k).sqrt()
}

/// Φ, the standard normal CDF.
fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// E[min(Y, cap)] for Y lognormal with log-mean `mu` and log-variance `s2`.
fn capped_lognormal_mean(mu: f64, s2: f64, cap: f64) -> f64 {
    if s2 <= 0.0 {
        return mu.exp().min(cap);
    }
    let (s, c) = (s2.sqrt(), cap.ln());
    // exp(μ + σ²/2)·Φ((c − μ − σ²)/σ), in logs so that a huge σ² cannot overflow.
    let below = (mu + s2 / 2.0 + normal_cdf((c - mu - s2) / s).ln()).exp();
    below + cap * normal_cdf(-(c - mu) / s)
}

/// The delta-lognormal generalised-pivot 95% interval of the mean of non-negative `values`
/// (`None` where it cannot bound the mean: fewer than [`FEW`] non-zero values and no cap).
fn delta_lognormal(values: &[f64], cap: Option<f64>, rng: &mut Rng) -> Option<[f64; 2]> {
    let n = values.len();
    let logs: Vec<f64> = values
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|v| v.ln())
        .collect();
    let n1 = logs.len();
    match cap {
        None if n1 < FEW => return None,
        Some(c) if n1 < 2 => return Some([0.0, wilson(n1, n)[1] * c]),
        _ => {}
    }
    if n1 >= FEW && !lognormal_fits(&logs) {
        return None;
    }
    let (m, s) = mean_sd(&logs);
    let (n0, n1f) = ((n - n1) as f64, n1 as f64);
    let mut pivots: Vec<f64> = (0..PIVOTS)
        .map(|_| {
            // σ² = (n₁ − 1)s²/χ²(n₁ − 1), μ = ȳ − Z·σ/√n₁, p ~ Beta(n₁ + ½, n₀ + ½).
            let s2 = (n1f - 1.0) * s * s / (2.0 * gamma(rng, (n1f - 1.0) / 2.0, 1.0));
            let mu = m - std_normal(rng) * (s2 / n1f).sqrt();
            let p = if n0 > 0.0 {
                beta(rng, n1f + 0.5, n0 + 0.5)
            } else {
                1.0
            };
            p * match cap {
                Some(c) => capped_lognormal_mean(mu, s2, c),
                None => (mu + s2 / 2.0).exp(),
            }
        })
        .collect();
    pivots.sort_by(f64::total_cmp);
    let [lo, hi] = [
        pivots[(PIVOTS + 1) / 40 - 1],
        pivots[(PIVOTS + 1) * 39 / 40 - 1],
    ];
    hi.is_finite().then_some([lo, hi])
}

/// The bootstrap-t interval (or t past [`BOOTSTRAP_MAX`], or none without spread) and, with
/// `shortfall`, the percentile intervals of `ES_95` and `ES_99` from the same resamples.
fn bootstrap(
    values: &[f64],
    rng: &mut Rng,
    shortfall: bool,
) -> (MeanInterval, Option<[[f64; 2]; 2]>) {
    let n = values.len();
    if n > BOOTSTRAP_MAX {
        return (t_interval(values), None);
    }
    let (mean, sd) = mean_sd(values);
    if n < 2 || sd == 0.0 || values.iter().all(|&v| v == values[0]) {
        return (t_interval(values), None);
    }
    let se = sd / (n as f64).sqrt();
    let nf = n as f64;
    let keep = ((tail_size(n, 0.95).ceil() as usize) + 1).min(n);
    let mut t = Vec::with_capacity(RESAMPLES);
    let mut es = [Vec::new(), Vec::new()];
    // A resample's ES needs only its `keep` highest values: count how often each value is
    // drawn and read them off the values ranked once, highest first (no per-resample copy,
    // selection or sort; equal values are interchangeable, so the tail is the same).
    let ranked: Vec<usize> = if shortfall {
        let mut r: Vec<usize> = (0..n).collect();
        r.sort_unstable_by(|&a, &b| values[b].total_cmp(&values[a]));
        r
    } else {
        Vec::new()
    };
    let mut drawn = vec![0u32; ranked.len()];
    let mut top = Vec::with_capacity(keep);
    for _ in 0..RESAMPLES {
        let (mut s, mut ss) = (0.0, 0.0);
        drawn.fill(0);
        for _ in 0..n {
            let i = rng.random_range(0..n);
            let v = values[i];
            if shortfall {
                drawn[i] += 1;
            }
            let x = v - mean;
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
        if shortfall {
            // Only the top ⌈5% n⌉ + 1 values of a resample make its ES (ascending).
            top.clear();
            for &i in &ranked {
                let take = (drawn[i] as usize).min(keep - top.len());
                top.extend(std::iter::repeat_n(values[i], take));
                if top.len() == keep {
                    break;
                }
            }
            top.reverse();
            es[0].push(shortfall_top(&top, n, 0.95));
            es[1].push(shortfall_top(&top, n, 0.99));
        }
    }
    // Order statistics (B + 1)·0.025 and (B + 1)·0.975 of B = 999.
    let order = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        [
            v[(RESAMPLES + 1) / 40 - 1],
            v[(RESAMPLES + 1) * 39 / 40 - 1],
        ]
    };
    let [lo_t, hi_t] = order(t);
    // A bound past every resample's spread (a resample without spread was the extreme) is
    // the sample's extreme: the mean of no reweighting of the sample lies beyond it.
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let finite = |v: f64, or: f64| if v.is_finite() { v } else { or };
    // The interval holds the mean it is reported with: for values equal but for rounding
    // the resamples' t can all fall on one side of it (their spread is the rounding of the
    // mean itself), and only the clamp keeps the mean inside.
    let iv = MeanInterval {
        ci95: [
            finite(mean - hi_t * se, min).min(mean),
            finite(mean - lo_t * se, max).max(mean),
        ],
        method: Method::BootstrapT,
    };
    (iv, shortfall.then(|| es.map(order)))
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
