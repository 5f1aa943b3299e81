//! A regulator's chains: its `[regulator.NAME.case.CASE]` tables, or the regulator itself when
//! it has none, with each chain's opening, infringement period and gravity.

use std::collections::BTreeMap;

use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::drivers::drivers;
use crate::model::{Calendar, Infringement, Opening, Regulator};
use crate::scenario::dist::RawDate;
use crate::scenario::raw::{
    RawDrivers, RawInfringement, RawOpening, RawRegState, RawRegulator, RawScenario, RawTransition,
};
use crate::scenario::source::FieldPath;

/// The fields of one chain as written: a case's, or a regulator's without cases.
pub(super) struct ChainRaw<'a> {
    pub path: FieldPath,
    pub case: Option<String>,
    pub initial: Option<&'a String>,
    pub state: &'a BTreeMap<String, RawRegState>,
    pub transition: &'a [RawTransition],
    history_until: &'a Option<RawDate>,
    opens: &'a Option<RawOpening>,
    infringement: &'a Option<RawInfringement>,
    inaccurate_information: f64,
    gravity: Option<&'a RawDrivers>,
}

/// The chains of regulator `r` at `rp`, in case-name order; a regulator with cases may not set
/// a chain's fields itself.
pub(super) fn chains_of<'a>(
    cx: &mut Ctx,
    r: &'a RawRegulator,
    rp: &FieldPath,
) -> Vec<ChainRaw<'a>> {
    if r.case.is_empty() {
        if r.state.is_empty() {
            return Vec::new();
        }
        return vec![ChainRaw {
            path: rp.clone(),
            case: None,
            initial: r.initial.as_ref(),
            state: &r.state,
            transition: &r.transition,
            history_until: &r.history_until,
            opens: &r.opens,
            infringement: &r.infringement,
            inaccurate_information: r.inaccurate_information,
            gravity: None,
        }];
    }
    for (field, set) in [
        ("initial", r.initial.is_some()),
        ("state", !r.state.is_empty()),
        ("transition", !r.transition.is_empty()),
        ("history_until", r.history_until.is_some()),
        ("opens", r.opens.is_some()),
        ("infringement", r.infringement.is_some()),
        ("inaccurate_information", r.inaccurate_information != 0.0),
    ] {
        if set {
            let p = rp.key(field);
            cx.err_key(
                &p,
                format!("field `{p}`: a regulator with cases sets `{field}` in each [{rp}.case.NAME], not on itself"),
            );
        }
    }
    r.case
        .iter()
        .map(|(cn, c)| ChainRaw {
            path: rp.key("case").key(cn),
            case: Some(cn.clone()),
            initial: Some(&c.initial),
            state: &c.state,
            transition: &c.transition,
            history_until: &c.history_until,
            opens: &c.opens,
            infringement: &c.infringement,
            inaccurate_information: c.inaccurate_information,
            gravity: c.gravity.as_ref(),
        })
        .collect()
}

/// A chain's initial state and its state names, or `None` (reported) without states or
/// initial state.
pub(super) fn initial<'a>(
    cx: &mut Ctx,
    c: &ChainRaw<'a>,
    rn: &str,
) -> Option<(usize, Vec<&'a str>, String)> {
    let what = match &c.case {
        Some(cn) => format!("state of case `{rn}.{cn}`"),
        None => format!("state of regulator `{rn}`"),
    };
    if c.state.is_empty() {
        cx.err(
            &c.path,
            format!("`{}` needs at least one [{}.state.NAME]", c.path, c.path),
        );
        return None;
    }
    let names: Vec<&str> = c.state.keys().map(String::as_str).collect();
    let Some(initial) = c.initial else {
        cx.err(&c.path, format!("`{}` needs field `initial`", c.path));
        return None;
    };
    let i = lookup(cx, &c.path.key("initial"), &what, &names, initial)?;
    Some((i, names, what))
}

/// Sets `chain`'s history, opening, infringement period and gravity from `c`.
pub(super) fn apply(
    cx: &mut Ctx,
    c: &ChainRaw,
    cal: &Calendar,
    draws: &mut Draws,
    chain: &mut Regulator,
) {
    let day =
        |cx: &mut Ctx, path: &FieldPath, d: &RawDate| cx.date(path, d).map(|date| cal.day_of(date));
    chain.history_until_day = c
        .history_until
        .as_ref()
        .and_then(|d| day(cx, &c.path.key("history_until"), d))
        .map_or(0, |d| d.clamp(0, cal.days as i64) as u32);
    if let Some(o) = c.opens {
        chain.opening = opening(cx, o, &c.path.key("opens"), cal, draws);
    }
    if let Some(inf) = c.infringement {
        chain.infringement = infringement(cx, inf, &c.path.key("infringement"), cal);
    }
    let ip = c.path.key("inaccurate_information");
    chain.inaccurate_information = cx.non_negative(&ip, c.inaccurate_information);
    if let Some(g) = c.gravity {
        let gp = c.path.key("gravity");
        let g = drivers(cx, &gp, g);
        match chain.fine.as_mut() {
            Some(fine) => fine.gravity = g,
            None => cx.err(
                &gp,
                format!(
                    "field `{gp}`: a case's gravity needs a [regulator.{}.fine] table",
                    chain.name
                ),
            ),
        }
    }
}

