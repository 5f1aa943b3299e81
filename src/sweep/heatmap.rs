//! The heatmap of a metric's mean over a two-parameter grid, with its colour scale: a bar at the
//! right with values in the metric's unit. Means of one sign read on a sequential scale (white
//! to Okabe–Ito blue, darker is larger); paired differences (a `versus` sweep) and means of both
//! signs read on a diverging scale centred on zero (blue above, vermillion below, deeper further
//! from zero), so a cell's hue says its sign whatever the range.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::charts::axis::Ticks;
use crate::report::charts::{font, frame, palette, DrawResult, Header, Plot};
use crate::report::format::Unit;

/// Width of the colour scale's area (bar, tick labels and its name), in pixels.
const SCALE_AREA: u32 = 190;
/// Steps the colour bar is drawn in.
const BAR_STEPS: usize = 120;

/// A metric's mean over a two-parameter grid, one labelled cell per point.
pub struct HeatmapChart {
    pub header: Header,
    pub params: (String, String),
    pub unit: Unit,
    /// What the colour shows, for the scale's name (e.g. "mean" or "Δ mean").
    pub shown: String,
    /// Centre the colours on zero (paired differences).
    pub diverging: bool,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// `means[i][j]` at (xs[i], ys[j]).
    pub means: Vec<Vec<f64>>,
}

/// How values map to colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// From `lo` (white) to `hi` (darkest blue).
    Sequential { lo: f64, hi: f64 },
    /// White at zero, blue to `+m`, vermillion to `−m`.
    Diverging { m: f64 },
}

impl Scale {
    /// The scale for `values`: diverging when asked or when they have both signs.
    pub fn of(values: impl Iterator<Item = f64> + Clone, diverging: bool) -> Scale {
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if diverging || (lo < 0.0 && hi > 0.0) {
            Scale::Diverging {
                m: lo.abs().max(hi.abs()),
            }
        } else {
            Scale::Sequential { lo, hi }
        }
    }

    /// The range the colour bar shows: the data's, with zero included on a diverging scale.
    fn range(&self, lo: f64, hi: f64) -> (f64, f64) {
        match *self {
            Scale::Sequential { lo, hi } => (lo, hi),
            Scale::Diverging { .. } => (lo.min(0.0), hi.max(0.0)),
        }
    }

    /// The colour of `v`, and whether text on it should be white.
    pub fn color(&self, v: f64) -> (RGBColor, bool) {
        let mix = |a: [f64; 3], b: [f64; 3], t: f64| {
            let c = |i: usize| (a[i] + t * (b[i] - a[i])).round() as u8;
            RGBColor(c(0), c(1), c(2))
        };
        const WHITE_ISH: [f64; 3] = [247.0, 251.0, 255.0];
        const BLUE_DARK: [f64; 3] = [0.0, 70.0, 120.0];
        const RED_DARK: [f64; 3] = [150.0, 50.0, 0.0];
        let t = match *self {
            Scale::Sequential { lo, hi } => {
                if hi > lo {
                    ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            }
            Scale::Diverging { m } => {
                if m > 0.0 {
                    v / m
                } else {
                    0.0
                }
            }
        }
        .clamp(-1.0, 1.0);
        if t < 0.0 {
            (mix(WHITE_ISH, RED_DARK, -t), -t > 0.55)
        } else {
            (mix(WHITE_ISH, BLUE_DARK, t), t > 0.55)
        }
    }
}

impl HeatmapChart {
    fn scale(&self) -> Scale {
        Scale::of(self.means.iter().flatten().copied(), self.diverging)
    }
}

impl Plot for HeatmapChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let (w, _) = body.dim_in_pixel();
        let (cells, bar) = body.split_horizontally(w.saturating_sub(SCALE_AREA));
        let label =
            |v: &[f64]| -> Vec<String> { v.iter().map(|v| Unit::Count.format(*v)).collect() };
        let mut chart = ChartBuilder::on(&cells)
            .margin_bottom(6)
            .x_label_area_size(56)
            .y_label_area_size(110)
            .build_cartesian_2d(
                Ticks::categories(&label(&self.xs)),
                Ticks::categories(&label(&self.ys)),
            )?;
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .x_desc(&self.params.0)
            .y_desc(&self.params.1)
            .x_labels(40)
            .y_labels(40)
            .draw()?;
        let scale = self.scale();
        for (i, col) in self.means.iter().enumerate() {
            for (j, v) in col.iter().enumerate() {
                let (color, light) = scale.color(*v);
                let (x, y) = (i as f64, j as f64);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    color.filled(),
                )))?;
                let ink = if light { WHITE } else { palette::INK };
                let style = font(15.0)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(
                    self.unit.format(*v),
                    (x, y),
                    style,
                )))?;
            }
        }
        self.draw_scale(&bar, scale)
    }
}

