//! Courts (issue 25): an appealed decision's stayed order changes nothing and its fine is booked
//! only when final; a remitted decision is decided again (and may be appealed again); a quashed
//! one books nothing; a drawn verdict books the fine on its own day.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::regsim;

/// A small world: China-based staff read EU users' data; a regulator's `decision` orders the
/// `suspend` control (China-based access denied) 30 days after it, `redecide` orders it again.
/// `appeal` is the decision's appeal table, `timeline` the pinned history.
fn world(history_until: &str, appeal: &str, redecide_appeal: &str, timeline: &str) -> String {
    format!(
        r#"start = "2024-01-01"
end = "2025-12-31"
seed = 25
[finance]
currency = "EUR"
discount_rate = 0.08
[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 1e6
data_per_user_mb = 60
placement = {{ ie = 1.0 }}
[site.ie]
jurisdiction = "IE"
capacity_pb = 10
[staff.cn]
jurisdiction = "CN"
headcount = 10
sessions_per_person_day = 1
records_per_session = 10
populations = ["eu"]
categories = ["identifiers"]
misuse_share = 0.0
[control.suspend]
kind = "deny"
staff_jurisdictions = ["CN"]
[regulator.dpc]
initial = "monitoring"
history_until = "{history_until}"
[regulator.dpc.state.monitoring]
[regulator.dpc.state.decision]
orders = [{{ control = "suspend", after_days = 30 }}]
[regulator.dpc.state.decision.appeal]
{appeal}
[regulator.dpc.state.redecide]
milestone = true
orders = [{{ control = "suspend", after_days = 30 }}]
{redecide_appeal}
{timeline}"#
    )
}

/// The pinned decision: EUR 100 M on 2024-01-10.
const DECISION: &str = r#"[[timeline]]
date = "2024-01-10"
kind = "regulator_state"
regulator = "dpc"
state = "decision"
fine = 100e6
"#;

fn appealed(verdict: Option<&str>) -> String {
    let mut t = format!(
        "{DECISION}[[timeline]]\ndate = \"2024-01-20\"\nkind = \"appeal\"\nregulator = \"dpc\"\nstate = \"decision\"\n"
    );
    if let Some(v) = verdict {
        t += &format!("[[timeline]]\ndate = \"2024-06-01\"\nkind = \"judgment\"\nregulator = \"dpc\"\nstate = \"decision\"\noutcome = \"{v}\"\n");
    }
    t
}

/// Runs `text` with `replications`; its `replications.csv` rows by column name, and its
/// `timeseries.csv` means by (metric, month).
struct Run {
    reps: Vec<BTreeMap<String, f64>>,
    monthly: BTreeMap<(String, String), f64>,
}

fn run(dir: &Path, name: &str, text: &str, replications: u32) -> Run {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    let out = dir.join(format!("out_{name}"));
    regsim()
        .args(["run", "--no-charts", "--replications"])
        .arg(replications.to_string())
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join(name).join("replications.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let reps = lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|x| x.parse().unwrap_or(f64::NAN)))
                .collect()
        })
        .collect();
    let ts = std::fs::read_to_string(out.join(name).join("timeseries.csv")).unwrap();
    let monthly = ts
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<&str> = l.split(',').collect();
            ((v[1].to_string(), v[0].to_string()), v[2].parse().unwrap())
        })
        .collect();
    Run { reps, monthly }
}

impl Run {
    fn month(&self, metric: &str, month: &str) -> f64 {
        self.monthly[&(metric.to_string(), month.to_string())]
    }

    /// The first month in which `metric` is non-zero.
    fn first(&self, metric: &str) -> Option<String> {
        self.monthly
            .iter()
            .find(|((m, _), v)| m == metric && **v != 0.0)
            .map(|((_, month), _)| month.clone())
    }

    fn total(&self, metric: &str) -> f64 {
        self.reps.iter().map(|r| r[metric]).sum()
    }
}

const PINNED: &str = "upheld = 0\nremit_to = \"redecide\"";

