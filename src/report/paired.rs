//! `report.html` of `regsim diff`: the forest chart and the table of `diff.csv` (the same table
//! as a scenario report's "versus baseline" section, drawn by [`super::html`]).

use std::fmt::Write;

use super::html::{esc, figures, page, paired_table, HOW_TO_READ};
use crate::metrics::paired::PairedStats;

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
    paired_table(&mut b, d.rows, d.currency);
    let _ = writeln!(
        b,
        "<h2 id=\"reproduce\">Reproduce</h2>\n<pre>{}</pre>",
        esc(d.command)
    );
    page(&format!("regsim: {} vs {}", d.changed, d.base), &b)
}
