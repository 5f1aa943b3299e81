//! Designs: which points of the parameter space a sweep runs.
//!
//! Every design but `grid` works in the unit hypercube [0, 1]^k and maps each coordinate onto a
//! parameter with [`Axis::at`] (linear or log between `min` and `max`, or an index into `values`).
//! The draws use their own Xoshiro256++ stream seeded from the sweep seed, so the points — and
//! their order, which is their index — depend only on the sweep file. The Saltelli matrices A
//! and B come from a low-discrepancy Sobol' sequence of 2k dimensions built as SciPy's
//! `qmc.Sobol(scramble=True)`, which SALib samples from (Joe–Kuo direction numbers, a random
//! linear matrix scramble and digital shift per dimension, 53-bit f64 coordinates), scrambled
//! from a stream derived from the sweep seed: row j's A is the first k coordinates of the
//! sequence's point j and B the last k, as in SALib. Its indices converge markedly faster
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
                    let (lo, hi) = (libm::log(*min), libm::log(*max));
                    libm::exp(lo + u * (hi - lo))
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

/// Most rows of a `sobol` design: 2^16 points of the sequence.
pub const MAX_SOBOL_SAMPLES: usize = 1 << 16;
/// Dimensions of the Sobol' sequence: the first 256 of Joe and Kuo's direction numbers.
pub const SOBOL_DIMENSIONS: usize = 256;
/// Most parameters of a `sobol` design: A and B take 2k of the sequence's 256 dimensions.
pub const MAX_SOBOL_PARAMETERS: usize = SOBOL_DIMENSIONS / 2;

/// Joe and Kuo's direction numbers (`d s a m_1 ... m_s` per line, dimensions 2 to 256): the
/// first 256 dimensions of `new-joe-kuo-6.21201` from <https://web.maths.unsw.edu.au/~fkuo/sobol/>
/// (S. Joe and F. Y. Kuo, SIAM J. Sci. Comput. 30, 2635–2654, 2008), copied from the
/// `sobol_burley` 0.5.0 crate's `direction_numbers/new-joe-kuo-6.256.txt`; BSD licence in
/// `new-joe-kuo-6.LICENSE.txt`. The same numbers as SciPy's `qmc.Sobol`.
const JOE_KUO: &str = include_str!("new-joe-kuo-6.256.txt");

/// Bits of each coordinate: f64 has a 53-bit significand, so `x / 2^53` is exact.
const SOBOL_BITS: u32 = 53;
/// Generator-matrix columns: enough for [`MAX_SOBOL_SAMPLES`] points.
const SOBOL_COLUMNS: usize = 16;

/// The direction vectors of dimension 0..`dims` (column c of the generator matrix, top bit =
/// first binary digit), unscrambled.
fn direction_vectors(dims: usize) -> Vec<[u64; SOBOL_COLUMNS]> {
    let mut out = Vec::with_capacity(dims);
    let mut first = [0u64; SOBOL_COLUMNS];
    for (c, v) in first.iter_mut().enumerate() {
        *v = 1 << (SOBOL_BITS - 1 - c as u32);
    }
    out.push(first);
    for line in JOE_KUO.lines().skip(1).take(dims.saturating_sub(1)) {
        let f: Vec<u64> = line
            .split_whitespace()
            .map(|t| t.parse().expect("Joe–Kuo table"))
            .collect();
        let (s, a, m) = (f[1] as usize, f[2], &f[3..]);
        let mut v = [0u64; SOBOL_COLUMNS];
        for c in 0..SOBOL_COLUMNS {
            v[c] = if c < s {
                m[c] << (SOBOL_BITS - 1 - c as u32)
            } else {
                let mut x = v[c - s] ^ (v[c - s] >> s);
                for k in 1..s {
                    if (a >> (s - 1 - k)) & 1 == 1 {
                        x ^= v[c - k];
                    }
                }
                x
            };
        }
        out.push(v);
    }
    out
}

/// The scramble stream of a `sobol` design, from the sweep seed.
pub fn sobol_seed(seed: u64) -> u64 {
    (seed ^ 0x5357_4545_5044_4553).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x534F_424F_4C00_0001
}

