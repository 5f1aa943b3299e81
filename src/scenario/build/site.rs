//! The `[site.NAME]` blocks: data centres, their jurisdiction, capacity and costs, the day one
//! comes online, and whether they hold the data placed in them at `start`.

use super::codes::Jurisdictions;
use super::ctx::Ctx;
use super::finance::money_rate;
use super::horizon::Horizon;
use crate::model::Site;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every site in name order, and the day each has an `online` date for.
pub(super) fn sites(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
) -> (Vec<Site>, Vec<Option<u32>>) {
    let mut sites = Vec::new();
    let mut site_online_day: Vec<Option<u32>> = Vec::new();
    for (sn, s) in &raw.site {
        let sp = FieldPath::root().key("site").key(sn);
        let online = s
            .online
            .as_ref()
            .and_then(|d| h.day(cx, &sp.key("online"), d));
        site_online_day.push(online);
        let money = money_rate(cx, &sp.key("currency"), &s.currency, &raw.finance);
        sites.push(Site {
            name: sn.clone(),
            jurisdiction: jur.index(&s.jurisdiction).unwrap_or(0),
            capacity_pb: cx.non_negative(&sp.key("capacity_pb"), s.capacity_pb),
            capex: cx.non_negative(&sp.key("capex"), s.capex) * money,
            opex_per_year: cx.non_negative(&sp.key("opex_per_year"), s.opex_per_year) * money,
        });
    }
    (sites, site_online_day)
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
