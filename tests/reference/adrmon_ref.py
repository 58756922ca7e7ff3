# Length: the whole contract (config, parser rejects, pricing, breach machine,
# calendars, gate, board) in one file on purpose, so it can be read beside
# docs/FORMATS.md and stays independent of the C++ layout.
# adrmon_ref.py - independent Python reference implementation of the adrmon
# alert contract (config TOML + JSON Lines ticks -> JSON Lines alerts).
# Written only from the contract text (docs/FORMATS.md and issue 9, "Market
# hours and market truth"), to cross-check the C++ implementation.
#
# Usage:
#   python3 adrmon_ref.py [replay] --config C.toml FILE...
#       one JSON object per alert on stdout, in emission order
#   python3 adrmon_ref.py board --config C.toml --at T FILE...
#       the indicative board at T (integer ns or an RFC 3339 instant): one
#       JSON line per pair in config order, then the index line
#
# ---------------------------------------------------------------------------
# READINGS: where the contract is silent, this file chose the simplest
# reading below. The C++ side must match them (or we argue and change both).
#
# Calendars
#  C1 Only US and HK venues have calendars ([calendar.US], [calendar.HK]); FX
#     has none and is never session-gated. A venue without a calendar is
#     always live, phase "open".
#  C2 `timezone`, `live` and `phases` are required in a calendar table;
#     `holidays`, `half_days` default to []; `half_day_phases` is required
#     only when `half_days` is non-empty. A half day uses half_day_phases
#     only (phases of the normal table do not apply on it).
#  C3 Interval "HH:MM-HH:MM": HH 00..23, MM 00..59, exactly two digits each;
#     half-open [start, end). end > start: that span of trading day D's local
#     date. end <= start (also equal: a 24 h span): from start on the local
#     calendar day before D to end on D (the wrap-midnight rule).
#  C4 Local wall-clock -> instant through the tz database (zoneinfo). A local
#     time that is ambiguous (DST fall-back) or non-existent (spring-forward)
#     is unspecified; no calendar or scenario here uses one (US boundaries
#     are 04:00/09:30/13:00/16:00/17:00/20:00, HK has no DST).
#  C5 `live` names must be phase names of `phases` or `half_day_phases`.
#     A phase name "closed" is not allowed.
#  C6 Phase at t: the phase whose interval (of any trading day) covers t,
#     else "closed". The reference asserts that intervals do not overlap.
#
# Status records
#  S1 Fields type, ts, venue, sym, trading (boolean) are required; checks as
#     for quotes except the price/size ones: wrong_type, then missing_field,
#     bad_venue, unknown_symbol, bad_timestamp, out_of_order. `trading` joins
#     FORMATS.md's known fields: every known field present is type-checked
#     whatever the record type (a quote with "trading":1 is wrong_type; a
#     status with "bid":"x" too). Extra fields (bid on a status) are ignored.
#  S2 One ordering watermark per instrument, shared by its quotes and status
#     records: an accepted status record advances it (a later quote with a
#     smaller ts is out_of_order), and a status record older than the last
#     accepted quote or status of that instrument is out_of_order.
#  S3 A status record does not make a leg "seen", does not change its age
#     and does not change adr_ts/hk_ts (these are the last accepted QUOTE
#     ts). Instruments start trading (not halted) until a status says false.
#  S4 A status record touches the pairs of its instrument exactly like a
#     quote of it would (sell_adr before buy_adr).
#
# Gate and breaches
#  G1 The gate is computed once per pair per evaluation (both sides share
#     it); "suspect" uses the premium and BOTH sides' edges at the ratio in
#     force at t.
#  G2 fx_max_age_ms follows the usual override chain: pair key, then
#     [defaults] key, else the pair's effective max_age_ms. max_premium_bps:
#     pair, [defaults], else 1500. Both rounded like max_age_ms (ns) / used
#     as a double.
#  G3 Gate closes (session, halted, stale, suspect) carry no edge_bps, like
#     stale closes today; mid_premium_bps is still computed.
#  G4 A number that is not finite in an alert or a board line is written as
#     null (the generated scenario never produces one in an alert).
#  G5 A ratio change does not by itself evaluate anything: it takes effect at
#     the next evaluation (a tick touching the pair) with t >= until.
#  G6 Opens carry "us_phase" and "hk_phase" ONLY when the config has at least
#     one calendar table (so "existing configs without calendars give
#     byte-identical alerts to today's"); closes never carry them.
#  G7 The alert writes "ratio" as the ratio in force at the alert's t, also
#     for a close whose open was under another ratio. size_ads uses it too.
#
# Board
#  B1 Replays every record with ts <= T of the merged stream (records with
#     ts > T are skipped, not a stop), then evaluates the gate at t = T.
#  B2 A leg is "seen" once a quote (fx tick) of it was accepted; its prices
#     and ts are null until then. adr_hkd is null unless ADR and FX were
#     seen; mid_premium_bps null unless all three were seen.
#  B3 Pairs with fungible = false are on the board with the same gate.
#  B4 Index: summed in config order from 0.0 over pairs with index_weight and
#     all three legs seen, whatever their gate; with none: 0, 0, 0.
#  B5 T as RFC 3339 may carry up to 9 fractional digits; "Z" or an offset is
#     required.
# ---------------------------------------------------------------------------

