//! The `[ownership.NAME]` blocks: ownership changes (divestitures) that cut staff groups off,
//! with their costs in any currency.

use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::finance::money_rate;
use super::names::Names;
use crate::model::{Dist, Ownership, ProfitGivenUp};
use crate::scenario::dist::RawDist;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every ownership change, in name order; its money fields go to `draws`.
pub(super) fn ownerships(
    cx: &mut Ctx,
    raw: &RawScenario,
    names: &Names,
    draws: &mut Draws,
) -> Vec<Ownership> {
    let mut out = Vec::new();
    for (on, o) in &raw.ownership {
        let op = FieldPath::root().key("ownership").key(on);
        let rate = money_rate(cx, &op.key("currency"), &o.currency, &raw.finance);
        let mut staff = Vec::new();
        for (i, g) in o.staff.iter().enumerate() {
            if let Some(x) = lookup(
                cx,
                &op.key("staff").index(i),
                "staff group",
                &names.staff,
                g,
            ) {
                staff.push(x);
            }
        }
        let mut successor_staff = Vec::new();
        for (i, g) in o.successor_staff.iter().enumerate() {
            let path = op.key("successor_staff").index(i);
            if let Some(x) = lookup(cx, &path, "staff group", &names.staff, g) {
                if staff.contains(&x) {
                    cx.err(&path, format!(
                        "field `{}`: staff group `{g}` cannot both lose access (`staff`) and gain it",
                        op.key("successor_staff")
                    ));
                }
                successor_staff.push(x);
            }
        }
        if o.staff.is_empty() {
            cx.err(
                &op.key("staff"),
                format!(
                    "field `{}`: name the staff groups that lose access",
                    op.key("staff")
                ),
            );
        }
        let none = RawDist::Number(0.0);
        let mut money = |cx: &mut Ctx, f: &str, d: Option<&RawDist>| {
            draws.money(cx, &op.key(f), d.unwrap_or(&none), rate)
        };
        let one_off_cost = money(cx, "one_off_cost", o.one_off_cost.as_ref());
        let cost_per_year = money(cx, "cost_per_year", Some(&o.cost_per_year));
        let sale_discount = money(cx, "sale_discount", o.sale_discount.as_ref());
        let licence_fee_per_year =
            money(cx, "licence_fee_per_year", o.licence_fee_per_year.as_ref());
        let profit = profit_given_up(cx, &op, o, names, draws, licence_fee_per_year);
        out.push(Ownership {
            name: on.clone(),
            staff,
            successor_staff,
            transition_days: o.transition_days.as_ref().map_or(Dist::Constant(0.0), |d| {
                cx.dist(&op.key("transition_days"), d, true)
            }),
            residual_access: cx.probability(&op.key("residual_access"), o.residual_access),
            one_off_cost,
            cost_per_year,
            sale_discount,
            profit,
            committed: !o.incremental,
        });
    }
    out
}

/// The profit a seller gives up: needs `population` and `revenue_share` together; without them
/// `retained_share` and `licence_fee_per_year` have nothing to apply to.
fn profit_given_up(
    cx: &mut Ctx,
    op: &FieldPath,
    o: &crate::scenario::raw::RawOwnership,
    names: &Names,
    draws: &mut Draws,
    licence_fee_per_year: crate::model::DrawnId,
) -> Option<ProfitGivenUp> {
    match (&o.population, &o.revenue_share) {
        (Some(p), Some(share)) => {
            let population = lookup(cx, &op.key("population"), "population", &names.pops, p);
            let revenue_share = draws.share(cx, &op.key("revenue_share"), share);
            let none = RawDist::Number(0.0);
            let retained = o.retained_share.as_ref().unwrap_or(&none);
            let retained_share = draws.share(cx, &op.key("retained_share"), retained);
            population.map(|population| ProfitGivenUp {
                population,
                revenue_share,
                retained_share,
                licence_fee_per_year,
            })
        }
        (None, None) => {
            for f in ["retained_share", "licence_fee_per_year"] {
                let given = match f {
                    "retained_share" => o.retained_share.is_some(),
                    _ => o.licence_fee_per_year.is_some(),
                };
                if given {
                    cx.err_key(&op.key(f), format!(
                        "field `{}` applies to the profit of the functions that change hands: give `population` and `revenue_share` too",
                        op.key(f)
                    ));
                }
            }
            None
        }
        (Some(_), None) => {
            cx.err_key(&op.key("population"), format!(
                "field `{}` needs `revenue_share`, the share of its revenue that goes with the functions that change hands",
                op.key("population")
            ));
            None
        }
        (None, Some(_)) => {
            cx.err_key(
                &op.key("revenue_share"),
                format!(
                    "field `{}` needs `population`, whose revenue it is a share of",
                    op.key("revenue_share")
                ),
            );
            None
        }
    }
}
