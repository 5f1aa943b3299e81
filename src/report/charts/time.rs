//! Charts over the calendar: lines and p5–p95 bands (or stacked areas) against dates, with the
//! scenario's timeline events as faint vertical markers.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::Ticks;
use super::draw::{empty_message, font, frame, palette, DrawResult, Header, Plot, BAND_ALPHA};
use crate::model::World;
use crate::report::format::Unit;

/// Something drawn against time.
#[derive(Debug, Clone)]
pub enum Layer {
    /// The area between `lo` and `hi` (a p5–p95 band, or one layer of a stack).
    Band {
        x: Vec<f64>,
        lo: Vec<f64>,
        hi: Vec<f64>,
        color: RGBColor,
        alpha: f64,
    },
    /// A line.
    Line {
        x: Vec<f64>,
        y: Vec<f64>,
        color: RGBColor,
        dashed: bool,
    },
}

impl Layer {
    /// A faint p5–p95 band.
    pub fn band(x: Vec<f64>, lo: Vec<f64>, hi: Vec<f64>, color: RGBColor) -> Layer {
        Layer::Band {
            x,
            lo,
            hi,
            color,
            alpha: BAND_ALPHA,
        }
    }

    pub fn line(x: Vec<f64>, y: Vec<f64>, color: RGBColor) -> Layer {
        Layer::Line {
            x,
            y,
            color,
            dashed: false,
        }
    }

    /// The layer with every value passed through `f`.
    fn map(&self, f: &dyn Fn(f64) -> f64) -> Layer {
        let m = |v: &Vec<f64>| v.iter().map(|x| f(*x)).collect::<Vec<f64>>();
        match self {
            Layer::Band {
                x,
                lo,
                hi,
                color,
                alpha,
            } => Layer::Band {
                x: x.clone(),
                lo: m(lo),
                hi: m(hi),
                color: *color,
                alpha: *alpha,
            },
            Layer::Line {
                x,
                y,
                color,
                dashed,
            } => Layer::Line {
                x: x.clone(),
                y: m(y),
                color: *color,
                dashed: *dashed,
            },
        }
    }

    fn extent(&self) -> (f64, f64) {
        let vals: Box<dyn Iterator<Item = &f64>> = match self {
            Layer::Band { lo, hi, .. } => Box::new(lo.iter().chain(hi)),
            Layer::Line { y, .. } => Box::new(y.iter()),
        };
        vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        })
    }
}

/// Lines and bands against dates.
#[derive(Debug, Clone)]
pub struct TimeChart {
    pub header: Header,
    pub x: Ticks,
    pub y_unit: Unit,
    pub y_desc: String,
    pub layers: Vec<Layer>,
    /// Days (since start) of timeline events, drawn as faint vertical lines.
    pub events: Vec<f64>,
    /// Shown instead of the plot when there is nothing to draw.
    pub empty: Option<Vec<String>>,
    /// A logarithmic value axis (for series spanning orders of magnitude). Its floor is the
    /// power of ten at or below the smallest positive value shown (see `smallest_value`);
    /// anything lower, zero included, is drawn on the floor, labelled `≤ floor`.
    pub log_y: bool,
}

impl TimeChart {
    /// The smallest positive value of any line, or of any band if that is lower but within
    /// two decades of it (so bands are not cut off, and a stray tiny p5 does not flatten the
    /// plot).
    fn smallest_value(&self) -> Option<f64> {
        let min_pos = |v: &[f64]| v.iter().copied().filter(|v| *v > 0.0).reduce(f64::min);
        let line = self
            .layers
            .iter()
            .filter_map(|l| match l {
                Layer::Line { y, .. } => min_pos(y),
                Layer::Band { .. } => None,
            })
            .reduce(f64::min)?;
        let band = self
            .layers
            .iter()
            .filter_map(|l| match l {
                Layer::Band { lo, .. } => min_pos(lo),
                Layer::Line { .. } => None,
            })
            .reduce(f64::min)
            .unwrap_or(line);
        Some(line.min(band.max(line / 100.0)))
    }
}

