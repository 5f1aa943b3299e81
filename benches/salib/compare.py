"""SALib vs regsim on the Ishigami function (a = 7, b = 0.1): S1 and ST at several N and seeds.

Usage: benches/salib/.venv/bin/python benches/salib/compare.py REGSIM_CSV [--n 256,1024,4096] [--seeds 10]

REGSIM_CSV is what `cargo run --release --example ishigami -- N,... 1,...,K` prints (compare.sh
runs both). SALib samples with `SALib.sample.sobol.sample` (Saltelli's scheme on a scrambled
Sobol' sequence from SciPy, seeded) and estimates with `SALib.analyze.sobol.analyze`
(first-order: Saltelli 2010; total: Jansen), without second-order indices, both the library's
defaults for this use. Prints, per N, the mean absolute error of the six indices against the
analytic values averaged over the seeds, and its worst seed, for both.
"""

import argparse
import csv
import math

import numpy as np
from SALib.analyze import sobol as analyze
from SALib.sample import sobol as sample
from SALib.test_functions import Ishigami

A, B = 7.0, 0.1


def analytic():
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A * A / 8
    vt3 = 8 * B * B * math.pi**8 / 225
    v = v1 + v2 + vt3
    return np.array([v1 / v, v2 / v, 0.0]), np.array([(v1 + vt3) / v, v2 / v, vt3 / v])


def error(s1, st):
    t1, tt = analytic()
    return float(np.mean(np.abs(np.concatenate([s1 - t1, st - tt]))))


def salib(n, seed):
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    y = Ishigami.evaluate(x, A=A, B=B)
    si = analyze.analyze(problem, y, calc_second_order=False, num_resamples=10, seed=seed)
    return error(np.array(si["S1"]), np.array(si["ST"]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("regsim_csv")
    p.add_argument("--n", default="256,1024,4096")
    p.add_argument("--seeds", type=int, default=10)
    args = p.parse_args()
    ns = [int(v) for v in args.n.split(",")]
    seeds = range(1, args.seeds + 1)
    ours = {}
    with open(args.regsim_csv) as f:
        for row in csv.DictReader(f):
            s1 = np.array([float(row[f"S1_{i}"]) for i in (1, 2, 3)])
            st = np.array([float(row[f"ST_{i}"]) for i in (1, 2, 3)])
            ours.setdefault(int(row["n"]), []).append(error(s1, st))
    print(f"Ishigami (a = 7, b = 0.1), mean absolute error of S1 and ST, {len(seeds)} seeds")
    print("| N | model runs | SALib mean | SALib worst | regsim mean | regsim worst |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in ns:
        theirs = [salib(n, s) for s in seeds]
        mine = ours[n]
        print(
            f"| {n:,} | {n * 5:,} | {np.mean(theirs):.4f} | {max(theirs):.4f} "
            f"| {np.mean(mine):.4f} | {max(mine):.4f} |"
        )


if __name__ == "__main__":
    main()
