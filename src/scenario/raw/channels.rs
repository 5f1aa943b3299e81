//! The raw exposure-channel blocks: `[compelled_access.NAME]`, an uncertain event in which a
//! restricted jurisdiction's authorities compel access to the data held in or readable from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::dist::{RawDate, RawDist};

fn one() -> RawDist {
    RawDist::Number(1.0)
}

/// A compelled-access event: on a date with a probability, and/or at a hazard per year.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCompelledAccess {
    /// Jurisdiction whose authorities compel access; it counts only for populations that list
    /// it in their `restricted`.
    pub jurisdiction: String,
    /// Populations whose data it reaches (default: every population that restricts
    /// `jurisdiction`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<String>,
    /// Day of a dated occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawDate>,
    /// Chance of the dated occurrence (default 1; needs `date`); a share distribution drawn
    /// once per replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<RawDist>,
    /// Occurrences per year from `start` to `end` (a Poisson process; default 0); drawn once
    /// per replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<RawDist>,
    /// First day of the hazard (default: the scenario's `start`; needs `per_year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<RawDate>,
    /// Last day of the hazard, inclusive (default: the scenario's `end`; needs `per_year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<RawDate>,
    /// Share of the reachable data one occurrence exposes; drawn once per replication.
    pub share: RawDist,
    /// Records per user whose data is exposed (default 1); drawn once per replication.
    #[serde(default = "one")]
    pub records_per_user: RawDist,
}
