//! What a sweep reports: the run index lists the sweeps beside it, progress shows on a terminal
//! only, a `versus` sweep gives the paired differences `regsim diff` gives, and a lognormal
//! median swept under a fixed p90 is warned about.

use super::*;

#[test]
fn a_runs_index_lists_the_sweeps_in_its_folder() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let out = s.path("output");
    let run = || {
        regsim()
            .arg("run")
            .arg(s.path("tiny.toml"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
    };
    let index = || fs::read_to_string(out.join("index.html")).unwrap();
    let link = "<a href=\"morris/report.html\">morris</a>";
    run();
    assert!(!index().contains("<h2>Sweeps</h2>"));
    // A sweep finishing in the run's folder adds itself to the run's index, which stays the run's.
    regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let after_sweep = index();
    assert!(after_sweep.contains("<h1>regsim results</h1>"));
    assert!(after_sweep.contains("<h2>Sweeps</h2>") && after_sweep.contains(link));
    // A later run lists it too, and writes the same page.
    run();
    assert_eq!(index(), after_sweep);
}

/// `args` run by `script` under a pseudo-terminal: what the terminal showed; `None` without
/// `script` (util-linux).
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("regsim");
    let command = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .ok()?;
    assert!(out.status.success(), "{command}: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_shows_on_a_terminal_only_and_changes_no_output() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let tiny = s.path("tiny.toml");
    let path = |p: &str| s.path(p).display().to_string();
    let (file, tiny) = (file.display().to_string(), tiny.display().to_string());
    let commands = [
        vec!["run", &tiny, "--replications", "40", "--no-charts", "--out"],
        vec!["sweep", &file, "--out"],
    ];
    for (c, args) in commands.iter().enumerate() {
        let piped = regsim()
            .args(args)
            .arg(path(&format!("pipe{c}")))
            .assert()
            .success();
        let err = String::from_utf8(piped.get_output().stderr.clone()).unwrap();
        assert!(!err.contains("ETA") && !err.contains('\r'), "{err}");
        let pty = path(&format!("pty{c}"));
        let Some(shown) = on_a_terminal(&[args.as_slice(), &[pty.as_str()]].concat()) else {
            eprintln!("no `script` command: the terminal half of this test did not run");
            return;
        };
        assert!(
            shown.contains("replications") && shown.contains("ETA"),
            "{shown}"
        );
        let scenario_bar = if c == 0 { "tiny [" } else { "0/12 points" };
        assert!(shown.contains(scenario_bar), "{shown}");
        assert!(tree(&s.path(&format!("pty{c}"))) == tree(&s.path(&format!("pipe{c}"))));
    }
}

/// Column `name` of a CSV as numbers, by header.
fn csv_column(text: &str, name: &str) -> Vec<f64> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no {name}"));
    lines
        .map(|l| {
            let cell = l.split(',').nth(k).unwrap();
            // An interval without spread is left empty.
            cell.parse().unwrap_or_else(|_| {
                assert!(cell.is_empty(), "{name}: {cell}");
                f64::NAN
            })
        })
        .collect()
}

