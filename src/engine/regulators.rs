//! Regulators: Markov chains over enforcement states, stepped daily.
//!
//! With hazards hᵢ per year out of its state (each multiplied by 1 + Σ coefficient × driver), a
//! regulator leaves its state on a day with probability 1 − e^(−Σh/365.25) and goes to target i
//! with probability hᵢ/Σh. Before `history_until` only timeline events move it. Entering a
//! state opens proceedings, imposes a fine (EDPB method, capped at the legal maximum) and issues
//! compliance orders as the state says; a state with a periodic penalty accrues it daily.
//!
//! Streams: each day's step draws two uniforms from `("regulator", name)`'s stream of that day
//! (whether to leave, and where to), so two scenarios whose drivers differ still step their
//! regulators on the same numbers, and the k-th drawn fine of a regulator is always the k-th
//! draw of `("fine", name)`, whenever it falls.

use rand::Rng as _;

use super::books::Books;
use super::ledger::Ledger;
use super::queue::{Event, EventQueue};
use super::rng::{Base, DayStream, Rng};
use crate::metrics::{id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::World;

/// The regulators of one replication.
#[derive(Debug)]
pub(super) struct Regulators {
    state: Vec<usize>,
    steps: Vec<DayStream>,
    fines: Vec<Rng>,
    /// Metric index of `first_fine` per regulator, and of `first_day` per (regulator, state).
    first_fine_metric: Vec<usize>,
    milestone_metric: Vec<Vec<Option<usize>>>,
    /// First metric of the per-regulator fines breakdowns (amount, count), if any.
    fines_by_regulator: Option<usize>,
    fine_count_by_regulator: Option<usize>,
}

impl Regulators {
    pub fn new(world: &World, layout: &Layout, rep: u64) -> Regulators {
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
        let base = |kind: &str, name: &str| Base::new(world.seed, rep, kind, name);
        Regulators {
            state: world.regulators.iter().map(|r| r.initial).collect(),
            steps: world
                .regulators
                .iter()
                .map(|r| DayStream::new(base("regulator", &r.name)))
                .collect(),
            fines: world
                .regulators
                .iter()
                .map(|r| base("fine", &r.name).rng())
                .collect(),
            first_fine_metric: layout.regulator_offsets.clone(),
            milestone_metric,
            fines_by_regulator: layout.breakdown.fines_by_regulator,
            fine_count_by_regulator: layout.breakdown.fine_count_by_regulator,
        }
    }

    /// Milestone days start censored (the horizon's length: never reached), except a
    /// regulator's initial state, reached on day 0.
    pub fn init_milestones(&self, world: &World, books: &mut Books) {
        for (r, reg) in world.regulators.iter().enumerate() {
            for (s, k) in self.milestone_metric[r].iter().enumerate() {
                if let Some(k) = *k {
                    books.per_rep[k] = if s == reg.initial {
                        0.0
                    } else {
                        world.calendar.days as f64
                    };
                }
            }
        }
    }

    /// Steps every regulator one day.
    pub fn day(
        &mut self,
        world: &World,
        day: usize,
        ledger: &Ledger,
        outside_pb: &[f64],
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        for (r, reg) in world.regulators.iter().enumerate() {
            let s = self.state[r];
            let penalty = reg.states[s].penalty_share_of_daily_turnover;
            if penalty > 0.0 {
                let amount = penalty * world.turnover_by_day[day] / DAYS_PER_YEAR;
                books.recurring(id::COST_FINES, amount);
                books.add_entity(self.fines_by_regulator, r, amount);
            }
            if (day as u32) < reg.history_until_day || reg.transitions[s].is_empty() {
                continue;
            }
            let (mut detected, mut records, mut outside) = (0.0, 0.0, 0.0);
            for (p, covered) in reg.populations.iter().enumerate() {
                if *covered {
                    detected += ledger.sum_detected[p];
                    records += ledger.sum_records[p];
                    outside += outside_pb[p];
                }
            }
            let d = &reg.drivers;
            let mult = 1.0
                + d.detected_incidents * detected
                + d.records_millions * records / 1e6
                + d.pb_outside * outside;
            let total: f64 = reg.transitions[s].iter().map(|(_, h)| h).sum::<f64>() * mult;
            let rng = self.steps[r].at(day as u32);
            let (leave, which): (f64, f64) = (rng.random(), rng.random());
            if total <= 0.0 || leave >= -libm::expm1(-total / DAYS_PER_YEAR) {
                continue;
            }
            let mut u = which * total;
            let mut to = reg.transitions[s][0].0;
            for &(target, h) in &reg.transitions[s] {
                to = target;
                u -= h * mult;
                if u < 0.0 {
                    break;
                }
            }
            self.enter(world, r, to, None, day, queue, books);
        }
    }

    /// Regulator `r` enters state `s` today; `pinned` is a known fine that replaces the draw.
    #[allow(clippy::too_many_arguments)]
    pub fn enter(
        &mut self,
        world: &World,
        r: usize,
        s: usize,
        pinned: Option<f64>,
        day: usize,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        let reg = &world.regulators[r];
        let st = &reg.states[s];
        self.state[r] = s;
        if st.proceedings {
            books.add_now(id::PROCEEDINGS, 1.0);
        }
        let drawn = match (&reg.fine, st.fine) {
            (Some(model), true) if pinned.is_none() => {
                Some(model.draw(&mut self.fines[r], world.turnover_by_day[day]))
            }
            _ => None,
        };
        if let Some(amount) = pinned.or(drawn) {
            books.add_now(id::FINES, 1.0);
            books.one_off(id::COST_FINES, amount);
            books.add_entity(self.fines_by_regulator, r, amount);
            books.add_entity(self.fine_count_by_regulator, r, 1.0);
            let k = self.first_fine_metric[r];
            if books.per_rep[k] == 0.0 {
                books.per_rep[k] = amount;
            }
        }
        if let Some(k) = self.milestone_metric[r][s] {
            if books.per_rep[k] > day as f64 {
                books.per_rep[k] = day as f64;
            }
        }
        for &(control, after) in &st.orders {
            // Orders take effect at the start of a later day.
            let t = day as f64 + after.ceil().max(1.0);
            queue.push(
                t,
                Event::Order {
                    control: control as u32,
                },
            );
        }
    }
}
