"""The Python front end: same numbers as the CLI, errors with their place, runs that can be
interrupted."""

import _thread
import subprocess
import threading
import time

import numpy as np
import pandas as pd
import pytest

import regsim


def cli_run(cli, repo, scenario, out, *extra):
    subprocess.run(
        [cli, "run", str(repo / "scenarios" / scenario), "--out", str(out), *extra],
        check=True,
        capture_output=True,
    )


def read(path):
    return regsim._csv(path.read_bytes())


def test_results_equal_the_cli_files_value_for_value(cli, repo, tmp_path):
    cli_run(cli, repo, "clover.toml", tmp_path, "--replications", "24", "--seed", "5", "--no-charts")
    folder = tmp_path / "clover"
    res = regsim.run(repo / "scenarios" / "clover.toml", replications=24, seed=5, progress=False)

    reps = read(folder / "replications.csv").set_index("replication")
    assert list(res.replications.columns) == list(reps.columns)
    np.testing.assert_array_equal(res.replications.to_numpy(), reps.to_numpy())

    inputs = read(folder / "inputs.csv").set_index("replication")
    assert list(res.inputs.columns) == list(inputs.columns)
    np.testing.assert_array_equal(res.inputs.to_numpy(), inputs.to_numpy())

    for name in ["timeseries", "annual", "branches"]:
        pd.testing.assert_frame_equal(getattr(res, name), read(folder / f"{name}.csv"))

    import json

    on_disk = json.loads((folder / "summary.json").read_text())
    assert res.summary_json == on_disk
    row = res.summary.loc["exposure.records_visible"]
    stats = on_disk["metrics"]["exposure.records_visible"]
    assert row["mean"] == stats["mean"]
    assert (row["ci95_lo"], row["ci95_hi"]) == tuple(stats["ci95"])


def test_write_gives_the_cli_folder_byte_for_byte(cli, repo, tmp_path):
    cli_run(cli, repo, "eu_status_quo.toml", tmp_path / "cli", "--replications", "16", "--no-charts")
    res = regsim.run(repo / "scenarios" / "eu_status_quo.toml", replications=16, progress=False)
    res.write(tmp_path / "py" / "eu_status_quo", charts=False)
    a = sorted(p.relative_to(tmp_path / "cli" / "eu_status_quo") for p in (tmp_path / "cli" / "eu_status_quo").rglob("*"))
    b = sorted(p.relative_to(tmp_path / "py" / "eu_status_quo") for p in (tmp_path / "py" / "eu_status_quo").rglob("*"))
    assert a == b
    for rel in a:
        assert (tmp_path / "cli" / "eu_status_quo" / rel).read_bytes() == (
            tmp_path / "py" / "eu_status_quo" / rel
        ).read_bytes(), rel


