//! Distributions ready to sample: small immutable values built once at validation time.
//!
//! Each variant documents its parameters; [`Dist::mean`], [`Dist::variance`] and
//! [`Dist::shape`] are exact and are what the engine's bulk path uses. Draws go through
//! [`super::samplers`] and every transcendental function here is `libm`'s, so a distribution
//! draws, and reports, the same bits on every platform. The scenario turns what
//! was written into these values and checks it (`scenario::dist`); quantities that cannot be
//! negative (times, counts, volumes) get no support below zero there, except the normal, which
//! is clamped (censored) at zero; its moments then are those of `max(X, 0)`.

use rand::Rng;

use super::samplers;

/// A distribution over f64.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the value.
    Constant(f64),
    /// Uniform on [lo, hi).
    Uniform { lo: f64, hi: f64 },
    /// Normal(mean, sd); with `clamp`, draws below zero become zero.
    Normal { mean: f64, sd: f64, clamp: bool },
    /// exp(N(mu, sigma²)).
    LogNormal { mu: f64, sigma: f64 },
    /// Exponential with the mean (rate 1/mean).
    Exponential { mean: f64 },
    /// min + (max − min)·Beta(α, β) with α = 1 + 4(mode − min)/(max − min), β = 1 + 4(max − mode)/(max − min).
    Pert {
        min: f64,
        max: f64,
        mode: f64,
        alpha: f64,
        beta: f64,
    },
    /// Poisson counts with the mean (> 0).
    Poisson { mean: f64 },
    /// 1 with probability p.
    Bernoulli { p: f64 },
    /// Gamma with `shape` k > 0 and `rate` β > 0 (mean k/β), e.g. a hazard's posterior.
    Gamma { shape: f64, rate: f64 },
    /// Beta(a, b) on [0, 1], e.g. a share's posterior.
    Beta { a: f64, b: f64 },
    /// Another distribution times a constant (e.g. an amount in another currency).
    Scaled { inner: Box<Dist>, k: f64 },
}

impl Dist {
    /// Uniform on [lo, hi) (lo < hi).
    pub fn uniform(lo: f64, hi: f64) -> Dist {
        Dist::Uniform { lo, hi }
    }

    /// Normal(mean, sd); with `clamp`, draws below zero become zero.
    pub fn normal(mean: f64, sd: f64, clamp: bool) -> Result<Dist, String> {
        if !(mean.is_finite() && sd.is_finite() && sd >= 0.0) {
            return Err(format!(
                "normal: needs a finite mean and sd ≥ 0, got {mean}, {sd}"
            ));
        }
        Ok(Dist::Normal { mean, sd, clamp })
    }

    /// exp(N(mu, sigma²)).
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Dist, String> {
        if !(mu.is_finite() && sigma.is_finite() && sigma >= 0.0) {
            return Err(format!(
                "lognormal: needs a finite mu and sigma ≥ 0, got {mu}, {sigma}"
            ));
        }
        Ok(Dist::LogNormal { mu, sigma })
    }

    /// Exponential with the mean (> 0).
    pub fn exponential(mean: f64) -> Result<Dist, String> {
        if !(mean.is_finite() && mean > 0.0) {
            return Err(format!("exponential: needs a finite mean > 0, got {mean}"));
        }
        Ok(Dist::Exponential { mean })
    }

    /// PERT on [min, max] with the mode (min ≤ mode ≤ max, min < max).
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, String> {
        let range = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / range;
        let beta = 1.0 + 4.0 * (max - mode) / range;
        if !(alpha.is_finite() && beta.is_finite() && alpha > 0.0 && beta > 0.0) {
            return Err(format!("pert: no beta shape from {min}, {mode}, {max}"));
        }
        Ok(Dist::Pert {
            min,
            max,
            mode,
            alpha,
            beta,
        })
    }

    /// Poisson counts with the mean (≥ 0; 0 is the constant 0).
    pub fn poisson(mean: f64) -> Result<Dist, String> {
        if mean == 0.0 {
            return Ok(Dist::Constant(0.0));
        }
        if !(mean.is_finite() && mean > 0.0) {
            return Err(format!("poisson: needs a finite mean ≥ 0, got {mean}"));
        }
        Ok(Dist::Poisson { mean })
    }

    /// Gamma with `shape` k > 0 and `rate` β > 0.
    pub fn gamma(shape: f64, rate: f64) -> Result<Dist, String> {
        if !(shape.is_finite() && shape > 0.0 && rate.is_finite() && rate > 0.0) {
            return Err(format!(
                "gamma: needs finite `shape` > 0 and `rate` > 0, got {shape}, {rate}"
            ));
        }
        Ok(Dist::Gamma { shape, rate })
    }

