//! Precision on demand (`--precision REL`, a `[precision]` table): replications run in blocks
//! until every named metric's 95% interval of the mean is narrow enough.
//!
//! Replication r always draws the same numbers ([`crate::engine::rng`]), so a run that stops
//! after N replications holds exactly the replications of a fixed run of N. Whether to go on is
//! decided only at block boundaries (block, 2·block, …, `max_replications`), from the
//! replications complete by then, gathered in replication order: so where a run stops, and
//! everything it writes, is the same for any thread count or shard.
//!
//! The rule ([`Precision::standing`]): at a boundary, a metric has met its target when its
//! interval's larger half, max(mean − lo, hi − mean) — the interval its summary reports
//! ([`crate::metrics::intervals`]; for a skewed metric the hull, whose upper half is the longer)
//! — is at most `rel`·|mean| or at most its absolute target `abs`, whichever is larger, and at
//! least [`FEW`] of its values are not 0. Below that count the interval is flagged
//! `few_nonzero`: it cannot see a tail the sample missed, so its width proves nothing. A mean of
//! 0 gives a relative target of 0, met only by an interval of no width, which needs every value
//! equal and so never meets the count: a metric whose mean may be 0 (a paired difference above
//! all) needs an absolute target. The run stops at the first boundary where every metric has met
//! its target, or at `max_replications`, target met or not.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::rng::Rng;
use crate::error::{Diagnostic, Error};
use crate::metrics::intervals::{self, Method, FEW};
use crate::metrics::Layout;
use crate::scenario::Loaded;

/// Replications per block when the table does not say.
pub const DEFAULT_BLOCK: u32 = 100;
/// Most replications a precision run takes when the table does not say.
pub const DEFAULT_MAX_REPLICATIONS: u32 = 100_000;
/// The metric targeted when neither the table nor `--precision-metric` names one.
pub const DEFAULT_METRIC: &str = "cost.total";

/// A validated precision target: what to measure, how narrow, in which blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Precision {
    /// Largest half-width as a share of |mean| (`None`: absolute targets only).
    pub rel: Option<f64>,
    /// The metrics measured, in order, each with its absolute target if it has one.
    pub metrics: Vec<Target>,
    pub block: u32,
    pub max_replications: u32,
}

/// One metric measured, and its absolute half-width target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abs: Option<f64>,
}

/// What the command line asks for: `--precision REL` and `--precision-metric M`.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub rel: Option<f64>,
    pub metrics: Vec<String>,
}

impl Ask {
    pub fn is_empty(&self) -> bool {
        self.rel.is_none() && self.metrics.is_empty()
    }
}

/// One metric's mean and 95% interval at a block boundary, and its values not 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub mean: f64,
    /// `[mean, mean]` when every value is equal.
    pub ci95: [f64; 2],
    pub n_nonzero: usize,
}

impl Reading {
    /// The mean of `values` (replication order) and the interval a summary reports for it,
    /// resampling with `rng` (the stream the summary uses for this metric).
    pub fn of(values: &[f64], rng: &mut Rng) -> Reading {
        let mean = intervals::mean_sd(values).0;
        let iv = intervals::mean_interval(values, rng);
        Reading {
            mean,
            ci95: if iv.method == Method::None {
                [mean, mean]
            } else {
                iv.ci95
            },
            n_nonzero: values.iter().filter(|&&v| v != 0.0).count(),
        }
    }

    /// The interval's larger half: max(mean − lo, hi − mean).
    pub fn half_width(&self) -> f64 {
        (self.mean - self.ci95[0]).max(self.ci95[1] - self.mean)
    }
}

/// One metric's standing at the boundary where the run stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub metric: String,
    pub mean: f64,
    pub half_width: f64,
    /// The half-width allowed: the larger of `rel`·|mean| and `abs`.
    pub target: f64,
    pub n_nonzero: usize,
    pub met: bool,
}

