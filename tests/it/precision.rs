//! Precision on demand (`[precision]`, `--precision`) through the real binary: a precision run
//! is byte-identical whatever the thread count, holds exactly the replications of a fixed run
//! of the count it stopped at, stops at the first block boundary where its target is met (and
//! meets it there), warns and exits 0 when `max_replications` is reached first, refuses bad
//! tables with their place, and lets each sweep point stop on its own.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{minimal_with, regsim, tree};

/// The minimal scenario (10 staff, misuse 1% of 3,650 sessions a year: `incidents.misuse` about
/// Poisson(36.5), a coefficient of variation of 0.17) with `table` appended.
fn scenario(table: &str) -> String {
    format!("{}{table}", minimal_with(&[]))
}

/// ±5% on misuse in blocks of 20: about 1.96²·0.17²/0.05² ≈ 42 replications, so it stops after
/// a few blocks.
const TABLE: &str = r#"
[precision]
rel = 0.05
metrics = ["incidents.misuse"]
block = 20
max_replications = 2000
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn run(file: &Path, out: &Path, extra: &[&str]) -> (String, String) {
    let a = regsim()
        .arg("run")
        .arg(file)
        .args(["--no-charts", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    let o = a.get_output();
    (
        String::from_utf8(o.stdout.clone()).unwrap(),
        String::from_utf8(o.stderr.clone()).unwrap(),
    )
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// The larger half of `metric`'s interval and its mean, from `summary.json`.
fn half_and_mean(s: &serde_json::Value, metric: &str) -> (f64, f64) {
    let m = &s["metrics"][metric];
    let mean = m["mean"].as_f64().unwrap();
    let ci = m["ci95"].as_array().unwrap();
    let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
    ((mean - lo).max(hi - mean), mean)
}

#[test]
fn a_precision_run_is_byte_identical_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "p.toml", &scenario(TABLE));
    run(&file, &tmp.path().join("t1"), &["--threads", "1"]);
    run(&file, &tmp.path().join("t2"), &["--threads", "2"]);
    let (a, b) = (
        tree(&tmp.path().join("t1/p")),
        tree(&tmp.path().join("t2/p")),
    );
    assert!(!a.is_empty());
    assert!(a == b, "a precision run differs between 1 and 2 threads");
}

#[test]
fn a_precision_run_stops_at_the_first_boundary_met_and_equals_a_fixed_run_of_its_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "p.toml", &scenario(TABLE));
    let (stdout, _) = run(&file, &tmp.path().join("prec"), &[]);
    let prec = summary(&tmp.path().join("prec/p"));
    let n = prec["replications"].as_u64().unwrap();
    let p = &prec["precision"];
    assert_eq!(p["replications"].as_u64(), Some(n));
    assert_eq!(p["met"], true, "{p}");
    assert!(n % 20 == 0 && (40..=200).contains(&n), "stopped after {n}");
    assert!(
        stdout.contains(&format!("{n} replications, precision 0.05 met")),
        "{stdout}"
    );

    // It meets its target with the interval the summary reports ...
    let (half, mean) = half_and_mean(&prec, "incidents.misuse");
    assert!(half <= 0.05 * mean, "±{half} of {mean}");
    // ... and had not at the boundary before.
    run(
        &file,
        &tmp.path().join("before"),
        &["--replications", &(n - 20).to_string()],
    );
    let before = summary(&tmp.path().join("before/p"));
    let (half, mean) = half_and_mean(&before, "incidents.misuse");
    assert!(
        half > 0.05 * mean,
        "met already at {}: ±{half} of {mean}",
        n - 20
    );

    // A fixed run of n replications is the same run: every row, every statistic.
    run(
        &file,
        &tmp.path().join("fixed"),
        &["--replications", &n.to_string()],
    );
    let fixed_dir = tmp.path().join("fixed/p");
    let prec_dir = tmp.path().join("prec/p");
    for f in [
        "replications.csv",
        "inputs.csv",
        "timeseries.csv",
        "annual.csv",
        "branches.csv",
    ] {
        assert!(
            fs::read(fixed_dir.join(f)).unwrap() == fs::read(prec_dir.join(f)).unwrap(),
            "{f} differs"
        );
    }
    let mut without = prec.clone();
    without.as_object_mut().unwrap().remove("precision");
    assert_eq!(without, summary(&fixed_dir));
    // The fixed run of the boundary before holds the precision run's first rows.
    let before_rows = fs::read(tmp.path().join("before/p/replications.csv")).unwrap();
    assert_eq!(before_rows, rows(&prec_dir, n as usize - 20));
}

/// The header and first `n` rows of `replications.csv` in `dir`.
fn rows(dir: &Path, n: usize) -> Vec<u8> {
    let rows = String::from_utf8(fs::read(dir.join("replications.csv")).unwrap()).unwrap();
    rows.lines()
        .take(n + 1)
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn reaching_max_replications_warns_exits_0_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let table = TABLE.replace("max_replications = 2000", "max_replications = 30");
    let file = write(tmp.path(), "p.toml", &scenario(&table));
    let (stdout, stderr) = run(&file, &tmp.path().join("o"), &[]);
    assert!(
        stdout.contains("30 replications, precision 0.05 NOT met"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: precision 0.05 NOT met"),
        "{stderr}"
    );
    let s = summary(&tmp.path().join("o/p"));
    assert_eq!(
        (s["replications"].as_u64(), &s["precision"]["met"]),
        (Some(30), &false.into())
    );
    let html = fs::read_to_string(tmp.path().join("o/p/report.html")).unwrap();
    assert!(
        html.contains("NOT met: max_replications 30 reached"),
        "report"
    );
}

#[test]
fn the_command_line_sets_the_target_and_replications_fix_the_count() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "p.toml", &scenario(""));
    let (stdout, _) = run(
        &file,
        &tmp.path().join("o"),
        &[
            "--precision",
            "0.05",
            "--precision-metric",
            "incidents.misuse",
        ],
    );
    assert!(
        stdout.contains("precision 0.05 met (incidents.misuse"),
        "{stdout}"
    );
    // `--replications` on a scenario with a table: a fixed run, no precision field.
    let with_table = write(tmp.path(), "q.toml", &scenario(TABLE));
    run(&with_table, &tmp.path().join("f"), &["--replications", "7"]);
    let s = summary(&tmp.path().join("f/q"));
    assert_eq!(
        (s["replications"].as_u64(), s.get("precision")),
        (Some(7), None)
    );
    // Both at once is refused.
    regsim()
        .arg("run")
        .arg(&file)
        .args(["--precision", "0.1", "--replications", "5"])
        .assert()
        .code(2);
}

