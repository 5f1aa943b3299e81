//! Tests of sweep-file validation ([`super`]).
use super::*;

const SCENARIO: &str = "start = \"2024-01-01\"\nend = \"2024-12-31\"\n\
    [population.eu]\nhome = \"EU\"\nenclave = [\"IE\"]\nusers = 1000\n\
    data_per_user_mb = 1\nplacement = { dublin = 1.0 }\n\
    [site.dublin]\njurisdiction = \"IE\"\ncapacity_pb = 1\n";

/// `root/scenarios/{clover.toml, sweeps/}` and `root/outside.toml`; returns root.
fn tree() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("scenarios/sweeps")).unwrap();
    std::fs::write(root.path().join("scenarios/clover.toml"), SCENARIO).unwrap();
    std::fs::write(root.path().join("outside.toml"), SCENARIO).unwrap();
    root
}

/// Loads a sweep over `base` with `design` lines, written in `scenarios/sweeps/`.
fn sweep(root: &Path, base: &str, design: &str) -> Result<Sweep, Vec<Diagnostic>> {
    let file = root.join("scenarios/sweeps/s.toml");
    let text = format!(
        "base = {base:?}\n{design}\n[[parameter]]\npath = \"site.dublin.capacity_pb\"\nvalues = [1, 2]\n"
    );
    std::fs::write(&file, text).unwrap();
    load(&file)
}

fn message(r: Result<Sweep, Vec<Diagnostic>>) -> String {
    let d = r.expect_err("refused");
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_base_may_be_in_the_folder_above() {
    let root = tree();
    let s = sweep(root.path(), "../clover.toml", "design = \"grid\"").unwrap();
    assert_eq!(s.worlds.len(), 2);
    assert_eq!(s.name, "s");
}

#[test]
fn a_base_further_up_absolute_or_not_a_scenario_is_refused_at_base() {
    let root = tree();
    let m = message(sweep(
        root.path(),
        "../../outside.toml",
        "design = \"grid\"",
    ));
    assert!(
        m.contains("s.toml:1:8: field `base`: `../../outside.toml` is outside"),
        "{m}"
    );
    let abs = root.path().join("outside.toml").display().to_string();
    let m = message(sweep(root.path(), &abs, "design = \"grid\""));
    assert!(m.contains("is an absolute path"), "{m}");
    let m = message(sweep(root.path(), "../clover", "design = \"grid\""));
    assert!(m.contains("is not a scenario file"), "{m}");
    let m = message(sweep(root.path(), "s.toml", "design = \"grid\""));
    assert!(m.contains("is a sweep file"), "{m}");
}

#[test]
fn a_design_with_too_many_points_is_refused_before_laying_it_out() {
    let root = tree();
    let m = message(sweep(
        root.path(),
        "../clover.toml",
        "design = \"sobol\"\nsamples = 1000000000000000000",
    ));
    assert!(m.contains("field `samples`"), "{m}");
    assert!(m.contains(&format!("at most {MAX_POINTS}")), "{m}");
}

#[test]
fn a_scenario_given_as_a_sweep_is_named_as_such() {
    let root = tree();
    let m = message(load(&root.path().join("scenarios/clover.toml")));
    assert!(m.contains("this is not a sweep file"), "{m}");
}

#[test]
fn point_counts_saturate() {
    let axes = vec![Axis::Values(vec![1.0; 3]); 2];
    assert_eq!(point_count(Design::Grid, &axes), 9);
    assert_eq!(point_count(Design::Sobol { samples: 5 }, &axes), 20);
    let many = Design::Sobol {
        samples: usize::MAX,
    };
    assert_eq!(point_count(many, &axes), usize::MAX);
}
