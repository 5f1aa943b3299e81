//! Invariants of a run over random valid scenarios: every generated scenario validates, and each
//! replication's results obey the identities the engine guarantees whatever the draws.
//!
//! A [`Spec`] is drawn (populations, sites with placements, migrations, flows, staff, controls of
//! every kind, timeline events, optionally a ban and a regulator), written as TOML, loaded through
//! [`regsim::scenario::load`] and run for a few replications. What is checked:
//!
//! - every total and monthly value is finite and ≥ 0; a Sum's total is the sum of its months, a
//!   Level's the last month, a Mean's total lies within its monthly means;
//! - storage, replayed from the spec by the rules of docs/scenario-format.md (rescale in
//!   proportion, then migrations in name order, sources and targets in the order written, never
//!   beyond a target's room), conserves every population's volume and gives exactly the engine's
//!   `residency.pb_days_outside` month by month and its `cost.migration`;
//! - the costs that depend only on the spec (infrastructure, and, where every control's on/off
//!   days are certain, compliance and monitoring and gated flows' `transfer.pb_cross_border`)
//!   equal their closed forms; `cost.total` is the sum of its components month by month and
//!   `cost.total_npv` lies between the total discounted at the last day and the total;
//! - access: denied + abandoned + misuse ≤ sessions; detected ≤ misuse; re-identifiable ≤ masked;
//!   zeros where no control of the kind exists; `exposure.users_distinct` ≤ records read
//!   identifiably so far and ≤ users; `users.active.<p>` is the population's users (no ban) or
//!   between residual share × users and users (ban);
//! - a replication is the same whether its workspace is fresh or reused.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use regsim::engine::{run_replication, Workspace};
use regsim::metrics::{id, Kind, Layout, RepResult, COST_COMPONENTS};
use regsim::model::{World, CATEGORY_NAMES};

const JURS: [&str; 4] = ["A", "B", "C", "D"];
const CATS: [&str; 8] = CATEGORY_NAMES;
const DEFAULT_WEIGHTS_SUM: f64 = 1.0 + 1.0 + 1.0 + 2.0 + 0.5 + 0.1 + 2.0 + 3.0;
const DAYS_PER_YEAR: f64 = 365.25;
const REPLICATIONS: u64 = 3;

fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

fn date(day: u32) -> String {
    (start_date() + chrono::Days::new(day as u64)).to_string()
}

/// A distribution as written, with the bounds of its support where it has them.
#[derive(Debug, Clone)]
enum Dist {
    Const(f64),
    Uniform(f64, f64),
    Normal(f64, f64),
    Lognormal(f64, f64),
    Exponential(f64),
    Pert(f64, f64, f64),
    Poisson(f64),
    Bernoulli(f64),
}

impl Dist {
    /// A distribution ≥ 0 whose mean is about `scale` at most.
    fn draw(rng: &mut impl Rng, scale: f64) -> Dist {
        let s = scale * rng.random_range(0.05..1.0);
        match rng.random_range(0..8) {
            0 => Dist::Const(s),
            1 => Dist::Uniform(s * 0.5, s * 1.5),
            2 => Dist::Normal(s, s * rng.random_range(0.0..2.0)),
            3 => Dist::Lognormal(s * 0.5, s * rng.random_range(0.5..1.5)),
            4 => Dist::Exponential(s),
            5 => Dist::Pert(0.0, s * 0.5, s * 2.0),
            6 => Dist::Poisson(s),
            _ => Dist::Bernoulli(rng.random_range(0.0..=1.0)),
        }
    }

    fn toml(&self) -> String {
        match *self {
            Dist::Const(v) => format!("{v:?}"),
            Dist::Uniform(a, b) => format!("{{ dist = \"uniform\", min = {a:?}, max = {b:?} }}"),
            Dist::Normal(m, s) => format!("{{ dist = \"normal\", mean = {m:?}, sd = {s:?} }}"),
            // median then p90 = median + extra.
            Dist::Lognormal(m, extra) => format!(
                "{{ dist = \"lognormal\", median = {m:?}, p90 = {:?} }}",
                m + extra
            ),
            Dist::Exponential(m) => format!("{{ dist = \"exponential\", mean = {m:?} }}"),
            Dist::Pert(a, m, b) => {
                format!("{{ dist = \"pert\", min = {a:?}, mode = {m:?}, max = {b:?} }}")
            }
            Dist::Poisson(m) => format!("{{ dist = \"poisson\", mean = {m:?} }}"),
            Dist::Bernoulli(p) => format!("{{ dist = \"bernoulli\", p = {p:?} }}"),
        }
    }
}

/// When a site goes live: from `start`, by its `online` date, or by a certain timeline event.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Online {
    Start,
    Field(u32),
    Event(u32),
}

impl Online {
    fn day(self) -> u32 {
        match self {
            Online::Start => 0,
            Online::Field(d) | Online::Event(d) => d,
        }
    }
}

#[derive(Debug, Clone)]
struct Pop {
    users: f64,
    growth: f64,
    mb: f64,
    enclave: Vec<usize>,
    restricted: Vec<usize>,
    /// (site, share); shares sum to 1.
    placement: Vec<(usize, f64)>,
    revenue: f64,
}

#[derive(Debug, Clone)]
struct Site {
    jur: usize,
    online: Online,
    capacity: f64,
    capex: f64,
    opex: f64,
}

#[derive(Debug, Clone)]
struct Migration {
    pop: usize,
    start: u32,
    /// Written `from`; empty = every site not in `to`, in name order.
    from: Vec<usize>,
    to: Vec<usize>,
    rate: f64,
    cost_per_pb: f64,
}

#[derive(Debug, Clone)]
struct Flow {
    pop: usize,
    to: usize,
    pb: f64,
    start: Option<u32>,
    end: Option<u32>,
    gateway: Option<usize>,
}

#[derive(Debug, Clone)]
struct Staff {
    jur: usize,
    headcount: f64,
    sessions: Dist,
    records: Dist,
    pops: Vec<usize>,
    cats: Vec<usize>,
    misuse: f64,
}

#[derive(Debug, Clone)]
enum ControlKind {
    Deny,
    Gateway {
        masks: Vec<usize>,
        reid: f64,
        pass: f64,
    },
    Approval {
        reviewers: u32,
        review: Dist,
        approval: f64,
        patience: Option<Dist>,
    },
    Monitor {
        detect: f64,
        delay: Option<Dist>,
    },
}

