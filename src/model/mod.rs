//! The built world: every entity referenced by index, every distribution ready to sample.
//!
//! A [`World`] is made only by [`crate::scenario::build`] from a validated scenario; nothing
//! downstream sees a name it must look up or an `Option` it must re-check. Names are kept only
//! for output labels. Dated changes (site go-live, control on/off, headcount) are all
//! [`TimelineEvent`]s sorted by day, so later kinds of event (regulators, bans, ownership
//! changes) slot into the same list.
//!
//! Money amounts (and margins) are [`Drawn`] quantities: each entity holds the index of its
//! amount in [`World::drawn`], and the engine draws every one once per replication from a stream
//! keyed by its parameter path, so an overrun written on one site leaves every other draw as it was.

pub mod case;
pub mod dist;
pub mod fine;
pub mod samplers;
pub mod time;

pub use case::{Infringement, Opening};
pub use dist::Dist;
pub use fine::FineModel;
pub use time::Calendar;

/// The data categories, in the order of their bits in a [`CategorySet`].
pub const CATEGORY_NAMES: [&str; 8] = [
    "identifiers",
    "contact",
    "network",
    "location",
    "behavioural",
    "content_public",
    "content_private",
    "financial",
];

/// A set of data categories as bits (bit i = `CATEGORY_NAMES[i]`).
pub type CategorySet = u8;

/// Direct identifiers: identifiers, contact, network.
pub const DIRECT_IDENTIFIERS: CategorySet = 0b0000_0111;
/// The `identifiers` category alone.
pub const IDENTIFIERS: CategorySet = 0b0000_0001;

/// Index of a jurisdiction in [`World::jurisdictions`].
pub type Jur = usize;

/// A yes/no per jurisdiction.
pub type JurSet = Vec<bool>;

/// The whole scenario, built.
#[derive(Debug, Clone)]
pub struct World {
    pub name: String,
    pub description: String,
    /// The scenario this one is compared with (paired differences), by name.
    pub baseline: Option<String>,
    pub seed: u64,
    pub replications: u32,
    /// Replications until intervals are narrow enough (`[precision]`, `--precision`), instead
    /// of `replications` (which is then the most it may take); set once the layout is known.
    pub precision: Option<crate::precision::Precision>,
    pub calendar: Calendar,
    pub currency: String,
    /// `finance.report_currency` and the factor that converts this scenario's money into it.
    pub report_currency: Option<(String, f64)>,
    pub discount_rate: f64,
    /// Sensitivity weight per category, indexed like [`CATEGORY_NAMES`].
    pub weights: [f64; 8],
    /// Jurisdiction codes; entities refer to them by index.
    pub jurisdictions: Vec<String>,
    pub populations: Vec<Population>,
    pub sites: Vec<Site>,
    pub migrations: Vec<Migration>,
    pub flows: Vec<Flow>,
    pub staff: Vec<StaffGroup>,
    pub controls: Vec<Control>,
    /// Dated changes, sorted by day; same-day events keep their order of writing.
    pub timeline: Vec<TimelineEvent>,
    /// One chain per regulator case (a regulator without cases is one chain), by regulator
    /// then case name.
    pub regulators: Vec<Regulator>,
    /// The regulators' names, indexed by [`Regulator::group`].
    pub regulator_names: Vec<String>,
    pub bans: Vec<Ban>,
    pub ownerships: Vec<Ownership>,
    pub decisions: Vec<Decision>,
    /// Compelled-access events: a restricted jurisdiction's authorities take a share of the
    /// data held in or readable from it.
    pub compelled: Vec<CompelledAccess>,
    /// Quantities drawn once per replication, each from its own stream keyed by its path:
    /// every money amount of the entities above (in their currency-converted form) and margins.
    pub drawn: Vec<Drawn>,
    /// Worldwide annual group turnover on each day (0 when not given).
    pub turnover_by_day: Vec<f64>,
    /// Which controls are on at day 0 (before the first timeline event runs).
    pub controls_on_at_start: Vec<bool>,
    /// Which sites are live at day 0.
    pub sites_online_at_start: Vec<bool>,
}