/// How a precision run ended (written to `summary.json` as `precision`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel: Option<f64>,
    pub block: u32,
    pub max_replications: u32,
    /// Replications run: a multiple of `block`, or `max_replications`.
    pub replications: u32,
    /// Whether every metric met its target (else `max_replications` was reached).
    pub met: bool,
    pub metrics: Vec<Standing>,
}

impl Outcome {
    /// "precision 0.1 met (cost.fines ±9.6% of its mean)" or "... not met at max_replications
    /// 100000 (...)": one line for the command's output and the reports.
    pub fn line(&self) -> String {
        let each: Vec<String> = self
            .metrics
            .iter()
            .map(|s| {
                let rel = if s.mean != 0.0 {
                    format!("±{:.1}% of its mean", 100.0 * s.half_width / s.mean.abs())
                } else {
                    format!("±{:.3e}, mean 0", s.half_width)
                };
                let few = if s.n_nonzero < FEW {
                    format!(", only {} non-zero", s.n_nonzero)
                } else {
                    String::new()
                };
                format!("{} {rel}{few}", s.metric)
            })
            .collect();
        let rel = self
            .rel
            .map_or("absolute targets".into(), |r| format!("{r}"));
        if self.met {
            format!("precision {rel} met ({})", each.join(", "))
        } else {
            format!(
                "precision {rel} NOT met: max_replications {} reached ({})",
                self.max_replications,
                each.join(", ")
            )
        }
    }
}

impl Precision {
    /// The target with no table: `rel`, on [`DEFAULT_METRIC`], default blocks.
    pub fn relative(rel: f64) -> Precision {
        Precision {
            rel: Some(rel),
            metrics: vec![Target {
                metric: DEFAULT_METRIC.into(),
                abs: None,
            }],
            block: DEFAULT_BLOCK,
            max_replications: DEFAULT_MAX_REPLICATIONS,
        }
    }

    /// The block boundaries after `done` replications: the next one, `None` past the last.
    pub fn next_boundary(&self, done: u32) -> Option<u32> {
        (done < self.max_replications)
            .then(|| done.saturating_add(self.block).min(self.max_replications))
    }

    /// Each metric's standing given its reading (in [`Precision::metrics`] order).
    pub fn standing(&self, readings: &[Reading]) -> Vec<Standing> {
        self.metrics
            .iter()
            .zip(readings)
            .map(|(t, r)| {
                let half = r.half_width();
                let target = self
                    .rel
                    .map(|rel| rel * r.mean.abs())
                    .into_iter()
                    .chain(t.abs)
                    .fold(f64::NEG_INFINITY, f64::max);
                Standing {
                    metric: t.metric.clone(),
                    mean: r.mean,
                    half_width: half,
                    target,
                    n_nonzero: r.n_nonzero,
                    met: r.n_nonzero >= FEW && half.is_finite() && half <= target,
                }
            })
            .collect()
    }

    /// Runs blocks until every metric meets its target or `max_replications` is reached:
    /// `advance(n)` completes replications up to n (in order) and returns each metric's
    /// reading over them, or `None` when the run was stopped.
    pub fn drive<E>(
        &self,
        mut advance: impl FnMut(u32) -> Result<Option<Vec<Reading>>, E>,
    ) -> Result<Option<Outcome>, E> {
        let (mut done, mut metrics) = (0, Vec::new());
        while let Some(n) = self.next_boundary(done) {
            let Some(readings) = advance(n)? else {
                return Ok(None);
            };
            done = n;
            metrics = self.standing(&readings);
            if metrics.iter().all(|s| s.met) {
                break;
            }
        }
        Ok(Some(Outcome {
            rel: self.rel,
            block: self.block,
            max_replications: self.max_replications,
            replications: done,
            // No boundary at all (`max_replications` 0, which validation refuses): not met.
            met: !metrics.is_empty() && metrics.iter().all(|s| s.met),
            metrics,
        }))
    }

    /// The metrics' indices in `layout` (validated to be there).
    pub fn indices(&self, layout: &Layout) -> Vec<usize> {
        self.metrics
            .iter()
            .map(|t| {
                layout
                    .index(&t.metric)
                    .expect("precision metrics are validated")
            })
            .collect()
    }

