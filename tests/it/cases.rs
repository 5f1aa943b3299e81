//! Regulator cases and infringement periods (issue 25), through the binary: adding a case leaves
//! every other case's draws, fines and milestones byte-identical; remediation after an
//! infringement period takes off at most the case's `remediation_weight` of the gravity its
//! conduct sets; on the same draws a graver case never gets a smaller fine and a case whose
//! hazards are all higher never reaches a state later.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use crate::common::{enforcement_world, regsim};

/// The shared enforcement world (seed 25, 200 China-based staff) with `regulators` appended.
fn world(regulators: &str) -> String {
    enforcement_world(25, 200, regulators)
}

/// A case `name` of regulator `reg`: inquiry → decision (a fine) → inquiry, hazards times
/// `k`, plus `extra` lines in the case's table.
fn case(reg: &str, name: &str, k: f64, extra: &str) -> String {
    format!(
        r#"[regulator.{reg}.case.{name}]
initial = "inquiry"
{extra}
[regulator.{reg}.case.{name}.state.inquiry]
milestone = true
[regulator.{reg}.case.{name}.state.decision]
fine = true
milestone = true
[[regulator.{reg}.case.{name}.transition]]
from = "inquiry"
to = "decision"
per_year = {}
[[regulator.{reg}.case.{name}.transition]]
from = "decision"
to = "inquiry"
per_year = {}
"#,
        0.8 * k,
        2.0 * k
    )
}

/// Regulator `reg`'s shared tables: a fine of gravity by users (distinct users read so far,
/// or first read in the period) and PB readable, hazards by records read.
fn regulator(reg: &str, gravity: f64, hazard_drivers: bool) -> String {
    regulator_with(reg, (0.2 * gravity, 0.5 * gravity), hazard_drivers)
}

/// [`regulator`] with gravity coefficients (users, PB readable).
fn regulator_with(reg: &str, (users, pb): (f64, f64), hazard_drivers: bool) -> String {
    let drivers = if hazard_drivers {
        format!("[regulator.{reg}.drivers]\nrecords_millions = 0.05\n")
    } else {
        String::new()
    };
    format!(
        r#"[regulator.{reg}]
staff_jurisdictions = ["CN"]
[regulator.{reg}.fine]
max_share_of_turnover = 0.04
seriousness = [0.8, 0.15, 0.05]
factor = {{ dist = "uniform", min = 0.8, max = 1.2 }}
gravity = {{ users_millions = {users}, pb_accessible = {pb} }}
{drivers}"#
    )
}

