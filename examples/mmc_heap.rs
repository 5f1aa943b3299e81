//! The floor for regsim's approval gate (`benches/floor/compare.sh`): a bare M/M/c loop with
//! arrivals and departures in a `BinaryHeap`, one exponential draw per event (regsim's own libm inversion), FIFO queue of
//! arrival times, nothing else. Prints `customers seconds mean_wait_days`.
//!
//! Usage: cargo run --release --example mmc_heap -- LAMBDA MU C DAYS REPS

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use regsim::model::samplers::std_exponential;

/// A time that orders (no NaN here).
#[derive(PartialEq, Clone, Copy)]
struct T(f64);
impl Eq for T {}
impl PartialOrd for T {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for T {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: LAMBDA MU C DAYS REPS"))
        .collect();
    let [lam, mu, c, days, reps] = args[..] else {
        panic!("usage: mmc_heap LAMBDA MU C DAYS REPS");
    };
    let started = Instant::now();
    let (mut customers, mut wait_sum, mut waited) = (0u64, 0.0, 0u64);
    // (time, is departure): arrivals false, departures true.
    let mut heap: BinaryHeap<Reverse<(T, bool)>> = BinaryHeap::new();
    let mut queue: VecDeque<f64> = VecDeque::new();
    for rep in 0..reps as u64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(rep);
        heap.clear();
        queue.clear();
        let mut busy = 0usize;
        heap.push(Reverse((T(std_exponential(&mut rng) / lam), false)));
        while let Some(Reverse((T(t), departure))) = heap.pop() {
            if t >= days {
                break;
            }
            if departure {
                match queue.pop_front() {
                    Some(a) => {
                        wait_sum += t - a;
                        waited += 1;
                        heap.push(Reverse((T(t + std_exponential(&mut rng) / mu), true)));
                    }
                    None => busy -= 1,
                }
            } else {
                customers += 1;
                heap.push(Reverse((T(t + std_exponential(&mut rng) / lam), false)));
                if busy < c as usize {
                    busy += 1;
                    waited += 1;
                    heap.push(Reverse((T(t + std_exponential(&mut rng) / mu), true)));
                } else {
                    queue.push_back(t);
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{customers} {secs} {}", wait_sum / waited.max(1) as f64);
}
