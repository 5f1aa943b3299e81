//! `regsim._native`: the Python front end's only Rust. It converts types, releases the GIL
//! around long work, turns Ctrl-C into a stop the engine sees within a simulated day, and maps
//! errors to Python exceptions; every number comes from the `regsim` library, the same code
//! the command line runs. A panic is caught here and raised as `RuntimeError`, never unwound
//! into Python.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use regsim::error::Error;
use regsim::progress::Progress;
use regsim::stop::Stop;
use regsim::sweep::SweepOptions;

create_exception!(
    _native,
    ScenarioError,
    PyValueError,
    "Invalid input: args are (message, [(file, line, column, message), ...])."
);

/// How often a waiting call wakes to look for Ctrl-C and to report progress.
const POLL: Duration = Duration::from_millis(50);

fn to_py(e: Error) -> PyErr {
    match e {
        Error::Invalid(diags) => {
            let message = Error::Invalid(diags.clone()).to_string();
            let rows: Vec<(String, Option<usize>, Option<usize>, String)> = diags
                .into_iter()
                .map(|d| {
                    (
                        d.file.display().to_string(),
                        d.location.map(|l| l.0),
                        d.location.map(|l| l.1),
                        d.message,
                    )
                })
                .collect();
            ScenarioError::new_err((message, rows))
        }
        Error::Usage(m) => PyValueError::new_err(m),
        other => PyRuntimeError::new_err(format!("{other:#}")),
    }
}

/// Runs `work` on its own thread with the GIL released, waking every [`POLL`] to raise
/// `KeyboardInterrupt` on Ctrl-C (after raising `stop`, so the engine ends within a simulated
/// day and the thread is joined) and to call `callback(done, total)` with the replications
/// finished so far.
fn detached<T: Send + 'static>(
    py: Python<'_>,
    stop: Stop,
    progress: Arc<Progress>,
    callback: Option<Py<PyAny>>,
    total: u64,
    work: impl FnOnce(&Progress) -> Result<T, Error> + Send + 'static,
) -> PyResult<T> {
    let watched = Arc::clone(&progress);
    let handle = std::thread::Builder::new()
        .name("regsim".into())
        .spawn(move || catch_unwind(AssertUnwindSafe(|| work(&watched))))
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    let mut failed: Option<PyErr> = None;
    while !handle.is_finished() {
        py.detach(|| std::thread::sleep(POLL));
        if failed.is_some() {
            continue;
        }
        let reported = py.check_signals().and_then(|()| match &callback {
            Some(cb) => cb
                .call1(py, (progress.replications_done(), total))
                .map(|_| ()),
            None => Ok(()),
        });
        if let Err(e) = reported {
            // Ctrl-C, or the progress callback failed: stop the run, then raise once it ends.
            stop.interrupt();
            failed = Some(e);
        }
    }
    let joined = py.detach(|| handle.join());
    if let Some(e) = failed {
        return Err(e);
    }
    match joined {
        Ok(Ok(Ok(v))) => Ok(v),
        Ok(Ok(Err(e))) => Err(to_py(e)),
        Ok(Err(_)) | Err(_) => Err(PyRuntimeError::new_err(
            "regsim failed internally (a panic, caught before it reached Python); please report it",
        )),
    }
}

/// A scenario, read, validated and built.
#[pyclass(name = "Scenario", module = "regsim._native", frozen)]
#[derive(Clone)]
struct PyScenario {
    inner: regsim::Scenario,
}

#[pymethods]
impl PyScenario {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The scenario file.
    #[getter]
    fn path(&self) -> PathBuf {
        self.inner.path().to_path_buf()
    }

    /// Every numeric parameter path `with_values` can set.
    fn paths(&self) -> Vec<String> {
        self.inner.paths()
    }

    /// The number at a parameter path, or None.
    fn value(&self, path: &str) -> Option<f64> {
        self.inner.value(path)
    }

    /// A copy with numbers set by parameter path, validated again.
    fn with_values(&self, values: Vec<(String, f64)>) -> PyResult<PyScenario> {
        let inner = self
            .inner
            .with_values(values.iter().map(|(p, v)| (p.as_str(), *v)))
            .map_err(to_py)?;
        Ok(PyScenario { inner })
    }

    /// The fully resolved scenario as TOML, as `regsim explain` prints it.
    fn to_toml(&self) -> PyResult<String> {
        self.inner
            .resolved_toml()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

/// One scenario's results.
#[pyclass(name = "Results", module = "regsim._native", frozen)]
struct PyResults {
    inner: regsim::Results,
}

fn columns(cols: std::io::Result<Vec<(String, Vec<f64>)>>) -> PyResult<Vec<(String, Vec<u8>)>> {
    let cols = cols.map_err(|e| PyRuntimeError::new_err(format!("cannot read rows back: {e}")))?;
    Ok(cols
        .into_iter()
        .map(|(n, v)| (n, v.iter().flat_map(|x| x.to_le_bytes()).collect()))
        .collect())
}

#[pymethods]
impl PyResults {
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    #[getter]
    fn replications(&self) -> usize {
        self.inner.replications()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.inner.loaded.world.seed
    }

    fn summary_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.summary_json())
    }

