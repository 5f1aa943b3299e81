//! The books of one replication: every metric's monthly amounts, the running sums behind the
//! mean metrics, and the per-replication values. Components write here by metric index
//! ([`crate::metrics::id`]); nothing here draws a random number.

use crate::metrics::aggregate::quantile_unsorted;
use crate::metrics::{id, Kind, Layout, RepResult, COST_COMPONENTS};

/// Monthly amounts and per-replication values of one replication.
#[derive(Debug)]
pub(super) struct Books<'a> {
    nm: usize,
    kinds: &'a [Kind],
    series: Vec<f64>,
    wait_sum: Vec<f64>,
    wait_n: Vec<f64>,
    delay_sum: Vec<f64>,
    delay_n: Vec<f64>,
    /// Every recorded wait, for the within-replication p95 (a buffer kept across replications).
    waits: Vec<f64>,
    /// Values of per-replication metrics (first fines, milestone days).
    pub per_rep: Vec<f64>,
    /// The quantities drawn once ([`crate::metrics::inputs::Inputs`] order).
    pub inputs: Vec<f64>,
    /// Month of the day being simulated.
    pub month: usize,
    /// Discount factor of the day being simulated.
    pub discount: f64,
}

impl<'a> Books<'a> {
    pub fn new(layout: &'a Layout, months: usize, mut waits: Vec<f64>) -> Books<'a> {
        let nm = layout.len();
        waits.clear();
        Books {
            nm,
            kinds: &layout.kinds,
            series: vec![0.0; months * nm],
            wait_sum: vec![0.0; months],
            wait_n: vec![0.0; months],
            delay_sum: vec![0.0; months],
            delay_n: vec![0.0; months],
            waits,
            per_rep: vec![0.0; nm],
            inputs: vec![0.0; layout.inputs.names.len()],
            month: 0,
            discount: 1.0,
        }
    }

    /// Adds `v` to `metric` in `month`.
    #[inline]
    pub fn add(&mut self, month: usize, metric: usize, v: f64) {
        self.series[month * self.nm + metric] += v;
    }

    /// Adds `v` to `metric` this month.
    #[inline]
    pub fn add_now(&mut self, metric: usize, v: f64) {
        self.add(self.month, metric, v);
    }

    /// Adds `v` this month to entity `i` of a breakdown starting at metric `first`, if the
    /// scenario has that breakdown.
    #[inline]
    pub fn add_entity(&mut self, first: Option<usize>, i: usize, v: f64) {
        if let Some(k) = first {
            self.add_now(k + i, v);
        }
    }

    /// Sets a level metric in `month`.
    #[inline]
    pub fn set(&mut self, month: usize, metric: usize, v: f64) {
        self.series[month * self.nm + metric] = v;
    }

    /// Books a one-off cost today (a purchase, a fine, an outage) in its component, in
    /// `cost.one_off` and in the discounted total.
    pub fn one_off(&mut self, metric: usize, amount: f64) {
        self.cost(metric, id::COST_ONE_OFF, amount);
    }

    /// Books today's share of a recurring cost (a running cost, a fee, a daily penalty or loss)
    /// in its component, in `cost.recurring` and in the discounted total.
    pub fn recurring(&mut self, metric: usize, amount: f64) {
        self.cost(metric, id::COST_RECURRING, amount);
    }

    /// Counts `amount`, just booked by a block marked `incremental = false`, as committed.
    #[inline]
    pub fn committed(&mut self, committed: bool, amount: f64) {
        if committed {
            self.add_now(id::COST_COMMITTED, amount);
        }
    }

    fn cost(&mut self, metric: usize, nature: usize, amount: f64) {
        self.cost_in(self.month, self.discount, metric, nature, amount);
    }

    /// Books `amount` of `metric` (of `nature`, one-off or recurring) in `month`, discounted by
    /// `discount`: a cost that falls on another day than the one being simulated.
    pub fn cost_in(
        &mut self,
        month: usize,
        discount: f64,
        metric: usize,
        nature: usize,
        amount: f64,
    ) {
        if amount != 0.0 {
            self.add(month, metric, amount);
            self.add(month, nature, amount);
            self.add(month, id::COST_TOTAL_NPV, amount * discount);
        }
    }

    /// A request's wait at an approval gate, booked in `month`.
    pub fn wait(&mut self, month: usize, w: f64) {
        self.wait_sum[month] += w;
        self.wait_n[month] += 1.0;
        self.waits.push(w);
    }

    /// A detection `delay` days after its misuse, booked in `month`.
    pub fn detection(&mut self, month: usize, delay: f64) {
        self.add(month, id::DETECTED, 1.0);
        self.delay_sum[month] += delay;
        self.delay_n[month] += 1.0;
    }

    /// Closes the books: monthly means and totals, totals per metric; hands back the wait
    /// buffer for the next replication.
    pub fn finish(mut self) -> (RepResult, Vec<f64>) {
        let nm = self.nm;
        let months = self.wait_n.len();
        let mean = |s: f64, n: f64| if n > 0.0 { s / n } else { 0.0 };
        for m in 0..months {
            let row = &mut self.series[m * nm..(m + 1) * nm];
            row[id::COST_TOTAL] = COST_COMPONENTS.iter().map(|&c| row[c]).sum();
            row[id::COST_INCREMENTAL] = row[id::COST_TOTAL] - row[id::COST_COMMITTED];
            row[id::WAIT_MEAN] = mean(self.wait_sum[m], self.wait_n[m]);
            row[id::DETECTION_DELAY] = mean(self.delay_sum[m], self.delay_n[m]);
        }
        let mut totals = vec![0.0; nm];
        for (k, kind) in self.kinds.iter().enumerate() {
            totals[k] = match kind {
                Kind::Sum => (0..months).map(|m| self.series[m * nm + k]).sum(),
                Kind::Level => self.series[(months - 1) * nm + k],
                Kind::Mean => 0.0,
                Kind::PerReplication => self.per_rep[k],
            };
        }
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        totals[id::WAIT_MEAN] = mean(sum(&self.wait_sum), sum(&self.wait_n));
        totals[id::DETECTION_DELAY] = mean(sum(&self.delay_sum), sum(&self.delay_n));
        totals[id::WAIT_P95] = quantile_unsorted(&mut self.waits, 0.95);
        let result = RepResult {
            totals,
            series: self.series,
            inputs: self.inputs,
        };
        (result, self.waits)
    }
}
