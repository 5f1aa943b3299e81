//! What a sweep writes, and reads back: the manifest (`sweep.json`), one file per finished point
//! (`points/NNNNNN.json`), and the joined results (`points.csv`, `sensitivity.csv`,
//! `expectations.json`, `junit.xml`).
//!
//! The joined results are always computed from the point files as read back from disk — in an
//! unsharded run, after a resume, and in `regsim merge` alike — so all three write the same bytes.
//! `merge` copies point files byte for byte rather than writing them anew: serde_json's default
//! float parser may differ from the written number in the last bit, so the joined results are
//! computed from read-back numbers on every path, and point files are never re-serialised.

use std::path::Path;

use anyhow::Context;

use crate::expect::{self, Check};
use crate::report::{atomic_write, num};

use super::design::Structure;
use super::results::{indices, Indices};
pub use super::results::{Manifest, PointResult};
use super::{charts, report, sensitivity};

/// File name of point `p` under `points/`.
pub fn point_file(p: usize) -> String {
    format!("{p:06}.json")
}

/// Writes point `r` atomically into `points_dir`.
pub fn write_point(points_dir: &Path, r: &PointResult) -> anyhow::Result<()> {
    r.check_finite()?;
    let mut b = serde_json::to_vec(r).context("cannot serialise a point")?;
    b.push(b'\n');
    atomic_write(&points_dir.join(point_file(r.point)), &b)
}

/// Reads point `p` from `points_dir`, with the file's bytes (which `merge` copies as they are);
/// `None` when it is missing or unreadable (not finished).
pub fn read_point(
    points_dir: &Path,
    p: usize,
    m: &Manifest,
    sweep: &str,
) -> Option<(PointResult, Vec<u8>)> {
    let b = std::fs::read(points_dir.join(point_file(p))).ok()?;
    let r: PointResult = serde_json::from_slice(&b).ok()?;
    (r.point == p && r.sweep == sweep && r.stats.len() == m.metrics.len()).then_some((r, b))
}

