//! The generated scenario: a [`Spec`] of populations, sites, migrations, flows, staff,
//! controls, timeline events, an optional ban and regulator, the [`Shape`] proptest chooses, and
//! the helpers the other modules share (dates, random subsets, names, approximate equality).

use chrono::NaiveDate;
use proptest::prelude::*;
use rand::Rng;
use regsim::model::CATEGORY_NAMES;

pub const JURS: [&str; 4] = ["A", "B", "C", "D"];
pub const CATS: [&str; 8] = CATEGORY_NAMES;
pub const DEFAULT_WEIGHTS_SUM: f64 = 1.0 + 1.0 + 1.0 + 2.0 + 0.5 + 0.1 + 2.0 + 3.0;
pub const DAYS_PER_YEAR: f64 = 365.25;
pub const REPLICATIONS: u64 = 3;

pub fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

pub fn date(day: u32) -> String {
    (start_date() + chrono::Days::new(day as u64)).to_string()
}

/// A distribution as written, with the bounds of its support where it has them.
#[derive(Debug, Clone)]
pub enum Dist {
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
    pub fn draw(rng: &mut impl Rng, scale: f64) -> Dist {
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

    pub fn toml(&self) -> String {
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
pub enum Online {
    Start,
    Field(u32),
    Event(u32),
}

impl Online {
    pub fn day(self) -> u32 {
        match self {
            Online::Start => 0,
            Online::Field(d) | Online::Event(d) => d,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pop {
    pub users: f64,
    pub growth: f64,
    pub mb: f64,
    pub enclave: Vec<usize>,
    pub restricted: Vec<usize>,
    /// (site, share); shares sum to 1.
    pub placement: Vec<(usize, f64)>,
    pub revenue: f64,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub jur: usize,
    pub online: Online,
    pub capacity: f64,
    pub capex: f64,
    pub opex: f64,
}

#[derive(Debug, Clone)]
pub struct Migration {
    pub pop: usize,
    pub start: u32,
    /// Written `from`; empty = every site not in `to`, in name order.
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    pub rate: f64,
    pub cost_per_pb: f64,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub pop: usize,
    pub to: usize,
    pub pb: f64,
    pub start: Option<u32>,
    pub end: Option<u32>,
    pub gateway: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Staff {
    pub jur: usize,
    pub headcount: f64,
    pub sessions: Dist,
    pub records: Dist,
    pub pops: Vec<usize>,
    pub cats: Vec<usize>,
    pub misuse: f64,
}

#[derive(Debug, Clone)]
pub enum ControlKind {
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
pub struct Control {
    pub kind: ControlKind,
    pub start: Option<u32>,
    pub end: Option<u32>,
    pub staff_jurs: Vec<usize>,
    pub staff: Vec<usize>,
    pub pops: Vec<usize>,
    pub annual_cost: f64,
}

#[derive(Debug, Clone)]
pub enum EventKind {
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
pub struct Event {
    pub day: u32,
    pub kind: EventKind,
    pub probability: Option<f64>,
    pub delay: Option<Dist>,
}

impl Event {
    pub fn certain(&self) -> bool {
        self.probability.is_none() && self.delay.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Ban {
    pub pop: usize,
    pub churn: Dist,
    pub residual: (f64, f64),
    pub returning: Option<Dist>,
}

#[derive(Debug, Clone)]
pub struct Regulator {
    /// A deny control the `fined` state orders on, if any.
    pub order: Option<usize>,
    pub penalty: f64,
    pub per_year: [f64; 3],
    pub drivers: [f64; 3],
    pub max_share: f64,
    pub max_floor: f64,
}

/// The three states of the generated regulator, in name order.
pub const REG_STATES: [&str; 3] = ["calm", "fined", "probe"];

#[derive(Debug, Clone)]
pub struct Spec {
    pub days: u32,
    pub seed: u64,
    pub discount_rate: f64,
    pub turnover: f64,
    pub pops: Vec<Pop>,
    pub sites: Vec<Site>,
    pub migrations: Vec<Migration>,
    pub flows: Vec<Flow>,
    pub staff: Vec<Staff>,
    pub controls: Vec<Control>,
    pub events: Vec<Event>,
    pub ban: Option<Ban>,
    pub regulator: Option<Regulator>,
}

/// Sizes chosen by proptest (so that shrinking makes scenarios smaller); everything else is drawn
/// from `seed`.
#[derive(Debug, Clone)]
pub struct Shape {
    pub pops: usize,
    pub sites: usize,
    pub staff: usize,
    pub controls: usize,
    pub migrations: usize,
    pub flows: usize,
    pub events: usize,
    pub ban: bool,
    pub regulator: bool,
    pub seed: u64,
}

pub fn shapes() -> impl Strategy<Value = Shape> {
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
pub fn subset(rng: &mut impl Rng, n: usize) -> Vec<usize> {
    loop {
        let v: Vec<usize> = (0..n).filter(|_| rng.random_bool(0.5)).collect();
        if !v.is_empty() {
            return v;
        }
    }
}

/// A possibly empty random subset of `items`.
pub fn maybe_subset(rng: &mut impl Rng, items: &[usize]) -> Vec<usize> {
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

pub fn names(prefix: &str, v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|i| format!("\"{prefix}{i}\"")).collect();
    format!("[{}]", items.join(", "))
}

pub fn jurs(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|&i| format!("\"{}\"", JURS[i])).collect();
    format!("[{}]", items.join(", "))
}

pub fn cats(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|&i| format!("\"{}\"", CATS[i])).collect();
    format!("[{}]", items.join(", "))
}

/// `a` and `b` equal within a relative `1e-9` (absolute near 0).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-6)
}
