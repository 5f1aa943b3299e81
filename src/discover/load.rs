//! The table PRIM searches, read from a folder: a sweep's `points.csv` (inputs are the parameter
//! columns, metrics the per-point statistics) or a run's `inputs.csv` joined on `replication`
//! with its `replications.csv` (inputs are the quantities drawn per replication, metrics the
//! replication totals). Only numeric input columns that vary are searched; the others are named
//! in [`Table::notes`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Statistics `regsim sweep` writes per metric, in column order.
const SWEEP_STATS: [&str; 6] = ["mean", "p5", "p50", "p95", "ci95_lo", "ci95_hi"];

/// Where the rows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Sweep,
    Run,
}

/// Input columns and every metric column, row-aligned.
#[derive(Debug)]
pub struct Table {
    pub source: Source,
    /// The file(s) read, for messages.
    pub files: Vec<PathBuf>,
    /// Searchable inputs: numeric and not constant.
    pub inputs: Vec<(String, Vec<f64>)>,
    /// Candidate metrics: name and the raw cells (parsed when chosen).
    pub metrics: Vec<(String, Vec<String>)>,
    /// Input columns left out and why.
    pub notes: Vec<String>,
}

struct Csv {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

fn read_csv(path: &Path) -> Result<Csv, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let bad = |e: csv::Error| usage(format!("{}: not a valid CSV file: {e}", path.display()));
    let header: Vec<String> = r.headers().map_err(bad)?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        rows.push(rec.map_err(bad)?.iter().map(String::from).collect());
    }
    if header.len() < 2 || rows.is_empty() {
        return Err(usage(format!(
            "{}: needs a header and at least one row of data",
            path.display()
        )));
    }
    Ok(Csv {
        path: path.to_path_buf(),
        header,
        rows,
    })
}

/// The cells as numbers, if every one is a finite number.
pub fn numbers(cells: &[String]) -> Option<Vec<f64>> {
    cells
        .iter()
        .map(|c| c.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect()
}

fn column(csv: &Csv, j: usize) -> Vec<String> {
    csv.rows.iter().map(|r| r[j].clone()).collect()
}

/// Input columns `idx` of `csv`, keeping the numeric ones that vary.
fn inputs(
    csv: &Csv,
    idx: impl Iterator<Item = usize>,
    notes: &mut Vec<String>,
) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    for j in idx {
        let name = &csv.header[j];
        match numbers(&column(csv, j)) {
            None => notes.push(format!(
                "skipped input `{name}`: not a number in every row (categorical inputs are not searched)"
            )),
            Some(v) if v.iter().all(|x| *x == v[0]) => {
                notes.push(format!("skipped input `{name}`: the same in every row"))
            }
            Some(v) => out.push((name.clone(), v)),
        }
    }
    out
}

/// Reads the table in `dir`: `points.csv` if there is one, else `inputs.csv` + `replications.csv`.
pub fn load(dir: &Path) -> Result<Table, Error> {
    if !dir.is_dir() {
        return Err(usage(format!(
            "{} is not a folder (give a sweep's output folder, with points.csv, or a run's scenario folder, with inputs.csv)",
            dir.display()
        )));
    }
    let points = dir.join("points.csv");
    if points.is_file() {
        return sweep(&read_csv(&points)?);
    }
    let inputs_csv = dir.join("inputs.csv");
    let reps_csv = dir.join("replications.csv");
    if !inputs_csv.is_file() {
        let hint = if reps_csv.is_file() {
            " (it has replications.csv: run the scenario again with a regsim that writes inputs.csv)"
        } else {
            ""
        };
        return Err(usage(format!(
            "{} has neither points.csv (a sweep's output) nor inputs.csv (a run's){hint}",
            dir.display()
        )));
    }
    if !reps_csv.is_file() {
        return Err(usage(format!(
            "{} has inputs.csv but no replications.csv to take the metric from",
            dir.display()
        )));
    }
    run(&read_csv(&inputs_csv)?, &read_csv(&reps_csv)?)
}

fn sweep(csv: &Csv) -> Result<Table, Error> {
    let h = &csv.header;
    if h[0] != "point" {
        return Err(usage(format!(
            "{}: expected `point` as the first column of a sweep's points.csv",
            csv.path.display()
        )));
    }
    // Parameters run from column 1 to the first metric's `.mean` followed by its statistics.
    let first_metric = (1..h.len())
        .find(|&j| {
            h[j].strip_suffix(".mean").is_some_and(|base| {
                SWEEP_STATS
                    .iter()
                    .enumerate()
                    .all(|(k, s)| h.get(j + k) == Some(&format!("{base}.{s}")))
            })
        })
        .unwrap_or(h.len());
    let mut notes = Vec::new();
    let inputs = inputs(csv, 1..first_metric, &mut notes);
    let metrics = (first_metric..h.len())
        .map(|j| (h[j].clone(), column(csv, j)))
        .collect();
    Ok(Table {
        source: Source::Sweep,
        files: vec![csv.path.clone()],
        inputs,
        metrics,
        notes,
    })
}

