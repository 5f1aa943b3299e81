//! An output folder never mixes runs: what a run leaves beside its index is its own.

use crate::common::{regsim, repo};

fn top_level(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn one_scenario_run_into_a_folder_of_a_nine_scenario_run_leaves_no_comparison_of_nine() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    regsim()
        .arg("run")
        .arg(repo("scenarios"))
        .args(["--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = top_level(&out);
    assert!(before.contains(&"comparison.csv".to_string()), "{before:?}");
    assert!(before
        .iter()
        .any(|n| n.starts_with("comparison_") && n.ends_with(".png")));

    regsim()
        .arg("run")
        .arg(repo("scenarios/us_status_quo.toml"))
        .args(["--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    let after = top_level(&out);
    let stale: Vec<&String> = after
        .iter()
        .filter(|n| n.starts_with("comparison"))
        .collect();
    assert!(stale.is_empty(), "left from the earlier run: {stale:?}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("us_status_quo/report.html"));
    for other in ["clover", "texas", "eu_status_quo", "dsa_scrutiny"] {
        assert!(
            !index.contains(&format!("{other}/report.html")),
            "index.html links {other}, which this run did not run"
        );
    }
}

#[test]
fn a_report_against_its_baseline_says_the_cost_difference_is_incremental() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .arg(repo("scenarios/eu_status_quo.toml"))
        .arg(repo("scenarios/clover.toml"))
        .args(["--replications", "4", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let report = std::fs::read_to_string(tmp.path().join("clover/report.html")).unwrap();
    assert!(
        report.contains("this scenario's incremental"),
        "no word on incremental cost"
    );
    let alone = std::fs::read_to_string(tmp.path().join("eu_status_quo/report.html")).unwrap();
    assert!(!alone.contains("this scenario's incremental"));
}
