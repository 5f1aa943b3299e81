//! The `[flow.NAME]` blocks: recurring transfers of a population's data to a jurisdiction,
//! between two days, optionally through a gateway control.

use super::codes::{categories, Jurisdictions};
use super::ctx::{lookup, Ctx};
use super::horizon::Horizon;
use super::names::Names;
use crate::model::{Control, ControlKind, Flow};
use crate::scenario::dist::RawDate;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every flow, in name order (those whose population or days are wrong left out); `controls`
/// are the built controls a `gateway` names.
pub(super) fn flows(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
    names: &Names,
    controls: &[Control],
) -> Vec<Flow> {
    let mut flows = Vec::new();
    for (fname, f) in &raw.flow {
        let fp = FieldPath::root().key("flow").key(fname);
        let population = lookup(
            cx,
            &fp.key("population"),
            "population",
            &names.pops,
            &f.population,
        );
        categories(cx, &fp.key("categories"), &f.categories);
        let start_day = f
            .start
            .as_ref()
            .map(|d| h.day(cx, &fp.key("start"), d))
            .unwrap_or(Some(0));
        let end_day = f
            .end
            .as_ref()
            .map(|d| h.day(cx, &fp.key("end"), d))
            .unwrap_or(Some(h.last_day as u32));
        if let (Some(a), Some(b)) = (start_day, end_day) {
            if b < a {
                let date = |d: &Option<RawDate>| {
                    d.as_ref()
                        .map_or("the horizon's start", |d| d.0.as_str())
                        .to_string()
                };
                cx.err(
                    &fp.key("end"),
                    format!(
                        "field `{}` ({}) is before `start` ({})",
                        fp.key("end"),
                        date(&f.end),
                        date(&f.start)
                    ),
                );
            }
        }
        let gateway = f.gateway.as_ref().and_then(|g| {
            let i = lookup(cx, &fp.key("gateway"), "control", &names.controls, g)?;
            if !matches!(
                controls.get(i).map(|c| &c.kind),
                Some(ControlKind::Gateway { .. })
            ) {
                cx.err(
                    &fp.key("gateway"),
                    format!(
                        "field `{}`: control `{g}` is not a gateway",
                        fp.key("gateway")
                    ),
                );
                return None;
            }
            Some(i)
        });
        let pb_per_day = cx.dist(&fp.key("pb_per_day"), &f.pb_per_day, true);
        if let (Some(population), Some(start_day), Some(end_day)) = (population, start_day, end_day)
        {
            flows.push(Flow {
                name: fname.clone(),
                population,
                to: jur.index(&f.to).unwrap_or(0),
                pb_per_day,
                start_day,
                end_day,
                gateway,
            });
        }
    }
    flows
}
