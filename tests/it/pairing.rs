//! Pairing across granularities: a gate that does nothing (1,000 reviewers, a review of 1e-9
//! days, everything approved) switches its staff group from aggregated to event mode and
//! changes nothing else. Through the binary, replication by replication.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

/// Two populations, one of them behind a masking gateway, heavy-tailed records, and misuse
/// watched by a monitor: every route the records, misuse and detections pass through.
const WORLD: &str = r#"
start = "2024-01-01"
end = "2025-12-31"
seed = 11
replications = 200
[population.a]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 1000000
data_per_user_mb = 0
placement = { s = 1.0 }
[population.b]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 400000
data_per_user_mb = 0
placement = { s = 1.0 }
[site.s]
jurisdiction = "X"
capacity_pb = 1
[staff.g]
jurisdiction = "Y"
headcount = 30
sessions_per_person_day = { dist = "lognormal", median = 0.1, p90 = 0.25 }
records_per_session = { dist = "lognormal", median = 200, p90 = 3000 }
populations = ["a", "b"]
categories = ["identifiers", "behavioural"]
misuse_share = 0.05
[control.masking]
kind = "gateway"
masks = ["identifiers"]
populations = ["b"]
reid_probability = 0.05
[control.watch]
kind = "monitor"
detect_probability = 0.3
detection_delay_days = { dist = "exponential", mean = 30 }
"#;

/// The gate. At 1e-6 days a session arriving in the last 0.09 s of a day (one in a million)
/// is read the next day, which is the gate doing something; at 1e-9, one in a billion.
const DO_NOTHING_GATE: &str = r#"
[control.do_nothing]
kind = "approval"
reviewers = 1000
review_days = 1e-9
approval_probability = 1
"#;

fn columns(path: &Path) -> BTreeMap<String, Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in lines {
        for (h, v) in header.iter().zip(line.split(',')) {
            cols.entry(h.clone()).or_default().push(v.parse().unwrap());
        }
    }
    cols
}

#[test]
fn a_do_nothing_gate_books_what_no_gate_books_in_every_replication() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain.toml"), WORLD).unwrap();
    std::fs::write(
        dir.path().join("gated.toml"),
        format!("{WORLD}{DO_NOTHING_GATE}"),
    )
    .unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("run")
        .arg(dir.path().join("plain.toml"))
        .arg(dir.path().join("gated.toml"))
        .args(["--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let plain = columns(&out.join("plain/replications.csv"));
    let gated = columns(&out.join("gated/replications.csv"));
    for metric in [
        "access.sessions",
        "exposure.records_visible",
        "exposure.records_masked",
        "exposure.records_reidentifiable",
        "incidents.misuse",
        "incidents.detected",
    ] {
        let (a, b) = (&plain[metric], &gated[metric]);
        assert_eq!(a.len(), 200);
        assert!(
            a.iter().filter(|&&x| x > 0.0).count() > 150,
            "{metric} is rarely zero"
        );
        let unequal = a.iter().zip(b).filter(|(x, y)| x != y).count();
        assert_eq!(
            unequal, 0,
            "{metric} differs in {unequal} of 200 replications"
        );
    }
    // The gate is there: its requests are counted as waiting (zero days each).
    assert!(gated.contains_key("access.approval_wait_days"));
}
