//! The `[regulator.NAME]` blocks: regulators as Markov chains over named states, with their
//! transitions, orders, fine model and drivers; a regulator with `[regulator.NAME.case.CASE]`
//! tables is one chain per case ([`super::case`]).

use std::collections::BTreeMap;

use super::case;
use super::control::check_staff_jurisdictions;
use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::drivers::drivers;
use super::finance::money_rate;
use super::names::Names;
use crate::model::{
    Appeal, Calendar, Dist, FineModel, Opening, Order, RegState, Regulator, Transition, Verdict,
};
use crate::scenario::dist::RawDist;
use crate::scenario::raw::{RawAppeal, RawFine, RawRegState, RawScenario};
use crate::scenario::source::FieldPath;

/// Every regulator's chains, by regulator then case name, and the regulators' names.
pub(super) fn regulators(
    cx: &mut Ctx,
    raw: &RawScenario,
    names: &Names,
    cal: &Calendar,
    draws: &mut Draws,
) -> (Vec<Regulator>, Vec<String>) {
    let mut out = Vec::new();
    for (group, (rn, r)) in raw.regulator.iter().enumerate() {
        let rp = FieldPath::root().key("regulator").key(rn);
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
        let sj = &r.staff_jurisdictions;
        check_staff_jurisdictions(cx, &rp.key("staff_jurisdictions"), sj, raw);
        let staff: Vec<bool> = raw
            .staff
            .values()
            .map(|g| sj.is_empty() || sj.contains(&g.jurisdiction))
            .collect();
        let fine_rate = r.fine.as_ref().map_or(1.0, |f| {
            money_rate(
                cx,
                &rp.key("fine").key("currency"),
                &f.currency,
                &raw.finance,
            )
        });
        let drivers = drivers(cx, &rp.key("drivers"), &r.drivers);
        let chains = case::chains_of(cx, r, &rp);
        if chains.is_empty() {
            cx.err(
                &rp,
                format!("regulator `{rn}` needs at least one [regulator.{rn}.state.NAME] or [regulator.{rn}.case.NAME]"),
            );
            continue;
        }
        // States and transitions first, then the fine model: the order quantities are drawn in
        // (and `inputs.csv` lists them) is as before cases.
        let mut built = Vec::new();
        for c in &chains {
            let Some((initial, state_names, what)) = case::initial(cx, c, rn) else {
                continue;
            };
            let states = states(
                cx,
                c.state,
                &c.path,
                names,
                (&state_names, fine_rate),
                draws,
            );
            let transitions = transitions(cx, c, &state_names, &what, draws);
            if r.fine.is_none() {
                for (sn, s) in c.state {
                    if s.fine {
                        let p = c.path.key("state").key(sn).key("fine");
                        cx.err(
                            &p,
                            format!(
                                "field `{p}`: a fine state needs a [regulator.{rn}.fine] table"
                            ),
                        );
                    }
                }
            }
            built.push((c, initial, states, transitions));
        }
        let fine = r
            .fine
            .as_ref()
            .map(|f| fine_model(cx, f, &rp.key("fine"), fine_rate, draws));
        for (c, initial, states, transitions) in built {
            let mut chain = Regulator {
                name: rn.clone(),
                group,
                case: c.case.clone(),
                opening: Opening::Open,
                infringement: None,
                inaccurate_information: 0.0,
                populations: populations.clone(),
                staff: Vec::clone(&staff),
                initial,
                states,
                transitions,
                history_until_day: 0,
                fine: fine.clone(),
                drivers,
            };
            case::apply(cx, c, cal, draws, &mut chain);
            out.push(chain);
        }
    }
    (out, raw.regulator.keys().cloned().collect())
}

/// A chain's transitions, per state.
fn transitions(
    cx: &mut Ctx,
    c: &case::ChainRaw,
    state_names: &[&str],
    what: &str,
    draws: &mut Draws,
) -> Vec<Vec<Transition>> {
    let mut transitions = vec![Vec::new(); state_names.len()];
    for (i, t) in c.transition.iter().enumerate() {
        let tp = c.path.key("transition").index(i);
        let from = lookup(cx, &tp.key("from"), what, state_names, &t.from);
        let to = lookup(cx, &tp.key("to"), what, state_names, &t.to);
        let per_year = draws.non_negative(cx, &tp.key("per_year"), &t.per_year);
        let drivers = drivers(cx, &tp.key("drivers"), &t.drivers);
        if let (Some(from), Some(to)) = (from, to) {
            if from == to {
                cx.err(
                    &tp.key("to"),
                    format!("field `{}`: a transition must change state", tp.key("to")),
                );
            }
            transitions[from].push(Transition {
                to,
                per_year,
                drivers,
            });
        }
    }
    transitions
}