impl HeatmapChart {
    /// The colour bar: the scale's range top to bottom, ticks in the metric's unit, its name.
    fn draw_scale<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        scale: Scale,
    ) -> DrawResult<DB> {
        let (lo, hi) = self
            .means
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let (lo, hi) = scale.range(lo, hi);
        let ticks = Ticks::linear(lo, if hi > lo { hi } else { lo + 1.0 }, 6, &self.unit);
        let (lo, hi) = (ticks.lo, ticks.hi);
        let mut chart = ChartBuilder::on(area)
            .margin_left(24)
            .margin_top(10)
            .margin_bottom(62)
            .margin_right(4)
            .y_label_area_size(0)
            .right_y_label_area_size(100)
            .build_cartesian_2d(Ticks::linear(0.0, 1.0, 1, &Unit::Count), ticks)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .axis_style(palette::MUTED)
            .label_style(font(13.0))
            .y_labels(40)
            .draw()?;
        let step = (hi - lo) / BAR_STEPS as f64;
        chart.draw_series((0..BAR_STEPS).map(|k| {
            let a = lo + k as f64 * step;
            let (color, _) = scale.color(a + step / 2.0);
            Rectangle::new([(0.0, a), (1.0, a + step)], color.filled())
        }))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, lo), (1.0, hi)],
            palette::MUTED.stroke_width(1),
        )))?;
        if let Scale::Diverging { .. } = scale {
            if lo < 0.0 && hi > 0.0 {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (1.0, 0.0)],
                    palette::INK.stroke_width(2),
                )))?;
            }
        }
        let (_, h) = area.dim_in_pixel();
        area.draw_text(
            &format!("colour: {}", self.shown),
            &font(14.0).pos(Pos::new(HPos::Left, VPos::Top)),
            (24, h as i32 - 50),
        )?;
        if let Scale::Diverging { .. } = scale {
            area.draw_text(
                "blue above 0, vermillion below",
                &font(13.0)
                    .color(&palette::MUTED)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
                (24, h as i32 - 30),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diverging_scale_gives_the_sign_its_hue_and_zero_white() {
        let s = Scale::of([-3.0, -1.0].into_iter(), true);
        assert_eq!(s, Scale::Diverging { m: 3.0 });
        let (neg, light) = s.color(-3.0);
        assert!(neg.0 > neg.2 && light, "{neg:?}");
        let (zero, _) = s.color(0.0);
        assert_eq!(zero, RGBColor(247, 251, 255));
        // Both signs without `versus` diverge too; one sign alone is sequential.
        assert!(matches!(
            Scale::of([-1.0, 2.0].into_iter(), false),
            Scale::Diverging { .. }
        ));
        let seq = Scale::of([1.0, 2.0].into_iter(), false);
        let (pos, _) = seq.color(2.0);
        assert!(pos.2 > pos.0, "{pos:?}");
        assert_eq!(seq.color(1.0).0, RGBColor(247, 251, 255));
        // Below its range (the bar's axis is widened to round ticks) it stays white, not red.
        assert_eq!(seq.color(0.0).0, RGBColor(247, 251, 255));
    }
}
