//! Designs: which points of the parameter space a sweep runs.
//!
//! Every design but `grid` works in the unit hypercube [0, 1]^k and maps each coordinate onto a
//! parameter with [`Axis::at`] (linear or log between `min` and `max`, or an index into `values`).
//! The draws use their own Xoshiro256++ stream seeded from the sweep seed, so the points — and
//! their order, which is their index — depend only on the sweep file. The Saltelli matrices A
//! and B come from a low-discrepancy Sobol' sequence of 2k dimensions (Joe–Kuo direction
//! numbers, hash-based Owen scrambling and shuffling by Burley, from the `sobol_burley` crate),
//! scrambled with a seed derived from the sweep seed: row j's A is the first k coordinates of
//! the sequence's point j and B the last k, as in SALib. Its indices converge markedly faster
//! than with pseudo-random A and B (see `benches/salib/`); a power of two for `samples` keeps
//! the sequence's balance best.
//!
//! | design | points |
//! |---|---|
//! | `grid` | every combination of each parameter's `values` (or `steps` evenly spaced values), first parameter slowest |
//! | `random` | `points` independent uniform draws |
//! | `lhs` | `points` Latin hypercube draws: each parameter's range cut into `points` strata, one draw per stratum |
//! | `sobol` | Saltelli's scheme for `samples` = N (at most 2^16, with at most 128 parameters): per row j, A_j, B_j, then A_j with column i from B_j for each parameter i — N·(k + 2) points |
//! | `morris` | `trajectories` = r one-at-a-time trajectories on a `levels`-level grid (default 4), step Δ = levels / (2·(levels − 1)) — r·(k + 1) points |

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// How a design is laid out, for the sensitivity analysis that reads it back.
#[derive(Debug, Clone, PartialEq)]
pub enum Structure {
    /// Points with no structure (grid, random, lhs).
    Plain,
    /// Saltelli's scheme with `n` rows of stride k + 2.
    Sobol { n: usize },
    /// Morris trajectories of k + 1 points; per trajectory and step, the factor moved and the
    /// signed step in unit space.
    Morris { steps: Vec<Vec<(usize, f64)>> },
}

/// One parameter's range.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// A list of values.
    Values(Vec<f64>),
    /// From `min` to `max`, evenly spaced in value or in log(value); `steps` values on a grid.
    Range {
        min: f64,
        max: f64,
        log: bool,
        steps: Option<usize>,
    },
}

impl Axis {
    /// The value at unit coordinate `u` in [0, 1].
    pub fn at(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            Axis::Values(v) => v[((u * v.len() as f64) as usize).min(v.len() - 1)],
            Axis::Range { min, max, log, .. } => {
                if *log {
                    (min.ln() + u * (max.ln() - min.ln())).exp()
                } else {
                    min + u * (max - min)
                }
            }
        }
    }

    /// The values of a grid along this axis.
    pub fn grid(&self) -> Vec<f64> {
        match self {
            Axis::Values(v) => v.clone(),
            Axis::Range { steps, .. } => {
                let n = steps.unwrap_or(2).max(1);
                if n == 1 {
                    return vec![self.at(0.5)];
                }
                (0..n).map(|i| self.at(i as f64 / (n - 1) as f64)).collect()
            }
        }
    }
}

/// The steps of one Morris trajectory: (factor moved, signed step in unit space).
pub type Trajectory = Vec<(usize, f64)>;

/// Which design, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Grid,
    Random { points: usize },
    Lhs { points: usize },
    Sobol { samples: usize },
    Morris { trajectories: usize, levels: usize },
}

/// The points of a design: `points[p][i]` is parameter i's value at point p.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub points: Vec<Vec<f64>>,
    pub structure: Structure,
}

/// Lays out `design` over `axes` with draws from `seed`.
pub fn plan(design: Design, axes: &[Axis], seed: u64) -> Plan {
    let k = axes.len();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5357_4545_5044_4553);
    let map = |u: &[f64]| -> Vec<f64> { u.iter().zip(axes).map(|(u, a)| a.at(*u)).collect() };
    match design {
        Design::Grid => {
            let grids: Vec<Vec<f64>> = axes.iter().map(Axis::grid).collect();
            let mut points: Vec<Vec<f64>> = vec![Vec::new()];
            for g in &grids {
                points = points
                    .into_iter()
                    .flat_map(|p| {
                        g.iter().map(move |v| {
                            let mut q = p.clone();
                            q.push(*v);
                            q
                        })
                    })
                    .collect();
            }
            Plan {
                points,
                structure: Structure::Plain,
            }
        }
        Design::Random { points } => Plan {
            points: (0..points)
                .map(|_| map(&(0..k).map(|_| rng.random::<f64>()).collect::<Vec<_>>()))
                .collect(),
            structure: Structure::Plain,
        },
        Design::Lhs { points: n } => {
            let mut cols: Vec<Vec<f64>> = Vec::with_capacity(k);
            for _ in 0..k {
                let mut strata: Vec<usize> = (0..n).collect();
                strata.shuffle(&mut rng);
                cols.push(
                    strata
                        .into_iter()
                        .map(|s| (s as f64 + rng.random::<f64>()) / n as f64)
                        .collect(),
                );
            }
            Plan {
                points: (0..n)
                    .map(|p| map(&cols.iter().map(|c| c[p]).collect::<Vec<_>>()))
                    .collect(),
                structure: Structure::Plain,
            }
        }
        Design::Sobol { samples: n } => {
            let unit = saltelli(n, k, sobol_seed(seed));
            Plan {
                points: unit.iter().map(|u| map(u)).collect(),
                structure: Structure::Sobol { n },
            }
        }
        Design::Morris {
            trajectories,
            levels,
        } => {
            let (unit, steps) = morris(trajectories, levels, k, &mut rng);
            Plan {
                points: unit.iter().map(|u| map(u)).collect(),
                structure: Structure::Morris { steps },
            }
        }
    }
}

