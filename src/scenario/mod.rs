//! Scenario files: read (with `extends`), parse into [`raw`] structs, validate and build the
//! [`crate::model::World`].
//!
//! Two stages, as in ripgrep's low-level/high-level arguments: serde fills the raw structs
//! (unknown fields and wrong types fail here), then [`build`] checks meaning (references, ranges,
//! dates, shares, capacities) and produces indices. Both stages collect every problem they can
//! find and report each as `file:line:col: message` through [`source::Sources::diag`].

pub mod build;
pub mod dist;
pub mod expect;
mod field_path;
pub mod library;
pub mod precision;
pub mod raw;
pub mod source;
mod suggest;
mod syntax;

pub use suggest::suggestion;

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::Diagnostic;
use crate::model::World;
use raw::*;
use source::{FieldPath, Sources};

/// A scenario read, parsed and built.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub sources: Sources,
    /// The resolved scenario (after `extends` and defaults), as `regsim explain` prints it.
    pub raw: RawScenario,
    pub world: World,
}

/// Reads, parses, validates and builds the scenario at `path`.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_sources(Sources::load(path)?)
}

/// Parses, validates and builds the scenario read into `sources`.
pub fn load_sources(sources: Sources) -> Result<Loaded, Vec<Diagnostic>> {
    let raw = parse(&sources)?;
    let world = build::build(&raw, &sources)?;
    check_expectations(Loaded {
        sources,
        raw,
        world,
    })
}

/// `loaded` when its `[[expect]]` blocks and its `[precision]` table name metrics and
/// statistics it has; its world then holds the precision target.
pub fn check_expectations(mut loaded: Loaded) -> Result<Loaded, Vec<Diagnostic>> {
    let layout = crate::metrics::Layout::of(&loaded.world);
    let mut diags = expect::validate(&loaded.raw.expect, &layout, &loaded.sources, false);
    match precision::of(loaded.raw.precision.as_ref(), &layout, &loaded.sources) {
        Ok(p) => loaded.world.precision = p,
        Err(d) => diags.extend(d),
    }
    if diags.is_empty() {
        Ok(loaded)
    } else {
        Err(diags)
    }
}

/// Parses and builds a scenario from `merged`, a merged chain of `sources` that the caller may
/// have changed (a sweep point sets values in it). Problems are located in `sources`, as for
/// [`load`]; the scenario's own `[[expect]]` blocks are not checked.
pub fn build_merged(
    sources: &Sources,
    merged: toml::Table,
) -> Result<(RawScenario, World), Vec<Diagnostic>> {
    let raw = parse_merged(sources, merged)?;
    let world = build::build(&raw, sources)?;
    Ok((raw, world))
}

/// Sections holding named entities, and how to check one entry of each.
const SECTIONS: [&str; 10] = [
    "population",
    "site",
    "migration",
    "flow",
    "staff",
    "control",
    "regulator",
    "ban",
    "ownership",
    "decision",
];

/// Deserializes the merged chain into a [`RawScenario`], reporting every serde problem found.
pub fn parse(sources: &Sources) -> Result<RawScenario, Vec<Diagnostic>> {
    parse_merged(sources, sources.merged())
}

/// Deserializes `merged` (the merged chain of `sources`, possibly changed) into a
/// [`RawScenario`].
fn parse_merged(sources: &Sources, merged: toml::Table) -> Result<RawScenario, Vec<Diagnostic>> {
    let mut raw: RawScenario =
        match deserialize_at(toml::Value::Table(merged.clone()), &FieldPath::root()) {
            Ok(r) => r,
            Err(whole) => {
                let mut found = check_parts(&merged);
                if found.is_empty() {
                    found.push(whole);
                }
                let mut diags: Vec<Diagnostic> = Vec::new();
                let more = found.len().saturating_sub(build::MAX_DIAGNOSTICS);
                for p in found.into_iter().take(build::MAX_DIAGNOSTICS) {
                    let d = p.into_diagnostic(sources);
                    if !diags.contains(&d) {
                        diags.push(d);
                    }
                }
                if more > 0 {
                    diags.push(build::more_problems(sources, more));
                }
                return Err(diags);
            }
        };
    // `name` and `baseline` are not inherited: only the scenario file itself can set them.
    let own = |key: &str| {
        sources
            .main()
            .table
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    raw.name = own("name");
    raw.baseline = own("baseline");
    raw.extends = None;
    Ok(raw)
}

/// Deserializes `value`, written in `sources` (e.g. a sweep file), into `T`; a serde problem is
/// reported at its place in the file.
pub fn deserialize_located<T: DeserializeOwned>(
    sources: &Sources,
    value: toml::Value,
) -> Result<T, Vec<Diagnostic>> {
    deserialize_at(value, &FieldPath::root()).map_err(|p| vec![p.into_diagnostic(sources)])
}

/// A serde problem at a path.
struct Problem {
    path: FieldPath,
    message: String,
    /// The unknown key itself (for "unknown field" problems).
    unknown_key: Option<String>,
}

impl Problem {
    fn into_diagnostic(self, sources: &Sources) -> Diagnostic {
        match self.unknown_key {
            Some(k) => sources.diag(&self.path.key(&k), true, self.message),
            None => sources.diag(&self.path, false, self.message),
        }
    }
}

fn deserialize_at<T: DeserializeOwned>(value: toml::Value, base: &FieldPath) -> Result<T, Problem> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = base.clone();
        path.0.extend(FieldPath::parse(&e.path().to_string()).0);
        let inner = e.inner().message().to_string();
        explain_serde(path, &inner)
    })
}