#[test]
fn bad_precision_tables_are_refused_with_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = "\n[precision]\nrel = 0\nmetrics = [\"incidents.misuze\"]\n";
    let file = write(tmp.path(), "bad.toml", &scenario(bad));
    let text = fs::read_to_string(&file).unwrap();
    let line_of = |s: &str| text.lines().position(|l| l.starts_with(s)).unwrap() + 1;
    let a = regsim().arg("validate").arg(&file).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&format!(
            "bad.toml:{}:7: field `precision.rel` must be a number above 0",
            line_of("rel")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of("metrics")))
            && err.contains("unknown metric `incidents.misuze`; did you mean `incidents.misuse`?"),
        "{err}"
    );
    // No target for a metric; an unknown metric on the command line; --precision 0.
    let no_target = write(
        tmp.path(),
        "nt.toml",
        &scenario("\n[precision]\nblock = 10\n"),
    );
    let a = regsim().arg("validate").arg(&no_target).assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("`[precision]` needs `rel`"), "{err}");
    let ok = write(tmp.path(), "ok.toml", &scenario(""));
    let out = tmp.path().join("never");
    let a = regsim()
        .arg("run")
        .arg(&ok)
        .args([
            "--precision",
            "0.1",
            "--precision-metric",
            "cost.fine",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("did you mean `cost.fines`?"), "{err}");
    regsim()
        .arg("run")
        .arg(&ok)
        .args(["--precision", "0", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "bad input wrote outputs");
}

#[test]
fn each_sweep_point_stops_on_its_own_and_shards_merge_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("sweeps")).unwrap();
    write(tmp.path(), "tiny.toml", &scenario(""));
    // Misuse about Poisson(3.65·headcount): 2 staff need about 5 times the replications of 10.
    let sweep = write(
        &tmp.path().join("sweeps"),
        "s.toml",
        r#"base = "../tiny.toml"
design = "grid"
seed = 3
[[parameter]]
path = "staff.ops.headcount"
values = [2, 10]
[precision]
rel = 0.1
metrics = ["incidents.misuse"]
block = 10
max_replications = 5000
"#,
    );
    let whole = tmp.path().join("whole");
    regsim()
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let csv = fs::read_to_string(whole.join("s/points.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        [
            "point",
            "staff.ops.headcount",
            "replications",
            "precision_met"
        ]
    );
    let counts: Vec<u64> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells[3], "true", "{l}");
            cells[2].parse().unwrap()
        })
        .collect();
    assert_eq!(counts.len(), 2);
    assert!(
        counts[0] > 2 * counts[1],
        "2 staff took {}, 10 took {}",
        counts[0],
        counts[1]
    );
    // Shards run their points to the same counts: merged, the same bytes.
    let mut merge = regsim();
    merge.arg("merge");
    for k in 1..=2 {
        let out = tmp.path().join(format!("shard{k}"));
        regsim()
            .arg("sweep")
            .arg(&sweep)
            .args(["--shard", &format!("{k}/2"), "--threads", "1", "--out"])
            .arg(&out)
            .assert()
            .success();
        merge.arg(&out);
    }
    let merged = tmp.path().join("merged");
    merge.arg("--out").arg(&merged).assert().success();
    assert!(
        tree(&merged.join("s")) == tree(&whole.join("s")),
        "merged bytes differ"
    );
}

#[test]
fn a_precision_diff_stops_when_the_paired_difference_is_known() {
    let tmp = tempfile::tempdir().unwrap();
    let base = write(tmp.path(), "a.toml", &scenario(""));
    // Twice the misuse share: the difference is about Poisson-like, mean 36.5.
    let changed = write(
        tmp.path(),
        "b.toml",
        &minimal_with(&[("misuse_share = 0.01", "misuse_share = 0.02")]),
    );
    let out = tmp.path().join("o");
    let a = regsim()
        .arg("diff")
        .arg(&base)
        .arg(&changed)
        .args([
            "--precision",
            "0.05",
            "--precision-metric",
            "incidents.misuse",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let n: usize = stdout.split(' ').next().unwrap().parse().unwrap();
    assert!(
        n % 100 == 0 && stdout.contains("precision 0.05 met"),
        "{stdout}"
    );
    let diff = fs::read_to_string(out.join("diff_b_vs_a/diff.csv")).unwrap();
    let row: Vec<&str> = diff
        .lines()
        .find(|l| l.starts_with("incidents.misuse,"))
        .unwrap()
        .split(',')
        .collect();
    let [mean, lo, hi] = [row[3], row[5], row[6]].map(|v| v.parse::<f64>().unwrap());
    assert!((mean - lo).max(hi - mean) <= 0.05 * mean, "{row:?}");
    assert_eq!(row[10], n.to_string(), "{row:?}");
}
