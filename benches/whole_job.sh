#!/usr/bin/env bash
# The README's first command, timed: every shipped scenario × 1,000 replications with charts and
# report, on 1 and on 2 threads, plus peak memory of 10,000 replications of clover.toml.
#
# Usage: benches/whole_job.sh [--skip-memory] [--against REV]
# Prints wall seconds per thread count, the 1 → 2 thread speed-up, and peak resident memory
# (from /usr/bin/time -v). With --against REV (e.g. a6f1622) it also builds that commit (in a
# git worktree, its binary cached under target/against-REV) and times its own first command on
# 2 threads, alternating with this one's, three times each, and prints the ratio of the best
# times. Outputs go to a temporary folder. Run it on a quiet machine: the figures are wall-clock
# times.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
memory=1
against=""
while (($#)); do
    case "$1" in
        --skip-memory) memory=0; shift ;;
        --against) against="$2"; shift 2 ;;
        *) echo "whole_job.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

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

if [[ -n "$against" ]]; then
    old="$root/target/against-$against"
    if [[ ! -x "$old/release/regsim" ]]; then
        git -C "$root" worktree add --detach "$tmp/src" "$against" >/dev/null
        CARGO_TARGET_DIR="$old" cargo build --release --quiet --manifest-path "$tmp/src/Cargo.toml"
        mkdir -p "$old/scenarios" && cp -r "$tmp/src/scenarios/." "$old/scenarios/"
        git -C "$root" worktree remove --force "$tmp/src"
    fi
    best_old=999999 best_new=999999
    for i in 1 2 3; do
        o=$(wall "$old/release/regsim" run "$old/scenarios/" --threads 2 --out "$tmp/old")
        w=$(wall "$bin" run "$root/scenarios/" --threads 2 --out "$tmp/new")
        best_old=$(echo "if ($o < $best_old) $o else $best_old" | bc -l)
        best_new=$(echo "if ($w < $best_new) $w else $best_new" | bc -l)
        printf '  run %d: %s %.1f s, this tree %.1f s\n' "$i" "$against" "$o" "$w"
    done
    printf 'first command on 2 threads, best of 3: %s %.1f s, this tree %.1f s: ratio %.2f\n' \
        "$against" "$best_old" "$best_new" "$(echo "$best_new / $best_old" | bc -l)"
fi

if ((memory)); then
    for reps in 1000 10000; do
        kb=$(/usr/bin/time -f '%M' "$bin" run "$root/scenarios/clover.toml" --replications "$reps" \
            --out "$tmp/mem" 2>&1 >/dev/null | tail -1)
        printf 'clover.toml x %d replications: peak resident memory %d MB\n' "$reps" $((kb / 1024))
    done
fi
