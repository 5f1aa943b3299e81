//! Approval gates: a FIFO queue in front of c reviewers, with requesters who may give up.
//!
//! Streams: each gate draws, for every request in its order of arrival, the review time, the
//! requester's patience and the approval from `("gate", name)`'s stream of the arrival day —
//! all three for every request, whether or not it waits or is reviewed, so a request's fate does
//! not shift the draws of the requests after it. (FIFO service with review times drawn at
//! arrival is the same queue in distribution as drawing them when review starts.)
//!
//! With FIFO order and patience fixed at arrival, a request's fate is known when it arrives
//! (the Kiefer–Wolfowitz recursion): it would start review when the earliest of the c
//! reviewers' next free times comes, or at once if that has passed; if that is later than its
//! patience allows, it gives up when its patience runs out and takes no reviewer; otherwise the
//! reviewer is busy until start + review. The gate keeps only the c free times (a min-heap) and
//! hands back each approved request with the end of its review, when it is read (the day loop
//! reads it at once if that is the same day, else queues it); rejections and abandonments are
//! booked at arrival in the month they happen.
//!
//! Waits are defined for every request that reached the gate: a request reviewed at once waits
//! 0; one that queued waits until its review starts, or, if it gave up, until it gave up
//! (its patience). Requests that would still be queued at the horizon and whose patience runs
//! past it are censored and count no wait; reviews ending after the horizon count nothing.
//! What refusals, give-ups and the days of waiting cost is [`super::lost_work`]'s, booked here.

use rand::Rng as _;

use super::books::Books;
use super::lost_work::LostWork;
use super::rng::{Base, DayStream};
use super::sessions::Request;
use crate::metrics::id;
use crate::model::{ControlKind, World};

/// One gate's reviewers (buffers kept across replications).
#[derive(Debug, Default, Clone)]
pub(super) struct GateState {
    /// Min-heap of the busy reviewers' next free times (fewer than c entries: some never
    /// worked yet).
    free_at: Vec<f64>,
}

impl GateState {
    /// The earliest time a reviewer is free (−∞ while one has never worked).
    fn earliest(&self, reviewers: usize) -> f64 {
        if self.free_at.len() < reviewers {
            f64::NEG_INFINITY
        } else {
            self.free_at[0]
        }
    }

    /// The reviewer free earliest works until `until`.
    fn occupy(&mut self, reviewers: usize, until: f64) {
        if self.free_at.len() < reviewers {
            self.free_at.push(until);
            let mut i = self.free_at.len() - 1;
            while i > 0 {
                let parent = (i - 1) / 2;
                if self.free_at[parent] <= self.free_at[i] {
                    break;
                }
                self.free_at.swap(parent, i);
                i = parent;
            }
            return;
        }
        let h = &mut self.free_at;
        h[0] = until;
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            if l < h.len() && h[l] < h[least] {
                least = l;
            }
            if r < h.len() && h[r] < h[least] {
                least = r;
            }
            if least == i {
                break;
            }
            h.swap(i, least);
            i = least;
        }
    }
}

/// The approval gates of one replication.
#[derive(Debug)]
pub(super) struct Gates {
    streams: Vec<Option<DayStream>>,
}

impl Gates {
    /// Streams for every approval control; `states` are reset for this replication.
    pub fn new(world: &World, rep: u64, states: &mut Vec<GateState>) -> Gates {
        states.resize_with(world.controls.len(), GateState::default);
        for s in states.iter_mut() {
            s.free_at.clear();
        }
        Gates {
            streams: world
                .controls
                .iter()
                .map(|c| {
                    matches!(c.kind, ControlKind::Approval { .. })
                        .then(|| DayStream::new(Base::new(world.seed, rep, "gate", &c.name)))
                })
                .collect(),
        }
    }

    /// A request reaches gate `gate` at time `t`: if it is approved and its review ends
    /// within the horizon, the time it ends (when the request is read).
    #[allow(clippy::too_many_arguments)]
    pub fn arrive(
        &mut self,
        world: &World,
        states: &mut [GateState],
        gate: usize,
        request: Request,
        t: f64,
        day: usize,
        lost: &LostWork,
        books: &mut Books,
    ) -> Option<(f64, Request)> {
        let cal = &world.calendar;
        let ControlKind::Approval {
            reviewers,
            review_days,
            approval_probability,
            patience_days,
        } = &world.controls[gate].kind
        else {
            unreachable!("routes only point at approval controls")
        };
        let rng = self.streams[gate]
            .as_mut()
            .expect("approval controls have streams")
            .at(day as u32);
        let review = review_days.sample(rng);
        let patience = patience_days
            .as_ref()
            .map_or(f64::INFINITY, |d| d.sample(rng));
        let approved = rng.random::<f64>() < *approval_probability;
        let c = *reviewers as usize;
        let end = cal.days as f64;
        let state = &mut states[gate];
        let begin = t.max(state.earliest(c));
        let deadline = t + patience;
        if begin > deadline {
            if deadline <= end {
                let m = cal.month_of_time(deadline);
                books.add(m, id::ABANDONED, 1.0);
                books.wait(m, patience);
            }
            lost.request(world, gate, (t, patience, end), deadline <= end, books);
            return None;
        }
        if begin >= end {
            lost.request(world, gate, (t, end - t, end), false, books);
            return None;
        }
        books.wait(cal.month_of_time(begin), begin - t);
        let done = begin + review;
        state.occupy(c, done);
        lost.request(
            world,
            gate,
            (t, done - t, end),
            !approved && done < end,
            books,
        );
        if done >= end {
            return None;
        }
        if !approved {
            books.add(cal.month_of_time(done), id::DENIED, 1.0);
            return None;
        }
        Some((done, request))
    }
}
