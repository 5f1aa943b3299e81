//! Summaries across replications, always taken in replication order so results do not depend
//! on how replications were scheduled on threads.
//!
//! Quantiles are the linear-interpolation kind (Hyndman–Fan type 7, as R and numpy default).
//! Expected shortfall at level α is the empirical (Acerbi–Tasche) tail mean: the mean of the
//! worst (highest) (1 − α)n values, the boundary value weighted by its fraction. The 95%
//! interval of the mean, the shares' and the tails' intervals come from [`super::intervals`].

use super::collect::Collected;
use super::intervals::{self, Method};
use super::Layout;
use crate::engine::rng::Rng;

pub use super::intervals::shortfall_sorted;
pub use super::sample::{quantile_sorted, quantile_unsorted, t975, MonthStats};

/// A milestone's day (`regulatory.<r>.<state>.first_day`), censored at the horizon: a
/// replication that never reached the state holds the horizon's length.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Milestone {
    /// The horizon in days (the censoring time).
    pub horizon_days: f64,
    /// Share of replications that reached the state by the horizon, with a Wilson interval.
    pub p_reached: f64,
    pub p_reached_ci95: [f64; 2],
    /// Kaplan–Meier median day; `None` ("not reached") when fewer than half reached it.
    pub km_median: Option<f64>,
    /// Restricted mean: the mean of min(day, horizon), which with censoring only at the
    /// horizon is the mean of the values as recorded.
    pub restricted_mean: f64,
}

/// Statistics of one metric over replications.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stats {
    pub mean: f64,
    pub sd: f64,
    pub p1: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
    /// 95% interval of the mean (simulation noise of the mean), made by `ci95_method`.
    pub ci95: [f64; 2],
    /// Expected shortfall: the mean of the worst 5% and 1% (highest values).
    pub es95: f64,
    pub es99: f64,
    /// Share of replications above 0.
    pub p_positive: f64,
    /// How `ci95` was made: `bootstrap-t`, `bootstrap-t+delta-lognormal` (skewed, non-negative
    /// values), `t`, or `none` (every value equal: no interval).
    pub ci95_method: &'static str,
    /// Replications, and those whose value is not 0 ("k non-zero of n").
    pub n: usize,
    pub n_nonzero: usize,
    /// Wilson 95% interval of `p_positive`.
    pub p_positive_ci95: [f64; 2],
    /// Mean of the values above 0 and its 95% interval (`None` when none is; the interval also
    /// when they are all equal).
    pub mean_positive: Option<f64>,
    pub mean_positive_ci95: Option<[f64; 2]>,
    /// Percentile-bootstrap 95% intervals of the expected shortfalls (`None` when every value
    /// is equal or past the bootstrap's size).
    pub es95_ci95: Option<[f64; 2]>,
    pub es99_ci95: Option<[f64; 2]>,
    /// `all_equal`, `conservative` (`ci95` is a hull of two intervals, see
    /// [`intervals::Method::Hull`]), `few_nonzero`, `es95_tail_under_10`, `es99_tail_under_10`.
    pub flags: Vec<&'static str>,
    /// Set for milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Milestone>,
}

/// The flags of a sample of `n` values, `nonzero` of them not 0, interval made by `method`.
pub fn flags(n: usize, nonzero: usize, method: Method) -> Vec<&'static str> {
    let mut f = Vec::new();
    if method == Method::None && n > 0 {
        f.push("all_equal");
    }
    if method == Method::Hull {
        f.push("conservative");
    }
    if nonzero < intervals::FEW {
        f.push("few_nonzero");
    }
    if intervals::tail_size(n, 0.95) < intervals::FEW as f64 {
        f.push("es95_tail_under_10");
    }
    if intervals::tail_size(n, 0.99) < intervals::FEW as f64 {
        f.push("es99_tail_under_10");
    }
    f
}

impl Stats {
    /// Statistics of `values` (sorted in place) without resampling: the mean's interval is
    /// the t interval and the intervals of the mean above 0 and of the shortfalls are left out.
    /// For values that are not one metric of a run (a branch's conditional statistics, which
    /// write only mean and quantiles; tests).
    pub fn of(values: &mut [f64]) -> Stats {
        Stats::with(values, None, None)
    }

