//! The `regsim` command line: parse arguments, call the library, map errors to exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use regsim::discover;
use regsim::error::{Error, EXIT_OK};
use regsim::expect;
use regsim::limits::{self, Limits};
use regsim::run::{self, RunOptions};
use regsim::scenario;
use regsim::stop::Stop;
use regsim::sweep::{self, shard::Shard, SweepOptions};

/// Discrete-event simulator for data-sovereignty regimes.
#[derive(Parser)]
#[command(name = "regsim", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A folder of scenarios that scenarios and sweeps elsewhere may extend or name (run, diff,
    /// validate, explain, sweep); repeatable; default: REGSIM_LIBRARY.
    #[arg(long, global = true, value_name = "DIR")]
    library: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write summary.json, timeseries.csv, replications.csv, charts and
    /// report.html per scenario, plus index.html (and comparison charts for several).
    Run {
        /// Scenario files or folders of them (a folder's *.toml, not recursing).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run two scenarios on the same random streams and write their paired differences:
    /// diff.csv, a forest chart and report.html in DIR/diff_<changed>_vs_<base>/. Both run with
    /// --seed and --replications, else with the base's.
    Diff {
        /// The scenario compared against.
        base: PathBuf,
        /// The scenario whose change is measured.
        changed: PathBuf,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Parse and check scenarios (and sweep files, which have `base` and `design`); run nothing.
    /// Problems print as file:line:col: message.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the fully resolved scenario (after `extends` and defaults) as TOML.
    Explain { file: PathBuf },
    /// Print the JSON Schema of the scenario format (for Taplo / Even Better TOML).
    Schema,
    /// Run a parameter sweep: points.csv, sensitivity.csv, expectations.json and junit.xml in
    /// DIR/<sweep>/ (exit 3 when an [[expect]] fails). With --shard, only that share of points.
    Sweep {
        /// The sweep file (e.g. scenarios/sweeps/ci_smoke.toml).
        file: PathBuf,
        /// Run only shard K of N (1-based: points with index mod N = K-1), or `auto` from
        /// REGSIM_SHARD, SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + REGSIM_SHARD_COUNT.
        /// Shards write their points; `regsim merge` joins them.
        #[arg(long)]
        shard: Option<String>,
        /// Skip points already finished in the output folder.
        #[arg(long)]
        resume: bool,
        /// Worker threads (default: one per core). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Output folder.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        #[command(flatten)]
        precision: PrecisionArgs,
        #[command(flatten)]
        guard: Guard,
    },
    /// Join shard outputs of `regsim sweep --shard` into the files an unsharded sweep writes.
    Merge {
        /// Shard output folders (each a --out folder, or a sweep folder in one).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, required = true)]
        out: PathBuf,
    },
    /// PRIM scenario discovery over a sweep's points.csv or a run's inputs.csv: which input
    /// ranges hold the rows with METRIC above (or below) X. Writes DIR/discover_<metric>/.
    Discover {
        /// A sweep's output folder (points.csv) or a run's scenario folder (inputs.csv).
        dir: PathBuf,
        /// A column of points.csv (a sweep metric alone means its .mean) or replications.csv.
        #[arg(long)]
        metric: String,
        /// Rows with the metric above X are the cases of interest.
        #[arg(
            long,
            value_name = "X",
            allow_negative_numbers = true,
            conflicts_with = "below",
            required_unless_present = "below"
        )]
        above: Option<f64>,
        /// Rows with the metric below X are the cases of interest.
        #[arg(long, value_name = "X", allow_negative_numbers = true)]
        below: Option<f64>,
        /// Output folder (default: DIR).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Fit a regulator's hazards (censored piecewise-exponential likelihood, Gamma posterior)
    /// and fine share to an enforcement record (CSV rows with sources, and the regulators.csv
    /// beside them); print the TOML block, or with --backtest-to the backtest table.
    Calibrate {
        /// Record files (CSV) or folders of them (e.g. data/enforcement).
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// The regulator to fit (an id of regulators.csv).
        #[arg(long)]
        regulator: String,
        /// Read the record as on this day (YYYY-MM-DD): later events have not happened yet and
        /// open cases are censored here (default: the latest date in the record).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Fit to --until, then print (Markdown) which events up to DATE fell inside the
        /// predicted 90% intervals.
        #[arg(long, value_name = "DATE")]
        backtest_to: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// How scenarios run: shared by `run` and `diff`.
#[derive(clap::Args)]
struct RunArgs {
    /// Replications per scenario (default: the scenario's `replications`, else 1000).
    #[arg(long, conflicts_with = "precision")]
    replications: Option<u32>,
    #[command(flatten)]
    precision: PrecisionArgs,
    /// Override every scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Output folder.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Skip the charts (the HTML pages are still written, without images).
    #[arg(long)]
    no_charts: bool,
    #[command(flatten)]
    guard: Guard,
}

impl RunArgs {
    /// The library's options, with the signal handlers installed.
    fn options(self) -> Result<RunOptions, Error> {
        Ok(RunOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            out: self.out,
            no_charts: self.no_charts,
            limits: self.guard.limits(),
            stop: Stop::from_signals(self.guard.timeout)?,
            precision: self.precision.ask(),
        })
    }
}

/// Precision on demand.
#[derive(clap::Args)]
struct PrecisionArgs {
    /// Run replications in blocks until each precision metric's 95% interval has a half-width
    /// within REL of its mean (0.1: ±10%), up to `max_replications` (default 100,000); the
    /// scenario's (or sweep's) `[precision]` table gives the metrics, else cost.total.
    #[arg(long, value_name = "REL", value_parser = positive)]
    precision: Option<f64>,
    /// A metric the precision target applies to (repeatable; replaces the table's list).
    #[arg(long = "precision-metric", value_name = "METRIC")]
    precision_metric: Vec<String>,
}

impl PrecisionArgs {
    fn ask(self) -> regsim::precision::Ask {
        regsim::precision::Ask {
            rel: self.precision,
            metrics: self.precision_metric,
        }
    }
}

/// Limits on a run's size and duration.
#[derive(clap::Args)]
struct Guard {
    /// Refuse a scenario (or sweep point) estimated to need more than this many events per
    /// replication, before anything runs.
    #[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_EVENTS, value_parser = positive)]
    max_events: f64,
    /// Refuse a run estimated to need more memory than this (e.g. 8G; default: three quarters
    /// of what the machine can give), before anything runs.
    #[arg(long, value_name = "SIZE", value_parser = limits::parse_size)]
    max_memory: Option<u64>,
    /// Refuse a run estimated to write more than this (e.g. 20G; default: the free space of
    /// the output folder's disk), before anything runs.
    #[arg(long, value_name = "SIZE", value_parser = limits::parse_size)]
    max_output: Option<u64>,
    /// Stop after this long (e.g. 90s, 30m, 2h; a bare number is seconds), keeping what is
    /// complete, and exit 1.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    timeout: Option<Duration>,
}

impl Guard {
    fn limits(&self) -> Limits {
        Limits {
            events: self.max_events,
            memory: self.max_memory,
            output: self.max_output,
        }
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a positive number like 1e9, got `{s}`")),
    }
}

fn duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("unknown unit `{unit}` (use ms, s, m or h)")),
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * scale < 1e9 => {
            Ok(Duration::from_secs_f64(v * scale))
        }
        _ => Err(format!(
            "expected a duration like 90s, 30m or 2h, got `{s}`"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let library = scenario::library::set(cli.library).map_err(Error::Usage);
    match library.and_then(|()| dispatch(cli.command)) {
        Ok(()) => ExitCode::from(EXIT_OK as u8),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e:#}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Writes to stdout; a closed pipe (`regsim explain x | head`) is not an error.
fn out(text: &str) -> Result<(), Error> {
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(Error::from),
    }
}

/// Exit 3 (with one line per failed check) when any `[[expect]]` failed.
fn expectations_verdict(failed: String) -> Result<(), Error> {
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Expectations(failed.trim_end().to_string()))
    }
}

