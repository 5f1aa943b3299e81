//! The engine: one replication of a [`World`], day by day, with a discrete-event queue inside
//! each day for everything that waits or interacts.
//!
//! # Components
//!
//! A replication is a handful of components, each owning its state and its random streams, in
//! one file each; they talk only through the day loop below ([`Sim`]), which passes each the
//! books ([`books`]) and what it reads of the others:
//!
//! | component | owns | file |
//! |---|---|---|
//! | sessions | staff groups' rates, headcount, access, routes through the controls, the day's sessions | [`sessions`] |
//! | gates | approval queues, reviewers, waits and abandonment | [`gates`] |
//! | lost work | what deny and approval controls cost in the sessions they block and delay | [`lost_work`] |
//! | monitors | which misuse is detected, and when | [`monitors`] |
//! | exposure ledger | records per route and day, rounding, re-identification, distinct users, the regulators' windows | [`ledger`] |
//! | drawn amounts | money amounts and margins drawn once per replication | [`draws`] |
//! | estate | data per site, migrations, flows, residency, site costs | [`storage`] |
//! | exposure channels | data held in restricted jurisdictions, compelled-access events | [`channels`] |
//! | regime | timeline, decisions, bans, ownership changes | [`regime`] |
//! | regulators | enforcement states, fines, orders | [`regulators`] |
//!
//! # Random streams
//!
//! Every draw comes from a stream derived from (seed, replication, component kind, entity
//! name) ([`rng`]), never from a position in the file: adding, removing or reordering a block
//! leaves every other block's draws unchanged unless it feeds them. A staff group's sessions, a
//! gate's reviews, a monitor's detections of one group, a gateway's re-identifications of one
//! group and a regulator's steps take a fresh stream each simulated day. Within a component,
//! the order of draws is fixed by the entity and the day, so replication r of seed s is the
//! same on any thread or shard, and two scenarios that share a block draw the same numbers for
//! it (common random numbers).
//!
//! # Order of work within a day
//!
//! 1. Timeline events dated that day, in the order written (sites go live, controls switch,
//!    headcounts change), then orders and access cuts due that day; the routing of sessions
//!    through controls is then recomputed.
//! 2. Storage: every population's data is rescaled to its volume, migrations move data, and
//!    residency, flows and running costs are booked; bans and ownership costs; data held in
//!    restricted jurisdictions and compelled-access events ([`channels`]).
//! 3. Regulators step on the windows of exposure and detections of the 365 days before today
//!    (a detection counts from the day after it falls) and set the fines of states entered in
//!    step 1 on today's drivers.
//! 4. Staff sessions. A staff group whose sessions reach no approval gate is *aggregated*: the
//!    day's sessions are one Poisson draw, split over populations by active users, and their
//!    records a compound sum ([`sample`]). A group with a gate on any route runs in *event
//!    mode*: the same Poisson count of requests arrive through the day, queue at the gate and
//!    are reviewed by one of c reviewers — a real multi-server queue with abandonment.
//! 5. Queued events with time before the next day, earliest first; same-time events run in the
//!    order they were scheduled (the queue is keyed by time and a sequence number), and an
//!    arrival at exactly the time of a queued event runs first. Every queued event but a review
//!    falls at a day's start, so within the day nothing changes the routes, and nothing reacts
//!    to a read before the day closes (step 6; monitors book detections at once, too): an
//!    approved review that ends the day it was requested is read when the request arrives, at
//!    the review's end time, and only reviews ending on a later day are queued. Against reading
//!    in end-time order this changes only the order of the day's reads: the order their records
//!    are summed in and which of the day's monitor draws goes to which misuse session, which
//!    leaves every distribution as it was.
//! 6. The exposure ledger books the day's records per route, rounded once (both granularities
//!    round the same way).
//! 7. On a month's last day, levels (active users, distinct users exposed) are read.
//!
//! Controls apply in a fixed order: deny → approval gate → gateway masking → monitor. Where two
//! controls of the same kind cover the same staff and population, the first by name applies
//! (monitors all apply, each with its own chance to detect).
//!
//! Nothing in the event loop allocates (buffers live in a [`Workspace`] reused across
//! replications) or looks anything up by name. The stop flag is read once per simulated day
//! and every 4,096 events.

mod books;
mod channels;
mod draws;
mod estimate;
mod gates;
mod inputs;
mod ledger;
mod lost_work;
mod monitors;
pub mod queue;
mod regime;
mod regulators;
pub mod rng;
pub mod sample;
mod sessions;
pub mod storage;
mod switches;