#[derive(Debug, Clone)]
struct Control {
    kind: ControlKind,
    start: Option<u32>,
    end: Option<u32>,
    staff_jurs: Vec<usize>,
    staff: Vec<usize>,
    pops: Vec<usize>,
    annual_cost: f64,
}

#[derive(Debug, Clone)]
enum EventKind {
    ControlOn(usize),
    ControlOff(usize),
    Headcount(usize, f64),
    SiteOnline(usize),
    Outage(usize, f64),
    BanStart,
    BanEnd,
    RegulatorState(usize, Option<f64>),
}

#[derive(Debug, Clone)]
struct Event {
    day: u32,
    kind: EventKind,
    probability: Option<f64>,
    delay: Option<Dist>,
}

impl Event {
    fn certain(&self) -> bool {
        self.probability.is_none() && self.delay.is_none()
    }
}

#[derive(Debug, Clone)]
struct Ban {
    pop: usize,
    churn: Dist,
    residual: (f64, f64),
    returning: Option<Dist>,
}

#[derive(Debug, Clone)]
struct Regulator {
    /// A deny control the `fined` state orders on, if any.
    order: Option<usize>,
    penalty: f64,
    per_year: [f64; 3],
    drivers: [f64; 3],
    max_share: f64,
    max_floor: f64,
}

/// The three states of the generated regulator, in name order.
const REG_STATES: [&str; 3] = ["calm", "fined", "probe"];

#[derive(Debug, Clone)]
struct Spec {
    days: u32,
    seed: u64,
    discount_rate: f64,
    turnover: f64,
    pops: Vec<Pop>,
    sites: Vec<Site>,
    migrations: Vec<Migration>,
    flows: Vec<Flow>,
    staff: Vec<Staff>,
    controls: Vec<Control>,
    events: Vec<Event>,
    ban: Option<Ban>,
    regulator: Option<Regulator>,
}

/// Sizes chosen by proptest (so that shrinking makes scenarios smaller); everything else is drawn
/// from `seed`.
#[derive(Debug, Clone)]
struct Shape {
    pops: usize,
    sites: usize,
    staff: usize,
    controls: usize,
    migrations: usize,
    flows: usize,
    events: usize,
    ban: bool,
    regulator: bool,
    seed: u64,
}

fn shapes() -> impl Strategy<Value = Shape> {
    (
        (1usize..=3, 1usize..=3, 1usize..=3, 0usize..=5),
        (
            0usize..=2,
            0usize..=2,
            0usize..=5,
            any::<bool>(),
            any::<bool>(),
        ),
        any::<u64>(),
    )
        .prop_map(
            |(
                (pops, sites, staff, controls),
                (migrations, flows, events, ban, regulator),
                seed,
            )| {
                Shape {
                    pops,
                    sites,
                    staff,
                    controls,
                    migrations,
                    flows,
                    events,
                    ban,
                    regulator,
                    seed,
                }
            },
        )
}

/// A non-empty random subset of `0..n`, in order.
fn subset(rng: &mut impl Rng, n: usize) -> Vec<usize> {
    loop {
        let v: Vec<usize> = (0..n).filter(|_| rng.random_bool(0.5)).collect();
        if !v.is_empty() {
            return v;
        }
    }
}

/// A possibly empty random subset of `items`.
fn maybe_subset(rng: &mut impl Rng, items: &[usize]) -> Vec<usize> {
    if rng.random_bool(0.5) {
        Vec::new()
    } else {
        items
            .iter()
            .copied()
            .filter(|_| rng.random_bool(0.6))
            .collect()
    }
}

fn names(prefix: &str, v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|i| format!("\"{prefix}{i}\"")).collect();
    format!("[{}]", items.join(", "))
}

fn jurs(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|&i| format!("\"{}\"", JURS[i])).collect();
    format!("[{}]", items.join(", "))
}

fn cats(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|&i| format!("\"{}\"", CATS[i])).collect();
    format!("[{}]", items.join(", "))
}