/// The first `n` points of a `dims`-dimensional Sobol' sequence with SciPy's scramble
/// (`qmc.Sobol(scramble=True)`): each dimension's generator matrix is multiplied by a random
/// lower-triangular binary matrix with a unit diagonal (Matoušek's linear matrix scramble,
/// each digit XORed with a random combination of the digits above it), then every point is
/// XORed with a random digital shift; points in Gray-code order, as SciPy. The matrices and
/// shifts come from a Xoshiro256++ stream seeded with `seed`.
pub fn sobol_points(n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    assert!(n <= MAX_SOBOL_SAMPLES && dims <= SOBOL_DIMENSIONS);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let bits = SOBOL_BITS;
    let mask = (1u64 << bits) - 1;
    let mut shift = vec![0u64; dims];
    let mut columns = direction_vectors(dims);
    for (d, v) in columns.iter_mut().enumerate() {
        shift[d] = rng.random::<u64>() & mask;
        // Row r (digit r, from the top) of the lower-triangular matrix: digits 0..r, with r set.
        let rows: Vec<u64> = (0..bits)
            .map(|r| {
                let top = bits - 1 - r; // bit position of digit r
                let above = !((1u64 << (top + 1)) - 1) & mask; // digits 0..r
                (rng.random::<u64>() & above) | (1 << top)
            })
            .collect();
        for c in v.iter_mut() {
            let x = *c;
            *c = rows.iter().enumerate().fold(0, |acc, (r, row)| {
                acc | (u64::from((row & x).count_ones() & 1) << (bits - 1 - r as u32))
            });
        }
    }
    let scale = 1.0 / (1u64 << bits) as f64;
    let mut x = shift;
    let mut out = Vec::with_capacity(n);
    for j in 0..n {
        if j > 0 {
            let c = j.trailing_zeros() as usize;
            for (xd, v) in x.iter_mut().zip(&columns) {
                *xd ^= v[c];
            }
        }
        out.push(x.iter().map(|&xd| xd as f64 * scale).collect());
    }
    out
}

/// Saltelli's sample in the unit cube: per row j, A_j (coordinates 0..k of the scrambled Sobol'
/// point j), B_j (coordinates k..2k), and A_j with column i from B_j (i = 0..k). `n` at most
/// [`MAX_SOBOL_SAMPLES`], `k` at most [`MAX_SOBOL_PARAMETERS`].
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    assert!(n <= MAX_SOBOL_SAMPLES && k <= MAX_SOBOL_PARAMETERS);
    let mut out = Vec::with_capacity(n * (k + 2));
    let seq = sobol_points(n, 2 * k, seed);
    let u = |j: usize, d: usize| seq[j][d];
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
    fn the_scrambled_sequence_is_a_net() {
        // Linear scrambles and digital shifts keep the (t, m, s)-net property: 256 points put
        // one coordinate in each 1/256 stratum in every dimension, and dimensions 0 and 1
        // (t = 0) put one point in each 1/16 × 1/16 box.
        let n = 256;
        let pts = sobol_points(n, 256, 7);
        for d in 0..256 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * n as f64) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {d}");
        }
        let mut boxes: Vec<usize> = pts
            .iter()
            .map(|p| (p[0] * 16.0) as usize * 16 + (p[1] * 16.0) as usize)
            .collect();
        boxes.sort();
        assert_eq!(boxes, (0..n).collect::<Vec<_>>());
        assert_ne!(sobol_points(4, 2, 1), sobol_points(4, 2, 2));
    }

    #[test]
    fn the_direction_numbers_are_scipys() {
        // SciPy 1.17.1 `qmc.Sobol(256, scramble=False, bits=53)._sv[:, :16]`, folded with
        // 64-bit FNV-1a over dimensions then columns; SALib samples from that sequence.
        let v = direction_vectors(256);
        let fnv = v.iter().flatten().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
            (h ^ x).wrapping_mul(0x100_0000_01b3)
        });
        assert_eq!(fnv, 0x7de1_7c83_ce3b_6325);
        assert_eq!(v[255][..4], [1 << 52, 1 << 51, 1 << 50, 5 << 49]);
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
