#!/usr/bin/env bash
# regsim's approval gate against the floor: a bare binary-heap M/M/c loop (examples/mmc_heap.rs:
# arrivals and departures in a BinaryHeap, one exponential draw each, nothing else), on the same
# λ, μ, c and horizon read from benches/simpy/mmc.toml, one core each, in one run.
#
# Usage: benches/floor/compare.sh [--reps R] [--runs N]
#   --reps R   replications of the full horizon for both (default 10)
#   --runs N   time both N times, alternating; the best of each is compared (default 3)
#
# regsim's time is its own per-scenario time (replications, aggregation and the summary and CSV
# files, a few milliseconds); the floor's is its loop. Both print their mean wait, and the
# script prints Erlang C's Wq beside them. No Python needed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
reps=10
runs=3
while (($#)); do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

cd "$root"
cargo build --release --quiet --bin regsim --example mmc_heap
regsim="$root/target/release/regsim"
floor="$root/target/release/examples/mmc_heap"
scenario="$root/benches/simpy/mmc.toml"

field() { sed -n "s/^$1 *= *\([0-9._]*\).*/\1/p" "$scenario" | head -1 | tr -d _; }
headcount="$(field headcount)"
rate="$(field sessions_per_person_day)"
c="$(field reviewers)"
mean="$(sed -n 's/^review_days *= *{ *dist *= *"exponential", *mean *= *\([0-9.e-]*\).*/\1/p' "$scenario")"
start="$(sed -n 's/^start *= *"\(.*\)"/\1/p' "$scenario")"
end="$(sed -n 's/^end *= *"\(.*\)"/\1/p' "$scenario")"
days=$((($(date -ud "$end" +%s) - $(date -ud "$start" +%s)) / 86400 + 1))
lam="$(awk -v h="$headcount" -v r="$rate" 'BEGIN { printf "%.17g", h * r }')"
mu="$(awk -v m="$mean" 'BEGIN { printf "%.17g", 1 / m }')"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "M/M/$c: λ = $lam/day, μ = $mu/day, $reps × $days days, $runs run(s); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
best_r="" best_f=""
for ((i = 1; i <= runs; i++)); do
    "$regsim" run "$scenario" --no-charts --replications "$reps" --threads 1 --out "$tmp/out" \
        2>"$tmp/err" >/dev/null || { cat "$tmp/err" >&2; exit 1; }
    r="$(sed -n 's/^simpy_mmc: \([0-9.]*\) s$/\1/p' "$tmp/err")"
    read -r f_customers f f_wait < <("$floor" "$lam" "$mu" "$c" "$days" "$reps")
    best_r="$(awk -v a="$r" -v b="${best_r:-1e99}" 'BEGIN { print (a < b ? a : b) }')"
    best_f="$(awk -v a="$f" -v b="${best_f:-1e99}" 'BEGIN { print (a < b ? a : b) }')"
    echo "  run $i/$runs: regsim $r s, floor $f s" >&2
done

summary="$tmp/out/simpy_mmc/summary.json"
num() { sed -n "/\"$1\": {/,/}/s/.*\"$2\": \([-0-9.e+]*\).*/\1/p" "$summary" | head -1; }
r_customers="$(awk -v m="$(num access.sessions mean)" -v n="$reps" 'BEGIN { printf "%.0f", m * n }')"
r_wait="$(num access.approval_wait_days mean)"
awk -v lam="$lam" -v mu="$mu" -v c="$c" -v rc="$r_customers" -v rt="$best_r" \
    -v fc="$f_customers" -v ft="$best_f" -v rw="$r_wait" -v fw="$f_wait" 'BEGIN {
    a = lam / mu; rho = a / c; term = 1; total = 0
    for (k = 0; k < c; k++) { if (k > 0) term *= a / k; total += term }
    last = term * a / c / (1 - rho); wq = last / (total + last) / (c * mu - lam)
    printf "\nM/M/%d at rho = %.3f, one thread each, best of the runs\n", c, rho
    printf "%-8s %12s %9s %16s %14s\n", "", "customers", "seconds", "customers/s", "mean wait (d)"
    printf "%-8s %12d %9.3f %15.2fM %14.6g\n", "regsim", rc, rt, rc / rt / 1e6, rw
    printf "%-8s %12d %9.3f %15.2fM %14.6g\n", "floor", fc, ft, fc / ft / 1e6, fw
    printf "%-8s %12s %9s %16s %14.6g\n", "Erlang C", "", "", "", wq
    printf "\nregsim / floor throughput: %.2fx\n", (rc / rt) / (fc / ft)
}'
