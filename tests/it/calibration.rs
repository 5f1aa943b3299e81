//! Calibration of the EU enforcement model against what happened, as a test that can fail.
//! With the pinned history removed (every case moves at random from 2023-01-01, the cases on
//! record opening on their dates, the DPC's storage inquiry at its hazard), the real record up
//! to today (2026-11-29) is scored against the simulated world.
//!
//! **Milestones: observed against expected events.** A band per milestone cannot fail: most
//! milestones are reached in under 60% of replications, so their p90 is the horizon, and one
//! date from a band that wide says little about a hazard. Instead each case's time in a stage
//! (from opening, or from entering the stage, to leaving it) is scored by the model's own
//! predictive cumulative hazard Λ(t) = −ln S(t) (S from the replications, at risk to t): a
//! stage left after t contributes one event and Λ(t), one still open today contributes Λ(time
//! so far). If the model is right, the number of events O is Poisson with mean E = ΣΛ (the
//! Cox–Snell / observed-over-expected check, which is the score test of a hazard's scale); the
//! test asks both tails P(Pois(E) ≤ O) and P(Pois(E) ≥ O) to be at least 5%, per regulator
//! and for both together.
//!
//! It can fail, and this is how much it can see: the record has 5 dated DSA events and 3 DPC
//! events in the window, so the standard error of a log hazard ratio is about 1/√5 and 1/√3.
//! Measured (500 replications; as shipped O = 5 against E = 5.11 and O = 3 against E = 3.00):
//! - the DSA's proceedings → preliminary findings hazard 3× too high: E = 11.3 for O = 5,
//!   P(≤ 5) = 0.031, fails; 3× too low: E = 2.83, P(≥ 5) = 0.16, passes;
//! - every fitted hazard of both regulators 3× too high: the DSA's E = 14.6 (P(≤ 5) = 0.004)
//!   and the pooled E = 20.8 fail; 3× too low: the DSA's E = 1.75 (P(≥ 5) = 0.033) and the
//!   pooled E = 3.06 fail;
//! - the DPC's three events alone pass even then (E = 6.2 and 1.3): with O = 3 only E outside
//!   0.82–7.75 fails, so a DPC hazard 3× off (the draft → decision one: E = 4.6 or 2.0) cannot
//!   be told from chance on this record.
//!
//! The hazards were fitted (`regsim calibrate`) to a record that holds these cases, so this is
//! an in-sample check; `docs/enforcement-backtest.md` holds the out-of-sample one.
//!
//! **Fines.** The real fines must lie inside the simulated p5–p95 of a first fine: the DPC's
//! EUR 345 M and 530 M (PIT 0.65 and 0.88: the check fails if the model's fines are 0.69× or
//! 6.4× what they are) and the Commission's first DSA fine, EUR 120 M on X, as the scale of a
//! first DSA fine (PIT 0.12: fails at 1.9× or 0.08×).
//!
//! The figures this prints are quoted in docs/validation.md ("Calibration").

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Column `name` of replications.csv as numbers.
fn column(csv: &str, name: &str) -> Vec<f64> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    lines
        .map(|l| l.split(',').nth(k).unwrap().parse().unwrap())
        .collect()
}

/// The last day of the record, 2026-11-29, in days from 2023-01-01.
const TODAY: f64 = 1428.0;

/// A stage of one case: entered on a fixed day or on the day of a milestone column; left by
/// the first of `ends`; on record entered on `real_start` and left on `real_end` (`None`: not
/// left by [`TODAY`]).
struct Stage {
    what: &'static str,
    start: Start,
    ends: &'static [&'static str],
    real_start: f64,
    real_end: Option<f64>,
}

