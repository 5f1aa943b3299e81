//! The approval queue and the distinct-users estimate, checked through the real binary
//! (`regsim run --no-charts --seed S`) against theory: `regsim::theory` for the queue, a direct
//! simulation here for distinct users.
//!
//! - **Erlang-A (M/M/c+M)**: an approval gate with c reviewers, exponential review times (rate
//!   μ), exponential patience (rate θ) and Poisson arrivals (rate λ). The number of requests at
//!   the gate is a birth–death chain with birth rate λ and death rate min(n, c)·μ + max(n − c, 0)·θ
//!   (Palm 1943; Garnett, Mandelbaum & Reiman 2002, "Designing a call center with impatient
//!   customers", MSOM 4(3)). Its stationary law, solved numerically in `regsim::theory`, gives E[Q], the mean
//!   queue length; every queued requester abandons at rate θ, so P(abandon) = θ·E[Q]/λ, and by
//!   Little's law the mean time in queue of *every* request that reached the gate — until its
//!   review began if served (0 if a reviewer was free), until it gave up if it abandoned — is
//!   E[Q]/λ = P(abandon)/θ. Checked at ρ = λ/(cμ) ≈ 0.8, 1.0 and 1.4 (overloaded).
//! - **Erlang C (M/M/c)**: without patience and with ρ < 1, the mean wait is Erlang C's.
//! - **Distinct users**: `exposure.users_distinct` against a direct simulation of k records
//!   falling uniformly on N users, k being each replication's `exposure.records_visible`.
//!
//! Every tolerance is 3 standard errors estimated from the independent replications; none is
//! picked by hand.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use assert_cmd::Command;
use regsim::theory::{erlang_a, erlang_c_wait, tagged_waits};

// ---------------------------------------------------------------------------------------------
// Running the binary and reading replications.csv
// ---------------------------------------------------------------------------------------------

/// Columns of one scenario's `replications.csv`, by metric name.
type Columns = HashMap<String, Vec<f64>>;

fn parse_replications(csv: &str) -> Columns {
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .expect("replications.csv has a header")
        .split(',')
        .map(str::to_string)
        .collect();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
    for line in lines {
        for (k, cell) in line.split(',').enumerate() {
            cols[k].push(cell.parse().unwrap_or_else(|_| panic!("bad cell {cell:?}")));
        }
    }
    header.into_iter().zip(cols).collect()
}

/// Writes each `(name, text)` scenario into a temporary folder, runs them all in one
/// `regsim run --no-charts --seed SEED --replications REPS`, and returns each scenario's
/// replications.csv columns.
fn run(scenarios: &[(&str, String)], reps: u32, seed: u64) -> HashMap<String, Columns> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = Command::cargo_bin("regsim").unwrap();
    cmd.arg("run");
    for (name, text) in scenarios {
        let path = tmp.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        cmd.arg(&path);
    }
    cmd.args(["--no-charts", "--seed", &seed.to_string()])
        .args(["--replications", &reps.to_string(), "--out"])
        .arg(&out)
        .assert()
        .success();
    scenarios
        .iter()
        .map(|(name, _)| {
            let csv = std::fs::read_to_string(Path::new(&out).join(name).join("replications.csv"))
                .unwrap();
            let cols = parse_replications(&csv);
            assert_eq!(cols["replication"].len(), reps as usize);
            (name.to_string(), cols)
        })
        .collect()
}

/// Mean and standard error of the mean.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/// One population, one site, one staff group of `headcount` people each starting `rate`
/// sessions a day (a constant, so every replication has the same λ = headcount × rate; within a
/// day the engine's requests are a Poisson process at that rate), and one approval gate with
/// `c` reviewers, exponential reviews of mean `review` days and, if given, exponential patience
/// of mean `patience` days. Every request is approved. The horizon runs from 2024-01-01 to
/// `end` (inclusive).
fn gate_scenario(
    headcount: f64,
    rate: f64,
    c: u32,
    review: f64,
    patience: Option<f64>,
    end: &str,
) -> String {
    let patience = patience
        .map(|m| format!("patience_days = {{ dist = \"exponential\", mean = {m:?} }}\n"))
        .unwrap_or_default();
    format!(
        r#"start = "2024-01-01"
end = "{end}"
[population.p]
home = "X"
enclave = ["X"]
users = 1000000
data_per_user_mb = 0
placement = {{ s = 1.0 }}
[site.s]
jurisdiction = "X"
capacity_pb = 1
[staff.g]
jurisdiction = "Y"
headcount = {headcount:?}
sessions_per_person_day = {rate:?}
records_per_session = 1
populations = ["p"]
categories = ["behavioural"]
[control.gate]
kind = "approval"
reviewers = {c}
review_days = {{ dist = "exponential", mean = {review:?} }}
approval_probability = 1
{patience}"#
    )
}

// ---------------------------------------------------------------------------------------------
// 1. Erlang-A and Erlang C
// ---------------------------------------------------------------------------------------------

