//! Reading a CSV file for [`super::record`]: rows with their line numbers and raw text, cells
//! by column name, and diagnostics that point at a cell's `file:line:col` and name its column.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::Diagnostic;
use crate::model::time::parse_date;

pub fn whole(file: &Path, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_path_buf(),
        location: None,
        message,
    }
}

/// A CSV file as rows of (line, raw line text, fields), with its header's column positions.
pub struct Table {
    pub file: PathBuf,
    pub columns: BTreeMap<String, usize>,
    pub rows: Vec<(usize, String, Vec<String>)>,
}

impl Table {
    pub fn read(file: &Path, required: &[&str], diags: &mut Vec<Diagnostic>) -> Option<Table> {
        let text = match fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                diags.push(whole(file, format!("cannot read: {e}")));
                return None;
            }
        };
        let lines: Vec<&str> = text.lines().collect();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                diags.push(at(file, 1, 1, format!("cannot read the header: {e}")));
                return None;
            }
        };
        let columns: BTreeMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_string(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            diags.push(at(
                file,
                1,
                1,
                format!("missing column(s) {}", missing.join(", ")),
            ));
            return None;
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    let raw = lines.get(line.wrapping_sub(1)).unwrap_or(&"").to_string();
                    rows.push((line, raw, r.iter().map(|s| s.trim().to_string()).collect()));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    diags.push(at(file, line, 1, format!("not a valid CSV row: {e}")));
                }
            }
        }
        Some(Table {
            file: file.to_path_buf(),
            columns,
            rows,
        })
    }
}

fn at(file: &Path, line: usize, col: usize, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_path_buf(),
        location: Some((line, col)),
        message,
    }
}

/// The 1-based character column where field `idx` of a CSV line starts.
fn field_col(raw: &str, idx: usize) -> usize {
    let mut field = 0;
    let mut quoted = false;
    for (col, ch) in raw.chars().enumerate() {
        if field == idx {
            return col + 1;
        }
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    raw.chars().count() + 1
}

/// One row being checked: its fields by column name, and where to point at problems.
pub struct Row<'a> {
    pub table: &'a Table,
    pub line: usize,
    pub raw: &'a str,
    pub fields: &'a [String],
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Row<'_> {
    pub fn get(&self, col: &str) -> &str {
        self.fields
            .get(self.table.columns[col])
            .map_or("", |s| s.as_str())
    }

    pub fn bad(&mut self, col: &str, message: String) {
        let c = field_col(self.raw, self.table.columns[col]);
        self.diags.push(at(
            &self.table.file,
            self.line,
            c,
            format!("column `{col}`: {message}"),
        ));
    }

    pub fn required(&mut self, col: &str) -> Option<String> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            self.bad(col, "is required and empty".into());
            None
        } else {
            Some(v)
        }
    }

    /// An empty cell is unknown; `YYYY-MM-DD`, or `YYYY-MM` when only the month is public
    /// (read as the 15th of that month).
    pub fn date(&mut self, col: &str) -> Option<NaiveDate> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            return None;
        }
        let parsed = if v.len() == 7 {
            parse_date(&format!("{v}-15")).map_err(|_| {
                format!("`{v}` is not a date (YYYY-MM-DD, or YYYY-MM when only the month is known)")
            })
        } else {
            parse_date(&v)
                .map_err(|e| format!("{e} (YYYY-MM-DD, or YYYY-MM when only the month is known)"))
        };
        match parsed {
            Ok(d) => Some(d),
            Err(m) => {
                self.bad(col, m);
                None
            }
        }
    }

    pub fn number(&mut self, col: &str, max: f64) -> Option<f64> {
        let v = self.get(col).to_string();
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 && x <= max => Some(x),
            _ => {
                self.bad(
                    col,
                    format!("`{v}` is not a number above 0 and at most {max:e}"),
                );
                None
            }
        }
    }

    /// Checks that `later` (in column `col`) is not before `earlier` (in column `ecol`).
    pub fn order(
        &mut self,
        ecol: &str,
        earlier: Option<NaiveDate>,
        col: &str,
        later: Option<NaiveDate>,
    ) {
        if let (Some(e), Some(l)) = (earlier, later) {
            if l < e {
                self.bad(col, format!("{l} is before `{ecol}` ({e})"));
            }
        }
    }
}

pub fn check_source(row: &mut Row) {
    let v = row.get("source").to_string();
    if v.is_empty() {
        row.bad(
            "source",
            "every row needs a source (a web address, or FACTS:key)".into(),
        );
        return;
    }
    for addr in v.split_whitespace() {
        if let Some(key) = addr.strip_prefix("FACTS:") {
            if key.is_empty() {
                row.bad(
                    "source",
                    "`FACTS:` needs a key of FACTS.md (like FACTS:gdpr.dpc.2023)".into(),
                );
            }
            continue;
        }
        let host = addr
            .strip_prefix("https://")
            .or_else(|| addr.strip_prefix("http://"))
            .unwrap_or(addr);
        let host = host.split('/').next().unwrap_or("");
        if !host.contains('.') || host.starts_with('.') || host.ends_with('.') {
            row.bad(
                "source",
                format!("`{addr}` is not a web address (like https://example.org/page)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::field_col;

    #[test]
    fn columns_are_counted_in_characters_outside_quotes() {
        assert_eq!(field_col("a,b,c", 0), 1);
        assert_eq!(field_col("a,b,c", 2), 5);
        assert_eq!(field_col("\"x,y\",é,z", 2), 9);
    }
}
