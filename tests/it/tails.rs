//! Tails and intervals through the binary: expected shortfall is the empirical tail mean of the
//! replications written, and a paired fines difference never has a zero-width interval.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::repo;

/// Every column of a `replications.csv`, by header.
fn columns(path: &Path) -> Vec<(String, Vec<f64>)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut cols: Vec<(String, Vec<f64>)> = names.into_iter().map(|n| (n, Vec::new())).collect();
    for rec in r.records() {
        for (c, f) in cols.iter_mut().zip(rec.unwrap().iter()) {
            c.1.push(f.parse().unwrap());
        }
    }
    cols
}

/// The mean of the worst (1 − α)n values, adding them one at a time from the top.
fn tail_mean(values: &[f64], alpha: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    let total = (1.0 - alpha) * v.len() as f64;
    let (mut left, mut sum) = (total, 0.0);
    for x in v {
        let w = left.min(1.0);
        sum += w * x;
        left -= w;
        if left <= 0.0 {
            break;
        }
    }
    sum / total
}

#[test]
fn expected_shortfall_is_the_tail_mean_of_the_replications_on_every_shipped_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    // 101 replications: the worst 5.05 and 1.01 values, so the boundary value is weighted.
    Command::cargo_bin("regsim")
        .unwrap()
        .args(["run", "--replications", "101", "--no-charts", "--out"])
        .arg(tmp.path())
        .arg(repo("scenarios"))
        .assert()
        .code(predicates::ord::lt(4));
    let mut checked = 0;
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("summary.json").is_file() {
            continue;
        }
        let summary: Value =
            serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        for (name, values) in columns(&dir.join("replications.csv")).iter().skip(1) {
            let m = &summary["metrics"][name];
            for (key, alpha) in [("es95", 0.95), ("es99", 0.99)] {
                let (got, want) = (m[key].as_f64().unwrap(), tail_mean(values, alpha));
                assert!(
                    (got - want).abs() <= 1e-12 * want.abs(),
                    "{}: {name} {key} {got} vs {want}",
                    dir.display()
                );
            }
            assert!(m["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "es99_tail_under_10"));
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} metrics checked");
}

#[test]
fn a_paired_fines_difference_never_has_a_zero_width_interval() {
    let tmp = tempfile::tempdir().unwrap();
    for seed in ["7", "1", "2", "3"] {
        let out = tmp.path().join(seed);
        Command::cargo_bin("regsim")
            .unwrap()
            .arg("diff")
            .args([
                repo("scenarios/dsa_scrutiny.toml"),
                repo("scenarios/eu_combined.toml"),
            ])
            .args([
                "--replications",
                "50",
                "--seed",
                seed,
                "--no-charts",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        let dir = out.join("diff_eu_combined_vs_dsa_scrutiny");
        let mut r = csv::Reader::from_path(dir.join("diff.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let (lo, hi, flags, k) = (
            col("diff_ci95_lo"),
            col("diff_ci95_hi"),
            col("flags"),
            col("diff_nonzero"),
        );
        let mut fines = 0;
        for rec in r.records().map(Result::unwrap) {
            if !rec[0].starts_with("cost.fines") {
                continue;
            }
            fines += 1;
            if rec[lo].is_empty() {
                assert!(
                    rec[flags].contains("all_equal") && rec[hi].is_empty(),
                    "{rec:?}"
                );
                assert!(rec[k].parse::<usize>().is_ok(), "{rec:?}");
            } else {
                let (a, b): (f64, f64) = (rec[lo].parse().unwrap(), rec[hi].parse().unwrap());
                assert!(a < b, "seed {seed}: zero-width interval {rec:?}");
            }
        }
        assert!(fines >= 2, "seed {seed}: {fines} fines rows");
    }
}
