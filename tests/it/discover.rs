//! `regsim discover` through the binary, on synthetic CSVs: PRIM recovers a box planted in the
//! inputs (the restricted dimensions exactly, the limits within a peel step), from a run's
//! inputs.csv + replications.csv and from a sweep's points.csv, `--below` selects the other
//! side, the output bytes repeat, and bad input is exit 2 with nothing written.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_regsim");
const N: usize = 2000;
/// The planted box: x0 > 0.6 and x2 < 0.3 (of five uniform inputs).
const LO0: f64 = 0.6;
const HI2: f64 = 0.3;

/// Five uniform columns from a fixed LCG, row-major.
fn sample() -> Vec<[f64; 5]> {
    let mut s: u64 = 20240601;
    let mut next = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..N).map(|_| std::array::from_fn(|_| next())).collect()
}

fn planted(x: &[f64; 5]) -> bool {
    x[0] > LO0 && x[2] < HI2
}

/// A run folder: inputs.csv (five inputs and a categorical label) and replications.csv, whose
/// `exposure.score` is 10 inside the planted box and 1 outside, rows in reverse order.
fn run_folder() -> TempDir {
    let d = tempfile::tempdir().unwrap();
    let rows = sample();
    let mut inputs = String::from("replication,a.x0,a.x1,b.x2,b.x3,c.x4,decision.label\n");
    let mut reps = String::from("replication,exposure.score,cost.total\n");
    for (r, x) in rows.iter().enumerate() {
        let label = if r % 2 == 0 { "comply" } else { "refuse" };
        inputs.push_str(&format!(
            "{r},{},{},{},{},{},{label}\n",
            x[0], x[1], x[2], x[3], x[4]
        ));
    }
    for (r, x) in rows.iter().enumerate().rev() {
        let score = if planted(x) { 10 } else { 1 };
        reps.push_str(&format!("{r},{score},5\n"));
    }
    fs::write(d.path().join("inputs.csv"), inputs).unwrap();
    fs::write(d.path().join("replications.csv"), reps).unwrap();
    d
}

