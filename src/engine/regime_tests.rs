//! Regimes checked against what they promise: bans lose users monotonically down to the
//! residual share, divestitures end restricted exposure after the transition, decisions and
//! uncertain events happen as often as their probabilities say, regulators enter states at
//! their hazard rates, fines never exceed the legal cap, and `inputs.csv` holds the draws that
//! set each chain's first drawn fine.

use proptest::prelude::*;

use crate::engine::tests::world;
use crate::engine::{run_replication, Workspace};
use crate::metrics::{Layout, RepResult};
use crate::model::World;

const BASE: &str = r#"
start = "2024-01-01"
end = "2026-12-31"
seed = 9
[population.us]
home = "US"
enclave = ["US"]
restricted = ["CN"]
users = 100e6
data_per_user_mb = 1
placement = { s = 1.0 }
revenue_per_user_year = 36.525
[site.s]
jurisdiction = "US"
capacity_pb = 1000
[staff.cn]
jurisdiction = "CN"
headcount = 100
sessions_per_person_day = 1
records_per_session = 10
populations = ["us"]
categories = ["identifiers"]
"#;

fn reps(w: &World, n: u64) -> (Layout, Vec<RepResult>) {
    let layout = Layout::of(w);
    let mut ws = Workspace::new();
    let r = (0..n)
        .map(|i| run_replication(w, &layout, i, &mut ws))
        .collect();
    (layout, r)
}

fn series(layout: &Layout, r: &RepResult, metric: &str) -> Vec<f64> {
    let k = layout.index(metric).unwrap();
    (0..layout.months)
        .map(|m| r.series[m * layout.len() + k])
        .collect()
}

fn total(layout: &Layout, r: &RepResult, metric: &str) -> f64 {
    r.totals[layout.index(metric).unwrap()]
}

/// Share of replications where `hit` holds, with its binomial standard error.
fn share(rs: &[RepResult], hit: impl Fn(&RepResult) -> bool) -> (f64, f64) {
    let n = rs.len() as f64;
    let p = rs.iter().filter(|r| hit(r)).count() as f64 / n;
    (p, (p * (1.0 - p) / n).sqrt().max(1.0 / n))
}

#[test]
fn a_ban_loses_users_monotonically_down_to_the_residual_share() {
    let text = format!(
        "{BASE}
[ban.b]
population = \"us\"
churn_per_year = 3
residual_share = 0.25
[[timeline]]
date = \"2024-07-01\"
kind = \"ban_start\"
ban = \"b\"
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 3);
    for r in &rs {
        let users = series(&layout, r, "users.active.us");
        // Untouched before the ban (June is month 5).
        assert!(
            users[..6].iter().all(|u| (*u - 100e6).abs() < 1e-3),
            "{users:?}"
        );
        for pair in users[6..].windows(2) {
            assert!(
                pair[1] <= pair[0] + 1e-6,
                "users rose after the ban: {pair:?}"
            );
        }
        let last = *users.last().unwrap();
        assert!(last >= 25e6 - 1.0, "below the residual share: {last}");
        // 2.5 years at hazard 3/yr: within 0.1% of the residual.
        assert!(last < 25e6 * 1.001 + 0.001 * 75e6, "{last}");
        assert!(total(&layout, r, "cost.revenue_loss") > 0.0);
    }
}

#[test]
fn revenue_lost_to_a_ban_is_lost_user_days_times_revenue_times_margin() {
    // No churn dynamics to integrate: residual share 0.4 reached at once (huge hazard).
    for (margin, share) in [("", 1.0), ("\nmargin = 0.25", 0.25)] {
        let revenue = "revenue_per_user_year = 36.525";
        let text = format!(
            "{}
[ban.b]
population = \"us\"
churn_per_year = 1e9
residual_share = 0.4
[[timeline]]
date = \"2026-01-01\"
kind = \"ban_start\"
ban = \"b\"
",
            BASE.replace(revenue, &format!("{revenue}{margin}"))
        );
        let (layout, rs) = reps(&world(&text), 1);
        // 365 banned days × 60 M lost users × 36.525/365.25 per user-day × the margin.
        let expected = 365.0 * 60e6 * 0.1 * share;
        let got = total(&layout, &rs[0], "cost.revenue_loss");
        assert!(
            (got - expected).abs() < 1e-6 * expected,
            "{got} vs {expected}"
        );
        // Revenue lost while banned is a recurring cost.
        assert_eq!(total(&layout, &rs[0], "cost.recurring"), got);
        assert_eq!(total(&layout, &rs[0], "cost.one_off"), 0.0);
    }
}

