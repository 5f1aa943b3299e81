//! Charts comparing the scenarios of one run, written into the output folder: key metrics as
//! bars with 95% confidence intervals of the mean (one small panel per metric), loss exceedance
//! curves on one axis, and exposure over time per scenario on one axis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::draw::{
    font, frame, palette, render, DrawResult, Header, LegendItem, Plot, Rendered, Swatch,
};
use super::loss::Curve;
use super::loss::LossChart;
use super::scenario::{banded, Months};
use super::time::{Layer, TimeChart};
use crate::metrics::aggregate::Summary;
use crate::model::{Calendar, World};
use crate::report::format::{thousands, Unit};

/// File names (without extension) and titles of the comparison charts, in report order.
pub const CHARTS: [(&str, &str); 3] = [
    (
        "comparison_metrics",
        "Key metrics with 95% confidence intervals",
    ),
    (
        "comparison_loss_exceedance",
        "Loss exceedance of total cost",
    ),
    ("comparison_exposure", "Exposure over time"),
];

/// Metrics shown as bars, in panel order; those a run does not have are skipped.
pub const KEY_METRICS: [&str; 12] = [
    "exposure.records_visible",
    "exposure.records_reidentifiable",
    "exposure.users_distinct",
    "exposure.score",
    "residency.pb_days_outside",
    "transfer.pb_cross_border",
    "incidents.misuse",
    "regulatory.fines",
    "cost.fines",
    "cost.revenue_loss",
    "cost.total",
    "cost.total_npv",
];

const VISIBLE: &str = "exposure.records_visible";
const REIDENTIFIABLE: &str = "exposure.records_reidentifiable";

/// One scenario of the run.
pub struct Scenario<'a> {
    pub world: &'a World,
    pub summary: &'a Summary,
    /// Every replication's `cost.total`, in replication order.
    pub cost_totals: Vec<f64>,
}

/// The currency all scenarios share, or "" when they differ.
fn common_currency(runs: &[Scenario]) -> String {
    let first = &runs[0].world.currency;
    if runs.iter().all(|r| &r.world.currency == first) {
        first.clone()
    } else {
        String::new()
    }
}

/// A note naming each scenario's currency when they differ.
fn currency_note(runs: &[Scenario]) -> Option<String> {
    if !common_currency(runs).is_empty() {
        return None;
    }
    let each: Vec<String> = runs
        .iter()
        .map(|r| format!("{} {}", r.world.name, r.world.currency))
        .collect();
    Some(format!(
        "Amounts are in each scenario's own currency ({}); compare money across currencies with care.",
        each.join(", ")
    ))
}

