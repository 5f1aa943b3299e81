//! `report.html` per scenario and `index.html` per run: self-contained pages (styles inline, no
//! network, no scripts from elsewhere) that show the charts beside them as `<img>`, the summary
//! table, the assumptions and sources written in the scenario files, and how to reproduce the
//! numbers.
//!
//! A tiny inline script records, once the page has loaded, how many images it has and which
//! failed, as attributes of `<body>` (`data-images`, `data-images-broken`); the browser test
//! reads them. The page reads the same without it.

use std::fmt::Write;
use std::path::Path;

use super::charts;
pub use super::format::esc;
use super::format::{thousands, Unit};
use super::notes::{self, Note, Tag};
use super::sources;
use crate::facts;
use crate::metrics::aggregate::{Stats, Summary};
use crate::metrics::branches::Branch;
use crate::metrics::drivers::Driver;
use crate::metrics::paired::PairedStats;
use crate::scenario::Loaded;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222;
       max-width: 1260px; margin: 0 auto; padding: 24px; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.meta { color: #555; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: right; vertical-align: top; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
td:not(.l), th:not(.l) { white-space: nowrap; }
td.wrap code { overflow-wrap: anywhere; }
.wide { overflow-x: auto; max-width: 100%; }
tr:hover td { background: #fafafa; }
code, pre { background: #f4f4f4; border-radius: 3px; }
code { padding: 1px 4px; } pre { padding: 10px 14px; overflow-x: auto; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 14px; }
.small { font-size: 13px; color: #555; }
"#;

const SCRIPT: &str = r#"<script>
window.addEventListener('load', function () {
  var imgs = document.images, broken = [];
  for (var i = 0; i < imgs.length; i++) {
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) broken.push(imgs[i].getAttribute('src'));
  }
  document.body.setAttribute('data-images', String(imgs.length));
  document.body.setAttribute('data-images-broken', broken.join(' '));
  var doc = document.documentElement;
  document.body.setAttribute('data-page-overflow', String(doc.scrollWidth - doc.clientWidth));
});
</script>"#;

pub(crate) fn page(title: &str, body: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n{SCRIPT}\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
    .into_bytes()
}

/// What each chart shows and how to read it (a group's comparison chart, `<name>_<k>`, as
/// `<name>`).
fn chart_caption(name: &str) -> &'static str {
    let name = match name.rsplit_once('_') {
        Some((stem, k)) if stem.starts_with("comparison_") && k.parse::<usize>().is_ok() => stem,
        _ => name,
    };
    match name {
        "exposure" => "Records of protected users read by staff in restricted jurisdictions each month: with identifiers visible, pseudonymised, and pseudonymised but re-identifiable. Lines are medians across replications, bands p5–p95; dashed vertical lines mark dated changes (see the timeline).",
        "cost_cumulative" => "Running cost by component (means across replications, stacked, so the top edge is the mean cumulative total); dashed lines are the p5 and p95 of the cumulative total.",
        "loss_exceedance" => "For each amount x, the share of replications whose total cost exceeds x (log scale). The marked points are the median (p50) and the 95th percentile (p95).",
        "residency" => "Average protected data stored outside its population's enclave in each month (PB-days in the month divided by its days).",
        "timeline" => "When sites go live, controls switch on and off, headcounts change, and other dated events happen.",
        "users_active" => "Active users of each population at each month's end.",
        "annual_cost" => "Each calendar year's cost by component (means across replications, stacked) and the p5–p95 range of the year's total; the numbers are in annual.csv. The first and last years hold only their part inside the horizon.",
        "comparison_metrics" => "Each panel is one metric: bars are means over replications, error bars the 95% confidence interval of the mean. Blocks the scenarios share draw the same random numbers in every replication, so differences come from what differs between them, not from different draws of what they share.",
        "comparison_loss_exceedance" => "Loss exceedance curves of total cost, one per scenario, on one log axis; dots mark p50 and p95.",
        "diff_forest" => "Each row is one metric: the dot is the mean paired difference (changed − base) as a share of the base mean, the line its 95% confidence interval; beside it the difference in the metric's own unit with its interval. Rows whose base mean is 0 show the absolute difference only.",
        "comparison_exposure" => "Records read with identifiers visible per month, one panel per scenario on one shared log axis: the panel's scenario as median and p5–p95 band, dashed its median of masked but re-identifiable records, and the other scenarios' medians in grey.",
        _ => "",
    }
}

pub(crate) fn figures(out: &mut String, list: &[(&str, &str)]) {
    for (name, title) in list {
        let _ = write!(
            out,
            "<figure id=\"{name}\">\n<img src=\"{name}.svg\" width=\"1200\" height=\"700\" alt=\"{}\">\n\
             <figcaption><b>{}.</b> {} <a href=\"{name}.png\">PNG</a> · <a href=\"{name}.svg\">SVG</a></figcaption>\n</figure>\n",
            esc(title),
            esc(title),
            esc(chart_caption(name)),
        );
    }
}

/// One statistic in the metric's unit.
pub(crate) fn fmt(unit: &Unit, v: f64) -> String {
    esc(&unit.format(v))
}

fn stats_row(out: &mut String, name: &str, st: &Stats, currency: &str) {
    let u = Unit::of_metric(name, currency);
    let ci = if st.all_equal() {
        esc(&crate::report::json::nonzero_note(st))
    } else {
        format!(
            "{} – {} <small>{}</small>",
            fmt(&u, st.ci95[0]),
            fmt(&u, st.ci95[1]),
            st.ci95_method
        )
    };
    let few = if st.flags.contains(&"es99_tail_under_10") {
        " <small>(under 10 tail values)</small>"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{few}</td><td>{} <small>({} – {})</small></td><td>{ci}</td></tr>",
        esc(name),
        fmt(&u, st.mean),
        fmt(&u, st.p5),
        fmt(&u, st.p50),
        fmt(&u, st.p95),
        fmt(&u, st.p99),
        fmt(&u, st.es99),
        fmt(&Unit::Share, st.p_positive),
        fmt(&Unit::Share, st.p_positive_ci95[0]),
        fmt(&Unit::Share, st.p_positive_ci95[1]),
    );
}

/// Milestones as censored times: reached by the horizon or not, and when.
fn milestones_table(b: &mut String, s: &Summary) {
    let rows: Vec<_> = s
        .layout
        .names
        .iter()
        .zip(&s.totals)
        .filter_map(|(n, st)| st.milestone.as_ref().map(|m| (n, m)))
        .collect();
    if rows.is_empty() {
        return;
    }
    b.push_str(
        "<p>Milestones are censored at the horizon (a replication that never reached the state holds \
         the horizon's length): P(reached by the horizon) with its Wilson 95% interval, the \
         Kaplan–Meier median day, and the restricted mean, the mean of min(day, horizon).</p>\n\
         <div class=\"wide\"><table>\n<tr><th class=\"l\">milestone</th><th>P(reached)</th>\
         <th>Kaplan–Meier median (day)</th><th>restricted mean (day)</th></tr>\n",
    );
    for (name, m) in rows {
        let median = m.km_median.map_or("not reached".into(), |d| format!("{d}"));
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><code>{}</code></td><td>{} <small>({} – {})</small></td><td>{median}</td><td>{:.1}</td></tr>",
            esc(name),
            fmt(&Unit::Share, m.p_reached),
            fmt(&Unit::Share, m.p_reached_ci95[0]),
            fmt(&Unit::Share, m.p_reached_ci95[1]),
            m.restricted_mean,
        );
    }
    b.push_str("</table></div>\n");
}

/// The shell command that reruns one scenario exactly.
pub fn scenario_command(l: &Loaded) -> String {
    format!(
        "regsim run {} --seed {} --replications {}",
        shell_word(&l.sources.main().path.display().to_string()),
        l.world.seed,
        l.world.replications
    )
}

/// A word quoted for a POSIX shell when it needs to be.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn notes_of(l: &Loaded) -> Vec<Note> {
    l.sources
        .files
        .iter()
        .flat_map(|f| notes::parse(&f.path.display().to_string(), &f.text))
        .collect()
}

