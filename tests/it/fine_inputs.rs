//! The regulators' draws in `inputs.csv` (issue 29, item 6): every column name is a parameter
//! path without spaces, each case that can draw a fine records its first drawn fine's share of
//! the legal maximum and factor, on `dsa_scrutiny` those track the fines they set, and
//! `regsim discover` picks them out as what drives a case's fines.

use std::path::Path;

use crate::common::{regsim, repo};

fn csv_columns(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<f64> {
    let j = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column `{name}` in {header:?}"));
    rows.iter().map(|r| r[j].parse().unwrap()).collect()
}

/// Spearman's rank correlation (no ties expected in continuous draws and fines).
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let rank = |v: &[f64]| {
        let mut o: Vec<usize> = (0..v.len()).collect();
        o.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in o.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (ra, rb) = (rank(a), rank(b));
    let m = (a.len() as f64 - 1.0) / 2.0;
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - m) * (y - m)).sum();
    let var: f64 = ra.iter().map(|x| (x - m).powi(2)).sum();
    cov / var
}

#[test]
fn dsa_scrutiny_inputs_hold_each_cases_fine_draws_and_discover_finds_them() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .arg(repo("scenarios/dsa_scrutiny.toml"))
        .args(["--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("dsa_scrutiny");
    let (names, inputs) = csv_columns(&dir.join("inputs.csv"));
    for n in &names {
        assert!(
            !n.chars().any(char::is_whitespace) && !n.is_empty(),
            "`{n}` is not a space-free name"
        );
    }
    // The hazards fitted by calibrate (Gamma posteriors) are drawn quantities already; every
    // case of both regulators adds its first fine's share of the maximum and factor.
    assert!(names
        .iter()
        .any(|n| n == "regulator.irish_dpc.case.storage.transition[0].per_year"));
    for case in [
        "dsa_commission.case.ads",
        "dsa_commission.case.minors",
        "irish_dpc.case.children",
        "irish_dpc.case.storage",
        "irish_dpc.case.transfers",
    ] {
        for field in ["share_of_max", "factor"] {
            let n = format!("regulator.{case}.fine.{field}");
            assert!(names.contains(&n), "no `{n}`");
        }
    }
    let share = column(
        &names,
        &inputs,
        "regulator.irish_dpc.case.storage.fine.share_of_max",
    );
    let factor = column(
        &names,
        &inputs,
        "regulator.irish_dpc.case.storage.fine.factor",
    );
    assert!(share.iter().all(|s| (0.0..=1.0).contains(s)));
    // FACTS-free check of the ranges written in base/eu_regulators.toml: uniform 0.6–1.4.
    assert!(factor.iter().all(|f| (0.6..1.4).contains(f)));
    // Where the storage case fined once, its fine follows share × factor (the gravity, read
    // from the simulated exposure, moves it too): ρ = 0.95 measured at 1,000 replications.
    let (reps_h, reps) = csv_columns(&dir.join("replications.csv"));
    let count = column(&reps_h, &reps, "regulatory.fines.irish_dpc.storage");
    let fines = column(&reps_h, &reps, "cost.fines.irish_dpc.storage");
    let once: Vec<usize> = (0..count.len()).filter(|&r| count[r] == 1.0).collect();
    assert!(once.len() > 300, "{} replications fined once", once.len());
    let f: Vec<f64> = once.iter().map(|&r| fines[r]).collect();
    let x: Vec<f64> = once.iter().map(|&r| share[r] * factor[r]).collect();
    let rho = spearman(&f, &x);
    assert!(rho > 0.85, "ρ(fine, share × factor) = {rho}");
    // Discovery over inputs.csv: the box that holds the large storage fines restricts the
    // case's own share of the maximum.
    regsim()
        .arg("discover")
        .arg(&dir)
        .args([
            "--metric",
            "cost.fines.irish_dpc.storage",
            "--above",
            "1e9",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let boxes = std::fs::read_to_string(
        tmp.path()
            .join("discover_cost.fines.irish_dpc.storage/boxes.csv"),
    )
    .unwrap();
    assert!(
        boxes.lines().any(|l| l
            .starts_with("1,regulator.irish_dpc.case.storage.fine.share_of_max,")
            && l.ends_with(",yes")),
        "box 1 does not restrict the storage case's share of the maximum:\n{boxes}"
    );
}
