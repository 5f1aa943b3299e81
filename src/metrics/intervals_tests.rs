//! Coverage of the intervals on worlds with known means, and the tail mean against brute force.

use rand::{Rng as _, SeedableRng};

use super::*;

fn normal(r: &mut Rng) -> f64 {
    let (u, v): (f64, f64) = (r.random(), r.random());
    (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn uniform(r: &mut Rng) -> f64 {
    r.random()
}

type World = (&'static str, f64, fn(&mut Rng) -> f64);

/// Worlds with known means: zero-inflated (64% zeros as `cost.fines.dsa_commission`, lognormal
/// σ = 1 above), heavy-tailed (lognormal σ = 1.5), censored (Exp(1) censored at 1: the
/// restricted mean 1 − e⁻¹), fines-like (90% zeros, lognormal σ = 2 above).
const WORLDS: [World; 4] = [
    ("zero-inflated", 0.36 * 1.648_721_270_700_128_1, |r| {
        if uniform(r) < 0.64 {
            0.0
        } else {
            normal(r).exp()
        }
    }),
    ("heavy-tailed", 3.080_216_848_918_031_5, |r| {
        (1.5 * normal(r)).exp()
    }),
    ("censored", 0.632_120_558_828_557_7, |r| {
        (-(1.0 - uniform(r)).ln()).min(1.0)
    }),
    ("fines-like", 0.738_905_609_893_065, |r| {
        if uniform(r) < 0.9 {
            0.0
        } else {
            (2.0 * normal(r)).exp()
        }
    }),
];

const SEEDS: u64 = 400;

/// Seeds (of 400) whose interval covers the world's mean, by `interval`.
fn covered(w: &World, n: usize, interval: impl Fn(&[f64], &mut Rng) -> [f64; 2]) -> u64 {
    (0..SEEDS)
        .filter(|&seed| {
            let mut r = Rng::seed_from_u64(seed * 1009 + n as u64);
            let v: Vec<f64> = (0..n).map(|_| (w.2)(&mut r)).collect();
            let [lo, hi] = interval(&v, &mut stream(seed, "bootstrap", w.0));
            lo <= w.1 && w.1 <= hi
        })
        .count() as u64
}

fn t_interval(v: &[f64]) -> [f64; 2] {
    let (m, sd) = mean_sd(v);
    let half = crate::metrics::aggregate::t975(v.len() - 1) * sd / (v.len() as f64).sqrt();
    [m - half, m + half]
}

#[test]
fn the_mean_interval_covers_zero_inflated_and_censored_means_at_the_nominal_rate() {
    // 93–99% of 400 seeds: 372..=396 (the binomial SE at 95% is 1.1 points).
    for w in [&WORLDS[0], &WORLDS[2]] {
        for n in [50, 200] {
            let c = covered(w, n, |v, r| mean_interval(v, r).ci95);
            eprintln!("{} n={n}: {c}/{SEEDS}", w.0);
            assert!((372..=396).contains(&c), "{} n={n}: {c}/{SEEDS}", w.0);
        }
    }
}

#[test]
fn the_mean_interval_covers_heavy_tails_better_than_t_but_below_nominal() {
    // Measured: heavy-tailed 91% (n = 50) and 92% (200); fines-like 91% and 84%, the misses
    // all above (a sample rarely holds the tail values that make most of the mean). The t
    // interval does worse on the same samples; the bounds sit 3 SE (4.5 points) under the
    // measured rates.
    for (w, n, floor) in [
        (&WORLDS[1], 50, 346),
        (&WORLDS[1], 200, 350),
        (&WORLDS[3], 50, 346),
        (&WORLDS[3], 200, 318),
    ] {
        let c = covered(w, n, |v, r| mean_interval(v, r).ci95);
        let t = covered(w, n, |v, _| t_interval(v));
        eprintln!("{} n={n}: bootstrap-t {c}/{SEEDS}, t {t}/{SEEDS}", w.0);
        assert!(c >= floor && c > t && c < 396, "{} n={n}: {c} (t {t})", w.0);
    }
}

#[test]
fn wilson_covers_small_shares() {
    // P = 0.1 at n = 50 and 200: Wilson covers 93–99%.
    for n in [50usize, 200] {
        let c = (0..SEEDS)
            .filter(|&seed| {
                let mut r = Rng::seed_from_u64(seed + 77);
                let k = (0..n).filter(|_| uniform(&mut r) < 0.1).count();
                let [lo, hi] = wilson(k, n);
                lo <= 0.1 && 0.1 <= hi
            })
            .count();
        assert!((372..=396).contains(&c), "n={n}: {c}");
    }
    assert_eq!(wilson(0, 10)[0], 0.0);
    assert!(wilson(0, 10)[1] > 0.2);
}

/// The mean of the worst (1 − α)n values, by adding them one at a time from the top.
fn brute_tail_mean(values: &[f64], alpha: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    let mut left = (1.0 - alpha) * v.len() as f64;
    let (total, mut sum) = (left, 0.0);
    for x in v {
        let w = left.min(1.0);
        sum += w * x;
        left -= w;
        if left <= 0.0 {
            break;
        }
    }
    sum / total
}

#[test]
fn shortfall_is_the_empirical_tail_mean() {
    let mut r = Rng::seed_from_u64(3);
    for n in [1usize, 7, 99, 100, 101, 250, 1000, 1001] {
        let v: Vec<f64> = (0..n).map(|_| (2.0 * normal(&mut r)).exp()).collect();
        let mut s = v.clone();
        s.sort_by(f64::total_cmp);
        for a in [0.95, 0.99] {
            let (es, b) = (shortfall_sorted(&s, a), brute_tail_mean(&v, a));
            assert!(
                (es - b).abs() <= 1e-12 * b.abs(),
                "n={n} α={a}: {es} vs {b}"
            );
        }
    }
    // 0..=100: the worst 5.05 are 100..96 and 5% of 95.
    let s: Vec<f64> = (0..=100).map(f64::from).collect();
    assert!((shortfall_sorted(&s, 0.95) - (490.0 + 0.05 * 95.0) / 5.05).abs() < 1e-12);
}

#[test]
fn shortfall_intervals_cover_and_need_spread() {
    let mut r = Rng::seed_from_u64(5);
    let v: Vec<f64> = (0..2000).map(|_| -(1.0 - uniform(&mut r)).ln()).collect();
    let [e95, e99] = shortfall_intervals(&v, &mut stream(1, "bootstrap", "x")).unwrap();
    // Exp(1): ES_α = 1 − ln(1 − α): 3.996 and 5.605.
    assert!(e95[0] < 3.996 && 3.996 < e95[1], "{e95:?}");
    assert!(e99[0] < 5.605 && 5.605 < e99[1], "{e99:?}");
    assert_eq!(
        shortfall_intervals(&[2.0; 9], &mut stream(1, "b", "x")),
        None
    );
}

#[test]
fn equal_values_have_no_interval_and_the_median_can_be_not_reached() {
    let iv = mean_interval(&[0.0; 50], &mut stream(7, "bootstrap", "m"));
    assert_eq!(iv.method, Method::None);
    assert_eq!(km_median(&[1.0, 2.0, 10.0, 10.0], 10.0), Some(2.0));
    assert_eq!(km_median(&[1.0, 10.0, 10.0], 10.0), None);
}
