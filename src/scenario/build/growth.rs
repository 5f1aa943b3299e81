//! Series over the horizon from dated points: linear between them, flat before the first,
//! compound annual growth after the last, refused where they outgrow a limit. Users of a
//! population and turnover are built this way.

use super::ctx::Ctx;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::Calendar;
use crate::scenario::source::FieldPath;

/// [`interpolate`], refused at `path` if `what` grows above `max` on a day of the horizon:
/// compound growth from a date long before `start` can reach any size, infinity included.
pub(super) fn grown_at_most(
    cx: &mut Ctx,
    path: &FieldPath,
    what: &str,
    points: &[(i64, f64)],
    growth: f64,
    cal: &Calendar,
    max: f64,
) -> Vec<f64> {
    let series = interpolate(points, growth, cal.days);
    if let Some(d) = series.iter().position(|v| v.is_nan() || *v > max) {
        cx.err(
            path,
            format!(
                "field `{path}` is out of range: {what} would reach {:e} on {}, above the limit of {max:e}",
                series[d],
                cal.start + chrono::Days::new(d as u64)
            ),
        );
        return vec![0.0; cal.days as usize];
    }
    series
}

/// Linear interpolation between dated points, flat before the first, compound growth after
/// the last.
pub(super) fn interpolate(points: &[(i64, f64)], growth: f64, days: u32) -> Vec<f64> {
    let (first_day, first) = points[0];
    let (last_day, last) = points[points.len() - 1];
    (0..days as i64)
        .map(|d| {
            if d < first_day {
                first
            } else if d >= last_day {
                last * libm::pow(1.0 + growth, (d - last_day) as f64 / DAYS_PER_YEAR)
            } else {
                let k = points.partition_point(|&(pd, _)| pd <= d);
                let (d0, u0) = points[k - 1];
                let (d1, u1) = points[k];
                u0 + (u1 - u0) * (d - d0) as f64 / (d1 - d0) as f64
            }
        })
        .collect()
}
