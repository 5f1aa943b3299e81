//! Summaries across replications, always taken in replication order so results do not depend
//! on how replications were scheduled on threads.
//!
//! Quantiles are the linear-interpolation kind (Hyndman–Fan type 7, as R and numpy default).
//! The 95% interval of the mean is mean ± t(0.975, n − 1)·sd/√n. Expected shortfall at level α
//! is the mean of the upper tail of that same quantile function,
//! ES_α = (1/(1 − α)) ∫_α^1 Q(u) du, computed exactly on the piecewise-linear Q: it is the mean
//! of the worst (highest) 1 − α of outcomes, and never below the α-quantile.

use super::collect::Collected;
use super::Layout;

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
    pub ci95: [f64; 2],
    /// Expected shortfall: the mean of the worst 5% and 1% (highest values).
    pub es95: f64,
    pub es99: f64,
    /// Share of replications above 0.
    pub p_positive: f64,
}

impl Stats {
    /// Statistics of `values` (sorted in place).
    pub fn of(values: &mut [f64]) -> Stats {
        let n = values.len();
        if n == 0 {
            return Stats {
                mean: 0.0,
                sd: 0.0,
                p1: 0.0,
                p5: 0.0,
                p50: 0.0,
                p95: 0.0,
                p99: 0.0,
                min: 0.0,
                max: 0.0,
                ci95: [0.0, 0.0],
                es95: 0.0,
                es99: 0.0,
                p_positive: 0.0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
        } else {
            0.0
        };
        values.sort_by(f64::total_cmp);
        let half = if n > 1 {
            t975(n - 1) * sd / (n as f64).sqrt()
        } else {
            0.0
        };
        Stats {
            mean,
            sd,
            p1: quantile_sorted(values, 0.01),
            p5: quantile_sorted(values, 0.05),
            p50: quantile_sorted(values, 0.5),
            p95: quantile_sorted(values, 0.95),
            p99: quantile_sorted(values, 0.99),
            min: values[0],
            max: values[n - 1],
            ci95: [mean - half, mean + half],
            es95: shortfall_sorted(values, 0.95),
            es99: shortfall_sorted(values, 0.99),
            p_positive: values.iter().filter(|&&v| v > 0.0).count() as f64 / n as f64,
        }
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
        self.ci95 = [self.ci95[0] * k, self.ci95[1] * k];
    }
}

impl MonthStats {
    /// The statistics of the values times `k` (> 0).
    pub fn scale(&mut self, k: f64) {
        self.mean *= k;
        self.p5 *= k;
        self.p50 *= k;
        self.p95 *= k;
    }
}

/// Expected shortfall of sorted data at level `alpha`: (1/(1 − α)) ∫_α^1 Q(u) du for the type-7
/// quantile function Q, which is linear between (i/(n − 1), xᵢ).
pub fn shortfall_sorted(sorted: &[f64], alpha: f64) -> f64 {
    let n = sorted.len();
    if n < 2 {
        return sorted.first().copied().unwrap_or(0.0);
    }
    let step = 1.0 / (n as f64 - 1.0);
    let mut area = 0.0;
    // Segments [u_i, u_{i+1}] with u_i = i·step; integrate the part above alpha.
    let first = ((alpha / step).floor() as usize).min(n - 2);
    for i in first..n - 1 {
        let (u0, u1) = (i as f64 * step, (i + 1) as f64 * step);
        let lo = u0.max(alpha);
        if lo >= u1 {
            continue;
        }
        let at = |u: f64| sorted[i] + (u - u0) / step * (sorted[i + 1] - sorted[i]);
        area += (u1 - lo) * (at(lo) + sorted[i + 1]) / 2.0;
    }
    area / (1.0 - alpha)
}

/// Type-7 quantile of sorted data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let h = (n as f64 - 1.0) * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Type-7 quantile of unsorted data in O(n), reordering it (for within-replication quantiles).
pub fn quantile_unsorted(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let h = (n as f64 - 1.0) * q;
    let lo = h.floor() as usize;
    let (_, x_lo, right) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let x_lo = *x_lo;
    let x_hi = right.iter().copied().min_by(f64::total_cmp).unwrap_or(x_lo);
    x_lo + (h - lo as f64) * (x_hi - x_lo)
}

/// 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return TABLE[df - 1];
    }
    // Cornish–Fisher expansion around the normal quantile; error < 1e-4 for df > 30.
    let z: f64 = 1.959_963_984_540_054;
    let d = df as f64;
    let z3 = z * z * z;
    z + (z3 + z) / (4.0 * d) + (5.0 * z3 * z * z + 16.0 * z3 + 3.0 * z) / (96.0 * d * d)
}

/// One month of one metric across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthStats {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
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
            .map(|k| Ok(Stats::of(&mut reps.totals.column(k)?)))
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
        // Uniform 0..=100 in steps of 1: Q(u) = 100u exactly, so ES_α = 100(1 + α)/2.
        let mut v: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        let s = Stats::of(&mut v);
        assert!((s.es95 - 97.5).abs() < 1e-9, "{}", s.es95);
        assert!((s.es99 - 99.5).abs() < 1e-9, "{}", s.es99);
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
    fn ci_of_a_constant_is_a_point() {
        let mut v = vec![2.0; 10];
        let s = Stats::of(&mut v);
        assert_eq!(s.ci95, [2.0, 2.0]);
    }
}