enum Start {
    Day(f64),
    Column(&'static str),
}

/// Each replication's (time in the stage, time it could be seen in it) for the replications
/// that entered it.
fn stays(csv: &str, stage: &Stage, horizon: f64) -> Vec<(f64, f64)> {
    let ends: Vec<Vec<f64>> = stage.ends.iter().map(|e| column(csv, e)).collect();
    let n = ends[0].len();
    let starts = match stage.start {
        Start::Day(d) => vec![d; n],
        Start::Column(c) => column(csv, c),
    };
    (0..n)
        .filter_map(|i| {
            let s = starts[i];
            let end = ends.iter().map(|e| e[i]).fold(f64::INFINITY, f64::min);
            // Not entered, or left before it entered (by another route).
            (s < horizon && end >= s).then_some((end - s, horizon - s))
        })
        .collect()
}

/// The model's cumulative hazard of leaving the stage by `t`: −ln of the share of those seen
/// to `t` still in it (at least half a replication's worth, so that it stays finite).
fn cumulative_hazard(stays: &[(f64, f64)], t: f64) -> f64 {
    let at_risk: Vec<f64> = stays
        .iter()
        .filter(|(_, seen)| *seen >= t)
        .map(|(w, _)| *w)
        .collect();
    assert!(
        at_risk.len() > 100,
        "only {} replications seen to {t}",
        at_risk.len()
    );
    let still = at_risk.iter().filter(|&&w| w > t).count() as f64;
    -(still.max(0.5) / at_risk.len() as f64).ln()
}

/// P(Pois(mu) ≤ k).
fn poisson_cdf(k: usize, mu: f64) -> f64 {
    let mut term = (-mu).exp();
    let mut sum = term;
    for j in 1..=k {
        term *= mu / j as f64;
        sum += term;
    }
    sum
}

fn p5_p95(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    (q(0.05), q(0.95))
}

#[test]
fn unpinned_dsa_and_gdpr_enforcement_covers_what_happened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir: PathBuf = tmp.path().join("scenarios");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &dir,
    );
    std::fs::write(
        dir.join("dsa_unpinned.toml"),
        r#"extends = "dsa_scrutiny.toml"
timeline = []
[regulator.dsa_commission.case.ads]
history_until = "2023-01-01"
[regulator.dsa_commission.case.researcher_access]
history_until = "2023-01-01"
[regulator.dsa_commission.case.addictive_design]
history_until = "2023-01-01"
[regulator.dsa_commission.case.minors]
history_until = "2023-01-01"
[regulator.dsa_commission.case.lite]
history_until = "2023-01-01"
[regulator.dsa_commission.case.romania]
history_until = "2023-01-01"
[regulator.irish_dpc.case.children]
history_until = "2023-01-01"
[regulator.irish_dpc.case.transfers]
history_until = "2023-01-01"
[regulator.irish_dpc.case.storage]
history_until = "2023-01-01"
"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    Command::cargo_bin("regsim")
        .unwrap()
        .args([
            "run",
            dir.join("dsa_unpinned.toml").to_str().unwrap(),
            "--replications",
            "500",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("dsa_unpinned/replications.csv")).unwrap();

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("dsa_unpinned/summary.json")).unwrap())
            .unwrap();
    let horizon = summary["metrics"]["regulatory.irish_dpc.children.decision.first_day"]
        ["milestone"]["horizon_days"]
        .as_f64()
        .unwrap();
    let (dsa, dpc) = (dsa_stages(), dpc_stages());
    let both: Vec<&Stage> = dsa.iter().chain(&dpc).collect();
    for (regulator, stages) in [
        ("DSA Commission", dsa.iter().collect::<Vec<_>>()),
        ("DPC", dpc.iter().collect()),
        ("both", both),
    ] {
        let (mut observed, mut expected) = (0, 0.0);
        for st in stages {
            let seen = st.real_end.unwrap_or(TODAY) - st.real_start;
            let lambda = cumulative_hazard(&stays(&csv, st, horizon), seen);
            observed += usize::from(st.real_end.is_some());
            expected += lambda;
            if regulator == "both" {
                continue;
            }
            eprintln!(
                "{regulator} {}: {} after {seen:.0} days, Λ = {lambda:.3}",
                st.what,
                if st.real_end.is_some() {
                    "left"
                } else {
                    "still in it"
                }
            );
        }
        let below = poisson_cdf(observed, expected);
        let above = observed
            .checked_sub(1)
            .map_or(1.0, |k| 1.0 - poisson_cdf(k, expected));
        eprintln!(
            "{regulator}: {observed} events on record, {expected:.2} expected; \
             P(≤) = {below:.3}, P(≥) = {above:.3}"
        );
        assert!(
            below >= 0.05 && above >= 0.05,
            "{regulator}: {observed} events on record where the model expects {expected:.2} \
             (P(≤) = {below:.3}, P(≥) = {above:.3})"
        );
    }

    let fines: Vec<f64> = column(&csv, "regulatory.irish_dpc.first_fine")
        .into_iter()
        .filter(|f| *f > 0.0)
        .collect();
    assert!(
        fines.len() > 300,
        "too few replications with a DPC fine: {}",
        fines.len()
    );
    let (lo, hi) = p5_p95(fines);
    for (real, what) in [
        (345e6, "GDPR fine 2023 (EUR 345 M)"),
        (530e6, "GDPR fine 2025 (EUR 530 M)"),
    ] {
        eprintln!(
            "{what}: simulated first-fine p5–p95 EUR {:.0} M – {:.0} M",
            lo / 1e6,
            hi / 1e6
        );
        assert!(lo <= real && real <= hi, "{what} outside p5–p95 {lo}–{hi}");
    }

    let dsa: Vec<f64> = column(&csv, "regulatory.dsa_commission.first_fine")
        .into_iter()
        .filter(|f| *f > 0.0)
        .collect();
    assert!(
        dsa.len() > 50,
        "too few replications with a DSA fine: {}",
        dsa.len()
    );
    let (lo, hi) = p5_p95(dsa);
    eprintln!(
        "first DSA fine (EUR 120 M on X): simulated p5–p95 EUR {:.0} M – {:.0} M",
        lo / 1e6,
        hi / 1e6
    );
    assert!(
        lo <= 120e6 && 120e6 <= hi,
        "EUR 120 M outside p5–p95 {lo}–{hi}"
    );
}