/// Index of a quantity in [`World::drawn`].
pub type DrawnId = usize;

/// A quantity drawn once per replication: a money amount (a number or a distribution — an
/// overrun) or a share. `path` is its parameter path (`site.kouvola.capex`), which keys its
/// random stream and names its column in `inputs.csv` when it is uncertain.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub path: String,
    pub dist: Dist,
}

impl Drawn {
    /// Whether a replication's draw can differ from another's.
    pub fn is_uncertain(&self) -> bool {
        !matches!(self.dist, Dist::Constant(_))
    }
}

/// Users whose data a regime protects.
#[derive(Debug, Clone)]
pub struct Population {
    pub name: String,
    pub enclave: JurSet,
    pub restricted: JurSet,
    /// Active users on each day of the horizon.
    pub users_by_day: Vec<f64>,
    /// Protected data per user, PB.
    pub pb_per_user: f64,
    /// Initial share of data per site, indexed by site.
    pub placement: Vec<f64>,
    /// Revenue per active user per year.
    pub revenue_per_user_year: DrawnId,
    /// Share of lost revenue that is lost margin; `None`: the whole revenue is lost.
    pub margin: Option<DrawnId>,
}

impl Population {
    /// Protected data volume (PB) on a day.
    #[inline]
    pub fn volume_pb(&self, day: usize) -> f64 {
        self.users_by_day[day] * self.pb_per_user
    }
}

/// A data centre.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub jurisdiction: Jur,
    pub capacity_pb: f64,
    /// One-off cost on going live.
    pub capex: DrawnId,
    /// Recurring cost per year while live.
    pub opex_per_year: DrawnId,
    /// Cost per PB-month of data held.
    pub cost_per_pb_month: DrawnId,
    /// Cost per PB moved in or out by a migration.
    pub cost_per_pb_moved: DrawnId,
    /// A leased site: `capex` spread evenly over this many days from go-live; `None`: booked
    /// whole at go-live.
    pub lease_days: Option<f64>,
    /// From this day the site takes no more data, and retires once it holds none.
    pub decommission_day: Option<u32>,
    /// Its costs were committed before the regime.
    pub committed: bool,
}

/// A move of one population's data.
#[derive(Debug, Clone)]
pub struct Migration {
    pub name: String,
    pub population: usize,
    pub start_day: u32,
    /// Sites emptied, in order.
    pub from: Vec<usize>,
    /// Sites filled, in order.
    pub to: Vec<usize>,
    /// PB per day, drawn once per replication.
    pub rate_pb_per_day: Dist,
    /// One-off cost per PB moved.
    pub cost_per_pb: DrawnId,
    /// Its costs were committed before the regime.
    pub committed: bool,
}

/// A recurring transfer.
#[derive(Debug, Clone)]
pub struct Flow {
    pub name: String,
    pub population: usize,
    pub to: Jur,
    /// PB per day, drawn once per replication.
    pub pb_per_day: Dist,
    pub start_day: u32,
    /// Last active day (inclusive).
    pub end_day: u32,
    /// A gateway control the flow passes through.
    pub gateway: Option<usize>,
}

/// People who read user data.
#[derive(Debug, Clone)]
pub struct StaffGroup {
    pub name: String,
    pub jurisdiction: Jur,
    pub headcount: f64,
    /// Sessions per person-day, drawn once per replication.
    pub sessions_per_person_day: Dist,
    /// Records per session, drawn per session.
    pub records_per_session: Dist,
    pub populations: Vec<usize>,
    pub categories: CategorySet,
    pub misuse_share: f64,
}