    /// Beta with shapes `a`, `b` > 0.
    pub fn beta(a: f64, b: f64) -> Result<Dist, String> {
        if !(a.is_finite() && a > 0.0 && b.is_finite() && b > 0.0) {
            return Err(format!(
                "beta: needs finite `a` > 0 and `b` > 0, got {a}, {b}"
            ));
        }
        Ok(Dist::Beta { a, b })
    }

    /// This distribution times `k` (k > 0).
    pub fn scaled(self, k: f64) -> Dist {
        match self {
            _ if k == 1.0 => self,
            Dist::Constant(v) => Dist::Constant(v * k),
            other => Dist::Scaled {
                inner: Box::new(other),
                k,
            },
        }
    }

    /// Whether every draw lies in [0, 1] (a probability or share).
    pub fn within_unit_interval(&self) -> bool {
        match self {
            Dist::Constant(v) => (0.0..=1.0).contains(v),
            Dist::Uniform { lo, hi } => *lo >= 0.0 && *hi <= 1.0,
            Dist::Pert { min, max, .. } => *min >= 0.0 && *max <= 1.0,
            Dist::Bernoulli { .. } | Dist::Beta { .. } => true,
            _ => false,
        }
    }

    /// One draw. The cheap, common kinds are drawn inline; the rest (and the recursion of
    /// `Scaled`) live in [`Dist::sample_rest`], so that this stays small enough to inline into
    /// the event loop.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Exponential { mean } => mean * samplers::std_exponential(rng),
            Dist::LogNormal { mu, sigma } => libm::exp(mu + sigma * samplers::std_normal(rng)),
            _ => self.sample_rest(rng),
        }
    }

    #[inline(never)]
    fn sample_rest<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant(_)
            | Dist::Uniform { .. }
            | Dist::Exponential { .. }
            | Dist::LogNormal { .. } => self.sample(rng),
            Dist::Normal { mean, sd, clamp } => {
                let x = mean + sd * samplers::std_normal(rng);
                if *clamp {
                    x.max(0.0)
                } else {
                    x
                }
            }
            Dist::Pert {
                min,
                max,
                alpha,
                beta,
                ..
            } => min + (max - min) * samplers::beta(rng, *alpha, *beta),
            Dist::Poisson { mean } => samplers::poisson(rng, *mean),
            Dist::Bernoulli { p } => {
                if rng.random::<f64>() < *p {
                    1.0
                } else {
                    0.0
                }
            }
            Dist::Gamma { shape, rate } => samplers::gamma(rng, *shape, 1.0 / rate),
            Dist::Beta { a, b } => samplers::beta(rng, *a, *b),
            Dist::Scaled { inner, k } => k * inner.sample(rng),
        }
    }

    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Uniform { lo, hi } => (lo + hi) / 2.0,
            Dist::Normal {
                mean, sd, clamp, ..
            } => {
                if *clamp {
                    censored_normal_moments(*mean, *sd).0
                } else {
                    *mean
                }
            }
            Dist::LogNormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
            Dist::Exponential { mean, .. } => *mean,
            Dist::Pert { min, max, mode, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Poisson { mean, .. } => *mean,
            Dist::Bernoulli { p } => *p,
            Dist::Gamma { shape, rate } => shape / rate,
            Dist::Beta { a, b } => a / (a + b),
            Dist::Scaled { inner, k } => k * inner.mean(),
        }
    }

    /// The exact variance.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Constant(_) => 0.0,
            Dist::Uniform { lo, hi } => (hi - lo) * (hi - lo) / 12.0,
            Dist::Normal {
                mean, sd, clamp, ..
            } => {
                if *clamp {
                    let (m1, m2) = censored_normal_moments(*mean, *sd);
                    (m2 - m1 * m1).max(0.0)
                } else {
                    sd * sd
                }
            }
            Dist::LogNormal { mu, sigma } => {
                let s2 = sigma * sigma;
                libm::expm1(s2) * libm::exp(2.0 * mu + s2)
            }
            Dist::Exponential { mean, .. } => mean * mean,
            Dist::Pert { min, max, mode, .. } => {
                let m = (min + 4.0 * mode + max) / 6.0;
                (m - min) * (max - m) / 7.0
            }
            Dist::Poisson { mean, .. } => *mean,
            Dist::Bernoulli { p } => p * (1.0 - p),
            Dist::Gamma { shape, rate } => shape / (rate * rate),
            Dist::Beta { a, b } => a * b / ((a + b) * (a + b) * (a + b + 1.0)),
            Dist::Scaled { inner, k } => k * k * inner.variance(),
        }
    }

    /// Skewness γ₁ and excess kurtosis γ₂ (both 0 for a constant). A sum of n independent
    /// draws has γ₁/√n and γ₂/n; the engine's bulk path uses them to decide where a normal
    /// draw may stand in for a sum (see [`crate::engine::sample`]).
    pub fn shape(&self) -> (f64, f64) {
        match self {
            Dist::Constant(_) => (0.0, 0.0),
            Dist::Uniform { .. } => (0.0, -1.2),
            Dist::Normal {
                mean, sd, clamp, ..
            } => {
                if *clamp {
                    shape_from_raw(&censored_normal_raw(*mean, *sd))
                } else {
                    (0.0, 0.0)
                }
            }
            Dist::LogNormal { sigma, .. } => {
                let w = libm::exp(sigma * sigma);
                let w2 = w * w;
                (
                    (w + 2.0) * (w - 1.0).sqrt(),
                    w2 * w2 + 2.0 * w2 * w + 3.0 * w2 - 6.0,
                )
            }
            Dist::Exponential { .. } => (2.0, 6.0),
            Dist::Pert {
                alpha: a, beta: b, ..
            }
            | Dist::Beta { a, b } => {
                let (a, b) = (*a, *b);
                let skew = 2.0 * (b - a) * (a + b + 1.0).sqrt() / ((a + b + 2.0) * (a * b).sqrt());
                let kurt = 6.0 * ((a - b) * (a - b) * (a + b + 1.0) - a * b * (a + b + 2.0))
                    / (a * b * (a + b + 2.0) * (a + b + 3.0));
                (skew, kurt)
            }
            Dist::Poisson { mean, .. } => (1.0 / mean.sqrt(), 1.0 / mean),
            Dist::Bernoulli { p } => {
                if *p <= 0.0 || *p >= 1.0 {
                    (0.0, 0.0)
                } else {
                    let q = 1.0 - p;
                    ((q - p) / (p * q).sqrt(), (1.0 - 6.0 * p * q) / (p * q))
                }
            }
            Dist::Gamma { shape, .. } => (2.0 / shape.sqrt(), 6.0 / shape),
            Dist::Scaled { inner, .. } => inner.shape(),
        }
    }
}

