//! The exposure ledger: records read through each route, rounded and booked once a day, the
//! identifiable records and distinct users per population, the days with identifiable reads,
//! and the trailing windows of records (per population) and detections (per population and
//! staff group) that drive the regulators.
//!
//! **One rounding rule.** Sessions add the real-valued records they read to their route's
//! account for the day, one by one (event mode) or as a compound sum (aggregated); at the end
//! of the day each route books round(sum) records. So a gate with approval 1 and no queueing
//! books exactly what the same sessions book without it.
//!
//! Masked records are re-identifiable one by one with the gateway's probability:
//! Binomial(records, p), drawn from `("gateway", "<gateway>/<group>")`'s stream of the day.
//!
//! Distinct users: after k identifiable records of a population of N̄ users (its mean active
//! users so far), the expected number of distinct users read is N̄(1 − e^(−k/N̄)), written
//! −N̄·expm1(−k/N̄) so that it does not cancel when k/N̄ is tiny.

use super::books::Books;
use super::rng::{Base, DayStream};
use super::sample;
use super::sessions::{RecordClass, Route};
use crate::metrics::breakdown::Breakdown;
use crate::metrics::id;
use crate::model::World;

/// Days in the trailing window of regulator drivers: the 365 days before the day they step.
const WINDOW: usize = 365;
/// Slots of the window rings: the window's days and the day being booked.
const RING: usize = WINDOW + 1;

/// Records and detections of one replication, per route and population.
#[derive(Debug)]
pub(super) struct Ledger {
    /// Real-valued records read today per route.
    pending: Vec<f64>,
    /// Routes with records today.
    touched: Vec<u32>,
    /// Re-identification streams per (gateway control, staff group): `reid[c * groups + g]`.
    reid: Vec<Option<DayStream>>,
    groups: usize,
    identifiable: Vec<f64>,
    users_sum: Vec<f64>,
    ring_records: Vec<f64>,
    /// Detections per (population, group, day of the window).
    ring_detected: Vec<f64>,
    /// Detections per (population, group, day) booked ahead, entering the window on their day.
    detected_on: Vec<f64>,
    days: usize,
    /// Identifiable records per population in the trailing window.
    pub sum_records: Vec<f64>,
    /// Detected incidents per (population, staff group) in the trailing window:
    /// `sum_detected[p * groups + g]`.
    pub sum_detected: Vec<f64>,
    /// Days with identifiable records per population so far.
    pub exposed_days: Vec<f64>,
    /// Detected incidents per (population, staff group) so far, as they enter the window.
    pub total_detected: Vec<f64>,
}

impl Ledger {
    pub fn new(world: &World, rep: u64, routes: usize) -> Ledger {
        let pops = world.populations.len();
        let groups = world.staff.len();
        let mut reid = Vec::with_capacity(world.controls.len() * groups);
        for c in &world.controls {
            let gateway = matches!(c.kind, crate::model::ControlKind::Gateway { .. });
            for g in &world.staff {
                reid.push(gateway.then(|| {
                    let name = format!("{}/{}", c.name, g.name);
                    DayStream::new(Base::new(world.seed, rep, "gateway", &name))
                }));
            }
        }
        Ledger {
            pending: vec![0.0; routes],
            touched: Vec::with_capacity(routes),
            reid,
            groups,
            identifiable: vec![0.0; pops],
            users_sum: vec![0.0; pops],
            ring_records: vec![0.0; pops * RING],
            ring_detected: vec![0.0; pops * groups * RING],
            detected_on: vec![0.0; pops * groups * world.calendar.days as usize],
            days: world.calendar.days as usize,
            sum_records: vec![0.0; pops],
            sum_detected: vec![0.0; pops * groups],
            exposed_days: vec![0.0; pops],
            total_detected: vec![0.0; pops * groups],
        }
    }

    /// Records read today through route `route` (not yet rounded).
    #[inline]
    pub fn read(&mut self, route: usize, records: f64) {
        if records > 0.0 {
            if self.pending[route] == 0.0 {
                self.touched.push(route as u32);
            }
            self.pending[route] += records;
        }
    }

