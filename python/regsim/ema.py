"""regsim as an EMA Workbench model: a scenario, named uncertainties (sweep parameter paths with
ranges) and outcomes (a metric and a statistic of ``summary.json``).

    from ema_workbench import perform_experiments
    from regsim import ema
    model = ema.model("scenarios/clover.toml",
                      uncertainties={"staff.cn_engineering.headcount": (100, 600)},
                      outcomes=["exposure.records_visible.mean"],
                      replications=50)
    experiments, outcomes = perform_experiments(model, scenarios=32)

Each experiment runs the scenario with the sampled values set by path, on the same seed, so
experiments differ by their inputs, not by noise (common random numbers, as in regsim's own
sweeps). ``discover_folder`` writes experiments and outcomes in the layout of a run's
``inputs.csv`` and ``replications.csv``, so ``regsim discover`` can search the very same rows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterable, Mapping, Optional, Tuple, Union

import pandas as pd

from . import Scenario, _scenario, run

#: Statistics of ``summary.json`` an outcome can name.
STATS = ("mean", "sd", "p1", "p5", "p50", "p95", "p99", "min", "max", "es95", "es99", "p_positive")


def _ident(text: str) -> str:
    """An identifier EMA Workbench accepts for a path or outcome name."""
    return re.sub(r"\W", "_", text).strip("_")


def _outcome(spec: Union[str, Tuple[str, str]]) -> Tuple[str, str]:
    if isinstance(spec, tuple):
        return spec
    metric, _, stat = spec.rpartition(".")
    if stat not in STATS or not metric:
        return spec, "mean"
    return metric, stat


def model(
    scenario: Union[Scenario, str, "os.PathLike[str]"],
    uncertainties: Mapping[str, Tuple[float, float]],
    outcomes: Iterable[Union[str, Tuple[str, str]]],
    replications: int = 100,
    seed: Optional[int] = None,
    name: Optional[str] = None,
):
    """An ``ema_workbench.Model`` that runs ``scenario`` with each experiment's values.

    ``uncertainties``: parameter path → (low, high), sampled by EMA Workbench as a
    ``RealParameter`` named after the path (non-identifier characters as ``_``).
    ``outcomes``: ``"metric.stat"`` (``"cost.fines.mean"``; a metric alone means its mean) or
    ``(metric, stat)``; each becomes a ``ScalarOutcome``.
    """
    from ema_workbench import Model, RealParameter, ScalarOutcome

    base = _scenario(scenario)
    missing = [p for p in uncertainties if base.value(p) is None]
    if missing:
        # with_values names the closest valid paths.
        base.with_values({missing[0]: 0.0})
    paths: Dict[str, str] = {_ident(p): p for p in uncertainties}
    outs: Dict[str, Tuple[str, str]] = {}
    for spec in outcomes:
        metric, stat = _outcome(spec)
        outs[_ident(f"{metric}.{stat}")] = (metric, stat)

    def function(**values) -> Dict[str, float]:
        changed = base.with_values({paths[k]: v for k, v in values.items() if k in paths})
        res = run(changed, replications=replications, seed=seed, progress=False)
        return {o: float(res.summary.loc[m, s]) for o, (m, s) in outs.items()}

    m = Model(name or _ident(base.name).replace("_", "") or "regsim", function=function)
    m.uncertainties = [RealParameter(k, float(lo), float(hi)) for k, (lo, hi) in _ranges(uncertainties, paths)]
    m.outcomes = [ScalarOutcome(o) for o in outs]
    m.regsim_paths = paths
    m.regsim_outcomes = outs
    return m


def _ranges(uncertainties, paths):
    by_path = {p: k for k, p in paths.items()}
    return [(by_path[p], r) for p, r in uncertainties.items()]


def discover_folder(
    model, experiments: pd.DataFrame, outcomes: Mapping, dir: Union[str, "os.PathLike[str]"]
) -> Path:
    """Writes EMA Workbench's experiments and outcomes as a run's ``inputs.csv`` (a column per
    parameter path) and ``replications.csv`` (a column ``<metric>.<stat>`` per outcome), one
    row per experiment, so that ``regsim discover DIR --metric <metric>.<stat>`` searches the
    very rows EMA Workbench's PRIM does."""
    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    rows = pd.RangeIndex(len(experiments), name="replication")
    inputs = pd.DataFrame(
        {p: experiments[k].to_numpy() for k, p in model.regsim_paths.items()}, index=rows
    )
    results = pd.DataFrame(
        {f"{m}.{s}": outcomes[k] for k, (m, s) in model.regsim_outcomes.items()}, index=rows
    )
    inputs.to_csv(dir / "inputs.csv", float_format="%.17g")
    results.to_csv(dir / "replications.csv", float_format="%.17g")
    return dir
