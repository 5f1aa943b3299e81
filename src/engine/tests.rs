//! The engine checked against closed forms: queues against M/M/1 and M/M/c (Erlang C), counts
//! against their means, and storage against conservation of volume. Tolerances are 3 standard
//! errors estimated from independent replications.

use super::*;
use crate::metrics::Layout;
use crate::model::World;
use crate::theory::erlang_c_wait;

/// Builds a world from scenario text written to a temporary file.
pub(crate) fn world(text: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(&path, text).unwrap();
    match crate::scenario::load(&path) {
        Ok(l) => l.world,
        Err(d) => panic!("test scenario invalid: {d:?}"),
    }
}

/// Totals of one metric over `reps` replications.
pub(super) fn totals(w: &World, metric: &str, reps: u64) -> Vec<f64> {
    let layout = Layout::of(w);
    let k = layout.index(metric).unwrap();
    let mut ws = Workspace::new();
    (0..reps)
        .map(|r| run_replication(w, &layout, r, &mut ws).totals[k])
        .collect()
}

fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn assert_within_3se(what: &str, xs: &[f64], expected: f64) {
    let (m, se) = mean_se(xs);
    assert!(
        (m - expected).abs() <= 3.0 * se,
        "{what}: simulated {m} ± {se} (SE), expected {expected}"
    );
}

pub(super) const BASE: &str = r#"
start = "2024-01-01"
end = "2024-12-30"
seed = 42
[population.p]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 1000000
data_per_user_mb = 0
placement = { s = 1.0 }
[site.s]
jurisdiction = "X"
capacity_pb = 1
"#;

fn gate_scenario(lambda: f64, mean_review: f64, c: u32) -> String {
    format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 1
sessions_per_person_day = {lambda}
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.gate]
kind = "approval"
reviewers = {c}
review_days = {{ dist = "exponential", mean = {mean_review} }}
"#
    )
}

#[test]
fn approval_gate_matches_erlang_c_for_mm1_and_mmc() {
    // (arrivals per day, mean review in days, reviewers): M/M/1 at ρ = 0.5, M/M/8 at 0.75.
    // A year from an empty queue: the warm-up (a few review times) is far below the SE.
    for (lambda, review, c) in [(5.0, 0.1, 1), (60.0, 0.1, 8)] {
        let w = world(&gate_scenario(lambda, review, c));
        assert_within_3se(
            &format!("M/M/{c} mean wait"),
            &totals(&w, "access.approval_wait_days", 200),
            erlang_c_wait(lambda, 1.0 / review, c),
        );
    }
}

/// A gate that refuses a quarter of its reviews, before requesters of exponential patience
/// (mean `patience`): the world and, over 30 replications, sessions, abandoned and refused.
fn refusing_impatient_gate(
    lambda: f64,
    mean_review: f64,
    c: u32,
    patience: f64,
) -> (World, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = gate_scenario(lambda, mean_review, c).replace(
        "kind = \"approval\"",
        &format!(
            "kind = \"approval\"\napproval_probability = 0.75\n\
             patience_days = {{ dist = \"exponential\", mean = {patience} }}"
        ),
    );
    let w = world(&text);
    let totals = |metric| totals(&w, metric, 30);
    let (sessions, abandoned, denied) = (
        totals("access.sessions"),
        totals("access.abandoned"),
        totals("access.denied"),
    );
    (w, sessions, abandoned, denied)
}

#[test]
fn impatient_requesters_abandon_and_rejected_ones_are_denied() {
    let (_, sessions, abandoned, denied) = refusing_impatient_gate(30.0, 0.1, 1, 0.05);
    for i in 0..30 {
        // Overloaded 3x with short patience: many give up (tests/queueing.rs checks how many
        // against Erlang-A); of those reviewed a quarter is refused.
        assert!(abandoned[i] > 0.0);
        let reviewed = sessions[i] - abandoned[i];
        let share = denied[i] / reviewed;
        assert!((share - 0.25).abs() < 0.05, "denied share {share}");
    }
}

