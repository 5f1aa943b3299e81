//! Validation of `[[expect]]` blocks, in a scenario or a sweep file: each names a known metric
//! of the world's [`Layout`] and at least one bound, with `min <= max`. Evaluating the checks
//! against results and writing them belongs to [`crate::expect`].

use super::raw::RawExpect;
use super::source::{FieldPath, Sources};
use super::suggest::suggestion;
use crate::error::Diagnostic;
use crate::metrics::Layout;

/// Checks the `[[expect]]` blocks at `base` (`expect` in a scenario or a sweep file) against the
/// metrics of `layout`: each names a known metric and at least one bound, with `min <= max`.
/// `filters_allowed` is false in scenario files (there are no parameters to filter on).
pub fn validate(
    expects: &[RawExpect],
    layout: &Layout,
    sources: &Sources,
    filters_allowed: bool,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let base = FieldPath::root().key("expect");
    for (i, e) in expects.iter().enumerate() {
        let at = base.index(i);
        if layout.index(&e.metric).is_none() {
            let hint = suggestion(&e.metric, layout.names.iter().map(String::as_str));
            diags.push(sources.diag(
                &at.key("metric"),
                false,
                format!(
                    "field `expect[{i}].metric`: unknown metric `{}`{hint}",
                    e.metric
                ),
            ));
        }
        match (e.min, e.max) {
            (None, None) => diags.push(sources.diag(
                &at,
                false,
                format!("`expect[{i}]` needs `min`, `max` or both"),
            )),
            (Some(lo), Some(hi)) if lo.is_nan() || hi.is_nan() || lo > hi => {
                diags.push(sources.diag(
                    &at.key("min"),
                    false,
                    format!("field `expect[{i}].min` ({lo}) is above `max` ({hi})"),
                ))
            }
            _ => {}
        }
        if !filters_allowed && !e.filter.is_empty() {
            diags.push(sources.diag(
                &at.key("where"),
                true,
                format!(
                    "field `expect[{i}].where` filters on sweep parameters; it belongs in a sweep file"
                ),
            ));
        }
    }
    diags
}
