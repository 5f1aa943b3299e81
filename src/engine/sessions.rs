//! Staff sessions: each staff group's session rate, headcount and access, the route its
//! sessions take through the controls to each population, and the day's sessions.
//!
//! Streams: a group draws its sessions-per-person-day once per replication from
//! `("staff", name)`, and from that stream's day d the day's count
//! N ~ Poisson(headcount × rate × access), then its split over populations by active users
//! (sequential binomials = multinomial), in both granularities. Each route (group, population)
//! draws what its sessions do from its own stream, `("records", "<group>/<population>")`'s
//! stream of day d: first the day's misuse count M ~ Binomial(k, share) of its k sessions, then
//! the records of each session in turn (or, above the switch-over, their sum in one draw;
//! [`super::sample`]). So switching a gate on or off leaves every day's count, split, misuse
//! count and records per route where they were: below the switch-over a gate that approves
//! everything at once books the same records, misuse and detections as no gate, replication by
//! replication (a denied route draws nothing, and nothing else draws from its stream).
//!
//! - *Aggregated* (no gate on any route): per population, the k sessions' misuse and records
//!   are booked at once.
//! - *Event mode*: the N arrival times are the order statistics of N uniform times in the day —
//!   together a Poisson process of the day's rate — drawn from their own stream,
//!   `("arrivals", name)`'s stream of day d, as exponential spacings: with E₁ … E_{N+1}
//!   independent standard exponentials and S_k = E₁ + … + E_k, (S₁, …, S_N)/S_{N+1} has exactly
//!   the law of the N sorted uniforms (Devroye 1986, *Non-Uniform Random Variate Generation*,
//!   §V.2.1). S_{N+1} is summed once when the day starts, on a copy of the stream, and the
//!   arrivals then replay the same draws one at a time: two ziggurat draws an arrival, no `log`
//!   or `exp`. The day's split and misuse counts are dealt out to the arrivals at random, without
//!   replacement, from the rest of the group's day stream: an arrival reads population p with
//!   probability (p's sessions left)/(sessions left), and is misuse with probability (the
//!   route's misuse left)/(its sessions left) — a uniformly random order of the day's sessions,
//!   so each arrival's population and misuse have exactly the law of independent draws by
//!   active users and share. Its records are the route's next draw, whatever then happens to it
//!   at a gate.

use rand::Rng as _;

use super::books::Books;
use super::lost_work::LostWork;
use super::rng::{Base, DayStream, Rng};
use super::sample::{self, Compound};
use crate::metrics::id;
use crate::model::samplers::std_exponential;
use crate::model::{ControlKind, Jur, World, DIRECT_IDENTIFIERS, IDENTIFIERS};

/// How the records of one (staff group, population) route count as exposure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) enum RecordClass {
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
pub(super) struct Route {
    pub deny: bool,
    /// The deny control blocking this route (the first by name), when `deny`.
    pub deny_control: u32,
    /// Approval control index.
    pub gate: Option<u32>,
    /// Gateway control index masking this route.
    pub gateway: u32,
    pub class: RecordClass,
    pub reid_probability: f64,
    /// Score per visible record.
    pub weight_visible: f64,
    /// Score per re-identifiable masked record.
    pub weight_reid: f64,
    /// Bit i set: monitor control i watches this route.
    pub monitors: u64,
    pub group: u32,
    pub population: u32,
}

/// One session, as drawn when it is requested.
#[derive(Debug, Clone, Copy)]
pub(super) struct Request {
    pub route: u32,
    pub records: f64,
    pub misuse: bool,
}

/// What became of an event-mode session at its arrival.
pub(super) enum Arrival {
    Denied,
    /// Read at once (no gate on its route).
    Read(Request),
    /// Queued at approval control `gate`.
    Gate(u32, Request),
}

/// The staff groups' sessions in one replication.
#[derive(Debug)]
pub(super) struct Sessions {
    rate: Vec<f64>,
    headcount: Vec<f64>,
    access: Vec<f64>,
    streams: Vec<DayStream>,
    plans: Vec<Compound>,
    /// Per route: its records stream, and (event mode) today's sessions and misuse sessions
    /// not yet dealt out to arrivals.
    route_streams: Vec<DayStream>,
    sessions_left: Vec<u64>,
    misuse_left: Vec<u64>,
    /// Route per (group, population slot), offsets in `route_start`.
    pub routes: Vec<Route>,
    route_start: Vec<usize>,
    event_mode: Vec<bool>,
    /// Event mode: time of each group's next arrival today (infinite when none) …
    pub next: Vec<f64>,
    /// … how many arrivals are still to come after it, the streams of the arrival times, and
    /// today's times in the day.
    left: Vec<u64>,
    time_bases: Vec<Base>,
    spacings: Vec<Spacings>,
}

