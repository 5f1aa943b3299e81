//! The CSV files: `timeseries.csv` (long form, one row per metric and month),
//! `replications.csv` (one row per replication), `annual.csv` (one row per calendar year and
//! amount metric), `comparison.csv` (scenario × metric) and the paired differences of
//! `diff.csv` and `versus_<baseline>.csv`.

use crate::metrics::aggregate::Summary;
use crate::metrics::annual::YearStats;
use crate::metrics::branches::Branch;
use crate::metrics::paired::PairedStats;
use crate::metrics::table::Table;
use crate::model::World;

use super::num;

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

/// `month,metric,mean,p5,p50,p95`, metric by metric in layout order, months in order.
pub fn timeseries(world: &World, s: &Summary) -> Vec<u8> {
    let mut w = writer();
    w.write_record(["month", "metric", "mean", "p5", "p50", "p95"])
        .expect("memory");
    for (k, name) in s.layout.names.iter().enumerate() {
        for (m, st) in s.monthly[k].iter().enumerate() {
            let label = &world.calendar.month_labels[m];
            w.write_record([
                label,
                name,
                &num(st.mean),
                &num(st.p5),
                &num(st.p50),
                &num(st.p95),
            ])
            .expect("memory");
        }
    }
    finish(w)
}

/// `replication,<name>...`, a row per replication: written to `out` as it goes (the rows of a
/// million replications are never held as text).
pub fn per_replication(
    out: &mut dyn std::io::Write,
    names: &[String],
    rows: &Table,
) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let mut record = csv::ByteRecord::new();
    record.push_field(b"replication");
    names.iter().for_each(|n| record.push_field(n.as_bytes()));
    w.write_byte_record(&record)?;
    let mut i = 0usize;
    rows.for_each_row(|row| {
        record.clear();
        record.push_field(i.to_string().as_bytes());
        row.iter()
            .for_each(|v| record.push_field(num(*v).as_bytes()));
        i += 1;
        Ok(w.write_byte_record(&record)?)
    })?;
    w.flush()
}

/// `scenario,metric,mean,sd,p1,p5,p50,p95,p99,min,max,ci95_lo,ci95_hi,es95,es99,p_positive` for
/// several scenarios.
pub fn comparison(runs: &[(&str, &Summary)]) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "scenario",
        "metric",
        "mean",
        "sd",
        "p1",
        "p5",
        "p50",
        "p95",
        "p99",
        "min",
        "max",
        "ci95_lo",
        "ci95_hi",
        "es95",
        "es99",
        "p_positive",
    ])
    .expect("memory");
    for (scenario, s) in runs {
        for (name, st) in s.layout.names.iter().zip(&s.totals) {
            let values = [
                st.mean,
                st.sd,
                st.p1,
                st.p5,
                st.p50,
                st.p95,
                st.p99,
                st.min,
                st.max,
                st.ci95[0],
                st.ci95[1],
                st.es95,
                st.es99,
                st.p_positive,
            ];
            let mut row = vec![scenario.to_string(), name.clone()];
            row.extend(values.iter().map(|v| num(*v)));
            w.write_record(&row).expect("memory");
        }
    }
    finish(w)
}

/// `branch,outcome,replications,share,share_ci95_lo,share_ci95_hi,metric,mean,p5,p50,p95`:
/// each branch outcome with every headline metric given it.
pub fn branches(rows: &[Branch]) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "branch",
        "outcome",
        "replications",
        "share",
        "share_ci95_lo",
        "share_ci95_hi",
        "metric",
        "mean",
        "p5",
        "p50",
        "p95",
    ])
    .expect("memory");
    for b in rows {
        for (metric, st) in &b.given {
            w.write_record([
                b.branch.clone(),
                b.outcome.clone(),
                b.replications.to_string(),
                num(b.share),
                num(b.ci95[0]),
                num(b.ci95[1]),
                metric.clone(),
                num(st.mean),
                num(st.p5),
                num(st.p50),
                num(st.p95),
            ])
            .expect("memory");
        }
    }
    finish(w)
}

/// `year,metric,mean,p5,p50,p95`: each calendar year's amount of every amount metric.
pub fn annual(s: &Summary, years: &[YearStats]) -> Vec<u8> {
    let mut w = writer();
    w.write_record(["year", "metric", "mean", "p5", "p50", "p95"])
        .expect("memory");
    for y in years {
        w.write_record([
            &y.year.to_string(),
            &s.layout.names[y.metric],
            &num(y.mean),
            &num(y.p5),
            &num(y.p50),
            &num(y.p95),
        ])
        .expect("memory");
    }
    finish(w)
}

/// `metric,base_mean,changed_mean,diff_mean,diff_sd,diff_ci95_lo,diff_ci95_hi,rel_change,
/// p_changed_greater,diff_ci95_method,replications,diff_nonzero,flags,p_reached_base,
/// p_reached_changed,p_reached_diff,p_reached_diff_ci95_lo,p_reached_diff_ci95_hi,
/// km_median_base,km_median_changed`: paired differences (`diff.csv`, `versus_<baseline>.csv`).
/// A relative change against a base mean of 0 is left empty, and so is the interval when every
/// paired difference is equal (flag `all_equal`; `diff_nonzero` says how many differ from 0).
/// The milestone columns are empty for other metrics; a median not reached is `not reached`.
pub fn paired(rows: &[PairedStats]) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "metric",
        "base_mean",
        "changed_mean",
        "diff_mean",
        "diff_sd",
        "diff_ci95_lo",
        "diff_ci95_hi",
        "rel_change",
        "p_changed_greater",
        "diff_ci95_method",
        "replications",
        "diff_nonzero",
        "flags",
        "p_reached_base",
        "p_reached_changed",
        "p_reached_diff",
        "p_reached_diff_ci95_lo",
        "p_reached_diff_ci95_hi",
        "km_median_base",
        "km_median_changed",
        "diff_p5",
        "diff_p50",
        "diff_p95",
    ])
    .expect("memory");
    let median = |m: Option<f64>| m.map_or("not reached".to_string(), num);
    for p in rows {
        let ci = |i: usize| {
            if p.all_equal() {
                String::new()
            } else {
                num(p.ci95[i])
            }
        };
        let mut row = vec![
            p.metric.clone(),
            num(p.base_mean),
            num(p.changed_mean),
            num(p.diff_mean),
            num(p.diff_sd),
            ci(0),
            ci(1),
            p.rel_change.map_or(String::new(), num),
            num(p.p_changed_greater),
            p.ci95_method.to_string(),
            p.n.to_string(),
            p.n_nonzero.to_string(),
            p.flags.join(" "),
        ];
        match &p.milestone {
            Some(m) => row.extend([
                num(m.p_reached_base),
                num(m.p_reached_changed),
                num(m.p_reached_diff),
                m.p_reached_diff_ci95.map_or(String::new(), |c| num(c[0])),
                m.p_reached_diff_ci95.map_or(String::new(), |c| num(c[1])),
                median(m.km_median_base),
                median(m.km_median_changed),
            ]),
            None => row.extend(std::iter::repeat_n(String::new(), 7)),
        }
        row.extend(p.diff_quantiles.map(num));
        w.write_record(&row).expect("memory");
    }
    finish(w)
}
