//! PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), for a binary outcome, as
//! EMA Workbench's `Prim` runs it by default, so the two can be compared point for point.
//!
//! **Peeling.** From the box holding all remaining rows, each dimension offers two candidate
//! peels: drop the rows below its `peel_alpha` quantile, or above its `1 − peel_alpha` quantile
//! (quantiles of the rows in the box, taken as in [`quantile`]). Each candidate is scored by
//! EMA's default "lenient1" objective, the gain in the box's mean of y per row removed; the best
//! score wins, ties going to the candidate leaving more dimensions unrestricted, then to the
//! first in column order (upper peel before lower). A peel is taken while the new box keeps at
//! least `mass_min` of all rows, is smaller than the old one and the score is positive.
//!
//! **Pasting.** Then each restricted dimension offers to widen the box again, on either side, up
//! to the `paste_alpha` quantile of the remaining rows just outside it; a paste is taken while it
//! grows the box and raises its mean.
//!
//! Every box on the way is a step of the trajectory; the last is the box found. Its rows are
//! then set aside and the search repeats on the rest ("covering") while the box found holds at
//! least `min_density` of cases of interest and cases of interest remain.

/// Settings; the defaults are EMA Workbench's.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    /// A box is kept when at least this share of its rows are cases of interest.
    pub min_density: f64,
    /// At most this many boxes.
    pub max_boxes: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            min_density: 0.5,
            max_boxes: 3,
        }
    }
}

/// How a trajectory step was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Start,
    Peel,
    Paste,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Peel => "peel",
            Phase::Paste => "paste",
        }
    }
}

/// One box on a trajectory, with its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub phase: Phase,
    /// `[lo, hi]` per dimension, inclusive.
    pub limits: Vec<[f64; 2]>,
    /// Share of all cases of interest inside the box.
    pub coverage: f64,
    /// Share of the box's rows that are cases of interest.
    pub density: f64,
    /// Share of all rows inside the box.
    pub mass: f64,
    /// Dimensions whose limits differ from the whole data's.
    pub restricted: Vec<bool>,
}

impl Step {
    pub fn restricted_count(&self) -> usize {
        self.restricted.iter().filter(|r| **r).count()
    }
}

/// One box found: its trajectory, whose last step is the box.
#[derive(Debug, Clone)]
pub struct Found {
    pub trajectory: Vec<Step>,
}

impl Found {
    pub fn chosen(&self) -> &Step {
        self.trajectory.last().expect("a trajectory has its start")
    }
}

/// The quantile EMA Workbench (after sdtoolkit) peels at: the midpoint of the two values that
/// straddle position `(n − 1)·q` of the sorted data, stepping outwards (down for q > 0.5, up
/// otherwise) until they differ, so a limit never sits on a data value.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let i = (n - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < n - 1 {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// The data PRIM works on: columns of inputs and whether each row is a case of interest.
pub struct Data<'a> {
    pub columns: &'a [Vec<f64>],
    pub y: &'a [bool],
}

struct Search<'a> {
    data: &'a Data<'a>,
    p: Params,
    init: Vec<[f64; 2]>,
    n: usize,
    total_coi: usize,
}

/// Mean of y over `rows`.
fn mean(y: &[bool], rows: &[usize]) -> f64 {
    if rows.is_empty() {
        return 0.0;
    }
    rows.iter().filter(|&&r| y[r]).count() as f64 / rows.len() as f64
}

/// EMA's "lenient1": change of mean per row removed (or added).
fn lenient1(y: &[bool], old: &[usize], new: &[usize]) -> f64 {
    let (m_old, m_new) = (mean(y, old), mean(y, new));
    if m_old == m_new || old.len() == new.len() {
        return 0.0;
    }
    (m_new - m_old) / old.len().abs_diff(new.len()) as f64
}

fn inside(limits: &[[f64; 2]], columns: &[Vec<f64>], r: usize) -> bool {
    limits
        .iter()
        .zip(columns)
        .all(|(l, c)| l[0] <= c[r] && c[r] <= l[1])
}

/// A candidate box: its limits and rows.
struct Candidate {
    limits: Vec<[f64; 2]>,
    rows: Vec<usize>,
}

