//! Regulators: Markov chains over enforcement states, stepped daily, one chain per case.
//!
//! A regulator with cases runs one chain per case, concurrently; a regulator without is one
//! chain. A case may be dormant until it opens (on a day, at a hazard with its own drivers from
//! its `history_until`, or when an event moves it): dormant, it neither moves, fines nor
//! accrues. Its chain's drivers are its regulator's.
//!
//! Each day a regulator sees its drivers x (detections of its staff groups' misuse and
//! identifiable records in the 365 days before today, PB outside the enclave and PB readable
//! from a restricted jurisdiction today, distinct users read and years of reads so far, over
//! its populations). Out of its state, transition i has hazard hᵢ = baseᵢ · (1 + c·x) ·
//! (1 + cᵢ·x) per year, with baseᵢ drawn once per replication, c the regulator's coefficients
//! and cᵢ the transition's own: the first changes how fast proceedings move, the second which
//! exit they take. The regulator leaves a state by inverse cumulative hazard ([`clock`]): one
//! Exp(1) level per transition and visit, left on the day an integrated hazard first reaches
//! its level: the state is left with probability 1 − e^(−Σh/365.25) a day, to target i with
//! probability hᵢ/Σh (independent competing risks). Before `history_until` only timeline
//! events move it. Entering a state
//! opens proceedings, imposes a fine (EDPB method at gravity g = c_fine·x, from one uniform
//! through the seriousness scale's inverse CDF, capped at the legal maximum) and issues orders
//! as the state says; a state with a periodic penalty accrues it daily. A fine drawn on a state
//! entered before the day's step (a timeline event, an order's refusal) is set at the step, on
//! today's drivers. A case with an infringement period sets its fines' gravity on the
//! period's drivers instead ([`history`]): conduct after the period below the period's (at its
//! rate) takes off at most the case's `remediation_weight` of that gravity; inaccurate
//! information adds its own. At an order's deadline it is complied with (its control on, its cost
//! booked) or refused (the regulator enters the order's refusal state, and the order's ban
//! starts).
//!
//! Streams: the k-th state visit of a chain (its initial state, or a dormant case's opening
//! clock, is visit 0) draws its level and choice from day k of `("regulator", key)`'s streams,
//! its k-th drawn fine its uniform and factor from day k of `("fine", key)`'s, and its k-th
//! order deadline the k-th uniform of `("order", key)`, whenever they fall, with key the
//! regulator's name, or `regulator/case`: adding a case leaves every other case's draws as
//! they were, and two scenarios whose drivers differ leave each
//! visit on the same Exp(1) level, and set each fine from the same uniform. (Keying visits and
//! fines by (state, visit of that state) instead measured a weaker pairing of `eu_combined`
//! and `dsa_scrutiny`, as did one level per transition.)

mod clock;
mod courts;
mod history;

use clock::Clocks;
pub(super) use courts::Lodge;
use courts::{Courts, AFRESH};
use history::History;

use rand::Rng as _;

use super::books::Books;
use super::draws::Draws;
use super::ledger::Ledger;
use super::queue::{Event, EventQueue};
use super::rng::{Base, Rng};
use super::sessions::Sessions;
use crate::metrics::{id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{weigh, Action, Appeal, Drivers, Opening, Regulator, Verdict, World};

/// What the regulators see of the rest of the replication.
pub(super) struct Seen<'a> {
    pub ledger: &'a Ledger,
    /// PB outside the enclave today, per population.
    pub outside_pb: &'a [f64],
    pub sessions: &'a Sessions,
    /// PB held at sites in a restricted jurisdiction today, and records exposed by compelled
    /// access so far, per population.
    pub restricted_pb: &'a [f64],
    pub compelled_records: &'a [f64],
}

