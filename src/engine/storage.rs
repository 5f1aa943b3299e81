//! Where each population's data sits: PB per (population, site), day by day.
//!
//! Every day the data of a population is rescaled to its volume (users × data per user), so
//! growth and shrinkage land on sites in proportion to what they already hold; then migrations
//! move data from source sites to the first target site that is live and has room, in the order
//! written. Nothing is created or lost by moving: the sum over sites always equals the volume
//! (a property test checks it).

use crate::model::{Migration, World};

/// PB per (population, site).
#[derive(Debug, Default, Clone)]
pub struct Storage {
    /// `pb[pop * sites + site]`.
    pub pb: Vec<f64>,
    sites: usize,
}

impl Storage {
    /// Places every population's day-0 volume by its `placement` shares.
    pub fn reset(&mut self, world: &World) {
        self.sites = world.sites.len();
        self.pb.clear();
        for p in &world.populations {
            let v = p.volume_pb(0);
            self.pb.extend(p.placement.iter().map(|share| share * v));
        }
    }

    #[inline]
    pub fn get(&self, pop: usize, site: usize) -> f64 {
        self.pb[pop * self.sites + site]
    }

    /// Total PB of a population over all sites.
    pub fn total(&self, pop: usize) -> f64 {
        self.pb[pop * self.sites..(pop + 1) * self.sites]
            .iter()
            .sum()
    }

    /// Total PB held at a site over all populations.
    pub fn load(&self, site: usize, pops: usize) -> f64 {
        (0..pops).map(|p| self.pb[p * self.sites + site]).sum()
    }

    /// Rescales every population to its volume on `day`.
    pub fn grow(&mut self, world: &World, day: usize) {
        for (p, pop) in world.populations.iter().enumerate() {
            let target = pop.volume_pb(day);
            let row = &mut self.pb[p * self.sites..(p + 1) * self.sites];
            let have: f64 = row.iter().sum();
            if have > 0.0 {
                let k = target / have;
                row.iter_mut().for_each(|x| *x *= k);
            } else if target > 0.0 {
                row.iter_mut()
                    .zip(&pop.placement)
                    .for_each(|(x, s)| *x = s * target);
            }
        }
    }

    /// Moves up to `budget` PB for one migration; returns PB moved.
    pub fn migrate(
        &mut self,
        world: &World,
        m: &Migration,
        mut budget: f64,
        online: &[bool],
    ) -> f64 {
        let pops = world.populations.len();
        let mut moved = 0.0;
        for &src in &m.from {
            for &dst in &m.to {
                if budget <= 0.0 {
                    return moved;
                }
                let available = self.get(m.population, src);
                if available <= 0.0 {
                    break;
                }
                if !online[dst] {
                    continue;
                }
                let room = world.sites[dst].capacity_pb - self.load(dst, pops);
                let x = budget.min(available).min(room);
                if x > 0.0 {
                    self.pb[m.population * self.sites + src] -= x;
                    self.pb[m.population * self.sites + dst] += x;
                    budget -= x;
                    moved += x;
                }
            }
        }
        moved
    }

    /// PB of population `p`'s data held outside its enclave.
    pub fn outside_enclave_of(&self, world: &World, p: usize) -> f64 {
        let enclave = &world.populations[p].enclave;
        world
            .sites
            .iter()
            .enumerate()
            .filter(|(_, site)| !enclave[site.jurisdiction])
            .map(|(s, _)| self.pb[p * self.sites + s])
            .sum()
    }
}
