//! The project's public-facts table: every `# FACTS: key` a shipped file cites is a row of
//! `docs/facts.csv` (key, figure, date, publisher, page address), embedded in the binary so a
//! report can show the figure beside the key. `docs/facts.md` is rendered from it by
//! [`markdown`]; a test keeps the two in step and checks that every cited key has a row.

use std::sync::OnceLock;

/// The table as shipped, `docs/facts.csv`.
pub const CSV: &str = include_str!("../docs/facts.csv");

/// One row of the facts table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Fact {
    /// `clover.dublin.online`: lowercase words joined by dots.
    pub key: String,
    /// What the source says, in its own units.
    pub figure: String,
    /// When it was said or happened (`2023-09`, `2023-03 / 2024-01`, or `—`).
    pub date: String,
    /// The publishers read, as domains (or a document's name).
    pub source: String,
    /// The full address of a page that says it, where one was found; empty when only the
    /// publisher is known.
    pub address: String,
}

/// Every row, in the table's order.
pub fn table() -> &'static [Fact] {
    static TABLE: OnceLock<Vec<Fact>> = OnceLock::new();
    TABLE.get_or_init(|| {
        csv::Reader::from_reader(CSV.as_bytes())
            .deserialize()
            .collect::<Result<Vec<Fact>, _>>()
            .expect("docs/facts.csv is checked by the facts tests")
    })
}

/// The row of `key`, if the table has one.
pub fn get(key: &str) -> Option<&'static Fact> {
    table().iter().find(|f| f.key == key)
}

/// The anchor of `key`'s row in `docs/facts.md`.
pub fn anchor(key: &str) -> String {
    key.replace('.', "-")
}

/// `docs/facts.md`: the table as a page, one anchored row per key.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Public facts\n\n\
         <!-- Generated from docs/facts.csv by `regsim::facts::markdown`; edit the CSV, then run\n\
         `REGSIM_BLESS=1 cargo test --test it facts` to rewrite this page. -->\n\n\
         Every `# FACTS: key` in a shipped scenario names a row here. Figures were read from the\n\
         sources named; re-check a source before relying on a number for anything beyond\n\
         calibration. Where a page's full address was found it is linked; otherwise the source is\n\
         the publisher's domain, as first recorded, and the page itself is still to be traced.\n\
         \"n/f\" = not found in public sources we could read.\n\n\
         | key | figure | date | source |\n|---|---|---|---|\n",
    );
    for f in table() {
        let source = if f.address.is_empty() {
            format!("{} (domain only)", cell(&f.source))
        } else {
            format!("[{}]({})", cell(&f.source), f.address)
        };
        out.push_str(&format!(
            "| <a id=\"{}\"></a>`{}` | {} | {} | {} |\n",
            anchor(&f.key),
            f.key,
            cell(&f.figure),
            cell(&f.date),
            source
        ));
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_its_keys_are_unique_and_well_formed() {
        let t = table();
        assert!(t.len() >= 71, "{} rows", t.len());
        for (i, f) in t.iter().enumerate() {
            assert!(
                crate::report::notes::is_key(&f.key),
                "row {}: `{}` is not a facts key",
                i + 2,
                f.key
            );
            assert!(!f.figure.is_empty(), "{}: no figure", f.key);
            assert!(t[..i].iter().all(|g| g.key != f.key), "{} twice", f.key);
            assert!(
                f.address.is_empty() || f.address.starts_with("https://"),
                "{}: address {}",
                f.key,
                f.address
            );
        }
        assert_eq!(
            get("gdpr.dpc.2025").map(|f| f.date.as_str()),
            Some("2025-04-30 / 05-02")
        );
        assert!(get("no.such.key").is_none());
    }
}
