//! The `[control.NAME]` blocks: policy mechanisms between staff and data (deny, gateway,
//! approval, monitor) — whom they cover, when they are on, their cost (running, and for deny and
//! approval controls the work they block or delay), and the fields each kind needs and refuses.

use std::collections::BTreeSet;

use super::codes::{categories, Jurisdictions};
use super::ctx::{lookup, seg_name, Ctx, MAX_CONTROLS};
use super::drawn::Draws;
use super::finance::money_rate;
use super::horizon::Horizon;
use super::names::Names;
use crate::model::{Control, ControlKind, Dist};
use crate::scenario::dist::RawDist;
use crate::scenario::raw::{RawControl, RawControlKind, RawScenario};
use crate::scenario::source::FieldPath;
use crate::scenario::suggest::suggestion;

/// The controls and the days their `start` and `end` fields fall on.
pub(super) struct Controls {
    pub controls: Vec<Control>,
    pub on_day: Vec<Option<u32>>,
    pub off_day: Vec<Option<u32>>,
}

/// Reports each jurisdiction of `list` (at `path`) that no staff group works from.
pub(super) fn check_staff_jurisdictions(
    cx: &mut Ctx,
    path: &FieldPath,
    list: &[String],
    raw: &RawScenario,
) {
    let staff_jurs: BTreeSet<&str> = raw
        .staff
        .values()
        .map(|g| g.jurisdiction.as_str())
        .collect();
    for (i, j) in list.iter().enumerate() {
        if !staff_jurs.contains(j.as_str()) {
            cx.err(
                &path.index(i),
                format!(
                    "field `{path}`: no staff group works from `{j}`{}",
                    suggestion(j, staff_jurs.iter().copied())
                ),
            );
        }
    }
}

/// Every control, in name order; `n_pops` populations and `n_staff` staff groups are built;
/// their running costs go to `draws`.
pub(super) fn controls(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    jur: &Jurisdictions,
    names: &Names,
    (n_pops, n_staff): (usize, usize),
    draws: &mut Draws,
) -> Controls {
    let root = FieldPath::root();
    if raw.control.len() > MAX_CONTROLS {
        cx.err(
            &root.key("control"),
            format!(
                "at most {MAX_CONTROLS} controls are supported, the scenario has {}",
                raw.control.len()
            ),
        );
    }
    let mut controls = Vec::new();
    let mut control_on_day: Vec<Option<u32>> = Vec::new();
    let mut control_off_day: Vec<Option<u32>> = Vec::new();
    for (cn, c) in &raw.control {
        let cp = root.key("control").key(cn);
        let on = c
            .start
            .as_ref()
            .and_then(|d| h.day(cx, &cp.key("start"), d));
        let off = c.end.as_ref().and_then(|d| h.day(cx, &cp.key("end"), d));
        if let (Some(a), Some(b), Some(s), Some(e)) = (on, off, &c.start, &c.end) {
            if b < a {
                cx.err(
                    &cp.key("end"),
                    format!(
                        "field `{}` ({}) is before `start` ({})",
                        cp.key("end"),
                        e.0,
                        s.0
                    ),
                );
            }
        }
        control_on_day.push(on);
        control_off_day.push(off);
        check_staff_jurisdictions(
            cx,
            &cp.key("staff_jurisdictions"),
            &c.staff_jurisdictions,
            raw,
        );
        let staff_jurisdictions = if c.staff_jurisdictions.is_empty() {
            vec![true; jur.0.len()]
        } else {
            jur.set(&c.staff_jurisdictions)
        };
        let mut pops = vec![c.populations.is_empty(); n_pops];
        for (i, p) in c.populations.iter().enumerate() {
            if let Some(x) = lookup(
                cx,
                &cp.key("populations").index(i),
                "population",
                &names.pops,
                p,
            ) {
                pops[x] = true;
            }
        }
        let kind = control_kind(cx, &cp, c);
        let mut groups = vec![c.staff.is_empty(); n_staff];
        for (i, g) in c.staff.iter().enumerate() {
            if let Some(x) = lookup(
                cx,
                &cp.key("staff").index(i),
                "staff group",
                &names.staff,
                g,
            ) {
                groups[x] = true;
            }
        }
        let money = money_rate(cx, &cp.key("currency"), &c.currency, &raw.finance);
        let mut priced = |field: &str, raw: &Option<RawDist>| {
            raw.as_ref()
                .map(|d| draws.money(cx, &cp.key(field), d, money))
        };
        let cost_per_blocked_session =
            priced("cost_per_blocked_session", &c.cost_per_blocked_session);
        let cost_per_delay_day = priced("cost_per_delay_day", &c.cost_per_delay_day);
        controls.push(Control {
            name: cn.clone(),
            kind,
            staff_jurisdictions,
            staff: groups,
            populations: pops,
            annual_cost: draws.money(cx, &cp.key("annual_cost"), &c.annual_cost, money),
            committed: !c.incremental,
            cost_per_blocked_session,
            cost_per_delay_day,
        });
    }
    Controls {
        controls,
        on_day: control_on_day,
        off_day: control_off_day,
    }
}

