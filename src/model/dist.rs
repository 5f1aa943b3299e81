//! Distributions ready to sample: small immutable values built once at validation time.
//!
//! Each variant documents its parameters; [`Dist::mean`] and [`Dist::variance`] are exact and
//! are what the moment-matched bulk path of the engine uses. Quantities that cannot be negative
//! (times, counts, volumes) are built with [`Dist::non_negative`], which rejects supports below
//! zero, except for the normal, which is clamped (censored) at zero; its moments then are those
//! of `max(X, 0)`.

use rand::Rng;
use rand_distr::{Beta, Distribution, Exp, LogNormal, Normal, Poisson};

use crate::scenario::dist::{RawDist, TaggedDist};

/// z-score of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_5;
/// z-score of the 95th percentile of the standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution over f64.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the value.
    Constant(f64),
    /// Uniform on [lo, hi).
    Uniform { lo: f64, hi: f64 },
    /// Normal(mean, sd); with `clamp`, draws below zero become zero.
    Normal {
        d: Normal<f64>,
        mean: f64,
        sd: f64,
        clamp: bool,
    },
    /// exp(N(mu, sigma²)).
    LogNormal {
        d: LogNormal<f64>,
        mu: f64,
        sigma: f64,
    },
    /// Exponential with the mean (rate 1/mean).
    Exponential { d: Exp<f64>, mean: f64 },
    /// min + (max − min)·Beta(α, β) with α = 1 + 4(mode − min)/(max − min), β = 1 + 4(max − mode)/(max − min).
    Pert {
        d: Beta<f64>,
        min: f64,
        max: f64,
        mode: f64,
    },
    /// Poisson counts with the mean (> 0).
    Poisson { d: Poisson<f64>, mean: f64 },
    /// 1 with probability p.
    Bernoulli { p: f64 },
    /// Another distribution times a constant (e.g. an amount in another currency).
    Scaled { inner: Box<Dist>, k: f64 },
}

impl Dist {
    /// Builds a distribution over any real numbers.
    pub fn any(raw: &RawDist) -> Result<Dist, String> {
        Self::build(raw, false)
    }

    /// Builds a distribution for a quantity that cannot be negative.
    pub fn non_negative(raw: &RawDist) -> Result<Dist, String> {
        Self::build(raw, true)
    }

