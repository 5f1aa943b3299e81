//! An approval gate with lognormal review times and lognormal patience (M/G/c+G, the queue
//! every shipped gate is) against a small event simulator written here from scratch, sharing
//! nothing with regsim's engine: a heap of timed events (arrival, review done, give up), a FIFO
//! list of waiting requests and a count of free reviewers — the textbook construction, not the
//! Kiefer–Wolfowitz recursion the engine uses. Its random numbers are its own (SplitMix64,
//! Box–Muller). Compared on the mean wait, the share of requests that give up and the reviews
//! completed per day, each within 3 standard errors of the difference of the two means
//! (estimated from the independent replications of each).
//!
//! Definitions as in the engine's gate (src/engine/gates.rs' module doc): a request's wait is
//! until its review starts, or, if it gave up, its patience; waits and give-ups after the
//! horizon are not counted; a review counts as completed if it ends before the horizon.
//! Both start empty on day 0 and run 365 days; λ is constant (headcount × a constant rate), so
//! regsim's day-by-day Poisson arrivals are one Poisson process.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, VecDeque};

use assert_cmd::Command;

const DAYS: f64 = 365.0;
const Z90: f64 = 1.281_551_565_544_600_5;

/// One case: (name, arrivals per day, reviewers, review median and p90, patience median and
/// p90), all in days.
type Case = (&'static str, f64, u32, (f64, f64), (f64, f64));

const CASES: [Case; 2] = [
    // Overloaded: mean review 0.119 day, ρ = 40 × 0.119 / 4 = 1.19; patience median 2.4 h.
    ("overloaded", 40.0, 4, (0.08, 0.25), (0.1, 0.5)),
    // Like the shipped gate (review median 6 h, p90 a day; mean 0.449): ρ = 0.90 with 20
    // reviewers; patience median half a day.
    ("like_clover", 40.0, 20, (0.25, 1.0), (0.5, 3.0)),
];

fn scenario(&(_, lambda, c, review, patience): &Case) -> String {
    format!(
        r#"start = "2024-01-01"
end = "2024-12-30"
[population.p]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 1000000
data_per_user_mb = 0
placement = {{ s = 1.0 }}
[site.s]
jurisdiction = "X"
capacity_pb = 1
[staff.g]
jurisdiction = "Y"
headcount = {h:?}
sessions_per_person_day = 4.0
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.gate]
kind = "approval"
reviewers = {c}
review_days = {{ dist = "lognormal", median = {rm:?}, p90 = {r90:?} }}
patience_days = {{ dist = "lognormal", median = {pm:?}, p90 = {p90:?} }}
approval_probability = 1
"#,
        h = lambda / 4.0,
        rm = review.0,
        r90 = review.1,
        pm = patience.0,
        p90 = patience.1,
    )
}

