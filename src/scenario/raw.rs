//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Nothing here is interpreted. Names stay strings, dates stay strings, distributions stay as
//! written; [`crate::scenario::build`] turns a [`RawScenario`] into a [`crate::model::World`].
//! Every struct denies unknown fields so a typo is an error, not a silently ignored key. The same
//! types generate the JSON Schema (`regsim schema`) and print the resolved scenario
//! (`regsim explain`), so documentation, schema and parser cannot drift apart.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::{RawDate, RawDist};

/// Default replications when neither the scenario nor `--replications` says.
pub const DEFAULT_REPLICATIONS: u32 = 1000;

fn default_seed() -> u64 {
    1
}
fn default_currency() -> String {
    "EUR".to_string()
}
fn default_discount_rate() -> f64 {
    0.0
}

/// A whole scenario: the world regsim replays.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario files (relative to this one) whose fields this file overrides: a name or a list
    /// of names, merged left to right. Entity tables merge field by field; a field's value
    /// (number, string, array, distribution table) replaces whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<RawExtends>,
    /// Folder name of the outputs. Letters, digits, `_`, `-`, `.`; default: the file name
    /// without `.toml`. Not inherited through `extends`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One line on what the scenario is; shown in reports.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// First simulated day, `"YYYY-MM-DD"`.
    pub start: RawDate,
    /// Last simulated day (inclusive), `"YYYY-MM-DD"`.
    pub end: RawDate,
    /// Scenario seed; replication r of seed s always draws the same numbers.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Replications when `--replications` is not given (default 1000; 1 to 10,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u64>,
    /// Currency and discounting.
    #[serde(default)]
    pub finance: RawFinance,
    /// Sensitivity weight per data category (see the data-category table in the docs).
    #[serde(default)]
    pub category_weights: RawCategoryWeights,
    /// Protected user populations, by name.
    #[serde(default)]
    pub population: BTreeMap<String, RawPopulation>,
    /// Data centres, by name.
    #[serde(default)]
    pub site: BTreeMap<String, RawSite>,
    /// Moves of a population's data between sites, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub migration: BTreeMap<String, RawMigration>,
    /// Recurring transfers of a population's data to another jurisdiction, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flow: BTreeMap<String, RawFlow>,
    /// Groups of people who read user data, by name.
    #[serde(default)]
    pub staff: BTreeMap<String, RawStaff>,
    /// Policy mechanisms between staff and data, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub control: BTreeMap<String, RawControl>,
    /// Regulators as stochastic processes, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regulator: BTreeMap<String, RawRegulator>,
    /// App bans, started and ended by timeline events, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ban: BTreeMap<String, RawBan>,
    /// Ownership changes (divestitures), started by timeline events, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ownership: BTreeMap<String, RawOwnership>,
    /// Branching decisions (divest | ban | extend), started by timeline events, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decision: BTreeMap<String, RawDecision>,
    /// Dated changes to the world.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<RawTimelineEvent>,
    /// Checks on the results (`[[expect]]`): `regsim run` exits with code 3 when one fails,
    /// after writing every output, and writes `expectations.json` and `junit.xml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<RawExpect>,
}

/// A statistic of a metric across replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawStat {
    Mean,
    Sd,
    P5,
    P50,
    P95,
    Min,
    Max,
    Ci95Lo,
    Ci95Hi,
}

impl RawStat {
    /// The name as written in TOML and reports.
    pub fn name(self) -> &'static str {
        match self {
            RawStat::Mean => "mean",
            RawStat::Sd => "sd",
            RawStat::P5 => "p5",
            RawStat::P50 => "p50",
            RawStat::P95 => "p95",
            RawStat::Min => "min",
            RawStat::Max => "max",
            RawStat::Ci95Lo => "ci95_lo",
            RawStat::Ci95Hi => "ci95_hi",
        }
    }
}

/// One check on a result: `stat` of `metric` must lie in [`min`, `max`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// A metric name, e.g. `exposure.records_visible`.
    pub metric: String,
    /// Which statistic across replications (default `mean`).
    #[serde(default = "default_stat")]
    pub stat: RawStat,
    /// Lowest acceptable value (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Highest acceptable value (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Sweep files only: check only the points whose parameters (by path) have these values or
    /// lie in these ranges, e.g. `{ "staff.cn_engineering.headcount" = 300 }`.
    #[serde(default, rename = "where", skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, RawWhere>,
}

