//! Drawing a day's worth of sessions and records in one step.
//!
//! Sessions that neither wait nor interact are not simulated one by one: a day's count is one
//! Poisson draw, splits are binomial, and the records read in n sessions are a compound sum
//! S = X₁ + … + Xₙ drawn by [`compound`]:
//!
//! - **Exact in distribution where a closed form exists:** constant c → n·c; Poisson(m) →
//!   Poisson(n·m); Bernoulli(p) → Binomial(n, p); exponential(mean) → Gamma(n, mean);
//!   normal(μ, σ) → N(n·μ, n·σ²) (a normal clamped at zero counts as one when P(X < 0) < 1e-15,
//!   i.e. μ > 8σ); a scaled distribution is the scaled sum.
//! - **Otherwise** (lognormal, uniform, pert, a normal clamped near zero) the sum is n separate
//!   draws, unless n is so large that a normal N(n·μ, n·σ²) is provably close. By the
//!   Berry–Esseen theorem with Shevtsova's (2011) constant for identically distributed terms,
//!   sup |F_n − Φ| ≤ 0.4748·ρ/(σ³√n) with ρ = E|X − μ|³, and by Lyapunov's inequality
//!   ρ ≤ (E(X − μ)⁴)^(3/4) = σ³(γ₂ + 3)^(3/4), γ₂ the excess kurtosis. The normal is used from
//!   n = (0.4748·(γ₂ + 3)^(3/4) / [`CDF_TOLERANCE`])² on, so its distribution function is
//!   within [`CDF_TOLERANCE`] = 0.01 of the exact sum's at every point: a bound, not an
//!   expansion (the first Edgeworth term, ≈ 0.066·γ₁/√n, is typically ten to a hundred times
//!   smaller there). For a heavy lognormal (CV 15: γ₂ ≈ 1.3e11) that never happens at any
//!   feasible n; for a uniform (γ₂ = −1.2) it happens from n = 5,444; for a lognormal with
//!   σ = 0.25 from n = 18,668; for a pert(1, 1, 5) from n = 19,440. Tests measure the
//!   Kolmogorov distance of exact sums from that normal at these switch-over points.
//!
//! **Per session below the switch-over, in both granularities.** Where the sum is drawn as n
//! separate draws ([`Compound::per_session`]: below `normal_from`, and for a closed form below
//! [`PER_SESSION_BELOW`] sessions) the engine draws them itself, session by session, from the
//! route's records stream, exactly as event mode draws one session at a time; so a route-day
//! below the switch-over books the same records bit for bit in either granularity. Above it,
//! the aggregated draw is the closed form or the normal: equal in distribution (or within the
//! bound above), not draw for draw.
//!
//! The sum is a real number; the engine rounds records once, per route and day, in both
//! granularities (see the engine's module doc).

use rand::Rng;

use crate::model::{samplers, Dist};

/// Largest distance between the distribution functions of a sum and of the normal drawn in
/// its place (a Berry–Esseen bound; see the module doc).
pub const CDF_TOLERANCE: f64 = 0.01;

/// Shevtsova's (2011) Berry–Esseen constant for sums of independent, identically distributed
/// terms.
const BERRY_ESSEEN: f64 = 0.4748;

/// Below this many sessions a closed-form sum is drawn session by session instead (so that
/// either granularity draws it the same way; see the module doc).
pub const PER_SESSION_BELOW: u64 = 1024;

/// Above this mean a Poisson count is drawn as a rounded normal (the two are indistinguishable
/// there, and counts near 2^64 do not fit the u64 they are returned in).
const POISSON_NORMAL_ABOVE: f64 = 1e12;

/// A Poisson count with the given mean (≥ 0).
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        0
    } else if mean > POISSON_NORMAL_ABOVE {
        normal(rng, mean, mean).round() as u64
    } else {
        samplers::poisson(rng, mean) as u64
    }
}

/// A binomial count: successes in `n` trials of probability `p`.
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        0
    } else if p >= 1.0 {
        n
    } else {
        samplers::binomial(rng, n, p)
    }
}

