//! The timeline: the events that fields schedule (a site's `online`, a control's `start` and
//! `end`), then the `[[timeline]]` events as written (in date order, each action resolved), and
//! which sites and controls start off because something can switch them on.

use super::action::{action, default_label, ActionFields};
use super::control::Controls;
use super::ctx::Ctx;
use super::horizon::Horizon;
use super::names::Names;
use super::site::Online;
use crate::model::{Action, Decision, Regulator, Site, TimelineEvent};
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every timeline event, sorted by day: fields that schedule things first, then the written
/// events. `site_online` holds each site's `online` field (its day and delay).
pub(super) fn timeline(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    names: &Names,
    sites: &[Site],
    site_online: &[Option<Online>],
    controls: &Controls,
) -> Vec<TimelineEvent> {
    let fixed = |day: u32, action: Action, label: String| TimelineEvent {
        day,
        action,
        label,
        probability: 1.0,
        delay_days: None,
    };
    let mut timeline = Vec::new();
    for (i, online) in site_online.iter().enumerate() {
        if let Some(online) = online {
            timeline.push(TimelineEvent {
                delay_days: online.delay_days.clone(),
                ..fixed(
                    online.day,
                    Action::SiteOnline(i),
                    format!("{} online", sites[i].name),
                )
            });
        }
    }
    for (i, c) in controls.controls.iter().enumerate() {
        if let Some(day) = controls.on_day[i] {
            timeline.push(fixed(day, Action::ControlOn(i), format!("{} on", c.name)));
        }
        if let Some(day) = controls.off_day[i] {
            if (day as i64) < h.last_day {
                timeline.push(fixed(
                    day + 1,
                    Action::ControlOff(i),
                    format!("{} off", c.name),
                ));
            }
        }
    }
    // The last readable date so far: its day and the event that has it.
    let mut previous: Option<(u32, usize)> = None;
    for (i, e) in raw.timeline.iter().enumerate() {
        let ep = FieldPath::root().key("timeline").index(i);
        let day = h.day(cx, &ep.key("date"), &e.date);
        if let (Some((p, j)), Some(d)) = (previous, day) {
            if d < p {
                cx.err(
                    &ep.key("date"),
                    format!(
                        "field `{}`: timeline events must be in date order; {} is earlier than {} (`timeline[{j}].date`, written above it)",
                        ep.key("date"),
                        e.date.0,
                        raw.timeline[j].date.0
                    ),
                );
            }
        }
        previous = day.map(|d| (d, i)).or(previous);
        let probability = cx.probability(&ep.key("probability"), e.probability.unwrap_or(1.0));
        let delay_days = e
            .delay_days
            .as_ref()
            .map(|d| cx.dist(&ep.key("delay_days"), d, true));
        let action = action(cx, &ep, &ActionFields::from(e), names, raw);
        if let (Some(day), Some(action)) = (day, action) {
            if let Action::SiteOnline(s) = action {
                if site_online[s].is_some() {
                    cx.err(
                        &ep.key("site"),
                        format!("field `{}`: site `{}` already has an `online` date; use one or the other", ep.key("site"), names.sites[s]),
                    );
                }
            }
            let label = e
                .label
                .clone()
                .unwrap_or_else(|| default_label(&action, names, raw));
            timeline.push(TimelineEvent {
                day,
                action,
                label,
                probability,
                delay_days,
            });
        }
    }
    timeline.sort_by_key(|e| e.day);
    timeline
}

/// Sites and controls that something can switch on (a timeline event, a decision outcome, a
/// regulator's order): they start off.
pub(super) struct Scheduled {
    pub sites: Vec<bool>,
    pub controls: Vec<bool>,
}

impl Scheduled {
    /// `site_online` holds each site's `online` field; `n_controls` controls.
    pub fn of(
        site_online: &[Option<Online>],
        n_controls: usize,
        timeline: &[TimelineEvent],
        decisions: &[Decision],
        regulators: &[Regulator],
    ) -> Scheduled {
        let mut site_scheduled: Vec<bool> = site_online.iter().map(Option::is_some).collect();
        let mut control_scheduled = vec![false; n_controls];
        let mut starts_off = |a: &Action| match *a {
            Action::SiteOnline(s) => site_scheduled[s] = true,
            Action::ControlOn(c) => control_scheduled[c] = true,
            _ => {}
        };
        timeline.iter().for_each(|e| starts_off(&e.action));
        decisions
            .iter()
            .flat_map(|d| &d.outcomes)
            .flat_map(|o| &o.actions)
            .for_each(|(_, a)| starts_off(a));
        for r in regulators {
            for st in &r.states {
                for c in st.orders.iter().filter_map(|o| o.control) {
                    control_scheduled[c] = true;
                }
            }
        }
        Scheduled {
            sites: site_scheduled,
            controls: control_scheduled,
        }
    }
}
