//! What a run keeps of its replications, given them one at a time in replication order: every
//! replication's totals and inputs (a row each), and its monthly series only as it feeds the
//! streaming [`Quantiles`] of each month, calendar year and month-end running cost. So memory
//! does not grow with the replication count by a series; the rows stay in memory while they
//! are few and go to a temporary file beyond (see [`Table`]).

use std::path::Path;

use super::quantiles::Quantiles;
use super::sample::MonthStats;
use super::table::Table;
use super::{id, Kind, Layout, RepResult};

fn band(q: &Quantiles) -> MonthStats {
    let [p5, p50, p95] = q.quantiles([0.05, 0.5, 0.95]);
    MonthStats {
        mean: q.mean(),
        p5,
        p50,
        p95,
    }
}

/// Replications' results as a run keeps them.
#[derive(Debug)]
pub struct Collected {
    /// `totals.row(r)`: replication r's total of every metric, in layout order.
    pub totals: Table,
    /// `inputs.row(r)`: replication r's quantities drawn once.
    pub inputs: Table,
    /// `monthly[metric][month]`, empty for metrics without a series.
    monthly: Vec<Vec<Quantiles>>,
    /// Per amount metric: (metric, one estimator per calendar year of [`Collected::years`]).
    annual: Vec<(usize, Vec<Quantiles>)>,
    /// The calendar years of the horizon, in order, and each month's index into them.
    years: Vec<i32>,
    month_year: Vec<usize>,
    /// `cost.total` summed to each month end.
    cumulative: Vec<Quantiles>,
    metrics: usize,
    /// One replication's yearly sums of one metric (kept to allocate nothing per replication).
    year_sums: Vec<f64>,
}

impl Collected {
    /// Ready for about `expected` replications of `layout` (rows beyond a few megabytes go
    /// to a temporary file in `dir`, see [`Table`]).
    pub fn new(layout: &Layout, expected: usize, dir: &Path) -> std::io::Result<Collected> {
        let months = layout.months;
        let q = || Quantiles::new(expected);
        let monthly = layout
            .kinds
            .iter()
            .map(|k| match k {
                Kind::PerReplication => Vec::new(),
                _ => (0..months).map(|_| q()).collect(),
            })
            .collect();
        let mut years = layout.years.clone();
        years.dedup();
        let month_year = layout
            .years
            .iter()
            .map(|y| years.iter().position(|x| x == y).unwrap_or(0))
            .collect();
        let annual = (0..layout.len())
            .filter(|&k| layout.kinds[k] == Kind::Sum)
            .map(|k| (k, years.iter().map(|_| q()).collect()))
            .collect();
        let cumulative = (0..months).map(|_| q()).collect();
        Ok(Collected {
            totals: Table::new(layout.len(), expected, dir)?,
            inputs: Table::new(layout.inputs.names.len(), expected, dir)?,
            monthly,
            annual,
            years,
            month_year,
            cumulative,
            metrics: layout.len(),
            year_sums: Vec::new(),
        })
    }

    /// Every replication of `reps`, in order.
    #[cfg(test)]
    pub fn of(layout: &Layout, reps: &[RepResult]) -> Collected {
        let mut c =
            Collected::new(layout, reps.len(), &std::env::temp_dir()).expect("temporary file");
        reps.iter().for_each(|r| c.push(r).expect("temporary file"));
        c
    }

