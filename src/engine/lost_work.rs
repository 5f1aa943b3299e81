//! Lost work: what a deny or approval control costs in the work it blocks and delays
//! (`cost.lost_work`, recurring; committed with the control when it is marked
//! `incremental = false`; per control as `cost.lost_work.<control>` where two or more price it).
//!
//! A control's `cost_per_blocked_session` is booked for every session it blocks where
//! `access.denied` or `access.abandoned` counts it: a deny control's sessions on the day they
//! are drawn (aggregated: the day's count at once; event mode: one by one, the same count), an
//! approval gate's refusals when their review ends and its give-ups when patience runs out,
//! within the horizon. Its `cost_per_delay_day` is booked for every request that reaches the
//! gate, per day from the request to its review's decision (queue wait plus review) or until it
//! gives up, counted up to `end`, in the month that span ends and discounted from that day.
//!
//! Nothing here draws a random number: the prices are the controls' drawn amounts
//! ([`super::draws`], each from its own stream), so pricing a control leaves every draw where
//! it was.

use super::books::Books;
use super::draws::Draws;
use crate::metrics::{id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::World;

/// The controls' prices of lost work in one replication.
#[derive(Debug)]
pub(super) struct LostWork {
    /// Per control: cost per blocked session and per day of delay (0 when unpriced).
    blocked: Vec<f64>,
    per_day: Vec<f64>,
    committed: Vec<bool>,
    by_control: Option<usize>,
    /// 1 + the discount rate.
    growth: f64,
}

impl LostWork {
    pub fn new(world: &World, layout: &Layout, draws: &Draws) -> LostWork {
        let price = |d: Option<usize>| d.map_or(0.0, |d| draws.get(d));
        LostWork {
            blocked: world
                .controls
                .iter()
                .map(|c| price(c.cost_per_blocked_session))
                .collect(),
            per_day: world
                .controls
                .iter()
                .map(|c| price(c.cost_per_delay_day))
                .collect(),
            committed: world.controls.iter().map(|c| c.committed).collect(),
            by_control: layout.breakdown.lost_work_by_control,
            growth: 1.0 + world.discount_rate,
        }
    }

    /// `n` sessions blocked today by control `c`.
    #[inline]
    pub fn blocked_today(&self, c: usize, n: f64, books: &mut Books) {
        let amount = self.blocked[c] * n;
        if amount != 0.0 {
            self.book(c, books.month, books.discount, amount, books);
        }
    }

    /// A request at gate `c`, made at time `t`, waited `delay` days for its decision, counted
    /// up to the horizon `end`; `blocked`: it was refused or gave up (within the horizon).
    #[inline]
    pub fn request(
        &self,
        world: &World,
        c: usize,
        (t, delay, end): (f64, f64, f64),
        blocked: bool,
        books: &mut Books,
    ) {
        let until = (t + delay).min(end);
        let amount = self.per_day[c] * (until - t) + if blocked { self.blocked[c] } else { 0.0 };
        if amount != 0.0 {
            let day = until.min(end - 1.0).floor();
            let discount = libm::pow(self.growth, -day / DAYS_PER_YEAR);
            let month = world.calendar.month_of_time(day);
            self.book(c, month, discount, amount, books);
        }
    }

    fn book(&self, c: usize, month: usize, discount: f64, amount: f64, books: &mut Books) {
        books.cost_in(
            month,
            discount,
            id::COST_LOST_WORK,
            id::COST_RECURRING,
            amount,
        );
        if self.committed[c] {
            books.add(month, id::COST_COMMITTED, amount);
        }
        if let Some(k) = self.by_control {
            books.add(month, k + c, amount);
        }
    }
}

#[cfg(test)]
#[path = "lost_work_tests.rs"]
mod tests;