fn run(inputs_csv: &Csv, reps: &Csv) -> Result<Table, Error> {
    for c in [inputs_csv, reps] {
        if c.header[0] != "replication" {
            return Err(usage(format!(
                "{}: expected `replication` as the first column",
                c.path.display()
            )));
        }
    }
    let mut by_rep: HashMap<&str, usize> = HashMap::new();
    for (i, r) in reps.rows.iter().enumerate() {
        if by_rep.insert(r[0].trim(), i).is_some() {
            return Err(usage(format!(
                "{}: replication {} appears twice",
                reps.path.display(),
                r[0]
            )));
        }
    }
    let mut order = Vec::with_capacity(inputs_csv.rows.len());
    for r in &inputs_csv.rows {
        match by_rep.get(r[0].trim()) {
            Some(&i) => order.push(i),
            None => {
                return Err(usage(format!(
                    "replication {} is in {} but not in {}",
                    r[0],
                    inputs_csv.path.display(),
                    reps.path.display()
                )))
            }
        }
    }
    let mut notes = Vec::new();
    let inputs = inputs(inputs_csv, 1..inputs_csv.header.len(), &mut notes);
    let metrics = (1..reps.header.len())
        .map(|j| {
            let cells = order.iter().map(|&i| reps.rows[i][j].clone()).collect();
            (reps.header[j].clone(), cells)
        })
        .collect();
    Ok(Table {
        source: Source::Run,
        files: vec![inputs_csv.path.clone(), reps.path.clone()],
        inputs,
        metrics,
        notes,
    })
}

impl Table {
    /// The named metric's values: an exact column name, or for a sweep a metric's `.mean`.
    pub fn metric(&self, name: &str) -> Result<(String, Vec<f64>), Error> {
        let found = self.metrics.iter().find(|(n, _)| n == name).or_else(|| {
            let mean = format!("{name}.mean");
            (self.source == Source::Sweep)
                .then(|| self.metrics.iter().find(|(n, _)| *n == mean))
                .flatten()
        });
        let Some((col, cells)) = found else {
            let names: Vec<String> = self.metrics.iter().map(|(n, _)| n.clone()).collect();
            // A sweep's metric: suggest its `.mean` first, unless only the statistic is wrong
            // (`m.p59` for a metric `m`).
            let means: Vec<String> = names
                .iter()
                .filter_map(|n| n.strip_suffix(".mean").map(str::to_string))
                .collect();
            let stat_wrong = name
                .rsplit_once('.')
                .is_some_and(|(base, _)| means.iter().any(|m| m == base));
            let hint = match (self.source, stat_wrong) {
                (Source::Sweep, false) if !means.is_empty() => {
                    let m = crate::sweep::path::closest(name, &means, 1)[0];
                    format!("; did you mean `{m}` (its mean, `{m}.mean`; or `{m}.p5`, `.p50`, `.p95`, ...)?")
                }
                _ => match crate::sweep::path::closest(name, &names, 1).first() {
                    Some(c) => format!("; did you mean `{c}`?"),
                    None => String::new(),
                },
            };
            return Err(usage(format!(
                "unknown metric `{name}`: not a column of {}{hint}",
                self.metric_file().display()
            )));
        };
        let values = numbers(cells).ok_or_else(|| {
            usage(format!(
                "metric `{col}` in {} is not a number in every row",
                self.metric_file().display()
            ))
        })?;
        Ok((col.clone(), values))
    }

    fn metric_file(&self) -> &Path {
        self.files.last().expect("a table is read from a file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn sweep_parameters_end_where_metric_statistics_begin() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "points.csv",
            "point,a.x,b.y,m.mean,m.p5,m.p50,m.p95,m.ci95_lo,m.ci95_hi\n0,1,5,1,1,1,1,1,1\n1,2,5,2,2,2,2,2,2\n",
        );
        let t = load(d.path()).unwrap();
        assert_eq!(t.source, Source::Sweep);
        let names: Vec<&str> = t.inputs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a.x"]);
        assert!(
            t.notes[0].contains("`b.y`: the same in every row"),
            "{:?}",
            t.notes
        );
        assert_eq!(
            t.metric("m").unwrap(),
            ("m.mean".to_string(), vec![1.0, 2.0])
        );
        let e = t.metric("m.p59").unwrap_err().to_string();
        assert!(e.contains("did you mean `m.p5"), "{e}");
        // A mistyped metric: its mean first, not the shortest statistic.
        let e = t.metric("mm").unwrap_err().to_string();
        assert!(e.contains("did you mean `m` (its mean, `m.mean`"), "{e}");
    }

    #[test]
    fn runs_join_inputs_and_replications_on_the_replication() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "inputs.csv",
            "replication,x,label\n0,0.5,comply\n1,0.25,refuse\n",
        );
        write(
            d.path(),
            "replications.csv",
            "replication,cost.total\n1,20\n0,10\n",
        );
        let t = load(d.path()).unwrap();
        assert_eq!(t.inputs, [("x".to_string(), vec![0.5, 0.25])]);
        assert!(t.notes[0].contains("`label`"), "{:?}", t.notes);
        assert_eq!(t.metric("cost.total").unwrap().1, [10.0, 20.0]);
        write(
            d.path(),
            "replications.csv",
            "replication,cost.total\n0,10\n",
        );
        assert!(load(d.path())
            .unwrap_err()
            .to_string()
            .contains("replication 1"));
    }
}
