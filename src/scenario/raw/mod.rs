//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Nothing here is interpreted. Names stay strings, dates stay strings, distributions stay as
//! written; [`crate::scenario::build`] turns a [`RawScenario`] into a [`crate::model::World`].
//! Every struct denies unknown fields so a typo is an error, not a silently ignored key. The same
//! types generate the JSON Schema (`regsim schema`) and print the resolved scenario
//! (`regsim explain`), so documentation, schema and parser cannot drift apart.
//!
//! This module holds the top level (`RawScenario`, `[[expect]]`, `extends`, `[finance]`,
//! `[category_weights]`); the entity blocks are in `entities.rs`, the regime blocks in
//! `regime.rs` and the exposure channels in `channels.rs`, all re-exported here.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dist::RawDate;

mod channels;
mod entities;
mod regime;

pub use channels::*;
pub use entities::*;
pub use regime::*;

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
    /// Name of the scenario this one is compared with: when both run together (same seed and
    /// replications), `regsim run` writes `versus_<baseline>.csv`, their paired differences.
    /// Not inherited through `extends`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
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
    /// Replications in blocks until the named metrics' 95% intervals are narrow enough, instead
    /// of a fixed `replications` (see `regsim run --precision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<RawPrecision>,
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
    /// Compelled-access events (a restricted jurisdiction's authorities take data), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compelled_access: BTreeMap<String, RawCompelledAccess>,
    /// Dated changes to the world.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<RawTimelineEvent>,
    /// Checks on the results (`[[expect]]`): `regsim run` exits with code 3 when one fails,
    /// after writing every output, and writes `expectations.json` and `junit.xml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<RawExpect>,
}

/// `[precision]`: run replications in blocks until every named metric's 95% interval of the
/// mean has a half-width within `rel` of |mean|, or within its absolute target.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrecision {
    /// Largest half-width of the 95% interval as a share of |mean| (0.05: ±5%); needed unless
    /// every metric has an `abs` target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<f64>,
    /// Metrics measured (default: the keys of `abs`, else `cost.total`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
    /// Absolute half-width targets per metric, in the metric's unit: met when either the
    /// relative or the absolute target is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub abs: BTreeMap<String, f64>,
    /// Replications per block: the targets are checked after each (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<u64>,
    /// Most replications run, target met or not (default 100,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replications: Option<u64>,
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
    P1,
    P99,
    Es95,
    Es99,
    PPositive,
    PPositiveCi95Lo,
    PPositiveCi95Hi,
    MeanPositive,
    /// A milestone's share of replications that reached it by the horizon.
    PReached,
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
            RawStat::P1 => "p1",
            RawStat::P99 => "p99",
            RawStat::Es95 => "es95",
            RawStat::Es99 => "es99",
            RawStat::PPositive => "p_positive",
            RawStat::PPositiveCi95Lo => "p_positive_ci95_lo",
            RawStat::PPositiveCi95Hi => "p_positive_ci95_hi",
            RawStat::MeanPositive => "mean_positive",
            RawStat::PReached => "p_reached",
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
    /// Currency that comparisons across scenarios convert money into (`comparison.csv`, the
    /// comparison charts, `index.html`), through `exchange_rates`; this scenario's own outputs
    /// stay in `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_currency: Option<String>,
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
            report_currency: None,
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
