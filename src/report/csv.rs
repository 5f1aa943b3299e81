//! The CSV files: `timeseries.csv` (long form, one row per metric and month),
//! `replications.csv` (one row per replication) and `comparison.csv` (scenario × metric).

use crate::metrics::aggregate::Summary;
use crate::metrics::RepResult;
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

/// `replication,<metric>...`: every replication's totals.
pub fn replications(s: &Summary, reps: &[RepResult]) -> Vec<u8> {
    let mut w = writer();
    let mut header = vec!["replication".to_string()];
    header.extend(s.layout.names.iter().cloned());
    w.write_record(&header).expect("memory");
    for (i, r) in reps.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(r.totals.iter().map(|v| num(*v)));
        w.write_record(&row).expect("memory");
    }
    finish(w)
}

/// `scenario,metric,mean,sd,p5,p50,p95,min,max,ci95_lo,ci95_hi` for several scenarios.
pub fn comparison(runs: &[(&str, &Summary)]) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "scenario", "metric", "mean", "sd", "p5", "p50", "p95", "min", "max", "ci95_lo", "ci95_hi",
    ])
    .expect("memory");
    for (scenario, s) in runs {
        for (name, st) in s.layout.names.iter().zip(&s.totals) {
            w.write_record([
                scenario,
                name.as_str(),
                &num(st.mean),
                &num(st.sd),
                &num(st.p5),
                &num(st.p50),
                &num(st.p95),
                &num(st.min),
                &num(st.max),
                &num(st.ci95[0]),
                &num(st.ci95[1]),
            ])
            .expect("memory");
        }
    }
    finish(w)
}
