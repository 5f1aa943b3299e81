//! `regsim discover`: scenario discovery with PRIM. Which inputs, in which ranges, lead to the
//! outcomes an analyst worries about? The rows of a sweep's `points.csv` (or a run's
//! `inputs.csv` joined with `replications.csv`, see [`load`]) whose metric is above (or below) a
//! threshold are the cases of interest; [`prim`] finds boxes in the inputs that hold many of them
//! and little else. Writes `discover_<metric>/` with `trajectory.csv` (every box on each
//! peeling-and-pasting trajectory: coverage, density, mass, restricted dimensions), `boxes.csv`
//! (the limits of each box found, per dimension) and `trajectory.svg`/`.png` (the trade-off).
//!
//! Everything is read and computed before anything is written, so bad input writes nothing; each
//! file is written atomically; the output depends only on the input files.

pub mod chart;
pub mod load;
pub mod prim;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::report::charts::{render, Header};
use crate::report::{atomic_write, format, num};
use prim::{Data, Found, Params};

/// Which rows are of interest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Above(f64),
    Below(f64),
}

impl Target {
    fn hit(self, v: f64) -> bool {
        match self {
            Target::Above(x) => v > x,
            Target::Below(x) => v < x,
        }
    }

    /// `exposure.records_visible above 20 M`: in words, the threshold as people write it.
    fn describe(self, metric: &str) -> String {
        let (word, x) = match self {
            Target::Above(x) => ("above", x),
            Target::Below(x) => ("below", x),
        };
        // `20 M` where that is exact, else every digit given.
        let e = if x == 0.0 {
            0
        } else {
            libm::log10(x.abs()).floor() as i32
        };
        let shown = if to_digits(x, 2 - e, f64::round) == x {
            format::si(x)
        } else {
            num(x)
        };
        format!("{metric} {word} {shown}")
    }
}

/// What `regsim discover` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// A sweep's output folder or a run's scenario folder.
    pub dir: PathBuf,
    pub metric: String,
    pub target: Target,
    /// Where `discover_<metric>/` goes (default: `dir`).
    pub out: Option<PathBuf>,
    pub params: Params,
}

/// What discovery found, in memory ([`find`]): the files `regsim discover` writes, byte for
/// byte, and the lines it prints; [`Discovery::write`] writes them.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The metric searched, as its column is named.
    pub metric: String,
    /// One line per box, for the terminal.
    pub lines: Vec<String>,
    /// Inputs left out of the search.
    pub notes: Vec<String>,
    /// `trajectory.csv`, `boxes.csv`, `trajectory.svg` and `trajectory.png`, in that order.
    files: [(&'static str, Vec<u8>); 4],
}

impl Discovery {
    /// `trajectory.csv`: every box on each peeling-and-pasting trajectory.
    pub fn trajectory_csv(&self) -> &[u8] {
        &self.files[0].1
    }

    /// `boxes.csv`: the limits of each box found, per dimension.
    pub fn boxes_csv(&self) -> &[u8] {
        &self.files[1].1
    }

    /// Writes `out/discover_<metric>/` (each file atomically) and returns that folder.
    pub fn write(&self, out: &Path) -> Result<PathBuf, Error> {
        let dir = output_dir(out, &self.metric);
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        for (name, bytes) in &self.files {
            atomic_write(&dir.join(name), bytes)?;
        }
        Ok(dir)
    }
}

/// What was found and where it was written.
#[derive(Debug)]
pub struct Outcome {
    pub dir: PathBuf,
    /// One line per box, for the terminal.
    pub lines: Vec<String>,
    /// Inputs left out of the search.
    pub notes: Vec<String>,
}

/// A metric column name safe to use in a folder name.
fn check_name(metric: &str) -> Result<(), Error> {
    let ok = !metric.is_empty()
        && !metric.starts_with('.')
        && metric
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "metric `{metric}` cannot name an output folder (letters, digits, `_`, `-` and `.` only, not starting with `.`)"
        )))
    }
}

/// Runs PRIM and writes its files (`regsim discover`): [`find`], then [`Discovery::write`]
/// into `opts.out` (default: `opts.dir`).
pub fn discover(opts: &Options) -> Result<Outcome, Error> {
    let found = find(opts)?;
    let dir = found.write(opts.out.as_deref().unwrap_or(&opts.dir))?;
    Ok(Outcome {
        dir,
        lines: found.lines,
        notes: found.notes,
    })
}

