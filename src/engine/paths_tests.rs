//! The two granularities agree: a gate that lets everything through at once changes nothing
//! but the path, replication by replication, and misuse detection across several monitors matches its closed form.

use super::tests::{totals, world, BASE};

fn group(records: &str, extra: &str) -> String {
    format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 20
sessions_per_person_day = {{ dist = "uniform", min = 1, max = 3 }}
records_per_session = {records}
populations = ["p"]
categories = ["identifiers"]
misuse_share = 0.05
{extra}"#
    )
}

/// An approval gate that approves everything at once, with more reviewers than requests.
const OPEN_GATE: &str = r#"
[control.open]
kind = "approval"
reviewers = 100000
review_days = 0
"#;

fn column(text: &str, metric: &str, reps: u64) -> Vec<f64> {
    totals(&world(text), metric, reps)
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (
        m,
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

#[test]
fn an_open_gate_books_the_same_sessions_and_records_as_no_gate() {
    // Same stream, same Poisson count each day in both granularities: sessions are equal
    // replication by replication, and with a constant 1.5 records per session each day books
    // round(1.5 × sessions) on either path.
    let plain = group("1.5", "");
    let gated = group("1.5", OPEN_GATE);
    for metric in ["access.sessions", "exposure.records_visible"] {
        assert_eq!(
            column(&plain, metric, 20),
            column(&gated, metric, 20),
            "{metric}"
        );
    }
}

#[test]
fn an_open_gate_books_the_same_records_misuse_and_detections_as_no_gate() {
    // Heavy-tailed records on two populations, misuse watched by a monitor: every route-day
    // is below the switch-over, so both granularities draw each session's records, each
    // route's misuse count and each misuse session's detection from the same streams in the
    // same order. Equal replication by replication, not just in distribution.
    let two = |extra: &str| {
        group(r#"{ dist = "lognormal", median = 20, p90 = 400 }"#, extra)
            .replace(r#"populations = ["p"]"#, r#"populations = ["p", "q"]"#)
            + r#"
[population.q]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 300000
data_per_user_mb = 0
placement = { s = 1.0 }
[control.watch]
kind = "monitor"
detect_probability = 0.4
detection_delay_days = { dist = "exponential", mean = 20 }
"#
    };
    let (plain, gated) = (two(""), two(OPEN_GATE));
    for metric in [
        "access.sessions",
        "exposure.records_visible",
        "incidents.misuse",
        "incidents.detected",
    ] {
        let (a, b) = (column(&plain, metric, 60), column(&gated, metric, 60));
        assert!(a.iter().sum::<f64>() > 0.0, "{metric} is never zero");
        assert_eq!(a, b, "{metric}");
    }
}

#[test]
fn two_monitors_detect_what_either_would_with_the_earlier_delay() {
    // Misuse on an aggregated route watched by two monitors with exponential delays a and b:
    // P(detected) = 1 − (1 − p₁)(1 − p₂); mean delay of detected ones
    // [p₁(1 − p₂)a + p₂(1 − p₁)b + p₁p₂·ab/(a + b)] / P(detected). Delays of an hour or so,
    // so that detections lost past the horizon (misuse on its last day detected more than a
    // day later: e^(−1/b) ≈ 6e-8) are negligible.
    let (p1, a, p2, b) = (0.3, 0.02, 0.5, 0.06);
    let monitors = format!(
        r#"
[control.m1]
kind = "monitor"
detect_probability = {p1}
detection_delay_days = {{ dist = "exponential", mean = {a} }}
[control.m2]
kind = "monitor"
detect_probability = {p2}
detection_delay_days = {{ dist = "exponential", mean = {b} }}
"#
    );
    let text = group("1", &monitors).replace("headcount = 20", "headcount = 400");
    let misuse = column(&text, "incidents.misuse", 40);
    let detected = column(&text, "incidents.detected", 40);
    let delay = column(&text, "incidents.detection_delay_days", 40);
    let p = 1.0 - (1.0 - p1) * (1.0 - p2);
    let shares: Vec<f64> = detected.iter().zip(&misuse).map(|(d, m)| d / m).collect();
    let (share, v) = mean_var(&shares);
    let se = (v / shares.len() as f64).sqrt();
    assert!(
        (share - p).abs() <= 3.0 * se,
        "detected share {share} ± {se}, expected {p}"
    );
    let mean_delay = (p1 * (1.0 - p2) * a + p2 * (1.0 - p1) * b + p1 * p2 * a * b / (a + b)) / p;
    let (d, v) = mean_var(&delay);
    let se = (v / delay.len() as f64).sqrt();
    assert!(
        (d - mean_delay).abs() <= 3.0 * se,
        "mean delay {d} ± {se}, expected {mean_delay}"
    );
    // Booking the later delay instead (or the first monitor's) would be far outside that.
    assert!(se < 0.01 * mean_delay, "the check is sharp: SE {se}");
}
