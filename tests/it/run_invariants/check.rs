//! The invariants every replication of a generated scenario must keep.

use proptest::prelude::*;
use regsim::engine::{run_replication, Workspace};
use regsim::metrics::{id, Kind, Layout, RepResult, COST_COMPONENTS};
use regsim::model::World;

use super::spec::*;
use super::storage::replay_storage;

/// Runs `world` (built from `spec`) for a few replications and checks every invariant.
pub fn check(spec: &Spec, world: &World) -> Result<(), TestCaseError> {
    let layout = Layout::of(world);
    let nm = layout.len();
    let months = layout.months;
    let cal = &world.calendar;
    let days = spec.days as usize;
    prop_assert_eq!(cal.days, spec.days);

    // Users: as written, with compound growth from `start`.
    for (p, pop) in spec.pops.iter().enumerate() {
        for d in [0, days / 2, days - 1] {
            let expected = pop.users * (1.0 + pop.growth).powf(d as f64 / DAYS_PER_YEAR);
            let got = world.populations[p].users_by_day[d];
            prop_assert!(
                close(got, expected),
                "users of p{p} on day {d}: {got} vs {expected}"
            );
        }
    }

    let (outside, moved) = replay_storage(spec, world)?;
    let live_from = spec.site_live_from();
    let control_days = spec.control_days();
    let all_controls_certain = control_days.iter().all(Option::is_some);

    // Closed forms of the costs that depend only on the spec.
    let infrastructure: f64 = spec
        .sites
        .iter()
        .zip(&live_from)
        .map(|(s, &from)| s.capex + s.opex / DAYS_PER_YEAR * (spec.days - from) as f64)
        .sum();
    let migration: f64 = moved
        .iter()
        .zip(&spec.migrations)
        .map(|(x, m)| x * m.cost_per_pb)
        .sum();
    let (mut compliance, mut monitoring) = (0.0, 0.0);
    for (c, ctl) in spec.controls.iter().enumerate() {
        if let Some(on) = &control_days[c] {
            let cost = on.iter().filter(|x| **x).count() as f64 * ctl.annual_cost / DAYS_PER_YEAR;
            if matches!(ctl.kind, ControlKind::Monitor { .. }) {
                monitoring += cost;
            } else {
                compliance += cost;
            }
        }
    }
    // Flows: (lowest, highest, exact when the gateway's days are certain) PB across borders.
    let mut cross = (0.0, 0.0, Some(0.0));
    for f in &spec.flows {
        if spec.pops[f.pop].enclave.contains(&f.to) {
            continue;
        }
        let (a, b) = (f.start.unwrap_or(0), f.end.unwrap_or(spec.days - 1));
        let gw = f.gateway.map(|c| {
            let ctl = &spec.controls[c];
            let ControlKind::Gateway { pass, .. } = ctl.kind else {
                unreachable!()
            };
            let covers = ctl.pops.is_empty() || ctl.pops.contains(&f.pop);
            (pass, covers, control_days[c].clone())
        });
        for d in a..=b {
            let (lo, exact) = match &gw {
                None => (f.pb, Some(f.pb)),
                Some((pass, covers, on)) => (
                    if *covers { f.pb * pass } else { f.pb },
                    on.as_ref().map(|on| {
                        if *covers && on[d as usize] {
                            f.pb * pass
                        } else {
                            f.pb
                        }
                    }),
                ),
            };
            cross.0 += lo;
            cross.1 += f.pb;
            cross.2 = cross.2.zip(exact).map(|(x, e)| x + e);
        }
    }
    // Outages happen on their day (events here have no delay only if certain).
    let outage_users = |e: &Event, p: usize| world.populations[p].users_by_day[e.day as usize];
    let (mut outage_lo, mut outage_hi) = (0.0, 0.0);
    for e in &spec.events {
        if let EventKind::Outage(p, hours) = e.kind {
            let rev = spec.pops[p].revenue;
            let max_users = world.populations[p]
                .users_by_day
                .iter()
                .copied()
                .fold(0.0, f64::max);
            let hi = max_users * rev * hours / (24.0 * DAYS_PER_YEAR);
            outage_hi += hi;
            if e.certain() {
                outage_lo += outage_users(e, p) * rev * hours / (24.0 * DAYS_PER_YEAR);
            }
        }
    }
    let outages_certain = spec
        .events
        .iter()
        .all(|e| !matches!(e.kind, EventKind::Outage(..)) || e.certain());

    let has = |f: &dyn Fn(&ControlKind) -> bool| spec.controls.iter().any(|c| f(&c.kind));
    let any_deny = has(&|k| matches!(k, ControlKind::Deny));
    let any_approval = has(&|k| matches!(k, ControlKind::Approval { .. }));
    let any_refusal =
        has(&|k| matches!(k, ControlKind::Approval { approval, .. } if *approval < 1.0));
    let any_patience = has(&|k| {
        matches!(
            k,
            ControlKind::Approval {
                patience: Some(_),
                ..
            }
        )
    });
    let any_gateway = has(&|k| matches!(k, ControlKind::Gateway { .. }));
    let any_reid = has(&|k| matches!(k, ControlKind::Gateway { reid, .. } if *reid > 0.0));
    let any_monitor = has(&|k| matches!(k, ControlKind::Monitor { .. }));
    let any_misuse = spec.staff.iter().any(|g| g.misuse > 0.0);
    let any_exposure_route = spec.staff.iter().any(|g| {
        g.cats.iter().any(|&c| c < 3)
            && g.pops
                .iter()
                .any(|&p| spec.pops[p].restricted.contains(&g.jur))
    });
    let any_headcount = spec.staff.iter().any(|g| g.headcount > 0.0)
        || spec
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Headcount(_, h) if h > 0.0));
    let max_users: f64 = world
        .populations
        .iter()
        .map(|p| p.users_by_day.iter().copied().fold(0.0, f64::max))
        .sum();
    let min_discount = (1.0 + spec.discount_rate).powf(-((days - 1) as f64) / DAYS_PER_YEAR);

    let mut reused = Workspace::new();
    for rep in 0..REPLICATIONS {
        let r: RepResult = run_replication(world, &layout, rep, &mut reused);
        prop_assert_eq!(
            &r,
            &run_replication(world, &layout, rep, &mut Workspace::new()),
            "replication {} differs with a fresh workspace",
            rep
        );
        let t = |k: usize| r.totals[k];
        let s = |m: usize, k: usize| r.series[m * nm + k];
        let ctx = || format!("replication {rep}, totals {:?}", r.totals);

        // Finite, non-negative; totals from months by kind.
        for (k, name) in layout.names.iter().enumerate() {
            prop_assert!(t(k).is_finite() && t(k) >= 0.0, "{}: total {}", name, t(k));
            if layout.kinds[k] == Kind::PerReplication {
                continue;
            }
            let monthly: Vec<f64> = (0..months).map(|m| s(m, k)).collect();
            prop_assert!(
                monthly.iter().all(|v| v.is_finite() && *v >= 0.0),
                "{}: {:?}",
                name,
                monthly
            );
            match layout.kinds[k] {
                Kind::Sum => prop_assert!(
                    close(t(k), monthly.iter().sum()),
                    "{}: total {} vs months {:?}",
                    name,
                    t(k),
                    monthly
                ),
                Kind::Level => prop_assert_eq!(t(k), monthly[months - 1], "{}", name),
                Kind::Mean => prop_assert!(
                    t(k) <= monthly.iter().copied().fold(0.0, f64::max) * (1.0 + 1e-9),
                    "{}: total {} above every month {:?}",
                    name,
                    t(k),
                    monthly
                ),
                Kind::PerReplication => {}
            }
        }

        // Storage and the costs that follow from the spec.
        for (m, &expected) in outside.iter().enumerate() {
            prop_assert!(
                close(s(m, id::PB_DAYS_OUTSIDE), expected),
                "pb_days_outside month {}: {} vs {} replayed\n{}",
                m,
                s(m, id::PB_DAYS_OUTSIDE),
                expected,
                ctx()
            );
        }
        prop_assert!(
            close(t(id::COST_MIGRATION), migration),
            "cost.migration {} vs {}",
            t(id::COST_MIGRATION),
            migration
        );
        prop_assert!(
            close(t(id::COST_INFRASTRUCTURE), infrastructure),
            "cost.infrastructure {} vs {}",
            t(id::COST_INFRASTRUCTURE),
            infrastructure
        );
        if all_controls_certain {
            prop_assert!(
                close(t(id::COST_COMPLIANCE), compliance),
                "cost.compliance {} vs {}",
                t(id::COST_COMPLIANCE),
                compliance
            );
            prop_assert!(
                close(t(id::COST_MONITORING), monitoring),
                "cost.monitoring {} vs {}",
                t(id::COST_MONITORING),
                monitoring
            );
        }
        let x = t(id::PB_CROSS_BORDER);
        prop_assert!(
            x >= cross.0 * (1.0 - 1e-9) - 1e-12 && x <= cross.1 * (1.0 + 1e-9) + 1e-12,
            "pb_cross_border {} outside [{}, {}]",
            x,
            cross.0,
            cross.1
        );
        if let Some(exact) = cross.2 {
            prop_assert!(close(x, exact), "pb_cross_border {} vs {}", x, exact);
        }
        if spec.ban.is_none() {
            let loss = t(id::COST_REVENUE_LOSS);
            prop_assert!(
                loss >= outage_lo * (1.0 - 1e-9) && loss <= outage_hi * (1.0 + 1e-9) + 1e-9,
                "revenue loss {} outside [{}, {}]",
                loss,
                outage_lo,
                outage_hi
            );
            if outages_certain {
                prop_assert!(
                    close(loss, outage_lo),
                    "revenue loss {} vs {}",
                    loss,
                    outage_lo
                );
            }
        }
        prop_assert_eq!(t(id::COST_DIVESTITURE), 0.0);
        if spec.regulator.is_none() {
            prop_assert_eq!(t(id::COST_FINES), 0.0);
            prop_assert_eq!(t(id::FINES), 0.0);
            prop_assert_eq!(t(id::PROCEEDINGS), 0.0);
        }
        for m in 0..months {
            let parts: f64 = COST_COMPONENTS.iter().map(|&c| s(m, c)).sum();
            prop_assert!(close(s(m, id::COST_TOTAL), parts), "cost.total month {}", m);
            let split = s(m, id::COST_ONE_OFF) + s(m, id::COST_RECURRING);
            prop_assert!(
                close(s(m, id::COST_TOTAL), split),
                "one-off + recurring month {}",
                m
            );
            let committed = s(m, id::COST_INCREMENTAL) + s(m, id::COST_COMMITTED);
            prop_assert!(
                close(s(m, id::COST_TOTAL), committed),
                "incremental + committed month {}",
                m
            );
        }
        let (total, npv) = (t(id::COST_TOTAL), t(id::COST_TOTAL_NPV));
        prop_assert!(
            npv <= total * (1.0 + 1e-9),
            "npv {} above total {}",
            npv,
            total
        );
        prop_assert!(
            npv >= total * min_discount * (1.0 - 1e-9),
            "npv {} below total {} discounted at the last day",
            npv,
            total
        );
        if spec.discount_rate == 0.0 {
            prop_assert!(
                close(npv, total),
                "npv {} vs total {} at rate 0",
                npv,
                total
            );
        }

        // Access.
        prop_assert!(
            t(id::DENIED) + t(id::ABANDONED) + t(id::MISUSE) <= t(id::SESSIONS),
            "denied + abandoned + misuse above sessions: {}",
            ctx()
        );
        prop_assert!(t(id::DETECTED) <= t(id::MISUSE), "{}", ctx());
        if !any_headcount {
            prop_assert_eq!(t(id::SESSIONS), 0.0);
        }
        if !any_deny && !any_refusal {
            prop_assert_eq!(t(id::DENIED), 0.0, "{}", ctx());
        }
        if !any_approval {
            prop_assert_eq!(t(id::WAIT_MEAN), 0.0);
            prop_assert_eq!(t(id::WAIT_P95), 0.0);
        }
        if !any_patience {
            prop_assert_eq!(t(id::ABANDONED), 0.0, "{}", ctx());
        }
        if !any_misuse {
            prop_assert_eq!(t(id::MISUSE), 0.0);
        }
        if !any_monitor {
            prop_assert_eq!(t(id::DETECTED), 0.0);
            prop_assert_eq!(t(id::DETECTION_DELAY), 0.0);
        }

        // Exposure.
        prop_assert!(
            t(id::RECORDS_REIDENTIFIABLE) <= t(id::RECORDS_MASKED),
            "{}",
            ctx()
        );
        if !any_gateway {
            prop_assert_eq!(t(id::RECORDS_MASKED), 0.0);
        }
        if !any_reid {
            prop_assert_eq!(t(id::RECORDS_REIDENTIFIABLE), 0.0);
        }
        if !any_exposure_route {
            for k in [
                id::RECORDS_VISIBLE,
                id::RECORDS_MASKED,
                id::SCORE,
                id::USERS_DISTINCT,
            ] {
                prop_assert_eq!(t(k), 0.0, "{}", layout.names[k]);
            }
        }
        let identifiable = t(id::RECORDS_VISIBLE) + t(id::RECORDS_REIDENTIFIABLE);
        prop_assert!(
            t(id::SCORE) <= identifiable * DEFAULT_WEIGHTS_SUM * (1.0 + 1e-9),
            "score {} above {} identifiable records × every weight",
            t(id::SCORE),
            identifiable
        );
        let mut so_far = 0.0;
        for m in 0..months {
            so_far += s(m, id::RECORDS_VISIBLE) + s(m, id::RECORDS_REIDENTIFIABLE);
            let distinct = s(m, id::USERS_DISTINCT);
            // N·(1 − e^(−k/N)) ≤ k (computed with exp_m1, so it holds even when k/N is tiny).
            prop_assert!(
                distinct <= so_far * (1.0 + 1e-9) && distinct <= max_users * (1.0 + 1e-9),
                "users_distinct {} in month {}: {} records so far, {} users",
                distinct,
                m,
                so_far,
                max_users
            );
        }

        // Active users.
        for m in 0..months {
            let last_day = cal.month_last_day[m] as usize;
            let mut sum = 0.0;
            for (p, pop) in world.populations.iter().enumerate() {
                let active = s(m, id::PER_ENTITY + p);
                let users = pop.users_by_day[last_day];
                sum += active;
                match &spec.ban {
                    Some(b) if b.pop == p => prop_assert!(
                        active <= users * (1.0 + 1e-12)
                            && active >= users * b.residual.0 * (1.0 - 1e-9),
                        "users.active.p{} {} with {} users and a residual share from {}",
                        p,
                        active,
                        users,
                        b.residual.0
                    ),
                    _ => prop_assert_eq!(active, users, "users.active.p{} month {}", p, m),
                }
            }
            prop_assert!(
                close(s(m, id::USERS_ACTIVE), sum),
                "users.active month {}",
                m
            );
        }

        // Regulator.
        if let Some(reg) = &spec.regulator {
            let base = layout.regulator_offsets[0];
            let first_fine = t(base);
            prop_assert!(first_fine <= t(id::COST_FINES) * (1.0 + 1e-9), "{}", ctx());
            if t(id::FINES) == 0.0 {
                prop_assert_eq!(first_fine, 0.0);
            }
            let pinned_max = spec
                .events
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::RegulatorState(_, f) => f,
                    _ => None,
                })
                .fold(0.0, f64::max);
            let legal_max = (reg.max_share * spec.turnover).max(reg.max_floor);
            prop_assert!(
                first_fine <= legal_max.max(pinned_max) * (1.0 + 1e-9),
                "first fine {} above the legal maximum {}",
                first_fine,
                legal_max
            );
            for k in [base + 1, base + 2] {
                prop_assert!(t(k) <= spec.days as f64, "{} = {}", layout.names[k], t(k));
            }
        }
    }
    Ok(())
}
