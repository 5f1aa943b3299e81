//! How much work one replication will be, before it runs: `regsim run --max-events` and
//! `regsim sweep` compare this to their limit and refuse a run above it.

use super::sample::Compound;
use crate::model::{Action, ControlKind, World, DIRECT_IDENTIFIERS};

/// About how many units of work (events and draws) one replication of `world` takes: a step
/// per simulated day for each entity; for every staff group, per day, the records draws of
/// its sessions where they count as exposure (one per session up to the switch-over where a
/// closed form or a normal stands in), one draw per detected misuse session per monitor watching
/// it, and for a group that can meet an approval gate an arrival and a review per session.
/// Takes each group at the largest headcount it is ever given and its mean session rate, so
/// it overestimates rather than under.
pub fn estimate_events(world: &World) -> f64 {
    let days = world.calendar.days as f64;
    let entities = 1
        + world.populations.len()
        + world.sites.len()
        + world.migrations.len()
        + world.flows.len()
        + world.staff.len()
        + world.regulators.len()
        + world.bans.len();
    let mut events = days * entities as f64 + world.timeline.len() as f64;
    let actions = world
        .timeline
        .iter()
        .map(|e| &e.action)
        .chain(world.decisions.iter().flat_map(|d| {
            d.outcomes
                .iter()
                .flat_map(|o| o.actions.iter().map(|(_, a)| a))
        }));
    let mut headcount: Vec<f64> = world.staff.iter().map(|g| g.headcount).collect();
    for a in actions {
        if let Action::Headcount {
            staff,
            headcount: h,
        } = *a
        {
            headcount[staff] = headcount[staff].max(h);
        }
    }
    for (g, group) in world.staff.iter().enumerate() {
        let covering = |pick: fn(&ControlKind) -> bool| {
            world.controls.iter().filter(move |c| {
                pick(&c.kind)
                    && group
                        .populations
                        .iter()
                        .any(|&p| c.covers(g, group.jurisdiction, p))
            })
        };
        let sessions = headcount[g] * group.sessions_per_person_day.mean().max(0.0);
        let per_session = if covering(|k| matches!(k, ControlKind::Approval { .. }))
            .next()
            .is_some()
        {
            // An arrival, a review and a read per session.
            3.0
        } else {
            0.0
        };
        let monitors = covering(|k| matches!(k, ControlKind::Monitor { .. })).count() as f64;
        let detections = sessions * group.misuse_share * monitors;
        // Records are drawn only where they count as exposure.
        let exposure = group.categories & DIRECT_IDENTIFIERS != 0
            && group
                .populations
                .iter()
                .any(|&p| world.populations[p].restricted[group.jurisdiction]);
        let records = if exposure {
            Compound::of(&group.records_per_session).work(sessions)
        } else {
            0.0
        };
        events += days * (sessions * per_session + detections + records);
    }
    events
}