/// The DSA cases' stages on record (FACTS dsa.proceedings.main, .lite, .romania, dsa.ads.prelim,
/// dsa.researcher.prelim, dsa.addictive.prelim), in days from 2023-01-01: the four main cases
/// opened 2024-02-19 (day 414), Lite 2024-04-22 (477), Romania 2024-12-17 (716).
fn dsa_stages() -> Vec<Stage> {
    macro_rules! col {
        ($case:literal, $state:literal) => {
            concat!(
                "regulatory.dsa_commission.",
                $case,
                ".",
                $state,
                ".first_day"
            )
        };
    }
    macro_rules! proceedings {
        ($case:literal, $open:expr, $end:expr) => {
            Stage {
                what: concat!($case, " proceedings"),
                start: Start::Day($open),
                ends: &[
                    col!($case, "preliminary_findings"),
                    col!($case, "commitments"),
                ],
                real_start: $open,
                real_end: $end,
            }
        };
    }
    macro_rules! findings {
        ($case:literal, $entered:expr, $end:expr) => {
            Stage {
                what: concat!($case, " preliminary findings"),
                start: Start::Column(col!($case, "preliminary_findings")),
                ends: &[col!($case, "decision"), col!($case, "commitments")],
                real_start: $entered,
                real_end: $end,
            }
        };
    }
    vec![
        proceedings!("ads", 414.0, Some(865.0)),
        proceedings!("researcher_access", 414.0, Some(1027.0)),
        proceedings!("addictive_design", 414.0, Some(1132.0)),
        proceedings!("minors", 414.0, None),
        // Commitments binding 2024-08-05, 105 days after opening.
        proceedings!("lite", 477.0, Some(582.0)),
        proceedings!("romania", 716.0, None),
        // Binding commitments 2025-12-05.
        findings!("ads", 865.0, Some(1069.0)),
        findings!("researcher_access", 1027.0, None),
        findings!("addictive_design", 1132.0, None),
    ]
}

/// The DPC cases' stages on record: the children's-data decision 2023-09-01 (day 243, FACTS
/// gdpr.dpc.2023; in draft from the start), the transfers decision 2025-05-02 (852, FACTS
/// gdpr.dpc.2025; in inquiry from the start), the storage inquiry opened 2025-07-10 (921, FACTS
/// gdpr.dpc.inquiry.2025) and not yet at a draft decision.
fn dpc_stages() -> Vec<Stage> {
    vec![
        Stage {
            what: "children draft decision",
            start: Start::Day(0.0),
            ends: &["regulatory.irish_dpc.children.decision.first_day"],
            real_start: 0.0,
            real_end: Some(243.0),
        },
        Stage {
            what: "transfers inquiry and draft",
            start: Start::Day(0.0),
            ends: &["regulatory.irish_dpc.transfers.transfer_decision.first_day"],
            real_start: 0.0,
            real_end: Some(852.0),
        },
        Stage {
            what: "storage inquiry not yet opened",
            start: Start::Day(0.0),
            ends: &["regulatory.irish_dpc.storage.inquiry.first_day"],
            real_start: 0.0,
            real_end: Some(921.0),
        },
        Stage {
            what: "storage inquiry",
            start: Start::Column("regulatory.irish_dpc.storage.inquiry.first_day"),
            ends: &["regulatory.irish_dpc.storage.draft_decision.first_day"],
            real_start: 921.0,
            real_end: None,
        },
    ]
}
