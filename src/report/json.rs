//! `summary.json`: what was run and every metric's statistics over replications.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::metrics::aggregate::{Stats, Summary};
use crate::model::World;
use crate::precision::Outcome;

/// The header of a summary.
#[derive(Serialize)]
struct Header<'a> {
    scenario: &'a str,
    description: &'a str,
    seed: u64,
    replications: usize,
    start: String,
    end: String,
    currency: &'a str,
    regsim_version: &'a str,
}

/// `summary.json` as bytes (pretty, trailing newline); a precision run adds how it ended
/// (`precision`, after the header).
pub fn summary(
    world: &World,
    seed: u64,
    replications: usize,
    s: &Summary,
    precision: Option<&Outcome>,
) -> Vec<u8> {
    let header = Header {
        scenario: &world.name,
        description: &world.description,
        seed,
        replications,
        start: world.calendar.start.to_string(),
        end: world.calendar.end.to_string(),
        currency: &world.currency,
        regsim_version: env!("CARGO_PKG_VERSION"),
    };
    let mut root = match serde_json::to_value(header).expect("plain struct") {
        Value::Object(m) => m,
        _ => unreachable!("a struct serializes to an object"),
    };
    if let Some(p) = precision {
        root.insert(
            "precision".into(),
            serde_json::to_value(p).expect("finite numbers"),
        );
    }
    let mut metrics = Map::new();
    for (name, stats) in s.layout.names.iter().zip(&s.totals) {
        let mut v = serde_json::to_value(stats).expect("finite numbers");
        if let Value::Object(m) = &mut v {
            if stats.all_equal() {
                // No spread, so no interval: say what the values were instead.
                m.insert("ci95".into(), Value::Null);
                m.insert("note".into(), Value::String(nonzero_note(stats)));
            }
        }
        metrics.insert(name.clone(), v);
    }
    root.insert("metrics".into(), Value::Object(metrics));
    let mut out = serde_json::to_vec_pretty(&Value::Object(root)).expect("serializable");
    out.push(b'\n');
    out
}

/// "k non-zero of n, all equal": what replaces the interval of a metric without spread.
pub fn nonzero_note(s: &Stats) -> String {
    format!("{} non-zero of {}, all equal", s.n_nonzero, s.n)
}
