//! The bulk draws against direct simulation: every compound sum the engine draws in one step is
//! compared with the sum of n separate draws, at the session counts where it matters most: one,
//! a few, and exactly where the normal takes over (its worst case), where the Kolmogorov
//! distance of exact sums from the normal is measured against the Berry–Esseen bound.

use super::*;
use crate::scenario::dist::{RawDist, TaggedDist};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn dist(t: TaggedDist) -> Dist {
    RawDist::Tagged(t).to_non_negative().unwrap()
}

fn lognormal(median: f64, p90: f64) -> Dist {
    dist(TaggedDist::Lognormal {
        median: Some(median),
        p90: Some(p90),
        p5: None,
        p95: None,
        mean: None,
        cv: None,
    })
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (
        m,
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

/// Two samples agree in mean (within 4 SE of the difference) and in distribution at the 50th,
/// 90th and 99th percentiles of the first: the shares of each sample at or below that value
/// agree within 4 SE of a difference of two shares (distribution-free, and exact for ties).
/// 4 SE, not 3: the tests below make over a hundred such comparisons, and at 3 SE one of them
/// fails by chance about one time in four (P(|Z| > 3) = 0.27% each); at 4 SE, under 1%.
fn assert_same_distribution(what: &str, a: &mut [f64], b: &mut [f64]) {
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let se = (va / na + vb / nb).sqrt();
    assert!(
        (ma - mb).abs() <= 4.0 * se,
        "{what}: means {ma} vs {mb} (SE {se})"
    );
    a.sort_by(f64::total_cmp);
    for p in [0.5, 0.9, 0.99] {
        let q = a[((na - 1.0) * p) as usize];
        let share = |xs: &[f64]| xs.iter().filter(|&&x| x <= q).count() as f64 / xs.len() as f64;
        let (sa, sb) = (share(a), share(b));
        let pooled = (sa * na + sb * nb) / (na + nb);
        let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
        assert!(
            (sa - sb).abs() <= 4.0 * se,
            "{what}: at {q} (p{}): {sa} of the bulk draws and {sb} of the exact sums (SE {se})",
            p * 100.0
        );
    }
}

fn samples(n: u64, d: &Dist, reps: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let plan = Compound::of(d);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let bulk: Vec<f64> = (0..reps).map(|_| compound(&mut rng, n, d, plan)).collect();
    let exact: Vec<f64> = (0..reps)
        .map(|_| (0..n).map(|_| d.sample(&mut rng)).sum())
        .collect();
    (bulk, exact)
}

#[test]
fn below_the_switch_over_sums_are_the_draws_one_by_one() {
    // CV = sqrt(exp(σ²) − 1) = 15: σ² = ln 226. Median 1, p90 = exp(1.2816·σ). Its normal
    // never takes over; the sum of n sessions is their n draws in order, bit for bit (what
    // event mode reads one session at a time).
    let sigma = 226f64.ln().sqrt();
    let d = lognormal(1.0, (1.281_551_565_5 * sigma).exp());
    assert!((d.variance().sqrt() / d.mean() - 15.0).abs() < 1e-6);
    let plan = Compound::of(&d);
    for n in [1, 33, 1000] {
        assert!(plan.per_session(n));
        let mut a = Xoshiro256PlusPlus::seed_from_u64(n);
        let mut b = a.clone();
        let sum = compound(&mut a, n, &d, plan);
        let one_by_one = (0..n).fold(0.0, |s, _| s + d.sample(&mut b));
        assert_eq!(sum.to_bits(), one_by_one.to_bits(), "n = {n}");
    }
}

/// Kolmogorov distance between the empirical distribution of `xs` and N(mean, var).
fn ks_from_normal(xs: &mut [f64], mean: f64, var: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = crate::model::dist::normal_cdf((x - mean) / var.sqrt());
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// At its switch-over the normal the bulk path draws is within [`CDF_TOLERANCE`] of the exact
/// sum's distribution: the Kolmogorov distance of `reps` exact sums from it stays below the
/// tolerance plus the 0.1% critical value of the KS statistic, 1.95/√reps. Also checks the
/// bulk draws (the other path, not the same loop) against the exact sums.
fn check_switch_over(what: &str, d: &Dist, want: u64, reps: usize, seed: u64) {
    let Compound::Summed { normal_from } = Compound::of(d) else {
        panic!("{what} has no closed-form sum")
    };
    assert_eq!(normal_from, want, "{what}");
    let plan = Compound::of(d);
    assert!(!plan.per_session(normal_from) && plan.per_session(normal_from - 1));
    let (mut bulk, mut exact) = samples(normal_from, d, reps, seed);
    let nf = normal_from as f64;
    let ks = ks_from_normal(&mut exact.clone(), nf * d.mean(), nf * d.variance());
    let allowed = CDF_TOLERANCE + 1.95 / (reps as f64).sqrt();
    assert!(
        ks <= allowed,
        "{what} at n = {normal_from}: KS {ks} > {allowed}"
    );
    assert_same_distribution(
        &format!("{what} at n = {normal_from}"),
        &mut bulk,
        &mut exact,
    );
}

#[test]
fn at_the_switch_over_a_uniform_sum_is_within_the_bound_of_its_normal() {
    // γ₂ = −1.2: n = ⌈(0.4748·1.8^(3/4)/0.01)²⌉ = 5,445 (the old skewness rule said 120).
    let uniform = dist(TaggedDist::Uniform { min: 0.0, max: 1.0 });
    check_switch_over("uniform(0, 1)", &uniform, 5_445, 20_000, 7);
}

#[test]
fn at_the_switch_over_a_lognormal_sum_is_within_the_bound_of_its_normal() {
    // σ = 0.25 (median 1, p90 = e^(1.2816·0.25)): skewness 0.78, excess kurtosis 1.096, so
    // the normal takes over at n = 18,688, and the two paths really differ there.
    let d = lognormal(1.0, (1.281_551_565_5f64 * 0.25).exp());
    check_switch_over("lognormal σ = 0.25", &d, 18_688, 6_000, 9);
}

#[test]
fn at_the_switch_over_a_pert_sum_is_within_the_bound_of_its_normal() {
    // pert(1, 1, 5) = 1 + 4·Beta(1, 5): excess kurtosis 1.2, n = 19,405.
    let pert = dist(TaggedDist::Pert {
        min: 1.0,
        mode: Some(1.0),
        mean: None,
        max: 5.0,
    });
    check_switch_over("pert(1, 1, 5)", &pert, 19_405, 4_000, 8);
}

#[test]
fn the_normal_stands_in_only_where_the_bound_holds() {
    let heavy = lognormal(200.0, 3000.0);
    let Compound::Summed { normal_from } = Compound::of(&heavy) else {
        panic!("a lognormal has no closed-form sum")
    };
    assert!(normal_from > 100_000_000_000, "{normal_from}");
    for exact in [
        dist(TaggedDist::Exponential { mean: 3.0 }),
        dist(TaggedDist::Poisson { mean: 3.0 }),
        dist(TaggedDist::Bernoulli { p: 0.2 }),
        dist(TaggedDist::Normal {
            mean: 50.0,
            sd: 5.0,
        }),
        Dist::Constant(1.5),
    ] {
        assert_eq!(Compound::of(&exact), Compound::Exact, "{exact:?}");
        assert!(Compound::Exact.per_session(PER_SESSION_BELOW - 1));
        assert!(!Compound::Exact.per_session(PER_SESSION_BELOW));
    }
    // A normal clamped near zero is not a normal sum.
    let clamped = dist(TaggedDist::Normal { mean: 1.0, sd: 1.0 });
    assert!(matches!(Compound::of(&clamped), Compound::Summed { .. }));
}

#[test]
fn closed_form_sums_match_exact_sums() {
    for (i, d) in [
        dist(TaggedDist::Exponential { mean: 3.0 }),
        dist(TaggedDist::Poisson { mean: 0.7 }),
        dist(TaggedDist::Bernoulli { p: 0.2 }),
        dist(TaggedDist::Normal {
            mean: 50.0,
            sd: 5.0,
        }),
        dist(TaggedDist::Exponential { mean: 2.0 }).scaled(0.5),
    ]
    .iter()
    .enumerate()
    {
        for n in [1, 5, PER_SESSION_BELOW] {
            let reps = if n > 5 { 4_000 } else { 40_000 };
            let (mut bulk, mut exact) = samples(n, d, reps, 100 + i as u64);
            assert_same_distribution(&format!("{d:?}, n = {n}"), &mut bulk, &mut exact);
        }
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let c = Dist::Constant(1.5);
    assert_eq!(compound(&mut rng, 7, &c, Compound::of(&c)), 10.5);
    assert_eq!(compound(&mut rng, 2000, &c, Compound::of(&c)), 3000.0);
}

#[test]
fn counts_have_their_means() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let n = 20_000;
    for mean in [0.3, 40.0, 5e6] {
        let xs: Vec<f64> = (0..n).map(|_| poisson(&mut rng, mean) as f64).collect();
        let (m, _) = mean_var(&xs);
        assert!(
            (m - mean).abs() < 4.0 * (mean / n as f64).sqrt(),
            "poisson {mean}: {m}"
        );
    }
    let xs: Vec<f64> = (0..n)
        .map(|_| binomial(&mut rng, 1000, 0.1) as f64)
        .collect();
    let (m, _) = mean_var(&xs);
    assert!(
        (m - 100.0).abs() < 4.0 * (90.0 / n as f64).sqrt(),
        "binomial: {m}"
    );
    assert_eq!(poisson(&mut rng, 0.0), 0);
    assert_eq!(binomial(&mut rng, 7, 1.0), 7);
}