/// Horizon and replications of the Erlang-A checks: 2024-01-01 to 2024-12-30, 365 days of
/// 14,600–15,330 requests each. Review times are hours (mean 0.1 day = 2.4 h) and patience
/// hours (mean 0.2 or 0.05 day), so a queue forgets its empty start within hours: above c
/// servers the abandonments pull the queue back at rate θ or more per waiting request, below c
/// the reviews empty the gate at rate μ or more, so the relaxation time is at most about
/// max(1/μ, 1/θ) = 0.2 day. Starting empty then moves a replication's mean by about 0.2/365 ≈
/// 0.05 % of the value at most, against standard errors of 0.1–0.3 % of the value with 240
/// replications (they are printed): negligible.
const QUEUE_END: &str = "2024-12-30";
const QUEUE_REPS: u32 = 240;
/// The no-patience check has no abandonment to pull the queue back, so it relaxes more slowly:
/// M/M/3 at ρ = 0.7 in about 1/(cμ(1 − √ρ)²) ≈ 1.25 days. Over 4 years (1,461 days) the warm-up
/// moves the mean by at most about 1.25/1461 ≈ 0.09 % of the value, a sixth of its standard
/// error (about 0.5 % with 120 replications of 30,700 requests).
const ERLANG_C_END: &str = "2027-12-31";
const ERLANG_C_REPS: u32 = 120;
const SEED: u64 = 20240601;

/// (name, headcount, sessions per person-day, reviewers, mean review days, mean patience days):
/// λ = headcount × rate per day, μ = 1/review, θ = 1/patience.
const ERLANG_A_CASES: [(&str, f64, f64, u32, f64, f64); 3] = [
    // ρ = 40 / (5 × 10) = 0.8, θ < μ.
    ("erlang_a_rho_0_8", 8.0, 5.0, 5, 0.1, 0.2),
    // ρ = 40 / (4 × 10) = 1.0, θ < μ.
    ("erlang_a_rho_1_0", 8.0, 5.0, 4, 0.1, 0.2),
    // ρ = 42 / (3 × 10) = 1.4, overloaded, θ > μ (patience 72 minutes).
    ("erlang_a_rho_1_4", 12.0, 3.5, 3, 0.1, 0.05),
];

/// The three Erlang-A scenarios, run once (in one `regsim run`) and shared by the two tests
/// that read them, so the abandonment and the wait checks pass or fail separately.
fn erlang_a_runs() -> &'static HashMap<String, Columns> {
    static RUNS: OnceLock<HashMap<String, Columns>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let scenarios: Vec<(&str, String)> = ERLANG_A_CASES
            .iter()
            .map(|&(name, h, r, c, review, patience)| {
                (
                    name,
                    gate_scenario(h, r, c, review, Some(patience), QUEUE_END),
                )
            })
            .collect();
        run(&scenarios, QUEUE_REPS, SEED)
    })
}

/// One line per case: theory, simulated mean ± SE, and whether it is within 3 SE.
fn check_cases(what: &str, rows: Vec<(String, f64, Vec<f64>)>) {
    let mut report = String::new();
    let mut failed = false;
    for (case, theory, xs) in rows {
        let (m, se) = mean_se(&xs);
        let ok = (m - theory).abs() <= 3.0 * se;
        failed |= !ok;
        report += &format!(
            "{what} {case}: theory {theory:.6}, simulated {m:.6} ± {se:.6} (SE), {:+.1} SE{}\n",
            (m - theory) / se,
            if ok { "" } else { "  <-- outside 3 SE" }
        );
    }
    eprint!("{report}");
    assert!(!failed, "{what} outside mean ± 3 SE of theory:\n{report}");
}

#[test]
fn erlang_a_abandonment_share_matches_theory() {
    let runs = erlang_a_runs();
    let rows = ERLANG_A_CASES
        .iter()
        .map(|&(name, h, r, c, review, patience)| {
            let theory = erlang_a(h * r, 1.0 / review, c, 1.0 / patience).abandon_share;
            let cols = &runs[name];
            // Per replication: abandoned / requests (every session reaches the gate).
            let share: Vec<f64> = cols["access.abandoned"]
                .iter()
                .zip(&cols["access.sessions"])
                .map(|(a, s)| a / s)
                .collect();
            (name.to_string(), theory, share)
        })
        .collect();
    check_cases("abandonment share", rows);
}

#[test]
fn erlang_a_mean_wait_of_every_request_matches_littles_law() {
    let runs = erlang_a_runs();
    let rows = ERLANG_A_CASES
        .iter()
        .map(|&(name, h, r, c, review, patience)| {
            let (lambda, mu, theta) = (h * r, 1.0 / review, 1.0 / patience);
            // Not checked, printed to explain a failure: the mean wait of the *served* requests
            // only, which is what a metric that leaves out abandoned requests converges to.
            eprintln!(
                "mean wait (days) {name}: served requests only would be {:.6}",
                tagged_waits(lambda, mu, c, theta).served_only
            );
            let theory = erlang_a(lambda, mu, c, theta).mean_wait;
            // `access.approval_wait_days` totals are per-replication means over requests.
            let waits = runs[name]["access.approval_wait_days"].clone();
            (name.to_string(), theory, waits)
        })
        .collect();
    check_cases("mean wait (days)", rows);
}

