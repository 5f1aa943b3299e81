//! Per-day driver histories of the regulators whose cases judge an infringement period.
//!
//! For each such regulator, one row a day, written at its step (allocated once per
//! replication): detections and identifiable records (millions) so far, PB-days outside the
//! enclave and readable from a restricted jurisdiction before the day, distinct users read
//! (millions) and days with identifiable reads so far, PB-days held in a restricted
//! jurisdiction before the day and records compelled (millions) so far. Row d holds what the regulator sees the
//! morning of day d, so a period [a, b) reads rows a and b: sums of the days a..b−1.

use super::Seen;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Drivers, Regulator, World};

#[derive(Debug, Default)]
pub(super) struct History {
    /// Rows per regulator (empty: no case of it judges a period): `rows[g][day]`.
    rows: Vec<Vec<Drivers>>,
}

impl History {
    /// Histories for the regulators (of `groups`) that have a case with an infringement period.
    pub fn new(world: &World, groups: usize) -> History {
        let days = world.calendar.days as usize + 1;
        let rows = (0..groups)
            .map(|g| {
                let needed = world
                    .regulators
                    .iter()
                    .any(|r| r.group == g && r.infringement.is_some());
                if needed {
                    vec![Drivers::default(); days]
                } else {
                    Vec::new()
                }
            })
            .collect();
        History { rows }
    }

    /// Writes regulator `g`'s row of `day` (the morning's view of chain `reg`, whose drivers
    /// were `yesterday` the day before).
    pub fn record(
        &mut self,
        world: &World,
        (g, reg): (usize, &Regulator),
        day: usize,
        yesterday: &Drivers,
        seen: &Seen,
    ) {
        let rows = &mut self.rows[g];
        if rows.is_empty() {
            return;
        }
        let groups = world.staff.len();
        let prev = if day > 0 {
            rows[day - 1]
        } else {
            Drivers::default()
        };
        let mut row = Drivers::default();
        row[2] = prev[2] + if day > 0 { yesterday[2] } else { 0.0 };
        row[3] = prev[3] + if day > 0 { yesterday[3] } else { 0.0 };
        row[6] = prev[6] + if day > 0 { yesterday[6] } else { 0.0 };
        for p in (0..world.populations.len()).filter(|&p| reg.populations[p]) {
            row[0] += (0..groups)
                .filter(|&s| reg.staff[s])
                .map(|s| seen.ledger.total_detected[p * groups + s])
                .sum::<f64>();
            row[1] += seen.ledger.identifiable(p) / 1e6;
            row[4] += seen.ledger.distinct_users(p, day) / 1e6;
            row[5] = f64::max(row[5], seen.ledger.exposed_days[p]);
            row[7] += seen.compelled_records[p] / 1e6;
        }
        rows[day] = row;
    }

    /// Regulator `g`'s drivers over days [a, b): detections, records, distinct users, years
    /// of reads and records compelled within it, mean PB outside, readable and held in a
    /// restricted jurisdiction over it.
    pub fn period(&self, g: usize, a: usize, b: usize) -> Drivers {
        let rows = &self.rows[g];
        if b <= a {
            return Drivers::default();
        }
        let (ra, rb) = (&rows[a], &rows[b]);
        let days = (b - a) as f64;
        [
            rb[0] - ra[0],
            rb[1] - ra[1],
            (rb[2] - ra[2]) / days,
            (rb[3] - ra[3]) / days,
            rb[4] - ra[4],
            (rb[5] - ra[5]) / DAYS_PER_YEAR,
            (rb[6] - ra[6]) / days,
            rb[7] - ra[7],
        ]
    }
}

/// The conduct of `after` (days [b, d)) at the rate of a period of `period_days`: amounts
/// scaled to the period's length, means as they are.
pub(super) fn at_period_rate(after: &Drivers, after_days: usize, period_days: usize) -> Drivers {
    if after_days == 0 {
        return *after;
    }
    let k = period_days as f64 / after_days as f64;
    [
        after[0] * k,
        after[1] * k,
        after[2],
        after[3],
        after[4] * k,
        after[5] * k,
        after[6],
        after[7] * k,
    ]
}
