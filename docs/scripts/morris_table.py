#!/usr/bin/env python3
"""The Morris screen of what Clover buys, from a `regsim sweep scenarios/sweeps/assumptions_morris.toml`
output folder: for each metric given, the parameters by mu* (with sigma and mu*'s 95% interval),
and the range of the point means across the design.

usage: morris_table.py SWEEP_DIR [METRIC ...]   (default: cost.fines cost.compliance cost.total)
Every statistic is of the paired difference eu_combined - dsa_scrutiny; fines or suspension
*avoided* are its negative."""
import csv, os, sys

D = sys.argv[1]
MET = sys.argv[2:] or ["cost.fines", "cost.compliance", "cost.total"]
sens = list(csv.DictReader(open(os.path.join(D, "sensitivity.csv"))))


def bn(x):
    return f"{float(x) / 1e9:.2f}"


for m in MET:
    rows = {}
    for r in sens:
        if r["metric"] == m:
            rows.setdefault(r["parameter"], {})[r["index"]] = r
    ranked = sorted(rows.items(), key=lambda kv: -float(kv[1]["mu_star"]["value"]))
    print(f"\n`{m}` (EUR bn):\n")
    print("| parameter | μ* (95% interval) | σ | μ |")
    print("|---|---|---|---|")
    for p, ix in ranked[:8]:
        ms = ix["mu_star"]
        ci = f" ({bn(ms['ci95_lo'])}–{bn(ms['ci95_hi'])})" if ms["ci95_lo"] else ""
        print(f"| `{p}` | {bn(ms['value'])}{ci} | {bn(ix['sigma']['value'])} | {bn(ix['mu']['value'])} |")
pts = list(csv.DictReader(open(os.path.join(D, "points.csv"))))
for m in MET:
    col = next((c for c in pts[0] if c in (f"{m}.mean", f"{m}_mean", m)), None)
    if col is None:
        continue
    v = sorted(float(r[col]) for r in pts)
    n = len(v)
    print(f"\n{m}: point means over {n} points: min {bn(v[0])}, p5 {bn(v[int(.05 * n)])}, "
          f"median {bn(v[n // 2])}, p95 {bn(v[int(.95 * n) - 1])}, max {bn(v[-1])}")
# What the suspension avoided is at each point: cost.compliance of the difference is Clover's two
# gateways' fixed running cost (EUR 2.064 bn to 2030, `cost.control.security_gateway_*` of
# clover; no swept parameter moves it) less the suspension avoided.
GATEWAYS = 2.064065708e9
if "cost.compliance.mean" in pts[0] and "cost.fines.mean" in pts[0]:
    for name, f in (("suspension avoided", lambda r: GATEWAYS - float(r["cost.compliance.mean"])),
                    ("fines + suspension avoided",
                     lambda r: GATEWAYS - float(r["cost.compliance.mean"]) - float(r["cost.fines.mean"]))):
        v = sorted(f(r) for r in pts)
        n = len(v)
        print(f"\n{name}: point means over {n} points: min {bn(v[0])}, p5 {bn(v[int(.05 * n)])}, "
              f"median {bn(v[n // 2])}, p95 {bn(v[int(.95 * n) - 1])}, max {bn(v[-1])}")
