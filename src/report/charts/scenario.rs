//! The charts of one scenario, written into its folder: exposure, cumulative cost, loss
//! exceedance, data outside the enclave, the event timeline and active users.

use plotters::style::RGBColor;
use rayon::prelude::*;

use super::annual::AnnualCostChart;
use super::axis::Ticks;
use super::draw::{palette, render, run_label, Header, LegendItem, Rendered, Swatch};
use super::loss::{Curve, LossChart};
use super::time::{event_days, Layer, TimeChart};
use super::timeline::TimelineChart;
use crate::metrics::aggregate::{MonthStats, Summary};
use crate::metrics::collect::Collected;
use crate::metrics::COST_COMPONENTS;
use crate::model::World;
use crate::report::format::{money, Unit};

/// File names (without extension) and titles of the per-scenario charts, in report order.
pub const CHARTS: [(&str, &str); 7] = [
    ("exposure", "Exposure over time"),
    ("cost_cumulative", "Cumulative cost by component"),
    ("loss_exceedance", "Loss exceedance of total cost"),
    ("residency", "Protected data outside the enclave"),
    ("timeline", "Event timeline"),
    ("users_active", "Active users"),
    ("annual_cost", "Cost per calendar year"),
];

const COST_TOTAL: &str = "cost.total";

/// Every replication's `cost.total`, in replication order (empty if the metric is missing).
pub fn cost_totals(summary: &Summary, reps: &Collected) -> std::io::Result<Vec<f64>> {
    match summary.layout.index(COST_TOTAL) {
        Some(k) => reps.totals.column(k),
        None => Ok(Vec::new()),
    }
}

/// Where each month sits on the date axis: its middle (for amounts) and its end (for levels and
/// running sums), in days since start, and how many of its days the horizon holds.
pub(crate) struct Months {
    pub mid: Vec<f64>,
    pub end: Vec<f64>,
    pub days: Vec<f64>,
}

impl Months {
    pub fn of(world: &World) -> Months {
        let cal = &world.calendar;
        let mut first = 0.0;
        let mut m = Months {
            mid: Vec::new(),
            end: Vec::new(),
            days: Vec::new(),
        };
        for last in &cal.month_last_day {
            let end = *last as f64 + 1.0;
            m.mid.push((first + end) / 2.0);
            m.end.push(end);
            m.days.push(end - first);
            first = end;
        }
        m
    }
}

/// A median line with its p5–p95 band, each month scaled by `scale[m]`.
pub(crate) fn banded(x: &[f64], s: &[MonthStats], scale: &[f64], color: RGBColor) -> [Layer; 2] {
    let f = |g: fn(&MonthStats) -> f64| -> Vec<f64> {
        s.iter().zip(scale).map(|(st, k)| g(st) / k).collect()
    };
    [
        Layer::band(x.to_vec(), f(|s| s.p5), f(|s| s.p95), color),
        Layer::line(x.to_vec(), f(|s| s.p50), color),
    ]
}

/// Whether every month has the same value in every replication (p5 = p95).
fn no_spread(s: &[MonthStats]) -> bool {
    s.iter()
        .all(|m| (m.p95 - m.p5).abs() <= 1e-9 * m.p50.abs().max(1.0))
}

/// Adds a median line with its band (or the line alone when there is no spread to show, named
/// in the note) and its legend entry.
fn add_series(
    h: &mut Header,
    layers: &mut Vec<Layer>,
    label: &str,
    x: &[f64],
    s: &[MonthStats],
    scale: &[f64],
    color: RGBColor,
) {
    let [band, line] = banded(x, s, scale, color);
    if no_spread(s) {
        h.legend.push(LegendItem::new(Swatch::Line(color), label));
        add_note(
            h,
            &format!("{label}: the same in every replication (no band)."),
        );
    } else {
        h.legend.push(LegendItem::new(Swatch::Band(color), label));
        layers.push(band);
    }
    layers.push(line);
}

/// Appends a sentence to the header's note.
fn add_note(h: &mut Header, text: &str) {
    h.note = Some(match h.note.take() {
        Some(n) => format!("{n} {text}"),
        None => text.to_string(),
    });
}

fn any_nonzero(s: &[MonthStats]) -> bool {
    s.iter()
        .any(|m| m.p95 != 0.0 || m.p5 != 0.0 || m.mean != 0.0)
}

/// What the per-scenario charts are drawn from.
pub struct Inputs<'a> {
    pub world: &'a World,
    pub summary: &'a Summary,
    pub reps: &'a Collected,
    /// [`cost_totals`] of `reps`.
    pub cost_totals: &'a [f64],
}

