//! Warnings on a sweep that may not mean what it says: a swept field of a distribution (its
//! `median`, `p90`, `mode`, …) that moves the distribution's mean the other way. A lognormal by
//! `median` and `p90` narrows as the median rises towards a fixed p90, so its mean can fall while
//! its median rises; an analyst reading "more per session" would be misled.

use serde::Deserialize;

use super::design::Axis;
use crate::report::format::si;
use crate::scenario::dist::RawDist;

/// One warning per parameter whose raising lowers its distribution's mean (or the reverse),
/// judged at the lowest and highest values swept with the base's other fields.
pub fn mean_against_field(
    merged: &toml::Table,
    parameters: &[String],
    axes: &[Axis],
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (path, axis)) in parameters.iter().zip(axes).enumerate() {
        let Some((lo, hi)) = span(axis) else { continue };
        let Some((parent, field)) = path.rsplit_once('.') else {
            continue;
        };
        let Some(table) = table_at(merged, parent) else {
            continue;
        };
        if !table.contains_key("dist") || !table.contains_key(field) {
            continue;
        }
        let mean_at = |v: f64| {
            let mut t = table.clone();
            t.insert(field.to_string(), toml::Value::Float(v));
            RawDist::deserialize(toml::Value::Table(t))
                .ok()?
                .to_any()
                .ok()
                .map(|d| d.mean())
                .filter(|m| m.is_finite())
        };
        let (Some(m_lo), Some(m_hi)) = (mean_at(lo), mean_at(hi)) else {
            continue;
        };
        if m_hi < m_lo && (m_lo - m_hi) > 1e-9 * m_lo.abs() {
            let dist = table.get("dist").and_then(|d| d.as_str()).unwrap_or("");
            out.push(format!(
                "parameter[{i}] `{path}`: raising `{field}` from {} to {} with the {dist}'s other fields fixed lowers its mean from {} to {}, so results may move the other way from the field; sweep a form whose mean follows it, e.g. {{ dist = \"lognormal\", mean = .., cv = .. }} or {{ dist = \"pert\", min = .., mean = .., max = .. }} (docs/scenario-format.md, Distributions)",
                si(lo),
                si(hi),
                si(m_lo),
                si(m_hi)
            ));
        }
    }
    out
}

/// The lowest and highest value an axis sweeps.
fn span(axis: &Axis) -> Option<(f64, f64)> {
    match axis {
        Axis::Values(v) => {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo < hi).then_some((lo, hi))
        }
        Axis::Range { min, max, .. } => (min < max).then_some((*min, *max)),
    }
}

/// The table at a dotted path of keys (no array indices), if there is one.
fn table_at<'a>(root: &'a toml::Table, path: &str) -> Option<&'a toml::Table> {
    path.split('.')
        .try_fold(root, |t, k| t.get(k).and_then(|v| v.as_table()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged() -> toml::Table {
        toml::from_str(
            "[staff.cn]\nrecords_per_session = { dist = \"lognormal\", median = 50, p90 = 3000 }\n\
             review = { dist = \"lognormal\", mean = 10, cv = 1 }\n",
        )
        .unwrap()
    }

    #[test]
    fn a_lognormal_median_swept_under_a_fixed_p90_warns() {
        let w = mean_against_field(
            &merged(),
            &["staff.cn.records_per_session.median".into()],
            &[Axis::Values(vec![50.0, 200.0, 800.0])],
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("raising `median` from 50 to 800") && w[0].contains("lowers its mean"),
            "{}",
            w[0]
        );
        // The p90 raised, or the mean by mean and cv, moves the mean with it: no warning.
        for (path, v) in [
            ("staff.cn.records_per_session.p90", vec![3000.0, 6000.0]),
            ("staff.cn.review.mean", vec![5.0, 20.0]),
            ("staff.cn.review.cv", vec![0.5, 2.0]),
        ] {
            let w = mean_against_field(&merged(), &[path.into()], &[Axis::Values(v)]);
            assert!(w.is_empty(), "{path}: {w:?}");
        }
    }
}
