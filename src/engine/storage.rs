//! Where each population's data sits: PB per (population, site), day by day.
//!
//! Every day the data of a population is rescaled to its volume (users × data per user), so
//! growth and shrinkage land on sites in proportion to what they already hold; then migrations
//! move data from source sites to the first target site that is live and has room, in the order
//! written. Nothing is created or lost by moving: the sum over sites always equals the volume
//! (a property test checks it).

use super::books::Books;
use super::draws::Draws;
use super::rng::Base;
use super::switches::Switches;
use crate::metrics::id;
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{ControlKind, Migration, World};

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

    /// Moves up to `budget` PB for one migration into targets that `accepting` allows; returns
    /// PB moved, and adds what left and entered each site to `moved_by_site`.
    pub fn migrate(
        &mut self,
        world: &World,
        m: &Migration,
        mut budget: f64,
        accepting: &[bool],
        moved_by_site: &mut [f64],
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
                if !accepting[dst] {
                    continue;
                }
                let room = world.sites[dst].capacity_pb - self.load(dst, pops);
                let x = budget.min(available).min(room);
                if x > 0.0 {
                    self.pb[m.population * self.sites + src] -= x;
                    self.pb[m.population * self.sites + dst] += x;
                    budget -= x;
                    moved += x;
                    moved_by_site[src] += x;
                    moved_by_site[dst] += x;
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

/// The estate of one replication: migration and flow rates (drawn once per replication, each
/// from its own `("migration", name)` / `("flow", name)` stream), its costs (drawn in
/// [`Draws`]), and what each day's storage step books: PB moved and its cost, PB-days outside
/// the enclave, cross-border transfers, and the sites' costs — capex at go-live or as a lease,
/// running costs, storage per PB-month and per PB moved — until a decommissioned site retires.
///
/// Every site cost goes to `cost.infrastructure` and the site's breakdown; a site, migration
/// marked `incremental = false` also counts its costs in `cost.committed`.
#[derive(Debug)]
pub(super) struct Estate {
    pub migration_rate: Vec<f64>,
    pub flow_pb: Vec<f64>,
    /// Each migration's cost per PB moved (one-off).
    cost_per_pb: Vec<f64>,
    /// Each site's running cost per day while live (recurring).
    opex_per_day: Vec<f64>,
    /// Each site's capex: booked at go-live, or as a lease of `lease_per_day` a day.
    capex: Vec<f64>,
    lease_per_day: Vec<f64>,
    /// Days of lease left to pay per site (set at go-live).
    lease_left: Vec<f64>,
    /// Each site's cost per PB held per day, and per PB moved in or out.
    storage_per_pb_day: Vec<f64>,
    moved_cost_per_pb: Vec<f64>,
    /// PB moved in or out of each site today (a buffer).
    moved_today: Vec<f64>,
    /// Sites that take data today: live and not past their decommissioning date.
    accepting: Vec<bool>,
    /// PB outside the enclave today, per population.
    pub outside_pb: Vec<f64>,
}

impl Estate {
    pub fn new(world: &World, rep: u64, draws: &Draws) -> Estate {
        let draw = |kind: &str, name: &str, d: &crate::model::Dist| {
            d.sample(&mut Base::new(world.seed, rep, kind, name).rng())
        };
        let sites = world.sites.len();
        let per_site = |f: &dyn Fn(&crate::model::Site) -> f64| -> Vec<f64> {
            world.sites.iter().map(f).collect()
        };
        Estate {
            migration_rate: world
                .migrations
                .iter()
                .map(|m| draw("migration", &m.name, &m.rate_pb_per_day))
                .collect(),
            flow_pb: world
                .flows
                .iter()
                .map(|f| draw("flow", &f.name, &f.pb_per_day))
                .collect(),
            cost_per_pb: world
                .migrations
                .iter()
                .map(|m| draws.get(m.cost_per_pb))
                .collect(),
            opex_per_day: per_site(&|s| draws.get(s.opex_per_year) / DAYS_PER_YEAR),
            capex: per_site(&|s| draws.get(s.capex)),
            lease_per_day: per_site(&|s| s.lease_days.map_or(0.0, |d| draws.get(s.capex) / d)),
            lease_left: vec![0.0; sites],
            storage_per_pb_day: per_site(&|s| {
                draws.get(s.cost_per_pb_month) * 12.0 / DAYS_PER_YEAR
            }),
            moved_cost_per_pb: per_site(&|s| draws.get(s.cost_per_pb_moved)),
            moved_today: vec![0.0; sites],
            accepting: vec![false; sites],
            outside_pb: vec![0.0; world.populations.len()],
        }
    }

    /// Site `s` goes live today: an owned site's capex is booked whole, a leased site's lease
    /// starts.
    pub fn go_live(&mut self, world: &World, s: usize, by_site: Option<usize>, books: &mut Books) {
        let site = &world.sites[s];
        match site.lease_days {
            Some(days) => self.lease_left[s] = days,
            None => site_cost(books, by_site, s, site.committed, self.capex[s], false),
        }
    }

    /// One day of storage: growth, migrations, residency, flows, site costs and retirements.
    pub fn day(
        &mut self,
        world: &World,
        day: usize,
        storage: &mut Storage,
        switches: &mut Switches,
        by_site: Option<usize>,
        books: &mut Books,
    ) {
        storage.grow(world, day);
        for (s, site) in world.sites.iter().enumerate() {
            let closing = site.decommission_day.is_some_and(|d| day >= d as usize);
            self.accepting[s] = switches.sites_online[s] && !closing;
        }
        self.moved_today.iter_mut().for_each(|x| *x = 0.0);
        for (i, m) in world.migrations.iter().enumerate() {
            if day >= m.start_day as usize {
                let moved = storage.migrate(
                    world,
                    m,
                    self.migration_rate[i],
                    &self.accepting,
                    &mut self.moved_today,
                );
                let cost = moved * self.cost_per_pb[i];
                books.one_off(id::COST_MIGRATION, cost);
                books.committed(m.committed, cost);
            }
        }
        self.retire(world, day, storage, switches, by_site, books);
        let mut outside = 0.0;
        for p in 0..world.populations.len() {
            let o = storage.outside_enclave_of(world, p);
            self.outside_pb[p] = o;
            outside += o;
        }
        books.add_now(id::PB_DAYS_OUTSIDE, outside);
        for (f, flow) in world.flows.iter().enumerate() {
            if day < flow.start_day as usize || day > flow.end_day as usize {
                continue;
            }
            if world.populations[flow.population].enclave[flow.to] {
                continue;
            }
            let mut pb = self.flow_pb[f];
            if let Some(gw) = flow.gateway {
                let c = &world.controls[gw];
                if let (
                    true,
                    true,
                    ControlKind::Gateway {
                        flow_pass_share, ..
                    },
                ) = (
                    switches.controls_on[gw],
                    c.populations[flow.population],
                    &c.kind,
                ) {
                    pb *= flow_pass_share;
                }
            }
            books.add_now(id::PB_CROSS_BORDER, pb);
        }
        let pops = world.populations.len();
        for (s, site) in world.sites.iter().enumerate() {
            let committed = site.committed;
            let moved = self.moved_today[s] * self.moved_cost_per_pb[s];
            site_cost(books, by_site, s, committed, moved, false);
            if !switches.sites_online[s] {
                continue;
            }
            let mut running = self.opex_per_day[s];
            running += storage.load(s, pops) * self.storage_per_pb_day[s];
            if self.lease_left[s] > 0.0 {
                running += self.lease_per_day[s] * self.lease_left[s].min(1.0);
                self.lease_left[s] -= 1.0;
            }
            site_cost(books, by_site, s, committed, running, true);
        }
    }

    /// Retires every site past its decommissioning date that holds no data (after today's
    /// moves): it goes offline for good, and a leased site's remaining lease is booked at once.
    /// A site that never went live retires too, and never will.
    fn retire(
        &mut self,
        world: &World,
        day: usize,
        storage: &Storage,
        switches: &mut Switches,
        by_site: Option<usize>,
        books: &mut Books,
    ) {
        let pops = world.populations.len();
        for (s, site) in world.sites.iter().enumerate() {
            let due = site.decommission_day.is_some_and(|d| day >= d as usize);
            if due && !switches.sites_retired[s] && storage.load(s, pops) <= 0.0 {
                switches.sites_retired[s] = true;
                switches.sites_online[s] = false;
                let rest = self.lease_per_day[s] * self.lease_left[s].max(0.0);
                self.lease_left[s] = 0.0;
                site_cost(books, by_site, s, site.committed, rest, false);
            }
        }
    }
}

/// Books a cost of site `s` in `cost.infrastructure` (one-off, or today's share of a recurring
/// one), in the site's breakdown and, for a committed site, in `cost.committed`.
fn site_cost(
    books: &mut Books,
    by_site: Option<usize>,
    s: usize,
    committed: bool,
    amount: f64,
    recurring: bool,
) {
    if amount == 0.0 {
        return;
    }
    if recurring {
        books.recurring(id::COST_INFRASTRUCTURE, amount);
    } else {
        books.one_off(id::COST_INFRASTRUCTURE, amount);
    }
    books.add_entity(by_site, s, amount);
    books.committed(committed, amount);
}
