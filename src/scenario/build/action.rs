//! Actions, as timeline events and decision outcomes write them: which fields each kind uses,
//! the references they resolve, and the label an event gets when it has none.

use super::case::{chain_index, chain_states};
use super::ctx::{lookup, Ctx, MAX_HEADCOUNT, MAX_NUMBER};
use super::names::Names;
use crate::model::{Action, Verdict};
use crate::scenario::raw::{RawAction, RawEventKind, RawScenario, RawTimelineEvent};
use crate::scenario::source::FieldPath;

/// The fields of a timeline event or an outcome action that name what it acts on.
pub(super) struct ActionFields<'a> {
    pub kind: RawEventKind,
    pub site: &'a Option<String>,
    pub control: &'a Option<String>,
    pub staff: &'a Option<String>,
    pub headcount: Option<f64>,
    pub ban: &'a Option<String>,
    pub population: &'a Option<String>,
    pub hours: Option<f64>,
    pub ownership: &'a Option<String>,
    pub regulator: &'a Option<String>,
    pub case: &'a Option<String>,
    pub state: &'a Option<String>,
    pub fine: Option<f64>,
    pub decision: &'a Option<String>,
    pub outcome: &'a Option<String>,
}

/// Timeline events and outcome actions carry the same action fields (serde cannot flatten
/// them into one struct under `deny_unknown_fields`); both are read through [`ActionFields`].
macro_rules! action_fields_from {
    ($raw:ty) => {
        impl<'a> From<&'a $raw> for ActionFields<'a> {
            fn from(e: &'a $raw) -> Self {
                ActionFields {
                    kind: e.kind,
                    site: &e.site,
                    control: &e.control,
                    staff: &e.staff,
                    headcount: e.headcount,
                    ban: &e.ban,
                    population: &e.population,
                    hours: e.hours,
                    ownership: &e.ownership,
                    regulator: &e.regulator,
                    case: &e.case,
                    state: &e.state,
                    fine: e.fine,
                    decision: &e.decision,
                    outcome: &e.outcome,
                }
            }
        }
    };
}
action_fields_from!(RawTimelineEvent);
action_fields_from!(RawAction);

/// An event kind as written in a file.
pub(super) fn kind_name(kind: RawEventKind) -> &'static str {
    match kind {
        RawEventKind::SiteOnline => "site_online",
        RawEventKind::ControlOn => "control_on",
        RawEventKind::ControlOff => "control_off",
        RawEventKind::Headcount => "headcount",
        RawEventKind::BanStart => "ban_start",
        RawEventKind::BanEnd => "ban_end",
        RawEventKind::Outage => "outage",
        RawEventKind::OwnershipChange => "ownership_change",
        RawEventKind::RegulatorState => "regulator_state",
        RawEventKind::Appeal => "appeal",
        RawEventKind::Judgment => "judgment",
        RawEventKind::Decide => "decide",
    }
}

/// The fields each kind uses.
fn fields_of(kind: RawEventKind) -> &'static [&'static str] {
    match kind {
        RawEventKind::SiteOnline => &["site"],
        RawEventKind::ControlOn | RawEventKind::ControlOff => &["control"],
        RawEventKind::Headcount => &["staff", "headcount"],
        RawEventKind::BanStart | RawEventKind::BanEnd => &["ban"],
        RawEventKind::Outage => &["population", "hours"],
        RawEventKind::OwnershipChange => &["ownership"],
        RawEventKind::RegulatorState => &["regulator", "case", "state", "fine"],
        RawEventKind::Appeal => &["regulator", "case", "state"],
        RawEventKind::Judgment => &["regulator", "case", "state", "outcome"],
        RawEventKind::Decide => &["decision"],
    }
}