/// The regulators of one replication: one chain per case (index `r`), grouped by regulator
/// (index `g`).
#[derive(Debug)]
pub(super) struct Regulators {
    state: Vec<usize>,
    /// Whether each chain is open (a dormant case neither moves nor fines nor accrues).
    open: Vec<bool>,
    /// The exit clock of each chain's current state visit (a dormant case's: its opening
    /// clock); visits so far per chain, and the roots of the visits' streams.
    clocks: Vec<Clocks>,
    visits: Vec<u32>,
    visit_streams: Vec<Base>,
    /// Drawn fines so far per chain, and the roots of their streams.
    fines_drawn: Vec<u32>,
    fines: Vec<Base>,
    /// Fines awaiting today's drivers (states entered before the day's step), per (chain,
    /// state).
    pending: Vec<Vec<u32>>,
    orders: Vec<Rng>,
    /// Each transition's base hazard in this replication, per chain and state.
    base: Vec<Vec<Vec<f64>>>,
    /// Each chain's base opening hazard (0 unless it opens at a hazard).
    open_base: Vec<f64>,
    /// Today's driver values per regulator, and the day they were read (`u32::MAX`: none yet).
    values: Vec<Drivers>,
    values_day: u32,
    /// A chain of each regulator (they share populations and staff).
    group_chain: Vec<usize>,
    history: History,
    /// Metric index of `first_fine` per regulator, and of `first_day` per (chain, state).
    first_fine_metric: Vec<usize>,
    milestone_metric: Vec<Vec<Option<usize>>>,
    /// First metric of the per-regulator fines breakdowns (amount, count), if any.
    fines_by_regulator: Option<usize>,
    fine_count_by_regulator: Option<usize>,
    /// The same per case, and each chain's place among the cases (`usize::MAX`: not a case).
    fines_by_case: Option<usize>,
    fine_count_by_case: Option<usize>,
    case_slot: Vec<usize>,
    courts: Courts,
}

impl Regulators {
    pub fn new(world: &World, layout: &Layout, rep: u64, draws: &Draws) -> Regulators {
        let chains = &world.regulators;
        let groups = world.regulator_names.len();
        let mut milestone_metric = vec![Vec::new(); chains.len()];
        for (g, &offset) in layout.regulator_offsets.iter().enumerate() {
            let mut next = offset + 1;
            for (r, reg) in chains.iter().enumerate().filter(|(_, c)| c.group == g) {
                milestone_metric[r] = reg
                    .states
                    .iter()
                    .map(|s| {
                        s.milestone.then(|| {
                            next += 1;
                            next - 1
                        })
                    })
                    .collect();
            }
        }
        let mut slot = 0;
        let case_slot = chains
            .iter()
            .map(|r| {
                if r.case.is_some() {
                    slot += 1;
                    slot - 1
                } else {
                    usize::MAX
                }
            })
            .collect();
        let base = |kind: &str, r: &Regulator| Base::new(world.seed, rep, kind, &r.key('/'));
        let per_state = |r: &Regulator| vec![0; r.states.len()];
        let mut regulators = Regulators {
            state: chains.iter().map(|r| r.initial).collect(),
            open: chains.iter().map(|r| r.opening == Opening::Open).collect(),
            clocks: chains.iter().map(|_| Clocks::default()).collect(),
            visits: vec![0; chains.len()],
            visit_streams: chains.iter().map(|r| base("regulator", r)).collect(),
            fines_drawn: vec![0; chains.len()],
            fines: chains.iter().map(|r| base("fine", r)).collect(),
            pending: chains.iter().map(per_state).collect(),
            orders: chains.iter().map(|r| base("order", r).rng()).collect(),
            base: chains
                .iter()
                .map(|r| {
                    r.transitions
                        .iter()
                        .map(|ts| ts.iter().map(|t| draws.get(t.per_year)).collect())
                        .collect()
                })
                .collect(),
            open_base: chains
                .iter()
                .map(|r| match r.opening {
                    Opening::Hazard { per_year, .. } => draws.get(per_year),
                    _ => 0.0,
                })
                .collect(),
            values: vec![Drivers::default(); groups],
            values_day: u32::MAX,
            group_chain: (0..groups)
                .map(|g| chains.iter().position(|r| r.group == g).unwrap_or(0))
                .collect(),
            history: History::new(world, groups),
            first_fine_metric: layout.regulator_offsets.clone(),
            milestone_metric,
            fines_by_regulator: layout.breakdown.fines_by_regulator,
            fine_count_by_regulator: layout.breakdown.fine_count_by_regulator,
            fines_by_case: layout.breakdown.fines_by_case,
            fine_count_by_case: layout.breakdown.fine_count_by_case,
            case_slot,
            courts: Courts::new(world, world.seed, rep),
        };
        for r in 0..chains.len() {
            regulators.visit(r);
        }
        regulators
    }

