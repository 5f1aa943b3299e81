//! Loss exceedance curves: the share of replications whose total cost exceeds x, against x on a
//! log axis, from the per-replication totals. p50 and p95 are marked on each curve. Curves whose
//! every replication costs nothing cannot sit on a log axis; they are named in a note instead.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::draw::{
    empty_message, font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch,
};
use crate::metrics::aggregate::quantile_sorted;
use crate::report::format::{money, Unit};

/// One scenario's curve.
#[derive(Debug, Clone)]
pub struct Curve {
    pub label: String,
    pub color: RGBColor,
    /// Every replication's total, sorted ascending.
    pub sorted: Vec<f64>,
}

impl Curve {
    pub fn new(label: &str, color: RGBColor, values: &[f64]) -> Curve {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Curve {
            label: label.to_string(),
            color,
            sorted,
        }
    }

    fn p(&self, q: f64) -> f64 {
        quantile_sorted(&self.sorted, q)
    }

    /// Share of values above `x`.
    fn exceed(&self, x: f64) -> f64 {
        let above = self.sorted.len() - self.sorted.partition_point(|v| *v <= x);
        above as f64 / self.sorted.len().max(1) as f64
    }

    fn all_zero(&self) -> bool {
        self.sorted.iter().all(|v| *v <= 0.0)
    }
}

/// One or several loss exceedance curves.
#[derive(Debug, Clone)]
pub struct LossChart {
    pub header: Header,
    pub currency: String,
    pub curves: Vec<Curve>,
    /// Label p50 and p95 with dashed lines and amounts (one curve) or only dots (several).
    pub label_quantiles: bool,
}

impl LossChart {
    /// A chart of `curves`, completing the header's legend and note.
    pub fn new(mut header: Header, currency: &str, curves: Vec<Curve>) -> LossChart {
        let single = curves.len() == 1;
        let zero: Vec<&str> = curves
            .iter()
            .filter(|c| c.all_zero())
            .map(|c| c.label.as_str())
            .collect();
        for c in curves.iter().filter(|c| !c.all_zero()) {
            let label = if single {
                "P(total cost > x)".to_string()
            } else {
                format!(
                    "{}  (p50 {}, p95 {})",
                    c.label,
                    money(c.p(0.5), currency),
                    money(c.p(0.95), currency)
                )
            };
            header
                .legend
                .push(LegendItem::new(Swatch::Line(c.color), label));
        }
        let mut notes = Vec::new();
        if single {
            if let Some(c) = curves.first().filter(|c| !c.all_zero()) {
                header.legend.push(LegendItem::new(
                    Swatch::Dashed(palette::MUTED),
                    "p50 and p95",
                ));
                let (p5, p50, p95) = (c.p(0.05), c.p(0.5), c.p(0.95));
                if p50 > 0.0 && (p95 - p5) / p50 < 0.01 {
                    notes.push(format!(
                        "Total cost hardly varies: p5 to p95 spans {} ({}% of the median).",
                        money(p95 - p5, currency),
                        crate::report::format::si((p95 - p5) / p50 * 100.0)
                    ));
                }
                let zero_share = 1.0 - c.exceed(0.0);
                if zero_share > 0.0 {
                    notes.push(format!(
                        "{:.1}% of replications cost nothing; the curve starts at {:.1}%.",
                        zero_share * 100.0,
                        (1.0 - zero_share) * 100.0
                    ));
                }
            }
        } else if !zero.is_empty() {
            notes.push(format!(
                "Not shown: {} ({} in every replication, no point on a log axis).",
                zero.join(", "),
                money(0.0, currency)
            ));
        }
        if let Some(existing) = header.note.take() {
            notes.insert(0, existing);
        }
        if !notes.is_empty() {
            header.note = Some(notes.join(" "));
        }
        LossChart {
            header,
            currency: currency.to_string(),
            label_quantiles: single,
            curves,
        }
    }
}

/// The narrowest x axis, in decades (≈ ±5% around the middle).
const MIN_SPAN: f64 = 0.042;

/// `v` as money, with more digits when p50 and p95 would otherwise read the same.
fn distinct_money(v: f64, c: &Curve, currency: &str) -> String {
    let (a, b) = (c.p(0.5), c.p(0.95));
    if money(a, currency) != money(b, currency) || a == b {
        return money(v, currency);
    }
    let (div, suffix) = crate::report::format::scale_for(v.abs());
    for d in 3..8 {
        let f = |x: f64| format!("{:.d$}", x / div);
        if f(a) != f(b) {
            return format!("{currency} {} {suffix}", f(v)).replace("  ", " ");
        }
    }
    money(v, currency)
}

