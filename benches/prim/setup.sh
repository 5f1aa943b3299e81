#!/usr/bin/env bash
# Creates benches/prim/.venv and installs the pinned EMA Workbench (with numpy, pandas, scipy,
# matplotlib...) from requirements.txt. Usage: benches/prim/setup.sh   (from any folder)
# Interpreter: $PYTHON if set, else python3 on PATH. To start again, remove benches/prim/.venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
if [[ ! -x "$here/.venv/bin/python" ]]; then
    "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"
"$here/.venv/bin/python" -W ignore - <<'PY'
import sys, ema_workbench
print(f"ema_workbench {ema_workbench.__version__} on Python {sys.version.split()[0]}")
PY