#[test]
fn a_divestiture_ends_restricted_exposure_after_its_transition() {
    let text = format!(
        "{BASE}
[ownership.jv]
staff = [\"cn\"]
transition_days = 30
one_off_cost = 1e9
cost_per_year = 365.25e6
[[timeline]]
date = \"2025-01-01\"
kind = \"ownership_change\"
ownership = \"jv\"
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 3);
    for r in &rs {
        let visible = series(&layout, r, "exposure.records_visible");
        // Months 0..12 (2024) and January 2025 read; from February 2025 on (12 + 1) nothing.
        assert!(visible[..13].iter().all(|v| *v > 0.0));
        assert!(
            visible[14..].iter().all(|v| *v == 0.0),
            "{:?}",
            &visible[12..16]
        );
        // One-off cost plus 1 M a day for the 730 days from 2025-01-01.
        let cost = total(&layout, r, "cost.divestiture");
        assert!((cost - (1e9 + 730.0 * 1e6)).abs() < 1.0, "{cost}");
    }
}

#[test]
fn uncertain_events_and_decision_outcomes_happen_as_often_as_their_probabilities() {
    let text = format!(
        "{BASE}
[ban.b]
population = \"us\"
churn_per_year = 1
residual_share = 0.5
[ownership.jv]
staff = [\"cn\"]
one_off_cost = 1
[decision.d]
max_extensions = 0
[[decision.d.outcome]]
label = \"ban\"
probability = 0.3
then = [{{ kind = \"ban_start\", ban = \"b\" }}]
[[decision.d.outcome]]
label = \"divest\"
probability = 0.5
then = [{{ kind = \"ownership_change\", ownership = \"jv\" }}]
[[decision.d.outcome]]
label = \"extend\"
probability = 0.2
extend_days = 30
[[timeline]]
date = \"2024-03-01\"
kind = \"decide\"
decision = \"d\"
probability = 0.8
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 600);
    // Extensions are not allowed (max 0): ban and divest renormalise to 3/8 and 5/8, and the
    // decision itself happens with probability 0.8.
    let banned = share(&rs, |r| total(&layout, r, "cost.revenue_loss") > 0.0);
    let divested = share(&rs, |r| total(&layout, r, "cost.divestiture") > 0.0);
    for (what, (p, se), want) in [
        ("ban", banned, 0.8 * 0.375),
        ("divest", divested, 0.8 * 0.625),
    ] {
        assert!(
            (p - want).abs() <= 3.0 * se,
            "{what}: {p} ± {se}, expected {want}"
        );
    }
}

#[test]
fn a_regulator_enters_a_state_at_its_hazard_rate() {
    let text = format!(
        "{BASE}
[regulator.r]
initial = \"watch\"
[regulator.r.state.watch]
[regulator.r.state.open]
proceedings = true
milestone = true
[[regulator.r.transition]]
from = \"watch\"
to = \"open\"
per_year = 4
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 400);
    let days: Vec<f64> = rs
        .iter()
        .map(|r| total(&layout, r, "regulatory.r.open.first_day"))
        .collect();
    let n = days.len() as f64;
    let mean = days.iter().sum::<f64>() / n;
    let sd = (days.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    // Exponential with mean 365.25/4 days, discretised to whole days (+0.5 on average).
    let want = 365.25 / 4.0 + 0.5;
    assert!(
        (mean - want).abs() <= 3.0 * sd / n.sqrt(),
        "{mean} vs {want}"
    );
    assert!(rs
        .iter()
        .all(|r| total(&layout, r, "regulatory.proceedings") == 1.0));
}

#[test]
fn pinned_history_holds_until_it_ends_and_pinned_fines_are_imposed_as_written() {
    let text = format!(
        "{BASE}
[finance]
turnover = [{{ date = \"2024-01-01\", amount = 100e9 }}]
[regulator.r]
initial = \"watch\"
history_until = \"2026-01-01\"
[regulator.r.fine]
max_share_of_turnover = 0.04
[regulator.r.state.watch]
[regulator.r.state.decision]
fine = true
milestone = true
[[regulator.r.transition]]
from = \"watch\"
to = \"decision\"
per_year = 1000
[[timeline]]
date = \"2024-06-01\"
kind = \"regulator_state\"
regulator = \"r\"
state = \"decision\"
fine = 345e6
[[timeline]]
date = \"2024-06-02\"
kind = \"regulator_state\"
regulator = \"r\"
state = \"watch\"
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 20);
    for r in &rs {
        assert_eq!(total(&layout, r, "regulatory.r.first_fine"), 345e6);
        assert_eq!(total(&layout, r, "regulatory.r.decision.first_day"), 152.0);
        // From 2026-01-01 the huge hazard fires within days: exactly one more fine.
        assert_eq!(total(&layout, r, "regulatory.fines"), 2.0);
        let fines = series(&layout, r, "cost.fines");
        assert!(
            fines[6..24].iter().all(|f| *f == 0.0),
            "no drawn fine during pinned history"
        );
        assert!(fines[24] > 0.0 && fines[24] <= 0.04 * 100e9);
    }
}

#[test]
fn an_order_is_complied_with_at_its_probability_or_refused_into_its_state_and_ban() {
    let text = format!(
        "{BASE}
[finance]
turnover = [{{ date = \"2024-01-01\", amount = 100e9 }}]
[control.deny_cn]
kind = \"deny\"
staff_jurisdictions = [\"CN\"]
[ban.app]
population = \"us\"
churn_per_year = 2
residual_share = 0.2
[regulator.r]
initial = \"watch\"
[regulator.r.state.watch]
[regulator.r.state.decision]
orders = [{{ control = \"deny_cn\", after_days = 30, comply_probability = 0.3, compliance_cost = 10e6, refuse_state = \"penalty\", refuse_ban = \"app\" }}]
[regulator.r.state.penalty]
penalty_share_of_daily_turnover = 0.01
[[timeline]]
date = \"2024-06-01\"
kind = \"regulator_state\"
regulator = \"r\"
state = \"decision\"
"
    );
    let w = world(&text);
    let (layout, rs) = reps(&w, 400);
    let complied = |r: &RepResult| total(&layout, r, "cost.compliance") > 0.0;
    let (p, se) = share(&rs, complied);
    assert!((p - 0.3).abs() <= 3.0 * se, "complied {p} ± {se}");
    // The deadline is 2024-07-01 (month 6); from August on each path shows its consequences.
    for r in &rs {
        let read = series(&layout, r, "exposure.records_visible");
        let users = series(&layout, r, "users.active");
        let penalties: f64 = series(&layout, r, "cost.fines").iter().sum();
        assert!(
            read[..5].iter().all(|x| *x > 0.0),
            "read before the deadline"
        );
        if complied(r) {
            assert_eq!(total(&layout, r, "cost.compliance"), 10e6);
            assert!(
                read[7..].iter().all(|x| *x == 0.0),
                "denied after complying"
            );
            assert_eq!(users[35], users[0], "no ban after complying");
            assert_eq!(penalties, 0.0);
        } else {
            assert!(read[7..].iter().all(|x| *x > 0.0), "refusing keeps access");
            assert!(
                users[35] < 0.5 * users[0],
                "the ban loses users: {}",
                users[35]
            );
            // A periodic penalty of 1% of daily turnover from the deadline to the end.
            let days = (w.calendar.days - 182) as f64;
            let want = 0.01 * 100e9 / 365.25 * days;
            assert!(
                (penalties - want).abs() <= 1e-6 * want,
                "{penalties} vs {want}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the turnover, seriousness, factor, floor and gravity, no fine exceeds the legal
    /// maximum, and on the same draws a graver infringement never gets a smaller fine.
    #[test]
    fn fines_never_exceed_the_legal_cap_and_grow_with_gravity(
        turnover in 0.0f64..1e12,
        share in 0.0f64..0.1,
        floor in 0.0f64..1e8,
        low in 0.0f64..1.0,
        medium in 0.0f64..1.0,
        factor_max in 1.0f64..5.0,
        seed in 0u64..1000,
        gravity in 0.0f64..10.0,
        more in 0.0f64..10.0,
        fixed_share in proptest::option::of(0.0f64..1.0),
    ) {
        let medium = medium * (1.0 - low);
        let fine = crate::model::FineModel {
            max_share_of_turnover: share,
            max_floor: floor,
            seriousness: [low, medium, 1.0 - low - medium],
            share_of_max: None,
            factor: crate::model::Dist::Uniform { lo: 0.0, hi: factor_max },
            gravity: crate::model::Drivers::default(),
        };
        let mut rng = crate::engine::rng::Base::new(seed, 0, "test", "fine").rng();
        let cap = fine.legal_max(turnover);
        for _ in 0..50 {
            let draws = (rand::Rng::random::<f64>(&mut rng), fine.factor.sample(&mut rng));
            let f = fine.amount(turnover, gravity, draws, fixed_share);
            prop_assert!((0.0..=cap).contains(&f), "{} > cap {}", f, cap);
            let g = fine.amount(turnover, gravity + more, draws, fixed_share);
            prop_assert!(g >= f, "gravity {} gives {}, {} more gives {}", gravity, f, more, g);
            // Continuous in gravity: q = u^(1/(1+g)) moves by at most dg/e, the scale's inverse
            // CDF stretches that by at most its steepest band, so a step of 1e-9 moves the fine
            // by a sliver of the cap, not a jump between seriousness bands.
            let steepest = [(0.1, fine.seriousness[0]), (0.1, fine.seriousness[1]), (0.8, fine.seriousness[2])]
                .iter()
                .filter(|(_, p)| *p > 0.0)
                .map(|(w, p)| w / p)
                .fold(1.0, f64::max);
            let h = fine.amount(turnover, gravity + 1e-9, draws, fixed_share);
            let bound = 1e-9 * steepest * factor_max * cap * 1.01 + 1e-12 * cap;
            prop_assert!((h - f).abs() <= bound, "{} jumps to {} (bound {})", f, h, bound);
        }
    }
}

#[test]
fn a_split_by_function_gives_up_the_unkept_profit_less_the_licence_fee_and_hands_over_access() {
    // 100 M users × 36.525 a year = 10 M a day of revenue; the functions sold earn 30% of it
    // (3 M a day), the seller keeps 20% of their profit and is paid 365.25 M a year (1 M a day):
    // it gives up 0.8 × (3 M − 1 M) = 1.6 M a day from the change (2026-01-01, 365 days).
    let text = format!(
        "{BASE}
[staff.successor]
jurisdiction = \"CN\"
headcount = 100
sessions_per_person_day = 1
records_per_session = 10
populations = [\"us\"]
categories = [\"identifiers\"]
[ownership.split]
staff = [\"cn\"]
successor_staff = [\"successor\"]
population = \"us\"
revenue_share = 0.3
retained_share = 0.2
licence_fee_per_year = 365.25e6
incremental = false
[[timeline]]
date = \"2026-01-01\"
kind = \"ownership_change\"
ownership = \"split\"
"
    );
    let (layout, rs) = reps(&world(&text), 1);
    let r = &rs[0];
    let expected = 365.0 * 1.6e6;
    let got = total(&layout, r, "cost.divestiture");
    assert!(
        (got - expected).abs() < 1e-6 * expected,
        "{got} vs {expected}"
    );
    // Committed before the regime: all of it in cost.committed, none in cost.incremental.
    assert_eq!(
        total(&layout, r, "cost.committed"),
        total(&layout, r, "cost.total")
    );
    assert!(total(&layout, r, "cost.incremental").abs() < 1e-6 * expected);
    // Before the change only `cn` reads, after it only `successor`, at the same rate.
    let cn = series(&layout, r, "exposure.records_visible.cn");
    let successor = series(&layout, r, "exposure.records_visible.successor");
    let (before, after) = (layout.months - 13, layout.months - 1);
    assert!(cn[before] > 0.0 && successor[before] == 0.0);
    assert!(cn[after] == 0.0 && successor[after] > 0.0);
}

#[test]
fn inputs_hold_the_draws_that_set_each_chains_first_drawn_fine() {
    // No gravity and a constant turnover: the first fine is the recorded share of the maximum
    // × EUR 4 bn × the recorded factor (capped at the maximum), replication by replication.
    let fine = "[finance]
turnover = [{ date = \"2024-01-01\", amount = 100e9 }]
[regulator.r.fine]
max_share_of_turnover = 0.04
factor = { dist = \"uniform\", min = 0.6, max = 1.4 }
[regulator.r.state.watch]
[regulator.r.state.decision]
fine = true
[[regulator.r.transition]]
from = \"watch\"
to = \"decision\"
per_year = 1000
";
    let w = world(&format!("{BASE}[regulator.r]\ninitial = \"watch\"\n{fine}"));
    let (layout, rs) = reps(&w, 200);
    let names = &layout.inputs.names;
    let col = |n: &str| names.iter().position(|x| x == n).unwrap();
    let (share, factor) = (
        col("regulator.r.fine.share_of_max"),
        col("regulator.r.fine.factor"),
    );
    let mut distinct = 0;
    for r in &rs {
        let (s, f) = (r.inputs[share], r.inputs[factor]);
        assert!(
            (0.0..=1.0).contains(&s) && (0.6..1.4).contains(&f),
            "{s} {f}"
        );
        let want = (s * 4e9 * f).min(4e9);
        let got = total(&layout, r, "regulatory.r.first_fine");
        assert!((got - want).abs() <= 1e-9 * want, "{got} vs {want}");
        distinct +=
            usize::from(got != rs[0].totals[layout.index("regulatory.r.first_fine").unwrap()]);
    }
    assert!(distinct > 150, "the draws vary across replications");
    // A drawn `share_of_max` is the regulator's own input: no per-chain share column then.
    let drawn = fine.replace(
        "max_share_of_turnover = 0.04\n",
        "max_share_of_turnover = 0.04\nshare_of_max = { dist = \"uniform\", min = 0.01, max = 0.2 }\n",
    );
    let w = world(&format!(
        "{BASE}[regulator.r]\ninitial = \"watch\"\n{drawn}"
    ));
    let names = Layout::of(&w).inputs.names;
    let fines: Vec<&String> = names.iter().filter(|n| n.contains("fine")).collect();
    assert_eq!(
        fines,
        ["regulator.r.fine.share_of_max", "regulator.r.fine.factor"],
        "the drawn share is listed once, as a drawn quantity"
    );
}