/// The kind-specific part of a control, with fields of other kinds refused.
fn control_kind(cx: &mut Ctx, cp: &FieldPath, c: &RawControl) -> ControlKind {
    let kind_name = match c.kind {
        RawControlKind::Deny => "deny",
        RawControlKind::Gateway => "gateway",
        RawControlKind::Approval => "approval",
        RawControlKind::Monitor => "monitor",
    };
    let fields: [(&str, bool, RawControlKind); 9] = [
        ("masks", !c.masks.is_empty(), RawControlKind::Gateway),
        (
            "reid_probability",
            c.reid_probability.is_some(),
            RawControlKind::Gateway,
        ),
        (
            "flow_pass_share",
            c.flow_pass_share.is_some(),
            RawControlKind::Gateway,
        ),
        ("reviewers", c.reviewers.is_some(), RawControlKind::Approval),
        (
            "review_days",
            c.review_days.is_some(),
            RawControlKind::Approval,
        ),
        (
            "approval_probability",
            c.approval_probability.is_some(),
            RawControlKind::Approval,
        ),
        (
            "patience_days",
            c.patience_days.is_some(),
            RawControlKind::Approval,
        ),
        (
            "detect_probability",
            c.detect_probability.is_some(),
            RawControlKind::Monitor,
        ),
        (
            "detection_delay_days",
            c.detection_delay_days.is_some(),
            RawControlKind::Monitor,
        ),
    ];
    // Lost work: what a blocking control costs in the sessions it blocks or delays.
    let blocks = matches!(c.kind, RawControlKind::Deny | RawControlKind::Approval);
    for (f, present, applies) in [
        (
            "cost_per_blocked_session",
            c.cost_per_blocked_session.is_some(),
            blocks,
        ),
        (
            "cost_per_delay_day",
            c.cost_per_delay_day.is_some(),
            c.kind == RawControlKind::Approval,
        ),
    ] {
        if present && !applies {
            cx.err_key(
                &cp.key(f),
                format!(
                    "field `{}` does not apply to a `{kind_name}` control",
                    cp.key(f)
                ),
            );
        }
    }
    for (f, present, owner) in fields {
        if present && owner != c.kind {
            cx.err_key(
                &cp.key(f),
                format!(
                    "field `{}` does not apply to a `{kind_name}` control",
                    cp.key(f)
                ),
            );
        }
    }
    let required = |cx: &mut Ctx, f: &str, present: bool| {
        if !present {
            cx.err(
                cp,
                format!(
                    "control `{}` of kind `{kind_name}` needs field `{f}`",
                    cp.0.last().map(seg_name).unwrap_or_default()
                ),
            );
        }
    };
    match c.kind {
        RawControlKind::Deny => ControlKind::Deny,
        RawControlKind::Gateway => {
            required(cx, "masks", !c.masks.is_empty());
            let masks = categories(cx, &cp.key("masks"), &c.masks);
            let reid_probability = cx.probability(
                &cp.key("reid_probability"),
                c.reid_probability.unwrap_or(0.0),
            );
            let flow_pass_share =
                cx.probability(&cp.key("flow_pass_share"), c.flow_pass_share.unwrap_or(1.0));
            ControlKind::Gateway {
                masks,
                reid_probability,
                flow_pass_share,
            }
        }
        RawControlKind::Approval => {
            required(cx, "reviewers", c.reviewers.is_some());
            required(cx, "review_days", c.review_days.is_some());
            let reviewers = c.reviewers.unwrap_or(1);
            if c.reviewers == Some(0) || reviewers > 100_000 {
                cx.err(
                    &cp.key("reviewers"),
                    format!(
                        "field `{}` must be between 1 and 100000, got {reviewers}",
                        cp.key("reviewers")
                    ),
                );
            }
            let review_days = c
                .review_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("review_days"), d, true))
                .unwrap_or(Dist::Constant(0.0));
            let approval_probability = cx.probability(
                &cp.key("approval_probability"),
                c.approval_probability.unwrap_or(1.0),
            );
            let patience_days = c
                .patience_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("patience_days"), d, true));
            ControlKind::Approval {
                reviewers: reviewers.max(1),
                review_days,
                approval_probability,
                patience_days,
            }
        }
        RawControlKind::Monitor => {
            required(cx, "detect_probability", c.detect_probability.is_some());
            let detect_probability = cx.probability(
                &cp.key("detect_probability"),
                c.detect_probability.unwrap_or(0.0),
            );
            let detection_delay_days = c
                .detection_delay_days
                .as_ref()
                .map(|d| cx.dist(&cp.key("detection_delay_days"), d, true))
                .unwrap_or(Dist::Constant(0.0));
            ControlKind::Monitor {
                detect_probability,
                detection_delay_days,
            }
        }
    }
}
