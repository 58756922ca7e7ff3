# adrmon_ref.py - independent Python reference implementation of the adrmon
# alert contract (config TOML + JSON Lines ticks -> JSON Lines alerts).
# Written only from the contract text, to cross-check the C++ implementation.
#
# Usage: python3 adrmon_ref.py --config C.toml FILE...
# Writes one JSON object per alert to stdout, in emission order.

import argparse
import json
import math
import sys
import tomllib

DEFAULT_KEYS = ("enter_bps", "exit_bps", "max_age_ms", "min_persist_ms",
                "cost_bps", "conversion_fee_usd")
SIDES = ("sell_adr", "buy_adr")
INT64_MAX = 2**63 - 1


def norm_hk(code):
    """HK codes are compared with leading zeros stripped ("09988" == "9988").
    An all-zero code normalises to "0" (decision: never the empty string)."""
    stripped = code.lstrip("0")
    return stripped if stripped else ("0" if code else "")


def ms_to_ns(ms):
    """Milliseconds (int or float from TOML) -> integer nanoseconds, rounded
    to the nearest ns (decision: round, not truncate)."""
    return int(round(ms * 1_000_000))


# ---------------------------------------------------------------- config

class Pair:
    def __init__(self, index, adr, hk, ratio, fungible, params):
        self.index = index
        self.adr = adr
        self.hk = hk                      # normalised HK code
        self.name = f"{adr}/{hk}"
        self.ratio = float(ratio)
        self.fungible = fungible
        self.enter_bps = float(params["enter_bps"])
        self.exit_bps = float(params["exit_bps"])
        self.max_age_ns = ms_to_ns(params["max_age_ms"])
        self.min_persist_ns = ms_to_ns(params["min_persist_ms"])
        self.cost_bps = float(params["cost_bps"])
        self.conversion_fee_usd = float(params["conversion_fee_usd"])


class Config:
    def __init__(self, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        fx = doc["fx"]
        self.fx_pair = fx["pair"]
        self.fx_min = float(fx["min"])
        self.fx_max = float(fx["max"])
        defaults = doc.get("defaults", {})
        self.pairs = []
        for i, p in enumerate(doc.get("pair", [])):
            params = {}
            for key in DEFAULT_KEYS:
                params[key] = p[key] if key in p else defaults[key]
            self.pairs.append(Pair(i, p["adr"], norm_hk(p["hk"]), p["ratio"],
                                   p.get("fungible", True), params))
        # instrument -> indices of pairs it touches, in config order
        self.pairs_by_adr = {}
        self.pairs_by_hk = {}
        for p in self.pairs:
            self.pairs_by_adr.setdefault(p.adr, []).append(p.index)
            self.pairs_by_hk.setdefault(p.hk, []).append(p.index)


# ---------------------------------------------------------------- tick parsing

def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, int) or isinstance(v, float)) and not isinstance(v, bool)


