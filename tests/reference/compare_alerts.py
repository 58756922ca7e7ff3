# compare_alerts.py - compares two adrmon alert streams (JSON Lines),
# alert-for-alert in order, with numeric tolerances.
#
# Usage: python3 compare_alerts.py EXPECTED.jsonl ACTUAL.jsonl [--edge-tol 0.01]
# Exit 0 and print "compare: N alerts match" when the streams match;
# exit 1 on the first mismatch or a count difference; exit 2 on unreadable input.

import argparse
import json
import math
import sys

EXACT_FIELDS = ("ts", "pair", "side", "kind", "reason", "open_ts")
BPS_FIELDS = ("edge_bps", "mid_premium_bps", "peak_edge_bps")
PRICE_FIELDS = ("adr_bid", "adr_ask", "hk_bid", "hk_ask", "fx_bid", "fx_ask", "ratio")
SIZE_FIELDS = ("size_ads", "notional_usd")
PRICE_REL_TOL = 1e-9
SIZE_REL_TOL = 1e-6


def load(path):
    """Returns a list of (raw line, parsed object) for the non-empty lines."""
    alerts = []
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip() == "":
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                print(f"compare: {path}:{lineno}: invalid JSON: {exc}")
                sys.exit(2)
            if not isinstance(obj, dict):
                print(f"compare: {path}:{lineno}: not a JSON object")
                sys.exit(2)
            alerts.append((line.rstrip("\r\n"), obj))
    return alerts


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def close_abs(a, b, tol):
    if not (is_num(a) and is_num(b)):
        return a == b
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= tol


def close_rel(a, b, tol):
    if not (is_num(a) and is_num(b)):
        return a == b
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= tol * max(abs(a), abs(b))


def field_diffs(exp, act, edge_tol):
    """Returns a list of human-readable differences between two alerts."""
    diffs = []
    checks = ([(k, None) for k in EXACT_FIELDS]
              + [(k, lambda a, b: close_abs(a, b, edge_tol)) for k in BPS_FIELDS]
              + [(k, lambda a, b: close_rel(a, b, PRICE_REL_TOL)) for k in PRICE_FIELDS]
              + [(k, lambda a, b: close_rel(a, b, SIZE_REL_TOL)) for k in SIZE_FIELDS])
    for key, same in checks:
        in_e, in_a = key in exp, key in act
        if not in_e and not in_a:
            continue
        if in_e != in_a:
            where = "expected" if in_e else "actual"
            diffs.append(f"{key}: present only in {where}")
            continue
        e, a = exp[key], act[key]
        if same is None:
            # exact: 1 and 1.0 are not the same thing for ts/open_ts
            ok = e == a and type(e) is type(a)
        else:
            ok = same(e, a)
        if not ok:
            diffs.append(f"{key}: expected {e!r}, actual {a!r}")
    return diffs


def main(argv=None):
    ap = argparse.ArgumentParser(description="compare two adrmon alert streams")
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--edge-tol", type=float, default=0.01,
                    help="absolute tolerance in bps for edge_bps, "
                         "mid_premium_bps, peak_edge_bps (default 0.01)")
    args = ap.parse_args(argv)
    exp = load(args.expected)
    act = load(args.actual)
    counts = f"expected {len(exp)} alerts, actual {len(act)} alerts"
    for i in range(min(len(exp), len(act))):
        diffs = field_diffs(exp[i][1], act[i][1], args.edge_tol)
        if diffs:
            print(f"compare: first mismatch at alert index {i}")
            print(f"  expected: {exp[i][0]}")
            print(f"  actual:   {act[i][0]}")
            for d in diffs:
                print(f"    {d}")
            print(f"compare: {counts}")
            return 1
    if len(exp) != len(act):
        i = min(len(exp), len(act))
        print(f"compare: alert counts differ; first extra alert at index {i}")
        print(f"  expected: {exp[i][0] if i < len(exp) else '<none>'}")
        print(f"  actual:   {act[i][0] if i < len(act) else '<none>'}")
        print(f"compare: {counts}")
        return 1
    print(f"compare: {len(exp)} alerts match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