/// Turns a serde message into one that names the field and what would be valid.
fn explain_serde(mut path: FieldPath, msg: &str) -> Problem {
    let where_of = |path: &FieldPath| {
        if path.0.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{path}`")
        }
    };
    let mut where_ = where_of(&path);
    for (prefix, what) in [("unknown field `", "field"), ("unknown variant `", "value")] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let name = rest.split('`').next().unwrap_or("").to_string();
            let expected = backticked(rest.get(name.len() + 1..).unwrap_or(""));
            let hint = suggestion(&name, expected.iter().map(String::as_str));
            // serde_path_to_error ends the path with the unknown key itself; the problem is in
            // the table that holds it (and the key is located through `unknown_key`).
            if what == "field" && path.0.last() == Some(&source::Seg::Key(name.clone())) {
                path.0.pop();
                where_ = where_of(&path);
            }
            return if what == "field" {
                Problem {
                    message: format!("unknown field `{name}` in {where_}{hint}"),
                    path,
                    unknown_key: Some(name),
                }
            } else {
                Problem {
                    message: format!("field {where_}: unknown value `{name}`{hint}"),
                    path,
                    unknown_key: None,
                }
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return Problem {
            message: format!("missing field `{name}` in {where_}"),
            path,
            unknown_key: None,
        };
    }
    Problem {
        message: format!("field {where_}: {}", plain_types(msg, &path)),
        path,
        unknown_key: None,
    }
}

/// serde's Rust type names in "expected u32" spelled out as ranges: the range the field allows
/// where validation narrows it (`replications`: 1 to 10,000,000), else the type's.
fn plain_types(msg: &str, path: &FieldPath) -> String {
    let leaf = match path.0.last() {
        Some(source::Seg::Key(k)) => k.as_str(),
        _ => "",
    };
    let points = crate::sweep::file::MAX_POINTS as u64;
    let narrowed = match leaf {
        "replications" => Some((1, u64::from(build::MAX_REPLICATIONS))),
        "reviewers" => Some((1, 100_000)),
        // Sweep files: sizes of a design, each bounded by its number of points.
        "points" | "trajectories" => Some((1, points)),
        "samples" | "steps" => Some((2, points)),
        "levels" => Some((2, crate::sweep::file::MAX_LEVELS as u64)),
        _ => None,
    };
    let mut msg = msg.to_string();
    for (ty, max) in [
        ("u32", u32::MAX as u64),
        ("u64", u64::MAX),
        ("usize", usize::MAX as u64),
    ] {
        let (lo, hi) = narrowed.unwrap_or((0, max));
        msg = msg.replace(
            &format!("expected {ty}"),
            &format!("expected a whole number from {lo} to {hi}"),
        );
    }
    msg.replace("expected f64", "expected a number")
}

/// Every `` `name` `` in a serde "expected ..." list.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Checks each part of the scenario on its own, so that one bad entity does not hide another.
fn check_parts(root: &toml::Table) -> Vec<Problem> {
    let mut out = Vec::new();
    let top = FieldPath::root();
    // The top level with every section emptied: unknown keys, missing start/end, bad scalars.
    let mut shallow = root.clone();
    for s in SECTIONS {
        if shallow.get(s).map(|v| v.is_table()).unwrap_or(false) {
            shallow.insert(s.into(), toml::Value::Table(Default::default()));
        }
    }
    for s in ["finance", "category_weights"] {
        if shallow.get(s).map(|v| v.is_table()).unwrap_or(false) {
            shallow.remove(s);
        }
    }
    if shallow
        .get("timeline")
        .map(|v| v.is_array())
        .unwrap_or(false)
    {
        shallow.insert("timeline".into(), toml::Value::Array(Vec::new()));
    }
    if let Err(p) = deserialize_at::<RawScenario>(toml::Value::Table(shallow), &top) {
        out.push(p);
    }
    let mut each = |section: &str, f: &dyn Fn(toml::Value, &FieldPath) -> Result<(), Problem>| {
        if let Some(toml::Value::Table(t)) = root.get(section) {
            for (k, v) in t {
                if let Err(p) = f(v.clone(), &top.key(section).key(k)) {
                    out.push(p);
                }
            }
        }
    };
    each("population", &|v, p| {
        deserialize_at::<RawPopulation>(v, p).map(drop)
    });
    each("site", &|v, p| deserialize_at::<RawSite>(v, p).map(drop));
    each("migration", &|v, p| {
        deserialize_at::<RawMigration>(v, p).map(drop)
    });
    each("flow", &|v, p| deserialize_at::<RawFlow>(v, p).map(drop));
    each("staff", &|v, p| deserialize_at::<RawStaff>(v, p).map(drop));
    each("control", &|v, p| {
        let kind = v.get("kind").and_then(|k| k.as_str()).map(str::to_string);
        deserialize_at::<RawControl>(v, p)
            .map(drop)
            .map_err(|e| for_control_kind(e, kind.as_deref()))
    });
    each("regulator", &|v, p| {
        deserialize_at::<RawRegulator>(v, p).map(drop)
    });
    each("ban", &|v, p| deserialize_at::<RawBan>(v, p).map(drop));
    each("ownership", &|v, p| {
        deserialize_at::<RawOwnership>(v, p).map(drop)
    });
    each("decision", &|v, p| {
        deserialize_at::<RawDecision>(v, p).map(drop)
    });
    for (s, check) in [
        (
            "finance",
            (|v, p: &FieldPath| deserialize_at::<RawFinance>(v, p).map(drop)) as fn(_, &_) -> _,
        ),
        ("category_weights", |v, p| {
            deserialize_at::<RawCategoryWeights>(v, p).map(drop)
        }),
    ] {
        if let Some(v @ toml::Value::Table(_)) = root.get(s) {
            if let Err(p) = check(v.clone(), &top.key(s)) {
                out.push(p);
            }
        }
    }
    if let Some(toml::Value::Array(items)) = root.get("timeline") {
        for (i, v) in items.iter().enumerate() {
            if let Err(p) =
                deserialize_at::<RawTimelineEvent>(v.clone(), &top.key("timeline").index(i))
            {
                out.push(p);
            }
        }
    }
    out
}

/// The fields a control of `kind` takes: those of every kind, then its own.
fn control_fields(kind: &str) -> Option<Vec<&'static str>> {
    const EVERY: [&str; 9] = [
        "kind",
        "start",
        "end",
        "staff_jurisdictions",
        "staff",
        "populations",
        "currency",
        "annual_cost",
        "incremental",
    ];
    let own: &[&str] = match kind {
        "deny" => &["cost_per_blocked_session"],
        "gateway" => &["masks", "reid_probability", "flow_pass_share"],
        "approval" => &[
            "reviewers",
            "review_days",
            "approval_probability",
            "patience_days",
            "cost_per_blocked_session",
            "cost_per_delay_day",
        ],
        "monitor" => &["detect_probability", "detection_delay_days"],
        _ => return None,
    };
    Some(EVERY.iter().chain(own).copied().collect())
}

