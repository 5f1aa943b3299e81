//! The `[compelled_access.NAME]` blocks: uncertain events in which a restricted jurisdiction's
//! authorities compel access to the data held in or readable from it. Their probability,
//! hazard, share and records per user are drawn once per replication (`draws`).

use super::codes::Jurisdictions;
use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::horizon::Horizon;
use super::names::Names;
use crate::model::{CompelledAccess, Population};
use crate::scenario::dist::RawDist;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Most occurrences per year a hazard may have on average.
const MAX_PER_YEAR: f64 = 1000.0;

/// Every compelled-access event, in name order (those with a wrong reference left out).
pub(super) fn compelled(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
    names: &Names,
    populations: &[Population],
    draws: &mut Draws,
) -> Vec<CompelledAccess> {
    let mut out = Vec::new();
    for (en, e) in &raw.compelled_access {
        let ep = FieldPath::root().key("compelled_access").key(en);
        let jp = ep.key("jurisdiction");
        let jurisdiction = jur.index(&e.jurisdiction);
        if jurisdiction.is_none() {
            cx.err(
                &jp,
                format!(
                    "field `{jp}`: `{}` is no population's restricted jurisdiction; list it in a population's `restricted`",
                    e.jurisdiction
                ),
            );
        }
        let mut named = vec![e.populations.is_empty(); populations.len()];
        for (i, p) in e.populations.iter().enumerate() {
            let path = ep.key("populations").index(i);
            if let Some(x) = lookup(cx, &path, "population", &names.pops, p) {
                named[x] = true;
            }
        }
        let reached: Vec<bool> = populations
            .iter()
            .zip(&named)
            .map(|(p, &n)| n && jurisdiction.is_some_and(|j| p.restricted[j]))
            .collect();
        if jurisdiction.is_some() && !reached.iter().any(|&r| r) {
            cx.err(
                &jp,
                format!(
                    "field `{jp}`: no population it reaches lists `{}` in its `restricted`, so the event could expose nothing",
                    e.jurisdiction
                ),
            );
        }
        let date_day = e.date.as_ref().and_then(|d| h.day(cx, &ep.key("date"), d));
        if e.probability.is_some() && e.date.is_none() {
            cx.err_key(
                &ep.key("probability"),
                format!("field `{}` needs a `date`: it is the chance of the dated occurrence (a hazard is `per_year`)", ep.key("probability")),
            );
        }
        for (field, given) in [("start", e.start.is_some()), ("end", e.end.is_some())] {
            if given && e.per_year.is_none() {
                cx.err_key(
                    &ep.key(field),
                    format!(
                        "field `{}` needs `per_year`: it bounds the hazard",
                        ep.key(field)
                    ),
                );
            }
        }
        if e.date.is_none() && e.per_year.is_none() {
            cx.err(
                &ep,
                format!("`{ep}` never happens: give a `date` (with a `probability`), a `per_year` hazard, or both"),
            );
        }
        let day = |cx: &mut Ctx, field: &str, d: &Option<_>, default: u32| match d {
            Some(d) => h.day(cx, &ep.key(field), d),
            None => Some(default),
        };
        let start_day = day(cx, "start", &e.start, 0);
        let end_day = day(cx, "end", &e.end, h.last_day as u32);
        if let (Some(s), Some(t), Some(sd), Some(ed)) = (start_day, end_day, &e.start, &e.end) {
            if t < s {
                cx.err(
                    &ep.key("end"),
                    format!(
                        "field `{}` ({}) is before `start` ({})",
                        ep.key("end"),
                        ed.0,
                        sd.0
                    ),
                );
            }
        }
        let certain = RawDist::Number(1.0);
        let never = RawDist::Number(0.0);
        let probability = draws.share(
            cx,
            &ep.key("probability"),
            e.probability.as_ref().unwrap_or(&certain),
        );
        let pp = ep.key("per_year");
        let per_year_raw = e.per_year.as_ref().unwrap_or(&never);
        let per_year = draws.at_most(cx, &pp, per_year_raw, MAX_PER_YEAR);
        let share = draws.share(cx, &ep.key("share"), &e.share);
        let records_per_user =
            draws.non_negative(cx, &ep.key("records_per_user"), &e.records_per_user);
        if let (Some(jurisdiction), Some(start_day), Some(end_day)) =
            (jurisdiction, start_day, end_day)
        {
            out.push(CompelledAccess {
                name: en.clone(),
                jurisdiction,
                populations: reached,
                date_day,
                probability,
                per_year,
                start_day,
                end_day,
                share,
                records_per_user,
            });
        }
    }
    out
}
