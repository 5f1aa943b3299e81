#!/usr/bin/env bash
# regsim vs SimPy on the same M/M/c model (benches/simpy/mmc.toml and mmc.py), one core each.
#
# Usage: benches/simpy/compare.sh [--reps R] [--simpy-reps K] [--simpy-days D] [--runs N]
#   --reps R        regsim replications of the full horizon in mmc.toml (default 20)
#   --simpy-reps K  SimPy replications (default 10), seeds 1..K
#   --simpy-days D  SimPy horizon per replication in days (default 20: SimPy is 100–200× slower, so
#                   it simulates fewer customers; throughput is compared per customer)
#   --runs N        time both N times, alternating, and report the best and the spread (default 1)
#
# λ, μ, c and the horizon are read from mmc.toml, so both sides always run the same model.
# Both are single-threaded (regsim --threads 1; SimPy is one Python process). Wall times are of
# whole processes (start-up, parsing, outputs included) and, separately, of the simulation
# alone: regsim's own per-scenario time (replications + aggregation + writing summary/CSV
# files, which are a few milliseconds) and SimPy's time around its env.run() calls.
# Runs from any folder; builds regsim in release and creates the SimPy venv if missing
# (benches/venv.sh simpy; Python 3.11 or newer: the scenario is read with tomllib).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

