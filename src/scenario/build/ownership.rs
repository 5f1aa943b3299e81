//! The `[ownership.NAME]` blocks: ownership changes (divestitures) that cut staff groups off,
//! with their costs in any currency.

use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::finance::money_rate;
use super::names::Names;
use crate::model::{Dist, Ownership};
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
        out.push(Ownership {
            name: on.clone(),
            staff,
            transition_days: o.transition_days.as_ref().map_or(Dist::Constant(0.0), |d| {
                cx.dist(&op.key("transition_days"), d, true)
            }),
            residual_access: cx.probability(&op.key("residual_access"), o.residual_access),
            one_off_cost,
            cost_per_year,
            sale_discount,
        });
    }
    out
}
