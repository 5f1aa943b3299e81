//! Validation of the regime blocks: timeline actions, decisions, bans, ownership changes,
//! regulators, turnover and currencies. Called from [`super::build`]; shares its [`Ctx`].

use super::build::{lookup, Ctx, MAX_HEADCOUNT, MAX_NUMBER};
use super::raw::*;
use super::source::FieldPath;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::*;

/// Names of every entity, in index order, for resolving references.
pub(super) struct Names<'a> {
    pub pops: Vec<&'a str>,
    pub sites: Vec<&'a str>,
    pub staff: Vec<&'a str>,
    pub controls: Vec<&'a str>,
    pub regulators: Vec<&'a str>,
    pub bans: Vec<&'a str>,
    pub ownerships: Vec<&'a str>,
    pub decisions: Vec<&'a str>,
}

impl<'a> Names<'a> {
    pub fn of(raw: &'a RawScenario) -> Self {
        fn keys<V>(m: &std::collections::BTreeMap<String, V>) -> Vec<&str> {
            m.keys().map(String::as_str).collect()
        }
        Names {
            pops: keys(&raw.population),
            sites: keys(&raw.site),
            staff: keys(&raw.staff),
            controls: keys(&raw.control),
            regulators: keys(&raw.regulator),
            bans: keys(&raw.ban),
            ownerships: keys(&raw.ownership),
            decisions: keys(&raw.decision),
        }
    }
}

/// The fields of a timeline event or an outcome action that name what it acts on.
pub(super) struct ActionFields<'a> {
    pub kind: RawEventKind,
    pub site: &'a Option<String>,
    pub control: &'a Option<String>,
    pub staff: &'a Option<String>,
    pub headcount: Option<f64>,
    pub ban: &'a Option<String>,
    pub population: &'a Option<String>,
    pub hours: Option<f64>,
    pub ownership: &'a Option<String>,
    pub regulator: &'a Option<String>,
    pub state: &'a Option<String>,
    pub fine: Option<f64>,
    pub decision: &'a Option<String>,
}

/// Timeline events and outcome actions carry the same action fields (serde cannot flatten
/// them into one struct under `deny_unknown_fields`); both are read through [`ActionFields`].
macro_rules! action_fields_from {
    ($raw:ty) => {
        impl<'a> From<&'a $raw> for ActionFields<'a> {
            fn from(e: &'a $raw) -> Self {
                ActionFields {
                    kind: e.kind,
                    site: &e.site,
                    control: &e.control,
                    staff: &e.staff,
                    headcount: e.headcount,
                    ban: &e.ban,
                    population: &e.population,
                    hours: e.hours,
                    ownership: &e.ownership,
                    regulator: &e.regulator,
                    state: &e.state,
                    fine: e.fine,
                    decision: &e.decision,
                }
            }
        }
    };
}
action_fields_from!(RawTimelineEvent);
action_fields_from!(RawAction);

/// An event kind as written in a file.
pub(super) fn kind_name(kind: RawEventKind) -> &'static str {
    match kind {
        RawEventKind::SiteOnline => "site_online",
        RawEventKind::ControlOn => "control_on",
        RawEventKind::ControlOff => "control_off",
        RawEventKind::Headcount => "headcount",
        RawEventKind::BanStart => "ban_start",
        RawEventKind::BanEnd => "ban_end",
        RawEventKind::Outage => "outage",
        RawEventKind::OwnershipChange => "ownership_change",
        RawEventKind::RegulatorState => "regulator_state",
        RawEventKind::Decide => "decide",
    }
}

/// The fields each kind uses.
fn fields_of(kind: RawEventKind) -> &'static [&'static str] {
    match kind {
        RawEventKind::SiteOnline => &["site"],
        RawEventKind::ControlOn | RawEventKind::ControlOff => &["control"],
        RawEventKind::Headcount => &["staff", "headcount"],
        RawEventKind::BanStart | RawEventKind::BanEnd => &["ban"],
        RawEventKind::Outage => &["population", "hours"],
        RawEventKind::OwnershipChange => &["ownership"],
        RawEventKind::RegulatorState => &["regulator", "state", "fine"],
        RawEventKind::Decide => &["decision"],
    }
}

