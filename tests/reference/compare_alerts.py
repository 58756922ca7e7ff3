# compare_alerts.py - compares two adrmon alert streams (JSON Lines),
# alert-for-alert in order, with numeric tolerances.
#
# Usage: python3 compare_alerts.py EXPECTED.jsonl ACTUAL.jsonl [--edge-tol 0.01]
#        python3 compare_alerts.py --board EXPECTED.jsonl ACTUAL.jsonl
# Exit 0 and print "compare: N alerts match" when the streams match;
# exit 1 on the first mismatch or a count difference; exit 2 on unreadable input.
#
# Alerts: ts, pair, side, kind, reason (stale, reverted and issue 9's session,
# halted, suspect), open_ts, us_phase, hk_phase exactly (a field present on
# one side only is a mismatch); edges to --edge-tol bp; prices and ratio to
# 1e-9 relative; sizes to 1e-6. adr_ts, hk_ts, fx_ts exactly when EXPECTED
# has them (hand-written expected files may leave them out). Field order is
# not compared.
#
# --board (issue 9's `adrmon board` lines): the same set of keys on both
# sides; pair/index, at, live, why, us_phase, hk_phase, pairs and the *_ts
# exactly; ratio exactly (as a number); mid_premium_bps and
# implied_move_bps to --edge-tol bp; prices and adr_hkd to 1e-9 relative;
# weight_covered to 1e-9 absolute. null must match null.

import argparse
import json
import math
import sys

EXACT_FIELDS = ("ts", "pair", "side", "kind", "reason", "open_ts", "us_phase", "hk_phase")
EXACT_IF_EXPECTED = ("adr_ts", "hk_ts", "fx_ts")
BPS_FIELDS = ("edge_bps", "mid_premium_bps", "peak_edge_bps")
PRICE_FIELDS = ("adr_bid", "adr_ask", "hk_bid", "hk_ask", "fx_bid", "fx_ask", "ratio")
SIZE_FIELDS = ("size_ads", "notional_usd")
PRICE_REL_TOL = 1e-9
SIZE_REL_TOL = 1e-6


def load(path):
    """Returns a list of (raw line, parsed object) for the non-empty lines."""
    alerts = []
    try:
        f = open(path, "r", encoding="utf-8")
    except OSError as exc:
        print(f"compare: {path}: cannot open: {exc.strerror}")
        sys.exit(2)
    with f:
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


def close(a, b, tol, relative=False):
    """a == b unless both are numbers; then within tol (times the larger
    magnitude when relative); a non-finite number is close only to itself."""
    if not (is_num(a) and is_num(b)):
        return a == b
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= (tol * max(abs(a), abs(b)) if relative else tol)


def close_abs(a, b, tol):
    return close(a, b, tol)


def close_rel(a, b, tol):
    return close(a, b, tol, relative=True)


def field_diffs(exp, act, edge_tol):
    """Returns a list of human-readable differences between two alerts."""
    diffs = []
    checks = ([(k, None) for k in EXACT_FIELDS]
              + [(k, lambda a, b: close_abs(a, b, edge_tol)) for k in BPS_FIELDS]
              + [(k, lambda a, b: close_rel(a, b, PRICE_REL_TOL)) for k in PRICE_FIELDS]
              + [(k, lambda a, b: close_rel(a, b, SIZE_REL_TOL)) for k in SIZE_FIELDS])
    checks += [(k, "if_expected") for k in EXACT_IF_EXPECTED]
    for key, same in checks:
        in_e, in_a = key in exp, key in act
        if not in_e and not in_a:
            continue
        if same == "if_expected":
            if not in_e:
                continue
            same = None
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


BOARD_EXACT = ("pair", "index", "at", "live", "why", "us_phase", "hk_phase", "pairs",
               "adr_ts", "hk_ts", "fx_ts")
BOARD_BPS = ("mid_premium_bps", "implied_move_bps")
BOARD_PRICES = ("adr_bid", "adr_ask", "hk_bid", "hk_ask", "fx_bid", "fx_ask", "adr_hkd")


def board_diffs(exp, act, edge_tol):
    diffs = []
    ke, ka = set(exp), set(act)
    for k in sorted(ke - ka):
        diffs.append(f"{k}: present only in expected")
    for k in sorted(ka - ke):
        diffs.append(f"{k}: present only in actual")
    for k in sorted(ke & ka):
        e, a = exp[k], act[k]
        if k in BOARD_EXACT:
            ok = e == a and type(e) is type(a)
        elif k == "ratio":
            ok = is_num(e) and is_num(a) and e == a
        elif k in BOARD_BPS:
            ok = close_abs(e, a, edge_tol)
        elif k in BOARD_PRICES:
            ok = close_rel(e, a, PRICE_REL_TOL)
        elif k == "weight_covered":
            ok = close_abs(e, a, 1e-9)
        else:
            ok = e == a
        if not ok:
            diffs.append(f"{k}: expected {e!r}, actual {a!r}")
    return diffs


def main(argv=None):
    ap = argparse.ArgumentParser(description="compare two adrmon alert streams")
    ap.add_argument("--board", action="store_true",
                    help="compare `adrmon board` outputs instead of alerts")
    ap.add_argument("expected")
    ap.add_argument("actual")
    ap.add_argument("--edge-tol", type=float, default=0.01,
                    help="absolute tolerance in bps for edge_bps, "
                         "mid_premium_bps, peak_edge_bps (default 0.01)")
    args = ap.parse_args(argv)
    exp = load(args.expected)
    act = load(args.actual)
    what = "board lines" if args.board else "alerts"
    diff_fn = board_diffs if args.board else field_diffs
    counts = f"expected {len(exp)} {what}, actual {len(act)} {what}"
    for i in range(min(len(exp), len(act))):
        diffs = diff_fn(exp[i][1], act[i][1], args.edge_tol)
        if diffs:
            print(f"compare: first mismatch at {what[:-1]} index {i}")
            print(f"  expected: {exp[i][0]}")
            print(f"  actual:   {act[i][0]}")
            for d in diffs:
                print(f"    {d}")
            print(f"compare: {counts}")
            return 1
    if len(exp) != len(act):
        i = min(len(exp), len(act))
        print(f"compare: {what} counts differ; first extra at index {i}")
        print(f"  expected: {exp[i][0] if i < len(exp) else '<none>'}")
        print(f"  actual:   {act[i][0] if i < len(act) else '<none>'}")
        print(f"compare: {counts}")
        return 1
    print(f"compare: {len(exp)} {what} match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
