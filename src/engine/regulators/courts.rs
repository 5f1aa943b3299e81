//! Courts: appeals of regulators' decisions, their stays and their verdicts.
//!
//! A decision is one entry of a regulator's chain into a state with an `appeal` table: its
//! fine (if the state imposes one) and its orders. From the regulator's `history_until` on, it
//! is appealed with the table's `probability`; before it, only when the timeline says so (the
//! entry is then *held*: its fine waits from the decision day, and the `appeal` event lodges
//! it). An appealed decision's fine is booked only when final, on the day it becomes final;
//! with `stay` its orders cannot fall due while the appeal is pending. The appeal ends in a
//! verdict drawn as independent competing risks: one Exp(1) level Eᵥ per verdict, the verdict
//! v with the smallest Eᵥ/hᵥ wins, on day start + ⌈365.25·Eᵥ/hᵥ⌉ (at least 1 day later), where
//! start is the lodging day or `history_until`, whichever is later (the future is drawn from
//! the pinned date). A `judgment` event of the timeline replaces the drawn verdict.
//!
//! - upheld: the fine is booked; stayed orders fall due afresh (their `after_days` from the
//!   verdict).
//! - quashed: nothing is booked; orders not yet due are void.
//! - remitted: orders not yet due are void and the regulator enters `remit_to` to decide
//!   again (a new decision, which may be appealed in turn). With `remit_keeps_fine` the fine
//!   stands and stays under appeal on its amount alone — a new verdict among upheld, quashed
//!   and reduced, drawn from the verdict day — and `remit_to` imposes no new fine; without
//!   it, the fine falls with the decision.
//! - reduced: the fine × the drawn `reduced_factor` is booked; stayed orders fall due afresh.
//!
//! Streams: the k-th entry of a chain into a state with an `appeal` table draws from day k of
//! `("court", key)`'s streams (key as the chain's other streams: the regulator's name, or
//! `regulator/case`) — the lodging uniform, the reduction factor, the four levels, then the
//! levels of an appeal on the amount — whatever the chain's own draws, which courts leave
//! unchanged (and which leave the courts' unchanged).

use rand::Rng as _;

use super::super::rng::{Base, Rng};
use crate::model::time::DAYS_PER_YEAR;
use crate::model::{Appeal, Verdict, World};

/// What a state entry's fine and orders owe to the courts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lodge {
    /// Appealed with the state's probability from `history_until` on (not before).
    Draw,
    /// Entered by the timeline, appealed by a later `appeal` event: held for it.
    Held,
    /// A remitted decision whose fine stands: the entry imposes no new fine.
    KeptFine,
}

/// The serial that orders issued afresh after a verdict carry: never stayed again.
pub(super) const AFRESH: u32 = u32::MAX;

/// Where an appealed decision's fine stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fine {
    /// The decision imposes none (or it fell).
    None,
    /// Drawn at today's step, not yet set.
    Awaiting,
    Held(f64),
}

/// One decision before the courts.
#[derive(Debug, Clone)]
struct Case {
    regulator: usize,
    state: usize,
    /// The serial of the entry that made the decision (its orders carry it).
    serial: u32,
    fine: Fine,
    /// Lodged (else held for a pinned `appeal` event), and not yet decided.
    lodged: bool,
    open: bool,
    /// Only the fine's amount is still appealed (after a remittal that kept it).
    amount_only: bool,
    /// The drawn verdict and its day (`u32::MAX`: none, all hazards zero).
    verdict: Verdict,
    verdict_day: u32,
    /// The factor a reduced fine is multiplied by.
    factor: f64,
    rng: Rng,
}

/// The appeals of one replication.
#[derive(Debug)]
pub(super) struct Courts {
    streams: Vec<Base>,
    /// Entries into appealable states so far, per chain.
    entries: Vec<u32>,
    cases: Vec<Case>,
    /// (chain, serial) of decisions whose orders cannot fall due (stayed or void).
    blocked: Vec<(usize, u32)>,
}

/// What a verdict leaves the regulator to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Ruling {
    pub regulator: usize,
    pub state: usize,
    /// A fine that became final today.
    pub book: Option<f64>,
    /// Issue the decision's orders afresh from today.
    pub orders_afresh: bool,
    /// Enter this state to decide again, and how.
    pub remit: Option<(usize, Lodge)>,
}

impl Courts {
    pub fn new(world: &World, seed: u64, rep: u64) -> Courts {
        Courts {
            streams: world
                .regulators
                .iter()
                .map(|r| Base::new(seed, rep, "court", &r.key('/')))
                .collect(),
            entries: vec![0; world.regulators.len()],
            cases: Vec::with_capacity(8),
            blocked: Vec::with_capacity(8),
        }
    }

