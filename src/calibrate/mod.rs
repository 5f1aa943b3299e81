//! `regsim calibrate`: fits a regulator's hazards and fine share to the public enforcement
//! record and writes them as a TOML block whose parameters are distributions drawn once per
//! replication.
//!
//! The flow is one way: [`record`] loads and checks the CSV rows (every problem at
//! `file:line:col`, naming the column; nothing is fitted or written unless all rows pass),
//! [`fit`] turns rows into censored stays per stage and the Gamma posteriors of their exits,
//! [`write`] renders the TOML block with a comment per value naming its rows, and [`backtest`]
//! fits to a cutoff and holds the predicted intervals against what happened after it. This
//! module owns nothing of the engine: its output is text for a scenario file.

pub mod backtest;
pub mod fit;
pub mod record;
mod table;
pub mod write;

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::Error;
use crate::model::time::parse_date;

/// What `regsim calibrate` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Record files, or folders of them.
    pub records: Vec<PathBuf>,
    /// The regulator (an `id` of `regulators.csv`) to fit.
    pub regulator: String,
    /// The day the record is read on: later events have not happened, open cases are censored
    /// there (`YYYY-MM-DD`; default: the latest date in the record).
    pub until: Option<String>,
    /// With a date, print the backtest to that horizon (Markdown) instead of the TOML block.
    pub backtest_to: Option<String>,
    /// Write the text here instead of stdout.
    pub out: Option<PathBuf>,
}

fn date_flag(flag: &str, s: &str) -> Result<NaiveDate, Error> {
    parse_date(s).map_err(|e| Error::Usage(format!("--{flag}: {e}")))
}

/// Loads, checks and fits; returns the text to print (or writes it to `--out` and returns
/// nothing). Bad rows or flags are [`Error::Invalid`] / [`Error::Usage`] (exit 2), before
/// anything is written.
pub fn calibrate(opts: &Options) -> Result<Option<String>, Error> {
    let until = opts
        .until
        .as_deref()
        .map(|s| date_flag("until", s))
        .transpose()?;
    let horizon = opts
        .backtest_to
        .as_deref()
        .map(|s| date_flag("backtest-to", s))
        .transpose()?;
    let record = record::load(&opts.records).map_err(Error::Invalid)?;
    let Some(reg) = record.regulators.get(&opts.regulator) else {
        let known: Vec<&str> = record.regulators.keys().map(|k| k.as_str()).collect();
        return Err(Error::Usage(format!(
            "--regulator: unknown regulator `{}` (regulators.csv lists: {})",
            opts.regulator,
            known.join(", ")
        )));
    };
    if !record.cases.iter().any(|c| c.regulator == reg.id) {
        return Err(Error::Usage(format!(
            "--regulator: no row of the record is for `{}`",
            reg.id
        )));
    }
    let until = match until.or(record.latest_date()) {
        Some(d) => d,
        None => return Err(Error::Usage("the record has no dates; give --until".into())),
    };
    let text = match horizon {
        Some(h) if h <= until => {
            return Err(Error::Usage(format!(
                "--backtest-to ({h}) must be after --until ({until})"
            )))
        }
        Some(h) => backtest::markdown(&backtest::run(&record, reg, until, h)),
        None => {
            let files: Vec<String> = record
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect();
            write::toml(&fit::fit(&record, reg, until), &files.join(" "))
        }
    };
    match &opts.out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                Error::Runtime(anyhow::anyhow!("cannot write {}: {e}", path.display()))
            })?;
            Ok(None)
        }
        None => Ok(Some(text)),
    }
}
