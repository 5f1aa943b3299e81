//! Independent monitors: which misuse sessions they detect, and when.
//!
//! A misuse session on a route watched by monitors m₁ < m₂ < … (control order) is detected by
//! each independently with its probability, after that monitor's delay; its detection time is
//! the earliest. For k misuse sessions at once this is drawn in bulk by binomial thinning: in
//! monitor order, monitor i detects Binomial(undetected, pᵢ) of the sessions no earlier monitor
//! detected (each with a fresh delay) and, of those already detected, each with probability pᵢ
//! (keeping the earlier of the two delays). The work is one draw per detected session per
//! monitor, which the event estimate counts.
//!
//! A detection falls at the session's read time plus its delay. Event mode knows the read
//! time; an aggregated day's sessions are Poisson arrivals over the day, so each of its
//! detected sessions is read at a uniform time in the day, drawn after the delays: both
//! granularities time detections alike.
//!
//! Streams: monitor c watching staff group g draws from `("monitor", "<c>/<g>")`'s stream of
//! the day, so one group's misuse never shifts another group's detections; the read times of
//! an aggregated day come from the stream of the route's last monitor.

use rand::Rng as _;

use super::books::Books;
use super::ledger::Ledger;
use super::rng::{Base, DayStream};
use super::sample;
use super::sessions::Route;
use crate::model::{Calendar, ControlKind, World};

/// The monitors of one replication.
#[derive(Debug)]
pub(super) struct Monitors {
    /// Per (control, staff group): `streams[c * groups + g]`, for monitor controls.
    streams: Vec<Option<DayStream>>,
    groups: usize,
    /// Detection delays of the sessions being drawn and their read times within the day (a
    /// buffer kept across replications).
    delays: Vec<(f64, f64)>,
}

impl Monitors {
    pub fn new(world: &World, rep: u64, delays: Vec<(f64, f64)>) -> Monitors {
        let groups = world.staff.len();
        let mut streams = Vec::with_capacity(world.controls.len() * groups);
        for c in &world.controls {
            let monitor = matches!(c.kind, ControlKind::Monitor { .. });
            for g in &world.staff {
                streams.push(monitor.then(|| {
                    let name = format!("{}/{}", c.name, g.name);
                    DayStream::new(Base::new(world.seed, rep, "monitor", &name))
                }));
            }
        }
        Monitors {
            streams,
            groups,
            delays,
        }
    }

    /// Hands back the delay buffer.
    pub fn into_buffer(self) -> Vec<(f64, f64)> {
        self.delays
    }

    /// `k` misuse sessions read through `route` on day `day`, at time `t` (event mode) or at
    /// uniform times within the day (`None`: aggregated).
    #[allow(clippy::too_many_arguments)]
    pub fn misuse(
        &mut self,
        world: &World,
        route: &Route,
        k: u64,
        t: Option<f64>,
        day: usize,
        ledger: &mut Ledger,
        books: &mut Books,
    ) {
        if k == 0 || route.monitors == 0 {
            return;
        }
        self.delays.clear();
        let mut undetected = k;
        let mut bits = route.monitors;
        let mut last = 0;
        while bits != 0 {
            let c = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            last = c;
            let ControlKind::Monitor {
                detect_probability: p,
                detection_delay_days: delay,
            } = &world.controls[c].kind
            else {
                unreachable!("route monitors are monitor controls")
            };
            let rng = self.streams[c * self.groups + route.group as usize]
                .as_mut()
                .expect("monitor controls have streams")
                .at(day as u32);
            for d in self.delays.iter_mut() {
                if rng.random::<f64>() < *p {
                    d.0 = d.0.min(delay.sample(rng));
                }
            }
            let new = sample::binomial(rng, undetected, *p);
            undetected -= new;
            for _ in 0..new {
                self.delays.push((delay.sample(rng), 0.0));
            }
        }
        let t = match t {
            Some(t) => t,
            None => {
                let rng = self.streams[last * self.groups + route.group as usize]
                    .as_mut()
                    .expect("monitor controls have streams")
                    .at(day as u32);
                for d in self.delays.iter_mut() {
                    d.1 = rng.random::<f64>();
                }
                day as f64
            }
        };
        book(&world.calendar, &self.delays, route, t, day, ledger, books);
    }
}

/// Books detections at `t + offset + delay` that fall within the horizon.
fn book(
    cal: &Calendar,
    delays: &[(f64, f64)],
    route: &Route,
    t: f64,
    day: usize,
    ledger: &mut Ledger,
    books: &mut Books,
) {
    let end = cal.days as f64;
    for &(d, offset) in delays {
        // Nothing reacts to a detection within the day it happens, so it is booked now at its
        // time rather than queued: its month, and its day for the regulators' window.
        let at = t + offset + d;
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
