//! Axes whose ticks we choose ourselves: calendar dates (years, quarters, months), money and
//! counts on "nice" steps, and logarithmic money. Plotters draws whatever key points a coordinate
//! returns, so [`Ticks`] is a linear coordinate that carries its own labelled (bold) ticks and
//! unlabelled (light) grid lines.

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

use crate::model::Calendar;
use crate::report::format::{nice_ticks, Unit};

/// A linear axis from `lo` to `hi` with labelled ticks and light grid lines.
#[derive(Debug, Clone)]
pub struct Ticks {
    pub lo: f64,
    pub hi: f64,
    /// Labelled ticks, ascending.
    pub bold: Vec<(f64, String)>,
    /// Unlabelled grid lines.
    pub light: Vec<f64>,
}

impl Ticks {
    /// Nice ticks covering `lo..=hi` (widened to the ticks), labelled in `unit`.
    pub fn linear(lo: f64, hi: f64, target: usize, unit: &Unit) -> Ticks {
        let ticks = nice_ticks(lo, hi, target);
        let labels = unit.tick_labels(&ticks);
        Ticks {
            lo: ticks[0],
            hi: *ticks.last().expect("at least one tick"),
            bold: ticks.into_iter().zip(labels).collect(),
            light: Vec::new(),
        }
    }

    /// A value axis from zero (or the data's minimum, if negative) to above `max`.
    pub fn from_zero(min: f64, max: f64, unit: &Unit) -> Ticks {
        let lo = min.min(0.0);
        let hi = if max > lo { max } else { lo + 1.0 };
        Ticks::linear(lo, hi, 6, unit)
    }

    /// A date axis for the whole horizon, in days since `start` (day 0 at the left edge, the
    /// day after `end` at the right). Years label long horizons, `YYYY-MM` short ones.
    pub fn dates(cal: &Calendar) -> Ticks {
        let days = cal.days as f64;
        let years = days / 365.25;
        // (labelled every n months, light line every m months)
        let (every, light_every) = if years > 12.0 {
            (24, 12)
        } else if years > 2.5 {
            (12, 3)
        } else if years > 1.0 {
            (3, 1)
        } else {
            (1, 1)
        };
        let mut bold = Vec::new();
        let mut light = Vec::new();
        let mut y = cal.start.year();
        let mut m = cal.start.month();
        loop {
            let date = NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month");
            let d = cal.day_of(date) as f64;
            if d > days {
                break;
            }
            let idx = y as i64 * 12 + (m as i64 - 1);
            if d >= 0.0 {
                if idx % every == 0 {
                    let label = if m == 1 && every >= 12 {
                        format!("{y}")
                    } else {
                        format!("{y}-{m:02}")
                    };
                    bold.push((d, label));
                } else if idx % light_every == 0 {
                    light.push(d);
                }
            }
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        Ticks {
            lo: 0.0,
            hi: days,
            bold,
            light,
        }
    }

    /// A log10 axis for positive values in `lo..=hi` (coordinates are log10 of the value).
    /// Wide ranges get 1-2-5 decades; narrow ones nice linear steps placed on the log scale.
    pub fn log(lo: f64, hi: f64, unit: &Unit) -> Ticks {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo / 2.0, hi * 2.0)
        };
        let (l0, l1) = (lo.log10(), hi.log10());
        let decades = l1 - l0;
        let mut values = Vec::new();
        let mut light = Vec::new();
        if decades >= 1.0 {
            let mults: &[f64] = if decades > 4.0 {
                &[1.0]
            } else if decades > 2.0 {
                &[1.0, 3.0]
            } else {
                &[1.0, 2.0, 5.0]
            };
            for e in (l0.floor() as i32)..=(l1.ceil() as i32) {
                let base = 10f64.powi(e);
                for k in 1..10 {
                    let v = base * k as f64;
                    if v < lo || v > hi {
                        continue;
                    }
                    if mults.contains(&(k as f64)) {
                        values.push(v);
                    } else {
                        light.push(v.log10());
                    }
                }
            }
        } else {
            values = nice_ticks(lo, hi, 5)
                .into_iter()
                .filter(|v| *v >= lo && *v <= hi && *v > 0.0)
                .collect();
        }
        // Evenly stepped ticks share decimals (8.975 bn, 8.980 bn); decades each their own.
        let labels = if decades >= 1.0 {
            unit.free_tick_labels(&values)
        } else {
            unit.tick_labels(&values)
        };
        Ticks {
            lo: l0,
            hi: l1,
            bold: values.iter().map(|v| v.log10()).zip(labels).collect(),
            light,
        }
    }

    /// Categories 0..n, centred on integers, labelled with `names` (may be empty strings).
    pub fn categories(names: &[String]) -> Ticks {
        Ticks {
            lo: -0.5,
            hi: names.len() as f64 - 0.5,
            bold: names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as f64, n.clone()))
                .collect(),
            light: Vec::new(),
        }
    }
}

impl Ranged for Ticks {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        let f = if span > 0.0 {
            (v - self.lo) / span
        } else {
            0.0
        };
        (limit.0 as f64 + f * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.iter().map(|(v, _)| *v).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Ticks {
    fn format_ext(&self, v: &f64) -> String {
        self.bold
            .iter()
            .find(|(t, _)| (t - v).abs() <= 1e-9 * t.abs().max(1.0))
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_date;

    #[test]
    fn long_horizons_are_labelled_by_year() {
        let cal = Calendar::new(
            parse_date("2023-01-01").unwrap(),
            parse_date("2030-12-31").unwrap(),
        );
        let t = Ticks::dates(&cal);
        let labels: Vec<&str> = t.bold.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["2023", "2024", "2025", "2026", "2027", "2028", "2029", "2030", "2031"]
        );
        assert_eq!(t.bold[0].0, 0.0);
        assert_eq!(t.hi, cal.days as f64);
    }

    #[test]
    fn short_horizons_are_labelled_by_month() {
        let cal = Calendar::new(
            parse_date("2024-02-10").unwrap(),
            parse_date("2024-06-30").unwrap(),
        );
        let labels: Vec<String> = Ticks::dates(&cal).bold.into_iter().map(|b| b.1).collect();
        assert_eq!(
            labels,
            ["2024-03", "2024-04", "2024-05", "2024-06", "2024-07"]
        );
    }

    #[test]
    fn log_axes_label_decades_or_nice_steps() {
        let m = Unit::Money("EUR".into());
        let labels = |t: Ticks| -> Vec<String> { t.bold.into_iter().map(|b| b.1).collect() };
        assert_eq!(
            labels(Ticks::log(3e6, 8e7, &m)),
            ["EUR 5 M", "EUR 10 M", "EUR 20 M", "EUR 50 M"]
        );
        assert_eq!(
            labels(Ticks::log(3e6, 8e8, &m)),
            ["EUR 3 M", "EUR 10 M", "EUR 30 M", "EUR 100 M", "EUR 300 M"]
        );
        let narrow = Ticks::log(8.6e9, 9.4e9, &m);
        assert!(narrow.bold.len() >= 3, "{:?}", narrow.bold);
        assert!(narrow.bold.iter().all(|(_, l)| l.ends_with("bn")));
    }
}