#[test]
fn without_patience_the_mean_wait_is_erlang_c() {
    // M/M/3 at ρ = 21 / (3 × 10) = 0.7: nobody gives up, so every request is served.
    let (h, r, c, review) = (6.0, 3.5, 3, 0.1);
    let runs = run(
        &[(
            "erlang_c",
            gate_scenario(h, r, c, review, None, ERLANG_C_END),
        )],
        ERLANG_C_REPS,
        SEED,
    );
    let cols = &runs["erlang_c"];
    assert!(cols["access.abandoned"].iter().all(|a| *a == 0.0));
    check_cases(
        "mean wait (days)",
        vec![(
            "erlang_c_rho_0_7".to_string(),
            erlang_c_wait(h * r, 1.0 / review, c),
            cols["access.approval_wait_days"].clone(),
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Distinct users against a direct simulation
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea & Flood 2014): a small generator of the test's own, independent of
/// the engine's streams.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on 0..n (multiply-shift; its bias, below n / 2⁶⁴, is nil here).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
}

/// Distinct values among `k` uniform draws with replacement from `n`.
fn distinct_of_draws(rng: &mut SplitMix64, n: u64, k: u64) -> f64 {
    let mut seen = vec![false; n as usize];
    let mut distinct = 0u64;
    for _ in 0..k {
        let u = rng.below(n) as usize;
        if !seen[u] {
            seen[u] = true;
            distinct += 1;
        }
    }
    distinct as f64
}

#[test]
fn distinct_users_match_a_direct_simulation_of_records_falling_on_users() {
    // N = 2,000 users every day (so the engine's mean daily active users is exactly N: it
    // averages users × active share over the days so far, and there is no ban), read by a
    // restricted-jurisdiction group that reads a direct identifier unmasked, one record a
    // session. Sessions a day are drawn once per replication from U(10, 40), so over 100 days a
    // replication reads k ≈ 1,000–4,000 records: k/N from 0.5 to 2.
    const N: u64 = 2000;
    const REPS: u32 = 1000;
    let text = r#"start = "2024-01-01"
end = "2024-04-09"
[population.p]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 2000
data_per_user_mb = 0
placement = { s = 1.0 }
[site.s]
jurisdiction = "X"
capacity_pb = 1
[staff.g]
jurisdiction = "Y"
headcount = 1
sessions_per_person_day = { dist = "uniform", min = 10, max = 40 }
records_per_session = 1
populations = ["p"]
categories = ["identifiers", "behavioural"]
"#;
    let runs = run(&[("distinct", text.to_string())], REPS, SEED);
    let cols = &runs["distinct"];
    let visible = &cols["exposure.records_visible"];
    let engine = &cols["exposure.users_distinct"];
    // Paired per replication: the direct simulation uses the replication's own k, so the large
    // spread of k between replications (distinct users from ~800 to ~1,700) cancels and only
    // the occupancy noise given k (SD ≈ 14 users at k = N) is left in the difference. A direct
    // comparison of the two means with combined SEs would carry the spread of k twice and be
    // some 40 times less sensitive. The engine's N(1 − e^(−k/N)) differs from the exact
    // E[distinct | k] = N(1 − (1 − 1/N)^k) by k·e^(−k/N)/(2N) ≤ 0.18 users, under half the SE
    // of the mean difference (≈ 0.45 users over 1,000 replications).
    let mut diff = Vec::with_capacity(visible.len());
    let (mut k_min, mut k_max) = (f64::INFINITY, 0.0f64);
    for (r, (&k, &e)) in visible.iter().zip(engine).enumerate() {
        assert_eq!(k, k.round(), "records are whole");
        k_min = k_min.min(k);
        k_max = k_max.max(k);
        let mut rng = SplitMix64(0x5EED_0000_0000_0000 ^ (r as u64).wrapping_mul(0x9E37_79B9));
        diff.push(e - distinct_of_draws(&mut rng, N, k as u64));
    }
    let kn = (k_min / N as f64, k_max / N as f64);
    assert!(kn.0 >= 0.4 && kn.1 <= 2.2, "k/N spans {kn:?}");
    let (m, se) = mean_se(&diff);
    let (e_mean, e_se) = mean_se(engine);
    eprintln!(
        "distinct users: engine mean {e_mean:.3} ± {e_se:.3}; engine − direct simulation, \
         paired: {m:+.4} ± {se:.4} (SE), {:+.2} SE; k/N from {:.2} to {:.2}",
        m / se,
        kn.0,
        kn.1
    );
    assert!(
        m.abs() <= 3.0 * se,
        "engine − direct distinct users {m} ± {se} (SE) is outside 3 SE of 0"
    );
}
