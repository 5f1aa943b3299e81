//! Lost work checked against closed forms (a deny control's blocked sessions × price, an
//! uncongested gate's refusals and days of review), against the access counts it prices, in
//! both granularities, and for common random numbers: pricing a control moves no other draw.

use crate::engine::tests::{world, BASE};
use crate::engine::{run_replication, Workspace};
use crate::metrics::{Layout, RepResult};
use crate::model::World;

fn reps(w: &World, n: u64) -> (Layout, Vec<RepResult>) {
    let layout = Layout::of(w);
    let mut ws = Workspace::new();
    let r = (0..n)
        .map(|i| run_replication(w, &layout, i, &mut ws))
        .collect();
    (layout, r)
}

fn col(layout: &Layout, rs: &[RepResult], metric: &str) -> Vec<f64> {
    let k = layout.index(metric).unwrap();
    rs.iter().map(|r| r.totals[k]).collect()
}

fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Staff of 10 in Y reading populations p (1 M users) and q (3 M), 2 sessions a person-day;
/// a deny control on p priced `deny_price`; `gate`: an approval gate on q that approves at
/// once, which puts the group in event mode.
fn deny_world(deny_price: &str, gate: bool) -> World {
    let gate = if gate {
        "[control.open_gate]\nkind = \"approval\"\npopulations = [\"q\"]\nreviewers = 100000\nreview_days = 0\n"
    } else {
        ""
    };
    world(&format!(
        r#"{BASE}
[population.q]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 3000000
data_per_user_mb = 0
placement = {{ s = 1.0 }}
[staff.g]
jurisdiction = "Y"
headcount = 10
sessions_per_person_day = 2
records_per_session = 1
populations = ["p", "q"]
categories = ["identifiers"]
[control.wall]
kind = "deny"
populations = ["p"]
cost_per_blocked_session = {deny_price}
{gate}"#
    ))
}

#[test]
fn a_deny_control_costs_its_blocked_sessions_alike_in_both_granularities() {
    let (la, agg) = reps(&deny_world("250", false), 300);
    let (le, ev) = reps(&deny_world("250", true), 300);
    let cost_a = col(&la, &agg, "cost.lost_work");
    let cost_e = col(&le, &ev, "cost.lost_work");
    let denied = col(&la, &agg, "access.denied");
    for r in 0..agg.len() {
        // The same day counts and splits in both granularities: the same blocked sessions.
        assert!(
            close(cost_a[r], cost_e[r]),
            "rep {r}: {} vs {}",
            cost_a[r],
            cost_e[r]
        );
        assert!(close(cost_a[r], 250.0 * denied[r]), "rep {r}");
    }
    // Closed form: 10 × 2 sessions a day for 365 days, a quarter of them reading p.
    let days = la.horizon_days;
    let want = 250.0 * 10.0 * 2.0 * days * 0.25;
    let (m, se) = mean_se(&cost_a);
    assert!((m - want).abs() <= 3.0 * se, "{m} ± {se} vs {want}");
    // A component of cost.total, and recurring.
    let total = col(&la, &agg, "cost.total");
    let recurring = col(&la, &agg, "cost.recurring");
    assert!((0..agg.len()).all(|r| close(total[r], cost_a[r]) && close(recurring[r], cost_a[r])));
}

fn gate_world(blocked: f64, per_day: f64, queue: &str) -> World {
    priced_gate_world(&format!("{blocked:?}"), &format!("{per_day:?}"), queue)
}

/// [`gate_world`] with its two prices written as TOML values (a number or a distribution).
fn priced_gate_world(blocked: &str, per_day: &str, queue: &str) -> World {
    world(&format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 1
sessions_per_person_day = 4
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.gate]
kind = "approval"
approval_probability = 0.7
cost_per_blocked_session = {blocked}
cost_per_delay_day = {per_day}
{queue}
"#
    ))
}

#[test]
fn an_uncongested_gate_costs_its_refusals_and_its_days_of_review() {
    // Requests arrive at λ = 4 a day over T days; with more reviewers than requests none
    // queues, so each waits its 0.5-day review, counted up to the horizon:
    // E[delay days] = λ ∫₀ᵀ min(0.5, T − t) dt = λ (0.5 T − 0.125), and refusals within the
    // horizon 0.3 λ (T − 0.5).
    let w = gate_world(100.0, 10.0, "reviewers = 100000\nreview_days = 0.5");
    let (layout, rs) = reps(&w, 300);
    let t = layout.horizon_days;
    let want = 100.0 * 0.3 * 4.0 * (t - 0.5) + 10.0 * 4.0 * (0.5 * t - 0.125);
    let (m, se) = mean_se(&col(&layout, &rs, "cost.lost_work"));
    assert!((m - want).abs() <= 3.0 * se, "{m} ± {se} vs {want}");
    // The delay alone, without refusals' price.
    let w = gate_world(0.0, 10.0, "reviewers = 100000\nreview_days = 0.5");
    let (layout, rs) = reps(&w, 300);
    let want = 10.0 * 4.0 * (0.5 * t - 0.125);
    let (m, se) = mean_se(&col(&layout, &rs, "cost.lost_work"));
    assert!((m - want).abs() <= 3.0 * se, "{m} ± {se} vs {want}");
}

