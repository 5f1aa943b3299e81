//! Inputs the fuzzer (`fuzz/`, target `scenario`) once crashed on, kept in
//! `tests/fuzz_regressions/`, run through the real binary: `regsim validate` on each exits 0
//! (valid) or 2 (invalid) without a panic, and `regsim run` on the valid ones exits 0, 2 (refused,
//! e.g. too many events) or 3 (an `[[expect]]` failed), again without a panic, and writes no
//! `null` (a non-finite statistic) in `summary.json`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const BIN: &str = env!("CARGO_BIN_EXE_regsim");

/// The regression inputs, by name (every file but the folder's README).
fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Runs `regsim` with `args`, checks it did not panic and exited with one of `codes`; returns the
/// exit code.
fn regsim(args: &[&str], file: &Path, codes: &[i32]) -> i32 {
    let out = Command::new(BIN)
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        !stderr.contains("panicked"),
        "{}: regsim {args:?} panicked:\n{stderr}",
        file.display()
    );
    assert!(
        code.is_some_and(|c| codes.contains(&c)),
        "{}: regsim {args:?} exited with {code:?}, expected one of {codes:?}:\n{stderr}",
        file.display()
    );
    code.unwrap()
}

#[test]
fn every_fuzz_finding_is_validated_and_run_without_a_panic() {
    let files = inputs();
    assert!(!files.is_empty(), "no inputs in tests/fuzz_regressions/");
    for file in files {
        let path = file.to_str().unwrap();
        let code = regsim(&["validate", path], &file, &[0, 2]);
        if code != 0 {
            continue;
        }
        let out = tempfile::tempdir().unwrap();
        let code = regsim(
            &[
                "run",
                path,
                "--replications",
                "2",
                "--no-charts",
                "--out",
                out.path().to_str().unwrap(),
            ],
            &file,
            &[0, 2, 3],
        );
        if code == 2 {
            continue;
        }
        for entry in std::fs::read_dir(out.path()).unwrap() {
            let summary = entry.unwrap().path().join("summary.json");
            if summary.is_file() {
                let text = std::fs::read_to_string(&summary).unwrap();
                assert!(
                    !text.contains("null"),
                    "{}: a statistic is not finite in {}",
                    file.display(),
                    summary.display()
                );
            }
        }
    }
}
