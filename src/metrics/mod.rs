//! Metrics: their names (a contract, see DESIGN.md), what one replication records, and how
//! replications are summarised ([`aggregate`]).
//!
//! A replication produces a total per metric and a monthly series per metric. The engine writes
//! by fixed index ([`id`]); names exist only for output. How a metric's months relate to its
//! total depends on its [`Kind`].

pub mod aggregate;
pub mod annual;
pub mod branches;
pub mod breakdown;
pub mod collect;
pub mod drivers;
pub mod inputs;
pub mod intervals;
pub mod paired;
pub mod quantiles;
pub mod sample;
pub mod table;

use crate::model::World;

/// How a metric is accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monthly amounts; the total is their sum.
    Sum,
    /// A level read on the last day of each month; the total is the level at `end`.
    Level,
    /// A mean of per-event values; monthly: the mean of events in that month (0 if none);
    /// total: the mean over the replication (0 if none).
    Mean,
    /// A value per replication (a within-replication quantile, a first date, a first fine);
    /// total only, no monthly series.
    PerReplication,
}

/// Fixed metric indices used by the engine.
pub mod id {
    pub const RECORDS_VISIBLE: usize = 0;
    pub const RECORDS_MASKED: usize = 1;
    pub const RECORDS_REIDENTIFIABLE: usize = 2;
    pub const USERS_DISTINCT: usize = 3;
    pub const SCORE: usize = 4;
    pub const PB_DAYS_OUTSIDE: usize = 5;
    pub const PB_CROSS_BORDER: usize = 6;
    pub const SESSIONS: usize = 7;
    pub const DENIED: usize = 8;
    pub const ABANDONED: usize = 9;
    pub const WAIT_MEAN: usize = 10;
    pub const WAIT_P95: usize = 11;
    pub const MISUSE: usize = 12;
    pub const DETECTED: usize = 13;
    pub const DETECTION_DELAY: usize = 14;
    pub const PROCEEDINGS: usize = 15;
    pub const FINES: usize = 16;
    pub const USERS_ACTIVE: usize = 17;
    pub const COST_INFRASTRUCTURE: usize = 18;
    pub const COST_MIGRATION: usize = 19;
    pub const COST_MONITORING: usize = 20;
    pub const COST_COMPLIANCE: usize = 21;
    pub const COST_FINES: usize = 22;
    pub const COST_REVENUE_LOSS: usize = 23;
    pub const COST_DIVESTITURE: usize = 24;
    pub const COST_TOTAL: usize = 25;
    pub const COST_TOTAL_NPV: usize = 26;
    pub const COST_ONE_OFF: usize = 27;
    pub const COST_RECURRING: usize = 28;
    pub const COST_COMMITTED: usize = 29;
    pub const COST_INCREMENTAL: usize = 30;
    pub const PB_DAYS_RESTRICTED: usize = 31;
    pub const RECORDS_COMPELLED: usize = 32;
    pub const COST_LOST_WORK: usize = 33;
    /// `users.active.<population>` start here, one per population in name order; then per
    /// regulator its `first_fine` and one `first_day` per milestone state.
    pub const PER_ENTITY: usize = 34;
}

/// The fixed metrics, in output order.
pub const FIXED: [(&str, Kind); 34] = [
    ("exposure.records_visible", Kind::Sum),
    ("exposure.records_masked", Kind::Sum),
    ("exposure.records_reidentifiable", Kind::Sum),
    ("exposure.users_distinct", Kind::Level),
    ("exposure.score", Kind::Sum),
    ("residency.pb_days_outside", Kind::Sum),
    ("transfer.pb_cross_border", Kind::Sum),
    ("access.sessions", Kind::Sum),
    ("access.denied", Kind::Sum),
    ("access.abandoned", Kind::Sum),
    ("access.approval_wait_days", Kind::Mean),
    ("access.approval_wait_days.p95", Kind::PerReplication),
    ("incidents.misuse", Kind::Sum),
    ("incidents.detected", Kind::Sum),
    ("incidents.detection_delay_days", Kind::Mean),
    ("regulatory.proceedings", Kind::Sum),
    ("regulatory.fines", Kind::Sum),
    ("users.active", Kind::Level),
    ("cost.infrastructure", Kind::Sum),
    ("cost.migration", Kind::Sum),
    ("cost.monitoring", Kind::Sum),
    ("cost.compliance", Kind::Sum),
    ("cost.fines", Kind::Sum),
    ("cost.revenue_loss", Kind::Sum),
    ("cost.divestiture", Kind::Sum),
    ("cost.total", Kind::Sum),
    ("cost.total_npv", Kind::Sum),
    ("cost.one_off", Kind::Sum),
    ("cost.recurring", Kind::Sum),
    ("cost.committed", Kind::Sum),
    ("cost.incremental", Kind::Sum),
    ("exposure.pb_days_restricted", Kind::Sum),
    ("exposure.records_compelled", Kind::Sum),
    ("cost.lost_work", Kind::Sum),
];