#[test]
fn a_stayed_order_changes_nothing_and_its_fine_is_booked_when_final() {
    let dir = tempfile::tempdir().unwrap();
    let none = run(
        dir.path(),
        "unappealed",
        &world("2025-12-31", PINNED, "", DECISION),
        1,
    );
    // Without an appeal: the fine in January, the order due on 2024-02-09.
    assert_eq!(none.first("cost.fines").as_deref(), Some("2024-01"));
    assert_eq!(none.month("cost.fines", "2024-01"), 100e6);
    assert_eq!(none.first("access.denied").as_deref(), Some("2024-02"));
    let upheld = run(
        dir.path(),
        "upheld",
        &world("2025-12-31", PINNED, "", &appealed(Some("upheld"))),
        1,
    );
    // Appealed on 2024-01-20, upheld on 2024-06-01: the fine is booked that day, and the
    // stayed order falls due afresh 30 days later; nothing is denied before.
    assert_eq!(upheld.first("cost.fines").as_deref(), Some("2024-06"));
    assert_eq!(upheld.month("cost.fines", "2024-06"), 100e6);
    assert_eq!(upheld.total("cost.fines"), 100e6);
    assert_eq!(upheld.total("regulatory.fines"), 1.0);
    assert_eq!(upheld.first("access.denied").as_deref(), Some("2024-07"));
    assert!(upheld.total("cost.total_npv") < none.total("cost.total_npv"));
    // Still pending at the end: nothing booked, nothing denied.
    let pending = run(
        dir.path(),
        "pending",
        &world("2025-12-31", PINNED, "", &appealed(None)),
        1,
    );
    assert_eq!(pending.total("cost.fines"), 0.0);
    assert_eq!(pending.total("regulatory.fines"), 0.0);
    assert_eq!(pending.total("access.denied"), 0.0);
}

#[test]
fn a_quashed_decision_books_nothing_and_its_order_is_void() {
    let dir = tempfile::tempdir().unwrap();
    let quashed = run(
        dir.path(),
        "quashed",
        &world("2025-12-31", PINNED, "", &appealed(Some("quashed"))),
        1,
    );
    assert_eq!(quashed.total("cost.fines"), 0.0);
    assert_eq!(quashed.total("regulatory.fines"), 0.0);
    assert_eq!(quashed.total("access.denied"), 0.0);
}

#[test]
fn a_remitted_decision_is_decided_again_and_may_be_appealed_again() {
    let dir = tempfile::tempdir().unwrap();
    // Remitted on 2024-06-01 (day 152): the fine falls with the decision, the regulator enters
    // `redecide` that day, and its new order falls due 30 days later.
    let remitted = run(
        dir.path(),
        "remitted",
        &world("2025-12-31", PINNED, "", &appealed(Some("remitted"))),
        1,
    );
    assert_eq!(remitted.total("regulatory.dpc.redecide.first_day"), 152.0);
    assert_eq!(remitted.total("cost.fines"), 0.0);
    assert_eq!(remitted.first("access.denied").as_deref(), Some("2024-07"));
    // With the fine kept, it stays under appeal on its amount alone (no verdict here: pending).
    let kept = run(
        dir.path(),
        "kept",
        &world(
            "2025-12-31",
            &format!("{PINNED}\nremit_keeps_fine = true"),
            "",
            &appealed(Some("remitted")),
        ),
        1,
    );
    assert_eq!(kept.total("cost.fines"), 0.0);
    assert_eq!(kept.first("access.denied").as_deref(), Some("2024-07"));
    // The new decision, drawn after history_until, is appealed again (probability 1) and
    // stayed: nothing is ever denied.
    let again = run(
        dir.path(),
        "again",
        &world(
            "2024-06-01",
            PINNED,
            "[regulator.dpc.state.redecide.appeal]\nupheld = 0",
            &appealed(Some("remitted")),
        ),
        1,
    );
    assert_eq!(again.total("regulatory.dpc.redecide.first_day"), 152.0);
    assert_eq!(again.total("access.denied"), 0.0);
}