impl Spec {
    fn generate(shape: &Shape) -> Spec {
        let rng = &mut Xoshiro256PlusPlus::seed_from_u64(shape.seed);
        let days = rng.random_range(20..=600);
        let day = |rng: &mut Xoshiro256PlusPlus| rng.random_range(0..days);

        // Sites: the first is live from `start`; the others may go live later.
        let mut sites: Vec<Site> = (0..shape.sites)
            .map(|s| Site {
                jur: rng.random_range(0..JURS.len()),
                online: match (s, rng.random_range(0..3)) {
                    (0, _) | (_, 0) => Online::Start,
                    (_, 1) => Online::Field(rng.random_range(0..days)),
                    _ => Online::Event(rng.random_range(0..days)),
                },
                capacity: 0.0,
                capex: if rng.random_bool(0.5) {
                    rng.random_range(0.0..1e8)
                } else {
                    0.0
                },
                opex: rng.random_range(0.0..1e7),
            })
            .collect();
        let live_at_start: Vec<usize> = (0..sites.len())
            .filter(|&s| sites[s].online.day() == 0)
            .collect();

        let pops: Vec<Pop> = (0..shape.pops)
            .map(|_| {
                let users = 10f64.powf(rng.random_range(3.0..8.5));
                let mut placement: Vec<(usize, f64)> = Vec::new();
                let chosen = maybe_subset(rng, &live_at_start);
                let chosen = if chosen.is_empty() { vec![0] } else { chosen };
                let weights: Vec<f64> = chosen.iter().map(|_| rng.random_range(0.1..1.0)).collect();
                let total: f64 = weights.iter().sum();
                let mut left = 1.0;
                for (i, (&s, w)) in chosen.iter().zip(&weights).enumerate() {
                    let share = if i + 1 == chosen.len() {
                        left
                    } else {
                        w / total
                    };
                    left -= share;
                    placement.push((s, share));
                }
                Pop {
                    users,
                    growth: rng.random_range(-0.5..1.0),
                    mb: if rng.random_bool(0.1) {
                        0.0
                    } else {
                        rng.random_range(1.0..1000.0)
                    },
                    enclave: subset(rng, JURS.len()),
                    restricted: maybe_subset(rng, &[0, 1, 2, 3]),
                    placement,
                    revenue: rng.random_range(0.0..50.0),
                }
            })
            .collect();
        // Capacity: what the placements put there at `start`, and some room.
        for (s, site) in sites.iter_mut().enumerate() {
            let placed: f64 = pops
                .iter()
                .flat_map(|p| {
                    p.placement
                        .iter()
                        .filter(move |(ps, _)| *ps == s)
                        .map(move |(_, share)| share * p.users * p.mb / 1e9)
                })
                .sum();
            site.capacity = placed * rng.random_range(1.01..2.0) + rng.random_range(0.0..50.0);
        }

        let migrations: Vec<Migration> = if shape.sites < 2 {
            Vec::new()
        } else {
            (0..shape.migrations)
                .map(|_| {
                    let to = subset(rng, shape.sites);
                    let rest: Vec<usize> = (0..shape.sites).filter(|s| !to.contains(s)).collect();
                    let to = if rest.is_empty() { vec![to[0]] } else { to };
                    let rest: Vec<usize> = (0..shape.sites).filter(|s| !to.contains(s)).collect();
                    let mut from = maybe_subset(rng, &rest);
                    if rng.random_bool(0.5) {
                        from.reverse();
                    }
                    let mut to = to;
                    if rng.random_bool(0.5) {
                        to.reverse();
                    }
                    Migration {
                        pop: rng.random_range(0..shape.pops),
                        start: day(rng),
                        from,
                        to,
                        rate: rng.random_range(0.0..2.0),
                        cost_per_pb: rng.random_range(0.0..1e6),
                    }
                })
                .collect()
        };

        let staff: Vec<Staff> = (0..shape.staff)
            .map(|_| Staff {
                jur: rng.random_range(0..JURS.len()),
                headcount: if rng.random_bool(0.1) {
                    0.0
                } else {
                    rng.random_range(0.0..40.0)
                },
                sessions: Dist::draw(rng, 2.0),
                records: Dist::draw(rng, 500.0),
                pops: subset(rng, shape.pops),
                cats: subset(rng, CATS.len()),
                misuse: if rng.random_bool(0.2) {
                    0.0
                } else {
                    rng.random_range(0.0..=1.0)
                },
            })
            .collect();
        let staff_jurs: Vec<usize> = {
            let mut v: Vec<usize> = staff.iter().map(|g| g.jur).collect();
            v.sort();
            v.dedup();
            v
        };

        let controls: Vec<Control> = (0..shape.controls)
            .map(|_| {
                let kind = match rng.random_range(0..4) {
                    0 => ControlKind::Deny,
                    1 => ControlKind::Gateway {
                        masks: subset(rng, CATS.len()),
                        reid: if rng.random_bool(0.3) {
                            0.0
                        } else {
                            rng.random_range(0.0..=1.0)
                        },
                        pass: rng.random_range(0.0..=1.0),
                    },
                    2 => ControlKind::Approval {
                        reviewers: rng.random_range(1..=4),
                        review: Dist::draw(rng, 0.5),
                        approval: if rng.random_bool(0.3) {
                            1.0
                        } else {
                            rng.random_range(0.0..=1.0)
                        },
                        patience: rng.random_bool(0.6).then(|| Dist::draw(rng, 1.0)),
                    },
                    _ => ControlKind::Monitor {
                        detect: rng.random_range(0.0..=1.0),
                        delay: rng.random_bool(0.7).then(|| Dist::draw(rng, 60.0)),
                    },
                };
                let start = rng.random_bool(0.3).then(|| day(rng));
                let end = rng
                    .random_bool(0.3)
                    .then(|| rng.random_range(start.unwrap_or(0)..days));
                Control {
                    kind,
                    start,
                    end,
                    staff_jurs: maybe_subset(rng, &staff_jurs),
                    staff: maybe_subset(rng, &(0..shape.staff).collect::<Vec<_>>()),
                    pops: maybe_subset(rng, &(0..shape.pops).collect::<Vec<_>>()),
                    annual_cost: rng.random_range(0.0..1e7),
                }
            })
            .collect();
        let gateways: Vec<usize> = (0..controls.len())
            .filter(|&c| matches!(controls[c].kind, ControlKind::Gateway { .. }))
            .collect();
        let denies: Vec<usize> = (0..controls.len())
            .filter(|&c| matches!(controls[c].kind, ControlKind::Deny))
            .collect();

        let flows: Vec<Flow> = (0..shape.flows)
            .map(|_| {
                let start = rng.random_bool(0.5).then(|| day(rng));
                let end = rng
                    .random_bool(0.5)
                    .then(|| rng.random_range(start.unwrap_or(0)..days));
                Flow {
                    pop: rng.random_range(0..shape.pops),
                    to: rng.random_range(0..JURS.len()),
                    pb: rng.random_range(0.0..0.1),
                    start,
                    end,
                    gateway: if gateways.is_empty() || rng.random_bool(0.3) {
                        None
                    } else {
                        Some(gateways[rng.random_range(0..gateways.len())])
                    },
                }
            })
            .collect();

        let ban = shape.ban.then(|| {
            let lo = rng.random_range(0.0..0.9);
            Ban {
                pop: rng.random_range(0..shape.pops),
                churn: Dist::draw(rng, 5.0),
                residual: (lo, rng.random_range(lo + 0.01..=1.0)),
                returning: rng.random_bool(0.5).then(|| Dist::draw(rng, 3.0)),
            }
        });
        let regulator = shape.regulator.then(|| Regulator {
            order: (!denies.is_empty() && rng.random_bool(0.5))
                .then(|| denies[rng.random_range(0..denies.len())]),
            penalty: if rng.random_bool(0.5) {
                rng.random_range(0.0..0.01)
            } else {
                0.0
            },
            per_year: [
                rng.random_range(0.0..5.0),
                rng.random_range(0.0..5.0),
                rng.random_range(0.0..5.0),
            ],
            drivers: [
                rng.random_range(0.0..0.1),
                rng.random_range(0.0..0.01),
                rng.random_range(0.0..0.1),
            ],
            max_share: rng.random_range(0.0..0.06),
            max_floor: rng.random_range(0.0..2e7),
        });

        // Sites switched on by an event get exactly one certain event; the other events are
        // drawn among what the scenario has.
        let mut events: Vec<Event> = sites
            .iter()
            .enumerate()
            .filter_map(|(s, site)| match site.online {
                Online::Event(d) => Some(Event {
                    day: d,
                    kind: EventKind::SiteOnline(s),
                    probability: None,
                    delay: None,
                }),
                _ => None,
            })
            .collect();
        for _ in 0..shape.events {
            let kind = match rng.random_range(0..6) {
                0 | 1 if !controls.is_empty() => {
                    let c = rng.random_range(0..controls.len());
                    if rng.random_bool(0.5) {
                        EventKind::ControlOn(c)
                    } else {
                        EventKind::ControlOff(c)
                    }
                }
                2 => EventKind::Headcount(
                    rng.random_range(0..staff.len()),
                    rng.random_range(0.0..60.0),
                ),
                3 => {
                    EventKind::Outage(rng.random_range(0..pops.len()), rng.random_range(0.0..72.0))
                }
                4 if ban.is_some() => {
                    if rng.random_bool(0.6) {
                        EventKind::BanStart
                    } else {
                        EventKind::BanEnd
                    }
                }
                5 if regulator.is_some() => EventKind::RegulatorState(
                    rng.random_range(0..REG_STATES.len()),
                    rng.random_bool(0.3).then(|| rng.random_range(0.0..1e7)),
                ),
                _ => EventKind::Headcount(
                    rng.random_range(0..staff.len()),
                    rng.random_range(0.0..60.0),
                ),
            };
            events.push(Event {
                day: day(rng),
                kind,
                probability: rng.random_bool(0.3).then(|| rng.random_range(0.0..=1.0)),
                delay: rng.random_bool(0.2).then(|| Dist::draw(rng, 30.0)),
            });
        }
        events.sort_by_key(|e| e.day);

        Spec {
            days,
            seed: rng.random_range(0..1_000_000),
            discount_rate: if rng.random_bool(0.5) {
                0.0
            } else {
                rng.random_range(0.0..0.2)
            },
            turnover: rng.random_range(0.0..1e11),
            pops,
            sites,
            migrations,
            flows,
            staff,
            controls,
            events,
            ban,
            regulator,
        }
    }

