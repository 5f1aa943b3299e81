//! Bad scenario files, run through the real binary: each is refused with exit code 2, a
//! `file:line:col:` diagnostic at the offending field that names it (and, for unknown names, the
//! closest valid one), no panic, and nothing written.
//!
//! Every case starts from [`VALID`], a minimal scenario (one population, one site, one staff
//! group), and makes one small edit. Expected locations are computed from the text written with
//! [`locate`], so a marker like `"headcount = ^-5"` means "the `-5` after `headcount = `".

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

/// A minimal valid scenario: 2 M users × 500 MB = 1 PB on a 2 PB site, read by one staff group.
const VALID: &str = r#"start = "2024-01-01"
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

const FILE: &str = "scenario.toml";

/// [`VALID`] with `from` (which must occur exactly once) replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    edit_text(VALID, from, to)
}

fn edit_text(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// [`VALID`] with `extra` appended.
fn with(extra: &str) -> String {
    format!("{VALID}\n{extra}")
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

/// Names of the entries of a folder.
fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Writes `files` into a fresh temp dir, runs `regsim run <first file> --out <dir>/out
/// --replications 2`, checks it was refused without panicking or writing anything, and returns
/// stderr (and the dir, to keep it alive).
fn refused(files: &[(&str, &str)]) -> (String, TempDir) {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("regsim")
        .unwrap()
        .arg("run")
        .arg(dir.path().join(files[0].0))
        .arg("--out")
        .arg(&out)
        .args(["--replications", "2"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(!out.exists(), "--out folder was created; stderr:\n{stderr}");
    let written: BTreeSet<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        entries(dir.path()),
        written,
        "stray files; stderr:\n{stderr}"
    );
    (stderr, dir)
}

/// The stderr line reporting a problem in `file` at `(line, col)`; fails if there is none.
fn line_at<'a>(stderr: &'a str, file: &str, (line, col): (usize, usize)) -> &'a str {
    let needle = format!("{file}:{line}:{col}: ");
    stderr
        .lines()
        .find(|l| l.contains(&needle))
        .unwrap_or_else(|| panic!("no diagnostic at `{needle}`; stderr:\n{stderr}"))
}

/// `text`, run as a scenario, is refused with a diagnostic at `marker` saying all of `says`.
fn assert_refused_at(text: &str, marker: &str, says: &[&str]) {
    let (stderr, _dir) = refused(&[(FILE, text)]);
    let line = line_at(&stderr, FILE, locate(text, marker));
    for s in says {
        assert!(
            line.contains(s),
            "expected `{s}` in:\n{line}\nstderr:\n{stderr}"
        );
    }
}

fn regsim_validate(path: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("validate")
        .arg(path)
        .assert()
}

#[test]
fn the_minimal_scenario_is_valid() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join(FILE), VALID).unwrap();
    regsim_validate(&dir.path().join(FILE)).code(0);
}

#[test]
fn toml_syntax_error_points_at_the_bad_token() {
    let text = edit("headcount = 10", "headcount = = 10");
    assert_refused_at(&text, "headcount = ^= 10", &["TOML syntax"]);
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    let text = edit("headcount = 10", "headcont = 10");
    assert_refused_at(
        &text,
        "headcont",
        &["`headcont`", "in `staff.ops`", "did you mean `headcount`"],
    );
}

#[test]
fn unknown_top_level_field_suggests_the_closest_name() {
    let text = format!("sead = 7\n{VALID}");
    assert_refused_at(
        &text,
        "sead",
        &["`sead`", "the top level", "did you mean `seed`"],
    );
}

#[test]
fn unknown_field_in_a_distribution_suggests_the_closest_name() {
    let text = edit("p90 = 40", "p09 = 40");
    assert_refused_at(
        &text,
        "p09",
        &[
            "`p09`",
            "staff.ops.records_per_session",
            "did you mean `p90`",
        ],
    );
}

#[test]
fn string_where_a_number_is_expected_is_a_type_error() {
    let text = edit("headcount = 10", "headcount = \"ten\"");
    assert_refused_at(
        &text,
        "\"ten\"",
        &["staff.ops.headcount", "invalid type: string"],
    );
}

#[test]
fn negative_headcount_is_rejected() {
    let text = edit("headcount = 10", "headcount = -5");
    assert_refused_at(
        &text,
        "-5",
        &["staff.ops.headcount", "must not be negative"],
    );
}

#[test]
fn nan_is_not_a_number_we_accept() {
    let text = edit("headcount = 10", "headcount = nan");
    assert_refused_at(&text, "nan", &["staff.ops.headcount", "finite"]);
}

#[test]
fn infinity_is_not_a_number_we_accept() {
    let text = edit("data_per_user_mb = 500", "data_per_user_mb = inf");
    assert_refused_at(&text, "inf", &["population.eu.data_per_user_mb", "finite"]);
}