/// What a control does.
#[derive(Debug, Clone)]
pub enum ControlKind {
    /// Blocks matching sessions.
    Deny,
    /// Pseudonymises `masks`; a masked record is re-identifiable with `reid_probability`.
    Gateway {
        masks: CategorySet,
        reid_probability: f64,
        flow_pass_share: f64,
    },
    /// A multi-server review queue.
    Approval {
        reviewers: u32,
        review_days: Dist,
        approval_probability: f64,
        /// None: requesters wait forever.
        patience_days: Option<Dist>,
    },
    /// Detects misuse with a probability after a delay.
    Monitor {
        detect_probability: f64,
        detection_delay_days: Dist,
    },
}

/// A policy mechanism for some staff jurisdictions and populations.
#[derive(Debug, Clone)]
pub struct Control {
    pub name: String,
    pub kind: ControlKind,
    /// Applies to staff in these jurisdictions.
    pub staff_jurisdictions: JurSet,
    /// Applies to these staff groups (indexed by group).
    pub staff: Vec<bool>,
    /// Applies to these populations (indexed by population).
    pub populations: Vec<bool>,
    /// Recurring cost per year while on.
    pub annual_cost: DrawnId,
    /// Its cost was committed before the regime.
    pub committed: bool,
    /// Deny and approval controls: the cost of each session blocked, and of each day a request
    /// waits for its decision (`cost.lost_work`).
    pub cost_per_blocked_session: Option<DrawnId>,
    pub cost_per_delay_day: Option<DrawnId>,
}

impl Control {
    /// Whether the control covers staff group `group` (working from `jur`) reading `pop`.
    #[inline]
    pub fn covers(&self, group: usize, jur: Jur, pop: usize) -> bool {
        self.staff[group] && self.staff_jurisdictions[jur] && self.populations[pop]
    }
}

/// A dated change: an action on a day, possibly uncertain.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub day: u32,
    pub action: Action,
    /// Text for reports and charts.
    pub label: String,
    /// Chance the event happens in a replication.
    pub probability: f64,
    /// Random delay in days added to `day` (rounded), drawn per replication.
    pub delay_days: Option<Dist>,
}

/// Something that changes the world.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    SiteOnline(usize),
    ControlOn(usize),
    ControlOff(usize),
    Headcount {
        staff: usize,
        headcount: f64,
    },
    BanStart(usize),
    BanEnd(usize),
    Outage {
        population: usize,
        hours: f64,
    },
    Ownership(usize),
    /// A regulator enters a state; `fine` overrides the drawn fine (known history);
    /// `appealed`: a later `appeal` event of the timeline appeals this decision, so its fine
    /// waits for the courts from today.
    RegulatorState {
        regulator: usize,
        state: usize,
        fine: Option<f64>,
        appealed: bool,
    },
    /// The regulator's latest decision in `state` is appealed (known history).
    Appeal {
        regulator: usize,
        state: usize,
    },
    /// The court decides the pending appeal of the regulator's decision in `state` (known
    /// history).
    Judgment {
        regulator: usize,
        state: usize,
        verdict: Verdict,
    },
    Decide(usize),
}

/// A branching decision.
#[derive(Debug, Clone)]
pub struct Decision {
    pub name: String,
    pub outcomes: Vec<Outcome>,
    pub max_extensions: u32,
}

/// One outcome of a decision.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub label: String,
    pub probability: f64,
    /// Actions and their delays in days after the decision.
    pub actions: Vec<(Dist, Action)>,
    /// Decide again after this many days.
    pub extend_days: Option<Dist>,
}

/// An app ban.
#[derive(Debug, Clone)]
pub struct Ban {
    pub name: String,
    pub population: usize,
    pub churn_per_year: Dist,
    pub residual_share: Dist,
    pub return_per_year: Dist,
}

