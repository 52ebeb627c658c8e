#!/usr/bin/python3
"""heatmap_reference.py - the 1-year correlation of every pair of symbols,
computed with pandas: an independent reference for the heatmap of a run
(report.xml <heatmap>, tests/e2e/43-heatmap-reference.sh).

    /usr/bin/python3 tests/ref/heatmap_reference.py --prices FILE [--prices FILE...] \
        --as-of YYYY-MM-DD [--lookback-years N] SYMBOL SYMBOL...

Written from the definitions in include/stats.h, not from convex's code:
for each pair, the dates on which both have a price (wide CSV files, one
column per symbol); the pair's as-of is the last of those on or before
--as-of; returns are ln(P_t/P_t-1) between consecutive shared dates, dated
by the later one; the history is the returns dated after the same day
N years before the pair's as-of; the 1Y value is pandas' Pearson
correlation of the last 252 returns of that history, none (null) when it
has fewer. Prints {"A/B": r or null, ...} for every pair in the order
given (A before B).
"""
import argparse
import datetime
import json
import math

import numpy as np
import pandas as pd

W1Y = 252


def years_before(d, years):
    try:
        return d.replace(year=d.year - years)
    except ValueError:          # Feb 29 -> Feb 28
        return d.replace(year=d.year - years, day=28)


def one_year(prices, a, b, as_of, lookback):
    both = pd.concat([prices[a], prices[b]], axis=1, keys=["a", "b"]).dropna()
    both = both[both.index <= as_of]
    if len(both) < 2:
        return None
    pair_as_of = both.index[-1]
    ret = np.log(both / both.shift(1)).iloc[1:]
    ret = ret[ret.index > years_before(pair_as_of, lookback)]
    if len(ret) < W1Y:
        return None
    last = ret.iloc[-W1Y:]
    r = float(last["a"].corr(last["b"]))
    return None if math.isnan(r) else r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prices", action="append", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--lookback-years", type=int, default=5)
    ap.add_argument("symbols", nargs="+")
    args = ap.parse_args()
    cols = {}
    for f in args.prices:
        df = pd.read_csv(f, index_col=0, parse_dates=True, na_values=["", "NA", "N/A", "null", "NaN", "."])
        for c in df.columns:
            s = pd.to_numeric(df[c], errors="coerce")
            cols[c] = s[s > 0].dropna().sort_index()
    as_of = pd.Timestamp(datetime.date.fromisoformat(args.as_of))
    out = {}
    syms = args.symbols
    for i, a in enumerate(syms):
        for b in syms[i + 1:]:
            out[a + "/" + b] = one_year(cols, a, b, as_of, args.lookback_years)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
