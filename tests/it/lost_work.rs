//! Controls cost what they block (issue 29, item 7), through the binary: a deny control's
//! `cost_per_blocked_session` is booked in `cost.lost_work` and `cost.total` at its closed-form
//! mean (blocked sessions × price, to 3 standard errors), the shipped Texas boundary prices its
//! blocked sessions, and bad prices are refused with exit 2 at their place.

use crate::common::{regsim, MINIMAL};

fn summary_stat(dir: &std::path::Path, metric: &str, stat: &str) -> f64 {
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["metrics"][metric][stat]
        .as_f64()
        .unwrap_or_else(|| panic!("no {metric}.{stat} in summary.json"))
}

#[test]
fn a_deny_control_books_blocked_sessions_times_its_price_in_cost_total() {
    // MINIMAL: 10 staff × 1 session a person-day for the 366 days of 2024, all denied.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("walled.toml");
    let text = format!(
        "name = \"walled\"\nreplications = 400\n{MINIMAL}\n[control.wall]\nkind = \"deny\"\ncost_per_blocked_session = 250\n"
    );
    std::fs::write(&file, text).unwrap();
    regsim()
        .arg("run")
        .arg(&file)
        .args(["--no-charts", "--out"])
        .arg(tmp.path().join("out"))
        .assert()
        .success();
    let dir = tmp.path().join("out/walled");
    let want = 250.0 * 10.0 * 1.0 * 366.0;
    let (mean, sd) = (
        summary_stat(&dir, "cost.lost_work", "mean"),
        summary_stat(&dir, "cost.lost_work", "sd"),
    );
    let se = sd / 400f64.sqrt();
    assert!((mean - want).abs() <= 3.0 * se, "{mean} ± {se} vs {want}");
    assert_eq!(
        summary_stat(&dir, "cost.total", "mean"),
        mean,
        "the only cost"
    );
    let denied = summary_stat(&dir, "access.denied", "mean");
    assert!(
        (denied * 250.0 - mean).abs() <= 1e-9 * mean,
        "{denied} × 250 vs {mean}"
    );
}

#[test]
fn texas_prices_the_sessions_its_boundary_blocks() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .arg(crate::common::repo("scenarios/texas.toml"))
        .args(["--replications", "50", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("texas");
    let mut r = csv::Reader::from_path(dir.join("replications.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (lost, denied) = (col("cost.lost_work"), col("access.denied"));
    for rec in r.records().map(Result::unwrap) {
        let (l, d): (f64, f64) = (rec[lost].parse().unwrap(), rec[denied].parse().unwrap());
        assert!(d > 0.0, "the boundary blocks sessions");
        assert!((l - 100.0 * d).abs() <= 1e-9 * l, "{l} vs 100 × {d}");
    }
}

#[test]
fn a_negative_or_misplaced_price_is_refused_at_its_place() {
    for (control, fragment, at) in [
        (
            "[control.wall]\nkind = \"deny\"\ncost_per_blocked_session = -5\n",
            "control.wall.cost_per_blocked_session",
            ":27:",
        ),
        (
            "[control.wall]\nkind = \"deny\"\ncost_per_delay_day = 5\n",
            "field `control.wall.cost_per_delay_day` does not apply to a `deny` control",
            ":27:",
        ),
        (
            "[control.mask]\nkind = \"gateway\"\nmasks = [\"contact\"]\ncost_per_blocked_session = 5\n",
            "field `control.mask.cost_per_blocked_session` does not apply to a `gateway` control",
            ":28:",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("bad.toml");
        std::fs::write(&file, format!("{MINIMAL}\n{control}")).unwrap();
        let out = tmp.path().join("out");
        let o = regsim()
            .arg("run")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&o.stderr);
        let located = err
            .lines()
            .find(|l| l.contains(fragment))
            .unwrap_or_else(|| panic!("no `{fragment}` in:\n{err}"));
        assert!(
            located.contains(&format!("bad.toml{at}")),
            "not located at line {at}: {located}"
        );
        assert!(!out.exists(), "nothing written");
    }
}
