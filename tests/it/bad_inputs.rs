//! Bad scenario and sweep files, run through the real binary: each is refused with exit code 2,
//! a `file:line:col:` diagnostic at the offending place that names the field, no panic, and
//! nothing written — not even the `--out` folder.
//!
//! The cases live in `tests/bad_inputs/`, one file (or one folder, for `extends` chains and sweeps
//! with their base) per case, with their expectations in `tests/bad_inputs/expected.toml`
//! (binary and empty files cannot carry comments). Cases too big to commit (100,000-element
//! lists) and symlinks are generated here. A few tests at the end build cases from [`VALID`] by
//! one small edit, where one file must report several problems at once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use tempfile::TempDir;

use crate::common::{regsim, repo, MINIMAL as VALID};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_inputs");
const MANIFEST: &str = "expected.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// Files used by several cases (a sweep's base scenario).
    support: Vec<String>,
    case: Vec<Case>,
}

/// One bad input and what regsim must say about it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The file given to regsim, relative to the corpus folder.
    file: String,
    /// Text the diagnostic must contain (on the located line, when `at` is given).
    fragment: String,
    /// `line:col` of the diagnostic.
    at: Option<String>,
    /// The file the located diagnostic is in, when not `file`.
    #[serde(rename = "in")]
    in_file: Option<String>,
    /// A sweep file: also run with `regsim sweep`.
    #[serde(default)]
    sweep: bool,
    /// The case's other files.
    #[serde(default)]
    also: Vec<String>,
}

fn manifest() -> Manifest {
    let text = fs::read_to_string(Path::new(CORPUS).join(MANIFEST)).unwrap();
    toml::from_str(&text).unwrap()
}

/// Every file under `dir`, as `/`-separated paths relative to it (symlinks not followed).
fn tree(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(base).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"));
                walk(base, &path, out);
            } else {
                out.insert(rel);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A temp folder holding `sandbox/`, where a case's files go and `--out sandbox/out` points:
/// anything written (even through `../` in a name) shows in one of the two.
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let root = TempDir::new().unwrap();
        fs::create_dir(root.path().join("sandbox")).unwrap();
        Sandbox { root }
    }
    fn dir(&self) -> PathBuf {
        self.root.path().join("sandbox")
    }
    /// Writes `bytes` to `rel` (a `/`-separated path) inside the sandbox.
    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.dir().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    /// The sandbox with a corpus case copied in: its file, or its whole top-level folder.
    fn with_corpus_case(case: &Case) -> Self {
        let s = Sandbox::new();
        match case.file.split_once('/') {
            Some((folder, _)) => copy_tree(&Path::new(CORPUS).join(folder), &s.dir().join(folder)),
            None => {
                fs::copy(Path::new(CORPUS).join(&case.file), s.dir().join(&case.file)).unwrap();
            }
        }
        s
    }
}

