#!/usr/bin/env bash
# Creates benches/salib/.venv and installs the pinned SALib (and NumPy, SciPy) from requirements.txt.
# Usage: benches/salib/setup.sh   (from any folder)
# Interpreter: $PYTHON if set, else /usr/bin/python3 if it can make a venv, else python3 on PATH.
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
import sys
from importlib.metadata import version
print(f"SALib {version('SALib')} on Python {sys.version.split()[0]} "
      f"({sys._base_executable}) in {sys.argv[1]}")
PY
