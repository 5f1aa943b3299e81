#!/usr/bin/env bash
# Peak resident memory of `regsim run` against the replication count: flat apart from one row of
# totals per replication (issue 12). Prints replications, wall seconds and peak RSS for each count.
#
# Usage: benches/memory/measure.sh [SCENARIO] [COUNT...]
#   SCENARIO  default benches/memory/century.toml (a minimal 100-year scenario)
#   COUNT     default 1000 10000 100000
# Needs GNU time (/usr/bin/time). Outputs go to a temporary folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scenario="${1:-$root/benches/memory/century.toml}"
shift || true
counts=("$@")
((${#counts[@]})) || counts=(1000 10000 100000)

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/regsim"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-14s %10s %12s\n' replications seconds "peak RSS MB"
for n in "${counts[@]}"; do
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" run "$scenario" --replications "$n" \
        --no-charts --out "$tmp/out" >/dev/null 2>&1
    read -r secs kb <"$tmp/time"
    printf '%-14s %10s %12d\n' "$n" "$secs" $((kb / 1024))
    rm -rf "$tmp/out"
done