#[test]
fn probability_above_one_is_rejected() {
    let text = edit("misuse_share = 0.01", "misuse_share = 1.5");
    assert_refused_at(
        &text,
        "1.5",
        &["staff.ops.misuse_share", "probability", "[0, 1]"],
    );
}

#[test]
fn placement_shares_must_sum_to_one() {
    let text = edit("{ dublin = 1.0 }", "{ dublin = 0.7 }");
    assert_refused_at(
        &text,
        "{ dublin = 0.7 }",
        &["population.eu.placement", "sum to 0.7"],
    );
}

#[test]
fn staff_reading_an_unknown_population_lists_the_known_ones() {
    let us = "[population.us]\nhome = \"US\"\nenclave = [\"US\"]\nusers = 1000\n\
              data_per_user_mb = 1\nplacement = { dublin = 1.0 }\n";
    let text = edit_text(
        &with(us),
        "populations = [\"eu\"]",
        "populations = [\"usa\"]",
    );
    assert_refused_at(
        &text,
        "\"usa\"",
        &[
            "staff.ops.populations[0]",
            "unknown population `usa`",
            "did you mean `us`",
            "valid: eu, us",
        ],
    );
}

#[test]
fn unknown_data_category_suggests_the_closest_name() {
    let text = edit("[\"identifiers\"]", "[\"identifers\"]");
    assert_refused_at(
        &text,
        "\"identifers\"",
        &[
            "staff.ops.categories",
            "`identifers`",
            "did you mean `identifiers`",
        ],
    );
}

#[test]
fn invalid_calendar_date_is_rejected() {
    let text = edit("start = \"2024-01-01\"", "start = \"2023-02-30\"");
    assert_refused_at(
        &text,
        "\"2023-02-30\"",
        &["`start`", "2023-02-30", "not a valid calendar date"],
    );
}

#[test]
fn end_before_start_is_rejected() {
    let text = edit("end = \"2024-12-31\"", "end = \"2023-12-31\"");
    assert_refused_at(&text, "\"2023-12-31\"", &["`end`", "before `start`"]);
}

const HEADCOUNT_EVENT: &str = "[[timeline]]\ndate = \"DATE\"\nkind = \"headcount\"\n\
                               staff = \"ops\"\nheadcount = 20\n";

#[test]
fn timeline_date_outside_the_horizon_is_rejected() {
    let text = with(&HEADCOUNT_EVENT.replace("DATE", "2026-01-01"));
    assert_refused_at(
        &text,
        "\"2026-01-01\"",
        &["timeline[0].date", "outside the horizon"],
    );
}

#[test]
fn timeline_events_must_be_in_date_order() {
    let events = [
        HEADCOUNT_EVENT.replace("DATE", "2024-06-01"),
        HEADCOUNT_EVENT.replace("DATE", "2024-03-01"),
    ];
    let text = with(&events.join("\n"));
    assert_refused_at(&text, "\"2024-03-01\"", &["timeline[1].date", "date order"]);
}

#[test]
fn unknown_timeline_event_kind_suggests_the_closest_name() {
    let text = with(&HEADCOUNT_EVENT.replace("DATE", "2024-06-01"))
        .replace("kind = \"headcount\"", "kind = \"head_count\"");
    assert_refused_at(
        &text,
        "\"head_count\"",
        &["timeline[0].kind", "did you mean `headcount`"],
    );
}

#[test]
fn approval_control_without_reviewers_is_rejected() {
    let text = with("[control.review]\nkind = \"approval\"\nreview_days = 1\n");
    assert_refused_at(
        &text,
        "[control.review]",
        &["control `review`", "`approval`", "needs field `reviewers`"],
    );
}

#[test]
fn a_field_of_another_control_kind_is_rejected() {
    let text = with("[control.gw]\nkind = \"gateway\"\nmasks = [\"identifiers\"]\nreviewers = 3\n");
    assert_refused_at(
        &text,
        "reviewers",
        &[
            "control.gw.reviewers",
            "does not apply to a `gateway` control",
        ],
    );
}

#[test]
fn unknown_control_kind_suggests_the_closest_name() {
    let text = with("[control.gw]\nkind = \"gatway\"\nmasks = [\"identifiers\"]\n");
    assert_refused_at(
        &text,
        "\"gatway\"",
        &["control.gw.kind", "`gatway`", "did you mean `gateway`"],
    );
}

#[test]
fn data_cannot_be_placed_on_a_site_that_goes_live_after_start() {
    let text = edit(
        "capacity_pb = 2\n",
        "capacity_pb = 2\n\n[site.later]\njurisdiction = \"IE\"\ncapacity_pb = 2\nonline = \"2024-05-01\"\n",
    );
    let text = edit_text(
        &text,
        "placement = { dublin = 1.0 }",
        "placement = { dublin = 0.5, later = 0.5 }",
    );
    assert_refused_at(
        &text,
        "later = ^0.5",
        &[
            "population.eu.placement.later",
            "goes live only after `start`",
        ],
    );
}

