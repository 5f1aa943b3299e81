//! Sweeps and expectations through the real binary, on a tiny scenario written in the test:
//! sharded-then-merged equals unsharded byte for byte, a resumed sweep equals an uninterrupted
//! one, failed expectations exit 3 with a JUnit failure, and a parameter path typo is refused
//! with its place in the sweep file.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

fn regsim() -> Command {
    Command::cargo_bin("regsim").unwrap()
}

/// A one-year scenario: one population, one site, one staff group behind a gateway.
const SCENARIO: &str = r#"start = "2024-01-01"
end = "2024-12-31"
replications = 5

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
headcount = 10
sessions_per_person_day = 1
records_per_session = { dist = "lognormal", median = 10, p90 = 40 }
populations = ["eu"]
categories = ["identifiers", "behavioural"]
misuse_share = 0.01

[control.gw]
kind = "gateway"
start = "2024-01-01"
staff_jurisdictions = ["CN"]
masks = ["identifiers"]
reid_probability = 0.05
"#;

/// A Morris sweep of 12 points over three parameters, one inside a distribution table.
const MORRIS: &str = r#"base = "../tiny.toml"
design = "morris"
trajectories = 3
replications = 3
seed = 7

[[parameter]]
path = "staff.ops.headcount"
min = 5
max = 40

[[parameter]]
path = "control.gw.reid_probability"
min = 0.01
max = 0.5
scale = "log"

[[parameter]]
path = "staff.ops.records_per_session.median"
min = 5
max = 20

[[expect]]
metric = "access.sessions"
min = 1
"#;

struct Setup {
    dir: TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sweeps")).unwrap();
        fs::write(dir.path().join("tiny.toml"), SCENARIO).unwrap();
        Setup { dir }
    }
    fn sweep(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join("sweeps").join(name);
        fs::write(&p, text).unwrap();
        p
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
}

/// Every file under `dir`, relative path → bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn names(t: &[(String, Vec<u8>)]) -> Vec<&str> {
    t.iter().map(|(n, _)| n.as_str()).collect()
}

/// The Morris sweep's three parameters as a `sobol` design: 4 rows, 20 points.
fn sobol_sweep() -> String {
    let params = &MORRIS[MORRIS.find("[[parameter]]").unwrap()..];
    format!("base = \"../tiny.toml\"\ndesign = \"sobol\"\nsamples = 4\nreplications = 3\nseed = 7\n\n{params}")
}

/// Runs `file` (output folder `stem`) unsharded into `whole/`, then as N shards merged, for
/// each N of `shard_counts`; every merge must give the unsharded run's files, byte for byte.
/// Returns the unsharded run's files.
fn shards_merge_to_the_unsharded_bytes(
    s: &Setup,
    file: &Path,
    stem: &str,
    shard_counts: &[u32],
) -> Vec<(String, Vec<u8>)> {
    regsim()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(s.path("whole"))
        .assert()
        .success();
    let whole = tree(&s.path("whole").join(stem));
    for &n in shard_counts {
        let mut merge = regsim();
        merge.arg("merge");
        for k in 1..=n {
            let out = s.path(&format!("{stem}-n{n}/shard{k}"));
            let assert = regsim()
                .arg("sweep")
                .arg(file)
                .args(["--shard", &format!("{k}/{n}"), "--threads", "1", "--out"])
                .arg(&out)
                .assert()
                .success();
            let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
            assert!(stdout.contains(&format!("shard {k}/{n}")), "{stdout}");
            // A shard writes its points and the manifest, not the joined results.
            assert!(!out.join(stem).join("points.csv").exists());
            merge.arg(&out);
        }
        let merged = s.path(&format!("{stem}-n{n}/merged"));
        merge.arg("--out").arg(&merged).assert().success();
        let got = tree(&merged.join(stem));
        assert_eq!(names(&got), names(&whole), "{stem}, N = {n}");
        assert!(
            got == whole,
            "{stem}, N = {n}: merged bytes differ from the unsharded run"
        );
    }
    whole
}

