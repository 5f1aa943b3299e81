//! The `[regulator.NAME]` blocks: regulators as Markov chains over named states, with their
//! transitions, compliance orders, fine model and hazard drivers.

use super::ctx::{lookup, Ctx};
use super::finance::money_rate;
use super::names::Names;
use crate::model::{Calendar, Dist, Drivers, FineModel, RegState, Regulator};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every regulator, in name order.
pub(super) fn regulators(
    cx: &mut Ctx,
    raw: &RawScenario,
    names: &Names,
    cal: &Calendar,
) -> Vec<Regulator> {
    let mut out = Vec::new();
    for (rn, r) in &raw.regulator {
        let rp = FieldPath::root().key("regulator").key(rn);
        let state_names: Vec<&str> = r.state.keys().map(String::as_str).collect();
        let what = format!("state of regulator `{rn}`");
        if r.state.is_empty() {
            cx.err(
                &rp,
                format!("regulator `{rn}` needs at least one [regulator.{rn}.state.NAME]"),
            );
            continue;
        }
        let initial = lookup(cx, &rp.key("initial"), &what, &state_names, &r.initial).unwrap_or(0);
        let mut populations = vec![r.populations.is_empty(); names.pops.len()];
        for (i, p) in r.populations.iter().enumerate() {
            if let Some(x) = lookup(
                cx,
                &rp.key("populations").index(i),
                "population",
                &names.pops,
                p,
            ) {
                populations[x] = true;
            }
        }
        let mut states = Vec::new();
        for (sn, s) in &r.state {
            let sp = rp.key("state").key(sn);
            let mut orders = Vec::new();
            for (i, o) in s.orders.iter().enumerate() {
                let op = sp.key("orders").index(i);
                if let Some(c) = lookup(
                    cx,
                    &op.key("control"),
                    "control",
                    &names.controls,
                    &o.control,
                ) {
                    orders.push((c, cx.non_negative(&op.key("after_days"), o.after_days)));
                }
            }
            let penalty = s.penalty_share_of_daily_turnover;
            let penalty = cx.probability(&sp.key("penalty_share_of_daily_turnover"), penalty);
            states.push(RegState {
                name: sn.clone(),
                proceedings: s.proceedings,
                fine: s.fine,
                penalty_share_of_daily_turnover: penalty,
                orders,
                milestone: s.milestone,
            });
        }
        let mut transitions = vec![Vec::new(); states.len()];
        for (i, t) in r.transition.iter().enumerate() {
            let tp = rp.key("transition").index(i);
            let from = lookup(cx, &tp.key("from"), &what, &state_names, &t.from);
            let to = lookup(cx, &tp.key("to"), &what, &state_names, &t.to);
            let rate = cx.non_negative(&tp.key("per_year"), t.per_year);
            if let (Some(from), Some(to)) = (from, to) {
                if from == to {
                    cx.err(
                        &tp.key("to"),
                        format!("field `{}`: a transition must change state", tp.key("to")),
                    );
                }
                transitions[from].push((to, rate));
            }
        }
        let history_until_day = match &r.history_until {
            Some(d) => match cx.date(&rp.key("history_until"), d) {
                Some(date) => cal.day_of(date).clamp(0, cal.days as i64) as u32,
                None => 0,
            },
            None => 0,
        };
        let fine = r.fine.as_ref().map(|f| {
            let fp = rp.key("fine");
            let rate = money_rate(cx, &fp.key("currency"), &f.currency, &raw.finance);
            let seriousness = f.seriousness.unwrap_or([0.4, 0.4, 0.2]);
            for (i, p) in seriousness.iter().enumerate() {
                cx.probability(&fp.key("seriousness").index(i), *p);
            }
            let sum: f64 = seriousness.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                cx.err(
                    &fp.key("seriousness"),
                    format!(
                        "field `{}`: probabilities sum to {sum}, not 1",
                        fp.key("seriousness")
                    ),
                );
            }
            FineModel {
                max_share_of_turnover: cx
                    .probability(&fp.key("max_share_of_turnover"), f.max_share_of_turnover),
                max_floor: cx.non_negative(&fp.key("max_floor"), f.max_floor) * rate,
                seriousness,
                factor: f
                    .factor
                    .as_ref()
                    .map_or(Dist::Constant(1.0), |d| cx.dist(&fp.key("factor"), d, true)),
            }
        });
        if fine.is_none() {
            for (sn, s) in &r.state {
                if s.fine {
                    let p = rp.key("state").key(sn).key("fine");
                    cx.err(
                        &p,
                        format!("field `{p}`: a fine state needs a [regulator.{rn}.fine] table"),
                    );
                }
            }
        }
        let d = &r.drivers;
        let dp = rp.key("drivers");
        out.push(Regulator {
            name: rn.clone(),
            populations,
            initial,
            states,
            transitions,
            history_until_day,
            fine,
            drivers: Drivers {
                detected_incidents: cx
                    .non_negative(&dp.key("detected_incidents"), d.detected_incidents),
                records_millions: cx.non_negative(&dp.key("records_millions"), d.records_millions),
                pb_outside: cx.non_negative(&dp.key("pb_outside"), d.pb_outside),
            },
        });
    }
    out
}
