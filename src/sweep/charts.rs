//! Sweep charts, drawn with the run charts' look (`report::charts`: 1200×700, the embedded
//! font, Okabe–Ito colours, units and currency on the axes) and written as SVG and PNG: metric
//! vs parameter with the p5–p95 band for one-parameter sweeps, a heatmap of the mean for
//! two-parameter grids, and a tornado of the sensitivity indices (Sobol ST with S1, or Morris
//! μ*) for `sobol` and `morris` designs. One chart per metric of the sweep's `metrics`
//! (default: a few headline metrics).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::charts::axis::Ticks;
use crate::report::charts::{
    font, frame, palette, render, DrawResult, Header, LegendItem, Plot, Rendered, Swatch,
    BAND_ALPHA,
};
use crate::report::format::Unit;

use super::heatmap::HeatmapChart;
use super::results::{indices, Indices, Manifest, PointResult};
use super::sensitivity::Estimate;

/// Metrics charted when the sweep file lists none: the headline exposure first.
pub const DEFAULT_METRICS: [&str; 5] = [
    "exposure.records_visible",
    "exposure.records_reidentifiable",
    "exposure.users_distinct",
    "exposure.score",
    "cost.total",
];

/// Grid, axes, tick labels and axis names in the run charts' style.
fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<Ticks, Ticks>>,
    x_desc: &str,
    y_desc: &str,
) -> DrawResult<DB> {
    chart
        .configure_mesh()
        .bold_line_style(palette::GRID)
        .light_line_style(palette::GRID_LIGHT)
        .axis_style(palette::MUTED)
        .label_style(font(14.0))
        .axis_desc_style(font(15.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(40)
        .y_labels(40)
        .draw()
}

/// Metric vs one parameter: the mean as a line with a dot per point, over the p5–p95 band
/// across replications.
pub struct BandChart {
    pub header: Header,
    pub parameter: String,
    pub metric: String,
    pub unit: Unit,
    /// (parameter value, mean, p5, p95), any order.
    pub rows: Vec<(f64, f64, f64, f64)>,
}

impl BandChart {
    pub fn new(
        header: Header,
        parameter: &str,
        metric: &str,
        unit: Unit,
        rows: &[(f64, f64, f64, f64)],
    ) -> BandChart {
        let mut rows = rows.to_vec();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut header = header;
        header.legend = vec![
            LegendItem::new(
                Swatch::Band(palette::BLUE),
                "mean, with p5–p95 across replications",
            ),
            LegendItem::new(Swatch::Dot(palette::BLUE), "a sweep point"),
        ];
        BandChart {
            header,
            parameter: parameter.to_string(),
            metric: metric.to_string(),
            unit,
            rows,
        }
    }
}

impl Plot for BandChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let (xlo, xhi) = (self.rows[0].0, self.rows[self.rows.len() - 1].0);
        let (lo, hi) = self.rows.iter().fold((0.0f64, 0.0f64), |(a, b), r| {
            (a.min(r.2).min(r.1), b.max(r.3).max(r.1))
        });
        let x = Ticks::linear(
            xlo,
            if xhi > xlo { xhi } else { xlo + 1.0 },
            8,
            &Unit::Count,
        );
        let y = Ticks::from_zero(lo, hi, &self.unit);
        let mut chart = ChartBuilder::on(&body)
            .margin_bottom(6)
            .x_label_area_size(56)
            .y_label_area_size(110)
            .build_cartesian_2d(x, y)?;
        mesh(&mut chart, &self.parameter, &self.metric)?;
        let mut band: Vec<(f64, f64)> = self.rows.iter().map(|r| (r.0, r.3)).collect();
        band.extend(self.rows.iter().rev().map(|r| (r.0, r.2)));
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            palette::BLUE.mix(BAND_ALPHA).filled(),
        )))?;
        let line: Vec<(f64, f64)> = self.rows.iter().map(|r| (r.0, r.1)).collect();
        chart.draw_series(LineSeries::new(line.clone(), palette::BLUE.stroke_width(2)))?;
        chart.draw_series(
            line.into_iter()
                .map(|p| Circle::new(p, 4, palette::BLUE.filled())),
        )?;
        Ok(())
    }
}

/// Sensitivity indices, largest first from the top: a bar per parameter with its 95% interval
/// and (Sobol) the first-order index as a thinner bar.
pub struct TornadoChart {
    pub header: Header,
    pub x_desc: String,
    /// Unit of the indices (Morris effects are in the metric's unit).
    pub unit: Unit,
    /// (parameter, main index, first-order index), sorted largest main index first.
    pub rows: Vec<(String, Estimate, Option<Estimate>)>,
}