    fn toml(&self) -> String {
        let mut t = String::new();
        let w = &mut t;
        writeln!(w, "start = \"{}\"", date(0)).unwrap();
        writeln!(w, "end = \"{}\"", date(self.days - 1)).unwrap();
        writeln!(w, "seed = {}", self.seed).unwrap();
        writeln!(w, "\n[finance]\ndiscount_rate = {:?}", self.discount_rate).unwrap();
        if self.regulator.is_some() {
            writeln!(
                w,
                "turnover = [{{ date = \"{}\", amount = {:?} }}]",
                date(0),
                self.turnover
            )
            .unwrap();
        }
        for (i, p) in self.pops.iter().enumerate() {
            let placement: Vec<String> = p
                .placement
                .iter()
                .map(|(s, share)| format!("s{s} = {share:?}"))
                .collect();
            writeln!(
                w,
                "\n[population.p{i}]\nhome = \"A\"\nenclave = {}\nrestricted = {}\nusers = {:?}\ngrowth = {:?}\ndata_per_user_mb = {:?}\nplacement = {{ {} }}\nrevenue_per_user_year = {:?}",
                jurs(&p.enclave),
                jurs(&p.restricted),
                p.users,
                p.growth,
                p.mb,
                placement.join(", "),
                p.revenue
            )
            .unwrap();
        }
        for (i, s) in self.sites.iter().enumerate() {
            writeln!(
                w,
                "\n[site.s{i}]\njurisdiction = \"{}\"\ncapacity_pb = {:?}\ncapex = {:?}\nopex_per_year = {:?}",
                JURS[s.jur], s.capacity, s.capex, s.opex
            )
            .unwrap();
            if let Online::Field(d) = s.online {
                writeln!(w, "online = \"{}\"", date(d)).unwrap();
            }
        }
        for (i, m) in self.migrations.iter().enumerate() {
            writeln!(
                w,
                "\n[migration.m{i}]\npopulation = \"p{}\"\nstart = \"{}\"\nto = {}\nrate_pb_per_day = {:?}\ncost_per_pb = {:?}",
                m.pop,
                date(m.start),
                names("s", &m.to),
                m.rate,
                m.cost_per_pb
            )
            .unwrap();
            if !m.from.is_empty() {
                writeln!(w, "from = {}", names("s", &m.from)).unwrap();
            }
        }
        for (i, f) in self.flows.iter().enumerate() {
            writeln!(
                w,
                "\n[flow.f{i}]\npopulation = \"p{}\"\nto = \"{}\"\npb_per_day = {:?}",
                f.pop, JURS[f.to], f.pb
            )
            .unwrap();
            if let Some(d) = f.start {
                writeln!(w, "start = \"{}\"", date(d)).unwrap();
            }
            if let Some(d) = f.end {
                writeln!(w, "end = \"{}\"", date(d)).unwrap();
            }
            if let Some(c) = f.gateway {
                writeln!(w, "gateway = \"c{c}\"").unwrap();
            }
        }
        for (i, g) in self.staff.iter().enumerate() {
            writeln!(
                w,
                "\n[staff.g{i}]\njurisdiction = \"{}\"\nheadcount = {:?}\nsessions_per_person_day = {}\nrecords_per_session = {}\npopulations = {}\ncategories = {}\nmisuse_share = {:?}",
                JURS[g.jur],
                g.headcount,
                g.sessions.toml(),
                g.records.toml(),
                names("p", &g.pops),
                cats(&g.cats),
                g.misuse
            )
            .unwrap();
        }
        for (i, c) in self.controls.iter().enumerate() {
            let kind = match c.kind {
                ControlKind::Deny => "deny",
                ControlKind::Gateway { .. } => "gateway",
                ControlKind::Approval { .. } => "approval",
                ControlKind::Monitor { .. } => "monitor",
            };
            writeln!(
                w,
                "\n[control.c{i}]\nkind = \"{kind}\"\nannual_cost = {:?}",
                c.annual_cost
            )
            .unwrap();
            if let Some(d) = c.start {
                writeln!(w, "start = \"{}\"", date(d)).unwrap();
            }
            if let Some(d) = c.end {
                writeln!(w, "end = \"{}\"", date(d)).unwrap();
            }
            if !c.staff_jurs.is_empty() {
                writeln!(w, "staff_jurisdictions = {}", jurs(&c.staff_jurs)).unwrap();
            }
            if !c.staff.is_empty() {
                writeln!(w, "staff = {}", names("g", &c.staff)).unwrap();
            }
            if !c.pops.is_empty() {
                writeln!(w, "populations = {}", names("p", &c.pops)).unwrap();
            }
            match &c.kind {
                ControlKind::Deny => {}
                ControlKind::Gateway { masks, reid, pass } => writeln!(
                    w,
                    "masks = {}\nreid_probability = {reid:?}\nflow_pass_share = {pass:?}",
                    cats(masks)
                )
                .unwrap(),
                ControlKind::Approval {
                    reviewers,
                    review,
                    approval,
                    patience,
                } => {
                    writeln!(
                        w,
                        "reviewers = {reviewers}\nreview_days = {}\napproval_probability = {approval:?}",
                        review.toml()
                    )
                    .unwrap();
                    if let Some(p) = patience {
                        writeln!(w, "patience_days = {}", p.toml()).unwrap();
                    }
                }
                ControlKind::Monitor { detect, delay } => {
                    writeln!(w, "detect_probability = {detect:?}").unwrap();
                    if let Some(d) = delay {
                        writeln!(w, "detection_delay_days = {}", d.toml()).unwrap();
                    }
                }
            }
        }
        if let Some(b) = &self.ban {
            writeln!(
                w,
                "\n[ban.b]\npopulation = \"p{}\"\nchurn_per_year = {}\nresidual_share = {{ dist = \"uniform\", min = {:?}, max = {:?} }}",
                b.pop,
                b.churn.toml(),
                b.residual.0,
                b.residual.1
            )
            .unwrap();
            if let Some(r) = &b.returning {
                writeln!(w, "return_per_year = {}", r.toml()).unwrap();
            }
        }
        if let Some(r) = &self.regulator {
            writeln!(
                w,
                "\n[regulator.r]\ninitial = \"calm\"\n\n[regulator.r.fine]\nmax_share_of_turnover = {:?}\nmax_floor = {:?}\n\n[regulator.r.drivers]\ndetected_incidents = {:?}\nrecords_millions = {:?}\npb_outside = {:?}",
                r.max_share, r.max_floor, r.drivers[0], r.drivers[1], r.drivers[2]
            )
            .unwrap();
            writeln!(w, "\n[regulator.r.state.calm]\n\n[regulator.r.state.probe]\nproceedings = true\nmilestone = true\n\n[regulator.r.state.fined]\nfine = true\nmilestone = true\npenalty_share_of_daily_turnover = {:?}", r.penalty).unwrap();
            if let Some(c) = r.order {
                writeln!(w, "orders = [{{ control = \"c{c}\", after_days = 3 }}]").unwrap();
            }
            for (i, (from, to)) in [("calm", "probe"), ("probe", "fined"), ("fined", "calm")]
                .iter()
                .enumerate()
            {
                writeln!(
                    w,
                    "\n[[regulator.r.transition]]\nfrom = \"{from}\"\nto = \"{to}\"\nper_year = {:?}",
                    r.per_year[i]
                )
                .unwrap();
            }
        }
        for e in &self.events {
            writeln!(w, "\n[[timeline]]\ndate = \"{}\"", date(e.day)).unwrap();
            match &e.kind {
                EventKind::ControlOn(c) => {
                    writeln!(w, "kind = \"control_on\"\ncontrol = \"c{c}\"").unwrap()
                }
                EventKind::ControlOff(c) => {
                    writeln!(w, "kind = \"control_off\"\ncontrol = \"c{c}\"").unwrap()
                }
                EventKind::Headcount(g, h) => writeln!(
                    w,
                    "kind = \"headcount\"\nstaff = \"g{g}\"\nheadcount = {h:?}"
                )
                .unwrap(),
                EventKind::SiteOnline(s) => {
                    writeln!(w, "kind = \"site_online\"\nsite = \"s{s}\"").unwrap()
                }
                EventKind::Outage(p, h) => {
                    writeln!(w, "kind = \"outage\"\npopulation = \"p{p}\"\nhours = {h:?}").unwrap()
                }
                EventKind::BanStart => writeln!(w, "kind = \"ban_start\"\nban = \"b\"").unwrap(),
                EventKind::BanEnd => writeln!(w, "kind = \"ban_end\"\nban = \"b\"").unwrap(),
                EventKind::RegulatorState(s, fine) => {
                    writeln!(
                        w,
                        "kind = \"regulator_state\"\nregulator = \"r\"\nstate = \"{}\"",
                        REG_STATES[*s]
                    )
                    .unwrap();
                    if let Some(f) = fine {
                        writeln!(w, "fine = {f:?}").unwrap();
                    }
                }
            }
            if let Some(p) = e.probability {
                writeln!(w, "probability = {p:?}").unwrap();
            }
            if let Some(d) = &e.delay {
                writeln!(w, "delay_days = {}", d.toml()).unwrap();
            }
        }
        t
    }

