//! regsim — a discrete-event simulator for data-sovereignty regimes.
//!
//! An analyst describes a world in a TOML scenario — user populations, data centres, data
//! flows, staff who read user data and the controls between them — and regsim replays it many
//! times with random draws, then reports how much protected user data was exposed and what the
//! regime cost.
//!
//! Data flows one way, and the modules follow it:
//!
//! | stage | module |
//! |---|---|
//! | scenario file → raw structs → validated model | [`scenario`] (`raw`, `source`, `build`) |
//! | the built world, by index | [`model`] |
//! | one replication: clock, event queue, random streams | [`engine`] |
//! | per-replication totals and series, aggregation | [`metrics`] |
//! | parallel replications, shared by `run` and `sweep`; progress on a terminal | [`replicate`], [`progress`] |
//! | precision on demand: replications in blocks until intervals are narrow enough | [`precision`] |
//! | refusing work too large for the machine (events, memory, disk) | [`limits`] |
//! | the library API: load, set values by path, run, diff, sweep, discover — results in memory | [`api`], [`discover::find`] |
//! | `regsim run`: discovery, validation; one scenario's [`Results`], computed then written | [`mod@run`] |
//! | `regsim diff`: paired differences of two scenarios, computed ([`Diffed`]) then written | [`mod@diff`] |
//! | files: JSON, CSV, charts, HTML report | [`report`] |
//! | the public-facts table `# FACTS:` keys cite (`docs/facts.csv`) | [`facts`] |
//! | `[[expect]]` checks: expectations.json, junit.xml | [`expect`] |
//! | `regsim sweep`/`merge`: designs, parameter paths, shards, sensitivity | [`sweep`] |
//! | `regsim discover`: PRIM scenario discovery over a sweep's or run's rows | [`discover`] |
//! | `regsim calibrate`: hazards and fine share fitted to the enforcement record | [`calibrate`] |
//! | queueing theory the tests hold the approval gate to (Erlang C, Erlang-A) | [`theory`] |
//!
//! Same scenario and seed give byte-identical outputs whatever the thread count: replication r
//! of every block draws from the stream of (seed, r, block kind, block name) ([`engine::rng`]),
//! so scenarios that share a block draw the same numbers for it, and results are aggregated in
//! replication order.

pub mod api;
pub mod calibrate;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod error;
pub mod expect;
pub mod facts;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod precision;
pub mod progress;
pub mod replicate;
pub mod report;
pub mod run;
pub mod scenario;
pub mod stop;
pub mod sweep;
pub mod theory;

pub use api::{diff, run, sweep, Scenario, Settings};
pub use diff::Diffed;
pub use discover::Discovery;
pub use run::Results;
pub use sweep::memory::SweepResults;
