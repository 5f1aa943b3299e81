//! The likelihood and the posterior: each row of the record becomes a path through its
//! regulator's stages (opened → preliminary findings → decision or closure; a filed appeal →
//! its outcome), cut at `until`. Each stage's time to its next event is exponential with one
//! hazard per exit (piecewise exponential: constant within a stage, changing between stages), so
//! the censored likelihood of exit k of a stage is λₖ^dₖ · e^(−λₖ·E), with dₖ the rows that left
//! by k and E the years all rows spent in the stage (to their exit, or to `until` when still in
//! it). With a Gamma(a₀, b₀) prior the posterior is Gamma(a₀ + dₖ, b₀ + E).
//!
//! The prior is Gamma(½, 1 year): half an event in one year of exposure, a prior mean of 0.5 a
//! year per exit with a 95% interval of 0.0005–2.5 a year — it says no more than "a stage takes
//! on the order of years", and it weighs as one case-year against the record's tens. Its rate
//! keeps a stage with little exposure and no event from a posterior mean of ½ / E (Jeffreys'
//! Gamma(½, 0) gave 7 a year per exit to the DSA record of 2023, 0.07 case-years with no event:
//! see docs/enforcement-backtest.md). Its equal-tailed 95% intervals keep close to nominal
//! frequentist coverage (the self-check in `tests/it/calibrate.rs` measures it on synthetic
//! records).
//!
//! A fine's share of the legal maximum (fine ÷ (legal_max_share × worldwide turnover)) is fitted
//! as a lognormal by maximum likelihood: μ̂ and σ̂ are the mean and the (1/n) standard deviation
//! of the log shares.

use chrono::NaiveDate;

use super::record::{Appeal, Case, Ending, Record, Regulator, APPEAL_OUTCOMES};

/// Shape of the Gamma prior on every hazard: half an event.
pub const PRIOR_SHAPE: f64 = 0.5;
/// Rate of the Gamma prior on every hazard: one year of exposure.
pub const PRIOR_RATE: f64 = 1.0;
/// The stage a filed appeal is in until the court decides.
pub const APPEAL_STATE: &str = "appeal";
const DAYS_PER_YEAR: f64 = 365.25;

/// Years from `a` to `b`.
pub fn years(a: NaiveDate, b: NaiveDate) -> f64 {
    (b - a).num_days() as f64 / DAYS_PER_YEAR
}

/// One stay of a row in a stage: entered on `start`, left on `end` to `to`, or still there on
/// `end` (`to` is `None`: censored).
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    pub state: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub to: Option<String>,
}

/// Where a decision or closure leads.
fn ending_state(reg: &Regulator, e: Ending) -> String {
    if e.is_decision() {
        reg.decision_state.clone()
    } else {
        reg.closed_state.clone()
    }
}

/// A row's stays in its stages, with everything after `until` not yet happened. Unknown dates
/// leave a stage out: a row without its opening date has no opened stage, and a row whose
/// findings are undated has neither (its time would be split between them at an unknown day).
pub fn episodes(case: &Case, reg: &Regulator, until: NaiveDate) -> Vec<Episode> {
    let known = |d: Option<NaiveDate>| d.filter(|d| *d <= until);
    let findings = known(case.findings);
    let decision = case.decision.filter(|d| d.0 <= until);
    let mut out = Vec::new();
    let opened = known(case.opened).filter(|_| !case.findings_undated);
    if let Some(o) = opened {
        let (end, to) = match (findings, decision) {
            (Some(f), _) => (f, Some(reg.findings_state.clone())),
            (None, Some((d, e))) => (d, Some(ending_state(reg, e))),
            (None, None) => (until, None),
        };
        out.push(Episode {
            state: reg.opened_state.clone(),
            start: o,
            end,
            to,
        });
    }
    if let Some(f) = findings {
        let (end, to) = match decision {
            Some((d, e)) => (d, Some(ending_state(reg, e))),
            None => (until, None),
        };
        out.push(Episode {
            state: reg.findings_state.clone(),
            start: f,
            end,
            to,
        });
    }
    if let Appeal::Filed(a) = case.appeal {
        if a <= until {
            let (end, to) = match case.appeal_outcome.filter(|o| o.1 <= until) {
                Some((i, d)) => (d, Some(APPEAL_OUTCOMES[i].to_string())),
                None => (until, None),
            };
            out.push(Episode {
                state: APPEAL_STATE.into(),
                start: a,
                end,
                to,
            });
        }
    }
    out
}

