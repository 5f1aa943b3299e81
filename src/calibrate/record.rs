//! The enforcement record as data: CSV files of proceedings (one row each, with a source) and
//! the `regulators.csv` beside them that names each authority and the scenario states its
//! stages map to. Everything is checked before anything is fitted; every problem becomes a
//! [`Diagnostic`] at `file:line:col` naming the column.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::table::{check_source, whole, Row, Table};
use crate::error::Diagnostic;

/// The file beside a record that lists the regulators its rows may name.
pub const REGISTRY: &str = "regulators.csv";

/// Columns every record file must have (others, like `note`, are allowed and ignored).
pub const COLUMNS: [&str; 15] = [
    "id",
    "regulator",
    "platform",
    "subject",
    "opened",
    "preliminary_findings",
    "decision",
    "decision_kind",
    "appeal_filed",
    "appeal_outcome",
    "appeal_outcome_date",
    "fine_eur",
    "turnover_eur",
    "legal_max_share",
    "source",
];

const REGISTRY_COLUMNS: [&str; 7] = [
    "id",
    "opened_state",
    "findings_state",
    "decision_state",
    "closed_state",
    "law",
    "source",
];

/// How a proceeding ended, from `decision_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ending {
    /// A non-compliance decision with a fine.
    Fine,
    /// A decision with orders or a reprimand but no fine.
    Order,
    /// Binding commitments accepted, proceedings closed.
    Commitments,
    /// Closed without a finding.
    Closed,
}

impl Ending {
    fn parse(s: &str) -> Option<Ending> {
        Some(match s {
            "fine" => Ending::Fine,
            "order" => Ending::Order,
            "commitments" => Ending::Commitments,
            "closed" => Ending::Closed,
            _ => return None,
        })
    }

    /// Whether the ending is a decision (to the decision state) rather than a closure.
    pub fn is_decision(self) -> bool {
        matches!(self, Ending::Fine | Ending::Order)
    }
}

/// What a court did with an appeal, from `appeal_outcome`.
pub const APPEAL_OUTCOMES: [&str; 5] = ["upheld", "quashed", "remitted", "reduced", "withdrawn"];

/// Whether the decision was appealed, from `appeal_filed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appeal {
    /// Empty: not known whether it was appealed.
    Unknown,
    /// `no`.
    No,
    /// `yes`: appealed, filing date not public.
    Undated,
    Filed(NaiveDate),
}

/// One proceeding, checked.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub regulator: String,
    pub platform: String,
    pub subject: String,
    pub opened: Option<NaiveDate>,
    pub findings: Option<NaiveDate>,
    /// `preliminary_findings = unknown`: there were findings (a draft decision), on a date not
    /// public, so the row's opened and findings stages cannot be timed.
    pub findings_undated: bool,
    pub decision: Option<(NaiveDate, Ending)>,
    pub appeal: Appeal,
    /// Index into [`APPEAL_OUTCOMES`] and its date.
    pub appeal_outcome: Option<(usize, NaiveDate)>,
    pub fine_eur: Option<f64>,
    pub turnover_eur: Option<f64>,
    pub legal_max_share: Option<f64>,
}

/// A regulator of `regulators.csv`: the scenario states its record's stages map to.
#[derive(Debug, Clone)]
pub struct Regulator {
    pub id: String,
    pub opened_state: String,
    pub findings_state: String,
    pub decision_state: String,
    pub closed_state: String,
}

/// A loaded record: its files, regulators and cases in file order.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub files: Vec<PathBuf>,
    pub regulators: BTreeMap<String, Regulator>,
    pub cases: Vec<Case>,
}

impl Record {
    /// The latest date anywhere in the record.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.cases
            .iter()
            .flat_map(|c| {
                let appeal = match c.appeal {
                    Appeal::Filed(d) => Some(d),
                    _ => None,
                };
                [
                    c.opened,
                    c.findings,
                    c.decision.map(|d| d.0),
                    appeal,
                    c.appeal_outcome.map(|o| o.1),
                ]
            })
            .flatten()
            .max()
    }
}

