//! The event timeline: one row per site (a bar from its go-live), per control (bars while it is
//! on) and per staff group (its headcount between changes), and one row for any other dated
//! event, all against the same date axis as the other time charts.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::draw::{font, frame, palette, DrawResult, Header, LegendItem, Plot, Swatch};
use super::time::{draw_events, event_days};
use crate::model::{Action, ControlKind, TimelineEvent, World};

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

/// The rows being built: one per site, control, staff group and ban, each with what is still
/// open (a site online, a control on, a ban in force, a headcount since a day), and the rows of
/// dated points.
struct Rows {
    sites: Vec<Row>,
    site_on: Vec<Option<(f64, String)>>,
    controls: Vec<Row>,
    control_on: Vec<Option<(f64, String)>>,
    staff: Vec<Row>,
    headcount: Vec<(f64, f64)>,
    bans: Vec<Row>,
    ban_on: Vec<Option<(f64, String)>>,
    /// Rows of dated points (regulators, ownership, decisions, outages), in order of appearance.
    others: Vec<Row>,
}

fn row(label: String, color: RGBColor) -> Row {
    Row {
        label,
        color,
        spans: Vec::new(),
        points: Vec::new(),
    }
}

impl Rows {
    /// The rows of `world` as they stand on day 0.
    fn of(world: &World) -> Rows {
        let jur = |j: usize| world.jurisdictions[j].as_str();
        let sites: Vec<Row> = world
            .sites
            .iter()
            .map(|s| {
                row(
                    format!("site {} ({})", s.name, jur(s.jurisdiction)),
                    palette::BLUE,
                )
            })
            .collect();
        let site_on: Vec<Option<(f64, String)>> = world
            .sites_online_at_start
            .iter()
            .map(|on| on.then(|| (0.0, "live from the start".to_string())))
            .collect();
        let controls: Vec<Row> = world
            .controls
            .iter()
            .map(|c| {
                row(
                    format!("{} ({})", c.name, control_kind(&c.kind)),
                    palette::GREEN,
                )
            })
            .collect();
        let control_on: Vec<Option<(f64, String)>> = world
            .controls_on_at_start
            .iter()
            .map(|on| on.then(|| (0.0, "on from the start".to_string())))
            .collect();
        let staff: Vec<Row> = world
            .staff
            .iter()
            .map(|s| {
                row(
                    format!("staff {} ({})", s.name, jur(s.jurisdiction)),
                    palette::ORANGE,
                )
            })
            .collect();
        let headcount: Vec<(f64, f64)> = world.staff.iter().map(|s| (0.0, s.headcount)).collect();
        let bans: Vec<Row> = world
            .bans
            .iter()
            .map(|b| row(format!("ban {}", b.name), palette::VERMILLION))
            .collect();
        Rows {
            sites,
            site_on,
            controls,
            control_on,
            staff,
            headcount,
            bans,
            ban_on: vec![None; world.bans.len()],
            others: Vec::new(),
        }
    }

