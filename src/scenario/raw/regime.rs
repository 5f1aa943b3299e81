//! The raw blocks of a regime's events: `[[timeline]]` events, `[decision.NAME]` with its
//! outcomes and actions, `[ban.NAME]`, `[ownership.NAME]` and `[regulator.NAME]` with its
//! states, orders, transitions, fine model and drivers.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::dist::{RawDate, RawDist};

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
    /// `regulator`'s latest decision in `state` is appealed (known history).
    Appeal,
    /// The court decides the appeal of `regulator`'s decision in `state` with `outcome`.
    Judgment,
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
    /// With `regulator_state`: the regulator's case (required when it has cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// With `regulator_state`: a fine imposed on entering the state (known history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// With `judgment`: `upheld`, `quashed`, `remitted` or `reduced`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
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
    /// With `regulator_state`: the regulator's case (required when it has cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// With `regulator_state`: a fine imposed on entering the state (known history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// With `judgment`: `upheld`, `quashed`, `remitted` or `reduced`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
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
    /// Staff groups that read nothing until access is cut and then read in full: the functions
    /// the seller keeps, reading through the new owner (data sharing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successor_staff: Vec<String>,
    /// One-off cost on the day of the change (separation engineering, algorithm licensing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_cost: Option<RawDist>,
    /// Recurring cost per year from the change (oversight fees); a number or a distribution,
    /// drawn once per replication.
    #[serde(default = "super::entities::zero")]
    pub cost_per_year: RawDist,
    /// Discount on the sale price against fair value, booked as a cost on the day of the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_discount: Option<RawDist>,
    /// Population whose revenue the functions that change hands earn (with `revenue_share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// Share of the population's revenue that goes with the functions that change hands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_share: Option<RawDist>,
    /// Share of those functions' profit the seller keeps (its stake in the buyer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retained_share: Option<RawDist>,
    /// Licence fee per year the new owner pays the seller (for IP it keeps); it lowers the
    /// profit the seller gives up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_fee_per_year: Option<RawDist>,
    /// `false`: the change's costs were committed before the regime (`cost.committed`).
    #[serde(default = "super::entities::yes")]
    pub incremental: bool,
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
    /// Jurisdictions of the staff whose detected misuse drives this regulator (empty = all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_jurisdictions: Vec<String>,
    /// State at `start` (or on opening); required unless the regulator has cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
    /// States, by name (a regulator without cases).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub state: BTreeMap<String, RawRegState>,
    /// Transitions with base hazards per year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transition: Vec<RawTransition>,
    /// Until this date only `regulator_state` timeline events move the regulator (known
    /// history); from it on, transitions are drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_until: Option<RawDate>,
    /// When the regulator's one proceeding opens (default: open at `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<RawOpening>,
    /// The span of conduct its fines judge (default: the drivers on the fine's day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infringement: Option<RawInfringement>,
    /// Gravity added to its fines because the regulator was given inaccurate information
    /// (DSA Art. 74(2), 52(3)); default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub inaccurate_information: f64,
    /// How fines are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<RawFine>,
    /// Hazard multiplier: every hazard is multiplied by 1 + Σ coefficient × driver.
    #[serde(default)]
    pub drivers: RawDrivers,
    /// Proceedings the regulator runs at once, by name, each its own chain; with cases the
    /// regulator itself has no `initial`, `state`, `transition`, `history_until`, `opens`,
    /// `infringement` or `inaccurate_information`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub case: BTreeMap<String, RawCase>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// One proceeding of a regulator: its own chain over its own states, sharing the regulator's
/// populations, staff, fine model and drivers.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    /// State on opening.
    pub initial: String,
    /// States, by name.
    pub state: BTreeMap<String, RawRegState>,
    /// Transitions with base hazards per year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transition: Vec<RawTransition>,
    /// Until this date only `regulator_state` timeline events move the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_until: Option<RawDate>,
    /// When the case opens (default: open at `start`); dormant before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<RawOpening>,
    /// The span of conduct its fines judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infringement: Option<RawInfringement>,
    /// Gravity added to its fines for inaccurate information given to the regulator.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub inaccurate_information: f64,
    /// Replaces the regulator's `fine.gravity` for this case's fines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravity: Option<RawDrivers>,
}

/// When a case opens: on a `date`, at a hazard `per_year` (times 1 + Σ coefficient ×
/// driver, from the case's `history_until`), or only when a timeline event (`event = true`)
/// moves it. Exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOpening {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawDate>,
    /// Hazard per year of opening: a number or a distribution, drawn once per replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<RawDist>,
    /// With `per_year`: multiplies the hazard by 1 + Σ coefficient × driver.
    #[serde(default, skip_serializing_if = "RawDrivers::is_zero")]
    pub drivers: RawDrivers,
    /// Opened only by a `regulator_state` event naming the case.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub event: bool,
}

/// The infringement period a case's fines judge: from `from` (or `look_back_days` before the
/// fine) to `until` (default: the fine's day). Its drivers set the gravity; conduct below
/// them after `until` (remediation) takes off at most `remediation_weight` of it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInfringement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<RawDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_back_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<RawDate>,
    /// Share of the period's gravity that full remediation after it takes off (0–1, default 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub remediation_weight: f64,
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
    /// How the state's decisions (its fine and orders) are appealed in court.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<RawAppeal>,
}

