#!/usr/bin/env python3
"""What Clover buys under enforcement, with parameter uncertainty separated from the rest.

usage: clover_buys.py REGSIM SCENARIOS_DIR OUT_DIR [K] [R] [MAIN_RUN_DIR]

Runs eu_combined.toml and dsa_scrutiny.toml (same seed, so paired) in 1 + K variants of
SCENARIOS_DIR, rewriting only base/eu_regulators.toml:
  - `mean`:   every fitted hazard `{ dist = "gamma", shape = a, rate = b }` fixed at a / b;
  - `drawK`:  every fitted hazard fixed at one draw from its Gamma posterior (draw k, seed 1000 + k).
The fines' 95% interval is regsim's (`versus_dsa_scrutiny.csv`, bootstrap-t); the suspension's
is mean ± 1.96 standard errors. `mean` runs 1,000 replications, each draw R (default 200); K = 0 runs nothing and only reads
MAIN_RUN_DIR (to re-measure the shipped figures after a change). The spread of the K conditional means
is the range across parameter uncertainty; p5-p95 within `mean` is what is left (the drawn
events, fines and costs at fixed hazards). MAIN_RUN_DIR (a `regsim run scenarios/` output, the
shipped model with hazards drawn per replication) adds its row. Prints Markdown.

Suspension cost = `cost.compliance` less the running cost of Clover's own gateways
(`cost.control.security_gateway_access`, `..._masking`): what suspend_cn_access costs (its
annual cost while in force) plus the orders' one-off compliance costs (the DPC's EUR 100 M per
complied suspension order, and the Commission's EUR 50 M per complied DSA decision, which the
two worlds share almost replication by replication and which cancel in the difference but for
the DSA cases' small timing shifts). h-deny's lost-work cost of deny controls, once merged,
counts here if it is booked in `cost.compliance`.
"""
import csv, math, os, random, re, shutil, subprocess, sys

REGSIM, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
K = int(sys.argv[4]) if len(sys.argv) > 4 else 20
R = int(sys.argv[5]) if len(sys.argv) > 5 else 200
MAIN = sys.argv[6] if len(sys.argv) > 6 else None
GAMMA = re.compile(r'\{ dist = "gamma", shape = ([0-9.eE+-]+), rate = ([0-9.eE+-]+) \}')
GATEWAYS = ["cost.control.security_gateway_access", "cost.control.security_gateway_masking"]


def variant(name, fix, reps):
    d = os.path.join(OUT, name)
    run = os.path.join(d, "run")
    if all(os.path.exists(os.path.join(run, s, "replications.csv")) for s in ("eu_combined", "dsa_scrutiny")):
        return run
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(SRC, os.path.join(d, "scenarios"))
    p = os.path.join(d, "scenarios", "base", "eu_regulators.toml")
    text = open(p).read()
    text, n = GAMMA.subn(lambda m: repr(fix(float(m.group(1)), float(m.group(2)))), text)
    assert n > 0, "no fitted hazards found"
    open(p, "w").write(text)
    sc = os.path.join(d, "scenarios")
    subprocess.run([REGSIM, "run", os.path.join(sc, "eu_combined.toml"), os.path.join(sc, "dsa_scrutiny.toml"),
                    "--replications", str(reps), "--no-charts", "--out", run], check=True,
                   stdout=subprocess.DEVNULL)
    return run


def rows(run, s):
    with open(os.path.join(run, s, "replications.csv")) as fh:
        return list(csv.DictReader(fh))


def susp(r):
    return float(r["cost.compliance"]) - sum(float(r.get(g) or 0) for g in GATEWAYS)


def q(v, p):
    v = sorted(v); h = (len(v) - 1) * p; lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def stats(run):
    a, b = rows(run, "eu_combined"), rows(run, "dsa_scrutiny")
    out = {}
    for key, f in (("fines", lambda r: float(r["cost.fines"])), ("suspension", susp),
                   ("both", lambda r: float(r["cost.fines"]) + susp(r))):
        # avoided = status quo under enforcement minus Clover under enforcement
        d = [f(y) - f(x) for x, y in zip(a, b)]
        n = len(d); m = sum(d) / n
        se = math.sqrt(sum((x - m) ** 2 for x in d) / (n - 1) / n)
        out[key] = (m, m - 1.96 * se, m + 1.96 * se, q(d, .05), q(d, .95), n)
        out[key + "_var"] = sum((x - m) ** 2 for x in d) / (n - 1)
    # the fines' interval as regsim gives it (bootstrap-t), negated: avoided = -(Clover - status quo)
    vs = os.path.join(run, "eu_combined", "versus_dsa_scrutiny.csv")
    if os.path.exists(vs):
        r = next(r for r in csv.DictReader(open(vs)) if r["metric"] == "cost.fines")
        m, _, _, p5, p95, n = out["fines"]
        out["fines"] = (m, -float(r["diff_ci95_hi"]), -float(r["diff_ci95_lo"]), p5, p95, n)
    return out


def bn(x):
    return f"{x / 1e9:.2f}"


os.makedirs(OUT, exist_ok=True)
res = {}
if MAIN:
    res["shipped (hazards drawn per replication)"] = stats(MAIN)
if K > 0:
    res["hazards fixed at posterior means"] = stats(variant("mean", lambda a, b: a / b, 1000))
draws = []
for k in range(1, K + 1):
    rng = random.Random(1000 + k)
    draws.append(stats(variant(f"draw{k:02d}", lambda a, b, rng=rng: rng.gammavariate(a, 1 / b), R)))

print("| model | metric | avoided, mean (95% CI of the mean) | p5–p95 across replications | replications |")
print("|---|---|---|---|---|")
for name, st in res.items():
    for key in ("fines", "suspension", "both"):
        m, lo, hi, p5, p95, n = st[key]
        print(f"| {name} | {key} | EUR {bn(m)} bn ({bn(lo)} to {bn(hi)}) | {bn(p5)} to {bn(p95)} | {n} |")
if not draws:
    sys.exit(0)
print()
print(f"Across {K} posterior draws of the fitted hazards ({R} replications each, same seed):")
for key in ("fines", "suspension", "both"):
    ms = sorted(d[key][0] for d in draws)
    mean = sum(ms) / len(ms); sd = math.sqrt(sum((x - mean) ** 2 for x in ms) / (len(ms) - 1))
    se_within = sum(d[key][2] - d[key][1] for d in draws) / len(draws) / 3.92
    within = sum(d[key + "_var"] for d in draws) / len(draws)
    if MAIN:
        total = res["shipped (hazards drawn per replication)"][key + "_var"]
        print(f"- {key}: variance across the shipped replications (sd {bn(math.sqrt(total))} bn); "
              f"mean variance within one draw's replications (sd {bn(math.sqrt(within))} bn); "
              f"variance of the conditional means, {sd ** 2 / total:.1%} of the total (an upper bound: it "
              f"includes the draws' own noise)")
    print(f"- {key} avoided: conditional means {bn(ms[0])} to {bn(ms[-1])} bn (p10 {bn(q(ms, .1))}, "
          f"p90 {bn(q(ms, .9))}; mean {bn(mean)}, sd {bn(sd)}; typical SE of one draw's mean {bn(se_within)})")
