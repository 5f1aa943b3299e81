//! `index.html` of `regsim run scenarios/` gives the answer first: each scenario against its
//! baseline with both kinds of interval labelled, the drawn input that moves the difference
//! most and the forest chart; then the comparison by group (EU apart from US).

use std::path::Path;
use std::process::Command as Process;

use crate::common::{regsim, repo};

const PAIRED: [&str; 6] = [
    "clover",
    "eu_combined",
    "texas",
    "us_ban",
    "us_joint_venture",
    "us_law_2024",
];

fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_index_of_the_shipped_scenarios_opens_with_each_headline_against_its_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    regsim()
        .arg("run")
        .arg(repo("scenarios"))
        .args(["--replications", "20", "--out"])
        .arg(&out)
        .assert()
        .success();
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let at = |needle: &str| {
        index
            .find(needle)
            .unwrap_or_else(|| panic!("index.html lacks {needle}"))
    };
    // The answer comes before the list of scenarios and the comparisons.
    assert!(at("id=\"answer\"") < at("id=\"scenarios\""));
    assert!(at("id=\"scenarios\"") < at("id=\"comparison-1\""));
    at("precision of the average");
    at("range across drawn inputs");
    for s in PAIRED {
        assert!(at(&format!("id=\"answer-{s}\"")) < at("id=\"scenarios\""));
        at(&format!("<img src=\"comparison_forest_{s}.svg\""));
        for ext in ["svg", "png"] {
            assert!(out.join(format!("comparison_forest_{s}.{ext}")).is_file());
        }
    }
    // Stable order: a baseline's chain together, EU before US as given.
    assert!(at("id=\"answer-clover\"") < at("id=\"answer-eu_combined\""));
    assert!(at("id=\"answer-eu_combined\"") < at("id=\"answer-texas\""));
    assert!(at("id=\"answer-texas\"") < at("id=\"answer-us_ban\""));
    // Clover's avoided records track China-based sessions per person-day.
    let clover = &index[at("id=\"answer-clover\"")..at("id=\"answer-eu_combined\"")];
    assert!(
        clover.contains("<code>staff.cn_engineering.sessions_per_person_day</code> (ρ = -"),
        "{clover}"
    );
    // Groups: the EU scenarios are compared apart from the US ones.
    let eu = &index[at("id=\"comparison-1\"")..at("id=\"comparison-2\"")];
    let us = &index[at("id=\"comparison-2\"")..];
    for s in ["eu_status_quo", "clover", "dsa_scrutiny", "eu_combined"] {
        assert!(
            eu.contains(&format!("<th>{s}</th>")),
            "{s} not in the EU group"
        );
        assert!(
            !us.contains(&format!("<th>{s}</th>")),
            "{s} in the US group"
        );
    }
    for s in [
        "us_status_quo",
        "texas",
        "us_ban",
        "us_law_2024",
        "us_joint_venture",
    ] {
        assert!(
            us.contains(&format!("<th>{s}</th>")),
            "{s} not in the US group"
        );
        assert!(
            !eu.contains(&format!("<th>{s}</th>")),
            "{s} in the EU group"
        );
    }
    for chart in ["metrics", "loss_exceedance", "exposure"] {
        for k in [1, 2] {
            assert!(out.join(format!("comparison_{chart}_{k}.png")).is_file());
        }
    }
    // versus_*.csv: the range of the paired differences holds their mean and is wider than
    // the interval of that mean.
    let rows = csv_rows(&out.join("clover/versus_eu_status_quo.csv"));
    let r = rows
        .iter()
        .find(|r| r["metric"] == "exposure.records_visible")
        .unwrap();
    let f = |k: &str| r[k].parse::<f64>().unwrap();
    assert!(f("diff_p5") < f("diff_ci95_lo") && f("diff_ci95_lo") < f("diff_mean"));
    assert!(f("diff_mean") < f("diff_ci95_hi") && f("diff_ci95_hi") < f("diff_p95"));
    assert!(f("diff_p5") <= f("diff_p50") && f("diff_p50") <= f("diff_p95"));
    // Days read as days.
    assert!(
        !index.contains("first_day</code></td><td>2."),
        "milestone days as counts"
    );
    seen_at_1300_px(&out.join("index.html"));
}

/// In headless Chromium at 1,300 px: every image loads and nothing makes the page scroll
/// sideways (tables fit or scroll inside their box). Skipped when Chromium is missing.
fn seen_at_1300_px(page: &Path) {
    let chromium = "/usr/bin/chromium";
    if !Path::new(chromium).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {chromium} is missing"
        );
        eprintln!("SKIPPED: {chromium} not found");
        return;
    }
    let profile = tempfile::tempdir().unwrap();
    let output = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--window-size=1300,2400",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("chromium starts");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains("data-images-broken=\"\""), "broken images");
    assert!(
        dom.contains("data-page-overflow=\"0\""),
        "the page is wider than 1,300 px"
    );
}
