//! Sweep files ([`super::raw`] holds them as written) and their validation into a [`Sweep`]:
//! every point's world built through the same code as `regsim run`, before anything runs or is
//! written.

use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use crate::metrics::Layout;
use crate::model::World;
use crate::precision::Precision;
use crate::report::num;
use crate::scenario::build::{name_from_stem, safe_name, MAX_REPLICATIONS};
use crate::scenario::library;
use crate::scenario::source::{folder_of, FieldPath, Sources};
use crate::scenario::{self, suggestion};

pub use super::raw::{RawDesign, RawParameter, RawScale, RawSweep};

use super::design::{self, Axis, Design, Plan};
use super::path;

/// Replications per point when the sweep file does not say.
pub const DEFAULT_REPLICATIONS: u32 = 50;
/// Most points a sweep may have (each point's world is built and held before anything runs).
pub const MAX_POINTS: usize = 10_000;
/// Most levels of a `morris` design.
pub const MAX_LEVELS: usize = 1000;

/// Whether `path` reads as a sweep file rather than a scenario: a top-level `base` or `design`
/// (fields no scenario has).
pub fn looks_like_sweep(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("base") || t.contains_key("design"))
}

/// Where a sweep's scenarios (`base`, `versus`) may be: the sweep file's folder or the one above it (shipped sweeps in
/// `scenarios/sweeps/` use `../clover.toml`), or below either, after following symlinks.
fn base_root(file: &Path) -> PathBuf {
    let folder = folder_of(file)
        .canonicalize()
        .unwrap_or_else(|_| folder_of(file).to_path_buf());
    folder.parent().map(Path::to_path_buf).unwrap_or(folder)
}

/// Checks a scenario field (`base` or `versus`, written as `written`) and returns the file it
/// names.
fn base_file(
    file: &Path,
    (field, written): (&str, &str),
    sources: &Sources,
) -> Result<PathBuf, Diagnostic> {
    let err = |message: String| {
        sources.diag(
            &FieldPath::root().key(field),
            false,
            format!("field `{field}`: {message}"),
        )
    };
    let shown = written;
    let roots = library::roots();
    let path = library::resolve(folder_of(file), written, &roots);
    let written = Path::new(written);
    let root = base_root(file);
    if written.is_absolute() {
        return Err(err(format!(
            "`{}` is an absolute path; name the scenario relative to this sweep file",
            shown
        )));
    }
    if written.extension().is_none_or(|x| x != "toml") {
        return Err(err(format!(
            "`{}` is not a scenario file (a `.toml` file, e.g. \"../clover.toml\")",
            shown
        )));
    }
    if !path.is_file() {
        return Err(err(format!(
            "scenario `{}` not found ({})",
            shown,
            library::looked_in(&path, shown, &roots)
        )));
    }
    let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
    if !library::allowed(&canonical, &root, &roots) {
        return Err(err(format!(
            "`{}` is outside {}; a sweep's scenarios must be in the sweep file's folder or the one above it, or below either, or in a library root; {}",
            shown,
            root.display(),
            library::way_out(&canonical)
        )));
    }
    if looks_like_sweep(&path) {
        return Err(err(format!(
            "`{}` is a sweep file (it has `base` or `design`), not a scenario",
            shown
        )));
    }
    Ok(path)
}

/// How many points `design` lays out over `axes`, saturating.
fn point_count(design: Design, axes: &[Axis]) -> usize {
    let k = axes.len();
    match design {
        Design::Grid => axes
            .iter()
            .map(|a| match a {
                Axis::Values(v) => v.len(),
                Axis::Range { steps, .. } => steps.unwrap_or(2).max(1),
            })
            .fold(1, usize::saturating_mul),
        Design::Random { points } | Design::Lhs { points } => points,
        Design::Sobol { samples } => samples.saturating_mul(k + 2),
        Design::Morris { trajectories, .. } => trajectories.saturating_mul(k + 1),
    }
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
    /// The scenario every point is compared with, if the sweep has `versus`.
    pub versus: Option<Versus>,
    /// Metrics of `sensitivity.csv`.
    pub sensitivity_metrics: Vec<String>,
    /// Why the sweep may not mean what it says ([`super::warn`]).
    pub warnings: Vec<String>,
    /// Each point's precision target (its `[precision]` table; the base scenario's is not
    /// used), when its replications run in blocks until met.
    pub precision: Option<Precision>,
}

/// A sweep's `versus` scenario, built at every point.
#[derive(Debug)]
pub struct Versus {
    /// Whether parameter i exists in it (and so is set in it at every point).
    pub applies: Vec<bool>,
    pub worlds: Vec<World>,
    pub layout: Layout,
}

