//! What a sweep's report page shows (issue 29 item 5): heatmaps with a colour scale (diverging
//! on zero for paired differences), metrics the same at every point noted instead of charted,
//! the headline exposure charted by default, no "0 checks" line, and a Reproduce command that,
//! run as written from the folder it names, writes the same files where the sweep wrote them.

use super::*;

/// A grid over the staff headcount and the gateway's re-identification probability; `extra`
/// goes at the top (`versus`, `metrics`, `name`).
fn grid(extra: &str) -> String {
    format!(
        "base = \"../tiny.toml\"\n{extra}design = \"grid\"\nreplications = 3\nseed = 7\n\n\
         [[parameter]]\npath = \"staff.ops.headcount\"\nvalues = [5, 40]\n\n\
         [[parameter]]\npath = \"control.gw.reid_probability\"\nvalues = [0.01, 0.5]\n"
    )
}

fn sweep(file: &Path, out: &Path) {
    regsim()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Fill colours of the SVG's rectangles, as (r, g, b).
fn fills(svg: &str) -> Vec<(u8, u8, u8)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill"))
        .filter_map(|f| {
            let h = f.strip_prefix('#')?;
            let b = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
            Some((b(0)?, b(2)?, b(4)?))
        })
        .collect()
}

#[test]
fn a_heatmap_has_a_colour_scale_and_a_metric_the_same_everywhere_is_noted_not_charted() {
    let s = Setup::new();
    let metrics = "metrics = [\"exposure.records_masked\", \"cost.total\"]\n";
    let file = s.sweep("grid.toml", &grid(metrics));
    let out = s.path("out");
    sweep(&file, &out);
    let dir = out.join("grid");
    let svg = fs::read_to_string(dir.join("chart_exposure.records_masked.svg")).unwrap();
    // The bar's name and its ticks, in the metric's unit.
    assert!(svg.contains("colour: mean"), "no colour scale");
    assert!(!svg.contains("vermillion"), "one sign: a sequential scale");
    // Means of one sign: no cell or bar step is vermillion.
    assert!(
        fills(&svg).iter().all(|(r, _, b)| r <= b),
        "sequential blue"
    );
    // The tiny scenario costs nothing at every point: no chart, a note instead.
    assert!(!dir.join("chart_cost.total.svg").exists());
    assert!(!dir.join("chart_cost.total.png").exists());
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("Not charted, the same at every point: <code>cost.total</code>"),
        "no note"
    );
    assert!(html.contains("the bar at the right gives the values"));
    // A sweep without checks says so, not "0 checks: 0 passed, 0 failed".
    assert!(!html.contains("0 checks"), "zero checks printed");
    assert!(html.contains("no <code>[[expect]]</code> checks"));
}

#[test]
fn paired_differences_read_on_a_scale_centred_on_zero() {
    let s = Setup::new();
    // bare.toml: the tiny scenario without its gateway, so base − versus masks records away.
    let bare = scenario().replace(GATEWAY, "");
    fs::write(s.path("bare.toml"), bare).unwrap();
    let extra =
        "versus = \"../bare.toml\"\nmetrics = [\"exposure.records_visible\", \"exposure.records_masked\"]\n";
    let file = s.sweep("paired.toml", &grid(extra));
    let out = s.path("out");
    sweep(&file, &out);
    let svg = |m: &str| {
        fs::read_to_string(out.join(format!("paired/chart_{m}.svg")))
            .unwrap_or_else(|e| panic!("{m}: {e}"))
    };
    // Fewer records visible through the gateway: negative differences, in vermillion.
    let visible = svg("exposure.records_visible");
    assert!(visible.contains("colour: Δ mean (base − versus)"));
    assert!(visible.contains("blue above 0, vermillion below"));
    let by = |t: &str, f: fn(i32, i32) -> bool| {
        fills(t)
            .iter()
            .filter(|(r, _, b)| f(i32::from(*r), i32::from(*b)))
            .count()
    };
    let reddish = |t: &str| by(t, |r, b| r > b + 60);
    let bluish = |t: &str| by(t, |r, b| b > r + 60);
    assert!(
        reddish(&visible) >= 4 && bluish(&visible) == 0,
        "negative cells read vermillion"
    );
    // More records masked: positive differences, in blue.
    let masked = svg("exposure.records_masked");
    assert!(
        bluish(&masked) >= 4 && reddish(&masked) == 0,
        "positive cells read blue"
    );
}

#[test]
fn the_headline_exposure_is_charted_by_default() {
    let s = Setup::new();
    // Without the gateway every record read is visible, so the headline moves with headcount.
    fs::write(s.path("bare.toml"), scenario().replace(GATEWAY, "")).unwrap();
    let text = "base = \"../bare.toml\"\ndesign = \"grid\"\nreplications = 3\nseed = 7\n\n\
                [[parameter]]\npath = \"staff.ops.headcount\"\nvalues = [5, 20, 40]\n";
    let file = s.sweep("plain.toml", text);
    let out = s.path("out");
    sweep(&file, &out);
    assert!(out
        .join("plain/chart_exposure.records_visible.svg")
        .is_file());
    let json = fs::read_to_string(out.join("plain/sweep.json")).unwrap();
    assert!(
        json.contains("\"chart_metrics\": [\n    \"exposure.records_visible\""),
        "{json}"
    );
}

/// The first `<pre>` command of the report's Reproduce section, with the output folder filled
/// in as the page's script does when opened from disk (the folder holding the page's folder).
fn reproduce_command(page: &Path) -> Vec<String> {
    let html = fs::read_to_string(page).unwrap();
    let section = &html[html.find("id=\"reproduce\"").expect("a Reproduce section")..];
    assert!(
        section.contains("getElementsByClassName('out-dir')"),
        "the script"
    );
    let pre = &section[section.find("<pre>").unwrap() + 5..];
    let pre = &pre[..pre.find("</pre>").unwrap()];
    let out = page
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .display()
        .to_string();
    pre.replace("<span class=\"out-dir\">OUT</span>", &out)
        .split(' ')
        .map(str::to_string)
        .collect()
}

#[test]
fn the_reproduce_command_run_as_written_from_the_sweep_files_folder_writes_the_same_files_where_the_sweep_did(
) {
    let s = Setup::new();
    // Run from the folder above, by a relative path, into a relative output folder: the
    // case where "from the sweep file's folder, --out output" wrote elsewhere.
    let file = s.sweep("renamed_file.toml", &grid("name = \"named\"\n"));
    regsim()
        .current_dir(s.path(""))
        .args(["sweep", "sweeps/renamed_file.toml", "--out", "results"])
        .assert()
        .success();
    let first = s.path("results/named");
    let before = tree(&first);
    let args = reproduce_command(&first.join("report.html"));
    assert_eq!(
        args[..3],
        ["regsim", "sweep", "renamed_file.toml"],
        "{args:?}"
    );
    fs::rename(&first, s.path("moved")).unwrap();
    regsim()
        .current_dir(file.parent().unwrap())
        .args(&args[1..])
        .assert()
        .success();
    assert!(first.is_dir(), "the command wrote elsewhere");
    assert!(tree(&first) == before, "different bytes");
}
