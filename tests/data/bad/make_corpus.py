#!/usr/bin/env python3
"""Writes the bad-input corpus: one JSON Lines file per class of bad input.

Usage: make_corpus.py SOURCE_DIR [OUT_DIR]      (default OUT_DIR: tests/data/bad)
       make_corpus.py SOURCE_DIR --huge PATH     (the > 1 MiB lines file, made at test time)

Every file is base.jsonl -- a clean 5 s slice of data/sample (BABA, YUMC and
USD/HKD around YUMC's sell_adr dislocation, seq renumbered 1, 2, ... per
venue so the base has no gaps) -- plus the bad lines of its class, spread
through it. Each bad line is written down here with the reject reason
docs/FORMATS.md gives it, so MANIFEST.json's expected counts come from the
contract, not from running adrmon. tests/apps/robustness_e2e.py checks them.

Modes in the manifest:
  clean    the file is base plus bad lines (after dropping a leading BOM and
           turning CRLF into LF): exact reject counts, and alerts identical
           to base.jsonl's
  exact    the odd lines are ACCEPTED by the contract (locked quotes, equal
           timestamps): zero rejects, alerts equal to replaying that file
  seq      only seq numbers changed: zero rejects, alerts identical to
           base.jsonl's, and the stated seq gaps/missing/duplicates in
           `adrmon run`'s summary
Deterministic: the same sample gives the same bytes.
"""
import json
import os
import random
import sys

S0 = 1763951400000000000  # data/sample's start
WINDOW = (S0 + 88_500_000_000, S0 + 93_500_000_000)
KEEP = {"BABA", "9988", "YUMC", "9987"}
BOM = b"\xef\xbb\xbf"


def load_base(src):
    rows = []
    for i, name in enumerate(("us", "hk", "fx")):
        with open(os.path.join(src, "data", "sample", name + ".jsonl"), "rb") as f:
            for n, raw in enumerate(f):
                d = json.loads(raw)
                if WINDOW[0] <= d["ts"] < WINDOW[1] and (d["type"] == "fx" or d["sym"] in KEEP):
                    rows.append((d["ts"], i, n, raw))
    rows.sort()
    seq = {"US": 0, "HK": 0, "FX": 0}
    lines = []
    for _, _, _, raw in rows:
        d = json.loads(raw)
        lane = d.get("venue", "FX")
        seq[lane] += 1
        old = b'"seq":%d}' % d["seq"]
        assert raw.rstrip(b"\n").endswith(old), raw
        lines.append(raw.rstrip(b"\n")[: -len(old)] + b'"seq":%d}' % seq[lane])
    return lines


def ts_of(line):
    return json.loads(line)["ts"]


def us(t, bid="45.10", ask="45.12", sym="YUMC", rest=""):
    return ('{"type":"quote","ts":%s,"venue":"US","sym":"%s","bid":%s,"ask":%s,'
            '"bid_size":100,"ask_size":200%s}' % (t, sym, bid, ask, rest)).encode()


def hk(t, bid="351.2", ask="351.4", sym="9987", rest=""):
    return ('{"type":"quote","ts":%s,"venue":"HK","sym":"%s","bid":%s,"ask":%s,'
            '"bid_size":500,"ask_size":500%s}' % (t, sym, bid, ask, rest)).encode()


def fx(t, bid="7.8251", ask="7.8254", pair="USDHKD"):
    return ('{"type":"fx","ts":%s,"pair":"%s","bid":%s,"ask":%s}' % (t, pair, bid, ask)).encode()


def spread(base, bad):
    """Inserts bad lines (each a function of the ts just before it) evenly through base."""
    out = list(base)
    n = len(bad)
    # Insert from the back so earlier positions stay valid.
    for k in range(n - 1, -1, -1):
        pos = (k + 1) * len(base) // (n + 1)
        line, _ = bad[k]
        out.insert(pos, line(ts_of(base[pos - 1]) + 1) if callable(line) else line)
    return out


def count(bad):
    rejects, blank = {}, 0
    for _, reason in bad:
        if reason == "blank":
            blank += 1
        else:
            rejects[reason] = rejects.get(reason, 0) + 1
    return rejects, blank


