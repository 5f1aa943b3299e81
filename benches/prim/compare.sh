#!/usr/bin/env bash
# regsim discover vs EMA Workbench's PRIM on the same synthetic data sets (see compare.py):
# restricted dimensions and limits of the first box, and its coverage, density and mass.
# Usage: benches/prim/compare.sh   (from any folder; builds regsim, creates the venv if missing
# with benches/venv.sh prim)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo build --release --quiet --bin regsim
if [[ ! -x "$here/.venv/bin/python" ]]; then
    "$root/benches/venv.sh" prim
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$here/.venv/bin/python" -W ignore "$here/compare.py" "$root/target/release/regsim" "$tmp"
