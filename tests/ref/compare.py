#!/usr/bin/python3
"""compare.py - check convex's statistics JSON against a pinned reference.

    compare.py same EXPECTED.json ACTUAL.json [TOL]
        same keys in the same order, strings and integers equal, nulls where
        the reference has nulls, every other number within TOL (default 1e-9)
    compare.py sane [N] < JSON-LINES
        every line is a JSON object (N lines when N is given), no NaN or
        Infinity anywhere, every correlation and bound has |r| <= 1
    compare.py text EXPECTED.json < TEXT
        the text form shows the four window values of the reference, rounded
        to 3 decimals with a sign, and each year's value

Prints what differs and exits 1 on any difference.
"""
import json
import math
import sys


def reject_constant(name):
    raise ValueError("non-finite number %s in the output" % name)


def load(text):
    return json.loads(text, parse_constant=reject_constant)


def diff(exp, act, path, tol, out):
    if exp is None or act is None:
        if exp is not act:
            out.append("%s: expected %r, got %r" % (path, exp, act))
    elif isinstance(exp, dict):
        if not isinstance(act, dict) or list(exp) != list(act):
            out.append("%s: keys %r, got %r" % (path, list(exp),
                       list(act) if isinstance(act, dict) else act))
            return
        for k in exp:
            diff(exp[k], act[k], path + "." + k, tol, out)
    elif isinstance(exp, list):
        if not isinstance(act, list) or len(exp) != len(act):
            out.append("%s: expected %r, got %r" % (path, exp, act))
            return
        for i, (e, a) in enumerate(zip(exp, act)):
            diff(e, a, "%s[%d]" % (path, i), tol, out)
    elif isinstance(exp, bool) or isinstance(exp, str) or isinstance(exp, int):
        if type(exp) is not type(act) or exp != act:
            out.append("%s: expected %r, got %r" % (path, exp, act))
    elif isinstance(exp, float):
        if not isinstance(act, (int, float)) or not abs(exp - act) <= tol:
            out.append("%s: expected %.17g, got %r" % (path, exp, act))
    else:
        out.append("%s: unexpected value %r" % (path, exp))


# Paths whose numbers are correlations (or their CI bounds).
def correlations(o):
    for v in o["corr"].values():
        yield "corr", v
    for v in o["ci95"].values():
        for x in v or []:
            yield "ci95", x
    yield "one_year.r", o["one_year"]["r"]
    yield "shift.baseline_r", o["shift"]["baseline_r"]
    for y in o["years"]:
        yield "years.r", y["r"]
    for k in ("max", "min"):
        yield "rolling90." + k, o["rolling90"][k]["r"]


def walk_numbers(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from walk_numbers(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk_numbers(x)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        yield v


def sane(expect_lines):
    bad, n = [], 0
    for line in sys.stdin:
        n += 1
        try:
            o = load(line)
        except ValueError as e:
            bad.append("line %d: %s" % (n, e))
            continue
        for x in walk_numbers(o):
            if not math.isfinite(x):
                bad.append("line %d: non-finite %r" % (n, x))
        for where, r in correlations(o):
            if r is not None and not abs(r) <= 1:
                bad.append("line %d %s/%s: %s = %r" % (n, o["a"], o["b"], where, r))
    if expect_lines is not None and n != expect_lines:
        bad.append("%d lines, expected %d" % (n, expect_lines))
    return bad


def text(exp):
    t = sys.stdin.read()
    bad = []
    for k, r in exp["corr"].items():
        if r is not None and ("%+.3f" % r) not in t:
            bad.append("window %s: %+.3f not in the text" % (k, r))
    for y in exp["years"]:
        want = "%d   %s" % (y["year"], "%+.3f" % y["r"] if y["r"] is not None else "n/a")
        if want not in t:
            bad.append("year row %r not in the text" % want)
    return bad


def main():
    mode = sys.argv[1]
    if mode == "same":
        with open(sys.argv[2]) as f:
            exp = load(f.read())
        with open(sys.argv[3]) as f:
            act = load(f.read())
        bad = []
        diff(exp, act, "$", float(sys.argv[4]) if len(sys.argv) > 4 else 1e-9, bad)
    elif mode == "sane":
        bad = sane(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    elif mode == "text":
        with open(sys.argv[2]) as f:
            bad = text(load(f.read()))
    else:
        sys.exit("usage: compare.py same|sane|text ...")
    for b in bad[:30]:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
