//! The horizon and the run settings: `start` and `end` (real dates, in order, at most 100
//! years apart), the [`Calendar`] they make, dates inside it as day indices, and
//! `replications`.

use chrono::NaiveDate;

use super::ctx::{Ctx, MAX_DAYS, MAX_REPLICATIONS};
use crate::model::Calendar;
use crate::scenario::dist::RawDate;
use crate::scenario::raw::{RawScenario, DEFAULT_REPLICATIONS};
use crate::scenario::source::FieldPath;

/// The simulated days.
pub(super) struct Horizon {
    pub calendar: Calendar,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Index of the last simulated day.
    pub last_day: i64,
}

impl Horizon {
    /// The horizon of `raw`, or `None` (with the problem reported) when `start` or `end` is
    /// not a date, they are out of order or too far apart: nothing else can be checked then.
    pub fn of(cx: &mut Ctx, raw: &RawScenario) -> Option<Horizon> {
        let root = FieldPath::root();
        let start = cx.date(&root.key("start"), &raw.start);
        let end = cx.date(&root.key("end"), &raw.end);
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) if s <= e && (e - s).num_days() < MAX_DAYS => (s, e),
            (Some(s), Some(e)) => {
                if s > e {
                    cx.err(
                        &root.key("end"),
                        format!("field `end` ({e}) is before `start` ({s})"),
                    );
                } else {
                    cx.err(
                        &root.key("end"),
                        format!("the horizon from {s} to {e} is longer than 100 years"),
                    );
                }
                return None;
            }
            _ => return None,
        };
        let calendar = Calendar::new(start, end);
        let last_day = calendar.days as i64 - 1;
        Some(Horizon {
            calendar,
            start,
            end,
            last_day,
        })
    }

    /// A date that must fall inside the horizon, as a day index.
    pub fn day(&self, cx: &mut Ctx, path: &FieldPath, d: &RawDate) -> Option<u32> {
        let date = cx.date(path, d)?;
        let day = self.calendar.day_of(date);
        if day < 0 || day > self.last_day {
            cx.err(
                path,
                format!(
                    "field `{path}`: {date} is outside the horizon {} to {}",
                    self.start, self.end
                ),
            );
            None
        } else {
            Some(day as u32)
        }
    }
}

/// The scenario's `replications` (default [`DEFAULT_REPLICATIONS`]), 1 to [`MAX_REPLICATIONS`].
pub(super) fn replications(cx: &mut Ctx, raw: &RawScenario) -> u64 {
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS.into());
    if replications == 0 || replications > MAX_REPLICATIONS.into() {
        cx.err(
            &FieldPath::root().key("replications"),
            format!(
                "field `replications` must be between 1 and {MAX_REPLICATIONS}, got {replications}"
            ),
        );
    }
    replications
}