fn assumptions_section(out: &mut String, l: &Loaded) {
    let notes = notes_of(l);
    let files: Vec<String> = l
        .sources
        .files
        .iter()
        .map(|f| format!("<code>{}</code>", esc(&f.path.display().to_string())))
        .collect();
    let _ = writeln!(
        out,
        "<h2 id=\"assumptions\">Assumptions and sources</h2>\n<p>From the comments of {} \
         (the scenario file and the files it extends). Each <code># ASSUMPTION:</code> says why a \
         number was assumed; each <code># FACTS:</code> key names a row of the project's public-facts table.</p>",
        files.join(" → ")
    );
    let assumptions: Vec<&Note> = notes.iter().filter(|n| n.tag == Tag::Assumption).collect();
    let _ = writeln!(out, "<h3>Assumptions ({})</h3>", assumptions.len());
    if assumptions.is_empty() {
        out.push_str("<p>None written.</p>\n");
    } else {
        out.push_str("<table>\n<tr><th class=\"l\">field</th><th class=\"l\">assumption</th><th class=\"l\">where</th></tr>\n");
        for n in assumptions {
            let _ = writeln!(
                out,
                "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td class=\"l small\">{}:{}</td></tr>",
                esc(&n.field),
                sources::linked_keys(&esc(&n.text), &n.keys),
                esc(file_name(&n.file)),
                n.line
            );
        }
        out.push_str("</table>\n");
    }
    let sources = notes::sources(&notes);
    let _ = writeln!(out, "<h3>Sources ({} facts keys)</h3>", sources.len());
    if sources.is_empty() {
        out.push_str("<p>None cited.</p>\n");
    } else {
        out.push_str(
            "<p>Each key's row of the project's facts table (<code>docs/facts.csv</code>, shown as \
             <code>docs/facts.md</code>): the figure, its date and who published it.</p>\n\
             <table>\n<tr><th class=\"l\">facts key</th><th class=\"l\">figure (date)</th>\
             <th class=\"l\">source</th><th class=\"l\">cited for</th>\
             <th class=\"l\">what the scenario takes from it</th></tr>\n",
        );
        for s in sources {
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("<code>{}</code>", esc(f)))
                .collect();
            let (figure, source) = match facts::get(&s.key) {
                Some(f) => (
                    format!(
                        "{} <span class=\"small\">({})</span>",
                        esc(&f.figure),
                        esc(&f.date)
                    ),
                    sources::fact_source(f),
                ),
                None => (
                    "<strong>no row in the facts table</strong>".to_string(),
                    String::new(),
                ),
            };
            let _ = writeln!(
                out,
                "<tr id=\"fact-{}\"><td class=\"l\"><code>{}</code></td>\
                 <td class=\"l\">{figure}</td><td class=\"l small\">{source}</td><td class=\"l\">{}</td>\
                 <td class=\"l\">{}</td></tr>",
                esc(&facts::anchor(&s.key)),
                esc(&s.key),
                fields.join(", "),
                esc(&s.texts.join(" / "))
            );
        }
        out.push_str("</table>\n");
    }
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