fn default_stat() -> RawStat {
    RawStat::Mean
}

/// A filter on one sweep parameter: a value, or a range.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawWhere {
    Value(f64),
    Range {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

impl RawWhere {
    /// Whether `v` passes the filter (a value matches within a relative 1e-9).
    pub fn matches(&self, v: f64) -> bool {
        match self {
            RawWhere::Value(x) => (v - x).abs() <= 1e-9 * x.abs().max(v.abs()).max(1e-300),
            RawWhere::Range { min, max } => {
                min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
            }
        }
    }
}

/// One base scenario file or several.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawExtends {
    One(String),
    Many(Vec<String>),
}

/// Currency and discounting.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFinance {
    /// Currency of every money amount in the scenario (a label: EUR, USD, ...).
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Annual discount rate for `cost.total_npv` (0.05 = 5% a year), discounting from `start`.
    #[serde(default = "default_discount_rate")]
    pub discount_rate: f64,
    /// Value of one unit of another currency in `currency` (e.g. `{ USD = 0.92 }` when
    /// `currency = "EUR"`), for tables that set their own `currency`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exchange_rates: BTreeMap<String, f64>,
    /// Worldwide group turnover per year on known dates (for %-of-turnover fines),
    /// interpolated linearly; flat before the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turnover: Vec<RawAmountAt>,
    /// Annual growth of turnover after the last known value.
    #[serde(default)]
    pub turnover_growth: f64,
    /// Currency of `turnover` amounts (default: `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnover_currency: Option<String>,
}

/// An amount on a date.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAmountAt {
    pub date: RawDate,
    pub amount: f64,
}

impl Default for RawFinance {
    fn default() -> Self {
        RawFinance {
            currency: default_currency(),
            discount_rate: default_discount_rate(),
            exchange_rates: BTreeMap::new(),
            turnover: Vec::new(),
            turnover_growth: 0.0,
            turnover_currency: None,
        }
    }
}

/// Sensitivity weight per data category, used by `exposure.score`. Categories left out keep
/// their default weight.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawCategoryWeights {
    pub identifiers: f64,
    pub contact: f64,
    pub network: f64,
    pub location: f64,
    pub behavioural: f64,
    pub content_public: f64,
    pub content_private: f64,
    pub financial: f64,
}

impl Default for RawCategoryWeights {
    fn default() -> Self {
        RawCategoryWeights {
            identifiers: 1.0,
            contact: 1.0,
            network: 1.0,
            location: 2.0,
            behavioural: 0.5,
            content_public: 0.1,
            content_private: 2.0,
            financial: 3.0,
        }
    }
}

/// A known user count on a date.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUserCount {
    pub date: RawDate,
    pub users: f64,
}

/// Users whose data a regime protects.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Jurisdiction the users live in (informational label).
    pub home: String,
    /// Jurisdictions where this population's data may reside.
    pub enclave: Vec<String>,
    /// Jurisdictions whose staff reading this data counts as exposure.
    #[serde(default)]
    pub restricted: Vec<String>,
    /// Users at `start` when no `user_counts` are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<f64>,
    /// Dated known user counts, interpolated linearly; flat before the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_counts: Vec<RawUserCount>,
    /// Annual compound growth applied after the last known count (or from `start`).
    #[serde(default)]
    pub growth: f64,
    /// Protected data per user, in megabytes (1 PB = 1e9 MB).
    pub data_per_user_mb: f64,
    /// Share of the data held at each site at `start`; shares sum to 1.
    pub placement: BTreeMap<String, f64>,
    /// Revenue per active user per year (lost for users a ban drives away, and during outages).
    #[serde(default)]
    pub revenue_per_user_year: f64,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A data centre.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Jurisdiction the site is in.
    pub jurisdiction: String,
    /// Date the site goes live; without it (and without a `site_online` event) it is live from `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<RawDate>,
    /// Storage capacity in PB available to protected data.
    pub capacity_pb: f64,
    /// One-off cost booked on the day the site goes live (on `start` for a site live from the
    /// beginning: leave it 0 for sites already built).
    #[serde(default)]
    pub capex: f64,
    /// Running cost per year while live.
    #[serde(default)]
    pub opex_per_year: f64,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Moves a population's data from some sites to others.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMigration {
    /// Population whose data moves.
    pub population: String,
    /// First day of moving.
    pub start: RawDate,
    /// Source sites, emptied in order; default: every site not in `to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// Target sites, filled in order as they come online and have room.
    pub to: Vec<String>,
    /// PB moved per day; drawn once per replication.
    pub rate_pb_per_day: RawDist,
    /// Cost per PB moved.
    #[serde(default)]
    pub cost_per_pb: f64,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A recurring transfer of a population's data to a jurisdiction.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    pub population: String,
    /// Destination jurisdiction.
    pub to: String,
    /// PB sent per day while active; drawn once per replication.
    pub pb_per_day: RawDist,
    /// Data categories carried (checked and kept for reports; the volume counts whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<RawDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<RawDate>,
    /// A `gateway` control the flow passes through; while it is on and covers the flow's
    /// population, only its `flow_pass_share` of the volume leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