// ---------------------------------------------------------------------------------------------
// The reference simulator
// ---------------------------------------------------------------------------------------------

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }
    /// Lognormal with this median and 90th percentile (Box–Muller for the normal).
    fn lognormal(&mut self, (median, p90): (f64, f64)) -> f64 {
        let z = (-2.0 * self.uniform().ln()).sqrt()
            * (2.0 * std::f64::consts::PI * self.uniform()).cos();
        median * ((p90 / median).ln() / Z90 * z).exp()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum What {
    Arrival,
    Done,
    GiveUp(usize),
}

/// A timed event; the heap pops the earliest (ties in scheduling order).
struct Timed(f64, u64, What);

impl PartialEq for Timed {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Timed {}
impl PartialOrd for Timed {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Timed {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

/// The reference's state: the event heap, the requests, the FIFO list, free reviewers.
struct Gate {
    rng: SplitMix64,
    heap: BinaryHeap<Reverse<Timed>>,
    seq: u64,
    arrived: Vec<f64>,
    patience: Vec<f64>,
    waiting: Vec<bool>,
    queue: VecDeque<usize>,
    free: u32,
    wait_sum: f64,
    waits: u64,
}

impl Gate {
    fn push(&mut self, t: f64, what: What) {
        self.seq += 1;
        self.heap.push(Reverse(Timed(t, self.seq, what)));
    }

    /// A reviewer starts on request `id` at time `t`.
    fn start(&mut self, id: usize, t: f64, review: (f64, f64)) {
        self.wait_sum += t - self.arrived[id];
        self.waits += 1;
        let r = self.rng.lognormal(review);
        self.push(t + r, What::Done);
    }
}

/// One replication: (mean wait, share of arrivals that gave up, reviews completed per day).
fn reference(&(_, lambda, c, review, patience): &Case, seed: u64) -> [f64; 3] {
    let mut g = Gate {
        rng: SplitMix64(seed),
        heap: BinaryHeap::new(),
        seq: 0,
        arrived: Vec::new(),
        patience: Vec::new(),
        waiting: Vec::new(),
        queue: VecDeque::new(),
        free: c,
        wait_sum: 0.0,
        waits: 0,
    };
    let (mut gave_up, mut done) = (0u64, 0u64);
    let first = g.rng.exponential(lambda);
    g.push(first, What::Arrival);
    while let Some(Reverse(Timed(t, _, what))) = g.heap.pop() {
        if t > DAYS {
            break;
        }
        match what {
            What::Arrival => {
                let id = g.arrived.len();
                g.arrived.push(t);
                let p = g.rng.lognormal(patience);
                g.patience.push(p);
                if g.free > 0 {
                    g.free -= 1;
                    g.waiting.push(false);
                    g.start(id, t, review);
                } else {
                    g.waiting.push(true);
                    g.queue.push_back(id);
                    g.push(t + p, What::GiveUp(id));
                }
                let next = t + g.rng.exponential(lambda);
                if next < DAYS {
                    g.push(next, What::Arrival);
                }
            }
            What::Done => {
                done += 1;
                g.free += 1;
                while let Some(id) = g.queue.pop_front() {
                    if g.waiting[id] {
                        g.waiting[id] = false;
                        g.free -= 1;
                        g.start(id, t, review);
                        break;
                    }
                }
            }
            What::GiveUp(id) => {
                if g.waiting[id] {
                    g.waiting[id] = false;
                    gave_up += 1;
                    g.wait_sum += g.patience[id];
                    g.waits += 1;
                }
            }
        }
    }
    [
        g.wait_sum / g.waits as f64,
        gave_up as f64 / g.arrived.len() as f64,
        done as f64 / DAYS,
    ]
}

// ---------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------

fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

fn columns(csv: &str) -> HashMap<String, Vec<f64>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut cols: HashMap<String, Vec<f64>> = HashMap::new();
    for line in lines {
        for (h, v) in header.iter().zip(line.split(',')) {
            cols.entry(h.to_string())
                .or_default()
                .push(v.parse().unwrap());
        }
    }
    cols
}

#[test]
fn a_lognormal_gate_with_lognormal_patience_matches_an_independent_simulator() {
    const REPS: u32 = 150;
    const REFERENCE_REPS: u64 = 600;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = Command::cargo_bin("regsim").unwrap();
    cmd.arg("run");
    for case in &CASES {
        let path = dir.path().join(format!("{}.toml", case.0));
        std::fs::write(&path, scenario(case)).unwrap();
        cmd.arg(path);
    }
    cmd.args([
        "--no-charts",
        "--seed",
        "3",
        "--replications",
        &REPS.to_string(),
    ])
    .arg("--out")
    .arg(&out)
    .assert()
    .success();
    let mut report = String::new();
    let mut failed = false;
    for case in &CASES {
        let csv = std::fs::read_to_string(out.join(case.0).join("replications.csv")).unwrap();
        let cols = columns(&csv);
        let sessions = &cols["access.sessions"];
        let regsim: [Vec<f64>; 3] = [
            cols["access.approval_wait_days"].clone(),
            cols["access.abandoned"]
                .iter()
                .zip(sessions)
                .map(|(a, s)| a / s)
                .collect(),
            cols["exposure.records_visible"]
                .iter()
                .map(|r| r / DAYS)
                .collect(),
        ];
        let runs: Vec<[f64; 3]> = (0..REFERENCE_REPS)
            .map(|k| reference(case, 1000 + k))
            .collect();
        for (i, what) in ["mean wait (days)", "P(give up)", "reviews per day"]
            .iter()
            .enumerate()
        {
            let (a, sa) = mean_se(&regsim[i]);
            let (b, sb) = mean_se(&runs.iter().map(|r| r[i]).collect::<Vec<_>>());
            let se = (sa * sa + sb * sb).sqrt();
            let ok = (a - b).abs() <= 3.0 * se;
            failed |= !ok;
            report += &format!(
                "{} {what}: regsim {a:.5} ± {sa:.5}, reference {b:.5} ± {sb:.5}, {:+.2} SE{}\n",
                case.0,
                (a - b) / se,
                if ok { "" } else { "  <-- outside 3 SE" }
            );
        }
    }
    eprint!("{report}");
    assert!(!failed, "M/G/c+G outside 3 SE of the reference:\n{report}");
}
