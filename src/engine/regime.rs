//! The regime: timeline events (fixed, uncertain and branching), bans and ownership changes.
//!
//! - Timeline events are drawn at the start of a replication (whether they happen, and their
//!   delay) and queued as events at the start of their day; decisions draw an outcome when they
//!   fire and queue its actions, or decide again after an extension.
//! - A ban lowers a population's active share m at its churn hazard towards its residual share:
//!   m ← r + (m − r)·e^(−h/365.25) per day; after the ban m returns towards 1 at the return
//!   hazard. Revenue lost per day is users × (1 − m) × revenue per user-year × margin / 365.25
//!   (recurring; margin 1 when the population gives none); an outage loses a whole
//!   population's revenue for its hours, times the margin (one-off).
//! - An ownership change books its one-off costs and sale discount on the day (one-off), its
//!   recurring cost daily, and after its transition scales its staff groups' sessions by the
//!   residual access share. Where the functions that change hands earn a share s of a
//!   population's revenue, the seller also gives up, each day from the change, the share of
//!   their profit it does not keep, net of the licence fee L the buyer pays it out of that
//!   profit: (1 − retained) × (active users × revenue per user-year × margin × s − L) / 365.25
//!   (recurring, in `cost.divestiture`; negative, a gain, when the fee exceeds the profit).
//!
//! Streams: each timeline event draws from `("timeline", "<label>@<day>")` (`#k` added for the
//! k-th repeat of the same label and day), each decision from `("decision", name)`, each ban
//! from `("ban", name)`, each ownership change's transition from `("ownership", name)`; money
//! amounts and margins come drawn ([`Draws`]).

use rand::Rng as _;

use super::books::Books;
use super::draws::Draws;
use super::queue::{Event, EventQueue};
use super::rng::{Base, Rng};
use crate::metrics::id;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Outcome, World};

/// Regime state of one replication.
#[derive(Debug)]
pub(super) struct Regime {
    /// Share of each population's users still active (bans).
    pub active_share: Vec<f64>,
    banned: Vec<Option<usize>>,
    last_ban: Vec<Option<usize>>,
    pub churn: Vec<f64>,
    pub residual: Vec<f64>,
    pub returning: Vec<f64>,
    /// Revenue per user-year times margin: what each population's lost user costs.
    lost_per_user_year: Vec<f64>,
    ownership_active: Vec<bool>,
    /// Transition days of each ownership change, drawn at the start (used if it happens).
    pub transition_days: Vec<f64>,
    /// One-off cost plus sale discount of each ownership change.
    ownership_one_off: Vec<f64>,
    /// Recurring cost per day of each ownership change once it happened.
    ownership_per_day: Vec<f64>,
    /// Per ownership change with a profit given up: (population, revenue share × (1 −
    /// retained), (1 − retained) × licence fee per day).
    ownership_profit: Vec<Option<(usize, f64, f64)>>,
    decision_rng: Vec<Rng>,
    pub extensions: Vec<u32>,
    /// The outcome each decision drew last (−1 before it is taken).
    pub outcome: Vec<f64>,
}

impl Regime {
    /// Draws the per-replication ban parameters and transitions, takes the drawn money amounts
    /// and sets everything else to its start.
    pub fn new(world: &World, rep: u64, draws: &Draws) -> Regime {
        let base = |kind: &str, name: &str| Base::new(world.seed, rep, kind, name);
        let (mut churn, mut residual, mut returning) = (Vec::new(), Vec::new(), Vec::new());
        for b in &world.bans {
            let mut rng = base("ban", &b.name).rng();
            churn.push(b.churn_per_year.sample(&mut rng));
            residual.push(b.residual_share.sample(&mut rng).clamp(0.0, 1.0));
            returning.push(b.return_per_year.sample(&mut rng));
        }
        let pops = world.populations.len();
        Regime {
            active_share: vec![1.0; pops],
            banned: vec![None; pops],
            last_ban: vec![None; pops],
            churn,
            residual,
            returning,
            lost_per_user_year: world
                .populations
                .iter()
                .map(|p| {
                    draws.get(p.revenue_per_user_year) * p.margin.map_or(1.0, |m| draws.get(m))
                })
                .collect(),
            ownership_active: vec![false; world.ownerships.len()],
            transition_days: world
                .ownerships
                .iter()
                .map(|o| {
                    o.transition_days
                        .sample(&mut base("ownership", &o.name).rng())
                })
                .collect(),
            ownership_one_off: world
                .ownerships
                .iter()
                .map(|o| draws.get(o.one_off_cost) + draws.get(o.sale_discount))
                .collect(),
            ownership_per_day: world
                .ownerships
                .iter()
                .map(|o| draws.get(o.cost_per_year) / DAYS_PER_YEAR)
                .collect(),
            ownership_profit: world
                .ownerships
                .iter()
                .map(|o| {
                    o.profit.map(|p| {
                        let given_up = 1.0 - draws.get(p.retained_share);
                        (
                            p.population,
                            draws.get(p.revenue_share) * given_up,
                            draws.get(p.licence_fee_per_year) * given_up / DAYS_PER_YEAR,
                        )
                    })
                })
                .collect(),
            decision_rng: world
                .decisions
                .iter()
                .map(|d| base("decision", &d.name).rng())
                .collect(),
            extensions: vec![0; world.decisions.len()],
            outcome: vec![-1.0; world.decisions.len()],
        }
    }

