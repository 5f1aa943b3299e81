//! Sensitivity indices from a design's outputs, independent of the simulator: give it one output
//! value per point (in the design's order) and the design's [`Structure`](super::design::Structure).
//!
//! - **Morris** (elementary effects): along each trajectory, a step moves one factor by ±Δ in
//!   the unit cube; its elementary effect is (y(after) − y(before)) / Δ. Per factor, μ is the
//!   mean effect, μ* the mean absolute effect (the screening measure of Campolongo et al. 2007)
//!   and σ their standard deviation (interactions and non-linearity).
//! - **Sobol** (Saltelli's scheme, SALib's estimators): with f_A, f_B and f_ABi the outputs at
//!   A, B and A-with-column-i-from-B, centred on the mean of all outputs, and V the variance of
//!   all f_A and f_B (divided by 2N, as NumPy's `var`), S1_i = mean(f_B·(f_ABi − f_A)) / V
//!   (Saltelli et al. 2010) and ST_i = mean((f_A − f_ABi)²) / (2V) (Jansen 1999).
//!
//! 95% intervals are bootstrap percentile intervals: rows (Sobol) or trajectories (Morris) are
//! resampled with replacement from a fixed-seed stream, so the same outputs give the same
//! intervals. An output without variance gets indices of 0.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::metrics::aggregate::quantile_sorted;

/// An estimate with a bootstrap 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Morris indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: Estimate,
    pub sigma: Estimate,
}

/// Sobol indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: Estimate,
    pub st: Estimate,
}

/// Bootstrap resamples used by the shipped commands.
pub const RESAMPLES: usize = 1000;

fn bootstrap(
    units: usize,
    resamples: usize,
    seed: u64,
    stat: impl Fn(&[usize]) -> Vec<f64>,
    k: usize,
) -> Vec<(f64, f64)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xB007_5742_A9ED_0001);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); k];
    let mut idx = vec![0usize; units];
    for _ in 0..resamples {
        for i in idx.iter_mut() {
            *i = rng.random_range(0..units);
        }
        for (d, v) in draws.iter_mut().zip(stat(&idx)) {
            d.push(v);
        }
    }
    draws
        .into_iter()
        .map(|mut d| {
            d.sort_by(f64::total_cmp);
            (quantile_sorted(&d, 0.025), quantile_sorted(&d, 0.975))
        })
        .collect()
}

/// Morris indices of `k` factors from outputs `y` of trajectories with `steps` (per trajectory,
/// the factor moved and the signed step of each of its k steps).
pub fn morris(
    y: &[f64],
    steps: &[Vec<(usize, f64)>],
    k: usize,
    resamples: usize,
    seed: u64,
) -> Vec<MorrisIndex> {
    // effects[t][i]: trajectory t's elementary effect of factor i.
    let effects: Vec<Vec<f64>> = steps
        .iter()
        .enumerate()
        .map(|(t, st)| {
            let base = t * (k + 1);
            let mut e = vec![0.0; k];
            for (j, (i, d)) in st.iter().enumerate() {
                e[*i] = (y[base + j + 1] - y[base + j]) / d;
            }
            e
        })
        .collect();
    let stats = |rows: &[usize]| -> Vec<(f64, f64, f64)> {
        let n = rows.len() as f64;
        (0..k)
            .map(|i| {
                let mu = rows.iter().map(|&t| effects[t][i]).sum::<f64>() / n;
                let mu_star = rows.iter().map(|&t| effects[t][i].abs()).sum::<f64>() / n;
                let sigma = if rows.len() > 1 {
                    (rows
                        .iter()
                        .map(|&t| (effects[t][i] - mu) * (effects[t][i] - mu))
                        .sum::<f64>()
                        / (n - 1.0))
                        .sqrt()
                } else {
                    0.0
                };
                (mu, mu_star, sigma)
            })
            .collect()
    };
    let all: Vec<usize> = (0..effects.len()).collect();
    let point = stats(&all);
    let r = effects.len().max(1);
    let ci_star = bootstrap(
        r,
        resamples,
        seed,
        |rows| stats(rows).iter().map(|s| s.1).collect(),
        k,
    );
    let ci_sigma = bootstrap(
        r,
        resamples,
        seed.wrapping_add(1),
        |rows| stats(rows).iter().map(|s| s.2).collect(),
        k,
    );
    (0..k)
        .map(|i| MorrisIndex {
            mu: point[i].0,
            mu_star: Estimate {
                value: point[i].1,
                lo: ci_star[i].0,
                hi: ci_star[i].1,
            },
            sigma: Estimate {
                value: point[i].2,
                lo: ci_sigma[i].0,
                hi: ci_sigma[i].1,
            },
        })
        .collect()
}

