//! The engine: one replication of a [`World`], day by day, with a discrete-event queue inside
//! each day for everything that waits or interacts.
//!
//! # Order of work within a day
//!
//! 1. Timeline events dated that day, in the order written (sites go live, controls switch,
//!    headcounts change); the routing of sessions through controls is then recomputed.
//! 2. Storage: every population's data is rescaled to its volume, migrations move data, and
//!    residency, flows and running costs are booked.
//! 3. Staff sessions. A staff group whose sessions reach no approval gate is *aggregated*: the
//!    day's sessions are one Poisson draw, split over populations by active users, and their
//!    records a compound sum ([`sample`]). A group with a gate on any route runs in *event
//!    mode*: each request is an `Arrival` event (exponential gaps at the day's rate), queues at
//!    the gate, and is reviewed by one of c reviewers — a real multi-server queue with
//!    abandonment.
//! 4. Queued events with time before the next day, earliest first; same-time events run in the
//!    order they were scheduled (the queue is keyed by time and a sequence number).
//! 5. On a month's last day, levels (active users, distinct users exposed) are read.
//!
//! Controls apply in a fixed order: deny → approval gate → gateway masking → monitor. Where two
//! controls of the same kind cover the same staff and population, the first by name applies
//! (monitors all apply, each with its own chance to detect).
//!
//! Abandonment is evaluated lazily but exactly: requests wait in a FIFO; when a reviewer frees
//! up, requests whose patience ran out are counted as abandoned at the moment it ran out.
//!
//! Nothing in the event loop allocates (buffers live in a [`Workspace`] reused across
//! replications) or looks anything up by name.

pub mod queue;
mod regime;
pub mod rng;
pub mod sample;
pub mod storage;

use std::collections::VecDeque;

use rand::Rng as _;
use rand_distr::Exp1;

use crate::metrics::aggregate::quantile_unsorted;
use crate::metrics::{id, Kind, Layout, RepResult, COST_COMPONENTS};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Action, ControlKind, World, DIRECT_IDENTIFIERS, IDENTIFIERS};
use crate::stop::Stop;
use queue::{Event, EventQueue};
use regime::RegimeState;
use storage::Storage;

/// How the records of one (staff group, population) route count as exposure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum RecordClass {
    /// Not exposure: the staff are not in a restricted jurisdiction for this population, or
    /// they read no direct identifier.
    #[default]
    NotExposure,
    /// A direct identifier is read unmasked.
    Visible,
    /// Every direct identifier read is masked by a gateway.
    Masked,
}

/// What happens to a session of one staff group reading one population, today.
#[derive(Debug, Clone, Copy, Default)]
struct Route {
    deny: bool,
    /// Approval control index.
    gate: Option<u32>,
    class: RecordClass,
    reid_probability: f64,
    /// Score per visible record.
    weight_visible: f64,
    /// Score per re-identifiable masked record.
    weight_reid: f64,
    /// Bit i set: monitor control i watches this route.
    monitors: u64,
}

/// A request waiting for a reviewer.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrival: f64,
    deadline: f64,
    group: u32,
    population: u32,
    misuse: bool,
}

/// An approval gate's queue.
#[derive(Debug, Default, Clone)]
struct GateState {
    busy: u32,
    waiting: VecDeque<Waiting>,
}

/// Buffers reused from one replication to the next on a thread.
#[derive(Debug, Default)]
pub struct Workspace {
    queue: EventQueue,
    gates: Vec<GateState>,
    waits: Vec<f64>,
    storage: Storage,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }
}

/// About how many events one replication of `world` handles: a step per simulated day for each
/// entity, plus an arrival and a review for every request that can meet an approval gate. Takes
/// each group at the largest headcount it is ever given and its mean session rate, so it
/// overestimates rather than under. `regsim run --max-events` compares this to its limit
/// before anything runs.
pub fn estimate_events(world: &World) -> f64 {
    let days = world.calendar.days as f64;
    let entities = 1
        + world.populations.len()
        + world.sites.len()
        + world.migrations.len()
        + world.flows.len()
        + world.staff.len()
        + world.regulators.len()
        + world.bans.len();
    let mut events = days * entities as f64 + world.timeline.len() as f64;
    let actions = world
        .timeline
        .iter()
        .map(|e| &e.action)
        .chain(world.decisions.iter().flat_map(|d| {
            d.outcomes
                .iter()
                .flat_map(|o| o.actions.iter().map(|(_, a)| a))
        }));
    let mut headcount: Vec<f64> = world.staff.iter().map(|g| g.headcount).collect();
    for a in actions {
        if let Action::Headcount {
            staff,
            headcount: h,
        } = *a
        {
            headcount[staff] = headcount[staff].max(h);
        }
    }
    for (g, group) in world.staff.iter().enumerate() {
        let gated = world.controls.iter().any(|c| {
            matches!(c.kind, ControlKind::Approval { .. })
                && group
                    .populations
                    .iter()
                    .any(|&p| c.covers(g, group.jurisdiction, p))
        });
        if gated {
            events += 2.0 * headcount[g] * group.sessions_per_person_day.mean().max(0.0) * days;
        }
    }
    events
}

