#!/usr/bin/python3
"""mkprices.py - bodies for tests/lib/pricesrv.py from the bundled real
series, with one fault injected.

    mkprices.py FORMAT CSV COLUMN OUT [FAULT [ARG]]

FORMAT stooq: Date,Open,High,Low,Close,Volume (Open=High=Low=Close);
FORMAT fred:  observation_date,NAME (NAME = ARG of the "name" fault, else
COLUMN), a weekday without a close written "DATE,." as FRED writes its
holidays. FAULT (on the real series of COLUMN in the wide CSV):
    x10 DATE        the close on DATE times 10
    future DATE     one more row dated DATE (the last close again)
    drop DATE       the row of DATE left out
    split DATE      every close from DATE on halved (an unadjusted 2:1)
    scale F         every close times F (a re-adjustment)
    name NAME       the FRED header names NAME
    dup DATE        a second row for DATE with another close (long files)
"""
import sys
import pandas as pd


def holidays(prev, d):
    """The weekdays strictly between dates prev and d (FRED's "." rows)."""
    if prev is None or prev >= d:
        return []
    days = pd.bdate_range(prev, d)[1:-1]
    return [x.strftime("%Y-%m-%d") for x in days]


def main():
    fmt, src, col, out = sys.argv[1:5]
    fault = sys.argv[5] if len(sys.argv) > 5 else ""
    arg = sys.argv[6] if len(sys.argv) > 6 else ""
    df = pd.read_csv(src, dtype={col: str})
    s = df[[df.columns[0], col]].rename(columns={df.columns[0]: "date", col: "close"})
    rows = [[d, c] for d, c in zip(s["date"], s["close"])]
    if fault == "x10":
        rows = [[d, repr(float(c) * 10) if d == arg else c] for d, c in rows]
    elif fault == "future":
        rows.append([arg, rows[-1][1]])
    elif fault == "drop":
        rows = [r for r in rows if r[0] != arg]
    elif fault == "split":
        rows = [[d, repr(float(c) / 2) if d >= arg else c] for d, c in rows]
    elif fault == "scale":
        rows = [[d, "%.6f" % (float(c) * float(arg))] for d, c in rows]
    name = arg if fault == "name" else col
    with open(out, "w", newline="") as f:
        if fmt == "stooq":
            f.write("Date,Open,High,Low,Close,Volume\r\n")
            for d, c in rows:
                f.write("%s,%s,%s,%s,%s,1000\r\n" % (d, c, c, c, c))
        else:
            f.write("observation_date,%s\n" % name)
            prev = None
            for d, c in rows:
                for h in holidays(prev, d):
                    f.write("%s,.\n" % h)
                f.write("%s,%s\n" % (d, c))
                prev = d


main()
