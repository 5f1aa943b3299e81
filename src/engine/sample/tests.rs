//! The bulk draws against direct simulation: every compound sum the engine draws in one step is
//! compared with the sum of n separate draws, at the session counts where it matters most (one,
//! the old switch-over at 32/33, and where the normal takes over).

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
fn heavy_tailed_sums_match_exact_sums_at_every_session_count() {
    // CV = sqrt(exp(σ²) − 1) = 15: σ² = ln 226. Median 1, p90 = exp(1.2816·σ).
    let sigma = 226f64.ln().sqrt();
    let d = lognormal(1.0, (1.281_551_565_5 * sigma).exp());
    assert!((d.variance().sqrt() / d.mean() - 15.0).abs() < 1e-6);
    for (i, n) in [1, 32, 33, 100, 1000].into_iter().enumerate() {
        let (mut bulk, mut exact) = samples(n, &d, 20_000, 50 + i as u64);
        assert_same_distribution(&format!("lognormal CV 15, n = {n}"), &mut bulk, &mut exact);
    }
}

#[test]
fn the_normal_stands_in_only_where_its_skewness_and_kurtosis_are_tiny() {
    let pert = dist(TaggedDist::Pert {
        min: 1.0,
        mode: Some(1.0),
        mean: None,
        max: 5.0,
    });
    // Beta(1, 5): skewness 2·4·√7/(8·√5) = 1.1832.
    let Compound::Summed { normal_from } = Compound::of(&pert) else {
        panic!("a pert has no closed-form sum")
    };
    assert_eq!(normal_from, 14_000);
    let uniform = dist(TaggedDist::Uniform { min: 0.0, max: 1.0 });
    assert_eq!(
        Compound::of(&uniform),
        Compound::Summed { normal_from: 120 }
    );
    let heavy = lognormal(200.0, 3000.0);
    let Compound::Summed { normal_from } = Compound::of(&heavy) else {
        panic!("a lognormal has no closed-form sum")
    };
    assert!(normal_from > 100_000_000, "{normal_from}");
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
    }
    // A normal clamped near zero is not a normal sum.
    let clamped = dist(TaggedDist::Normal { mean: 1.0, sd: 1.0 });
    assert!(matches!(Compound::of(&clamped), Compound::Summed { .. }));
}

#[test]
fn at_the_switch_over_the_normal_matches_exact_sums() {
    let uniform = dist(TaggedDist::Uniform { min: 0.0, max: 1.0 });
    let (mut bulk, mut exact) = samples(120, &uniform, 100_000, 7);
    assert_same_distribution("uniform at n = 120", &mut bulk, &mut exact);
    let pert = dist(TaggedDist::Pert {
        min: 1.0,
        mode: Some(1.0),
        mean: None,
        max: 5.0,
    });
    let (mut bulk, mut exact) = samples(14_000, &pert, 12_000, 8);
    assert_same_distribution("pert(1, 1, 5) at n = 14,000", &mut bulk, &mut exact);
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
        for n in [1, 5, 40] {
            let (mut bulk, mut exact) = samples(n, d, 40_000, 100 + i as u64);
            assert_same_distribution(&format!("{d:?}, n = {n}"), &mut bulk, &mut exact);
        }
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let c = Dist::Constant(1.5);
    assert_eq!(compound(&mut rng, 7, &c, Compound::of(&c)), 10.5);
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
