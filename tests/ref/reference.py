#!/usr/bin/python3
"""reference.py - the deep-dive statistics of one pair, computed with pandas.

An independent reference for `convex stats --json` (same options, same JSON
shape), written from the definitions in issue 2 / include/stats.h with
pandas' own correlation, rolling correlation and group-by, not from convex's
code. Debian's python3-pandas; no scipy (the normal tail is math.erfc).

    /usr/bin/python3 tests/ref/reference.py --prices FILE --pair A/B \
        [--as-of YYYY-MM-DD] [--lookback-years N]
"""
import argparse
import datetime
import json
import math
import sys

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
WINDOWS = [("30d", 30), ("90d", 90), ("1y", 252)]
W5Y, MIN_5Y, MIN_YEAR, W90 = 1260, 30, 20, 90


def num(v):
    """A float, or None for NaN (pandas' "no value")."""
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def label(r):
    a = abs(r)
    if a < 0.2:
        return "Essentially uncorrelated"
    word = "Weak" if a < 0.4 else "Moderate" if a < 0.6 else "Strong" if a < 0.8 else "Very strong"
    return word + (" negative" if r < 0 else " positive")


def ci(r, n):
    if r is None or abs(r) >= 1 or n <= 3:
        return None
    h = Z95 / math.sqrt(n - 3)
    return [math.tanh(math.atanh(r) - h), math.tanh(math.atanh(r) + h)]


def years_before(d, years):
    try:
        return d.replace(year=d.year - years)
    except ValueError:          # Feb 29 -> Feb 28
        return d.replace(year=d.year - years, day=28)


def corr(frame, a, b):
    return num(frame[a].corr(frame[b])) if len(frame) >= 2 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prices", required=True)
    ap.add_argument("--pair", required=True)
    ap.add_argument("--as-of")
    ap.add_argument("--lookback-years", type=int, default=5)
    o = ap.parse_args()
    a, b = o.pair.split("/")

    df = pd.read_csv(o.prices, index_col=0, parse_dates=True)
    p = df[[a, b]].dropna()
    p = p[(p > 0).all(axis=1)].sort_index()
    ret = np.log(p / p.shift(1)).iloc[1:]          # dated by the later date

    dates = p.index
    as_of = dates[-1] if o.as_of is None else dates[dates <= pd.Timestamp(o.as_of)][-1]
    cutoff = pd.Timestamp(years_before(as_of.date(), o.lookback_years))
    hist = ret[(ret.index > cutoff) & (ret.index <= as_of)]
    n = len(hist)

    out = {"a": a, "b": b, "as_of": as_of.strftime("%Y-%m-%d"),
           "start": hist.index[0].strftime("%Y-%m-%d"), "observations": n}

    lens = {k: (w if n >= w else None) for k, w in WINDOWS}
    n5 = min(n, W5Y)
    lens["5y"] = n5 if n5 >= MIN_5Y else None
    rs = {k: (corr(hist.tail(m), a, b) if m else None) for k, m in lens.items()}
    out["corr"] = rs
    out["n"] = lens
    out["ci95"] = {k: ci(rs[k], lens[k]) if lens[k] else None for k in lens}
    out["labels"] = {k: label(rs[k]) if rs[k] is not None else None for k in lens}

    if n >= 252:
        t = hist.tail(252)
        r = rs["1y"]
        vb = t[b].var()
        out["one_year"] = {"r": r, "r2": r * r if r is not None else None,
                           "beta": num(t[a].cov(t[b]) / vb) if vb > 0 else None,
                           "vol_a": num(t[a].std()), "vol_b": num(t[b].std()), "n": 252}
    else:
        out["one_year"] = {k: None for k in ("r", "r2", "beta", "vol_a", "vol_b", "n")}

    shift = {"delta": None, "baseline_r": None, "baseline_n": None, "z": None, "p": None}
    if rs["90d"] is not None and rs["5y"] is not None:
        shift["delta"] = rs["90d"] - rs["5y"]
    if lens["5y"] and n5 - W90 >= MIN_5Y:
        base = hist.tail(n5).iloc[:-W90]
        nb = len(base)
        rb = corr(base, a, b)
        shift["baseline_r"], shift["baseline_n"] = rb, nb
        r90 = rs["90d"]
        if rb is not None and r90 is not None and abs(rb) < 1 and abs(r90) < 1:
            z = (math.atanh(r90) - math.atanh(rb)) / math.sqrt(1 / (W90 - 3) + 1 / (nb - 3))
            shift["z"], shift["p"] = z, math.erfc(abs(z) / math.sqrt(2))
    out["shift"] = shift

    years = []
    for year, g in sorted(hist.groupby(hist.index.year), key=lambda kv: -kv[0]):
        years.append({"year": int(year), "n": len(g),
                      "r": corr(g, a, b) if len(g) >= MIN_YEAR else None})
    out["years"] = years

    roll = hist[a].rolling(W90).corr(hist[b]).dropna()
    if len(roll):
        hi, lo = roll.idxmax(), roll.idxmin()      # first occurrence = earliest
        out["rolling90"] = {"max": {"r": num(roll[hi]), "end": hi.strftime("%Y-%m-%d")},
                            "min": {"r": num(roll[lo]), "end": lo.strftime("%Y-%m-%d")}}
    else:
        out["rolling90"] = {"max": {"r": None, "end": None}, "min": {"r": None, "end": None}}

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
