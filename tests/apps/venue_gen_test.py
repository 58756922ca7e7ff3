#!/usr/bin/env python3
# Length: two independent top-of-book models written from MARKETS.md (ITCH and
# OMD-C) plus three network peers; they must not share code with the C++
# decoders.
"""adrmon-gen's venue files, checked without adrmon's decoders.

Cases (argv[1]):
  default  adrmon-gen without venue flags writes exactly what it wrote before
           they existed: sha256 of three fixed runs over an embedded config,
           recorded from the generator as of cc05e3b (README.txt without its
           command and config lines, which name paths).
  itch     --format venues: the ITCH file's framing (every length prefix is its
           type's fixed length), message counts against README.txt, the
           directory first, and a top-of-book model written here from the ITCH
           5.0 layouts (MARKETS.md section 3) replayed over the file: its quote
           and status records equal us.jsonl line for line (seq included),
           every quote of the default run appears among them in order, none is
           crossed, no reference is unknown, no size goes negative.
  omdc     the same for the OMD-C capture and hk.jsonl (section 4): packet
           sizes add up to the file, SeqNum runs on without gaps, MsgSize
           walks every packet, level-1 model over message 53 and statuses from
           message 21.
  mold, soupbin, omdc_udp
           adrmon-cast publishing the files on loopback (see each function).

Usage: venue_gen_test.py CASE BUILD_DIR SOURCE_DIR
"""
import hashlib
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

CASE, BUILD, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(SRC, "tests", "reference"))
from config_text import FX_TABLE  # noqa: E402
GEN = os.path.join(BUILD, "tools", "adrmon-gen")
CAST = os.path.join(BUILD, "tools", "adrmon-cast")
DEMO = os.path.join(SRC, "config", "demo.toml")

# The universe of the pinned runs, fixed here so the hashes do not follow
# edits of config/*.toml.
PIN_TOML = """\
# venue_gen_test: a fixed universe, so the pinned hashes do not follow config/.
""" + FX_TABLE + """
[defaults]
enter_bps = 50
exit_bps = 20
max_age_ms = 3000
min_persist_ms = 200
cost_bps = 12
conversion_fee_usd = 0.05

[[pair]]
adr = "BABA"
hk = "9988"
ratio = 8

[[pair]]
adr = "JD"
hk = "9618"
ratio = 2

[[pair]]
adr = "NTES"
hk = "9999"
ratio = 5

[[pair]]
adr = "NIO"
hk = "9866"
ratio = 1

[[pair]]
adr = "YUMC"
hk = "9987"
ratio = 1
enter_bps = 60

[[pair]]
adr = "ZTO"
hk = "2057"
ratio = 1
fungible = false

[[pair]]
adr = "NOAH"
hk = "6686"
ratio = 0.5

[[pair]]
adr = "HTHT"
hk = "1179"
ratio = 10
"""

# sha256 of adrmon-gen's default outputs for PIN_TOML, recorded from
# tools/adrmon_gen/main.cpp as of cc05e3b (before the venue formats), built
# against the current core.
DEFAULT_RUNS = [
    (["--seed", "7", "--duration-s", "120"], {
        "us.jsonl": "fb0cd4cb9f405caabf72087f0fdd8e2435ab184bc1ed1a90db8374a360845dc2",
        "hk.jsonl": "8a710167f10ccd7d8368f2d38fc422a53bcdae339331ee9b12d48024fed5a89d",
        "fx.jsonl": "3f9597c9464f51e52053977f1d8a3da1a4cc56bcea6559c48468a7e97059251d",
        "README.txt": "39cea8c968068ca4f2de465895afa9584ab890e4505c1614ff86718f38a957c8",
    }),
    (["--seed", "42", "--duration-s", "60", "--quote-rate", "5", "--pairs", "5"], {
        "us.jsonl": "1ef729d9c2c8a0630176f1db7e334c1d919d4b637c1b67d31590fe37b9a7b358",
        "hk.jsonl": "f2f571dc7a69cf49694e1ea6b592a6e615d0cb5eb51ccb051e4814acc62b5faa",
        "fx.jsonl": "d52778d831e0bfe0c66b4de3ef23cef8db0bbb44c910884230406c972dc3ef4a",
        "README.txt": "53b02bd99dae49804b7770caf5f50a0f7363a3eab1d5a276a2d5506e1ec3e59e",
    }),
    ([], {
        "us.jsonl": "373fdfdfdc20d5d51289394c66cc9921e0ab2fb34115f5c821ccd6205a96ce6a",
        "hk.jsonl": "bb9a452d29959acdf2410de863e1bcd9264bbaaaace6a5acd3830311bb0fb474",
        "fx.jsonl": "d9530c048843cab02febd887ee3f7f832dfaeee80b695fc571c06e17c1b107e9",
        "README.txt": "f00fa233cbf14ba152206214a15194ca92bad936ad78725680d5a106b46cf4e5",
    }),
]

