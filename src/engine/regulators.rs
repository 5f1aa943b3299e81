//! Regulators: Markov chains over enforcement states, stepped daily.
//!
//! Each day a regulator sees its drivers x (detections of its staff groups' misuse and
//! identifiable records in the last 365 days, PB outside the enclave and PB readable from a
//! restricted jurisdiction today, distinct users read and years of reads so far, over its
//! populations). Out of its state, transition i has hazard hᵢ = baseᵢ · (1 + c·x) · (1 + cᵢ·x)
//! per year, with c the regulator's coefficients and cᵢ the transition's own: the first
//! changes how fast proceedings move, the second which exit they take. The regulator leaves
//! on a day with probability 1 − e^(−Σh/365.25) and goes to target i with probability hᵢ/Σh.
//! Before `history_until` only timeline events move it. Entering a state opens proceedings,
//! imposes a fine (EDPB method at gravity g = c_fine·x, capped at the legal maximum) and issues
//! orders as the state says; a state with a periodic penalty accrues it daily. At an order's
//! deadline it is complied with (its control on, its cost booked) or refused (the regulator
//! enters the order's refusal state, and the order's ban starts).
//!
//! Streams: each day's step draws two uniforms from `("regulator", name)`'s stream of that day
//! (whether to leave, and where to), so two scenarios whose drivers differ still step their
//! regulators on the same numbers; the k-th drawn fine of a regulator is always the k-th
//! draw of `("fine", name)`, and its k-th order deadline the k-th uniform of
//! `("order", name)`, whenever they fall.

use rand::Rng as _;

use super::books::Books;
use super::draws::Draws;
use super::ledger::Ledger;
use super::queue::{Event, EventQueue};
use super::rng::{Base, DayStream, Rng};
use super::sessions::Sessions;
use crate::metrics::{id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{weigh, Action, Drivers, World};

/// What the regulators see of the rest of the replication.
pub(super) struct Seen<'a> {
    pub ledger: &'a Ledger,
    /// PB outside the enclave today, per population.
    pub outside_pb: &'a [f64],
    pub sessions: &'a Sessions,
}

/// The regulators of one replication.
#[derive(Debug)]
pub(super) struct Regulators {
    state: Vec<usize>,
    steps: Vec<DayStream>,
    fines: Vec<Rng>,
    orders: Vec<Rng>,
    /// Today's driver values per regulator.
    values: Vec<Drivers>,
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
            orders: world
                .regulators
                .iter()
                .map(|r| base("order", &r.name).rng())
                .collect(),
            values: vec![[0.0; 6]; world.regulators.len()],
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
        seen: &Seen,
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
            self.values[r] = values(world, r, day, seen);
            if (day as u32) < reg.history_until_day || reg.transitions[s].is_empty() {
                continue;
            }
            let x = &self.values[r];
            let mult = 1.0 + weigh(&reg.drivers, x);
            let hazard =
                |t: &crate::model::Transition| t.per_year * mult * (1.0 + weigh(&t.drivers, x));
            let total: f64 = reg.transitions[s].iter().map(hazard).sum();
            let rng = self.steps[r].at(day as u32);
            let (leave, which): (f64, f64) = (rng.random(), rng.random());
            if total <= 0.0 || leave >= -libm::expm1(-total / DAYS_PER_YEAR) {
                continue;
            }
            let mut u = which * total;
            let mut to = reg.transitions[s][0].to;
            for t in &reg.transitions[s] {
                to = t.to;
                u -= hazard(t);
                if u < 0.0 {
                    break;
                }
            }
            self.enter(world, r, to, None, day, queue, books);
        }
    }

    /// The deadline of order `o` of state `s` of regulator `r`: complied with (its cost booked;
    /// returned: its control to switch on) or refused (the refusal state entered; returned: its
    /// ban to start).
    #[allow(clippy::too_many_arguments)]
    pub fn order(
        &mut self,
        world: &World,
        (r, s, o): (usize, usize, usize),
        day: usize,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) -> Option<Action> {
        let order = &world.regulators[r].states[s].orders[o];
        if self.orders[r].random::<f64>() < order.comply_probability {
            books.one_off(id::COST_COMPLIANCE, draws.get(order.compliance_cost));
            return order.control.map(Action::ControlOn);
        }
        if let Some(refuse) = order.refuse_state {
            self.enter(world, r, refuse, None, day, queue, books);
        }
        order.refuse_ban.map(Action::BanStart)
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
                let g = weigh(&model.gravity, &self.values[r]);
                Some(model.draw(&mut self.fines[r], world.turnover_by_day[day], g))
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
        for (o, order) in st.orders.iter().enumerate() {
            // Orders fall due at the start of a later day.
            let t = day as f64 + order.after_days.ceil().max(1.0);
            queue.push(
                t,
                Event::Order {
                    regulator: r as u32,
                    state: s as u32,
                    order: o as u32,
                },
            );
        }
    }
}

/// Regulator `r`'s driver values on `day`, indexed like [`crate::model::DRIVER_NAMES`].
fn values(world: &World, r: usize, day: usize, seen: &Seen) -> Drivers {
    let reg = &world.regulators[r];
    let groups = world.staff.len();
    let mut x = [0.0; 6];
    for (p, pop) in world.populations.iter().enumerate() {
        if !reg.populations[p] {
            continue;
        }
        x[0] += (0..groups)
            .filter(|&g| reg.staff[g])
            .map(|g| seen.ledger.sum_detected[p * groups + g])
            .sum::<f64>();
        x[1] += seen.ledger.sum_records[p] / 1e6;
        x[2] += seen.outside_pb[p];
        x[3] += pop.volume_pb(day) * seen.sessions.accessible_share(p);
        x[4] += seen.ledger.distinct_users(p, day) / 1e6;
        x[5] = f64::max(x[5], seen.ledger.exposed_days[p] / DAYS_PER_YEAR);
    }
    x
}
