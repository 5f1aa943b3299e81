//! Common random numbers between scenarios: every block draws from its own stream, so blocks
//! two scenarios share draw the same numbers in both, replication by replication. Each test
//! runs the binary on shipped scenario files (copied into a temporary folder, with small
//! variants written beside them) and compares `replications.csv` column by column.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

use crate::common::repo;

/// A temporary copy of `scenarios/` (without sweeps).
fn scenarios() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "base"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(repo("scenarios").join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// Runs `files` (names in `dir`) and returns each one's `replications.csv` by column.
fn run(dir: &Path, files: &[&str], reps: u32) -> Vec<BTreeMap<String, Vec<f64>>> {
    let out = dir.join("out");
    let mut cmd = Command::cargo_bin("regsim").unwrap();
    cmd.arg("run");
    for f in files {
        cmd.arg(dir.join(f));
    }
    cmd.args([
        "--replications",
        &reps.to_string(),
        "--seed",
        "7",
        "--no-charts",
    ])
    .arg("--out")
    .arg(&out)
    .assert()
    .success();
    files
        .iter()
        .map(|f| {
            columns(
                &out.join(f.trim_end_matches(".toml"))
                    .join("replications.csv"),
            )
        })
        .collect()
}

/// A CSV of numbers by column.
fn columns(path: &Path) -> BTreeMap<String, Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in lines {
        for (h, v) in header.iter().zip(line.split(',')) {
            cols.entry(h.clone()).or_default().push(v.parse().unwrap());
        }
    }
    cols
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// `base/eu_regulators.toml` with every driver removed: no regulator's hazards, exits or fine
/// gravity depend on what the simulation produces.
fn regulators_without_drivers(dir: &Path) {
    let path = dir.join("base/eu_regulators.toml");
    let mut doc: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let mut removed = 0;
    for (_, reg) in doc["regulator"].as_table_mut().unwrap().iter_mut() {
        let reg = reg.as_table_mut().unwrap();
        removed += usize::from(reg.remove("drivers").is_some());
        if let Some(fine) = reg.get_mut("fine").and_then(|f| f.as_table_mut()) {
            removed += usize::from(fine.remove("gravity").is_some());
        }
        // The regulator itself (without cases) and each of its cases.
        removed += strip_transitions(reg);
        let cases = reg.get_mut("case").and_then(|c| c.as_table_mut());
        for (_, chain) in cases.into_iter().flat_map(|c| c.iter_mut()) {
            let chain = chain.as_table_mut().unwrap();
            removed += usize::from(chain.remove("gravity").is_some());
            if let Some(o) = chain.get_mut("opens").and_then(|o| o.as_table_mut()) {
                removed += usize::from(o.remove("drivers").is_some());
            }
            removed += strip_transitions(chain);
        }
    }
    assert!(
        removed >= 3,
        "the shipped regulators have drivers to remove"
    );
    std::fs::write(dir.join("base/eu_regulators_fixed.toml"), doc.to_string()).unwrap();
}

/// Removes the drivers of `chain`'s transitions; how many it removed.
fn strip_transitions(chain: &mut toml::Table) -> usize {
    chain
        .get_mut("transition")
        .and_then(|t| t.as_array_mut())
        .into_iter()
        .flatten()
        .map(|t| usize::from(t.as_table_mut().unwrap().remove("drivers").is_some()))
        .sum()
}

#[test]
fn regulators_without_drivers_draw_the_same_whatever_the_data_handling() {
    let dir = scenarios();
    regulators_without_drivers(dir.path());
    for (name, of) in [
        ("clover_r", "clover.toml"),
        ("status_quo_r", "eu_status_quo.toml"),
    ] {
        let text = format!("extends = [\"{of}\", \"base/eu_regulators_fixed.toml\"]\n");
        std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
    }
    let r = run(dir.path(), &["clover_r.toml", "status_quo_r.toml"], 40);
    let (clover, status_quo) = (&r[0], &r[1]);
    let regulator_columns: Vec<&String> = clover
        .keys()
        .filter(|k| k.starts_with("regulatory.") || k.as_str() == "cost.fines")
        .collect();
    assert!(regulator_columns.len() >= 9, "{regulator_columns:?}");
    for k in regulator_columns {
        assert_eq!(clover[k], status_quo[k], "{k} differs");
    }
    // The data handling does differ: the same regulators see different exposure.
    assert_ne!(
        clover["exposure.records_visible"],
        status_quo["exposure.records_visible"]
    );
}

/// Correlations measured at 1,000 replications, seed 20230308 (the scenarios' own), with
/// `regsim run scenarios/eu_combined.toml scenarios/dsa_scrutiny.toml`: of `cost.fines`, and of
/// the DSA Commission's first decision day in the researcher-access case. (0.003 for the fines
/// when all blocks shared one interleaved stream; 0.808 with one chain per regulator, before
/// cases; 0.909 with cases, before courts, whose appealed fines are booked when final or not at
/// all.) Re-measure when the regulators change.
const FINES_RHO: f64 = 0.8888;
const DECISION_DAY_RHO: f64 = 0.9990;

/// Standard errors of Fisher's z = atanh(r) of the fines' correlation, by bootstrap (2,000
/// resamples of the measured 1,000 pairs): of a correlation of 200 pairs, and of the measured
/// one. The fines are heavy-tailed (a few large DPC fines in both scenarios carry the
/// correlation), so these are four times the 1/√(n − 3) Fisher's z assumes of normal pairs
/// (0.071 and 0.032); other seeds' 1,000 replications measure 0.901 (seed 7), 0.942 (11) and
/// 0.958 (12345), within this spread.
const FINES_Z_SE_200: f64 = 0.281;
const FINES_Z_SE_MEASURED: f64 = 0.123;

/// The same correlation at this test's own run (200 replications, seed 7), pinned to 1e-4:
/// the band above lets a pairing that has merely weakened pass (0.46 is inside it), this does
/// not — any change to what the two scenarios draw moves it (re-measure with the constants
/// above when the regulators change on purpose).
const FINES_RHO_SEED_7_200: f64 = 0.8998;

/// Whether correlation `rho` of 200 pairs is within 3 standard errors of `measured` on
/// Fisher's z.
fn consistent(rho: f64, measured: f64) -> bool {
    let se = FINES_Z_SE_200.hypot(FINES_Z_SE_MEASURED);
    (rho.atanh() - measured.atanh()).abs() <= 3.0 * se
}

#[test]
fn with_drivers_fines_stay_paired_at_their_measured_correlation() {
    // At 200 replications of another seed the 3-SE band on z is ±0.92: for the fines (0.889)
    // a correlation of 0.46 to 0.98, so losing the pairing (0.003 with one interleaved
    // stream) fails; seed 7 measures 0.900.
    let dir = scenarios();
    let r = run(dir.path(), &["eu_combined.toml", "dsa_scrutiny.toml"], 200);
    let rho = correlation(&r[0]["cost.fines"], &r[1]["cost.fines"]);
    assert!(
        consistent(rho, FINES_RHO),
        "correlation of cost.fines {rho}, measured {FINES_RHO}"
    );
    assert!(
        (rho - FINES_RHO_SEED_7_200).abs() < 1e-4,
        "correlation of cost.fines at 200 replications, seed 7: {rho}, pinned \
         {FINES_RHO_SEED_7_200}"
    );
    // The decision day is censored at the horizon (about half the replications never reach
    // it), an atom Fisher's z does not allow for: 0.999 at 1,000 replications (0.954 before
    // exits by inverse cumulative hazard). Asserted at that less 0.05, not at a band.
    let day = "regulatory.dsa_commission.researcher_access.decision.first_day";
    let rho = correlation(&r[0][day], &r[1][day]);
    assert!(
        rho > DECISION_DAY_RHO - 0.05,
        "correlation of {day} {rho}, measured {DECISION_DAY_RHO}"
    );
}

#[test]
fn an_unrelated_staff_group_or_gate_leaves_other_groups_draws_unchanged() {
    let dir = scenarios();
    // A new group that sorts first, reading EU data from the EU (not exposure), behind its own
    // approval gate; and a group whose misuse a monitor watches.
    let extra = r#"extends = "clover.toml"
[staff.aaa_new_team]
jurisdiction = "IE"
headcount = 100
sessions_per_person_day = { dist = "lognormal", median = 3, p90 = 9 }
records_per_session = { dist = "lognormal", median = 5, p90 = 50 }
populations = ["eu"]
categories = ["identifiers", "behavioural"]
misuse_share = 0
[control.aaa_new_gate]
kind = "approval"
staff = ["aaa_new_team"]
reviewers = 2
review_days = { dist = "exponential", mean = 0.01 }
"#;
    std::fs::write(dir.path().join("clover_plus.toml"), extra).unwrap();
    let r = run(dir.path(), &["clover.toml", "clover_plus.toml"], 30);
    let (before, after) = (&r[0], &r[1]);
    for k in [
        "exposure.records_visible",
        "exposure.records_masked",
        "exposure.records_reidentifiable",
        "exposure.users_distinct",
        "incidents.misuse",
        "incidents.detected",
        "incidents.detection_delay_days",
        "access.abandoned",
        "cost.total",
    ] {
        assert_eq!(before[k], after[k], "{k} changed");
    }
    assert!(
        after["access.sessions"]
            .iter()
            .zip(&before["access.sessions"])
            .all(|(a, b)| a > b),
        "the new group's sessions are counted"
    );
}

#[test]
fn an_uncertain_cost_in_one_block_leaves_every_other_draw_unchanged() {
    let dir = scenarios();
    // The migration's cost per PB becomes uncertain; the same block draws its rate, and every
    // site draws its capex overrun.
    let overrun = r#"extends = "clover.toml"
[migration.eu_enclave]
cost_per_pb = { dist = "lognormal", p5 = 1e6, p95 = 4e6 }
"#;
    std::fs::write(dir.path().join("clover_overrun.toml"), overrun).unwrap();
    let r = run(dir.path(), &["clover.toml", "clover_overrun.toml"], 30);
    let (before, after) = (&r[0], &r[1]);
    let moved = [
        "cost.migration",
        "cost.one_off",
        "cost.total",
        "cost.total_npv",
        "cost.incremental",
    ];
    for (k, v) in before {
        if moved.contains(&k.as_str()) {
            assert_ne!(&after[k], v, "{k} did not change");
        } else {
            assert_eq!(&after[k], v, "{k} changed");
        }
    }
    let inputs = |name: &str| columns(&dir.path().join("out").join(name).join("inputs.csv"));
    let (before, after) = (inputs("clover"), inputs("clover_overrun"));
    assert!(before.contains_key("site.kouvola.capex"));
    for (k, v) in &before {
        assert_eq!(&after[k], v, "input {k} changed");
    }
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains_key("migration.eu_enclave.cost_per_pb"));
}
