"""Fixtures shared by the Python tests: the repository's own scenarios and the CLI binary."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> str:
    """The regsim command line, built from the same sources (REGSIM_BIN, else cargo's release
    build, built here when missing)."""
    given = os.environ.get("REGSIM_BIN")
    if given:
        return given
    binary = REPO / "target" / "release" / "regsim"
    if not binary.exists():
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    assert shutil.which(str(binary)) or binary.exists()
    return str(binary)
