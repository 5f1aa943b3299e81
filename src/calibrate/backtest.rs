//! The backtest: fit on the record as known at a cutoff, then hold each stage a case was in at
//! the cutoff (or entered after it, up to a horizon) against the predicted 90% interval of its
//! next event, and each later fine against the predicted 90% interval of its share.
//!
//! A stage's exits share one exposure E, so their total hazard is Gamma(A, E) with A the sum of
//! their posterior shapes; the time T to the next event, exponential given the hazard, is then
//! Lomax: P(T > t) = (E / (E + t))^A, with quantile t_q = E·((1 − q)^(−1/A) − 1). A stage already
//! under way at the cutoff starts its clock there (the exponential forgets its past).

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use super::fit::{episodes, fit, years, Fit, APPEAL_STATE};
use super::record::{Ending, Record, Regulator};
use super::write::{num, Z95};

/// How an interval fared against what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Inside,
    Earlier,
    Later,
    /// No event by the horizon, and the interval reaches past it.
    Open,
    /// The stage had no exposure before the cutoff: nothing to predict with.
    Unfitted,
}

impl Verdict {
    fn text(self) -> &'static str {
        match self {
            Verdict::Inside => "inside",
            Verdict::Earlier => "**earlier** than the interval",
            Verdict::Later => "**later** than the interval",
            Verdict::Open => "open (no event yet; interval reaches past the horizon)",
            Verdict::Unfitted => "no prediction (stage unseen before the cutoff)",
        }
    }
}

/// One row of the backtest table.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub state: String,
    pub origin: NaiveDate,
    /// Predicted 5th and 95th percentile dates (None past year 2200).
    pub interval: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    pub happened: String,
    pub verdict: Verdict,
}

/// The backtest of one regulator: its next-event lines and its fine lines.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub fit: Fit,
    pub horizon: NaiveDate,
    pub lines: Vec<Line>,
    /// Fines after the cutoff.
    pub fines: Vec<FineLine>,
}

/// A fine decided after the cutoff against the share predicted for it.
#[derive(Debug, Clone)]
pub struct FineLine {
    pub id: String,
    /// Its share of the legal maximum.
    pub share: f64,
    /// The predicted 5th and 95th percentiles of the share (None: under two fines before).
    pub band: Option<(f64, f64)>,
}

fn date_after(origin: NaiveDate, t_years: f64) -> Option<NaiveDate> {
    let days = (t_years * 365.25).round();
    if !(0.0..=(200.0 * 365.25)).contains(&days) {
        return None;
    }
    origin.checked_add_days(Days::new(days as u64))
}

/// The total exit hazard of `state` as (A, E), if the fit saw the stage.
fn total(fit: &Fit, state: &str) -> Option<(f64, f64)> {
    let hs = if state == APPEAL_STATE {
        &fit.appeal_hazards
    } else {
        &fit.hazards
    };
    let mine: Vec<_> = hs.iter().filter(|h| h.from == state).collect();
    let first = mine.first()?;
    Some((
        mine.iter().map(|h| h.posterior.shape).sum(),
        first.posterior.rate,
    ))
}