    /// This target with the command line's `ask` applied: `rel` replaced, the metrics replaced
    /// (each keeping its absolute target, if it had one).
    fn asked(mut self, ask: &Ask) -> Precision {
        if ask.rel.is_some() {
            self.rel = ask.rel;
        }
        if !ask.metrics.is_empty() {
            self.metrics = ask
                .metrics
                .iter()
                .map(|m| Target {
                    metric: m.clone(),
                    abs: self
                        .metrics
                        .iter()
                        .find(|t| &t.metric == m)
                        .and_then(|t| t.abs),
                })
                .collect();
        }
        self
    }
}

/// Refuses a `--precision` that is not a number above 0.
pub fn check_rel(rel: Option<f64>) -> Result<(), Error> {
    match rel {
        Some(r) if !(r.is_finite() && r > 0.0) => Err(Error::Usage(format!(
            "--precision must be a number above 0 (a share of the mean: 0.05 for ±5%), got {r}"
        ))),
        _ => Ok(()),
    }
}

/// Applies the command line's `ask` to `l`'s precision target (its `[precision]` table, or
/// the default of [`Precision::relative`]); `layouts` are the (scenario, layout) pairs every
/// metric must be in (a diff's two scenarios). Does nothing when nothing is asked.
pub fn apply(l: &mut Loaded, ask: &Ask, layouts: &[(&str, &Layout)]) -> Result<(), Error> {
    let current = l.world.precision.take();
    let file = l.sources.main().path.clone();
    l.world.precision = resolve(current, ask, &file, layouts)?;
    Ok(())
}

