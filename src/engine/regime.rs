//! The regime part of a replication: timeline actions (fixed, uncertain and branching), bans,
//! ownership changes and regulators.
//!
//! - Timeline events are drawn at the start of a replication (whether they happen, and their
//!   delay) and queued as events at the start of their day; decisions draw an outcome when they
//!   fire and queue its actions, or decide again after an extension.
//! - A ban lowers a population's active share m at its churn hazard towards its residual share:
//!   m ← r + (m − r)·e^(−h/365.25) per day; after the ban m returns towards 1 at the return
//!   hazard. Revenue lost per day is users × (1 − m) × revenue per user-year / 365.25; an outage
//!   loses a whole population's revenue for its hours.
//! - An ownership change books its one-off costs and sale discount on the day, its recurring
//!   cost daily, and after its transition scales its staff groups' sessions by the residual
//!   access share.
//! - A regulator is a Markov chain stepped daily: with hazards h_i per year (each multiplied by
//!   1 + Σ coefficient × driver) it leaves its state on a day with probability 1 − e^(−Σh/365.25)
//!   and goes to target i with probability h_i/Σh. Before `history_until` only timeline events
//!   move it. Entering a state opens proceedings, imposes a fine (EDPB method, capped at the
//!   legal maximum) and issues compliance orders as the state says; a state with a periodic
//!   penalty accrues it daily.

use rand::Rng as _;

use super::queue::Event;
use super::Sim;
use crate::metrics::{id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Action, World};

/// Days in the trailing window of regulator drivers.
const WINDOW: usize = 365;

/// Regime state of one replication.
#[derive(Debug)]
pub(super) struct RegimeState {
    /// Share of each population's users still active (bans).
    pub active_share: Vec<f64>,
    banned: Vec<Option<usize>>,
    last_ban: Vec<Option<usize>>,
    churn: Vec<f64>,
    residual: Vec<f64>,
    returning: Vec<f64>,
    /// Multiplier on each staff group's sessions (ownership changes).
    pub access_factor: Vec<f64>,
    ownership_active: Vec<bool>,
    reg_state: Vec<usize>,
    /// Metric index of `first_fine` per regulator, and of `first_day` per (regulator, state).
    first_fine_metric: Vec<usize>,
    milestone_metric: Vec<Vec<Option<usize>>>,
    extensions: Vec<u32>,
    ring_records: Vec<f64>,
    ring_detected: Vec<f64>,
    /// Detections per (population, day) booked ahead, entering the window on their day.
    detected_on: Vec<f64>,
    days: usize,
    sum_records: Vec<f64>,
    sum_detected: Vec<f64>,
    /// PB outside the enclave today, per population.
    pub outside_pb: Vec<f64>,
}

