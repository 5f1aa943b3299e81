//! The event queue: a binary min-heap keyed by (time, sequence number).
//!
//! Same-time events pop in the order they were scheduled (first in, first out), because every
//! push takes the next sequence number. The heap is reused across replications, so after the
//! first replication on a thread a push allocates nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something scheduled to happen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// The approved review in `slot` of approval gate `gate` ends: its request is read.
    ReviewDone { gate: u32, slot: u32 },
    /// Timeline event `index` happens.
    Timeline { index: u32 },
    /// An action of a decision's outcome happens.
    OutcomeAction {
        decision: u32,
        outcome: u32,
        action: u32,
    },
    /// A decision is taken (again, after an extension).
    Decide { decision: u32 },
    /// An ownership change's transition ends: its staff lose access.
    AccessCut { ownership: u32 },
    /// Order `order` of a regulator's state falls due: complied with or refused.
    Order {
        regulator: u32,
        state: u32,
        order: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    time: f64,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) on top.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Pending events ordered by (time, insertion order).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    /// Empties the queue, keeping its memory.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.seq = 0;
    }

    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        self.seq += 1;
        self.heap.push(Entry {
            time,
            seq: self.seq,
            event,
        });
    }

    /// Time of the earliest event (infinite when empty).
    #[inline]
    pub fn peek_time(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |e| e.time)
    }

    /// Pops the earliest event if it happens at or before `limit`.
    #[inline]
    pub fn pop_at_or_before(&mut self, limit: f64) -> Option<(f64, Event)> {
        if self.heap.peek().is_some_and(|e| e.time <= limit) {
            self.heap.pop().map(|e| (e.time, e.event))
        } else {
            None
        }
    }

    /// Pops the earliest event if it happens before `limit`.
    #[inline]
    pub fn pop_before(&mut self, limit: f64) -> Option<(f64, Event)> {
        if self.heap.peek().is_some_and(|e| e.time < limit) {
            self.heap.pop().map(|e| (e.time, e.event))
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_stay_sixteen_bytes() {
        // Indices are u32 (no scenario can hold 2^32 of anything) and the heap entry stays small.
        assert_eq!(std::mem::size_of::<Event>(), 16);
        assert_eq!(std::mem::size_of::<Entry>(), 32);
    }

    #[test]
    fn earlier_first_and_ties_in_scheduling_order() {
        let mut q = EventQueue::default();
        q.push(2.0, Event::Decide { decision: 0 });
        q.push(1.0, Event::Decide { decision: 1 });
        q.push(2.0, Event::Decide { decision: 2 });
        q.push(1.0, Event::Decide { decision: 3 });
        assert_eq!(q.peek_time(), 1.0);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop_before(10.0))
            .map(|(_, e)| match e {
                Event::Decide { decision } => decision,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, vec![1, 3, 0, 2]);
    }

    #[test]
    fn pop_before_leaves_later_events() {
        let mut q = EventQueue::default();
        q.push(5.0, Event::Decide { decision: 0 });
        assert!(q.pop_before(5.0).is_none());
        assert_eq!(q.len(), 1);
        assert!(q.pop_before(5.5).is_some());
        assert!(q.is_empty());
    }
}
