//! The `[population.NAME]` blocks: users whose data a regime protects — their enclave and
//! restricted jurisdictions, users on each day, data per user, its placement on sites (shares
//! summing to one, only on sites live at `start`) and revenue.

use super::codes::Jurisdictions;
use super::ctx::{lookup, seg_name, Ctx, MAX_USERS, SHARE_TOLERANCE};
use super::drawn::Draws;
use super::finance::money_rate;
use super::growth::grown_at_most;
use super::horizon::Horizon;
use super::names::Names;
use crate::model::{Action, Calendar, Population, TimelineEvent};
use crate::scenario::raw::{RawPopulation, RawScenario};
use crate::scenario::source::FieldPath;

/// Every population in name order, and the petabytes placed on each of `n_sites` sites at
/// `start`; revenues and margins go to `draws`.
pub(super) fn populations(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
    names: &Names,
    n_sites: usize,
    draws: &mut Draws,
) -> (Vec<Population>, Vec<f64>) {
    let mut populations = Vec::new();
    let mut placed_pb = vec![0.0; n_sites];
    for (pn, p) in &raw.population {
        let pp = FieldPath::root().key("population").key(pn);
        if p.enclave.is_empty() {
            cx.err(
                &pp.key("enclave"),
                format!(
                    "field `{}`: list at least one jurisdiction",
                    pp.key("enclave")
                ),
            );
        }
        let users_by_day = users_by_day(cx, &pp, p, &h.calendar);
        let mb = cx.non_negative(&pp.key("data_per_user_mb"), p.data_per_user_mb);
        let mut placement = vec![0.0; n_sites];
        let mut total = 0.0;
        for (sn, share) in &p.placement {
            let path = pp.key("placement").key(sn);
            let share = cx.probability(&path, *share);
            total += share;
            if let Some(i) = lookup(cx, &path, "site", &names.sites, sn) {
                placement[i] = share;
            }
        }
        if p.placement.is_empty() {
            cx.err(&pp.key("placement"), format!("field `{}`: place the data on at least one site, e.g. placement = {{ {} = 1.0 }}", pp.key("placement"), names.sites.first().unwrap_or(&"us_east")));
        } else if (total - 1.0).abs() > SHARE_TOLERANCE {
            cx.err(
                &pp.key("placement"),
                format!(
                    "field `{}`: shares sum to {total}, not 1",
                    pp.key("placement")
                ),
            );
        }
        let pb_per_user = mb / 1e9;
        let volume0 = users_by_day.first().copied().unwrap_or(0.0) * pb_per_user;
        for (i, share) in placement.iter().enumerate() {
            placed_pb[i] += share * volume0;
        }
        let money = money_rate(cx, &pp.key("currency"), &p.currency, &raw.finance);
        let revenue = &p.revenue_per_user_year;
        let revenue_per_user_year =
            draws.money(cx, &pp.key("revenue_per_user_year"), revenue, money);
        let margin = p
            .margin
            .as_ref()
            .map(|m| draws.share(cx, &pp.key("margin"), m));
        populations.push(Population {
            name: pn.clone(),
            enclave: jur.set(&p.enclave),
            restricted: jur.set(&p.restricted),
            users_by_day,
            pb_per_user,
            placement,
            revenue_per_user_year,
            margin,
        });
    }
    (populations, placed_pb)
}

/// Users on each day: dated counts interpolated linearly (flat before the first), then compound
/// `growth` after the last; or `users` at `start` growing at `growth`.
fn users_by_day(cx: &mut Ctx, pp: &FieldPath, p: &RawPopulation, cal: &Calendar) -> Vec<f64> {
    let growth = p.growth;
    if !growth.is_finite() || growth <= -1.0 || growth > 100.0 {
        cx.err(
            &pp.key("growth"),
            format!(
                "field `{}` must be an annual rate above -1 (e.g. 0.05), got {growth}",
                pp.key("growth")
            ),
        );
        return vec![0.0; cal.days as usize];
    }
    let mut points: Vec<(i64, f64)> = Vec::new();
    match (&p.users, p.user_counts.is_empty()) {
        (Some(_), false) => {
            cx.err(
                &pp.key("users"),
                format!(
                    "field `{}`: give either `users` or `user_counts`, not both",
                    pp.key("users")
                ),
            );
        }
        (None, true) => {
            cx.err(
                pp,
                format!(
                    "population `{}` needs `users` (at start) or `user_counts` (dated)",
                    pp.0.last().map(seg_name).unwrap_or_default()
                ),
            );
        }
        (Some(u), true) => points.push((0, cx.at_most(&pp.key("users"), *u, MAX_USERS))),
        (None, false) => {
            for (i, uc) in p.user_counts.iter().enumerate() {
                let ip = pp.key("user_counts").index(i);
                let Some(date) = cx.date(&ip.key("date"), &uc.date) else {
                    continue;
                };
                let users = cx.at_most(&ip.key("users"), uc.users, MAX_USERS);
                let day = cal.day_of(date);
                if let Some(&(prev, _)) = points.last() {
                    if day <= prev {
                        cx.err(
                            &ip.key("date"),
                            format!("field `{}`: dates must increase", ip.key("date")),
                        );
                        continue;
                    }
                }
                points.push((day, users));
            }
        }
    }
    if points.is_empty() {
        return vec![0.0; cal.days as usize];
    }
    grown_at_most(
        cx,
        &pp.key("growth"),
        "users",
        &points,
        growth,
        cal,
        MAX_USERS,
    )
}

/// Data can be placed at `start` only on sites live on day 0: never scheduled to come online
/// (`site_scheduled`), or brought online on day 0 for sure by the `timeline`.
pub(super) fn check_placed_on_live_sites(
    cx: &mut Ctx,
    raw: &RawScenario,
    names: &Names,
    site_scheduled: &[bool],
    timeline: &[TimelineEvent],
) {
    for (pn, p) in &raw.population {
        for (sn, share) in &p.placement {
            let Some(s) = names.sites.iter().position(|n| n == sn) else {
                continue;
            };
            let live_at_start = !site_scheduled[s]
                || timeline.iter().any(|e| {
                    e.action == Action::SiteOnline(s)
                        && e.day == 0
                        && e.probability == 1.0
                        && e.delay_days.is_none()
                });
            if *share > 0.0 && !live_at_start {
                let path = FieldPath::root()
                    .key("population")
                    .key(pn)
                    .key("placement")
                    .key(sn);
                cx.err(&path, format!("field `{path}`: site `{sn}` goes live only after `start`, so it cannot hold data at `start`"));
            }
        }
    }
}