impl Plot for LossChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let shown: Vec<&Curve> = self.curves.iter().filter(|c| !c.all_zero()).collect();
        if shown.is_empty() {
            let zero = money(0.0, &self.currency);
            let line1 = if self.curves.len() == 1 {
                format!("Total cost is {zero} in every replication.")
            } else {
                format!("Total cost is {zero} in every replication of every scenario.")
            };
            return empty_message(
                &body,
                &[&line1, "There is no loss to plot on a logarithmic axis."],
            );
        }
        let lo = shown
            .iter()
            .filter_map(|c| c.sorted.iter().copied().find(|v| *v > 0.0))
            .fold(f64::INFINITY, f64::min);
        let hi = shown
            .iter()
            .map(|c| *c.sorted.last().expect("not empty"))
            .fold(0.0, f64::max);
        // At least ±5% around the data, so that a cost that hardly varies shows as the cliff it
        // is rather than as noise blown up to the full width.
        let span = (hi / lo).log10();
        let pad = (span * 0.06).max((MIN_SPAN - span) / 2.0);
        let (axis_lo, axis_hi) = (lo / 10f64.powf(pad), hi * 10f64.powf(pad));
        let unit = Unit::Money(self.currency.clone());
        let x = Ticks::log(axis_lo, axis_hi, &unit);
        let y = Ticks::linear(0.0, 1.0, 5, &Unit::Share);
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x.clone(), y)?;
        chart
            .configure_mesh()
            .bold_line_style(palette::GRID)
            .light_line_style(palette::GRID_LIGHT)
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .x_desc(if self.currency.is_empty() {
                "total cost x (each scenario's own currency, log scale)".to_string()
            } else {
                format!("total cost x ({}, log scale)", self.currency)
            })
            .y_desc("share of replications with total cost > x")
            .x_labels(40)
            .y_labels(12)
            .draw()?;
        let (lx0, lx1) = (x.lo, x.hi);
        for c in &shown {
            let mut pts = vec![(lx0, c.exceed(axis_lo))];
            let mut p = c.exceed(axis_lo);
            for v in c.sorted.iter().copied().filter(|v| *v > axis_lo) {
                let after = c.exceed(v);
                if after != p {
                    pts.push((v.log10(), p));
                    pts.push((v.log10(), after));
                    p = after;
                }
            }
            pts.push((lx1, p));
            pts.dedup();
            chart.draw_series(LineSeries::new(pts, c.color.stroke_width(2)))?;
        }
        for c in &shown {
            for (q, share) in [(0.5, 0.5), (0.95, 0.05)] {
                let v = c.p(q);
                if v <= 0.0 {
                    continue;
                }
                let lv = v.log10();
                if self.label_quantiles {
                    chart.draw_series(DashedLineSeries::new(
                        [(lv, 0.0), (lv, share)],
                        6,
                        5,
                        palette::MUTED.stroke_width(2),
                    ))?;
                    let text = format!(
                        "p{} {}",
                        (q * 100.0) as u32,
                        distinct_money(v, c, &self.currency)
                    );
                    // A falling curve leaves the quadrants above right and below left of its
                    // points empty: the label goes above right if it fits (about 9 px a
                    // character at 16 px), else below left.
                    let width_px = f64::from(chart.plotting_area().dim_in_pixel().0);
                    let need_px = text.chars().count() as f64 * 9.0 + 16.0;
                    let right_room = (lx1 - lv) / (lx1 - lx0) * width_px > need_px;
                    let (pos, offset) = if right_room {
                        (Pos::new(HPos::Left, VPos::Bottom), (12, -8))
                    } else {
                        (Pos::new(HPos::Right, VPos::Top), (-12, 8))
                    };
                    let style = font(16.0).pos(pos);
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((lv, share)) + Text::new(text, offset, style),
                    ))?;
                }
                chart.draw_series(std::iter::once(Circle::new(
                    (lv, share),
                    6,
                    c.color.filled(),
                )))?;
                chart.draw_series(std::iter::once(Circle::new(
                    (lv, share),
                    6,
                    palette::INK.stroke_width(1),
                )))?;
            }
        }
        Ok(())
    }
}