/// A change of ownership.
#[derive(Debug, Clone)]
pub struct Ownership {
    pub name: String,
    /// Staff groups cut off after the transition.
    pub staff: Vec<usize>,
    /// Staff groups without access until the transition ends, in full access after it.
    pub successor_staff: Vec<usize>,
    pub transition_days: Dist,
    pub residual_access: f64,
    pub one_off_cost: DrawnId,
    pub cost_per_year: DrawnId,
    pub sale_discount: DrawnId,
    /// The population whose revenue the functions that change hands earn, with their share of
    /// it, the share of their profit the seller keeps and the licence fee it is paid.
    pub profit: Option<ProfitGivenUp>,
    /// Its costs were committed before the regime.
    pub committed: bool,
}

/// What a seller gives up each day after an ownership change: its lost share of the profit of
/// the functions sold, less that share of the licence fee the buyer pays it out of that profit.
#[derive(Debug, Clone, Copy)]
pub struct ProfitGivenUp {
    pub population: usize,
    pub revenue_share: DrawnId,
    pub retained_share: DrawnId,
    pub licence_fee_per_year: DrawnId,
}

/// A compelled-access event: the authorities of `jurisdiction` compel access to the data of
/// `populations` (those that restrict it) held at its sites or readable from it. It happens on
/// `date_day` with `probability`, and at `per_year` from `start_day` to `end_day` (a Poisson
/// process); each occurrence exposes `share` of that data, as `records_per_user` records per user.
#[derive(Debug, Clone)]
pub struct CompelledAccess {
    pub name: String,
    pub jurisdiction: Jur,
    /// Populations whose data it reaches (indexed by population): those named (default all)
    /// that list `jurisdiction` as restricted.
    pub populations: Vec<bool>,
    pub date_day: Option<u32>,
    /// Chance of the dated occurrence, drawn once per replication.
    pub probability: DrawnId,
    /// Occurrences per year, drawn once per replication.
    pub per_year: DrawnId,
    /// First and last day (inclusive) of the hazard.
    pub start_day: u32,
    pub end_day: u32,
    /// Share of the reachable data an occurrence exposes, drawn once per replication.
    pub share: DrawnId,
    /// Records per user whose data is exposed, drawn once per replication.
    pub records_per_user: DrawnId,
}

/// One chain of a regulator: a case (a proceeding), or the regulator itself when it has no
/// cases; a Markov chain over states with hazards per year, stepped daily.
#[derive(Debug, Clone)]
pub struct Regulator {
    /// The regulator's name.
    pub name: String,
    /// The regulator's index in [`World::regulator_names`].
    pub group: usize,
    /// The case's name; `None`: the regulator has no cases.
    pub case: Option<String>,
    pub opening: Opening,
    /// The period its fines judge; `None`: the drivers on the fine's day.
    pub infringement: Option<Infringement>,
    /// Gravity added to every drawn fine (inaccurate information given to the regulator).
    pub inaccurate_information: f64,
    /// Populations whose exposure and residency drive it.
    pub populations: Vec<bool>,
    /// Staff groups whose detected misuse drives it.
    pub staff: Vec<bool>,
    pub initial: usize,
    pub states: Vec<RegState>,
    /// Outgoing transitions per state.
    pub transitions: Vec<Vec<Transition>>,
    /// Before this day only timeline events move the regulator.
    pub history_until_day: u32,
    pub fine: Option<FineModel>,
    /// Multiplies every hazard by 1 + Σ coefficient × driver.
    pub drivers: Drivers,
}