impl Inputs<'_> {
    fn header(&self, title: &str, what: &str) -> Header {
        Header {
            title: title.to_string(),
            subtitle: format!(
                "{} · {what}",
                run_label(&self.world.name, self.world.seed, self.reps.len())
            ),
            legend: Vec::new(),
            note: None,
        }
    }

    fn monthly(&self, name: &str) -> Option<&[MonthStats]> {
        let k = self.summary.layout.index(name)?;
        let s = &self.summary.monthly[k];
        (!s.is_empty()).then_some(s.as_slice())
    }

    fn with_events(&self, mut h: Header) -> Header {
        if !self.world.timeline.is_empty() {
            h.legend.push(LegendItem::new(
                Swatch::Event,
                "dated change (see timeline chart)",
            ));
        }
        h
    }

    fn time_chart(
        &self,
        header: Header,
        y_unit: Unit,
        y_desc: &str,
        layers: Vec<Layer>,
    ) -> TimeChart {
        TimeChart {
            header: self.with_events(header),
            x: Ticks::dates(&self.world.calendar),
            y_unit,
            y_desc: y_desc.to_string(),
            layers,
            events: event_days(self.world),
            empty: None,
            log_y: false,
        }
    }

    fn exposure(&self) -> TimeChart {
        let months = Months::of(self.world);
        let ones = vec![1.0; months.mid.len()];
        let mut h = self.header(
            "Records of protected users read from restricted jurisdictions",
            "per month: median with p5–p95 band across replications",
        );
        let mut layers = Vec::new();
        let mut zero = Vec::new();
        for (name, label, color) in [
            (
                "exposure.records_visible",
                "identifiers visible",
                palette::VERMILLION,
            ),
            (
                "exposure.records_masked",
                "pseudonymised (masked)",
                palette::BLUE,
            ),
            (
                "exposure.records_reidentifiable",
                "masked but re-identifiable",
                palette::ORANGE,
            ),
        ] {
            match self.monthly(name) {
                Some(s) if any_nonzero(s) => {
                    add_series(&mut h, &mut layers, label, &months.mid, s, &ones, color)
                }
                _ => zero.push(label),
            }
        }
        if !zero.is_empty() && !layers.is_empty() {
            add_note(
                &mut h,
                &format!("Zero in every month: {}.", zero.join(", ")),
            );
        }
        let mut c = self.time_chart(h, Unit::Count, "records per month (log scale)", layers);
        c.log_y = true;
        if c.layers.is_empty() {
            c.empty = Some(vec![
                "No records of protected users were read from a restricted jurisdiction".into(),
                "in any month of any replication.".into(),
            ]);
        }
        c
    }

    fn cost(&self) -> TimeChart {
        let months = Months::of(self.world);
        let currency = &self.world.currency;
        let mut h = self.header(
            "Cumulative cost by component",
            "mean across replications, stacked; dashed: p5 and p95 of the cumulative total",
        );
        let layout = &self.summary.layout;
        let mut base = vec![0.0; months.end.len() + 1];
        let mut x = vec![0.0];
        x.extend(&months.end);
        let mut layers = Vec::new();
        let mut zero = Vec::new();
        let mut color_i = 0;
        for (k, name) in layout.names.iter().enumerate() {
            // The eight components of cost.total (not their per-entity breakdowns).
            let is_component = COST_COMPONENTS.contains(&k);
            if !is_component {
                continue;
            }
            let s = &self.summary.monthly[k];
            if !any_nonzero(s) {
                zero.push(name.as_str());
                continue;
            }
            let mut top = base.clone();
            let mut acc = 0.0;
            for (m, st) in s.iter().enumerate() {
                acc += st.mean;
                top[m + 1] = base[m + 1] + acc;
            }
            let color = COST_COLORS[color_i % COST_COLORS.len()];
            color_i += 1;
            h.legend.push(LegendItem::new(
                Swatch::Fill(color),
                format!("{} ({})", name, money(acc, currency)),
            ));
            layers.push(Layer::Band {
                x: x.clone(),
                lo: base.clone(),
                hi: top.clone(),
                color,
                alpha: 0.75,
            });
            base = top;
        }
        if !layers.is_empty() {
            if let Some([p5, p95]) = self.cumulative_total_band() {
                layers.push(Layer::Line {
                    x: x.clone(),
                    y: p5,
                    color: palette::BLACK,
                    dashed: true,
                });
                layers.push(Layer::Line {
                    x: x.clone(),
                    y: p95,
                    color: palette::BLACK,
                    dashed: true,
                });
                h.legend.push(LegendItem::new(
                    Swatch::Dashed(palette::BLACK),
                    "total, p5 and p95",
                ));
            }
        }
        if !zero.is_empty() && !layers.is_empty() {
            h.note = Some(format!("Zero throughout: {}.", zero.join(", ")));
        }
        let mut c = self.time_chart(h, Unit::Money(currency.clone()), "cumulative cost", layers);
        if c.layers.is_empty() {
            c.empty = Some(vec![format!(
                "No costs: every component is {} in every replication.",
                money(0.0, currency)
            )]);
        }
        c
    }

    /// p5 and p95 across replications of the running total cost at each month end (with a
    /// leading zero at the start).
    fn cumulative_total_band(&self) -> Option<[Vec<f64>; 2]> {
        self.summary.layout.index(COST_TOTAL)?;
        (!self.reps.is_empty()).then(|| self.reps.cumulative_cost())
    }

    fn loss(&self) -> LossChart {
        let header = self.header(
            "Loss exceedance: how likely total cost exceeds x",
            "share of replications with cost.total above x",
        );
        LossChart::new(
            header,
            &self.world.currency,
            vec![Curve::new(
                &self.world.name,
                palette::BLUE,
                self.cost_totals,
            )],
        )
    }

    fn residency(&self) -> TimeChart {
        let months = Months::of(self.world);
        let mut h = self.header(
            "Protected data stored outside its enclave",
            "monthly average: median with p5–p95 band across replications",
        );
        let mut layers = Vec::new();
        if let Some(s) = self
            .monthly("residency.pb_days_outside")
            .filter(|s| any_nonzero(s))
        {
            add_series(
                &mut h,
                &mut layers,
                "protected data outside the enclave",
                &months.mid,
                s,
                &months.days,
                palette::VERMILLION,
            );
        }
        let mut c = self.time_chart(h, Unit::Suffix("PB"), "PB outside the enclave", layers);
        if c.layers.is_empty() {
            c.empty = Some(vec![
                "All protected data stays inside its enclave".into(),
                "throughout, in every replication.".into(),
            ]);
        }
        c
    }

    fn users(&self) -> TimeChart {
        let months = Months::of(self.world);
        let ones = vec![1.0; months.end.len()];
        let mut h = self.header(
            "Active users per population",
            "at each month's end: median with p5–p95 band across replications",
        );
        let mut layers = Vec::new();
        for (i, p) in self.world.populations.iter().enumerate() {
            if let Some(s) = self.monthly(&format!("users.active.{}", p.name)) {
                let color = palette::series(i);
                add_series(&mut h, &mut layers, &p.name, &months.end, s, &ones, color);
            }
        }
        let mut c = self.time_chart(h, Unit::Count, "active users", layers);
        if c.layers.is_empty() {
            c.empty = Some(vec!["This scenario has no user populations.".into()]);
        }
        c
    }

    fn timeline(&self) -> TimelineChart {
        let mut h = self.header(
            "Event timeline",
            "what is in place when; dashed lines mark dated changes",
        );
        if !self.world.timeline.is_empty() {
            h.legend.push(LegendItem::new(
                Swatch::Event,
                "dated change (also marked on the other charts)",
            ));
        }
        TimelineChart::of(self.world, h)
    }
}

/// Colours of stacked cost components, in layout order.
const COST_COLORS: [RGBColor; 7] = [
    palette::BLUE,
    palette::ORANGE,
    palette::GREEN,
    palette::PURPLE,
    palette::SKY_BLUE,
    palette::VERMILLION,
    palette::YELLOW,
];

/// Every per-scenario chart, in [`CHARTS`] order, drawn in parallel on the current rayon pool.
pub fn render_all(inputs: &Inputs) -> anyhow::Result<Vec<Rendered>> {
    (0..CHARTS.len())
        .into_par_iter()
        .map(|i| {
            let name = CHARTS[i].0;
            match i {
                0 => render(name, &inputs.exposure()),
                1 => render(name, &inputs.cost()),
                2 => render(name, &inputs.loss()),
                3 => render(name, &inputs.residency()),
                4 => render(name, &inputs.timeline()),
                5 => render(name, &inputs.users()),
                _ => render(
                    name,
                    &AnnualCostChart::of(
                        inputs.world,
                        inputs.summary,
                        inputs.reps,
                        run_label(&inputs.world.name, inputs.world.seed, inputs.reps.len()),
                    ),
                ),
            }
        })
        .collect()
}