fn dispatch(command: Command) -> Result<(), Error> {
    match command {
        Command::Run { paths, run } => {
            let opts = run.options()?;
            let mut failed = String::new();
            for r in run::run(&paths, &opts)? {
                let precision = r.precision.as_ref().map_or(String::new(), |p| {
                    if !p.met {
                        let _ = writeln!(std::io::stderr(), "{}: warning: {}", r.name, p.line());
                    }
                    format!(", {}", p.line())
                });
                out(&format!(
                    "{}: {} replications{precision} -> {}\n",
                    r.name,
                    r.replications,
                    r.dir.display()
                ))?;
                let _ = writeln!(std::io::stderr(), "{}: {:.2} s", r.name, r.seconds);
                failed.push_str(&expect::failure_report(&r.name, &r.checks));
            }
            expectations_verdict(failed)
        }
        Command::Diff { base, changed, run } => {
            let opts = run.options()?;
            let (written, precision) = regsim::diff::diff(&base, &changed, &opts)?;
            if let Some(p) = precision {
                if !p.met {
                    let _ = writeln!(std::io::stderr(), "warning: {}", p.line());
                }
                out(&format!("{} replications, {}\n", p.replications, p.line()))?;
            }
            out(&format!("{}\n", written.display()))
        }
        Command::Validate { paths } => {
            let files = run::scenario_files(&paths)?;
            let (sweeps, scenarios): (Vec<PathBuf>, Vec<PathBuf>) =
                files.into_iter().partition(|f| sweep::is_sweep_file(f));
            let mut diags = Vec::new();
            let mut lines = Vec::new();
            if !scenarios.is_empty() {
                match run::load_all(&scenarios) {
                    Ok(loaded) => lines.extend(loaded.iter().map(|l| {
                        format!(
                            "{}: ok ({})\n",
                            l.sources.main().path.display(),
                            l.world.name
                        )
                    })),
                    Err(Error::Invalid(d)) => diags.extend(d),
                    Err(e) => return Err(e),
                }
            }
            for f in &sweeps {
                match sweep::file::load(f) {
                    Ok(s) => {
                        // A swept field moving its distribution's mean the other way.
                        for w in &s.warnings {
                            let _ = writeln!(std::io::stderr(), "{}: warning: {w}", f.display());
                        }
                        lines.push(format!(
                            "{}: ok (sweep {}, {} points)\n",
                            f.display(),
                            s.name,
                            s.worlds.len()
                        ))
                    }
                    Err(d) => diags.extend(d),
                }
            }
            if !diags.is_empty() {
                return Err(Error::Invalid(diags));
            }
            for l in lines {
                out(&l)?;
            }
            Ok(())
        }
        Command::Explain { file } => {
            let l = scenario::load(&file).map_err(Error::Invalid)?;
            let text = toml::to_string(&l.raw).map_err(|e| Error::Runtime(e.into()))?;
            out(&text)
        }
        Command::Sweep {
            file,
            shard,
            resume,
            threads,
            out: dir,
            precision,
            guard,
        } => {
            let shard = match shard.as_deref() {
                None => None,
                Some("auto") => Some(Shard::auto(|k| std::env::var(k).ok()).map_err(Error::Usage)?),
                Some(s) => Some(Shard::parse(s).map_err(Error::Usage)?),
            };
            let opts = SweepOptions {
                out: dir,
                shard,
                resume,
                threads,
                limits: guard.limits(),
                stop: Stop::from_signals(guard.timeout)?,
                precision: precision.ask(),
            };
            let s = sweep::run(&file, &opts)?;
            match &shard {
                Some(k) => out(&format!(
                    "{}: shard {k}: {} points run -> {} (join the shards with regsim merge)\n",
                    s.name,
                    s.ran,
                    s.dir.display()
                ))?,
                None => out(&format!(
                    "{}: {} points ({} run now) -> {}\n",
                    s.name,
                    s.points,
                    s.ran,
                    s.dir.display()
                ))?,
            }
            expectations_verdict(expect::failure_report(
                &s.name,
                s.checks.as_deref().unwrap_or(&[]),
            ))
        }
        Command::Merge { dirs, out: dir } => {
            let mut failed = String::new();
            for s in sweep::merge(&dirs, &dir)? {
                out(&format!(
                    "{}: {} points merged -> {}\n",
                    s.name,
                    s.points,
                    s.dir.display()
                ))?;
                failed.push_str(&expect::failure_report(
                    &s.name,
                    s.checks.as_deref().unwrap_or(&[]),
                ));
            }
            expectations_verdict(failed)
        }
        Command::Discover {
            dir,
            metric,
            above,
            below,
            out: to,
        } => {
            let target = match (above, below) {
                (Some(x), None) => discover::Target::Above(x),
                (None, Some(x)) => discover::Target::Below(x),
                _ => return Err(Error::Usage("give one of --above X or --below X".into())),
            };
            let o = discover::discover(&discover::Options {
                dir,
                metric,
                target,
                out: to,
                params: Default::default(),
            })?;
            for n in &o.notes {
                let _ = writeln!(std::io::stderr(), "note: {n}");
            }
            out(&format!("{}\n{}\n", o.lines.join("\n"), o.dir.display()))
        }
        // calibrate: added with issue 25 (h-calib).
        Command::Calibrate {
            records,
            regulator,
            until,
            backtest_to,
            out: to,
        } => {
            let text = regsim::calibrate::calibrate(&regsim::calibrate::Options {
                records,
                regulator,
                until,
                backtest_to,
                out: to,
            })?;
            text.map_or(Ok(()), |t| out(&t))
        }
        Command::Schema => {
            let schema = schemars::schema_for!(scenario::raw::RawScenario);
            let text =
                serde_json::to_string_pretty(&schema).map_err(|e| Error::Runtime(e.into()))?;
            out(&format!("{text}\n"))
        }
    }
}