/// Runs replication `rep` of `world`.
pub fn run_replication(world: &World, layout: &Layout, rep: u64, ws: &mut Workspace) -> RepResult {
    let mut sim = Sim::new(world, layout, rep, ws);
    sim.run(&Stop::new());
    sim.finish()
}

/// Runs replication `rep` of `world` unless `stop` is raised first (looked at once per
/// simulated day); `None` when it was.
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

struct Sim<'a> {
    world: &'a World,
    rng: rng::Rng,
    nm: usize,
    kinds: &'a [Kind],
    series: Vec<f64>,
    wait_sum: Vec<f64>,
    wait_n: Vec<f64>,
    delay_sum: Vec<f64>,
    delay_n: Vec<f64>,
    controls_on: Vec<bool>,
    sites_online: Vec<bool>,
    headcount: Vec<f64>,
    session_rate: Vec<f64>,
    migration_rate: Vec<f64>,
    flow_pb: Vec<f64>,
    /// Route per (group, population slot), offsets in `route_start`.
    routes: Vec<Route>,
    route_start: Vec<usize>,
    event_mode: Vec<bool>,
    /// Today's request rate per group (event mode).
    day_rate: Vec<f64>,
    /// Time of each group's next request today (infinite when none).
    next_arrival: Vec<f64>,
    identifiable: Vec<f64>,
    users_sum: Vec<f64>,
    /// Values of per-replication metrics set by events (first fines, milestone days).
    per_rep: Vec<f64>,
    rg: RegimeState,
    day: usize,
    month: usize,
    discount: f64,
    ws: &'a mut Workspace,
}

