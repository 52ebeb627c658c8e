#!/usr/bin/python3
"""rank_reference.py - the regime-shift ranking and Benjamini-Hochberg flags
of the fixture job tests/ref/rank-job.xml, computed independently of convex:
each pair's shift z, p and delta come from reference.py (pandas), the order
and the BH step-up rule are implemented here from their definitions
(issue 4), not from src/rank.c.

    /usr/bin/python3 tests/ref/rank_reference.py > tests/ref/rank-dow12.json
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHA = 0.05


def pairs_of(job):
    """Every pair of the one <within> group, in asset order."""
    root = ET.parse(job).getroot()
    group = root.find("watchlist/within").get("group")
    syms = [a.get("symbol") for a in root.find("assets") if a.get("group") == group]
    return [(syms[i], syms[j]) for i in range(len(syms)) for j in range(i + 1, len(syms))]


def shift(prices, a, b):
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "reference.py"),
                          "--prices", prices, "--pair", f"{a}/{b}"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["shift"]


def bh_step_up(pvalues, alpha):
    """Indices rejected by Benjamini-Hochberg: sort ascending, find the
    largest k with p(k) <= k/m * alpha, reject the k smallest."""
    m = len(pvalues)
    ranked = sorted(range(m), key=lambda i: pvalues[i])
    k = 0
    for pos, i in enumerate(ranked, start=1):
        if pvalues[i] <= pos / m * alpha:
            k = pos
    return set(ranked[:k])


def main():
    job = os.path.join(HERE, "rank-job.xml")
    prices = os.path.join(HERE, "..", "..", "jobs", "demo", "prices", "dowjones30.csv")
    rows = []
    for a, b in pairs_of(job):
        s = shift(prices, a, b)
        rows.append({"id": f"{a}-{b}", "z": s["z"], "p": s["p"], "delta": s["delta"]})
    tested = [r for r in rows if r["z"] is not None]
    rejected = bh_step_up([r["p"] for r in tested], ALPHA)
    for i, r in enumerate(tested):
        r["significant"] = i in rejected
    for r in rows:
        r.setdefault("significant", False)
    rows.sort(key=lambda r: (r["z"] is None, -abs(r["z"] or 0),
                             r["delta"] is None, -abs(r["delta"] or 0), r["id"]))
    json.dump({"alpha": ALPHA, "tests": len(tested),
               "ranking": [{"rank": n, "id": r["id"], "z": r["z"],
                            "significant": r["significant"]}
                           for n, r in enumerate(rows, start=1)]},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
