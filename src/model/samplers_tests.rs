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

#[test]
fn the_ziggurat_tables_close_at_the_top() {
    // Layers of equal area stack exactly up to the density's peak only if r and v belong
    // together: the last recursion step lands on f(0) = 1.
    for (name, z, pdf) in [
        ("normal", &*NORMAL, normal_pdf as fn(f64) -> f64),
        ("exponential", &*EXPONENTIAL, exponential_pdf),
    ] {
        let v = z.x[0] * pdf(z.x[1]);
        let top = pdf(z.x[255]) + v / z.x[255];
        assert!((top - 1.0).abs() < 1e-9, "{name}: top {top}");
        assert!(
            z.x.windows(2).all(|w| w[0] > w[1]),
            "{name}: x not decreasing"
        );
    }
}

/// Share of `n` draws above each threshold against the exact tail probability, within 4
/// binomial SEs; the thresholds straddle the ziggurat's tail start r, its worst case.
fn check_tail(
    what: &str,
    n: usize,
    draw: impl Fn(&mut Xoshiro256PlusPlus) -> f64,
    tails: &[(f64, f64)],
) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let mut above = vec![0usize; tails.len()];
    for _ in 0..n {
        let x = draw(&mut rng);
        for (k, (t, _)) in tails.iter().enumerate() {
            above[k] += usize::from(x > *t);
        }
    }
    for ((t, p), a) in tails.iter().zip(above) {
        let share = a as f64 / n as f64;
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (share - p).abs() <= 4.0 * se,
            "{what}: P(X > {t}) {share} vs {p} (SE {se})"
        );
    }
}

#[test]
fn ziggurat_draws_have_the_exact_cdf_into_the_tails() {
    let n = 4_000_000;
    let normal_tail = |t: f64| 0.5 * libm::erfc(t / std::f64::consts::SQRT_2);
    let ts = [-2.0, -0.3, 0.0, 0.7, 2.5, 3.6, 3.7, 4.2];
    let tails: Vec<(f64, f64)> = ts.iter().map(|&t| (t, normal_tail(t))).collect();
    check_tail("normal", n, std_normal, &tails);
    let ts = [0.01, 0.5, 1.0, 3.0, 7.6, 7.8, 9.0];
    let tails: Vec<(f64, f64)> = ts.iter().map(|&t| (t, libm::exp(-t))).collect();
    check_tail("exponential", n, std_exponential, &tails);
}

#[test]
fn ziggurat_tails_have_their_conditional_means() {
    // Draws beyond r are rare in the full samplers (0.03% of normals), so the tail samplers are
    // checked on their own: E[X | X > r] is r + 1 for the exponential and φ(r)/Q(r) for the
    // normal, whose conditional variance is 1 + r·m − m² (m the conditional mean).
    let r = NORMAL.x[1];
    let q = 0.5 * libm::erfc(r / std::f64::consts::SQRT_2);
    let phi = libm::exp(-0.5 * r * r) / (2.0 * std::f64::consts::PI).sqrt();
    let m = phi / q;
    let xs = draws(12, |g| normal_tail(g, r));
    check("normal tail", &xs, m, 1.0 + r * m - m * m);
    let r = EXPONENTIAL.x[1];
    let xs = draws(13, |g| exponential_tail(g, r));
    check("exponential tail", &xs, r + 1.0, 1.0);
}