impl Search<'_> {
    fn step(&self, phase: Phase, limits: Vec<[f64; 2]>, rows: &[usize]) -> Step {
        let coi = rows.iter().filter(|&&r| self.data.y[r]).count();
        let restricted = limits.iter().zip(&self.init).map(|(l, i)| l != i).collect();
        Step {
            phase,
            coverage: coi as f64 / self.total_coi as f64,
            density: if rows.is_empty() {
                0.0
            } else {
                coi as f64 / rows.len() as f64
            },
            mass: rows.len() as f64 / self.n as f64,
            limits,
            restricted,
        }
    }

    fn unrestricted(&self, limits: &[[f64; 2]]) -> usize {
        limits
            .iter()
            .zip(&self.init)
            .filter(|(l, i)| l == i)
            .count()
    }

    /// The best candidate by (score, unrestricted dimensions), the first on ties.
    fn best(&self, rows: &[usize], candidates: Vec<Candidate>) -> Option<(f64, Candidate)> {
        let mut best: Option<(f64, usize, Candidate)> = None;
        for c in candidates {
            let score = lenient1(self.data.y, rows, &c.rows);
            let free = self.unrestricted(&c.limits);
            if best
                .as_ref()
                .is_none_or(|(s, f, _)| score > *s || (score == *s && free > *f))
            {
                best = Some((score, free, c));
            }
        }
        best.map(|(s, _, c)| (s, c))
    }

    fn peels(&self, limits: &[[f64; 2]], rows: &[usize]) -> Vec<Candidate> {
        let mut out = Vec::with_capacity(2 * limits.len());
        for (j, col) in self.data.columns.iter().enumerate() {
            let mut v: Vec<f64> = rows.iter().map(|&r| col[r]).collect();
            v.sort_by(f64::total_cmp);
            for upper in [true, false] {
                let mut l = limits.to_vec();
                let q = if upper {
                    let q = quantile(&v, 1.0 - self.p.peel_alpha);
                    l[j][1] = q;
                    q
                } else {
                    let q = quantile(&v, self.p.peel_alpha);
                    l[j][0] = q;
                    q
                };
                let kept = rows
                    .iter()
                    .copied()
                    .filter(|&r| if upper { col[r] <= q } else { col[r] >= q })
                    .collect();
                out.push(Candidate {
                    limits: l,
                    rows: kept,
                });
            }
        }
        out
    }

    fn pastes(&self, limits: &[[f64; 2]], remaining: &[usize]) -> Vec<Candidate> {
        let cols = self.data.columns;
        let mut out = Vec::new();
        for j in 0..limits.len() {
            if limits[j] == self.init[j] {
                continue;
            }
            for lower in [true, false] {
                // The rows just outside the box on this side of dimension j.
                let mut slab = limits.to_vec();
                slab[j] = if lower {
                    [self.init[j][0], limits[j][0]]
                } else {
                    [limits[j][1], self.init[j][1]]
                };
                let mut v: Vec<f64> = remaining
                    .iter()
                    .filter(|&&r| inside(&slab, cols, r))
                    .map(|&r| cols[j][r])
                    .collect();
                v.sort_by(f64::total_cmp);
                let mut l = limits.to_vec();
                if lower {
                    l[j][0] = if v.is_empty() {
                        self.init[j][0]
                    } else {
                        quantile(&v, 1.0 - self.p.paste_alpha)
                    };
                } else {
                    l[j][1] = if v.is_empty() {
                        self.init[j][1]
                    } else {
                        quantile(&v, self.p.paste_alpha)
                    };
                }
                let rows = remaining
                    .iter()
                    .copied()
                    .filter(|&r| inside(&l, cols, r))
                    .collect();
                out.push(Candidate { limits: l, rows });
            }
        }
        out
    }

    /// Peels then pastes from the box of all `remaining` rows.
    fn find(&self, remaining: &[usize]) -> Found {
        let mut traj = vec![self.step(Phase::Start, self.init.clone(), remaining)];
        let mut limits = self.init.clone();
        let mut rows = remaining.to_vec();
        while let Some((score, c)) = self.best(&rows, self.peels(&limits, &rows)) {
            let mass = c.rows.len() as f64 / self.n as f64;
            if !(mass >= self.p.mass_min && c.rows.len() < rows.len() && score > 0.0) {
                break;
            }
            traj.push(self.step(Phase::Peel, c.limits.clone(), &c.rows));
            (limits, rows) = (c.limits, c.rows);
        }
        while let Some((score, c)) = self.best(&rows, self.pastes(&limits, remaining)) {
            let mass = c.rows.len() as f64 / self.n as f64;
            let gain = mean(self.data.y, &c.rows) > mean(self.data.y, &rows);
            if !(mass >= self.p.mass_min && c.rows.len() > rows.len() && score > 0.0 && gain) {
                break;
            }
            traj.push(self.step(Phase::Paste, c.limits.clone(), &c.rows));
            (limits, rows) = (c.limits, c.rows);
        }
        Found { trajectory: traj }
    }
}