/// First and second raw moments of max(X, 0) for X ~ N(m, s²).
fn censored_normal_moments(m: f64, s: f64) -> (f64, f64) {
    let r = censored_normal_raw(m, s);
    (r[1], r[2])
}

/// Raw moments E[max(X, 0)^k], k = 0..4, for X ~ N(m, s²): with z = m/s,
/// M₀ = Φ(z), M₁ = m·M₀ + s·φ(z), Mₖ = m·Mₖ₋₁ + (k − 1)·s²·Mₖ₋₂ (integration by parts; the
/// boundary term at 0 vanishes for k ≥ 2). M₀ is reported as 1: the mass at zero adds nothing
/// to the higher moments.
fn censored_normal_raw(m: f64, s: f64) -> [f64; 5] {
    if s == 0.0 {
        let v = m.max(0.0);
        return [1.0, v, v * v, v * v * v, v * v * v * v];
    }
    let z = m / s;
    let mut r = [0.0; 5];
    r[0] = normal_cdf(z);
    r[1] = m * r[0] + s * libm::exp(-0.5 * z * z) / (2.0 * std::f64::consts::PI).sqrt();
    for k in 2..5 {
        r[k] = m * r[k - 1] + (k - 1) as f64 * s * s * r[k - 2];
    }
    r[0] = 1.0;
    r
}

/// Skewness and excess kurtosis from raw moments 1..4.
fn shape_from_raw(r: &[f64; 5]) -> (f64, f64) {
    let (m1, m2, m3, m4) = (r[1], r[2], r[3], r[4]);
    let var = m2 - m1 * m1;
    if var <= 0.0 {
        return (0.0, 0.0);
    }
    let m1_2 = m1 * m1;
    let mu3 = m3 - 3.0 * m1 * m2 + 2.0 * m1_2 * m1;
    let mu4 = m4 - 4.0 * m1 * m3 + 6.0 * m1_2 * m2 - 3.0 * m1_2 * m1_2;
    (mu3 / (var * var.sqrt()), mu4 / (var * var) - 3.0)
}

