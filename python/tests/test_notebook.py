"""The example notebook runs from top to bottom (few replications)."""

import os

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_example_notebook_executes(repo, monkeypatch):
    monkeypatch.setenv("REGSIM_NOTEBOOK_REPLICATIONS", "12")
    folder = repo / "examples" / "notebooks"
    nb = nbformat.read(folder / "clover_vs_status_quo.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # The sweep's table came out: three headcounts.
    assert "600" in str(outputs[-1])
    assert os.environ["REGSIM_NOTEBOOK_REPLICATIONS"] == "12"