    fn timeseries_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.timeseries_csv())
    }

    fn annual_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.annual_csv())
    }

    fn branches_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.branches_csv())
    }

    /// (name, little-endian f64 bytes) per column of replications.csv.
    fn replication_columns(&self) -> PyResult<Vec<(String, Vec<u8>)>> {
        columns(self.inner.replication_columns())
    }

    /// (name, little-endian f64 bytes) per column of inputs.csv.
    fn input_columns(&self) -> PyResult<Vec<(String, Vec<u8>)>> {
        columns(self.inner.input_columns())
    }

    /// Writes the scenario's folder as `regsim run` does.
    #[pyo3(signature = (dir, charts = true))]
    fn write(&self, py: Python<'_>, dir: PathBuf, charts: bool) -> PyResult<()> {
        let r = &self.inner;
        py.detach(|| {
            catch_unwind(AssertUnwindSafe(|| r.write(&dir, None, charts)))
                .map_err(|_| PyRuntimeError::new_err("regsim failed internally while writing"))?
                .map_err(|e| PyRuntimeError::new_err(format!("{e:#}")))
        })
    }
}

fn load_file(path: PathBuf) -> Result<regsim::Scenario, Error> {
    regsim::Scenario::load(path)
}

/// Reads and validates a scenario file.
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyScenario> {
    let inner = py
        .detach(|| catch_unwind(|| load_file(path)))
        .map_err(|_| PyRuntimeError::new_err("regsim failed internally while loading"))?
        .map_err(to_py)?;
    Ok(PyScenario { inner })
}

/// Reads and validates a scenario from TOML text, as if it were the file at `path`.
#[pyfunction]
fn loads(py: Python<'_>, text: String, path: PathBuf) -> PyResult<PyScenario> {
    let inner = py
        .detach(|| catch_unwind(|| regsim::Scenario::from_toml(&path, &text)))
        .map_err(|_| PyRuntimeError::new_err("regsim failed internally while loading"))?
        .map_err(to_py)?;
    Ok(PyScenario { inner })
}

fn settings(
    replications: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    stop: &Stop,
) -> regsim::Settings {
    regsim::Settings {
        replications,
        seed,
        threads,
        stop: stop.clone(),
        spill: Some(std::env::temp_dir()),
        ..regsim::Settings::default()
    }
}

/// Runs a scenario; `progress(done, total)` is called while it runs.
#[pyfunction]
#[pyo3(signature = (scenario, replications = None, seed = None, threads = None, progress = None))]
fn run(
    py: Python<'_>,
    scenario: &PyScenario,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyResults> {
    let stop = Stop::new();
    let s = settings(replications, seed, threads, &stop);
    let total = replications.unwrap_or(scenario.inner.loaded().world.replications) as u64;
    let scenario = scenario.inner.clone();
    let watch = Arc::new(Progress::hidden());
    let inner = detached(py, stop, watch, progress, total, move |p| {
        regsim::api::run_watched(&scenario, &s, p)
    })?;
    Ok(PyResults { inner })
}

/// Paired differences of two scenarios on the same random streams: (diff.csv bytes, note,
/// seed, replications, base name, changed name).
#[pyfunction]
#[pyo3(signature = (base, changed, replications = None, seed = None, threads = None, progress = None))]
#[allow(clippy::type_complexity)]
fn diff<'py>(
    py: Python<'py>,
    base: &PyScenario,
    changed: &PyScenario,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<(
    Bound<'py, PyBytes>,
    Option<String>,
    u64,
    u32,
    String,
    String,
)> {
    let stop = Stop::new();
    let s = settings(replications, seed, threads, &stop);
    let total = 2 * replications.unwrap_or(base.inner.loaded().world.replications) as u64;
    let (b, c) = (base.inner.clone(), changed.inner.clone());
    let watch = Arc::new(Progress::hidden());
    let d = detached(py, stop, watch, progress, total, move |p| {
        regsim::api::diff_watched(&b, &c, &s, p)
    })?;
    let csv = regsim::report::csv::paired(&d.rows);
    Ok((
        PyBytes::new(py, &csv),
        d.note,
        d.seed,
        d.replications,
        d.base,
        d.changed,
    ))
}

/// Runs a sweep file into `out` (as `regsim sweep FILE --out OUT`); returns the sweep's folder
/// and whether every `[[expect]]` passed.
#[pyfunction]
#[pyo3(signature = (path, out, threads = None))]
fn sweep(
    py: Python<'_>,
    path: PathBuf,
    out: PathBuf,
    threads: Option<usize>,
) -> PyResult<(PathBuf, bool)> {
    let stop = Stop::new();
    let opts = SweepOptions {
        out,
        shard: None,
        resume: false,
        threads,
        limits: Default::default(),
        stop: stop.clone(),
        precision: Default::default(),
    };
    let watch = Arc::new(Progress::hidden());
    let s = detached(py, stop, watch, None, 0, move |_| {
        regsim::sweep::run(&path, &opts)
    })?;
    let passed = s.checks.iter().flatten().all(|c| c.passed);
    Ok((s.dir, passed))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyScenario>()?;
    m.add_class::<PyResults>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    Ok(())
}
