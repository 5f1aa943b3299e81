//! The answer first: each scenario's headline against its baseline, for the top of a run's
//! `index.html`. Per headline metric: the paired mean difference with the 95% interval of that
//! mean (the precision of the average), the p5–p95 of the paired differences (their range
//! across drawn inputs), and the drawn input that moves the difference most; then the forest
//! chart of every key metric's paired difference.

use std::fmt::Write;

use super::format::Unit;
use super::html::{esc, fmt, Versus};
use crate::metrics::paired::PairedStats;

/// Headline metrics, in table order; a metric a run does not have is skipped.
pub const METRICS: [&str; 4] = [
    "exposure.records_visible",
    "exposure.users_distinct",
    "cost.fines",
    "cost.incremental",
];

/// File name (without extension) of a scenario's forest chart in the run folder.
pub fn forest_name(scenario: &str) -> String {
    format!("comparison_forest_{scenario}")
}

/// What the two kinds of interval are.
const HOW_TO_READ: &str = "Each scenario against its <code>baseline</code>, both run on the \
    same random streams, replication by replication. <b>Precision of the average</b>: the 95% \
    confidence interval of the mean paired difference; it narrows as replications are added. \
    <b>Range across drawn inputs</b>: the 5th to 95th percentile of the paired differences \
    themselves; it is how much the answer depends on what is uncertain in the world, and does \
    not narrow with more replications. <b>Moved most by</b>: the quantity drawn once per \
    replication (a column of the scenario's <code>inputs.csv</code>) whose Spearman rank \
    correlation ρ with the paired difference is strongest.";

/// A signed amount in `unit`.
fn signed(unit: &Unit, v: f64) -> String {
    let s = fmt(unit, v.abs());
    if v < 0.0 {
        format!("−{s}")
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// One headline row: the metric, the two means, the difference and its two intervals.
fn row(b: &mut String, r: &PairedStats, v: &Versus, currency: &str) {
    let u = Unit::of_metric(&r.metric, currency);
    let precision = if r.all_equal() {
        "every replication equal".to_string()
    } else {
        format!("{} to {}", signed(&u, r.ci95[0]), signed(&u, r.ci95[1]))
    };
    let [p5, _, p95] = r.diff_quantiles;
    let driver = v
        .drivers
        .iter()
        .find(|(m, _)| *m == r.metric)
        .map_or("–".to_string(), |(_, d)| {
            format!("<code>{}</code> (ρ = {:.2})", esc(&d.input), d.rho)
        });
    let _ = writeln!(
        b,
        "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td><b>{}</b><br><span class=\"small\">{}</span></td><td>{} to {}</td><td class=\"l wrap\">{}</td></tr>",
        esc(&r.metric),
        fmt(&u, r.base_mean),
        fmt(&u, r.changed_mean),
        signed(&u, r.diff_mean),
        precision,
        signed(&u, p5),
        signed(&u, p95),
        driver,
    );
}

/// One scenario against its baseline: what it changes, the headline table and its forest
/// chart (`with_charts`); only the note when it could not be paired.
pub fn scenario(
    b: &mut String,
    (name, description): (&str, &str),
    v: &Versus,
    currency: &str,
    with_charts: bool,
) {
    let _ = writeln!(
        b,
        "<h3 id=\"answer-{0}\"><a href=\"{0}/report.html\">{0}</a> against <a href=\"{1}/report.html\">{1}</a></h3>\n<p>{2}</p>",
        esc(name),
        esc(v.baseline),
        esc(description)
    );
    if v.rows.is_empty() {
        if let Some(note) = &v.note {
            let _ = writeln!(b, "<p class=\"small\">{}</p>", esc(note));
        }
        return;
    }
    b.push_str(
        "<div class=\"wide\"><table>\n<tr><th class=\"l\">metric</th><th>baseline mean</th>\
         <th>scenario mean</th><th>mean difference<br><small>precision of the average: \
         95% CI</small></th><th>range across drawn inputs<br>\
         <small>p5 to p95 of the paired differences</small></th><th class=\"l\">moved most by \
         <small>(Spearman ρ)</small></th></tr>\n",
    );
    for m in METRICS {
        if let Some(r) = v.rows.iter().find(|r| r.metric == m) {
            if r.base_mean != 0.0 || r.changed_mean != 0.0 {
                row(b, r, v, currency);
            }
        }
    }
    b.push_str("</table></div>\n");
    let _ = writeln!(
        b,
        "<p class=\"small\">Every metric's paired difference is in <a href=\"{0}/versus_{1}.csv\">{0}/versus_{1}.csv</a>.</p>",
        esc(name),
        esc(v.baseline)
    );
    if with_charts {
        let f = forest_name(name);
        let _ = writeln!(
            b,
            "<figure id=\"{f}\">\n<img src=\"{f}.svg\" width=\"1200\" height=\"700\" alt=\"Paired differences of {0} against {1}\">\n\
             <figcaption><b>Paired differences of {0} against {1}.</b> Each row is one key metric: the dot is the mean paired difference as a share of the baseline's mean, the line its 95% confidence interval (the precision of the average); beside it the difference in the metric's own unit. <a href=\"{f}.png\">PNG</a> · <a href=\"{f}.svg\">SVG</a></figcaption>\n</figure>",
            esc(name),
            esc(v.baseline)
        );
    }
}

/// The section's heading and how to read it.
pub fn intro(b: &mut String) {
    let _ = writeln!(
        b,
        "<h2 id=\"answer\">Against the baseline</h2>\n<p>{HOW_TO_READ}</p>"
    );
}
