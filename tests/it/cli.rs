//! The binary end to end on the shipped scenarios: outputs, determinism, golden values.

use crate::common::{regsim, repo, tree};

/// Mean of a metric for a scenario in comparison.csv.
fn mean_of(comparison: &str, scenario: &str, metric: &str) -> f64 {
    comparison
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[0] == scenario && c[1] == metric)
        .unwrap_or_else(|| panic!("{scenario} {metric} missing"))[2]
        .parse()
        .unwrap()
}

#[test]
fn run_on_the_scenarios_folder_writes_every_output_and_clover_beats_the_status_quo() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let assert = regsim()
        .args([
            "run",
            repo("scenarios").to_str().unwrap(),
            "--replications",
            "40",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("clover") && stdout.contains("eu_status_quo"),
        "{stdout}"
    );
    for s in ["clover", "eu_status_quo"] {
        for f in ["summary.json", "timeseries.csv", "replications.csv"] {
            assert!(out.join(s).join(f).is_file(), "{s}/{f}");
        }
    }
    // The base file in scenarios/base/ is not a scenario of its own.
    assert!(!out.join("eu").exists());
    let cmp = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    for metric in [
        "residency.pb_days_outside",
        "exposure.records_visible",
        "transfer.pb_cross_border",
    ] {
        let (c, q) = (
            mean_of(&cmp, "clover", metric),
            mean_of(&cmp, "eu_status_quo", metric),
        );
        assert!(
            c < q,
            "{metric}: clover {c} should be below the status quo {q}"
        );
    }
    // Both pay for hosting their data wherever it sits (issue 26): the status quo pays for
    // keeping it in the US and Asia, so what Clover adds is less than its own gross cost.
    let (clover, quo) = (
        mean_of(&cmp, "clover", "cost.total"),
        mean_of(&cmp, "eu_status_quo", "cost.total"),
    );
    assert!(clover > 1e9);
    assert!(quo > 1e8, "the status quo pays for hosting: {quo}");
    assert!(clover - quo < clover);
    // The Dublin centre committed before Clover is left out of its incremental cost.
    assert!(mean_of(&cmp, "clover", "cost.incremental") < clover - 1e8);
    assert_eq!(mean_of(&cmp, "eu_status_quo", "cost.incremental"), quo);

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("clover/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"], "clover");
    assert_eq!(summary["replications"], 40);
    assert_eq!(summary["start"], "2023-01-01");
    let vis = &summary["metrics"]["exposure.records_visible"];
    for k in ["mean", "sd", "p5", "p50", "p95", "min", "max"] {
        assert!(vis[k].is_number(), "{k}");
    }
    assert!(vis["ci95"][0].as_f64().unwrap() <= vis["mean"].as_f64().unwrap());

    let ts = std::fs::read_to_string(out.join("clover/timeseries.csv")).unwrap();
    assert!(ts.starts_with("month,metric,mean,p5,p50,p95\n2023-01,exposure.records_visible,"));
    assert_eq!(
        ts.lines()
            .filter(|l| l.contains(",users.active.eu,"))
            .count(),
        96
    );
    let reps = std::fs::read_to_string(out.join("clover/replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 41);
}

#[test]
fn thread_count_does_not_change_a_single_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        regsim()
            .args([
                "run",
                repo("scenarios").to_str().unwrap(),
                "--replications",
                "24",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        trees.push(tree(&out));
    }
    assert!(trees[0].len() >= 7, "{} files", trees[0].len());
    assert!(
        trees[0] == trees[1],
        "outputs differ between --threads 1 and --threads 2"
    );
}

/// Beyond 1,000 replications the monthly bands come from the streaming estimator and the
/// replications run in several batches: still the same bytes for any thread count, and every
/// replication in `replications.csv`.
#[test]
fn many_replications_in_batches_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("decades.toml");
    std::fs::write(
        &file,
        r#"name = "decades"
start = "2024-01-01"
end = "2053-12-31"
replications = 1200
[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 2_000_000
data_per_user_mb = 500
placement = { dublin = 1.0 }
[site.dublin]
jurisdiction = "IE"
capacity_pb = 2
[staff.ops]
jurisdiction = "CN"
headcount = 2
sessions_per_person_day = 0.1
records_per_session = { dist = "lognormal", median = 10, p90 = 400 }
populations = ["eu"]
categories = ["identifiers"]
"#,
    )
    .unwrap();
    let mut trees = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        regsim()
            .args([
                "run",
                file.to_str().unwrap(),
                "--no-charts",
                "--threads",
                threads,
            ])
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        trees.push(tree(&out));
    }
    assert!(trees[0] == trees[1], "outputs differ between thread counts");
    let reps = std::fs::read_to_string(tmp.path().join("1/decades/replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 1201);
    assert!(reps.lines().last().unwrap().starts_with("1199,"));
}

/// Fixed-seed results of clover.toml. When results change on purpose, rerun with
/// `REGSIM_BLESS=1 cargo test --test cli golden` and say why in CHANGELOG.md.
#[test]
fn golden_clover_summary_is_pinned() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .args([
            "run",
            repo("scenarios/clover.toml").to_str().unwrap(),
            "--replications",
            "20",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    for f in ["summary.json", "replications.csv"] {
        let got = std::fs::read(tmp.path().join("clover").join(f)).unwrap();
        let golden = repo("tests/golden/clover").join(f);
        if std::env::var_os("REGSIM_BLESS").is_some() {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &got).unwrap();
        }
        let want = std::fs::read(&golden).expect("golden file missing: run with REGSIM_BLESS=1");
        assert!(got == want, "{f} differs from tests/golden/clover/{f}");
    }
}

#[test]
fn the_seed_flag_changes_results_and_repeats_them() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |seed: &str, dir: &str| {
        let out = tmp.path().join(dir);
        regsim()
            .args([
                "run",
                repo("scenarios/eu_status_quo.toml").to_str().unwrap(),
                "--replications",
                "5",
            ])
            .args(["--seed", seed, "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("eu_status_quo/replications.csv")).unwrap()
    };
    assert_eq!(run("7", "a"), run("7", "b"));
    assert_ne!(run("7", "c"), run("8", "d"));
}

#[test]
fn explain_prints_a_resolved_scenario_that_reads_back_the_same() {
    let first = regsim()
        .args(["explain", repo("scenarios/clover.toml").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(first.status.success());
    let text = String::from_utf8(first.stdout).unwrap();
    // Inherited from base/eu.toml and overridden in clover.toml.
    assert!(text.contains("headcount = 300"), "{text}");
    assert!(text.contains("gateway = \"security_gateway_masking\""));
    assert!(!text.contains("extends"));
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("clover.toml");
    std::fs::write(&copy, &text).unwrap();
    let second = regsim()
        .args(["explain", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(text, String::from_utf8(second.stdout).unwrap());
}

#[test]
fn schema_is_json_schema_for_the_scenario_tables() {
    let out = regsim().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = &schema["properties"];
    for key in [
        "start",
        "end",
        "population",
        "site",
        "staff",
        "control",
        "timeline",
        "migration",
        "flow",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn results_go_to_stdout_and_never_to_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let out = regsim()
        .args([
            "run",
            repo("scenarios/eu_status_quo.toml").to_str().unwrap(),
            "--replications",
            "3",
            "--out",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("replications ->"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("eu_status_quo: 3 replications"));
}

#[test]
fn usage_errors_exit_2() {
    regsim().args(["run"]).assert().code(2);
    regsim()
        .args([
            "run",
            "scenarios",
            "--threads",
            "0",
            "--out",
            "/nonexistent/x",
        ])
        .assert()
        .code(2);
    regsim().args(["frobnicate"]).assert().code(2);
}