/// Builds the action of a timeline event or outcome at `path`.
pub(super) fn action(
    cx: &mut Ctx,
    path: &FieldPath,
    f: &ActionFields,
    names: &Names,
    raw: &RawScenario,
) -> Option<Action> {
    let kind = kind_name(f.kind);
    let used = fields_of(f.kind);
    let present = [
        ("site", f.site.is_some()),
        ("control", f.control.is_some()),
        ("staff", f.staff.is_some()),
        ("headcount", f.headcount.is_some()),
        ("ban", f.ban.is_some()),
        ("population", f.population.is_some()),
        ("hours", f.hours.is_some()),
        ("ownership", f.ownership.is_some()),
        ("regulator", f.regulator.is_some()),
        ("case", f.case.is_some()),
        ("state", f.state.is_some()),
        ("fine", f.fine.is_some()),
        ("decision", f.decision.is_some()),
        ("outcome", f.outcome.is_some()),
    ];
    for (field, is) in present {
        if is && !used.contains(&field) {
            cx.err_key(
                &path.key(field),
                format!(
                    "field `{}` does not apply to a `{kind}` event",
                    path.key(field)
                ),
            );
        }
    }
    let need = |cx: &mut Ctx,
                field: &str,
                v: &Option<String>,
                what: &str,
                list: &[&str]|
     -> Option<usize> {
        match v {
            Some(n) => lookup(cx, &path.key(field), what, list, n),
            None => {
                cx.err(
                    path,
                    format!("`{kind}` event at `{path}` needs field `{field}`"),
                );
                None
            }
        }
    };
    let number = |cx: &mut Ctx, field: &str, v: Option<f64>, max: f64| -> Option<f64> {
        match v {
            Some(x) => Some(cx.at_most(&path.key(field), x, max)),
            None => {
                cx.err(
                    path,
                    format!("`{kind}` event at `{path}` needs field `{field}`"),
                );
                None
            }
        }
    };
    match f.kind {
        RawEventKind::SiteOnline => {
            need(cx, "site", f.site, "site", &names.sites).map(Action::SiteOnline)
        }
        RawEventKind::ControlOn => {
            need(cx, "control", f.control, "control", &names.controls).map(Action::ControlOn)
        }
        RawEventKind::ControlOff => {
            need(cx, "control", f.control, "control", &names.controls).map(Action::ControlOff)
        }
        RawEventKind::Headcount => {
            let s = need(cx, "staff", f.staff, "staff group", &names.staff);
            let h = number(cx, "headcount", f.headcount, MAX_HEADCOUNT);
            Some(Action::Headcount {
                staff: s?,
                headcount: h?,
            })
        }
        RawEventKind::BanStart => need(cx, "ban", f.ban, "ban", &names.bans).map(Action::BanStart),
        RawEventKind::BanEnd => need(cx, "ban", f.ban, "ban", &names.bans).map(Action::BanEnd),
        RawEventKind::Outage => {
            let p = need(cx, "population", f.population, "population", &names.pops);
            let h = number(cx, "hours", f.hours, MAX_NUMBER);
            Some(Action::Outage {
                population: p?,
                hours: h?,
            })
        }
        RawEventKind::OwnershipChange => need(
            cx,
            "ownership",
            f.ownership,
            "ownership change",
            &names.ownerships,
        )
        .map(Action::Ownership),
        RawEventKind::RegulatorState | RawEventKind::Appeal | RawEventKind::Judgment => {
            let r = need(cx, "regulator", f.regulator, "regulator", &names.regulators)?;
            let rn = names.regulators[r];
            let reg = raw.regulator.values().nth(r)?;
            let case = if reg.case.is_empty() {
                if f.case.is_some() {
                    let p = path.key("case");
                    cx.err(
                        &p,
                        format!("field `{p}`: regulator `{rn}` has no cases (no [regulator.{rn}.case.NAME])"),
                    );
                    return None;
                }
                None
            } else {
                let cases: Vec<&str> = reg.case.keys().map(String::as_str).collect();
                let what = format!("case of regulator `{rn}`");
                Some(need(cx, "case", f.case, &what, &cases)?)
            };
            let chain = chain_index(raw, r, case);
            let (label, states) = chain_states(raw, chain);
            let what = match case {
                Some(_) => format!("state of case `{label}`"),
                None => format!("state of regulator `{label}`"),
            };
            let s = need(cx, "state", f.state, &what, &states)?;
            if f.kind == RawEventKind::RegulatorState {
                let fine = f.fine.map(|x| cx.non_negative(&path.key("fine"), x));
                return Some(Action::RegulatorState {
                    regulator: chain,
                    state: s,
                    fine,
                    appealed: false,
                });
            }
            let (raw_states, table) = match case {
                Some(c) => {
                    let (cn, c) = reg.case.iter().nth(c)?;
                    (&c.state, format!("{rn}.case.{cn}"))
                }
                None => (&reg.state, rn.to_string()),
            };
            if raw_states.values().nth(s)?.appeal.is_none() {
                let p = path.key("state");
                let (sn, of) = (states[s], if case.is_some() { "case" } else { "regulator" });
                cx.err(
                    &p,
                    format!("field `{p}`: state `{sn}` of {of} `{label}` has no [regulator.{table}.state.{sn}.appeal] table to appeal by"),
                );
                return None;
            }
            if f.kind == RawEventKind::Appeal {
                return Some(Action::Appeal {
                    regulator: chain,
                    state: s,
                });
            }
            let what = "court outcome";
            let v = need(cx, "outcome", f.outcome, what, &Verdict::NAMES)?;
            Some(Action::Judgment {
                regulator: chain,
                state: s,
                verdict: Verdict::ALL[v],
            })
        }
        RawEventKind::Decide => {
            need(cx, "decision", f.decision, "decision", &names.decisions).map(Action::Decide)
        }
    }
}

/// The label of a timeline event that sets none, e.g. `gate on`.
pub(super) fn default_label(action: &Action, n: &Names, raw: &RawScenario) -> String {
    match *action {
        Action::SiteOnline(s) => format!("{} online", n.sites[s]),
        Action::ControlOn(c) => format!("{} on", n.controls[c]),
        Action::ControlOff(c) => format!("{} off", n.controls[c]),
        Action::Headcount { staff, headcount } => {
            format!("{} headcount {}", n.staff[staff], headcount)
        }
        Action::BanStart(b) => format!("{} starts", n.bans[b]),
        Action::BanEnd(b) => format!("{} ends", n.bans[b]),
        Action::Outage { population, hours } => {
            format!("{} outage {} h", n.pops[population], hours)
        }
        Action::Ownership(o) => format!("{} ownership change", n.ownerships[o]),
        Action::RegulatorState {
            regulator, state, ..
        } => {
            let (label, states) = chain_states(raw, regulator);
            format!("{label}: {}", states.get(state).copied().unwrap_or("?"))
        }
        Action::Appeal { regulator, state } => {
            let (label, states) = chain_states(raw, regulator);
            let s = states.get(state).copied().unwrap_or("?");
            format!("{label}: {s} appealed")
        }
        Action::Judgment {
            regulator,
            state,
            verdict,
        } => {
            let (label, states) = chain_states(raw, regulator);
            let s = states.get(state).copied().unwrap_or("?");
            format!("{label}: {s} {}", Verdict::NAMES[verdict as usize])
        }
        Action::Decide(d) => format!("{} decided", n.decisions[d]),
    }
}
