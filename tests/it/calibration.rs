//! Calibration of the EU enforcement model against what happened. With the pinned history
//! removed (every case moves at random from 2023-01-01, the cases on record opening on their
//! dates, the DPC's storage inquiry at its hazard), the simulated distribution of each
//! milestone date and of GDPR fine amounts must cover the real ones inside its p5–p95, and the
//! simulated first DSA fine must cover the scale of the Commission's first one (EUR 120 M on X).
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

    // Days from 2023-01-01.
    let milestones = [
        (
            "regulatory.dsa_commission.ads.preliminary_findings.first_day",
            865.0,
            "DSA preliminary findings (ads) 2025-05-15",
        ),
        (
            "regulatory.dsa_commission.researcher_access.preliminary_findings.first_day",
            1027.0,
            "DSA preliminary findings (researcher access) 2025-10-24",
        ),
        (
            "regulatory.irish_dpc.children.decision.first_day",
            243.0,
            "DPC decision 2023-09-01",
        ),
        (
            "regulatory.irish_dpc.storage.inquiry.first_day",
            921.0,
            "DPC storage inquiry 2025-07-10",
        ),
    ];
    for (metric, real, what) in milestones {
        let (lo, hi) = p5_p95(column(&csv, metric));
        eprintln!("{what}: day {real}, simulated p5–p95 {lo:.0}–{hi:.0}");
        assert!(
            lo <= real && real <= hi,
            "{what}: day {real} outside p5–p95 {lo}–{hi}"
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