#[test]
fn every_gated_request_ends_once_whether_its_review_ends_that_day_or_later() {
    // Reviews of half a day on average: about half end the day they were requested (read at
    // once) and half on a later day (queued). Each request is then abandoned, refused, read
    // (one record) or still open at the horizon: at most the 4 in review plus those queued in
    // the last hours, whose patience (0.2 days on average) has not run out.
    let (w, sessions, abandoned, denied) = refusing_impatient_gate(10.0, 0.5, 4, 0.2);
    let read = totals(&w, "exposure.records_visible", 30);
    for i in 0..30 {
        let open = sessions[i] - abandoned[i] - denied[i] - read[i];
        assert!(
            (0.0..=30.0).contains(&open),
            "replication {i}: {} sessions, {} abandoned, {} refused, {} read",
            sessions[i],
            abandoned[i],
            denied[i],
            read[i]
        );
        assert!(read[i] > 1000.0 && denied[i] > 300.0 && abandoned[i] > 300.0);
    }
}

#[test]
fn aggregated_sessions_and_records_have_their_closed_form_means() {
    let text = format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 50
sessions_per_person_day = 2
records_per_session = {{ dist = "lognormal", median = 20, p90 = 100 }}
populations = ["p"]
categories = ["identifiers", "behavioural"]
"#
    );
    let w = world(&text);
    let days = w.calendar.days as f64;
    let per_session = w.staff[0].records_per_session.mean();
    assert_within_3se(
        "sessions",
        &totals(&w, "access.sessions", 100),
        100.0 * days,
    );
    assert_within_3se(
        "visible records",
        &totals(&w, "exposure.records_visible", 100),
        100.0 * days * per_session,
    );
    // Score = visible records × (weight of identifiers + behavioural), weights 1 and 0.5.
    let vis = totals(&w, "exposure.records_visible", 5);
    let score = totals(&w, "exposure.score", 5);
    for (v, s) in vis.iter().zip(&score) {
        assert!((s - 1.5 * v).abs() <= 1e-9 * s.abs(), "{s} vs {v}");
    }
}

#[test]
fn gated_sessions_count_like_their_arrival_rate() {
    // Enough reviewers that nobody waits long: every request is reviewed and read.
    let w = world(&gate_scenario(12.0, 0.01, 50));
    let days = w.calendar.days as f64;
    assert_within_3se(
        "gated sessions",
        &totals(&w, "access.sessions", 100),
        12.0 * days,
    );
    assert_within_3se(
        "gated records",
        &totals(&w, "exposure.records_visible", 100),
        12.0 * days,
    );
}

#[test]
fn gateway_masks_and_a_share_of_masked_records_is_reidentifiable() {
    let text = format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 10
sessions_per_person_day = 3
records_per_session = 10
populations = ["p"]
categories = ["identifiers", "contact"]
[control.gw]
kind = "gateway"
masks = ["identifiers", "contact"]
reid_probability = 0.2
"#
    );
    let w = world(&text);
    let visible = totals(&w, "exposure.records_visible", 50);
    assert!(visible.iter().all(|v| *v == 0.0));
    let masked = totals(&w, "exposure.records_masked", 50);
    let reid = totals(&w, "exposure.records_reidentifiable", 50);
    let (m, _) = mean_se(&masked);
    assert_within_3se("re-identifiable", &reid, 0.2 * m);
}

#[test]
fn monitors_detect_their_share_of_misuse() {
    let text = format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 10
sessions_per_person_day = 3
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
misuse_share = 0.1
[control.mon]
kind = "monitor"
detect_probability = 0.4
detection_delay_days = 0
"#
    );
    let w = world(&text);
    let misuse = totals(&w, "incidents.misuse", 100);
    let detected = totals(&w, "incidents.detected", 100);
    let days = w.calendar.days as f64;
    assert_within_3se("misuse", &misuse, 30.0 * days * 0.1);
    assert_within_3se("detected", &detected, 30.0 * days * 0.1 * 0.4);
}