/// `a, b · seed S · N replications each`.
fn subtitle(runs: &[Scenario], what: &str) -> String {
    let names: Vec<&str> = runs.iter().map(|r| r.world.name.as_str()).collect();
    let mut seeds: Vec<u64> = runs.iter().map(|r| r.world.seed).collect();
    seeds.dedup();
    let mut reps: Vec<usize> = runs.iter().map(|r| r.cost_totals.len()).collect();
    reps.dedup();
    let seed = match seeds.as_slice() {
        [s] => format!("seed {s}"),
        _ => format!(
            "seeds {}",
            seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let reps = match reps.as_slice() {
        [n] => format!("{} replications each", thousands(*n as u64)),
        _ => format!(
            "{} replications",
            reps.iter()
                .map(|n| thousands(*n as u64))
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    let names = if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{} scenarios", names.len())
    };
    format!("{names} · {seed} · {reps} · {what}")
}

fn scenario_legend(runs: &[Scenario], swatch: fn(RGBColor) -> Swatch) -> Vec<LegendItem> {
    runs.iter()
        .enumerate()
        .map(|(i, r)| LegendItem::new(swatch(palette::series(i)), r.world.name.clone()))
        .collect()
}

/// One panel: a metric's mean and 95% CI per scenario.
#[derive(Debug, Clone)]
struct Panel {
    metric: String,
    unit: Unit,
    /// (mean, ci low, ci high) per scenario; None where the scenario lacks the metric.
    values: Vec<Option<(f64, f64, f64)>>,
}

/// Small multiples of bars with error bars.
#[derive(Debug, Clone)]
pub struct MetricsChart {
    header: Header,
    panels: Vec<Panel>,
    colors: Vec<RGBColor>,
}

impl MetricsChart {
    pub fn of(runs: &[Scenario]) -> MetricsChart {
        let currency = &common_currency(runs);
        let panels = KEY_METRICS
            .iter()
            .filter(|m| {
                runs.iter()
                    .filter_map(|r| r.summary.stats(m))
                    .any(|s| s.mean != 0.0 || s.max != 0.0 || s.min != 0.0)
            })
            .map(|m| Panel {
                metric: m.to_string(),
                unit: Unit::of_metric(m, currency),
                values: runs
                    .iter()
                    .map(|r| r.summary.stats(m).map(|s| (s.mean, s.ci95[0], s.ci95[1])))
                    .collect(),
            })
            .collect();
        let mut legend = scenario_legend(runs, Swatch::Fill);
        legend.push(LegendItem::new(
            Swatch::Line(palette::INK),
            "error bar: 95% confidence interval of the mean",
        ));
        MetricsChart {
            header: Header {
                title: "Key metrics by scenario".into(),
                subtitle: subtitle(runs, "bars: mean over replications"),
                legend,
                note: currency_note(runs),
            },
            panels,
            colors: (0..runs.len()).map(palette::series).collect(),
        }
    }
}

impl Plot for MetricsChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let n = self.panels.len().max(1);
        let rows = match n {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        let cols = n.div_ceil(rows);
        let cells = body.split_evenly((rows, cols));
        let scenarios = self.colors.len();
        for (panel, cell) in self.panels.iter().zip(&cells) {
            let (mut lo, mut hi) = (0.0f64, 0.0f64);
            for (_, l, h) in panel.values.iter().flatten() {
                lo = lo.min(*l);
                hi = hi.max(*h);
            }
            // Head room for the value labels above the bars.
            let y = Ticks::linear(lo, if hi > 0.0 { hi * 1.18 } else { 1.0 }, 4, &panel.unit);
            let mut x = Ticks::categories(&vec![String::new(); scenarios]);
            x.bold.clear();
            let mut chart = ChartBuilder::on(cell)
                .caption(&panel.metric, font(15.0))
                .margin(6)
                .x_label_area_size(8)
                .y_label_area_size(92)
                .build_cartesian_2d(x, y)?;
            chart
                .configure_mesh()
                .bold_line_style(palette::GRID)
                .axis_style(palette::MUTED)
                .label_style(font(13.0))
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(8)
                .draw()?;
            let labels = value_labels(cell, &chart, panel, scenarios);
            for (i, v) in panel.values.iter().enumerate() {
                let Some((mean, l, h)) = *v else { continue };
                let x = i as f64;
                let color = self.colors[i];
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.36, 0.0), (x + 0.36, mean)],
                    color.filled(),
                )))?;
                let ink = palette::INK.stroke_width(2);
                chart.draw_series(std::iter::once(PathElement::new(vec![(x, l), (x, h)], ink)))?;
                for end in [l, h] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - 0.12, end), (x + 0.12, end)],
                        ink,
                    )))?;
                }
                if let Some(label) = labels.as_ref().and_then(|ls| ls[i].clone()) {
                    let style = font(LABEL_SIZE).pos(Pos::new(HPos::Center, VPos::Bottom));
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((x, h.max(mean))) + Text::new(label, (0, -5), style),
                    ))?;
                }
            }
        }
        Ok(())
    }
}

/// Size of the value labels over the bars.
const LABEL_SIZE: f64 = 13.0;
/// Pixels kept free between neighbouring labels.
const LABEL_GAP: u32 = 6;

/// The value label of each bar of `panel`, all in the metric's unit when every one fits in its
/// bar's slot, else all as plain numbers (the unit is on the axis) when those fit, else none:
/// labels never run into their neighbours.
fn value_labels<DB: DrawingBackend>(
    cell: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<Ticks, Ticks>>,
    panel: &Panel,
    scenarios: usize,
) -> Option<Vec<Option<String>>> {
    let slot = chart.plotting_area().dim_in_pixel().0 / scenarios.max(1) as u32;
    let fits = |labels: &[Option<String>]| {
        labels.iter().flatten().all(|t| {
            cell.estimate_text_size(t, &font(LABEL_SIZE))
                .is_ok_and(|(w, _)| w + LABEL_GAP <= slot)
        })
    };
    [panel.unit.clone(), Unit::Count].iter().find_map(|unit| {
        let labels: Vec<Option<String>> = panel
            .values
            .iter()
            .map(|v| v.map(|(mean, _, _)| unit.format(mean)))
            .collect();
        fits(&labels).then_some(labels)
    })
}

/// Exposure over time, one colour per scenario on a shared date axis.
/// Exposure over time as small multiples: one panel per scenario on one shared log axis, its
/// median and p5–p95 band in its colour over the other scenarios' medians in grey, so no
/// line can hide another.
#[derive(Debug, Clone)]
pub struct ExposureChart {
    header: Header,
    /// Every layer, for the shared axis; each panel's own layers are a range of it.
    all: TimeChart,
    /// Per scenario: its name, colour and the range of `all.layers` it draws.
    panels: Vec<(String, RGBColor, std::ops::Range<usize>)>,
}

/// Context lines of the other scenarios in a panel.
const CONTEXT: RGBColor = RGBColor(200, 200, 200);