/// Builds the action of a timeline event or outcome at `path`.
pub(super) fn action(
    cx: &mut Ctx,
    path: &FieldPath,
    f: &ActionFields,
    names: &Names,
    raw: &RawScenario,
) -> Option<Action> {
    let kind = kind_name(f.kind);
    let used = fields_of(f.kind);
    let present = [
        ("site", f.site.is_some()),
        ("control", f.control.is_some()),
        ("staff", f.staff.is_some()),
        ("headcount", f.headcount.is_some()),
        ("ban", f.ban.is_some()),
        ("population", f.population.is_some()),
        ("hours", f.hours.is_some()),
        ("ownership", f.ownership.is_some()),
        ("regulator", f.regulator.is_some()),
        ("state", f.state.is_some()),
        ("fine", f.fine.is_some()),
        ("decision", f.decision.is_some()),
    ];
    for (field, is) in present {
        if is && !used.contains(&field) {
            cx.err_key(
                &path.key(field),
                format!(
                    "field `{}` does not apply to a `{kind}` event",
                    path.key(field)
                ),
            );
        }
    }
    let need = |cx: &mut Ctx,
                field: &str,
                v: &Option<String>,
                what: &str,
                list: &[&str]|
     -> Option<usize> {
        match v {
            Some(n) => lookup(cx, &path.key(field), what, list, n),
            None => {
                cx.err(
                    path,
                    format!("`{kind}` event at `{path}` needs field `{field}`"),
                );
                None
            }
        }
    };
    let number = |cx: &mut Ctx, field: &str, v: Option<f64>, max: f64| -> Option<f64> {
        match v {
            Some(x) => Some(cx.at_most(&path.key(field), x, max)),
            None => {
                cx.err(
                    path,
                    format!("`{kind}` event at `{path}` needs field `{field}`"),
                );
                None
            }
        }
    };
    match f.kind {
        RawEventKind::SiteOnline => {
            need(cx, "site", f.site, "site", &names.sites).map(Action::SiteOnline)
        }
        RawEventKind::ControlOn => {
            need(cx, "control", f.control, "control", &names.controls).map(Action::ControlOn)
        }
        RawEventKind::ControlOff => {
            need(cx, "control", f.control, "control", &names.controls).map(Action::ControlOff)
        }
        RawEventKind::Headcount => {
            let s = need(cx, "staff", f.staff, "staff group", &names.staff);
            let h = number(cx, "headcount", f.headcount, MAX_HEADCOUNT);
            Some(Action::Headcount {
                staff: s?,
                headcount: h?,
            })
        }
        RawEventKind::BanStart => need(cx, "ban", f.ban, "ban", &names.bans).map(Action::BanStart),
        RawEventKind::BanEnd => need(cx, "ban", f.ban, "ban", &names.bans).map(Action::BanEnd),
        RawEventKind::Outage => {
            let p = need(cx, "population", f.population, "population", &names.pops);
            let h = number(cx, "hours", f.hours, MAX_NUMBER);
            Some(Action::Outage {
                population: p?,
                hours: h?,
            })
        }
        RawEventKind::OwnershipChange => need(
            cx,
            "ownership",
            f.ownership,
            "ownership change",
            &names.ownerships,
        )
        .map(Action::Ownership),
        RawEventKind::RegulatorState => {
            let r = need(cx, "regulator", f.regulator, "regulator", &names.regulators)?;
            let states: Vec<&str> = raw
                .regulator
                .values()
                .nth(r)
                .map(|x| x.state.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let s = need(
                cx,
                "state",
                f.state,
                &format!("state of regulator `{}`", names.regulators[r]),
                &states,
            )?;
            let fine = f.fine.map(|x| cx.non_negative(&path.key("fine"), x));
            Some(Action::RegulatorState {
                regulator: r,
                state: s,
                fine,
            })
        }
        RawEventKind::Decide => {
            need(cx, "decision", f.decision, "decision", &names.decisions).map(Action::Decide)
        }
    }
}

/// The multiplier that converts amounts in `currency` to the scenario's currency.
pub(super) fn money_rate(
    cx: &mut Ctx,
    path: &FieldPath,
    currency: &Option<String>,
    finance: &RawFinance,
) -> f64 {
    let Some(c) = currency else { return 1.0 };
    if *c == finance.currency {
        return 1.0;
    }
    match finance.exchange_rates.get(c) {
        Some(r) if r.is_finite() && *r > 0.0 => *r,
        Some(r) => {
            let p = FieldPath::root()
                .key("finance")
                .key("exchange_rates")
                .key(c);
            cx.err(
                &p,
                format!("field `{p}` must be a positive number, got {r}"),
            );
            1.0
        }
        None => {
            let known: Vec<&str> = finance.exchange_rates.keys().map(String::as_str).collect();
            cx.err(
                path,
                format!(
                    "field `{path}`: no exchange rate from `{c}` to `{}`; add `finance.exchange_rates = {{ {c} = ... }}`{}",
                    finance.currency,
                    if known.is_empty() { String::new() } else { format!(" (known: {})", known.join(", ")) }
                ),
            );
            1.0
        }
    }
}

/// Turnover on each day: dated amounts interpolated linearly, flat before the first, compound
/// `turnover_growth` after the last.
pub(super) fn turnover_by_day(cx: &mut Ctx, finance: &RawFinance, cal: &Calendar) -> Vec<f64> {
    let fp = FieldPath::root().key("finance");
    let rate = money_rate(
        cx,
        &fp.key("turnover_currency"),
        &finance.turnover_currency,
        finance,
    );
    let g = finance.turnover_growth;
    if !g.is_finite() || g <= -1.0 || g > 100.0 {
        cx.err(
            &fp.key("turnover_growth"),
            format!("field `finance.turnover_growth` must be an annual rate above -1, got {g}"),
        );
        return vec![0.0; cal.days as usize];
    }
    let mut points: Vec<(i64, f64)> = Vec::new();
    for (i, t) in finance.turnover.iter().enumerate() {
        let ip = fp.key("turnover").index(i);
        let Some(date) = cx.date(&ip.key("date"), &t.date) else {
            continue;
        };
        let amount = cx.non_negative(&ip.key("amount"), t.amount) * rate;
        let day = cal.day_of(date);
        if points.last().is_some_and(|&(d, _)| day <= d) {
            cx.err(
                &ip.key("date"),
                format!("field `{}`: dates must increase", ip.key("date")),
            );
            continue;
        }
        points.push((day, amount));
    }
    if points.is_empty() {
        return vec![0.0; cal.days as usize];
    }
    grown_at_most(
        cx,
        &fp.key("turnover_growth"),
        "turnover",
        &points,
        g,
        cal,
        MAX_NUMBER,
    )
}

/// [`interpolate`], refused at `path` if `what` grows above `max` on a day of the horizon:
/// compound growth from a date long before `start` can reach any size, infinity included.
pub(super) fn grown_at_most(
    cx: &mut Ctx,
    path: &FieldPath,
    what: &str,
    points: &[(i64, f64)],
    growth: f64,
    cal: &Calendar,
    max: f64,
) -> Vec<f64> {
    let series = interpolate(points, growth, cal.days);
    if let Some(d) = series.iter().position(|v| v.is_nan() || *v > max) {
        cx.err(
            path,
            format!(
                "field `{path}` is out of range: {what} would reach {:e} on {}, above the limit of {max:e}",
                series[d],
                cal.start + chrono::Days::new(d as u64)
            ),
        );
        return vec![0.0; cal.days as usize];
    }
    series
}

/// Linear interpolation between dated points, flat before the first, compound growth after
/// the last.
pub(super) fn interpolate(points: &[(i64, f64)], growth: f64, days: u32) -> Vec<f64> {
    let (first_day, first) = points[0];
    let (last_day, last) = points[points.len() - 1];
    (0..days as i64)
        .map(|d| {
            if d < first_day {
                first
            } else if d >= last_day {
                last * (1.0 + growth).powf((d - last_day) as f64 / DAYS_PER_YEAR)
            } else {
                let k = points.partition_point(|&(pd, _)| pd <= d);
                let (d0, u0) = points[k - 1];
                let (d1, u1) = points[k];
                u0 + (u1 - u0) * (d - d0) as f64 / (d1 - d0) as f64
            }
        })
        .collect()
}

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
        let opt = |cx: &mut Ctx, f: &str, d: &Option<super::dist::RawDist>| {
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

pub(super) fn regulators(
    cx: &mut Ctx,
    raw: &RawScenario,
    names: &Names,
    cal: &Calendar,
) -> Vec<Regulator> {
    let mut out = Vec::new();
    for (rn, r) in &raw.regulator {
        let rp = FieldPath::root().key("regulator").key(rn);
        let state_names: Vec<&str> = r.state.keys().map(String::as_str).collect();
        let what = format!("state of regulator `{rn}`");
        if r.state.is_empty() {
            cx.err(
                &rp,
                format!("regulator `{rn}` needs at least one [regulator.{rn}.state.NAME]"),
            );
            continue;
        }
        let initial = lookup(cx, &rp.key("initial"), &what, &state_names, &r.initial).unwrap_or(0);
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
        let mut states = Vec::new();
        for (sn, s) in &r.state {
            let sp = rp.key("state").key(sn);
            let mut orders = Vec::new();
            for (i, o) in s.orders.iter().enumerate() {
                let op = sp.key("orders").index(i);
                if let Some(c) = lookup(
                    cx,
                    &op.key("control"),
                    "control",
                    &names.controls,
                    &o.control,
                ) {
                    orders.push((c, cx.non_negative(&op.key("after_days"), o.after_days)));
                }
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
            });
        }
        let mut transitions = vec![Vec::new(); states.len()];
        for (i, t) in r.transition.iter().enumerate() {
            let tp = rp.key("transition").index(i);
            let from = lookup(cx, &tp.key("from"), &what, &state_names, &t.from);
            let to = lookup(cx, &tp.key("to"), &what, &state_names, &t.to);
            let rate = cx.non_negative(&tp.key("per_year"), t.per_year);
            if let (Some(from), Some(to)) = (from, to) {
                if from == to {
                    cx.err(
                        &tp.key("to"),
                        format!("field `{}`: a transition must change state", tp.key("to")),
                    );
                }
                transitions[from].push((to, rate));
            }
        }
        let history_until_day = match &r.history_until {
            Some(d) => match cx.date(&rp.key("history_until"), d) {
                Some(date) => cal.day_of(date).clamp(0, cal.days as i64) as u32,
                None => 0,
            },
            None => 0,
        };
        let fine = r.fine.as_ref().map(|f| {
            let fp = rp.key("fine");
            let rate = money_rate(cx, &fp.key("currency"), &f.currency, &raw.finance);
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
                factor: f
                    .factor
                    .as_ref()
                    .map_or(Dist::Constant(1.0), |d| cx.dist(&fp.key("factor"), d, true)),
            }
        });
        if fine.is_none() {
            for (sn, s) in &r.state {
                if s.fine {
                    let p = rp.key("state").key(sn).key("fine");
                    cx.err(
                        &p,
                        format!("field `{p}`: a fine state needs a [regulator.{rn}.fine] table"),
                    );
                }
            }
        }
        let d = &r.drivers;
        let dp = rp.key("drivers");
        out.push(Regulator {
            name: rn.clone(),
            populations,
            initial,
            states,
            transitions,
            history_until_day,
            fine,
            drivers: Drivers {
                detected_incidents: cx
                    .non_negative(&dp.key("detected_incidents"), d.detected_incidents),
                records_millions: cx.non_negative(&dp.key("records_millions"), d.records_millions),
                pb_outside: cx.non_negative(&dp.key("pb_outside"), d.pb_outside),
            },
        });
    }
    out
}

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
                if let Some(act) = action(cx, &ap, &ActionFields::from(a), names, raw) {
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
