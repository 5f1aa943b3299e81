"""regsim as an EMA Workbench model: experiments run on regsim, and EMA's PRIM agrees with
`regsim discover` on the same experiments."""

import logging
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

ema_workbench = pytest.importorskip("ema_workbench")
from ema_workbench import perform_experiments  # noqa: E402
from ema_workbench.analysis import feature_scoring, prim  # noqa: E402

from regsim import ema  # noqa: E402

logging.disable(logging.WARNING)
warnings.filterwarnings("ignore")


@pytest.fixture(scope="module")
def experiments(repo):
    model = ema.model(
        repo / "scenarios" / "eu_status_quo.toml",
        uncertainties={
            "staff.cn_engineering.headcount": (50.0, 600.0),
            "staff.eu_trust_safety.sessions_per_person_day": (10.0, 60.0),
        },
        outcomes=["exposure.records_visible.mean", ("users.active", "mean")],
        replications=8,
        seed=3,
    )
    np.random.seed(11)  # EMA Workbench's LHS draws from numpy's global generator
    exp, out = perform_experiments(model, scenarios=24)
    return model, exp, out


def test_an_experiment_of_24_runs_gives_every_outcome(experiments):
    model, exp, out = experiments
    assert len(exp) == 24
    records = out["exposure_records_visible_mean"]
    assert records.shape == (24,) and np.all(records > 0)
    # China-based headcount drives records read from China; EU moderators do not.
    heads = exp["staff_cn_engineering_headcount"].to_numpy()
    assert np.corrcoef(heads, records)[0, 1] > 0.9
    # Users do not depend on either, and common random numbers make that exact.
    assert np.ptp(out["users_active_mean"]) == 0


def test_feature_scoring_ranks_the_driver_first(experiments):
    model, exp, out = experiments
    x = exp[["staff_cn_engineering_headcount", "staff_eu_trust_safety_sessions_per_person_day"]]
    scores = feature_scoring.get_feature_scores_all(x, {"records": out["exposure_records_visible_mean"]})
    assert scores["records"].idxmax() == "staff_cn_engineering_headcount"


def test_ema_prim_and_regsim_discover_find_the_same_box(experiments, cli, tmp_path):
    model, exp, out = experiments
    records = out["exposure_records_visible_mean"]
    cut = float(np.quantile(records, 0.7))
    x = exp[["staff_cn_engineering_headcount", "staff_eu_trust_safety_sessions_per_person_day"]]
    box = prim.Prim(x, records > cut, threshold=0.5).find_box()
    ema_step = box.peeling_trajectory.iloc[-1]
    ema_limits = box.box_lims[-1]

    folder = ema.discover_folder(model, exp, out, tmp_path / "exp")
    subprocess.run(
        [cli, "discover", str(folder), "--metric", "exposure.records_visible.mean", "--above", repr(cut)],
        check=True,
        capture_output=True,
    )
    found = folder / "discover_exposure.records_visible.mean"
    boxes = pd.read_csv(found / "boxes.csv")
    first = boxes[boxes["box"] == 1].set_index("dimension")
    # regsim rounds a limit to the fewest digits that keep the same rows inside, so the two
    # boxes are compared by the experiments they hold, dimension by dimension.
    for ident, path in model.regsim_paths.items():
        lo, hi = ema_limits[ident]
        values = exp[ident].to_numpy()
        in_ema = (values >= lo) & (values <= hi)
        in_regsim = (values >= first.loc[path, "min"]) & (values <= first.loc[path, "max"])
        assert np.array_equal(in_ema, in_regsim), path
    assert first.loc["staff.cn_engineering.headcount", "restricted"] == "yes"
    trajectory = pd.read_csv(found / "trajectory.csv")
    chosen = trajectory[(trajectory["box"] == 1) & (trajectory["chosen"] == "yes")].iloc[0]
    for k in ["coverage", "density", "mass"]:
        assert chosen[k] == pytest.approx(ema_step[k], rel=1e-12), k
