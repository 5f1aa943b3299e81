#!/usr/bin/env bash
# The README's first command, timed: every shipped scenario × 1,000 replications with charts and
# report, on 1 and on 2 threads, plus peak memory of 10,000 replications of clover.toml.
#
# Usage: benches/whole_job.sh [--skip-memory]
# Prints wall seconds per thread count, the 1 → 2 thread speed-up, and peak resident memory
# (from /usr/bin/time -v). Outputs go to a temporary folder. Run it on a quiet machine: the
# figures are wall-clock times.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
memory=1
[[ "${1:-}" == "--skip-memory" ]] && memory=0

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/regsim"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

wall() { # prints the wall seconds of "$@"
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
t1=$(wall "$bin" run "$root/scenarios/" --threads 1 --out "$tmp/t1")
t2=$(wall "$bin" run "$root/scenarios/" --threads 2 --out "$tmp/t2")
n=$(find "$root/scenarios" -maxdepth 1 -name '*.toml' | wc -l)
printf 'run scenarios/ (%d scenarios x 1000 replications, charts): 1 thread %.1f s, 2 threads %.1f s, speed-up %.2fx\n' \
    "$n" "$t1" "$t2" "$(echo "$t1 / $t2" | bc -l)"
if ! diff -r "$tmp/t1" "$tmp/t2" >/dev/null; then
    echo "outputs differ between 1 and 2 threads" >&2
    exit 1
fi
echo "outputs of 1 and 2 threads are byte-identical"

if ((memory)); then
    for reps in 1000 10000; do
        kb=$(/usr/bin/time -f '%M' "$bin" run "$root/scenarios/clover.toml" --replications "$reps" \
            --out "$tmp/mem" 2>&1 >/dev/null | tail -1)
        printf 'clover.toml x %d replications: peak resident memory %d MB\n' "$reps" $((kb / 1024))
    done
fi