fn discover(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("discover")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// `(dimension, min, max, restricted)` of box 1 in boxes.csv.
fn box_one(dir: &Path) -> Vec<(String, f64, f64, bool)> {
    let text = fs::read_to_string(dir.join("boxes.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("box,dimension,min,max,restricted"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[0] == "1")
        .map(|f| {
            (
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4] == "yes",
            )
        })
        .collect()
}

/// The largest gap a peel or paste can leave: one 5% quantile step of the rows in the box,
/// i.e. the width of 5% of the box's rows along a dimension. The planted box holds 12% of the
/// rows over a 0.4 × 0.3 area, so one step is at most 0.05 of a unit range; allow that.
const TOL: f64 = 0.05;

fn assert_planted(boxes: &[(String, f64, f64, bool)]) {
    let restricted: Vec<&str> = boxes.iter().filter(|b| b.3).map(|b| b.0.as_str()).collect();
    assert_eq!(restricted, ["a.x0", "b.x2"], "{boxes:?}");
    assert!((boxes[0].1 - LO0).abs() < TOL, "x0 from {}", boxes[0].1);
    assert!((boxes[2].2 - HI2).abs() < TOL, "x2 to {}", boxes[2].2);
}

#[test]
fn a_planted_box_is_recovered_from_a_run() {
    let d = run_folder();
    let o = discover(d.path(), &["--metric", "exposure.score", "--above", "5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("`decision.label`"), "{stderr}");
    let out = d.path().join("discover_exposure.score");
    assert_planted(&box_one(&out));
    let traj = fs::read_to_string(out.join("trajectory.csv")).unwrap();
    assert!(traj.starts_with(
        "box,step,phase,coverage,density,mass,restricted_dimensions,chosen\n1,0,start,1,"
    ));
    let chosen: Vec<&str> = traj
        .lines()
        .find(|l| l.ends_with(",yes"))
        .unwrap()
        .split(',')
        .collect();
    let (coverage, density): (f64, f64) = (chosen[3].parse().unwrap(), chosen[4].parse().unwrap());
    assert!(coverage > 0.85 && density > 0.95, "{chosen:?}");
    for f in ["trajectory.png", "trajectory.svg"] {
        assert!(fs::metadata(out.join(f)).unwrap().len() > 1000, "{f}");
    }
    // The same input gives the same bytes.
    let first: Vec<Vec<u8>> = [
        "boxes.csv",
        "trajectory.csv",
        "trajectory.png",
        "trajectory.svg",
    ]
    .iter()
    .map(|f| fs::read(out.join(f)).unwrap())
    .collect();
    assert!(
        discover(d.path(), &["--metric", "exposure.score", "--above", "5"])
            .status
            .success()
    );
    for (i, f) in [
        "boxes.csv",
        "trajectory.csv",
        "trajectory.png",
        "trajectory.svg",
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(fs::read(out.join(f)).unwrap(), first[i], "{f} changed");
    }
}

#[test]
fn below_selects_the_other_side_and_out_moves_the_folder() {
    // Cases of interest are the planted box's complement; its best box is not the planted one.
    let d = run_folder();
    let to = tempfile::tempdir().unwrap();
    let o = discover(
        d.path(),
        &[
            "--metric",
            "exposure.score",
            "--below",
            "5",
            "--out",
            to.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.path().join("discover_exposure.score").exists());
    let boxes = box_one(&to.path().join("discover_exposure.score"));
    // A box of rows outside the planted box: x0 below 0.6 or x2 above 0.3.
    let (x0, x2) = (&boxes[0], &boxes[2]);
    assert!(
        (x0.3 && x0.2 < LO0 + TOL) || (x2.3 && x2.1 > HI2 - TOL),
        "{boxes:?}"
    );
}

#[test]
fn a_sweep_points_csv_is_searched_on_its_parameters() {
    let d = tempfile::tempdir().unwrap();
    let mut text =
        String::from("point,p.x0,p.x1,p.x2,m.mean,m.p5,m.p50,m.p95,m.ci95_lo,m.ci95_hi\n");
    for (i, x) in sample().iter().enumerate() {
        let m = if planted(x) { 100.0 } else { 3.0 };
        text.push_str(&format!("{i},{},{},{},{m},0,0,0,0,0\n", x[0], x[1], x[2]));
    }
    fs::write(d.path().join("points.csv"), text).unwrap();
    // A metric alone means its mean.
    let o = discover(d.path(), &["--metric", "m", "--above", "50"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let boxes = box_one(&d.path().join("discover_m.mean"));
    let names: Vec<&str> = boxes.iter().filter(|b| b.3).map(|b| b.0.as_str()).collect();
    assert_eq!(names, ["p.x0", "p.x2"], "{boxes:?}");
}

/// Exit 2, a message containing `needle`, and nothing new in the folder.
fn refused(dir: &Path, args: &[&str], needle: &str) {
    let before = fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    let o = discover(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert_eq!(
        fs::read_dir(dir).map(|d| d.count()).unwrap_or(0),
        before,
        "{args:?} wrote"
    );
}

#[test]
fn bad_input_is_exit_2_and_writes_nothing() {
    let d = run_folder();
    let p = d.path();
    refused(
        p,
        &["--metric", "exposure.scor", "--above", "5"],
        "did you mean `exposure.score`",
    );
    refused(
        p,
        &["--metric", "exposure.score", "--above", "50"],
        "no row has exposure.score above 50",
    );
    refused(
        p,
        &["--metric", "exposure.score", "--below", "50"],
        "every row has",
    );
    refused(p, &["--metric", "exposure.score"], "--above");
    refused(
        p,
        &["--metric", "exposure.score", "--above", "1", "--below", "2"],
        "cannot be used with",
    );
    refused(
        &p.join("missing"),
        &["--metric", "m", "--above", "1"],
        "is not a folder",
    );
    let empty = tempfile::tempdir().unwrap();
    refused(
        empty.path(),
        &["--metric", "m", "--above", "1"],
        "neither points.csv",
    );
    fs::write(
        p.join("replications.csv"),
        "replication,exposure.score\n0,1\n",
    )
    .unwrap();
    refused(
        p,
        &["--metric", "exposure.score", "--above", "0"],
        "replication 1 is in",
    );
}

#[test]
fn the_library_finds_in_memory_what_the_command_line_writes() {
    use regsim::discover::{find, Options, Target};
    let d = run_folder();
    let opts = Options {
        dir: d.path().to_path_buf(),
        metric: "exposure.score".into(),
        target: Target::Above(5.0),
        out: None,
        params: Default::default(),
    };
    let found = find(&opts).unwrap();
    assert!(
        fs::read_dir(d.path()).unwrap().count() == 2,
        "find wrote nothing"
    );
    assert_planted(&{
        let tmp = tempfile::tempdir().unwrap();
        let dir = found.write(tmp.path()).unwrap();
        box_one(&dir)
    });
    assert!(
        discover(d.path(), &["--metric", "exposure.score", "--above", "5"])
            .status
            .success()
    );
    let out = d.path().join("discover_exposure.score");
    assert_eq!(found.boxes_csv(), fs::read(out.join("boxes.csv")).unwrap());
    assert_eq!(
        found.trajectory_csv(),
        fs::read(out.join("trajectory.csv")).unwrap()
    );
    assert!(found.lines[0].starts_with("box 1: "), "{:?}", found.lines);
}
