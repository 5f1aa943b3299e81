//! The simulation calendar: whole days from `start` (day 0) to `end` (inclusive), grouped into
//! calendar months for the monthly series.

use chrono::{Datelike, NaiveDate};

/// Days and months of a scenario's horizon, precomputed so the event loop only indexes.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Number of simulated days (end − start + 1).
    pub days: u32,
    /// Month index of every day.
    pub day_month: Vec<u32>,
    /// `YYYY-MM` of every month.
    pub month_labels: Vec<String>,
    /// Day index of the last day of every month (clipped to the horizon).
    pub month_last_day: Vec<u32>,
}

/// Days per year used for annual rates, growth and discounting.
pub const DAYS_PER_YEAR: f64 = 365.25;

impl Calendar {
    /// The calendar for `start..=end`; `start <= end` must hold.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Calendar {
        let days = (end - start).num_days() as u32 + 1;
        let mut day_month = Vec::with_capacity(days as usize);
        let mut month_labels = Vec::new();
        let mut month_last_day = Vec::new();
        let mut current = None;
        for d in 0..days {
            let date = start + chrono::Days::new(d as u64);
            let key = (date.year(), date.month());
            if current != Some(key) {
                current = Some(key);
                month_labels.push(format!("{:04}-{:02}", key.0, key.1));
                month_last_day.push(d);
            }
            *month_last_day.last_mut().expect("pushed") = d;
            day_month.push(month_labels.len() as u32 - 1);
        }
        Calendar {
            start,
            end,
            days,
            day_month,
            month_labels,
            month_last_day,
        }
    }

    /// Number of months touched by the horizon.
    pub fn months(&self) -> usize {
        self.month_labels.len()
    }

    /// Day index of a date (negative before `start`).
    pub fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.start).num_days()
    }

    /// Month index of a (fractional) simulation time in days, clipped to the horizon.
    #[inline]
    pub fn month_of_time(&self, t: f64) -> usize {
        let d = (t.max(0.0) as usize).min(self.days as usize - 1);
        self.day_month[d] as usize
    }
}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let ok_shape = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if !ok_shape {
        return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a valid calendar date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_follow_the_calendar() {
        let c = Calendar::new(
            parse_date("2024-01-30").unwrap(),
            parse_date("2024-03-01").unwrap(),
        );
        assert_eq!(c.days, 32);
        assert_eq!(c.month_labels, vec!["2024-01", "2024-02", "2024-03"]);
        assert_eq!(c.month_last_day, vec![1, 30, 31]);
        assert_eq!(c.day_month[2], 1);
        assert_eq!(c.month_of_time(31.7), 2);
        assert_eq!(c.month_of_time(99.0), 2);
    }

    #[test]
    fn dates_must_be_real_and_well_formed() {
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2023-2-28").is_err());
        assert!(parse_date("2024-02-29").is_ok());
    }
}