    /// Statistics of metric `name` of a run under `seed`: its bootstrap draws from the stream
    /// keyed by the name. `horizon`: the censoring day of a milestone.
    pub fn of_metric(values: &mut [f64], seed: u64, name: &str, horizon: Option<f64>) -> Stats {
        Stats::with(
            values,
            Some(&mut intervals::stream(seed, "bootstrap", name)),
            horizon,
        )
    }

    /// Statistics of `values` (sorted in place), resampling with `rng` (without: see
    /// [`Stats::of`]).
    pub fn with(values: &mut [f64], rng: Option<&mut Rng>, horizon: Option<f64>) -> Stats {
        let n = values.len();
        let (mean, sd) = intervals::mean_sd(values);
        // Resampled in the order given (replication order), as a paired comparison does.
        let ((iv, es), mut rng) = match rng {
            Some(rng) => (
                intervals::mean_and_shortfall_intervals(values, rng),
                Some(rng),
            ),
            None => ((intervals::t_interval(values), None), None),
        };
        values.sort_by(f64::total_cmp);
        let at = |q| quantile_sorted(values, q);
        let n_nonzero = values.iter().filter(|&&v| v != 0.0).count();
        let positive: Vec<f64> = values.iter().copied().filter(|&v| v > 0.0).collect();
        let mean_positive = (!positive.is_empty()).then(|| intervals::mean_sd(&positive).0);
        let mean_positive_ci95 = rng
            .as_mut()
            .filter(|_| !positive.is_empty())
            .map(|rng| intervals::mean_interval(&positive, rng))
            .filter(|iv| iv.method != Method::None)
            .map(|iv| iv.ci95);
        // A tail whose resamples all agree (values at a cap) has no interval either.
        let spread = |i: [f64; 2]| (i[0] < i[1]).then_some(i);
        let (es95_ci95, es99_ci95) = (es.and_then(|e| spread(e[0])), es.and_then(|e| spread(e[1])));
        let milestone = horizon.map(|h| {
            let reached = values.iter().filter(|&&v| v < h).count();
            Milestone {
                horizon_days: h,
                p_reached: reached as f64 / n.max(1) as f64,
                p_reached_ci95: intervals::wilson(reached, n),
                km_median: intervals::km_median(values, h),
                restricted_mean: mean,
            }
        });
        Stats {
            mean,
            sd,
            p1: at(0.01),
            p5: at(0.05),
            p50: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            min: values.first().copied().unwrap_or(0.0),
            max: values.last().copied().unwrap_or(0.0),
            ci95: iv.ci95,
            es95: shortfall_sorted(values, 0.95),
            es99: shortfall_sorted(values, 0.99),
            p_positive: positive.len() as f64 / n.max(1) as f64,
            ci95_method: iv.method.name(),
            n,
            n_nonzero,
            p_positive_ci95: intervals::wilson(positive.len(), n),
            mean_positive,
            mean_positive_ci95,
            es95_ci95,
            es99_ci95,
            flags: flags(n, n_nonzero, iv.method),
            milestone,
        }
    }

    /// Whether every value was equal (then `ci95` is no interval, only the value).
    pub fn all_equal(&self) -> bool {
        self.flags.contains(&"all_equal")
    }
}

impl Stats {
    /// The statistics of the values times `k` (> 0): a change of unit or currency.
    pub fn scale(&mut self, k: f64) {
        for v in [
            &mut self.mean,
            &mut self.sd,
            &mut self.p1,
            &mut self.p5,
            &mut self.p50,
            &mut self.p95,
            &mut self.p99,
            &mut self.min,
            &mut self.max,
            &mut self.es95,
            &mut self.es99,
        ] {
            *v *= k;
        }
        for iv in [
            Some(&mut self.ci95),
            self.mean_positive_ci95.as_mut(),
            self.es95_ci95.as_mut(),
            self.es99_ci95.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            *iv = [iv[0] * k, iv[1] * k];
        }
        if let Some(m) = self.mean_positive.as_mut() {
            *m *= k;
        }
    }
}

/// Everything written about a scenario's replications.
#[derive(Debug, Clone)]
pub struct Summary {
    pub layout: Layout,
    /// One per metric, in layout order.
    pub totals: Vec<Stats>,
    /// `monthly[metric][month]`, empty for metrics without a series.
    pub monthly: Vec<Vec<MonthStats>>,
}

