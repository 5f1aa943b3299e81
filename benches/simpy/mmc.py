#!/usr/bin/env python3
"""M/M/c in SimPy: the SimPy side of benches/simpy/compare.sh.

This is the idiomatic, textbook SimPy model — what people write, as in SimPy's own "Bank
renege" and "Carwash" examples: a `Resource` with capacity c, a source process that waits an
exponential gap and starts a new generator process per customer, and each customer process
requests the resource (`with server.request() as req: yield req`), records its wait and holds
the resource for an exponential service time. Random numbers come from Python's `random`
(`expovariate`). No tuning tricks (no numpy batches, no hand-rolled event list): the point is
to compare regsim with SimPy as it is normally used.

The wait measured is the same as regsim's `access.approval_wait_days`: time from arrival to
start of service, 0 for customers who found a free server, averaged over the customers whose
service started within the horizon; customers still queued at the horizon are not counted. Each
replication starts empty. Times are in days, like the regsim scenario (benches/simpy/mmc.toml).

Usage:
    mmc.py [--lam 7200] [--mu 1000] [--c 8] [--days 73] [--replications 5] [--seed 1] [--json]

Replication k uses seed `seed + k`. Prints customers, wall seconds (of the simulation runs,
excluding interpreter start-up and imports), customers/s and the mean wait with its standard
error over replications; `--json` prints the same as one JSON object.
"""

import argparse
import json
import math
import random
import statistics
import sys
import time

import simpy


def customer(env, server, service_rate, rng, stats):
    arrive = env.now
    with server.request() as req:
        yield req
        wait = env.now - arrive
        stats[0] += wait
        stats[1] += 1
        yield env.timeout(rng.expovariate(service_rate))


def source(env, server, arrival_rate, service_rate, rng, stats):
    while True:
        yield env.timeout(rng.expovariate(arrival_rate))
        stats[2] += 1
        env.process(customer(env, server, service_rate, rng, stats))


def replication(lam, mu, c, days, seed):
    """One run from empty over `days`; returns (arrivals, mean wait of those served)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=c)
    stats = [0.0, 0, 0]  # wait sum, customers that reached a server, arrivals
    env.process(source(env, server, lam, mu, rng, stats))
    env.run(until=days)
    return stats[2], (stats[0] / stats[1] if stats[1] else 0.0)


def erlang_c_wait(lam, mu, c):
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return math.inf
    term, total = 1.0, 0.0
    for k in range(c):
        if k > 0:
            term *= a / k
        total += term
    last = term * a / c / (1 - rho)
    return last / (total + last) / (c * mu - lam)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lam", type=float, default=7200.0, help="arrivals per day (λ)")
    p.add_argument("--mu", type=float, default=1000.0, help="services per day per server (μ)")
    p.add_argument("--c", type=int, default=8, help="servers")
    p.add_argument("--days", type=float, default=73.0, help="horizon of one replication")
    p.add_argument("--replications", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    if args.replications < 1:
        p.error("--replications must be at least 1")

    customers = 0
    waits = []
    started = time.perf_counter()
    for k in range(args.replications):
        n, w = replication(args.lam, args.mu, args.c, args.days, args.seed + k)
        customers += n
        waits.append(w)
    seconds = time.perf_counter() - started

    mean = statistics.fmean(waits)
    se = statistics.stdev(waits) / math.sqrt(len(waits)) if len(waits) > 1 else math.nan
    out = {
        "simpy": simpy.__version__,
        "python": sys.version.split()[0],
        "interpreter": sys._base_executable,
        "lam": args.lam,
        "mu": args.mu,
        "c": args.c,
        "days": args.days,
        "replications": args.replications,
        "seed": args.seed,
        "customers": customers,
        "seconds": seconds,
        "customers_per_second": customers / seconds,
        "mean_wait_days": mean,
        "mean_wait_se": se,
        "erlang_c_wait_days": erlang_c_wait(args.lam, args.mu, args.c),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"SimPy {out['simpy']} (Python {out['python']}, {out['interpreter']}): M/M/{args.c}, "
              f"λ={args.lam:g}/day, μ={args.mu:g}/day, ρ={args.lam / args.mu / args.c:.3f}, "
              f"{args.replications} × {args.days:g} days, seeds {args.seed}..{args.seed + args.replications - 1}")
        print(f"customers      {customers}")
        print(f"wall seconds   {seconds:.2f}")
        print(f"customers/s    {customers / seconds:,.0f}")
        print(f"mean wait      {mean:.6g} days ± {se:.2g} (SE over replications)")
        print(f"Erlang C Wq    {out['erlang_c_wait_days']:.6g} days")


if __name__ == "__main__":
    main()