def to_double(v):
    """JSON number -> float. An integer too large for a double becomes +-inf,
    the same as a too-large decimal literal such as 1e999 does."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


QUOTE_FIELDS = ("type", "ts", "venue", "sym", "bid", "ask", "bid_size", "ask_size")
FX_FIELDS = ("type", "ts", "pair", "bid", "ask")


def parse_record(raw):
    """Structural stage: raw line bytes -> dict tick, or None if the line is
    not one JSON object, lacks a required field, has a wrong type, or has an
    unknown "type". Does not look at the config or at any state."""
    try:
        text = raw.decode("utf-8")
        obj = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    typ = obj.get("type")
    if not isinstance(typ, str):
        return None
    if typ == "quote":
        fields = QUOTE_FIELDS
    elif typ == "fx":
        fields = FX_FIELDS
    else:
        return None
    for k in fields:
        if k not in obj:
            return None
    if not is_int(obj["ts"]) or obj["ts"] > INT64_MAX or obj["ts"] < -INT64_MAX - 1:
        return None
    if not is_num(obj["bid"]) or not is_num(obj["ask"]):
        return None
    if "seq" in obj and (not is_int(obj["seq"]) or obj["seq"] < 0):
        return None
    if typ == "quote":
        if not isinstance(obj["venue"], str) or not isinstance(obj["sym"], str):
            return None
        if not is_num(obj["bid_size"]) or not is_num(obj["ask_size"]):
            return None
        # numbers are held as doubles from here on, like the C++ side
        return {"type": "quote", "ts": obj["ts"], "venue": obj["venue"],
                "sym": obj["sym"], "bid": to_double(obj["bid"]),
                "ask": to_double(obj["ask"]),
                "bid_size": to_double(obj["bid_size"]),
                "ask_size": to_double(obj["ask_size"])}
    if not isinstance(obj["pair"], str):
        return None
    return {"type": "fx", "ts": obj["ts"], "pair": obj["pair"],
            "bid": to_double(obj["bid"]), "ask": to_double(obj["ask"])}


def check_record(tick, cfg):
    """Value stage (config-dependent, state-free): returns the tick with an
    "inst" key (instrument id used for the ordering rule) or None."""
    if tick["ts"] <= 0:
        return None
    bid, ask = tick["bid"], tick["ask"]
    if not math.isfinite(bid) or not math.isfinite(ask) or bid <= 0 or ask <= 0:
        return None
    if bid > ask:
        return None
    if tick["type"] == "quote":
        if tick["bid_size"] < 0 or tick["ask_size"] < 0:
            return None
        if tick["venue"] == "US":
            if tick["sym"] not in cfg.pairs_by_adr:
                return None
            inst = ("US", tick["sym"])
        elif tick["venue"] == "HK":
            code = norm_hk(tick["sym"])
            if code not in cfg.pairs_by_hk:
                return None
            inst = ("HK", code)
        else:
            return None
    else:
        if tick["pair"] != cfg.fx_pair:
            return None
        if bid < cfg.fx_min or bid > cfg.fx_max or ask < cfg.fx_min or ask > cfg.fx_max:
            return None
        inst = ("FX", tick["pair"])
    tick = dict(tick)
    tick["inst"] = inst
    return tick


def file_candidates(path, cfg, merge_on):
    """Yields, in file order, the lines of one file that take part in the
    merge. merge_on="valid": lines passing every check except the ordering
    rule; merge_on="parsed": lines passing only the structural checks (the
    value checks are then applied after the merge)."""
    with open(path, "rb") as f:
        data = f.read()
    for raw in data.split(b"\n"):
        if raw.strip() == b"":
            continue
        tick = parse_record(raw)
        if tick is None:
            continue
        if merge_on == "valid":
            tick = check_record(tick, cfg)
            if tick is None:
                continue
        yield tick


def merged(paths, cfg, merge_on):
    """k-way merge of the files' candidate lines: at each step take, among
    the current head of each file, the one with the smallest ts, ties to the
    lowest file index."""
    iters = [file_candidates(p, cfg, merge_on) for p in paths]
    heads = [next(it, None) for it in iters]
    while True:
        best = None
        for i, h in enumerate(heads):
            if h is None:
                continue
            if best is None or h["ts"] < heads[best]["ts"]:
                best = i
        if best is None:
            return
        tick = heads[best]
        heads[best] = next(iters[best], None)
        if merge_on == "parsed":
            tick = check_record(tick, cfg)
            if tick is None:
                continue
        yield tick


# ---------------------------------------------------------------- engine

class SideState:
    def __init__(self):
        self.is_open = False
        self.since = None      # ts of first evaluation of current qualifying run
        self.open_ts = None
        self.peak = None


class Engine:
    def __init__(self, cfg, out):
        self.cfg = cfg
        self.out = out
        self.last_ts = {}      # inst -> last accepted ts
        self.quotes = {}       # inst -> (bid, ask, bid_size, ask_size)
        self.state = {(p.index, s): SideState() for p in cfg.pairs for s in SIDES}

    def on_tick(self, tick):
        inst = tick["inst"]
        t = tick["ts"]
        if inst in self.last_ts and t < self.last_ts[inst]:
            return  # out of order for this instrument: rejected
        self.last_ts[inst] = t
        if tick["type"] == "quote":
            self.quotes[inst] = (tick["bid"], tick["ask"],
                                 tick["bid_size"], tick["ask_size"])
        else:
            self.quotes[inst] = (tick["bid"], tick["ask"], None, None)
        kind, sym = inst
        if kind == "US":
            touched = self.cfg.pairs_by_adr[sym]
        elif kind == "HK":
            touched = self.cfg.pairs_by_hk[sym]
        else:
            touched = range(len(self.cfg.pairs))
        for idx in touched:
            pair = self.cfg.pairs[idx]
            if not pair.fungible:
                continue
            for side in SIDES:
                self.evaluate(pair, side, t)

    def legs(self, pair):
        return (("US", pair.adr), ("HK", pair.hk), ("FX", self.cfg.fx_pair))

    def gate(self, pair, t):
        for inst in self.legs(pair):
            if inst not in self.last_ts:
                return False
            if self.last_ts[inst] < t - pair.max_age_ns:
                return False
        return True

    def prices(self, pair):
        a_bid, a_ask, a_bsz, a_asz = self.quotes[("US", pair.adr)]
        h_bid, h_ask, h_bsz, h_asz = self.quotes[("HK", pair.hk)]
        f_bid, f_ask, _, _ = self.quotes[("FX", self.cfg.fx_pair)]
        return (a_bid, a_ask, a_bsz, a_asz, h_bid, h_ask, h_bsz, h_asz, f_bid, f_ask)

    def edge(self, pair, side):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        ratio = pair.ratio
        if side == "sell_adr":
            adr_bid_hkd = a_bid * f_bid / ratio
            return ((adr_bid_hkd / h_ask - 1) * 1e4 - pair.cost_bps
                    - pair.conversion_fee_usd / a_bid * 1e4)
        adr_ask_hkd = a_ask * f_ask / ratio
        return ((h_bid / adr_ask_hkd - 1) * 1e4 - pair.cost_bps
                - pair.conversion_fee_usd / a_ask * 1e4)

    def mid_premium(self, pair):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        adr_mid = (a_bid + a_ask) / 2
        hk_mid = (h_bid + h_ask) / 2
        fx_mid = (f_bid + f_ask) / 2
        return (adr_mid * fx_mid / pair.ratio / hk_mid - 1) * 1e4

    def evaluate(self, pair, side, t):
        st = self.state[(pair.index, side)]
        if not self.gate(pair, t):
            st.since = None
            if st.is_open:
                self.close(pair, side, t, st, "stale", None)
            return
        e = self.edge(pair, side)
        if st.is_open:
            if e < pair.exit_bps:
                self.close(pair, side, t, st, "reverted", e)
            else:
                st.peak = max(st.peak, e)
            return
        if e >= pair.enter_bps:
            if st.since is None:
                st.since = t
            if t - st.since >= pair.min_persist_ns:
                self.open(pair, side, t, st, e)
        else:
            st.since = None

    def base_alert(self, pair, side, t, kind):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        return {"ts": t, "pair": pair.name, "side": side, "kind": kind}, {
            "mid_premium_bps": self.mid_premium(pair),
            "adr_bid": a_bid, "adr_ask": a_ask, "hk_bid": h_bid, "hk_ask": h_ask,
            "fx_bid": f_bid, "fx_ask": f_ask, "ratio": pair.ratio}

    def open(self, pair, side, t, st, e):
        st.is_open = True
        st.since = None
        st.open_ts = t
        st.peak = e
        a_bid, a_ask, a_bsz, a_asz, _, _, h_bsz, h_asz, _, _ = self.prices(pair)
        if side == "sell_adr":
            size = min(a_bsz, h_asz / pair.ratio)
            notional = size * a_bid
        else:
            size = min(a_asz, h_bsz / pair.ratio)
            notional = size * a_ask
        head, body = self.base_alert(pair, side, t, "open")
        alert = dict(head)
        alert["edge_bps"] = e
        alert.update(body)
        alert["size_ads"] = float(size)
        alert["notional_usd"] = float(notional)
        self.emit(alert)

    def close(self, pair, side, t, st, reason, e):
        head, body = self.base_alert(pair, side, t, "close")
        alert = dict(head)
        alert["reason"] = reason
        if e is not None:
            alert["edge_bps"] = e
        alert.update(body)
        alert["open_ts"] = st.open_ts
        alert["peak_edge_bps"] = st.peak
        st.is_open = False
        st.since = None
        st.open_ts = None
        st.peak = None
        self.emit(alert)

    def emit(self, alert):
        self.out.write(json.dumps(alert, separators=(",", ":")) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="adrmon reference implementation")
    ap.add_argument("--config", required=True, help="TOML config file")
    ap.add_argument("--merge-on", choices=("valid", "parsed"), default="valid",
                    help="which lines take part in the k-way merge: 'valid' "
                         "(default; every check except ordering passed) or "
                         "'parsed' (only JSON/field/type checks passed)")
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)
    cfg = Config(args.config)
    engine = Engine(cfg, sys.stdout)
    for tick in merged(args.files, cfg, args.merge_on):
        engine.on_tick(tick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