    /// Queues this replication's timeline: whether each uncertain event happens and when; the
    /// day of each uncertain one (the horizon's length if it does not happen) goes to
    /// `inputs[slots[i]]`.
    pub fn schedule_timeline(
        world: &World,
        rep: u64,
        queue: &mut EventQueue,
        slots: &[Option<usize>],
        inputs: &mut [f64],
    ) {
        let last = world.calendar.days as f64 - 1.0;
        let mut seen: Vec<(&str, u32)> = Vec::new();
        for (i, e) in world.timeline.iter().enumerate() {
            if e.probability >= 1.0 && e.delay_days.is_none() {
                queue.push(e.day as f64, Event::Timeline { index: i as u32 });
                continue;
            }
            let repeat = seen
                .iter()
                .filter(|&&k| k == (e.label.as_str(), e.day))
                .count();
            seen.push((e.label.as_str(), e.day));
            let name = match repeat {
                0 => format!("{}@{}", e.label, e.day),
                k => format!("{}@{}#{k}", e.label, e.day),
            };
            let mut rng = Base::new(world.seed, rep, "timeline", &name).rng();
            let slot = slots[i].expect("drawn events have an input");
            inputs[slot] = world.calendar.days as f64;
            if rng.random::<f64>() >= e.probability {
                continue;
            }
            let delay = e
                .delay_days
                .as_ref()
                .map_or(0.0, |d| d.sample(&mut rng).round());
            let day = e.day as f64 + delay;
            if day <= last {
                inputs[slot] = day.max(0.0);
                queue.push(day, Event::Timeline { index: i as u32 });
            }
        }
    }

    pub fn ban_start(&mut self, world: &World, b: usize) {
        let p = world.bans[b].population;
        self.banned[p] = Some(b);
        self.last_ban[p] = Some(b);
    }

    pub fn ban_end(&mut self, world: &World, b: usize) {
        let p = world.bans[b].population;
        if self.banned[p] == Some(b) {
            self.banned[p] = None;
        }
    }

    /// An outage of `hours` for `population` today: its revenue (margin) for those hours is lost.
    pub fn outage(
        &self,
        world: &World,
        population: usize,
        hours: f64,
        day: usize,
        books: &mut Books,
    ) {
        let pop = &world.populations[population];
        let users = pop.users_by_day[day] * self.active_share[population];
        let lost = users * self.lost_per_user_year[population] * hours / (24.0 * DAYS_PER_YEAR);
        books.one_off(id::COST_REVENUE_LOSS, lost);
    }

    /// Ownership change `o` today: one-off costs now, access cut after the transition.
    pub fn ownership(
        &mut self,
        world: &World,
        o: usize,
        day: usize,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        if self.ownership_active[o] {
            return;
        }
        self.ownership_active[o] = true;
        books.one_off(id::COST_DIVESTITURE, self.ownership_one_off[o]);
        books.committed(world.ownerships[o].committed, self.ownership_one_off[o]);
        let after = self.transition_days[o].round().max(0.0);
        queue.push(
            day as f64 + after,
            Event::AccessCut {
                ownership: o as u32,
            },
        );
    }

    /// Draws an outcome of decision `d` and queues its actions, or an extension.
    pub fn decide(&mut self, world: &World, d: usize, day: usize, queue: &mut EventQueue) {
        let dec = &world.decisions[d];
        let can_extend = self.extensions[d] < dec.max_extensions;
        let allowed = |o: &Outcome| can_extend || o.extend_days.is_none();
        let total: f64 = dec
            .outcomes
            .iter()
            .filter(|o| allowed(o))
            .map(|o| o.probability)
            .sum();
        if total <= 0.0 {
            return;
        }
        let rng = &mut self.decision_rng[d];
        let mut u = rng.random::<f64>() * total;
        let mut pick = None;
        for (i, o) in dec.outcomes.iter().enumerate().filter(|(_, o)| allowed(o)) {
            pick = Some(i);
            u -= o.probability;
            if u < 0.0 {
                break;
            }
        }
        let Some(o) = pick else { return };
        self.outcome[d] = o as f64;
        let outcome = &dec.outcomes[o];
        let now = day as f64;
        let last = world.calendar.days as f64 - 1.0;
        for (a, (after, _)) in outcome.actions.iter().enumerate() {
            let t = now + after.sample(rng).round().max(0.0);
            if t <= last {
                queue.push(
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
            self.extensions[d] += 1;
            let t = now + ext.sample(rng).round().max(1.0);
            if t <= last {
                queue.push(t, Event::Decide { decision: d as u32 });
            }
        }
    }

    /// Bans, ownership running costs and revenue lost today.
    pub fn day(&mut self, world: &World, day: usize, books: &mut Books) {
        for (p, pop) in world.populations.iter().enumerate() {
            let m = self.active_share[p];
            let next = match (self.banned[p], self.last_ban[p]) {
                (Some(b), _) => {
                    let r = self.residual[b];
                    r + (m - r) * libm::exp(-self.churn[b] / DAYS_PER_YEAR)
                }
                (None, Some(b)) if m < 1.0 => {
                    1.0 - (1.0 - m) * libm::exp(-self.returning[b] / DAYS_PER_YEAR)
                }
                _ => m,
            };
            self.active_share[p] = next;
            if next < 1.0 {
                let lost = pop.users_by_day[day] * (1.0 - next) * self.lost_per_user_year[p]
                    / DAYS_PER_YEAR;
                books.recurring(id::COST_REVENUE_LOSS, lost);
            }
        }
        for (o, own) in world.ownerships.iter().enumerate() {
            if !self.ownership_active[o] {
                continue;
            }
            let mut per_day = self.ownership_per_day[o];
            if let Some((p, share, fee)) = self.ownership_profit[o] {
                let users = world.populations[p].users_by_day[day] * self.active_share[p];
                per_day += users * self.lost_per_user_year[p] * share / DAYS_PER_YEAR - fee;
            }
            books.recurring(id::COST_DIVESTITURE, per_day);
            books.committed(own.committed, per_day);
        }
    }
}