    /// Applies timeline event `e` of `world`.
    fn apply(&mut self, world: &World, e: &TimelineEvent) {
        let cal = &world.calendar;
        let date = |d: f64| (cal.start + chrono::Days::new(d as u64)).to_string();
        let day = e.day as f64;
        let uncertain = uncertainty(e.probability, e.delay_days.is_some());
        let others = &mut self.others;
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
                self.site_on[i].get_or_insert((day, format!("online {}{uncertain}", date(day))));
            }
            Action::ControlOn(c) => {
                self.control_on[c].get_or_insert((day, format!("on {}{uncertain}", date(day))));
            }
            Action::ControlOff(c) => {
                if let Some((from, text)) = self.control_on[c].take() {
                    self.controls[c].spans.push((from, day, text));
                }
            }
            Action::Headcount {
                staff: s,
                headcount: n,
            } => {
                let (from, before) = self.headcount[s];
                if day > from {
                    self.staff[s].spans.push((from, day, count(before)));
                }
                self.headcount[s] = (day, n);
            }
            Action::BanStart(b) => {
                self.ban_on[b].get_or_insert((day, format!("{}{uncertain}", e.label)));
            }
            Action::BanEnd(b) => {
                if let Some((from, text)) = self.ban_on[b].take() {
                    self.bans[b].spans.push((from, day, text));
                }
            }
            Action::RegulatorState { regulator, .. }
            | Action::Appeal { regulator, .. }
            | Action::Judgment { regulator, .. } => {
                point(format!("regulator {}", world.regulators[regulator].name))
            }
            Action::Ownership(o) => point(format!("ownership {}", world.ownerships[o].name)),
            Action::Decide(d) => point(format!("decision {}", world.decisions[d].name)),
            Action::Outage { .. } => point("outages".to_string()),
            _ => point("other events".to_string()),
        }
    }

    /// Closes what is still open at the end of the horizon and notes rows with no bar; bans
    /// never in force are dropped.
    fn close(&mut self, world: &World) {
        let end = world.calendar.days as f64;
        let close = |rows: &mut Vec<Row>, open: Vec<Option<(f64, String)>>| {
            for (r, o) in rows.iter_mut().zip(open) {
                if let Some((from, text)) = o {
                    r.spans.push((from, end, text));
                }
            }
        };
        close(&mut self.sites, std::mem::take(&mut self.site_on));
        close(&mut self.controls, std::mem::take(&mut self.control_on));
        close(&mut self.bans, std::mem::take(&mut self.ban_on));
        for (s, (from, n)) in self.headcount.iter().enumerate() {
            self.staff[s].spans.push((*from, end, count(*n)));
        }
        for r in &mut self.sites {
            if r.spans.is_empty() {
                r.points.push((0.0, "not online within the horizon".into()));
            }
        }
        let ordered: Vec<usize> = world
            .regulators
            .iter()
            .flat_map(|r| {
                r.states
                    .iter()
                    .flat_map(|s| s.orders.iter().filter_map(|o| o.control))
            })
            .collect();
        for (c, r) in self.controls.iter_mut().enumerate() {
            if r.spans.is_empty() {
                let text = if ordered.contains(&c) {
                    "off unless a regulator orders it"
                } else {
                    "never on within the horizon"
                };
                r.points.push((0.0, text.into()));
            }
        }
        self.bans.retain(|b| !b.spans.is_empty());
    }

    /// Legend entries for the kinds of row present.
    fn legend(&self) -> Vec<LegendItem> {
        let kinds = [
            (
                !self.sites.is_empty(),
                Swatch::Bar(palette::BLUE),
                "site online",
            ),
            (
                !self.controls.is_empty(),
                Swatch::Bar(palette::GREEN),
                "control on",
            ),
            (
                !self.staff.is_empty(),
                Swatch::Bar(palette::ORANGE),
                "staff headcount",
            ),
            (
                !self.bans.is_empty(),
                Swatch::Bar(palette::VERMILLION),
                "ban in force",
            ),
            (
                !self.others.is_empty(),
                Swatch::Dot(palette::PURPLE),
                "milestone",
            ),
        ];
        kinds
            .into_iter()
            .filter(|k| k.0)
            .map(|(_, swatch, label)| LegendItem::new(swatch, label))
            .collect()
    }

    /// Sites, controls, staff, bans, then the other rows.
    fn into_rows(self) -> Vec<Row> {
        let mut rows = self.sites;
        rows.extend(self.controls);
        rows.extend(self.staff);
        rows.extend(self.bans);
        rows.extend(self.others);
        rows
    }
}

impl TimelineChart {
    /// The rows of `world`'s sites, controls, staff, bans and other dated events.
    pub fn of(world: &World, mut header: Header) -> TimelineChart {
        let mut rows = Rows::of(world);
        for e in &world.timeline {
            rows.apply(world, e);
        }
        rows.close(world);
        // Legend entries for the kinds of row present, before the header's own entries.
        let mut legend = rows.legend();
        legend.append(&mut header.legend);
        header.legend = legend;
        TimelineChart {
            header,
            x: Ticks::dates(&world.calendar),
            rows: rows.into_rows(),
            events: event_days(world),
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