fn text_of(files: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn sharded_then_merged_equals_unsharded_byte_for_byte() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let whole = shards_merge_to_the_unsharded_bytes(&s, &file, "morris", &[1, 2, 3, 7]);
    let listed = names(&whole);
    for f in [
        "sweep.json",
        "points.csv",
        "sensitivity.csv",
        "expectations.json",
        "junit.xml",
        "points/000011.json",
        "tornado_exposure.records_reidentifiable.svg",
    ] {
        assert!(listed.contains(&f), "{f} missing from {listed:?}");
    }
    assert!(!listed.contains(&"points/000012.json"));
    let sens = text_of(&whole, "sensitivity.csv");
    assert!(sens.starts_with("method,metric,parameter,index,value,ci95_lo,ci95_hi\n"));
    assert!(sens.contains("morris,access.sessions,staff.ops.headcount,mu_star,"));
}

#[test]
fn a_sobol_sweep_in_three_shards_merges_to_the_unsharded_bytes() {
    let s = Setup::new();
    let file = s.sweep("sobol.toml", &sobol_sweep());
    let whole = shards_merge_to_the_unsharded_bytes(&s, &file, "sobol", &[3]);
    let listed = names(&whole);
    assert!(listed.contains(&"points/000019.json") && !listed.contains(&"points/000020.json"));
    let sens = text_of(&whole, "sensitivity.csv");
    for index in ["S1", "ST"] {
        let row = format!("sobol,access.sessions,staff.ops.headcount,{index},");
        assert!(sens.contains(&row), "{row} missing from {sens}");
    }
}

#[test]
fn merging_incomplete_shards_names_the_missing_points() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    regsim()
        .arg("sweep")
        .arg(&file)
        .args(["--shard", "1/3", "--out"])
        .arg(s.path("a"))
        .assert()
        .success();
    let assert = regsim()
        .arg("merge")
        .arg(s.path("a"))
        .arg("--out")
        .arg(s.path("m"))
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("8 of 12 points have no result (points 1, 2, 4"),
        "{err}"
    );
}

#[test]
fn resume_after_a_kill_equals_an_uninterrupted_run() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let run = |out: &str, resume: bool| {
        let mut c = regsim();
        c.arg("sweep").arg(&file).arg("--out").arg(s.path(out));
        if resume {
            c.arg("--resume");
        }
        let a = c.assert().success();
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    run("straight", false);
    run("killed", false);
    // A kill mid-run: some points never finished, the joined results were never written, and
    // a temporary file was left behind.
    let dir = s.path("killed/morris");
    for p in [0, 5, 6, 11] {
        fs::remove_file(dir.join(format!("points/{p:06}.json"))).unwrap();
    }
    for f in [
        "points.csv",
        "sensitivity.csv",
        "expectations.json",
        "junit.xml",
    ] {
        fs::remove_file(dir.join(f)).unwrap();
    }
    fs::write(dir.join("points/000003.json"), "{\"point\": 3, \"sta").unwrap();
    let stdout = run("killed", true);
    assert!(stdout.contains("12 points (5 run now)"), "{stdout}");
    assert!(tree(&dir) == tree(&s.path("straight/morris")));
}

#[test]
fn stale_points_of_another_sweep_in_a_reused_folder_are_not_merged() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let shard = |k: u32| {
        regsim()
            .arg("sweep")
            .arg(&file)
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(s.path("shared"))
            .assert()
            .success();
    };
    shard(1);
    // The sweep changes; only shard 2 reruns into the same folder.
    fs::write(&file, MORRIS.replace("seed = 7", "seed = 8")).unwrap();
    shard(2);
    let assert = regsim()
        .arg("merge")
        .arg(s.path("shared"))
        .arg("--out")
        .arg(s.path("m"))
        .assert()
        .code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("6 of 12 points have no result (points 0, 2, 4"),
        "{err}"
    );
}

