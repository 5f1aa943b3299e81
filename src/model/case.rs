//! What a regulator's case adds to its chain: when it opens, and the infringement period its
//! fines judge.

use super::{DrawnId, Drivers};

/// When a case (a chain) opens; before, it is dormant: it neither moves nor fines nor accrues.
#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    /// Open at the start, in its initial state (visit 0).
    Open,
    /// Enters its initial state on this day.
    OnDay(u32),
    /// Enters its initial state at hazard `per_year` × (1 + Σ coefficient × driver), from its
    /// `history_until` day, by the same inverse cumulative hazard as an exit (visit 0).
    Hazard { per_year: DrawnId, drivers: Drivers },
    /// Only a timeline event or a decision's action that moves it opens it.
    OnEvent,
}

/// The span of conduct a case's fines judge, in days from the start (negative: before it).
#[derive(Debug, Clone, PartialEq)]
pub struct Infringement {
    /// First day of the conduct; `None`: `look_back_days` before the fine.
    pub from_day: Option<i64>,
    pub look_back_days: Option<u32>,
    /// Day the conduct stopped; `None`: the fine's day (the case's reference date).
    pub until_day: Option<i64>,
    /// Share of the period's gravity that full remediation after `until_day` takes off.
    pub remediation_weight: f64,
}

impl Infringement {
    /// The period `[a, b)` a fine set on `day` reads, clipped to the simulated days `0..=day`.
    pub fn days(&self, day: usize) -> (usize, usize) {
        let d = day as i64;
        let from = match (self.from_day, self.look_back_days) {
            (Some(f), _) => f,
            (None, Some(n)) => d - i64::from(n),
            (None, None) => 0,
        };
        let until = self.until_day.map_or(d, |u| u.min(d));
        let a = from.clamp(0, d);
        let b = until.clamp(a, d);
        (a as usize, b as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: Option<i64>, back: Option<u32>, until: Option<i64>) -> Infringement {
        Infringement {
            from_day: from,
            look_back_days: back,
            until_day: until,
            remediation_weight: 0.0,
        }
    }

    #[test]
    fn a_period_is_clipped_to_the_simulated_days_up_to_the_fine() {
        // Began before the start, stopped on day 136: days 0..136, whenever the fine falls.
        assert_eq!(period(Some(-1000), None, Some(136)).days(900), (0, 136));
        // Not stopped: up to the fine's day.
        assert_eq!(period(Some(10), None, None).days(900), (10, 900));
        // A look-back of 365 days before a fine on day 900.
        assert_eq!(period(None, Some(365), None).days(900), (535, 900));
        // A fine before the period's end reads the period so far; one before it begins, none.
        assert_eq!(period(Some(10), None, Some(500)).days(300), (10, 300));
        assert_eq!(period(Some(400), None, Some(500)).days(300), (300, 300));
        // Stopped before the start: nothing simulated.
        assert_eq!(period(Some(-900), None, Some(-100)).days(300), (0, 0));
    }
}