import argparse
import bisect
import datetime as dt
import json
import math
import re
import sys
import tomllib
from zoneinfo import ZoneInfo

DEFAULT_KEYS = ("enter_bps", "exit_bps", "max_age_ms", "min_persist_ms",
                "cost_bps", "conversion_fee_usd")
SIDES = ("sell_adr", "buy_adr")
INT64_MAX = 2**63 - 1
NS = 1_000_000_000
MIN_TS = 946684800000000000  # 2000-01-01T00:00:00Z: earlier ts is bad_timestamp (s/ms/us units)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
DEFAULT_MAX_PREMIUM_BPS = 1500.0


def norm_hk(code):
    """HK codes are compared with leading zeros stripped ("09988" == "9988").
    An all-zero code normalises to "0" (decision: never the empty string)."""
    stripped = code.lstrip("0")
    return stripped if stripped else ("0" if code else "")


def ms_to_ns(ms):
    """Milliseconds (int or float from TOML) -> integer nanoseconds, rounded
    to the nearest ns (decision: round, not truncate)."""
    return int(round(ms * 1_000_000))


def datetime_to_ns(value):
    """An aware datetime (TOML offset date-time) -> integer ns since epoch."""
    assert isinstance(value, dt.datetime) and value.tzinfo is not None, \
        f"not an offset date-time: {value!r}"
    d = value - EPOCH
    return (d.days * 86400 + d.seconds) * NS + d.microseconds * 1000


