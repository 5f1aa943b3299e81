//! Calendar-year amounts: for every metric that is an amount (a [`Kind::Sum`]), each
//! replication's total within each calendar year of the horizon, summarised across
//! replications (see [`Collected`]). The first and last years hold only the part of them inside the horizon.

use super::collect::Collected;
use crate::model::Calendar;

/// One (year, metric) across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct YearStats {
    pub year: i32,
    pub metric: usize,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// The calendar year of each month of the horizon.
pub fn month_years(cal: &Calendar) -> Vec<i32> {
    cal.month_labels
        .iter()
        .map(|l| l[..4].parse().unwrap_or(0))
        .collect()
}

/// Statistics of every amount metric per calendar year, metric by metric, years in order.
pub fn annual(reps: &Collected) -> Vec<YearStats> {
    reps.annual()
        .map(|(year, metric, s)| YearStats {
            year,
            metric,
            mean: s.mean,
            p5: s.p5,
            p50: s.p50,
            p95: s.p95,
        })
        .collect()
}
