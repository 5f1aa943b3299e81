#!/usr/bin/env bash
# The Python front end against the command line on the same work: clover.toml at 1,000
# replications, written without charts, each as a whole process (start-up and imports
# included), run alternately (CLI, Python, CLI, ...) so that load on a shared machine falls on
# both alike; prints every time, the best of each and their ratio, with the load average.
# Usage: benches/python/compare.sh [--replications N] [--runs K]   (defaults 1000 and 3; from
# any folder). Builds the CLI in release and the package into benches/python/.venv
# (benches/venv.sh python) first.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=1000
runs=3
while (($#)); do
    case "$1" in
        --replications) n="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
cd "$repo"
cargo build --release --locked --quiet --bin regsim
"$repo/benches/venv.sh" python
py="$repo/benches/python/.venv/bin/python"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
cli=()
pyt=()
for ((i = 1; i <= runs; i++)); do
    echo "run $i/$runs, load average $(load)" >&2
    s=$(now)
    target/release/regsim run scenarios/clover.toml --replications "$n" --no-charts \
        --out "$tmp/cli" >/dev/null 2>&1
    cli+=("$(echo "$(now) - $s" | bc)")
    s=$(now)
    "$py" - "$n" "$tmp/py" <<'PY'
import sys, regsim
res = regsim.run("scenarios/clover.toml", replications=int(sys.argv[1]), progress=False)
res.write(sys.argv[2] + "/clover", charts=False)
PY
    pyt+=("$(echo "$(now) - $s" | bc)")
    echo "  CLI ${cli[-1]} s, Python ${pyt[-1]} s" >&2
done
# Same numbers: the two runs wrote the same data files (report.html is left out: the CLI's
# notes that the scenario's baseline was not part of the run).
diff -r -x report.html "$tmp/cli/clover" "$tmp/py/clover" >/dev/null ||
    echo "compare.sh: the data files differ" >&2
best() { printf '%s\n' "$@" | sort -g | head -1; }
c=$(best "${cli[@]}")
p=$(best "${pyt[@]}")
echo "clover.toml, $n replications, no charts, best of $runs each, alternating: CLI ${c} s, Python ${p} s, Python/CLI $(echo "scale=3; $p / $c" | bc); load average at the end $(load)"
