"""Side by side: EMA Workbench's PRIM and `regsim discover` on the same synthetic data.

Usage: compare.py REGSIM TMPDIR. For each data set, writes TMPDIR/<name>/inputs.csv and
replications.csv (y = 1 inside a planted box, with label noise), runs EMA's Prim with its
defaults (peel_alpha 0.05, paste_alpha 0.05, mass_min 0.05, threshold 0.5: the density regsim's
covering also requires) and `regsim discover --metric y --above 0.5`, and prints the first box of
each: coverage, density, mass and every restricted dimension's limits, with the tolerance.
"""
import logging
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import pandas as pd
from ema_workbench.analysis import prim

logging.disable(logging.CRITICAL)
regsim, tmp = sys.argv[1], sys.argv[2]

# name, rows, inputs, planted box {dim: (lo, hi)}, label-noise share, seed
SETS = [
    ("easy", 2000, 5, {0: (0.6, 1.0), 2: (0.0, 0.3)}, 0.05, 1),
    ("hard", 1000, 8, {1: (0.2, 0.7), 4: (0.5, 1.0), 6: (0.0, 0.6)}, 0.10, 2),
]


def make(name, n, d, planted, noise, seed):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, d)), columns=[f"x{j}" for j in range(d)])
    inside = np.ones(n, dtype=bool)
    for j, (lo, hi) in planted.items():
        inside &= (x[f"x{j}"] >= lo) & (x[f"x{j}"] <= hi)
    flip = rng.uniform(size=n) < noise
    y = (inside ^ flip).astype(int)
    folder = f"{tmp}/{name}"
    subprocess.run(["mkdir", "-p", folder], check=True)
    x.insert(0, "replication", range(n))
    # repr() round-trips, so both tools see the same doubles.
    with open(f"{folder}/inputs.csv", "w") as f:
        f.write(",".join(x.columns) + "\n")
        for row in x.itertuples(index=False):
            f.write(",".join([str(row[0])] + [repr(float(v)) for v in row[1:]]) + "\n")
    pd.DataFrame({"replication": range(n), "y": y}).to_csv(f"{folder}/replications.csv", index=False)
    return folder, x.drop(columns="replication"), y


def ema(x, y):
    p = prim.Prim(x, y, threshold=0.5)
    box = p.find_box()
    t = box.peeling_trajectory.iloc[-1]
    lims = box.box_lims[-1]
    init = p.box_init
    dims = {c: (lims.loc[0, c], lims.loc[1, c]) for c in x.columns if (lims[c] != init[c]).any()}
    return t["coverage"], t["density"], t["mass"], dims, len(box.peeling_trajectory)


def ours(folder):
    subprocess.run([regsim, "discover", folder, "--metric", "y", "--above", "0.5"],
                   check=True, capture_output=True)
    out = f"{folder}/discover_y"
    t = pd.read_csv(f"{out}/trajectory.csv")
    t1 = t[t["box"] == 1]
    last = t1.iloc[-1]
    b = pd.read_csv(f"{out}/boxes.csv")
    b = b[(b["box"] == 1) & (b["restricted"] == "yes")]
    dims = {r.dimension: (r.min, r.max) for r in b.itertuples()}
    return last["coverage"], last["density"], last["mass"], dims, len(t1)


def fmt(lim):
    return f"[{lim[0]:.4f}, {lim[1]:.4f}]" if lim else "—"


for name, n, d, planted, noise, seed in SETS:
    folder, x, y = make(name, n, d, planted, noise, seed)
    e, r = ema(x, y), ours(folder)
    box = " and ".join(f"x{j} in [{lo}, {hi}]" for j, (lo, hi) in planted.items())
    print(f"\n### {name}: {n} rows, {d} uniform inputs, y = 1 for {box}, {noise:.0%} of labels flipped\n")
    # Tolerance: one peel step, the spread of 5% of the box's rows along a unit range.
    tol = 0.05
    print("| | EMA Workbench | regsim | difference |")
    print("|---|---|---|---|")
    for k, label in [(0, "coverage"), (1, "density"), (2, "mass")]:
        print(f"| {label} | {e[k]:.4f} | {r[k]:.4f} | {abs(e[k] - r[k]):.2g} |")
    print(f"| trajectory steps | {e[4]} | {r[4]} | |")
    worst = 0.0
    for dim in sorted(set(e[3]) | set(r[3])):
        a, b = e[3].get(dim), r[3].get(dim)
        diff = max(abs(a[0] - b[0]), abs(a[1] - b[1])) if a and b else float("inf")
        worst = max(worst, diff)
        print(f"| {dim} | {fmt(a)} | {fmt(b)} | {diff:.2g} |")
    same = set(e[3]) == set(r[3])
    verdict = "same" if same else "DIFFERENT"
    print(f"\nrestricted dimensions: {verdict}; largest limit difference {worst:.2g} "
          f"(tolerance {tol}: {'within' if worst <= tol else 'OUTSIDE'})")
