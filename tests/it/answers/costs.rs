//! Uncertain costs through the binary: every money field as a distribution (overruns, a
//! delayed go-live, fees, a margin, a sale's costs) has its closed-form mean, and the costs
//! split into one-off and recurring amounts that add up to the total.

use super::*;

/// Every money field as a distribution: capex and opex overruns, a delayed go-live, a fee, a
/// cost per PB, revenue with a margin and a sale's costs.
const UNCERTAIN_COSTS: &str = r#"
start = "2024-01-01"
end = "2024-12-31"
seed = 5
[population.p]
home = "X"
enclave = ["X"]
users = 1e6
data_per_user_mb = 1000
placement = { a = 1.0 }
revenue_per_user_year = { dist = "uniform", min = 20, max = 40 }
margin = { dist = "pert", min = 0.2, mode = 0.5, max = 0.8 }
[site.a]
jurisdiction = "X"
capacity_pb = 10
capex = { dist = "pert", min = 80e6, mode = 100e6, max = 160e6 }
opex_per_year = { dist = "uniform", min = 10e6, max = 30e6 }
[site.b]
jurisdiction = "X"
capacity_pb = 10
online = "2024-03-01"
delay_days = { dist = "uniform", min = 0, max = 60 }
capex = 50e6
opex_per_year = 36.525e6
[migration.m]
population = "p"
start = "2024-01-01"
to = ["b"]
rate_pb_per_day = 0.01
cost_per_pb = { dist = "lognormal", p5 = 1e6, p95 = 4e6 }
[staff.s]
jurisdiction = "X"
headcount = 10
sessions_per_person_day = 1
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.fee]
kind = "monitor"
detect_probability = 0.1
annual_cost = { dist = "normal", mean = 5e6, sd = 1e6 }
[ownership.o]
staff = ["s"]
one_off_cost = { dist = "uniform", min = 1e6, max = 2e6 }
cost_per_year = { dist = "uniform", min = 1e6, max = 3e6 }
sale_discount = 0
[[timeline]]
date = "2024-07-01"
kind = "outage"
population = "p"
hours = 24
[[timeline]]
date = "2024-12-01"
kind = "ownership_change"
ownership = "o"
"#;

/// |mean of `xs` − `want`| within 4 standard errors of a mean of draws with variance `var`.
fn assert_mean(what: &str, xs: &[f64], want: f64, var: f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let se = (var / n).sqrt();
    assert!(
        (mean - want).abs() <= 4.0 * se,
        "{what}: mean {mean} vs {want} (SE {se})"
    );
}

#[test]
fn uncertain_costs_have_their_closed_form_means_and_split_into_one_off_and_recurring() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("uncertain.toml");
    std::fs::write(&file, UNCERTAIN_COSTS).unwrap();
    let out = tmp.path().join("out");
    regsim()
        .arg("run")
        .arg(&file)
        .args(["--replications", "400", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let reps = csv_rows(&out.join("uncertain/replications.csv"));
    let inputs = csv_rows(&out.join("uncertain/inputs.csv"));
    // 2024 has 366 days; a year is 365.25 days.
    let year = 366.0 / 365.25;
    // Site a, live all year: PERT capex (mean (80 + 4·100 + 160)/6 M, variance
    // (mean − min)(max − mean)/7) plus a uniform running cost for the year.
    let pert_mean = 640e6 / 6.0;
    let pert_var = (pert_mean - 80e6) * (160e6 - pert_mean) / 7.0;
    let opex_var = (20e6f64).powi(2) / 12.0;
    assert_mean(
        "cost.infrastructure.a",
        &column(&reps, "cost.infrastructure.a"),
        pert_mean + 20e6 * year,
        pert_var + opex_var * year * year,
    );
    // Site b goes live on day 60 plus round(U(0, 60)) days (mean 30; variance 300 + 1/6, the
    // ends 0 and 60 having half the weight of the days between):
    // its capex plus EUR 0.1 M per live day.
    assert_mean(
        "cost.infrastructure.b",
        &column(&reps, "cost.infrastructure.b"),
        50e6 + 0.1e6 * (366.0 - 90.0),
        (0.1e6f64).powi(2) * (300.0 + 1.0 / 6.0),
    );
    let delays = column(&inputs, "timeline.b_online.day");
    assert!(
        delays.iter().all(|d| (60.0..=120.0).contains(d)),
        "{delays:?}"
    );
    // The monitor's fee: a normal (5 M, sd 1 M) a year, all year.
    assert_mean(
        "cost.monitoring",
        &column(&reps, "cost.monitoring"),
        5e6 * year,
        (1e6 * year).powi(2),
    );
    // A day's outage of 1 M users loses revenue × margin / 365.25 each, drawn independently:
    // E = 30 · 0.5, E[X²] = (30² + 20²/12)·(0.5² + 0.3·0.3/7).
    let (e_rev2, e_margin2) = (900.0 + 400.0 / 12.0, 0.25 + 0.09 / 7.0);
    let per_user = 1e6 / 365.25;
    assert_mean(
        "cost.revenue_loss",
        &column(&reps, "cost.revenue_loss"),
        15.0 * per_user,
        (e_rev2 * e_margin2 - 225.0) * per_user * per_user,
    );
    // Every uncertain amount is an input of its own, named by its path.
    for path in [
        "site.a.capex",
        "site.a.opex_per_year",
        "population.p.revenue_per_user_year",
        "population.p.margin",
        "migration.m.cost_per_pb",
        "control.fee.annual_cost",
        "ownership.o.one_off_cost",
        "ownership.o.cost_per_year",
    ] {
        assert!(
            column(&inputs, path).windows(2).any(|w| w[0] != w[1]),
            "{path}"
        );
    }
    assert!(
        !inputs[0].contains_key("site.b.capex"),
        "a constant is no input"
    );
    assert_mean(
        "site.a.capex",
        &column(&inputs, "site.a.capex"),
        pert_mean,
        pert_var,
    );
    // One-off and recurring add up to the total in every replication, and both occur.
    let (one_off, recurring) = (
        column(&reps, "cost.one_off"),
        column(&reps, "cost.recurring"),
    );
    for (r, total) in column(&reps, "cost.total").iter().enumerate() {
        let sum = one_off[r] + recurring[r];
        assert!(
            (sum - total).abs() <= 1e-9 * total,
            "rep {r}: {sum} vs {total}"
        );
        assert!(one_off[r] > 0.0 && recurring[r] > 0.0, "rep {r}");
    }
}