VENUE_ARGS = ["--config", DEMO, "--seed", "7", "--duration-s", "120"]
# A longer, busier day: deep books that grow and shrink for longer (an OMD-C
# book once outgrew the 10 levels a decoder keeps on such a day).
LONG_ARGS = ["--config", DEMO, "--seed", "42", "--duration-s", "300", "--quote-rate", "5"]

ITCH_LEN = {"S": 12, "R": 39, "H": 25, "A": 36, "F": 40, "E": 31, "C": 36, "X": 23,
            "D": 19, "U": 35, "P": 44, "Q": 40, "B": 19, "Y": 20, "L": 26, "V": 35,
            "W": 12, "K": 28, "J": 35, "h": 21, "I": 50, "N": 20, "O": 48}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def gen(out, *args):
    r = subprocess.run([GEN, "--out", out, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"adrmon-gen {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stderr


def sha(path, drop_command=False):
    data = open(path, "rb").read()
    if drop_command:
        data = b"".join(l for l in data.splitlines(keepends=True)
                        if not l.startswith((b"command: ", b"config: ")))
    return hashlib.sha256(data).hexdigest()


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def readme_counts(readme, prefix):
    m = re.search(prefix + r" counts: (.*)", readme)
    return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


# ------------------------------------------------------------------ ITCH model

def itch_records(data):
    """(offset, type, payload) of each [u16 BE length][message] record."""
    out, off = [], 0
    while off < len(data):
        check(off + 2 <= len(data), f"ITCH: truncated length prefix at {off}")
        (n,) = struct.unpack_from(">H", data, off)
        msg = data[off + 2: off + 2 + n]
        check(len(msg) == n, f"ITCH: truncated record at {off}")
        t = chr(msg[0])
        check(t in ITCH_LEN, f"ITCH: unknown type {t!r} at {off}")
        check(n == ITCH_LEN.get(t), f"ITCH: {t} at {off} has length {n}, spec {ITCH_LEN.get(t)}")
        out.append((off, t, msg))
        off += 2 + n
    return out


def itch_replay(records, tracked, midnight):
    """Quote and status records per the issue's contract, plus counters."""
    locate_sym, book_of = {}, {}
    orders = {}  # ref -> [locate, side, price, shares]
    emitted, unknown, last_ref = [], 0, 0
    for seq, (off, t, m) in enumerate(records, 1):
        locate, _, ts_hi, ts_lo = struct.unpack_from(">HHHI", m, 1)
        ts = midnight + (ts_hi << 32 | ts_lo)
        if t == "R":
            sym = m[11:19].decode().rstrip()
            check(locate not in locate_sym, f"ITCH: locate {locate} in two R messages")
            locate_sym[locate] = sym
            if sym in tracked:
                book_of[locate] = ({}, {})  # bids, asks: price -> shares
            continue
        if t == "H":
            sym = m[11:19].decode().rstrip()
            check(locate_sym.get(locate) == sym, f"ITCH: H locate {locate} is not {sym}")
            if locate in book_of:
                emitted.append({"type": "status", "ts": ts, "venue": "US", "sym": sym,
                                "trading": chr(m[19]) == "T"})
            continue
        if t not in "AFECXDU":
            continue
        before = top(book_of.get(locate))
        if t in "AF":
            ref, side, shares, _, price = struct.unpack_from(">QcI8sI", m, 11)
            check(ref > last_ref, f"ITCH: order reference {ref} not increasing at {off}")
            last_ref = ref
            check(m[24:32].decode().rstrip() == locate_sym.get(locate), f"ITCH: A stock/locate at {off}")
            orders[ref] = [locate, side == b"B", price, shares]
            level(book_of.get(locate), side == b"B", price, shares)
        elif t in "ECX":
            ref, shares = struct.unpack_from(">QI", m, 11)
            o = orders.get(ref)
            if o is None:
                unknown += 1
                continue
            check(o[0] == locate, f"ITCH: {t} locate differs from the order's at {off}")
            check(shares <= o[3], f"ITCH: {t} takes {shares} of {o[3]} shares at {off}")
            o[3] -= shares
            level(book_of.get(locate), o[1], o[2], -shares)
            if o[3] == 0:
                del orders[ref]
        elif t == "D":
            (ref,) = struct.unpack_from(">Q", m, 11)
            o = orders.pop(ref, None)
            if o is None:
                unknown += 1
                continue
            level(book_of.get(locate), o[1], o[2], -o[3])
        elif t == "U":
            ref, new, shares, price = struct.unpack_from(">QQII", m, 11)
            o = orders.pop(ref, None)
            if o is None:
                unknown += 1
                continue
            check(new > last_ref, f"ITCH: new reference {new} not increasing at {off}")
            last_ref = new
            level(book_of.get(locate), o[1], o[2], -o[3])
            orders[new] = [locate, o[1], price, shares]
            level(book_of.get(locate), o[1], price, shares)
        after = top(book_of.get(locate))
        if after is not None and after != before and after[1] > 0 and after[3] > 0:
            bid, bid_size, ask, ask_size = after
            check(bid < ask, f"ITCH: crossed book for {locate_sym[locate]} at {off}")
            emitted.append({"type": "quote", "ts": ts, "venue": "US", "sym": locate_sym[locate],
                            "bid": bid / 1e4, "ask": ask / 1e4, "bid_size": bid_size,
                            "ask_size": ask_size, "seq": seq})
    return emitted, unknown, locate_sym


def level(book, buy, price, delta):
    if book is None:
        return
    side = book[0] if buy else book[1]
    side[price] = side.get(price, 0) + delta
    check(side[price] >= 0, "negative level size")
    if side[price] == 0:
        del side[price]


def top(book):
    if book is None:
        return None
    bids, asks = book
    b = max(bids) if bids else None
    a = min(asks) if asks else None
    return (b, bids[b] if b is not None else 0, a, asks[a] if a is not None else 0)


def drawn_in_order(derived, drawn, skip=lambda q: False):
    """Every drawn quote (except repeats of the previous one, which no message
    can show, and those `skip` names) appears among the derived quotes of its
    symbol, in order, at its ts."""
    key = lambda q: (q["ts"], q["bid"], q["ask"], q["bid_size"], q["ask_size"])
    by_sym = {}
    for q in derived:
        if q["type"] == "quote":
            by_sym.setdefault(q["sym"], []).append(key(q))
    pos, prev, missing = {}, {}, 0
    for q in drawn:
        s = q["sym"]
        k = key(q)
        if prev.get(s) == k[1:] or skip(q):
            prev[s] = k[1:]
            continue
        prev[s] = k[1:]
        lst, i = by_sym.get(s, []), pos.get(s, 0)
        while i < len(lst) and lst[i] != k:
            check(lst[i][0] == k[0] or lst[i][0] < k[0], f"{s}: derived quote {lst[i]} out of place")
            i += 1
        if i == len(lst):
            missing += 1
        else:
            pos[s] = i + 1
    return missing


def case_default():
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "pin.toml")
        with open(config, "w") as f:
            f.write(PIN_TOML)
        for i, (args, want) in enumerate(DEFAULT_RUNS):
            out = os.path.join(tmp, str(i))
            gen(out, "--config", config, *args)
            for name, digest in want.items():
                got = sha(os.path.join(out, name), drop_command=name == "README.txt")
                check(got == digest, f"run {i} {name}: sha256 {got}, recorded {digest}")


def venue_day(tmp, args):
    out = os.path.join(tmp, "venues")
    gen(out, *args, "--format", "venues")
    base = os.path.join(tmp, "default")
    gen(base, *args)
    return out, base


def find_itch(out):
    names = [n for n in os.listdir(out) if n.endswith(".NASDAQ_ITCH50")]
    check(len(names) == 1, f"one ITCH file in {out}: {names}")
    return os.path.join(out, names[0])


def each_venue_day(check_day):
    """check_day(out, base) on a fresh venue day of VENUE_ARGS, then of LONG_ARGS."""
    for args in (VENUE_ARGS, LONG_ARGS):
        with tempfile.TemporaryDirectory() as tmp:
            check_day(*venue_day(tmp, args))


def case_itch():
    each_venue_day(itch_day)


def itch_day(out, base):
    path = find_itch(out)
    readme = open(os.path.join(out, "README.txt")).read()
    midnight = int(re.search(r"midnight America/New_York = (\d+)", readme).group(1))
    # Sun 23 Nov 2025 00:00 EST = 05:00 UTC (the date of 21:30 ET, the default start)
    check(midnight == 1763874000000000000, f"ITCH midnight {midnight}")
    check(os.path.basename(path) == "11232025.NASDAQ_ITCH50", f"ITCH file name {path}")
    recs = itch_records(open(path, "rb").read())
    counts = {}
    for _, t, _ in recs:
        counts[t] = counts.get(t, 0) + 1
    check(counts == readme_counts(readme, "itch"), f"ITCH counts {counts} vs README")
    for t in "SRHAFECXDUP":
        check(counts.get(t, 0) > 0, f"ITCH: no {t} message")
    check(recs[0][1] == "S" and chr(recs[0][2][11]) == "O", "ITCH: first message S 'O'")
    first_order = next(i for i, r in enumerate(recs) if r[1] in "AF")
    check(all(r[1] != "R" for r in recs[first_order:]), "ITCH: R after the first order")
    tracked = {json.loads(l)["sym"] for l in open(os.path.join(base, "us.jsonl"))}
    emitted, unknown, locates = itch_replay(recs, tracked, midnight)
    check(unknown == 0, f"ITCH: {unknown} unknown order references")
    check(len(locates) > 400, f"ITCH: only {len(locates)} locates")
    tracked_locates = sorted(l for l, s in locates.items() if s in tracked)
    check(tracked_locates != list(range(1, len(tracked) + 1)), "ITCH: tracked locates interleaved")
    want = read_jsonl(os.path.join(out, "us.jsonl"))
    check(len(emitted) == len(want), f"ITCH: model emits {len(emitted)}, us.jsonl has {len(want)}")
    for i, (a, b) in enumerate(zip(emitted, want)):
        if not check(a == b, f"us.jsonl line {i + 1}: model {a} vs file {b}"):
            break
    start_ns = 1763951400000000000  # adrmon-gen's default --start-ns
    statuses = [r for r in want if r["type"] == "status" and r["ts"] > start_ns]
    check([r["trading"] for r in statuses] == [False, False, True], f"halt statuses {statuses}")
    missing = drawn_in_order(want, read_jsonl(os.path.join(base, "us.jsonl")))
    check(missing == 0, f"ITCH: {missing} default-run US quotes missing from us.jsonl")
    print(f"itch: {len(recs)} messages {counts}, {len(want)} JSON records")


# ------------------------------------------------------------------ OMD-C model

def omdc_packets(data):
    """(offset, seq, send_time, [(type, body)]) per packet, checking sizes."""
    out, off = [], 0
    while off < len(data):
        size, count, _filler, seq, send = struct.unpack_from("<HBBIQ", data, off)
        check(size >= 16 and off + size <= len(data), f"OMD-C: bad PktSize {size} at {off}")
        msgs, p = [], off + 16
        for _ in range(count):
            msize, mtype = struct.unpack_from("<HH", data, p)
            check(msize >= 4 and p + msize <= off + size, f"OMD-C: bad MsgSize {msize} at {p}")
            msgs.append((mtype, data[p + 4: p + msize]))
            p += msize
        check(p == off + size, f"OMD-C: messages end at {p}, packet at {off + size}")
        out.append((off, seq, send, msgs))
        off += size
    return out


def omdc_replay(packets, tracked_codes):
    books = {c: ([], []) for c in tracked_codes}
    emitted, defined, next_seq = [], set(), None
    for off, seq, send, msgs in packets:
        if next_seq is not None:
            check(seq == next_seq, f"OMD-C: SeqNum {seq} at {off}, expected {next_seq}")
        next_seq = seq + len(msgs)
        for i, (t, body) in enumerate(msgs):
            if t == 11:
                check(len(body) == 540, f"OMD-C: Security Definition body {len(body)}")
                defined.add(struct.unpack_from("<I", body)[0])
            elif t == 21:
                code, ind = struct.unpack_from("<IB", body)
                check(len(body) == 8, "OMD-C: Security Status body")
                if code in books:
                    emitted.append({"type": "status", "ts": send, "venue": "HK", "sym": str(code),
                                    "trading": ind != 2})
            elif t == 53:
                code, n = struct.unpack_from("<I3xB", body)
                check(len(body) == 8 + 24 * n, f"OMD-C: 53 body {len(body)} for {n} entries")
                if code not in books:
                    continue
                check(code in defined, f"OMD-C: book update for undefined code {code}")
                book = books[code]
                before = (book[0][:1], book[1][:1])
                for e in range(n):
                    qty, price, _orders, side, lvl, action = struct.unpack_from("<QiIHBB", body, 8 + 24 * e)
                    if action == 74:
                        book[0].clear()
                        book[1].clear()
                        continue
                    L = book[side]
                    check(1 <= lvl <= len(L) + (action == 0), f"OMD-C: level {lvl} of {len(L)} at {off}")
                    if action == 0:
                        L.insert(lvl - 1, (price, qty))
                        del L[10:]
                    elif action == 1:
                        check(L[lvl - 1][0] == price, f"OMD-C: change moves a price at {off}")
                        L[lvl - 1] = (price, qty)
                    elif action == 2:
                        del L[lvl - 1]
                    else:
                        check(False, f"OMD-C: action {action}")
                after = (book[0][:1], book[1][:1])
                if after != before and book[0] and book[1]:
                    (bp, bq), (ap, aq) = book[0][0], book[1][0]
                    check(bp < ap, f"OMD-C: crossed book for {code} at {off}")
                    emitted.append({"type": "quote", "ts": send, "venue": "HK", "sym": str(code),
                                    "bid": bp / 1e3, "ask": ap / 1e3, "bid_size": bq,
                                    "ask_size": aq, "seq": seq + i})
    return emitted


def case_omdc():
    each_venue_day(omdc_day)


def omdc_day(out, base):
    data = open(os.path.join(out, "hk.omdc"), "rb").read()
    packets = omdc_packets(data)
    readme = open(os.path.join(out, "README.txt")).read()
    counts = {"packets": len(packets)}
    fillers = set()
    for off, _, _, msgs in packets:
        fillers.add(data[off + 3])
        for t, _ in msgs:
            counts[str(t)] = counts.get(str(t), 0) + 1
    check(counts == readme_counts(readme, "omdc"), f"OMD-C counts {counts} vs README")
    for t in ("11", "20", "21", "53"):
        check(counts.get(t, 0) > 0, f"OMD-C: no message {t}")
    check(len(fillers) > 3, f"OMD-C: Filler carries junk ({fillers})")
    check(any(len(m) > 1 for _, _, _, m in packets), "OMD-C: some packet has several messages")
    drawn = read_jsonl(os.path.join(base, "hk.jsonl"))
    codes = {int(q["sym"]) for q in drawn}
    emitted = omdc_replay(packets, codes)
    want = read_jsonl(os.path.join(out, "hk.jsonl"))
    check(len(emitted) == len(want), f"OMD-C: model emits {len(emitted)}, hk.jsonl has {len(want)}")
    for i, (a, b) in enumerate(zip(emitted, want)):
        if not check(a == b, f"hk.jsonl line {i + 1}: model {a} vs file {b}"):
            break
    st = [r for r in want if r["type"] == "status"]
    check([r["trading"] for r in st] == [False, True], f"suspension statuses {st}")
    if len(st) == 2:
        sym, t0, t1 = st[0]["sym"], st[0]["ts"], st[1]["ts"]
        missing = drawn_in_order(want, drawn, lambda q: q["sym"] == sym and t0 <= q["ts"] < t1)
        check(missing == 0, f"OMD-C: {missing} default-run HK quotes missing from hk.jsonl")
        check(not any(r["type"] == "quote" and r["sym"] == sym and t0 <= r["ts"] < t1 for r in want),
              "OMD-C: quotes during the suspension")
    hk_line = re.search(r"hk.jsonl: .*", readme).group(0)
    suspended = int(re.search(r"(\d+) fall in the suspension", hk_line).group(1))
    folded = int(re.search(r"(\d+) equal their predecessor", hk_line).group(1))
    extra = sum(1 for r in want if r["type"] == "quote") - (len(drawn) - suspended - folded)
    check(extra == 0, f"OMD-C: {extra} quotes beyond the drawn ones")
    print(f"omdc: {len(packets)} packets {counts}, {len(want)} JSON records")


# ------------------------------------------------------------------ publishers

SMALL_DAY = ["--config", DEMO, "--seed", "11", "--duration-s", "20"]


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def udp_receiver():
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(0.05)
    return rx


def cast(*args):
    return subprocess.Popen([CAST, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc, what):
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    check(proc.returncode == 0, f"{what}: adrmon-cast exit {proc.returncode}: {err}")
    print(err.strip())
    return err


def case_mold():
    """ITCH over MoldUDP64 with every 5th packet and messages 300..349 never
    multicast: a receiver written here from the spec re-requests every gap
    from the server and ends with every message, byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d")
        gen(out, *SMALL_DAY, "--format", "itch")
        recs = [m for _, _, m in itch_records(open(find_itch(out), "rb").read())]
        rx = udp_receiver()
        rr = ("127.0.0.1", free_port())
        session = b"TESTSESS01"
        proc = cast("--itch", find_itch(out), "--udp", f"127.0.0.1:{rx.getsockname()[1]}",
                    "--rerequest", f"{rr[0]}:{rr[1]}", "--session", session.decode(),
                    "--drop-every", "5", "--gap", "300:50", "--speed", "20",
                    "--heartbeat-ms", "10", "--linger-ms", "3000")
        got, highest, ended, heartbeats, gaps = {}, 0, False, 0, 0
        last_ask, deadline = 0.0, time.time() + 60
        while time.time() < deadline:
            try:
                pkt = rx.recv(65536)
            except socket.timeout:
                pkt = None
            if pkt:
                check(pkt[:10] == session, f"MoldUDP64 session {pkt[:10]!r}")
                seq, count = struct.unpack_from(">QH", pkt, 10)
                if count == 0:
                    heartbeats += 1
                elif count == 0xFFFF:
                    ended = True
                    check(seq == len(recs) + 1, f"end of session at {seq}, {len(recs)} messages")
                else:
                    if seq > highest + 1 and seq not in got:
                        gaps += 1
                    p = 20
                    for k in range(count):
                        (n,) = struct.unpack_from(">H", pkt, p)
                        got[seq + k] = pkt[p + 2: p + 2 + n]
                        p += 2 + n
                    check(p == len(pkt), "MoldUDP64 blocks fill the packet")
                    highest = max(highest, seq + count - 1)
            top = len(recs) if ended else highest
            missing = [s for s in range(1, top + 1) if s not in got]
            if ended and not missing:
                break
            if missing and time.time() - last_ask > 0.1:
                # one request per run of missing numbers (at most 20 runs per round)
                runs, start = [], missing[0]
                for a, b in zip(missing, missing[1:] + [None]):
                    if b != a + 1:
                        runs.append((start, a - start + 1))
                        start = b
                for first, n in runs[:20]:
                    rx.sendto(session + struct.pack(">QH", first, min(n, 100)), rr)
                last_ask = time.time()
        err = finish(proc, "mold")
        check(ended, "MoldUDP64: no end-of-session packet")
        check(gaps > 10, f"MoldUDP64: only {gaps} gaps seen")
        check(heartbeats > 0, "MoldUDP64: no heartbeat seen")
        check(len(got) == len(recs), f"MoldUDP64: {len(got)} of {len(recs)} messages after re-requests")
        check(all(got.get(i + 1) == m for i, m in enumerate(recs)), "MoldUDP64: message bytes")
        m = re.search(r"(\d+) replies with (\d+) messages", err)
        check(m and int(m.group(2)) > 0, "MoldUDP64: the server replayed messages")
        print(f"mold: {len(recs)} messages, {gaps} gaps recovered, {heartbeats} heartbeats")


def soup_send(sock, kind, payload=b""):
    sock.sendall(struct.pack(">H", 1 + len(payload)) + kind + payload)


def soup_read(sock, buf):
    """One packet (type, payload) or None at EOF; buf is the carry-over bytearray."""
    while True:
        if len(buf) >= 2:
            (n,) = struct.unpack_from(">H", buf)
            if len(buf) >= 2 + n:
                pkt = bytes(buf[2: 2 + n])
                del buf[: 2 + n]
                return pkt[:1], pkt[1:]
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk


def soup_login(port, user, password, session=b"", seq=1):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    soup_send(s, b"L", user.ljust(6) + password.ljust(10) + session.rjust(10) + str(seq).encode().rjust(20))
    return s


def case_soupbin():
    """ITCH over SoupBinTCP: a bad password is rejected (J 'A'), a wrong session
    too (J 'S'); with --wait-clients 2 the first client idles on server
    heartbeats until the second logs in; both get every message, in order,
    across the deliberate cuts of --drop-every (each logs in again with its
    next sequence), sending heartbeats of their own, and end on Z."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d")
        gen(out, *SMALL_DAY, "--format", "itch")
        recs = [m for _, _, m in itch_records(open(find_itch(out), "rb").read())]
        port = free_port(socket.SOCK_STREAM)
        proc = cast("--itch", find_itch(out), "--listen", f"127.0.0.1:{port}", "--user", "tester",
                    "--password", "secret", "--session", "SOUP01", "--drop-every", "3000",
                    "--wait-clients", "2", "--heartbeat-ms", "100", "--speed", "max",
                    "--linger-ms", "2000")
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        s = soup_login(port, b"tester", b"wrong")
        check(soup_read(s, bytearray()) == (b"J", b"A"), "SoupBinTCP: bad password not rejected with J A")
        s.close()
        s = soup_login(port, b"tester", b"secret", session=b"OTHER")
        check(soup_read(s, bytearray()) == (b"J", b"S"), "SoupBinTCP: unknown session not rejected with J S")
        s.close()

        results = {}

        def client(name):
            seq, got, cuts, hb, ended = 1, [], 0, 0, False
            session = b""
            while not ended and cuts < 100:
                s = soup_login(port, b"tester", b"secret", session=session, seq=seq)
                buf = bytearray()
                kind, payload = soup_read(s, buf)
                if not check(kind == b"A", f"{name}: login answered {kind!r}"):
                    return
                session = payload[:10].strip()
                check(int(payload[10:30]) == seq, f"{name}: accepted at {payload[10:30]!r}, asked {seq}")
                last_r = time.time()
                while True:
                    p = soup_read(s, buf)
                    if p is None:
                        cuts += 1
                        break
                    kind, payload = p
                    if kind == b"S":
                        got.append(payload)
                        seq += 1
                    elif kind == b"H":
                        hb += 1
                    elif kind == b"Z":
                        ended = True
                        break
                    if time.time() - last_r > 0.05:
                        soup_send(s, b"R")
                        last_r = time.time()
                s.close()
            results[name] = (got, cuts, hb, ended, session)

        a = threading.Thread(target=client, args=("a",))
        a.start()
        time.sleep(1.0)  # a idles on heartbeats; b's login starts the stream
        b = threading.Thread(target=client, args=("b",))
        b.start()
        a.join(90)
        b.join(90)
        err = finish(proc, "soupbin")
        for name in "ab":
            got, cuts, hb, ended, session = results.get(name, ([], 0, 0, False, b""))
            check(ended, f"SoupBinTCP {name}: no end of session")
            check(session == b"SOUP01", f"SoupBinTCP {name}: session {session!r}")
            check(got == recs, f"SoupBinTCP {name}: {len(got)} of {len(recs)} messages, equal {got == recs}")
            check(cuts == (len(recs) - 1) // 3000, f"SoupBinTCP {name}: {cuts} cuts")
        check(results.get("a", ([], 0, 0))[2] >= 3, f"SoupBinTCP: client a saw {results.get('a', (0, 0, 0))[2]} heartbeats")
        m = re.search(r"heartbeats \d+ sent, (\d+) received", err)
        check(m and int(m.group(1)) > 0, "SoupBinTCP: client heartbeats counted")
        print(f"soupbin: {len(recs)} messages to 2 clients, {results.get('a', ([], 0))[1]} cuts each")


def case_omdc_udp():
    """OMD-C over UDP with every 7th packet and the packets holding sequence
    numbers 100..104 dropped: the receiver gets every other packet byte for
    byte, in order, and sees the gaps by SeqNum."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d")
        gen(out, *SMALL_DAY, "--format", "omdc")
        data = open(os.path.join(out, "hk.omdc"), "rb").read()
        packets = [data[off: off + struct.unpack_from("<H", data, off)[0]] for off, *_ in omdc_packets(data)]
        rx = udp_receiver()
        proc = cast("--omdc", os.path.join(out, "hk.omdc"), "--udp", f"127.0.0.1:{rx.getsockname()[1]}",
                    "--drop-every", "7", "--gap", "100:5", "--speed", "20")
        got, quiet_since = [], None
        while True:
            try:
                got.append(rx.recv(65536))
                quiet_since = None
            except socket.timeout:
                if proc.poll() is not None:
                    quiet_since = quiet_since or time.time()
                    if time.time() - quiet_since > 0.5:
                        break
        finish(proc, "omdc_udp")

        def dropped(k, pkt):
            seq, n = struct.unpack_from("<I", pkt, 4)[0], pkt[2]
            return (k + 1) % 7 == 0 or any(100 <= s < 105 for s in range(seq, seq + n))
        want = [p for k, p in enumerate(packets) if not dropped(k, p)]
        check(len(got) == len(want), f"OMD-C UDP: {len(got)} packets, want {len(want)}")
        check(got == want, "OMD-C UDP: packet bytes")
        gaps, nxt = 0, None
        for p in got:
            seq, n = struct.unpack_from("<I", p, 4)[0], p[2]
            gaps += nxt is not None and seq != nxt
            nxt = seq + n
        check(gaps > 10, f"OMD-C UDP: {gaps} gaps by SeqNum")
        print(f"omdc_udp: {len(got)} of {len(packets)} packets, {gaps} gaps")


CASES = {"default": case_default, "itch": case_itch, "omdc": case_omdc, "mold": case_mold,
         "soupbin": case_soupbin, "omdc_udp": case_omdc_udp}

if __name__ == "__main__":
    if CASE not in CASES:
        sys.exit(f"unknown case {CASE}; one of {sorted(CASES)}")
    CASES[CASE]()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"{CASE}: ok")
