//! `[[expect]]` checks in sweeps and scenarios, and sweep files refused before anything runs:
//! a failed expectation exits 3 after writing everything, a typo in a metric or a path is
//! located and named, and a point outside a field's range writes nothing.

use super::*;

#[test]
fn a_failed_sweep_expectation_exits_3_after_writing_a_junit_failure() {
    let s = Setup::new();
    let text = r#"base = "../tiny.toml"
design = "grid"
replications = 3

[[parameter]]
path = "staff.ops.headcount"
values = [5, 50]

[[expect]]
metric = "access.sessions"
stat = "p95"
max = 10000
where = { "staff.ops.headcount" = 50 }
"#;
    let file = s.sweep("strict.toml", text);
    let assert = regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(s.path("o"))
        .assert()
        .code(3);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("strict: expectation failed: point 1 (staff.ops.headcount=50)"),
        "{err}"
    );
    let dir = s.path("o/strict");
    assert!(dir.join("points.csv").is_file());
    let junit = fs::read_to_string(dir.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // The filter selects one point of two.
    assert_eq!(cases.len(), 1);
    assert!(cases[0].children().any(|c| c.has_tag_name("failure")));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expectations.json")).unwrap()).unwrap();
    assert_eq!(json["failed"], 1);
}

#[test]
fn scenario_expectations_are_checked_by_run() {
    let s = Setup::new();
    let tiny = scenario();
    let pass = format!("{tiny}\n[[expect]]\nmetric = \"access.sessions\"\nmin = 1\n");
    fs::write(s.path("pass.toml"), pass).unwrap();
    let fail = format!(
        "{tiny}\n[[expect]]\nmetric = \"access.sessions\"\nmin = 1\n\n[[expect]]\nmetric = \"access.sessions\"\nstat = \"ci95_hi\"\nmax = 1\n"
    );
    fs::write(s.path("fail.toml"), fail).unwrap();
    let out = s.path("o");
    regsim()
        .args(["run", "--no-charts", "--out"])
        .arg(&out)
        .arg(s.path("pass.toml"))
        .arg(s.path("tiny.toml"))
        .assert()
        .success();
    assert!(out.join("pass/junit.xml").is_file());
    assert!(out.join("pass/expectations.json").is_file());
    // Without [[expect]], no new files.
    assert!(!out.join("tiny/junit.xml").exists());
    assert!(!out.join("tiny/expectations.json").exists());

    let out = s.path("o2");
    let assert = regsim()
        .args(["run", "--no-charts", "--out"])
        .arg(&out)
        .arg(s.path("fail.toml"))
        .assert()
        .code(3);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("fail: expectation failed: access.sessions ci95_hi <= 1"),
        "{err}"
    );
    // Every output is there.
    assert!(out.join("fail/summary.json").is_file());
    assert!(out.join("index.html").is_file());
    let junit = fs::read_to_string(out.join("fail/junit.xml")).unwrap();
    assert!(junit.contains("tests=\"2\" failures=\"1\""), "{junit}");
}

#[test]
fn an_unknown_expectation_metric_is_located_and_named() {
    let s = Setup::new();
    let tiny = scenario();
    let text = format!("{tiny}\n[[expect]]\nmetric = \"acess.sessions\"\nmax = 1\n");
    fs::write(s.path("bad.toml"), &text).unwrap();
    let line = text.lines().position(|l| l.starts_with("metric")).unwrap() + 1;
    let assert = regsim()
        .args(["run", "--out"])
        .arg(s.path("o"))
        .arg(s.path("bad.toml"))
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains(&format!("bad.toml:{line}:10: ")), "{err}");
    assert!(err.contains("did you mean `access.sessions`"), "{err}");
    assert!(!s.path("o").exists());
}

#[test]
fn a_sweep_path_typo_exits_2_at_its_place_with_the_closest_paths() {
    let s = Setup::new();
    let text = MORRIS.replace("\"staff.ops.headcount\"", "\"staff.ops.headcont\"");
    let file = s.sweep("typo.toml", &text);
    let line = text.lines().position(|l| l.contains("headcont")).unwrap() + 1;
    let assert = regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(s.path("o"))
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains(&format!("typo.toml:{line}:8: ")), "{err}");
    assert!(
        err.contains("closest valid paths: staff.ops.headcount"),
        "{err}"
    );
    assert!(!s.path("o").exists());
}

#[test]
fn validate_checks_sweep_files_too() {
    let s = Setup::new();
    let good = s.sweep("morris.toml", MORRIS);
    let assert = regsim()
        .arg("validate")
        .arg(&good)
        .arg(s.path("tiny.toml"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("ok (sweep morris, 12 points)"), "{stdout}");
    assert!(stdout.contains("tiny.toml: ok (tiny)"), "{stdout}");
    let bad = s.sweep(
        "bad.toml",
        &MORRIS.replace("trajectories = 3", "trajectorys = 3"),
    );
    let assert = regsim().arg("validate").arg(&bad).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("bad.toml:3:1: unknown field `trajectorys`"),
        "{err}"
    );
}

#[test]
fn a_point_outside_the_valid_range_is_refused_before_anything_runs() {
    let s = Setup::new();
    let text = MORRIS.replace("max = 0.5", "max = 5");
    let file = s.sweep("range.toml", &text);
    let assert = regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(s.path("o"))
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("is not a valid scenario"), "{err}");
    assert!(err.contains("tiny.toml:"), "{err}");
    assert!(!s.path("o").exists());
}