/// `report.html` of one scenario.
/// A scenario compared with its baseline, for its report.
pub struct Versus<'a> {
    pub baseline: &'a str,
    /// Empty when the baseline could not be paired (see `note`).
    pub rows: &'a [PairedStats],
    /// Why there is no paired comparison, or a remark on it.
    pub note: Option<String>,
    /// Per headline metric, the drawn input that moves its paired difference most.
    pub drivers: &'a [(String, Driver)],
}

/// The table of paired differences, one row per metric.
pub(crate) fn paired_table(b: &mut String, rows: &[PairedStats], currency: &str) {
    b.push_str(
        "<div class=\"wide\"><table>\n<tr><th class=\"l\">metric</th><th>base mean</th><th>changed mean</th>\
         <th>difference</th><th>95% CI of the difference</th><th>relative change</th>\
         <th>P(changed &gt; base)</th></tr>\n",
    );
    for r in rows {
        let u = Unit::of_metric(&r.metric, currency);
        let rel = r
            .rel_change
            .map_or("–".to_string(), |v| fmt(&Unit::Share, v));
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.metric),
            fmt(&u, r.base_mean),
            fmt(&u, r.changed_mean),
            fmt(&u, r.diff_mean),
            paired_ci(r, &u),
            rel,
            fmt(&Unit::Share, r.p_changed_greater),
        );
    }
    b.push_str("</table></div>\n");
}