impl TimeChart {
    /// The value axis and the layers in its coordinates (log10 on a log axis).
    pub(crate) fn y_axis(&self) -> (Ticks, Vec<Layer>) {
        let (lo, hi) = self
            .layers
            .iter()
            .map(Layer::extent)
            .fold((0.0f64, 0.0f64), |(a, b), (l, h)| (a.min(l), b.max(h)));
        let log_floor = self
            .smallest_value()
            .filter(|_| self.log_y && lo >= 0.0)
            .map(|v| 10f64.powf(v.log10().floor()))
            .filter(|f| hi > *f);
        match log_floor {
            Some(floor) => {
                let mut y = labelled_top(floor, hi, &self.y_unit);
                y.lo = floor.log10();
                if let Some(first) = y.bold.first_mut().filter(|b| (b.0 - y.lo).abs() < 1e-9) {
                    first.1 = format!("≤ {}", first.1);
                }
                let f = move |v: f64| v.max(floor).log10();
                (y, self.layers.iter().map(|l| l.map(&f)).collect())
            }
            None => (Ticks::from_zero(lo, hi, &self.y_unit), self.layers.clone()),
        }
    }

    /// The plot alone on `body`, against the value axis `y` (see [`TimeChart::y_axis`]).
    pub(crate) fn plot<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        y: Ticks,
        layers: &[Layer],
    ) -> DrawResult<DB> {
        let mut chart = ChartBuilder::on(body)
            .margin_bottom(6)
            .x_label_area_size(36)
            .y_label_area_size(110)
            .build_cartesian_2d(self.x.clone(), y)?;
        draw_grid(&mut chart, &self.y_desc)?;
        draw_events(&mut chart, &self.events)?;
        for layer in layers {
            draw_layer(&mut chart, layer)?;
        }
        Ok(())
    }
}

/// A log axis from `floor` whose top is a labelled tick at or above `hi`: the first of
/// 2, 3, 5 and 10 times the power of ten below `hi` that the axis labels.
fn labelled_top(floor: f64, hi: f64, unit: &Unit) -> Ticks {
    let base = 10f64.powf(hi.log10().floor());
    for k in [1.0, 2.0, 3.0, 5.0] {
        let top = base * k;
        if top < hi * (1.0 - 1e-12) {
            continue;
        }
        let y = Ticks::log(floor, top, unit);
        if y.bold
            .last()
            .is_some_and(|b| (b.0 - top.log10()).abs() < 1e-9)
        {
            return y;
        }
    }
    Ticks::log(floor, base * 10.0, unit)
}

impl Plot for TimeChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        if let Some(lines) = &self.empty {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            return empty_message(&body, &refs);
        }
        let (y, layers) = self.y_axis();
        self.plot(&body, y, &layers)
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticks, Ticks>>;

/// Grid, axes and tick labels in the shared style.
pub(crate) fn draw_grid<DB: DrawingBackend>(chart: &mut Chart<DB>, y_desc: &str) -> DrawResult<DB> {
    chart
        .configure_mesh()
        .bold_line_style(palette::GRID)
        .light_line_style(palette::GRID_LIGHT)
        .axis_style(palette::MUTED)
        .label_style(font(14.0))
        .axis_desc_style(font(15.0))
        .y_desc(y_desc)
        .x_labels(40)
        .y_labels(12)
        .draw()
}

/// Faint vertical lines at event days.
pub(crate) fn draw_events<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    days: &[f64],
) -> DrawResult<DB> {
    let y = chart.y_range();
    for d in days {
        chart.draw_series(DashedLineSeries::new(
            [(*d, y.start), (*d, y.end)],
            4,
            4,
            palette::EVENT.mix(0.8).stroke_width(1),
        ))?;
    }
    Ok(())
}

pub(crate) fn draw_layer<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    layer: &Layer,
) -> DrawResult<DB> {
    match layer {
        Layer::Band {
            x,
            lo,
            hi,
            color,
            alpha,
        } => {
            if x.is_empty() {
                return Ok(());
            }
            let mut pts: Vec<(f64, f64)> = x.iter().copied().zip(hi.iter().copied()).collect();
            pts.extend(x.iter().copied().zip(lo.iter().copied()).rev());
            chart.draw_series(std::iter::once(Polygon::new(
                pts,
                color.mix(*alpha).filled(),
            )))?;
        }
        Layer::Line {
            x,
            y,
            color,
            dashed,
        } => {
            let pts: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
            if *dashed {
                chart.draw_series(DashedLineSeries::new(pts, 9, 6, color.stroke_width(2)))?;
            } else {
                chart.draw_series(LineSeries::new(pts, color.stroke_width(2)))?;
            }
        }
    }
    Ok(())
}

/// Days (since start) on which timeline events happen, each once, ascending.
pub fn event_days(world: &World) -> Vec<f64> {
    let mut days: Vec<f64> = world.timeline.iter().map(|e| e.day as f64).collect();
    days.dedup();
    days
}