#[test]
fn a_versus_sweep_reports_the_paired_differences_that_diff_does() {
    let tmp = TempDir::new().unwrap();
    let scen = tmp.path().join("scenarios");
    fs::create_dir_all(scen.join("sweeps")).unwrap();
    fs::write(scen.join("tiny.toml"), scenario()).unwrap();
    // The same world without the gateway: the versus scenario has no `control.gw`.
    let tiny = scenario();
    let bare = &tiny[..tiny.find("[control.gw]").unwrap()];
    fs::write(scen.join("bare.toml"), bare).unwrap();
    let sweep = scen.join("sweeps/paired.toml");
    fs::write(
        &sweep,
        r#"base = "../tiny.toml"
versus = "../bare.toml"
design = "grid"
replications = 30
seed = 7

[[parameter]]
path = "control.gw.reid_probability"
values = [0.05, 0.5]

[[parameter]]
path = "staff.ops.headcount"
values = [10, 20]
"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    regsim()
        .args(["sweep"])
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let points = fs::read_to_string(out.join("paired/points.csv")).unwrap();
    let json = fs::read_to_string(out.join("paired/sweep.json")).unwrap();
    assert!(json.contains("\"versus\": \"../bare.toml\""), "{json}");
    assert!(
        json.contains("control.gw.reid_probability"),
        "unset listed: {json}"
    );
    let report = fs::read_to_string(out.join("paired/report.html")).unwrap();
    assert!(
        report.contains("paired difference"),
        "the report says what it shows"
    );
    // Point 0 is exactly tiny.toml against bare.toml: its differences are those of
    // `regsim diff`, and the headcount is set in both, so only the gateway differs.
    regsim()
        .args(["diff"])
        .arg(scen.join("bare.toml"))
        .arg(scen.join("tiny.toml"))
        .args([
            "--replications",
            "30",
            "--seed",
            "7",
            "--no-charts",
            "--out",
        ])
        .arg(tmp.path().join("diff"))
        .assert()
        .success();
    let diff = fs::read_to_string(tmp.path().join("diff/diff_tiny_vs_bare/diff.csv")).unwrap();
    let row = |metric: &str| -> Vec<f64> {
        let line = diff
            .lines()
            .find(|l| l.starts_with(&format!("{metric},")))
            .unwrap_or_else(|| panic!("no {metric} in diff.csv"));
        line.split(',')
            .skip(1)
            .map(|x| x.parse().unwrap_or(f64::NAN))
            .collect()
    };
    for metric in [
        "exposure.records_visible",
        "exposure.records_masked",
        "access.sessions",
    ] {
        let swept = csv_column(&points, &format!("{metric}.mean"));
        let d = row(metric); // base_mean, changed_mean, diff_mean, diff_sd, ci95_lo, ci95_hi, …
        let want = d[2];
        assert!(
            (swept[0] - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{metric}: point 0 {} vs diff {want}",
            swept[0]
        );
        let lo = csv_column(&points, &format!("{metric}.ci95_lo"))[0];
        assert!(
            (lo.is_nan() && d[4].is_nan()) || (lo - d[4]).abs() <= 1e-6 * d[4].abs().max(1.0),
            "{metric}: ci {lo} vs {}",
            d[4]
        );
    }
    // Staff sessions are the same in both scenarios at every point: their difference is 0.
    assert!(csv_column(&points, "access.sessions.mean")
        .iter()
        .all(|x| *x == 0.0));
    // The gateway lives only in the base: masking more strongly changes the difference.
    let masked = csv_column(&points, "exposure.records_reidentifiable.mean");
    assert!(
        masked[0] != masked[2] || masked[1] != masked[3],
        "{masked:?}"
    );
}

#[test]
fn sweeping_a_lognormal_median_under_a_fixed_p90_warns_in_validate_and_the_report() {
    let d = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sweep = d.path().join("median.toml");
    fs::write(
        &sweep,
        "base = \"clover.toml\"\ndesign = \"grid\"\nreplications = 2\n\n\
         [[parameter]]\npath = \"staff.cn_engineering.records_per_session.median\"\nvalues = [50, 800]\n",
    )
    .unwrap();
    let a = regsim()
        .arg("validate")
        .arg(&sweep)
        .arg("--library")
        .arg(&repo)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("warning: parameter[0] `staff.cn_engineering.records_per_session.median`: raising `median` from 50 to 800")
            && err.contains("lowers its mean"),
        "{err}"
    );
    let out = d.path().join("out");
    regsim()
        .arg("sweep")
        .arg(&sweep)
        .args(["--library"])
        .arg(&repo)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("median/report.html")).unwrap();
    assert!(
        html.contains("<b>Warning</b>: parameter[0]"),
        "no warning in the report"
    );
    // A median whose rise raises the mean (far below its p90) does not warn.
    fs::write(
        &sweep,
        "base = \"clover.toml\"\ndesign = \"grid\"\nreplications = 2\n\n\
         [[parameter]]\npath = \"staff.cn_engineering.sessions_per_person_day.median\"\nvalues = [0.05, 0.1]\n",
    )
    .unwrap();
    let a = regsim()
        .arg("validate")
        .arg(&sweep)
        .arg("--library")
        .arg(&repo)
        .assert()
        .success();
    assert!(a.get_output().stderr.is_empty());
}