/// Reads and validates the sweep at `file`: every problem found, located.
pub fn load(file: &Path) -> Result<Sweep, Vec<Diagnostic>> {
    // A sweep file has no `extends`: read alone, it is refused as an unknown field.
    let sources = Sources::load_one(file)?;
    let table = &sources.main().table;
    if !table.contains_key("base") && !table.contains_key("design") && !table.is_empty() {
        return Err(vec![Diagnostic {
            file: file.to_path_buf(),
            location: None,
            message: "this is not a sweep file (a sweep has `base` and `design`); run a scenario with `regsim run FILE`".into(),
        }]);
    }
    let raw: RawSweep =
        scenario::deserialize_located(&sources, toml::Value::Table(sources.main().table.clone()))?;
    let root = FieldPath::root();
    let mut diags = Vec::new();
    let base_path = base_file(file, ("base", &raw.base), &sources).map_err(|d| vec![d])?;
    let base = scenario::load(&base_path)?;
    let merged = base.sources.merged();
    let versus = match &raw.versus {
        Some(v) => {
            let path = base_file(file, ("versus", v), &sources).map_err(|d| vec![d])?;
            Some(scenario::load(&path)?)
        }
        None => None,
    };
    let name = match &raw.name {
        Some(n) if !safe_name(n, true, 100) => {
            diags.push(sources.diag(
                &root.key("name"),
                false,
                format!("field `name`: `{}` cannot be a folder name; use 1 to 100 letters, digits, `_`, `-` and `.`, not starting with `.` or `-`", n.escape_debug()),
            ));
            "invalid".into()
        }
        Some(n) => n.clone(),
        None => name_from_stem(file, "sweep"),
    };
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS.into());
    if replications == 0 || replications > MAX_REPLICATIONS.into() {
        diags.push(sources.diag(
            &root.key("replications"),
            false,
            format!(
                "field `replications` must be between 1 and {MAX_REPLICATIONS}, got {replications}"
            ),
        ));
    }
    if raw.parameter.is_empty() {
        diags.push(sources.diag(
            &root,
            false,
            "a sweep needs at least one [[parameter]]".into(),
        ));
    }
    let axes = axes(&raw, &merged, &base_path, &sources, &mut diags);
    let design = design(&raw, &sources, &mut diags);
    if axes.len() == raw.parameter.len() {
        check_point_count(&raw, design, &axes, &sources, &mut diags);
    }
    let mut layout = Layout::of(&base.world);
    check_outputs(&raw, &layout, &sources, &mut diags);
    let precision = match scenario::precision::of(raw.precision.as_ref(), &layout, &sources) {
        Ok(p) => p,
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let seed = raw.seed.unwrap_or(base.raw.seed);
    // The points run under the sweep's seed: so do their bootstrap streams.
    layout.seed = seed;
    let warnings = super::warn::mean_against_field(
        &merged,
        &raw.parameter
            .iter()
            .map(|p| p.path.clone())
            .collect::<Vec<_>>(),
        &axes,
    );
    let plan = design::plan(design, &axes, seed);
    let parameters: Vec<String> = raw.parameter.iter().map(|p| p.path.clone()).collect();
    // Each scenario gets the parameters that `apply` to it, at every point of the plan.
    let build = |sources: &Sources, merged: &toml::Table, apply: &[bool]| {
        worlds(
            file,
            (sources, merged),
            (&parameters, apply),
            &plan,
            (seed, replications),
        )
    };
    let (values, base_worlds) = build(&base.sources, &merged, &vec![true; parameters.len()])?;
    let versus = match versus {
        Some(v) => {
            let merged = v.sources.merged();
            let applies: Vec<bool> = parameters
                .iter()
                .map(|p| path::get(&merged, p).is_some())
                .collect();
            let (_, worlds) = build(&v.sources, &merged, &applies)?;
            Some(Versus {
                applies,
                layout: Layout {
                    seed,
                    ..Layout::of(&v.world)
                },
                worlds,
            })
        }
        None => None,
    };
    let sensitivity_metrics = if raw.metrics.is_empty() {
        layout.names.clone()
    } else {
        raw.metrics.clone()
    };
    Ok(Sweep {
        file: file.to_path_buf(),
        name,
        seed,
        replications: replications as u32,
        parameters,
        plan,
        values,
        worlds: base_worlds,
        layout,
        versus,
        sensitivity_metrics,
        warnings,
        precision,
        raw,
    })
}