/// Reads `opts.dir` (a sweep's folder, or a run's scenario folder) and runs PRIM on it; writes
/// nothing (`opts.out` is not used).
///
/// ```
/// use regsim::discover::{find, Options, Target};
///
/// let sweep = regsim::sweep("scenarios/sweeps/ci_smoke.toml", &regsim::Settings::default())?;
/// let tmp = tempfile::tempdir().unwrap();
/// let dir = sweep.write(tmp.path()).unwrap();
/// // Points with more records visible than the midpoint of the sweep's range.
/// let points = String::from_utf8(sweep.points_csv()).unwrap();
/// let visible: Vec<f64> = points.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().parse().unwrap()).collect();
/// let mid = (visible.iter().cloned().fold(f64::INFINITY, f64::min)
///     + visible.iter().cloned().fold(f64::NEG_INFINITY, f64::max)) / 2.0;
/// let opts = Options {
///     dir,
///     metric: "exposure.records_visible.mean".into(),
///     target: Target::Above(mid),
///     out: None,
///     params: Default::default(),
/// };
/// let found = find(&opts)?;
/// assert!(String::from_utf8_lossy(found.boxes_csv()).starts_with("box,dimension,min,max,restricted"));
/// # Ok::<(), regsim::error::Error>(())
/// ```
pub fn find(opts: &Options) -> Result<Discovery, Error> {
    let table = load::load(&opts.dir)?;
    let (metric, values) = table.metric(&opts.metric)?;
    check_name(&metric)?;
    if table.inputs.is_empty() {
        return Err(Error::Usage(format!(
            "no input to search in {}: {}",
            table.files[0].display(),
            table.notes.join("; ")
        )));
    }
    let y: Vec<bool> = values.iter().map(|v| opts.target.hit(*v)).collect();
    let hits = y.iter().filter(|v| **v).count();
    let what = opts.target.describe(&metric);
    if hits == 0 || hits == y.len() {
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let share = if hits == 0 { "no" } else { "every" };
        return Err(Error::Usage(format!(
            "{share} row has {what} (of {} rows, {metric} runs from {} to {}); choose a threshold inside that range",
            y.len(),
            num(lo),
            num(hi)
        )));
    }
    let columns: Vec<Vec<f64>> = table.inputs.iter().map(|(_, c)| c.clone()).collect();
    let names: Vec<&str> = table.inputs.iter().map(|(n, _)| n.as_str()).collect();
    let found = prim::run(
        &Data {
            columns: &columns,
            y: &y,
        },
        opts.params,
    );
    let header = Header {
        title: format!("Scenario discovery: {what}"),
        subtitle: format!(
            "PRIM over {} · {} of {} rows of interest · peel and paste α {}, mass ≥ {}",
            table.files[0].display(),
            hits,
            y.len(),
            num(opts.params.peel_alpha),
            num(opts.params.mass_min)
        ),
        legend: Vec::new(),
        note: found.is_empty().then(|| {
            format!(
                "No box reaches density {}: the cases of interest are spread over the inputs.",
                num(opts.params.min_density)
            )
        }),
    };
    let chart = render("trajectory", &chart::TradeoffChart::new(header, &found))?;
    Ok(Discovery {
        lines: summary_lines(&found, &names, &columns, &what),
        notes: table.notes,
        files: [
            ("trajectory.csv", trajectory_csv(&found)),
            ("boxes.csv", boxes_csv(&found, &names, &columns)),
            ("trajectory.svg", chart.svg),
            ("trajectory.png", chart.png),
        ],
        metric,
    })
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// `box,step,phase,coverage,density,mass,restricted_dimensions,chosen`.
fn trajectory_csv(found: &[Found]) -> Vec<u8> {
    let mut s = String::from("box,step,phase,coverage,density,mass,restricted_dimensions,chosen\n");
    for (b, f) in found.iter().enumerate() {
        let last = f.trajectory.len() - 1;
        for (i, st) in f.trajectory.iter().enumerate() {
            let _ = writeln!(
                s,
                "{},{i},{},{},{},{},{},{}",
                b + 1,
                st.phase.name(),
                num(st.coverage),
                num(st.density),
                num(st.mass),
                st.restricted_count(),
                yes(i == last)
            );
        }
    }
    s.into_bytes()
}

/// `box,dimension,min,max,restricted`, every dimension of every box found.
/// Limits as short as the data allow: each box's limit `[lo, hi]` of a column becomes the number
/// with the fewest significant digits that keeps exactly the same rows inside (a lower limit
/// moves down at most to just above the next smaller value in the column, an upper limit up to
/// just below the next larger), so `0.12345678901234567` prints as `0.12` when no row lies
/// between. Unrestricted (infinite) limits stay as they are.
fn readable(limits: &[[f64; 2]], columns: &[Vec<f64>]) -> Vec<[f64; 2]> {
    limits
        .iter()
        .zip(columns)
        .map(|(&[lo, hi], col)| {
            let below = col
                .iter()
                .copied()
                .filter(|&v| v < lo)
                .fold(f64::NEG_INFINITY, f64::max);
            let above = col
                .iter()
                .copied()
                .filter(|&v| v > hi)
                .fold(f64::INFINITY, f64::min);
            [shortest_in(below, lo, true), shortest_in(hi, above, false)]
        })
        .collect()
}

/// The number with the fewest significant digits in `(a, b]` (`down`: found by rounding `b`
/// down) or in `[a, b)` (rounding `a` up); the limit itself when none is shorter.
fn shortest_in(a: f64, b: f64, down: bool) -> f64 {
    let limit = if down { b } else { a };
    if !limit.is_finite() || limit == 0.0 {
        return limit;
    }
    let e = libm::log10(limit.abs()).floor() as i32;
    for digits in 1..17 {
        let c = to_digits(
            limit,
            digits - 1 - e,
            if down { f64::floor } else { f64::ceil },
        );
        let fits = if down {
            c > a && c <= b
        } else {
            c >= a && c < b
        };
        if fits {
            return c;
        }
    }
    limit
}

/// `v` rounded by `round` to `places` decimal places (negative: to tens, hundreds, …). A power
/// of ten above 1 is exact and its inverse is not, so large numbers are divided by the power
/// rather than multiplied by its inverse: 5e7 to the nearest 1e5 is 5e7, not 50000000.00000001.
fn to_digits(v: f64, places: i32, round: fn(f64) -> f64) -> f64 {
    if places >= 0 {
        let f = libm::pow(10.0, f64::from(places));
        round(v * f) / f
    } else {
        let f = libm::pow(10.0, f64::from(-places));
        round(v / f) * f
    }
}

fn boxes_csv(found: &[Found], names: &[&str], columns: &[Vec<f64>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let row = |w: &mut csv::Writer<Vec<u8>>, r: [&str; 5]| w.write_record(r).expect("memory");
    row(&mut w, ["box", "dimension", "min", "max", "restricted"]);
    for (b, f) in found.iter().enumerate() {
        let chosen = f.chosen();
        let limits = readable(&chosen.limits, columns);
        for (j, name) in names.iter().enumerate() {
            let [lo, hi] = limits[j];
            let bx = (b + 1).to_string();
            row(
                &mut w,
                [&bx, name, &num(lo), &num(hi), yes(chosen.restricted[j])],
            );
        }
    }
    w.into_inner().expect("memory")
}

fn summary_lines(found: &[Found], names: &[&str], columns: &[Vec<f64>], what: &str) -> Vec<String> {
    if found.is_empty() {
        return vec![format!("no box holds mostly rows with {what}")];
    }
    found
        .iter()
        .enumerate()
        .map(|(b, f)| {
            let c = f.chosen();
            let limits = readable(&c.limits, columns);
            let dims: Vec<String> = names
                .iter()
                .enumerate()
                .filter(|(j, _)| c.restricted[*j])
                .map(|(j, n)| format!("{n} in [{}, {}]", num(limits[j][0]), num(limits[j][1])))
                .collect();
            format!(
                "box {}: coverage {:.3}, density {:.3}, mass {:.3}: {}",
                b + 1,
                c.coverage,
                c.density,
                c.mass,
                dims.join(", ")
            )
        })
        .collect()
}

/// The folder `discover` writes for `metric` under `out`.
pub fn output_dir(out: &Path, metric: &str) -> PathBuf {
    out.join(format!("discover_{metric}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_shorten_only_as_far_as_the_rows_inside_stay_the_same() {
        let col = vec![0.1, 0.123_456_789_012_345_67, 0.2, 0.351_234_567_8, 0.9];
        let r = readable(
            &[[0.123_456_789_012_345_67, 0.351_234_567_8]],
            std::slice::from_ref(&col),
        );
        assert_eq!(r, [[0.12, 0.4]]);
        for (v, inside) in col.iter().zip([false, true, true, true, false]) {
            assert_eq!(r[0][0] <= *v && *v <= r[0][1], inside, "{v}");
        }
        // Neighbours close by keep more digits.
        let r = readable(&[[0.1234, 0.2]], &[vec![0.1233, 0.1234, 0.2, 0.2001]]);
        assert_eq!(r, [[0.1234, 0.2]]);
        assert_eq!(
            readable(&[[f64::NEG_INFINITY, 5.0]], &[vec![1.0, 5.0]])[0][0],
            f64::NEG_INFINITY
        );
        // Limits at the data's ends of a large-valued column round to its resolution too
        // (was 500000.00000000006 and 1999999999.9999998, from inverse powers of ten).
        let col = vec![500_000.000_000_000_06, 7e5, 1_999_999_999.999_999_8];
        let r = readable(&[[col[0], col[2]]], std::slice::from_ref(&col));
        assert_eq!(r, [[500_000.0, 2e9]]);
    }

    #[test]
    fn targets_read_in_words() {
        assert_eq!(Target::Above(2e7).describe("m"), "m above 20 M");
        assert_eq!(Target::Above(5e7).describe("m"), "m above 50 M");
        assert_eq!(
            Target::Below(12_345_678.0).describe("m"),
            "m below 12345678"
        );
    }
}
