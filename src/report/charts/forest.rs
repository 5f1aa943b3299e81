//! The forest chart of a paired comparison (`regsim diff`, a scenario's baseline): one row per
//! key metric, the mean paired difference as a relative change against the base with its 95%
//! interval, and the absolute difference written beside it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::comparison::KEY_METRICS;
use super::draw::{font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch};
use crate::metrics::paired::PairedStats;
use crate::report::format::Unit;

/// One row: a metric's relative change and its interval, as shares of the base mean.
#[derive(Debug, Clone)]
struct Row {
    metric: String,
    mean: f64,
    lo: f64,
    hi: f64,
    label: String,
}

/// Paired differences of the key metrics as relative changes with intervals.
#[derive(Debug, Clone)]
pub struct ForestChart {
    header: Header,
    rows: Vec<Row>,
}

impl ForestChart {
    /// `base` and `changed` name the two scenarios; amounts are in `currency`.
    pub fn of(
        rows: &[PairedStats],
        base: &str,
        changed: &str,
        subtitle: String,
        currency: &str,
    ) -> ForestChart {
        let rows = KEY_METRICS
            .iter()
            .filter_map(|m| rows.iter().find(|r| r.metric == *m))
            .filter(|r| r.base_mean != 0.0 || r.changed_mean != 0.0)
            .map(|r| {
                let unit = Unit::of_metric(&r.metric, currency);
                let label = format!(
                    "{} ({} to {})",
                    signed(&unit, r.diff_mean),
                    signed(&unit, r.ci95[0]),
                    signed(&unit, r.ci95[1])
                );
                match r.rel_change {
                    Some(_) => Row {
                        metric: r.metric.clone(),
                        mean: r.diff_mean / r.base_mean,
                        lo: r.ci95[0] / r.base_mean,
                        hi: r.ci95[1] / r.base_mean,
                        label,
                    },
                    // From nothing: no relative change to draw, only the absolute one.
                    None => Row {
                        metric: r.metric.clone(),
                        mean: f64::NAN,
                        lo: f64::NAN,
                        hi: f64::NAN,
                        label: format!("{label}; base 0"),
                    },
                }
            })
            .collect();
        ForestChart {
            header: Header {
                title: format!("{changed} against {base}: paired differences"),
                subtitle,
                legend: vec![
                    LegendItem::new(Swatch::Dot(palette::BLUE), "mean difference, % of the base mean"),
                    LegendItem::new(
                        Swatch::Line(palette::INK),
                        "95% confidence interval of the paired difference",
                    ),
                ],
                note: Some(
                    "Both scenarios ran on the same random streams: each replication's difference cancels the noise of what they share. Beside each row: the difference in the metric's own unit."
                        .into(),
                ),
            },
            rows,
        }
    }
}

/// A difference with its sign.
fn signed(unit: &Unit, v: f64) -> String {
    let s = unit.format(v.abs());
    if v < 0.0 {
        format!("−{s}")
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

impl Plot for ForestChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let finite = self.rows.iter().filter(|r| r.mean.is_finite());
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for r in finite {
            lo = lo.min(r.lo);
            hi = hi.max(r.hi);
        }
        let pad = ((hi - lo) * 0.08).max(0.01);
        let x = Ticks::linear(lo - pad, hi + pad, 6, &Unit::Share);
        let n = self.rows.len().max(1);
        let names: Vec<String> = self.rows.iter().rev().map(|r| r.metric.clone()).collect();
        let y = Ticks::categories(&names);
        let (w, _) = body.dim_in_pixel();
        let (plot, side) = body.split_horizontally(w as i32 * 62 / 100);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(250)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .bold_line_style(palette::GRID)
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .disable_y_mesh()
            .x_desc("change against the base mean")
            .axis_desc_style(font(15.0))
            .y_labels(n)
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            palette::MUTED.stroke_width(1),
        )))?;
        let row_y = |i: usize| (n - 1 - i) as f64;
        for (i, r) in self.rows.iter().enumerate() {
            let y = row_y(i);
            if !r.mean.is_finite() {
                continue;
            }
            let ink = palette::INK.stroke_width(2);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(r.lo, y), (r.hi, y)],
                ink,
            )))?;
            for end in [r.lo, r.hi] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(end, y - 0.15), (end, y + 0.15)],
                    ink,
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (r.mean, y),
                6,
                palette::BLUE.filled(),
            )))?;
        }
        // The absolute differences, one per row, aligned with the plot's rows.
        let (_, top) = chart.backend_coord(&(0.0, n as f64 - 0.5));
        let (_, bottom) = chart.backend_coord(&(0.0, -0.5));
        // backend_coord is in whole-image pixels; the side area draws in its own.
        let (_, side_y) = side.get_base_pixel();
        let row_h = (bottom - top) as f64 / n as f64;
        let style = font(14.0).pos(Pos::new(HPos::Left, VPos::Center));
        for (i, r) in self.rows.iter().enumerate() {
            let py = top + ((i as f64 + 0.5) * row_h) as i32 - side_y;
            side.draw_text(&r.label, &style, (12, py))?;
        }
        Ok(())
    }
}
