//! Numbers as people read them, shared by the charts and the HTML report: three significant
//! digits with an SI-style suffix (`1.2 M`, `350 k`), money with its currency (`EUR 1.2 bn`),
//! and axis tick labels that share one suffix and just enough decimals to tell ticks apart.
//!
//! Suffixes are those of finance writing rather than strict SI: k, M, bn, tn.

/// Divisor and suffix for magnitudes, largest first.
const SUFFIXES: [(f64, &str); 4] = [(1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k")];

/// What a number measures, which decides how it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A count or other plain quantity: `1.2 M`.
    Count,
    /// An amount of money in a currency: `EUR 1.2 bn`.
    Money(String),
    /// A quantity followed by a unit: `3.4 PB`, `2.5 days`.
    Suffix(&'static str),
    /// A share in 0..=1 written as a percentage: `25%`.
    Share,
}

impl Unit {
    /// The unit of a metric, by its name.
    pub fn of_metric(name: &str, currency: &str) -> Unit {
        if name.starts_with("cost.") || name.ends_with(".first_fine") {
            Unit::Money(currency.to_string())
        } else if name.ends_with("_days") || name.contains("_days.") || name.ends_with(".first_day")
        {
            Unit::Suffix("days")
        } else if name.starts_with("transfer.pb") {
            Unit::Suffix("PB")
        } else if name.starts_with("residency.pb_days") {
            Unit::Suffix("PB-days")
        } else {
            Unit::Count
        }
    }

    /// `v` with three significant digits in this unit.
    pub fn format(&self, v: f64) -> String {
        match self {
            Unit::Count => si(v),
            Unit::Money(c) => money(v, c),
            // Days read as days: whole days with thousands separators from 100 days on.
            Unit::Suffix("days") if v.abs() >= 100.0 && v.is_finite() => {
                let d = thousands(v.abs().round() as u64);
                format!("{}{d} days", if v < 0.0 { "-" } else { "" })
            }
            Unit::Suffix(s) => format!("{} {s}", si(v)),
            Unit::Share => format!("{}%", sig3(v * 100.0)),
        }
    }

    /// Labels for axis ticks (evenly spaced, ascending): one suffix for all, decimals from the
    /// step, so `0, 0.5 bn, 1.0 bn` rather than `0, 500 M, 1 bn`.
    pub fn tick_labels(&self, ticks: &[f64]) -> Vec<String> {
        if let Unit::Share = self {
            let step = step_of(ticks) * 100.0;
            let d = decimals_for(step);
            return ticks
                .iter()
                .map(|t| format!("{}%", fixed(t * 100.0, d)))
                .collect();
        }
        let mag = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
        let (div, suffix) = scale_for(mag);
        let d = decimals_for(step_of(ticks) / div);
        ticks
            .iter()
            .map(|&t| {
                let n = if t == 0.0 {
                    "0".to_string()
                } else if suffix.is_empty() {
                    fixed(t, d)
                } else {
                    format!("{} {suffix}", fixed(t / div, d))
                };
                self.wrap(n)
            })
            .collect()
    }

    /// Labels for ticks that are not evenly spaced (a log axis): each on its own.
    pub fn free_tick_labels(&self, ticks: &[f64]) -> Vec<String> {
        ticks.iter().map(|&t| self.format(t)).collect()
    }

    fn wrap(&self, n: String) -> String {
        if n == "0" {
            return n;
        }
        match self {
            Unit::Count | Unit::Share => n,
            Unit::Money(c) if c.is_empty() => n,
            Unit::Money(c) => {
                if let Some(pos) = n.strip_prefix('-') {
                    format!("-{c} {pos}")
                } else {
                    format!("{c} {n}")
                }
            }
            Unit::Suffix(s) => format!("{n} {s}"),
        }
    }
}

/// The divisor and suffix that write `mag` with one to three digits before the point.
pub fn scale_for(mag: f64) -> (f64, &'static str) {
    for (d, s) in SUFFIXES {
        if mag >= d {
            return (d, s);
        }
    }
    (1.0, "")
}

/// Three significant digits with a suffix: `1234567.0` → `1.23 M`, `950.0` → `950`,
/// `0.0123` → `0.0123`, `0.0` → `0`.
pub fn si(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    // Round first so that 999.7 k becomes 1 M rather than 1000 k.
    let r = round_sig(v, 3);
    let (div, suffix) = scale_for(r.abs());
    if suffix.is_empty() {
        sig3(r)
    } else {
        format!("{} {suffix}", sig3(r / div))
    }
}

/// Money: `EUR 1.2 bn`, `EUR 350 M`, `EUR 0`; negative amounts as `-EUR 5 M`. An empty
/// currency (amounts in several currencies) writes the number alone.
pub fn money(v: f64, currency: &str) -> String {
    if currency.is_empty() {
        return si(v);
    }
    if v == 0.0 {
        return format!("{currency} 0");
    }
    if v < 0.0 {
        return format!("-{currency} {}", si(-v));
    }
    format!("{currency} {}", si(v))
}

/// A count with thousands separators: `1000` → `1,000`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `v` rounded to `digits` significant digits.
pub fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let e = libm::log10(v.abs()).floor() as i32;
    let f = libm::pow(10.0, f64::from(digits - 1 - e));
    (v * f).round() / f
}

/// Three significant digits, trailing zeros after the point dropped.
fn sig3(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let r = round_sig(v, 3);
    let e = libm::log10(r.abs()).floor() as i32;
    let d = (2 - e).clamp(0, 12) as usize;
    trim_zeros(format!("{r:.d$}"))
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            return "0".to_string();
        }
        t.to_string()
    } else {
        s
    }
}