/// Runs PRIM with covering: boxes in the order found. `data` must have at least one row, one
/// column and one case of interest.
pub fn run(data: &Data, p: Params) -> Vec<Found> {
    let n = data.y.len();
    let init: Vec<[f64; 2]> = data
        .columns
        .iter()
        .map(|c| {
            let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            [lo, hi]
        })
        .collect();
    let s = Search {
        data,
        p,
        init,
        n,
        total_coi: data.y.iter().filter(|v| **v).count(),
    };
    let mut remaining: Vec<usize> = (0..n).collect();
    let mut boxes = Vec::new();
    while boxes.len() < p.max_boxes && remaining.iter().any(|&r| data.y[r]) {
        let found = s.find(&remaining);
        let chosen = found.chosen();
        if chosen.density < p.min_density || chosen.phase == Phase::Start {
            break;
        }
        let limits = chosen.limits.clone();
        remaining.retain(|&r| !inside(&limits, data.columns, r));
        boxes.push(found);
    }
    boxes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic grid-like sample: `n` rows in `d` dimensions from a fixed LCG.
    fn sample(n: usize, d: usize) -> Vec<Vec<f64>> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut cols = vec![Vec::with_capacity(n); d];
        for _ in 0..n {
            for c in cols.iter_mut() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                c.push((state >> 11) as f64 / (1u64 << 53) as f64);
            }
        }
        cols
    }

    #[test]
    fn quantile_steps_off_ties_and_lands_between_values() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.05), 1.5);
        assert_eq!(quantile(&v, 0.95), 4.5);
        let ties = [1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(quantile(&ties, 0.05), 1.5);
        assert_eq!(quantile(&[7.0, 7.0], 0.95), 7.0);
    }

    #[test]
    fn lenient1_is_mean_gain_per_row_removed() {
        let y = [true, false, false, true];
        assert_eq!(lenient1(&y, &[0, 1, 2, 3], &[0, 3]), (1.0 - 0.5) / 2.0);
        assert_eq!(lenient1(&y, &[0, 3], &[0, 3]), 0.0);
    }

    #[test]
    fn peeling_finds_a_planted_box_and_pasting_never_lowers_density() {
        let cols = sample(2000, 4);
        let y: Vec<bool> = (0..2000)
            .map(|r| cols[0][r] > 0.6 && cols[2][r] < 0.3)
            .collect();
        let data = Data {
            columns: &cols,
            y: &y,
        };
        let boxes = run(&data, Params::default());
        let b = boxes[0].chosen();
        assert_eq!(b.restricted, [true, false, true, false]);
        assert!((b.limits[0][0] - 0.6).abs() < 0.03, "{:?}", b.limits);
        assert!((b.limits[2][1] - 0.3).abs() < 0.03, "{:?}", b.limits);
        assert!(b.density > 0.97 && b.coverage > 0.9, "{b:?}");
        let t = &boxes[0].trajectory;
        assert_eq!(t[0].phase, Phase::Start);
        assert_eq!(t[0].mass, 1.0);
        for w in t.windows(2) {
            assert!(w[1].density >= w[0].density, "{:?} then {:?}", w[0], w[1]);
            if w[1].phase == Phase::Peel {
                assert!(w[1].mass < w[0].mass);
            }
        }
        assert!(t.iter().all(|s| s.mass >= 0.05));
    }

    #[test]
    fn pasting_offers_the_next_quantile_outside_each_side() {
        // y = 1 for x < 0.5 only; a box peeled to x <= 0.3 is widened back towards 0.5.
        let cols = sample(1000, 1);
        let y: Vec<bool> = cols[0].iter().map(|v| *v < 0.5).collect();
        let data = Data {
            columns: &cols,
            y: &y,
        };
        let s = Search {
            data: &data,
            p: Params::default(),
            init: vec![[0.0, 1.0]],
            n: 1000,
            total_coi: y.iter().filter(|v| **v).count(),
        };
        let all: Vec<usize> = (0..1000).collect();
        let peeled = vec![[0.0, 0.3]];
        let rows: Vec<usize> = all.iter().copied().filter(|&r| cols[0][r] <= 0.3).collect();
        let pastes = s.pastes(&peeled, &all);
        assert_eq!(
            pastes.len(),
            2,
            "lower then upper side of the one restricted dimension"
        );
        assert_eq!(
            pastes[0].limits, peeled,
            "nothing lies below the data's minimum"
        );
        let up = &pastes[1];
        assert!(
            up.limits[0][1] > 0.3 && up.limits[0][1] < 0.35,
            "{:?}",
            up.limits
        );
        assert!(up.rows.len() > rows.len());
        assert_eq!(mean(&y, &up.rows), 1.0);
        // A pure box cannot gain mean by pasting, so the box found is the peeled one.
        let (score, _) = s.best(&rows, pastes).unwrap();
        assert_eq!(score, 0.0);
    }

    #[test]
    fn covering_stops_when_no_dense_box_is_left() {
        let cols = sample(1000, 2);
        let y: Vec<bool> = (0..1000).map(|r| cols[1][r] > 0.8).collect();
        let data = Data {
            columns: &cols,
            y: &y,
        };
        let boxes = run(&data, Params::default());
        assert_eq!(boxes.len(), 1, "one box holds every case of interest");
        assert_eq!(boxes[0].chosen().restricted, [false, true]);
    }
}