/// A Gamma distribution by shape and rate (mean shape / rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gamma {
    pub shape: f64,
    pub rate: f64,
}

impl Gamma {
    pub fn mean(&self) -> f64 {
        self.shape / self.rate
    }

    /// The p-quantile, by bisection on the regularized lower incomplete gamma function.
    pub fn quantile(&self, p: f64) -> f64 {
        let cdf = |x: f64| lower_regularized_gamma(self.shape, x * self.rate);
        let mut hi = self.mean().max(1e-300);
        while cdf(hi) < p {
            hi *= 2.0;
        }
        let mut lo = 0.0;
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-12 * hi {
                break;
            }
        }
        0.5 * (lo + hi)
    }
}

/// P(a, x) = γ(a, x) / Γ(a): a series below x = a + 1, Lentz's continued fraction above.
pub fn lower_regularized_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_pre = a * x.ln() - x - libm::lgamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (sum.ln() + ln_pre).exp().min(1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (1.0 - (h.ln() + ln_pre).exp()).max(0.0)
    }
}

/// One fitted exit of a stage.
#[derive(Debug, Clone)]
pub struct Hazard {
    pub from: String,
    pub to: String,
    /// Rows that left `from` by this exit, by id.
    pub events: Vec<String>,
    /// Rows that spent time in `from` (whatever their exit), by id.
    pub exposed: Vec<String>,
    /// Rows still in `from` at `until`, by id.
    pub censored: Vec<String>,
    /// Years all rows spent in `from`.
    pub exposure_years: f64,
    pub posterior: Gamma,
}

/// A lognormal fitted to fines' shares of their legal maximum.
#[derive(Debug, Clone)]
pub struct ShareFit {
    /// (row id, share) of every fine used.
    pub rows: Vec<(String, f64)>,
    pub mu: f64,
    pub sigma: f64,
}

impl ShareFit {
    /// The p-quantile of the fitted lognormal.
    pub fn quantile(&self, z: f64) -> f64 {
        (self.mu + z * self.sigma).exp()
    }
}

/// The share of decisions appealed (Jeffreys Beta(½, ½) prior).
#[derive(Debug, Clone)]
pub struct AppealShare {
    /// Decisions whose appeal status was known at `until`.
    pub known: Vec<String>,
    pub appealed: Vec<String>,
}

impl AppealShare {
    /// Posterior mean (k + ½) / (n + 1).
    pub fn mean(&self) -> f64 {
        (self.appealed.len() as f64 + 0.5) / (self.known.len() as f64 + 1.0)
    }
}

/// Everything `calibrate` fits for one regulator.
#[derive(Debug, Clone)]
pub struct Fit {
    pub regulator: Regulator,
    pub until: NaiveDate,
    /// Rows of the regulator, by id.
    pub rows: Vec<String>,
    /// The regulator's stages' exits (not the appeal's), in stage order.
    pub hazards: Vec<Hazard>,
    /// Exits of a filed appeal, by outcome.
    pub appeal_hazards: Vec<Hazard>,
    pub appeal_share: AppealShare,
    pub share: Option<ShareFit>,
    /// Fines without the turnover or legal maximum their share needs, by id.
    pub fines_without_share: Vec<String>,
}

/// The exits each stage can take, in a fixed order.
pub fn exits(reg: &Regulator) -> Vec<(String, String)> {
    let (o, f) = (&reg.opened_state, &reg.findings_state);
    let (d, c) = (&reg.decision_state, &reg.closed_state);
    let mut v: Vec<(String, String)> = Vec::new();
    for (from, to) in [(o, f), (o, d), (o, c), (f, d), (f, c)] {
        let pair = (from.clone(), to.clone());
        if !v.contains(&pair) {
            v.push(pair);
        }
    }
    v
}

