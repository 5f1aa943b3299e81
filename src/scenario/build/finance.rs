//! The `[finance]` block: the scenario's currency and discount rate, exchange rates (every
//! amount written in another currency is converted through [`money_rate`]) and the dated
//! turnover that sets regulators' fines.

use super::ctx::{Ctx, MAX_NUMBER};
use super::growth::grown_at_most;
use crate::model::Calendar;
use crate::scenario::raw::{RawFinance, RawScenario};
use crate::scenario::source::FieldPath;

/// Checks `finance.currency` and `finance.discount_rate`.
pub(super) fn check(cx: &mut Ctx, raw: &RawScenario) {
    let fin = FieldPath::root().key("finance");
    if raw.finance.currency.trim().is_empty() {
        cx.err(
            &fin.key("currency"),
            "field `finance.currency` must not be empty",
        );
    }
    let r = raw.finance.discount_rate;
    if !r.is_finite() || !(0.0..1.0).contains(&r) {
        cx.err(
            &fin.key("discount_rate"),
            format!("field `finance.discount_rate` must be in [0, 1), got {r}"),
        );
    }
}

/// `finance.report_currency` and the multiplier from the scenario's currency to it.
pub(super) fn report_currency(cx: &mut Ctx, finance: &RawFinance) -> Option<(String, f64)> {
    let rc = finance.report_currency.as_ref()?;
    let path = FieldPath::root().key("finance").key("report_currency");
    // An amount of one unit of `rc` is worth `rate` units of the scenario's currency.
    let rate = money_rate(cx, &path, &Some(rc.clone()), finance);
    Some((rc.clone(), 1.0 / rate))
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
