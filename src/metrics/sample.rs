//! What the summaries share, below them in the import order (`aggregate`, `collect`,
//! `quantiles` and `intervals` all use it; it uses none of them): type-7 quantiles, Student's t
//! quantile, and one month's statistics across replications.

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

impl MonthStats {
    /// The statistics of the values times `k` (> 0).
    pub fn scale(&mut self, k: f64) {
        self.mean *= k;
        self.p5 *= k;
        self.p50 *= k;
        self.p95 *= k;
    }
}
