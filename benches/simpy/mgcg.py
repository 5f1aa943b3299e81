#!/usr/bin/env python3
"""M/G/c+G in SimPy: an approval gate with lognormal review times and lognormal patience.

The SimPy side of the M/G/c+G check in benches/README.md (regsim's own check against an
independent simulator is tests/it/mgcg.rs; these are its two cases). The textbook SimPy model,
as in SimPy's "Bank renege" example: a `Resource` with capacity c; each request waits for
`request() | timeout(patience)` and gives up if its patience runs out first.

Quantities per replication, with the same definitions as regsim's gate (src/engine/gates.rs):
mean wait of the requests that reached the gate (until review starts, or their patience if they
gave up; none counted after the horizon), the share of arrivals that gave up, and reviews
completed per day (ending before the horizon). Each replication runs 365 days from empty.
Prints each quantity's mean and standard error over replications.

Usage: mgcg.py [--replications 600] [--seed 1] [--json]
"""

import argparse
import json
import math
import random
import statistics

import simpy

Z90 = 1.2815515655446004
DAYS = 365.0
# (name, arrivals per day, reviewers, review (median, p90), patience (median, p90)), in days.
CASES = [
    ("overloaded", 40.0, 4, (0.08, 0.25), (0.1, 0.5)),
    ("like_clover", 40.0, 20, (0.25, 1.0), (0.5, 3.0)),
]


def lognormal(rng, median, p90):
    return rng.lognormvariate(math.log(median), math.log(p90 / median) / Z90)


def replication(case, seed):
    _, lam, c, review, patience = case
    rng = random.Random(seed)
    env = simpy.Environment()
    gate = simpy.Resource(env, capacity=c)
    s = {"arrivals": 0, "wait": 0.0, "waits": 0, "gave_up": 0, "done": 0}

    def request():
        arrive = env.now
        p = lognormal(rng, *patience)
        with gate.request() as req:
            got = yield req | env.timeout(p)
            if req in got:
                s["wait"] += env.now - arrive
                s["waits"] += 1
                yield env.timeout(lognormal(rng, *review))
                s["done"] += 1
            else:
                s["gave_up"] += 1
                s["wait"] += p
                s["waits"] += 1

    def source():
        while True:
            yield env.timeout(rng.expovariate(lam))
            s["arrivals"] += 1
            env.process(request())

    env.process(source())
    env.run(until=DAYS)
    return (s["wait"] / s["waits"], s["gave_up"] / s["arrivals"], s["done"] / DAYS)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replications", type=int, default=600)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    out = {"simpy": simpy.__version__, "replications": args.replications, "cases": {}}
    for case in CASES:
        runs = [replication(case, args.seed + k) for k in range(args.replications)]
        row = {}
        for i, what in enumerate(["mean_wait_days", "p_give_up", "reviews_per_day"]):
            xs = [r[i] for r in runs]
            row[what] = (statistics.fmean(xs), statistics.stdev(xs) / math.sqrt(len(xs)))
        out["cases"][case[0]] = row
    if args.json:
        print(json.dumps(out))
        return
    print(f"SimPy {out['simpy']}, {args.replications} replications × {DAYS:g} days, "
          f"seeds {args.seed}..{args.seed + args.replications - 1}")
    for name, row in out["cases"].items():
        for what, (m, se) in row.items():
            print(f"{name:12} {what:16} {m:.5f} ± {se:.5f}")


if __name__ == "__main__":
    main()
