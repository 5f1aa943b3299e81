#!/usr/bin/env bash
# The virtual environment of one Python benchmark, made the first time and brought up to date:
# benches/NAME/.venv with NAME's pinned requirements.txt (simpy, salib, prim), or, for
# NAME=python, the regsim package built from python/ (rebuilt every time, so it is this tree's).
# Usage: benches/venv.sh NAME   (from any folder); prints what it installed on stderr.
#
# Interpreter: $PYTHON if set, else the distribution's /usr/bin/python3 if it can make a venv,
# else python3 on PATH. Distribution Pythons (Debian, Ubuntu, Fedora) are built with PGO and
# LTO; a pyenv or source build without --enable-optimizations runs pure-Python code such as
# SimPy about 1.4× slower (measured here: 43 k vs 30 k customers/s), which would flatter regsim.
# To switch interpreter, remove benches/NAME/.venv and run this again.
set -euo pipefail

benches="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="${1:?usage: benches/venv.sh NAME (simpy, salib, prim or python)}"
here="$benches/$name"
if [[ "$name" == python ]]; then
    install=("$benches/../python")
elif [[ -f "$here/requirements.txt" ]]; then
    install=(-r "$here/requirements.txt")
else
    echo "venv.sh: no benchmark '$name' with a requirements.txt in benches/" >&2
    exit 2
fi

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
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "${install[@]}"
"$here/.venv/bin/python" - "$here/.venv" >&2 <<'PY'
import sys
from importlib.metadata import distributions
pinned = {"simpy", "salib", "ema_workbench", "ema-workbench", "regsim"}
found = sorted(f"{d.metadata['Name']} {d.version}" for d in distributions()
               if d.metadata["Name"].lower() in pinned)
print(f"{', '.join(found)} on Python {sys.version.split()[0]} ({sys._base_executable}) in {sys.argv[1]}")
PY
