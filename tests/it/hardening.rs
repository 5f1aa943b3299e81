//! Runaway scenarios, interruptions and failing disks, through the real binary: `--max-events`
//! refuses before anything runs, `--timeout`, SIGINT and SIGTERM stop with only whole outputs
//! on disk, an interrupted sweep resumes to the same bytes, and a full or unwritable disk is
//! exit 1 with a clear message and no half-written file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::common::MINIMAL;

const BIN: &str = env!("CARGO_BIN_EXE_regsim");

/// The shared minimal scenario (a year, one staff group, no gate) named `name`, with
/// `replications` from the caller.
fn quick(name: &str, replications: u32) -> String {
    format!("name = \"{name}\"\nreplications = {replications}\n{MINIMAL}")
}

/// A scenario whose every replication takes long: `rate` requests a day (100 for each of
/// `rate / 100` people) through an approval gate for ten years (2 × 3653 × rate events).
fn slow(name: &str, rate: f64) -> String {
    format!(
        r#"name = "{name}"
start = "2020-01-01"
end = "2029-12-31"
replications = 1000

[population.p]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 1000000
data_per_user_mb = 0
placement = {{ s = 1.0 }}

[site.s]
jurisdiction = "X"
capacity_pb = 1

[staff.g]
jurisdiction = "Y"
headcount = {headcount}
sessions_per_person_day = 100
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]

[control.gate]
kind = "approval"
reviewers = 8
review_days = {{ dist = "exponential", mean = {mean} }}
"#,
        mean = 6.0 / rate,
        headcount = rate / 100.0
    )
}

fn regsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("regsim starts")
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("regsim starts")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Waits (up to two minutes) until `ready` holds; panics otherwise.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill {sig} failed");
}

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().to_path_buf());
            if p.is_dir() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// No temporary file or staging folder anywhere under `dir`.
fn assert_no_leftovers(dir: &Path) {
    for p in tree(dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "left behind: {} (in {})",
            p.display(),
            dir.display()
        );
    }
}

fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn runaway_scenarios_are_refused_before_anything_is_written() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("big.toml"), slow("big", 1e6)).unwrap();
    let o = regsim(tmp.path(), &["run", "big.toml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    // 3 × 3653 days × 1e6 requests (arrival, review, read), plus a step a day for each entity.
    assert!(
        e.contains("big.toml: about 1.10e10 events per replication"),
        "{e}"
    );
    assert!(e.contains("above the limit of 1.00e7"), "{e}");
    assert!(e.contains("--max-events 2e10"), "{e}");
    assert!(!tmp.path().join("out").exists());

    // The same file with the limit raised runs (here: stopped at once by a short timeout).
    let o = regsim(
        tmp.path(),
        &[
            "run",
            "big.toml",
            "--out",
            "out",
            "--max-events",
            "2e10",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stopped by --timeout"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("out").exists());

    // Sweeps check every point: a point that raises the rate is refused.
    fs::write(tmp.path().join("ok.toml"), slow("ok", 100.0)).unwrap();
    fs::write(
        tmp.path().join("sweep.toml"),
        r#"base = "ok.toml"
design = "grid"
replications = 2
[[parameter]]
path = "staff.g.headcount"
values = [1, 1e5]
"#,
    )
    .unwrap();
    let o = regsim(tmp.path(), &["sweep", "sweep.toml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("sweep.toml: point 1 (staff.g.headcount = 100000): about 1.10e11 events"),
        "{e}"
    );
    assert!(e.contains("--max-events"), "{e}");
    assert!(!tmp.path().join("out").exists());
}

/// A run too large for the memory or disk allowed is refused before anything runs, with the
/// estimate and the flag; the machine's own limit (here `ulimit -v`) counts when no flag is given.
#[test]
fn runs_too_large_for_memory_or_disk_are_refused_with_the_flag_that_allows_them() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 2)).unwrap();
    let o = regsim(
        tmp.path(),
        &[
            "run",
            "q.toml",
            "--out",
            "out",
            "--replications",
            "1000000",
            "--max-memory",
            "100M",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("q.toml: this run is estimated to need about"),
        "{e}"
    );
    assert!(e.contains("above the limit of --max-memory: 100 MB"), "{e}");
    assert!(e.contains("or allow it with --max-memory "), "{e}");
    assert!(!e.contains("to write about"), "{e}");
    assert!(!tmp.path().join("out").exists());

    let o = regsim(
        tmp.path(),
        &[
            "run",
            "q.toml",
            "--out",
            "out",
            "--replications",
            "100000",
            "--max-output",
            "5M",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("estimated to write about"), "{e}");
    assert!(e.contains("--max-output "), "{e}");
    assert!(!tmp.path().join("out").exists());

    // A sweep counts the points that run side by side.
    fs::write(
        tmp.path().join("sweep.toml"),
        "base = \"q.toml\"\ndesign = \"grid\"\nreplications = 2\n[[parameter]]\n\
         path = \"staff.ops.headcount\"\nvalues = [1, 2]\n",
    )
    .unwrap();
    let o = regsim(
        tmp.path(),
        &["sweep", "sweep.toml", "--out", "out", "--max-memory", "1M"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sweep.toml: this run is estimated"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("out").exists());

    // The machine's limit: 10 million replications under a 600 MB address space (their rows
    // go to disk, but reading back a few columns of them needs ~560 MB).
    if cfg!(target_os = "linux") {
        let o = Command::new("sh")
            .current_dir(tmp.path())
            .arg("-c")
            .arg(format!(
                "ulimit -v 600000 && exec {BIN} run q.toml --out out --replications 10000000"
            ))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("the address-space limit (ulimit -v)"), "{e}");
        assert!(e.contains("--max-memory"), "{e}");
        assert_no_panic(&o);
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn bad_limits_are_usage_errors() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 2)).unwrap();
    for args in [
        ["--max-events", "0"],
        ["--max-events", "nan"],
        ["--timeout", "-3s"],
        ["--timeout", "5 weeks"],
        ["--max-memory", "0"],
        ["--max-memory", "lots"],
        ["--max-output", "-1G"],
    ] {
        let mut all = vec!["run", "q.toml", "--out", "out"];
        all.extend(args);
        let o = regsim(tmp.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn a_timeout_keeps_finished_scenarios_whole_and_writes_no_more() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("a_quick.toml"), quick("a_quick", 20)).unwrap();
    fs::write(tmp.path().join("b_slow.toml"), slow("b_slow", 2e5)).unwrap();
    let started = Instant::now();
    let o = regsim(
        tmp.path(),
        &[
            "run",
            ".",
            "--out",
            "out",
            "--timeout",
            "3s",
            "--no-charts",
            "--max-events",
            "1e12",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    let e = stderr(&o);
    assert!(
        e.contains("stopped by --timeout: written in full: a_quick; not written: b_slow"),
        "{e}"
    );
    let out = tmp.path().join("out");
    assert!(out.join("a_quick/summary.json").is_file());
    assert!(out.join("a_quick/report.html").is_file());
    assert!(!out.join("b_slow").exists());
    assert!(!out.join("index.html").exists());
    assert_no_leftovers(&out);
}

#[test]
fn sigint_stops_a_run_between_whole_scenario_folders() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("a_quick.toml"), quick("a_quick", 20)).unwrap();
    fs::write(tmp.path().join("b_slow.toml"), slow("b_slow", 2e5)).unwrap();
    // An older run's complete folder for b_slow must survive the interrupted one.
    let old = tmp.path().join("out/b_slow");
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("summary.json"), "{}").unwrap();
    let child = spawn(
        tmp.path(),
        &[
            "run",
            ".",
            "--out",
            "out",
            "--no-charts",
            "--max-events",
            "1e12",
        ],
    );
    let out = tmp.path().join("out");
    wait_until("a_quick's folder", || out.join("a_quick").is_dir());
    signal(&child, "-INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    assert!(
        stderr(&o).contains("interrupted (SIGINT): written in full: a_quick; not written: b_slow"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("a_quick/replications.csv").is_file());
    assert_eq!(fs::read(old.join("summary.json")).unwrap(), b"{}");
    assert_eq!(fs::read_dir(&old).unwrap().count(), 1);
    assert_no_leftovers(&out);
}

/// A sweep of `n` points over a scenario whose points each take a moment.
fn sweep_files(dir: &Path, n: usize) {
    fs::write(dir.join("base.toml"), slow("base", 100.0)).unwrap();
    let values: Vec<String> = (0..n)
        .map(|i| format!("{:.1}", 1.0 + 0.1 * i as f64))
        .collect();
    fs::write(
        dir.join("sweep.toml"),
        format!(
            r#"name = "interrupted"
base = "base.toml"
design = "grid"
replications = 4
[[parameter]]
path = "staff.g.headcount"
values = [{}]
"#,
            values.join(", ")
        ),
    )
    .unwrap();
}

#[test]
fn sigterm_stops_a_sweep_and_resume_gives_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    sweep_files(tmp.path(), 24);
    let points = tmp.path().join("cut/interrupted/points");
    let child = spawn(
        tmp.path(),
        &["sweep", "sweep.toml", "--out", "cut", "--threads", "2"],
    );
    wait_until("the first point", || {
        fs::read_dir(&points).is_ok_and(|mut d| {
            d.any(|e| e.is_ok_and(|e| !e.file_name().to_string_lossy().starts_with('.')))
        })
    });
    signal(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    let e = stderr(&o);
    assert!(e.contains("terminated (SIGTERM): "), "{e}");
    assert!(e.contains("rerun with --resume"), "{e}");
    let kept = fs::read_dir(&points).unwrap().count();
    assert!((1..24).contains(&kept), "{kept} points kept");
    // Nothing but whole points: no joined results yet, no temporaries.
    assert!(!tmp.path().join("cut/interrupted/points.csv").exists());
    assert_no_leftovers(&tmp.path().join("cut"));

    let o = regsim(
        tmp.path(),
        &["sweep", "sweep.toml", "--out", "cut", "--resume"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = regsim(tmp.path(), &["sweep", "sweep.toml", "--out", "whole"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (cut, whole) = (tmp.path().join("cut"), tmp.path().join("whole"));
    assert_eq!(tree(&cut), tree(&whole));
    for p in tree(&whole) {
        if whole.join(&p).is_file() {
            assert_eq!(
                fs::read(cut.join(&p)).unwrap(),
                fs::read(whole.join(&p)).unwrap(),
                "{} differs after resume",
                p.display()
            );
        }
    }
}

#[test]
fn an_output_path_under_a_file_is_exit_1_with_the_path_named() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 2)).unwrap();
    fs::write(tmp.path().join("file"), "not a folder").unwrap();
    let o = regsim(tmp.path(), &["run", "q.toml", "--out", "file/out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    assert!(
        stderr(&o).contains("cannot create file/out"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(tmp.path().join("file")).unwrap(), b"not a folder");
}

/// Runs `regsim run` with writes capped at `kb` KiB per file by the shell's `ulimit -f`, so a
/// write fails part-way through a file as on a full disk (EFBIG instead of ENOSPC).
#[test]
fn a_write_failing_midway_is_exit_1_and_leaves_no_part_file() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 200)).unwrap();
    // SIGXFSZ would kill the process; ignored, the write returns an error instead.
    let o = Command::new("sh")
        .current_dir(tmp.path())
        .args([
            "-c",
            &format!("trap '' XFSZ; ulimit -f 8; exec {BIN} run q.toml --out out"),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    let e = stderr(&o);
    assert!(e.contains("cannot write out/"), "{e}");
    assert!(e.contains("File too large"), "{e}");
    // The scenario's folder never appears: it is staged and only renamed in when whole.
    assert!(!tmp.path().join("out/q").exists());
    assert_no_leftovers(&tmp.path().join("out"));
}

/// `sh -c script` in a new user and mount namespace, or `None` where this machine does not
/// allow one (then the `ulimit` test above still covers a failing write).
fn in_namespace(dir: &Path, script: &str) -> Option<Output> {
    let probe = Command::new("unshare")
        .args(["-rm", "true"])
        .output()
        .ok()?;
    if !probe.status.success() {
        eprintln!("unshare -rm not allowed here; skipping the tmpfs case");
        return None;
    }
    Some(
        Command::new("unshare")
            .current_dir(dir)
            .args(["-rm", "sh", "-c", script])
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_is_exit_1_with_no_space_named() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 200)).unwrap();
    fs::create_dir(tmp.path().join("out")).unwrap();
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs out && {BIN} run q.toml --out out --max-output 1G; \
         code=$?; ls -A out; exit $code"
    );
    let Some(o) = in_namespace(tmp.path(), &script) else {
        return;
    };
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    // `ls -A out` inside the namespace: nothing left on the full disk.
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");
}

#[test]
fn a_read_only_output_folder_is_exit_1() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("q.toml"), quick("q", 2)).unwrap();
    fs::create_dir(tmp.path().join("out")).unwrap();
    let script = format!("mount -t tmpfs -o ro tmpfs out && exec {BIN} run q.toml --out out");
    let Some(o) = in_namespace(tmp.path(), &script) else {
        return;
    };
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_no_panic(&o);
    let e = stderr(&o);
    assert!(e.contains("cannot create a folder in out"), "{e}");
    assert!(e.contains("Read-only file system"), "{e}");
}
