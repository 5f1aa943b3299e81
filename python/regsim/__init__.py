"""regsim from Python: the same engine, and the same numbers, as the ``regsim`` command line.

    import regsim
    clover = regsim.load("scenarios/clover.toml")
    res = regsim.run(clover, replications=200, seed=7)
    res.summary.loc["exposure.records_visible", ["mean", "ci95_lo", "ci95_hi"]]
    d = regsim.diff(regsim.load("scenarios/eu_status_quo.toml"), clover, replications=200)

Every table is a pandas DataFrame holding exactly the values of the file ``regsim run`` writes
(``summary.json``, ``replications.csv``, ``timeseries.csv``, ``annual.csv``, ``inputs.csv``,
``branches.csv``, ``diff.csv``); ``Results.write(dir)`` writes those files. Long runs release
the GIL, Ctrl-C raises ``KeyboardInterrupt`` within a simulated day, and a run shows a tqdm bar
when tqdm is installed (``progress=False`` turns it off).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _native

if TYPE_CHECKING:
    import pandas as pd

# numpy and pandas (half a second to import) are imported when the first table is built, not
# with ``import regsim``: a script that runs and writes, as the CLI does, never pays for them.

__version__ = _native.__version__

__all__ = [
    "Diagnostic",
    "Diff",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "diff",
    "load",
    "loads",
    "run",
    "sweep",
]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem in an input file, as ``regsim validate`` prints it."""

    file: str
    line: Optional[int]
    column: Optional[int]
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ScenarioError(ValueError):
    """Invalid input. ``diagnostics`` holds every problem found, with file, line and column;
    ``str(error)`` is what the command line prints."""

    def __init__(self, message: str, diagnostics: List[Diagnostic]):
        super().__init__(message)
        self.diagnostics = diagnostics


