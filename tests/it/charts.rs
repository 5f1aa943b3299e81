//! Charts and HTML reports, end to end: the binary runs the EU scenarios with few replications
//! into a temporary folder, and the files it writes are checked as a reader's tools would open
//! them — PNG decoders, XML parsers and a headless browser.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use assert_cmd::Command;

use crate::common::repo;

/// Per-scenario charts (file names without extension), a contract with docs/outputs.md.
const SCENARIO_CHARTS: [&str; 7] = [
    "exposure",
    "cost_cumulative",
    "loss_exceedance",
    "residency",
    "timeline",
    "users_active",
    "annual_cost",
];
/// Charts of a run of several scenarios (one group: clover and its baseline), and clover's
/// forest chart against its baseline.
const COMPARISON_CHARTS: [&str; 4] = [
    "comparison_metrics",
    "comparison_loss_exceedance",
    "comparison_exposure",
    "comparison_forest_clover",
];
const SCENARIOS: [&str; 2] = ["clover", "eu_status_quo"];

/// `regsim run` of clover and eu_status_quo with 16 replications into `out`, plus `extra` flags.
fn run(out: &Path, extra: &[&str]) {
    let mut cmd = Command::cargo_bin("regsim").unwrap();
    cmd.arg("run");
    for s in SCENARIOS {
        cmd.arg(repo(&format!("scenarios/{s}.toml")));
    }
    cmd.args(["--replications", "16", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// One run shared by the tests that only read its files, in a folder of this test process
/// (two `cargo test` runs on one checkout must not rewrite each other's files); folders of
/// processes that have ended are removed.
fn shared() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        if let Ok(entries) = std::fs::read_dir(base) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let ended = name
                    .strip_prefix("charts-shared-")
                    .is_some_and(|pid| !Path::new("/proc").join(pid).exists());
                if ended && Path::new("/proc/self").exists() {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let out = base.join(format!("charts-shared-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        run(&out, &[]);
        out
    })
}

/// Every chart file of a run: (path relative to the output folder).
fn chart_files() -> Vec<String> {
    let mut files = Vec::new();
    for s in SCENARIOS {
        for c in SCENARIO_CHARTS {
            for ext in ["png", "svg"] {
                files.push(format!("{s}/{c}.{ext}"));
            }
        }
    }
    for c in COMPARISON_CHARTS {
        for ext in ["png", "svg"] {
            files.push(format!("{c}.{ext}"));
        }
    }
    files
}

#[test]
fn every_chart_is_written_as_png_and_svg_per_scenario_and_for_the_comparison() {
    let out = shared();
    for f in chart_files() {
        assert!(out.join(&f).is_file(), "{f} missing");
    }
    for s in SCENARIOS {
        assert!(out.join(s).join("report.html").is_file());
    }
    assert!(out.join("index.html").is_file());
}

#[test]
fn pngs_decode_at_1200_by_700_and_are_not_blank() {
    let out = shared();
    for f in chart_files().iter().filter(|f| f.ends_with(".png")) {
        let file = std::fs::File::open(out.join(f)).unwrap();
        let mut reader = png::Decoder::new(file).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (1200, 700), "{f}");
        assert_eq!(info.color_type, png::ColorType::Rgb, "{f}");
        let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(3).collect();
        let colours: HashSet<&[u8]> = pixels.iter().copied().collect();
        let inked = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
        assert!(colours.len() >= 16, "{f}: only {} colours", colours.len());
        assert!(
            inked * 100 > pixels.len(),
            "{f}: only {inked} non-white pixels"
        );
    }
}

#[test]
fn svgs_are_well_formed_xml_of_the_chart_size() {
    let out = shared();
    for f in chart_files().iter().filter(|f| f.ends_with(".svg")) {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{f}");
        assert_eq!(root.attribute("width"), Some("1200"), "{f}");
        assert_eq!(root.attribute("height"), Some("700"), "{f}");
        assert!(
            doc.descendants().filter(|n| n.has_tag_name("text")).count() >= 3,
            "{f}: no labels"
        );
    }
}

#[test]
fn the_same_seed_gives_byte_identical_charts_and_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&a, &["--threads", "1"]);
    run(&b, &["--threads", "2"]);
    let mut files = chart_files();
    files.extend(["index.html".into(), "clover/report.html".into()]);
    for f in files {
        let (x, y) = (
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs with the same seed");
    }
}

#[test]
fn a_scenario_that_never_costs_anything_gets_a_note_instead_of_a_broken_log_axis() {
    // Every shipped scenario pays for hosting (issue 26), so the free world is written here.
    let tmp = tempfile::tempdir().unwrap();
    let free = r#"
start = "2025-01-01"
end = "2025-12-31"
[population.eu]
home = "EU"
enclave = ["IE"]
users = 1e6
data_per_user_mb = 50
placement = { ie = 1.0 }
[site.ie]
jurisdiction = "IE"
capacity_pb = 1
"#;
    let paid = format!("{free}cost_per_pb_month = 1e4\n");
    std::fs::write(tmp.path().join("free.toml"), free).unwrap();
    std::fs::write(tmp.path().join("paid.toml"), paid).unwrap();
    let out = tmp.path().join("out");
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("run")
        .args([tmp.path().join("free.toml"), tmp.path().join("paid.toml")])
        .args(["--replications", "16", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("free/loss_exceedance.svg")).unwrap();
    assert!(
        svg.contains("Total cost is EUR 0 in every replication."),
        "{svg}"
    );
    let cmp = std::fs::read_to_string(out.join("comparison_loss_exceedance.svg")).unwrap();
    assert!(cmp.contains("Not shown: free"));
}

#[test]
fn money_is_written_with_its_currency_and_a_suffix() {
    let svg = std::fs::read_to_string(shared().join("clover/cost_cumulative.svg")).unwrap();
    assert!(svg.contains("EUR 8 bn"), "no money tick label");
    assert!(
        svg.contains("cost.infrastructure (EUR "),
        "no component total in the legend"
    );
    let dates = std::fs::read_to_string(shared().join("clover/exposure.svg")).unwrap();
    for year in ["2023", "2027", "2030"] {
        assert!(dates.contains(&format!(">\n{year}\n<")) || dates.contains(&format!(">{year}<")));
    }
    assert!(dates.contains("seed 20230308"), "subtitle names the seed");
}

#[test]
fn the_report_lists_metrics_assumptions_sources_and_how_to_reproduce() {
    let html = std::fs::read_to_string(shared().join("clover/report.html")).unwrap();
    for needle in [
        "<img src=\"exposure.svg\"",
        "<img src=\"timeline.svg\"",
        "<code>cost.total</code>",
        "EUR 2.06 bn", // cost.compliance, the same in every replication
        // an assumption, tied to its field, and a facts key
        "<code>site.dublin_1.capacity_pb</code>",
        "3 PB for protected data in the first building",
        "<code>clover.dublin.online</code>",
        // from the base file of the extends chain
        "<code>staff.cn_engineering.headcount</code>",
        "--seed 20230308 --replications 16",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );
    let index = std::fs::read_to_string(shared().join("index.html")).unwrap();
    for needle in [
        "href=\"clover/report.html\"",
        "href=\"eu_status_quo/report.html\"",
        "<img src=\"comparison_metrics.svg\"",
        "<code>exposure.records_visible</code>",
    ] {
        assert!(index.contains(needle), "index.html lacks {needle}");
    }
}

#[test]
fn no_charts_skips_every_chart_but_still_writes_the_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run(&out, &["--no-charts"]);
    for f in chart_files() {
        assert!(!out.join(&f).exists(), "{f} written despite --no-charts");
    }
    let html = std::fs::read_to_string(out.join("clover/report.html")).unwrap();
    assert!(!html.contains("<img"));
    assert!(html.contains("--no-charts"));
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_single_scenario_run_gets_an_index_linking_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("run")
        .arg(repo("scenarios/clover.toml"))
        .args(["--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"clover/report.html\""));
    assert!(!out.join("comparison_metrics.png").exists());
}

// ---- the browser ------------------------------------------------------------------------

const CHROMIUM: &str = "/usr/bin/chromium";

/// What headless Chromium saw on a page: the `<body>` attributes the page's script set after
/// load, and every console message it logged.
struct Seen {
    images: Option<usize>,
    broken: Option<String>,
    console: Vec<String>,
}

fn open_in_chromium(page: &Path) -> Seen {
    let profile = tempfile::tempdir().unwrap();
    let output = Process::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed on {}",
        page.display()
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let body = dom
        .find("<body")
        .map(|i| &dom[i..i + dom[i..].find('>').unwrap()])
        .unwrap_or("");
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        body.find(&key).map(|i| {
            let rest = &body[i + key.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
    };
    Seen {
        images: attr("data-images").and_then(|v| v.parse().ok()),
        broken: attr("data-images-broken"),
        console: String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

/// Whether the browser test can run here; it must on CI.
fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !on_ci,
        "CI is set but {CHROMIUM} is missing: .ci/run installs Debian's chromium package"
    );
    eprintln!("SKIPPED: {CHROMIUM} not found (apt-get install chromium to run the browser test)");
    false
}

#[test]
fn headless_chromium_loads_every_image_of_every_page_without_console_errors() {
    if !chromium_available() {
        return;
    }
    let out = shared();
    let pages = [
        (out.join("index.html"), COMPARISON_CHARTS.len()),
        (out.join("clover/report.html"), SCENARIO_CHARTS.len()),
        (out.join("eu_status_quo/report.html"), SCENARIO_CHARTS.len()),
    ];
    for (page, expected) in pages {
        let seen = open_in_chromium(&page);
        assert_eq!(seen.images, Some(expected), "{}: images", page.display());
        assert_eq!(
            seen.broken.as_deref(),
            Some(""),
            "{}: broken images",
            page.display()
        );
        assert!(
            seen.console.is_empty(),
            "{}: console: {:?}",
            page.display(),
            seen.console
        );
    }

    // The check itself must fail when an image is missing or a script logs an error.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::copy(out.join("index.html"), dir.join("index.html")).unwrap();
    for c in &COMPARISON_CHARTS[1..] {
        std::fs::copy(out.join(format!("{c}.svg")), dir.join(format!("{c}.svg"))).unwrap();
    }
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        html.replace(
            "</body>",
            "<script>console.error('broken on purpose')</script></body>",
        ),
    )
    .unwrap();
    let seen = open_in_chromium(&dir.join("index.html"));
    assert_eq!(seen.broken.as_deref(), Some("comparison_metrics.svg"));
    assert_eq!(seen.console.len(), 1, "{:?}", seen.console);
}

/// A sobol sweep of clover (8 rows over two parameters) and a one-parameter grid, into `out`.
fn sweeps(out: &Path) -> Vec<PathBuf> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("base")).unwrap();
    for f in ["clover.toml", "base/eu.toml"] {
        std::fs::copy(repo(&format!("scenarios/{f}")), dir.path().join(f)).unwrap();
    }
    let texts = [
        ("sobol_two", "design = \"sobol\"\nsamples = 8\n[[parameter]]\npath = \"control.security_gateway_masking.reid_probability\"\nmin = 0.005\nmax = 0.2\n[[parameter]]\npath = \"staff.cn_engineering.headcount\"\nmin = 100\nmax = 1000\n"),
        ("grid_one", "design = \"grid\"\n[[parameter]]\npath = \"staff.cn_engineering.headcount\"\nvalues = [100, 500]\n[[expect]]\nmetric = \"cost.total\"\nmax = 1\n"),
    ];
    for (name, text) in texts {
        let file = dir.path().join(format!("{name}.toml"));
        let text = format!("base = \"clover.toml\"\nreplications = 4\n{text}");
        std::fs::write(&file, text).unwrap();
        let code = if name == "grid_one" { 3 } else { 0 };
        Command::cargo_bin("regsim")
            .unwrap()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(out)
            .assert()
            .code(code);
    }
    texts.iter().map(|(n, _)| out.join(n)).collect()
}

