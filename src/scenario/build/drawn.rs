//! The quantities drawn once per replication ([`crate::model::Drawn`]): every money field of the
//! entity blocks (a number or a distribution, converted into the scenario's currency) and the
//! margins, registered in the order the blocks are built. Each is named by its parameter path,
//! which keys its random stream in the engine.

use super::ctx::Ctx;
use crate::model::{Drawn, DrawnId};
use crate::scenario::dist::RawDist;
use crate::scenario::source::FieldPath;

/// The drawn quantities registered so far.
#[derive(Debug, Default)]
pub(super) struct Draws(pub Vec<Drawn>);

impl Draws {
    /// A money field at `path`: a number or a distribution with no support below zero, written in
    /// the currency that `rate` converts into the scenario's.
    pub fn money(&mut self, cx: &mut Ctx, path: &FieldPath, raw: &RawDist, rate: f64) -> DrawnId {
        let dist = cx.dist(path, raw, true).scaled(rate);
        self.push(path, dist)
    }

    /// A non-negative quantity at `path` that is not money (a hazard per year).
    pub fn non_negative(&mut self, cx: &mut Ctx, path: &FieldPath, raw: &RawDist) -> DrawnId {
        let dist = cx.dist(path, raw, true);
        self.push(path, dist)
    }

    /// A non-negative quantity at `path` whose mean is at most `max` (a bounded hazard).
    pub fn at_most(&mut self, cx: &mut Ctx, path: &FieldPath, raw: &RawDist, max: f64) -> DrawnId {
        let dist = cx.dist_at_most(path, raw, true, max);
        self.push(path, dist)
    }

    /// A share at `path`: a number in [0, 1] or a distribution within it.
    pub fn share(&mut self, cx: &mut Ctx, path: &FieldPath, raw: &RawDist) -> DrawnId {
        let dist = cx.probability_dist(path, raw);
        self.push(path, dist)
    }

    fn push(&mut self, path: &FieldPath, dist: crate::model::Dist) -> DrawnId {
        self.0.push(Drawn {
            path: path.to_string(),
            dist,
        });
        self.0.len() - 1
    }
}
