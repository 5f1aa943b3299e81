//! The `[site.NAME]` blocks: data centres, their jurisdiction, capacity and costs, the day one
//! comes online, and whether they hold the data placed in them at `start`.

use super::codes::Jurisdictions;
use super::ctx::Ctx;
use super::drawn::Draws;
use super::finance::money_rate;
use super::horizon::Horizon;
use crate::model::{Dist, Site};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// A site's `online` field: its day, and the delay drawn on top of it.
#[derive(Debug, Clone)]
pub(super) struct Online {
    pub day: u32,
    pub delay_days: Option<Dist>,
}

/// Every site in name order, with its `online` date where it has one; its money fields go to
/// `draws`.
pub(super) fn sites(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
    draws: &mut Draws,
) -> (Vec<Site>, Vec<Option<Online>>) {
    let mut sites = Vec::new();
    let mut online_days = Vec::new();
    for (sn, s) in &raw.site {
        let sp = FieldPath::root().key("site").key(sn);
        let delay_days = s
            .delay_days
            .as_ref()
            .map(|d| cx.dist(&sp.key("delay_days"), d, true));
        if delay_days.is_some() && s.online.is_none() {
            cx.err_key(
                &sp.key("delay_days"),
                format!(
                    "field `{}` delays the `online` date, which site `{sn}` does not have",
                    sp.key("delay_days")
                ),
            );
        }
        let online = s
            .online
            .as_ref()
            .and_then(|d| h.day(cx, &sp.key("online"), d))
            .map(|day| Online { day, delay_days });
        online_days.push(online);
        let money = money_rate(cx, &sp.key("currency"), &s.currency, &raw.finance);
        sites.push(Site {
            name: sn.clone(),
            jurisdiction: jur.index(&s.jurisdiction).unwrap_or(0),
            capacity_pb: cx.non_negative(&sp.key("capacity_pb"), s.capacity_pb),
            capex: draws.money(cx, &sp.key("capex"), &s.capex, money),
            opex_per_year: draws.money(cx, &sp.key("opex_per_year"), &s.opex_per_year, money),
        });
    }
    (sites, online_days)
}

/// Refuses a site that holds more at `start` (`placed_pb`, from the populations' placement)
/// than its capacity.
pub(super) fn check_capacity(cx: &mut Ctx, sites: &[Site], placed_pb: &[f64]) {
    for (i, s) in sites.iter().enumerate() {
        if placed_pb[i] > s.capacity_pb * (1.0 + 1e-9) {
            let path = FieldPath::root()
                .key("site")
                .key(&s.name)
                .key("capacity_pb");
            cx.err(&path, format!(
                "field `{path}`: site `{}` holds {} PB at `start` (from the populations' `placement`) but has capacity {} PB",
                s.name, placed_pb[i], s.capacity_pb
            ));
        }
    }
}