    /// Day each site goes live (`None`: never within the horizon).
    fn site_live_from(&self) -> Vec<u32> {
        self.sites.iter().map(|s| s.online.day()).collect()
    }

    /// Each control's on/off state per day when it is certain (no uncertain event touches it,
    /// no compliance order names it), else `None`.
    fn control_days(&self) -> Vec<Option<Vec<bool>>> {
        let days = self.days as usize;
        (0..self.controls.len())
            .map(|c| {
                let ctl = &self.controls[c];
                let touching: Vec<&Event> = self
                    .events
                    .iter()
                    .filter(|e| {
                        matches!(e.kind, EventKind::ControlOn(x) | EventKind::ControlOff(x) if x == c)
                    })
                    .collect();
                let ordered = self.regulator.as_ref().is_some_and(|r| r.order == Some(c));
                if ordered || touching.iter().any(|e| !e.certain()) {
                    return None;
                }
                let switchable = ctl.start.is_some()
                    || touching
                        .iter()
                        .any(|e| matches!(e.kind, EventKind::ControlOn(_)));
                // Changes per day: the `start` and `end` fields first, then written events.
                let mut changes: Vec<(u32, bool)> = Vec::new();
                if let Some(s) = ctl.start {
                    changes.push((s, true));
                }
                if let Some(e) = ctl.end {
                    if e + 1 < self.days {
                        changes.push((e + 1, false));
                    }
                }
                for e in &touching {
                    changes.push((e.day, matches!(e.kind, EventKind::ControlOn(_))));
                }
                changes.sort_by_key(|(d, _)| *d);
                let mut on = !switchable;
                let mut next = 0;
                let mut v = Vec::with_capacity(days);
                for d in 0..self.days {
                    while next < changes.len() && changes[next].0 == d {
                        on = changes[next].1;
                        next += 1;
                    }
                    v.push(on);
                }
                Some(v)
            })
            .collect()
    }
}