    /// Chain `r` starts a state visit: its level and choice, from the visit's own stream.
    fn visit(&mut self, r: usize) {
        let mut rng = self.visit_streams[r].day(self.visits[r]);
        self.visits[r] += 1;
        self.clocks[r].draw(&mut rng);
    }

    /// What each chain's first drawn fine draws ([`crate::metrics::inputs::FineInputs`]),
    /// into the input row: read from a fresh copy of its stream, so no draw moves.
    pub fn record_inputs(&self, world: &World, layout: &Layout, row: &mut [f64]) {
        for f in &layout.inputs.fines {
            let Some(model) = &world.regulators[f.chain].fine else {
                continue;
            };
            let (u, factor) = model.draws(&mut self.fines[f.chain].day(0));
            if let Some(k) = f.share {
                row[k] = model.start_share(u, 0.0, None);
            }
            if let Some(k) = f.factor {
                row[k] = factor;
            }
        }
    }

    /// Milestone days start censored (the horizon's length: never reached), except the
    /// initial state of a chain open from the start, reached on day 0.
    pub fn init_milestones(&self, world: &World, books: &mut Books) {
        for (r, reg) in world.regulators.iter().enumerate() {
            for (s, k) in self.milestone_metric[r].iter().enumerate() {
                if let Some(k) = *k {
                    books.per_rep[k] = if s == reg.initial && self.open[r] {
                        0.0
                    } else {
                        world.calendar.days as f64
                    };
                }
            }
        }
    }

    /// Steps every regulator one day: reads today's drivers, sets the fines waiting for them,
    /// accrues penalties and advances each exit clock.
    pub fn day(
        &mut self,
        world: &World,
        day: usize,
        seen: &Seen,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        for g in 0..self.values.len() {
            let r = self.group_chain[g];
            let yesterday = self.values[g];
            self.values[g] = values(world, r, day, seen);
            let reg = (g, &world.regulators[r]);
            self.history.record(world, reg, day, &yesterday, seen);
        }
        self.values_day = day as u32;
        for (r, reg) in world.regulators.iter().enumerate() {
            let x = &self.values[reg.group];
            if !self.open[r] {
                let opens = match reg.opening {
                    Opening::OnDay(d) => day as u32 >= d,
                    Opening::Hazard { drivers, .. } if day as u32 >= reg.history_until_day => {
                        let h = self.open_base[r] * (1.0 + weigh(&drivers, x));
                        self.clocks[r].advance(1, |_| h).is_some()
                    }
                    _ => false,
                };
                if opens {
                    let at = (r, reg.initial);
                    self.enter(world, at, None, Lodge::Draw, day, draws, queue, books);
                }
                continue;
            }
            for s in 0..reg.states.len() {
                for _ in 0..std::mem::take(&mut self.pending[r][s]) {
                    self.fine(world, (r, s), None, day, books, draws);
                }
            }
            while let Some((c, verdict)) = self.courts.due(r, day as u32) {
                self.rule(world, c, verdict, day, draws, queue, books);
            }
            let s = self.state[r];
            let penalty = reg.states[s].penalty_share_of_daily_turnover;
            if penalty > 0.0 {
                let amount = penalty * world.turnover_by_day[day] / DAYS_PER_YEAR;
                books.recurring(id::COST_FINES, amount);
                self.book_by_entity(r, reg.group, amount, 0.0, books);
            }
            if (day as u32) < reg.history_until_day || reg.transitions[s].is_empty() {
                continue;
            }
            let x = &self.values[reg.group];
            let mult = 1.0 + weigh(&reg.drivers, x);
            let base = &self.base[r][s];
            let hazard =
                |i: usize| base[i] * mult * (1.0 + weigh(&reg.transitions[s][i].drivers, x));
            let Some(i) = self.clocks[r].advance(base.len(), hazard) else {
                continue;
            };
            let to = reg.transitions[s][i].to;
            self.enter(world, (r, to), None, Lodge::Draw, day, draws, queue, books);
        }
    }

