//! The `[decision.NAME]` blocks: branching decisions whose outcomes, drawn by probability, act
//! on the world after some days or extend the decision.

use super::action::{action, ActionFields};
use super::ctx::Ctx;
use super::names::Names;
use crate::model::{Decision, Dist, Outcome};
use crate::scenario::raw::{RawEventKind, RawScenario};
use crate::scenario::source::FieldPath;

/// Every decision, in name order.
pub(super) fn decisions(cx: &mut Ctx, raw: &RawScenario, names: &Names) -> Vec<Decision> {
    let mut out = Vec::new();
    for (dn, d) in &raw.decision {
        let dp = FieldPath::root().key("decision").key(dn);
        let mut outcomes = Vec::new();
        let mut total = 0.0;
        for (i, o) in d.outcome.iter().enumerate() {
            let op = dp.key("outcome").index(i);
            let probability = cx.probability(&op.key("probability"), o.probability);
            total += probability;
            let mut actions = Vec::new();
            for (j, a) in o.then.iter().enumerate() {
                let ap = op.key("then").index(j);
                let after = a.after_days.as_ref().map_or(Dist::Constant(0.0), |x| {
                    cx.dist(&ap.key("after_days"), x, true)
                });
                if matches!(a.kind, RawEventKind::Appeal | RawEventKind::Judgment) {
                    cx.err(
                        &ap.key("kind"),
                        format!("field `{}`: court history (`appeal`, `judgment`) is pinned in [[timeline]]; a decision's outcome cannot take it", ap.key("kind")),
                    );
                } else if let Some(act) = action(cx, &ap, &ActionFields::from(a), names, raw) {
                    actions.push((after, act));
                }
            }
            let extend_days = o
                .extend_days
                .as_ref()
                .map(|x| cx.dist(&op.key("extend_days"), x, true));
            if o.then.is_empty() && extend_days.is_none() {
                cx.err(&op, format!("outcome `{}` of decision `{dn}` does nothing: give `then` actions or `extend_days`", o.label));
            }
            outcomes.push(Outcome {
                label: o.label.clone(),
                probability,
                actions,
                extend_days,
            });
        }
        if d.outcome.is_empty() {
            cx.err(
                &dp,
                format!("decision `{dn}` needs at least one [[decision.{dn}.outcome]]"),
            );
        } else if (total - 1.0).abs() > 1e-6 {
            cx.err(
                &dp.key("outcome"),
                format!("decision `{dn}`: outcome probabilities sum to {total}, not 1"),
            );
        }
        out.push(Decision {
            name: dn.clone(),
            outcomes,
            max_extensions: d.max_extensions.unwrap_or(10),
        });
    }
    out
}