impl<'a> Sim<'a> {
    fn new(world: &'a World, layout: &'a Layout, rep: u64, ws: &'a mut Workspace) -> Sim<'a> {
        let mut rng = rng::stream(world.seed, rep);
        let months = world.calendar.months();
        let nm = layout.len();
        // Parameter draws, once per replication, in a fixed order.
        let session_rate = world
            .staff
            .iter()
            .map(|g| g.sessions_per_person_day.sample(&mut rng))
            .collect();
        let migration_rate = world
            .migrations
            .iter()
            .map(|m| m.rate_pb_per_day.sample(&mut rng))
            .collect();
        let flow_pb = world
            .flows
            .iter()
            .map(|f| f.pb_per_day.sample(&mut rng))
            .collect();
        let mut route_start = Vec::with_capacity(world.staff.len() + 1);
        let mut n = 0;
        for g in &world.staff {
            route_start.push(n);
            n += g.populations.len();
        }
        route_start.push(n);
        ws.queue.clear();
        ws.gates.clear();
        ws.gates.resize(world.controls.len(), GateState::default());
        ws.waits.clear();
        ws.storage.reset(world);
        let rg = RegimeState::new(world, layout, &mut rng);
        let mut per_rep = vec![0.0; nm];
        rg.init_milestones(world, &mut per_rep);
        Sim {
            world,
            rng,
            nm,
            kinds: &layout.kinds,
            series: vec![0.0; months * nm],
            wait_sum: vec![0.0; months],
            wait_n: vec![0.0; months],
            delay_sum: vec![0.0; months],
            delay_n: vec![0.0; months],
            controls_on: world.controls_on_at_start.clone(),
            sites_online: world.sites_online_at_start.clone(),
            headcount: world.staff.iter().map(|g| g.headcount).collect(),
            session_rate,
            migration_rate,
            flow_pb,
            routes: vec![Route::default(); n],
            route_start,
            event_mode: vec![false; world.staff.len()],
            day_rate: vec![0.0; world.staff.len()],
            next_arrival: vec![f64::INFINITY; world.staff.len()],
            identifiable: vec![0.0; world.populations.len()],
            users_sum: vec![0.0; world.populations.len()],
            per_rep,
            rg,
            day: 0,
            month: 0,
            discount: 1.0,
            ws,
        }
    }

    #[inline]
    fn add(&mut self, month: usize, metric: usize, v: f64) {
        self.series[month * self.nm + metric] += v;
    }

    /// Books a cost today in its component, the total and the discounted total.
    fn cost(&mut self, metric: usize, amount: f64) {
        if amount != 0.0 {
            let m = self.month;
            self.add(m, metric, amount);
            self.add(m, id::COST_TOTAL_NPV, amount * self.discount);
        }
    }

    /// Simulates the horizon; false when `stop` was raised first.
    fn run(&mut self, stop: &Stop) -> bool {
        let world = self.world;
        let cal = &world.calendar;
        let growth = 1.0 + world.discount_rate;
        self.schedule_timeline();
        for day in 0..cal.days as usize {
            if stop.is_set() {
                return false;
            }
            self.day = day;
            self.month = cal.day_month[day] as usize;
            self.discount = growth.powf(-(day as f64) / DAYS_PER_YEAR);
            self.rg.advance_window(day);
            if day == 0 {
                for (s, site) in world.sites.iter().enumerate() {
                    if self.sites_online[s] {
                        self.cost(id::COST_INFRASTRUCTURE, site.capex);
                    }
                }
                self.recompute_routes();
            }
            // Actions dated today run first, in the order they were queued.
            while let Some((t, ev)) = self.ws.queue.pop_at_or_before(day as f64) {
                self.handle(t, ev);
            }
            self.storage_day();
            self.regulators_day();
            self.staff_day();
            self.run_events_before((day + 1) as f64);
            if cal.month_last_day[self.month] as usize == day {
                self.month_end();
            }
        }
        // Requests still queued at the end whose patience ran out within the horizon abandoned.
        let end = cal.days as f64;
        for g in 0..self.ws.gates.len() {
            while let Some(w) = self.ws.gates[g].waiting.pop_front() {
                if w.deadline <= end {
                    let m = cal.month_of_time(w.deadline);
                    self.add(m, id::ABANDONED, 1.0);
                }
            }
        }
        true
    }

    fn recompute_routes(&mut self) {
        let world = self.world;
        for (g, group) in world.staff.iter().enumerate() {
            let mut any_gate = false;
            for (slot, &p) in group.populations.iter().enumerate() {
                let mut r = Route::default();
                let mut masks = 0u8;
                for (c, control) in world.controls.iter().enumerate() {
                    if !self.controls_on[c] || !control.covers(g, group.jurisdiction, p) {
                        continue;
                    }
                    match &control.kind {
                        ControlKind::Deny => r.deny = true,
                        ControlKind::Approval { .. } => {
                            if r.gate.is_none() {
                                r.gate = Some(c as u32);
                            }
                        }
                        ControlKind::Gateway {
                            masks: m,
                            reid_probability,
                            ..
                        } => {
                            if masks == 0 {
                                masks = *m;
                                r.reid_probability = *reid_probability;
                            }
                        }
                        ControlKind::Monitor { .. } => r.monitors |= 1u64 << c,
                    }
                }
                let read = group.categories;
                let weight = |set: u8| -> f64 {
                    (0..8)
                        .filter(|b| set & (1 << b) != 0)
                        .map(|b| world.weights[b])
                        .sum()
                };
                r.weight_visible = weight(read);
                r.weight_reid = weight(read & !masks)
                    + if read & masks & IDENTIFIERS != 0 {
                        world.weights[0]
                    } else {
                        0.0
                    };
                r.class = if !world.populations[p].restricted[group.jurisdiction]
                    || read & DIRECT_IDENTIFIERS == 0
                {
                    RecordClass::NotExposure
                } else if read & !masks & DIRECT_IDENTIFIERS != 0 {
                    RecordClass::Visible
                } else {
                    RecordClass::Masked
                };
                any_gate |= r.gate.is_some() && !r.deny;
                self.routes[self.route_start[g] + slot] = r;
            }
            self.event_mode[g] = any_gate;
        }
    }

    fn storage_day(&mut self) {
        let world = self.world;
        let day = self.day;
        let month = self.month;
        self.ws.storage.grow(world, day);
        for (i, m) in world.migrations.iter().enumerate() {
            if day >= m.start_day as usize {
                let moved =
                    self.ws
                        .storage
                        .migrate(world, m, self.migration_rate[i], &self.sites_online);
                self.cost(id::COST_MIGRATION, moved * m.cost_per_pb);
            }
        }
        let mut outside = 0.0;
        for p in 0..world.populations.len() {
            let o = self.ws.storage.outside_enclave_of(world, p);
            self.rg.outside_pb[p] = o;
            outside += o;
        }
        self.add(month, id::PB_DAYS_OUTSIDE, outside);
        for (f, flow) in world.flows.iter().enumerate() {
            if day < flow.start_day as usize || day > flow.end_day as usize {
                continue;
            }
            if world.populations[flow.population].enclave[flow.to] {
                continue;
            }
            let mut pb = self.flow_pb[f];
            if let Some(gw) = flow.gateway {
                let c = &world.controls[gw];
                if let (
                    true,
                    true,
                    ControlKind::Gateway {
                        flow_pass_share, ..
                    },
                ) = (
                    self.controls_on[gw],
                    c.populations[flow.population],
                    &c.kind,
                ) {
                    pb *= flow_pass_share;
                }
            }
            self.add(month, id::PB_CROSS_BORDER, pb);
        }
        for (s, site) in world.sites.iter().enumerate() {
            if self.sites_online[s] {
                self.cost(id::COST_INFRASTRUCTURE, site.opex_per_year / DAYS_PER_YEAR);
            }
        }
        for (c, control) in world.controls.iter().enumerate() {
            if self.controls_on[c] {
                let metric = if matches!(control.kind, ControlKind::Monitor { .. }) {
                    id::COST_MONITORING
                } else {
                    id::COST_COMPLIANCE
                };
                self.cost(metric, control.annual_cost / DAYS_PER_YEAR);
            }
        }
        self.bans_day();
        for (p, pop) in world.populations.iter().enumerate() {
            self.users_sum[p] += pop.users_by_day[day] * self.rg.active_share[p];
        }
    }

    fn staff_day(&mut self) {
        let world = self.world;
        let day = self.day;
        for (g, group) in world.staff.iter().enumerate() {
            let rate = self.headcount[g] * self.session_rate[g] * self.rg.access_factor[g];
            self.day_rate[g] = rate;
            if rate <= 0.0 {
                continue;
            }
            if self.event_mode[g] {
                let t = day as f64 + self.rng.sample::<f64, _>(Exp1) / rate;
                if t < (day + 1) as f64 {
                    self.next_arrival[g] = t;
                }
                continue;
            }
            let n = sample::poisson(&mut self.rng, rate);
            if n == 0 {
                continue;
            }
            // Split over populations by active users (sequential binomials = multinomial).
            let mut left = n;
            let mut weight_left: f64 = group
                .populations
                .iter()
                .map(|&p| world.populations[p].users_by_day[day] * self.rg.active_share[p])
                .sum();
            for (slot, &p) in group.populations.iter().enumerate() {
                let w = world.populations[p].users_by_day[day] * self.rg.active_share[p];
                let k = if slot + 1 == group.populations.len() {
                    left
                } else if weight_left > 0.0 {
                    sample::binomial(&mut self.rng, left, w / weight_left)
                } else {
                    0
                };
                weight_left -= w;
                left -= k;
                if k > 0 {
                    self.sessions_bulk(g, slot, k, day as f64);
                }
            }
        }
    }

    /// `n` sessions of group `g` on population slot `slot`, all at time `t`, not gated.
    fn sessions_bulk(&mut self, g: usize, slot: usize, n: u64, t: f64) {
        let month = self.month;
        self.add(month, id::SESSIONS, n as f64);
        let route = self.routes[self.route_start[g] + slot];
        if route.deny {
            self.add(month, id::DENIED, n as f64);
            return;
        }
        let world = self.world;
        let group = &world.staff[g];
        let misuse = sample::binomial(&mut self.rng, n, group.misuse_share);
        let records = sample::records(&mut self.rng, n, &group.records_per_session);
        self.read(route, group.populations[slot], records, misuse, t);
    }

    /// Records read through a route, and the misuse among the sessions that read them.
    fn read(&mut self, route: Route, pop: usize, records: u64, misuse: u64, t: f64) {
        let month = self.world.calendar.month_of_time(t);
        let r = records as f64;
        match route.class {
            RecordClass::NotExposure => {}
            RecordClass::Visible => {
                self.add(month, id::RECORDS_VISIBLE, r);
                self.add(month, id::SCORE, r * route.weight_visible);
                self.identifiable[pop] += r;
                self.rg.add_records(pop, self.day, r);
            }
            RecordClass::Masked => {
                self.add(month, id::RECORDS_MASKED, r);
                let k = sample::binomial(&mut self.rng, records, route.reid_probability) as f64;
                self.add(month, id::RECORDS_REIDENTIFIABLE, k);
                self.add(month, id::SCORE, k * route.weight_reid);
                self.identifiable[pop] += k;
                self.rg.add_records(pop, self.day, k);
            }
        }
        if misuse == 0 {
            return;
        }
        self.add(month, id::MISUSE, misuse as f64);
        if route.monitors == 0 {
            return;
        }
        let end = self.world.calendar.days as f64;
        for _ in 0..misuse {
            let mut first = f64::INFINITY;
            let mut bits = route.monitors;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let ControlKind::Monitor {
                    detect_probability,
                    detection_delay_days,
                } = &self.world.controls[c].kind
                {
                    if self.rng.random::<f64>() < *detect_probability {
                        first = first.min(detection_delay_days.sample(&mut self.rng));
                    }
                }
            }
            // Nothing reacts to a detection within the day it happens, so it is booked now at its
            // time rather than queued: its month, and its day for the regulators' window.
            let at = t + first;
            if at < end {
                let m = self.world.calendar.month_of_time(at);
                self.add(m, id::DETECTED, 1.0);
                self.delay_sum[m] += first;
                self.delay_n[m] += 1.0;
                self.rg.detect_on(pop, at as usize, self.day);
            }
        }
    }

