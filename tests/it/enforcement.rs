//! Conduct changes enforcement outcomes (issue 14): with history unpinned, more exposure raises
//! both the probability of a fine and the mean fine per fine, with paired intervals (the
//! machinery of `regsim diff`) excluding 0; and a monitor that only sees misuse the status quo
//! also has does not move fines at all.

use std::path::Path;

use assert_cmd::Command;
use regsim::metrics::paired::stats;

use crate::common::enforcement_world;

/// The shared enforcement world (seed 14) with `headcount` China-based staff, EU staff, a
/// gateway and a DPC-like regulator unpinned, driven by data readable from China (exit choice
/// and gravity) and by detections of China-based misuse; `extra` appended.
fn world(headcount: u32, extra: &str) -> String {
    enforcement_world(
        14,
        headcount,
        &format!(
            r#"[staff.eu]
jurisdiction = "IE"
headcount = 1000
sessions_per_person_day = 20
records_per_session = 1
populations = ["eu"]
categories = ["identifiers"]
misuse_share = 0.001
[control.gateway]
kind = "gateway"
masks = ["identifiers"]
staff_jurisdictions = ["CN"]
reid_probability = 0.5
[regulator.dpc]
staff_jurisdictions = ["CN"]
initial = "inquiry"
[regulator.dpc.fine]
max_share_of_turnover = 0.04
seriousness = [0.8, 0.15, 0.05]
gravity = {{ users_millions = 0.5 }}
[regulator.dpc.drivers]
detected_incidents = 0.01
[regulator.dpc.state.monitoring]
[regulator.dpc.state.inquiry]
[regulator.dpc.state.draft]
[regulator.dpc.state.decision]
fine = true
[[regulator.dpc.transition]]
from = "inquiry"
to = "draft"
per_year = 2.0
[[regulator.dpc.transition]]
from = "draft"
to = "decision"
per_year = 0.5
drivers = {{ users_millions = 1.0 }}
[[regulator.dpc.transition]]
from = "draft"
to = "monitoring"
per_year = 1.0
{extra}"#
        ),
    )
}

/// Replications of `name` (run with `others`) as rows of (fine count, fines).
fn run(dir: &Path, scenarios: &[(&str, String)]) -> Vec<Vec<(f64, f64)>> {
    let mut cmd = Command::cargo_bin("regsim").unwrap();
    cmd.arg("run");
    for (name, text) in scenarios {
        let p = dir.join(format!("{name}.toml"));
        std::fs::write(&p, text).unwrap();
        cmd.arg(&p);
    }
    let out = dir.join("out");
    cmd.args(["--replications", "400", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    scenarios
        .iter()
        .map(|(name, _)| {
            let csv = std::fs::read_to_string(out.join(name).join("replications.csv")).unwrap();
            let mut lines = csv.lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            let col = |m: &str| header.iter().position(|h| *h == m).unwrap();
            let (n, f) = (col("regulatory.fines"), col("cost.fines"));
            lines
                .map(|l| {
                    let v: Vec<f64> = l.split(',').map(|x| x.parse().unwrap_or(0.0)).collect();
                    (v[n], v[f])
                })
                .collect()
        })
        .collect()
}

#[test]
fn more_exposure_raises_the_probability_of_a_fine_and_the_mean_fine() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = run(
        tmp.path(),
        &[("low", world(50, "")), ("high", world(400, ""))],
    );
    let (low, high) = (&runs[0], &runs[1]);
    let fined: Vec<(f64, f64)> = low
        .iter()
        .zip(high)
        .map(|(a, b)| (f64::from(a.0 > 0.0), f64::from(b.0 > 0.0)))
        .collect();
    let p = stats("fined", &fined);
    eprintln!(
        "P(fine): {} -> {}, ci {:?}",
        p.base_mean, p.changed_mean, p.ci95
    );
    assert!(p.ci95[0] > 0.0, "P(fine) difference {:?}", p.ci95);
    // Mean fine per fine, paired over replications where both were fined.
    let per_fine: Vec<(f64, f64)> = low
        .iter()
        .zip(high)
        .filter(|(a, b)| a.0 > 0.0 && b.0 > 0.0)
        .map(|(a, b)| (a.1 / a.0, b.1 / b.0))
        .collect();
    assert!(per_fine.len() > 50, "only {} pairs fined", per_fine.len());
    let m = stats("per_fine", &per_fine);
    eprintln!(
        "fine per fine: {:.3e} -> {:.3e}, ci {:?}",
        m.base_mean, m.changed_mean, m.ci95
    );
    assert!(m.ci95[0] > 0.0, "mean fine difference {:?}", m.ci95);
}

#[test]
fn a_monitor_of_misuse_the_status_quo_also_has_does_not_raise_fines() {
    let tmp = tempfile::tempdir().unwrap();
    let monitor = r#"
[control.eu_monitor]
kind = "monitor"
staff_jurisdictions = ["IE"]
detect_probability = 0.9
detection_delay_days = 1
"#;
    let runs = run(
        tmp.path(),
        &[("without", world(100, "")), ("with", world(100, monitor))],
    );
    assert!(runs[0].iter().any(|r| r.0 > 0.0), "no fines to compare");
    assert_eq!(runs[0], runs[1], "the EU monitor moved fines");

    // The same regulator counting every staff group's detections would let the monitor move
    // fines: the restriction above is what keeps them unchanged.
    let unrestricted =
        |extra| world(100, extra).replace("staff_jurisdictions = [\"CN\"]\ninitial", "initial");
    assert_ne!(
        unrestricted(""),
        world(100, ""),
        "the restriction was not removed"
    );
    let tmp = tempfile::tempdir().unwrap();
    let runs = run(
        tmp.path(),
        &[
            ("without", unrestricted("")),
            ("with", unrestricted(monitor)),
        ],
    );
    assert_ne!(
        runs[0], runs[1],
        "counting EU moderators' detections left fines unchanged"
    );
}