#[test]
fn a_congested_gate_prices_every_refusal_and_give_up_it_counts() {
    // One reviewer, exponential reviews of 0.3 days at 4 requests a day (ρ = 1.2), impatient
    // requesters: many give up, many are refused.
    let queue = "reviewers = 1\nreview_days = { dist = \"exponential\", mean = 0.3 }\n\
                 patience_days = { dist = \"exponential\", mean = 0.5 }";
    let (layout, rs) = reps(&gate_world(100.0, 0.0, queue), 50);
    let cost = col(&layout, &rs, "cost.lost_work");
    let denied = col(&layout, &rs, "access.denied");
    let abandoned = col(&layout, &rs, "access.abandoned");
    assert!(abandoned.iter().all(|a| *a > 100.0) && denied.iter().all(|d| *d > 100.0));
    for r in 0..rs.len() {
        let want = 100.0 * (denied[r] + abandoned[r]);
        assert!(close(cost[r], want), "rep {r}: {} vs {want}", cost[r]);
    }
    // Month by month too: booked where the counts are.
    let (nm, k) = (layout.len(), layout.index("cost.lost_work").unwrap());
    let (d, a) = (
        layout.index("access.denied").unwrap(),
        layout.index("access.abandoned").unwrap(),
    );
    for r in &rs {
        for m in 0..layout.months {
            let row = &r.series[m * nm..(m + 1) * nm];
            assert!(close(row[k], 100.0 * (row[d] + row[a])), "month {m}");
        }
    }
}

#[test]
fn pricing_lost_work_moves_no_other_draw() {
    // The same world with and without prices (uncertain ones, drawn from their own streams):
    // every other total and every other input is bit for bit the same, and cost.total grows
    // by exactly the lost work.
    let queue = "reviewers = 2\nreview_days = { dist = \"exponential\", mean = 0.4 }\n\
                 patience_days = { dist = \"exponential\", mean = 1 }";
    let free = gate_world(0.0, 0.0, queue);
    let priced = priced_gate_world(
        r#"{ dist = "uniform", min = 50, max = 150 }"#,
        r#"{ dist = "uniform", min = 5, max = 15 }"#,
        queue,
    );
    let (lf, rf) = reps(&free, 40);
    let (lp, rp) = reps(&priced, 40);
    assert_eq!(lf.names, lp.names);
    let moved = [
        "cost.lost_work",
        "cost.total",
        "cost.total_npv",
        "cost.recurring",
        "cost.incremental",
    ];
    for (r, (a, b)) in rf.iter().zip(&rp).enumerate() {
        for (k, name) in lf.names.iter().enumerate() {
            if !moved.contains(&name.as_str()) {
                assert_eq!(
                    a.totals[k].to_bits(),
                    b.totals[k].to_bits(),
                    "rep {r}: {name}"
                );
            }
        }
        let lost = b.totals[lp.index("cost.lost_work").unwrap()];
        let total = |x: &RepResult| x.totals[lp.index("cost.total").unwrap()];
        assert!(lost > 0.0 && close(total(b) - total(a), lost), "rep {r}");
        // Inputs: the same columns plus the two prices, drawn.
        assert_eq!(a.inputs[..], b.inputs[..a.inputs.len()]);
    }
    assert_eq!(
        lp.inputs.names[lf.inputs.names.len()..],
        [
            "control.gate.cost_per_blocked_session",
            "control.gate.cost_per_delay_day"
        ]
    );
}

#[test]
fn an_mm1_gate_costs_each_request_its_time_in_the_system() {
    // M/M/1 with λ = 1 a day and reviews of mean 0.5 days (μ = 2): a request's delay is its
    // wait plus its review, the sojourn time, of mean 1/(μ − λ) = 1 day. The queue starts
    // empty and the last requests are cut at the horizon: both shift the mean by well under
    // one standard error here.
    let w = world(&format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 1
sessions_per_person_day = 1
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.gate]
kind = "approval"
reviewers = 1
review_days = {{ dist = "exponential", mean = 0.5 }}
cost_per_delay_day = 10
"#
    ));
    let (layout, rs) = reps(&w, 400);
    let want = 10.0 * 1.0 * layout.horizon_days * 1.0;
    let (m, se) = mean_se(&col(&layout, &rs, "cost.lost_work"));
    assert!((m - want).abs() <= 3.0 * se, "{m} ± {se} vs {want}");
}