reps=20
simpy_reps=10
simpy_days=20
runs=1
while (($#)); do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --simpy-reps) simpy_reps="$2"; shift 2 ;;
        --simpy-days) simpy_days="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

cd "$root"
cargo build --release --quiet --bin regsim
regsim="$root/target/release/regsim"
if [[ ! -x "$here/.venv/bin/python" ]]; then
    "$root/benches/venv.sh" simpy
fi
py="$here/.venv/bin/python"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# λ (per day), μ (per day per server), c and the horizon in days, from the scenario.
read -r lam mu c days < <("$py" - "$here/mmc.toml" <<'EOF'
import datetime, sys, tomllib
s = tomllib.load(open(sys.argv[1], "rb"))
(g,) = s["staff"].values()
(gate,) = s["control"].values()
review = gate["review_days"]
assert review["dist"] == "exponential" and "patience_days" not in gate
lam = g["headcount"] * g["sessions_per_person_day"]
days = (datetime.date.fromisoformat(s["end"]) - datetime.date.fromisoformat(s["start"])).days + 1
print(f"{lam:g}", f"{1.0 / review['mean']:.17g}", gate["reviewers"], days)
EOF
)

now() { date +%s.%N; }

echo "M/M/$c: λ = $lam/day, μ = $mu/day, regsim $reps × $days days, SimPy $simpy_reps × $simpy_days days; $runs run(s); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((i = 1; i <= runs; i++)); do
    t0="$(now)"
    if ! "$regsim" run "$here/mmc.toml" --no-charts --replications "$reps" --threads 1 \
        --out "$tmp/out" 2>"$tmp/regsim.err" >/dev/null; then
        cat "$tmp/regsim.err" >&2
        exit 1
    fi
    t1="$(now)"
    engine="$(sed -n 's/^simpy_mmc: \([0-9.]*\) s$/\1/p' "$tmp/regsim.err")"
    if [[ -z "$engine" ]]; then
        echo "compare.sh: no 'simpy_mmc: N s' line in regsim's output:" >&2
        cat "$tmp/regsim.err" >&2
        exit 1
    fi
    echo "$t0 $t1 $engine" >>"$tmp/regsim.times"

    t0="$(now)"
    "$py" "$here/mmc.py" --lam "$lam" --mu "$mu" --c "$c" --days "$simpy_days" \
        --replications "$simpy_reps" --seed 1 --json >"$tmp/simpy.$i.json"
    t1="$(now)"
    echo "$t0 $t1" >>"$tmp/simpy.times"
    echo "  run $i/$runs done" >&2
done

"$py" - "$tmp" "$lam" "$mu" "$c" "$reps" <<'EOF'
import glob, json, math, sys

tmp, lam, mu, c, reps = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def erlang_c_wait(lam, mu, c):
    a = lam / mu
    rho = a / c
    term, total = 1.0, 0.0
    for k in range(c):
        if k > 0:
            term *= a / k
        total += term
    last = term * a / c / (1 - rho)
    return last / (total + last) / (c * mu - lam)

summary = json.load(open(f"{tmp}/out/simpy_mmc/summary.json"))
m = summary["metrics"]
r_customers = round(m["access.sessions"]["mean"] * reps)
r_wait = m["access.approval_wait_days"]["mean"]
r_se = m["access.approval_wait_days"]["sd"] / math.sqrt(reps)
r_times = [tuple(map(float, l.split())) for l in open(f"{tmp}/regsim.times")]
r_wall = [t1 - t0 for t0, t1, _ in r_times]
r_sim = [e for _, _, e in r_times]

simpy = [json.load(open(p)) for p in sorted(glob.glob(f"{tmp}/simpy.*.json"))]
s = simpy[0]
s_customers = s["customers"]
s_wait, s_se = s["mean_wait_days"], s["mean_wait_se"]
s_wall = [t1 - t0 for t0, t1 in (map(float, l.split()) for l in open(f"{tmp}/simpy.times"))]
s_sim = [x["seconds"] for x in simpy]

wq = erlang_c_wait(lam, mu, c)

def rate(n, secs):
    return n / secs

def spread(n, secs):
    if len(secs) == 1:
        return ""
    return f" ({rate(n, max(secs)) / 1e3:,.0f}–{rate(n, min(secs)) / 1e3:,.0f}k)"

print(f"\nM/M/{c}: λ = {lam:g}/day, μ = {mu:g}/day, ρ = {lam / mu / c:.3f}; both on one thread; "
      f"{len(r_wall)} run(s), best time shown, (slowest–fastest) throughput if several runs")
print(f"SimPy {s['simpy']} on Python {s['python']} ({s['interpreter']}): {s['replications']} × {s['days']:g} days "
      f"(fewer customers than regsim, compare customers/s)\n")
hdr = f"{'':8} {'customers':>11} {'wall s':>8} {'sim s':>8} {'customers/s (wall)':>24} {'customers/s (sim)':>24}"
print(hdr)
print("-" * len(hdr))
for name, n, wall, sim in (("regsim", r_customers, r_wall, r_sim), ("SimPy", s_customers, s_wall, s_sim)):
    w = f"{rate(n, min(wall)) / 1e3:,.0f}k{spread(n, wall)}"
    e = f"{rate(n, min(sim)) / 1e3:,.0f}k{spread(n, sim)}"
    print(f"{name:8} {n:>11,} {min(wall):>8.2f} {min(sim):>8.2f} {w:>24} {e:>24}")
ratio_wall = rate(r_customers, min(r_wall)) / rate(s_customers, min(s_wall))
ratio_sim = rate(r_customers, min(r_sim)) / rate(s_customers, min(s_sim))
print(f"{'ratio':8} {'':>11} {'':>8} {'':>8} {f'regsim/SimPy {ratio_wall:,.0f}×':>24} {f'regsim/SimPy {ratio_sim:,.0f}×':>24}")
print("\nwall s: whole process; sim s: regsim's own per-scenario time (replications, aggregation,\n"
      "summary/CSV files), SimPy's time around env.run() (no interpreter start-up or import).")

print(f"\nmean wait for a server (days, all customers served, 0 if no wait), ± 1 standard error")
print(f"  Erlang C  Wq = C(c, a)/(cμ − λ)  {wq:.4e}")
for name, w, se, how in (("regsim", r_wait, r_se, f"over {reps} replications"),
                         ("SimPy", s_wait, s_se, f"over {s['replications']} replications")):
    z = (w - wq) / se
    print(f"  {name:8} {w:.4e} ± {se:.1e} ({how}): {100 * (w / wq - 1):+.2f}%, {z:+.1f} SE "
          f"{'ok' if abs(z) <= 3 else 'OUTSIDE 3 SE'}")
EOF