use crate::metrics::{id, Layout, RepResult};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Action, World};
use crate::stop::Stop;
use books::Books;
use channels::Channels;
use draws::Draws;
use gates::{GateState, Gates};
use inputs::record_inputs;
use ledger::Ledger;
use lost_work::LostWork;
use monitors::Monitors;
use queue::{Event, EventQueue};
use regime::Regime;
use regulators::{Lodge, Regulators, Seen};
use sessions::{Arrival, Request, Route, Sessions};
use storage::{Estate, Storage};
use switches::Switches;

pub use estimate::estimate_events;

/// Buffers reused from one replication to the next on a thread.
#[derive(Debug, Default)]
pub struct Workspace {
    queue: EventQueue,
    gates: Vec<GateState>,
    waits: Vec<f64>,
    delays: Vec<f64>,
    storage: Storage,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Runs replication `rep` of `world`.
pub fn run_replication(world: &World, layout: &Layout, rep: u64, ws: &mut Workspace) -> RepResult {
    run_replication_until(world, layout, rep, ws, &Stop::new()).expect("no stop was raised")
}

/// Runs replication `rep` of `world` unless `stop` is raised first (looked at once per
/// simulated day and every 4,096 events); `None` when it was.
pub fn run_replication_until(
    world: &World,
    layout: &Layout,
    rep: u64,
    ws: &mut Workspace,
    stop: &Stop,
) -> Option<RepResult> {
    let mut sim = Sim::new(world, layout, rep, ws);
    sim.run(stop).then(|| sim.finish())
}

/// One replication: the components and the day loop that connects them.
struct Sim<'a> {
    world: &'a World,
    layout: &'a Layout,
    rep: u64,
    books: Books<'a>,
    draws: Draws,
    switches: Switches,
    sessions: Sessions,
    gates: Gates,
    lost_work: LostWork,
    monitors: Monitors,
    ledger: Ledger,
    estate: Estate,
    channels: Channels,
    regime: Regime,
    regulators: Regulators,
    day: usize,
    /// Events handled since the stop flag was last read.
    events: u32,
    ws: &'a mut Workspace,
}

