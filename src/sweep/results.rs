//! A sweep's results as data: the manifest (`sweep.json`), each point's statistics and the
//! sensitivity indices of a metric. What writes them ([`super::output`]) and what charts and
//! reports them ([`super::charts`], [`super::report`]) all read these types; they read none of
//! those modules.

use serde::{Deserialize, Serialize};

use crate::metrics::aggregate::Stats;
use crate::precision::Precision;
use crate::scenario::raw::RawExpect;

use super::design::Structure;
use super::sensitivity;

/// Everything about a sweep that shards must agree on and `merge` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    /// The sweep file's name, when it is not `<name>.toml` (a sweep that sets `name`), for the
    /// report's Reproduce line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub regsim_version: String,
    pub base: String,
    pub seed: u64,
    pub replications: u32,
    pub design: String,
    pub parameters: Vec<String>,
    /// Parameter values per point, as set.
    pub points: Vec<Vec<f64>>,
    /// Metric names, in layout order.
    pub metrics: Vec<String>,
    pub sensitivity_metrics: Vec<String>,
    /// Metrics drawn in the sweep's charts.
    pub chart_metrics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sobol_rows: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub morris_steps: Option<Vec<Vec<(usize, f64)>>>,
    pub expect: Vec<RawExpect>,
    /// The `versus` scenario (as written) whose paired difference every statistic is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// Parameters with no path in the `versus` scenario, set in the base only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versus_unset: Vec<String>,
    /// The base scenario's currency, for money on the charts' axes.
    #[serde(default)]
    pub currency: String,
    /// Why the sweep may not mean what it says ([`super::warn`]), for its report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Each point's precision target, when its replications ran in blocks until met
    /// (`replications` is then the most a point may run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).expect("serialisable");
        b.push(b'\n');
        b
    }

    pub fn structure(&self) -> Structure {
        match (&self.sobol_rows, &self.morris_steps) {
            (Some(n), _) => Structure::Sobol { n: *n },
            (_, Some(steps)) => Structure::Morris {
                steps: steps.clone(),
            },
            _ => Structure::Plain,
        }
    }
}

/// One finished point: per metric (layout order) the statistics across its replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    pub point: usize,
    /// [`super::output::fingerprint`] of the sweep's manifest: a point of another sweep (a stale file left in
    /// a reused folder) is never taken for one of this sweep.
    pub sweep: String,
    /// `[mean, sd, p5, p50, p95, min, max, ci95_lo, ci95_hi, p_positive, p_positive_ci95_lo,
    /// p_positive_ci95_hi, es95, es99]` per metric (`ci95` is `[mean, mean]` when every value was equal).
    pub stats: Vec<[f64; 14]>,
    /// A precision sweep's point: the replications it ran, and whether it met its target
    /// (else it reached `max_replications`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<bool>,
}

impl PointResult {
    /// The result of point `point` from its statistics per metric (in the sweep's layout).
    pub fn of(point: usize, sweep: &str, totals: &[Stats]) -> PointResult {
        PointResult {
            point,
            sweep: sweep.to_string(),
            stats: totals
                .iter()
                .map(|t| {
                    let ci = t.ci95;
                    [
                        t.mean,
                        t.sd,
                        t.p5,
                        t.p50,
                        t.p95,
                        t.min,
                        t.max,
                        ci[0],
                        ci[1],
                        t.p_positive,
                        t.p_positive_ci95[0],
                        t.p_positive_ci95[1],
                        t.es95,
                        t.es99,
                    ]
                })
                .collect(),
            replications: None,
            met: None,
        }
    }

    /// The same result, of a precision point that ran `replications` and met its target or not.
    pub fn ran(self, replications: u32, met: bool) -> PointResult {
        PointResult {
            replications: Some(replications),
            met: Some(met),
            ..self
        }
    }

    /// Refuses a point with a NaN or infinite statistic: JSON has none (serde_json would write
    /// `null`, unreadable as a number), so its point file could not be read back.
    pub fn check_finite(&self) -> anyhow::Result<()> {
        match self
            .stats
            .iter()
            .position(|s| s.iter().any(|v| !v.is_finite()))
        {
            Some(m) => anyhow::bail!(
                "sweep point {}: metric #{m} has a non-finite statistic; cannot persist it",
                self.point
            ),
            None => Ok(()),
        }
    }

    /// The statistics a point keeps (those `[[expect]]` can name); the others of a run's
    /// summary are not kept per point and read as NaN.
    pub(super) fn stats_of(&self, metric: usize) -> Stats {
        let s = self.stats[metric];
        let mut t = Stats::of(&mut []);
        [&mut t.p1, &mut t.p99]
            .into_iter()
            .for_each(|v| *v = f64::NAN);
        t.mean = s[0];
        t.sd = s[1];
        t.p5 = s[2];
        t.p50 = s[3];
        t.p95 = s[4];
        t.min = s[5];
        t.max = s[6];
        t.ci95 = [s[7], s[8]];
        t.p_positive = s[9];
        t.p_positive_ci95 = [s[10], s[11]];
        t.es95 = s[12];
        t.es99 = s[13];
        t
    }
}

/// Sensitivity indices of one metric.
pub(super) enum Indices {
    Sobol(Vec<sensitivity::SobolIndex>),
    Morris(Vec<sensitivity::MorrisIndex>),
}

/// The indices of `metric` (its mean per point), `None` for designs without them.
pub(super) fn indices(m: &Manifest, results: &[PointResult], metric: &str) -> Option<Indices> {
    let idx = m.metrics.iter().position(|n| n == metric)?;
    let y: Vec<f64> = results.iter().map(|r| r.stats[idx][0]).collect();
    let k = m.parameters.len();
    match m.structure() {
        Structure::Sobol { n } => Some(Indices::Sobol(sensitivity::sobol(
            &y,
            n,
            k,
            sensitivity::RESAMPLES,
            m.seed,
        ))),
        Structure::Morris { steps } => Some(Indices::Morris(sensitivity::morris(
            &y,
            &steps,
            k,
            sensitivity::RESAMPLES,
            m.seed,
        ))),
        Structure::Plain => None,
    }
}
