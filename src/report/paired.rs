//! The pages of paired comparisons: `report.html` of `regsim diff`, and the "versus baseline"
//! section of a scenario's report. Both show the same table as `diff.csv`.

use std::fmt::Write;

use super::format::Unit;
use super::html::{esc, figures, fmt, page};
use crate::metrics::paired::PairedStats;

/// A scenario compared with its baseline, for its report.
pub struct Versus<'a> {
    pub baseline: &'a str,
    /// Empty when the baseline could not be paired (see `note`).
    pub rows: &'a [PairedStats],
    /// Why there is no paired comparison, or a remark on it.
    pub note: Option<String>,
}

/// The table of paired differences, one row per metric.
fn table(b: &mut String, rows: &[PairedStats], currency: &str) {
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
            "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.metric),
            fmt(&u, r.base_mean),
            fmt(&u, r.changed_mean),
            fmt(&u, r.diff_mean),
            fmt(&u, r.ci95[0]),
            fmt(&u, r.ci95[1]),
            rel,
            fmt(&Unit::Share, r.p_changed_greater),
        );
    }
    b.push_str("</table></div>\n");
}

const HOW_TO_READ: &str = "Both ran on the same random streams, replication by replication: \
    each row's difference is the mean over replications of (changed − base), and its interval \
    comes from the spread of those paired differences, which cancels the noise of everything \
    the two scenarios share. P(changed &gt; base) is the share of replications in which the \
    changed scenario's value is higher.";

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
    table(b, v.rows, currency);
}

/// What `regsim diff` compared.
pub struct DiffPage<'a> {
    pub base: &'a str,
    pub changed: &'a str,
    pub seed: u64,
    pub replications: usize,
    pub currency: &'a str,
    pub command: &'a str,
    pub rows: &'a [PairedStats],
    pub with_charts: bool,
    pub note: Option<String>,
}

/// `report.html` of `regsim diff`.
pub fn diff_report(d: &DiffPage) -> Vec<u8> {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>{} against {}</h1>\n<p class=\"meta\">paired differences · seed {} · {} replications each · \
         amounts in {} · regsim {}</p>",
        esc(d.changed),
        esc(d.base),
        d.seed,
        super::format::thousands(d.replications as u64),
        esc(d.currency),
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(note) = &d.note {
        let _ = writeln!(b, "<p><b>Note.</b> {}</p>", esc(note));
    }
    let _ = writeln!(
        b,
        "<p>{HOW_TO_READ} The table is in <a href=\"diff.csv\">diff.csv</a>.</p>"
    );
    if d.with_charts {
        figures(
            &mut b,
            &[("diff_forest", "Paired differences of the key metrics")],
        );
    }
    table(&mut b, d.rows, d.currency);
    let _ = writeln!(
        b,
        "<h2 id=\"reproduce\">Reproduce</h2>\n<pre>{}</pre>",
        esc(d.command)
    );
    page(&format!("regsim: {} vs {}", d.changed, d.base), &b)
}