    fn build(raw: &RawDist, nonneg: bool) -> Result<Dist, String> {
        let finite = |name: &str, v: f64| -> Result<f64, String> {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("`{name}` must be a finite number, got {v}"))
            }
        };
        let neg = |name: &str, v: f64| -> Result<(), String> {
            if nonneg && v < 0.0 {
                Err(format!("`{name}` must be ≥ 0 for this quantity, got {v}"))
            } else {
                Ok(())
            }
        };
        let tagged = match raw {
            RawDist::Number(v) => {
                let v = finite("value", *v)?;
                neg("value", v)?;
                return Ok(Dist::Constant(v));
            }
            RawDist::Tagged(t) => t,
        };
        Ok(match *tagged {
            TaggedDist::Constant { value } => {
                let v = finite("value", value)?;
                neg("value", v)?;
                Dist::Constant(v)
            }
            TaggedDist::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                neg("min", min)?;
                if max <= min {
                    return Err(format!(
                        "uniform needs `min` < `max`, got min {min}, max {max}"
                    ));
                }
                Dist::Uniform { lo: min, hi: max }
            }
            TaggedDist::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd < 0.0 {
                    return Err(format!("normal needs `sd` ≥ 0, got {sd}"));
                }
                let d = Normal::new(mean, sd).map_err(|e| format!("normal: {e}"))?;
                Dist::Normal {
                    d,
                    mean,
                    sd,
                    clamp: nonneg,
                }
            }
            TaggedDist::Lognormal {
                median,
                p90,
                p5,
                p95,
            } => {
                let (mu, sigma) = match (median, p90, p5, p95) {
                    (Some(m), Some(p), None, None) => {
                        finite("median", m)?;
                        finite("p90", p)?;
                        if m <= 0.0 || p < m {
                            return Err(format!(
                                "lognormal needs 0 < `median` ≤ `p90`, got median {m}, p90 {p}"
                            ));
                        }
                        (m.ln(), (p.ln() - m.ln()) / Z90)
                    }
                    (None, None, Some(a), Some(b)) => {
                        finite("p5", a)?;
                        finite("p95", b)?;
                        if a <= 0.0 || b < a {
                            return Err(format!(
                                "lognormal needs 0 < `p5` ≤ `p95`, got p5 {a}, p95 {b}"
                            ));
                        }
                        ((a.ln() + b.ln()) / 2.0, (b.ln() - a.ln()) / (2.0 * Z95))
                    }
                    _ => {
                        return Err(
                            "lognormal takes either `median` and `p90`, or `p5` and `p95`".into(),
                        )
                    }
                };
                let d = LogNormal::new(mu, sigma).map_err(|e| format!("lognormal: {e}"))?;
                Dist::LogNormal { d, mu, sigma }
            }
            TaggedDist::Exponential { mean } => {
                finite("mean", mean)?;
                if mean <= 0.0 {
                    return Err(format!("exponential needs `mean` > 0, got {mean}"));
                }
                let d = Exp::new(1.0 / mean).map_err(|e| format!("exponential: {e}"))?;
                Dist::Exponential { d, mean }
            }
            TaggedDist::Pert { min, mode, max } => {
                finite("min", min)?;
                finite("mode", mode)?;
                finite("max", max)?;
                neg("min", min)?;
                if !(min <= mode && mode <= max && min < max) {
                    return Err(format!(
                        "pert needs `min` ≤ `mode` ≤ `max` and `min` < `max`, got {min}, {mode}, {max}"
                    ));
                }
                let range = max - min;
                let a = 1.0 + 4.0 * (mode - min) / range;
                let b = 1.0 + 4.0 * (max - mode) / range;
                let d = Beta::new(a, b).map_err(|e| format!("pert: {e}"))?;
                Dist::Pert { d, min, max, mode }
            }
            TaggedDist::Poisson { mean } => {
                finite("mean", mean)?;
                if mean < 0.0 {
                    return Err(format!("poisson needs `mean` ≥ 0, got {mean}"));
                }
                if mean == 0.0 {
                    Dist::Constant(0.0)
                } else {
                    let d = Poisson::new(mean).map_err(|e| format!("poisson: {e}"))?;
                    Dist::Poisson { d, mean }
                }
            }
            TaggedDist::Bernoulli { p } => {
                finite("p", p)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(format!("bernoulli needs 0 ≤ `p` ≤ 1, got {p}"));
                }
                Dist::Bernoulli { p }
            }
        })
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

    /// Builds a distribution of a probability or share: its support must lie in [0, 1].
    pub fn probability(raw: &RawDist) -> Result<Dist, String> {
        let d = Self::build(raw, true)?;
        let ok = match &d {
            Dist::Constant(v) => *v <= 1.0,
            Dist::Uniform { hi, .. } => *hi <= 1.0,
            Dist::Pert { max, .. } => *max <= 1.0,
            Dist::Bernoulli { .. } => true,
            _ => false,
        };
        if ok {
            Ok(d)
        } else {
            Err("a share must be a number in [0, 1] or a uniform, pert or bernoulli distribution within [0, 1]".into())
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Uniform { lo, hi } => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Normal { d, clamp, .. } => {
                let x = d.sample(rng);
                if *clamp {
                    x.max(0.0)
                } else {
                    x
                }
            }
            Dist::LogNormal { d, .. } => d.sample(rng),
            Dist::Exponential { d, .. } => d.sample(rng),
            Dist::Pert { d, min, max, .. } => min + (max - min) * d.sample(rng),
            Dist::Poisson { d, .. } => d.sample(rng),
            Dist::Bernoulli { p } => {
                if rng.random::<f64>() < *p {
                    1.0
                } else {
                    0.0
                }
            }
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
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Exponential { mean, .. } => *mean,
            Dist::Pert { min, max, mode, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Poisson { mean, .. } => *mean,
            Dist::Bernoulli { p } => *p,
            Dist::Scaled { inner, k } => k * inner.mean(),
        }
    }

    /// The exact variance.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Constant(_) => 0.0,
            Dist::Uniform { lo, hi } => (hi - lo).powi(2) / 12.0,
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
            Dist::LogNormal { mu, sigma, .. } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * (2.0 * mu + s2).exp()
            }
            Dist::Exponential { mean, .. } => mean * mean,
            Dist::Pert { min, max, mode, .. } => {
                let m = (min + 4.0 * mode + max) / 6.0;
                (m - min) * (max - m) / 7.0
            }
            Dist::Poisson { mean, .. } => *mean,
            Dist::Bernoulli { p } => p * (1.0 - p),
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
                let w = (sigma * sigma).exp();
                (
                    (w + 2.0) * (w - 1.0).sqrt(),
                    w.powi(4) + 2.0 * w.powi(3) + 3.0 * w * w - 6.0,
                )
            }
            Dist::Exponential { .. } => (2.0, 6.0),
            Dist::Pert { min, max, mode, .. } => {
                let range = max - min;
                let a = 1.0 + 4.0 * (mode - min) / range;
                let b = 1.0 + 4.0 * (max - mode) / range;
                let skew = 2.0 * (b - a) * (a + b + 1.0).sqrt() / ((a + b + 2.0) * (a * b).sqrt());
                let kurt = 6.0 * ((a - b).powi(2) * (a + b + 1.0) - a * b * (a + b + 2.0))
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
        return [1.0, v, v * v, v.powi(3), v.powi(4)];
    }
    let z = m / s;
    let mut r = [0.0; 5];
    r[0] = normal_cdf(z);
    r[1] = m * r[0] + s * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
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
    let mu3 = m3 - 3.0 * m1 * m2 + 2.0 * m1.powi(3);
    let mu4 = m4 - 4.0 * m1 * m3 + 6.0 * m1 * m1 * m2 - 3.0 * m1.powi(4);
    (mu3 / var.powf(1.5), mu4 / (var * var) - 3.0)
}