/// A paired difference's interval, or what replaces it when every difference is equal; a
/// milestone adds the difference in P(reached).
fn paired_ci(r: &PairedStats, u: &Unit) -> String {
    let mut c = if r.all_equal() {
        format!("{} non-zero of {}, all equal", r.n_nonzero, r.n)
    } else {
        format!(
            "{} – {} <small>{}</small>",
            fmt(u, r.ci95[0]),
            fmt(u, r.ci95[1]),
            r.ci95_method
        )
    };
    if let Some(m) = &r.milestone {
        let _ = write!(
            c,
            "<br><small>restricted means; P(reached) {} → {}</small>",
            fmt(&Unit::Share, m.p_reached_base),
            fmt(&Unit::Share, m.p_reached_changed)
        );
    }
    c
}

pub(crate) const HOW_TO_READ: &str =
    "Both ran on the same random streams, replication by replication: \
    each row's difference is the mean over replications of (changed − base), and its interval \
    comes from the spread of those paired differences, which cancels the noise of everything \
    the two scenarios share. P(changed &gt; base) is the share of replications in which the \
    changed scenario's value is higher.";

/// What a difference in cost against the baseline means.
const INCREMENTAL: &str = "Every scenario pays to host its data wherever it sits, so the \
    difference in <code>cost.total</code> against the baseline is this scenario's incremental \
    cost: what the regime adds to the world the baseline describes. The difference in \
    <code>cost.incremental</code> also leaves out costs marked as committed before the regime \
    (<code>incremental = false</code>).";

/// The "versus baseline" section of a scenario's report.
pub fn versus_section(b: &mut String, v: &Versus, currency: &str) {
    let _ = writeln!(
        b,
        "<h2 id=\"versus\">Versus baseline <code>{}</code></h2>",
        esc(v.baseline)
    );
    if let Some(note) = &v.note {
        let _ = writeln!(b, "<p>{}</p>", esc(note));
    }
    if v.rows.is_empty() {
        return;
    }
    let _ = writeln!(
        b,
        "<p>{HOW_TO_READ} The same numbers are in <a href=\"versus_{0}.csv\">versus_{0}.csv</a>.</p>",
        esc(v.baseline)
    );
    let _ = writeln!(b, "<p>{INCREMENTAL}</p>");
    paired_table(b, v.rows, currency);
}

/// What a scenario's report shows beyond its own summary.
pub struct ScenarioExtras<'a> {
    pub versus: Option<&'a Versus<'a>>,
    pub branches: &'a [Branch],
    /// How a precision run ended.
    pub precision: Option<&'a crate::precision::Outcome>,
}

