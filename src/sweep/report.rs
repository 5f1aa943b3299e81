//! `report.html` of a sweep, self-contained like the run reports (`report::html`): the sweep's
//! parameters and design, every chart, the sensitivity indices with their 95% intervals, every
//! `[[expect]]` at every point (failures highlighted), the points table and the command that
//! reproduces it. Everything comes from the manifest and the point results, so an unsharded
//! run, a resume and `regsim merge` write the same page. `index.html` of the output folder
//! lists its sweeps when it holds several; a run's `index.html` there lists them in its
//! "Sweeps" section, which a sweep finishing later rewrites in place.

use std::fmt::Write;
use std::path::Path;

use crate::expect::Check;
use crate::report::atomic_write;
use crate::report::charts::Rendered;
use crate::report::format::Unit;
use crate::report::html::{esc, page, shell_word};

use super::charts::constant_metrics;
use super::results::{indices, Indices, Manifest, PointResult};
use super::sensitivity::Estimate;

/// Marks an `index.html` written by a sweep, which a later sweep may rewrite.
const INDEX_MARK: &str = "<!-- regsim sweep index -->";

/// Extra styles: failed checks in red, passed in green.
const STYLE: &str = "<style>tr.fail td { background: #fde4dc; } tr.pass td.v { color: #00734f; } \
                     tr.fail td.v { color: #a33a00; font-weight: bold; }</style>\n";

/// What a sweep chart shows.
fn caption(name: &str, m: &Manifest) -> String {
    if name.starts_with("tornado_") {
        return match m.design.as_str() {
            "sobol" => "Parameters ranked by their total-order Sobol index ST (the share of the variance of the metric's mean per point that involves the parameter), with the first-order index S1 (its effect alone) as the thin bar; whiskers are 95% bootstrap intervals of ST.".into(),
            _ => "Parameters ranked by Morris μ*, the mean absolute elementary effect of moving one parameter by a step Δ of its unit-scaled range, in the metric's unit; whiskers are 95% bootstrap intervals.".into(),
        };
    }
    if m.parameters.len() == 2 {
        if m.versus.is_some() {
            return "The mean paired difference (base − versus) over replications at every grid point, on a colour scale centred on zero: blue above zero, vermillion below, deeper further from zero; the bar at the right gives the values.".into();
        }
        return "The metric's mean over replications at every grid point: darker is larger (on a scale centred on zero, blue above and vermillion below, when the means have both signs); the bar at the right gives the values.".into();
    }
    "The metric's mean over replications at each value of the parameter (dots), with the band from the 5th to the 95th percentile across replications.".into()
}

fn head(b: &mut String, m: &Manifest, points: usize) {
    let design = match (m.sobol_rows, &m.morris_steps) {
        (Some(n), _) => format!(
            "Saltelli's scheme on a scrambled Sobol' sequence, N = {n} rows of k + 2 points"
        ),
        (_, Some(t)) => format!("{} Morris trajectories of k + 1 points", t.len()),
        _ => m.design.clone(),
    };
    let _ = writeln!(
        b,
        "<h1>Sweep {}</h1>\n<p class=\"meta\">base <code>{}</code> · <code>{}</code> design ({}) · {points} points × {} replications · seed {} · regsim {}</p>",
        esc(&m.name),
        esc(&m.base),
        esc(&m.design),
        esc(&design),
        per_point(m),
        m.seed,
        esc(&m.regsim_version)
    );
    if let Some(v) = &m.versus {
        let unset = if m.versus_unset.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = m
                .versus_unset
                .iter()
                .map(|p| format!("<code>{}</code>", esc(p)))
                .collect();
            format!(
                " Parameters the versus scenario does not have, set in the base only: {}.",
                names.join(", ")
            )
        };
        let _ = writeln!(
            b,
            "<p><b>Every statistic is a paired difference</b>: base − <code>{}</code>, \
             replication by replication on the same random numbers, with each parameter set in \
             both scenarios where it exists.{unset}</p>",
            esc(v)
        );
    }
    for w in &m.warnings {
        let _ = writeln!(b, "<p class=\"warn\"><b>Warning</b>: {}</p>", esc(w));
    }
    b.push_str("<p>Contents: <a href=\"#parameters\">parameters</a> · <a href=\"#charts\">charts</a> · \
                <a href=\"#sensitivity\">sensitivity</a> · <a href=\"#expectations\">expectations</a> · \
                <a href=\"#points\">points</a> · <a href=\"#reproduce\">reproduce</a></p>\n");
    b.push_str("<h2 id=\"parameters\">Parameters</h2>\n<table>\n<tr><th class=\"l\">path</th><th>lowest</th><th>highest</th><th>distinct values</th></tr>\n");
    for (i, p) in m.parameters.iter().enumerate() {
        let mut v: Vec<f64> = m.points.iter().map(|x| x[i]).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(p),
            esc(&Unit::Count.format(v[0])),
            esc(&Unit::Count.format(v[v.len() - 1])),
            v.len()
        );
    }
    b.push_str("</table>\n");
}

