//! The `[migration.NAME]` blocks: moves of a population's data from some sites to others,
//! starting on a day of the horizon, at a rate and a cost per petabyte.

use super::ctx::{lookup, Ctx};
use super::drawn::Draws;
use super::finance::money_rate;
use super::horizon::Horizon;
use super::names::Names;
use crate::model::Migration;
use crate::scenario::raw::RawScenario;
use crate::scenario::source::FieldPath;

/// Every migration, in name order (those whose population or start is wrong left out); their
/// costs go to `draws`.
pub(super) fn migrations(
    cx: &mut Ctx,
    raw: &RawScenario,
    h: &Horizon,
    names: &Names,
    draws: &mut Draws,
) -> Vec<Migration> {
    let mut migrations = Vec::new();
    for (mn, m) in &raw.migration {
        let mp = FieldPath::root().key("migration").key(mn);
        let population = lookup(
            cx,
            &mp.key("population"),
            "population",
            &names.pops,
            &m.population,
        );
        let start_day = h.day(cx, &mp.key("start"), &m.start);
        let mut to = Vec::new();
        for (i, s) in m.to.iter().enumerate() {
            if let Some(x) = lookup(cx, &mp.key("to").index(i), "site", &names.sites, s) {
                to.push(x);
            }
        }
        if m.to.is_empty() {
            cx.err(
                &mp.key("to"),
                format!("field `{}`: name at least one target site", mp.key("to")),
            );
        }
        let mut from = Vec::new();
        for (i, s) in m.from.iter().enumerate() {
            if let Some(x) = lookup(cx, &mp.key("from").index(i), "site", &names.sites, s) {
                if to.contains(&x) {
                    cx.err(
                        &mp.key("from").index(i),
                        format!(
                            "field `{}`: site `{s}` is both a source and a target",
                            mp.key("from")
                        ),
                    );
                }
                from.push(x);
            }
        }
        if m.from.is_empty() {
            from = (0..names.sites.len()).filter(|s| !to.contains(s)).collect();
        }
        let rate = cx.dist(&mp.key("rate_pb_per_day"), &m.rate_pb_per_day, true);
        let money = money_rate(cx, &mp.key("currency"), &m.currency, &raw.finance);
        let cost_per_pb = draws.money(cx, &mp.key("cost_per_pb"), &m.cost_per_pb, money);
        if let (Some(population), Some(start_day)) = (population, start_day) {
            migrations.push(Migration {
                name: mn.clone(),
                population,
                start_day,
                from,
                to,
                rate_pb_per_day: rate,
                cost_per_pb,
                committed: !m.incremental,
            });
        }
    }
    migrations
}
