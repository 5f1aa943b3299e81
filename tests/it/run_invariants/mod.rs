//! Invariants of a run over random valid scenarios: every generated scenario validates, and each
//! replication's results obey the identities the engine guarantees whatever the draws.
//!
//! A [`Spec`] is drawn (populations, sites with placements, migrations, flows, staff, controls of
//! every kind, timeline events, optionally a ban and a regulator), written as TOML, loaded through
//! [`regsim::scenario::load`] and run for a few replications. What is checked:
//!
//! - every total and monthly value is finite and ≥ 0; a Sum's total is the sum of its months, a
//!   Level's the last month, a Mean's total lies within its monthly means;
//! - storage, replayed from the spec by the rules of docs/scenario-format.md (rescale in
//!   proportion, then migrations in name order, sources and targets in the order written, never
//!   beyond a target's room), conserves every population's volume and gives exactly the engine's
//!   `residency.pb_days_outside` month by month and its `cost.migration`;
//! - the costs that depend only on the spec (infrastructure, and, where every control's on/off
//!   days are certain, compliance and monitoring and gated flows' `transfer.pb_cross_border`)
//!   equal their closed forms; `cost.total` is the sum of its components month by month and
//!   `cost.total_npv` lies between the total discounted at the last day and the total;
//! - access: denied + abandoned + misuse ≤ sessions; detected ≤ misuse; re-identifiable ≤ masked;
//!   zeros where no control of the kind exists; `exposure.users_distinct` ≤ records read
//!   identifiably so far and ≤ users; `users.active.<p>` is the population's users (no ban) or
//!   between residual share × users and users (ban);
//! - a replication is the same whether its workspace is fresh or reused.
//!
//! Modules: [`spec`] (the generated scenario and shared helpers), [`generate`] (drawing one),
//! [`writer`] (writing it as TOML), [`storage`] (storage replayed by the documented rules),
//! [`check`] (the invariants).

mod check;
mod generate;
mod spec;
mod storage;
mod writer;

use std::path::Path;

use proptest::prelude::*;
use regsim::model::World;

use check::check;
use spec::*;

/// Loads scenario text through a file, as `regsim` does; a generated scenario must be valid.
fn load(text: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.toml");
    std::fs::write(&path, text).unwrap();
    match regsim::scenario::load(Path::new(&path)) {
        Ok(l) => l.world,
        Err(d) => {
            let msgs: Vec<String> = d.iter().map(|d| d.to_string()).collect();
            panic!(
                "generated scenario is invalid:\n{}\n--- scenario ---\n{text}",
                msgs.join("\n")
            )
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_scenarios_are_valid_and_every_run_keeps_the_invariants(shape in shapes()) {
        let spec = Spec::generate(&shape);
        let text = spec.toml();
        let world = load(&text);
        check(&spec, &world).map_err(|e| TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}")))?;
    }
}
