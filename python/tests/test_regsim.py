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
    return regsim._read_csv(path)


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


def test_sweep_returns_points(repo, tmp_path):
    sw = regsim.sweep(repo / "scenarios" / "sweeps" / "ci_smoke.toml", out=tmp_path)
    assert len(sw.points) > 0 and "point" in sw.points.columns
    assert (sw.dir / "points.csv").exists()
