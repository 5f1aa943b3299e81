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
    let mut courts = Courts::default();
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
            let certain = probability == 1.0 && delay_days.is_none();
            courts.link(cx, &ep, action, certain, &mut timeline);
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

/// Links the court history of the timeline: an `appeal` event appeals the latest earlier
/// `regulator_state` event into its state (which then holds its fine for the courts), and a
/// `judgment` decides the latest appeal of its state. All three must be certain.
#[derive(Default)]
struct Courts {
    /// Per (regulator, state): the timeline index of its latest decision, and whether that
    /// decision has been appealed.
    latest: Vec<((usize, usize), usize, bool)>,
}

impl Courts {
    fn link(
        &mut self,
        cx: &mut Ctx,
        ep: &FieldPath,
        action: Action,
        certain: bool,
        timeline: &mut [TimelineEvent],
    ) {
        let (key, court) = match action {
            Action::RegulatorState {
                regulator, state, ..
            } => ((regulator, state), false),
            Action::Appeal { regulator, state }
            | Action::Judgment {
                regulator, state, ..
            } => ((regulator, state), true),
            _ => return,
        };
        let at = self.latest.iter().position(|(k, _, _)| *k == key);
        if !court {
            let entry = (key, timeline.len(), false);
            match at {
                Some(i) => self.latest[i] = entry,
                None => self.latest.push(entry),
            }
            return;
        }
        if !certain {
            cx.err(
                ep,
                format!("`{}` event at `{ep}`: court history is pinned; give it no `probability` below 1 and no `delay_days`", kind_of(&action)),
            );
            return;
        }
        let Some(i) = at else {
            cx.err(
                ep,
                format!("`{}` event at `{ep}`: no earlier `regulator_state` event of this timeline puts the regulator in this state, so there is no decision to take to court", kind_of(&action)),
            );
            return;
        };
        let (_, index, appealed) = self.latest[i];
        match action {
            Action::Appeal { .. } if appealed => cx.err(
                ep,
                format!("`appeal` event at `{ep}`: that decision is already appealed"),
            ),
            Action::Appeal { .. } => {
                let decision = &mut timeline[index];
                if decision.probability < 1.0 || decision.delay_days.is_some() {
                    cx.err(
                        ep,
                        format!("`appeal` event at `{ep}`: the decision it appeals (`{}`) must be certain: no `probability` below 1, no `delay_days`", decision.label),
                    );
                }
                if let Action::RegulatorState { appealed, .. } = &mut decision.action {
                    *appealed = true;
                }
                self.latest[i].2 = true;
            }
            _ if !appealed => cx.err(
                ep,
                format!(
                    "`judgment` event at `{ep}`: no earlier `appeal` event appeals this decision"
                ),
            ),
            _ => {}
        }
    }
}

fn kind_of(action: &Action) -> &'static str {
    match action {
        Action::Appeal { .. } => "appeal",
        _ => "judgment",
    }
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