impl ExposureChart {
    pub fn of(runs: &[Scenario]) -> ExposureChart {
        let start = runs
            .iter()
            .map(|r| r.world.calendar.start)
            .min()
            .expect("runs");
        let end = runs
            .iter()
            .map(|r| r.world.calendar.end)
            .max()
            .expect("runs");
        let cal = Calendar::new(start, end);
        let mut own: Vec<Vec<Layer>> = Vec::new();
        let mut medians: Vec<Layer> = Vec::new();
        for (i, r) in runs.iter().enumerate() {
            let color = palette::series(i);
            let offset = cal.day_of(r.world.calendar.start) as f64;
            let months = Months::of(r.world);
            let x: Vec<f64> = months.mid.iter().map(|d| d + offset).collect();
            let ones = vec![1.0; x.len()];
            let monthly = |name: &str| {
                r.summary
                    .layout
                    .index(name)
                    .map(|k| r.summary.monthly[k].as_slice())
                    .unwrap_or(&[])
            };
            let [band, line] = banded(&x, monthly(VISIBLE), &ones, color);
            medians.push(line.clone());
            let mut layers = vec![band, line];
            let reid = monthly(REIDENTIFIABLE);
            if reid.iter().any(|m| m.p50 != 0.0) {
                layers.push(Layer::Line {
                    x: x.clone(),
                    y: reid.iter().map(|m| m.p50).collect(),
                    color,
                    dashed: true,
                });
            }
            own.push(layers);
        }
        // Each panel: the others' medians in grey, then its own band and lines.
        let mut layers = Vec::new();
        let mut panels = Vec::new();
        for (i, r) in runs.iter().enumerate() {
            let from = layers.len();
            for (_, m) in medians.iter().enumerate().filter(|(j, _)| *j != i) {
                if let Layer::Line { x, y, .. } = m {
                    layers.push(Layer::line(x.clone(), y.clone(), CONTEXT));
                }
            }
            layers.extend(own[i].iter().cloned());
            panels.push((r.world.name.clone(), palette::series(i), from..layers.len()));
        }
        let mut x = Ticks::dates(&cal);
        if runs.len() > 2 {
            // Narrow panels: every other year labelled.
            let bold = std::mem::take(&mut x.bold);
            for (k, b) in bold.into_iter().enumerate() {
                if k % 2 == 0 {
                    x.bold.push(b);
                } else {
                    x.light.push(b.0);
                }
            }
        }
        ExposureChart {
            header: Header {
                title: "Records read with identifiers visible, by scenario".into(),
                subtitle: subtitle(
                    runs,
                    "records per month (log scale): median with p5–p95 band, one panel each",
                ),
                legend: vec![
                    LegendItem::new(
                        Swatch::Band(palette::BLUE),
                        "the panel's scenario: median, p5–p95",
                    ),
                    LegendItem::new(
                        Swatch::Dashed(palette::MUTED),
                        "dashed: masked but re-identifiable (median)",
                    ),
                    LegendItem::new(Swatch::Line(CONTEXT), "grey: the other scenarios' medians"),
                ],
                note: None,
            },
            all: TimeChart {
                header: Header {
                    title: String::new(),
                    subtitle: String::new(),
                    legend: Vec::new(),
                    note: None,
                },
                x,
                y_unit: Unit::Count,
                y_desc: String::new(),
                layers,
                events: Vec::new(),
                empty: None,
                log_y: true,
            },
            panels,
        }
    }
}

impl Plot for ExposureChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let (y, layers) = self.all.y_axis();
        let n = self.panels.len().max(1);
        let cols = match n {
            1 | 2 => n,
            3 | 4 => 2,
            _ => 3,
        };
        let rows = n.div_ceil(cols);
        let areas = body.split_evenly((rows, cols));
        for ((name, color, range), area) in self.panels.iter().zip(&areas) {
            area.draw_text(name, &font(17.0).color(color), (118, 2))?;
            let plot = area.margin(24, 4, 0, 0);
            self.all.plot(&plot, y.clone(), &layers[range.clone()])?;
        }
        Ok(())
    }
}

/// Every comparison chart, in [`CHARTS`] order.
pub fn render_all(runs: &[Scenario]) -> anyhow::Result<Vec<Rendered>> {
    let currency = &common_currency(runs);
    let curves = runs
        .iter()
        .enumerate()
        .map(|(i, r)| Curve::new(&r.world.name, palette::series(i), &r.cost_totals))
        .collect();
    let loss = LossChart::new(
        Header {
            title: "Loss exceedance of total cost, by scenario".into(),
            subtitle: subtitle(runs, "share of replications with cost.total above x"),
            legend: Vec::new(),
            note: currency_note(runs),
        },
        currency,
        curves,
    );
    Ok(vec![
        render(CHARTS[0].0, &MetricsChart::of(runs))?,
        render(CHARTS[1].0, &loss)?,
        render(CHARTS[2].0, &ExposureChart::of(runs))?,
    ])
}