    /// Books `amount` and `count` fines of chain `r` (regulator `g`) in the breakdowns.
    fn book_by_entity(&self, r: usize, g: usize, amount: f64, count: f64, books: &mut Books) {
        books.add_entity(self.fines_by_regulator, g, amount);
        let slot = self.case_slot[r];
        if slot != usize::MAX {
            books.add_entity(self.fines_by_case, slot, amount);
        }
        if count > 0.0 {
            books.add_entity(self.fine_count_by_regulator, g, count);
            if slot != usize::MAX {
                books.add_entity(self.fine_count_by_case, slot, count);
            }
        }
    }

    /// The deadline of order `o` of state `s` of regulator `r`, issued by decision `serial`:
    /// nothing if the courts stayed or voided that decision, else complied with (its cost
    /// booked; returned: its control to switch on) or refused (the refusal state entered;
    /// returned: its ban to start).
    #[allow(clippy::too_many_arguments)]
    pub fn order(
        &mut self,
        world: &World,
        (r, s, o, serial): (usize, usize, usize, u32),
        day: usize,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) -> Option<Action> {
        if self.courts.blocks(r, serial) {
            return None;
        }
        let order = &world.regulators[r].states[s].orders[o];
        if self.orders[r].random::<f64>() < order.comply_probability {
            books.one_off(id::COST_COMPLIANCE, draws.get(order.compliance_cost));
            return order.control.map(Action::ControlOn);
        }
        if let Some(refuse) = order.refuse_state {
            self.enter(
                world,
                (r, refuse),
                None,
                Lodge::Draw,
                day,
                draws,
                queue,
                books,
            );
        }
        order.refuse_ban.map(Action::BanStart)
    }

    /// Regulator `r` enters state `s` today; `pinned` is a known fine that replaces the draw,
    /// and `lodge` says what the courts make of the decision ([`courts`]). The visit draws its
    /// exit clock; a drawn fine waits for today's drivers if they are not read yet.
    #[allow(clippy::too_many_arguments)]
    pub fn enter(
        &mut self,
        world: &World,
        (r, s): (usize, usize),
        pinned: Option<f64>,
        lodge: Lodge,
        day: usize,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        let reg = &world.regulators[r];
        let st = &reg.states[s];
        self.state[r] = s;
        self.open[r] = true;
        self.visit(r);
        let serial = self.visits[r];
        if st.proceedings {
            books.add_now(id::PROCEEDINGS, 1.0);
        }
        let fines =
            lodge != Lodge::KeptFine && (pinned.is_some() || (st.fine && reg.fine.is_some()));
        if let Some(appeal) = &st.appeal {
            let odds = (draws.get(appeal.probability), &hazards(appeal, draws));
            let at = (r, s, serial);
            self.courts
                .decision(world, at, appeal, odds, lodge, fines, day as u32);
        }
        if fines {
            if pinned.is_none() && self.values_day != day as u32 {
                self.pending[r][s] += 1;
            } else {
                self.fine(world, (r, s), pinned, day, books, draws);
            }
        }
        if let Some(k) = self.milestone_metric[r][s] {
            if books.per_rep[k] > day as f64 {
                books.per_rep[k] = day as f64;
            }
        }
        issue_orders(world, (r, s, serial), day, queue);
    }

    /// A pinned `appeal` event: regulator `r`'s latest held decision in state `s` is lodged.
    pub fn appeal(&mut self, world: &World, (r, s): (usize, usize), day: usize, draws: &Draws) {
        if let Some(appeal) = &world.regulators[r].states[s].appeal {
            let per_year = hazards(appeal, draws);
            self.courts.appeal(world, r, s, day as u32, &per_year);
        }
    }

    /// A pinned `judgment` event: the latest pending appeal of regulator `r`'s decision in
    /// state `s` ends in `verdict` today.
    #[allow(clippy::too_many_arguments)]
    pub fn judgment(
        &mut self,
        world: &World,
        (r, s): (usize, usize),
        verdict: Verdict,
        day: usize,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        if let Some(c) = self.courts.pending(r, s) {
            self.rule(world, c, verdict, day, draws, queue, books);
        }
    }