#[test]
fn a_site_too_small_for_its_placed_data_is_rejected() {
    let text = edit("capacity_pb = 2", "capacity_pb = 0.5");
    assert_refused_at(
        &text,
        "capacity_pb = ^0.5",
        &["site.dublin.capacity_pb", "holds 1 PB", "capacity 0.5 PB"],
    );
}

#[test]
fn lognormal_with_p90_below_median_is_rejected() {
    let text = edit("median = 10, p90 = 40", "median = 40, p90 = 10");
    assert_refused_at(
        &text,
        "records_per_session = ^{",
        &["staff.ops.records_per_session", "median", "p90"],
    );
}

#[test]
fn unknown_distribution_name_suggests_the_closest_name() {
    let text = edit("\"lognormal\"", "\"lognormel\"");
    assert_refused_at(
        &text,
        "\"lognormel\"",
        &[
            "staff.ops.records_per_session.dist",
            "`lognormel`",
            "did you mean `lognormal`",
        ],
    );
}

#[test]
fn an_extends_cycle_is_reported_at_the_extends_that_closes_it() {
    let a = format!("extends = \"b.toml\"\n{VALID}");
    let b = format!("extends = \"a.toml\"\n{VALID}");
    let (stderr, _dir) = refused(&[("a.toml", &a), ("b.toml", &b)]);
    let line = line_at(&stderr, "b.toml", locate(&b, "\"a.toml\""));
    assert!(
        line.contains("`extends`") && line.contains("cycle"),
        "{line}"
    );
}

#[test]
fn extends_to_a_missing_file_is_reported() {
    let text = format!("extends = \"missing.toml\"\n{VALID}");
    assert_refused_at(
        &text,
        "\"missing.toml\"",
        &["`extends`", "`missing.toml` not found"],
    );
}

#[test]
fn a_problem_inherited_from_a_base_file_is_located_in_the_base() {
    let base = edit("headcount = 10", "headcount = -5");
    let child = "extends = \"base.toml\"\nseed = 9\n";
    let (stderr, _dir) = refused(&[("child.toml", child), ("base.toml", &base)]);
    let line = line_at(&stderr, "base.toml", locate(&base, "-5"));
    assert!(line.contains("staff.ops.headcount"), "{line}");
}

#[test]
fn a_name_with_a_path_separator_writes_nothing_anywhere() {
    for name in ["../evil", "../../evil", "a/b", "/tmp/evil"] {
        // The scenario and --out live in `sandbox/`; `../../evil` would escape even that.
        let root = TempDir::new().unwrap();
        let sandbox = root.path().join("sandbox");
        fs::create_dir(&sandbox).unwrap();
        let text = format!("name = \"{name}\"\n{VALID}");
        fs::write(sandbox.join(FILE), &text).unwrap();
        let out = sandbox.join("out");
        let assert = Command::cargo_bin("regsim")
            .unwrap()
            .arg("run")
            .arg(sandbox.join(FILE))
            .arg("--out")
            .arg(&out)
            .args(["--replications", "2"])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        let line = line_at(&stderr, FILE, locate(&text, "name = ^\""));
        assert!(line.contains("`name`") && line.contains(name), "{line}");
        assert!(!out.exists(), "{name}: --out created");
        assert_eq!(
            entries(&sandbox),
            BTreeSet::from([FILE.to_string()]),
            "{name}"
        );
        assert_eq!(
            entries(root.path()),
            BTreeSet::from(["sandbox".to_string()]),
            "{name}"
        );
    }
}

#[test]
fn several_problems_are_all_reported_in_one_run() {
    let text = edit("headcount = 10", "headcount = -1");
    let text = edit_text(&text, "{ dublin = 1.0 }", "{ dublin = 0.5 }");
    let text = edit_text(&text, "populations = [\"eu\"]", "populations = [\"us\"]");
    let text = edit_text(&text, "misuse_share = 0.01", "misuse_share = 2");
    let (stderr, _dir) = refused(&[(FILE, &text)]);
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
    let (stderr, _dir) = refused(&[(FILE, &text)]);
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
fn validate_accepts_the_shipped_scenarios() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    regsim_validate(&scenarios).code(0);
}

#[test]
fn validate_rejects_a_bad_file_with_exit_code_2() {
    let dir = TempDir::new().unwrap();
    let text = edit("headcount = 10", "headcount = -5");
    fs::write(dir.path().join(FILE), &text).unwrap();
    let assert = regsim_validate(&dir.path().join(FILE)).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let line = line_at(&stderr, FILE, locate(&text, "-5"));
    assert!(line.contains("staff.ops.headcount"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert_eq!(entries(dir.path()), BTreeSet::from([FILE.to_string()]));
}