def fdiv(a, b):
    """IEEE division (Python raises on /0; C++ gives inf or nan)."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


# ---------------------------------------------------------------- calendars

INTERVAL_RE = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$")


def parse_interval(text):
    m = INTERVAL_RE.match(text)
    assert m, f"malformed interval {text!r}"
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    assert h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60, f"bad interval {text!r}"
    return (h1 * 60 + m1, h2 * 60 + m2)


def parse_phase_table(tbl):
    phases = {}
    for name, ivs in tbl.items():
        assert name != "closed", "phase name 'closed' is reserved"
        assert isinstance(ivs, list), f"phase {name}: not a list"
        phases[name] = [parse_interval(s) for s in ivs]
    return phases


class Calendar:
    """One venue's calendar: the phase at an instant."""

    def __init__(self, venue, tbl):
        self.venue = venue
        self.tz = ZoneInfo(tbl["timezone"])
        self.live = set(tbl["live"])
        self.holidays = set(tbl.get("holidays", []))
        self.half_days = set(tbl.get("half_days", []))
        for d in self.holidays | self.half_days:
            assert isinstance(d, dt.date) and not isinstance(d, dt.datetime), \
                f"calendar.{venue}: not a local date: {d!r}"
        assert not (self.holidays & self.half_days), \
            f"calendar.{venue}: a date in both lists"
        self.phases = parse_phase_table(tbl["phases"])
        self.half_phases = parse_phase_table(tbl.get("half_day_phases", {}))
        if self.half_days:
            assert "half_day_phases" in tbl, f"calendar.{venue}: half_days without half_day_phases"
        names = set(self.phases) | set(self.half_phases)
        for n in self.live:
            assert n in names, f"calendar.{venue}: live name {n!r} is no phase"
        self._days = {}

    def local_instant(self, day, minutes):
        local = dt.datetime(day.year, day.month, day.day, minutes // 60,
                            minutes % 60, tzinfo=self.tz)
        return datetime_to_ns(local)

    def day_intervals(self, day):
        """Sorted [(start_ns, end_ns, phase)] of trading day `day` (empty when
        it is no trading day)."""
        got = self._days.get(day)
        if got is not None:
            return got
        out = []
        if day.weekday() < 5 and day not in self.holidays:
            table = self.half_phases if day in self.half_days else self.phases
            for name, ivs in table.items():
                for s, e in ivs:
                    if e > s:
                        start = self.local_instant(day, s)
                    else:
                        start = self.local_instant(day - dt.timedelta(days=1), s)
                    out.append((start, self.local_instant(day, e), name))
            out.sort()
            for a, b in zip(out, out[1:]):
                assert a[1] <= b[0], f"calendar.{self.venue}: overlapping intervals on {day}"
        self._days[day] = out
        return out

    def local_date(self, t):
        sec = t // NS
        return dt.datetime.fromtimestamp(sec, tz=self.tz).date()

    def phase_at(self, t):
        day = self.local_date(t)
        found = []
        for d in (day, day + dt.timedelta(days=1)):
            for s, e, name in self.day_intervals(d):
                if s <= t < e:
                    found.append(name)
        assert len(found) <= 1, f"calendar.{self.venue}: intervals of two days overlap at {t}"
        return found[0] if found else "closed"

    def is_live(self, phase):
        return phase in self.live


# ---------------------------------------------------------------- config

class Pair:
    def __init__(self, index, p, defaults):
        def get(key, fallback=None):
            if key in p:
                return p[key]
            if key in defaults:
                return defaults[key]
            return fallback

        self.index = index
        self.adr = p["adr"]
        self.hk = norm_hk(p["hk"])        # normalised HK code
        self.name = f"{self.adr}/{self.hk}"
        self.ratio = float(p["ratio"])
        assert self.ratio > 0
        self.fungible = p.get("fungible", True)
        for key in DEFAULT_KEYS:
            assert get(key) is not None, f"pair {self.name}: no {key}"
        self.max_age_ns = ms_to_ns(get("max_age_ms"))
        fx_age = get("fx_max_age_ms")
        self.fx_max_age_ns = self.max_age_ns if fx_age is None else ms_to_ns(fx_age)
        self.min_persist_ns = ms_to_ns(get("min_persist_ms"))
        self.cost_bps = float(get("cost_bps"))
        self.conversion_fee_usd = float(get("conversion_fee_usd"))
        self.max_premium_bps = float(get("max_premium_bps", DEFAULT_MAX_PREMIUM_BPS))
        # side thresholds, most specific first (FORMATS.md)
        self.enter = {}
        self.exit = {}
        for side in SIDES:
            for kind, store in (("enter", self.enter), ("exit", self.exit)):
                sk, gk = f"{side}_{kind}_bps", f"{kind}_bps"
                for tbl, key in ((p, sk), (p, gk), (defaults, sk), (defaults, gk)):
                    if key in tbl:
                        store[side] = float(tbl[key])
                        break
            assert self.exit[side] <= self.enter[side]
        # ratio history: [(until_ns, ratio)], strictly increasing
        self.history = []
        for h in p.get("ratio_history", []):
            self.history.append((datetime_to_ns(h["until"]), float(h["ratio"])))
            assert self.history[-1][1] > 0
        for a, b in zip(self.history, self.history[1:]):
            assert a[0] < b[0], f"pair {self.name}: ratio_history not increasing"
        self.untils = [u for u, _ in self.history]
        w = p.get("index_weight")
        assert w is None or 0 < w <= 1
        self.index_weight = None if w is None else float(w)

    def ratio_at(self, t):
        """The ratio of the first history entry with t < until, else ratio."""
        i = bisect.bisect_right(self.untils, t)
        return self.history[i][1] if i < len(self.history) else self.ratio


