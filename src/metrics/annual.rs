//! Calendar-year amounts: for every metric that is an amount (a [`Kind::Sum`]), each
//! replication's total within each calendar year of the horizon, summarised across
//! replications. The first and last years hold only the part of them inside the horizon.

use super::aggregate::Stats;
use super::{Kind, Layout, RepResult};
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
pub fn annual(layout: &Layout, cal: &Calendar, reps: &[RepResult]) -> Vec<YearStats> {
    let years = month_years(cal);
    let nm = layout.len();
    let mut distinct: Vec<i32> = years.clone();
    distinct.dedup();
    let mut out = Vec::new();
    let mut buf = Vec::with_capacity(reps.len());
    for (k, kind) in layout.kinds.iter().enumerate() {
        if *kind != Kind::Sum {
            continue;
        }
        for &year in &distinct {
            buf.clear();
            buf.extend(reps.iter().map(|r| {
                years
                    .iter()
                    .enumerate()
                    .filter(|(_, &y)| y == year)
                    .map(|(m, _)| r.series[m * nm + k])
                    .sum::<f64>()
            }));
            let s = Stats::of(&mut buf);
            out.push(YearStats {
                year,
                metric: k,
                mean: s.mean,
                p5: s.p5,
                p50: s.p50,
                p95: s.p95,
            });
        }
    }
    out
}