fn figures(b: &mut String, m: &Manifest, results: &[PointResult], charts: &[Rendered]) {
    b.push_str("<h2 id=\"charts\">Charts</h2>\n");
    let flat = constant_metrics(m, results);
    if !flat.is_empty() {
        let each: Vec<String> = flat
            .iter()
            .map(|(metric, v)| {
                format!(
                    "<code>{}</code> ({})",
                    esc(metric),
                    esc(&Unit::of_metric(metric, &m.currency).format(*v))
                )
            })
            .collect();
        let _ = writeln!(
            b,
            "<p>Not charted, the same at every point: {}. The parameters swept do not move {}.</p>",
            each.join(", "),
            if flat.len() == 1 { "it" } else { "them" }
        );
    }
    if charts.is_empty() && flat.len() < m.chart_metrics.len() {
        b.push_str("<p>This design has no chart (charts need one parameter, a two-parameter grid, or a sobol or morris design).</p>\n");
    }
    for c in charts {
        let _ = writeln!(
            b,
            "<figure id=\"{n}\">\n<img src=\"{n}.svg\" width=\"1200\" height=\"700\" alt=\"{n}\">\n\
             <figcaption>{} <a href=\"{n}.png\">PNG</a> · <a href=\"{n}.svg\">SVG</a></figcaption>\n</figure>",
            esc(&caption(&c.name, m)),
            n = esc(&c.name),
        );
    }
}

fn interval(unit: &Unit, e: &Estimate) -> String {
    format!(
        "<td>{}</td><td>{} – {}</td>",
        esc(&unit.format(e.value)),
        esc(&unit.format(e.lo)),
        esc(&unit.format(e.hi))
    )
}

fn sensitivity(b: &mut String, m: &Manifest, results: &[PointResult]) {
    b.push_str("<h2 id=\"sensitivity\">Sensitivity</h2>\n");
    let (cols, unit_of): (&str, fn(&str, &str) -> Unit) = match m.design.as_str() {
        "sobol" => (
            "<th>S1</th><th>95% interval</th><th>ST</th><th>95% interval</th>",
            |_, _| Unit::Count,
        ),
        "morris" => (
            "<th>μ*</th><th>95% interval</th><th>σ</th><th>95% interval</th><th>μ</th>",
            Unit::of_metric,
        ),
        _ => {
            b.push_str("<p>Only <code>sobol</code> and <code>morris</code> designs give sensitivity indices.</p>\n");
            return;
        }
    };
    b.push_str("<p>Computed on each metric's mean per point, with 95% bootstrap intervals (1,000 resamples); all values in <a href=\"sensitivity.csv\">sensitivity.csv</a>.</p>\n<div class=\"wide\"><table>\n");
    let _ = writeln!(
        b,
        "<tr><th class=\"l\">metric</th><th class=\"l\">parameter</th>{cols}</tr>"
    );
    for metric in &m.sensitivity_metrics {
        let unit = unit_of(metric, &m.currency);
        let rows: Vec<String> = match indices(m, results, metric) {
            Some(Indices::Sobol(s)) => s
                .iter()
                .map(|s| interval(&unit, &s.s1) + &interval(&unit, &s.st))
                .collect(),
            Some(Indices::Morris(s)) => s
                .iter()
                .map(|s| {
                    interval(&unit, &s.mu_star)
                        + &interval(&unit, &s.sigma)
                        + &format!("<td>{}</td>", esc(&unit.format(s.mu)))
                })
                .collect(),
            None => continue,
        };
        for (p, cells) in m.parameters.iter().zip(rows) {
            let _ = writeln!(b, "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\"><code>{}</code></td>{cells}</tr>", esc(metric), esc(p));
        }
    }
    b.push_str("</table></div>\n");
}

