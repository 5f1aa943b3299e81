//! Validation of a `[precision]` table, in a scenario or a sweep file, into a
//! [`Precision`]: `rel` above 0, known metrics (with the closest suggested), absolute targets
//! above 0, `block` and `max_replications` in range, and a target for every metric. Running to
//! precision belongs to [`crate::precision`].

use super::build::MAX_REPLICATIONS;
use super::raw::RawPrecision;
use super::source::{FieldPath, Sources};
use super::suggest::suggestion;
use crate::error::Diagnostic;
use crate::metrics::Layout;
use crate::precision::{
    Precision, Target, DEFAULT_BLOCK, DEFAULT_MAX_REPLICATIONS, DEFAULT_METRIC,
};

/// The precision target of `raw` (the `[precision]` table, if any) against the metrics of
/// `layout`, or every problem with it.
pub fn of(
    raw: Option<&RawPrecision>,
    layout: &Layout,
    sources: &Sources,
) -> Result<Option<Precision>, Vec<Diagnostic>> {
    let Some(raw) = raw else { return Ok(None) };
    let at = FieldPath::root().key("precision");
    let mut diags = Vec::new();
    let positive = |v: f64| v.is_finite() && v > 0.0;
    if let Some(rel) = raw.rel.filter(|&r| !positive(r)) {
        diags.push(sources.diag(
            &at.key("rel"),
            false,
            format!(
                "field `precision.rel` must be a number above 0 (a share of the mean: 0.05 for ±5%), got {rel}"
            ),
        ));
    }
    let known = |m: &str| layout.index(m).is_some();
    let hint = |m: &str| suggestion(m, layout.names.iter().map(String::as_str));
    for (i, m) in raw.metrics.iter().enumerate() {
        if !known(m) {
            diags.push(sources.diag(
                &at.key("metrics").index(i),
                false,
                format!("field `precision.metrics`: unknown metric `{m}`{}", hint(m)),
            ));
        } else if raw.metrics[..i].contains(m) {
            diags.push(sources.diag(
                &at.key("metrics").index(i),
                false,
                format!("field `precision.metrics`: `{m}` is listed twice"),
            ));
        }
    }
    for (m, &v) in &raw.abs {
        if !known(m) {
            diags.push(sources.diag(
                &at.key("abs").key(m),
                true,
                format!("field `precision.abs`: unknown metric `{m}`{}", hint(m)),
            ));
        } else if !positive(v) {
            diags.push(sources.diag(
                &at.key("abs").key(m),
                false,
                format!("field `precision.abs.\"{m}\"` must be a half-width above 0, got {v}"),
            ));
        }
    }
    let max = raw
        .max_replications
        .unwrap_or(DEFAULT_MAX_REPLICATIONS.into());
    if max == 0 || max > MAX_REPLICATIONS.into() {
        diags.push(sources.diag(
            &at.key("max_replications"),
            false,
            format!(
                "field `precision.max_replications` must be between 1 and {MAX_REPLICATIONS}, got {max}"
            ),
        ));
    }
    let block = raw.block.unwrap_or(DEFAULT_BLOCK.into());
    if block == 0 || block > max {
        diags.push(sources.diag(
            &at.key("block"),
            false,
            format!(
                "field `precision.block` must be between 1 and `max_replications` ({max}), got {block}"
            ),
        ));
    }
    // The metrics named, then those with only an absolute target; `cost.total` if none.
    let mut names: Vec<&str> = raw.metrics.iter().map(String::as_str).collect();
    for m in raw.abs.keys() {
        if !names.contains(&m.as_str()) {
            names.push(m);
        }
    }
    if names.is_empty() {
        names.push(DEFAULT_METRIC);
    }
    if raw.rel.is_none() {
        let bare: Vec<&str> = names
            .iter()
            .copied()
            .filter(|m| !raw.abs.contains_key(*m))
            .collect();
        if !bare.is_empty() {
            diags.push(sources.diag(
                &at,
                false,
                format!(
                    "`[precision]` needs `rel`, or an `abs` target for every metric (none for {})",
                    bare.join(", ")
                ),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Some(Precision {
        rel: raw.rel,
        metrics: names
            .into_iter()
            .map(|m| Target {
                metric: m.to_string(),
                abs: raw.abs.get(m).copied(),
            })
            .collect(),
        block: block as u32,
        max_replications: max as u32,
    }))
}