    /// Regulator `r` enters appealable state `s` today with entry serial `serial`, the fine
    /// (if any) still to be set: whether the decision goes to court (its fine then waits).
    #[allow(clippy::too_many_arguments)]
    pub fn decision(
        &mut self,
        world: &World,
        (r, s, serial): (usize, usize, u32),
        appeal: &Appeal,
        (probability, per_year): (f64, &[f64; 4]),
        lodge: Lodge,
        fines: bool,
        day: u32,
    ) -> bool {
        let mut rng = self.streams[r].day(self.entries[r]);
        self.entries[r] += 1;
        let u: f64 = rng.random();
        let lodged = match lodge {
            Lodge::Held => false,
            _ if day < world.regulators[r].history_until_day || u >= probability => return false,
            _ => true,
        };
        let factor = appeal.reduced_factor.sample(&mut rng);
        self.cases.push(Case {
            regulator: r,
            state: s,
            serial,
            fine: if fines { Fine::Awaiting } else { Fine::None },
            lodged: false,
            open: true,
            amount_only: false,
            verdict: Verdict::Upheld,
            verdict_day: u32::MAX,
            factor,
            rng,
        });
        if lodged {
            self.lodge(world, self.cases.len() - 1, day, per_year);
        }
        true
    }

    /// The fine of a decision of regulator `r` in state `s` is set at `amount`: held, if the
    /// decision is before the courts (returns true), else to be booked.
    pub fn hold_fine(&mut self, r: usize, s: usize, amount: f64) -> bool {
        let case = self
            .cases
            .iter_mut()
            .find(|c| c.regulator == r && c.state == s && c.fine == Fine::Awaiting);
        match case {
            Some(c) => {
                c.fine = Fine::Held(amount);
                true
            }
            None => false,
        }
    }

    /// Whether the orders of regulator `r`'s decision `serial` are stayed or void.
    pub fn blocks(&self, r: usize, serial: u32) -> bool {
        self.blocked.contains(&(r, serial))
    }

    /// A pinned `appeal` event: the latest held decision of regulator `r` in state `s` is
    /// lodged today.
    pub fn appeal(&mut self, world: &World, r: usize, s: usize, day: u32, per_year: &[f64; 4]) {
        let held = self
            .cases
            .iter()
            .rposition(|c| c.regulator == r && c.state == s && c.open && !c.lodged);
        if let Some(c) = held {
            self.lodge(world, c, day, per_year);
        }
    }

    /// Case `c` is lodged today: its orders stayed (if the table says so) and its verdict
    /// drawn at the verdicts' hazards `per_year`.
    fn lodge(&mut self, world: &World, c: usize, day: u32, per_year: &[f64; 4]) {
        let case = &mut self.cases[c];
        case.lodged = true;
        let appeal = appeal_of(world, case);
        if appeal.stay {
            self.blocked.push((case.regulator, case.serial));
        }
        self.draw_verdict(world, c, day, per_year);
    }

    /// Draws case `c`'s verdict from today (or `history_until`) at hazards `per_year`.
    fn draw_verdict(&mut self, world: &World, c: usize, day: u32, per_year: &[f64; 4]) {
        let case = &mut self.cases[c];
        let start = day.max(world.regulators[case.regulator].history_until_day);
        let levels: [f64; 4] = std::array::from_fn(|_| -libm::log1p(-case.rng.random::<f64>()));
        let best = earliest(&levels, per_year, case.amount_only);
        (case.verdict_day, case.verdict) = match best {
            Some((t, v)) => (
                (f64::from(start) + t.ceil().max(1.0)).min(f64::from(u32::MAX - 1)) as u32,
                v,
            ),
            None => (u32::MAX, Verdict::Upheld),
        };
    }

    /// The next case of regulator `r` whose drawn verdict falls today, if any.
    pub fn due(&self, r: usize, day: u32) -> Option<(usize, Verdict)> {
        self.cases
            .iter()
            .position(|c| c.regulator == r && c.open && c.lodged && c.verdict_day == day)
            .map(|c| (c, self.cases[c].verdict))
    }

    /// The latest pending appeal of regulator `r`'s decision in state `s` (a pinned
    /// `judgment`).
    pub fn pending(&self, r: usize, s: usize) -> Option<usize> {
        self.cases
            .iter()
            .rposition(|c| c.regulator == r && c.state == s && c.open && c.lodged)
    }

    /// The verdicts' hazards per year of case `c`'s appeal table in this replication.
    pub fn hazards_of(&self, world: &World, c: usize, draws: &super::Draws) -> [f64; 4] {
        appeal_of(world, &self.cases[c])
            .per_year
            .map(|d| draws.get(d))
    }