/// Runs the backtest of `reg`: fit to `cutoff`, compare with the record to `horizon`.
pub fn run(record: &Record, reg: &Regulator, cutoff: NaiveDate, horizon: NaiveDate) -> Backtest {
    let fitted = fit(record, reg, cutoff);
    let mut lines = Vec::new();
    let mut fines = Vec::new();
    for case in record.cases.iter().filter(|c| c.regulator == reg.id) {
        for e in episodes(case, reg, horizon) {
            let open_at_cutoff = e.start <= cutoff && (e.end > cutoff || e.to.is_none());
            if !(open_at_cutoff || e.start > cutoff) {
                continue;
            }
            let origin = e.start.max(cutoff);
            let happened = match &e.to {
                Some(t) => format!("`{t}` on {}", e.end),
                None => format!("still in it on {horizon}"),
            };
            let Some((a, big_e)) = total(&fitted, &e.state) else {
                lines.push(Line {
                    id: case.id.clone(),
                    state: e.state.clone(),
                    origin,
                    interval: None,
                    happened,
                    verdict: Verdict::Unfitted,
                });
                continue;
            };
            let q = |p: f64| big_e * ((1.0 - p).powf(-1.0 / a) - 1.0);
            let (lo, hi) = (q(0.05), q(0.95));
            let elapsed = years(origin, e.end);
            let verdict = match &e.to {
                Some(_) if elapsed < lo => Verdict::Earlier,
                Some(_) if elapsed > hi => Verdict::Later,
                Some(_) => Verdict::Inside,
                None if elapsed > hi => Verdict::Later,
                None => Verdict::Open,
            };
            lines.push(Line {
                id: case.id.clone(),
                state: e.state.clone(),
                origin,
                interval: Some((date_after(origin, lo), date_after(origin, hi))),
                happened,
                verdict,
            });
        }
        if let Some((day, Ending::Fine)) = case.decision {
            if day > cutoff && day <= horizon {
                if let (Some(f), Some(t), Some(m)) =
                    (case.fine_eur, case.turnover_eur, case.legal_max_share)
                {
                    let band = fitted
                        .share
                        .as_ref()
                        .map(|s| (s.quantile(-Z95), s.quantile(Z95)));
                    fines.push(FineLine {
                        id: case.id.clone(),
                        share: f / (m * t),
                        band,
                    });
                }
            }
        }
    }
    Backtest {
        fit: fitted,
        horizon,
        lines,
        fines,
    }
}

fn show(d: Option<NaiveDate>) -> String {
    d.map_or("after 2200".into(), |d| d.to_string())
}

/// The backtest as a Markdown section.
pub fn markdown(b: &Backtest) -> String {
    let reg = &b.fit.regulator.id;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### `{reg}`: fitted to {}, checked to {}\n",
        b.fit.until, b.horizon
    );
    let _ = writeln!(
        out,
        "| row | stage | clock from | predicted 90% interval of the next event | what happened | verdict |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for l in &b.lines {
        let interval = match l.interval {
            Some((lo, hi)) => format!("{} – {}", show(lo), show(hi)),
            None => "—".into(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            l.id,
            l.state,
            l.origin,
            interval,
            l.happened,
            l.verdict.text()
        );
    }
    let count = |v: Verdict| b.lines.iter().filter(|l| l.verdict == v).count();
    let decided = count(Verdict::Inside) + count(Verdict::Earlier) + count(Verdict::Later);
    let _ = writeln!(
        out,
        "\nOf {decided} intervals that the record to {} can judge, {} held the event, {} were \
         too late (the event came earlier) and {} too early (later, or nothing by the horizon \
         after the interval ended); {} are still open and {} could not be predicted. A calibrated \
         90% interval holds about {} of {decided}.",
        b.horizon,
        count(Verdict::Inside),
        count(Verdict::Earlier),
        count(Verdict::Later),
        count(Verdict::Open),
        count(Verdict::Unfitted),
        num((0.9 * decided as f64 * 10.0).round() / 10.0),
    );
    if !b.fines.is_empty() {
        let _ = writeln!(
            out,
            "\n| row (fine after the cutoff) | share of the legal maximum | predicted 90% interval | verdict |"
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for FineLine { id, share: s, band } in &b.fines {
            let (interval, verdict) = match band {
                Some((lo, hi)) => (
                    format!("{} – {}", num(*lo), num(*hi)),
                    if s < lo {
                        "**below**"
                    } else if s > hi {
                        "**above**"
                    } else {
                        "inside"
                    },
                ),
                None => (
                    "— (under two fines before the cutoff)".into(),
                    "no prediction",
                ),
            };
            let _ = writeln!(out, "| {id} | {} | {interval} | {verdict} |", num(*s));
        }
    }
    out
}