impl TornadoChart {
    pub fn new(
        mut header: Header,
        (x_desc, main, unit): (&str, &str, Unit),
        rows: &[(String, Estimate, Option<Estimate>)],
    ) -> TornadoChart {
        let mut rows = rows.to_vec();
        rows.sort_by(|a, b| b.1.value.total_cmp(&a.1.value).then(a.0.cmp(&b.0)));
        header.legend = vec![LegendItem::new(Swatch::Fill(palette::BLUE), main)];
        if rows.iter().any(|r| r.2.is_some()) {
            header.legend.push(LegendItem::new(
                Swatch::Fill(palette::ORANGE),
                "first-order S1",
            ));
        }
        header.legend.push(LegendItem::new(
            Swatch::Line(palette::BLACK),
            "95% interval (bootstrap)",
        ));
        TornadoChart {
            header,
            x_desc: x_desc.to_string(),
            unit,
            rows,
        }
    }
}

impl Plot for TornadoChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        // Top row first: categories count upwards, so the largest goes last.
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().rev().map(|r| r.0.clone()).collect();
        let hi = self
            .rows
            .iter()
            .map(|r| r.1.hi.max(r.1.value))
            .fold(0.0, f64::max);
        let lo = self
            .rows
            .iter()
            .map(|r| r.1.lo.min(0.0))
            .fold(0.0, f64::min);
        let x = Ticks::linear(lo, if hi > lo { hi } else { 1.0 }, 6, &self.unit);
        let widest = names.iter().map(|s| s.chars().count()).max().unwrap_or(0) as u32;
        let mut chart = ChartBuilder::on(&body)
            .margin_bottom(6)
            .x_label_area_size(56)
            .y_label_area_size((widest * 8 + 20).clamp(110, 520))
            .build_cartesian_2d(x, Ticks::categories(&names))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(palette::GRID)
            .axis_style(palette::MUTED)
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .x_desc(&self.x_desc)
            .x_labels(40)
            .y_labels(40)
            .draw()?;
        for (i, (_, main, first)) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.32), (main.value, y + 0.32)],
                palette::BLUE.filled(),
            )))?;
            if let Some(e) = first {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.12), (e.value, y + 0.12)],
                    palette::ORANGE.filled(),
                )))?;
            }
            let style = palette::BLACK.stroke_width(2);
            for seg in [
                vec![(main.lo, y), (main.hi, y)],
                vec![(main.lo, y - 0.18), (main.lo, y + 0.18)],
                vec![(main.hi, y - 0.18), (main.hi, y + 0.18)],
            ] {
                chart.draw_series(std::iter::once(PathElement::new(seg, style)))?;
            }
        }
        Ok(())
    }
}

/// The distinct values of parameter `i` over the points, in order of first appearance.
fn distinct(m: &Manifest, i: usize) -> Vec<f64> {
    let mut v: Vec<f64> = Vec::new();
    for p in &m.points {
        if !v.contains(&p[i]) {
            v.push(p[i]);
        }
    }
    v
}

/// The mean of metric `idx` when it is the same at every point (within 1e-12 of its size): a
/// panel of identical cells or a flat line says nothing, so it is not drawn.
pub fn constant(results: &[PointResult], idx: usize) -> Option<f64> {
    let mut means = results.iter().map(|r| r.stats[idx][0]);
    let first = means.next()?;
    let tol = 1e-12 * first.abs();
    means.all(|v| (v - first).abs() <= tol).then_some(first)
}

/// The chart metrics [`render_all`] leaves out as [`constant`], with their one value.
pub fn constant_metrics(m: &Manifest, results: &[PointResult]) -> Vec<(String, f64)> {
    m.chart_metrics
        .iter()
        .filter_map(|c| {
            let idx = m.metrics.iter().position(|n| n == c)?;
            constant(results, idx).map(|v| (c.clone(), v))
        })
        .collect()
}