/// Each branch outcome's share and the headline metrics given it.
fn branches_section(b: &mut String, branches: &[Branch], currency: &str) {
    if branches.is_empty() {
        return;
    }
    b.push_str(
        "<h2 id=\"branches\">Branches</h2>\n<p>Where a decision or an uncertain event splits the \
         replications, a mean over all of them can be a value no replication produces. Each \
         outcome's share of replications (with its 95% interval) and the headline metrics given \
         it, as mean (p5 – p95); every metric is in <a href=\"branches.csv\">branches.csv</a>, \
         the draws behind them in <a href=\"inputs.csv\">inputs.csv</a>.</p>\n",
    );
    let metrics: Vec<&str> = branches
        .first()
        .map(|x| x.given.iter().map(|(m, _)| m.as_str()).collect())
        .unwrap_or_default();
    b.push_str("<div class=\"wide\"><table>\n<tr><th class=\"l\">branch</th><th class=\"l\">outcome</th><th>share (95% CI)</th>");
    for m in &metrics {
        let _ = write!(b, "<th><code>{}</code></th>", esc(m));
    }
    b.push_str("</tr>\n");
    for br in branches {
        let _ = write!(
            b,
            "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td>{} ({} – {})</td>",
            esc(&br.branch),
            esc(&br.outcome),
            fmt(&Unit::Share, br.share),
            fmt(&Unit::Share, br.ci95[0]),
            fmt(&Unit::Share, br.ci95[1]),
        );
        for (m, st) in &br.given {
            let u = Unit::of_metric(m, currency);
            if br.replications == 0 {
                b.push_str("<td>–</td>");
            } else {
                let _ = write!(
                    b,
                    "<td>{} ({} – {})</td>",
                    fmt(&u, st.mean),
                    fmt(&u, st.p5),
                    fmt(&u, st.p95)
                );
            }
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table></div>\n");
}

pub fn scenario_report(
    l: &Loaded,
    s: &Summary,
    replications: usize,
    extras: &ScenarioExtras,
    with_charts: bool,
) -> Vec<u8> {
    let versus = extras.versus;
    let w = &l.world;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<p class=\"small\"><a href=\"../index.html\">← all scenarios of this run</a></p>\n<h1>{}</h1>\n<p>{}</p>\n\
         <p class=\"meta\">{} to {} · seed {} · {} replications · amounts in {} · regsim {}</p>",
        esc(&w.name),
        esc(&w.description),
        w.calendar.start,
        w.calendar.end,
        w.seed,
        thousands(replications as u64),
        esc(&w.currency),
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(p) = extras.precision {
        let _ = writeln!(
            b,
            "<p class=\"meta\">Replications run in blocks of {} until every precision metric's 95% \
             interval was narrow enough: {} after {} replications.</p>",
            thousands(p.block as u64),
            esc(&p.line()),
            thousands(p.replications as u64),
        );
    }
    let _ = writeln!(
        b,
        "<p>Contents: <a href=\"#charts\">charts</a> · <a href=\"#summary\">summary table</a> · {}\
         <a href=\"#assumptions\">assumptions and sources</a> · <a href=\"#reproduce\">reproduce</a></p>",
        if versus.is_some() {
            "<a href=\"#versus\">versus baseline</a> · "
        } else {
            ""
        }
    );
    b.push_str("<h2 id=\"charts\">Charts</h2>\n");
    if with_charts {
        figures(&mut b, &charts::scenario::CHARTS);
    } else {
        b.push_str("<p>Charts were not drawn for this run (<code>--no-charts</code>).</p>\n");
    }
    let _ = writeln!(
        b,
        "<h2 id=\"summary\">Summary</h2>\n<p>Every metric's total per replication, summarised over {} replications: \
         mean, 5th, 50th, 95th and 99th percentiles, the expected shortfall at 99% (the mean of the worst 1%; marked when fewer than 10 values make that tail), the share of replications above zero (Wilson 95% interval), and the 95% confidence interval of the mean (the simulation noise of the mean, not the spread across replications; its method named: bootstrap-t up to 2,000 replications, t beyond). \
         Exact values are in <a href=\"summary.json\">summary.json</a>; monthly series in \
         <a href=\"timeseries.csv\">timeseries.csv</a>; every replication in <a href=\"replications.csv\">replications.csv</a>.</p>",
        thousands(replications as u64)
    );
    b.push_str("<div class=\"wide\"><table>\n<tr><th class=\"l\">metric</th><th>mean</th><th>p5</th><th>p50</th><th>p95</th><th>p99</th><th>ES 99%</th><th>P(&gt; 0)</th><th>95% CI of the mean</th></tr>\n");
    for (name, st) in s.layout.names.iter().zip(&s.totals) {
        stats_row(&mut b, name, st, &w.currency);
    }
    b.push_str("</table></div>\n");
    milestones_table(&mut b, s);
    branches_section(&mut b, extras.branches, &w.currency);
    if let Some(v) = versus {
        versus_section(&mut b, v, &w.currency);
    }
    assumptions_section(&mut b, l);
    let _ = writeln!(
        b,
        "<h2 id=\"reproduce\">Reproduce</h2>\n<p>The same scenario files and seed give byte-identical outputs, \
         whatever the number of threads:</p>\n<pre>{}</pre>\n<p>or, from a checkout of regsim:</p>\n<pre>cargo run --release -- {}</pre>",
        esc(&scenario_command(l)),
        esc(scenario_command(l).trim_start_matches("regsim ")),
    );
    page(&format!("regsim: {}", w.name), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_shell_quoting() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(shell_word("scenarios/clover.toml"), "scenarios/clover.toml");
        assert_eq!(shell_word("my file.toml"), "'my file.toml'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
