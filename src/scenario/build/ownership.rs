//! The `[ownership.NAME]` blocks: ownership changes (divestitures) that cut staff groups off,
//! with their costs in any currency.

use super::ctx::{lookup, Ctx};
use super::finance::money_rate;
use super::names::Names;
use crate::model::{Dist, Ownership};
use crate::scenario::dist::RawDist;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every ownership change, in name order.
pub(super) fn ownerships(cx: &mut Ctx, raw: &RawScenario, names: &Names) -> Vec<Ownership> {
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
        let opt = |cx: &mut Ctx, f: &str, d: &Option<RawDist>| {
            d.as_ref()
                .map_or(Dist::Constant(0.0), |d| cx.dist(&op.key(f), d, true))
        };
        out.push(Ownership {
            name: on.clone(),
            staff,
            transition_days: opt(cx, "transition_days", &o.transition_days),
            residual_access: cx.probability(&op.key("residual_access"), o.residual_access),
            one_off_cost: opt(cx, "one_off_cost", &o.one_off_cost).scaled(rate),
            cost_per_year: cx.non_negative(&op.key("cost_per_year"), o.cost_per_year) * rate,
            sale_discount: opt(cx, "sale_discount", &o.sale_discount).scaled(rate),
        });
    }
    out
}