/// Runs `scenarios` (name, text) together at `reps` replications; each one's
/// `replications.csv` by column.
fn run(dir: &Path, scenarios: &[(&str, String)], reps: u32) -> Vec<BTreeMap<String, Vec<f64>>> {
    let mut cmd = regsim();
    cmd.arg("run");
    for (name, text) in scenarios {
        let p = dir.join(format!("{name}.toml"));
        std::fs::write(&p, text).unwrap();
        cmd.arg(&p);
    }
    let out = dir.join("out");
    cmd.args(["--replications", &reps.to_string(), "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    scenarios
        .iter()
        .map(|(name, _)| {
            let csv = std::fs::read_to_string(out.join(name).join("replications.csv")).unwrap();
            let mut lines = csv.lines();
            let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
            let mut cols: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for line in lines {
                for (h, v) in header.iter().zip(line.split(',')) {
                    cols.entry(h.clone()).or_default().push(v.parse().unwrap());
                }
            }
            cols
        })
        .collect()
}

#[test]
fn adding_a_case_leaves_every_other_cases_fines_and_milestones_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    // `zzz` is a regulator without cases beside the one with cases.
    let zzz = r#"[regulator.zzz]
staff_jurisdictions = ["CN"]
initial = "inquiry"
[regulator.zzz.fine]
max_share_of_turnover = 0.04
gravity = { users_millions = 0.2 }
[regulator.zzz.state.inquiry]
[regulator.zzz.state.decision]
fine = true
milestone = true
[[regulator.zzz.transition]]
from = "inquiry"
to = "decision"
per_year = 1.0
[[regulator.zzz.transition]]
from = "decision"
to = "inquiry"
per_year = 2.0
"#;
    let shared = format!(
        "{}{}{}",
        regulator("dpc", 1.0, true),
        case("dpc", "alpha", 1.0, ""),
        case("dpc", "gamma", 1.5, ""),
    );
    // The new case sorts between the two others, opens at a hazard driven by exposure and
    // fines from its own infringement period.
    let beta = case(
        "dpc",
        "beta",
        2.0,
        "opens = { per_year = 0.5, drivers = { pb_accessible = 0.2 } }\ninfringement = { look_back_days = 200, remediation_weight = 0.5 }\ninaccurate_information = 0.3",
    );
    let base = world(&format!("{shared}{zzz}"));
    let more = world(&format!("{shared}{zzz}{beta}"));
    let r = run(tmp.path(), &[("base", base), ("more", more)], 200);
    let (base, more) = (&r[0], &r[1]);
    let compared: Vec<&String> = base
        .keys()
        .filter(|k| {
            k.starts_with("cost.fines.dpc.")
                || k.starts_with("regulatory.dpc.alpha.")
                || k.starts_with("regulatory.dpc.gamma.")
                || k.starts_with("regulatory.zzz.")
                || k.as_str() == "cost.fines.zzz"
        })
        .collect();
    assert!(compared.len() >= 8, "{compared:?}");
    for k in compared {
        assert_eq!(base[k], more[k], "{k} changed when a case was added");
    }
    // The new case does fine, so the regulator's total moves.
    assert!(more["cost.fines.dpc.beta"].iter().any(|f| *f > 0.0));
    assert_ne!(base["cost.fines.dpc"], more["cost.fines.dpc"]);
    // Breakdowns add up: the cases to their regulator, the regulators to the metric.
    for (rep, total) in more["cost.fines"].iter().enumerate() {
        let dpc: f64 = ["alpha", "beta", "gamma"]
            .iter()
            .map(|c| more[&format!("cost.fines.dpc.{c}")][rep])
            .sum();
        let tol = 1e-9 * total.max(1.0);
        assert!(
            (dpc - more["cost.fines.dpc"][rep]).abs() <= tol,
            "rep {rep}"
        );
        let both = more["cost.fines.dpc"][rep] + more["cost.fines.zzz"][rep];
        assert!((both - total).abs() <= tol, "rep {rep}");
    }
}

/// A regulator whose one case judges the conduct of 2023 (infringement period) and decides
/// at random from 2025; `deny` switches China-based access off on 2024-01-01 (remediation).
fn remediation_world(weight: f64, gravity: f64, period: bool, deny: bool) -> String {
    let infringement = if period {
        format!(
            "infringement = {{ from = \"2023-01-01\", until = \"2023-12-31\", remediation_weight = {weight} }}"
        )
    } else {
        String::new()
    };
    // A control only the remedied worlds have (a control no event switches on is on from
    // the start).
    let deny = if deny {
        "[control.deny_cn]\nkind = \"deny\"\nstaff_jurisdictions = [\"CN\"]\n[[timeline]]\ndate = \"2024-01-01\"\nkind = \"control_on\"\ncontrol = \"deny_cn\"\n"
    } else {
        ""
    };
    // Gravity by PB readable alone: users read so far never fall, so remediation cannot
    // erase them even on the fine's day.
    world(&format!(
        "{}{}",
        regulator_with("dpc", (0.0, 2.0 * gravity), false),
        case(
            "dpc",
            "transfers",
            1.0,
            &format!("history_until = \"2025-01-01\"\n{infringement}")
        ),
    )) + deny
}

#[test]
fn remediation_after_the_infringement_period_lowers_its_gravity_only_by_the_weight() {
    let tmp = tempfile::tempdir().unwrap();
    let w = 0.4;
    let r = run(
        tmp.path(),
        &[
            ("full", remediation_world(0.0, 1.0, true, false)),
            ("unweighted", remediation_world(0.0, 1.0, true, true)),
            ("remedied", remediation_world(w, 1.0, true, true)),
            ("floor", remediation_world(0.0, 1.0 - w, true, false)),
            ("no_period", remediation_world(w, 1.0, false, true)),
        ],
        200,
    );
    let fines = |i: usize| &r[i]["cost.fines"];
    let (full, unweighted, remedied, floor, no_period) =
        (fines(0), fines(1), fines(2), fines(3), fines(4));
    assert!(full.iter().filter(|f| **f > 0.0).count() > 100);
    // Without a weight, remediation after the period changes nothing: the same fines.
    assert_eq!(unweighted, full);
    let tol = |x: f64| 1e-9 * x.max(1.0);
    let mut mitigated = 0;
    for rep in 0..full.len() {
        // Never below the period's conduct less the weight (gravity × (1 − w) on the
        // period's drivers), never above the period's full gravity.
        assert!(remedied[rep] + tol(floor[rep]) >= floor[rep], "rep {rep}");
        assert!(remedied[rep] <= full[rep] + tol(full[rep]), "rep {rep}");
        mitigated += usize::from(remedied[rep] < full[rep]);
    }
    assert!(mitigated > 50, "the weight mitigates: {mitigated}");
    // Reading the drivers on the fine's day instead (no period) lets remediation erase most
    // of the gravity: below the floor in many replications.
    let below = (0..full.len())
        .filter(|&rep| no_period[rep] + tol(floor[rep]) < floor[rep])
        .count();
    assert!(below > 50, "{below}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// On the same draws, a case with more gravity (inaccurate information) never gets a
    /// smaller fine, and one whose hazards are all k ≥ 1 times higher never reaches a state
    /// later; the other case is unchanged by either.
    #[test]
    fn a_graver_case_never_fines_less_and_a_faster_case_never_arrives_later(
        extra in 0.05f64..2.0,
        k in 1.0f64..3.0,
        gravity in 0.0f64..2.0,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let other = case("dpc", "other", 1.0, "");
        let make = |k: f64, info: f64| {
            world(&format!(
                "{}{}{}",
                regulator("dpc", gravity, true),
                other,
                case("dpc", "subject", k, &format!("inaccurate_information = {info}"))
            ))
        };
        let r = run(
            tmp.path(),
            &[("low", make(1.0, 0.1)), ("grave", make(1.0, 0.1 + extra)), ("fast", make(k, 0.1))],
            60,
        );
        let (low, grave, fast) = (&r[0], &r[1], &r[2]);
        let fine = "cost.fines.dpc.subject";
        for rep in 0..low[fine].len() {
            prop_assert!(grave[fine][rep] >= low[fine][rep], "rep {}", rep);
        }
        prop_assert!((0..low[fine].len()).any(|rep| grave[fine][rep] > low[fine][rep]));
        let day = "regulatory.dpc.subject.decision.first_day";
        for rep in 0..low[day].len() {
            prop_assert!(fast[day][rep] <= low[day][rep], "rep {}", rep);
        }
        for m in ["cost.fines.dpc.other", "regulatory.dpc.other.decision.first_day"] {
            prop_assert_eq!(&grave[m], &low[m]);
            prop_assert_eq!(&fast[m], &low[m]);
        }
    }
}