/// Loads record files (folders stand for their `*.csv`), each with the `regulators.csv` of its
/// folder. Every problem in every file is returned at once.
pub fn load(paths: &[PathBuf]) -> Result<Record, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match fs::read_dir(p) {
                Ok(rd) => {
                    let mut found: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|x| x == "csv"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => diags.push(whole(p, format!("cannot read the folder: {e}"))),
            }
        } else {
            files.push(p.clone());
        }
    }
    files.retain(|f| f.file_name().is_none_or(|n| n != REGISTRY));
    if files.is_empty() && diags.is_empty() {
        diags.push(whole(
            paths.first().map_or(Path::new("."), |p| p.as_path()),
            "no record files (CSV) given".into(),
        ));
    }
    let mut record = Record::default();
    let mut seen_registry = BTreeSet::new();
    for f in &files {
        let reg = f.parent().unwrap_or(Path::new(".")).join(REGISTRY);
        if seen_registry.insert(reg.clone()) {
            if !reg.is_file() {
                diags.push(whole(
                    f,
                    format!(
                        "no {REGISTRY} beside this record: it must list the regulators (columns {})",
                        REGISTRY_COLUMNS.join(", ")
                    ),
                ));
                continue;
            }
            for r in read_registry(&reg, &mut diags) {
                record.regulators.insert(r.id.clone(), r);
            }
        }
    }
    let mut ids = BTreeMap::new();
    for f in &files {
        read_cases(
            f,
            &record.regulators,
            &mut ids,
            &mut record.cases,
            &mut diags,
        );
    }
    if diags.is_empty() {
        record.files = files;
        Ok(record)
    } else {
        Err(diags)
    }
}

