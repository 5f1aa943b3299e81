//! The peeling trajectory as a coverage–density trade-off (EMA Workbench's `show_tradeoff`):
//! one dot per box on the trajectory, coloured by how many dimensions it restricts, joined in
//! the order PRIM visited them, with the box found ringed and labelled.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::prim::Found;
use crate::report::charts::axis::Ticks;
use crate::report::charts::{font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch};
use crate::report::format::Unit;

/// The trade-off chart of every box found.
pub struct TradeoffChart {
    pub header: Header,
    /// Per box: (coverage, density, restricted dimensions) of each step.
    pub boxes: Vec<Vec<(f64, f64, usize)>>,
}

impl TradeoffChart {
    pub fn new(mut header: Header, found: &[Found]) -> TradeoffChart {
        let boxes: Vec<Vec<(f64, f64, usize)>> = found
            .iter()
            .map(|f| {
                f.trajectory
                    .iter()
                    .map(|s| (s.coverage, s.density, s.restricted_count()))
                    .collect()
            })
            .collect();
        let most = boxes.iter().flatten().map(|p| p.2).max().unwrap_or(0);
        for k in 0..=most {
            let label = match k {
                1 => "1 restricted dimension".to_string(),
                _ => format!("{k} restricted dimensions"),
            };
            header
                .legend
                .push(LegendItem::new(Swatch::Dot(colour(k)), label));
        }
        header.legend.push(LegendItem::new(
            Swatch::Line(palette::EVENT),
            "peeling, then pasting",
        ));
        TradeoffChart { header, boxes }
    }
}

/// The colour of a box restricting `k` dimensions (black for none).
fn colour(k: usize) -> RGBColor {
    if k == 0 {
        palette::BLACK
    } else {
        palette::series(k - 1)
    }
}

impl Plot for TradeoffChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let x = Ticks::linear(0.0, 1.0, 5, &Unit::Share);
        let y = Ticks::linear(0.0, 1.0, 5, &Unit::Share);
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .bold_line_style(palette::GRID)
            .light_line_style(palette::GRID_LIGHT)
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .x_desc("coverage: share of all cases of interest inside the box")
            .y_desc("density: share of the box that is of interest")
            .x_labels(12)
            .y_labels(12)
            .draw()?;
        for steps in &self.boxes {
            let line = steps.iter().map(|p| (p.0, p.1));
            chart.draw_series(LineSeries::new(line, palette::EVENT.stroke_width(1)))?;
            chart.draw_series(
                steps
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 5, colour(p.2).filled())),
            )?;
        }
        for (b, steps) in self.boxes.iter().enumerate() {
            let &(c, d, k) = steps.last().expect("a trajectory has its start");
            chart.draw_series(std::iter::once(Circle::new(
                (c, d),
                10,
                palette::INK.stroke_width(2),
            )))?;
            // Label to the left of boxes near the right edge, else to the right.
            let (anchor, dx) = if c > 0.6 {
                (HPos::Right, -16)
            } else {
                (HPos::Left, 16)
            };
            let text = format!(
                "box {}: coverage {:.0}%, density {:.0}%, {k} restricted",
                b + 1,
                c * 100.0,
                d * 100.0
            );
            let style = font(16.0).pos(Pos::new(anchor, VPos::Center));
            chart.draw_series(std::iter::once(
                EmptyElement::at((c, d)) + Text::new(text, (dx, 18), style),
            ))?;
        }
        Ok(())
    }
}