/// The axis of each `[[parameter]]`: a path to a number of the base's `merged` table (read
/// from `base_path`), swept once, with `values` or a `min`/`max` range.
fn axes(
    raw: &RawSweep,
    merged: &toml::Table,
    base_path: &Path,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Axis> {
    let root = FieldPath::root();
    let valid_paths = path::numeric_paths(merged);
    let mut axes = Vec::new();
    for (i, p) in raw.parameter.iter().enumerate() {
        let at = root.key("parameter").index(i);
        let err = |field: &str, msg: String| sources.diag(&at.key(field), false, msg);
        if path::get(merged, &p.path).is_none() {
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
    axes
}

/// The design, with the sizes it needs; `levels` only for a Morris design.
fn design(raw: &RawSweep, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Design {
    let root = FieldPath::root();
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
            points: need("points", raw.points, 1, diags),
        },
        RawDesign::Lhs => Design::Lhs {
            points: need("points", raw.points, 2, diags),
        },
        RawDesign::Sobol => Design::Sobol {
            samples: need("samples", raw.samples, 2, diags),
        },
        RawDesign::Morris => Design::Morris {
            trajectories: need("trajectories", raw.trajectories, 2, diags),
            levels: raw.levels.unwrap_or(4),
        },
    };
    match raw.levels {
        Some(l) if raw.design != RawDesign::Morris => diags.push(sources.diag(
            &root.key("levels"),
            true,
            format!(
                "field `levels` ({l}) applies to a `morris` design only, not `{}`",
                raw.design.name()
            ),
        )),
        Some(l) if !(2..=MAX_LEVELS).contains(&l) => diags.push(sources.diag(
            &root.key("levels"),
            false,
            format!("field `levels` must be between 2 and {MAX_LEVELS}, got {l}"),
        )),
        _ => {}
    }
    design
}

/// Refuses a design over `axes` with more than [`MAX_POINTS`] points.
fn check_point_count(
    raw: &RawSweep,
    design: Design,
    axes: &[Axis],
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let root = FieldPath::root();
    let n = point_count(design, axes);
    if n > MAX_POINTS {
        let field = match raw.design {
            RawDesign::Grid => "design",
            RawDesign::Random | RawDesign::Lhs => "points",
            RawDesign::Sobol => "samples",
            RawDesign::Morris => "trajectories",
        };
        let shown = if n == usize::MAX {
            "too many".to_string()
        } else {
            n.to_string()
        };
        diags.push(sources.diag(
            &root.key(field),
            false,
            format!(
                "field `{field}`: the `{}` design over {} parameters has {shown} points; at most {MAX_POINTS} are allowed",
                raw.design.name(),
                axes.len()
            ),
        ));
    }
    if matches!(design, Design::Sobol { .. }) && axes.len() > design::MAX_SOBOL_PARAMETERS {
        diags.push(sources.diag(
            &root.key("design"),
            false,
            format!(
                "the `sobol` design takes at most {} parameters (its Sobol' sequence has 256 dimensions, two per parameter); this sweep has {}: use `morris` to screen them first",
                design::MAX_SOBOL_PARAMETERS,
                axes.len()
            ),
        ));
    }
}

/// Checks what the outputs name: `[[expect]]` blocks (metrics of `layout`, `where` filters on
/// swept parameters) and `metrics`.
fn check_outputs(raw: &RawSweep, layout: &Layout, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let root = FieldPath::root();
    diags.extend(scenario::expect::validate(
        &raw.expect,
        layout,
        sources,
        true,
    ));
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
}

/// `values[p]` (the parameters set at point p) and `worlds[p]` (the world built there).
type PointWorlds = (Vec<Vec<f64>>, Vec<World>);

/// The values set and the world built at each point of `plan`: the `parameters` that `apply`
/// set in a copy of a scenario's `merged` table, built against its `sources`. A point that is
/// no valid scenario is refused with its values.
fn worlds(
    file: &Path,
    (sources, merged): (&Sources, &toml::Table),
    (parameters, apply): (&[String], &[bool]),
    plan: &Plan,
    (seed, replications): (u64, u64),
) -> Result<PointWorlds, Vec<Diagnostic>> {
    let mut values = Vec::with_capacity(plan.points.len());
    let mut worlds = Vec::with_capacity(plan.points.len());
    for (p, point) in plan.points.iter().enumerate() {
        let mut table = merged.clone();
        let set: Vec<f64> = parameters
            .iter()
            .zip(point)
            .zip(apply)
            .map(|((path, v), apply)| {
                if *apply {
                    path::set(&mut table, path, *v).expect("path checked")
                } else {
                    f64::NAN
                }
            })
            .collect();
        match scenario::build_merged(sources, table) {
            Ok((_, mut world)) => {
                world.seed = seed;
                world.replications = replications as u32;
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
    Ok((values, worlds))
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