/// `v` with `d` decimals (negative zero folded).
fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

fn step_of(ticks: &[f64]) -> f64 {
    match ticks {
        [a, b, ..] => (b - a).abs(),
        _ => ticks.first().map(|t| t.abs()).unwrap_or(1.0),
    }
}

/// Decimals needed to write multiples of `step` exactly (up to 6).
fn decimals_for(step: f64) -> usize {
    if step <= 0.0 || !step.is_finite() {
        return 0;
    }
    for d in 0..=6usize {
        let scaled = step * 10f64.powi(d as i32);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0) {
            return d;
        }
    }
    6
}

/// About `target` evenly spaced "nice" ticks (1, 2, 2.5, 5 × 10^k) covering `lo..=hi`; the
/// first is at or below `lo`, the last at or above `hi`.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if hi == 0.0 {
        (0.0, 1.0)
    } else {
        (lo - hi.abs() * 0.5, hi + hi.abs() * 0.5)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    (first as i64..=last as i64)
        .map(|i| {
            let v = i as f64 * step;
            // Snap away float noise such as 0.30000000000000004.
            round_sig(v, 12)
        })
        .collect()
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_uses_three_significant_digits_and_finance_suffixes() {
        assert_eq!(si(0.0), "0");
        assert_eq!(si(950.0), "950");
        assert_eq!(si(1234.0), "1.23 k");
        assert_eq!(si(1_200_000.0), "1.2 M");
        assert_eq!(si(999_700.0), "1 M");
        assert_eq!(si(8.98e9), "8.98 bn");
        assert_eq!(si(0.0123), "0.0123");
        assert_eq!(si(-350e6), "-350 M");
    }

    #[test]
    fn days_read_as_days() {
        let u = Unit::of_metric("regulatory.dsa_commission.decision.first_day", "EUR");
        assert_eq!(u.format(2513.4), "2,513 days");
        assert_eq!(u.format(-2513.4), "-2,513 days");
        assert_eq!(
            Unit::of_metric("access.approval_wait_days", "").format(0.332),
            "0.332 days"
        );
    }

    #[test]
    fn money_carries_its_currency() {
        assert_eq!(money(1.2e9, "EUR"), "EUR 1.2 bn");
        assert_eq!(money(350e6, "EUR"), "EUR 350 M");
        assert_eq!(money(0.0, "USD"), "USD 0");
        assert_eq!(money(-5e6, "EUR"), "-EUR 5 M");
    }

    #[test]
    fn tick_labels_share_a_suffix_and_decimals() {
        let m = Unit::Money("EUR".into());
        assert_eq!(
            m.tick_labels(&[0.0, 0.5e9, 1e9, 1.5e9]),
            ["0", "EUR 0.5 bn", "EUR 1.0 bn", "EUR 1.5 bn"]
        );
        assert_eq!(
            Unit::Count.tick_labels(&[0.0, 2e6, 4e6]),
            ["0", "2 M", "4 M"]
        );
        assert_eq!(
            Unit::Share.tick_labels(&[0.0, 0.25, 0.5]),
            ["0%", "25%", "50%"]
        );
        assert_eq!(
            Unit::Suffix("PB").tick_labels(&[0.0, 2.5, 5.0]),
            ["0", "2.5 PB", "5.0 PB"]
        );
    }

    #[test]
    fn nice_ticks_cover_the_range_with_round_steps() {
        assert_eq!(nice_ticks(0.0, 9.3, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 0.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = nice_ticks(0.0, 1.0, 10);
        assert_eq!(t[3], 0.3);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20230308), "20,230,308");
    }
}