    /// Books today's records of every route, rounded, in `books` and the windows. Routes are
    /// booked in route order, whatever order they were read in.
    pub fn close_day(
        &mut self,
        routes: &[Route],
        day: usize,
        breakdown: &Breakdown,
        books: &mut Books,
    ) {
        self.touched.sort_unstable();
        for i in 0..self.touched.len() {
            let r = self.touched[i] as usize;
            let records = std::mem::take(&mut self.pending[r]).round();
            let route = routes[r];
            let pop = route.population as usize;
            let g = route.group as usize;
            let identifiable = match route.class {
                RecordClass::NotExposure => continue,
                RecordClass::Visible => {
                    books.add_now(id::RECORDS_VISIBLE, records);
                    books.add_entity(breakdown.visible_by_group, g, records);
                    books.add_entity(breakdown.visible_by_population, pop, records);
                    books.add_now(id::SCORE, records * route.weight_visible);
                    records
                }
                RecordClass::Masked => {
                    books.add_now(id::RECORDS_MASKED, records);
                    let stream = self.reid
                        [route.gateway as usize * self.groups + route.group as usize]
                        .as_mut()
                        .expect("masked routes have a gateway");
                    let k = sample::binomial(
                        stream.at(day as u32),
                        records as u64,
                        route.reid_probability,
                    ) as f64;
                    books.add_now(id::RECORDS_REIDENTIFIABLE, k);
                    books.add_entity(breakdown.reidentifiable_by_group, g, k);
                    books.add_entity(breakdown.reidentifiable_by_population, pop, k);
                    books.add_now(id::SCORE, k * route.weight_reid);
                    k
                }
            };
            self.identifiable[pop] += identifiable;
            self.ring_records[pop * RING + day % RING] += identifiable;
            self.sum_records[pop] += identifiable;
        }
        self.touched.clear();
        for (p, days) in self.exposed_days.iter_mut().enumerate() {
            if self.ring_records[p * RING + day % RING] > 0.0 {
                *days += 1.0;
            }
        }
    }

    /// Moves the trailing windows to `day`: they hold days `day − 365 ..= day − 1`. Day
    /// `day − 366` leaves; detections booked ahead for yesterday enter.
    pub fn advance_window(&mut self, day: usize) {
        let slot = day % RING;
        for p in 0..self.sum_records.len() {
            let i = p * RING + slot;
            self.sum_records[p] -= self.ring_records[i];
            self.ring_records[i] = 0.0;
        }
        for pg in 0..self.sum_detected.len() {
            let i = pg * RING + slot;
            self.sum_detected[pg] -= self.ring_detected[i];
            self.ring_detected[i] = 0.0;
            if day > 0 {
                let yesterday = self.detected_on[pg * self.days + day - 1];
                self.ring_detected[pg * RING + (day - 1) % RING] += yesterday;
                self.sum_detected[pg] += yesterday;
                self.total_detected[pg] += yesterday;
            }
        }
    }

    /// An incident of staff group `group` reading `pop` that will be detected on `day` (within
    /// the horizon), seen `today`.
    #[inline]
    pub fn detect_on(&mut self, pop: usize, group: usize, day: usize, today: usize) {
        let pg = pop * self.groups + group;
        if day <= today {
            self.ring_detected[pg * RING + today % RING] += 1.0;
            self.sum_detected[pg] += 1.0;
            self.total_detected[pg] += 1.0;
        } else {
            self.detected_on[pg * self.days + day] += 1.0;
        }
    }

    /// Identifiable records of population `p` read so far (booked days).
    pub fn identifiable(&self, p: usize) -> f64 {
        self.identifiable[p]
    }

    /// Expected distinct users of population `p` read identifiably by the end of `day`.
    pub fn distinct_users(&self, p: usize, day: usize) -> f64 {
        let n_bar = self.users_sum[p] / (day + 1) as f64;
        if n_bar > 0.0 {
            -n_bar * libm::expm1(-self.identifiable[p] / n_bar)
        } else {
            0.0
        }
    }

    /// Active users today, for the mean behind distinct users.
    pub fn count_users(&mut self, world: &World, day: usize, active: &[f64]) {
        for (p, pop) in world.populations.iter().enumerate() {
            self.users_sum[p] += pop.users_by_day[day] * active[p];
        }
    }

    /// Levels on a month's last day: active users (total and per population) and distinct
    /// users read.
    pub fn month_end(&self, world: &World, day: usize, active: &[f64], books: &mut Books) {
        let month = books.month;
        let mut total = 0.0;
        let mut distinct = 0.0;
        for (p, pop) in world.populations.iter().enumerate() {
            let u = pop.users_by_day[day] * active[p];
            total += u;
            books.set(month, id::PER_ENTITY + p, u);
            distinct += self.distinct_users(p, day);
        }
        books.set(month, id::USERS_ACTIVE, total);
        books.set(month, id::USERS_DISTINCT, distinct);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORLD: &str = r#"
start = "2024-01-01"
end = "2025-12-31"
[population.p]
home = "US"
enclave = ["US"]
restricted = ["CN"]
users = 1e6
data_per_user_mb = 1
placement = { s = 1.0 }
[site.s]
jurisdiction = "US"
capacity_pb = 10
[staff.g]
jurisdiction = "CN"
headcount = 1
sessions_per_person_day = 1
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
"#;

    #[test]
    fn the_window_holds_the_365_days_before_the_step_and_not_the_day_itself() {
        let world = crate::engine::tests::world(WORLD);
        let mut ledger = Ledger::new(&world, 0, 0);
        for day in 0..500 {
            // Step: the window as the regulators read it in the morning.
            ledger.advance_window(day);
            assert_eq!(ledger.sum_detected[0], day.min(WINDOW) as f64, "day {day}");
            // One detection a day: booked at once on even days, ahead (the day before) on odd.
            if day % 2 == 0 {
                ledger.detect_on(0, 0, day, day);
            } else {
                ledger.detect_on(0, 0, day, day - 1);
            }
        }
    }
}