fn read_registry(file: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Regulator> {
    let Some(table) = Table::read(file, &REGISTRY_COLUMNS, diags) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (line, raw, fields) in &table.rows {
        let mut row = Row {
            table: &table,
            line: *line,
            raw,
            fields,
            diags,
        };
        check_source(&mut row);
        let cols = REGISTRY_COLUMNS.map(|c| row.required(c));
        if let [Some(id), Some(o), Some(f), Some(d), Some(c), Some(_), Some(_)] = cols {
            out.push(Regulator {
                id,
                opened_state: o,
                findings_state: f,
                decision_state: d,
                closed_state: c,
            });
        }
    }
    out
}

fn read_cases(
    file: &Path,
    regulators: &BTreeMap<String, Regulator>,
    ids: &mut BTreeMap<String, (PathBuf, usize)>,
    out: &mut Vec<Case>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(table) = Table::read(file, &COLUMNS, diags) else {
        return;
    };
    for (line, raw, fields) in &table.rows {
        let mut row = Row {
            table: &table,
            line: *line,
            raw,
            fields,
            diags,
        };
        if let Some(c) = read_case(&mut row, regulators, ids) {
            out.push(c);
        }
    }
}

fn read_case(
    row: &mut Row,
    regulators: &BTreeMap<String, Regulator>,
    ids: &mut BTreeMap<String, (PathBuf, usize)>,
) -> Option<Case> {
    let before = row.diags.len();
    let id = row.required("id");
    if let Some(id) = &id {
        if let Some((f, l)) = ids.get(id) {
            let m = format!("id `{id}` is already used at {}:{l}", f.display());
            row.bad("id", m);
        } else {
            ids.insert(id.clone(), (row.table.file.clone(), row.line));
        }
    }
    let regulator = row.required("regulator");
    if let Some(r) = &regulator {
        if !regulators.contains_key(r) {
            let known: Vec<&str> = regulators.keys().map(|k| k.as_str()).collect();
            row.bad(
                "regulator",
                format!(
                    "unknown regulator `{r}` (known from {REGISTRY}: {})",
                    known.join(", ")
                ),
            );
        }
    }
    let platform = row.required("platform");
    let subject = row.get("subject").to_string();
    check_source(row);
    let opened = row.date("opened");
    let findings_undated = row.get("preliminary_findings") == "unknown";
    let findings = if findings_undated {
        None
    } else {
        row.date("preliminary_findings")
    };
    let decision_day = row.date("decision");
    let kind_text = row.get("decision_kind").to_string();
    let kind = match (decision_day, kind_text.as_str()) {
        (None, "") => None,
        (Some(_), "") => {
            row.bad(
                "decision_kind",
                "a decision needs its kind: fine, order, commitments or closed".into(),
            );
            None
        }
        (None, k) => {
            row.bad(
                "decision_kind",
                format!("`{k}` is given but `decision` (its date) is empty"),
            );
            None
        }
        (Some(_), k) => {
            let e = Ending::parse(k);
            if e.is_none() {
                row.bad(
                    "decision_kind",
                    format!("`{k}` is not one of fine, order, commitments, closed"),
                );
            }
            e
        }
    };
    let appeal_text = row.get("appeal_filed").to_string();
    let appeal = match appeal_text.as_str() {
        "" => Appeal::Unknown,
        "no" => Appeal::No,
        "yes" => Appeal::Undated,
        _ => row
            .date("appeal_filed")
            .map_or(Appeal::Unknown, Appeal::Filed),
    };
    let outcome_text = row.get("appeal_outcome").to_string();
    let outcome_day = row.date("appeal_outcome_date");
    let outcome = match (outcome_text.as_str(), outcome_day) {
        ("", None) => None,
        ("", Some(_)) => {
            row.bad(
                "appeal_outcome",
                format!(
                    "empty, but `appeal_outcome_date` is given (one of {})",
                    APPEAL_OUTCOMES.join(", ")
                ),
            );
            None
        }
        (o, day) => match (APPEAL_OUTCOMES.iter().position(|x| *x == o), day) {
            (None, _) => {
                row.bad(
                    "appeal_outcome",
                    format!("`{o}` is not one of {}", APPEAL_OUTCOMES.join(", ")),
                );
                None
            }
            (Some(_), None) => {
                row.bad(
                    "appeal_outcome_date",
                    format!("an appeal outcome (`{o}`) needs its date"),
                );
                None
            }
            (Some(i), Some(d)) => Some((i, d)),
        },
    };
    if outcome.is_some() && !matches!(appeal, Appeal::Filed(_) | Appeal::Undated) {
        row.bad(
            "appeal_filed",
            "an appeal outcome is given, so the appeal must be recorded (a date, or `yes`)".into(),
        );
    }
    if appeal == Appeal::Undated && decision_day.is_none() {
        row.bad("appeal_filed", "an appeal needs the decision's date".into());
    }
    let decision = decision_day.zip(kind);
    row.order("opened", opened, "preliminary_findings", findings);
    row.order("opened", opened, "decision", decision_day);
    row.order("preliminary_findings", findings, "decision", decision_day);
    if let Appeal::Filed(a) = appeal {
        if decision_day.is_none() {
            row.bad("appeal_filed", "an appeal needs the decision's date".into());
        }
        row.order("decision", decision_day, "appeal_filed", Some(a));
        row.order("appeal_filed", Some(a), "appeal_outcome_date", outcome_day);
    }
    let fine_eur = row.number("fine_eur", 1e13);
    let turnover_eur = row.number("turnover_eur", 1e14);
    let legal_max_share = row.number("legal_max_share", 1.0);
    if fine_eur.is_some() && kind != Some(Ending::Fine) {
        row.bad(
            "fine_eur",
            "a fine is given, so `decision_kind` must be `fine`".into(),
        );
    }
    if row.diags.len() > before {
        return None;
    }
    Some(Case {
        id: id?,
        regulator: regulator?,
        platform: platform?,
        subject,
        opened,
        findings,
        findings_undated,
        decision,
        appeal,
        appeal_outcome: outcome,
        fine_eur,
        turnover_eur,
        legal_max_share,
    })
}