class Config:
    def __init__(self, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        fx = doc["fx"]
        self.fx_pair = fx["pair"]
        self.fx_min = float(fx["min"])
        self.fx_max = float(fx["max"])
        defaults = doc.get("defaults", {})
        self.pairs = [Pair(i, p, defaults) for i, p in enumerate(doc.get("pair", []))]
        cals = doc.get("calendar", {})
        for venue in cals:
            assert venue in ("US", "HK"), f"calendar.{venue}: no such venue"
        self.calendars = {v: Calendar(v, cals[v]) for v in ("US", "HK") if v in cals}
        self.has_calendar = bool(self.calendars)
        self.index_name = doc.get("index", {}).get("name", "HSI")
        # instrument -> indices of pairs it touches, in config order
        self.pairs_by_adr = {}
        self.pairs_by_hk = {}
        for p in self.pairs:
            self.pairs_by_adr.setdefault(p.adr, []).append(p.index)
            self.pairs_by_hk.setdefault(p.hk, []).append(p.index)
        # [aliases.US|HK|FX] vendor symbol -> configured one (HK codes without zeros)
        al = doc.get("aliases", {})
        self.aliases = {"US": dict(al.get("US", {})), "FX": dict(al.get("FX", {})),
                        "HK": {norm_hk(k): norm_hk(v) for k, v in al.get("HK", {}).items()}}

    def phase(self, venue, t):
        cal = self.calendars.get(venue)
        return "open" if cal is None else cal.phase_at(t)

    def live(self, venue, phase):
        cal = self.calendars.get(venue)
        return True if cal is None else cal.is_live(phase)


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
STATUS_FIELDS = ("type", "ts", "venue", "sym", "trading")
KNOWN_FIELD_TYPES = {
    "type": lambda v: isinstance(v, str), "venue": lambda v: isinstance(v, str),
    "sym": lambda v: isinstance(v, str), "pair": lambda v: isinstance(v, str),
    "ts": is_int, "bid": is_num, "ask": is_num, "bid_size": is_num, "ask_size": is_num,
    "seq": lambda v: is_int(v) and v >= 0, "trading": lambda v: isinstance(v, bool)}


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
    # wrong_type comes before missing_field and unknown_type, for every known
    # field present, whatever the record type (FORMATS.md row 4; S1)
    for k, ok in KNOWN_FIELD_TYPES.items():
        if k in obj and not ok(obj[k]):
            return None
    typ = obj.get("type")
    if not isinstance(typ, str):
        return None
    if typ == "quote":
        fields = QUOTE_FIELDS
    elif typ == "fx":
        fields = FX_FIELDS
    elif typ == "status":
        fields = STATUS_FIELDS
    else:
        return None
    for k in fields:
        if k not in obj:
            return None
    if not is_int(obj["ts"]) or obj["ts"] > INT64_MAX or obj["ts"] < -INT64_MAX - 1:
        return None
    if "seq" in obj and (not is_int(obj["seq"]) or obj["seq"] < 0):
        return None
    if typ == "status":
        if not isinstance(obj["venue"], str) or not isinstance(obj["sym"], str):
            return None
        return {"type": "status", "ts": obj["ts"], "venue": obj["venue"],
                "sym": obj["sym"], "trading": obj["trading"]}
    if not is_num(obj["bid"]) or not is_num(obj["ask"]):
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


def equity_inst(tick, cfg):
    if tick["venue"] == "US":
        sym = cfg.aliases["US"].get(tick["sym"], tick["sym"])
        return ("US", sym) if sym in cfg.pairs_by_adr else None
    if tick["venue"] == "HK":
        code = norm_hk(tick["sym"])
        code = cfg.aliases["HK"].get(code, code)
        return ("HK", code) if code in cfg.pairs_by_hk else None
    return None


def check_record(tick, cfg):
    """Value stage (config-dependent, state-free): returns the tick with an
    "inst" key (instrument id used for the ordering rule) or None."""
    if tick["type"] == "status":
        if tick["venue"] not in ("US", "HK"):
            return None
        inst = equity_inst(tick, cfg)
        if inst is None or tick["ts"] < MIN_TS:
            return None
        tick = dict(tick)
        tick["inst"] = inst
        return tick
    if tick["ts"] < MIN_TS:
        return None
    bid, ask = tick["bid"], tick["ask"]
    if not math.isfinite(bid) or not math.isfinite(ask) or bid <= 0 or ask <= 0:
        return None
    if bid > ask:
        return None
    if tick["type"] == "quote":
        if tick["bid_size"] < 0 or tick["ask_size"] < 0:
            return None
        inst = equity_inst(tick, cfg)
        if inst is None:
            return None
    else:
        if cfg.aliases["FX"].get(tick["pair"], tick["pair"]) != cfg.fx_pair:
            return None
        if bid < cfg.fx_min or bid > cfg.fx_max or ask < cfg.fx_min or ask > cfg.fx_max:
            return None
        inst = ("FX", cfg.fx_pair)
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


def finite_or_none(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


class Engine:
    def __init__(self, cfg, out):
        self.cfg = cfg
        self.out = out
        self.watermark = {}    # inst -> last accepted ts (quotes and status, S2)
        self.quote_ts = {}     # inst -> last accepted quote / fx ts (S3)
        self.quotes = {}       # inst -> (bid, ask, bid_size, ask_size)
        self.halted = {}       # inst -> True when its last status said trading=false
        self.state = {(p.index, s): SideState() for p in cfg.pairs for s in SIDES}
        self.suspect_evals = {p.index: 0 for p in cfg.pairs}

    def on_tick(self, tick):
        inst = tick["inst"]
        t = tick["ts"]
        if inst in self.watermark and t < self.watermark[inst]:
            return  # out of order for this instrument: rejected
        self.watermark[inst] = t
        if tick["type"] == "status":
            self.halted[inst] = not tick["trading"]
        else:
            self.quote_ts[inst] = t
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
            reason = self.gate(pair, t)
            for side in SIDES:
                self.evaluate(pair, side, t, reason)

    def legs(self, pair):
        return (("US", pair.adr), ("HK", pair.hk), ("FX", self.cfg.fx_pair))

    def gate(self, pair, t):
        """None when the gate holds, else the first failing check's name."""
        cfg = self.cfg
        for venue in ("US", "HK"):
            if not cfg.live(venue, cfg.phase(venue, t)):
                return "session"
        adr, hk, fx = self.legs(pair)
        if self.halted.get(adr) or self.halted.get(hk):
            return "halted"
        for inst, age in ((adr, pair.max_age_ns), (hk, pair.max_age_ns),
                          (fx, pair.fx_max_age_ns)):
            if inst not in self.quote_ts or self.quote_ts[inst] < t - age:
                return "stale"
        prem = self.mid_premium(pair, t)
        if (not math.isfinite(prem) or abs(prem) > pair.max_premium_bps
                or not all(math.isfinite(self.edge(pair, s, t)) for s in SIDES)):
            self.suspect_evals[pair.index] += 1
            return "suspect"
        return None

    def prices(self, pair):
        a_bid, a_ask, a_bsz, a_asz = self.quotes[("US", pair.adr)]
        h_bid, h_ask, h_bsz, h_asz = self.quotes[("HK", pair.hk)]
        f_bid, f_ask, _, _ = self.quotes[("FX", self.cfg.fx_pair)]
        return (a_bid, a_ask, a_bsz, a_asz, h_bid, h_ask, h_bsz, h_asz, f_bid, f_ask)

    def edge(self, pair, side, t):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        ratio = pair.ratio_at(t)
        if side == "sell_adr":
            adr_bid_hkd = fdiv(a_bid * f_bid, ratio)
            return ((fdiv(adr_bid_hkd, h_ask) - 1) * 1e4 - pair.cost_bps
                    - fdiv(pair.conversion_fee_usd, a_bid) * 1e4)
        adr_ask_hkd = fdiv(a_ask * f_ask, ratio)
        return ((fdiv(h_bid, adr_ask_hkd) - 1) * 1e4 - pair.cost_bps
                - fdiv(pair.conversion_fee_usd, a_ask) * 1e4)

    def mid_premium(self, pair, t):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        adr_mid = (a_bid + a_ask) / 2
        hk_mid = (h_bid + h_ask) / 2
        fx_mid = (f_bid + f_ask) / 2
        return (fdiv(fdiv(adr_mid * fx_mid, pair.ratio_at(t)), hk_mid) - 1) * 1e4

    def evaluate(self, pair, side, t, reason):
        st = self.state[(pair.index, side)]
        if reason is not None:
            st.since = None
            if st.is_open:
                self.close(pair, side, t, st, reason, None)
            return
        e = self.edge(pair, side, t)
        if st.is_open:
            if e < pair.exit[side]:
                self.close(pair, side, t, st, "reverted", e)
            else:
                st.peak = max(st.peak, e)
            return
        if e >= pair.enter[side]:
            if st.since is None:
                st.since = t
            if t - st.since >= pair.min_persist_ns:
                self.open(pair, side, t, st, e)
        else:
            st.since = None

    def base_alert(self, pair, side, t, kind):
        a_bid, a_ask, _, _, h_bid, h_ask, _, _, f_bid, f_ask = self.prices(pair)
        return {"ts": t, "pair": pair.name, "side": side, "kind": kind}, {
            "mid_premium_bps": self.mid_premium(pair, t),
            "adr_bid": a_bid, "adr_ask": a_ask, "hk_bid": h_bid, "hk_ask": h_ask,
            "fx_bid": f_bid, "fx_ask": f_ask, "ratio": pair.ratio_at(t)}

    def leg_ts(self, pair):
        adr, hk, fx = self.legs(pair)
        return {"adr_ts": self.quote_ts[adr], "hk_ts": self.quote_ts[hk],
                "fx_ts": self.quote_ts[fx]}

    def open(self, pair, side, t, st, e):
        st.is_open = True
        st.since = None
        st.open_ts = t
        st.peak = e
        ratio = pair.ratio_at(t)
        a_bid, a_ask, a_bsz, a_asz, _, _, h_bsz, h_asz, _, _ = self.prices(pair)
        if side == "sell_adr":
            size = min(a_bsz, h_asz / ratio)
            notional = size * a_bid
        else:
            size = min(a_asz, h_bsz / ratio)
            notional = size * a_ask
        head, body = self.base_alert(pair, side, t, "open")
        alert = dict(head)
        alert["edge_bps"] = e
        alert.update(body)
        alert["size_ads"] = float(size)
        alert["notional_usd"] = float(notional)
        alert.update(self.leg_ts(pair))
        if self.cfg.has_calendar:
            alert["us_phase"] = self.cfg.phase("US", t)
            alert["hk_phase"] = self.cfg.phase("HK", t)
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
        alert.update(self.leg_ts(pair))
        st.is_open = False
        st.since = None
        st.open_ts = None
        st.peak = None
        self.emit(alert)

    def emit(self, alert):
        alert = {k: finite_or_none(v) for k, v in alert.items()}
        self.out.write(json.dumps(alert, separators=(",", ":")) + "\n")

    # ------------------------------------------------------------ board

    def board_lines(self, T):
        cfg = self.cfg
        lines = []
        implied, covered, count = 0.0, 0.0, 0
        us_phase, hk_phase = cfg.phase("US", T), cfg.phase("HK", T)
        for pair in cfg.pairs:
            adr, hk, fx = self.legs(pair)
            seen = {inst: inst in self.quote_ts for inst in (adr, hk, fx)}
            why = self.gate(pair, T)
            ratio = pair.ratio_at(T)
            line = {"pair": pair.name, "at": T, "live": why is None, "why": why,
                    "us_phase": us_phase, "hk_phase": hk_phase, "ratio": ratio}
            for inst, pre in ((adr, "adr"), (hk, "hk"), (fx, "fx")):
                q = self.quotes.get(inst) if seen[inst] else None
                line[f"{pre}_bid"] = q[0] if q else None
                line[f"{pre}_ask"] = q[1] if q else None
            for inst, pre in ((adr, "adr"), (hk, "hk"), (fx, "fx")):
                line[f"{pre}_ts"] = self.quote_ts[inst] if seen[inst] else None
            adr_hkd = None
            if seen[adr] and seen[fx]:
                a_bid, a_ask = self.quotes[adr][:2]
                f_bid, f_ask = self.quotes[fx][:2]
                adr_hkd = fdiv((a_bid + a_ask) / 2 * ((f_bid + f_ask) / 2), ratio)
            line["adr_hkd"] = adr_hkd
            prem = None
            if all(seen.values()):
                prem = self.mid_premium(pair, T)
                if pair.index_weight is not None:
                    implied += pair.index_weight * prem
                    covered += pair.index_weight
                    count += 1
            line["mid_premium_bps"] = prem
            lines.append(line)
        lines.append({"index": cfg.index_name, "at": T, "implied_move_bps": implied,
                      "weight_covered": covered, "pairs": count})
        return [json.dumps({k: finite_or_none(v) for k, v in l.items()},
                           separators=(",", ":")) for l in lines]


RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|z|[+-]\d{2}:\d{2})$")


def parse_instant(text):
    """Integer ns, or an RFC 3339 instant (B5) -> integer ns since epoch."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    m = RFC3339_RE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not an instant: {text!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    off = m.group(8)
    if off in ("Z", "z"):
        tz = dt.timezone.utc
    else:
        sign = -1 if off[0] == "-" else 1
        tz = dt.timezone(sign * dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6])))
    base = datetime_to_ns(dt.datetime(y, mo, d, h, mi, s, tzinfo=tz))
    return base + int(frac)


def run_replay(cfg, files, merge_on, out):
    engine = Engine(cfg, out)
    for tick in merged(files, cfg, merge_on):
        engine.on_tick(tick)
    return engine


def run_board(cfg, files, T, merge_on):
    class Null:
        def write(self, _):
            pass
    engine = Engine(cfg, Null())
    for tick in merged(files, cfg, merge_on):
        if tick["ts"] <= T:
            engine.on_tick(tick)
    return engine.board_lines(T)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    mode = "replay"
    if argv and argv[0] in ("replay", "board"):
        mode = argv.pop(0)
    ap = argparse.ArgumentParser(description="adrmon reference implementation")
    ap.add_argument("--config", required=True, help="TOML config file")
    ap.add_argument("--merge-on", choices=("valid", "parsed"), default="valid",
                    help="which lines take part in the k-way merge: 'valid' "
                         "(default; every check except ordering passed) or "
                         "'parsed' (only JSON/field/type checks passed)")
    if mode == "board":
        ap.add_argument("--at", required=True, type=parse_instant,
                        help="instant T: integer ns or RFC 3339")
    ap.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)
    cfg = Config(args.config)
    if mode == "board":
        for line in run_board(cfg, args.files, args.at, args.merge_on):
            sys.stdout.write(line + "\n")
        return 0
    run_replay(cfg, args.files, args.merge_on, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