/// Standard normal CDF via the complementary error function (`libm`'s).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// z-score of the 90th percentile of the standard normal.
    const Z90: f64 = 1.281_551_565_544_600_5;

    /// The lognormal with this median and 90th percentile.
    fn lognormal(median: f64, p90: f64) -> Dist {
        Dist::lognormal(median.ln(), (p90 / median).ln() / Z90).unwrap()
    }

    /// Sample mean and variance match the exact ones within 4 standard errors.
    fn check_moments(d: &Dist) {
        let n = 200_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        let se_mean = (d.variance() / n as f64).sqrt();
        assert!(
            (mean - d.mean()).abs() <= 4.0 * se_mean + 1e-12,
            "{d:?}: mean {mean} vs {}",
            d.mean()
        );
        // Var of the sample variance needs the 4th moment; a 3% band is ~10 SE here for all
        // shapes tested except the heavy lognormal, which gets its own looser check.
        let rel = (var - d.variance()).abs() / d.variance().max(1e-12);
        assert!(rel < 0.03, "{d:?}: variance {var} vs {}", d.variance());
    }

    #[test]
    fn every_shape_has_the_moments_it_claims() {
        let shapes = [
            Dist::uniform(2.0, 5.0),
            Dist::normal(10.0, 3.0, true).unwrap(),
            Dist::normal(0.5, 1.0, true).unwrap(), // clamped: censored moments
            Dist::exponential(0.25).unwrap(),
            Dist::pert(1.0, 2.0, 9.0).unwrap(),
            Dist::poisson(3.5).unwrap(),
            Dist::Bernoulli { p: 0.3 },
            lognormal(10.0, 20.0),
            Dist::gamma(0.6, 2.0).unwrap(),
            Dist::gamma(4.0, 0.5).unwrap(),
            Dist::beta(2.0, 30.0).unwrap(),
        ];
        for s in &shapes {
            check_moments(s);
        }
    }

    /// Skewness and excess kurtosis (what decides where a normal may stand in for a sum) match
    /// sample estimates within 4 standard errors, the SEs from 40 batch estimates.
    #[test]
    fn every_shape_has_the_skewness_and_kurtosis_it_claims() {
        let shapes = [
            Dist::uniform(2.0, 5.0),
            Dist::normal(0.5, 1.0, true).unwrap(), // clamped at zero
            Dist::normal(3.0, 1.0, true).unwrap(), // clamped, barely
            Dist::exponential(0.25).unwrap(),
            Dist::pert(1.0, 1.0, 5.0).unwrap(),
            Dist::pert(1.0, 4.0, 9.0).unwrap(),
            Dist::poisson(3.5).unwrap(),
            Dist::Bernoulli { p: 0.3 },
            lognormal(10.0, 13.0),
            Dist::gamma(3.0, 2.0).unwrap(),
            Dist::beta(2.0, 5.0).unwrap(),
        ];
        let shape_of = |xs: &[f64]| {
            let n = xs.len() as f64;
            let m = xs.iter().sum::<f64>() / n;
            let c = |k: i32| xs.iter().map(|x| (x - m).powi(k)).sum::<f64>() / n;
            (c(3) / c(2).powf(1.5), c(4) / (c(2) * c(2)) - 3.0)
        };
        let (batches, per) = (40, 10_000);
        for s in &shapes {
            let d = s;
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
            let xs: Vec<f64> = (0..batches * per).map(|_| d.sample(&mut rng)).collect();
            let (skew, kurt) = shape_of(&xs);
            let parts: Vec<(f64, f64)> = xs.chunks(per).map(shape_of).collect();
            let se = |f: fn(&(f64, f64)) -> f64| {
                let v: Vec<f64> = parts.iter().map(f).collect();
                let m = v.iter().sum::<f64>() / v.len() as f64;
                let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
                (var / v.len() as f64).sqrt()
            };
            let (se_skew, se_kurt) = (se(|p| p.0), se(|p| p.1));
            let (want_skew, want_kurt) = d.shape();
            assert!(
                (skew - want_skew).abs() <= 4.0 * se_skew,
                "{d:?}: skewness {skew} vs {want_skew} (SE {se_skew})"
            );
            assert!(
                (kurt - want_kurt).abs() <= 4.0 * se_kurt,
                "{d:?}: kurtosis {kurt} vs {want_kurt} (SE {se_kurt})"
            );
        }
    }

    #[test]
    fn normal_cdf_matches_tables() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_963_985) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.281_551_566) - 0.1).abs() < 1e-6);
    }
}
