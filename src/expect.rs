//! `[[expect]]` checks: evaluation against a run's statistics, and the two files that report
//! them — `expectations.json` (for people and scripts) and `junit.xml` (for CI systems, which
//! show each check as a test case). What the blocks name is validated with the scenario or
//! sweep file, in [`crate::scenario::expect`].
//!
//! A check passes when `min <= value <= max` (each bound optional); a NaN value fails. Neither
//! file holds a timestamp or a duration, so the same inputs give the same bytes. Both `regsim run`
//! (one check per block) and `regsim sweep` (one check per block and matching point) use this
//! module; the exit code 3 is decided by the caller after every output is written.

use serde::Serialize;

use crate::metrics::aggregate::Stats;
use crate::report::num;
use crate::scenario::raw::{RawExpect, RawStat};

/// The value of `stat` in `s` (NaN, failing the check, where `s` does not have it: a sweep
/// point keeps only some statistics, see [`crate::sweep::output::PointResult`]).
pub fn stat_value(s: &Stats, stat: RawStat) -> f64 {
    match stat {
        RawStat::Mean => s.mean,
        RawStat::Sd => s.sd,
        RawStat::P5 => s.p5,
        RawStat::P50 => s.p50,
        RawStat::P95 => s.p95,
        RawStat::Min => s.min,
        RawStat::Max => s.max,
        RawStat::Ci95Lo => s.ci95[0],
        RawStat::Ci95Hi => s.ci95[1],
        RawStat::P1 => s.p1,
        RawStat::P99 => s.p99,
        RawStat::Es95 => s.es95,
        RawStat::Es99 => s.es99,
        RawStat::PPositive => s.p_positive,
        RawStat::PPositiveCi95Lo => s.p_positive_ci95[0],
        RawStat::PPositiveCi95Hi => s.p_positive_ci95[1],
        RawStat::MeanPositive => s.mean_positive.unwrap_or(f64::NAN),
        // NaN (a failed check) for a metric that is not a milestone.
        RawStat::PReached => s.milestone.as_ref().map_or(f64::NAN, |m| m.p_reached),
    }
}

/// One evaluated check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// A readable name, e.g. `exposure.records_visible mean <= 1e9`.
    pub name: String,
    pub metric: String,
    pub stat: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The sweep point checked, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<usize>,
    /// The point's parameters (path, value), in sweep order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<(String, f64)>,
    pub value: f64,
    pub passed: bool,
}

impl Check {
    /// Evaluates `e` against `stats` (the statistics of `e.metric`).
    pub fn evaluate(
        e: &RawExpect,
        stats: &Stats,
        point: Option<usize>,
        parameters: Vec<(String, f64)>,
    ) -> Check {
        let value = stat_value(stats, e.stat);
        let passed = !value.is_nan()
            && e.min.is_none_or(|lo| value >= lo)
            && e.max.is_none_or(|hi| value <= hi);
        let bounds = match (e.min, e.max) {
            (Some(lo), Some(hi)) => format!("in [{}, {}]", num(lo), num(hi)),
            (Some(lo), None) => format!(">= {}", num(lo)),
            (None, Some(hi)) => format!("<= {}", num(hi)),
            (None, None) => "(no bound)".into(),
        };
        let mut name = format!("{} {} {bounds}", e.metric, e.stat.name());
        if let Some(p) = point {
            let params: Vec<String> = parameters
                .iter()
                .map(|(k, v)| format!("{k}={}", num(*v)))
                .collect();
            name = format!("point {p} ({}): {name}", params.join(", "));
        }
        Check {
            name,
            metric: e.metric.clone(),
            stat: e.stat.name(),
            min: e.min,
            max: e.max,
            point,
            parameters,
            value,
            passed,
        }
    }

    fn describe_failure(&self) -> String {
        format!(
            "{} {} = {} is outside the expected range",
            self.metric,
            self.stat,
            num(self.value)
        )
    }
}

/// How many checks failed.
pub fn failures(checks: &[Check]) -> usize {
    checks.iter().filter(|c| !c.passed).count()
}

/// One line per failed check, for stderr.
pub fn failure_report(suite: &str, checks: &[Check]) -> String {
    let mut s = String::new();
    for c in checks.iter().filter(|c| !c.passed) {
        s.push_str(&format!(
            "{suite}: expectation failed: {} (got {})\n",
            c.name,
            num(c.value)
        ));
    }
    s
}

#[derive(Serialize)]
struct JsonReport<'a> {
    name: &'a str,
    total: usize,
    failed: usize,
    checks: &'a [Check],
}

/// `expectations.json`: the suite name, counts, and every check with its value.
pub fn json(suite: &str, checks: &[Check]) -> Vec<u8> {
    let report = JsonReport {
        name: suite,
        total: checks.len(),
        failed: failures(checks),
        checks,
    };
    let mut out = serde_json::to_vec_pretty(&report).expect("serialisable");
    out.push(b'\n');
    out
}

/// `junit.xml`: one test suite, one test case per check, a `<failure>` for each that failed.
pub fn junit(suite: &str, checks: &[Check]) -> Vec<u8> {
    let f = failures(checks);
    let n = checks.len();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<testsuites name=\"regsim\" tests=\"{n}\" failures=\"{f}\">\n  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{f}\" errors=\"0\" skipped=\"0\">\n",
        xml(suite)
    ));
    for c in checks {
        s.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml(suite),
            xml(&c.name)
        ));
        if c.passed {
            s.push_str("/>\n");
        } else {
            let msg = c.describe_failure();
            s.push_str(&format!(
                ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>\n",
                xml(&msg),
                xml(&c.name)
            ));
        }
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s.into_bytes()
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn expect(min: Option<f64>, max: Option<f64>) -> RawExpect {
        RawExpect {
            metric: "m".into(),
            stat: RawStat::P95,
            min,
            max,
            filter: BTreeMap::new(),
        }
    }

    #[test]
    fn a_check_passes_inside_its_bounds_and_fails_outside() {
        let s = Stats::of(&mut [1.0, 2.0, 3.0]);
        assert!(Check::evaluate(&expect(Some(1.0), Some(3.0)), &s, None, vec![]).passed);
        assert!(!Check::evaluate(&expect(None, Some(2.0)), &s, None, vec![]).passed);
        let c = Check::evaluate(
            &expect(Some(5.0), None),
            &s,
            Some(2),
            vec![("x".into(), 1.0)],
        );
        assert!(!c.passed);
        assert!(
            c.name.starts_with("point 2 (x=1): m p95 >= 5"),
            "{}",
            c.name
        );
    }

    #[test]
    fn junit_marks_failures_and_escapes() {
        let s = Stats::of(&mut [1.0]);
        let checks = vec![
            Check::evaluate(&expect(None, Some(2.0)), &s, None, vec![]),
            Check::evaluate(&expect(Some(2.0), None), &s, None, vec![]),
        ];
        let x = String::from_utf8(junit("a<b", &checks)).unwrap();
        assert!(x.contains("tests=\"2\" failures=\"1\""), "{x}");
        assert!(x.contains("a&lt;b"), "{x}");
        assert_eq!(x.matches("<failure").count(), 1);
        roxmltree::Document::parse(&x).unwrap();
    }
}
