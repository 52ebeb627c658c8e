#!/usr/bin/python3
"""synth.py - synthetic daily closes for the large benchmark (bench/run.sh).

    bench/synth.py SYMBOLS YEARS SEED OUT.csv OUT.xml

A seeded factor model: every symbol's daily log return is
    r = beta_m * market + beta_s * sector + idiosyncratic,
with 10 sectors, normal shocks (daily volatility about 1.5 %) and a
market-wide volatility regime that doubles for a few months at a time, so
correlations move and the shift test has something to find. Prices start
at 20..200 and are written with 4 decimals on weekdays from 2010-01-04.
Writes a wide CSV (Date,S001,...) and a job whose watchlist is every pair.
Synthetic prices are for speed; the numbers themselves are checked on real
data by the tests.
"""
import datetime
import math
import random
import sys


def main():
    nsym, years, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    csv_path, job_path = sys.argv[4], sys.argv[5]
    rnd = random.Random(seed)
    syms = ["S%03d" % (i + 1) for i in range(nsym)]
    sector = [i % 10 for i in range(nsym)]
    beta_m = [rnd.uniform(0.4, 1.4) for _ in syms]
    beta_s = [rnd.uniform(0.5, 1.5) for _ in syms]
    price = [rnd.uniform(20, 200) for _ in syms]
    day = datetime.date(2010, 1, 4)
    ndays = years * 252
    with open(csv_path, "w") as f:
        f.write("Date," + ",".join(syms) + "\n")
        regime = 1.0
        for _ in range(ndays + 1):
            if rnd.random() < 1 / 120:
                regime = 2.0 if regime == 1.0 else 1.0
            m = rnd.gauss(0, 0.008) * regime
            sec = [rnd.gauss(0, 0.010) for _ in range(10)]
            row = []
            for i in range(nsym):
                r = beta_m[i] * m + beta_s[i] * sec[sector[i]] + rnd.gauss(0, 0.010)
                price[i] *= math.exp(r)
                row.append("%.4f" % price[i])
            f.write(day.isoformat() + "," + ",".join(row) + "\n")
            day += datetime.timedelta(days=3 if day.weekday() == 4 else 1)
    with open(job_path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write('<job name="synth%d" title="Synthetic %d symbols, every pair">\n  <assets>\n'
                % (nsym, nsym))
        for i, s in enumerate(syms):
            f.write('    <asset symbol="%s" name="Synthetic %s" group="all"/>\n' % (s, s))
        f.write('  </assets>\n  <prices><file path="%s"/></prices>\n' % csv_path)
        f.write('  <watchlist><within group="all"/></watchlist>\n</job>\n')


if __name__ == "__main__":
    main()