    /// Case `c` ends today in `verdict`: its fine booked, its orders issued afresh, or the
    /// regulator sent back to decide again, as the courts rule.
    #[allow(clippy::too_many_arguments)]
    fn rule(
        &mut self,
        world: &World,
        c: usize,
        verdict: Verdict,
        day: usize,
        draws: &Draws,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
        let per_year = self.courts.hazards_of(world, c, draws);
        let ruling = self.courts.rule(world, c, verdict, day as u32, &per_year);
        let (r, s) = (ruling.regulator, ruling.state);
        if let Some(amount) = ruling.book {
            self.book((r, world.regulators[r].group), amount, books);
        }
        if ruling.orders_afresh {
            issue_orders(world, (r, s, AFRESH), day, queue);
        }
        if let Some((to, lodge)) = ruling.remit {
            self.enter(world, (r, to), None, lodge, day, draws, queue, books);
        }
    }

    /// Sets a fine of regulator `r`'s decision in state `s` today: `pinned`, or the next drawn
    /// one on today's drivers. It is booked at once, unless the decision is before the courts.
    fn fine(
        &mut self,
        world: &World,
        (r, s): (usize, usize),
        pinned: Option<f64>,
        day: usize,
        books: &mut Books,
        draws: &Draws,
    ) {
        let reg = &world.regulators[r];
        let amount = match (pinned, &reg.fine) {
            (Some(a), _) => a,
            (None, Some(model)) => {
                let g = self.gravity(reg, &model.gravity, day);
                let share = model.share_of_max.map(|d| draws.get(d));
                let mut rng = self.fines[r].day(self.fines_drawn[r]);
                self.fines_drawn[r] += 1;
                model.draw(&mut rng, world.turnover_by_day[day], g, share)
            }
            (None, None) => return,
        };
        if !self.courts.hold_fine(r, s, amount) {
            self.book((r, reg.group), amount, books);
        }
    }

    /// Books a final fine of chain `r` (regulator `g`) today.
    fn book(&mut self, (r, g): (usize, usize), amount: f64, books: &mut Books) {
        books.add_now(id::FINES, 1.0);
        books.one_off(id::COST_FINES, amount);
        self.book_by_entity(r, g, amount, 1.0, books);
        let k = self.first_fine_metric[g];
        if books.per_rep[k] == 0.0 {
            books.per_rep[k] = amount;
        }
    }

    /// The gravity of a fine of chain `reg` set on `day` with coefficients `c`: on today's
    /// drivers, or on its infringement period's, less at most `remediation_weight` of that for
    /// conduct below it since (read at the period's rate); plus `inaccurate_information`.
    fn gravity(&self, reg: &Regulator, c: &Drivers, day: usize) -> f64 {
        let Some(inf) = &reg.infringement else {
            return weigh(c, &self.values[reg.group]) + reg.inaccurate_information;
        };
        let (a, b) = inf.days(day);
        let g_period = weigh(c, &self.history.period(reg.group, a, b));
        let mut g = g_period;
        if b < day && g_period > 0.0 && inf.remediation_weight > 0.0 {
            let after = self.history.period(reg.group, b, day);
            let after = history::at_period_rate(&after, day - b, b - a);
            let remedied = (1.0 - weigh(c, &after) / g_period).clamp(0.0, 1.0);
            g = g_period * (1.0 - inf.remediation_weight * remedied);
        }
        g + reg.inaccurate_information
    }
}

/// The verdicts' hazards per year of an appeal table in this replication.
fn hazards(appeal: &Appeal, draws: &Draws) -> [f64; 4] {
    appeal.per_year.map(|d| draws.get(d))
}

/// Queues the orders of regulator `r`'s state `s`, issued today by decision `serial`: each
/// falls due at the start of a later day.
fn issue_orders(
    world: &World,
    (r, s, serial): (usize, usize, u32),
    day: usize,
    queue: &mut EventQueue,
) {
    for (o, order) in world.regulators[r].states[s].orders.iter().enumerate() {
        let t = day as f64 + order.after_days.ceil().max(1.0);
        queue.push(
            t,
            Event::Order {
                regulator: r as u32,
                state: s as u32,
                order: o as u16,
                decision: serial,
            },
        );
    }
}

/// Regulator `r`'s driver values on `day`, indexed like [`crate::model::DRIVER_NAMES`].
fn values(world: &World, r: usize, day: usize, seen: &Seen) -> Drivers {
    let reg = &world.regulators[r];
    let groups = world.staff.len();
    let mut x = Drivers::default();
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
        x[6] += seen.restricted_pb[p];
        x[7] += seen.compelled_records[p] / 1e6;
    }
    x
}