/// An unknown field of a control, with the valid fields of its own kind only.
fn for_control_kind(mut p: Problem, kind: Option<&str>) -> Problem {
    if let (Some(name), Some(kind)) = (&p.unknown_key, kind) {
        if let Some(fields) = control_fields(kind) {
            let hint = suggestion(name, fields.into_iter())
                .replace("(valid: ", &format!("(valid for a {kind} control: "));
            p.message = format!("unknown field `{name}` in `{}`{hint}", p.path);
        }
    }
    p
}

/// Parses a TOML string as a complete scenario with no file behind it (for tests and fuzzing).
pub fn parse_str(text: &str) -> Result<RawScenario, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    RawScenario::deserialize(toml::Value::Table(table)).map_err(|e| e.message().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "start = \"2024-01-01\"\nend = \"2024-12-31\"\n\
        [population.eu]\nhome = \"EU\"\nenclave = [\"IE\"]\nusers = 1000\n\
        data_per_user_mb = 1\nplacement = { dublin = 1.0 }\n\
        [site.dublin]\njurisdiction = \"IE\"\ncapacity_pb = 1\n";

    /// The diagnostics of `text` (one file), as `line:col: message`.
    fn problems(text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        let err = load(&path).expect_err("refused");
        err.iter()
            .map(|d| {
                let (l, c) = d.location.unwrap_or((0, 0));
                format!("{l}:{c}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn an_entity_name_with_a_path_separator_is_refused_at_its_key() {
        let text = VALID.replace("[site.dublin]", "[site.\"../dublin\"]");
        let p = problems(&text);
        assert!(
            p.iter()
                .any(|m| m.starts_with("9:7: site name `../dublin` is not allowed")),
            "{p:?}"
        );
    }

    #[test]
    fn absurd_magnitudes_name_the_field_and_the_range() {
        let p = problems(&VALID.replace("users = 1000", "users = 9e18"));
        assert_eq!(
            p,
            ["6:9: field `population.eu.users` is out of range: allowed 0 to 1e10, got 9e18"]
        );
        let p = problems(&VALID.replace("capacity_pb = 1\n", "capacity_pb = 1e300\n"));
        assert!(p[0].contains("allowed 0 to 1e15, got 1e300"), "{p:?}");
    }

    #[test]
    fn past_a_hundred_problems_the_rest_are_counted() {
        let list: Vec<String> = (0..500).map(|i| format!("\"bad code {i}\"")).collect();
        let text = VALID.replace("[\"IE\"]", &format!("[{}]", list.join(", ")));
        let p = problems(&text);
        assert_eq!(p.len(), build::MAX_DIAGNOSTICS + 1);
        assert!(
            p[build::MAX_DIAGNOSTICS].contains("400 more problems not shown"),
            "{p:?}"
        );
    }

    #[test]
    fn serde_messages_become_field_messages() {
        let p = explain_serde(
            FieldPath::parse("staff.cn"),
            "unknown field `headcont`, expected one of `jurisdiction`, `headcount`",
        );
        assert_eq!(p.unknown_key.as_deref(), Some("headcont"));
        assert!(p.message.contains("`staff.cn`"), "{}", p.message);
        // As serde_path_to_error reports it: the path ends with the unknown key.
        let q = explain_serde(
            FieldPath::parse("staff.cn.headcont"),
            "unknown field `headcont`, expected one of `jurisdiction`, `headcount`",
        );
        assert_eq!(q.path, FieldPath::parse("staff.cn"));
        assert!(q.message.contains("in `staff.cn`;"), "{}", q.message);
        assert!(
            p.message.contains("did you mean `headcount`"),
            "{}",
            p.message
        );
    }

    #[test]
    fn integer_ranges_are_spelled_out() {
        let p = explain_serde(
            FieldPath::parse("control.gate.reviewers"),
            "invalid value: integer `-1`, expected u32",
        );
        assert_eq!(
            p.message,
            "field `control.gate.reviewers`: invalid value: integer `-1`, expected a whole number from 1 to 100000"
        );
        let p = explain_serde(
            FieldPath::parse("replications"),
            "invalid type: floating point `1e12`, expected u64",
        );
        assert!(
            p.message
                .ends_with("expected a whole number from 1 to 10000000"),
            "{}",
            p.message
        );
        let p = explain_serde(
            FieldPath::parse("seed"),
            "invalid value: integer `-1`, expected u64",
        );
        assert!(
            p.message.ends_with("from 0 to 18446744073709551615"),
            "{}",
            p.message
        );
    }

    #[test]
    fn the_fields_of_each_control_kind_are_exactly_the_controls_fields() {
        // serde lists every field of a control in its unknown-field message.
        let v: toml::Value = toml::from_str("kind = \"deny\"\nzzz = 1\n").unwrap();
        let Err(e) = deserialize_at::<RawControl>(v, &FieldPath::parse("control.x")) else {
            panic!("zzz accepted");
        };
        let mut all: Vec<&str> = ["deny", "gateway", "approval", "monitor"]
            .iter()
            .flat_map(|k| control_fields(k).unwrap())
            .collect();
        all.sort();
        all.dedup();
        let listed = e
            .message
            .split("(valid: ")
            .nth(1)
            .unwrap()
            .trim_end_matches(')');
        let mut listed: Vec<&str> = listed.split(", ").collect();
        listed.sort();
        assert_eq!(all, listed);
        let p = for_control_kind(e, Some("deny"));
        assert!(
            p.message
                .contains("(valid for a deny control: kind, start,"),
            "{}",
            p.message
        );
        assert!(!p.message.contains("reviewers"), "{}", p.message);
    }
}
