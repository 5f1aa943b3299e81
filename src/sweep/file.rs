//! Sweep files as written, and their validation into a [`Sweep`]: every point's world built
//! through the same code as `regsim run`, before anything runs or is written.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::expect;
use crate::metrics::Layout;
use crate::model::World;
use crate::report::num;
use crate::scenario::build::MAX_REPLICATIONS;
use crate::scenario::raw::RawExpect;
use crate::scenario::source::{FieldPath, Sources};
use crate::scenario::{self, suggestion};

use super::design::{self, Axis, Design, Plan};
use super::path;

/// Replications per point when the sweep file does not say.
pub const DEFAULT_REPLICATIONS: u32 = 50;

/// A sweep file (`scenarios/sweeps/*.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// The scenario every point starts from, relative to this file.
    pub base: String,
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
    /// Replications per point (default 50).
    #[serde(default)]
    pub replications: Option<u32>,
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

/// A validated sweep: its points, each with the world it runs.
#[derive(Debug)]
pub struct Sweep {
    pub file: PathBuf,
    pub raw: RawSweep,
    pub name: String,
    pub seed: u64,
    pub replications: u32,
    pub parameters: Vec<String>,
    pub plan: Plan,
    /// `values[p][i]`: parameter i at point p, as set (integers rounded).
    pub values: Vec<Vec<f64>>,
    pub worlds: Vec<World>,
    pub layout: Layout,
    /// Metrics of `sensitivity.csv`.
    pub sensitivity_metrics: Vec<String>,
}

