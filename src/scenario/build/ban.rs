//! The `[ban.NAME]` blocks: app bans on a population, started and ended by timeline events.

use super::ctx::{lookup, Ctx};
use super::names::Names;
use crate::model::{Ban, Dist};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every ban, in name order.
pub(super) fn bans(cx: &mut Ctx, raw: &RawScenario, names: &Names) -> Vec<Ban> {
    let mut out = Vec::new();
    for (bn, b) in &raw.ban {
        let bp = FieldPath::root().key("ban").key(bn);
        let population = lookup(
            cx,
            &bp.key("population"),
            "population",
            &names.pops,
            &b.population,
        );
        let churn = cx.dist(&bp.key("churn_per_year"), &b.churn_per_year, true);
        let residual = cx.probability_dist(&bp.key("residual_share"), &b.residual_share);
        let ret = b.return_per_year.as_ref().map_or(Dist::Constant(0.0), |d| {
            cx.dist(&bp.key("return_per_year"), d, true)
        });
        if let Some(population) = population {
            out.push(Ban {
                name: bn.clone(),
                population,
                churn_per_year: churn,
                residual_share: residual,
                return_per_year: ret,
            });
        }
    }
    out
}