/// The appeal of a state's decisions: lodged with `probability` (from `history_until`; before
/// it only `appeal` timeline events lodge one), it holds the fine until final and, with `stay`,
/// the orders, and ends in a verdict drawn at the hazards per year below (independent
/// competing risks, from the lodging day or `history_until`, whichever is later).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAppeal {
    /// Chance a decision is appealed (default 1); a number or a distribution within [0, 1],
    /// drawn once per replication.
    #[serde(default = "one_dist")]
    pub probability: RawDist,
    /// The orders wait for the verdict (default true); the fine always does.
    #[serde(default = "super::entities::yes")]
    pub stay: bool,
    /// Hazard per year of a verdict upholding the decision: the fine is booked, the orders
    /// fall due afresh.
    #[serde(default = "super::entities::zero")]
    pub upheld: RawDist,
    /// Hazard per year of a verdict quashing it: nothing is booked, the orders are void.
    #[serde(default = "super::entities::zero")]
    pub quashed: RawDist,
    /// Hazard per year of a verdict remitting it: the orders are void and the regulator
    /// enters `remit_to` to decide again.
    #[serde(default = "super::entities::zero")]
    pub remitted: RawDist,
    /// Hazard per year of a verdict reducing the fine by `reduced_factor`: the orders fall due
    /// afresh.
    #[serde(default = "super::entities::zero")]
    pub reduced: RawDist,
    /// The state a remitted decision re-enters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remit_to: Option<String>,
    /// On remittal the fine stands, still under appeal on its amount alone, and `remit_to`
    /// imposes no new fine (default false: the fine falls with the decision).
    #[serde(default)]
    pub remit_keeps_fine: bool,
    /// The factor a reduced fine is multiplied by (in [0, 1]), drawn per appeal (default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced_factor: Option<RawDist>,
}

fn one_dist() -> RawDist {
    RawDist::Number(1.0)
}

/// An order: at its deadline it is complied with (the control switches on, the compliance
/// cost is booked) with `comply_probability`, else refused (the regulator enters
/// `refuse_state`, `refuse_ban` starts).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOrder {
    /// The control compliance switches on (none: compliance changes no control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// Days to comply (default 0).
    #[serde(default)]
    pub after_days: f64,
    /// Probability of complying (default 1); 0 or 1 chooses the path.
    #[serde(default = "one")]
    pub comply_probability: f64,
    /// One-off cost of complying, in the regulator's fine currency (`cost.compliance`); a
    /// number or a distribution, drawn once per replication.
    #[serde(default = "super::entities::zero")]
    pub compliance_cost: RawDist,
    /// State the regulator enters on a refusal (none: a refusal changes no state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuse_state: Option<String>,
    /// Ban a refusal starts (none: no ban), e.g. a temporary restriction of access (DSA Art. 82)
    /// or an app ban.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuse_ban: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// A transition between regulator states.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransition {
    pub from: String,
    pub to: String,
    /// Base hazard per year: a number or a distribution (e.g. a fitted gamma posterior), drawn
    /// once per replication.
    pub per_year: RawDist,
    /// Multiplies this transition's hazard alone by 1 + Σ coefficient × driver (shifts the
    /// choice between exits).
    #[serde(default, skip_serializing_if = "RawDrivers::is_zero")]
    pub drivers: RawDrivers,
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
    /// The starting amount at gravity 0 as a share of the legal maximum, in place of the
    /// seriousness bands: a number in [0, 1] or a distribution within it (e.g. a fitted beta
    /// posterior), drawn once per replication. Gravity g raises it to share^(1/(1+g)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of_max: Option<RawDist>,
    /// Aggravating / mitigating factor on the starting amount (default 1), drawn per fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<RawDist>,
    /// Gravity g = Σ coefficient × driver when the fine is set: it shifts the seriousness draw
    /// up (nature, gravity and duration: EDPB Guidelines 04/2022, DSA Art. 74).
    #[serde(default, skip_serializing_if = "RawDrivers::is_zero")]
    pub gravity: RawDrivers,
    /// Currency of this table's money amounts (default: the scenario's `finance.currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Coefficients on what the simulation produces (all default 0).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDrivers {
    /// Per incident of the regulator's `staff_jurisdictions` detected in the last 365 days.
    #[serde(default)]
    pub detected_incidents: f64,
    /// Per million records read visibly or re-identifiably in the last 365 days.
    #[serde(default)]
    pub records_millions: f64,
    /// Per PB of protected data outside its enclave today.
    #[serde(default)]
    pub pb_outside: f64,
    /// Per PB of protected data readable from a restricted jurisdiction today (masked data at
    /// its re-identification probability; denied access: none).
    #[serde(default)]
    pub pb_accessible: f64,
    /// Per million distinct users read visibly or re-identifiably so far.
    #[serde(default)]
    pub users_millions: f64,
    /// Per year with records read visibly or re-identifiably so far (duration).
    #[serde(default)]
    pub exposure_years: f64,
    /// Per PB of protected data held at sites in a restricted jurisdiction today.
    #[serde(default)]
    pub pb_restricted: f64,
    /// Per million records exposed by compelled-access events so far.
    #[serde(default)]
    pub records_compelled_millions: f64,
}

impl RawDrivers {
    fn is_zero(&self) -> bool {
        *self == RawDrivers::default()
    }
}
