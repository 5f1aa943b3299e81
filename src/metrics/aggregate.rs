//! Summaries across replications, always taken in replication order so results do not depend
//! on how replications were scheduled on threads.
//!
//! Quantiles are the linear-interpolation kind (Hyndman–Fan type 7, as R and numpy default).
//! The 95% interval of the mean is mean ± t(0.975, n − 1)·sd/√n.

use super::{Kind, Layout, RepResult};

/// Statistics of one metric over replications.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stats {
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
    pub ci95: [f64; 2],
}

impl Stats {
    /// Statistics of `values` (sorted in place).
    pub fn of(values: &mut [f64]) -> Stats {
        let n = values.len();
        if n == 0 {
            return Stats {
                mean: 0.0,
                sd: 0.0,
                p5: 0.0,
                p50: 0.0,
                p95: 0.0,
                min: 0.0,
                max: 0.0,
                ci95: [0.0, 0.0],
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt()
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
            p5: quantile_sorted(values, 0.05),
            p50: quantile_sorted(values, 0.5),
            p95: quantile_sorted(values, 0.95),
            min: values[0],
            max: values[n - 1],
            ci95: [mean - half, mean + half],
        }
    }
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
    z + (z.powi(3) + z) / (4.0 * d)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
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
    pub fn of(layout: &Layout, reps: &[RepResult]) -> Summary {
        let m = layout.len();
        let mut buf = Vec::with_capacity(reps.len());
        let totals = (0..m)
            .map(|k| {
                buf.clear();
                buf.extend(reps.iter().map(|r| r.totals[k]));
                Stats::of(&mut buf)
            })
            .collect();
        let monthly = (0..m)
            .map(|k| {
                if layout.kinds[k] == Kind::PerReplication {
                    return Vec::new();
                }
                (0..layout.months)
                    .map(|month| {
                        buf.clear();
                        buf.extend(reps.iter().map(|r| r.series[month * m + k]));
                        let s = Stats::of(&mut buf);
                        MonthStats {
                            mean: s.mean,
                            p5: s.p5,
                            p50: s.p50,
                            p95: s.p95,
                        }
                    })
                    .collect()
            })
            .collect();
        Summary {
            layout: layout.clone(),
            totals,
            monthly,
        }
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
    fn ci_of_a_constant_is_a_point() {
        let mut v = vec![2.0; 10];
        let s = Stats::of(&mut v);
        assert_eq!(s.ci95, [2.0, 2.0]);
    }
}
