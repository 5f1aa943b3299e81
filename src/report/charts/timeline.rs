//! The event timeline: one row per site (a bar from its go-live), per control (bars while it is
//! on) and per staff group (its headcount between changes), and one row for any other dated
//! event, all against the same date axis as the other time charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::time::draw_events;
use super::{font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch};
use crate::model::{Action, ControlKind, World};

/// One row of the timeline.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub color: RGBColor,
    /// Bars (start day, end day, text inside).
    pub spans: Vec<(f64, f64, String)>,
    /// Dots (day, text beside).
    pub points: Vec<(f64, String)>,
}

/// Rows against dates.
#[derive(Debug, Clone)]
pub struct TimelineChart {
    pub header: Header,
    pub x: Ticks,
    pub rows: Vec<Row>,
    pub events: Vec<f64>,
}

fn control_kind(k: &ControlKind) -> &'static str {
    #[allow(unreachable_patterns)] // new kinds of control fall through to "control"
    match k {
        ControlKind::Deny => "deny",
        ControlKind::Gateway { .. } => "gateway",
        ControlKind::Approval { .. } => "approval",
        ControlKind::Monitor { .. } => "monitor",
        _ => "control",
    }
}

impl TimelineChart {
    /// The rows of `world`'s sites, controls, staff, bans and other dated events.
    pub fn of(world: &World, mut header: Header) -> TimelineChart {
        let cal = &world.calendar;
        let end = cal.days as f64;
        let date = |d: f64| (cal.start + chrono::Days::new(d as u64)).to_string();
        let jur = |j: usize| world.jurisdictions[j].as_str();
        let row = |label: String, color: RGBColor| Row {
            label,
            color,
            spans: Vec::new(),
            points: Vec::new(),
        };
        let mut sites: Vec<Row> = world
            .sites
            .iter()
            .map(|s| {
                row(
                    format!("site {} ({})", s.name, jur(s.jurisdiction)),
                    palette::BLUE,
                )
            })
            .collect();
        let mut site_on: Vec<Option<(f64, String)>> = world
            .sites_online_at_start
            .iter()
            .map(|on| on.then(|| (0.0, "live from the start".to_string())))
            .collect();
        let mut controls: Vec<Row> = world
            .controls
            .iter()
            .map(|c| {
                row(
                    format!("{} ({})", c.name, control_kind(&c.kind)),
                    palette::GREEN,
                )
            })
            .collect();
        let mut control_on: Vec<Option<(f64, String)>> = world
            .controls_on_at_start
            .iter()
            .map(|on| on.then(|| (0.0, "on from the start".to_string())))
            .collect();
        let mut staff: Vec<Row> = world
            .staff
            .iter()
            .map(|s| {
                row(
                    format!("staff {} ({})", s.name, jur(s.jurisdiction)),
                    palette::ORANGE,
                )
            })
            .collect();
        let mut headcount: Vec<(f64, f64)> =
            world.staff.iter().map(|s| (0.0, s.headcount)).collect();
        let mut bans: Vec<Row> = world
            .bans
            .iter()
            .map(|b| row(format!("ban {}", b.name), palette::VERMILLION))
            .collect();
        let mut ban_on: Vec<Option<(f64, String)>> = vec![None; world.bans.len()];
        // Rows of dated points (regulators, ownership, decisions, outages), in order of appearance.
        let mut others: Vec<Row> = Vec::new();
        for e in &world.timeline {
            let day = e.day as f64;
            let uncertain = uncertainty(e.probability, e.delay_days.is_some());
            let mut point = |label: String| {
                let i = match others.iter().position(|r| r.label == label) {
                    Some(i) => i,
                    None => {
                        others.push(row(label, palette::PURPLE));
                        others.len() - 1
                    }
                };
                others[i]
                    .points
                    .push((day, format!("{}{uncertain}", e.label)));
            };
            #[allow(unreachable_patterns)] // later kinds of event go to an "other events" row
            match e.action {
                Action::SiteOnline(i) => {
                    site_on[i].get_or_insert((day, format!("online {}{uncertain}", date(day))));
                }
                Action::ControlOn(c) => {
                    control_on[c].get_or_insert((day, format!("on {}{uncertain}", date(day))));
                }
                Action::ControlOff(c) => {
                    if let Some((from, text)) = control_on[c].take() {
                        controls[c].spans.push((from, day, text));
                    }
                }
                Action::Headcount {
                    staff: s,
                    headcount: n,
                } => {
                    let (from, before) = headcount[s];
                    if day > from {
                        staff[s].spans.push((from, day, count(before)));
                    }
                    headcount[s] = (day, n);
                }
                Action::BanStart(b) => {
                    ban_on[b].get_or_insert((day, format!("{}{uncertain}", e.label)));
                }
                Action::BanEnd(b) => {
                    if let Some((from, text)) = ban_on[b].take() {
                        bans[b].spans.push((from, day, text));
                    }
                }
                Action::RegulatorState { regulator, .. } => {
                    point(format!("regulator {}", world.regulators[regulator].name))
                }
                Action::Ownership(o) => point(format!("ownership {}", world.ownerships[o].name)),
                Action::Decide(d) => point(format!("decision {}", world.decisions[d].name)),
                Action::Outage { .. } => point("outages".to_string()),
                _ => point("other events".to_string()),
            }
        }
        let close = |rows: &mut Vec<Row>, open: Vec<Option<(f64, String)>>| {
            for (r, o) in rows.iter_mut().zip(open) {
                if let Some((from, text)) = o {
                    r.spans.push((from, end, text));
                }
            }
        };
        close(&mut sites, site_on);
        close(&mut controls, control_on);
        close(&mut bans, ban_on);
        for (s, (from, n)) in headcount.iter().enumerate() {
            staff[s].spans.push((*from, end, count(*n)));
        }
        for r in &mut sites {
            if r.spans.is_empty() {
                r.points.push((0.0, "not online within the horizon".into()));
            }
        }
        let ordered: Vec<usize> = world
            .regulators
            .iter()
            .flat_map(|r| r.states.iter().flat_map(|s| s.orders.iter().map(|o| o.0)))
            .collect();
        for (c, r) in controls.iter_mut().enumerate() {
            if r.spans.is_empty() {
                let text = if ordered.contains(&c) {
                    "off unless a regulator orders it"
                } else {
                    "never on within the horizon"
                };
                r.points.push((0.0, text.into()));
            }
        }
        let bans: Vec<Row> = bans.into_iter().filter(|b| !b.spans.is_empty()).collect();
        // Legend entries for the kinds of row present, before the header's own entries.
        let kinds = [
            (!sites.is_empty(), Swatch::Bar(palette::BLUE), "site online"),
            (
                !controls.is_empty(),
                Swatch::Bar(palette::GREEN),
                "control on",
            ),
            (
                !staff.is_empty(),
                Swatch::Bar(palette::ORANGE),
                "staff headcount",
            ),
            (
                !bans.is_empty(),
                Swatch::Bar(palette::VERMILLION),
                "ban in force",
            ),
            (
                !others.is_empty(),
                Swatch::Dot(palette::PURPLE),
                "milestone",
            ),
        ];
        let mut legend: Vec<LegendItem> = kinds
            .into_iter()
            .filter(|k| k.0)
            .map(|(_, swatch, label)| LegendItem::new(swatch, label))
            .collect();
        legend.append(&mut header.legend);
        header.legend = legend;
        let mut rows = sites;
        rows.extend(controls);
        rows.extend(staff);
        rows.extend(bans);
        rows.extend(others);
        TimelineChart {
            header,
            x: Ticks::dates(cal),
            rows,
            events: super::scenario::event_days(world),
        }
    }
}