impl Regulator {
    /// The chain's name: the regulator's, or `regulator<sep>case` (`/` keys its random
    /// streams, `.` names its metrics).
    pub fn key(&self, sep: char) -> String {
        match &self.case {
            Some(c) => format!("{}{sep}{c}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A transition out of a regulator state.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub to: usize,
    /// Base hazard per year, drawn once per replication.
    pub per_year: DrawnId,
    /// Multiplies this hazard alone by 1 + Σ coefficient × driver: drivers that favour one exit
    /// over another change where a state leads, not only how fast.
    pub drivers: Drivers,
}

/// A regulator state.
#[derive(Debug, Clone)]
pub struct RegState {
    pub name: String,
    pub proceedings: bool,
    pub fine: bool,
    pub penalty_share_of_daily_turnover: f64,
    pub orders: Vec<Order>,
    pub milestone: bool,
    /// How its decisions (its fine and orders) are appealed, if they can be.
    pub appeal: Option<Appeal>,
}

/// How a court ends an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The fine is booked, the orders fall due afresh.
    Upheld = 0,
    /// Nothing is booked, the orders are void.
    Quashed = 1,
    /// The orders are void and the regulator decides again (enters `remit_to`).
    Remitted = 2,
    /// The fine × a drawn factor is booked, the orders fall due afresh.
    Reduced = 3,
}

impl Verdict {
    /// Every verdict, in the order of [`Appeal::per_year`].
    pub const ALL: [Verdict; 4] = [
        Verdict::Upheld,
        Verdict::Quashed,
        Verdict::Remitted,
        Verdict::Reduced,
    ];
    /// Their names as written in a file.
    pub const NAMES: [&'static str; 4] = ["upheld", "quashed", "remitted", "reduced"];
}

/// The appeal of a regulator state's decisions: lodged with `probability` from `history_until`
/// (before it, only by the timeline), it holds the fine until final and, with `stay`, the
/// orders; it ends in a verdict at hazards per year (independent competing risks).
#[derive(Debug, Clone)]
pub struct Appeal {
    /// Chance a decision is appealed, drawn once per replication.
    pub probability: DrawnId,
    /// The orders wait for the verdict.
    pub stay: bool,
    /// Hazard per year of each verdict, indexed like [`Verdict::ALL`], drawn once per
    /// replication.
    pub per_year: [DrawnId; 4],
    /// The state a remitted decision re-enters (required when `remitted` can happen).
    pub remit_to: Option<usize>,
    /// On remittal the fine stands, still under appeal on its amount alone (which ends upheld,
    /// quashed or reduced), and the re-entered state imposes no new fine.
    pub remit_keeps_fine: bool,
    /// The factor a reduced fine is multiplied by, drawn per appeal.
    pub reduced_factor: Dist,
}

/// An order issued on entering a state: complied with (its control on, its cost booked) or
/// refused (the regulator enters `refuse_state`, `refuse_ban` starts), drawn at the deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The control compliance switches on, if any.
    pub control: Option<usize>,
    /// Days to comply.
    pub after_days: f64,
    pub comply_probability: f64,
    /// One-off cost of complying (`cost.compliance`).
    pub compliance_cost: DrawnId,
    pub refuse_state: Option<usize>,
    /// The ban a refusal starts, if any (e.g. a court-ordered restriction of access).
    pub refuse_ban: Option<usize>,
}

/// What drives a regulator, in the order of [`Drivers`]' coefficients.
pub const DRIVER_NAMES: [&str; 8] = [
    "detected_incidents",
    "records_millions",
    "pb_outside",
    "pb_accessible",
    "users_millions",
    "exposure_years",
    "pb_restricted",
    "records_compelled_millions",
];

/// Coefficients per driver, indexed like [`DRIVER_NAMES`]:
/// incidents of the regulator's staff groups detected in the last 365 days; millions of records
/// read identifiably from a restricted jurisdiction in the last 365 days; PB stored outside the
/// enclave today; PB readable from a restricted jurisdiction today (masked data counted at its
/// re-identification probability); millions of distinct users read identifiably so far; years
/// with identifiable reads so far; PB held at sites in a restricted jurisdiction today; millions
/// of records exposed by compelled-access events so far.
pub type Drivers = [f64; 8];

/// Σ coefficient × driver.
#[inline]
pub fn weigh(coefficients: &Drivers, values: &Drivers) -> f64 {
    coefficients.iter().zip(values).map(|(c, v)| c * v).sum()
}
