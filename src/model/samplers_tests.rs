//! Each sampler against its exact mean, variance and (for counts) a point probability, within
//! 4 standard errors.

use super::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

const N: usize = 200_000;

/// Sample mean within 4 SE of `mean`, sample variance within 4 SE of `var` (the SE of a
/// variance from the sample's fourth central moment).
fn check(what: &str, xs: &[f64], mean: f64, var: f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    let m4 = xs.iter().map(|x| ((x - m) * (x - m)).powi(2)).sum::<f64>() / n;
    assert!(
        (m - mean).abs() <= 4.0 * (var / n).sqrt(),
        "{what}: mean {m} vs {mean}"
    );
    let se_var = ((m4 - v * v) / n).sqrt();
    assert!(
        (v - var).abs() <= 4.0 * se_var,
        "{what}: variance {v} vs {var} (SE {se_var})"
    );
}

fn draws(seed: u64, mut f: impl FnMut(&mut Xoshiro256PlusPlus) -> f64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..N).map(|_| f(&mut rng)).collect()
}

/// Share of draws equal to `k` within 4 binomial SEs of `p`.
fn check_point(what: &str, xs: &[f64], k: f64, p: f64) {
    let n = xs.len() as f64;
    let share = xs.iter().filter(|x| **x == k).count() as f64 / n;
    let se = (p * (1.0 - p) / n).sqrt();
    assert!(
        (share - p).abs() <= 4.0 * se,
        "{what}: P(X = {k}) {share} vs {p}"
    );
}

#[test]
fn continuous_samplers_have_their_moments() {
    check("normal", &draws(1, std_normal), 0.0, 1.0);
    check("exponential", &draws(2, std_exponential), 1.0, 1.0);
    for (k, theta) in [(0.3, 2.0), (1.0, 1.0), (4.5, 0.5), (1e4, 3.0)] {
        let xs = draws(3, |r| gamma(r, k, theta));
        check(
            &format!("gamma({k}, {theta})"),
            &xs,
            k * theta,
            k * theta * theta,
        );
    }
    for (a, b) in [(1.0, 1.0), (2.0, 5.0), (1.8, 1.2)] {
        let xs = draws(4, |r| beta(r, a, b));
        let var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
        check(&format!("beta({a}, {b})"), &xs, a / (a + b), var);
    }
}

#[test]
fn counts_have_their_moments_and_point_probabilities() {
    for lambda in [0.2, 3.5, 9.99, 10.0, 57.0, 2.5e5] {
        let xs = draws(5, |r| poisson(r, lambda));
        check(&format!("poisson({lambda})"), &xs, lambda, lambda);
        let k = lambda.floor();
        let p = libm::exp(k * libm::log(lambda) - lambda - libm::lgamma(k + 1.0));
        check_point(&format!("poisson({lambda})"), &xs, k, p);
    }
    for (n, p) in [
        (5u64, 0.3),
        (100, 0.05),
        (40, 0.5),
        (1000, 0.4),
        (200_000, 0.9),
    ] {
        let xs = draws(6, |r| binomial(r, n, p) as f64);
        let nf = n as f64;
        check(
            &format!("binomial({n}, {p})"),
            &xs,
            nf * p,
            nf * p * (1.0 - p),
        );
        let k = (nf * p).floor();
        let lp = libm::lgamma(nf + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(nf - k + 1.0)
            + k * libm::log(p)
            + (nf - k) * libm::log1p(-p);
        check_point(&format!("binomial({n}, {p})"), &xs, k, libm::exp(lp));
    }
}