impl Summary {
    /// Totals' statistics are exact; monthly ones come from [`Collected`]'s streaming
    /// quantiles (exact up to [`super::quantiles::EXACT`] replications).
    /// Reads the totals a column at a time (see [`super::table::Table`]).
    pub fn of(layout: &Layout, reps: &Collected) -> std::io::Result<Summary> {
        let m = layout.len();
        let totals = (0..m)
            .map(|k| {
                let mut v = reps.totals.column(k)?;
                let horizon = layout.is_milestone(k).then_some(layout.horizon_days);
                Ok(Stats::of_metric(
                    &mut v,
                    layout.seed,
                    &layout.names[k],
                    horizon,
                ))
            })
            .collect::<std::io::Result<_>>()?;
        let monthly = (0..m).map(|k| reps.monthly(k)).collect();
        Ok(Summary {
            layout: layout.clone(),
            totals,
            monthly,
        })
    }

    pub fn stats(&self, name: &str) -> Option<&Stats> {
        self.layout.index(name).map(|i| &self.totals[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0, 5.0];
        let s = Stats::of(&mut v);
        assert_eq!(s.p50, 3.0);
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 5.0));
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn unsorted_quantiles_equal_sorted_ones() {
        let data: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.5)
            .collect();
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.5, 0.95, 0.999, 1.0] {
            let mut d = data.clone();
            assert_eq!(
                quantile_unsorted(&mut d, q),
                quantile_sorted(&sorted, q),
                "q={q}"
            );
        }
        assert_eq!(quantile_unsorted(&mut [], 0.5), 0.0);
    }

    #[test]
    fn t_quantiles_join_the_table_smoothly() {
        assert!((t975(30) - 2.042).abs() < 1e-3);
        assert!((t975(31) - 2.0395).abs() < 1e-3);
        assert!((t975(999) - 1.9623).abs() < 1e-3);
    }

    #[test]
    fn expected_shortfall_is_the_mean_of_the_upper_tail_and_never_below_its_quantile() {
        // 0..=100 in steps of 1: the worst 5.05 values are 100..=96 and 5% of 95; the worst
        // 1.01 are 100 and 1% of 99.
        let mut v: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        let s = Stats::of(&mut v);
        assert!((s.es95 - (490.0 + 4.75) / 5.05).abs() < 1e-12, "{}", s.es95);
        assert!((s.es99 - (100.0 + 0.99) / 1.01).abs() < 1e-12, "{}", s.es99);
        assert!((s.p99 - 99.0).abs() < 1e-12 && (s.p1 - 1.0).abs() < 1e-12);
        assert!((s.p_positive - 100.0 / 101.0).abs() < 1e-12);
        // Heavy right tail: ES well above the quantile; a constant: ES = the constant.
        let mut heavy: Vec<f64> = (1..=1000).map(|i| 1.0 / (i as f64 / 1001.0)).collect();
        let h = Stats::of(&mut heavy);
        assert!(h.es95 > h.p95 && h.es99 > h.p99 && h.es99 > h.es95);
        let mut c = vec![3.0; 7];
        let cs = Stats::of(&mut c);
        assert_eq!((cs.es95, cs.es99, cs.p_positive), (3.0, 3.0, 1.0));
    }

    #[test]
    fn a_constant_has_no_interval_but_a_flag() {
        let mut v = vec![2.0; 10];
        let s = Stats::of(&mut v);
        assert_eq!(
            (s.ci95, s.ci95_method, s.n_nonzero),
            ([2.0, 2.0], "none", 10)
        );
        assert!(s.all_equal() && s.es95_ci95.is_none() && s.mean_positive_ci95.is_none());
        assert!(s.flags.contains(&"es95_tail_under_10"));
    }

    #[test]
    fn milestones_are_censored_at_the_horizon() {
        // 3 of 5 reached by day 100: KM median the 3rd day, restricted mean of min(T, 100).
        let mut v = vec![100.0, 10.0, 30.0, 100.0, 20.0];
        let s = Stats::of_metric(&mut v, 1, "regulatory.r.x.first_day", Some(100.0));
        let m = s.milestone.unwrap();
        assert_eq!(
            (m.p_reached, m.km_median, m.restricted_mean),
            (0.6, Some(30.0), 52.0)
        );
        assert!(m.p_reached_ci95[0] < 0.6 && m.p_reached_ci95[1] > 0.6);
        let mut late = vec![100.0, 10.0, 100.0];
        let l = Stats::of_metric(&mut late, 1, "m", Some(100.0))
            .milestone
            .unwrap();
        assert_eq!(l.km_median, None);
    }
}