impl<'a> Sim<'a> {
    fn new(world: &'a World, layout: &'a Layout, rep: u64, ws: &'a mut Workspace) -> Sim<'a> {
        ws.queue.clear();
        ws.storage.reset(world);
        let mut books = Books::new(
            layout,
            world.calendar.months(),
            std::mem::take(&mut ws.waits),
        );
        let mut sessions = Sessions::new(world, rep);
        for own in &world.ownerships {
            for &g in &own.successor_staff {
                sessions.set_access(g, 0.0);
            }
        }
        let routes = sessions.routes.len();
        let draws = Draws::new(world, rep);
        let regulators = Regulators::new(world, layout, rep, &draws);
        regulators.init_milestones(world, &mut books);
        regulators.record_inputs(world, layout, &mut books.inputs);
        let estate = Estate::new(world, rep, &draws);
        let regime = Regime::new(world, rep, &draws);
        record_inputs(
            world, layout, &sessions, &estate, &regime, &draws, &mut books,
        );
        let channels = Channels::new(world, layout, rep, &draws, &mut books);
        let lost_work = LostWork::new(world, layout, &draws);
        Sim {
            world,
            layout,
            rep,
            books,
            draws,
            switches: Switches {
                controls_on: world.controls_on_at_start.clone(),
                sites_online: world.sites_online_at_start.clone(),
                sites_retired: vec![false; world.sites.len()],
            },
            sessions,
            gates: Gates::new(world, rep, &mut ws.gates),
            lost_work,
            monitors: Monitors::new(world, rep, std::mem::take(&mut ws.delays)),
            ledger: Ledger::new(world, rep, routes),
            estate,
            channels,
            regime,
            regulators,
            day: 0,
            events: 0,
            ws,
        }
    }

    /// Simulates the horizon; false when `stop` was raised first.
    fn run(&mut self, stop: &Stop) -> bool {
        let world = self.world;
        let cal = &world.calendar;
        let growth = 1.0 + world.discount_rate;
        Regime::schedule_timeline(
            world,
            self.rep,
            &mut self.ws.queue,
            &self.layout.inputs.timeline,
            &mut self.books.inputs,
        );
        for day in 0..cal.days as usize {
            if stop.is_set() {
                return false;
            }
            self.day = day;
            self.books.month = cal.day_month[day] as usize;
            self.books.discount = libm::pow(growth, -(day as f64) / DAYS_PER_YEAR);
            self.ledger.advance_window(day);
            if day == 0 {
                for s in 0..world.sites.len() {
                    if self.switches.sites_online[s] {
                        self.site_capex(s);
                    }
                }
                self.recompute_routes();
            }
            // Actions dated today run first, in the order they were queued.
            while let Some((t, ev)) = self.ws.queue.pop_at_or_before(day as f64) {
                self.handle(t, ev);
            }
            self.estate.day(
                world,
                day,
                &mut self.ws.storage,
                &mut self.switches,
                self.layout.breakdown.infrastructure_by_site,
                &mut self.books,
            );
            self.control_fees();
            self.regime.day(world, day, &mut self.books);
            self.ledger
                .count_users(world, day, &self.regime.active_share);
            self.channels.day(
                world,
                day,
                &self.ws.storage,
                &self.sessions,
                &self.layout.breakdown,
                &mut self.books,
            );
            let seen = Seen {
                ledger: &self.ledger,
                outside_pb: &self.estate.outside_pb,
                sessions: &self.sessions,
                restricted_pb: &self.channels.restricted_pb,
                compelled_records: &self.channels.compelled_records,
            };
            self.regulators.day(
                world,
                day,
                &seen,
                &self.draws,
                &mut self.ws.queue,
                &mut self.books,
            );
            self.staff_day();
            if !self.run_events_before((day + 1) as f64, stop) {
                return false;
            }
            self.ledger.close_day(
                &self.sessions.routes,
                day,
                &self.layout.breakdown,
                &mut self.books,
            );
            if cal.month_last_day[self.books.month] as usize == day {
                self.ledger
                    .month_end(world, day, &self.regime.active_share, &mut self.books);
            }
        }
        true
    }

    fn recompute_routes(&mut self) {
        self.sessions
            .recompute_routes(self.world, &self.switches.controls_on);
    }

    /// Running fees of the controls that are on: monitors as monitoring, the rest as compliance.
    fn control_fees(&mut self) {
        for (c, control) in self.world.controls.iter().enumerate() {
            if self.switches.controls_on[c] {
                let metric = if matches!(control.kind, crate::model::ControlKind::Monitor { .. }) {
                    id::COST_MONITORING
                } else {
                    id::COST_COMPLIANCE
                };
                let fee = self.draws.get(control.annual_cost) / DAYS_PER_YEAR;
                self.books.recurring(metric, fee);
                self.books.committed(control.committed, fee);
                self.books
                    .add_entity(self.layout.breakdown.cost_by_control, c, fee);
            }
        }
    }

    /// Site `s` goes live: its capex at once, or its lease from today ([`Estate::go_live`]).
    fn site_capex(&mut self, s: usize) {
        let by_site = self.layout.breakdown.infrastructure_by_site;
        self.estate.go_live(self.world, s, by_site, &mut self.books);
    }

    /// The day's sessions: aggregated groups at once, event-mode groups' first arrivals.
    fn staff_day(&mut self) {
        let Sim {
            world,
            day,
            sessions,
            regime,
            ledger,
            monitors,
            lost_work,
            books,
            ..
        } = self;
        let (world, day) = (*world, *day);
        sessions.start_day(
            world,
            day,
            &regime.active_share,
            (lost_work, books),
            |index, route, misuse, records, books| {
                ledger.read(index, records);
                if misuse > 0 {
                    books.add_now(id::MISUSE, misuse as f64);
                    monitors.misuse(world, index, route, misuse, day, ledger, books);
                }
            },
        );
    }

    /// A session read at time `t`: its records go to the ledger, its misuse to the monitors.
    fn read(&mut self, request: Request, t: f64) {
        let route: Route = self.sessions.routes[request.route as usize];
        self.ledger.read(request.route as usize, request.records);
        if request.misuse {
            self.books
                .add(self.world.calendar.month_of_time(t), id::MISUSE, 1.0);
            self.monitors.misuse(
                self.world,
                request.route as usize,
                &route,
                1,
                self.day,
                &mut self.ledger,
                &mut self.books,
            );
        }
    }

    fn handle(&mut self, t: f64, ev: Event) {
        debug_assert!(
            matches!(ev, Event::ReviewDone { .. }) || t == t.floor(),
            "{ev:?} at {t}, not at a day's start: same-day reviews are read without queueing"
        );
        match ev {
            Event::ReviewDone {
                route,
                misuse,
                records,
            } => self.read(
                Request {
                    route,
                    records,
                    misuse,
                },
                t,
            ),
            Event::Timeline { index } => {
                self.act(self.world.timeline[index as usize].action);
                self.recompute_routes();
            }
            Event::OutcomeAction {
                decision,
                outcome,
                action,
            } => {
                let a = self.world.decisions[decision as usize].outcomes[outcome as usize].actions
                    [action as usize]
                    .1;
                self.act(a);
                self.recompute_routes();
            }
            Event::Decide { decision } => self.act(Action::Decide(decision as usize)),
            Event::AccessCut { ownership } => {
                let own = &self.world.ownerships[ownership as usize];
                for &g in &own.staff {
                    self.sessions.set_access(g, own.residual_access);
                }
                for &g in &own.successor_staff {
                    self.sessions.set_access(g, 1.0);
                }
            }
            Event::Order {
                regulator,
                state,
                order,
                decision,
            } => {
                let due = (regulator as usize, state as usize, order as usize, decision);
                let world = self.world;
                let (queue, books) = (&mut self.ws.queue, &mut self.books);
                let (day, draws) = (self.day, &self.draws);
                if let Some(a) = self.regulators.order(world, due, day, draws, queue, books) {
                    self.act(a);
                    self.recompute_routes();
                }
            }
        }
    }

    /// Applies an action today: the component it concerns carries it out.
    fn act(&mut self, action: Action) {
        let world = self.world;
        let day = self.day;
        match action {
            Action::SiteOnline(s) => {
                if !self.switches.sites_online[s] && !self.switches.sites_retired[s] {
                    self.switches.sites_online[s] = true;
                    self.site_capex(s);
                }
            }
            Action::ControlOn(c) => self.switches.controls_on[c] = true,
            Action::ControlOff(c) => self.switches.controls_on[c] = false,
            Action::Headcount { staff, headcount } => self.sessions.set_headcount(staff, headcount),
            Action::BanStart(b) => self.regime.ban_start(world, b),
            Action::BanEnd(b) => self.regime.ban_end(world, b),
            Action::Outage { population, hours } => {
                self.regime
                    .outage(world, population, hours, day, &mut self.books)
            }
            Action::Ownership(o) => {
                self.regime
                    .ownership(world, o, day, &mut self.ws.queue, &mut self.books)
            }
            Action::RegulatorState {
                regulator,
                state,
                fine,
                appealed,
            } => self.regulators.enter(
                world,
                (regulator, state),
                fine,
                if appealed { Lodge::Held } else { Lodge::Draw },
                day,
                &self.draws,
                &mut self.ws.queue,
                &mut self.books,
            ),
            Action::Appeal { regulator, state } => {
                self.regulators
                    .appeal(world, (regulator, state), day, &self.draws)
            }
            Action::Judgment {
                regulator,
                state,
                verdict,
            } => self.regulators.judgment(
                world,
                (regulator, state),
                verdict,
                day,
                &self.draws,
                &mut self.ws.queue,
                &mut self.books,
            ),
            Action::Decide(d) => self.regime.decide(world, d, day, &mut self.ws.queue),
        }
    }

    /// Runs arrivals and queued events before `limit`, earliest first; false when `stop` was
    /// raised (read every 4,096 events).
    fn run_events_before(&mut self, limit: f64, stop: &Stop) -> bool {
        loop {
            self.events = self.events.wrapping_add(1);
            if self.events % 4096 == 0 && stop.is_set() {
                return false;
            }
            let (first, g) = self.sessions.earliest();
            if first < limit && first <= self.ws.queue.peek_time() {
                self.arrival(first, g);
            } else if let Some((t, ev)) = self.ws.queue.pop_before(limit) {
                self.handle(t, ev);
            } else {
                return true;
            }
        }
    }

    fn arrival(&mut self, t: f64, g: usize) {
        let arrival =
            self.sessions
                .arrive(self.world, (g, self.day), &self.lost_work, &mut self.books);
        match arrival {
            Arrival::Denied => {}
            Arrival::Read(request) => self.read(request, t),
            Arrival::Gate(gate, request) => {
                let reviewed = self.gates.arrive(
                    self.world,
                    &mut self.ws.gates,
                    gate as usize,
                    request,
                    t,
                    self.day,
                    &self.lost_work,
                    &mut self.books,
                );
                match reviewed {
                    // Nothing is queued inside a day (every other event falls at a day's
                    // start) and nothing reacts to a read before the day closes, so a review
                    // that ends today is read now, at its end time.
                    Some((done, request)) if done < (self.day + 1) as f64 => {
                        self.read(request, done)
                    }
                    Some((done, request)) => self.ws.queue.push(
                        done,
                        Event::ReviewDone {
                            route: request.route,
                            misuse: request.misuse,
                            records: request.records,
                        },
                    ),
                    None => {}
                }
            }
        }
    }

    fn finish(mut self) -> RepResult {
        let d0 = self.layout.inputs.decisions;
        for d in 0..self.world.decisions.len() {
            self.books.inputs[d0 + 2 * d] = self.regime.outcome[d];
            self.books.inputs[d0 + 2 * d + 1] = self.regime.extensions[d] as f64;
        }
        let (result, waits) = self.books.finish();
        self.ws.waits = waits;
        self.ws.delays = self.monitors.into_buffer();
        result
    }
}

#[cfg(test)]
#[path = "paths_tests.rs"]
mod paths_tests;
#[cfg(test)]
#[path = "regime_tests.rs"]
mod regime_tests;
#[cfg(test)]
pub(crate) mod tests;
