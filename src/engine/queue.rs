//! The event queue: a binary min-heap keyed by (time, sequence number).
//!
//! Same-time events pop in the order they were scheduled (first in, first out), because every
//! push takes the next sequence number. The heap is reused across replications, so after the
//! first replication on a thread a push allocates nothing.
//!
//! The key is packed once, at push, into one `u128`: the time's bits mapped so that unsigned
//! order is [`f64::total_cmp`]'s order, above the sequence number. Comparing two entries is then
//! one integer comparison instead of two float-bit transformations and a tie-break.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something scheduled to happen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// An approved review ends on a later day than it was requested: its request (a session
    /// on route `route`) is read. The request travels in the event, so the gate keeps nothing
    /// per review. (Reviews that end the day they were requested are read at once.) Every
    /// other event falls at the start of a day (a whole-number time), which is what lets the
    /// day loop read those reviews without queueing them.
    ReviewDone {
        route: u32,
        misuse: bool,
        records: f64,
    },
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
    /// Order `order` of a regulator's state falls due: complied with or refused, unless the
    /// courts stayed or voided decision `decision` (its serial) that issued it. (A state has
    /// at most 65,535 orders, so the event stays sixteen bytes.)
    Order {
        regulator: u32,
        state: u32,
        order: u16,
        decision: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// [`ordered_bits`] of the time, then the sequence number.
    key: u128,
    event: Event,
}

impl Entry {
    #[inline]
    fn time(&self) -> f64 {
        from_ordered_bits((self.key >> 64) as u64)
    }
}

/// The bits of `t` as an unsigned integer in [`f64::total_cmp`]'s order: negative values have
/// every bit flipped, the others only the sign bit.
#[inline]
fn ordered_bits(t: f64) -> u64 {
    let bits = t.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The inverse of [`ordered_bits`].
#[inline]
fn from_ordered_bits(bits: u64) -> f64 {
    f64::from_bits(if bits >> 63 == 1 {
        bits & !(1 << 63)
    } else {
        !bits
    })
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events ordered by (time, insertion order).
#[derive(Debug)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
    /// The earliest event's time (infinite when empty), kept so that a peek reads a field.
    top: f64,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
            top: f64::INFINITY,
        }
    }
}

impl EventQueue {
    /// Empties the queue, keeping its memory.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.seq = 0;
        self.top = f64::INFINITY;
    }

    #[inline]
    pub fn push(&mut self, time: f64, event: Event) {
        self.seq += 1;
        let entry = Entry {
            key: u128::from(ordered_bits(time)) << 64 | u128::from(self.seq),
            event,
        };
        // A later sequence number never goes before an equal time: only a strictly earlier
        // time (in total order) becomes the top.
        if self.heap.peek().is_none_or(|top| entry > *top) {
            self.top = time;
        }
        self.heap.push(entry);
    }

    /// Time of the earliest event (infinite when empty).
    #[inline]
    pub fn peek_time(&self) -> f64 {
        self.top
    }

    /// Pops the earliest event if it happens at or before `limit`.
    #[inline]
    pub fn pop_at_or_before(&mut self, limit: f64) -> Option<(f64, Event)> {
        if self.top <= limit {
            self.pop()
        } else {
            None
        }
    }

    /// Pops the earliest event if it happens before `limit`.
    #[inline]
    pub fn pop_before(&mut self, limit: f64) -> Option<(f64, Event)> {
        if self.top < limit {
            self.pop()
        } else {
            None
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<(f64, Event)> {
        let popped = self.heap.pop().map(|e| (self.top, e.event));
        self.top = self.heap.peek().map_or(f64::INFINITY, Entry::time);
        popped
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
    fn packed_keys_order_as_total_cmp_and_unpack() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            f64::MIN_POSITIVE,
            0.999_999_999_999_999_9,
            1.0,
            3652.25,
            f64::MAX,
            f64::INFINITY,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    ordered_bits(a).cmp(&ordered_bits(b)),
                    a.total_cmp(&b),
                    "{a:e} vs {b:e}"
                );
            }
            assert_eq!(from_ordered_bits(ordered_bits(a)).to_bits(), a.to_bits());
        }
    }

    #[test]
    fn the_kept_top_is_the_earliest_through_pushes_and_pops() {
        // Against a naive list: interleaved pushes (with many equal times, and −0 against 0)
        // and pops; peek and every popped (time, event) must agree.
        let mut q = EventQueue::default();
        let mut naive: Vec<(f64, u64, u32)> = Vec::new();
        let mut seq = 0;
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 5 < 3 {
                let time = match x % 7 {
                    0 => -0.0,
                    1 => 0.0,
                    _ => ((x >> 20) % 64) as f64 / 4.0,
                };
                seq += 1;
                q.push(time, Event::Decide { decision: step });
                naive.push((time, seq, step));
            } else {
                let limit = ((x >> 30) % 80) as f64 / 4.0;
                let first = naive
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.1 .1.cmp(&b.1 .1)))
                    .map(|(i, e)| (i, *e));
                let expected = match first {
                    Some((i, (t, _, d))) if t < limit => {
                        naive.remove(i);
                        Some((t.to_bits(), d))
                    }
                    _ => None,
                };
                let got = q.pop_before(limit).map(|(t, e)| match e {
                    Event::Decide { decision } => (t.to_bits(), decision),
                    _ => unreachable!(),
                });
                assert_eq!(got, expected, "step {step}");
            }
            let earliest = naive
                .iter()
                .map(|e| e.0)
                .min_by(f64::total_cmp)
                .unwrap_or(f64::INFINITY);
            assert_eq!(q.peek_time().to_bits(), earliest.to_bits(), "step {step}");
        }
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
