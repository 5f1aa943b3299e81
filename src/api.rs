//! The library's front door: load a scenario, set values by the sweep's parameter paths, run it
//! or compare two, and get the results in memory. The `regsim` command line is one front end
//! over these functions and the writers ([`Results::write`], [`Diffed::write`]); the Python
//! package is another. Nothing here writes a file or prints.
//!
//! ```
//! use regsim::{Scenario, Settings};
//!
//! let scenario = Scenario::load("scenarios/eu_status_quo.toml")?;
//! let settings = Settings { replications: Some(20), ..Settings::default() };
//! let results = regsim::run(&scenario, &settings)?;
//! let records = results.summary.stats("exposure.records_visible").unwrap();
//! assert!(records.mean > 0.0);
//!
//! // The same world with twice the China-based engineers, on the same random numbers.
//! let more = scenario.with_values([("staff.cn_engineering.headcount", 600.0)])?;
//! let d = regsim::diff(&scenario, &more, &settings)?;
//! let row = d.rows.iter().find(|r| r.metric == "exposure.records_visible").unwrap();
//! assert!(row.diff_mean > 0.0);
//! # Ok::<(), regsim::error::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::diff::{self, Diffed};
use crate::error::{Diagnostic, Error};
use crate::limits::Limits;
use crate::progress::Progress;
use crate::replicate::thread_pool;
use crate::run::{check_replications, refuse_too_large, Results};
use crate::scenario::{self, source::Sources, Loaded};
use crate::stop::Stop;
use crate::sweep::memory::{self, SweepResults};
use crate::sweep::path;

/// A scenario, read, validated and built: ready to run, or to change by parameter path.
#[derive(Debug, Clone)]
pub struct Scenario {
    loaded: Loaded,
    /// The merged chain of files with every value set so far ([`Scenario::with_values`]).
    merged: toml::Table,
}

impl Scenario {
    /// Reads, parses, validates and builds the scenario file at `path` (with its `extends`
    /// chain). Every problem comes back as [`Error::Invalid`] with file, line and column, as
    /// `regsim validate` prints them.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, Error> {
        let loaded = scenario::load(path.as_ref()).map_err(Error::Invalid)?;
        Ok(Scenario::of(loaded))
    }

    /// A scenario from TOML `text`, as if it were the file at `path` (which need not exist):
    /// diagnostics name `path`, and `extends` resolves against its folder.
    pub fn from_toml(path: impl AsRef<Path>, text: &str) -> Result<Scenario, Error> {
        let sources =
            Sources::from_text(path.as_ref(), text.to_string()).map_err(Error::Invalid)?;
        let loaded = scenario::load_sources(sources).map_err(Error::Invalid)?;
        Ok(Scenario::of(loaded))
    }

    fn of(loaded: Loaded) -> Scenario {
        let merged = loaded.sources.merged();
        Scenario { loaded, merged }
    }

    /// The scenario's name (its `name`, else its file's stem).
    pub fn name(&self) -> &str {
        &self.loaded.world.name
    }

    /// The scenario file (the most derived one of its chain).
    pub fn path(&self) -> &Path {
        &self.loaded.sources.main().path
    }

    /// The scenario as read and built.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The fully resolved scenario (after `extends` and defaults) as TOML, as `regsim explain`
    /// prints it.
    pub fn resolved_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(&self.loaded.raw)
    }

    /// Every numeric parameter path that [`Scenario::with_values`] can set, in file order.
    pub fn paths(&self) -> Vec<String> {
        path::numeric_paths(&self.merged)
    }

    /// The value at a parameter path, if it is a number.
    pub fn value(&self, at: &str) -> Option<f64> {
        path::get(&self.merged, at)
    }

    /// A copy with numbers set by parameter path (`staff.cn_engineering.sessions_per_person_day`,
    /// `regulator.dpc.transition[3].per_year`), as a sweep sets them, then validated and built
    /// again. An unknown path is refused with the closest valid ones; a value the scenario
    /// cannot take is refused with the diagnostics `validate` gives.
    pub fn with_values<'a>(
        &self,
        values: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Result<Scenario, Error> {
        let mut merged = self.merged.clone();
        for (at, value) in values {
            if path::set(&mut merged, at, value).is_none() {
                let valid = path::numeric_paths(&self.merged);
                let close = path::closest(at, &valid, 3);
                return Err(Error::Invalid(vec![Diagnostic {
                    file: self.path().to_path_buf(),
                    location: None,
                    message: format!(
                        "`{at}` is not a number in this scenario; closest valid paths: {}",
                        close.join(", ")
                    ),
                }]));
            }
        }
        let sources = &self.loaded.sources;
        let (raw, world) =
            scenario::build_merged(sources, merged.clone()).map_err(Error::Invalid)?;
        let loaded = scenario::check_expectations(Loaded {
            sources: sources.clone(),
            raw,
            world,
        })
        .map_err(Error::Invalid)?;
        Ok(Scenario { loaded, merged })
    }
}

