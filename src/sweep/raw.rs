//! Sweep files as written: serde structs that mirror the TOML (`base`, `design`, its sizes,
//! `[[parameter]]`, `metrics`, `[[expect]]`). Nothing here is interpreted; [`super::file`]
//! validates them into a sweep.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::raw::{RawExpect, RawPrecision};

/// A sweep file (`scenarios/sweeps/*.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// The scenario every point starts from, relative to this file.
    pub base: String,
    /// A second scenario, relative to this file, that every point also runs: each parameter is
    /// set in it too where its path exists there, on the same random numbers, and every
    /// statistic is of the paired difference base − versus, replication by replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// Output folder name (default: the file name without `.toml`).
    #[serde(default)]
    pub name: Option<String>,
    /// One line on what the sweep asks.
    #[serde(default)]
    pub description: String,
    /// Seed of every point's replications (common random numbers) and of the design's draws;
    /// default: the base scenario's seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Replications per point (default 50; 1 to 10,000,000).
    #[serde(default)]
    pub replications: Option<u64>,
    /// `grid`, `random`, `lhs`, `sobol` or `morris`.
    pub design: RawDesign,
    /// Points of a `random` or `lhs` design.
    #[serde(default)]
    pub points: Option<usize>,
    /// Base samples N of a `sobol` design (N·(k + 2) points).
    #[serde(default)]
    pub samples: Option<usize>,
    /// Trajectories r of a `morris` design (r·(k + 1) points).
    #[serde(default)]
    pub trajectories: Option<usize>,
    /// Grid levels of a `morris` design (default 4).
    #[serde(default)]
    pub levels: Option<usize>,
    /// Metrics for `sensitivity.csv` (default: every metric).
    #[serde(default)]
    pub metrics: Vec<String>,
    /// The parameters swept.
    #[serde(default)]
    pub parameter: Vec<RawParameter>,
    /// Checks on every point (or those a `where` selects).
    #[serde(default)]
    pub expect: Vec<RawExpect>,
    /// Each point's replications in blocks until its intervals are narrow enough (as a
    /// scenario's `[precision]`), instead of `replications`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<RawPrecision>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawDesign {
    Grid,
    Random,
    Lhs,
    Sobol,
    Morris,
}

impl RawDesign {
    pub fn name(self) -> &'static str {
        match self {
            RawDesign::Grid => "grid",
            RawDesign::Random => "random",
            RawDesign::Lhs => "lhs",
            RawDesign::Sobol => "sobol",
            RawDesign::Morris => "morris",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawScale {
    #[default]
    Linear,
    Log,
}

/// One swept parameter: a path to a number of the resolved scenario and its values or range.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    /// Dotted path, e.g. `staff.cn_engineering.headcount` or
    /// `staff.cn_engineering.sessions_per_person_day.median`.
    pub path: String,
    /// The values to take (a grid's axis; other designs pick among them).
    #[serde(default)]
    pub values: Option<Vec<f64>>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// `linear` (default) or `log` spacing between `min` and `max`.
    #[serde(default)]
    pub scale: RawScale,
    /// Values of a `grid` between `min` and `max`.
    #[serde(default)]
    pub steps: Option<usize>,
}
