//! Sweeps and expectations through the real binary, on a tiny scenario written in the test:
//! sharded-then-merged equals unsharded byte for byte (also from Slurm arrays and `--shard
//! auto`), a resumed sweep equals an uninterrupted one. Expectations and refused sweep files
//! are in [`checks`], what a sweep reports in [`reports`]; both use the fixtures here.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::common::{minimal_with, regsim, tree};

mod checks;
mod pages;
mod reports;

/// A one-year scenario: the shared minimal one, with its staff group behind a gateway.
fn scenario() -> String {
    let categories = r#"categories = ["identifiers"]"#;
    let with_behavioural = r#"categories = ["identifiers", "behavioural"]"#;
    let text = minimal_with(&[
        (
            "end = \"2024-12-31\"\n",
            "end = \"2024-12-31\"\nreplications = 5\n",
        ),
        (categories, with_behavioural),
    ]);
    format!("{text}{GATEWAY}")
}

const GATEWAY: &str = r#"
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
        fs::write(dir.path().join("tiny.toml"), scenario()).unwrap();
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
fn a_library_sweep_holds_the_command_lines_tables_and_writes_its_folder() {
    // Morris (sensitivity.csv) and Sobol designs; the library keeps the points in memory where
    // the CLI reads them back from its point files, and writes the same bytes.
    for (name, text) in [("morris", MORRIS.to_string()), ("sobol", sobol_sweep())] {
        let s = Setup::new();
        let file = s.sweep(&format!("{name}.toml"), &text);
        regsim()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(s.path("cli"))
            .assert()
            .success();
        let cli = tree(&s.path("cli").join(name));
        let settings = regsim::Settings {
            threads: Some(2),
            ..Default::default()
        };
        let lib = regsim::sweep(&file, &settings).unwrap();
        assert_eq!(lib.points_csv(), cli_file(&cli, "points.csv"), "{name}");
        assert_eq!(
            lib.sensitivity_csv().unwrap(),
            cli_file(&cli, "sensitivity.csv"),
            "{name}"
        );
        assert!(lib.passed());
        let dir = lib.write(&s.path("lib")).unwrap();
        assert_eq!(dir, s.path("lib").join(name));
        let written = tree(&dir);
        assert_eq!(names(&written), names(&cli), "{name}");
        assert!(
            written == cli,
            "{name}: the library's folder differs from the CLI's"
        );
    }
}

fn cli_file(files: &[(String, Vec<u8>)], name: &str) -> Vec<u8> {
    files.iter().find(|(n, _)| n == name).unwrap().1.clone()
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
