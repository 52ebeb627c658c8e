#!/usr/bin/python3
"""Independent reference of the spike/split checks (docs/prices.md) in
pandas/numpy: prints one line per flagged day, "SYMBOL DATE KIND", for a
wide CSV. Usage: plausible_ref.py FILE [SIGMAS JUMP_MIN]"""
import sys
import numpy as np
import pandas as pd

SPLITS = [2, 3, 1.5, 4, 5, 10, 20]


def robust_vol(x):
    med = np.median(x)
    return 1.4826 * np.median(np.abs(x - med))


def scan(dates, close, k, jmin, window=60, nmin=20, tol=0.03):
    ret = np.full(len(close), np.nan)
    ret[1:] = np.diff(np.log(close))
    n = len(close)
    out = []
    i = 1
    while i < n:
        if i >= 1 + nmin:
            lo, hi = max(1, i - window), i
        else:
            lo, hi = i + 2, min(i + 2 + window, n)
        t, vol = jmin, 0.0
        if hi - lo >= nmin:
            vol = robust_vol(ret[lo:hi])
            t = max(k * vol, jmin)
        a = ret[i]
        b = ret[i + 1] if i + 1 < n else 0.0
        if abs(a) > t:
            if abs(b) > t and a * b < 0 and abs(a + b) <= 0.5 * abs(a):
                out.append((dates[i], "spike"))
                i += 2
                continue
            tl = tol + 3 * vol
            if any(abs(a + np.log(r)) <= tl or abs(a - np.log(r)) <= tl for r in SPLITS):
                out.append((dates[i], "split"))
        i += 1
    return out


def main():
    df = pd.read_csv(sys.argv[1])
    k = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    jmin = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 0.03
    dcol = df.columns[0]
    for sym in df.columns[1:]:
        s = df[[dcol, sym]].dropna()
        s = s[s[sym] > 0]
        for d, kind in scan(s[dcol].tolist(), s[sym].to_numpy(float), k, jmin, tol=tol):
            print(sym, d, kind)


main()
