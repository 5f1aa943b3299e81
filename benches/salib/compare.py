"""SALib vs regsim on the Ishigami function (a = 7, b = 0.1): S1 and ST at several N and seeds.

Usage: benches/salib/.venv/bin/python benches/salib/compare.py REGSIM_CSV ISHIGAMI_BIN
           [--n 256,1024,4096] [--seeds 1000]

REGSIM_CSV is what `ishigami N,... 1,...,K` prints and ISHIGAMI_BIN that example's binary
(`cargo build --release --example ishigami`; compare.sh runs it all). SALib samples with
`SALib.sample.sobol.sample` (Saltelli's scheme on SciPy's scrambled Sobol' sequence, seeded) and
estimates with `SALib.analyze.sobol.analyze` (first-order: Saltelli 2010; total: Jansen),
without second-order indices, both the library's defaults for this use.

Prints, per N, each tool's mean absolute error of the six indices against the analytic values
over seeds 1..K with the standard error of that mean, and regsim's minus SALib's with its
standard error (the two tools' seeds are independent scrambles, so the difference's SE is
sqrt(SE_1^2 + SE_2^2)). Then, as a check that the estimators are the same, the largest
difference between SALib's indices and regsim's estimators run on SALib's own outputs.
"""

import argparse
import csv
import math
import subprocess

import numpy as np
from SALib.analyze import sobol as analyze
from SALib.sample import sobol as sample
from SALib.test_functions import Ishigami

A, B = 7.0, 0.1
PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}


def analytic():
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A * A / 8
    vt3 = 8 * B * B * math.pi**8 / 225
    v = v1 + v2 + vt3
    return np.array([v1 / v, v2 / v, 0.0]), np.array([(v1 + vt3) / v, v2 / v, vt3 / v])


def error(s1, st):
    t1, tt = analytic()
    return float(np.mean(np.abs(np.concatenate([s1 - t1, st - tt]))))


def salib_run(n, seed):
    """SALib's outputs (in its order: A, AB_1..AB_3, B per row) and indices for one seed."""
    x = sample.sample(PROBLEM, n, calc_second_order=False, scramble=True, seed=seed)
    y = Ishigami.evaluate(x, A=A, B=B)
    si = analyze.analyze(PROBLEM, y, calc_second_order=False, num_resamples=10, seed=seed)
    return y, np.array(si["S1"]), np.array(si["ST"])


def regsim_on(y, n, binary):
    """regsim's estimators on SALib's outputs, reordered to regsim's A, B, AB_1..AB_3."""
    ours = y.reshape(n, 5)[:, [0, 4, 1, 2, 3]].ravel()
    text = "\n".join(repr(float(v)) for v in ours)
    out = subprocess.run([binary, "estimate", str(n)], input=text, capture_output=True,
                         text=True, check=True).stdout
    v = np.array([float(t) for t in out.strip().split(",")])
    return v[:3], v[3:]


def mean_se(x):
    x = np.asarray(x)
    return x.mean(), x.std(ddof=1) / math.sqrt(len(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("regsim_csv")
    p.add_argument("ishigami_bin")
    p.add_argument("--n", default="256,1024,4096")
    p.add_argument("--seeds", type=int, default=1000)
    args = p.parse_args()
    ns = [int(v) for v in args.n.split(",")]
    seeds = range(1, args.seeds + 1)
    ours = {}
    with open(args.regsim_csv) as f:
        for row in csv.DictReader(f):
            s1 = np.array([float(row[f"S1_{i}"]) for i in (1, 2, 3)])
            st = np.array([float(row[f"ST_{i}"]) for i in (1, 2, 3)])
            ours.setdefault(int(row["n"]), []).append(error(s1, st))
    print(f"Ishigami (a = 7, b = 0.1), mean absolute error of S1 and ST over {len(seeds)} seeds"
          " (± one standard error)")
    print("| N | model runs | SALib | regsim | regsim − SALib | regsim / SALib |")
    print("|---:|---:|---:|---:|---:|---:|")
    check = 0.0
    for n in ns:
        theirs = []
        for s in seeds:
            y, s1, st = salib_run(n, s)
            theirs.append(error(s1, st))
            if s <= 3:
                r1, rt = regsim_on(y, n, args.ishigami_bin)
                check = max(check, float(np.max(np.abs(np.concatenate([r1 - s1, rt - st])))))
        (m1, e1), (m2, e2) = mean_se(theirs), mean_se(ours[n])
        print(f"| {n:,} | {n * 5:,} | {m1:.5f} ± {e1:.5f} | {m2:.5f} ± {e2:.5f} "
              f"| {m2 - m1:+.5f} ± {math.hypot(e1, e2):.5f} | {m2 / m1:.3f} |")
    print(f"\nregsim's estimators on SALib's outputs (seeds 1–3 at each N) differ from SALib's"
          f" indices by at most {check:.1e}.")


if __name__ == "__main__":
    main()