/// The sweep's charts (metrics that are [`constant`] left out): per chart metric, `chart_<metric>` (metric vs parameter for one
/// parameter, a heatmap for a two-parameter grid) and `tornado_<metric>` (Sobol, Morris).
pub fn render_all(m: &Manifest, results: &[PointResult]) -> anyhow::Result<Vec<Rendered>> {
    let mut out = Vec::new();
    let header = |title: String| Header {
        title,
        subtitle: format!(
            "sweep {} · {} design · {} points × {} replications · seed {}{}",
            m.name,
            m.design,
            results.len(),
            m.replications,
            m.seed,
            m.versus
                .as_ref()
                .map_or(String::new(), |v| format!(" · paired differences from {v}"))
        ),
        ..Header::default()
    };
    for metric in &m.chart_metrics {
        let Some(idx) = m.metrics.iter().position(|n| n == metric) else {
            continue;
        };
        if constant(results, idx).is_some() {
            continue;
        }
        let unit = Unit::of_metric(metric, &m.currency);
        let name = format!("chart_{metric}");
        // A `versus` sweep shows differences: its titles say so (files keep the metric's name).
        let shown = if m.versus.is_some() {
            format!("Δ {metric}")
        } else {
            metric.clone()
        };
        if m.parameters.len() == 1 && results.len() > 1 {
            let rows: Vec<(f64, f64, f64, f64)> = results
                .iter()
                .map(|r| {
                    let s = r.stats[idx];
                    (m.points[r.point][0], s[0], s[2], s[4])
                })
                .collect();
            let title = format!("{shown} against {}", m.parameters[0]);
            let chart =
                BandChart::new(header(title), &m.parameters[0], &shown, unit.clone(), &rows);
            out.push(render(&name, &chart)?);
        }
        let (xs, ys) = (distinct(m, 0), distinct(m, m.parameters.len().min(2) - 1));
        if m.parameters.len() == 2 && m.design == "grid" && xs.len() * ys.len() == results.len() {
            let means: Vec<Vec<f64>> = (0..xs.len())
                .map(|i| {
                    (0..ys.len())
                        .map(|j| results[i * ys.len() + j].stats[idx][0])
                        .collect()
                })
                .collect();
            let chart = HeatmapChart {
                header: header(format!("{shown}: mean at each grid point")),
                params: (m.parameters[0].clone(), m.parameters[1].clone()),
                unit: unit.clone(),
                shown: if m.versus.is_some() {
                    "Δ mean (base − versus)".into()
                } else {
                    "mean".into()
                },
                diverging: m.versus.is_some(),
                xs,
                ys,
                means,
            };
            out.push(render(&name, &chart)?);
        }
        let (rows, labels): (Vec<_>, (&str, &str, Unit)) = match indices(m, results, metric) {
            Some(Indices::Sobol(s)) => (
                m.parameters
                    .iter()
                    .zip(s)
                    .map(|(p, s)| (p.clone(), s.st, Some(s.s1)))
                    .collect(),
                (
                    "Sobol index (share of the variance of the mean per point)",
                    "total-order ST",
                    Unit::Count,
                ),
            ),
            Some(Indices::Morris(s)) => (
                m.parameters
                    .iter()
                    .zip(s)
                    .map(|(p, s)| (p.clone(), s.mu_star, None))
                    .collect(),
                (
                    "Morris μ*: mean |elementary effect| of a step across the whole range",
                    "μ*",
                    unit.clone(),
                ),
            ),
            None => continue,
        };
        let title = format!("{shown}: which parameters matter most");
        let chart = TornadoChart::new(header(title), labels, &rows);
        out.push(render(&format!("tornado_{metric}"), &chart)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(v: f64) -> Estimate {
        Estimate {
            value: v,
            lo: v * 0.8,
            hi: v * 1.2,
        }
    }

    fn header() -> Header {
        Header {
            title: "t".into(),
            subtitle: "s".into(),
            ..Header::default()
        }
    }

    #[test]
    fn charts_render_as_svg_and_png() {
        let b = BandChart::new(
            header(),
            "p",
            "m",
            Unit::Money("EUR".into()),
            &[(1.0, 2.0, 1.0, 3.0), (0.0, 1.0, 0.5, 2.0)],
        );
        let h = HeatmapChart {
            header: header(),
            params: ("a".into(), "b<c".into()),
            unit: Unit::Count,
            shown: "mean".into(),
            diverging: false,
            xs: vec![1.0, 2.0],
            ys: vec![3.0, 4.0, 5.0],
            means: vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]],
        };
        let t = TornadoChart::new(
            header(),
            ("ST", "total ST", Unit::Count),
            &[
                ("a".into(), e(0.5), Some(e(0.3))),
                ("b".into(), e(0.1), None),
            ],
        );
        for r in [render("b", &b), render("h", &h), render("t", &t)] {
            let r = r.unwrap();
            roxmltree::Document::parse(std::str::from_utf8(&r.svg).unwrap()).unwrap();
            assert!(r.png.starts_with(b"\x89PNG"));
        }
    }
}