/// A regulator's states, in name order; `money` converts order costs into the scenario's
/// currency.
fn states(
    cx: &mut Ctx,
    raw: &BTreeMap<String, RawRegState>,
    rp: &FieldPath,
    names: &Names,
    (state_names, money): (&[&str], f64),
    draws: &mut Draws,
) -> Vec<RegState> {
    let mut states = Vec::new();
    for (sn, s) in raw {
        let sp = rp.key("state").key(sn);
        let mut orders = Vec::new();
        if s.orders.len() > usize::from(u16::MAX) {
            cx.err(
                &sp.key("orders"),
                format!(
                    "field `{}`: at most {} orders per state",
                    sp.key("orders"),
                    u16::MAX
                ),
            );
        }
        for (i, o) in s.orders.iter().enumerate() {
            let op = sp.key("orders").index(i);
            let control = o
                .control
                .as_ref()
                .and_then(|c| lookup(cx, &op.key("control"), "control", &names.controls, c));
            let comply_probability =
                cx.probability(&op.key("comply_probability"), o.comply_probability);
            let refuse_state = o
                .refuse_state
                .as_ref()
                .and_then(|st| lookup(cx, &op.key("refuse_state"), "state", state_names, st));
            let refuse_ban = o
                .refuse_ban
                .as_ref()
                .and_then(|b| lookup(cx, &op.key("refuse_ban"), "ban", &names.bans, b));
            orders.push(Order {
                control,
                after_days: cx.non_negative(&op.key("after_days"), o.after_days),
                comply_probability,
                compliance_cost: draws.money(
                    cx,
                    &op.key("compliance_cost"),
                    &o.compliance_cost,
                    money,
                ),
                refuse_state,
                refuse_ban,
            });
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
            appeal: s
                .appeal
                .as_ref()
                .map(|a| appeal(cx, a, &sp.key("appeal"), state_names, draws)),
        });
    }
    states
}

/// A state's `appeal` table at `ap`.
fn appeal(
    cx: &mut Ctx,
    a: &RawAppeal,
    ap: &FieldPath,
    state_names: &[&str],
    draws: &mut Draws,
) -> Appeal {
    let hazards = [&a.upheld, &a.quashed, &a.remitted, &a.reduced];
    let per_year =
        std::array::from_fn(|i| draws.non_negative(cx, &ap.key(Verdict::NAMES[i]), hazards[i]));
    let remit_to = a
        .remit_to
        .as_ref()
        .and_then(|st| lookup(cx, &ap.key("remit_to"), "state", state_names, st));
    if remit_to.is_none() && a.remit_to.is_none() && a.remitted != RawDist::Number(0.0) {
        cx.err(
            &ap.key("remitted"),
            format!(
                "field `{}`: a remitted decision needs `remit_to`, the state the regulator re-enters to decide again",
                ap.key("remitted")
            ),
        );
    }
    Appeal {
        probability: draws.share(cx, &ap.key("probability"), &a.probability),
        stay: a.stay,
        per_year,
        remit_to,
        remit_keeps_fine: a.remit_keeps_fine,
        reduced_factor: a.reduced_factor.as_ref().map_or(Dist::Constant(0.5), |d| {
            cx.probability_dist(&ap.key("reduced_factor"), d)
        }),
    }
}

/// The fine table; `rate` converts its money into the scenario's currency.
fn fine_model(
    cx: &mut Ctx,
    f: &RawFine,
    fp: &FieldPath,
    rate: f64,
    draws: &mut Draws,
) -> FineModel {
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
        share_of_max: f
            .share_of_max
            .as_ref()
            .map(|d| draws.share(cx, &fp.key("share_of_max"), d)),
        factor: f
            .factor
            .as_ref()
            .map_or(Dist::Constant(1.0), |d| cx.dist(&fp.key("factor"), d, true)),
        gravity: drivers(cx, &fp.key("gravity"), &f.gravity),
    }
}
