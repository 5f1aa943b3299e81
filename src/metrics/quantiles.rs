//! A streaming estimator of quantiles across replications, fed in replication order, so that
//! memory does not grow with the replication count.
//!
//! Up to [`EXACT`] values it keeps them all and its quantiles are the exact type-7 ones (as
//! [`quantile_sorted`]), bit for bit. From the next value on it keeps counts in buckets instead:
//! zero exactly, and every other value by its sign, binary exponent and the top [`BITS`] bits of
//! its mantissa, so a bucket spans [2ᵉ(1 + j/128), 2ᵉ(1 + (j + 1)/128)). The buckets keep the
//! order of the values, so the value of rank r lies in the bucket where the counts pass r, and
//! that bucket's midpoint is within 2ᵉ/256 of it: the estimate of every order statistic has a
//! relative error of at most 2⁻⁸ (0.39%). A type-7 quantile interpolates between two order
//! statistics, so its estimate Q̂ satisfies
//!
//! |Q̂ − Q| ≤ 2⁻⁸ · max(|x₍ₗₒ₎|, |x₍ₗₒ₊₁₎|),
//!
//! and since the smallest and largest values are kept exactly and every estimate is clamped to
//! them, a constant series stays exact. Each sign keeps at most [`SPAN`] buckets (64 binary
//! orders of magnitude); values more than 2⁶⁴ times smaller than the largest of their sign are
//! counted in the lowest bucket, where the bound does not hold (their rank is still right).
//!
//! The bucket of a value is read from its bits, with no logarithm, so the estimate is the same
//! on every platform; and since it depends only on the values in replication order, the same
//! for any thread count or shard.

use super::sample::quantile_sorted;

/// Values kept exactly before counting in buckets.
pub const EXACT: usize = 1_000;
/// Mantissa bits of a bucket: 2⁷ buckets per binary order of magnitude.
pub const BITS: u32 = 7;
/// Buckets kept per sign (64 binary orders of magnitude).
pub const SPAN: usize = 64 << BITS;
/// The bound on the relative error of an order statistic once values are counted in buckets.
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (BITS + 1)) as f64;

const SHIFT: u32 = 52 - BITS;

/// Counts of values of one sign, by bucket of their magnitude.
#[derive(Debug, Clone, Default, PartialEq)]
struct Buckets {
    /// Bucket of `counts[0]`.
    lo: u32,
    counts: Vec<u32>,
}

impl Buckets {
    fn bucket(magnitude: f64) -> u32 {
        (magnitude.to_bits() >> SHIFT) as u32
    }

    /// The midpoint of bucket `b`.
    fn midpoint(b: u32) -> f64 {
        f64::from_bits(((b as u64) << SHIFT) | (1u64 << (SHIFT - 1)))
    }

    fn add(&mut self, magnitude: f64, count: u32) {
        let b = Self::bucket(magnitude);
        if self.counts.is_empty() {
            self.lo = b;
            self.counts.push(count);
            return;
        }
        let hi = self.lo + self.counts.len() as u32 - 1;
        if b > hi {
            self.counts.resize((b - self.lo + 1) as usize, 0);
            if self.counts.len() > SPAN {
                // Fold the smallest magnitudes into the lowest bucket kept.
                let excess = self.counts.len() - SPAN;
                let folded: u32 = self.counts.drain(..excess).sum();
                self.counts[0] += folded;
                self.lo += excess as u32;
            }
            self.counts[(b - self.lo) as usize] += count;
        } else if b < self.lo {
            let grow = (self.lo - b) as usize;
            if self.counts.len() + grow > SPAN {
                let room = SPAN - self.counts.len();
                self.counts.splice(0..0, std::iter::repeat_n(0, room));
                self.lo -= room as u32;
                self.counts[0] += count;
            } else {
                self.counts.splice(0..0, std::iter::repeat_n(0, grow));
                self.lo = b;
                self.counts[0] += count;
            }
        } else {
            self.counts[(b - self.lo) as usize] += count;
        }
    }