/// Runs every command on `case` in `sandbox`; the problems found, empty when all is well.
fn check(case: &Case, sandbox: &Sandbox) -> Vec<String> {
    let file = sandbox.dir().join(&case.file);
    let out = sandbox.dir().join("out");
    let before = tree(sandbox.root.path());
    let mut commands: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["validate".into(), file.clone().into()],
        vec![
            "run".into(),
            file.clone().into(),
            "--out".into(),
            out.clone().into(),
            "--replications".into(),
            "2".into(),
            "--no-charts".into(),
        ],
    ];
    if case.sweep {
        commands.push(vec![
            "sweep".into(),
            file.clone().into(),
            "--out".into(),
            out.clone().into(),
        ]);
    }
    let mut problems = Vec::new();
    for args in commands {
        let command = args[0].to_string_lossy().into_owned();
        let mut say = |what: String| problems.push(format!("{} ({command}): {what}", case.file));
        let output = regsim()
            .args(&args)
            .env("RUST_BACKTRACE", "0")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.code() != Some(2) {
            say(format!(
                "exit {:?}, not 2; stderr:\n{stderr}",
                output.status.code()
            ));
        }
        if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
            say(format!("panic:\n{stderr}"));
        }
        if out.exists() {
            say("created the --out folder".into());
        }
        let after = tree(sandbox.root.path());
        if after != before {
            let new: Vec<_> = after.difference(&before).collect();
            say(format!("wrote {new:?}"));
        }
        match &case.at {
            Some(at) => {
                let want = sandbox
                    .dir()
                    .join(case.in_file.as_deref().unwrap_or(&case.file))
                    .canonicalize()
                    .unwrap();
                let needle = format!(":{at}: ");
                let located: Vec<&str> = stderr
                    .lines()
                    .filter(|l| {
                        l.split_once(&needle).is_some_and(|(path, _)| {
                            Path::new(path).canonicalize().ok().as_ref() == Some(&want)
                        })
                    })
                    .collect();
                if located.is_empty() {
                    say(format!(
                        "no diagnostic at {}:{at}; stderr:\n{stderr}",
                        want.display()
                    ));
                } else if !located.iter().any(|l| l.contains(&case.fragment)) {
                    say(format!("`{}` not in {located:?}", case.fragment));
                }
            }
            None => {
                if !stderr.contains(&case.fragment) {
                    say(format!("`{}` not in stderr:\n{stderr}", case.fragment));
                }
            }
        }
    }
    problems
}

/// Checks `cases` (each with the sandbox it runs in) on a few threads; fails listing every
/// problem of every case.
fn check_all(cases: Vec<(Case, Sandbox)>) {
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let chunk = cases.len().div_ceil(threads).max(1);
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().flat_map(|(c, sb)| check(c, sb)).collect()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| vec!["a check panicked".into()]))
            .collect::<Vec<String>>()
    });
    assert!(
        problems.is_empty(),
        "{} problems:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn every_corpus_case_is_refused_where_the_manifest_says() {
    let cases: Vec<(Case, Sandbox)> = manifest()
        .case
        .into_iter()
        .map(|c| {
            let sb = Sandbox::with_corpus_case(&c);
            (c, sb)
        })
        .collect();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    assert!(cases.iter().filter(|(c, _)| c.sweep).count() >= 10);
    check_all(cases);
}

#[test]
fn the_manifest_lists_every_corpus_file_and_nothing_else() {
    let m = manifest();
    let on_disk: BTreeSet<String> = tree(Path::new(CORPUS))
        .into_iter()
        .filter(|f| !f.ends_with('/') && f != MANIFEST)
        .collect();
    let mut listed = BTreeSet::new();
    let names = m
        .case
        .iter()
        .flat_map(|c| std::iter::once(&c.file).chain(&c.also).chain(&c.in_file))
        .chain(&m.support);
    for f in names {
        listed.insert(f.clone());
    }
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(unlisted.is_empty(), "files not in {MANIFEST}: {unlisted:?}");
    assert!(
        missing.is_empty(),
        "{MANIFEST} names missing files: {missing:?}"
    );
    let mut seen = BTreeSet::new();
    for c in &m.case {
        assert!(seen.insert(&c.file), "{} is listed twice", c.file);
        if let Some(at) = &c.at {
            let (l, col) = at.split_once(':').expect("at = \"line:col\"");
            assert!(
                l.parse::<usize>().is_ok() && col.parse::<usize>().is_ok(),
                "{at}"
            );
        }
    }
}

/// A generated case: `files` written into a fresh sandbox, `file` the first of them.
fn generated(
    files: &[(&str, Vec<u8>)],
    fragment: &str,
    at: Option<&str>,
    sweep: bool,
) -> (Case, Sandbox) {
    let sb = Sandbox::new();
    for (name, bytes) in files {
        sb.write(name, bytes);
    }
    let case = Case {
        file: files[0].0.to_string(),
        fragment: fragment.to_string(),
        at: at.map(str::to_string),
        in_file: None,
        sweep,
        also: Vec::new(),
    };
    (case, sb)
}