/// ` (p 60%)`, ` (date uncertain)` or nothing, for events that may not happen as dated.
fn uncertainty(probability: f64, delayed: bool) -> String {
    match (probability < 1.0, delayed) {
        (true, true) => format!(" (p {:.0}%, date uncertain)", probability * 100.0),
        (true, false) => format!(" (p {:.0}%)", probability * 100.0),
        (false, true) => " (date uncertain)".into(),
        (false, false) => String::new(),
    }
}

/// Height of one line of event labels within a row, in pixels.
const LINE_PX: i32 = 17;

fn count(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e6 {
        format!("headcount {}", crate::report::format::thousands(n as u64))
    } else {
        format!("headcount {}", crate::report::format::si(n))
    }
}

impl Plot for TimelineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame(root, &self.header)?;
        let n = self.rows.len();
        let labels: Vec<String> = self.rows.iter().rev().map(|r| r.label.clone()).collect();
        let label_font = font(14.0);
        let widest = labels
            .iter()
            .map(|l| {
                body.estimate_text_size(l, &label_font)
                    .map(|s| s.0)
                    .unwrap_or(8 * l.len() as u32)
            })
            .max()
            .unwrap_or(100);
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(36)
            .y_label_area_size((widest + 24).clamp(120, 460))
            .build_cartesian_2d(self.x.clone(), Ticks::categories(&labels))?;
        chart
            .configure_mesh()
            .bold_line_style(palette::GRID)
            .light_line_style(palette::GRID_LIGHT)
            .axis_style(palette::MUTED)
            .label_style(label_font)
            .disable_y_mesh()
            .x_labels(40)
            .y_labels(n.max(1))
            .draw()?;
        draw_events(&mut chart, &self.events)?;
        let inner = font(13.0).pos(Pos::new(HPos::Left, VPos::Center));
        // Bars about a third of a row high, but never taller than 36 px.
        let row_px = (body.dim_in_pixel().1 as f64 - 40.0) / n.max(1) as f64;
        let half = 0.34f64.min(18.0 / row_px);
        for (i, row) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (a, b, text) in &row.spans {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(*a, y - half), (*b, y + half)],
                    row.color.mix(0.28).filled(),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*a, y - half), (*a, y + half)],
                    row.color.stroke_width(3),
                )))?;
                chart.draw_series(std::iter::once(
                    EmptyElement::at((*a, y)) + Text::new(text.clone(), (8, 0), inner.clone()),
                ))?;
            }
            // Labels that would overlap go on further lines of the row, centred on it.
            let lines = ((row_px - 4.0) / LINE_PX as f64).floor().max(1.0) as usize;
            let mut ends = vec![i32::MIN; lines];
            let mut placed = Vec::with_capacity(row.points.len());
            for (d, text) in &row.points {
                let (px, _) = chart.backend_coord(&(*d, y));
                let width = body
                    .estimate_text_size(text, &inner)
                    .map(|s| s.0 as i32)
                    .unwrap_or(7 * text.len() as i32);
                let line = ends.iter().position(|e| *e + 8 < px).unwrap_or_else(|| {
                    (0..lines)
                        .min_by_key(|l| ends[*l])
                        .expect("at least one line")
                });
                ends[line] = px + 10 + width;
                placed.push(line);
            }
            let used = placed.iter().max().map_or(1, |m| m + 1) as i32;
            for ((d, text), line) in row.points.iter().zip(placed) {
                let dy = (2 * line as i32 - (used - 1)) * LINE_PX / 2;
                chart.draw_series(std::iter::once(
                    EmptyElement::at((*d, y))
                        + Circle::new((0, dy), 5, row.color.filled())
                        + Text::new(text.clone(), (10, dy), inner.clone()),
                ))?;
            }
        }
        Ok(())
    }
}