#[test]
fn deny_blocks_every_session() {
    let text = format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 10
sessions_per_person_day = 3
records_per_session = 5
populations = ["p"]
categories = ["identifiers"]
[control.block]
kind = "deny"
staff_jurisdictions = ["Y"]
"#
    );
    let w = world(&text);
    let s = totals(&w, "access.sessions", 5);
    let d = totals(&w, "access.denied", 5);
    assert_eq!(s, d);
    assert!(totals(&w, "exposure.records_visible", 5)
        .iter()
        .all(|v| *v == 0.0));
}

#[test]
fn same_replication_same_numbers_whatever_ran_before() {
    let w = world(&gate_scenario(20.0, 0.1, 3));
    let layout = Layout::of(&w);
    let mut ws = Workspace::new();
    let first = run_replication(&w, &layout, 7, &mut ws);
    for r in 0..3 {
        run_replication(&w, &layout, r, &mut ws);
    }
    assert_eq!(first, run_replication(&w, &layout, 7, &mut ws));
    assert_eq!(
        first,
        run_replication(&w, &layout, 7, &mut Workspace::new())
    );
}

mod conservation {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the growth, placement, capacities and migrations, the data of every
        /// population summed over sites equals its volume every day, and no site holds a
        /// negative amount.
        #[test]
        fn data_volume_is_conserved_across_sites(
            growth in -0.5f64..2.0,
            share_a in 0.0f64..1.0,
            cap_c in 0.0f64..30.0,
            rate in 0.0f64..0.5,
            online_c in 0u32..300,
            start_m in 0u32..300,
        ) {
            let text = format!(r#"
start = "2024-01-01"
end = "2024-12-31"
[population.p]
home = "X"
enclave = ["Z"]
users = 100e6
growth = {growth}
data_per_user_mb = 100
placement = {{ a = {share_a}, b = {share_b} }}
[population.q]
home = "X"
enclave = ["Z"]
users = 20e6
data_per_user_mb = 50
placement = {{ b = 1.0 }}
[site.a]
jurisdiction = "X"
capacity_pb = 1000
[site.b]
jurisdiction = "Y"
capacity_pb = 1000
[site.c]
jurisdiction = "Z"
capacity_pb = {cap_c}
[site.d]
jurisdiction = "Z"
capacity_pb = 5
[migration.m]
population = "p"
start = "{start}"
to = ["c", "d"]
rate_pb_per_day = {rate}
[migration.n]
population = "q"
start = "2024-03-01"
from = ["b"]
to = ["d", "c"]
rate_pb_per_day = 0.05
[[timeline]]
date = "{online}"
kind = "site_online"
site = "c"
"#,
                share_b = 1.0 - share_a,
                start = day(start_m),
                online = day(online_c),
            );
            let w = world(&text);
            let mut st = storage::Storage::default();
            st.reset(&w);
            let mut online = w.sites_online_at_start.clone();
            let mut moved = vec![0.0; w.sites.len()];
            for d in 0..w.calendar.days as usize {
                for e in w.timeline.iter().filter(|e| e.day as usize == d) {
                    if let crate::model::Action::SiteOnline(s) = e.action { online[s] = true; }
                }
                st.grow(&w, d);
                for m in &w.migrations {
                    if d >= m.start_day as usize {
                        st.migrate(&w, m, m.rate_pb_per_day.mean(), &online, &mut moved);
                    }
                }
                for (p, pop) in w.populations.iter().enumerate() {
                    let v = pop.volume_pb(d);
                    prop_assert!((st.total(p) - v).abs() <= 1e-9 * v.max(1.0), "day {} pop {}: {} vs {}", d, p, st.total(p), v);
                }
                prop_assert!(st.pb.iter().all(|x| *x >= -1e-9));
            }
        }
    }

    fn day(d: u32) -> String {
        (chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(d as u64))
            .to_string()
    }
}

