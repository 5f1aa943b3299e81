//! Helpers the integration test modules share.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `regsim` binary of this build.
pub fn regsim() -> Command {
    Command::cargo_bin("regsim").unwrap()
}

/// A path in the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Every file under `dir`, relative path → bytes, sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The minimal valid scenario the tests build on: a year, 2 M users × 500 MB = 1 PB on a 2 PB
/// site in their enclave, read by one staff group of 10 in a restricted jurisdiction. Top-level
/// fields go first, so `format!("name = \"x\"\n{MINIMAL}")` adds one.
pub const MINIMAL: &str = r#"start = "2024-01-01"
end = "2024-12-31"

[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 2_000_000
data_per_user_mb = 500
placement = { dublin = 1.0 }

[site.dublin]
jurisdiction = "IE"
capacity_pb = 2

[staff.ops]
jurisdiction = "CN"
headcount = 10
sessions_per_person_day = 1
records_per_session = { dist = "lognormal", median = 10, p90 = 40 }
populations = ["eu"]
categories = ["identifiers"]
misuse_share = 0.01
"#;

/// [`MINIMAL`] with each `(from, to)` applied in turn; each `from` must occur exactly once.
pub fn minimal_with(edits: &[(&str, &str)]) -> String {
    let mut text = MINIMAL.to_string();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` in the minimal scenario"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// The small enforcement world the regulator tests build on: four years, 10 M EU users' data
/// (60 MB each) on a site in their enclave, read from the start by `headcount` China-based
/// staff (0.1 sessions per person-day, 500 records each, identifiers and behavioural data),
/// with a turnover of EUR 100 bn for fines; `rest` (regulators, controls, more staff) is
/// appended as written.
pub fn enforcement_world(seed: u64, headcount: u32, rest: &str) -> String {
    format!(
        r#"start = "2023-01-01"
end = "2026-12-31"
seed = {seed}
[finance]
currency = "EUR"
turnover = [{{ date = "2023-01-01", amount = 100e9 }}]
[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
user_counts = [{{ date = "2023-01-01", users = 10e6 }}]
data_per_user_mb = 60
placement = {{ ie = 1.0 }}
[site.ie]
jurisdiction = "IE"
capacity_pb = 10
[staff.cn]
jurisdiction = "CN"
headcount = {headcount}
sessions_per_person_day = 0.1
records_per_session = 500
populations = ["eu"]
categories = ["identifiers", "behavioural"]
misuse_share = 0.02
{rest}"#
    )
}
