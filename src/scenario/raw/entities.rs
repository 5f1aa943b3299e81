//! The raw blocks of the world itself: `[population.NAME]` (with dated user counts),
//! `[site.NAME]`, `[migration.NAME]`, `[flow.NAME]`, `[staff.NAME]` and `[control.NAME]`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::dist::{RawDate, RawDist};

/// The default of a money field: nothing.
pub(super) fn zero() -> RawDist {
    RawDist::Number(0.0)
}

/// The default of an `incremental` flag: a cost of the regime.
pub(super) fn yes() -> bool {
    true
}

/// How a site is held, which decides when its `capex` is booked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawTenure {
    /// Bought or built: `capex` is booked whole on the day the site goes live.
    #[default]
    Owned,
    /// Leased (co-location): `capex` is spread evenly over `lease_years` from go-live.
    Leased,
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
    /// Revenue per active user per year (lost for users a ban drives away, and during outages);
    /// a number or a distribution, drawn once per replication.
    #[serde(default = "zero")]
    pub revenue_per_user_year: RawDist,
    /// Share of lost revenue that is lost margin (costs saved with the users are not a loss);
    /// without it the whole revenue counts. A share in [0, 1] or a distribution within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<RawDist>,
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
    /// A random delay in days added to `online` (rounded to whole days; past `end` = never live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_days: Option<RawDist>,
    /// One-off cost booked on the day the site goes live (on `start` for a site live from the
    /// beginning: leave it 0 for sites already built); a number or a distribution (an overrun),
    /// drawn once per replication.
    #[serde(default = "zero")]
    pub capex: RawDist,
    /// Recurring cost per year while live; a number or a distribution, drawn once per replication.
    #[serde(default = "zero")]
    pub opex_per_year: RawDist,
    /// Cost per PB-month of protected data held here (hosting that follows use), booked daily.
    #[serde(default = "zero")]
    pub cost_per_pb_month: RawDist,
    /// Cost per PB a migration moves into or out of this site (ingress, egress), on the day.
    #[serde(default = "zero")]
    pub cost_per_pb_moved: RawDist,
    /// `owned` (capex at go-live) or `leased` (capex spread over `lease_years`).
    #[serde(default)]
    pub tenure: RawTenure,
    /// Years a leased site's capex is spread over, from go-live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_years: Option<f64>,
    /// Date from which the site takes no more data; it is retired (no more costs) on the
    /// first day from then on that it holds no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decommission: Option<RawDate>,
    /// `false`: the site's costs were committed before the regime (reported in
    /// `cost.committed`, left out of `cost.incremental`).
    #[serde(default = "yes")]
    pub incremental: bool,
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
    /// One-off cost per PB moved; a number or a distribution, drawn once per replication.
    #[serde(default = "zero")]
    pub cost_per_pb: RawDist,
    /// `false`: the move was committed before the regime (`cost.committed`).
    #[serde(default = "yes")]
    pub incremental: bool,
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
    /// Running cost per year while active (`cost.monitoring` for monitors, else
    /// `cost.compliance`); a number or a distribution, drawn once per replication.
    #[serde(default = "zero")]
    pub annual_cost: RawDist,
    /// `false`: the control's cost was committed before the regime (`cost.committed`).
    #[serde(default = "yes")]
    pub incremental: bool,
    /// deny, approval: cost of each session it blocks (denied, refused by review, or given up
    /// in the queue), in `cost.lost_work`; a number or a distribution, drawn once per
    /// replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_blocked_session: Option<RawDist>,
    /// approval: cost per day a request waits for its review's decision (or until it gives
    /// up), in `cost.lost_work`; drawn once per replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_delay_day: Option<RawDist>,
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
