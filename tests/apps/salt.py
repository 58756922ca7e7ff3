#!/usr/bin/env python3
"""Salts clean tick files with bad lines, one class at a time, and records what it added.

Usage: salt.py CONFIG OUT_DIR FILE...  -> writes OUT_DIR/<name> for each FILE and
OUT_DIR/expected_rejects.json ({reason: count}). Every good line is kept, in order;
bad lines are inserted after random good lines (seeded, so runs repeat). Bad lines
are built so that each is refused for exactly one known reason and none of them
could change the alerts if it were (wrongly) accepted silently... except by being
accepted, which the alert comparison then catches.
"""
import json
import os
import random
import sys
import tomllib


def bad_lines_for(rec, cfg, rng):
    """Bad variants of one good record, as (reason, line) pairs."""
    good = json.dumps(rec, separators=(",", ":"))
    out = []
    cut = rng.randrange(len(good) // 2, len(good) - 1)
    out.append(("invalid_json", good[:cut]))  # truncated after the needed fields
    out.append(("invalid_json", good[:-1]))  # missing closing brace
    out.append(("invalid_json", good + " trailing"))
    out.append(("invalid_json", good + good))
    out.append(("invalid_json", "\x00\x01\x02garbage\xff".encode("latin-1").decode("latin-1")))
    out.append(("invalid_json", good.replace('"bid":', '"bid":NaN,"x":', 1)))
    out.append(("invalid_json", good[:-1] + ',"extra":[1,2,}'))
    out.append(("duplicate_field", good[:-1] + ',"ts":%d}' % rec["ts"]))
    out.append(("wrong_type", good.replace('"bid":', '"bid":"', 1).replace(',"ask"', '","ask"', 1)))
    r = dict(rec); r["ts"] = float(rec["ts"]) + 0.5
    out.append(("wrong_type", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); del r["ask"]
    out.append(("missing_field", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); r["type"] = "trade"
    out.append(("unknown_type", json.dumps(r, separators=(",", ":"))))
    if rec["type"] == "quote":
        r = dict(rec); r["venue"] = "LSE"
        out.append(("bad_venue", json.dumps(r, separators=(",", ":"))))
        r = dict(rec); r["sym"] = "ZZZZ"
        out.append(("unknown_symbol", json.dumps(r, separators=(",", ":"))))
        r = dict(rec); r["bid_size"] = -100
        out.append(("bad_size", json.dumps(r, separators=(",", ":"))))
    else:
        r = dict(rec); r["pair"] = "EURUSD"
        out.append(("unknown_symbol", json.dumps(r, separators=(",", ":"))))
        r = dict(rec); r["bid"] = cfg["fx"]["min"] - 0.01
        out.append(("fx_out_of_band", json.dumps(r, separators=(",", ":"))))
        r = dict(rec); r["ask"] = cfg["fx"]["max"] + 0.5
        out.append(("fx_out_of_band", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); r["ts"] = 0
    out.append(("bad_timestamp", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); r["bid"] = 0
    out.append(("bad_price", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); r["ask"] = -1.5
    out.append(("bad_price", json.dumps(r, separators=(",", ":"))))
    out.append(("bad_price", good.replace('"ask":', '"ask":1e999,"y":', 1)))
    r = dict(rec); r["bid"], r["ask"] = rec["ask"] * 1.01, rec["ask"]
    out.append(("crossed_quote", json.dumps(r, separators=(",", ":"))))
    r = dict(rec); r["ts"] = rec["ts"] - 1  # older than this instrument's last accepted tick
    out.append(("out_of_order", json.dumps(r, separators=(",", ":"))))
    return out


def main():
    cfg_path, out_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(cfg_path, "rb") as f:
        cfg = tomllib.load(f)
    rng = random.Random(20261121)
    os.makedirs(out_dir, exist_ok=True)
    expected = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        out = []
        for i, line in enumerate(lines):
            out.append(line)
            # Salt after roughly one good line in 40, never before the first.
            if i == 0 or rng.random() > 0.025:
                continue
            rec = json.loads(line)
            for reason, bad in bad_lines_for(rec, cfg, rng):
                if reason == "out_of_order":
                    # Only valid right after the same instrument's previous line, which is this one.
                    pass
                out.append(bad)
                expected[reason] = expected.get(reason, 0) + 1
            out.append("")  # a blank line: skipped, not a tick
            out.append("   ")
        name = os.path.join(out_dir, os.path.basename(path))
        with open(name, "w", encoding="latin-1", newline="") as f:
            f.write("\r\n".join(out))  # CRLF line ends and no final newline
    with open(os.path.join(out_dir, "expected_rejects.json"), "w") as f:
        json.dump(expected, f, sort_keys=True)


if __name__ == "__main__":
    main()
