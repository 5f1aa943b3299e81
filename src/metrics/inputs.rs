//! The quantities a replication draws once (`inputs.csv`): each staff group's sessions per
//! person-day, each migration's and flow's rate, each ban's churn, residual share and return
//! hazard, each ownership change's transition, each uncertain money amount or margin (those
//! written as distributions), each uncertain timeline event's day, and each decision's outcome
//! and number of extensions, and each compelled-access event's first day
//! (`compelled_access.NAME.day`; its drawn probability, hazard, share and records per user are
//! uncertain drawn quantities). A regulator's hazards, opening hazards, `share_of_max` and
//! appeal odds are uncertain drawn quantities too; each chain that can draw a fine adds what its
//! first drawn fine draws, whether or not it comes: its share of the legal maximum at gravity 0
//! (`regulator.NAME.case.CASE.fine.share_of_max`, from its uniform through the seriousness
//! scale; left out when the regulator draws `share_of_max` itself) and its factor
//! (`….fine.factor`, when uncertain); a regulator without cases drops `.case.CASE`. Names are parameter paths of the
//! scenario (`staff.cn_engineering.sessions_per_person_day`), or for a timeline event its label
//! with every character but letters, digits and `-` as `_` (`timeline.kouvola_online.day`, a
//! repeated label numbered `timeline.kouvola_online_2.day`), so no name holds a space; an uncertain event that does not
//! happen gets the horizon's length in days (as milestone days do), a decision never taken the
//! outcome −1.

use crate::model::{Dist, DrawnId, World};

/// Where each entity's inputs sit in a replication's input row.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub names: Vec<String>,
    pub staff: usize,
    pub migrations: usize,
    pub flows: usize,
    /// Three per ban: churn, residual share, return hazard.
    pub bans: usize,
    /// One per ownership change: its transition days.
    pub ownerships: usize,
    /// The uncertain drawn quantities (money amounts, margins), from `drawn_first` on.
    pub drawn: Vec<DrawnId>,
    pub drawn_first: usize,
    /// The input of each timeline event that is drawn (uncertain or delayed).
    pub timeline: Vec<Option<usize>>,
    /// Two per decision: the outcome drawn last (its index) and the number of extensions.
    pub decisions: usize,
    /// One per compelled-access event: the day it first happened.
    pub compelled: usize,
    /// The chains that can draw a fine, and the slots of their first drawn fine's draws.
    pub fines: Vec<FineInputs>,
}

/// Where a chain's first drawn fine puts its draws in the input row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FineInputs {
    /// The chain's index in [`World::regulators`].
    pub chain: usize,
    /// Its share of the legal maximum at gravity 0 (`None` with a drawn `share_of_max`).
    pub share: Option<usize>,
    /// Its factor (`None` when the factor is a constant).
    pub factor: Option<usize>,
}

impl Inputs {
    pub fn of(world: &World) -> Inputs {
        let mut names = Vec::new();
        let staff = names.len();
        for g in &world.staff {
            names.push(format!("staff.{}.sessions_per_person_day", g.name));
        }
        let migrations = names.len();
        for m in &world.migrations {
            names.push(format!("migration.{}.rate_pb_per_day", m.name));
        }
        let flows = names.len();
        for f in &world.flows {
            names.push(format!("flow.{}.pb_per_day", f.name));
        }
        let bans = names.len();
        for b in &world.bans {
            for field in ["churn_per_year", "residual_share", "return_per_year"] {
                names.push(format!("ban.{}.{field}", b.name));
            }
        }
        let ownerships = names.len();
        for o in &world.ownerships {
            names.push(format!("ownership.{}.transition_days", o.name));
        }
        let drawn_first = names.len();
        let mut drawn = Vec::new();
        for (i, d) in world.drawn.iter().enumerate() {
            if d.is_uncertain() {
                drawn.push(i);
                names.push(d.path.clone());
            }
        }
        let mut timeline = Vec::with_capacity(world.timeline.len());
        let mut seen: Vec<String> = Vec::new();
        for e in &world.timeline {
            if e.probability >= 1.0 && e.delay_days.is_none() {
                timeline.push(None);
                continue;
            }
            // `kouvola online` → `timeline.kouvola_online.day`: a column name without spaces.
            let label: String = e
                .label
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut name = format!("timeline.{label}.day");
            let repeats = seen.iter().filter(|n| **n == name).count();
            seen.push(name.clone());
            if repeats > 0 {
                name = format!("timeline.{label}_{}.day", repeats + 1);
            }
            timeline.push(Some(names.len()));
            names.push(name);
        }
        let decisions = names.len();
        for d in &world.decisions {
            names.push(format!("decision.{}.outcome", d.name));
            names.push(format!("decision.{}.extensions", d.name));
        }
        let compelled = names.len();
        for c in &world.compelled {
            names.push(format!("compelled_access.{}.day", c.name));
        }
        let mut fines = Vec::new();
        for (chain, r) in world.regulators.iter().enumerate() {
            let Some(model) = r.fine.as_ref().filter(|_| r.states.iter().any(|s| s.fine)) else {
                continue;
            };
            let prefix = match &r.case {
                Some(c) => format!("regulator.{}.case.{c}.fine", r.name),
                None => format!("regulator.{}.fine", r.name),
            };
            let mut slot = |field: &str, wanted: bool| {
                wanted.then(|| {
                    names.push(format!("{prefix}.{field}"));
                    names.len() - 1
                })
            };
            let share = slot("share_of_max", model.share_of_max.is_none());
            let factor = slot("factor", !matches!(model.factor, Dist::Constant(_)));
            if share.is_some() || factor.is_some() {
                fines.push(FineInputs {
                    chain,
                    share,
                    factor,
                });
            }
        }
        Inputs {
            names,
            staff,
            migrations,
            flows,
            bans,
            ownerships,
            drawn,
            drawn_first,
            timeline,
            decisions,
            compelled,
            fines,
        }
    }
}
