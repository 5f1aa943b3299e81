//! The answers an analyst asks, through the binary on the shipped scenarios: paired
//! differences (`regsim diff`, a scenario's `baseline`), tail statistics, calendar years, and
//! uncertain costs (overruns, delays, margins) split into one-off and recurring amounts
//! ([`costs`]).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{regsim, repo};

mod costs;

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
    rows.iter().map(|r| r[name].parse().unwrap()).collect()
}

fn row<'a>(rows: &'a [BTreeMap<String, String>], metric: &str) -> &'a BTreeMap<String, String> {
    rows.iter().find(|r| r["metric"] == metric).unwrap()
}

fn f(r: &BTreeMap<String, String>, k: &str) -> f64 {
    r[k].parse().unwrap()
}

/// Half-width of the 95% interval of a mean (normal quantile; n is large).
fn half_width(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    1.96 * (v / n).sqrt()
}

const REPS: &str = "150";

#[test]
fn diff_pairs_clover_with_the_status_quo_and_its_interval_is_narrower_than_unpaired() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let base = repo("scenarios/eu_status_quo.toml");
    let changed = repo("scenarios/clover.toml");
    regsim()
        .arg("diff")
        .args([&base, &changed])
        .args(["--replications", REPS, "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let dir = out.join("diff_clover_vs_eu_status_quo");
    let text = std::fs::read_to_string(dir.join("diff.csv")).unwrap();
    assert!(text.starts_with(
        "metric,base_mean,changed_mean,diff_mean,diff_sd,diff_ci95_lo,diff_ci95_hi,rel_change,p_changed_greater,"
    ));
    assert!(dir.join("report.html").is_file());
    let diff = csv_rows(&dir.join("diff.csv"));

    // The same two scenarios run separately, same seed and replications: the diff's means are
    // theirs, and the unpaired interval of the difference is wider than the paired one.
    let runs = tmp.path().join("runs");
    regsim()
        .arg("run")
        .args([&base, &changed])
        .args(["--replications", REPS, "--no-charts", "--out"])
        .arg(&runs)
        .assert()
        .success();
    let b = csv_rows(&runs.join("eu_status_quo/replications.csv"));
    let c = csv_rows(&runs.join("clover/replications.csv"));
    for metric in [
        "exposure.records_visible",
        "exposure.users_distinct",
        "incidents.misuse",
    ] {
        let (bx, cx) = (column(&b, metric), column(&c, metric));
        let r = row(&diff, metric);
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((f(r, "base_mean") - mean(&bx)).abs() <= 1e-9 * mean(&bx).abs());
        assert!((f(r, "changed_mean") - mean(&cx)).abs() <= 1e-9 * mean(&cx).abs());
        let paired = (f(r, "diff_ci95_hi") - f(r, "diff_ci95_lo")) / 2.0;
        let unpaired = (half_width(&bx).powi(2) + half_width(&cx).powi(2)).sqrt();
        assert!(
            paired < unpaired,
            "{metric}: paired half-width {paired} not below unpaired {unpaired}"
        );
    }
    // Sessions are the same draws in both: the paired difference is exactly zero.
    let s = row(&diff, "access.sessions");
    assert_eq!((f(s, "diff_mean"), f(s, "diff_sd")), (0.0, 0.0));
    // A relative change against a base of zero is left empty.
    assert_eq!(
        row(&diff, "exposure.records_reidentifiable")["rel_change"],
        ""
    );
    let p = f(row(&diff, "exposure.records_visible"), "p_changed_greater");
    assert!(
        (0.0..=0.05).contains(&p),
        "Clover reads fewer records in almost every replication: {p}"
    );
}

#[test]
fn a_baseline_run_together_writes_the_same_differences_as_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    regsim()
        .arg("run")
        .args([
            repo("scenarios/clover.toml"),
            repo("scenarios/eu_status_quo.toml"),
        ])
        .args(["--replications", "40", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    regsim()
        .arg("diff")
        .args([
            repo("scenarios/eu_status_quo.toml"),
            repo("scenarios/clover.toml"),
        ])
        .args(["--replications", "40", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let versus = std::fs::read(out.join("clover/versus_eu_status_quo.csv")).unwrap();
    let diff = std::fs::read(out.join("diff_clover_vs_eu_status_quo/diff.csv")).unwrap();
    assert_eq!(versus, diff);
    let report = std::fs::read_to_string(out.join("clover/report.html")).unwrap();
    assert!(report.contains("Versus baseline <code>eu_status_quo</code>"));

    // Alone, clover has no paired comparison, and its report says why.
    let alone = tmp.path().join("alone");
    regsim()
        .arg("run")
        .arg(repo("scenarios/clover.toml"))
        .args(["--replications", "5", "--no-charts", "--out"])
        .arg(&alone)
        .assert()
        .success();
    assert!(!alone.join("clover/versus_eu_status_quo.csv").exists());
    let report = std::fs::read_to_string(alone.join("clover/report.html")).unwrap();
    assert!(report.contains("was not part of this run"));
}

#[test]
fn tails_are_in_the_summary_and_expected_shortfall_is_never_below_its_quantile() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .args([
            repo("scenarios/dsa_scrutiny.toml"),
            repo("scenarios/us_law_2024.toml"),
        ])
        .args(["--replications", "200", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let comparison = std::fs::read_to_string(tmp.path().join("comparison.csv")).unwrap();
    assert!(comparison.starts_with(
        "scenario,metric,mean,sd,p1,p5,p50,p95,p99,min,max,ci95_lo,ci95_hi,es95,es99,p_positive\n"
    ));
    for scenario in ["dsa_scrutiny", "us_law_2024"] {
        let text = std::fs::read_to_string(tmp.path().join(scenario).join("summary.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let reps = csv_rows(&tmp.path().join(scenario).join("replications.csv"));
        for (name, st) in json["metrics"].as_object().unwrap() {
            let g = |k: &str| st[k].as_f64().unwrap_or_else(|| panic!("{name}.{k}"));
            assert!(g("es95") >= g("p95") - 1e-9 * g("p95").abs(), "{name}");
            assert!(g("es99") >= g("p99") - 1e-9 * g("p99").abs(), "{name}");
            assert!(g("es99") >= g("es95") - 1e-9 * g("es95").abs(), "{name}");
            assert!(g("p1") <= g("p5") && g("p95") <= g("p99") && g("p99") <= g("max"));
            let xs = column(&reps, name);
            let share = xs.iter().filter(|&&x| x > 0.0).count() as f64 / xs.len() as f64;
            assert_eq!(g("p_positive"), share, "{name}");
        }
    }
    // The probability of any fine under enforcement, read off the summary.
    let text = std::fs::read_to_string(tmp.path().join("dsa_scrutiny/summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = json["metrics"]["cost.fines"]["p_positive"]
        .as_f64()
        .unwrap();
    assert!(p > 0.5, "pinned history already holds fines: {p}");
}

#[test]
fn calendar_years_add_up_to_the_horizon() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .arg(repo("scenarios/clover.toml"))
        .args(["--replications", "30", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("clover");
    let annual = csv_rows(&dir.join("annual.csv"));
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let years: Vec<i32> = annual
        .iter()
        .filter(|r| r["metric"] == "cost.total")
        .map(|r| r["year"].parse().unwrap())
        .collect();
    assert_eq!(years, (2023..=2030).collect::<Vec<_>>());
    for metric in [
        "cost.total",
        "exposure.records_visible",
        "residency.pb_days_outside",
    ] {
        let sum: f64 = annual
            .iter()
            .filter(|r| r["metric"] == metric)
            .map(|r| f(r, "mean"))
            .sum();
        let total = json["metrics"][metric]["mean"].as_f64().unwrap();
        assert!(
            (sum - total).abs() <= 1e-9 * total.abs(),
            "{metric}: {sum} vs {total}"
        );
    }
    // Levels (users) are not amounts: no calendar-year rows.
    assert!(annual.iter().all(|r| r["metric"] != "users.active"));
}

#[test]
fn a_baseline_that_is_not_a_name_is_refused_at_its_field() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(
        &file,
        "start = \"2024-01-01\"\nend = \"2024-03-01\"\nbaseline = \"../x\"\n[population.p]\nhome = \"X\"\nenclave = [\"X\"]\nusers = 10\ndata_per_user_mb = 0\nplacement = { s = 1.0 }\n[site.s]\njurisdiction = \"X\"\ncapacity_pb = 1\n",
    )
    .unwrap();
    let o = regsim().arg("validate").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("s.toml:3:1") && e.contains("baseline"), "{e}");
}

#[test]
fn branches_of_the_2024_law_have_their_analytic_shares_and_are_read_per_branch() {
    // At the deadline: divest 0.30, ban 0.15, extend 0.55 (at most 5 times, 75–90 days each,
    // well within the horizon). Extensions only postpone, so the final outcome is divest or ban
    // in the ratio 0.30 : 0.15 — shares 2/3 and 1/3 — and the number of extensions K has
    // P(K ≥ k) = 0.55^k for k ≤ 5: E[K] = Σ_{k=1..5} 0.55^k.
    let tmp = tempfile::tempdir().unwrap();
    let n = 600;
    regsim()
        .arg("run")
        .arg(repo("scenarios/us_law_2024.toml"))
        .args(["--replications", &n.to_string(), "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("us_law_2024");
    let branches = csv_rows(&dir.join("branches.csv"));
    let share = |outcome: &str| {
        let r = branches
            .iter()
            .find(|r| r["branch"] == "decision.deadline" && r["outcome"] == outcome)
            .unwrap();
        (f(r, "share"), f(r, "share_ci95_lo"), f(r, "share_ci95_hi"))
    };
    for (outcome, p) in [
        ("divest", 2.0 / 3.0),
        ("ban", 1.0 / 3.0),
        ("not taken", 0.0),
    ] {
        let (s, lo, hi) = share(outcome);
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((s - p).abs() <= 3.0 * se, "{outcome}: {s} vs {p} (SE {se})");
        assert!(lo <= s && s <= hi);
    }
    let inputs = csv_rows(&dir.join("inputs.csv"));
    assert_eq!(inputs.len(), n);
    let k = column(&inputs, "decision.deadline.extensions");
    let expected: f64 = (1..=5).map(|i| 0.55f64.powi(i)).sum();
    let mean = k.iter().sum::<f64>() / n as f64;
    let var = k.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    assert!(
        (mean - expected).abs() <= 3.0 * (var / n as f64).sqrt(),
        "extensions {mean} vs {expected}"
    );
    // Drawn inputs are named by parameter path and vary across replications.
    let rates = column(&inputs, "staff.cn_engineering.sessions_per_person_day");
    assert!(rates.iter().any(|r| *r != rates[0]));
    // Bimodal: users at the end are ~all there given divest, a fraction given a ban.
    let users = |outcome: &str| {
        let r = branches
            .iter()
            .find(|r| r["outcome"] == outcome && r["metric"] == "users.active")
            .unwrap();
        f(r, "mean")
    };
    assert!(
        users("ban") < 0.5 * users("divest"),
        "{} vs {}",
        users("ban"),
        users("divest")
    );
}

#[test]
fn comparisons_across_currencies_convert_money_into_the_report_currency() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .args([repo("scenarios/clover.toml"), repo("scenarios/texas.toml")])
        .args(["--replications", "20", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let comparison = csv_rows(&tmp.path().join("comparison.csv"));
    let text = std::fs::read_to_string(tmp.path().join("texas/summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["currency"], "USD",
        "the scenario's own outputs stay in USD"
    );
    let usd = json["metrics"]["cost.total"]["mean"].as_f64().unwrap();
    let eur = comparison
        .iter()
        .find(|r| r["scenario"] == "texas" && r["metric"] == "cost.total")
        .map(|r| f(r, "mean"))
        .unwrap();
    // base/us.toml: report_currency = "EUR", exchange_rates = { EUR = 1.1694 } (USD per EUR).
    assert!((eur - usd / 1.1694).abs() <= 1e-9 * usd, "{eur} vs {usd}");
    // Not money: unchanged.
    let sessions = comparison
        .iter()
        .find(|r| r["scenario"] == "texas" && r["metric"] == "access.sessions")
        .map(|r| f(r, "mean"))
        .unwrap();
    assert_eq!(
        sessions,
        json["metrics"]["access.sessions"]["mean"].as_f64().unwrap()
    );
    let index = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(!index.contains("USD "), "the comparison is all in EUR");

    // A report currency needs an exchange rate.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "start = \"2024-01-01\"\nend = \"2024-03-01\"\n[finance]\ncurrency = \"USD\"\nreport_currency = \"EUR\"\n[population.p]\nhome = \"X\"\nenclave = [\"X\"]\nusers = 10\ndata_per_user_mb = 0\nplacement = { s = 1.0 }\n[site.s]\njurisdiction = \"X\"\ncapacity_pb = 1\n",
    )
    .unwrap();
    let o = regsim().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad.toml:5:") && e.contains("exchange rate"),
        "{e}"
    );
}

#[test]
fn breakdowns_by_entity_add_up_to_their_metric() {
    let tmp = tempfile::tempdir().unwrap();
    regsim()
        .arg("run")
        .args([
            repo("scenarios/eu_combined.toml"),
            repo("scenarios/texas.toml"),
        ])
        .args(["--replications", "20", "--no-charts", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    for (scenario, metric, entities) in [
        (
            "eu_combined",
            "exposure.records_visible",
            vec!["cn_engineering", "eu_trust_safety"],
        ),
        (
            "eu_combined",
            "cost.fines",
            vec!["dsa_commission", "irish_dpc"],
        ),
        (
            "eu_combined",
            "regulatory.fines",
            vec!["dsa_commission", "irish_dpc"],
        ),
        (
            "texas",
            "exposure.records_visible",
            vec!["cn_engineering", "informal_channel", "usds"],
        ),
        (
            "texas",
            "cost.infrastructure",
            vec!["oracle", "singapore", "virginia"],
        ),
    ] {
        let reps = csv_rows(&tmp.path().join(scenario).join("replications.csv"));
        let total = column(&reps, metric);
        let parts: Vec<Vec<f64>> = entities
            .iter()
            .map(|e| column(&reps, &format!("{metric}.{e}")))
            .collect();
        for (r, t) in total.iter().enumerate() {
            let sum: f64 = parts.iter().map(|p| p[r]).sum();
            assert!(
                (sum - t).abs() <= 1e-9 * t.abs().max(1.0),
                "{scenario} {metric} rep {r}: {sum} vs {t}"
            );
        }
    }
    // The informal channel is where Texas's exposure comes from once China-based engineers
    // are denied; the US staff read no restricted records.
    let reps = csv_rows(&tmp.path().join("texas/replications.csv"));
    assert!(column(&reps, "exposure.records_visible.usds")
        .iter()
        .all(|v| *v == 0.0));
    assert!(column(&reps, "exposure.records_visible.informal_channel")
        .iter()
        .any(|v| *v > 0.0));
    // One population: no per-population breakdown (it would repeat the metric).
    let header = std::fs::read_to_string(tmp.path().join("texas/replications.csv")).unwrap();
    assert!(!header
        .lines()
        .next()
        .unwrap()
        .contains("exposure.records_visible.us,"));
}