/// The N sorted uniform times of a day, one at a time, as normalised sums of exponential
/// spacings (see the module docs).
#[derive(Debug, Clone)]
struct Spacings {
    /// The day's spacings stream, at the next spacing.
    rng: Rng,
    /// S_k, the spacings summed so far, and S_{N+1}.
    sum: f64,
    total: f64,
}

impl Spacings {
    /// The times of `n` arrivals drawn from `rng`: S_{N+1} is summed on a copy of it.
    fn new(rng: Rng, n: u64) -> Spacings {
        let mut pass = rng.clone();
        let total = (0..=n).fold(0.0, |s, _| s + std_exponential(&mut pass));
        Spacings {
            rng,
            sum: 0.0,
            total,
        }
    }

    /// The next time in [0, 1), never before the last one. Call at most `n` times.
    #[inline]
    fn next(&mut self) -> f64 {
        // The same additions in the same order as the total's: S_k ≤ S_{N+1} bit for bit.
        self.sum += std_exponential(&mut self.rng);
        (self.sum / self.total).min(1.0 - f64::EPSILON)
    }
}

impl Sessions {
    pub fn new(world: &World, rep: u64) -> Sessions {
        let groups = world.staff.len();
        let mut rate = Vec::with_capacity(groups);
        let mut streams = Vec::with_capacity(groups);
        let mut time_bases = Vec::with_capacity(groups);
        for g in &world.staff {
            let base = Base::new(world.seed, rep, "staff", &g.name);
            rate.push(g.sessions_per_person_day.sample(&mut base.rng()));
            streams.push(DayStream::new(base));
            time_bases.push(Base::new(world.seed, rep, "arrivals", &g.name));
        }
        let mut route_start = Vec::with_capacity(groups + 1);
        let mut n = 0;
        for g in &world.staff {
            route_start.push(n);
            n += g.populations.len();
        }
        route_start.push(n);
        let route_streams = world
            .staff
            .iter()
            .flat_map(|g| {
                g.populations.iter().map(move |&p| {
                    let name = format!("{}/{}", g.name, world.populations[p].name);
                    DayStream::new(Base::new(world.seed, rep, "records", &name))
                })
            })
            .collect();
        Sessions {
            rate,
            headcount: world.staff.iter().map(|g| g.headcount).collect(),
            access: vec![1.0; groups],
            streams,
            plans: world
                .staff
                .iter()
                .map(|g| Compound::of(&g.records_per_session))
                .collect(),
            route_streams,
            sessions_left: vec![0; n],
            misuse_left: vec![0; n],
            routes: vec![Route::default(); n],
            route_start,
            event_mode: vec![false; groups],
            next: vec![f64::INFINITY; groups],
            left: vec![0; groups],
            spacings: time_bases
                .iter()
                .map(|b| Spacings::new(b.day(0), 0))
                .collect(),
            time_bases,
        }
    }

    /// Group `g`'s sessions per person-day, as drawn for this replication.
    pub fn rate(&self, g: usize) -> f64 {
        self.rate[g]
    }

    pub fn set_headcount(&mut self, g: usize, headcount: f64) {
        self.headcount[g] = headcount;
    }

    /// Scales group `g`'s sessions (an ownership change cuts access).
    pub fn set_access(&mut self, g: usize, factor: f64) {
        self.access[g] = factor;
    }

    /// Share of population `p`'s data readable identifiably from a restricted jurisdiction
    /// today: 1 when a staff group there with access reads direct identifiers in clear, its
    /// gateway's re-identification probability when they are masked, 0 when every such
    /// route is denied (the largest over groups).
    pub fn accessible_share(&self, p: usize) -> f64 {
        self.accessible_share_of(p, |_| true)
    }

    /// As [`Sessions::accessible_share`], over the staff groups working from `jur` only.
    pub fn accessible_share_from(&self, world: &World, p: usize, jur: Jur) -> f64 {
        self.accessible_share_of(p, |g| world.staff[g].jurisdiction == jur)
    }

    fn accessible_share_of(&self, p: usize, group: impl Fn(usize) -> bool) -> f64 {
        let mut share: f64 = 0.0;
        for r in &self.routes {
            let g = r.group as usize;
            if r.population as usize != p
                || r.deny
                || self.headcount[g] * self.access[g] <= 0.0
                || !group(g)
            {
                continue;
            }
            share = share.max(match r.class {
                RecordClass::NotExposure => 0.0,
                RecordClass::Visible => 1.0,
                RecordClass::Masked => r.reid_probability,
            });
        }
        share
    }