def classes(base):
    rnd = random.Random(5)
    garbage = bytes(rnd.choice([b for b in range(256) if b not in (10, 13, 32, 9)]) for _ in range(120))
    full = us("%d", "45.10", "45.12")  # a complete line to cut, ts filled in below
    out = {}

    def add(name, bad, what, mode="clean", lines=None, tail=None):
        rejects, blank = count(bad + ([tail] if tail else []))
        body = lines if lines is not None else spread(base, bad)
        data = b"".join(l + b"\n" for l in body)
        if tail:
            data += tail[0]
        out[name] = (data, {"what": what, "mode": mode, "rejects": rejects, "blank_lines": blank})

    add("truncated", [
        (lambda t: (full % t)[:1], "invalid_json"),
        (lambda t: (full % t)[:20], "invalid_json"),
        (lambda t: (full % t)[:60], "invalid_json"),
        (lambda t: (full % t)[:-1], "invalid_json"),  # every field there, no closing brace
        (lambda t: (full % t)[:-12], "invalid_json"),  # cut inside a number
    ], "lines cut short, and a last line cut without its newline",
        tail=(us(ts_of(base[-1]) + 1)[:-3], "invalid_json"))
    add("binary", [
        (b"\x00\x00\x00\x00", "invalid_json"),
        (garbage, "invalid_json"),
        (b"\xff\xfe" + fx(S0 + 90_000_000_000), "invalid_json"),
        (lambda t: us(t, sym="YU\xffMC").replace(b"\xc3\xbf", b"\xff"), "invalid_json"),  # bad UTF-8
        (lambda t: us(t) + b"\x00", "invalid_json"),  # NUL after the object
        (lambda t: us(t) + b"\x01garbage", "invalid_json"),
    ], "binary garbage, NUL bytes, invalid UTF-8, bytes after the object")
    add("wrong_types", [
        (lambda t: us('"%d"' % t), "wrong_type"),
        (lambda t: us("%d.0" % t), "wrong_type"),
        (lambda t: us("1.7e18"), "wrong_type"),
        (lambda t: us(t, bid='"45.10"'), "wrong_type"),
        (lambda t: hk(t).replace(b'"sym":"9987"', b'"sym":9987'), "wrong_type"),
        (lambda t: us(t).replace(b'"venue":"US"', b'"venue":null'), "wrong_type"),
        (lambda t: us(t, rest=',"seq":-1'), "wrong_type"),
        (lambda t: us(t, rest=',"seq":1.5'), "wrong_type"),
        (lambda t: us(t).replace(b'"bid_size":100', b'"bid_size":true'), "wrong_type"),
        (lambda t: us(t).replace(b'"type":"quote"', b'"type":1'), "wrong_type"),
        (lambda t: fx(t).replace(b'"pair":"USDHKD"', b'"pair":["USDHKD"]'), "wrong_type"),
    ], "a known field with the wrong JSON type")
    add("missing_fields", [
        (b"{}", "missing_field"),
        (lambda t: us(t).replace(b'"type":"quote",', b""), "missing_field"),
        (lambda t: us(t).replace(b'"ts":%d,' % t, b""), "missing_field"),
        (lambda t: us(t).replace(b'"venue":"US",', b""), "missing_field"),
        (lambda t: us(t).replace(b',"ask_size":200', b""), "missing_field"),
        (lambda t: fx(t).replace(b'"pair":"USDHKD",', b""), "missing_field"),
        (lambda t: fx(t).replace(b',"ask":7.8254', b""), "missing_field"),
    ], "a required field absent")
    add("duplicate_fields", [
        (lambda t: us(t, rest=',"bid":45.0'), "duplicate_field"),
        (lambda t: us(t, rest=',"ts":%d' % t), "duplicate_field"),
        (lambda t: fx(t).replace(b"{", b'{"type":"fx",', 1), "duplicate_field"),
        (lambda t: us(t, rest=',"b\\u0069d":45.0'), "duplicate_field"),  # escaped key
    ], "a known field twice")
    add("bad_records", [
        (lambda t: us(t).replace(b'"quote"', b'"trade"'), "unknown_type"),
        (lambda t: us(t).replace(b'"quote"', b'"QUOTE"'), "unknown_type"),
        (lambda t: us(t).replace(b'"quote"', b'""'), "unknown_type"),
        (lambda t: us(t).replace(b'"US"', b'"NY"'), "bad_venue"),
        (lambda t: us(t).replace(b'"US"', b'"us"'), "bad_venue"),
        (lambda t: us(t).replace(b'"US"', b'""'), "bad_venue"),
    ], "an unknown record type or venue")
    add("huge_numbers", [
        (lambda t: us("9223372036854775808"), "bad_timestamp"),
        (lambda t: us("1" + "0" * 30), "bad_timestamp"),
        (lambda t: us("0"), "bad_timestamp"),
        (lambda t: us("-%d" % t), "bad_timestamp"),
        (lambda t: us(t, bid="1e999"), "bad_price"),
        (lambda t: us(t, ask="1e400"), "bad_price"),
        (lambda t: us(t, bid="-1e999"), "bad_price"),
        (lambda t: us(t, ask="1" + "0" * 400), "bad_price"),
        (lambda t: us(t).replace(b'"bid_size":100', b'"bid_size":1e999'), "bad_size"),
        (lambda t: us(t).replace(b'"ask_size":200', b'"ask_size":-1e999'), "bad_size"),
        (lambda t: us(t, rest=',"seq":18446744073709551616'), "wrong_type"),
        (lambda t: us(t, rest=',"seq":18446744073709551615'), "wrong_type"),  # reserved: no seq
    ], "numbers beyond int64 or double")
    add("nan_inf", [
        (lambda t: us(t, bid="NaN"), "invalid_json"),
        (lambda t: us(t, ask="Infinity"), "invalid_json"),
        (lambda t: us(t, bid="-Infinity"), "invalid_json"),
        (lambda t: hk(t, bid="nan"), "invalid_json"),
        (lambda t: fx(t, ask="inf"), "invalid_json"),
        (lambda t: us(t, bid='"NaN"'), "wrong_type"),
    ], "NaN and Infinity text")
    add("crossed", [
        (lambda t: us(t, bid="45.50", ask="45.00"), "crossed_quote"),
        (lambda t: hk(t, bid="352", ask="351.8"), "crossed_quote"),
        (lambda t: fx(t, bid="7.8300", ask="7.8200"), "crossed_quote"),
        (lambda t: us(t, bid="45.0000001", ask="45"), "crossed_quote"),
    ], "crossed quotes (bid > ask)")
    add("bad_prices", [
        (lambda t: us(t, bid="0"), "bad_price"),
        (lambda t: us(t, ask="0.0"), "bad_price"),
        (lambda t: hk(t, bid="-351.2"), "bad_price"),
        (lambda t: us(t, ask="-0"), "bad_price"),
        (lambda t: fx(t, bid="0"), "bad_price"),
        (lambda t: us(t).replace(b'"bid_size":100', b'"bid_size":-100'), "bad_size"),
        (lambda t: hk(t).replace(b'"ask_size":500', b'"ask_size":-1'), "bad_size"),
    ], "zero and negative prices and sizes")
    add("fx_band", [
        (lambda t: fx(t, "7.69", "7.70"), "fx_out_of_band"),
        (lambda t: fx(t, "7.80", "7.95"), "fx_out_of_band"),
        (lambda t: fx(t, "1.0", "1.1"), "fx_out_of_band"),
        (lambda t: fx(t, "100", "101"), "fx_out_of_band"),
        (lambda t: fx(t, "7.6999999", "7.8"), "fx_out_of_band"),
    ], "USD/HKD outside [7.70, 7.90]")
    add("unknown_symbols", [
        (lambda t: us(t, sym="ZZZZ"), "unknown_symbol"),
        (lambda t: us(t, sym="yumc"), "unknown_symbol"),
        (lambda t: us(t, sym="YUMC "), "unknown_symbol"),
        (lambda t: us(t, sym="9987"), "unknown_symbol"),  # an HK code on the US venue
        (lambda t: hk(t, sym="99999"), "unknown_symbol"),
        (lambda t: hk(t, sym="YUMC"), "unknown_symbol"),
        (lambda t: fx(t, pair="EURUSD"), "unknown_symbol"),
        (lambda t: fx(t, pair="usdhkd"), "unknown_symbol"),
    ], "symbols and FX pairs not in the config")

    # Out of order: an instrument's earlier line again after its next one.
    ooo = list(base)
    picked = []
    for key in ("YUMC", "9987", "BABA", "USDHKD"):
        idx = [i for i, l in enumerate(base) if json.loads(l).get("sym", json.loads(l).get("pair")) == key]
        picked.append((idx[len(idx) // 2], idx[len(idx) // 2 + 1]))
    for early, later in sorted(picked, key=lambda p: -p[1]):
        ooo.insert(later + 1, base[early])
    add("out_of_order", [(None, "out_of_order")] * len(picked),
        "an instrument's earlier tick again after a later one", lines=ooo)

    # Accepted by the contract: equal timestamps and locked quotes.
    dup = list(base)
    for i in sorted((5, 20, 33, 47, 60), reverse=True):
        dup.insert(i + 1, base[i])  # the same tick again: equal ts is accepted
    same_ts = [i for i, l in enumerate(dup) if json.loads(l)["type"] == "fx"][3]
    other = next(l for l in dup[same_ts + 1:] if json.loads(l)["type"] == "quote")
    d = json.loads(dup[same_ts])
    dup.insert(same_ts + 1, fx(ts_of(dup[same_ts]), repr(d["bid"]), repr(d["ask"])))
    dup.insert(dup.index(other) + 1, other)
    add("duplicate_ts", [], "ticks repeated with equal timestamps (accepted)", mode="exact", lines=dup)
    locked = []
    for i, l in enumerate(base):
        d = json.loads(l)
        if d["type"] == "quote" and i % 4 == 1:
            l = l.replace(b'"ask":%s' % json.dumps(d["ask"]).encode(),
                          b'"ask":%s' % json.dumps(d["bid"]).encode())
            assert json.loads(l)["ask"] == d["bid"]
        locked.append(l)
    add("locked", [], "locked quotes, bid == ask (accepted)", mode="exact", lines=locked)

    # Seq gaps: US seq jumps by 5 after the 5th US line, HK by 1 after the
    # 3rd, and one FX seq repeats its predecessor (a duplicate, then a gap of 1).
    seqd, n = [], {"US": 0, "HK": 0, "FX": 0}
    for l in base:
        d = json.loads(l)
        lane = d.get("venue", "FX")
        n[lane] += 1
        s = d["seq"] + (5 if lane == "US" and n[lane] > 5 else 0) + (1 if lane == "HK" and n[lane] > 3 else 0)
        if lane == "FX" and n[lane] == 10:
            s -= 1
        seqd.append(l.replace(b'"seq":%d}' % d["seq"], b'"seq":%d}' % s))
    data = b"".join(l + b"\n" for l in seqd)
    out["seq_gaps"] = (data, {"what": "seq numbers that skip and repeat (not rejects)", "mode": "seq",
                              "rejects": {}, "blank_lines": 0,
                              "seq": {"seq_gaps": 3, "seq_missing": 7, "seq_duplicates": 1}})

    crlf = spread(base, [(b"", "blank"), (b" \t", "blank")])
    rejects, blank = count([(b"", "blank"), (b" \t", "blank")])
    out["crlf"] = (b"".join(l + b"\r\n" for l in crlf),
                   {"what": "CRLF line ends and blank CRLF lines", "mode": "clean", "rejects": rejects,
                    "blank_lines": blank})
    bom = spread(base, [(lambda t: BOM + us(t), "invalid_json")])
    out["bom"] = (BOM + b"".join(l + b"\n" for l in bom),
                  {"what": "a UTF-8 BOM at the start (skipped) and one mid-file (invalid_json)",
                   "mode": "clean", "rejects": {"invalid_json": 1}, "blank_lines": 0})
    out["empty"] = (b"", {"what": "an empty file", "mode": "empty", "rejects": {}, "blank_lines": 0})
    out["blank_only"] = (b"\n\n   \n\t\r\n \r\n",
                         {"what": "only blank lines", "mode": "empty", "rejects": {}, "blank_lines": 5})
    return out


def huge_lines(base):
    """Over-long lines (checked at test time; > 1 MiB is too big to commit)."""
    pad = lambda n: b',"pad":"' + b"x" * n + b'"'
    exact = us(ts_of(base[30]) + 1, sym="ZZZZ")  # 65536 bytes: parsed, then an unknown symbol
    exact = exact[:-1] + pad(65536 - len(exact) - len(pad(0))) + b"}"
    assert len(exact) == 65536
    bad = [
        (us(ts_of(base[10]) + 1)[:-1] + pad(1536 * 1024) + b"}", "line_too_long"),  # 1.5 MiB
        (exact + b"x", "line_too_long"),  # 65537: invalid either way, never parsed
        (exact, "unknown_symbol"),
        (exact + b"\r", "unknown_symbol"),  # the '\r' of a CRLF does not count
        (b" " * (2 << 20), "line_too_long"),  # 2 MiB of blanks: too long before blank
    ]
    tail = (us(ts_of(base[-1]) + 1)[:-1] + pad(1100 * 1024) + b"}", "line_too_long")
    lines = spread(base, bad)
    rejects, blank = count(bad + [tail])
    return (b"".join(l + b"\n" for l in lines) + tail[0],
            {"what": "lines over 64 KiB (1.5 MiB, 2 MiB, 64 KiB + 1, a 1.1 MiB last line "
                     "without newline) and exactly 64 KiB", "mode": "clean", "rejects": rejects,
             "blank_lines": blank})


def main():
    src = os.path.abspath(sys.argv[1])
    base = load_base(src)
    if len(sys.argv) > 3 and sys.argv[2] == "--huge":
        data, meta = huge_lines(base)
        open(sys.argv[3], "wb").write(data)
        print(json.dumps(meta))
        return
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(src, "tests", "data", "bad")
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "base.jsonl"), "wb").write(b"".join(l + b"\n" for l in base))
    manifest = {}
    for name, (data, meta) in sorted(classes(base).items()):
        open(os.path.join(out, name + ".jsonl"), "wb").write(data)
        manifest[name] = meta
    with open(os.path.join(out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