/// [`VALID`] with `from` (which must occur once) replaced by `to`, as bytes.
fn edited(from: &str, to: &str) -> Vec<u8> {
    edit(from, to).into_bytes()
}

#[test]
fn enormous_inputs_are_refused_quickly_with_the_first_hundred_problems() {
    let n = 100_000;
    let many = |item: &dyn Fn(usize) -> String| (0..n).map(item).collect::<Vec<_>>().join(", ");
    let cases = vec![
        // Was quadratic (minutes): every duplicate located from the start of the file.
        generated(
            &[(
                "categories.toml",
                edited(
                    "categories = [\"identifiers\"]",
                    &format!("categories = [{}]", many(&|_| "\"identifiers\"".into())),
                ),
            )],
            "category `identifiers` is listed twice",
            Some("22:30"),
            false,
        ),
        generated(
            &[(
                "populations.toml",
                edited(
                    "populations = [\"eu\"]",
                    &format!("populations = [{}]", many(&|i| format!("\"eu{i}\""))),
                ),
            )],
            "99900 more problems not shown",
            None,
            false,
        ),
        generated(
            &[(
                "enclave.toml",
                edited(
                    "enclave = [\"IE\"]",
                    &format!("enclave = [{}]", many(&|i| format!("\"not a code {i}\""))),
                ),
            )],
            "`not a code 0` is not a jurisdiction code",
            Some("6:12"),
            false,
        ),
        generated(
            &[(
                "tables.toml",
                format!(
                    "{VALID}{}",
                    (0..n)
                        .map(|i| format!("[population.p{i}]\nhome = 5\n"))
                        .collect::<String>()
                )
                .into_bytes(),
            )],
            "more problems not shown",
            None,
            false,
        ),
        generated(
            &[("nested.toml", format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)).into_bytes())],
            "TOML syntax: recursion limit exceeded",
            None,
            false,
        ),
        generated(
            &[
                (
                    "sweeps/values.toml",
                    format!(
                        "base = \"../base.toml\"\ndesign = \"grid\"\n[[parameter]]\npath = \"staff.ops.headcount\"\nvalues = [{}]\n",
                        many(&|i| i.to_string())
                    )
                    .into_bytes(),
                ),
                ("base.toml", VALID.as_bytes().to_vec()),
            ],
            "has 100000 points; at most 10000 are allowed",
            Some("2:10"),
            true,
        ),
    ];
    check_all(cases);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_are_outside() {
    let scenario = {
        let (c, sb) = generated(
            &[(
                "scenarios/top.toml",
                b"extends = \"link.toml\"\nseed = 3\n".to_vec(),
            )],
            "field `extends`: `link.toml` is outside",
            Some("1:11"),
            false,
        );
        sb.write("outside.toml", VALID.as_bytes());
        std::os::unix::fs::symlink("../outside.toml", sb.dir().join("scenarios/link.toml"))
            .unwrap();
        (c, sb)
    };
    let sweep = {
        let (c, sb) = generated(
            &[(
                "scenarios/sweeps/s.toml",
                b"base = \"../link.toml\"\ndesign = \"grid\"\n[[parameter]]\npath = \"staff.ops.headcount\"\nvalues = [1]\n".to_vec(),
            )],
            "field `base`: `../link.toml` is outside",
            Some("1:8"),
            true,
        );
        sb.write("outside.toml", VALID.as_bytes());
        std::os::unix::fs::symlink("../outside.toml", sb.dir().join("scenarios/link.toml"))
            .unwrap();
        (c, sb)
    };
    check_all(vec![scenario, sweep]);
}

// --- One file, several problems at once ---------------------------------------------------

// `VALID` is the shared minimal scenario (`common::MINIMAL`): 2 M users × 500 MB = 1 PB on a
// 2 PB site, read by one staff group.

const FILE: &str = "scenario.toml";

/// [`VALID`] with `from` (which must occur exactly once) replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    edit_text(VALID, from, to)
}