#[test]
fn sweep_reports_show_every_chart_and_check_in_headless_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = sweeps(tmp.path());
    // Both sweeps chart all five default metrics: with the gate's lost work priced, clover's
    // cost.total moves with the headcount too (it was the same at every point before).
    for (dir, charts) in dirs.iter().zip([5, 5]) {
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        for c in [
            "Parameters",
            "Sensitivity",
            "Expectations",
            "Points",
            "regsim sweep",
        ] {
            assert!(html.contains(c), "{}: {c}", dir.display());
        }
        let pngs = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
            .count();
        assert_eq!(pngs, charts, "{}", dir.display());
        if chromium_available() {
            let seen = open_in_chromium(&dir.join("report.html"));
            assert_eq!(seen.images, Some(charts), "{}", dir.display());
            assert_eq!(seen.broken.as_deref(), Some(""));
            assert!(seen.console.is_empty(), "{:?}", seen.console);
        }
    }
    let grid = std::fs::read_to_string(dirs[1].join("report.html")).unwrap();
    assert!(
        grid.contains("<tr class=\"fail\">") && grid.contains("FAIL"),
        "failed checks highlighted"
    );
    let index = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(index.contains("sobol_two/report.html") && index.contains("grid_one/report.html"));
}

#[test]
fn the_diff_report_loads_its_forest_chart_without_console_errors() {
    if !chromium_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("regsim")
        .unwrap()
        .arg("diff")
        .args([
            repo("scenarios/eu_status_quo.toml"),
            repo("scenarios/clover.toml"),
        ])
        .args(["--replications", "8", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("diff_clover_vs_eu_status_quo");
    for ext in ["svg", "png"] {
        assert!(dir.join(format!("diff_forest.{ext}")).is_file());
    }
    let seen = open_in_chromium(&dir.join("report.html"));
    assert_eq!(seen.images, Some(1));
    assert_eq!(seen.broken.as_deref(), Some(""));
    assert!(seen.console.is_empty(), "console: {:?}", seen.console);
}