/// A fingerprint of a manifest's bytes (FNV-1a, 64 bits, in hex): stable across platforms
/// and releases.
pub fn fingerprint(manifest: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in manifest {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Copies a point file's bytes into `points_dir` atomically.
pub fn copy_point(points_dir: &Path, p: usize, bytes: &[u8]) -> anyhow::Result<()> {
    atomic_write(&points_dir.join(point_file(p)), bytes)
}

/// Writes `points.csv`, `sensitivity.csv` (Sobol and Morris designs), the charts (SVG and PNG),
/// `expectations.json`, `junit.xml` and `report.html` into `dir` from every point's result, and
/// the folder's `index.html` when it holds several sweeps; returns the checks.
pub fn write_results(
    dir: &Path,
    m: &Manifest,
    results: &[PointResult],
) -> anyhow::Result<Vec<Check>> {
    atomic_write(&dir.join("points.csv"), &points_csv(m, results))?;
    if let Some(bytes) = sensitivity_csv(m, results) {
        atomic_write(&dir.join("sensitivity.csv"), &bytes)?;
    }
    let charts = charts::render_all(m, results)?;
    for c in &charts {
        atomic_write(&dir.join(format!("{}.svg", c.name)), &c.svg)?;
        atomic_write(&dir.join(format!("{}.png", c.name)), &c.png)?;
    }
    let checks = checks(m, results);
    atomic_write(
        &dir.join("expectations.json"),
        &expect::json(&m.name, &checks),
    )?;
    atomic_write(&dir.join("junit.xml"), &expect::junit(&m.name, &checks))?;
    let page = report::sweep_report(m, results, &charts, &checks);
    atomic_write(&dir.join("report.html"), &page)?;
    if let Some(out) = dir.parent() {
        report::write_index(out)?;
    }
    Ok(checks)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// `point,<parameter>...,[replications,precision_met,]<metric>.mean,.p5,.p50,.p95,.ci95_lo,.ci95_hi,.p_positive,
/// .p_positive_ci95_lo,.p_positive_ci95_hi,.es95,.es99` per metric (`ci95` empty when every
/// value was equal).
pub fn points_csv(m: &Manifest, results: &[PointResult]) -> Vec<u8> {
    const COLS: [(&str, usize); 11] = [
        ("mean", 0),
        ("p5", 2),
        ("p50", 3),
        ("p95", 4),
        ("ci95_lo", 7),
        ("ci95_hi", 8),
        ("p_positive", 9),
        ("p_positive_ci95_lo", 10),
        ("p_positive_ci95_hi", 11),
        ("es95", 12),
        ("es99", 13),
    ];
    let mut w = writer();
    let mut header = vec!["point".to_string()];
    header.extend(m.parameters.iter().cloned());
    // A precision sweep says how many replications each point took, and whether it met its
    // target (else it reached `max_replications`).
    let precision = m.precision.is_some();
    if precision {
        header.extend(["replications".to_string(), "precision_met".to_string()]);
    }
    for name in &m.metrics {
        header.extend(COLS.iter().map(|(c, _)| format!("{name}.{c}")));
    }
    w.write_record(&header).expect("memory");
    for r in results {
        let mut row = vec![r.point.to_string()];
        row.extend(m.points[r.point].iter().map(|v| num(*v)));
        if precision {
            row.push(r.replications.map_or(String::new(), |n| n.to_string()));
            row.push(r.met.map_or(String::new(), |met| met.to_string()));
        }
        for s in &r.stats {
            // No spread (sd 0): no interval, the cell is left empty.
            let none = |i: usize| (i == 7 || i == 8) && s[1] == 0.0;
            row.extend(
                COLS.iter()
                    .map(|(_, i)| if none(*i) { String::new() } else { num(s[*i]) }),
            );
        }
        w.write_record(&row).expect("memory");
    }
    w.into_inner().expect("memory")
}

/// One `design,metric,parameter,index,value,ci95_lo,ci95_hi` row of `sensitivity.csv`.
fn interval_row(
    w: &mut csv::Writer<Vec<u8>>,
    design: &str,
    metric: &str,
    parameter: &str,
    index: &str,
    e: sensitivity::Estimate,
) {
    w.write_record([
        design,
        metric,
        parameter,
        index,
        &num(e.value),
        &num(e.lo),
        &num(e.hi),
    ])
    .expect("memory");
}

/// `method,metric,parameter,index,value,ci95_lo,ci95_hi`: Morris μ*, σ and μ, or Sobol S1 and
/// ST, of each metric's mean per point; `None` for designs without sensitivity indices.
pub fn sensitivity_csv(m: &Manifest, results: &[PointResult]) -> Option<Vec<u8>> {
    if m.structure() == Structure::Plain {
        return None;
    }
    let mut w = writer();
    w.write_record([
        "method",
        "metric",
        "parameter",
        "index",
        "value",
        "ci95_lo",
        "ci95_hi",
    ])
    .expect("memory");
    for metric in &m.sensitivity_metrics {
        match indices(m, results, metric)? {
            Indices::Sobol(s) => {
                for (p, s) in m.parameters.iter().zip(s) {
                    for (label, e) in [("S1", s.s1), ("ST", s.st)] {
                        interval_row(&mut w, "sobol", metric, p, label, e);
                    }
                }
            }
            Indices::Morris(s) => {
                for (p, s) in m.parameters.iter().zip(s) {
                    for (label, e) in [("mu_star", s.mu_star), ("sigma", s.sigma)] {
                        interval_row(&mut w, "morris", metric, p, label, e);
                    }
                    w.write_record(["morris", metric, p, "mu", &num(s.mu), "", ""])
                        .expect("memory");
                }
            }
        }
    }
    Some(w.into_inner().expect("memory"))
}

/// Every `[[expect]]` against every point its `where` selects, expectation by expectation.
pub fn checks(m: &Manifest, results: &[PointResult]) -> Vec<Check> {
    let mut out = Vec::new();
    for e in &m.expect {
        let Some(metric) = m.metrics.iter().position(|n| *n == e.metric) else {
            continue;
        };
        for r in results {
            let values = &m.points[r.point];
            let selected = e.filter.iter().all(|(path, f)| {
                m.parameters
                    .iter()
                    .position(|p| p == path)
                    .is_some_and(|i| f.matches(values[i]))
            });
            if selected {
                let params = m.parameters.iter().cloned().zip(values.clone()).collect();
                out.push(Check::evaluate(
                    e,
                    &r.stats_of(metric),
                    Some(r.point),
                    params,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn point_files_and_manifests_read_back_every_f64_exactly() {
        // Shards and resumes read points and parameter values back from JSON, so a parse off
        // by one ulp (serde_json without `float_roundtrip` reads 0.010831811015151217 as
        // ...216) would make merged files differ from an unsharded run's.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut values = vec![0.010831811015151217, 1e-300, 5e-324, f64::MAX, 0.1 + 0.2];
        values.extend((0..20_000).map(|i| {
            let u: f64 = rng.random();
            u * 10f64.powi(i % 24 - 8)
        }));
        let text = serde_json::to_vec(&values).unwrap();
        let back: Vec<f64> = serde_json::from_slice(&text).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&values));
    }
}
