//! Incremental accounting through the binary (issue 26): a scenario run against itself plus one
//! site that holds no data until it is decommissioned differs by exactly that site's cost, in
//! every replication; a cost marked `incremental = false` is reported in `cost.committed` and
//! left out of `cost.incremental`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::regsim;

/// A world whose costs follow use (storage per PB-month, a leased site, a migration), with
/// random draws everywhere (rates, records, storage prices), and one committed control.
const BASE: &str = r#"
start = "2025-01-01"
end = "2026-12-31"
replications = 40
seed = 7

[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 10e6
growth = 0.05
data_per_user_mb = 50
placement = { us = 1.0 }

[site.us]
jurisdiction = "US"
capacity_pb = 5
cost_per_pb_month = { dist = "uniform", min = 1e4, max = 3e4 }

[site.ie]
jurisdiction = "IE"
online = "2025-07-01"
capacity_pb = 2
tenure = "leased"
lease_years = 5
capex = 100e6
opex_per_year = { dist = "uniform", min = 5e6, max = 8e6 }
cost_per_pb_month = 2e4
cost_per_pb_moved = 3e4

[migration.move]
population = "eu"
start = "2025-07-01"
to = ["ie"]
rate_pb_per_day = { dist = "uniform", min = 0.005, max = 0.02 }
cost_per_pb = 1e6

[staff.cn]
jurisdiction = "CN"
headcount = 20
sessions_per_person_day = { dist = "lognormal", median = 0.1, p90 = 0.3 }
records_per_session = { dist = "lognormal", median = 100, p90 = 1000 }
populations = ["eu"]
categories = ["identifiers", "behavioural"]
misuse_share = 0.05

[control.legacy_audit]
kind = "monitor"
detect_probability = 0.2
annual_cost = { dist = "uniform", min = 2e6, max = 4e6 }
incremental = false
"#;

/// The same world plus a site that never holds data, live from 2025-03-01 and decommissioned
/// on 2026-03-01 (365 days later), with an uncertain build-out.
const WITH_SPARE: &str = r#"
extends = "base.toml"

[site.spare]
jurisdiction = "IE"
online = "2025-03-01"
decommission = "2026-03-01"
capacity_pb = 1
capex = { dist = "pert", min = 10e6, mode = 12e6, max = 20e6 }
opex_per_year = 2e6
"#;

/// Days the spare site is live: 2025-03-01 to 2026-02-28 inclusive.
const SPARE_LIVE_DAYS: f64 = 365.0;

/// A CSV as rows of named fields.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn column(rows: &[BTreeMap<String, String>], name: &str) -> Vec<f64> {
    rows.iter()
        .map(|r| {
            r.get(name)
                .unwrap_or_else(|| panic!("no column {name}"))
                .parse()
                .unwrap()
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_site_that_holds_nothing_until_decommissioned_costs_exactly_its_own_cost() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.toml"), BASE).unwrap();
    std::fs::write(tmp.path().join("with_spare.toml"), WITH_SPARE).unwrap();
    let (base, spare) = (
        tmp.path().join("base.toml"),
        tmp.path().join("with_spare.toml"),
    );
    let runs = tmp.path().join("runs");
    regsim()
        .arg("run")
        .args([&base, &spare])
        .args(["--no-charts", "--out"])
        .arg(&runs)
        .assert()
        .success();
    let b = csv_rows(&runs.join("base/replications.csv"));
    let s = csv_rows(&runs.join("with_spare/replications.csv"));
    let capex = column(
        &csv_rows(&runs.join("with_spare/inputs.csv")),
        "site.spare.capex",
    );
    let (bt, st) = (column(&b, "cost.total"), column(&s, "cost.total"));
    let (bi, si) = (
        column(&b, "cost.incremental"),
        column(&s, "cost.incremental"),
    );
    let own = column(&s, "cost.infrastructure.spare");
    assert_eq!(bt.len(), 40);
    for r in 0..bt.len() {
        // The site's cost: its build-out at go-live and its running cost while live; nothing
        // for storage or moves, since it never holds data.
        let expected = capex[r] + 2e6 / 365.25 * SPARE_LIVE_DAYS;
        assert!(
            close(own[r], expected),
            "rep {r}: site books {} not {expected}",
            own[r]
        );
        assert!(
            close(st[r] - bt[r], expected),
            "rep {r}: total differs by {} not {expected}",
            st[r] - bt[r]
        );
        assert!(
            close(si[r] - bi[r], expected),
            "rep {r}: incremental differs by {}",
            si[r] - bi[r]
        );
        // Everything else is as in the base: the same draws, the same exposure.
        for m in [
            "exposure.records_visible",
            "cost.migration",
            "cost.committed",
        ] {
            assert_eq!(b[r][m], s[r][m], "rep {r}: {m} moved");
        }
    }
    assert!(
        capex.iter().any(|&c| (c - capex[0]).abs() > 1e3),
        "the capex is drawn"
    );

    // The committed control: its fee is all of cost.committed, and cost.incremental is the
    // total without it.
    let committed = column(&b, "cost.committed");
    let monitoring = column(&b, "cost.monitoring");
    for r in 0..bt.len() {
        assert!(committed[r] > 1e6, "rep {r}: the committed fee is booked");
        assert!(
            close(committed[r], monitoring[r]),
            "rep {r}: committed {} vs fee {}",
            committed[r],
            monitoring[r]
        );
        assert!(
            close(bi[r], bt[r] - committed[r]),
            "rep {r}: incremental {} total {}",
            bi[r],
            bt[r]
        );
    }

    // `regsim diff` pairs them on the same streams: the mean difference is the site's mean cost.
    let out = tmp.path().join("diff");
    regsim()
        .arg("diff")
        .args([&base, &spare])
        .args(["--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let diff = csv_rows(&out.join("diff_with_spare_vs_base/diff.csv"));
    let mean_own = own.iter().sum::<f64>() / own.len() as f64;
    for m in ["cost.total", "cost.incremental", "cost.infrastructure"] {
        let row = diff.iter().find(|r| r["metric"] == m).unwrap();
        let d: f64 = row["diff_mean"].parse().unwrap();
        assert!(
            close(d, mean_own),
            "{m}: paired difference {d} vs the site's {mean_own}"
        );
    }
    let row = diff
        .iter()
        .find(|r| r["metric"] == "cost.committed")
        .unwrap();
    assert_eq!(row["diff_mean"].parse::<f64>().unwrap(), 0.0);
}
