//! The quantities a replication draws once from their own streams ([`World::drawn`]): every
//! money amount (capex, running costs, fees, costs per PB, a sale's costs, revenue per user) and
//! every margin. Each draws from `("drawn", path)`, keyed by its parameter path
//! (`site.kouvola.capex`), so making one amount uncertain, or adding a block, leaves every other
//! draw where it was; a constant draws nothing.

use super::rng::Base;
use crate::model::{Dist, DrawnId, World};

/// One replication's value of each drawn quantity, indexed like [`World::drawn`].
#[derive(Debug)]
pub(super) struct Draws(Vec<f64>);

impl Draws {
    pub fn new(world: &World, rep: u64) -> Draws {
        Draws(
            world
                .drawn
                .iter()
                .map(|d| match d.dist {
                    Dist::Constant(v) => v,
                    ref dist => {
                        dist.sample(&mut Base::new(world.seed, rep, "drawn", &d.path).rng())
                    }
                })
                .collect(),
        )
    }

    /// The value of quantity `id` in this replication.
    #[inline]
    pub fn get(&self, id: DrawnId) -> f64 {
        self.0[id]
    }
}