/// Cost components that add up to `cost.total`. The same total splits another way into
/// `cost.one_off` (capex, data moved, fines, outages, a sale's one-off costs) and
/// `cost.recurring` (running costs, control fees, periodic penalties, revenue lost while banned,
/// work lost to blocking controls),
/// and a third way into `cost.committed` (the costs of blocks marked `incremental = false`,
/// committed before the regime) and `cost.incremental` (the rest).
pub const COST_COMPONENTS: [usize; 8] = [
    id::COST_INFRASTRUCTURE,
    id::COST_MIGRATION,
    id::COST_MONITORING,
    id::COST_COMPLIANCE,
    id::COST_FINES,
    id::COST_REVENUE_LOSS,
    id::COST_DIVESTITURE,
    id::COST_LOST_WORK,
];

/// The metrics of one world: the fixed ones plus one `users.active.<population>` each.
#[derive(Debug, Clone)]
pub struct Layout {
    pub names: Vec<String>,
    pub kinds: Vec<Kind>,
    pub months: usize,
    /// The calendar year of each month.
    pub years: Vec<i32>,
    /// Index of each regulator's `first_fine`; its chains' milestones follow, in chain then
    /// state order.
    pub regulator_offsets: Vec<usize>,
    /// The quantities drawn once per replication.
    pub inputs: inputs::Inputs,
    /// Where the per-entity metrics start.
    pub breakdown: breakdown::Breakdown,
    /// The scenario's seed (keys the summaries' bootstrap streams).
    pub seed: u64,
    /// The horizon in days: a milestone never reached holds this.
    pub horizon_days: f64,
    /// Whether each metric is a milestone (`regulatory.<r>.<state>.first_day`).
    pub milestones: Vec<bool>,
}

impl Layout {
    pub fn of(world: &World) -> Layout {
        let mut names: Vec<String> = FIXED.iter().map(|(n, _)| n.to_string()).collect();
        let mut kinds: Vec<Kind> = FIXED.iter().map(|(_, k)| *k).collect();
        for p in &world.populations {
            names.push(format!("users.active.{}", p.name));
            kinds.push(Kind::Level);
        }
        let mut regulator_offsets = Vec::new();
        let mut milestones = vec![false; names.len()];
        for (g, name) in world.regulator_names.iter().enumerate() {
            regulator_offsets.push(names.len());
            names.push(format!("regulatory.{name}.first_fine"));
            kinds.push(Kind::PerReplication);
            milestones.push(false);
            for r in world.regulators.iter().filter(|r| r.group == g) {
                for s in r.states.iter().filter(|s| s.milestone) {
                    names.push(format!("regulatory.{}.{}.first_day", r.key('.'), s.name));
                    kinds.push(Kind::PerReplication);
                    milestones.push(true);
                }
            }
        }
        let breakdown = breakdown::Breakdown::add(world, &mut names, &mut kinds);
        milestones.resize(names.len(), false);
        Layout {
            names,
            kinds,
            months: world.calendar.months(),
            years: annual::month_years(&world.calendar),
            regulator_offsets,
            inputs: inputs::Inputs::of(world),
            breakdown,
            seed: world.seed,
            horizon_days: world.calendar.days as f64,
            milestones,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether metric `k` is a milestone day, censored at [`Layout::horizon_days`].
    pub fn is_milestone(&self, k: usize) -> bool {
        self.milestones.get(k).copied().unwrap_or(false)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Index of a metric by name (for tests and expectations, never in the event loop).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RepResult {
    /// One total per metric, in [`Layout`] order.
    pub totals: Vec<f64>,
    /// Month-major: `series[month * metrics + metric]`.
    pub series: Vec<f64>,
    /// The quantities drawn once, in [`inputs::Inputs`] order.
    pub inputs: Vec<f64>,
}

impl RepResult {
    pub fn total(&self, metric: usize) -> f64 {
        self.totals[metric]
    }
}