/// How a scenario runs. Results depend on `seed` and `replications` only, never on `threads`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Replications (default: the scenario's own `replications`, else 1,000).
    pub replications: Option<u32>,
    /// The seed (default: the scenario's own).
    pub seed: Option<u64>,
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// Refuse runs estimated to need more events, memory or disk than this.
    pub limits: Limits,
    /// Raised to stop a run early (it then returns [`Error::Stopped`]).
    pub stop: Stop,
    /// Where the rows of a large run wait on disk (default: the current folder).
    pub spill: Option<PathBuf>,
}

impl Settings {
    fn spill(&self) -> &Path {
        self.spill.as_deref().unwrap_or(Path::new("."))
    }

    /// `scenario` with this seed and replication count applied.
    fn apply(&self, scenario: &Scenario) -> Loaded {
        let mut l = scenario.loaded.clone();
        if let Some(seed) = self.seed {
            l.world.seed = seed;
        }
        if let Some(r) = self.replications {
            l.world.replications = r;
            l.world.precision = None;
        }
        l
    }
}

/// Runs `scenario`'s replications in parallel and aggregates them in replication order.
pub fn run(scenario: &Scenario, settings: &Settings) -> Result<Results, Error> {
    run_watched(scenario, settings, &Progress::hidden())
}

/// [`run`], counting finished replications on `progress` (see
/// [`Progress::replications_done`]), for a front end that draws its own progress.
pub fn run_watched(
    scenario: &Scenario,
    settings: &Settings,
    progress: &Progress,
) -> Result<Results, Error> {
    check_replications(settings.replications)?;
    let loaded = settings.apply(scenario);
    refuse_too_large(
        std::slice::from_ref(&loaded),
        settings.spill(),
        &settings.limits,
    )?;
    let pool = thread_pool(settings.threads)?;
    let stop = &settings.stop;
    pool.install(|| Results::compute(loaded, settings.spill(), progress, stop))?
        .ok_or_else(|| stopped(stop))
}

/// Runs `base` and `changed` on the same random streams (seed and replications from
/// `settings`, else the base's) and returns their paired differences per replication, as
/// `regsim diff` writes them.
pub fn diff(base: &Scenario, changed: &Scenario, settings: &Settings) -> Result<Diffed, Error> {
    diff_watched(base, changed, settings, &Progress::hidden())
}

/// [`diff`], counting finished replications (of both scenarios) on `progress`.
pub fn diff_watched(
    base: &Scenario,
    changed: &Scenario,
    settings: &Settings,
    progress: &Progress,
) -> Result<Diffed, Error> {
    check_replications(settings.replications)?;
    let replications = settings
        .replications
        .unwrap_or(base.loaded.world.replications);
    let loaded = [base.loaded.clone(), changed.loaded.clone()].map(|mut l| {
        l.world.replications = replications;
        if settings.replications.is_some() {
            l.world.precision = None;
        }
        l
    });
    refuse_too_large(&loaded, settings.spill(), &settings.limits)?;
    let pool = thread_pool(settings.threads)?;
    pool.install(|| {
        diff::compute(
            loaded,
            settings.seed,
            Some(replications),
            settings.spill(),
            progress,
            &settings.stop,
        )
    })
}

