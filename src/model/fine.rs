//! The EDPB fine method: a fine's share of the legal maximum from one uniform through the
//! seriousness scale, raised by gravity, times a drawn factor, capped at the maximum.

use super::{Dist, DrawnId, Drivers};

/// The EDPB fine method.
#[derive(Debug, Clone)]
pub struct FineModel {
    pub max_share_of_turnover: f64,
    pub max_floor: f64,
    /// P(low), P(medium), P(high seriousness) when the gravity is 0.
    pub seriousness: [f64; 3],
    /// The starting share of the legal maximum at gravity 0, drawn once per replication, in
    /// place of the seriousness bands.
    pub share_of_max: Option<DrawnId>,
    pub factor: Dist,
    /// Gravity g = Σ coefficient × driver when the fine is set.
    pub gravity: Drivers,
}

impl FineModel {
    /// The legal maximum for a given annual turnover.
    pub fn legal_max(&self, turnover: f64) -> f64 {
        (self.max_share_of_turnover * turnover).max(self.max_floor)
    }

    /// The share of the legal maximum a fine of gravity `g` ≥ 0 starts from, given one uniform
    /// `u` in [0, 1) (or, with `share_of_max`, that share): the point q = u^(1/(1+g)) is taken
    /// through the inverse CDF of the seriousness scale — piecewise uniform, low 0–10%, medium
    /// 10–20%, high 20–100% of the maximum, with the `seriousness` probabilities — or, with
    /// `share_of_max` s, q = s^(1/(1+g)) is the share. Monotone and continuous in g and in u.
    pub fn start_share(&self, u: f64, g: f64, share_of_max: Option<f64>) -> f64 {
        let base = share_of_max.unwrap_or(u).clamp(0.0, 1.0);
        let q = if g > 0.0 {
            libm::pow(base, 1.0 / (1.0 + g))
        } else {
            base
        };
        if share_of_max.is_some() {
            return q;
        }
        let [p0, p1, p2] = self.seriousness;
        let band = |q: f64, p: f64, lo: f64, hi: f64| {
            if p > 0.0 {
                lo + (hi - lo) * (q / p).min(1.0)
            } else {
                lo
            }
        };
        if q < p0 {
            band(q, p0, 0.0, 0.1)
        } else if q < p0 + p1 {
            band(q - p0, p1, 0.1, 0.2)
        } else if p2 > 0.0 {
            band(q - p0 - p1, p2, 0.2, 1.0)
        } else {
            0.2
        }
    }

    /// A fine of gravity `g` ≥ 0 from one uniform `u` (through [`FineModel::start_share`]) and
    /// a drawn aggravating/mitigating `factor`, capped at the legal maximum. On the same draws a
    /// graver infringement never gets a smaller fine, and the fine moves continuously with g.
    pub fn amount(
        &self,
        turnover: f64,
        g: f64,
        (u, factor): (f64, f64),
        share_of_max: Option<f64>,
    ) -> f64 {
        let max = self.legal_max(turnover);
        (self.start_share(u, g, share_of_max) * max * factor).clamp(0.0, max)
    }

    /// A fine of gravity `g` drawn from `rng`: its [`FineModel::draws`], then its amount.
    pub fn draw<R: rand::Rng + ?Sized>(
        &self,
        rng: &mut R,
        turnover: f64,
        g: f64,
        share_of_max: Option<f64>,
    ) -> f64 {
        self.amount(turnover, g, self.draws(rng), share_of_max)
    }

    /// What a fine draws from `rng`, in order: one uniform for its place on the seriousness
    /// scale, then its factor.
    pub fn draws<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> (f64, f64) {
        let u: f64 = rng.random();
        (u, self.factor.sample(rng))
    }
}
