//! Common random numbers between scenarios: every block draws from its own stream, so blocks
//! two scenarios share draw the same numbers in both, replication by replication. Each test
//! runs the binary on shipped scenario files (copied into a temporary folder, with small
//! variants written beside them) and compares `replications.csv` column by column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

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
        for t in reg
            .get_mut("transition")
            .and_then(|t| t.as_array_mut())
            .into_iter()
            .flatten()
        {
            removed += usize::from(t.as_table_mut().unwrap().remove("drivers").is_some());
        }
    }
    assert!(
        removed >= 3,
        "the shipped regulators have drivers to remove"
    );
    std::fs::write(dir.join("base/eu_regulators_fixed.toml"), doc.to_string()).unwrap();
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
/// the DSA Commission's first decision day. (0.003 for the fines when all blocks shared one
/// interleaved stream.) Re-measure when the regulators change.
const FINES_RHO: f64 = 0.7916;
const DECISION_DAY_RHO: f64 = 0.9989;

/// Whether correlation `rho` of `n` pairs is no more than 3 standard errors below `measured`
/// (of `measured_n` other pairs), on Fisher's z = atanh(r), whose sampling SE is 1/√(n − 3).
/// Only the lower side: a correlation above the measured one is no loss of pairing, and the
/// heavy-tailed fines vary more than Fisher's z allows (seed 7: 0.880 on its first 200
/// replications, 0.833 on 1,000, against 0.792 on seed 20230308's 1,000).
fn not_less_paired(rho: f64, n: usize, measured: f64, measured_n: usize) -> bool {
    let se = (1.0 / (n as f64 - 3.0) + 1.0 / (measured_n as f64 - 3.0)).sqrt();
    measured.atanh() - rho.atanh() <= 3.0 * se
}

#[test]
fn with_drivers_fines_stay_paired_at_their_measured_correlation() {
    // At 200 replications of another seed the 3-SE margin on z is 0.233: for the fines (0.792)
    // that is a correlation of at least 0.69, so losing half the pairing fails.
    let dir = scenarios();
    let r = run(dir.path(), &["eu_combined.toml", "dsa_scrutiny.toml"], 200);
    let rho = correlation(&r[0]["cost.fines"], &r[1]["cost.fines"]);
    assert!(
        not_less_paired(rho, 200, FINES_RHO, 1000),
        "correlation of cost.fines {rho}, measured {FINES_RHO}"
    );
    // The decision day is censored at the horizon (about half the replications never reach
    // it), an atom Fisher's z does not allow for: 0.999 at 1,000 replications (0.954 before
    // exits by inverse cumulative hazard). Asserted at that less 0.05, not at a band.
    let day = "regulatory.dsa_commission.decision.first_day";
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
