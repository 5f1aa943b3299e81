//! The annual cost chart: each calendar year's cost by component (means across replications,
//! stacked bars) with the p5–p95 range of the year's total cost as a whisker. The first and
//! last bars hold only the part of their year inside the horizon, which the note says.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::Ticks;
use super::draw::{font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch};
use crate::metrics::aggregate::Summary;
use crate::metrics::annual::{annual, YearStats};
use crate::metrics::collect::Collected;
use crate::metrics::COST_COMPONENTS;
use crate::model::World;
use crate::report::format::Unit;

const COLORS: [RGBColor; 7] = [
    palette::BLUE,
    palette::ORANGE,
    palette::GREEN,
    palette::PURPLE,
    palette::SKY_BLUE,
    palette::VERMILLION,
    palette::YELLOW,
];

/// Stacked annual cost bars.
#[derive(Debug, Clone)]
pub struct AnnualCostChart {
    header: Header,
    years: Vec<i32>,
    /// Per component with any cost: (colour, mean per year).
    stacks: Vec<(RGBColor, Vec<f64>)>,
    /// p5 and p95 of the year's total.
    whiskers: Vec<(f64, f64)>,
    unit: Unit,
    currency: String,
}

impl AnnualCostChart {
    pub fn of(
        world: &World,
        summary: &Summary,
        reps: &Collected,
        subtitle: String,
    ) -> AnnualCostChart {
        let layout = &summary.layout;
        let rows = annual(reps);
        let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        let of = |metric: usize| -> Vec<&YearStats> {
            rows.iter().filter(|r| r.metric == metric).collect()
        };
        let mut legend = Vec::new();
        let mut stacks = Vec::new();
        for (k, name) in layout.names.iter().enumerate() {
            let component = COST_COMPONENTS.contains(&k);
            let means: Vec<f64> = of(k).iter().map(|r| r.mean).collect();
            if !component || means.iter().all(|v| *v == 0.0) {
                continue;
            }
            let color = COLORS[stacks.len() % COLORS.len()];
            legend.push(LegendItem::new(
                Swatch::Fill(color),
                name.trim_start_matches("cost."),
            ));
            stacks.push((color, means));
        }
        let whiskers = layout
            .index("cost.total")
            .map(|k| of(k).iter().map(|r| (r.p5, r.p95)).collect())
            .unwrap_or_default();
        legend.push(LegendItem::new(
            Swatch::Line(palette::INK),
            "p5–p95 of the year's total cost",
        ));
        AnnualCostChart {
            header: Header {
                title: "Cost per calendar year".into(),
                subtitle,
                legend,
                note: Some(format!(
                    "Bars: mean cost of each year across replications, by component, in {}. The first and last years hold only their part inside the horizon ({} to {}).",
                    world.currency, world.calendar.start, world.calendar.end
                )),
            },
            years,
            stacks,
            whiskers,
            unit: Unit::Money(world.currency.clone()),
            currency: world.currency.clone(),
        }
    }
}

impl Plot for AnnualCostChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let n = self.years.len();
        let mut hi = 0.0f64;
        for i in 0..n {
            let stacked: f64 = self.stacks.iter().map(|(_, v)| v[i]).sum();
            hi = hi.max(stacked);
            if let Some((_, p95)) = self.whiskers.get(i) {
                hi = hi.max(*p95);
            }
        }
        let names: Vec<String> = self.years.iter().map(i32::to_string).collect();
        let x = Ticks::categories(&names);
        let y = Ticks::from_zero(0.0, if hi > 0.0 { hi * 1.05 } else { 1.0 }, &self.unit);
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(110)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .bold_line_style(palette::GRID)
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(8)
            .y_desc(format!("cost per year ({})", self.currency))
            .axis_desc_style(font(15.0))
            .draw()?;
        for i in 0..n {
            let x = i as f64;
            let mut base = 0.0;
            for (color, v) in &self.stacks {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.35, base), (x + 0.35, base + v[i])],
                    color.filled(),
                )))?;
                base += v[i];
            }
            if let Some(&(lo, hi)) = self.whiskers.get(i) {
                let ink = palette::INK.stroke_width(2);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    ink,
                )))?;
                for end in [lo, hi] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - 0.1, end), (x + 0.1, end)],
                        ink,
                    )))?;
                }
            }
        }
        Ok(())
    }
}
