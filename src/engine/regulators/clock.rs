//! The exit clock of one state visit: leave by inverse cumulative hazard.
//!
//! On entering a state, a regulator draws one level E ~ Exp(1) (as −ln(1 − u)) and one
//! uniform w. Each day it adds the day's total hazard Σh/365.25 to the integrated hazard H;
//! on the first day H ≥ E it leaves, to target i with probability hᵢ/Σh of that day (w placed
//! on the cumulative hazards in transition order). The state is left on a day with probability
//! 1 − e^(−Σh/365.25), exactly as a daily draw, and on the same draws, hazards that are higher
//! on every day never exit later: H grows faster, so it reaches the same E no later.

use rand::Rng as _;

use super::super::rng::Rng;
use crate::model::time::DAYS_PER_YEAR;

/// The exit draws of one state visit and the hazard integrated so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clocks {
    /// The Exp(1) level the integrated total hazard must reach.
    target: f64,
    /// The total hazard integrated since entering the state.
    integrated: f64,
    /// The uniform that places the exit among the transitions.
    choice: f64,
}

impl Clocks {
    /// A new visit's level and choice, drawn from `rng`.
    pub fn draw(&mut self, rng: &mut Rng) {
        let u: f64 = rng.random();
        self.target = -libm::log1p(-u);
        self.integrated = 0.0;
        self.choice = rng.random();
    }

    /// A day at hazards per year `hazard(i)` of `n` transitions: the transition that leaves
    /// the state today, if any.
    #[inline]
    pub fn advance(&mut self, n: usize, hazard: impl Fn(usize) -> f64) -> Option<usize> {
        let total: f64 = (0..n).map(|i| hazard(i).max(0.0)).sum();
        self.integrated += total / DAYS_PER_YEAR;
        if total <= 0.0 || self.integrated < self.target {
            return None;
        }
        let mut u = self.choice * total;
        for i in 0..n {
            u -= hazard(i).max(0.0);
            if u < 0.0 {
                return Some(i);
            }
        }
        (0..n).rev().find(|&i| hazard(i) > 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    /// The day and transition by which clocks drawn from `seed` first leave under daily
    /// hazards `h[day][i]`, if they do.
    fn exit(seed: u64, h: &[Vec<f64>]) -> Option<(usize, usize)> {
        let mut c = Clocks::default();
        c.draw(&mut super::Rng::seed_from_u64(seed));
        h.iter()
            .enumerate()
            .find_map(|(d, day)| c.advance(day.len(), |i| day[i]).map(|i| (d, i)))
    }

    proptest! {
        #[test]
        fn on_the_same_draws_a_higher_hazard_never_exits_later(
            seed in 0u64..10_000,
            n in 1usize..4,
            days in 1usize..300,
            base in proptest::collection::vec(0.0f64..20.0, 1200),
            more in proptest::collection::vec(0.0f64..5.0, 1200),
        ) {
            let low: Vec<Vec<f64>> = (0..days).map(|d| base[d * n..][..n].to_vec()).collect();
            let high: Vec<Vec<f64>> = (0..days)
                .map(|d| (0..n).map(|i| base[d * n + i] + more[d * n + i]).collect())
                .collect();
            match (exit(seed, &low), exit(seed, &high)) {
                (Some((a, _)), Some((b, _))) => {
                    prop_assert!(b <= a, "higher exits on {b}, lower on {a}")
                }
                (Some((a, _)), None) => prop_assert!(false, "lower exits on {a}, higher never"),
                _ => {}
            }
        }
    }

    #[test]
    fn the_exit_is_geometric_and_splits_by_hazard() {
        // P(stay a day) = e^(−Σh/365.25): the mean number of whole days before leaving is
        // 1/(1 − e^(−Σh/365.25)) − 1, and the exit goes to i with probability hᵢ/Σh.
        let h = [1.0, 2.0];
        let n = 20_000;
        let mut rng = super::Rng::seed_from_u64(5);
        let mut c = Clocks::default();
        let (mut days, mut second) = (0.0, 0.0);
        for _ in 0..n {
            c.draw(&mut rng);
            let (d, i) = (0..)
                .find_map(|d| c.advance(2, |i| h[i]).map(|i| (d, i)))
                .unwrap();
            days += d as f64;
            second += i as f64;
        }
        let p = -libm::expm1(-3.0 / DAYS_PER_YEAR);
        let (want, sd) = (1.0 / p - 1.0, (1.0 - p).sqrt() / p);
        let mean = days / n as f64;
        let se = sd / (n as f64).sqrt();
        assert!((mean - want).abs() < 4.0 * se, "{mean} vs {want} (SE {se})");
        let share = second / n as f64;
        let se = (2.0 / 9.0 / n as f64).sqrt();
        assert!((share - 2.0 / 3.0).abs() < 4.0 * se, "{share}");
    }
}
