//! An analyst's own scenarios outside the repository extend shipped ones through a library
//! root (`--library DIR` or `REGSIM_LIBRARY`); without one, the refusal names the way out.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn regsim() -> Command {
    let mut c = Command::cargo_bin("regsim").unwrap();
    c.env_remove("REGSIM_LIBRARY");
    c
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// A folder of the analyst's own, outside the repository: `mine.toml` extends the shipped
/// Clover (named as the library holds it) with a stronger gateway.
fn own_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "extends = \"clover.toml\"\n\
         description = \"Clover with a stronger gateway\"\n\
         replications = 20\n\n\
         [control.security_gateway_masking]\n\
         reid_probability = 0.01\n",
    )
    .unwrap();
    dir
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn without_a_library_root_the_refusal_names_it() {
    let dir = own_folder();
    let a = regsim()
        .arg("validate")
        .arg(dir.path().join("mine.toml"))
        .assert()
        .code(2);
    let e = stderr(&a);
    assert!(e.contains("mine.toml:1:"), "{e}");
    assert!(e.contains("`clover.toml` not found"), "{e}");
    assert!(
        e.contains("--library DIR") && e.contains("REGSIM_LIBRARY"),
        "{e}"
    );

    // Named by a path that leaves the folder: refused, with the folder to pass.
    let up = "../".repeat(dir.path().components().count() - 1);
    let target = format!(
        "{up}{}",
        shipped()
            .join("clover.toml")
            .display()
            .to_string()
            .trim_start_matches('/')
    );
    std::fs::write(
        dir.path().join("far.toml"),
        format!("extends = \"{target}\"\n"),
    )
    .unwrap();
    let a = regsim()
        .arg("validate")
        .arg(dir.path().join("far.toml"))
        .assert()
        .code(2);
    let e = stderr(&a);
    let root = shipped().canonicalize().unwrap();
    assert!(e.contains("is outside"), "{e}");
    assert!(e.contains(&format!("--library {}", root.display())), "{e}");
    // With that root, the same file is read.
    regsim()
        .arg("validate")
        .arg(dir.path().join("far.toml"))
        .arg("--library")
        .arg(&root)
        .assert()
        .success();
}

#[test]
fn through_a_library_root_a_scenario_elsewhere_runs_and_diffs() {
    let dir = own_folder();
    let mine = dir.path().join("mine.toml");
    let out = dir.path().join("out");
    let a = regsim()
        .arg("run")
        .arg(dir.path())
        .args(["--no-charts", "--library"])
        .arg(shipped())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    // The folder given holds one scenario; nothing of the library runs.
    let lines: Vec<String> = stdout(&a).lines().map(String::from).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("mine: 20 replications"), "{lines:?}");
    assert!(out.join("mine/summary.json").is_file());
    assert!(!out.join("clover").exists());

    let a = regsim()
        .arg("diff")
        .arg(shipped().join("clover.toml"))
        .arg(&mine)
        .args(["--replications", "20", "--no-charts", "--out"])
        .arg(&out)
        .env("REGSIM_LIBRARY", shipped())
        .assert()
        .success();
    let written = PathBuf::from(stdout(&a).trim());
    let diff = std::fs::read_to_string(written.join("diff.csv")).unwrap();
    let row: Vec<&str> = diff
        .lines()
        .find(|l| l.starts_with("exposure.records_reidentifiable,"))
        .unwrap()
        .split(',')
        .collect();
    // A stronger gateway re-identifies fewer records on the same random numbers.
    let d: f64 = row[3].parse().unwrap();
    assert!(d < 0.0, "{diff}");

    let a = regsim()
        .arg("explain")
        .arg(&mine)
        .env("REGSIM_LIBRARY", shipped())
        .assert()
        .success();
    assert!(stdout(&a).contains("reid_probability = 0.01"));
}

#[test]
fn a_sweep_elsewhere_names_a_shipped_base_through_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("mine_sweep.toml");
    std::fs::write(
        &sweep,
        "base = \"clover.toml\"\ndesign = \"grid\"\nreplications = 2\n\n\
         [[parameter]]\npath = \"staff.cn_engineering.headcount\"\nvalues = [100, 600]\n",
    )
    .unwrap();
    let a = regsim().arg("validate").arg(&sweep).assert().code(2);
    assert!(stderr(&a).contains("--library DIR"), "{}", stderr(&a));
    let a = regsim()
        .arg("validate")
        .arg(&sweep)
        .arg("--library")
        .arg(shipped())
        .assert()
        .success();
    assert!(stdout(&a).contains("2 points"), "{}", stdout(&a));
}

#[test]
fn a_library_root_that_is_no_folder_is_a_usage_error() {
    let a = regsim()
        .args([
            "validate",
            "scenarios/clover.toml",
            "--library",
            "/no/such/folder",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("--library /no/such/folder: not a folder"),
        "{}",
        stderr(&a)
    );
}
