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
