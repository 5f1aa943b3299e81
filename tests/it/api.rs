//! The library API gives the numbers and files of the command line: one engine, two front ends.

use regsim::{Scenario, Settings};

use crate::common::{regsim, repo, tree};

#[test]
fn results_from_the_library_write_exactly_the_files_the_command_line_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo("scenarios/eu_status_quo.toml");
    regsim()
        .args([
            "run",
            file.to_str().unwrap(),
            "--replications",
            "30",
            "--seed",
            "11",
        ])
        .arg("--out")
        .arg(tmp.path().join("cli"))
        .assert()
        .success();

    let scenario = Scenario::load(&file).unwrap();
    let settings = Settings {
        replications: Some(30),
        seed: Some(11),
        threads: Some(1),
        ..Settings::default()
    };
    let results = regsim::run(&scenario, &settings).unwrap();
    assert_eq!(results.replications(), 30);
    let dir = tmp.path().join("lib").join(results.name());
    results.write(&dir, None, true).unwrap();

    let cli = tree(&tmp.path().join("cli").join("eu_status_quo"));
    let lib = tree(&dir);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&cli), names(&lib));
    for ((name, a), (_, b)) in cli.iter().zip(&lib) {
        assert!(a == b, "{name} differs between the CLI and the library");
    }
}

#[test]
fn a_library_diff_is_the_command_lines_diff_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, changed) = (
        repo("scenarios/eu_status_quo.toml"),
        repo("scenarios/clover.toml"),
    );
    regsim()
        .arg("diff")
        .args([&base, &changed])
        .args(["--replications", "20", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let settings = Settings {
        replications: Some(20),
        ..Settings::default()
    };
    let d = regsim::diff(
        &Scenario::load(&base).unwrap(),
        &Scenario::load(&changed).unwrap(),
        &settings,
    )
    .unwrap();
    let written = std::fs::read_to_string(d.folder(tmp.path()).join("diff.csv")).unwrap();
    assert_eq!(written.as_bytes(), regsim::report::csv::paired(&d.rows));
    assert!(d
        .rows
        .iter()
        .any(|r| r.metric == "exposure.records_visible" && r.diff_mean < 0.0));
}
