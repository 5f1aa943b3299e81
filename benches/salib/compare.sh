#!/usr/bin/env bash
# regsim's Sobol' design and estimators vs SALib on the Ishigami function: the mean absolute
# error of S1 and ST against the analytic indices at N = 256, 1,024 and 4,096 over seeds 1..K,
# with standard errors, and a check that regsim's estimators give SALib's indices on SALib's
# own outputs. About a minute at the default 1,000 seeds.
#
# Usage: benches/salib/compare.sh [--seeds K]   (default 1000; from any folder)
# Creates benches/salib/.venv with the pinned SALib if missing (benches/venv.sh salib).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seeds=1000
while (($#)); do
    case "$1" in
        --seeds) seeds="$2"; shift 2 ;;
        -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ -x "$here/.venv/bin/python" ]] || "$root/benches/venv.sh" salib
ns=256,1024,4096
csv="$(mktemp)"
trap 'rm -f "$csv"' EXIT
cd "$root"
cargo build --release --quiet --example ishigami
target="$(cargo metadata --format-version 1 --no-deps |
    "$here/.venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target/release/examples/ishigami"
"$bin" "$ns" "$(seq -s, 1 "$seeds")" > "$csv"
"$here/.venv/bin/python" "$here/compare.py" "$csv" "$bin" --n "$ns" --seeds "$seeds"