    /// The next replication's results.
    pub fn push(&mut self, rep: &RepResult) -> std::io::Result<()> {
        let m = self.metrics;
        self.totals.push(&rep.totals)?;
        self.inputs.push(&rep.inputs)?;
        for (k, months) in self.monthly.iter_mut().enumerate() {
            for (month, q) in months.iter_mut().enumerate() {
                q.push(rep.series[month * m + k]);
            }
        }
        for (k, years) in &mut self.annual {
            // Summed from -0.0 in month order, as `Iterator::sum` does.
            let sums = &mut self.year_sums;
            sums.clear();
            sums.resize(years.len(), -0.0);
            for (month, &y) in self.month_year.iter().enumerate() {
                sums[y] += rep.series[month * m + *k];
            }
            years
                .iter_mut()
                .zip(sums.iter())
                .for_each(|(q, &s)| q.push(s));
        }
        let mut running = 0.0;
        for (month, q) in self.cumulative.iter_mut().enumerate() {
            running += rep.series[month * m + id::COST_TOTAL];
            q.push(running);
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.totals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Metric `k` month by month (empty for metrics without a series).
    pub fn monthly(&self, k: usize) -> Vec<MonthStats> {
        self.monthly[k].iter().map(band).collect()
    }

    /// (year, metric, band) of every amount metric, metric by metric, years in order.
    pub fn annual(&self) -> impl Iterator<Item = (i32, usize, MonthStats)> + '_ {
        self.annual.iter().flat_map(move |(k, years)| {
            years
                .iter()
                .zip(&self.years)
                .map(move |(q, &y)| (y, *k, band(q)))
        })
    }

    /// p5 and p95 of the running total cost at each month end, with a leading zero.
    pub fn cumulative_cost(&self) -> [Vec<f64>; 2] {
        let mut band = [vec![0.0], vec![0.0]];
        for q in &self.cumulative {
            let [p5, p95] = q.quantiles([0.05, 0.95]);
            band[0].push(p5);
            band[1].push(p95);
        }
        band
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{run_replication, Workspace};
    use crate::metrics::aggregate::Stats;
    use crate::metrics::quantiles::{EXACT, RELATIVE_ERROR};
    use crate::metrics::sample::quantile_sorted;

    /// Two years with a heavy-tailed records draw, so monthly values spread over decades.
    const SCENARIO: &str = r#"name = "c"
start = "2024-01-01"
end = "2025-12-31"
[population.eu]
home = "EU"
enclave = ["IE"]
restricted = ["CN"]
users = 2_000_000
data_per_user_mb = 500
placement = { dublin = 1.0 }
[site.dublin]
jurisdiction = "IE"
capacity_pb = 2
[staff.ops]
jurisdiction = "CN"
headcount = 3
sessions_per_person_day = 0.2
records_per_session = { dist = "lognormal", median = 10, p90 = 400 }
populations = ["eu"]
categories = ["identifiers"]
"#;

    /// |estimate − exact| within the bound of the type-7 quantile `q` of `values`.
    fn assert_close(what: &str, values: &[f64], q: f64, estimate: f64) {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let exact = quantile_sorted(&sorted, q);
        if values.len() <= EXACT {
            assert_eq!(estimate.to_bits(), exact.to_bits(), "{what} q={q}");
            return;
        }
        let lo = ((sorted.len() - 1) as f64 * q).floor() as usize;
        let hi = (lo + 1).min(sorted.len() - 1);
        let bound = RELATIVE_ERROR * sorted[lo].abs().max(sorted[hi].abs()) * (1.0 + 1e-12);
        assert!(
            (estimate - exact).abs() <= bound,
            "{what} q={q}: {estimate} vs {exact}"
        );
    }

    /// Months, years and running costs from the collected estimators against exact statistics
    /// of the kept series: bit for bit up to the exact count, within the bound beyond.
    #[test]
    fn collected_bands_match_the_exact_statistics_of_every_series() {
        let w = crate::engine::tests::world(SCENARIO);
        let layout = Layout::of(&w);
        let mut ws = Workspace::new();
        let all: Vec<RepResult> = (0..EXACT as u64 + 500)
            .map(|r| run_replication(&w, &layout, r, &mut ws))
            .collect();
        let m = layout.len();
        let records = layout.index("exposure.records_visible").unwrap();
        for reps in [&all[..EXACT], &all[..]] {
            let c = Collected::of(&layout, reps);
            let series = |k: usize, month: usize| -> Vec<f64> {
                reps.iter().map(|r| r.series[month * m + k]).collect()
            };
            for k in [records, id::COST_TOTAL, id::USERS_ACTIVE] {
                for (month, band) in c.monthly(k).iter().enumerate() {
                    let v = series(k, month);
                    assert_eq!(band.mean, Stats::of(&mut v.clone()).mean);
                    for (q, e) in [(0.05, band.p5), (0.5, band.p50), (0.95, band.p95)] {
                        assert_close("month", &v, q, e);
                    }
                }
            }
            let year_of = |r: &RepResult, year: i32| -> f64 {
                (0..layout.months)
                    .filter(|&mo| layout.years[mo] == year)
                    .map(|mo| r.series[mo * m + records])
                    .sum()
            };
            let mut seen = 0;
            for (year, k, band) in c.annual().filter(|(_, k, _)| *k == records) {
                let v: Vec<f64> = reps.iter().map(|r| year_of(r, year)).collect();
                assert_eq!(band.mean, Stats::of(&mut v.clone()).mean, "{year} {k}");
                assert_close("year", &v, 0.95, band.p95);
                seen += 1;
            }
            assert_eq!(seen, 2);
            let [p5, p95] = c.cumulative_cost();
            assert_eq!((p5.len(), p95[0]), (layout.months + 1, 0.0));
            let running: Vec<f64> = reps
                .iter()
                .map(|r| (0..6).map(|mo| r.series[mo * m + id::COST_TOTAL]).sum())
                .collect();
            assert_close("cumulative", &running, 0.95, p95[6]);
            assert_eq!(c.totals.column(records).unwrap().len(), reps.len());
            assert_eq!(c.inputs.len(), reps.len());
        }
    }
}

#[cfg(test)]
mod spill_tests {
    use super::*;
    use crate::engine::{run_replication, Workspace};
    use crate::metrics::aggregate::Summary;
    use crate::metrics::branches::branches;
    use crate::metrics::paired::{differences, paired, Totals};

    /// Everything read from the kept rows (exact statistics, branches, `replications.csv` and
    /// `inputs.csv`, paired comparisons) is the same, bit for bit, whether the rows stayed in
    /// memory or went to disk in blocks: on a shipped scenario with a decision and uncertain
    /// events, its rows split into full blocks and a partial one.
    #[test]
    fn spilled_rows_give_what_rows_in_memory_give() {
        let file = std::path::PathBuf::from("scenarios/us_law_2024.toml");
        let loaded = crate::run::load_all(&[file]).unwrap();
        let w = &loaded[0].world;
        let layout = Layout::of(w);
        let mut ws = Workspace::new();
        let reps: Vec<RepResult> = (0..150)
            .map(|r| run_replication(w, &layout, r, &mut ws))
            .collect();
        let mem = Collected::of(&layout, &reps);
        let tmp = std::env::temp_dir();
        let mut disk = Collected::new(&layout, reps.len(), &tmp).unwrap();
        disk.totals = Table::spilling(layout.len(), 16, &tmp).unwrap();
        disk.inputs = Table::spilling(layout.inputs.names.len(), 16, &tmp).unwrap();
        reps.iter().for_each(|r| disk.push(r).unwrap());
        assert!(!mem.totals.spills() && disk.totals.spills() && disk.inputs.spills());
        assert_eq!(disk.len(), 150);

        let (sm, sd) = (
            Summary::of(&layout, &mem).unwrap(),
            Summary::of(&layout, &disk).unwrap(),
        );
        assert_eq!(format!("{:?}", sm.totals), format!("{:?}", sd.totals));
        let (bm, bd) = (
            branches(w, &layout, &mem).unwrap(),
            branches(w, &layout, &disk).unwrap(),
        );
        assert!(bm.len() >= 4, "{}", bm.len());
        assert_eq!(format!("{bm:?}"), format!("{bd:?}"));
        let csv = |t: &Table, names: &[String]| {
            let mut out = Vec::new();
            crate::report::csv::per_replication(&mut out, names, t).unwrap();
            out
        };
        for (m, d, names) in [
            (&mem.totals, &disk.totals, &layout.names),
            (&mem.inputs, &disk.inputs, &layout.inputs.names),
        ] {
            assert_eq!(csv(m, names), csv(d, names));
        }
        // Against the first 75 replications of itself shifted by 75: a real difference.
        let mut later = Collected::new(&layout, 75, &tmp).unwrap();
        reps[75..].iter().for_each(|r| later.push(r).unwrap());
        fn t<'a>(layout: &'a Layout, c: &'a Collected) -> Totals<'a> {
            Totals {
                layout,
                totals: &c.totals,
            }
        }
        let (later, mem, disk) = (t(&layout, &later), t(&layout, &mem), t(&layout, &disk));
        let pm = format!("{:?}", paired(&later, &mem).unwrap());
        assert_eq!(pm, format!("{:?}", paired(&later, &disk).unwrap()));
        let dm = format!("{:?}", differences(&mem, &later).unwrap());
        assert_eq!(dm, format!("{:?}", differences(&disk, &later).unwrap()));
    }
}