/// Reads and validates the sweep at `file`: every problem found, located.
pub fn load(file: &Path) -> Result<Sweep, Vec<Diagnostic>> {
    let sources = Sources::load(file)?;
    let raw: RawSweep =
        scenario::deserialize_located(&sources, toml::Value::Table(sources.main().table.clone()))?;
    let root = FieldPath::root();
    let mut diags = Vec::new();
    let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
    if !base_path.is_file() {
        return Err(vec![sources.diag(
            &root.key("base"),
            false,
            format!(
                "field `base`: scenario `{}` not found (looked for {})",
                raw.base,
                base_path.display()
            ),
        )]);
    }
    let base = scenario::load(&base_path)?;
    let merged = base.sources.merged();
    let name = raw.name.clone().unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        || name.starts_with('.')
    {
        diags.push(sources.diag(
            &root.key("name"),
            false,
            format!("sweep name `{name}`: use letters, digits, `_`, `-` and `.` only"),
        ));
    }
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS);
    if replications == 0 || replications > MAX_REPLICATIONS {
        diags.push(sources.diag(
            &root.key("replications"),
            false,
            format!("field `replications` must be between 1 and {MAX_REPLICATIONS}"),
        ));
    }
    if raw.parameter.is_empty() {
        diags.push(sources.diag(
            &root,
            false,
            "a sweep needs at least one [[parameter]]".into(),
        ));
    }
    let valid_paths = path::numeric_paths(&merged);
    let mut axes = Vec::new();
    for (i, p) in raw.parameter.iter().enumerate() {
        let at = root.key("parameter").index(i);
        let err = |field: &str, msg: String| sources.diag(&at.key(field), false, msg);
        if path::get(&merged, &p.path).is_none() {
            let close = path::closest(&p.path, &valid_paths, 3);
            diags.push(err(
                "path",
                format!(
                    "field `parameter[{i}].path`: `{}` is not a number in {}; closest valid paths: {}",
                    p.path,
                    base_path.display(),
                    close.join(", ")
                ),
            ));
        }
        if raw.parameter[..i].iter().any(|q| q.path == p.path) {
            diags.push(err(
                "path",
                format!("field `parameter[{i}].path`: `{}` is swept twice", p.path),
            ));
        }
        match (&p.values, p.min, p.max) {
            (Some(v), None, None) => {
                if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
                    diags.push(err(
                        "values",
                        format!("field `parameter[{i}].values` must list finite numbers"),
                    ));
                } else {
                    axes.push(Axis::Values(v.clone()));
                }
            }
            (None, Some(lo), Some(hi)) => {
                let log = p.scale == RawScale::Log;
                if !(lo.is_finite() && hi.is_finite() && lo < hi) || (log && lo <= 0.0) {
                    diags.push(err(
                        "min",
                        format!(
                            "field `parameter[{i}]`: need finite min < max{}",
                            if log {
                                " and min > 0 for a log scale"
                            } else {
                                ""
                            }
                        ),
                    ));
                } else if raw.design == RawDesign::Grid && p.steps.is_none_or(|s| s < 2) {
                    diags.push(err(
                        "max",
                        format!("field `parameter[{i}]`: a grid over min/max needs `steps` >= 2"),
                    ));
                } else {
                    axes.push(Axis::Range {
                        min: lo,
                        max: hi,
                        log,
                        steps: p.steps,
                    });
                }
            }
            _ => diags.push(sources.diag(
                &at,
                false,
                format!("`parameter[{i}]` needs either `values` or both `min` and `max`"),
            )),
        }
    }
    let need = |field: &str, v: Option<usize>, least: usize, diags: &mut Vec<Diagnostic>| match v {
        Some(n) if n >= least => n,
        _ => {
            diags.push(sources.diag(
                &root.key(field),
                v.is_none(),
                format!("design `{}` needs `{field}` >= {least}", raw.design.name()),
            ));
            least
        }
    };
    let design = match raw.design {
        RawDesign::Grid => Design::Grid,
        RawDesign::Random => Design::Random {
            points: need("points", raw.points, 1, &mut diags),
        },
        RawDesign::Lhs => Design::Lhs {
            points: need("points", raw.points, 2, &mut diags),
        },
        RawDesign::Sobol => Design::Sobol {
            samples: need("samples", raw.samples, 2, &mut diags),
        },
        RawDesign::Morris => Design::Morris {
            trajectories: need("trajectories", raw.trajectories, 2, &mut diags),
            levels: raw.levels.unwrap_or(4),
        },
    };
    let layout = Layout::of(&base.world);
    diags.extend(expect::validate(&raw.expect, &layout, &sources, true));
    for (i, e) in raw.expect.iter().enumerate() {
        for k in e.filter.keys() {
            if !raw.parameter.iter().any(|p| &p.path == k) {
                let hint = suggestion(k, raw.parameter.iter().map(|p| p.path.as_str()));
                diags.push(sources.diag(
                    &root.key("expect").index(i).key("where").key(k),
                    true,
                    format!("field `expect[{i}].where`: `{k}` is not a swept parameter{hint}"),
                ));
            }
        }
    }
    for (i, m) in raw.metrics.iter().enumerate() {
        if layout.index(m).is_none() {
            let hint = suggestion(m, layout.names.iter().map(String::as_str));
            diags.push(sources.diag(
                &root.key("metrics").index(i),
                false,
                format!("field `metrics`: unknown metric `{m}`{hint}"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let seed = raw.seed.unwrap_or(base.raw.seed);
    let plan = design::plan(design, &axes, seed);
    let parameters: Vec<String> = raw.parameter.iter().map(|p| p.path.clone()).collect();
    let mut values = Vec::with_capacity(plan.points.len());
    let mut worlds = Vec::with_capacity(plan.points.len());
    for (p, point) in plan.points.iter().enumerate() {
        let mut table = merged.clone();
        let set: Vec<f64> = parameters
            .iter()
            .zip(point)
            .map(|(path, v)| path::set(&mut table, path, *v).expect("path checked"))
            .collect();
        match scenario::build_merged(&base.sources, table) {
            Ok((_, mut world)) => {
                world.seed = seed;
                world.replications = replications;
                worlds.push(world);
            }
            Err(ds) => {
                let label: Vec<String> = parameters
                    .iter()
                    .zip(&set)
                    .map(|(k, v)| format!("{k}={}", num(*v)))
                    .collect();
                let mut out = vec![Diagnostic {
                    file: file.to_path_buf(),
                    location: None,
                    message: format!(
                        "sweep point {p} ({}) is not a valid scenario:",
                        label.join(", ")
                    ),
                }];
                out.extend(ds);
                return Err(out);
            }
        }
        values.push(set);
    }
    let sensitivity_metrics = if raw.metrics.is_empty() {
        layout.names.clone()
    } else {
        raw.metrics.clone()
    };
    Ok(Sweep {
        file: file.to_path_buf(),
        name,
        seed,
        replications,
        parameters,
        plan,
        values,
        worlds,
        layout,
        sensitivity_metrics,
        raw,
    })
}