/// People who read user data.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStaff {
    /// Jurisdiction the staff work from.
    pub jurisdiction: String,
    /// Headcount at `start`; `headcount` timeline events change it.
    pub headcount: f64,
    /// Access sessions per person per day (Poisson arrivals); drawn once per replication.
    pub sessions_per_person_day: RawDist,
    /// Records read per session; drawn per session.
    pub records_per_session: RawDist,
    /// Populations whose data the group reads; sessions split by active users.
    pub populations: Vec<String>,
    /// Data categories the group reads.
    pub categories: Vec<String>,
    /// Share of sessions that are misuse (outside an approved purpose).
    #[serde(default)]
    pub misuse_share: f64,
}

/// The kind of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawControlKind {
    /// Blocks every matching session.
    Deny,
    /// Pseudonymises the `masks` categories of matching sessions and flows.
    Gateway,
    /// A review queue every matching session waits in.
    Approval,
    /// An independent monitor that detects misuse.
    Monitor,
}

/// A policy mechanism between staff and data. Which fields apply depends on `kind`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawControl {
    pub kind: RawControlKind,
    /// First day active; without it (and without a `control_on` event) active from `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<RawDate>,
    /// Last day active (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<RawDate>,
    /// Staff jurisdictions it applies to; empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_jurisdictions: Vec<String>,
    /// Staff groups it applies to; empty = every group in `staff_jurisdictions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<String>,
    /// Populations it applies to; empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<String>,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Running cost per year while active (`cost.monitoring` for monitors, else `cost.compliance`).
    #[serde(default)]
    pub annual_cost: f64,
    /// gateway: categories pseudonymised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masks: Vec<String>,
    /// gateway: probability a masked record can be re-identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reid_probability: Option<f64>,
    /// gateway: share of a flow's volume let out of the enclave (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_pass_share: Option<f64>,
    /// approval: reviewers working in parallel (servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewers: Option<u32>,
    /// approval: review time in days, per request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_days: Option<RawDist>,
    /// approval: probability a reviewed request is approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_probability: Option<f64>,
    /// approval: how long a requester waits before giving up, in days; none = forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience_days: Option<RawDist>,
    /// monitor: probability a misuse session is detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_probability: Option<f64>,
    /// monitor: delay from misuse to detection, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_delay_days: Option<RawDist>,
}

/// What a timeline event changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawEventKind {
    /// `site` goes live.
    SiteOnline,
    /// `control` switches on.
    ControlOn,
    /// `control` switches off.
    ControlOff,
    /// `staff` headcount becomes `headcount`.
    Headcount,
    /// `ban` starts: its population can no longer use the app.
    BanStart,
    /// `ban` ends.
    BanEnd,
    /// The app is dark for `population` for `hours` (revenue lost, no churn).
    Outage,
    /// `ownership` change takes place.
    OwnershipChange,
    /// `regulator` enters `state` (known history); with `fine`, that amount is imposed.
    RegulatorState,
    /// `decision` is taken: one of its outcomes is drawn.
    Decide,
}

/// A dated change to the world. Which of the name fields it needs depends on `kind`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTimelineEvent {
    pub date: RawDate,
    pub kind: RawEventKind,
    /// Chance the event happens at all in a replication (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// A random delay in days added to `date` (rounded to whole days; past `end` = never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_days: Option<RawDist>,
    /// Short text for reports and charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headcount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// With `regulator_state`: a fine imposed on entering the state (known history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// What an outcome of a decision does, some days after the decision.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub kind: RawEventKind,
    /// Days after the decision (default 0; a distribution, rounded to whole days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_days: Option<RawDist>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headcount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// With `regulator_state`: a fine imposed on entering the state (known history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// A branching decision: when a `decide` event fires, one outcome is drawn by probability.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    /// The outcomes; probabilities sum to 1.
    pub outcome: Vec<RawOutcome>,
    /// Most times an `extend_days` outcome can be drawn; after that the other outcomes are
    /// drawn with their probabilities renormalised (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_extensions: Option<u32>,
}

