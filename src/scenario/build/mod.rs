//! Semantic validation: from a [`RawScenario`] to a [`World`], or every problem found.
//!
//! Checks: names refer to things that exist (with the closest valid name suggested), numbers are
//! finite and in range, probabilities in [0, 1], shares sum to 1, dates are real, inside the
//! horizon and in order, sites hold the data placed in them, and each control has the fields its
//! kind needs and none it does not use. The output indexes everything; names survive only as
//! labels.
//!
//! [`build`] only orchestrates: one builder per block, mirroring [`crate::model`] (populations,
//! sites, migrations, flows, staff, controls, timeline, regulators, bans, ownerships, decisions,
//! compelled-access events, finance), each reporting through the shared `Ctx` of `ctx.rs`, in
//! the order the blocks are built.

mod action;
mod ban;
mod case;
mod codes;
mod compelled;
mod control;
mod ctx;
mod decision;
mod drawn;
mod drivers;
mod finance;
mod flow;
mod growth;
mod horizon;
mod migration;
mod names;
mod ownership;
mod population;
mod regulator;
mod site;
mod staff;
mod timeline;

pub(super) use ctx::{more_problems, MAX_DIAGNOSTICS};
pub use ctx::{name_from_stem, safe_name, MAX_REPLICATIONS};

use super::raw::RawScenario;
use super::source::Sources;
use crate::error::Diagnostic;
use crate::model::World;
use codes::Jurisdictions;
use ctx::Ctx;
use drawn::Draws;
use horizon::Horizon;
use names::Names;
use timeline::Scheduled;

/// Builds the world, or returns every problem found.
pub fn build(raw: &RawScenario, sources: &Sources) -> Result<World, Vec<Diagnostic>> {
    let mut cx = Ctx::new(sources);
    let names = Names::of(raw);
    let name = names::scenario_name(&mut cx, raw, sources);
    names::check_entity_names(&mut cx, raw, &names);
    let Some(h) = Horizon::of(&mut cx, raw) else {
        return Err(cx.finish());
    };
    let replications = horizon::replications(&mut cx, raw);
    finance::check(&mut cx, raw);
    let weights = codes::weights(&mut cx, raw);
    let jur = Jurisdictions::collect(&mut cx, raw);
    names::check_required(&mut cx, raw);

    let mut draws = Draws::default();
    let (sites, site_online) = site::sites(&mut cx, raw, &h, &jur, &mut draws);
    let (populations, placed_pb) =
        population::populations(&mut cx, raw, &h, &jur, &names, sites.len(), &mut draws);
    site::check_capacity(&mut cx, &sites, &placed_pb);
    let migrations = migration::migrations(&mut cx, raw, &h, &names, &mut draws);
    site::check_decommission(&mut cx, raw, &sites, &migrations);
    let staff = staff::staff(&mut cx, raw, &jur, &names);
    let counts = (populations.len(), staff.len());
    let controls = control::controls(&mut cx, raw, &h, &jur, &names, counts, &mut draws);
    let flows = flow::flows(&mut cx, raw, &h, &jur, &names, &controls.controls);

    let bans = ban::bans(&mut cx, raw, &names);
    let ownerships = ownership::ownerships(&mut cx, raw, &names, &mut draws);
    let (regulators, regulator_names) =
        regulator::regulators(&mut cx, raw, &names, &h.calendar, &mut draws);
    let decisions = decision::decisions(&mut cx, raw, &names);
    let compelled = compelled::compelled(&mut cx, raw, &h, &jur, &names, &populations, &mut draws);
    let turnover_by_day = finance::turnover_by_day(&mut cx, &raw.finance, &h.calendar);

    let timeline = timeline::timeline(&mut cx, raw, &h, &names, &sites, &site_online, &controls);
    let scheduled = Scheduled::of(
        &site_online,
        controls.controls.len(),
        &timeline,
        &decisions,
        &regulators,
    );
    population::check_placed_on_live_sites(&mut cx, raw, &names, &scheduled.sites, &timeline);

    let baseline = names::baseline(&mut cx, raw);
    let report_currency = finance::report_currency(&mut cx, &raw.finance);
    if cx.has_problems() {
        return Err(cx.finish());
    }
    Ok(World {
        name,
        description: raw.description.clone(),
        baseline,
        seed: raw.seed,
        replications: replications as u32,
        precision: None,
        calendar: h.calendar,
        currency: raw.finance.currency.clone(),
        report_currency,
        discount_rate: raw.finance.discount_rate,
        weights,
        jurisdictions: jur.0,
        populations,
        sites,
        migrations,
        flows,
        staff,
        controls: controls.controls,
        timeline,
        regulators,
        regulator_names,
        bans,
        ownerships,
        decisions,
        compelled,
        drawn: draws.0,
        turnover_by_day,
        controls_on_at_start: scheduled.controls.iter().map(|s| !s).collect(),
        sites_online_at_start: scheduled.sites.iter().map(|s| !s).collect(),
    })
}
