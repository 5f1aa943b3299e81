//! `index.html` of a run: the answer first (each scenario against its baseline, see
//! [`super::headline`]), then the scenarios, then the comparison of each group of related
//! scenarios (charts and a table), the sweeps in the folder and the command.
//!
//! A group is the scenarios linked by `baseline` or `extends` (one scenario of the run extends
//! another's file), so the EU regimes are charted apart from the US ones; scenarios linked to
//! no other form one group together. Within a group the
//! order is stable: each scenario with no baseline in the run, in the order given, followed by
//! the scenarios that name it as their baseline (and theirs), depth first.

use std::fmt::Write;
use std::path::Path;

use super::charts;
use super::format::{thousands, Unit};
use super::headline;
use super::html::{esc, figures, fmt, page, Versus};
use crate::metrics::aggregate::Summary;
use crate::scenario::Loaded;

/// One scenario of a run, for the index.
pub struct IndexEntry<'a> {
    pub loaded: &'a Loaded,
    pub summary: &'a Summary,
    pub replications: usize,
    /// Its paired comparison with its baseline, when it names one.
    pub versus: Option<Versus<'a>>,
}

/// A file's path as the file system names it (the path itself when it cannot).
fn canonical(p: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The groups of `scenarios` (indices into it), each in its stable order, groups in the order
/// of their first scenario.
pub fn groups(scenarios: &[&Loaded]) -> Vec<Vec<usize>> {
    let n = scenarios.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mains: Vec<_> = scenarios
        .iter()
        .map(|l| canonical(&l.sources.main().path))
        .collect();
    let baseline_of = |i: usize| {
        let b = scenarios[i].world.baseline.as_deref()?;
        scenarios.iter().position(|o| o.world.name == b)
    };
    for (i, l) in scenarios.iter().enumerate() {
        let mut linked: Vec<usize> = baseline_of(i).into_iter().collect();
        for f in l.sources.files.iter().skip(1) {
            let f = canonical(&f.path);
            linked.extend(mains.iter().position(|m| *m == f));
        }
        for j in linked {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut placed = vec![false; n];
    fn place(i: usize, order: &mut Vec<usize>, placed: &mut [bool], children: &[Vec<usize>]) {
        if placed[i] {
            return;
        }
        placed[i] = true;
        order.push(i);
        for &c in &children[i] {
            place(c, order, placed, children);
        }
    }
    let mut children = vec![Vec::new(); n];
    for i in 0..n {
        if let Some(j) = baseline_of(i).filter(|&j| j != i) {
            children[j].push(i);
        }
    }
    for first in 0..n {
        if placed[first] || root(&mut parent, first) != first {
            continue;
        }
        let members: Vec<usize> = (0..n).filter(|&i| root(&mut parent, i) == first).collect();
        // Each chain from its start, chains in the order of their first scenario given.
        let mut starts: Vec<(usize, usize)> = members
            .iter()
            .filter(|&&i| baseline_of(i).is_none_or(|j| j == i))
            .map(|&i| {
                let mut chain = Vec::new();
                place(i, &mut chain, &mut vec![false; n], &children);
                (chain.into_iter().min().unwrap_or(i), i)
            })
            .collect();
        starts.sort_unstable();
        let mut order = Vec::new();
        for (_, i) in starts {
            place(i, &mut order, &mut placed, &children);
        }
        // A cycle of baselines has no start: its scenarios in the order given.
        for &i in &members {
            place(i, &mut order, &mut placed, &children);
        }
        out.push(order);
    }
    // Scenarios linked to no other are compared together, where the first of them stands.
    let Some(first) = out.iter().position(|g| g.len() == 1) else {
        return out;
    };
    let alone: Vec<usize> = out
        .iter()
        .filter(|g| g.len() == 1)
        .flatten()
        .copied()
        .collect();
    out.retain(|g| g.len() > 1);
    out.insert(first.min(out.len()), alone);
    out
}

/// The file names of group `k`'s comparison charts (of `count` groups): the plain names of
/// [`charts::comparison::CHARTS`] for a single group, with `_<k>` (from 1) for several.
pub fn group_chart_names(k: usize, count: usize) -> Vec<(String, &'static str)> {
    charts::comparison::CHARTS
        .iter()
        .map(|(name, title)| {
            if count == 1 {
                (name.to_string(), *title)
            } else {
                (format!("{name}_{}", k + 1), *title)
            }
        })
        .collect()
}

/// `index.html` of a run: for several scenarios the answer first, then the scenarios, the
/// comparison of each group and `sweeps`, the HTML of the sweeps section.
pub fn index(entries: &[IndexEntry], command: &str, with_charts: bool, sweeps: &str) -> Vec<u8> {
    let mut b = String::new();
    b.push_str("<h1>regsim results</h1>\n");
    let _ = writeln!(
        b,
        "<p class=\"meta\">{} scenario{} · regsim {}</p>",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION")
    );
    let loaded: Vec<&Loaded> = entries.iter().map(|e| e.loaded).collect();
    let groups = groups(&loaded);
    if entries.iter().any(|e| e.versus.is_some()) {
        headline::intro(&mut b);
        for i in groups.iter().flatten() {
            let e = &entries[*i];
            if let Some(v) = &e.versus {
                let w = &e.loaded.world;
                headline::scenario(
                    &mut b,
                    (&w.name, &w.description),
                    v,
                    &w.currency,
                    with_charts,
                );
            }
        }
    }
    scenarios_table(&mut b, entries, &groups);
    if entries.len() > 1 {
        for (k, g) in groups.iter().enumerate() {
            let members: Vec<&IndexEntry> = g.iter().map(|&i| &entries[i]).collect();
            let names: Vec<String> = members
                .iter()
                .map(|e| format!("<code>{}</code>", esc(&e.loaded.world.name)))
                .collect();
            let _ = writeln!(
                b,
                "<h2 id=\"comparison-{}\">Comparison: {}</h2>",
                k + 1,
                names.join(", ")
            );
            if with_charts && members.len() > 1 {
                let list = group_chart_names(k, groups.len());
                let list: Vec<(&str, &str)> = list.iter().map(|(n, t)| (n.as_str(), *t)).collect();
                figures(&mut b, &list);
            }
            comparison_table(&mut b, &members);
        }
    } else if let Some(e) = entries.first() {
        let _ = writeln!(
            b,
            "<p>One scenario ran: see <a href=\"{0}/report.html\">its report</a>.</p>",
            esc(&e.loaded.world.name)
        );
    }
    b.push_str(sweeps);
    let _ = writeln!(
        b,
        "<h2>Reproduce</h2>\n<p>This run:</p>\n<pre>{}</pre>\n<p>Each scenario's report gives the command for that scenario alone.</p>",
        esc(command)
    );
    page("regsim results", &b)
}

/// Every scenario with its description, seed, replications and horizon, by group.
fn scenarios_table(b: &mut String, entries: &[IndexEntry], groups: &[Vec<usize>]) {
    b.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n<div class=\"wide\"><table>\n<tr><th class=\"l\">scenario</th><th class=\"l\">baseline</th><th class=\"l\">description</th><th>seed</th><th>replications</th><th class=\"l\">horizon</th></tr>\n");
    for e in groups.iter().flatten().map(|&i| &entries[i]) {
        let w = &e.loaded.world;
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><a href=\"{0}/report.html\">{0}</a></td><td class=\"l\">{1}</td><td class=\"l\">{2}</td><td>{3}</td><td>{4}</td><td class=\"l\" style=\"white-space: nowrap\">{5} to {6}</td></tr>",
            esc(&w.name),
            w.baseline.as_deref().map_or("–".to_string(), esc),
            esc(&w.description),
            w.seed,
            thousands(e.replications as u64),
            w.calendar.start,
            w.calendar.end
        );
    }
    b.push_str("</table></div>\n");
}

/// Means with the 95% interval of the mean, one column per scenario of a group.
fn comparison_table(b: &mut String, entries: &[&IndexEntry]) {
    let _ = writeln!(
        b,
        "<p>Means over replications with the 95% confidence interval of the mean; every statistic is in \
         <a href=\"comparison.csv\">comparison.csv</a>.</p>\n<div class=\"wide\"><table>\n<tr><th class=\"l\">metric</th>{}</tr>",
        entries
            .iter()
            .map(|e| format!("<th>{}</th>", esc(&e.loaded.world.name)))
            .collect::<String>()
    );
    let mut names: Vec<&String> = Vec::new();
    for e in entries {
        for n in &e.summary.layout.names {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    for name in names {
        let _ = write!(b, "<tr><td class=\"l\"><code>{}</code></td>", esc(name));
        for e in entries {
            let u = Unit::of_metric(name, &e.loaded.world.currency);
            match e.summary.stats(name) {
                Some(st) => {
                    let _ = write!(
                        b,
                        "<td>{}<br><span class=\"small\">{} – {}</span></td>",
                        fmt(&u, st.mean),
                        fmt(&u, st.ci95[0]),
                        fmt(&u, st.ci95[1])
                    );
                }
                None => b.push_str("<td>–</td>"),
            }
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table></div>\n");
}
