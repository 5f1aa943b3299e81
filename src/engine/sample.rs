//! Drawing a day's worth of sessions and records in one step.
//!
//! Sessions that neither wait nor interact are not simulated one by one: a day's count is one
//! Poisson draw, splits are binomial, and the records read in n sessions are a compound sum.
//! The sum is exact (n separate draws) for n ≤ [`EXACT_MAX`]; above it, it is a moment-matched
//! normal draw N(n·μ, n·σ²) clamped at zero, where μ and σ² are the exact mean and variance of
//! the records-per-session distribution. By the central limit theorem the relative error of
//! that approximation shrinks as 1/√n; a test checks both paths agree in mean and variance.

use rand::Rng;
use rand_distr::{Binomial, Distribution, Normal, Poisson};

use crate::model::Dist;

/// Largest session count whose records are summed draw by draw.
pub const EXACT_MAX: u64 = 32;

/// Above this mean a Poisson count is drawn as a rounded normal (the two are indistinguishable
/// there, and rand_distr's Poisson refuses means near 2^64).
const POISSON_NORMAL_ABOVE: f64 = 1e12;

/// A Poisson count with the given mean (≥ 0).
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        0
    } else if mean > POISSON_NORMAL_ABOVE {
        normal_count(rng, mean, mean)
    } else {
        Poisson::new(mean)
            .map(|d| d.sample(rng) as u64)
            .unwrap_or(0)
    }
}

/// A binomial count: successes in `n` trials of probability `p`.
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        0
    } else if p >= 1.0 {
        n
    } else {
        Binomial::new(n, p).map(|d| d.sample(rng)).unwrap_or(0)
    }
}

/// A rounded normal draw clamped at zero.
fn normal_count<R: Rng + ?Sized>(rng: &mut R, mean: f64, var: f64) -> u64 {
    let d = Normal::new(mean, var.sqrt())
        .unwrap_or_else(|_| Normal::new(mean, 0.0).expect("sd 0 is valid"));
    d.sample(rng).max(0.0).round() as u64
}

/// Records read in `n` sessions, each reading a draw of `per_session`, rounded to whole records.
#[inline]
pub fn records<R: Rng + ?Sized>(rng: &mut R, n: u64, per_session: &Dist) -> u64 {
    if n == 0 {
        return 0;
    }
    if n <= EXACT_MAX {
        let mut sum = 0.0;
        for _ in 0..n {
            sum += per_session.sample(rng);
        }
        sum.max(0.0).round() as u64
    } else {
        let nf = n as f64;
        normal_count(rng, nf * per_session.mean(), nf * per_session.variance())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::dist::{RawDist, TaggedDist};
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (
            m,
            xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0),
        )
    }

    /// The exact path at n = EXACT_MAX and the normal path at n = EXACT_MAX + 1 both match the
    /// compound-sum mean n·μ within 4 standard errors and variance n·σ² within 5%.
    #[test]
    fn exact_and_moment_matched_paths_agree_in_distribution() {
        let d = Dist::non_negative(&RawDist::Tagged(TaggedDist::Lognormal {
            median: Some(20.0),
            p90: Some(60.0),
            p5: None,
            p95: None,
        }))
        .unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for n in [EXACT_MAX, EXACT_MAX + 1] {
            let reps = 40_000;
            let xs: Vec<f64> = (0..reps).map(|_| records(&mut rng, n, &d) as f64).collect();
            let (m, v) = moments(&xs);
            let (em, ev) = (n as f64 * d.mean(), n as f64 * d.variance());
            assert!(
                (m - em).abs() < 4.0 * (ev / reps as f64).sqrt(),
                "n={n}: mean {m} vs {em}"
            );
            assert!((v - ev).abs() / ev < 0.05, "n={n}: var {v} vs {ev}");
        }
    }

    #[test]
    fn counts_have_their_means() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let n = 20_000;
        for mean in [0.3, 40.0, 5e6] {
            let xs: Vec<f64> = (0..n).map(|_| poisson(&mut rng, mean) as f64).collect();
            let (m, _) = moments(&xs);
            assert!(
                (m - mean).abs() < 4.0 * (mean / n as f64).sqrt(),
                "poisson {mean}: {m}"
            );
        }
        let xs: Vec<f64> = (0..n)
            .map(|_| binomial(&mut rng, 1000, 0.1) as f64)
            .collect();
        let (m, _) = moments(&xs);
        assert!(
            (m - 100.0).abs() < 4.0 * (90.0 / n as f64).sqrt(),
            "binomial: {m}"
        );
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(binomial(&mut rng, 7, 1.0), 7);
    }
}