/// One outcome of a decision.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    /// Short text for reports (e.g. "divest", "ban", "extend").
    pub label: String,
    pub probability: f64,
    /// Actions taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<RawAction>,
    /// Decide again after this many days (an extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extend_days: Option<RawDist>,
}

/// An app ban on one population.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBan {
    pub population: String,
    /// Hazard per year at which active users leave while banned; drawn once per replication.
    pub churn_per_year: RawDist,
    /// Share of users who stay while banned (VPN, installed apps); drawn once per replication.
    pub residual_share: RawDist,
    /// Hazard per year at which lost users come back after the ban ends (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_per_year: Option<RawDist>,
}

/// A change of ownership (divestiture).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOwnership {
    /// Staff groups that lose access after the transition.
    pub staff: Vec<String>,
    /// Days from the change until access is cut; drawn once per replication (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_days: Option<RawDist>,
    /// Share of those groups' sessions that continue afterwards (businesses the seller keeps).
    #[serde(default)]
    pub residual_access: f64,
    /// One-off cost on the day of the change (separation engineering, algorithm licensing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_cost: Option<RawDist>,
    /// Recurring cost per year from the change (oversight fees).
    #[serde(default)]
    pub cost_per_year: f64,
    /// Discount on the sale price against fair value, booked as a cost on the day of the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_discount: Option<RawDist>,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A regulator: a continuous-time Markov chain over named states, stepped daily.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegulator {
    /// Populations whose exposure and residency drive this regulator (empty = all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<String>,
    /// State at `start`.
    pub initial: String,
    /// States, by name.
    pub state: BTreeMap<String, RawRegState>,
    /// Transitions with base hazards per year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transition: Vec<RawTransition>,
    /// Until this date only `regulator_state` timeline events move the regulator (known
    /// history); from it on, transitions are drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_until: Option<RawDate>,
    /// How fines are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<RawFine>,
    /// Hazard multiplier: every hazard is multiplied by 1 + Σ coefficient × driver.
    #[serde(default)]
    pub drivers: RawDrivers,
}

/// A regulator state and what entering it does.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegState {
    /// Entering counts as opening proceedings (`regulatory.proceedings`).
    #[serde(default)]
    pub proceedings: bool,
    /// Entering imposes a fine (`regulatory.fines`, `cost.fines`).
    #[serde(default)]
    pub fine: bool,
    /// While in the state, a periodic penalty of this share of average daily turnover per day.
    #[serde(default)]
    pub penalty_share_of_daily_turnover: f64,
    /// Controls switched on some days after entering (compliance orders).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<RawOrder>,
    /// Report the day of first entry as `regulatory.<regulator>.<state>.first_day`.
    #[serde(default)]
    pub milestone: bool,
}

/// A compliance order: switch a control on some days after a decision.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOrder {
    pub control: String,
    /// Days to comply (default 0).
    #[serde(default)]
    pub after_days: f64,
}

/// A transition between regulator states.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransition {
    pub from: String,
    pub to: String,
    /// Base hazard per year.
    pub per_year: f64,
}

/// How a regulator sets fines: EDPB method by default.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFine {
    /// Legal maximum as a share of worldwide annual turnover (GDPR 0.04, DSA 0.06).
    pub max_share_of_turnover: f64,
    /// Legal maximum floor (GDPR: EUR 20 M "whichever is higher"; default 0).
    #[serde(default)]
    pub max_floor: f64,
    /// Probabilities of low, medium and high seriousness (starting amount 0–10%, 10–20%,
    /// 20–100% of the legal maximum); sum to 1. Default [0.4, 0.4, 0.2].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seriousness: Option<[f64; 3]>,
    /// Aggravating / mitigating factor on the starting amount (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<RawDist>,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// What raises a regulator's hazards.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDrivers {
    /// Per incident detected in the last 365 days.
    #[serde(default)]
    pub detected_incidents: f64,
    /// Per million records read visibly or re-identifiably in the last 365 days.
    #[serde(default)]
    pub records_millions: f64,
    /// Per PB of protected data outside its enclave today.
    #[serde(default)]
    pub pb_outside: f64,
}
