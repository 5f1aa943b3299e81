//! Exposure channels besides staff reads: protected data held at sites in a jurisdiction its
//! population restricts (`exposure.pb_days_restricted`), and compelled-access events, in which a
//! restricted jurisdiction's authorities take a share of the data held in or readable from it
//! (`exposure.records_compelled`). Both feed the regulators' drivers (`pb_restricted`,
//! `records_compelled_millions`).
//!
//! Each compelled-access event draws from its own stream `("compelled_access", name)`: first one
//! uniform for its dated occurrence (it happens when the uniform is below its drawn
//! `probability`), then one Exp(1) gap per occurrence of its hazard, drawn as each occurs (the
//! k-th occurrence falls (E₁ + … + E_k) · 365.25 / `per_year` days after `start`). Its drawn
//! quantities come from [`Draws`], each from the stream of its own path, so adding an event
//! moves no other block's draws, and on the same draws a larger probability or hazard never
//! means fewer or later occurrences.
//!
//! An occurrence on day d (after the day's storage step, before the regulators' step) exposes,
//! per population p it reaches, `share × records_per_user × users_p(d) × f_p`, where
//! f_p = h + (1 − h)·a: h the share of p's data held at sites in the jurisdiction, a the largest
//! share its staff there read identifiably today (as the `pb_accessible` driver, for that
//! jurisdiction's staff groups) of the rest.

use rand::Rng as _;

use super::books::Books;
use super::draws::Draws;
use super::rng::{Base, Rng};
use super::sessions::Sessions;
use super::storage::Storage;
use crate::metrics::{breakdown::Breakdown, id, Layout};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::World;

/// One compelled-access event in one replication.
#[derive(Debug)]
struct Event {
    rng: Rng,
    /// Whether the dated occurrence happens.
    dated: bool,
    /// Mean days between the hazard's occurrences (∞: none).
    mean_gap_days: f64,
    /// Time (days) of the hazard's next occurrence (∞: none left).
    next: f64,
    share: f64,
    records_per_user: f64,
}

/// The exposure channels of one replication.
#[derive(Debug)]
pub(super) struct Channels {
    /// PB held at sites in a restricted jurisdiction today, per population.
    pub restricted_pb: Vec<f64>,
    /// Records exposed by compelled access so far, per population.
    pub compelled_records: Vec<f64>,
    events: Vec<Event>,
}

impl Channels {
    /// Draws each event's dated occurrence and first hazard occurrence, and writes its first
    /// day (the horizon's length when none) to the inputs.
    pub fn new(world: &World, layout: &Layout, rep: u64, draws: &Draws, books: &mut Books) -> Self {
        let horizon = world.calendar.days as f64;
        let mut events = Vec::with_capacity(world.compelled.len());
        for (i, c) in world.compelled.iter().enumerate() {
            let mut rng = Base::new(world.seed, rep, "compelled_access", &c.name).rng();
            let u: f64 = rng.random();
            let dated = c.date_day.is_some() && u < draws.get(c.probability);
            let per_year = draws.get(c.per_year);
            let mean_gap_days = if per_year > 0.0 {
                DAYS_PER_YEAR / per_year
            } else {
                f64::INFINITY
            };
            let mut e = Event {
                rng,
                dated,
                mean_gap_days,
                next: f64::from(c.start_day),
                share: draws.get(c.share),
                records_per_user: draws.get(c.records_per_user),
            };
            e.advance(c.end_day);
            let first_dated = if dated {
                c.date_day.map_or(horizon, f64::from)
            } else {
                horizon
            };
            let first_hazard = if e.next.is_finite() {
                e.next.floor()
            } else {
                horizon
            };
            books.inputs[layout.inputs.compelled + i] = first_dated.min(first_hazard);
            events.push(e);
        }
        Channels {
            restricted_pb: vec![0.0; world.populations.len()],
            compelled_records: vec![0.0; world.populations.len()],
            events,
        }
    }

    /// Today's data held in restricted jurisdictions and compelled-access occurrences.
    pub fn day(
        &mut self,
        world: &World,
        day: usize,
        storage: &Storage,
        sessions: &Sessions,
        breakdown: &Breakdown,
        books: &mut Books,
    ) {
        let mut total = 0.0;
        for (p, pop) in world.populations.iter().enumerate() {
            let mut held = 0.0;
            for (k, &s) in breakdown.restricted_sites.iter().enumerate() {
                if pop.restricted[world.sites[s].jurisdiction] {
                    let pb = storage.get(p, s);
                    held += pb;
                    books.add_entity(breakdown.restricted_by_site, k, pb);
                }
            }
            self.restricted_pb[p] = held;
            books.add_entity(breakdown.restricted_by_population, p, held);
            total += held;
        }
        books.add_now(id::PB_DAYS_RESTRICTED, total);
        for (c, e) in world.compelled.iter().zip(&mut self.events) {
            let mut n = u32::from(e.dated && c.date_day == Some(day as u32));
            while e.next < (day + 1) as f64 {
                n += 1;
                e.advance(c.end_day);
            }
            if n == 0 {
                continue;
            }
            for (p, pop) in world.populations.iter().enumerate() {
                if !c.populations[p] {
                    continue;
                }
                let volume = storage.total(p);
                let held: f64 = (0..world.sites.len())
                    .filter(|&s| world.sites[s].jurisdiction == c.jurisdiction)
                    .map(|s| storage.get(p, s))
                    .sum();
                let h = if volume > 0.0 {
                    (held / volume).min(1.0)
                } else {
                    0.0
                };
                let a = sessions.accessible_share_from(world, p, c.jurisdiction);
                let reached = h + (1.0 - h) * a;
                let records =
                    f64::from(n) * e.share * e.records_per_user * pop.users_by_day[day] * reached;
                books.add_now(id::RECORDS_COMPELLED, records);
                books.add_entity(breakdown.compelled_by_population, p, records);
                self.compelled_records[p] += records;
            }
        }
    }
}

impl Event {
    /// Moves the hazard's next occurrence one gap on (drawn now), or to ∞ past its last day.
    fn advance(&mut self, end_day: u32) {
        self.next += self.mean_gap_days * exp1(&mut self.rng);
        // ∞ × a zero draw is NaN: no hazard, no occurrence.
        if self.next.is_nan() || self.next >= f64::from(end_day + 1) {
            self.next = f64::INFINITY;
        }
    }
}

/// An Exp(1) draw, as −ln(1 − u).
fn exp1(rng: &mut Rng) -> f64 {
    let u: f64 = rng.random();
    -libm::log1p(-u)
}
