//! The `[site.NAME]` blocks: data centres, their jurisdiction, capacity and costs, the day one
//! comes online, and whether they hold the data placed in them at `start`.

use super::codes::Jurisdictions;
use super::ctx::Ctx;
use super::drawn::Draws;
use super::finance::money_rate;
use super::horizon::Horizon;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Dist, Migration, Site};
use crate::scenario::raw::{RawScenario, RawTenure};
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
        let online_day = online.as_ref().map(|o| o.day);
        online_days.push(online);
        let money = money_rate(cx, &sp.key("currency"), &s.currency, &raw.finance);
        let lease_days = lease_days(cx, &sp, sn, s.tenure, s.lease_years);
        let decommission_day = s
            .decommission
            .as_ref()
            .and_then(|d| h.day(cx, &sp.key("decommission"), d));
        if let (Some(on), Some(off), Some(d), Some(o)) =
            (online_day, decommission_day, &s.decommission, &s.online)
        {
            if off <= on {
                cx.err(
                    &sp.key("decommission"),
                    format!(
                        "field `{}`: site `{sn}` is decommissioned ({}) on or before it goes `online` ({})",
                        sp.key("decommission"),
                        d.0,
                        o.0
                    ),
                );
            }
        }
        sites.push(Site {
            name: sn.clone(),
            jurisdiction: jur.index(&s.jurisdiction).unwrap_or(0),
            capacity_pb: cx.non_negative(&sp.key("capacity_pb"), s.capacity_pb),
            capex: draws.money(cx, &sp.key("capex"), &s.capex, money),
            opex_per_year: draws.money(cx, &sp.key("opex_per_year"), &s.opex_per_year, money),
            cost_per_pb_month: draws.money(
                cx,
                &sp.key("cost_per_pb_month"),
                &s.cost_per_pb_month,
                money,
            ),
            cost_per_pb_moved: draws.money(
                cx,
                &sp.key("cost_per_pb_moved"),
                &s.cost_per_pb_moved,
                money,
            ),
            lease_days,
            decommission_day,
            committed: !s.incremental,
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

/// A leased site's lease in days; `lease_years` is required for a leased site and refused for
/// an owned one.
fn lease_days(
    cx: &mut Ctx,
    sp: &FieldPath,
    sn: &str,
    tenure: RawTenure,
    lease_years: Option<f64>,
) -> Option<f64> {
    let path = sp.key("lease_years");
    match (tenure, lease_years) {
        (RawTenure::Leased, Some(y)) if y.is_finite() && y > 0.0 && y <= 100.0 => {
            Some(y * DAYS_PER_YEAR)
        }
        (RawTenure::Leased, Some(y)) => {
            cx.err(
                &path,
                format!(
                    "field `{path}` must be a number of years above 0 and at most 100, not {y}"
                ),
            );
            None
        }
        (RawTenure::Leased, None) => {
            cx.err(
                &sp.key("tenure"),
                format!("field `{}`: a leased site needs `lease_years`, the years its `capex` is spread over", sp.key("tenure")),
            );
            None
        }
        (RawTenure::Owned, Some(_)) => {
            cx.err_key(
                &path,
                format!("field `{path}` applies only to a site with `tenure = \"leased\"`; site `{sn}` is owned (its `capex` is booked at go-live)"),
            );
            None
        }
        (RawTenure::Owned, None) => None,
    }
}

/// Refuses a `decommission` date on a site that can hold data (a `placement` share at `start`,
/// or a migration's target) when no migration moves data out of it: it could never empty, so
/// it would never retire.
pub(super) fn check_decommission(
    cx: &mut Ctx,
    raw: &RawScenario,
    sites: &[Site],
    migrations: &[Migration],
) {
    for (i, s) in sites.iter().enumerate() {
        if s.decommission_day.is_none() {
            continue;
        }
        let placed = raw
            .population
            .values()
            .any(|p| p.placement.get(&s.name).is_some_and(|&x| x > 0.0));
        let target = migrations.iter().any(|m| m.to.contains(&i));
        let drained = migrations.iter().any(|m| m.from.contains(&i));
        if (placed || target) && !drained {
            let path = FieldPath::root()
                .key("site")
                .key(&s.name)
                .key("decommission");
            let why = if placed {
                "holds data placed at `start`"
            } else {
                "receives data from a migration"
            };
            cx.err(&path, format!(
                "field `{path}`: site `{}` {why} but no migration moves data out of it, so it could never be emptied and retired: add it to a migration's `from`, or remove `decommission`",
                s.name
            ));
        }
    }
}
