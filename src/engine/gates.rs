//! Approval gates: a FIFO queue in front of c reviewers, with requesters who may give up.
//!
//! Streams: each gate draws, for every request in its order of arrival, the review time, the
//! requester's patience and the approval from `("gate", name)`'s stream of the arrival day —
//! all three for every request, whether or not it waits or is reviewed, so a request's fate does
//! not shift the draws of the requests after it. (FIFO service with review times drawn at
//! arrival is the same queue in distribution as drawing them when review starts.)
//!
//! Waits are defined for every request that reached the gate: a request reviewed at once waits
//! 0; one that queued waits until its review starts, or, if it gave up, until it gave up
//! (its patience). Requests still queued at the horizon whose patience runs past it are
//! censored and count no wait. Abandonment is evaluated lazily but exactly: when a reviewer
//! frees up, queued requests whose patience ran out are counted as abandoned at the moment it
//! ran out, in that moment's month.

use std::collections::VecDeque;

use rand::Rng as _;

use super::books::Books;
use super::queue::{Event, EventQueue};
use super::rng::{Base, DayStream};
use super::sessions::Request;
use crate::metrics::id;
use crate::model::{Calendar, ControlKind, World};

/// A request at a gate, with what the gate drew for it.
#[derive(Debug, Clone, Copy)]
struct Ticket {
    request: Request,
    arrival: f64,
    deadline: f64,
    review: f64,
    approved: bool,
}

/// One gate's queue and reviewers (buffers kept across replications).
#[derive(Debug, Default, Clone)]
pub(super) struct GateState {
    waiting: VecDeque<Ticket>,
    /// Request under review per reviewer slot; `free` lists the idle slots.
    reviewing: Vec<Ticket>,
    free: Vec<u32>,
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
            s.waiting.clear();
            s.reviewing.clear();
            s.free.clear();
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

    /// A request reaches gate `gate` at time `t`.
    #[allow(clippy::too_many_arguments)]
    pub fn arrive(
        &mut self,
        world: &World,
        states: &mut [GateState],
        gate: usize,
        request: Request,
        t: f64,
        day: usize,
        queue: &mut EventQueue,
        books: &mut Books,
    ) {
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
        let ticket = Ticket {
            request,
            arrival: t,
            deadline: t + patience,
            review,
            approved,
        };
        let state = &mut states[gate];
        let busy = state.reviewing.len() - state.free.len();
        if busy < *reviewers as usize {
            books.wait(books.month, 0.0);
            start(state, gate, ticket, t, queue);
        } else {
            state.waiting.push_back(ticket);
        }
    }

    /// A reviewer of `gate` (slot `slot`) finishes at `t`: returns the request if it was
    /// approved (it is read now), and takes the next requester who is still waiting.
    pub fn review_done(
        states: &mut [GateState],
        cal: &Calendar,
        gate: usize,
        slot: u32,
        t: f64,
        queue: &mut EventQueue,
        books: &mut Books,
    ) -> Option<Request> {
        let state = &mut states[gate];
        let done = state.reviewing[slot as usize];
        state.free.push(slot);
        if !done.approved {
            books.add(cal.month_of_time(t), id::DENIED, 1.0);
        }
        while let Some(w) = state.waiting.pop_front() {
            if w.deadline < t {
                let m = cal.month_of_time(w.deadline);
                books.add(m, id::ABANDONED, 1.0);
                books.wait(m, w.deadline - w.arrival);
                continue;
            }
            books.wait(cal.month_of_time(t), t - w.arrival);
            start(state, gate, w, t, queue);
            break;
        }
        done.approved.then_some(done.request)
    }

    /// At the horizon: requests still queued whose patience ran out within it abandoned.
    pub fn close(states: &mut [GateState], cal: &Calendar, books: &mut Books) {
        let end = cal.days as f64;
        for state in states.iter_mut() {
            while let Some(w) = state.waiting.pop_front() {
                if w.deadline <= end {
                    let m = cal.month_of_time(w.deadline);
                    books.add(m, id::ABANDONED, 1.0);
                    books.wait(m, w.deadline - w.arrival);
                }
            }
        }
    }
}

/// A reviewer takes `ticket` at `t`.
fn start(state: &mut GateState, gate: usize, ticket: Ticket, t: f64, queue: &mut EventQueue) {
    let slot = match state.free.pop() {
        Some(s) => {
            state.reviewing[s as usize] = ticket;
            s
        }
        None => {
            state.reviewing.push(ticket);
            (state.reviewing.len() - 1) as u32
        }
    };
    queue.push(
        t + ticket.review,
        Event::ReviewDone {
            gate: gate as u32,
            slot,
        },
    );
}