fn edit_text(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// 1-based line and column (in characters) of `marker` in `text`. The marker must occur once
/// (without its `^`); a `^` in it marks the exact spot, else the spot is the marker's start.
fn locate(text: &str, marker: &str) -> (usize, usize) {
    let caret = marker.find('^').unwrap_or(0);
    let plain = marker.replacen('^', "", 1);
    assert_eq!(
        text.matches(plain.as_str()).count(),
        1,
        "marker `{plain}` must occur exactly once in:\n{text}"
    );
    let offset = text.find(plain.as_str()).unwrap() + caret;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Runs `text` as a scenario in a sandbox; checks it was refused without panicking or writing
/// anything and returns stderr.
fn refused(text: &str) -> String {
    let sb = Sandbox::new();
    sb.write(FILE, text.as_bytes());
    let before = tree(sb.root.path());
    let out = sb.dir().join("out");
    let assert = regsim()
        .arg("run")
        .arg(sb.dir().join(FILE))
        .arg("--out")
        .arg(&out)
        .args(["--replications", "2"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(!out.exists(), "--out folder was created; stderr:\n{stderr}");
    assert_eq!(
        tree(sb.root.path()),
        before,
        "stray files; stderr:\n{stderr}"
    );
    stderr
}

/// The stderr line reporting a problem in `file` at `(line, col)`; fails if there is none.
fn line_at<'a>(stderr: &'a str, file: &str, (line, col): (usize, usize)) -> &'a str {
    let needle = format!("{file}:{line}:{col}: ");
    stderr
        .lines()
        .find(|l| l.contains(&needle))
        .unwrap_or_else(|| panic!("no diagnostic at `{needle}`; stderr:\n{stderr}"))
}

fn regsim_validate(path: &Path) -> assert_cmd::assert::Assert {
    regsim().arg("validate").arg(path).assert()
}

#[test]
fn the_minimal_scenario_is_valid() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join(FILE), VALID).unwrap();
    regsim_validate(&dir.path().join(FILE)).code(0);
}

#[test]
fn several_problems_are_all_reported_in_one_run() {
    let text = edit("headcount = 10", "headcount = -1");
    let text = edit_text(&text, "{ dublin = 1.0 }", "{ dublin = 0.5 }");
    let text = edit_text(&text, "populations = [\"eu\"]", "populations = [\"us\"]");
    let text = edit_text(&text, "misuse_share = 0.01", "misuse_share = 2");
    let stderr = refused(&text);
    let expected = [
        ("headcount = ^-1", "staff.ops.headcount"),
        ("{ dublin = 0.5 }", "population.eu.placement"),
        ("\"us\"", "staff.ops.populations[0]"),
        ("misuse_share = ^2", "staff.ops.misuse_share"),
    ];
    let mut places = BTreeSet::new();
    for (marker, field) in expected {
        let at = locate(&text, marker);
        assert!(
            line_at(&stderr, FILE, at).contains(field),
            "{field}:\n{stderr}"
        );
        places.insert(at);
    }
    assert!(places.len() >= 3);
}

#[test]
fn several_type_errors_are_all_reported_in_one_run() {
    let text = edit("headcount = 10", "headcont = 10");
    let text = edit_text(&text, "capacity_pb = 2", "capacity_pb = \"big\"");
    let text = edit_text(&text, "users = 2_000_000", "users = true");
    let stderr = refused(&text);
    for (marker, field) in [
        ("headcont", "`headcont`"),
        ("\"big\"", "site.dublin.capacity_pb"),
        ("true", "population.eu.users"),
    ] {
        assert!(
            line_at(&stderr, FILE, locate(&text, marker)).contains(field),
            "{stderr}"
        );
    }
}

#[test]
fn validate_accepts_the_shipped_scenarios_and_sweeps() {
    let scenarios = repo("scenarios");
    regsim_validate(&scenarios).code(0);
    regsim_validate(&scenarios.join("sweeps")).code(0);
}