    fn handle(&mut self, t: f64, ev: Event) {
        match ev {
            Event::ReviewDone {
                gate,
                group,
                population,
                misuse,
            } => self.review_done(
                t,
                gate as usize,
                group as usize,
                population as usize,
                misuse,
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
            Event::Decide { decision } => self.act(crate::model::Action::Decide(decision as usize)),
            Event::AccessCut { ownership } => self.cut_access(ownership as usize),
            Event::Order { control } => {
                self.controls_on[control as usize] = true;
                self.recompute_routes();
            }
        }
    }

    /// Runs arrivals and queued events before `limit`, earliest first. Each event-mode group's
    /// next request is kept beside the queue (it is always exactly one per group); an arrival
    /// at exactly the time of a queued event runs first.
    fn run_events_before(&mut self, limit: f64) {
        loop {
            let mut first = (f64::INFINITY, 0);
            for (g, &t) in self.next_arrival.iter().enumerate() {
                if t < first.0 {
                    first = (t, g);
                }
            }
            let queued = self.ws.queue.peek_time();
            if first.0 < limit && first.0 <= queued {
                self.next_arrival[first.1] = f64::INFINITY;
                self.arrival(first.0, first.1);
            } else if let Some((t, ev)) = self.ws.queue.pop_before(limit) {
                self.handle(t, ev);
            } else {
                return;
            }
        }
    }

    fn arrival(&mut self, t: f64, g: usize) {
        let world = self.world;
        let day = self.day;
        let rate = self.day_rate[g];
        let next = t + self.rng.sample::<f64, _>(Exp1) / rate;
        self.next_arrival[g] = if next < (day + 1) as f64 {
            next
        } else {
            f64::INFINITY
        };
        let group = &world.staff[g];
        let slot = if group.populations.len() == 1 {
            0
        } else {
            let total: f64 = group
                .populations
                .iter()
                .map(|&p| world.populations[p].users_by_day[day] * self.rg.active_share[p])
                .sum();
            let mut u = self.rng.random::<f64>() * total;
            let mut pick = group.populations.len() - 1;
            for (i, &p) in group.populations.iter().enumerate() {
                u -= world.populations[p].users_by_day[day] * self.rg.active_share[p];
                if u < 0.0 {
                    pick = i;
                    break;
                }
            }
            pick
        };
        let month = self.month;
        self.add(month, id::SESSIONS, 1.0);
        let route = self.routes[self.route_start[g] + slot];
        if route.deny {
            self.add(month, id::DENIED, 1.0);
            return;
        }
        let misuse = self.rng.random::<f64>() < group.misuse_share;
        let Some(gate) = route.gate else {
            let records = sample::records(&mut self.rng, 1, &group.records_per_session);
            self.read(route, group.populations[slot], records, misuse as u64, t);
            return;
        };
        let gate = gate as usize;
        let ControlKind::Approval {
            reviewers,
            review_days,
            patience_days,
            ..
        } = &world.controls[gate].kind
        else {
            unreachable!("routes only point at approval controls")
        };
        let population = group.populations[slot] as u32;
        if self.ws.gates[gate].busy < *reviewers {
            self.ws.gates[gate].busy += 1;
            self.record_wait(0.0);
            let done = t + review_days.sample(&mut self.rng);
            self.ws.queue.push(
                done,
                Event::ReviewDone {
                    gate: gate as u32,
                    group: g as u32,
                    population,
                    misuse,
                },
            );
        } else {
            let deadline = match patience_days {
                Some(d) => t + d.sample(&mut self.rng),
                None => f64::INFINITY,
            };
            self.ws.gates[gate].waiting.push_back(Waiting {
                arrival: t,
                deadline,
                group: g as u32,
                population,
                misuse,
            });
        }
    }

    fn record_wait(&mut self, w: f64) {
        let m = self.month;
        self.wait_sum[m] += w;
        self.wait_n[m] += 1.0;
        self.ws.waits.push(w);
    }

    fn review_done(&mut self, t: f64, gate: usize, g: usize, pop: usize, misuse: bool) {
        let world = self.world;
        let ControlKind::Approval {
            review_days,
            approval_probability,
            ..
        } = &world.controls[gate].kind
        else {
            unreachable!("review events come from approval controls")
        };
        let month = world.calendar.month_of_time(t);
        if self.rng.random::<f64>() < *approval_probability {
            let group = &world.staff[g];
            let slot = group
                .populations
                .iter()
                .position(|&p| p == pop)
                .unwrap_or(0);
            let route = self.routes[self.route_start[g] + slot];
            let records = sample::records(&mut self.rng, 1, &group.records_per_session);
            self.read(route, pop, records, misuse as u64, t);
        } else {
            self.add(month, id::DENIED, 1.0);
        }
        // The reviewer takes the next request whose requester is still waiting.
        while let Some(w) = self.ws.gates[gate].waiting.pop_front() {
            if w.deadline < t {
                let m = world.calendar.month_of_time(w.deadline);
                self.add(m, id::ABANDONED, 1.0);
                continue;
            }
            self.record_wait(t - w.arrival);
            let done = t + review_days.sample(&mut self.rng);
            self.ws.queue.push(
                done,
                Event::ReviewDone {
                    gate: gate as u32,
                    group: w.group,
                    population: w.population,
                    misuse: w.misuse,
                },
            );
            return;
        }
        self.ws.gates[gate].busy -= 1;
    }

    fn month_end(&mut self) {
        let world = self.world;
        let day = self.day;
        let month = self.month;
        let mut total = 0.0;
        let mut distinct = 0.0;
        for (p, pop) in world.populations.iter().enumerate() {
            let u = pop.users_by_day[day] * self.rg.active_share[p];
            total += u;
            self.series[month * self.nm + id::PER_ENTITY + p] = u;
            let n_bar = self.users_sum[p] / (day + 1) as f64;
            if n_bar > 0.0 {
                distinct -= n_bar * (-self.identifiable[p] / n_bar).exp_m1();
            }
        }
        self.series[month * self.nm + id::USERS_ACTIVE] = total;
        self.series[month * self.nm + id::USERS_DISTINCT] = distinct;
    }

    fn finish(mut self) -> RepResult {
        let nm = self.nm;
        let months = self.wait_n.len();
        for m in 0..months {
            let row = &mut self.series[m * nm..(m + 1) * nm];
            row[id::COST_TOTAL] = COST_COMPONENTS.iter().map(|&c| row[c]).sum();
            row[id::WAIT_MEAN] = if self.wait_n[m] > 0.0 {
                self.wait_sum[m] / self.wait_n[m]
            } else {
                0.0
            };
            row[id::DETECTION_DELAY] = if self.delay_n[m] > 0.0 {
                self.delay_sum[m] / self.delay_n[m]
            } else {
                0.0
            };
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
        let ratio = |s: &[f64], n: &[f64]| {
            let n: f64 = n.iter().sum();
            if n > 0.0 {
                s.iter().sum::<f64>() / n
            } else {
                0.0
            }
        };
        totals[id::WAIT_MEAN] = ratio(&self.wait_sum, &self.wait_n);
        totals[id::DETECTION_DELAY] = ratio(&self.delay_sum, &self.delay_n);
        totals[id::WAIT_P95] = quantile_unsorted(&mut self.ws.waits, 0.95);
        RepResult {
            totals,
            series: self.series,
        }
    }
}

#[cfg(test)]
mod tests;
