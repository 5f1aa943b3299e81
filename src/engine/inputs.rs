//! The input row of a replication: the quantities its components drew at its start
//! ([`crate::metrics::inputs::Inputs`] order), copied from the components that drew them.

use super::books::Books;
use super::draws::Draws;
use super::regime::Regime;
use super::sessions::Sessions;
use super::storage::Estate;
use crate::metrics::Layout;
use crate::model::World;

/// The quantities drawn at the start of a replication, into its input row.
pub(super) fn record_inputs(
    world: &World,
    layout: &Layout,
    sessions: &Sessions,
    estate: &Estate,
    regime: &Regime,
    draws: &Draws,
    books: &mut Books,
) {
    let at = &layout.inputs;
    let row = &mut books.inputs;
    for g in 0..world.staff.len() {
        row[at.staff + g] = sessions.rate(g);
    }
    row[at.migrations..at.migrations + world.migrations.len()]
        .copy_from_slice(&estate.migration_rate);
    row[at.flows..at.flows + world.flows.len()].copy_from_slice(&estate.flow_pb);
    for b in 0..world.bans.len() {
        let k = at.bans + 3 * b;
        row[k] = regime.churn[b];
        row[k + 1] = regime.residual[b];
        row[k + 2] = regime.returning[b];
    }
    row[at.ownerships..at.ownerships + world.ownerships.len()]
        .copy_from_slice(&regime.transition_days);
    for (j, &d) in at.drawn.iter().enumerate() {
        row[at.drawn_first + j] = draws.get(d);
    }
}
