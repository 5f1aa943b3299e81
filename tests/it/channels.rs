//! Exposure channels besides staff reads, through the binary: data held at sites in a
//! restricted jurisdiction (`exposure.pb_days_restricted`, exactly PB × days) and compelled-access
//! events (`exposure.records_compelled`, mean P × share × records within its standard error),
//! their breakdowns adding up, their rows in `branches.csv` and `inputs.csv`, and a regulator
//! whose only drivers are these channels reaching its milestone sooner.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::regsim;

/// Two populations, 1 PB each, constant users over 2024 (366 days). `eu` restricts CN and holds
/// 0.3 PB in beijing and 0.2 PB in shanghai; `apac` holds 0.5 PB in beijing but restricts
/// nothing, so none of it counts. CN staff read `eu` through a gateway that masks identifiers,
/// re-identifiable at 0.2: the half of `eu`'s data outside China is readable at 0.2.
const WORLD: &str = r#"
start = "2024-01-01"
end = "2024-12-31"
replications = 2000

[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 1_000_000
data_per_user_mb = 1000
placement = { dublin = 0.5, beijing = 0.3, shanghai = 0.2 }

[population.apac]
home = "SG"
enclave = ["SG"]
users = 2_000_000
data_per_user_mb = 500
placement = { singapore = 0.5, beijing = 0.5 }

[site.dublin]
jurisdiction = "IE"
capacity_pb = 10

[site.singapore]
jurisdiction = "SG"
capacity_pb = 10

[site.beijing]
jurisdiction = "CN"
capacity_pb = 10

[site.shanghai]
jurisdiction = "CN"
capacity_pb = 10

[staff.cn_ops]
jurisdiction = "CN"
headcount = 10
sessions_per_person_day = 1
records_per_session = 1
populations = ["eu"]
categories = ["identifiers", "behavioural"]

[control.masking]
kind = "gateway"
staff_jurisdictions = ["CN"]
masks = ["identifiers"]
reid_probability = 0.2
"#;

/// A dated event: P = 0.3, share 0.5, 2 records per user: 0.5 × 2 × 10⁶ × (0.5 + 0.5 × 0.2)
/// = 600,000 records when it happens.
const DATED: &str = r#"
[compelled_access.dated]
jurisdiction = "CN"
date = "2024-06-01"
probability = 0.3
share = 0.5
records_per_user = 2
"#;

/// A hazard of 2 a year over 2024: 0.1 × 10⁶ × 0.6 = 60,000 records per occurrence. Its name
/// sorts before `dated`, so a stream keyed by position rather than name would move `dated`'s.
const HAZARD: &str = r#"
[compelled_access.band]
jurisdiction = "CN"
per_year = 2
share = 0.1
"#;

/// A regulator whose only drivers are the two channels (coefficients filled in per test).
fn regulator(drivers: &str) -> String {
    format!(
        r#"
[regulator.dpc]
initial = "watching"
drivers = {{ {drivers} }}
[regulator.dpc.state.watching]
[regulator.dpc.state.inquiry]
milestone = true
[[regulator.dpc.transition]]
from = "watching"
to = "inquiry"
per_year = 0.3
"#
    )
}

fn columns(path: &Path) -> Columns {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let mut out = Columns::new();
    for l in lines {
        for (h, v) in header.iter().zip(l.split(',')) {
            out.entry(h.clone()).or_default().push(v.parse().unwrap());
        }
    }
    out
}

/// A CSV file's columns by name.
type Columns = BTreeMap<String, Vec<f64>>;

/// Runs `text` as scenario `name`: its replications and inputs by column, and its branches.
fn run(name: &str, text: &str) -> (Columns, Columns, String) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(format!("{name}.toml"));
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    regsim()
        .arg("run")
        .arg(&file)
        .args(["--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let dir = out.join(name);
    (
        columns(&dir.join("replications.csv")),
        columns(&dir.join("inputs.csv")),
        std::fs::read_to_string(dir.join("branches.csv")).unwrap(),
    )
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn data_held_in_a_restricted_jurisdiction_counts_pb_times_days_exactly() {
    let (reps, _, _) = run("held", WORLD);
    let days = 366.0;
    for (r, &total) in reps["exposure.pb_days_restricted"].iter().enumerate() {
        // eu's 0.3 + 0.2 PB in China; apac's 0.5 PB there does not count (it restricts nothing).
        assert!(close(total, 0.5 * days), "replication {r}: {total}");
        assert!(close(
            reps["exposure.pb_days_restricted.beijing"][r],
            0.3 * days
        ));
        assert!(close(
            reps["exposure.pb_days_restricted.shanghai"][r],
            0.2 * days
        ));
        assert!(close(reps["exposure.pb_days_restricted.eu"][r], 0.5 * days));
        assert_eq!(reps["exposure.pb_days_restricted.apac"][r], 0.0);
        // Held data is not compelled access: no event, no records.
        assert_eq!(reps["exposure.records_compelled"][r], 0.0);
    }
}

#[test]
fn a_dated_compelled_access_exposes_its_share_of_the_held_and_readable_data_with_its_probability() {
    let (reps, inputs, branches) = run("dated", &format!("{WORLD}{DATED}"));
    let records = &reps["exposure.records_compelled"];
    let n = records.len() as f64;
    // Each replication exposes 0 or exactly 0.5 × 2 × 10⁶ × (0.5 held + 0.5 × 0.2 readable).
    let hit = 600_000.0;
    let happened = records.iter().filter(|&&x| x > 0.0).count() as f64;
    for (r, &x) in records.iter().enumerate() {
        assert!(x == 0.0 || close(x, hit), "replication {r}: {x}");
        let day = inputs["compelled_access.dated.day"][r];
        // 2024-06-01 is day 152; an event that did not happen gets the horizon (366).
        assert_eq!(day, if x > 0.0 { 152.0 } else { 366.0 }, "replication {r}");
        assert!(close(reps["exposure.records_compelled.eu"][r], x));
        assert_eq!(reps["exposure.records_compelled.apac"][r], 0.0);
    }
    // Mean P × share × records, within four standard errors of a Bernoulli(0.3) × 600,000.
    let se = hit * (0.3_f64 * 0.7 / n).sqrt();
    let m = mean(records);
    assert!(
        (m - 0.3 * hit).abs() < 4.0 * se,
        "mean {m}, want {}",
        0.3 * hit
    );
    // branches.csv has the event with its share of replications.
    let share = happened / n;
    assert!(
        branches.contains(&format!(
            "compelled_access.dated,happens,{happened},{share},"
        )),
        "{branches}"
    );
}

#[test]
fn a_compelled_access_hazard_has_a_poisson_mean_and_leaves_the_other_events_draws_alone() {
    let (reps, inputs, _) = run("hazard", &format!("{WORLD}{DATED}{HAZARD}"));
    let (_, alone, _) = run("alone", &format!("{WORLD}{DATED}"));
    // The dated event draws the same numbers with or without the hazard beside it.
    assert_eq!(
        inputs["compelled_access.dated.day"],
        alone["compelled_access.dated.day"]
    );
    let records = &reps["exposure.records_compelled"];
    let n = records.len() as f64;
    // Dated: 0.3 × 600,000. Hazard: 2 × 366 / 365.25 occurrences of 0.1 × 10⁶ × 0.6 each.
    let (per, lambda) = (60_000.0, 2.0 * 366.0 / 365.25);
    let want = 0.3 * 600_000.0 + lambda * per;
    let var = 0.3 * 0.7 * 600_000.0_f64.powi(2) + lambda * per * per;
    let m = mean(records);
    assert!(
        (m - want).abs() < 4.0 * (var / n).sqrt(),
        "mean {m}, want {want}"
    );
    // Whole occurrences: the hazard's part is a multiple of 60,000.
    for (r, &x) in records.iter().enumerate() {
        let k = (x - if inputs["compelled_access.dated.day"][r] < 366.0 {
            600_000.0
        } else {
            0.0
        }) / per;
        assert!(
            (k - k.round()).abs() < 1e-6 && k > -1e-6,
            "replication {r}: {x}"
        );
    }
}

#[test]
fn a_regulator_driven_only_by_the_channels_reaches_its_milestone_sooner_on_the_same_draws() {
    let milestone = "regulatory.dpc.inquiry.first_day";
    let (base, _, _) = run("base", &format!("{WORLD}{DATED}{}", regulator("")));
    let (held, _, _) = run(
        "by_held",
        &format!("{WORLD}{DATED}{}", regulator("pb_restricted = 4")),
    );
    let (compelled, inputs, _) = run(
        "by_compelled",
        &format!(
            "{WORLD}{DATED}{}",
            regulator("records_compelled_millions = 10")
        ),
    );
    let (b, h, c) = (&base[milestone], &held[milestone], &compelled[milestone]);
    // Held data drives it on every day: never later, and sooner on average.
    assert!(b.iter().zip(h).all(|(b, h)| h <= b));
    assert!(mean(h) < mean(b) - 10.0, "{} vs {}", mean(h), mean(b));
    // Compelled records drive it only after an occurrence: unchanged where none happened or the
    // milestone came first, never later, and sooner in some replications.
    let day = &inputs["compelled_access.dated.day"];
    for r in 0..b.len() {
        assert!(c[r] <= b[r], "replication {r}");
        if day[r] >= 366.0 || b[r] <= day[r] {
            assert_eq!(c[r], b[r], "replication {r}");
        }
    }
    assert!(c.iter().zip(b).filter(|(c, b)| c < b).count() > 50);
}
