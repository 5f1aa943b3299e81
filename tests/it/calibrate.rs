//! `regsim calibrate`: malformed records are refused through the binary (exit 2, `file:line:col`,
//! the column named, nothing written); a synthetic record drawn from known hazards is recovered
//! through the binary; and over many synthetic records the 95% posterior intervals cover the
//! true hazards at their nominal rate (the self-check of issue 25).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tempfile::TempDir;

use regsim::calibrate::fit::fit;
use regsim::calibrate::record::{Appeal, Case, Ending, Record, Regulator};

const HEADER: &str = "id,regulator,platform,subject,opened,preliminary_findings,decision,\
decision_kind,appeal_filed,appeal_outcome,appeal_outcome_date,fine_eur,turnover_eur,\
legal_max_share,source";

const REGISTRY: &str = "id,name,law,opened_state,findings_state,decision_state,closed_state,source\n\
dsa_commission,European Commission,DSA,proceedings,preliminary_findings,decision,commitments,https://example.org/dsa\n";

const GOOD_ROW: &str = "dsa-ok,dsa_commission,X,ads,2023-12-18,2024-07-12,2025-12-05,fine,,,,120e6,2e10,0.06,https://example.org/x";

/// A record folder: `regulators.csv` and `record.csv` with a header, a good row and `rows`.
fn record(rows: &[&str]) -> TempDir {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("regulators.csv"), REGISTRY).unwrap();
    let mut text = format!("{HEADER}\n{GOOD_ROW}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    fs::write(dir.path().join("record.csv"), text).unwrap();
    dir
}

fn calibrate(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("calibrate")
        .arg(dir.join("record.csv"))
        .args(["--regulator", "dsa_commission", "--until", "2026-11-29"])
        .args(extra)
        .assert()
}

/// Runs a record with one bad row (line 3): exit 2, the diagnostic at `record.csv:3:col` names
/// the column and says `fragment`, and `--out` is not written.
fn refused(row: &str, col: usize, column: &str, fragment: &str) {
    let dir = record(&[row]);
    let out = dir.path().join("fitted.toml");
    let a = calibrate(dir.path(), &["--out", out.to_str().unwrap()]).code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    let place = format!("record.csv:3:{col}: column `{column}`");
    assert!(
        stderr.contains(&place) && stderr.contains(fragment),
        "expected `{place}` … `{fragment}` in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn a_bad_date_is_refused_at_its_cell() {
    let row = "dsa-bad,dsa_commission,X,ads,2023-13-18,,,,,,,,,0.06,https://example.org/x";
    refused(row, 30, "opened", "not a valid calendar date");
}

#[test]
fn a_decision_before_its_opening_is_refused() {
    let row = "dsa-bad,dsa_commission,X,ads,2024-02-19,,2024-01-05,commitments,,,,,,0.06,https://example.org/x";
    refused(
        row,
        42,
        "decision",
        "2024-01-05 is before `opened` (2024-02-19)",
    );
}

#[test]
fn a_row_without_a_source_is_refused() {
    let row = "dsa-bad,dsa_commission,X,ads,2024-02-19,,,,,,,,,0.06,";
    refused(row, 54, "source", "every row needs a source");
}

#[test]
fn an_unknown_regulator_is_refused() {
    let row = "dsa-bad,commision,X,ads,2024-02-19,,,,,,,,,0.06,https://example.org/x";
    refused(row, 9, "regulator", "unknown regulator `commision`");
}

#[test]
fn every_bad_row_is_reported_at_once() {
    let dir = record(&[
        "dsa-a,dsa_commission,X,ads,2024-02-30,,,,,,,,,0.06,https://example.org/x",
        "dsa-b,dsa_commission,X,ads,2024-02-19,,,,,,,,,0.06,not-an-address",
    ]);
    let a = calibrate(dir.path(), &[]).code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(stderr.contains("record.csv:3:"), "{stderr}");
    assert!(stderr.contains("record.csv:4:"), "{stderr}");
    assert!(a.get_output().stdout.is_empty());
}

#[test]
fn the_shipped_record_is_valid_and_fits_both_regulators() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/enforcement");
    for reg in ["dsa_commission", "irish_dpc"] {
        let a = Command::cargo_bin("regsim")
            .unwrap()
            .arg("calibrate")
            .arg(&data)
            .args(["--regulator", reg, "--until", "2026-11-29"])
            .assert()
            .success();
        let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        assert!(
            doc["regulator"][reg]["transition"]
                .as_array()
                .unwrap()
                .len()
                >= 3
        );
    }
}

