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
use serde::{Deserialize, Serialize};

use crate::expect::{self, Check};
use crate::metrics::aggregate::Stats;
use crate::report::{atomic_write, num};
use crate::scenario::raw::RawExpect;

use super::design::Structure;
use super::{charts, report, sensitivity};

/// Everything about a sweep that shards must agree on and `merge` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub regsim_version: String,
    pub base: String,
    pub seed: u64,
    pub replications: u32,
    pub design: String,
    pub parameters: Vec<String>,
    /// Parameter values per point, as set.
    pub points: Vec<Vec<f64>>,
    /// Metric names, in layout order.
    pub metrics: Vec<String>,
    pub sensitivity_metrics: Vec<String>,
    /// Metrics drawn in the sweep's charts.
    pub chart_metrics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sobol_rows: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub morris_steps: Option<Vec<Vec<(usize, f64)>>>,
    pub expect: Vec<RawExpect>,
    /// The `versus` scenario (as written) whose paired difference every statistic is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// Parameters with no path in the `versus` scenario, set in the base only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versus_unset: Vec<String>,
    /// The base scenario's currency, for money on the charts' axes.
    #[serde(default)]
    pub currency: String,
    /// Why the sweep may not mean what it says ([`super::warn`]), for its report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).expect("serialisable");
        b.push(b'\n');
        b
    }

    pub fn structure(&self) -> Structure {
        match (&self.sobol_rows, &self.morris_steps) {
            (Some(n), _) => Structure::Sobol { n: *n },
            (_, Some(steps)) => Structure::Morris {
                steps: steps.clone(),
            },
            _ => Structure::Plain,
        }
    }
}

/// One finished point: per metric (layout order) the statistics across its replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    pub point: usize,
    /// [`fingerprint`] of the sweep's manifest: a point of another sweep (a stale file left in
    /// a reused folder) is never taken for one of this sweep.
    pub sweep: String,
    /// `[mean, sd, p5, p50, p95, min, max, ci95_lo, ci95_hi, p_positive, p_positive_ci95_lo,
    /// p_positive_ci95_hi, es95, es99]` per metric (`ci95` is `[mean, mean]` when every value was equal).
    pub stats: Vec<[f64; 14]>,
}

impl PointResult {
    /// The result of point `point` from its statistics per metric (in the sweep's layout).
    pub fn of(point: usize, sweep: &str, totals: &[Stats]) -> PointResult {
        PointResult {
            point,
            sweep: sweep.to_string(),
            stats: totals
                .iter()
                .map(|t| {
                    let ci = t.ci95;
                    [
                        t.mean,
                        t.sd,
                        t.p5,
                        t.p50,
                        t.p95,
                        t.min,
                        t.max,
                        ci[0],
                        ci[1],
                        t.p_positive,
                        t.p_positive_ci95[0],
                        t.p_positive_ci95[1],
                        t.es95,
                        t.es99,
                    ]
                })
                .collect(),
        }
    }

    /// The statistics a point keeps (those `[[expect]]` can name); the others of a run's
    /// summary are not kept per point and read as NaN.
    fn stats_of(&self, metric: usize) -> Stats {
        let s = self.stats[metric];
        let mut t = Stats::of(&mut []);
        [&mut t.p1, &mut t.p99]
            .into_iter()
            .for_each(|v| *v = f64::NAN);
        t.mean = s[0];
        t.sd = s[1];
        t.p5 = s[2];
        t.p50 = s[3];
        t.p95 = s[4];
        t.min = s[5];
        t.max = s[6];
        t.ci95 = [s[7], s[8]];
        t.p_positive = s[9];
        t.p_positive_ci95 = [s[10], s[11]];
        t.es95 = s[12];
        t.es99 = s[13];
        t
    }
}

/// File name of point `p` under `points/`.
pub fn point_file(p: usize) -> String {
    format!("{p:06}.json")
}

/// Writes point `r` atomically into `points_dir`.
pub fn write_point(points_dir: &Path, r: &PointResult) -> anyhow::Result<()> {
    // JSON has no NaN or infinity (serde_json would write `null`, unreadable as a number).
    if let Some(m) = r
        .stats
        .iter()
        .position(|s| s.iter().any(|v| !v.is_finite()))
    {
        anyhow::bail!(
            "sweep point {}: metric #{m} has a non-finite statistic; cannot persist it",
            r.point
        );
    }
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

/// `point,<parameter>...,<metric>.mean,.p5,.p50,.p95,.ci95_lo,.ci95_hi,.p_positive,
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
    for name in &m.metrics {
        header.extend(COLS.iter().map(|(c, _)| format!("{name}.{c}")));
    }
    w.write_record(&header).expect("memory");
    for r in results {
        let mut row = vec![r.point.to_string()];
        row.extend(m.points[r.point].iter().map(|v| num(*v)));
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

/// Sensitivity indices of one metric.
pub(super) enum Indices {
    Sobol(Vec<sensitivity::SobolIndex>),
    Morris(Vec<sensitivity::MorrisIndex>),
}

/// The indices of `metric` (its mean per point), `None` for designs without them.
pub(super) fn indices(m: &Manifest, results: &[PointResult], metric: &str) -> Option<Indices> {
    let idx = m.metrics.iter().position(|n| n == metric)?;
    let y: Vec<f64> = results.iter().map(|r| r.stats[idx][0]).collect();
    let k = m.parameters.len();
    match m.structure() {
        Structure::Sobol { n } => Some(Indices::Sobol(sensitivity::sobol(
            &y,
            n,
            k,
            sensitivity::RESAMPLES,
            m.seed,
        ))),
        Structure::Morris { steps } => Some(Indices::Morris(sensitivity::morris(
            &y,
            &steps,
            k,
            sensitivity::RESAMPLES,
            m.seed,
        ))),
        Structure::Plain => None,
    }
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