/// Standard normal CDF via the complementary error function.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes `erfcc`, relative error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn tagged(t: TaggedDist) -> RawDist {
        RawDist::Tagged(t)
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
            tagged(TaggedDist::Uniform { min: 2.0, max: 5.0 }),
            tagged(TaggedDist::Normal {
                mean: 10.0,
                sd: 3.0,
            }),
            tagged(TaggedDist::Normal { mean: 0.5, sd: 1.0 }), // clamped: censored moments
            tagged(TaggedDist::Exponential { mean: 0.25 }),
            tagged(TaggedDist::Pert {
                min: 1.0,
                mode: 2.0,
                max: 9.0,
            }),
            tagged(TaggedDist::Poisson { mean: 3.5 }),
            tagged(TaggedDist::Bernoulli { p: 0.3 }),
            tagged(TaggedDist::Lognormal {
                median: Some(10.0),
                p90: Some(20.0),
                p5: None,
                p95: None,
            }),
        ];
        for s in &shapes {
            check_moments(&Dist::non_negative(s).unwrap());
        }
    }

    /// Skewness and excess kurtosis (what decides where a normal may stand in for a sum) match
    /// sample estimates within 4 standard errors, the SEs from 40 batch estimates.
    #[test]
    fn every_shape_has_the_skewness_and_kurtosis_it_claims() {
        let shapes = [
            tagged(TaggedDist::Uniform { min: 2.0, max: 5.0 }),
            tagged(TaggedDist::Normal { mean: 0.5, sd: 1.0 }), // clamped at zero
            tagged(TaggedDist::Normal { mean: 3.0, sd: 1.0 }), // clamped, barely
            tagged(TaggedDist::Exponential { mean: 0.25 }),
            tagged(TaggedDist::Pert {
                min: 1.0,
                mode: 1.0,
                max: 5.0,
            }),
            tagged(TaggedDist::Pert {
                min: 1.0,
                mode: 4.0,
                max: 9.0,
            }),
            tagged(TaggedDist::Poisson { mean: 3.5 }),
            tagged(TaggedDist::Bernoulli { p: 0.3 }),
            tagged(TaggedDist::Lognormal {
                median: Some(10.0),
                p90: Some(13.0),
                p5: None,
                p95: None,
            }),
        ];
        let shape_of = |xs: &[f64]| {
            let n = xs.len() as f64;
            let m = xs.iter().sum::<f64>() / n;
            let c = |k: i32| xs.iter().map(|x| (x - m).powi(k)).sum::<f64>() / n;
            (c(3) / c(2).powf(1.5), c(4) / (c(2) * c(2)) - 3.0)
        };
        let (batches, per) = (40, 10_000);
        for s in &shapes {
            let d = Dist::non_negative(s).unwrap();
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
    fn lognormal_quantile_forms_hit_their_quantiles() {
        let d = Dist::any(&tagged(TaggedDist::Lognormal {
            median: None,
            p90: None,
            p5: Some(2.0),
            p95: Some(50.0),
        }))
        .unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 100_000;
        let below5 = (0..n).filter(|_| d.sample(&mut rng) < 2.0).count() as f64 / n as f64;
        // Binomial SE of a 5% share over 1e5 draws is 0.0007.
        assert!((below5 - 0.05).abs() < 0.003, "{below5}");
    }

    #[test]
    fn impossible_parameters_are_refused_with_the_field_named() {
        let e = Dist::non_negative(&RawDist::Number(-1.0)).unwrap_err();
        assert!(e.contains("value"), "{e}");
        let e = Dist::any(&tagged(TaggedDist::Uniform { min: 3.0, max: 1.0 })).unwrap_err();
        assert!(e.contains("min"), "{e}");
        let e = Dist::any(&tagged(TaggedDist::Exponential { mean: f64::NAN })).unwrap_err();
        assert!(e.contains("finite"), "{e}");
        let e = Dist::any(&tagged(TaggedDist::Lognormal {
            median: Some(1.0),
            p90: None,
            p5: None,
            p95: None,
        }))
        .unwrap_err();
        assert!(e.contains("p90"), "{e}");
        assert!(Dist::any(&tagged(TaggedDist::Bernoulli { p: 1.5 })).is_err());
    }

    #[test]
    fn normal_cdf_matches_tables() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_963_985) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.281_551_566) - 0.1).abs() < 1e-6);
    }
}