/// Most rows of a `sobol` design: the length of `sobol_burley`'s sequence.
pub const MAX_SOBOL_SAMPLES: usize = 1 << 16;
/// Most parameters of a `sobol` design: A and B take 2k of the sequence's 256 dimensions.
pub const MAX_SOBOL_PARAMETERS: usize = sobol_burley::NUM_DIMENSIONS as usize / 2;

/// The scramble seed of a `sobol` design, from the sweep seed.
pub fn sobol_seed(seed: u64) -> u32 {
    let x = (seed ^ 0x5357_4545_5044_4553).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x >> 32) ^ x) as u32
}

/// Saltelli's sample in the unit cube: per row j, A_j (coordinates 0..k of the scrambled Sobol'
/// point j), B_j (coordinates k..2k), and A_j with column i from B_j (i = 0..k). `n` at most
/// [`MAX_SOBOL_SAMPLES`], `k` at most [`MAX_SOBOL_PARAMETERS`].
pub fn saltelli(n: usize, k: usize, seed: u32) -> Vec<Vec<f64>> {
    assert!(n <= MAX_SOBOL_SAMPLES && k <= MAX_SOBOL_PARAMETERS);
    let mut out = Vec::with_capacity(n * (k + 2));
    let u = |j: usize, d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, seed));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|i| u(j, i)).collect();
        let b: Vec<f64> = (0..k).map(|i| u(j, k + i)).collect();
        out.push(a.clone());
        out.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            out.push(ab);
        }
    }
    out
}

/// Morris trajectories in the unit cube, and per trajectory the (factor, signed Δ) of each step.
pub fn morris(
    r: usize,
    levels: usize,
    k: usize,
    rng: &mut impl Rng,
) -> (Vec<Vec<f64>>, Vec<Trajectory>) {
    let p = levels.max(2);
    let delta = p as f64 / (2.0 * (p - 1) as f64);
    let grid = |i: usize| i as f64 / (p - 1) as f64;
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut all_steps = Vec::with_capacity(r);
    for _ in 0..r {
        let mut x: Vec<f64> = (0..k).map(|_| grid(rng.random_range(0..p))).collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(rng);
        points.push(x.clone());
        let mut steps = Vec::with_capacity(k);
        for i in order {
            // Up when there is room, else down; a coin decides when both fit.
            let up_ok = x[i] + delta <= 1.0 + 1e-12;
            let down_ok = x[i] - delta >= -1e-12;
            let up = if up_ok && down_ok {
                rng.random::<bool>()
            } else {
                up_ok
            };
            let d = if up { delta } else { -delta };
            x[i] = (x[i] + d).clamp(0.0, 1.0);
            steps.push((i, d));
            points.push(x.clone());
        }
        all_steps.push(steps);
    }
    (points, all_steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(min: f64, max: f64, log: bool) -> Axis {
        Axis::Range {
            min,
            max,
            log,
            steps: Some(3),
        }
    }

    #[test]
    fn grids_vary_the_first_parameter_slowest() {
        let p = plan(
            Design::Grid,
            &[Axis::Values(vec![1.0, 2.0]), range(0.0, 1.0, false)],
            1,
        );
        assert_eq!(p.points.len(), 6);
        assert_eq!(p.points[0], [1.0, 0.0]);
        assert_eq!(p.points[1], [1.0, 0.5]);
        assert_eq!(p.points[3], [2.0, 0.0]);
    }

    #[test]
    fn log_ranges_space_by_ratio() {
        assert_eq!(range(1.0, 100.0, true).grid()[1].round(), 10.0);
    }

    #[test]
    fn latin_hypercube_fills_every_stratum_once() {
        let p = plan(Design::Lhs { points: 10 }, &[range(0.0, 10.0, false)], 3);
        let mut strata: Vec<usize> = p.points.iter().map(|x| x[0] as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn morris_steps_move_one_factor_by_delta() {
        let axes = vec![range(0.0, 1.0, false); 3];
        let p = plan(
            Design::Morris {
                trajectories: 5,
                levels: 4,
            },
            &axes,
            7,
        );
        assert_eq!(p.points.len(), 5 * 4);
        let Structure::Morris { steps } = &p.structure else {
            panic!()
        };
        for (t, st) in steps.iter().enumerate() {
            for (j, (i, d)) in st.iter().enumerate() {
                let a = &p.points[t * 4 + j];
                let b = &p.points[t * 4 + j + 1];
                assert!((b[*i] - a[*i] - d).abs() < 1e-12);
                assert!((d.abs() - 4.0 / 6.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn saltelli_rows_share_all_but_one_column() {
        let axes = vec![range(0.0, 1.0, false); 3];
        let p = plan(Design::Sobol { samples: 4 }, &axes, 1);
        assert_eq!(p.points.len(), 4 * 5);
        let (a, b, ab1) = (&p.points[0], &p.points[1], &p.points[3]);
        assert_eq!(ab1[1], b[1]);
        assert_eq!((ab1[0], ab1[2]), (a[0], a[2]));
    }
}