// ---- synthetic records from known hazards ----

/// True hazards per year: from the opened stage to findings, decision, closure; from findings
/// to decision, closure.
const TRUE: [(&str, &str, f64); 5] = [
    ("proceedings", "preliminary_findings", 0.8),
    ("proceedings", "decision", 0.3),
    ("proceedings", "commitments", 0.2),
    ("preliminary_findings", "decision", 1.0),
    ("preliminary_findings", "commitments", 0.5),
];

fn until() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

fn regulator() -> Regulator {
    Regulator {
        id: "dsa_commission".into(),
        opened_state: "proceedings".into(),
        findings_state: "preliminary_findings".into(),
        decision_state: "decision".into(),
        closed_state: "commitments".into(),
    }
}

/// `n` cases opened uniformly over the 6 years before `until`, moved through the stages by
/// competing exponential exits at the [`TRUE`] hazards and censored at `until`.
fn synthetic(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<Case> {
    let end = until();
    let after = |d: NaiveDate, years: f64| -> Option<NaiveDate> {
        let days = (years * 365.25).round();
        let day = d.checked_add_days(Days::new(days.min(1e6) as u64))?;
        (day <= end).then_some(day)
    };
    let mut cases = Vec::new();
    for i in 0..n {
        let back = 6.0 * 365.25 * rng.random::<f64>();
        let start = end.checked_sub_days(Days::new(back as u64)).unwrap();
        let (t1, k1) = stage(rng, &[TRUE[0].2, TRUE[1].2, TRUE[2].2]);
        let mut case = Case {
            id: format!("syn-{i}"),
            regulator: "dsa_commission".into(),
            platform: "P".into(),
            subject: "s".into(),
            opened: Some(start),
            findings: None,
            findings_undated: false,
            decision: None,
            appeal: Appeal::Unknown,
            appeal_outcome: None,
            fine_eur: None,
            turnover_eur: None,
            legal_max_share: None,
        };
        if let Some(d1) = after(start, t1) {
            match k1 {
                0 => {
                    case.findings = Some(d1);
                    let (t2, k2) = stage(rng, &[TRUE[3].2, TRUE[4].2]);
                    if let Some(d2) = after(d1, t2) {
                        let e = if k2 == 0 {
                            Ending::Fine
                        } else {
                            Ending::Commitments
                        };
                        case.decision = Some((d2, e));
                    }
                }
                1 => case.decision = Some((d1, Ending::Fine)),
                _ => case.decision = Some((d1, Ending::Commitments)),
            }
        }
        cases.push(case);
    }
    cases
}

/// The exit time and the exit (an index into `exits`) of a stage with competing exponential
/// exits at hazards `exits`.
fn stage(rng: &mut Xoshiro256PlusPlus, exits: &[f64]) -> (f64, usize) {
    let total: f64 = exits.iter().sum();
    let t = -(1.0 - rng.random::<f64>()).ln() / total;
    let mut u = rng.random::<f64>() * total;
    for (i, h) in exits.iter().enumerate() {
        if u < *h {
            return (t, i);
        }
        u -= h;
    }
    (t, exits.len() - 1)
}

fn as_record(cases: Vec<Case>) -> Record {
    let reg = regulator();
    Record {
        files: Vec::new(),
        regulators: [(reg.id.clone(), reg)].into_iter().collect(),
        cases,
    }
}

fn csv(cases: &[Case]) -> String {
    let d = |x: Option<NaiveDate>| x.map_or(String::new(), |d| d.to_string());
    let mut text = format!("{HEADER}\n");
    for c in cases {
        let (day, kind) = match c.decision {
            Some((day, Ending::Fine)) => (day.to_string(), "fine"),
            Some((day, _)) => (day.to_string(), "commitments"),
            None => (String::new(), ""),
        };
        let fine = if kind == "fine" { "1e6" } else { "" };
        text.push_str(&format!(
            "{},dsa_commission,P,s,{},{},{day},{kind},,,,{fine},,,https://example.org/{}\n",
            c.id,
            d(c.opened),
            d(c.findings),
            c.id
        ));
    }
    text
}

#[test]
fn a_large_synthetic_record_is_recovered_through_the_binary() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(25);
    let cases = synthetic(&mut rng, 600);
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("regulators.csv"), REGISTRY).unwrap();
    fs::write(dir.path().join("record.csv"), csv(&cases)).unwrap();
    let a = calibrate(dir.path(), &[]).success();
    let doc: toml::Table =
        toml::from_str(&String::from_utf8_lossy(&a.get_output().stdout)).unwrap();
    let transitions = doc["regulator"]["dsa_commission"]["transition"]
        .as_array()
        .unwrap();
    assert_eq!(transitions.len(), TRUE.len());
    for (from, to, truth) in TRUE {
        let t = transitions
            .iter()
            .find(|t| t["from"].as_str() == Some(from) && t["to"].as_str() == Some(to))
            .unwrap_or_else(|| panic!("no {from} -> {to}"));
        let g = &t["per_year"];
        assert_eq!(g["dist"].as_str(), Some("gamma"));
        let (shape, rate) = (
            g["shape"].as_float().unwrap(),
            g["rate"].as_float().unwrap(),
        );
        let (mean, sd) = (shape / rate, shape.sqrt() / rate);
        // Four posterior standard deviations: a correct fit fails this about once in 16,000.
        assert!(
            (mean - truth).abs() < 4.0 * sd,
            "{from} -> {to}: posterior {mean:.3} ± {sd:.3}, truth {truth}"
        );
    }
}