fn expectations(b: &mut String, m: &Manifest, checks: &[Check]) {
    if checks.is_empty() {
        b.push_str("<h2 id=\"expectations\">Expectations</h2>\n<p>This sweep has no <code>[[expect]]</code> checks.</p>\n");
        return;
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(
        b,
        "<h2 id=\"expectations\">Expectations</h2>\n<p>{} checks at the points their <code>where</code> selects: <b>{} passed, {failed} failed</b>. Also in <a href=\"expectations.json\">expectations.json</a> and <a href=\"junit.xml\">junit.xml</a>.</p>",
        checks.len(),
        checks.len() - failed
    );
    b.push_str("<div class=\"wide\"><table>\n<tr><th class=\"l\">check</th><th>point</th><th class=\"l\">parameters</th><th>value</th><th class=\"l\">result</th></tr>\n");
    for c in checks {
        let unit = Unit::of_metric(&c.metric, &m.currency);
        let params: Vec<String> = c
            .parameters
            .iter()
            .map(|(p, v)| format!("{} = {}", esc(p), esc(&Unit::Count.format(*v))))
            .collect();
        let _ = writeln!(
            b,
            "<tr class=\"{}\"><td class=\"l\"><code>{}</code></td><td>{}</td><td class=\"l small\">{}</td><td class=\"v\">{}</td><td class=\"l v\">{}</td></tr>",
            if c.passed { "pass" } else { "fail" },
            esc(&c.name),
            c.point.map_or(String::new(), |p| p.to_string()),
            params.join("<br>"),
            esc(&unit.format(c.value)),
            if c.passed { "pass" } else { "FAIL" }
        );
    }
    b.push_str("</table></div>\n");
}

/// Replications per point: the fixed number, or a precision sweep's blocks and most.
fn per_point(m: &Manifest) -> String {
    match &m.precision {
        None => m.replications.to_string(),
        Some(p) => {
            format!(
            "up to {} (in blocks of {}, until each point's {} met {}; each point's count in the \
             <code>replications</code> column of points.csv)",
            m.replications,
            p.block,
            p.metrics
                .iter()
                .map(|t| esc(&t.metric))
                .collect::<Vec<_>>()
                .join(", "),
            p.rel
                .map_or("its absolute targets".into(), |r| format!("±{}% of the mean", 100.0 * r)),
        )
        }
    }
}

fn points(b: &mut String, m: &Manifest, results: &[PointResult]) {
    let _ = writeln!(
        b,
        "<h2 id=\"points\">Points</h2>\n<p>The mean of each charted metric over {} replications, with the 95% confidence interval of the mean; every metric and percentile in <a href=\"points.csv\">points.csv</a>.</p>\n<div class=\"wide\"><table>",
        per_point(m)
    );
    b.push_str("<tr><th>point</th>");
    for p in &m.parameters {
        let _ = write!(b, "<th><code>{}</code></th>", esc(p));
    }
    let shown: Vec<(usize, &String)> = m
        .chart_metrics
        .iter()
        .filter_map(|c| m.metrics.iter().position(|n| n == c).map(|i| (i, c)))
        .collect();
    for (_, c) in &shown {
        let _ = write!(b, "<th><code>{}</code> mean</th><th>95% CI</th>", esc(c));
    }
    b.push_str("</tr>\n");
    for r in results {
        let _ = write!(b, "<tr><td>{}</td>", r.point);
        for v in &m.points[r.point] {
            let _ = write!(b, "<td>{}</td>", esc(&Unit::Count.format(*v)));
        }
        for (i, c) in &shown {
            let u = Unit::of_metric(c, &m.currency);
            let s = r.stats[*i];
            let _ = write!(
                b,
                "<td>{}</td><td>{} – {}</td>",
                esc(&u.format(s[0])),
                esc(&u.format(s[7])),
                esc(&u.format(s[8]))
            );
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table></div>\n");
}

/// Fills the output folder into the Reproduce commands when the page is opened from disk: the
/// folder holding the page's folder. The page's bytes do not depend on where it was written
/// (an unsharded run, a resume and a merge write the same page), so the folder is read from
/// the page's own address.
const OUT_SCRIPT: &str = r#"<script>
(function () {
  if (location.protocol !== 'file:') return;
  var parts = decodeURIComponent(location.pathname).split('/');
  parts.splice(parts.length - 2, 2);
  var dir = parts.join('/') || '/';
  if (/^\/[A-Za-z]:\//.test(dir)) dir = dir.slice(1);
  var word = /^[A-Za-z0-9\/._+=:,@-]+$/.test(dir) ? dir : "'" + dir.replace(/'/g, "'\\''") + "'";
  var els = document.getElementsByClassName('out-dir');
  for (var i = 0; i < els.length; i++) els[i].textContent = word;
})();
</script>"#;

/// The Reproduce section: commands to run from the sweep file's folder that write where this
/// sweep's results are (`OUT`, the folder holding this page's folder, filled in by
/// [`OUT_SCRIPT`]).
fn reproduce(b: &mut String, m: &Manifest) {
    let file = shell_word(m.file.as_deref().unwrap_or(&format!("{}.toml", m.name)));
    let out = "<span class=\"out-dir\">OUT</span>";
    let _ = writeln!(
        b,
        "<h2 id=\"reproduce\">Reproduce</h2>\n<p>From the folder of the sweep file <code>{file}</code> (its <code>base</code>, <code>{}</code>, is relative to it), this writes the same files into <code>{out}/{}/</code>, byte for byte, whatever the threads or shards:</p>\n\
         <pre>regsim sweep {file} --out {out}</pre>\n<p>or across machines, shard by shard, then joined:</p>\n\
         <pre>regsim sweep {file} --shard 1/4 --out shard-1   # … 2/4, 3/4, 4/4\nregsim merge shard-1 shard-2 shard-3 shard-4 --out {out}</pre>\n\
         <p class=\"small\"><code>{out}</code> is the output folder, the one holding this sweep's folder <code>{}/</code>; opened from disk, this page fills it in.</p>\n{OUT_SCRIPT}",
        esc(&m.base),
        esc(&m.name),
        esc(&m.name),
    );
}

/// `report.html` of a sweep.
pub fn sweep_report(
    m: &Manifest,
    results: &[PointResult],
    charts: &[Rendered],
    checks: &[Check],
) -> Vec<u8> {
    let mut b = String::from(STYLE);
    b.push_str(
        "<p class=\"small\"><a href=\"../index.html\">← the output folder's index</a></p>\n",
    );
    head(&mut b, m, results.len());
    figures(&mut b, m, results, charts);
    sensitivity(&mut b, m, results);
    expectations(&mut b, m, checks);
    points(&mut b, m, results);
    reproduce(&mut b, m);
    page(&format!("regsim sweep: {}", m.name), &b)
}

/// Bracket the sweeps section of a run's `index.html`, which a later sweep rewrites in place.
const SWEEPS_START: &str = "<!-- regsim sweeps -->";
const SWEEPS_END: &str = "<!-- regsim sweeps end -->";

/// The sweeps in `out`: every folder directly in it holding a sweep's `report.html` and
/// `sweep.json`, by name.
fn sweeps_in(out: &Path) -> Vec<Manifest> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut sweeps: Vec<Manifest> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("report.html").is_file())
        .filter_map(|p| serde_json::from_slice(&std::fs::read(p.join("sweep.json")).ok()?).ok())
        .collect();
    sweeps.sort_by(|a, b| a.name.cmp(&b.name));
    sweeps
}

/// A table of `sweeps`, each linking its report.
fn sweeps_table(sweeps: &[Manifest]) -> String {
    let mut b = String::from("<table>\n<tr><th class=\"l\">sweep</th><th class=\"l\">base</th><th class=\"l\">design</th><th>points</th><th>replications</th><th>seed</th></tr>\n");
    for m in sweeps {
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><a href=\"{n}/report.html\">{n}</a></td><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.base),
            esc(&m.design),
            m.points.len(),
            m.replications,
            m.seed,
            n = esc(&m.name),
        );
    }
    b.push_str("</table>\n");
    b
}

/// The sweeps section of a run's `index.html`: the sweeps in `out` (nothing when there are
/// none) between markers, so that a sweep run into the folder later can rewrite it.
pub fn run_index_section(out: &Path) -> String {
    let sweeps = sweeps_in(out);
    if sweeps.is_empty() {
        return format!("{SWEEPS_START}{SWEEPS_END}\n");
    }
    format!(
        "{SWEEPS_START}\n<h2>Sweeps</h2>\n<p>Sweeps whose outputs are in this folder (<code>regsim sweep FILE --out</code> it):</p>\n{}{SWEEPS_END}\n",
        sweeps_table(&sweeps)
    )
}

/// Writes `out/index.html`: when it is a run's index, rewrites its sweeps section to list the
/// sweeps in `out`; otherwise lists them on a page of its own when there are several. An
/// `index.html` that neither a run nor a sweep wrote is left alone.
pub fn write_index(out: &Path) -> anyhow::Result<()> {
    let index = out.join("index.html");
    if index.exists() {
        let text = std::fs::read_to_string(&index).unwrap_or_default();
        if !text.contains(INDEX_MARK) {
            let (Some(a), Some(z)) = (text.find(SWEEPS_START), text.find(SWEEPS_END)) else {
                return Ok(());
            };
            let z =
                z + SWEEPS_END.len() + usize::from(text[z + SWEEPS_END.len()..].starts_with('\n'));
            let new = format!("{}{}{}", &text[..a], run_index_section(out), &text[z..]);
            return if new == text {
                Ok(())
            } else {
                atomic_write(&index, new.as_bytes())
            };
        }
    }
    let sweeps = sweeps_in(out);
    if sweeps.len() < 2 {
        return Ok(());
    }
    let b = format!(
        "{INDEX_MARK}\n<h1>regsim sweeps</h1>\n<p class=\"meta\">{} sweeps in this folder</p>\n{}",
        sweeps.len(),
        sweeps_table(&sweeps)
    );
    atomic_write(&index, &page("regsim sweeps", &b))
}