#[test]
fn resume_refuses_a_changed_sweep() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(s.path("o"))
        .assert()
        .success();
    fs::write(&file, MORRIS.replace("seed = 7", "seed = 8")).unwrap();
    regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--resume")
        .arg("--out")
        .arg(s.path("o"))
        .assert()
        .code(2);
}

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
    let pass = format!("{SCENARIO}\n[[expect]]\nmetric = \"access.sessions\"\nmin = 1\n");
    fs::write(s.path("pass.toml"), pass).unwrap();
    let fail = format!(
        "{SCENARIO}\n[[expect]]\nmetric = \"access.sessions\"\nmin = 1\n\n[[expect]]\nmetric = \"access.sessions\"\nstat = \"ci95_hi\"\nmax = 1\n"
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
    let text = format!("{SCENARIO}\n[[expect]]\nmetric = \"acess.sessions\"\nmax = 1\n");
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

/// `regsim sweep FILE --shard auto --out DIR` with `vars` as the only scheduler variables.
fn sweep_auto(file: &Path, out: &Path, vars: &[(&str, &str)]) -> assert_cmd::assert::Assert {
    let mut cmd = regsim();
    cmd.arg("sweep")
        .arg(file)
        .args(["--shard", "auto", "--out"])
        .arg(out);
    for v in [
        "REGSIM_SHARD",
        "REGSIM_SHARD_COUNT",
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_MAX",
        "SLURM_ARRAY_TASK_STEP",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().copied()).assert()
}

#[test]
fn stepped_slurm_arrays_merge_to_the_unsharded_bytes_and_a_lone_task_is_refused() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    regsim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(s.path("whole"))
        .assert()
        .success();
    // sbatch --array=0-6:2 (4 tasks), all into one shared folder as examples/slurm_sweep.sh does.
    for id in ["0", "2", "4", "6"] {
        let vars = [
            ("SLURM_ARRAY_TASK_ID", id),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        sweep_auto(&file, &s.path("shared"), &vars).success();
    }
    regsim()
        .arg("merge")
        .arg(s.path("shared"))
        .arg("--out")
        .arg(s.path("merged"))
        .assert()
        .success();
    assert_eq!(
        tree(&s.path("merged/morris")),
        tree(&s.path("whole/morris"))
    );

    // sbatch --array=2 to rerun one task: refused, nothing written.
    let lone = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "1"),
        ("SLURM_ARRAY_TASK_MIN", "2"),
        ("SLURM_ARRAY_TASK_MAX", "2"),
    ];
    let out = sweep_auto(&file, &s.path("lone"), &lone).code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("shard 1/1") && err.contains("REGSIM_SHARD"),
        "{err}"
    );
    assert!(!s.path("lone").exists());
    // A list that is not a stepped range: refused too.
    let list = [
        ("SLURM_ARRAY_TASK_ID", "8"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
        ("SLURM_ARRAY_TASK_MIN", "0"),
        ("SLURM_ARRAY_TASK_MAX", "8"),
    ];
    sweep_auto(&file, &s.path("list"), &list).code(2);
    // REGSIM_SHARD wins over the Slurm variables: the way to rerun shard 2 of 4 as --array=2.
    let keep = [("REGSIM_SHARD", "2/4"), lone[0], lone[1], lone[2], lone[3]];
    let out = sweep_auto(&file, &s.path("keep"), &keep).success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("shard 2/4"), "{stdout}");
}

#[test]
fn shard_auto_reads_a_slurm_array() {
    let s = Setup::new();
    let file = s.sweep("morris.toml", MORRIS);
    let assert = regsim()
        .arg("sweep")
        .arg(&file)
        .args(["--shard", "auto", "--out"])
        .arg(s.path("o"))
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_COUNT", "4")
        .env_remove("REGSIM_SHARD")
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("shard 3/4: 3 points run"), "{stdout}");
    let written = tree(&s.path("o/morris"));
    assert_eq!(
        names(&written),
        [
            "points/000002.json",
            "points/000006.json",
            "points/000010.json",
            "sweep.json"
        ]
    );
}

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
    fs::write(scen.join("tiny.toml"), SCENARIO).unwrap();
    // The same world without the gateway: the versus scenario has no `control.gw`.
    let bare = &SCENARIO[..SCENARIO.find("[control.gw]").unwrap()];
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