/// Runs every point of the sweep file at `path` (its base scenario, parameters, design, seed
/// and replications are the file's; `settings` gives threads, limits, the stop and the spill
/// folder, and its `seed` and `replications` are refused) and returns the results in memory:
/// the tables `regsim sweep` writes, from the same numbers ([`SweepResults::write`] writes its
/// folder byte for byte).
///
/// ```
/// use regsim::Settings;
///
/// let s = regsim::sweep("scenarios/sweeps/ci_smoke.toml", &Settings::default())?;
/// let points = String::from_utf8(s.points_csv()).unwrap();
/// assert_eq!(points.lines().count(), 1 + s.results.len());
/// assert!(points.starts_with("point,"));
/// assert!(s.passed());
/// # Ok::<(), regsim::error::Error>(())
/// ```
pub fn sweep(path: impl AsRef<Path>, settings: &Settings) -> Result<SweepResults, Error> {
    if settings.seed.is_some() || settings.replications.is_some() {
        return Err(Error::Usage(
            "a sweep runs its file's own seed and replications; set them in the sweep file".into(),
        ));
    }
    let opts = memory::Options {
        threads: settings.threads,
        limits: &settings.limits,
        spill: settings.spill(),
        stop: &settings.stop,
    };
    memory::compute(path.as_ref(), &opts)?.ok_or_else(|| stopped(&settings.stop))
}

fn stopped(stop: &Stop) -> Error {
    let reason = stop
        .reason()
        .map_or("stopped".to_string(), |r| r.to_string());
    Error::Stopped(format!("{reason}: nothing written"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
    }

    #[test]
    fn a_scenario_from_text_is_the_scenario_from_its_file() {
        let file = repo("scenarios/eu_status_quo.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let from_text = Scenario::from_toml(&file, &text).unwrap();
        let from_file = Scenario::load(&file).unwrap();
        assert_eq!(
            format!("{:?}", from_text.loaded.world),
            format!("{:?}", from_file.loaded.world)
        );
    }

    #[test]
    fn bad_text_is_refused_with_its_place() {
        let at = repo("scenarios/notes.toml");
        let Err(Error::Invalid(d)) = Scenario::from_toml(&at, "name = \"x\"\nstart = 3\n") else {
            panic!("accepted a bad scenario");
        };
        assert_eq!(d[0].file, at);
        assert!(d[0].location.is_some(), "{d:?}");
    }

    #[test]
    fn an_unknown_path_is_refused_with_the_closest() {
        let s = Scenario::load(repo("scenarios/eu_status_quo.toml")).unwrap();
        let valid = s.paths();
        let first = valid[0].clone();
        let typo = format!("{first}x");
        let Err(Error::Invalid(d)) = s.with_values([(typo.as_str(), 1.0)]) else {
            panic!("accepted an unknown path");
        };
        assert!(d[0].message.contains(&first), "{}", d[0].message);
    }

    #[test]
    fn a_value_set_by_path_reads_back_and_the_original_is_unchanged() {
        let s = Scenario::load(repo("scenarios/eu_status_quo.toml")).unwrap();
        let at = "staff.cn_engineering.headcount";
        let before = s.value(at).unwrap();
        let changed = s.with_values([(at, before + 1.0)]).unwrap();
        assert_eq!(changed.value(at), Some(before + 1.0));
        assert_eq!(s.value(at), Some(before));
        // A value the scenario cannot take is refused where it is written.
        let Err(Error::Invalid(d)) = s.with_values([("finance.discount_rate", 1.5)]) else {
            panic!("accepted a discount rate of 150%");
        };
        assert!(d[0].message.contains("discount_rate"), "{}", d[0].message);
        assert!(d[0].location.is_some());
    }
}