/// `current` (a file's `[precision]` table, if any) with the command line's `ask` applied,
/// every metric checked against each of `layouts` (problems named after `file`).
pub fn resolve(
    current: Option<Precision>,
    ask: &Ask,
    file: &Path,
    layouts: &[(&str, &Layout)],
) -> Result<Option<Precision>, Error> {
    if ask.is_empty() {
        return Ok(current);
    }
    check_rel(ask.rel)?;
    let p = match (current, ask.rel) {
        (Some(p), _) => p.asked(ask),
        (None, Some(rel)) => Precision::relative(rel).asked(ask),
        (None, None) => {
            return Err(Error::Usage(format!(
                "--precision-metric needs --precision REL ({} has no [precision] table)",
                file.display()
            )))
        }
    };
    let mut diags = Vec::new();
    for t in &p.metrics {
        for (name, layout) in layouts {
            if layout.index(&t.metric).is_none() {
                let hint =
                    crate::scenario::suggestion(&t.metric, layout.names.iter().map(String::as_str));
                diags.push(Diagnostic {
                    file: file.to_path_buf(),
                    location: None,
                    message: format!(
                        "--precision-metric: unknown metric `{}` in {name}{hint}",
                        t.metric
                    ),
                });
            }
        }
        if p.rel.is_none() && t.abs.is_none() {
            return Err(Error::Usage(format!(
                "--precision-metric {}: no target; give --precision REL or an `abs` target in [precision]",
                t.metric
            )));
        }
    }
    if !diags.is_empty() {
        return Err(Error::Invalid(diags));
    }
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(mean: f64, lo: f64, hi: f64, n_nonzero: usize) -> Reading {
        Reading {
            mean,
            ci95: [lo, hi],
            n_nonzero,
        }
    }

    fn spec(rel: Option<f64>, abs: Option<f64>) -> Precision {
        Precision {
            rel,
            metrics: vec![Target {
                metric: "m".into(),
                abs,
            }],
            block: 100,
            max_replications: 1000,
        }
    }

    #[test]
    fn a_target_is_met_by_the_larger_half_of_the_interval() {
        let p = spec(Some(0.1), None);
        // Symmetric ±9.9 of 100: met; ±10.1: not.
        assert!(p.standing(&[reading(100.0, 90.1, 109.9, 50)])[0].met);
        assert!(!p.standing(&[reading(100.0, 89.9, 110.1, 50)])[0].met);
        // A skewed (hull) interval: the lower half is short, the upper one decides.
        let s = &p.standing(&[reading(100.0, 99.0, 110.5, 50)])[0];
        assert!(!s.met && (s.half_width - 10.5).abs() < 1e-12, "{s:?}");
        assert!(p.standing(&[reading(-100.0, -109.0, -91.0, 50)])[0].met);
    }

    #[test]
    fn either_target_suffices_and_a_zero_mean_needs_an_absolute_one() {
        let rel = spec(Some(0.1), None);
        let both = spec(Some(0.1), Some(2.0));
        let zero = reading(0.0, -1.0, 1.0, 500);
        assert!(!rel.standing(&[zero])[0].met);
        assert!(both.standing(&[zero])[0].met);
        assert!(spec(None, Some(2.0)).standing(&[zero])[0].met);
        assert!(!spec(None, Some(0.5)).standing(&[zero])[0].met);
        // The larger of the two targets counts: ±15 of 100 passes abs 20, not rel 0.1.
        assert!(spec(Some(0.1), Some(20.0)).standing(&[reading(100.0, 85.0, 115.0, 50)])[0].met);
    }

    #[test]
    fn fewer_than_ten_nonzero_values_never_meet_a_target() {
        let p = spec(Some(0.5), Some(1e9));
        assert!(!p.standing(&[reading(1.0, 1.0, 1.0, FEW - 1)])[0].met);
        assert!(p.standing(&[reading(1.0, 1.0, 1.0, FEW)])[0].met);
        // An interval with an infinite side never meets one.
        assert!(!p.standing(&[reading(1.0, 0.0, f64::INFINITY, 500)])[0].met);
    }

    #[test]
    fn blocks_end_at_max_replications_and_the_run_stops_at_the_first_boundary_met() {
        let p = Precision {
            block: 300,
            max_replications: 1000,
            ..spec(Some(0.1), None)
        };
        let mut seen = Vec::new();
        // The half-width shrinks as 1/√n: 10 at 100 → met (≤ 10% of 100) from n = 100·1.0...
        let out = p
            .drive(|n| -> Result<_, ()> {
                seen.push(n);
                let half = 300.0 / (n as f64).sqrt();
                Ok(Some(vec![reading(100.0, 100.0 - half, 100.0 + half, 99)]))
            })
            .unwrap()
            .unwrap();
        // 300/√n ≤ 10 from n = 900: boundaries 300, 600, 900.
        assert_eq!(
            (seen.as_slice(), out.replications, out.met),
            (&[300, 600, 900][..], 900, true)
        );
        // Never met: every boundary, the last one max_replications itself, then not met.
        seen.clear();
        let out = p
            .drive(|n| -> Result<_, ()> {
                seen.push(n);
                Ok(Some(vec![reading(100.0, 0.0, 200.0, 99)]))
            })
            .unwrap()
            .unwrap();
        assert_eq!(seen, [300, 600, 900, 1000]);
        assert_eq!((out.replications, out.met), (1000, false));
        assert!(out.line().contains("NOT met"), "{}", out.line());
        // Stopped: no outcome.
        assert_eq!(p.drive(|_| -> Result<_, ()> { Ok(None) }), Ok(None));
    }

    #[test]
    fn the_reading_is_the_interval_the_summary_reports() {
        use crate::metrics::aggregate::Stats;
        // Zero-inflated and skewed, as fines are: the summary's interval is the hull.
        let values: Vec<f64> = (0..300)
            .map(|i| {
                if i % 3 == 0 {
                    ((i * 7919) % 101) as f64 * 1e6
                } else {
                    0.0
                }
            })
            .collect();
        let r = Reading::of(
            &values,
            &mut intervals::stream(7, "bootstrap", "cost.fines"),
        );
        let s = Stats::of_metric(&mut values.clone(), 7, "cost.fines", None);
        assert_eq!((r.mean, r.ci95, r.n_nonzero), (s.mean, s.ci95, s.n_nonzero));
    }
}
