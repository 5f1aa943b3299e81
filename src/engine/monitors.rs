//! Independent monitors: which misuse sessions they detect, and when.
//!
//! A misuse session on a route watched by monitors m₁ < m₂ < … (control order) is detected by
//! each independently with its probability, after that monitor's delay, counted from the start
//! of the day the session is read; its detection time is the earliest. Each misuse session is
//! drawn in turn — per monitor in order, a uniform against its probability and, if it detects,
//! a delay — whether the route's sessions come one at a time (event mode) or a day's at once
//! (aggregated), so the two granularities draw the same detections for the same misuse
//! sessions. Only a route-day with [`PER_SESSION_BELOW`] or more misuse sessions (far beyond any
//! shipped scenario) is drawn in bulk, by binomial thinning: in monitor order, monitor i
//! detects Binomial(undetected, pᵢ) of the sessions no earlier monitor detected (each with a
//! fresh delay) and, of those already detected, each with probability pᵢ (keeping the earlier
//! of the two delays). The work is about one draw per misuse session per monitor, which the
//! event estimate counts.
//!
//! Streams: monitor c watching the route of staff group g to population p draws from
//! `("monitor", "<c>/<g>/<p>")`'s stream of the day, so one route's misuse never shifts
//! another's detections, and event mode's interleaving of a group's populations changes none.

use rand::Rng as _;

use super::books::Books;
use super::ledger::Ledger;
use super::rng::{Base, DayStream, Rng};
use super::sample::{self, PER_SESSION_BELOW};
use super::sessions::Route;
use crate::model::{Calendar, ControlKind, World};

/// The monitors of one replication.
#[derive(Debug)]
pub(super) struct Monitors {
    /// Per (control, route): `streams[c * routes + r]`, for monitor controls.
    streams: Vec<Option<DayStream>>,
    routes: usize,
    /// Detection delays of the sessions being drawn (a buffer kept across replications).
    delays: Vec<f64>,
}

impl Monitors {
    pub fn new(world: &World, rep: u64, delays: Vec<f64>) -> Monitors {
        let routes: usize = world.staff.iter().map(|g| g.populations.len()).sum();
        let mut streams = Vec::with_capacity(world.controls.len() * routes);
        for c in &world.controls {
            let monitor = matches!(c.kind, ControlKind::Monitor { .. });
            for g in &world.staff {
                for &p in &g.populations {
                    streams.push(monitor.then(|| {
                        let name = format!("{}/{}/{}", c.name, g.name, world.populations[p].name);
                        DayStream::new(Base::new(world.seed, rep, "monitor", &name))
                    }));
                }
            }
        }
        Monitors {
            streams,
            routes,
            delays,
        }
    }

    /// Hands back the delay buffer.
    pub fn into_buffer(self) -> Vec<f64> {
        self.delays
    }

    /// `k` misuse sessions read through route `index` (`route`) on day `day`.
    #[allow(clippy::too_many_arguments)]
    pub fn misuse(
        &mut self,
        world: &World,
        index: usize,
        route: &Route,
        k: u64,
        day: usize,
        ledger: &mut Ledger,
        books: &mut Books,
    ) {
        if k == 0 || route.monitors == 0 {
            return;
        }
        self.delays.clear();
        let watching = || {
            let mut bits = route.monitors;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let c = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let ControlKind::Monitor {
                        detect_probability: p,
                        detection_delay_days: delay,
                    } = &world.controls[c].kind
                    else {
                        unreachable!("route monitors are monitor controls")
                    };
                    (c, *p, delay)
                })
            })
        };
        if k < PER_SESSION_BELOW {
            for _ in 0..k {
                let mut first = f64::INFINITY;
                for (c, p, delay) in watching() {
                    let rng = stream(&mut self.streams, self.routes * c + index, day);
                    if rng.random::<f64>() < p {
                        first = first.min(delay.sample(rng));
                    }
                }
                if first.is_finite() {
                    self.delays.push(first);
                }
            }
        } else {
            let mut undetected = k;
            for (c, p, delay) in watching() {
                let rng = stream(&mut self.streams, self.routes * c + index, day);
                for d in self.delays.iter_mut() {
                    if rng.random::<f64>() < p {
                        *d = d.min(delay.sample(rng));
                    }
                }
                let new = sample::binomial(rng, undetected, p);
                undetected -= new;
                for _ in 0..new {
                    self.delays.push(delay.sample(rng));
                }
            }
        }
        book(&world.calendar, &self.delays, route, day, ledger, books);
    }
}

/// The stream `at` (monitor control c, route r: `c * routes + r`) today.
#[inline]
fn stream(streams: &mut [Option<DayStream>], at: usize, day: usize) -> &mut Rng {
    streams[at]
        .as_mut()
        .expect("monitor controls have streams")
        .at(day as u32)
}

/// Books detections `delay` days after the start of `day` that fall within the horizon.
fn book(
    cal: &Calendar,
    delays: &[f64],
    route: &Route,
    day: usize,
    ledger: &mut Ledger,
    books: &mut Books,
) {
    let end = cal.days as f64;
    let t = day as f64;
    for &d in delays {
        // Nothing reacts to a detection within the day it happens, so it is booked now at its
        // time rather than queued: its month, and its day for the regulators' window.
        let at = t + d;
        if at < end {
            books.detection(cal.month_of_time(at), d);
            ledger.detect_on(
                route.population as usize,
                route.group as usize,
                at as usize,
                day,
            );
        }
    }
}