#[test]
fn ninety_five_percent_intervals_cover_the_true_hazards_at_their_nominal_rate() {
    // 2,000 synthetic records of 40 cases each. At a true coverage of 0.95 the share covered
    // has a binomial standard error of sqrt(0.95 * 0.05 / 2000) = 0.0049, so 0.95 ± 3 SE is
    // [0.935, 0.965], inside the 93–97% asked for: a calibrated fit fails this about 3 times
    // in 1,000 per transition (the seed is fixed, so the run is deterministic).
    const REPS: usize = 2000;
    let se = (0.95_f64 * 0.05 / REPS as f64).sqrt();
    let (lo, hi) = (0.95 - 3.0 * se, 0.95 + 3.0 * se);
    assert!(lo >= 0.93 && hi <= 0.97);
    let reg = regulator();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2025);
    let mut covered = [0usize; TRUE.len()];
    let mut seen = [0usize; TRUE.len()];
    for _ in 0..REPS {
        let record = as_record(synthetic(&mut rng, 40));
        let f = fit(&record, &reg, until());
        for (k, (from, to, truth)) in TRUE.iter().enumerate() {
            let Some(h) = f.hazards.iter().find(|h| h.from == *from && h.to == *to) else {
                continue;
            };
            seen[k] += 1;
            let g = h.posterior;
            if g.quantile(0.025) <= *truth && *truth <= g.quantile(0.975) {
                covered[k] += 1;
            }
        }
    }
    for (k, (from, to, _)) in TRUE.iter().enumerate() {
        assert!(
            seen[k] >= REPS * 99 / 100,
            "{from} -> {to} fitted in {} records",
            seen[k]
        );
        let share = covered[k] as f64 / seen[k] as f64;
        assert!(
            (lo..=hi).contains(&share),
            "{from} -> {to}: 95% intervals covered the truth in {share:.4} of {} records \
             (accepted {lo:.4}–{hi:.4})",
            seen[k]
        );
    }
}

#[test]
fn the_backtest_in_the_docs_is_what_the_command_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/enforcement-backtest.md")).unwrap();
    for (reg, until) in [
        ("dsa_commission", "2023-12-31"),
        ("irish_dpc", "2023-12-31"),
        ("dsa_commission", "2025-06-30"),
        ("irish_dpc", "2025-06-30"),
    ] {
        let a = Command::cargo_bin("regsim")
            .unwrap()
            .arg("calibrate")
            .arg(root.join("data/enforcement"))
            .args(["--regulator", reg, "--until", until])
            .args(["--backtest-to", "2026-11-29"])
            .assert()
            .success();
        let table = String::from_utf8_lossy(&a.get_output().stdout).to_string();
        assert!(
            doc.contains(table.trim()),
            "docs/enforcement-backtest.md is stale for {reg} fitted to {until}; the command prints:\n{table}"
        );
    }
}
