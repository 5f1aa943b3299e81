#!/usr/bin/env bash
# The Python front end against the command line on the same work: clover.toml at 1,000
# replications, written without charts, best of 3 each, alternating.
# Usage: benches/python/compare.sh [REPLICATIONS]   (from any folder; builds both first)
# Python: benches/python/.venv (made here with `pip install ./python`).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n="${1:-1000}"
cd "$repo"
cargo build --release --locked --quiet
venv="$repo/benches/python/.venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check ./python
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
best() { sort -g | head -1; }
cli=(); py=()
for i in 1 2 3; do
    s=$(date +%s.%N)
    target/release/regsim run scenarios/clover.toml --replications "$n" --no-charts --out "$tmp/cli" >/dev/null 2>&1
    cli+=("$(echo "$(date +%s.%N) - $s" | bc)")
    s=$(date +%s.%N)
    "$venv/bin/python" - "$n" "$tmp/py" <<'PY'
import sys, regsim
res = regsim.run("scenarios/clover.toml", replications=int(sys.argv[1]), progress=False)
res.write(sys.argv[2] + "/clover", charts=False)
PY
    py+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
c=$(printf '%s\n' "${cli[@]}" | best); p=$(printf '%s\n' "${py[@]}" | best)
echo "clover.toml, $n replications, no charts, best of 3: CLI ${c} s, Python ${p} s, Python/CLI $(echo "scale=3; $p / $c" | bc)"