#[test]
fn a_drawn_verdict_books_the_fine_on_its_day() {
    // History ends at the start: the pinned decision of 2024-01-10 is appealed with
    // probability 1 and upheld at 1 a year from then, so its fine is booked in a replication
    // with probability 1 − e^(−t), t the years from 2024-01-10 to the horizon's end (the
    // verdict falls ⌈365.25·E⌉ days later, E ~ Exp(1)), always later (a lower NPV) than
    // without the appeal, and nothing is denied until the verdict.
    let dir = tempfile::tempdir().unwrap();
    let n = 400;
    let table = "upheld = 1.0";
    let drawn = run(
        dir.path(),
        "drawn",
        &world("2024-01-01", table, "", DECISION),
        n,
    );
    let never = run(
        dir.path(),
        "never",
        &world(
            "2024-01-01",
            &format!("{table}\nprobability = 0"),
            "",
            DECISION,
        ),
        n,
    );
    let mut booked = 0.0;
    for (a, b) in drawn.reps.iter().zip(&never.reps) {
        assert!(a["cost.fines"] == 0.0 || a["cost.fines"] == 100e6, "{a:?}");
        assert_eq!(b["cost.fines"], 100e6);
        if a["cost.fines"] > 0.0 {
            booked += 1.0;
            assert!(a["cost.total_npv"] < b["cost.total_npv"], "{a:?} vs {b:?}");
        } else {
            assert_eq!(a["access.denied"], 0.0, "denied while stayed: {a:?}");
        }
    }
    // Days 9 → 730 (2025-12-31 is day 730): the verdict must fall on a day ≤ 730.
    let p = -libm::expm1(-((730 - 9) as f64) / 365.25);
    let share = booked / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((share - p).abs() < 4.0 * se, "{share} vs {p} (SE {se})");
}

#[test]
fn courts_work_per_case() {
    // Two cases of one regulator: `transfers`' pinned decision is appealed and upheld on
    // 2024-06-01 (the events name the case), `children`'s is final on its day. The appealed
    // fine is booked when final in the case's breakdowns (a lone regulator has none of its
    // own), and the
    // regulator's first fine is the one final first, not the one decided first.
    let text = world("2025-12-31", PINNED, "", "");
    let head = &text[..text.find("[regulator.dpc]").unwrap()];
    let cases = r#"[regulator.dpc]
[regulator.dpc.case.children]
initial = "monitoring"
history_until = "2025-12-31"
[regulator.dpc.case.children.state.monitoring]
[regulator.dpc.case.children.state.decision]
[regulator.dpc.case.transfers]
initial = "monitoring"
history_until = "2025-12-31"
[regulator.dpc.case.transfers.state.monitoring]
[regulator.dpc.case.transfers.state.decision]
orders = [{ control = "suspend", after_days = 30 }]
[regulator.dpc.case.transfers.state.decision.appeal]
upheld = 0
[[timeline]]
date = "2024-01-10"
kind = "regulator_state"
regulator = "dpc"
case = "transfers"
state = "decision"
fine = 100e6
[[timeline]]
date = "2024-01-20"
kind = "appeal"
regulator = "dpc"
case = "transfers"
state = "decision"
[[timeline]]
date = "2024-02-01"
kind = "regulator_state"
regulator = "dpc"
case = "children"
state = "decision"
fine = 50e6
[[timeline]]
date = "2024-06-01"
kind = "judgment"
regulator = "dpc"
case = "transfers"
state = "decision"
outcome = "upheld"
"#;
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), "cases", &format!("{head}{cases}"), 1);
    assert_eq!(
        r.first("cost.fines.dpc.transfers").as_deref(),
        Some("2024-06")
    );
    assert_eq!(r.total("cost.fines.dpc.transfers"), 100e6);
    assert_eq!(r.total("regulatory.fines.dpc.transfers"), 1.0);
    assert_eq!(
        r.first("cost.fines.dpc.children").as_deref(),
        Some("2024-02")
    );
    assert_eq!(r.total("cost.fines.dpc.children"), 50e6);
    assert_eq!(r.total("cost.fines"), 150e6);
    assert_eq!(r.total("regulatory.fines"), 2.0);
    assert_eq!(r.total("regulatory.dpc.first_fine"), 50e6);
    assert_eq!(r.first("access.denied").as_deref(), Some("2024-07"));
}
