#!/usr/bin/env bash
# Creates benches/simpy/.venv and installs the pinned SimPy from requirements.txt.
# Usage: benches/simpy/setup.sh   (from any folder)
#
# Interpreter: $PYTHON if set, else the distribution's /usr/bin/python3 if it can make a venv,
# else python3 on PATH. Distribution Pythons (Debian, Ubuntu, Fedora) are built with PGO and
# LTO; a pyenv or source build without --enable-optimizations runs pure-Python code such as
# SimPy about 1.4× slower (measured here: 43 k vs 30 k customers/s), which would flatter regsim.
# To switch interpreter, remove benches/simpy/.venv and run this again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -n "${PYTHON:-}" ]]; then
    python="$PYTHON"
elif [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
    python=/usr/bin/python3
else
    python=python3
fi

if [[ ! -x "$here/.venv/bin/python" ]]; then
    "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"
"$here/.venv/bin/python" - "$here/.venv" <<'PY'
import sys, simpy
print(f"simpy {simpy.__version__} on Python {sys.version.split()[0]} "
      f"({sys._base_executable}) in {sys.argv[1]}")
PY