#[test]
fn a_single_known_user_count_after_start_holds_flat_before_it_and_grows_after() {
    let text = BASE.replace(
        "users = 1000000",
        "user_counts = [{ date = \"2024-07-01\", users = 2e6 }]\ngrowth = 0.1",
    ) + "[category_weights]\nfinancial = 7\n";
    let w = world(&text);
    let u = &w.populations[0].users_by_day;
    assert_eq!(u[0], 2e6);
    assert_eq!(u[182], 2e6);
    assert!(u[300] > 2e6);
    // Weights left out keep their defaults.
    assert_eq!(w.weights[7], 7.0);
    assert_eq!(w.weights[0], 1.0);
}

#[test]
fn the_event_estimate_counts_detections_and_records_draws_of_aggregated_groups() {
    // 1e7 staff, one session a day each, all misuse, watched by a monitor: aggregated (no
    // gate), so no arrival events — but 1e7 detections a day to draw, and heavy-tailed
    // records summed one by one. This used to pass the guard and run for hours.
    let text = format!(
        r#"{BASE}
[staff.g]
jurisdiction = "Y"
headcount = 1e7
sessions_per_person_day = 1
records_per_session = {{ dist = "lognormal", median = 1, p90 = 20 }}
populations = ["p"]
categories = ["identifiers"]
misuse_share = 1
[control.mon]
kind = "monitor"
detect_probability = 0.5
detection_delay_days = 1
"#
    );
    let w = world(&text);
    let days = w.calendar.days as f64;
    // Detections (1 monitor) plus records (no normal at this skewness): 2e7 a day.
    assert!(estimate_events(&w) >= 2e7 * days, "{}", estimate_events(&w));
    // Without misuse or exposure the same group is cheap: its sums are one draw a day.
    let cheap = text
        .replace("misuse_share = 1", "misuse_share = 0")
        .replace(
            "categories = [\"identifiers\"]",
            "categories = [\"behavioural\"]",
        );
    assert!(estimate_events(&world(&cheap)) < 100.0 * days);
}

#[test]
fn hosting_follows_use_and_a_lease_spreads_its_capex_to_the_cent() {
    // 1 PB at `s` for 182 days at 1 a PB-day (30.4375 a PB-month), moved on day 182 to the
    // leased site `l` (7 out of `s`, 11 into `l` per PB), whose 365,250 capex is paid 1,000 a
    // day over its one-year lease (365 full days and a quarter): 182 + 18 + 365,250.
    let w = world(
        r#"
start = "2024-01-01"
end = "2025-12-31"
[population.p]
home = "US"
enclave = ["US"]
users = 1e6
data_per_user_mb = 1000
placement = { s = 1.0 }
[site.s]
jurisdiction = "US"
capacity_pb = 2
cost_per_pb_month = 30.4375
cost_per_pb_moved = 7
[site.l]
jurisdiction = "US"
online = "2024-07-01"
capacity_pb = 5
capex = 365.25e3
tenure = "leased"
lease_years = 1
cost_per_pb_moved = 11
[migration.m]
population = "p"
start = "2024-01-01"
to = ["l"]
rate_pb_per_day = 10
"#,
    );
    let layout = Layout::of(&w);
    let r = run_replication(&w, &layout, 0, &mut Workspace::new());
    let t = |name: &str| r.totals[layout.index(name).unwrap()];
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
    assert!(
        close(t("cost.infrastructure"), 182.0 + 18.0 + 365_250.0),
        "{}",
        t("cost.infrastructure")
    );
    assert!(close(t("cost.one_off"), 18.0), "{}", t("cost.one_off"));
    assert!(close(t("cost.infrastructure.l"), 11.0 + 365_250.0));
    assert!(close(t("cost.infrastructure.s"), 182.0 + 7.0));
    assert_eq!(t("cost.committed"), 0.0);
    assert_eq!(t("cost.incremental"), t("cost.total"));
}
