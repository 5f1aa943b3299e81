//! Engine benchmarks (cargo bench). Figures and the machine they came from are in
//! docs/performance.md.
//!
//! - `mmc_gate`: one staff group through one approval gate with exponential reviews and 8
//!   reviewers (the M/M/c equivalent, ρ = 0.75), one replication of a year; throughput is
//!   counted in access sessions.
//! - `clover_replication`: one replication of the shipped `scenarios/clover.toml`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use regsim::engine::{run_replication, Workspace};
use regsim::metrics::Layout;
use regsim::model::World;

fn load(path: &Path) -> World {
    regsim::scenario::load(path)
        .unwrap_or_else(|d| panic!("{d:?}"))
        .world
}

const MMC: &str = r#"
start = "2024-01-01"
end = "2024-12-30"
[population.p]
home = "X"
enclave = ["X"]
restricted = ["Y"]
users = 1000000
data_per_user_mb = 0
placement = { s = 1.0 }
[site.s]
jurisdiction = "X"
capacity_pb = 1
[staff.g]
jurisdiction = "Y"
headcount = 60
sessions_per_person_day = 100
records_per_session = 1
populations = ["p"]
categories = ["identifiers"]
[control.gate]
kind = "approval"
reviewers = 8
review_days = { dist = "exponential", mean = 0.001 }
"#;

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mmc.toml");
    std::fs::write(&path, MMC).unwrap();
    let mmc = load(&path);
    let layout = Layout::of(&mmc);
    let sessions = 6000 * mmc.calendar.days as u64;
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(sessions));
    let mut ws = Workspace::new();
    let mut rep = 0;
    g.bench_function("mmc_gate", |b| {
        b.iter(|| {
            rep += 1;
            run_replication(&mmc, &layout, rep, &mut ws)
        })
    });
    g.finish();

    let clover = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/clover.toml"));
    let layout = Layout::of(&clover);
    let mut g = c.benchmark_group("scenario");
    g.sample_size(20);
    g.bench_function("clover_replication", |b| {
        b.iter(|| {
            rep += 1;
            run_replication(&clover, &layout, rep, &mut ws)
        })
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