    /// Routes every (group, population) through the controls that are on.
    pub fn recompute_routes(&mut self, world: &World, controls_on: &[bool]) {
        for (g, group) in world.staff.iter().enumerate() {
            let mut any_gate = false;
            for (slot, &p) in group.populations.iter().enumerate() {
                let mut r = Route {
                    group: g as u32,
                    population: p as u32,
                    ..Route::default()
                };
                let mut masks = 0u8;
                for (c, control) in world.controls.iter().enumerate() {
                    if !controls_on[c] || !control.covers(g, group.jurisdiction, p) {
                        continue;
                    }
                    match &control.kind {
                        ControlKind::Deny => {
                            if !r.deny {
                                r.deny_control = c as u32;
                            }
                            r.deny = true;
                        }
                        ControlKind::Approval { .. } => {
                            r.gate = r.gate.or(Some(c as u32));
                        }
                        ControlKind::Gateway {
                            masks: m,
                            reid_probability,
                            ..
                        } => {
                            if masks == 0 {
                                masks = *m;
                                r.reid_probability = *reid_probability;
                                r.gateway = c as u32;
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

    /// Starts day `day`: draws each group's session count and its split over populations;
    /// aggregated groups' sessions are handled at once, each population's share passed to
    /// `read(route index, route, misuse, records, books)`; event-mode groups get their routes'
    /// misuse counts and their first arrival time.
    pub fn start_day(
        &mut self,
        world: &World,
        day: usize,
        active: &[f64],
        (lost, books): (&LostWork, &mut Books),
        mut read: impl FnMut(usize, &Route, u64, f64, &mut Books),
    ) {
        for (g, group) in world.staff.iter().enumerate() {
            self.next[g] = f64::INFINITY;
            let rate = self.headcount[g] * self.rate[g] * self.access[g];
            if rate <= 0.0 {
                continue;
            }
            let rng = self.streams[g].at(day as u32);
            let n = sample::poisson(rng, rate);
            if n == 0 {
                continue;
            }
            let event_mode = self.event_mode[g];
            if !event_mode {
                books.add_now(id::SESSIONS, n as f64);
            }
            let users = |p: usize| world.populations[p].users_by_day[day] * active[p];
            let mut left = n;
            let mut weight_left: f64 = group.populations.iter().map(|&p| users(p)).sum();
            for (slot, &p) in group.populations.iter().enumerate() {
                let w = users(p);
                let rng = self.streams[g].at(day as u32);
                let k = if slot + 1 == group.populations.len() {
                    left
                } else if weight_left > 0.0 {
                    sample::binomial(rng, left, w / weight_left)
                } else {
                    0
                };
                weight_left -= w;
                left -= k;
                let index = self.route_start[g] + slot;
                let route = self.routes[index];
                if event_mode {
                    self.sessions_left[index] = k;
                    self.misuse_left[index] = 0;
                }
                if k == 0 {
                    continue;
                }
                if route.deny {
                    if !event_mode {
                        books.add_now(id::DENIED, k as f64);
                        lost.blocked_today(route.deny_control as usize, k as f64, books);
                    }
                    continue;
                }
                let rng = self.route_streams[index].at(day as u32);
                let misuse = sample::binomial(rng, k, group.misuse_share);
                if event_mode {
                    self.misuse_left[index] = misuse;
                    continue;
                }
                let records = if route.class == RecordClass::NotExposure {
                    0.0
                } else {
                    sample::compound(rng, k, &group.records_per_session, self.plans[g])
                };
                read(index, &route, misuse, records, books);
            }
            if event_mode {
                self.spacings[g] = Spacings::new(self.time_bases[g].day(day as u32), n);
                self.left[g] = n;
                self.advance(g, day);
            }
        }
    }

    /// Draws the time of group `g`'s next arrival today, if any are left.
    fn advance(&mut self, g: usize, day: usize) {
        if self.left[g] == 0 {
            self.next[g] = f64::INFINITY;
            return;
        }
        let u = self.spacings[g].next();
        self.left[g] -= 1;
        self.next[g] = day as f64 + u;
    }

    /// The event-mode group with the earliest arrival today, and its time.
    #[inline]
    pub fn earliest(&self) -> (f64, usize) {
        let mut first = (f64::INFINITY, 0);
        for (g, &t) in self.next.iter().enumerate() {
            if t < first.0 {
                first = (t, g);
            }
        }
        first
    }

    /// The arrival of group `g`'s next session: its population and misuse are dealt out of
    /// the day's, its records drawn, the next arrival is scheduled, and the session goes its
    /// route.
    pub fn arrive(
        &mut self,
        world: &World,
        (g, day): (usize, usize),
        lost: &LostWork,
        books: &mut Books,
    ) -> Arrival {
        let group = &world.staff[g];
        let rng = self.streams[g].at(day as u32);
        let routes = self.route_start[g]..self.route_start[g + 1];
        // The sessions not yet dealt out: this one and the `left` still to arrive.
        let unassigned = self.left[g] + 1;
        let index = if routes.len() == 1 {
            routes.start
        } else {
            let mut j = deal(rng, unassigned);
            let mut pick = routes.end - 1;
            for r in routes {
                if j < self.sessions_left[r] {
                    pick = r;
                    break;
                }
                j -= self.sessions_left[r];
            }
            pick
        };
        let here = self.sessions_left[index];
        self.sessions_left[index] = here - 1;
        books.add_now(id::SESSIONS, 1.0);
        let route = self.routes[index];
        let arrival = if route.deny {
            books.add_now(id::DENIED, 1.0);
            lost.blocked_today(route.deny_control as usize, 1.0, books);
            Arrival::Denied
        } else {
            let misuse = deal(rng, here) < self.misuse_left[index];
            self.misuse_left[index] -= u64::from(misuse);
            let records = if route.class == RecordClass::NotExposure {
                0.0
            } else {
                group
                    .records_per_session
                    .sample(self.route_streams[index].at(day as u32))
            };
            let request = Request {
                route: index as u32,
                misuse,
                records,
            };
            match route.gate {
                Some(gate) => Arrival::Gate(gate, request),
                None => Arrival::Read(request),
            }
        };
        self.advance(g, day);
        arrival
    }
}

/// A uniform draw from 0..n (n ≥ 1): which of n sessions left is dealt out next.
#[inline]
fn deal(rng: &mut Rng, n: u64) -> u64 {
    ((rng.random::<f64>() * n as f64) as u64).min(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u64, d: u32) -> Vec<f64> {
        let mut s = Spacings::new(Base::new(7, 0, "arrivals", "g").day(d), n);
        (0..n).map(|_| s.next()).collect()
    }

    #[test]
    fn spacing_times_are_sorted_uniform_order_statistics() {
        // The k-th of n sorted uniforms is Beta(k, n + 1 − k): E = k/(n+1) and
        // E[U²] = k(k+1)/((n+1)(n+2)). Checked against sample means ± 5 standard errors.
        for (n, days) in [(1u64, 40_000u32), (3, 30_000), (40, 10_000)] {
            let mut sums = vec![(0.0f64, 0.0f64, 0.0f64, 0.0f64); n as usize];
            for d in 0..days {
                let times = day(n, d);
                assert!(times.windows(2).all(|w| w[0] <= w[1]), "n = {n}, day {d}");
                assert!(times.iter().all(|&u| (0.0..1.0).contains(&u)));
                for (k, &u) in times.iter().enumerate() {
                    let s = &mut sums[k];
                    s.0 += u;
                    s.1 += u * u;
                    s.2 += u * u * u * u;
                    s.3 += 1.0;
                }
            }
            for (k, &(s1, s2, s4, m)) in sums.iter().enumerate() {
                let k1 = (k + 1) as f64;
                let n1 = (n + 1) as f64;
                let (mean, second) = (s1 / m, s2 / m);
                let se_mean = ((second - mean * mean) / m).sqrt();
                let se_second = ((s4 / m - second * second) / m).sqrt();
                let want_mean = k1 / n1;
                let want_second = k1 * (k1 + 1.0) / (n1 * (n1 + 1.0));
                assert!(
                    (mean - want_mean).abs() < 5.0 * se_mean,
                    "n = {n}, k = {k1}: mean {mean} vs {want_mean} ± {se_mean}"
                );
                assert!(
                    (second - want_second).abs() < 5.0 * se_second,
                    "n = {n}, k = {k1}: E[U²] {second} vs {want_second} ± {se_second}"
                );
            }
        }
    }

    #[test]
    fn pooled_spacing_times_are_uniform() {
        // Unsorted, a day's times are n independent uniforms: Kolmogorov–Smirnov over the pool
        // (√N·D above 1.95 has probability 0.001).
        let mut pool: Vec<f64> = (0..20_000).flat_map(|d| day(7, d)).collect();
        pool.sort_by(f64::total_cmp);
        let n = pool.len() as f64;
        let d = pool
            .iter()
            .enumerate()
            .map(|(i, &u)| (u - i as f64 / n).max((i + 1) as f64 / n - u))
            .fold(0.0, f64::max);
        assert!(n.sqrt() * d < 1.95, "√N·D = {}", n.sqrt() * d);
    }

    #[test]
    fn a_day_of_millions_stays_sorted_below_one() {
        // The worst case for rounding: S_k summed over 4 M terms. Still sorted, in [0, 1), and
        // the median and the last time where 4 M uniforms put them.
        let n = 4_000_000;
        let times = day(n, 3);
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= 0.0 && times[n as usize - 1] < 1.0);
        // sd of the median of n uniforms: 1/(2√n) = 2.5e-4; of 1 − max: about 1/n.
        assert!((times[n as usize / 2] - 0.5).abs() < 5.0 * 2.5e-4);
        assert!(1.0 - times[n as usize - 1] < 10.0 / n as f64);
    }
}
