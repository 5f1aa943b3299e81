//! Scenario files from arbitrary bytes: read, parse, validate and build them as `regsim
//! validate` does; if one is valid and small enough, run one replication and check that every
//! result is finite and no count or cost is negative. Any panic is a finding.
//!
//! The bytes are written to a file in a temporary folder (one per fuzzing process, the file
//! overwritten for each input) because scenarios are loaded from paths: `extends`, diagnostics
//! and the scenario's name all come from the file.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use regsim::engine::{estimate_events, run_replication, Workspace};
use regsim::metrics::{id, Kind, Layout};

/// Most events (as `estimate_events` counts them) a replication may take to be run.
const MAX_EVENTS: f64 = 2e5;

/// The temporary folder and the scenario file in it.
fn scenario_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("fuzzed.toml");
        (dir, path)
    });
    path
}

fuzz_target!(|data: &[u8]| {
    let path = scenario_path();
    std::fs::write(path, data).expect("write the scenario");
    let Ok(loaded) = regsim::scenario::load(path) else {
        return;
    };
    let world = &loaded.world;
    let events = estimate_events(world);
    if events.is_nan() || events > MAX_EVENTS {
        return;
    }
    let layout = Layout::of(world);
    let result = run_replication(world, &layout, 0, &mut Workspace::new());
    check(&layout, &result.totals, &result.series);
});

/// Every value finite and ≥ 0 (every metric is a count, an amount, a level, a mean of waits or
/// delays, a day or a fine), and the orderings that hold whatever the scenario.
fn check(layout: &Layout, totals: &[f64], series: &[f64]) {
    let nm = layout.len();
    assert_eq!(totals.len(), nm);
    assert_eq!(series.len(), layout.months * nm);
    for (k, name) in layout.names.iter().enumerate() {
        let t = totals[k];
        assert!(t.is_finite() && t >= 0.0, "{name}: total {t}");
        if layout.kinds[k] == Kind::PerReplication {
            continue;
        }
        for m in 0..layout.months {
            let v = series[m * nm + k];
            assert!(v.is_finite() && v >= 0.0, "{name}: month {m}: {v}");
        }
    }
    let t = |k: usize| totals[k];
    assert!(
        t(id::DENIED) + t(id::ABANDONED) <= t(id::SESSIONS),
        "{totals:?}"
    );
    assert!(t(id::MISUSE) <= t(id::SESSIONS), "{totals:?}");
    assert!(t(id::DETECTED) <= t(id::MISUSE), "{totals:?}");
    assert!(
        t(id::RECORDS_REIDENTIFIABLE) <= t(id::RECORDS_MASKED),
        "{totals:?}"
    );
}