/// Loads scenario text through a file, as `regsim` does; a generated scenario must be valid.
fn load(text: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.toml");
    std::fs::write(&path, text).unwrap();
    match regsim::scenario::load(Path::new(&path)) {
        Ok(l) => l.world,
        Err(d) => {
            let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
            panic!(
                "generated scenario is invalid:\n{}\n--- scenario ---\n{text}",
                msgs.join("\n")
            )
        }
    }
}

/// `a` and `b` equal within a relative `1e-9` (absolute near 0).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-6)
}

/// The storage of every population day by day, by the documented rules; returns PB-days outside
/// each population's enclave per month and PB moved per migration, and checks conservation.
fn replay_storage(spec: &Spec, world: &World) -> Result<(Vec<f64>, Vec<f64>), TestCaseError> {
    let ns = spec.sites.len();
    let cal = &world.calendar;
    let live_from = spec.site_live_from();
    let mut pb: Vec<Vec<f64>> = spec
        .pops
        .iter()
        .enumerate()
        .map(|(p, pop)| {
            let v = world.populations[p].volume_pb(0);
            let mut row = vec![0.0; ns];
            for &(s, share) in &pop.placement {
                row[s] = share * v;
            }
            row
        })
        .collect();
    let mut outside = vec![0.0; cal.months()];
    let mut moved = vec![0.0; spec.migrations.len()];
    for d in 0..spec.days as usize {
        // Rescale each population to its volume, in proportion to what each site holds.
        for (p, row) in pb.iter_mut().enumerate() {
            let target = world.populations[p].volume_pb(d);
            let have: f64 = row.iter().sum();
            if have > 0.0 {
                let k = target / have;
                row.iter_mut().for_each(|x| *x *= k);
            } else if target > 0.0 {
                for &(s, share) in &spec.pops[p].placement {
                    row[s] = share * target;
                }
            }
        }
        for (i, m) in spec.migrations.iter().enumerate() {
            if (d as u32) < m.start {
                continue;
            }
            let from: Vec<usize> = if m.from.is_empty() {
                (0..ns).filter(|s| !m.to.contains(s)).collect()
            } else {
                m.from.clone()
            };
            let mut budget = m.rate;
            'sources: for &src in &from {
                for &dst in &m.to {
                    if budget <= 0.0 {
                        break 'sources;
                    }
                    let available = pb[m.pop][src];
                    if available <= 0.0 {
                        break;
                    }
                    if live_from[dst] as usize > d {
                        continue;
                    }
                    let load: f64 = pb.iter().map(|row| row[dst]).sum();
                    let x = budget.min(available).min(spec.sites[dst].capacity - load);
                    if x > 0.0 {
                        pb[m.pop][src] -= x;
                        pb[m.pop][dst] += x;
                        budget -= x;
                        moved[i] += x;
                    }
                }
            }
        }
        for (p, row) in pb.iter().enumerate() {
            let v = world.populations[p].volume_pb(d);
            let sum: f64 = row.iter().sum();
            prop_assert!(
                (sum - v).abs() <= 1e-9 * v.max(1.0),
                "day {d}: population {p} holds {sum} PB over its sites, volume {v}"
            );
            prop_assert!(row.iter().all(|x| *x >= 0.0), "day {d}: {row:?}");
            for (s, site) in spec.sites.iter().enumerate() {
                if !spec.pops[p].enclave.contains(&site.jur) {
                    outside[cal.day_month[d] as usize] += row[s];
                }
            }
        }
    }
    Ok((outside, moved))
}