impl RegimeState {
    /// Draws the per-replication ban parameters and sets everything else to its start.
    pub fn new<R: rand::Rng + ?Sized>(world: &World, layout: &Layout, rng: &mut R) -> RegimeState {
        let pops = world.populations.len();
        let mut churn = Vec::new();
        let mut residual = Vec::new();
        let mut returning = Vec::new();
        for b in &world.bans {
            churn.push(b.churn_per_year.sample(rng));
            residual.push(b.residual_share.sample(rng).clamp(0.0, 1.0));
            returning.push(b.return_per_year.sample(rng));
        }
        let mut milestone_metric = Vec::new();
        for (r, reg) in world.regulators.iter().enumerate() {
            let mut next = layout.regulator_offsets[r] + 1;
            milestone_metric.push(
                reg.states
                    .iter()
                    .map(|s| {
                        s.milestone.then(|| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect(),
            );
        }
        RegimeState {
            active_share: vec![1.0; pops],
            banned: vec![None; pops],
            last_ban: vec![None; pops],
            churn,
            residual,
            returning,
            access_factor: vec![1.0; world.staff.len()],
            ownership_active: vec![false; world.ownerships.len()],
            reg_state: world.regulators.iter().map(|r| r.initial).collect(),
            first_fine_metric: layout.regulator_offsets.clone(),
            milestone_metric,
            extensions: vec![0; world.decisions.len()],
            ring_records: vec![0.0; pops * WINDOW],
            ring_detected: vec![0.0; pops * WINDOW],
            detected_on: vec![0.0; pops * world.calendar.days as usize],
            days: world.calendar.days as usize,
            sum_records: vec![0.0; pops],
            sum_detected: vec![0.0; pops],
            outside_pb: vec![0.0; pops],
        }
    }

    /// Milestone days start censored (the horizon's length: never reached), except a
    /// regulator's initial state, reached on day 0.
    pub fn init_milestones(&self, world: &World, per_rep: &mut [f64]) {
        for (r, reg) in world.regulators.iter().enumerate() {
            for (s, k) in self.milestone_metric[r].iter().enumerate() {
                if let Some(k) = *k {
                    per_rep[k] = if s == reg.initial {
                        0.0
                    } else {
                        world.calendar.days as f64
                    };
                }
            }
        }
    }

    /// Moves the trailing windows to `day`.
    pub fn advance_window(&mut self, day: usize) {
        let slot = day % WINDOW;
        for p in 0..self.sum_records.len() {
            let i = p * WINDOW + slot;
            self.sum_records[p] -= self.ring_records[i];
            self.sum_detected[p] -= self.ring_detected[i];
            self.ring_records[i] = 0.0;
            let today = self.detected_on[p * self.days + day];
            self.ring_detected[i] = today;
            self.sum_detected[p] += today;
        }
    }

    /// Records read visibly or re-identifiably today.
    #[inline]
    pub fn add_records(&mut self, pop: usize, day: usize, k: f64) {
        self.ring_records[pop * WINDOW + day % WINDOW] += k;
        self.sum_records[pop] += k;
    }

    /// An incident of `pop` that will be detected on `day` (within the horizon), seen `today`.
    #[inline]
    pub fn detect_on(&mut self, pop: usize, day: usize, today: usize) {
        if day <= today {
            self.ring_detected[pop * WINDOW + today % WINDOW] += 1.0;
            self.sum_detected[pop] += 1.0;
        } else {
            self.detected_on[pop * self.days + day] += 1.0;
        }
    }
}

impl Sim<'_> {
    /// Queues this replication's timeline: whether each uncertain event happens and when.
    pub(super) fn schedule_timeline(&mut self) {
        let world = self.world;
        let last = world.calendar.days as f64 - 1.0;
        for (i, e) in world.timeline.iter().enumerate() {
            if e.probability < 1.0 && self.rng.random::<f64>() >= e.probability {
                continue;
            }
            let delay = e
                .delay_days
                .as_ref()
                .map_or(0.0, |d| d.sample(&mut self.rng).round());
            let day = e.day as f64 + delay;
            if day <= last {
                self.ws.queue.push(day, Event::Timeline { index: i as u32 });
            }
        }
    }

    /// Applies an action today.
    pub(super) fn act(&mut self, action: Action) {
        let world = self.world;
        let day = self.day;
        match action {
            Action::SiteOnline(s) => {
                if !self.sites_online[s] {
                    self.sites_online[s] = true;
                    self.cost(id::COST_INFRASTRUCTURE, world.sites[s].capex);
                }
            }
            Action::ControlOn(c) => self.controls_on[c] = true,
            Action::ControlOff(c) => self.controls_on[c] = false,
            Action::Headcount { staff, headcount } => self.headcount[staff] = headcount,
            Action::BanStart(b) => {
                let p = world.bans[b].population;
                self.rg.banned[p] = Some(b);
                self.rg.last_ban[p] = Some(b);
            }
            Action::BanEnd(b) => {
                let p = world.bans[b].population;
                if self.rg.banned[p] == Some(b) {
                    self.rg.banned[p] = None;
                }
            }
            Action::Outage { population, hours } => {
                let pop = &world.populations[population];
                let users = pop.users_by_day[day] * self.rg.active_share[population];
                let lost = users * pop.revenue_per_user_year * hours / (24.0 * DAYS_PER_YEAR);
                self.cost(id::COST_REVENUE_LOSS, lost);
            }
            Action::Ownership(o) => {
                let own = &world.ownerships[o];
                if self.rg.ownership_active[o] {
                    return;
                }
                self.rg.ownership_active[o] = true;
                let one_off = own.one_off_cost.sample(&mut self.rng)
                    + own.sale_discount.sample(&mut self.rng);
                self.cost(id::COST_DIVESTITURE, one_off);
                let after = own.transition_days.sample(&mut self.rng).round().max(0.0);
                self.ws.queue.push(
                    day as f64 + after,
                    Event::AccessCut {
                        ownership: o as u32,
                    },
                );
            }
            Action::RegulatorState {
                regulator,
                state,
                fine,
            } => self.enter_state(regulator, state, fine),
            Action::Decide(d) => self.decide(d),
        }
    }

    /// Cuts the staff groups of an ownership change down to their residual access.
    pub(super) fn cut_access(&mut self, o: usize) {
        let own = &self.world.ownerships[o];
        for &g in &own.staff {
            self.rg.access_factor[g] = own.residual_access;
        }
    }

    /// Draws an outcome of decision `d` and queues its actions, or an extension.
    fn decide(&mut self, d: usize) {
        let dec = &self.world.decisions[d];
        let can_extend = self.rg.extensions[d] < dec.max_extensions;
        let allowed = |o: &crate::model::Outcome| can_extend || o.extend_days.is_none();
        let total: f64 = dec
            .outcomes
            .iter()
            .filter(|o| allowed(o))
            .map(|o| o.probability)
            .sum();
        if total <= 0.0 {
            return;
        }
        let mut u = self.rng.random::<f64>() * total;
        let mut pick = None;
        for (i, o) in dec.outcomes.iter().enumerate().filter(|(_, o)| allowed(o)) {
            pick = Some(i);
            u -= o.probability;
            if u < 0.0 {
                break;
            }
        }
        let Some(o) = pick else { return };
        let outcome = &dec.outcomes[o];
        let day = self.day as f64;
        let last = self.world.calendar.days as f64 - 1.0;
        for (a, (after, _)) in outcome.actions.iter().enumerate() {
            let t = day + after.sample(&mut self.rng).round().max(0.0);
            if t <= last {
                self.ws.queue.push(
                    t,
                    Event::OutcomeAction {
                        decision: d as u32,
                        outcome: o as u32,
                        action: a as u32,
                    },
                );
            }
        }
        if let Some(ext) = &outcome.extend_days {
            self.rg.extensions[d] += 1;
            let t = day + ext.sample(&mut self.rng).round().max(1.0);
            if t <= last {
                self.ws.queue.push(t, Event::Decide { decision: d as u32 });
            }
        }
    }

    /// The regulator enters a state today; `pinned` is a known fine that replaces the draw.
    fn enter_state(&mut self, r: usize, s: usize, pinned: Option<f64>) {
        let world = self.world;
        let reg = &world.regulators[r];
        let st = &reg.states[s];
        self.rg.reg_state[r] = s;
        if st.proceedings {
            self.add(self.month, id::PROCEEDINGS, 1.0);
        }
        let drawn = match (&reg.fine, st.fine) {
            (Some(model), true) if pinned.is_none() => {
                Some(model.draw(&mut self.rng, world.turnover_by_day[self.day]))
            }
            _ => None,
        };
        if let Some(amount) = pinned.or(drawn) {
            self.add(self.month, id::FINES, 1.0);
            self.cost(id::COST_FINES, amount);
            let k = self.rg.first_fine_metric[r];
            if self.per_rep[k] == 0.0 {
                self.per_rep[k] = amount;
            }
        }
        if let Some(k) = self.rg.milestone_metric[r][s] {
            if self.per_rep[k] > self.day as f64 {
                self.per_rep[k] = self.day as f64;
            }
        }
        for &(control, after) in &st.orders {
            // Orders take effect at the start of a later day.
            let t = self.day as f64 + after.ceil().max(1.0);
            self.ws.queue.push(
                t,
                Event::Order {
                    control: control as u32,
                },
            );
        }
    }

    /// Bans, ownership running costs and revenue lost today.
    pub(super) fn bans_day(&mut self) {
        let world = self.world;
        let day = self.day;
        for (p, pop) in world.populations.iter().enumerate() {
            let m = self.rg.active_share[p];
            let next = match (self.rg.banned[p], self.rg.last_ban[p]) {
                (Some(b), _) => {
                    let r = self.rg.residual[b];
                    r + (m - r) * (-self.rg.churn[b] / DAYS_PER_YEAR).exp()
                }
                (None, Some(b)) if m < 1.0 => {
                    1.0 - (1.0 - m) * (-self.rg.returning[b] / DAYS_PER_YEAR).exp()
                }
                _ => m,
            };
            self.rg.active_share[p] = next;
            if next < 1.0 {
                let lost = pop.users_by_day[day] * (1.0 - next) * pop.revenue_per_user_year
                    / DAYS_PER_YEAR;
                self.cost(id::COST_REVENUE_LOSS, lost);
            }
        }
        for (o, own) in world.ownerships.iter().enumerate() {
            if self.rg.ownership_active[o] {
                self.cost(id::COST_DIVESTITURE, own.cost_per_year / DAYS_PER_YEAR);
            }
        }
    }

    /// Steps every regulator one day.
    pub(super) fn regulators_day(&mut self) {
        let world = self.world;
        let day = self.day;
        for (r, reg) in world.regulators.iter().enumerate() {
            let s = self.rg.reg_state[r];
            let penalty = reg.states[s].penalty_share_of_daily_turnover;
            if penalty > 0.0 {
                self.cost(
                    id::COST_FINES,
                    penalty * world.turnover_by_day[day] / DAYS_PER_YEAR,
                );
            }
            if (day as u32) < reg.history_until_day || reg.transitions[s].is_empty() {
                continue;
            }
            let (mut detected, mut records, mut outside) = (0.0, 0.0, 0.0);
            for (p, covered) in reg.populations.iter().enumerate() {
                if *covered {
                    detected += self.rg.sum_detected[p];
                    records += self.rg.sum_records[p];
                    outside += self.rg.outside_pb[p];
                }
            }
            let d = &reg.drivers;
            let mult = 1.0
                + d.detected_incidents * detected
                + d.records_millions * records / 1e6
                + d.pb_outside * outside;
            let total: f64 = reg.transitions[s].iter().map(|(_, h)| h).sum::<f64>() * mult;
            if total <= 0.0 {
                continue;
            }
            if self.rng.random::<f64>() >= 1.0 - (-total / DAYS_PER_YEAR).exp() {
                continue;
            }
            let mut u = self.rng.random::<f64>() * total;
            let mut to = reg.transitions[s][0].0;
            for &(target, h) in &reg.transitions[s] {
                to = target;
                u -= h * mult;
                if u < 0.0 {
                    break;
                }
            }
            self.enter_state(r, to, None);
        }
    }
}

#[cfg(test)]
#[path = "regime_tests.rs"]
mod tests;