def test_diff_equals_the_cli_diff_csv(cli, repo, tmp_path):
    base, changed = repo / "scenarios" / "eu_status_quo.toml", repo / "scenarios" / "clover.toml"
    subprocess.run(
        [cli, "diff", str(base), str(changed), "--replications", "20", "--no-charts", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    d = regsim.diff(base, changed, replications=20, progress=False)
    on_disk = read(tmp_path / "diff_clover_vs_eu_status_quo" / "diff.csv").set_index("metric")
    pd.testing.assert_frame_equal(d.table, on_disk)
    assert d.table.loc["exposure.records_visible", "diff_mean"] < 0
    assert (d.base, d.changed, d.replications) == ("eu_status_quo", "clover", 20)


def test_with_values_sets_a_path_and_pairs_with_the_original(repo):
    s = regsim.load(repo / "scenarios" / "eu_status_quo.toml")
    more = s.with_values({"staff.cn_engineering.headcount": 2 * s.value("staff.cn_engineering.headcount")})
    assert more.value("staff.cn_engineering.headcount") == 2 * s.value("staff.cn_engineering.headcount")
    d = regsim.diff(s, more, replications=12, progress=False)
    assert d.table.loc["exposure.records_visible", "diff_mean"] > 0
    # Users' counts do not depend on China-based headcount: the same draws, exactly.
    assert d.table.loc["users.active", "diff_sd"] == 0


def test_invalid_text_raises_scenario_error_with_its_place(repo):
    at = repo / "scenarios" / "mine.toml"
    text = 'extends = "clover.toml"\nname = "mine"\n\n[finance]\ndiscount_rate = 2.0\n'
    with pytest.raises(regsim.ScenarioError) as e:
        regsim.loads(text, path=at)
    d = e.value.diagnostics[0]
    assert (d.file, d.line, d.column) == (str(at), 5, 17), d
    assert "discount_rate" in d.message
    assert str(e.value).startswith(f"{at}:5:17: ")


def test_text_extends_a_shipped_scenario(repo):
    s = regsim.loads('extends = "clover.toml"\nname = "mine"\n', path=repo / "scenarios" / "mine.toml")
    assert s.name == "mine"
    assert s.value("staff.cn_engineering.headcount") == regsim.load(repo / "scenarios" / "clover.toml").value(
        "staff.cn_engineering.headcount"
    )


def test_an_unknown_path_raises_scenario_error_naming_the_closest(repo):
    s = regsim.load(repo / "scenarios" / "eu_status_quo.toml")
    with pytest.raises(regsim.ScenarioError) as e:
        s.with_values({"staff.cn_engineering.headcont": 1})
    assert "staff.cn_engineering.headcount" in str(e.value)


def test_a_missing_file_raises_scenario_error():
    with pytest.raises(regsim.ScenarioError):
        regsim.load("no/such/scenario.toml")


def test_ctrl_c_raises_keyboard_interrupt_soon(repo):
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        regsim.run(repo / "scenarios" / "clover.toml", replications=200_000, progress=False)
    assert time.monotonic() - started < 10


def test_progress_is_reported(repo):
    seen = []
    regsim.run(
        repo / "scenarios" / "eu_status_quo.toml",
        replications=400,
        threads=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert all(total == 400 and 0 <= done <= 400 for done, total in seen)
    assert seen == sorted(seen)


def test_the_gil_is_released_while_a_run_works(repo):
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    try:
        regsim.run(repo / "scenarios" / "clover.toml", replications=60, progress=False)
    finally:
        stop.set()
        t.join()
    gaps = np.diff(ticks)
    assert len(ticks) > 10 and gaps.max() < 0.5


def cli_sweep(cli, file, out):
    subprocess.run([cli, "sweep", str(file), "--out", str(out)], check=True, capture_output=True)


def test_sweep_equals_the_cli_points_csv_and_writes_its_folder(cli, repo, tmp_path):
    file = repo / "scenarios" / "sweeps" / "ci_smoke.toml"
    cli_sweep(cli, file, tmp_path / "cli")
    sw = regsim.sweep(file)
    assert sw.dir is None and sw.passed and sw.sensitivity is None
    on_disk = read(tmp_path / "cli" / "ci_smoke" / "points.csv")
    assert len(sw.points) == 4
    pd.testing.assert_frame_equal(sw.points, on_disk, check_exact=True)
    # Written on request, the folder is the CLI's byte for byte.
    written = regsim.sweep(file, out=tmp_path / "py").dir
    assert written == tmp_path / "py" / "ci_smoke"
    files = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "cli" / "ci_smoke")
        for p in (tmp_path / "cli" / "ci_smoke").rglob("*")
        if p.is_file()
    )
    for rel in files:
        assert (written / rel).read_bytes() == (tmp_path / "cli" / "ci_smoke" / rel).read_bytes(), rel


MORRIS = """
base = "../clover.toml"
design = "morris"
trajectories = 3
levels = 4
replications = 4
metrics = ["exposure.records_visible", "cost.total"]

[[parameter]]
path = "control.security_gateway_masking.reid_probability"
min = 0.005
max = 0.2

[[parameter]]
path = "staff.cn_engineering.headcount"
min = 100
max = 600
"""


def test_sweep_sensitivity_equals_the_cli_sensitivity_csv(cli, repo, tmp_path):
    import shutil

    scenarios = tmp_path / "scenarios"
    shutil.copytree(repo / "scenarios", scenarios)
    file = scenarios / "sweeps" / "small_morris.toml"
    file.write_text(MORRIS)
    cli_sweep(cli, file, tmp_path / "cli")
    sw = regsim.sweep(file, threads=2)
    folder = tmp_path / "cli" / "small_morris"
    pd.testing.assert_frame_equal(sw.points, read(folder / "points.csv"), check_exact=True)
    on_disk = read(folder / "sensitivity.csv")
    pd.testing.assert_frame_equal(sw.sensitivity, on_disk, check_exact=True)
    # mu_star, sigma and mu of both parameters for both metrics.
    assert len(sw.sensitivity) == 2 * 2 * 3
    assert set(sw.sensitivity["index"]) == {"mu_star", "sigma", "mu"}


def test_a_bad_sweep_file_raises_scenario_error(tmp_path):
    file = tmp_path / "bad.toml"
    file.write_text('base = "nowhere.toml"\ndesign = "grid"\n')
    with pytest.raises(regsim.ScenarioError) as e:
        regsim.sweep(file)
    assert e.value.diagnostics[0].file.endswith("bad.toml")


def test_import_regsim_does_not_import_pandas():
    import sys

    code = "import sys, regsim; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]