fn hazard(from: &str, to: &str, eps: &[(String, Episode)]) -> Option<Hazard> {
    let mut h = Hazard {
        from: from.into(),
        to: to.into(),
        events: Vec::new(),
        exposed: Vec::new(),
        censored: Vec::new(),
        exposure_years: 0.0,
        posterior: Gamma {
            shape: PRIOR_SHAPE,
            rate: PRIOR_RATE,
        },
    };
    for (id, e) in eps.iter().filter(|(_, e)| e.state == from) {
        h.exposed.push(id.clone());
        h.exposure_years += years(e.start, e.end);
        match &e.to {
            Some(t) if t == to => h.events.push(id.clone()),
            Some(_) => {}
            None => h.censored.push(id.clone()),
        }
    }
    if h.exposure_years <= 0.0 {
        return None;
    }
    h.posterior = Gamma {
        shape: PRIOR_SHAPE + h.events.len() as f64,
        rate: PRIOR_RATE + h.exposure_years,
    };
    Some(h)
}

/// Fits one regulator's stages, appeals and fine share from the record as known on `until`.
pub fn fit(record: &Record, reg: &Regulator, until: NaiveDate) -> Fit {
    let cases: Vec<&Case> = record
        .cases
        .iter()
        .filter(|c| c.regulator == reg.id)
        .collect();
    let eps: Vec<(String, Episode)> = cases
        .iter()
        .flat_map(|c| {
            episodes(c, reg, until)
                .into_iter()
                .map(|e| (c.id.clone(), e))
        })
        .collect();
    let hazards = exits(reg)
        .iter()
        .filter_map(|(f, t)| hazard(f, t, &eps))
        .collect();
    let appeal_hazards = APPEAL_OUTCOMES
        .iter()
        .filter_map(|o| hazard(APPEAL_STATE, o, &eps))
        .collect();
    let mut appeal_share = AppealShare {
        known: Vec::new(),
        appealed: Vec::new(),
    };
    let mut shares = Vec::new();
    let mut fines_without_share = Vec::new();
    for c in &cases {
        let Some((day, ending)) = c.decision.filter(|d| d.0 <= until) else {
            continue;
        };
        if ending.is_decision() {
            match c.appeal {
                Appeal::No => appeal_share.known.push(c.id.clone()),
                Appeal::Undated => {
                    appeal_share.known.push(c.id.clone());
                    appeal_share.appealed.push(c.id.clone());
                }
                Appeal::Filed(a) if a <= until => {
                    appeal_share.known.push(c.id.clone());
                    appeal_share.appealed.push(c.id.clone());
                }
                _ => {}
            }
        }
        if ending == Ending::Fine && day <= until {
            match (c.fine_eur, c.turnover_eur, c.legal_max_share) {
                (Some(f), Some(t), Some(m)) => shares.push((c.id.clone(), f / (m * t))),
                _ => fines_without_share.push(c.id.clone()),
            }
        }
    }
    let share = (shares.len() >= 2).then(|| {
        let n = shares.len() as f64;
        let mu = shares.iter().map(|s| s.1.ln()).sum::<f64>() / n;
        let var = shares.iter().map(|s| (s.1.ln() - mu).powi(2)).sum::<f64>() / n;
        ShareFit {
            rows: shares,
            mu,
            sigma: var.sqrt(),
        }
    });
    Fit {
        regulator: reg.clone(),
        until,
        rows: cases.iter().map(|c| c.id.clone()).collect(),
        hazards,
        appeal_hazards,
        appeal_share,
        share,
        fines_without_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_quantiles_match_known_values() {
        // Gamma(1, 1) is Exp(1): quantile −ln(1 − p).
        let g = Gamma {
            shape: 1.0,
            rate: 1.0,
        };
        for p in [0.025, 0.5, 0.975] {
            assert!((g.quantile(p) + (1.0 - p).ln()).abs() < 1e-9, "{p}");
        }
        // Gamma(k/2, 1/2) is χ²ₖ: χ²₁₀ has 0.975-quantile 20.4832 and 0.025-quantile 3.24697.
        let c = Gamma {
            shape: 5.0,
            rate: 0.5,
        };
        assert!((c.quantile(0.975) - 20.4832).abs() < 1e-3);
        assert!((c.quantile(0.025) - 3.24697).abs() < 1e-4);
        // Gamma(½, ½) is χ²₁: the 0.95-quantile is 1.96² = 3.8415.
        let h = Gamma {
            shape: 0.5,
            rate: 0.5,
        };
        assert!((h.quantile(0.95) - 3.841459).abs() < 1e-4);
    }
}