    /// Case `c` ends today in `verdict`; `per_year` are its hazards (for an appeal on the
    /// amount that continues). What the regulator must do about it.
    pub fn rule(
        &mut self,
        world: &World,
        c: usize,
        verdict: Verdict,
        day: u32,
        per_year: &[f64; 4],
    ) -> Ruling {
        let case = &self.cases[c];
        let (r, s, serial) = (case.regulator, case.state, case.serial);
        let appeal = appeal_of(world, case);
        let held = match case.fine {
            Fine::Held(a) => Some(a),
            _ => None,
        };
        let amount_only = case.amount_only;
        let mut ruling = Ruling {
            regulator: r,
            state: s,
            book: None,
            orders_afresh: false,
            remit: None,
        };
        let stayed = self.blocks(r, serial);
        let mut close = true;
        match verdict {
            Verdict::Upheld | Verdict::Reduced => {
                let factor = if verdict == Verdict::Reduced {
                    case.factor
                } else {
                    1.0
                };
                ruling.book = held.map(|a| a * factor);
                ruling.orders_afresh = stayed && !amount_only;
            }
            Verdict::Quashed => {
                if !stayed && !amount_only {
                    self.blocked.push((r, serial));
                }
            }
            Verdict::Remitted => {
                if !stayed && !amount_only {
                    self.blocked.push((r, serial));
                }
                let keep = appeal.remit_keeps_fine && held.is_some();
                ruling.remit = appeal.remit_to.map(|to| {
                    let lodge = if appeal.remit_keeps_fine {
                        Lodge::KeptFine
                    } else {
                        Lodge::Draw
                    };
                    (to, lodge)
                });
                if keep {
                    close = false;
                    self.cases[c].amount_only = true;
                    self.draw_verdict(world, c, day, per_year);
                }
            }
        }
        if close {
            self.cases[c].open = false;
        }
        ruling
    }
}

/// The verdict whose level is reached first at constant hazards per year `per_year`, and its
/// time in days: min over v of 365.25 · Eᵥ / hᵥ (hᵥ > 0; remitted excluded on the amount alone).
fn earliest(levels: &[f64; 4], per_year: &[f64; 4], amount_only: bool) -> Option<(f64, Verdict)> {
    let mut best: Option<(f64, Verdict)> = None;
    for ((v, &h), &level) in Verdict::ALL.iter().zip(per_year).zip(levels) {
        if h > 0.0 && !(amount_only && *v == Verdict::Remitted) {
            let t = level / h * DAYS_PER_YEAR;
            if best.is_none_or(|(b, _)| t < b) {
                best = Some((t, *v));
            }
        }
    }
    best
}

/// The appeal table of a case's state.
fn appeal_of<'w>(world: &'w World, case: &Case) -> &'w Appeal {
    world.regulators[case.regulator].states[case.state]
        .appeal
        .as_ref()
        .expect("a case is opened only for a state with an appeal table")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Verdicts drawn at hazards `h` from `n` sets of levels: the count of each, the mean time.
    fn draw(h: [f64; 4], amount_only: bool, n: usize) -> ([f64; 4], f64) {
        let mut rng = Rng::seed_from_u64(25);
        let (mut counts, mut days) = ([0.0; 4], 0.0);
        for _ in 0..n {
            let levels = std::array::from_fn(|_| -libm::log1p(-rng.random::<f64>()));
            let (t, v) = earliest(&levels, &h, amount_only).unwrap();
            counts[v as usize] += 1.0;
            days += t;
        }
        (counts, days / n as f64)
    }

    #[test]
    fn verdicts_are_competing_risks() {
        // Independent exponential clocks: the first is verdict v with probability hᵥ/Σh, at a
        // time Exp(Σh) years (mean 365.25/Σh days, sd the same).
        let h = [0.5, 0.05, 0.2, 0.3];
        let n = 40_000;
        let (counts, mean) = draw(h, false, n);
        let total: f64 = h.iter().sum();
        for v in 0..4 {
            let p = h[v] / total;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let share = counts[v] / n as f64;
            assert!((share - p).abs() < 4.0 * se, "verdict {v}: {share} vs {p}");
        }
        let want = DAYS_PER_YEAR / total;
        let se = want / (n as f64).sqrt();
        assert!((mean - want).abs() < 4.0 * se, "{mean} vs {want} (SE {se})");
    }

    #[test]
    fn an_appeal_on_the_amount_alone_is_never_remitted() {
        let (counts, _) = draw([0.5, 0.05, 5.0, 0.3], true, 2_000);
        assert_eq!(counts[Verdict::Remitted as usize], 0.0);
        assert!(earliest(&[1.0; 4], &[0.0, 0.0, 1.0, 0.0], true).is_none());
        assert!(earliest(&[1.0; 4], &[0.0; 4], false).is_none());
    }
}