fn opening(
    cx: &mut Ctx,
    o: &RawOpening,
    op: &FieldPath,
    cal: &Calendar,
    draws: &mut Draws,
) -> Opening {
    let ways = [o.date.is_some(), o.per_year.is_some(), o.event]
        .iter()
        .filter(|b| **b)
        .count();
    if ways != 1 {
        cx.err(
            op,
            format!("field `{op}`: set exactly one of `date`, `per_year` or `event = true` (found {ways})"),
        );
        return Opening::Open;
    }
    if o.per_year.is_none() && o.drivers != RawDrivers::default() {
        let p = op.key("drivers");
        cx.err_key(
            &p,
            format!("field `{p}`: drivers of an opening need its `per_year`"),
        );
    }
    if let Some(d) = &o.date {
        let p = op.key("date");
        let Some(date) = cx.date(&p, d) else {
            return Opening::Open;
        };
        let day = cal.day_of(date);
        if day <= 0 {
            cx.err(
                &p,
                format!("field `{p}`: the case opens ({}) on or before the scenario's start ({}): leave `opens` out for a case open from the start", d.0, cal.start),
            );
            return Opening::Open;
        }
        return Opening::OnDay(day.min(i64::from(cal.days)) as u32);
    }
    if let Some(h) = &o.per_year {
        return Opening::Hazard {
            per_year: draws.non_negative(cx, &op.key("per_year"), h),
            drivers: drivers(cx, &op.key("drivers"), &o.drivers),
        };
    }
    Opening::OnEvent
}

fn infringement(
    cx: &mut Ctx,
    i: &RawInfringement,
    ip: &FieldPath,
    cal: &Calendar,
) -> Option<Infringement> {
    let from_day = match (&i.from, i.look_back_days) {
        (Some(_), Some(_)) | (None, None) => {
            cx.err(
                ip,
                format!("field `{ip}`: set one of `from` (the date the conduct began) or `look_back_days`"),
            );
            return None;
        }
        (Some(d), None) => Some(cal.day_of(cx.date(&ip.key("from"), d)?)),
        (None, Some(_)) => None,
    };
    let look_back_days = i.look_back_days.map(|n| {
        let n = cx.at_most(&ip.key("look_back_days"), n, 36_525.0);
        cx.non_negative(&ip.key("look_back_days"), n).round() as u32
    });
    let until_day = match &i.until {
        Some(d) => Some(cal.day_of(cx.date(&ip.key("until"), d)?)),
        None => None,
    };
    if let (Some(f), Some(u)) = (from_day, until_day) {
        if u < f {
            let p = ip.key("until");
            cx.err(
                &p,
                format!("field `{p}`: the infringement stops before it begins (`from`)"),
            );
        }
    }
    let w = cx.probability(&ip.key("remediation_weight"), i.remediation_weight);
    Some(Infringement {
        from_day,
        look_back_days,
        until_day,
        remediation_weight: w,
    })
}

/// The index among the world's chains of regulator `r`'s case `case` (`None`: its one chain).
pub(super) fn chain_index(raw: &RawScenario, r: usize, case: Option<usize>) -> usize {
    let before: usize = raw
        .regulator
        .values()
        .take(r)
        .map(|x| x.case.len().max(1))
        .sum();
    before + case.unwrap_or(0)
}

/// The name (`regulator` or `regulator.case`) and state names of chain `chain`.
pub(super) fn chain_states(raw: &RawScenario, chain: usize) -> (String, Vec<&str>) {
    let mut k = chain;
    for (rn, r) in &raw.regulator {
        if r.case.is_empty() {
            if k == 0 {
                return (rn.clone(), r.state.keys().map(String::as_str).collect());
            }
            k -= 1;
        } else if k < r.case.len() {
            let (cn, c) = r.case.iter().nth(k).expect("k < cases");
            return (
                format!("{rn}.{cn}"),
                c.state.keys().map(String::as_str).collect(),
            );
        } else {
            k -= r.case.len();
        }
    }
    (String::from("?"), Vec::new())
}
