//! The key-metrics comparison chart: value labels over narrow bars never run into each other
//! (issue 29, report layout). Seven scenarios whose total costs need wide labels
//! ("EUR 8.45 bn") over bars a seventh of a panel wide.

use std::fs;

use crate::common::{minimal_with, regsim};

/// (left, right, top, bottom) of each value label (13 px text centred over a bar) in the SVG,
/// its width estimated at 0.62 em per character (DejaVu Sans averages about 0.6 em).
fn value_labels(svg: &str) -> Vec<(String, [f64; 4])> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
        .filter_map(|n| {
            let size: f64 = n.attribute("font-size")?.parse().ok()?;
            if (size - 13.0 / 1.24).abs() > 0.01 {
                return None;
            }
            let text = n.text()?.trim().to_string();
            let x: f64 = n.attribute("x")?.parse().ok()?;
            let y: f64 = n.attribute("y")?.parse().ok()?;
            let w = text.chars().count() as f64 * 0.62 * size;
            Some((text, [x - w / 2.0, x + w / 2.0, y - size, y]))
        })
        .collect()
}

/// (left, right, top, bottom) of every filled rectangle that is not white: bars, swatches.
fn bars(svg: &str) -> Vec<[f64; 4]> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| !matches!(n.attribute("fill"), None | Some("none" | "#FFFFFF")))
        .filter_map(|n| {
            let a = |k: &str| n.attribute(k)?.parse::<f64>().ok();
            let (x, y, w, h) = (a("x")?, a("y")?, a("width")?, a("height")?);
            Some([x, x + w, y, y + h])
        })
        .collect()
}

/// Whether two (left, right, top, bottom) boxes share any area.
fn meet(p: &[f64; 4], q: &[f64; 4]) -> bool {
    !(p[1] <= q[0] || q[1] <= p[0] || p[3] <= q[2] || q[3] <= p[2])
}

#[test]
fn value_labels_over_narrow_bars_do_not_overlap() {
    let d = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, opex) in [
        ("a", "776e6"),
        ("b", "8.45e9"),
        ("c", "3.62e9"),
        ("d", "10.9e9"),
        ("e", "7.77e9"),
        ("f", "9.99e9"),
        ("g", "8.88e9"),
    ] {
        let text = minimal_with(&[(
            "capacity_pb = 2\n",
            &format!("capacity_pb = 2\nopex_per_year = {opex}\n"),
        )]);
        let p = d.path().join(format!("{name}.toml"));
        fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let out = d.path().join("out");
    regsim()
        .arg("run")
        .args(&paths)
        .args(["--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = fs::read_to_string(out.join("comparison_metrics.svg")).unwrap();
    let labels = value_labels(&svg);
    assert!(!labels.is_empty(), "some panel keeps its labels");
    // No label runs into another label or into a bar (its neighbours' are taller).
    for (i, (a, p)) in labels.iter().enumerate() {
        for (b, q) in &labels[i + 1..] {
            assert!(!meet(p, q), "`{a}` {p:?} overlaps `{b}` {q:?}");
        }
        for r in bars(&svg) {
            assert!(!meet(p, &r), "`{a}` {p:?} runs into a bar {r:?}");
        }
    }
}