fn check(spec: &Spec, world: &World) -> Result<(), TestCaseError> {
    let layout = Layout::of(world);
    let nm = layout.len();
    let months = layout.months;
    let cal = &world.calendar;
    let days = spec.days as usize;
    prop_assert_eq!(cal.days, spec.days);

    // Users: as written, with compound growth from `start`.
    for (p, pop) in spec.pops.iter().enumerate() {
        for d in [0, days / 2, days - 1] {
            let expected = pop.users * (1.0 + pop.growth).powf(d as f64 / DAYS_PER_YEAR);
            let got = world.populations[p].users_by_day[d];
            prop_assert!(
                close(got, expected),
                "users of p{p} on day {d}: {got} vs {expected}"
            );
        }
    }

    let (outside, moved) = replay_storage(spec, world)?;
    let live_from = spec.site_live_from();
    let control_days = spec.control_days();
    let all_controls_certain = control_days.iter().all(Option::is_some);

    // Closed forms of the costs that depend only on the spec.
    let infrastructure: f64 = spec
        .sites
        .iter()
        .zip(&live_from)
        .map(|(s, &from)| s.capex + s.opex / DAYS_PER_YEAR * (spec.days - from) as f64)
        .sum();
    let migration: f64 = moved
        .iter()
        .zip(&spec.migrations)
        .map(|(x, m)| x * m.cost_per_pb)
        .sum();
    let (mut compliance, mut monitoring) = (0.0, 0.0);
    for (c, ctl) in spec.controls.iter().enumerate() {
        if let Some(on) = &control_days[c] {
            let cost = on.iter().filter(|x| **x).count() as f64 * ctl.annual_cost / DAYS_PER_YEAR;
            if matches!(ctl.kind, ControlKind::Monitor { .. }) {
                monitoring += cost;
            } else {
                compliance += cost;
            }
        }
    }
    // Flows: (lowest, highest, exact when the gateway's days are certain) PB across borders.
    let mut cross = (0.0, 0.0, Some(0.0));
    for f in &spec.flows {
        if spec.pops[f.pop].enclave.contains(&f.to) {
            continue;
        }
        let (a, b) = (f.start.unwrap_or(0), f.end.unwrap_or(spec.days - 1));
        let gw = f.gateway.map(|c| {
            let ctl = &spec.controls[c];
            let ControlKind::Gateway { pass, .. } = ctl.kind else {
                unreachable!()
            };
            let covers = ctl.pops.is_empty() || ctl.pops.contains(&f.pop);
            (pass, covers, control_days[c].clone())
        });
        for d in a..=b {
            let (lo, exact) = match &gw {
                None => (f.pb, Some(f.pb)),
                Some((pass, covers, on)) => (
                    if *covers { f.pb * pass } else { f.pb },
                    on.as_ref().map(|on| {
                        if *covers && on[d as usize] {
                            f.pb * pass
                        } else {
                            f.pb
                        }
                    }),
                ),
            };
            cross.0 += lo;
            cross.1 += f.pb;
            cross.2 = cross.2.zip(exact).map(|(x, e)| x + e);
        }
    }
    // Outages happen on their day (events here have no delay only if certain).
    let outage_users = |e: &Event, p: usize| world.populations[p].users_by_day[e.day as usize];
    let (mut outage_lo, mut outage_hi) = (0.0, 0.0);
    for e in &spec.events {
        if let EventKind::Outage(p, hours) = e.kind {
            let rev = spec.pops[p].revenue;
            let max_users = world.populations[p]
                .users_by_day
                .iter()
                .copied()
                .fold(0.0, f64::max);
            let hi = max_users * rev * hours / (24.0 * DAYS_PER_YEAR);
            outage_hi += hi;
            if e.certain() {
                outage_lo += outage_users(e, p) * rev * hours / (24.0 * DAYS_PER_YEAR);
            }
        }
    }
    let outages_certain = spec
        .events
        .iter()
        .all(|e| !matches!(e.kind, EventKind::Outage(..)) || e.certain());

    let has = |f: &dyn Fn(&ControlKind) -> bool| spec.controls.iter().any(|c| f(&c.kind));
    let any_deny = has(&|k| matches!(k, ControlKind::Deny));
    let any_approval = has(&|k| matches!(k, ControlKind::Approval { .. }));
    let any_refusal =
        has(&|k| matches!(k, ControlKind::Approval { approval, .. } if *approval < 1.0));
    let any_patience = has(&|k| {
        matches!(
            k,
            ControlKind::Approval {
                patience: Some(_),
                ..
            }
        )
    });
    let any_gateway = has(&|k| matches!(k, ControlKind::Gateway { .. }));
    let any_reid = has(&|k| matches!(k, ControlKind::Gateway { reid, .. } if *reid > 0.0));
    let any_monitor = has(&|k| matches!(k, ControlKind::Monitor { .. }));
    let any_misuse = spec.staff.iter().any(|g| g.misuse > 0.0);
    let any_exposure_route = spec.staff.iter().any(|g| {
        g.cats.iter().any(|&c| c < 3)
            && g.pops
                .iter()
                .any(|&p| spec.pops[p].restricted.contains(&g.jur))
    });
    let any_headcount = spec.staff.iter().any(|g| g.headcount > 0.0)
        || spec
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Headcount(_, h) if h > 0.0));
    let max_users: f64 = world
        .populations
        .iter()
        .map(|p| p.users_by_day.iter().copied().fold(0.0, f64::max))
        .sum();
    let min_discount = (1.0 + spec.discount_rate).powf(-((days - 1) as f64) / DAYS_PER_YEAR);

    let mut reused = Workspace::new();
    for rep in 0..REPLICATIONS {
        let r: RepResult = run_replication(world, &layout, rep, &mut reused);
        prop_assert_eq!(
            &r,
            &run_replication(world, &layout, rep, &mut Workspace::new()),
            "replication {} differs with a fresh workspace",
            rep
        );
        let t = |k: usize| r.totals[k];
        let s = |m: usize, k: usize| r.series[m * nm + k];
        let ctx = || format!("replication {rep}, totals {:?}", r.totals);

        // Finite, non-negative; totals from months by kind.
        for (k, name) in layout.names.iter().enumerate() {
            prop_assert!(t(k).is_finite() && t(k) >= 0.0, "{}: total {}", name, t(k));
            if layout.kinds[k] == Kind::PerReplication {
                continue;
            }
            let monthly: Vec<f64> = (0..months).map(|m| s(m, k)).collect();
            prop_assert!(
                monthly.iter().all(|v| v.is_finite() && *v >= 0.0),
                "{}: {:?}",
                name,
                monthly
            );
            match layout.kinds[k] {
                Kind::Sum => prop_assert!(
                    close(t(k), monthly.iter().sum()),
                    "{}: total {} vs months {:?}",
                    name,
                    t(k),
                    monthly
                ),
                Kind::Level => prop_assert_eq!(t(k), monthly[months - 1], "{}", name),
                Kind::Mean => prop_assert!(
                    t(k) <= monthly.iter().copied().fold(0.0, f64::max) * (1.0 + 1e-9),
                    "{}: total {} above every month {:?}",
                    name,
                    t(k),
                    monthly
                ),
                Kind::PerReplication => {}
            }
        }

        // Storage and the costs that follow from the spec.
        for (m, &expected) in outside.iter().enumerate() {
            prop_assert!(
                close(s(m, id::PB_DAYS_OUTSIDE), expected),
                "pb_days_outside month {}: {} vs {} replayed\n{}",
                m,
                s(m, id::PB_DAYS_OUTSIDE),
                expected,
                ctx()
            );
        }
        prop_assert!(
            close(t(id::COST_MIGRATION), migration),
            "cost.migration {} vs {}",
            t(id::COST_MIGRATION),
            migration
        );
        prop_assert!(
            close(t(id::COST_INFRASTRUCTURE), infrastructure),
            "cost.infrastructure {} vs {}",
            t(id::COST_INFRASTRUCTURE),
            infrastructure
        );
        if all_controls_certain {
            prop_assert!(
                close(t(id::COST_COMPLIANCE), compliance),
                "cost.compliance {} vs {}",
                t(id::COST_COMPLIANCE),
                compliance
            );
            prop_assert!(
                close(t(id::COST_MONITORING), monitoring),
                "cost.monitoring {} vs {}",
                t(id::COST_MONITORING),
                monitoring
            );
        }
        let x = t(id::PB_CROSS_BORDER);
        prop_assert!(
            x >= cross.0 * (1.0 - 1e-9) - 1e-12 && x <= cross.1 * (1.0 + 1e-9) + 1e-12,
            "pb_cross_border {} outside [{}, {}]",
            x,
            cross.0,
            cross.1
        );
        if let Some(exact) = cross.2 {
            prop_assert!(close(x, exact), "pb_cross_border {} vs {}", x, exact);
        }
        if spec.ban.is_none() {
            let loss = t(id::COST_REVENUE_LOSS);
            prop_assert!(
                loss >= outage_lo * (1.0 - 1e-9) && loss <= outage_hi * (1.0 + 1e-9) + 1e-9,
                "revenue loss {} outside [{}, {}]",
                loss,
                outage_lo,
                outage_hi
            );
            if outages_certain {
                prop_assert!(
                    close(loss, outage_lo),
                    "revenue loss {} vs {}",
                    loss,
                    outage_lo
                );
            }
        }
        prop_assert_eq!(t(id::COST_DIVESTITURE), 0.0);
        if spec.regulator.is_none() {
            prop_assert_eq!(t(id::COST_FINES), 0.0);
            prop_assert_eq!(t(id::FINES), 0.0);
            prop_assert_eq!(t(id::PROCEEDINGS), 0.0);
        }
        for m in 0..months {
            let parts: f64 = COST_COMPONENTS.iter().map(|&c| s(m, c)).sum();
            prop_assert!(close(s(m, id::COST_TOTAL), parts), "cost.total month {}", m);
        }
        let (total, npv) = (t(id::COST_TOTAL), t(id::COST_TOTAL_NPV));
        prop_assert!(
            npv <= total * (1.0 + 1e-9),
            "npv {} above total {}",
            npv,
            total
        );
        prop_assert!(
            npv >= total * min_discount * (1.0 - 1e-9),
            "npv {} below total {} discounted at the last day",
            npv,
            total
        );
        if spec.discount_rate == 0.0 {
            prop_assert!(
                close(npv, total),
                "npv {} vs total {} at rate 0",
                npv,
                total
            );
        }

        // Access.
        prop_assert!(
            t(id::DENIED) + t(id::ABANDONED) + t(id::MISUSE) <= t(id::SESSIONS),
            "denied + abandoned + misuse above sessions: {}",
            ctx()
        );
        prop_assert!(t(id::DETECTED) <= t(id::MISUSE), "{}", ctx());
        if !any_headcount {
            prop_assert_eq!(t(id::SESSIONS), 0.0);
        }
        if !any_deny && !any_refusal {
            prop_assert_eq!(t(id::DENIED), 0.0, "{}", ctx());
        }
        if !any_approval {
            prop_assert_eq!(t(id::WAIT_MEAN), 0.0);
            prop_assert_eq!(t(id::WAIT_P95), 0.0);
        }
        if !any_patience {
            prop_assert_eq!(t(id::ABANDONED), 0.0, "{}", ctx());
        }
        if !any_misuse {
            prop_assert_eq!(t(id::MISUSE), 0.0);
        }
        if !any_monitor {
            prop_assert_eq!(t(id::DETECTED), 0.0);
            prop_assert_eq!(t(id::DETECTION_DELAY), 0.0);
        }

        // Exposure.
        prop_assert!(
            t(id::RECORDS_REIDENTIFIABLE) <= t(id::RECORDS_MASKED),
            "{}",
            ctx()
        );
        if !any_gateway {
            prop_assert_eq!(t(id::RECORDS_MASKED), 0.0);
        }
        if !any_reid {
            prop_assert_eq!(t(id::RECORDS_REIDENTIFIABLE), 0.0);
        }
        if !any_exposure_route {
            for k in [
                id::RECORDS_VISIBLE,
                id::RECORDS_MASKED,
                id::SCORE,
                id::USERS_DISTINCT,
            ] {
                prop_assert_eq!(t(k), 0.0, "{}", layout.names[k]);
            }
        }
        let identifiable = t(id::RECORDS_VISIBLE) + t(id::RECORDS_REIDENTIFIABLE);
        prop_assert!(
            t(id::SCORE) <= identifiable * DEFAULT_WEIGHTS_SUM * (1.0 + 1e-9),
            "score {} above {} identifiable records × every weight",
            t(id::SCORE),
            identifiable
        );
        let mut so_far = 0.0;
        for m in 0..months {
            so_far += s(m, id::RECORDS_VISIBLE) + s(m, id::RECORDS_REIDENTIFIABLE);
            let distinct = s(m, id::USERS_DISTINCT);
            // N·(1 − e^(−k/N)) ≤ k (computed with exp_m1, so it holds even when k/N is tiny).
            prop_assert!(
                distinct <= so_far * (1.0 + 1e-9) && distinct <= max_users * (1.0 + 1e-9),
                "users_distinct {} in month {}: {} records so far, {} users",
                distinct,
                m,
                so_far,
                max_users
            );
        }

        // Active users.
        for m in 0..months {
            let last_day = cal.month_last_day[m] as usize;
            let mut sum = 0.0;
            for (p, pop) in world.populations.iter().enumerate() {
                let active = s(m, id::PER_ENTITY + p);
                let users = pop.users_by_day[last_day];
                sum += active;
                match &spec.ban {
                    Some(b) if b.pop == p => prop_assert!(
                        active <= users * (1.0 + 1e-12)
                            && active >= users * b.residual.0 * (1.0 - 1e-9),
                        "users.active.p{} {} with {} users and a residual share from {}",
                        p,
                        active,
                        users,
                        b.residual.0
                    ),
                    _ => prop_assert_eq!(active, users, "users.active.p{} month {}", p, m),
                }
            }
            prop_assert!(
                close(s(m, id::USERS_ACTIVE), sum),
                "users.active month {}",
                m
            );
        }

        // Regulator.
        if let Some(reg) = &spec.regulator {
            let base = layout.regulator_offsets[0];
            let first_fine = t(base);
            prop_assert!(first_fine <= t(id::COST_FINES) * (1.0 + 1e-9), "{}", ctx());
            if t(id::FINES) == 0.0 {
                prop_assert_eq!(first_fine, 0.0);
            }
            let pinned_max = spec
                .events
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::RegulatorState(_, f) => f,
                    _ => None,
                })
                .fold(0.0, f64::max);
            let legal_max = (reg.max_share * spec.turnover).max(reg.max_floor);
            prop_assert!(
                first_fine <= legal_max.max(pinned_max) * (1.0 + 1e-9),
                "first fine {} above the legal maximum {}",
                first_fine,
                legal_max
            );
            for k in [base + 1, base + 2] {
                prop_assert!(t(k) <= spec.days as f64, "{} = {}", layout.names[k], t(k));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_scenarios_are_valid_and_every_run_keeps_the_invariants(shape in shapes()) {
        let spec = Spec::generate(&shape);
        let text = spec.toml();
        let world = load(&text);
        check(&spec, &world).map_err(|e| TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}")))?;
    }
}