/// A normal draw with the given mean and variance, clamped at zero.
fn normal<R: Rng + ?Sized>(rng: &mut R, mean: f64, var: f64) -> f64 {
    (mean + var.max(0.0).sqrt() * samplers::std_normal(rng)).max(0.0)
}

/// How the sum of n draws of a distribution is drawn, decided once per distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Compound {
    /// A closed form (see the module doc).
    Exact,
    /// n separate draws below `normal_from` sessions, a moment-matched normal from there on.
    Summed { normal_from: u64 },
}

impl Compound {
    /// The plan for sums of `d`.
    pub fn of(d: &Dist) -> Compound {
        match d {
            Dist::Constant(_)
            | Dist::Poisson { .. }
            | Dist::Bernoulli { .. }
            | Dist::Exponential { .. }
            | Dist::Gamma { .. } => Compound::Exact,
            Dist::Normal {
                mean, sd, clamp, ..
            } if !*clamp || *mean > 8.0 * sd => Compound::Exact,
            Dist::Scaled { inner, .. } => Compound::of(inner),
            _ => {
                let (_, kurt) = d.shape();
                let root_n = BERRY_ESSEEN * (kurt + 3.0).max(0.0).powf(0.75) / CDF_TOLERANCE;
                let n = (root_n * root_n).ceil().max(1.0);
                Compound::Summed {
                    normal_from: if n.is_nan() || n >= u64::MAX as f64 {
                        u64::MAX
                    } else {
                        n as u64
                    },
                }
            }
        }
    }

    /// Whether the sum of `n` draws is drawn session by session (below the switch-over).
    #[inline]
    pub fn per_session(self, n: u64) -> bool {
        match self {
            Compound::Exact => n < PER_SESSION_BELOW,
            Compound::Summed { normal_from } => n < normal_from,
        }
    }

    /// Work units (draws) a sum of `n` costs: for the event estimate.
    pub fn work(self, n: f64) -> f64 {
        match self {
            Compound::Exact => n.min(PER_SESSION_BELOW as f64).max(1.0),
            Compound::Summed { normal_from } => n.min(normal_from as f64).max(1.0),
        }
    }
}

/// The records read in `n` sessions, each reading a draw of `d` (a real number, unrounded):
/// below the switch-over ([`Compound::per_session`]) the draws one by one, in order, summing
/// the positive ones as the ledger sums event-mode sessions; above it, one draw.
pub fn compound<R: Rng + ?Sized>(rng: &mut R, n: u64, d: &Dist, plan: Compound) -> f64 {
    if plan.per_session(n) {
        let mut sum = 0.0;
        for _ in 0..n {
            let x = d.sample(rng);
            if x > 0.0 {
                sum += x;
            }
        }
        return sum;
    }
    let nf = n as f64;
    match plan {
        Compound::Exact => exact_sum(rng, n, d),
        Compound::Summed { .. } => normal(rng, nf * d.mean(), nf * d.variance()),
    }
}

/// The closed-form sums.
fn exact_sum<R: Rng + ?Sized>(rng: &mut R, n: u64, d: &Dist) -> f64 {
    let nf = n as f64;
    match d {
        Dist::Constant(v) => nf * v,
        Dist::Poisson { mean, .. } => poisson(rng, nf * mean) as f64,
        Dist::Bernoulli { p } => binomial(rng, n, *p) as f64,
        Dist::Exponential { mean } => samplers::gamma(rng, nf, *mean),
        Dist::Gamma { shape, rate } => samplers::gamma(rng, nf * shape, 1.0 / rate),
        Dist::Normal { mean, sd, .. } => normal(rng, nf * mean, nf * sd * sd),
        Dist::Scaled { inner, k } => k * exact_sum(rng, n, inner),
        other => (0..n).map(|_| other.sample(rng)).sum::<f64>().max(0.0),
    }
}

#[cfg(test)]
mod tests;