/// Sobol first-order and total indices of `k` factors from outputs `y` of Saltelli's scheme with
/// `n` rows (stride k + 2: A, B, AB_0 ... AB_{k-1}).
pub fn sobol(y: &[f64], n: usize, k: usize, resamples: usize, seed: u64) -> Vec<SobolIndex> {
    let stride = k + 2;
    // Outputs centred on their grand mean, as SALib does before estimating: Saltelli 2010's
    // first-order estimator is not shift-invariant, and centring lowers its variance.
    let used = &y[..(n * stride).min(y.len())];
    let centre = if used.is_empty() {
        0.0
    } else {
        used.iter().sum::<f64>() / used.len() as f64
    };
    let at = |j: usize, c: usize| y[j * stride + c] - centre;
    // Per factor (S1, ST), both 0 when the output has no variance.
    let stats = |rows: &[usize]| -> Vec<(f64, f64)> {
        let m = rows.len() as f64;
        let mean = rows.iter().map(|&j| at(j, 0) + at(j, 1)).sum::<f64>() / (2.0 * m);
        let var = rows
            .iter()
            .map(|&j| {
                let (a, b) = (at(j, 0) - mean, at(j, 1) - mean);
                a * a + b * b
            })
            .sum::<f64>()
            / (2.0 * m);
        (0..k)
            .map(|i| {
                if var <= 0.0 || !var.is_finite() {
                    return (0.0, 0.0);
                }
                let s1 = rows
                    .iter()
                    .map(|&j| at(j, 1) * (at(j, 2 + i) - at(j, 0)))
                    .sum::<f64>()
                    / m;
                let d_a = rows
                    .iter()
                    .map(|&j| {
                        let d = at(j, 0) - at(j, 2 + i);
                        d * d
                    })
                    .sum::<f64>()
                    / m;
                (s1 / var, d_a / (2.0 * var))
            })
            .collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let point = stats(&all);
    let units = n.max(1);
    let ci_s1 = bootstrap(
        units,
        resamples,
        seed,
        |rows| stats(rows).iter().map(|s| s.0).collect(),
        k,
    );
    let ci_st = bootstrap(
        units,
        resamples,
        seed.wrapping_add(1),
        |rows| stats(rows).iter().map(|s| s.1).collect(),
        k,
    );
    (0..k)
        .map(|i| SobolIndex {
            s1: Estimate {
                value: point[i].0,
                lo: ci_s1[i].0,
                hi: ci_s1[i].1,
            },
            st: Estimate {
                value: point[i].1,
                lo: ci_st[i].0,
                hi: ci_st[i].1,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::design::{morris as morris_design, saltelli};
    use std::f64::consts::PI;

    /// Ishigami function on [−π, π]³ from unit coordinates.
    fn ishigami(u: &[f64], a: f64, b: f64) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// The analytic (S1, ST) of the Ishigami function with a = 7, b = 0.1.
    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0, 0.1);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let vt3 = 8.0 * b * b * PI.powi(8) / 225.0;
        let v = v1 + v2 + vt3;
        ([v1 / v, v2 / v, 0.0], [(v1 + vt3) / v, v2 / v, vt3 / v])
    }

    /// Mean absolute error of the six Ishigami indices estimated from the unit points `u`.
    fn ishigami_error(u: &[Vec<f64>], n: usize) -> f64 {
        let (s1, st) = ishigami_indices();
        let y: Vec<f64> = u.iter().map(|u| ishigami(u, 7.0, 0.1)).collect();
        let idx = sobol(&y, n, 3, 1, 1);
        (0..3)
            .map(|i| (idx[i].s1.value - s1[i]).abs() + (idx[i].st.value - st[i]).abs())
            .sum::<f64>()
            / 6.0
    }

    #[test]
    fn sobol_reproduces_the_analytic_ishigami_indices() {
        let (s1, st) = ishigami_indices();
        assert!((s1[0] - 0.3139).abs() < 1e-3 && (st[2] - 0.2437).abs() < 1e-3);

        let n = 16_384;
        let y: Vec<f64> = saltelli(n, 3, 42)
            .iter()
            .map(|u| ishigami(u, 7.0, 0.1))
            .collect();
        let idx = sobol(&y, n, 3, 500, 9);
        for i in 0..3 {
            let (e1, et) = (idx[i].s1, idx[i].st);
            assert!(
                e1.lo <= s1[i] && s1[i] <= e1.hi,
                "S1[{i}] = {} not in [{}, {}]",
                s1[i],
                e1.lo,
                e1.hi
            );
            assert!(
                et.lo <= st[i] && st[i] <= et.hi,
                "ST[{i}] = {} not in [{}, {}]",
                st[i],
                et.lo,
                et.hi
            );
            assert!(e1.hi - e1.lo < 0.1 && et.hi - et.lo < 0.1, "{:?}", idx[i]);
        }
    }

    #[test]
    fn the_sobol_sequence_beats_pseudo_random_matrices() {
        // The design before Sobol' sequences: A and B drawn uniformly, row by row.
        let pseudo = |n: usize, seed: u64| -> Vec<Vec<f64>> {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut out = Vec::new();
            for _ in 0..n {
                let a: Vec<f64> = (0..3).map(|_| rng.random::<f64>()).collect();
                let b: Vec<f64> = (0..3).map(|_| rng.random::<f64>()).collect();
                out.extend([a.clone(), b.clone()]);
                for i in 0..3 {
                    let mut ab = a.clone();
                    ab[i] = b[i];
                    out.push(ab);
                }
            }
            out
        };
        let n = 1024;
        let seeds = 1..=8u64;
        let quasi: Vec<f64> = seeds
            .clone()
            .map(|s| ishigami_error(&saltelli(n, 3, s), n))
            .collect();
        let random: Vec<f64> = seeds.map(|s| ishigami_error(&pseudo(n, s), n)).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        // Measured: mean absolute error 0.0058 (0.0019–0.0144) with the sequence (SciPy-style
        // scramble, Saltelli 2010's S1); the pseudo-random draws' mean is over 3× that.
        assert!(
            mean(&quasi) * 3.0 < mean(&random),
            "{quasi:?} vs {random:?}"
        );
        assert!(mean(&quasi) < 0.008, "{quasi:?}");
        assert!(quasi.iter().all(|e| *e < 0.02), "{quasi:?}");
    }

    #[test]
    fn morris_effects_of_a_linear_function_are_its_coefficients() {
        let c = [3.0, -1.0, 0.0, 0.5];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let (points, steps) = morris_design(20, 4, 4, &mut rng);
        let y: Vec<f64> = points
            .iter()
            .map(|u| u.iter().zip(&c).map(|(u, c)| u * c).sum())
            .collect();
        let idx = morris(&y, &steps, 4, 200, 1);
        for i in 0..4 {
            assert!((idx[i].mu_star.value - c[i].abs()).abs() < 1e-9);
            assert!((idx[i].mu - c[i]).abs() < 1e-9);
            assert!(idx[i].sigma.value < 1e-9);
        }
    }

    #[test]
    fn morris_ranks_the_ishigami_factors() {
        // x3 acts only through its interaction with x1: a large σ relative to μ.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let (points, steps) = morris_design(200, 4, 3, &mut rng);
        let y: Vec<f64> = points.iter().map(|u| ishigami(u, 7.0, 0.1)).collect();
        let idx = morris(&y, &steps, 3, 200, 1);
        assert!(idx[1].mu_star.value > idx[0].mu_star.value);
        assert!(idx[2].mu.abs() < idx[2].sigma.value);
    }

    #[test]
    fn an_output_without_variance_has_zero_indices() {
        let idx = sobol(&[1.0; 40], 10, 2, 50, 1);
        assert_eq!(idx[0].s1.value, 0.0);
        assert_eq!(idx[1].st.hi, 0.0);
    }
}