    /// The midpoint of the bucket holding the value of rank `r` (0-based, by increasing
    /// magnitude), with `r` below the number counted.
    fn at_rank(&self, r: u64) -> f64 {
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen > r {
                return Self::midpoint(self.lo + i as u32);
            }
        }
        Self::midpoint(self.lo + self.counts.len() as u32 - 1)
    }
}

/// Quantiles, mean, minimum and maximum of values given one at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    n: u64,
    sum: f64,
    min: f64,
    max: f64,
    /// Every value, while there are at most [`EXACT`].
    exact: Vec<f64>,
    negative: Buckets,
    zeros: u64,
    positive: Buckets,
}

impl Quantiles {
    /// An estimator that will be given about `expected` values (to size its first store).
    pub fn new(expected: usize) -> Quantiles {
        Quantiles {
            n: 0,
            // As `Iterator::sum` of f64 starts: the mean is the same bits as theirs.
            sum: -0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            exact: Vec::with_capacity(expected.min(EXACT)),
            negative: Buckets::default(),
            zeros: 0,
            positive: Buckets::default(),
        }
    }

    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if self.n as usize <= EXACT {
            self.exact.push(x);
            return;
        }
        if !self.exact.is_empty() {
            for v in std::mem::take(&mut self.exact) {
                self.count(v);
            }
        }
        self.count(x);
    }

    fn count(&mut self, x: f64) {
        if x > 0.0 {
            self.positive.add(x, 1);
        } else if x < 0.0 {
            self.negative.add(-x, 1);
        } else {
            self.zeros += 1;
        }
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The mean (0 without values).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// Whether the values are still kept exactly.
    pub fn is_exact(&self) -> bool {
        self.n as usize <= EXACT
    }

    /// Type-7 quantiles at `qs` (0 without values): exact while [`Quantiles::is_exact`], else
    /// within the bound of the module's documentation.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        if self.n == 0 {
            return [0.0; N];
        }
        if self.is_exact() {
            let mut sorted = self.exact.clone();
            sorted.sort_by(f64::total_cmp);
            return qs.map(|q| quantile_sorted(&sorted, q));
        }
        qs.map(|q| {
            let h = (self.n - 1) as f64 * q;
            let lo = h.floor() as u64;
            let hi = (lo + 1).min(self.n - 1);
            let (x_lo, x_hi) = (self.order_statistic(lo), self.order_statistic(hi));
            x_lo + (h - lo as f64) * (x_hi - x_lo)
        })
    }

    /// The estimate of the value of rank `r` (0-based), clamped to the exact extremes.
    fn order_statistic(&self, r: u64) -> f64 {
        if r == 0 {
            return self.min;
        }
        if r + 1 == self.n {
            return self.max;
        }
        let below = self.negative.counts.iter().map(|&c| c as u64).sum::<u64>();
        let estimate = if r < below {
            // Ranked from the most negative: magnitude rank below − 1 − r.
            -self.negative.at_rank(below - 1 - r)
        } else if r < below + self.zeros {
            0.0
        } else {
            self.positive.at_rank(r - below - self.zeros)
        };
        estimate.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samplers::std_normal;
    use rand::{Rng, SeedableRng};

    const QS: [f64; 9] = [0.0, 0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999, 1.0];

    /// Pushes `values` and checks every quantile of `QS` against the exact one within the
    /// documented bound; returns the largest error relative to that bound.
    fn check(values: &[f64]) -> f64 {
        let mut est = Quantiles::new(values.len());
        values.iter().for_each(|&v| est.push(v));
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let got = est.quantiles(QS);
        let mut worst: f64 = 0.0;
        for (q, g) in QS.iter().zip(got) {
            let exact = quantile_sorted(&sorted, *q);
            let h = (sorted.len() - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            let bound = RELATIVE_ERROR * sorted[lo].abs().max(sorted[hi].abs());
            let err = (g - exact).abs();
            assert!(
                err <= bound * (1.0 + 1e-12),
                "q={q}: {g} vs exact {exact}, error {err:e} over the bound {bound:e}"
            );
            if bound > 0.0 {
                worst = worst.max(err / bound);
            }
        }
        assert_eq!(est.mean(), values.iter().sum::<f64>() / values.len() as f64);
        worst
    }

    fn rng(seed: u64) -> rand_xoshiro::Xoshiro256PlusPlus {
        rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed)
    }

    #[test]
    fn up_to_the_exact_count_quantiles_are_the_exact_ones_bit_for_bit() {
        let mut r = rng(1);
        let values: Vec<f64> = (0..EXACT).map(|_| r.random::<f64>() * 1e9).collect();
        let mut est = Quantiles::new(EXACT);
        values.iter().for_each(|&v| est.push(v));
        assert!(est.is_exact());
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for (q, g) in QS.iter().zip(est.quantiles(QS)) {
            assert_eq!(g.to_bits(), quantile_sorted(&sorted, *q).to_bits(), "q={q}");
        }
        assert!(est.quantiles([0.5])[0] == quantile_sorted(&sorted, 0.5));
        assert_eq!(check(&values), 0.0);
    }

    #[test]
    fn heavy_tails_zeros_and_negatives_stay_within_the_bound() {
        let mut r = rng(2);
        // Lognormal with σ = 4 spans ~14 decades at 100,000 values; Pareto α = 0.8 has no mean.
        let heavy: Vec<f64> = (0..100_000)
            .map(|_| (4.0 * std_normal(&mut r)).exp())
            .collect();
        let mut pareto = || (1.0 - r.random::<f64>()).powf(-1.0 / 0.8);
        let mixed: Vec<f64> = (0..20_000)
            .map(|i| match i % 4 {
                0 => 0.0,
                1 => -pareto() * 1e6,
                _ => pareto() * 1e6,
            })
            .collect();
        // A fine that most replications never see: 97% zeros, else one of a few amounts.
        let fines: Vec<f64> = (0..5_000)
            .map(|_| {
                if r.random::<f64>() < 0.97 {
                    0.0
                } else {
                    [345e6, 530e6, 1.2e9][r.random_range(0..3)]
                }
            })
            .collect();
        let worst = [check(&heavy), check(&mixed), check(&fines)];
        // The bound is close to what happens: some estimate uses a good part of it.
        assert!(worst[0] > 0.05, "{worst:?}");
    }

    #[test]
    fn a_constant_stays_exact_and_an_empty_one_is_zero() {
        let mut est = Quantiles::new(10);
        for _ in 0..5_000 {
            est.push(8.98e9);
        }
        assert!(!est.is_exact());
        assert_eq!(est.quantiles([0.05, 0.5, 0.95]), [8.98e9; 3]);
        assert_eq!(Quantiles::new(0).quantiles([0.5]), [0.0]);
        assert_eq!(Quantiles::new(0).mean(), 0.0);
    }

    #[test]
    fn magnitudes_beyond_the_span_fold_into_the_lowest_bucket_with_their_rank_kept() {
        let mut est = Quantiles::new(4_000);
        let values: Vec<f64> = (0..4_000).map(|i| 10f64.powi(i % 600 - 300)).collect();
        values.iter().for_each(|&v| est.push(v));
        assert!(est.positive.counts.len() <= SPAN);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        // Large values keep the bound; the median (about 1) is folded into the lowest bucket
        // kept, 2^-64 below the largest value, and reads as that bucket.
        let [p99, p50] = est.quantiles([0.99, 0.5]);
        let exact = quantile_sorted(&sorted, 0.99);
        assert!(
            (p99 - exact).abs() <= RELATIVE_ERROR * exact * 1.01,
            "{p99} {exact}"
        );
        let lowest = 1e299 * 2f64.powi(-64);
        assert!(p50 > lowest / 2.0 && p50 < lowest * 2.0, "{p50} {lowest}");
    }

    #[test]
    fn buckets_keep_the_order_of_values_and_midpoints_lie_inside() {
        let mut r = rng(3);
        for _ in 0..10_000 {
            let x = (20.0 * std_normal(&mut r)).exp();
            let y = x * (1.0 + r.random::<f64>());
            assert!(Buckets::bucket(x) <= Buckets::bucket(y));
            let mid = Buckets::midpoint(Buckets::bucket(x));
            assert!((mid - x).abs() <= x * RELATIVE_ERROR, "{x} {mid}");
        }
    }
}