def _checked(call: Callable, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except _native.ScenarioError as e:
        message, rows = e.args
        raise ScenarioError(message, [Diagnostic(*r) for r in rows]) from None


def _csv(data: bytes) -> "pd.DataFrame":
    """A CSV file's bytes as a DataFrame, each number read back to the exact double it was
    written from: pandas 3 parses so by default (and deprecates the option); earlier pandas
    needs float_precision="round_trip"."""
    import io

    import pandas as pd

    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    return pd.read_csv(io.BytesIO(data), **exact)


class Scenario:
    """A scenario, read, validated and built; ``with_values`` sets numbers by sweep path."""

    def __init__(self, native: "_native.Scenario"):
        self._native = native

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def path(self) -> Path:
        return Path(self._native.path)

    def paths(self) -> List[str]:
        """Every numeric parameter path ``with_values`` can set."""
        return self._native.paths()

    def value(self, path: str) -> Optional[float]:
        """The number at a parameter path (None if there is none)."""
        return self._native.value(path)

    def with_values(self, values: Mapping[str, float]) -> "Scenario":
        """A copy with numbers set by parameter path (``{"staff.cn_engineering.headcount":
        600}``), validated again; raises ScenarioError for an unknown path or a bad value."""
        pairs = [(str(k), float(v)) for k, v in values.items()]
        return Scenario(_checked(self._native.with_values, pairs))

    def to_toml(self) -> str:
        """The fully resolved scenario, as ``regsim explain`` prints it."""
        return self._native.to_toml()

    def __repr__(self) -> str:
        return f"<regsim.Scenario {self.name!r} from {str(self.path)!r}>"


def load(path: PathLike) -> Scenario:
    """Reads and validates a scenario file (with its ``extends`` chain)."""
    return Scenario(_checked(_native.load, os.fspath(path)))


def loads(text: str, path: PathLike = "scenario.toml") -> Scenario:
    """Reads and validates a scenario from TOML text, as if it were the file at ``path``:
    messages name ``path`` and ``extends`` resolves against its folder."""
    return Scenario(_checked(_native.loads, text, os.fspath(path)))


def _scenario(s: Union[Scenario, PathLike]) -> Scenario:
    return s if isinstance(s, Scenario) else load(s)


def _columns(pairs: Iterable[Tuple[str, bytes]], index_name: str) -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    data = {name: np.frombuffer(raw, dtype="<f8") for name, raw in pairs}
    frame = pd.DataFrame(data)
    frame.index.name = index_name
    return frame


def _flatten(prefix: str, value, out: Dict[str, object]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}_{k}" if prefix else k, v, out)
    elif isinstance(value, list) and len(value) == 2 and prefix.startswith("ci"):
        out[f"{prefix}_lo"], out[f"{prefix}_hi"] = value
    else:
        out[prefix] = value


class Results:
    """One scenario's results. The tables are built once, on first use."""

    def __init__(self, native: "_native.Results"):
        self._native = native
        self._cache: Dict[str, object] = {}

    def _memo(self, key: str, make: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def replications_run(self) -> int:
        return self._native.replications

    @property
    def seed(self) -> int:
        return self._native.seed

    @property
    def summary_json(self) -> dict:
        """``summary.json``, parsed."""
        import json

        return self._memo("json", lambda: json.loads(self._native.summary_json()))

    @property
    def summary(self) -> "pd.DataFrame":
        """One row per metric: mean, sd, quantiles, ci95_lo/ci95_hi and the rest of
        ``summary.json``'s statistics (nested ones flattened with ``_``)."""

        def make():
            import pandas as pd

            rows = {}
            for metric, stats in self.summary_json["metrics"].items():
                flat: Dict[str, object] = {}
                _flatten("", stats, flat)
                rows[metric] = flat
            frame = pd.DataFrame.from_dict(rows, orient="index")
            frame.index.name = "metric"
            return frame

        return self._memo("summary", make)

    @property
    def replications(self) -> "pd.DataFrame":
        """``replications.csv``: a row per replication, a column per metric total."""
        return self._memo(
            "replications",
            lambda: _columns(self._native.replication_columns(), "replication"),
        )

    @property
    def inputs(self) -> "pd.DataFrame":
        """``inputs.csv``: a row per replication, a column per quantity drawn once."""
        return self._memo(
            "inputs", lambda: _columns(self._native.input_columns(), "replication")
        )

    @property
    def timeseries(self) -> "pd.DataFrame":
        """``timeseries.csv``: month, metric, mean, p5, p50, p95."""
        return self._memo("timeseries", lambda: _csv(self._native.timeseries_csv()))

    @property
    def annual(self) -> "pd.DataFrame":
        """``annual.csv``: year, metric, mean, p5, p50, p95 of each calendar year's amount."""
        return self._memo("annual", lambda: _csv(self._native.annual_csv()))

    @property
    def branches(self) -> "pd.DataFrame":
        """``branches.csv``: each decision's and uncertain event's outcome shares."""
        return self._memo("branches", lambda: _csv(self._native.branches_csv()))

    def write(self, dir: PathLike, charts: bool = True) -> Path:
        """Writes the scenario's folder ``dir`` as ``regsim run`` does; returns it."""
        self._native.write(os.fspath(dir), charts)
        return Path(dir)

    def __repr__(self) -> str:
        return f"<regsim.Results {self.name!r}: {self.replications_run} replications, seed {self.seed}>"


class _Bar:
    """A tqdm bar when tqdm is installed and wanted; otherwise nothing."""

    def __init__(self, wanted: bool, label: str):
        self._bar = None
        self._label = label
        if wanted:
            try:
                from tqdm.auto import tqdm  # noqa: F401

                self._tqdm = tqdm
            except ImportError:
                self._tqdm = None
        else:
            self._tqdm = None

    def __call__(self, done: int, total: int) -> None:
        if self._tqdm is None:
            return
        if self._bar is None:
            self._bar = self._tqdm(total=total, desc=self._label, unit="rep", leave=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _with_bar(progress: Union[bool, Callable[[int, int], None]], label: str, call):
    if callable(progress):
        return call(progress)
    bar = _Bar(bool(progress), label)
    try:
        return call(bar)
    finally:
        bar.close()


def run(
    scenario: Union[Scenario, PathLike],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Union[bool, Callable[[int, int], None]] = True,
) -> Results:
    """Runs a scenario (a ``Scenario`` or a path). ``replications`` and ``seed`` default to the
    scenario's own; results never depend on ``threads``. ``progress``: True for a tqdm bar
    when tqdm is installed, False for none, or a callable ``f(done, total)``."""
    s = _scenario(scenario)
    native = _with_bar(
        progress,
        s.name,
        lambda cb: _checked(_native.run, s._native, replications, seed, threads, cb),
    )
    return Results(native)


@dataclass
class Diff:
    """Paired differences of two scenarios on the same random streams."""

    base: str
    changed: str
    seed: int
    replications: int
    note: Optional[str]
    table: "pd.DataFrame"
    """``diff.csv``: a row per metric (base_mean, changed_mean, diff_mean, diff_ci95_lo, ...)."""


def diff(
    base: Union[Scenario, PathLike],
    changed: Union[Scenario, PathLike],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Union[bool, Callable[[int, int], None]] = True,
) -> Diff:
    """Runs both scenarios on the same random streams (seed and replications as given, else
    the base's) and returns ``diff.csv`` as a DataFrame, indexed by metric."""
    b, c = _scenario(base), _scenario(changed)
    csv, note, s, n, bname, cname = _with_bar(
        progress,
        f"{c.name} vs {b.name}",
        lambda cb: _checked(_native.diff, b._native, c._native, replications, seed, threads, cb),
    )
    table = _csv(csv).set_index("metric")
    return Diff(base=bname, changed=cname, seed=s, replications=n, note=note, table=table)


@dataclass
class Sweep:
    """A sweep's results, computed in memory: ``points.csv`` and ``sensitivity.csv`` (None
    where the design has none) as DataFrames, whether every ``[[expect]]`` passed, and the
    folder they were written to (None unless ``out`` was given)."""

    name: str
    points: "pd.DataFrame"
    sensitivity: Optional["pd.DataFrame"]
    passed: bool
    dir: Optional[Path]


def sweep(path: PathLike, out: Optional[PathLike] = None, threads: Optional[int] = None) -> Sweep:
    """Runs every point of a sweep file (its seed and replications are the file's) and returns
    its tables, holding exactly the values of the files ``regsim sweep`` writes. With ``out``,
    also writes ``out/<sweep>/`` as ``regsim sweep FILE --out OUT`` does."""
    native = _checked(_native.sweep, os.fspath(path), threads)
    sens = native.sensitivity_csv()
    return Sweep(
        name=native.name,
        points=_csv(native.points_csv()),
        sensitivity=_csv(sens) if sens is not None else None,
        passed=native.passed,
        dir=Path(native.write(os.fspath(out))) if out is not None else None,
    )
