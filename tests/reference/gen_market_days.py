# Length: the scenario is a plan (dates, events, expected alerts per event)
# plus the ticks that realise it; keeping both in one file is what makes the
# expectations checkable by eye.
# gen_market_days.py - a deterministic multi-day scenario for issue 9 (market
# hours and market truth), for BOTH implementations to run, plus the checks
# that the reference's alerts and boards do what the scenario intends.
#
#   python3 gen_market_days.py --out DIR [--seed 1]
#       writes DIR/config.toml, DIR/us.jsonl, DIR/hk.jsonl, DIR/fx.jsonl
#       (docs/FORMATS.md tick records plus issue 9 status records, each file
#       in ts order) and DIR/plan.json (the planned events and board
#       instants with what must happen). Replay order: us hk fx.
#   python3 gen_market_days.py check --dir DIR --alerts ALERTS.jsonl
#       every planned event produced exactly its alerts (kind, side, reason,
#       ratio), no alert outside a planned event, every open in live phases,
#       and the totals pinned in EXPECTED_TOTALS.
#   python3 gen_market_days.py check-board --dir DIR --index I --board B.jsonl
#       the board at plan instant I has the expected live/why/phases/ratio.
#   python3 gen_market_days.py check-control --dir DIR --alerts ALERTS.jsonl
#       the control run (DIR/control.toml: the same config without its
#       calendar tables): every planned event, also each "none" one, opens
#       (so the session gate alone stops the "none" ones), CONTROL_TOTALS.
#
# The scenario (times local: HKT = Asia/Hong_Kong, ET = America/New_York):
#  segment A  Thu 2026-10-29 20:00 EDT .. Mon 2026-11-02 20:00 EST
#             (US DST ends Sun 1 Nov: the Sunday-evening overnight session
#             at 20:00 EST belongs to Monday 2 Nov)
#  segment B  Mon 2026-11-23 20:00 EST .. Fri 2026-11-27 20:00 EST
#             (halt and resumption of HK 9618; NTES ratio 25 -> 5 at
#             2026-11-25 10:30 HKT; Thanksgiving Thu 26 Nov, no US phase all
#             HK day; US half day Fri 27 Nov)
#  segment C  Tue 2026-12-22 20:00 EST .. Thu 2026-12-24 20:00 EST
#             (FX gaps of 10 and 20 min; a 5e-324 ADR bid; a 1/10 HK price;
#             HK half day Thu 24 Dec, US half day the same day)
# Dislocations (the ADR mid shifted by N bp for a window) are listed in
# EVENTS with the alerts each must produce; "none" events lie outside live
# windows with both legs quoting every <= 60 s, so only the session gate
# stops them.

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adrmon_ref  # noqa: E402  (calendars for quote cadence; Config for ratios)
from config_text import FX_TABLE  # noqa: E402

NY = ZoneInfo("America/New_York")
HKT = ZoneInfo("Asia/Hong_Kong")
NS = 1_000_000_000
MS = 1_000_000
MIN = 60 * NS

# ------------------------------------------------------------------ config

CONFIG = """# issue 9 market-days scenario (tests/reference/gen_market_days.py); generated, do not edit
""" + FX_TABLE + """
[defaults]
enter_bps = 50
exit_bps = 20
max_age_ms = 300000        # equity legs: 5 min
fx_max_age_ms = 900000     # FX: 15 min
min_persist_ms = 30000
cost_bps = 12
conversion_fee_usd = 0.05
max_premium_bps = 1500

[index]
name = "HSI"

# NYSE Group calendar 2026-2027 (../shared/MARKETS.md 2.4); overnight =
# Blue Ocean ATS 20:00-04:00 ET, which follows the NYSE holidays.
[calendar.US]
timezone = "America/New_York"
live = ["regular", "overnight"]
holidays = [2026-01-01, 2026-01-19, 2026-02-16, 2026-04-03, 2026-05-25, 2026-06-19,
            2026-07-03, 2026-09-07, 2026-11-26, 2026-12-25,
            2027-01-01, 2027-01-18, 2027-02-15, 2027-03-26, 2027-05-31, 2027-06-18,
            2027-07-05, 2027-09-06, 2027-11-25, 2027-12-24]
half_days = [2026-11-27, 2026-12-24, 2027-11-26]

[calendar.US.phases]
overnight = ["20:00-04:00"]
pre = ["04:00-09:30"]
regular = ["09:30-16:00"]
post = ["16:00-20:00"]

[calendar.US.half_day_phases]
overnight = ["20:00-04:00"]
pre = ["04:00-09:30"]
regular = ["09:30-13:00"]
post = ["13:00-17:00"]

# HKEX 2026-2027 (../shared/MARKETS.md 2.3, DERIVED)
[calendar.HK]
timezone = "Asia/Hong_Kong"
live = ["continuous"]
holidays = [2026-01-01, 2026-02-17, 2026-02-18, 2026-02-19, 2026-04-03, 2026-04-06,
            2026-04-07, 2026-05-01, 2026-05-25, 2026-06-19, 2026-07-01, 2026-10-01,
            2026-10-19, 2026-12-25,
            2027-01-01, 2027-02-08, 2027-02-09, 2027-03-26, 2027-03-29, 2027-04-05,
            2027-05-13, 2027-06-09, 2027-07-01, 2027-09-16, 2027-10-01, 2027-10-08,
            2027-12-27]
half_days = [2026-02-16, 2026-12-24, 2026-12-31, 2027-02-05, 2027-12-24, 2027-12-31]

[calendar.HK.phases]
pre_open = ["09:00-09:30"]
continuous = ["09:30-12:00", "13:00-16:00"]
closing_auction = ["16:00-16:10"]

[calendar.HK.half_day_phases]
pre_open = ["09:00-09:30"]
continuous = ["09:30-12:00"]
closing_auction = ["12:00-12:10"]

[[pair]]
adr = "BABA"
hk = "9988"
ratio = 8
index_weight = 0.08
min_persist_ms = 0

[[pair]]
adr = "JD"
hk = "9618"
ratio = 2
index_weight = 0.03

# NetEase's real change (25 -> 5) was on 2 Oct 2020; the scenario moves it
# into its own span.
[[pair]]
adr = "NTES"
hk = "9999"
ratio = 5
ratio_history = [ { until = 2026-11-25T10:30:00+08:00, ratio = 25 } ]
index_weight = 0.025

[[pair]]
adr = "BIDU"
hk = "9888"
ratio = 8
"""

# company -> (ADR, HK code, HKD per HK share at the start)
COMPANIES = {"BABA": ("BABA", "9988", 117.0), "JD": ("JD", "9618", 117.0),
             "NTES": ("NTES", "9999", 156.0), "BIDU": ("BIDU", "9888", 87.75)}


def hkt(s):
    """'2026-10-30 10:00' (or with :SS) HKT -> ns."""
    return local_ns(s, HKT)


def et(s):
    return local_ns(s, NY)


def local_ns(s, tz):
    fmt = "%Y-%m-%d %H:%M:%S" if s.count(":") == 2 else "%Y-%m-%d %H:%M"
    d = dt.datetime.strptime(s, fmt).replace(tzinfo=tz)
    return adrmon_ref.datetime_to_ns(d)


SEGMENTS = [(et("2026-10-29 20:00"), et("2026-11-02 20:00")),
            (et("2026-11-23 20:00"), et("2026-11-27 20:00")),
            (et("2026-12-22 20:00"), et("2026-12-24 20:00"))]

# label, company, start, end, bp shift of the ADR mid, expected alerts
# [(kind, side, reason-or-None, ratio-or-None)], why
EVENTS = [
    ("A1", "BABA", hkt("2026-10-30 10:00"), hkt("2026-10-30 10:40"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "reverted", 8)],
     "Fri HK morning, US overnight (EDT): live"),
    ("A2", "JD", hkt("2026-10-30 12:10"), hkt("2026-10-30 12:50"), -140, [],
     "HK lunch: HK phase closed"),
    ("A3", "BABA", hkt("2026-10-30 15:45"), hkt("2026-10-30 16:20"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "session", 8)],
     "open before 16:00 HKT = 04:00 EDT, where both venues leave live phases"),
    ("A5", "BIDU", et("2026-10-30 10:00"), et("2026-10-30 11:00"), 120, [],
     "US regular session, night in HK: HK closed"),
    ("A7", "BABA", et("2026-11-01 19:20"), et("2026-11-01 19:58"), 120, [],
     "Sunday 19:20-19:58 EST: no US phase before the 20:00 overnight of Monday"),
    ("A6", "JD", hkt("2026-11-02 09:40"), hkt("2026-11-02 10:20"), -140,
     [("open", "buy_adr", None, 2), ("close", "buy_adr", "reverted", 2)],
     "Mon HK morning = Sunday evening EST: the overnight session of Monday (after DST)"),
    ("B7", "BIDU", hkt("2026-11-24 09:02"), hkt("2026-11-24 09:28"), 120, [],
     "HK pre_open"),
    ("B1", "JD", hkt("2026-11-24 10:00"), hkt("2026-11-24 11:30"), 140,
     [("open", "sell_adr", None, 2), ("close", "sell_adr", "halted", 2),
      ("open", "sell_adr", None, 2), ("close", "sell_adr", "reverted", 2)],
     "HK 9618 halted 10:20, resumed 11:00 (stale until its next quote 11:01)"),
    ("B2", "NTES", hkt("2026-11-25 10:00"), hkt("2026-11-25 11:00"), 120,
     [("open", "sell_adr", None, 25), ("close", "sell_adr", "reverted", 5)],
     "ratio 25 -> 5 at 10:30 HKT mid-breach; the ADR quote at 10:30:00 is post-change"),
    ("B6", "BABA", hkt("2026-11-25 11:40"), hkt("2026-11-25 12:30"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "session", 8)],
     "closed by the HK lunch at 12:00:00 (an HK quote exactly then)"),
    ("B3", "BABA", hkt("2026-11-26 10:00"), hkt("2026-11-26 11:00"), 150, [],
     "Thanksgiving: HK continuous, US no phase (no overnight session into a holiday)"),
    ("B4", "BIDU", hkt("2026-11-27 10:00"), hkt("2026-11-27 10:40"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "reverted", 8)],
     "Fri after Thanksgiving: the overnight from Thu 20:00 EST belongs to the half day"),
    ("B5", "JD", et("2026-11-27 13:30"), et("2026-11-27 14:30"), -140, [],
     "US half day: post from 13:00 EST; HK night"),
    ("C1", "BIDU", hkt("2026-12-23 10:00"), hkt("2026-12-23 11:30"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "stale", 8),
      ("open", "sell_adr", None, 8), ("close", "sell_adr", "reverted", 8)],
     "FX silent 10:15-10:25 (< fx_max_age 15 min: stays) and 10:40-11:00 (stale)"),
    ("C2", "BABA", hkt("2026-12-23 13:10"), hkt("2026-12-23 13:50"), 120,
     [("open", "sell_adr", None, 8), ("close", "sell_adr", "suspect", 8),
      ("open", "sell_adr", None, 8), ("close", "sell_adr", "reverted", 8)],
     "ADR bid 5e-324 at 13:30:00 HKT (premium about -5000 bp)"),
    ("C2b", "NTES", hkt("2026-12-23 13:55"), hkt("2026-12-23 14:30"), 120,
     [("open", "sell_adr", None, 5), ("close", "sell_adr", "suspect", 5),
      ("open", "sell_adr", None, 5), ("close", "sell_adr", "reverted", 5)],
     "HK 9999 quoted at a tenth of its price 14:05-14:08 HKT (premium about +90000 bp)"),
    ("C3", "JD", hkt("2026-12-24 11:30"), hkt("2026-12-24 12:30"), -140,
     [("open", "buy_adr", None, 2), ("close", "buy_adr", "session", 2)],
     "HK half day: continuous ends 12:00"),
    ("C4", "JD", hkt("2026-12-24 13:10"), hkt("2026-12-24 13:50"), -140, [],
     "HK half day afternoon: closed (continuous on a full day)"),
]
EVENT_SLACK = 10 * MIN      # alerts of an event: ts in [start, end + slack]
FORCE_MARGIN = 10 * MIN     # both legs quote every <= 60 s in [start - m, end + m]

HALT = ("HK", "9618", hkt("2026-11-24 10:20"), hkt("2026-11-24 11:00"), hkt("2026-11-24 11:01"))
FX_GAPS = [(hkt("2026-12-23 10:15"), hkt("2026-12-23 10:25")),
           (hkt("2026-12-23 10:40"), hkt("2026-12-23 11:00"))]
BAD_ADR_BID = ("BABA", hkt("2026-12-23 13:30"))          # bid 5e-324, ask as usual
BAD_HK = ("9999", hkt("2026-12-23 14:05"), hkt("2026-12-23 14:08"))   # price / 10
EXACT_QUOTES = [("US", "NTES", hkt("2026-11-25 10:30")),   # = the ratio change
                ("HK", "9988", hkt("2026-11-25 12:00")),   # = start of the HK lunch
                ("US", "BABA", hkt("2026-10-30 16:00")),   # = 04:00 EDT
                ("US", "BABA", BAD_ADR_BID[1]),
                ("HK", "9999", BAD_HK[1]), ("HK", "9999", BAD_HK[2])]

# The board: (label, T as given to --at, expectations)
BOARD = [
    ("inside sessions: Mon 2 Nov 10:00 HKT = Sun 21:00 EST", str(hkt("2026-11-02 10:00")),
     {"us_phase": "overnight", "hk_phase": "continuous",
      "why": {"BABA/9988": None, "JD/9618": None, "NTES/9999": None, "BIDU/9888": None},
      "ratio": {"NTES/9999": 25}}),
    ("outside: Fri 30 Oct 10:30 EDT, US regular, HK night", "2026-10-30T10:30:00-04:00",
     {"us_phase": "regular", "hk_phase": "closed",
      "why": {p: "session" for p in ("BABA/9988", "JD/9618", "NTES/9999", "BIDU/9888")}}),
    ("during the halt: Tue 24 Nov 10:40 HKT", str(hkt("2026-11-24 10:40")),
     {"us_phase": "overnight", "hk_phase": "continuous",
      "why": {"JD/9618": "halted", "BABA/9988": None, "BIDU/9888": None}}),
    ("after the ratio change: Wed 25 Nov 11:30 HKT", "2026-11-25T11:30:00+08:00",
     {"us_phase": "overnight", "hk_phase": "continuous",
      "why": {"NTES/9999": None}, "ratio": {"NTES/9999": 5}}),
    ("Thanksgiving: Thu 26 Nov 10:30 HKT", str(hkt("2026-11-26 10:30")),
     {"us_phase": "closed", "hk_phase": "continuous",
      "why": {p: "session" for p in ("BABA/9988", "JD/9618", "NTES/9999", "BIDU/9888")}}),
    ("US half day post: Fri 27 Nov 14:00 EST", "2026-11-27T19:00:00Z",
     {"us_phase": "post", "hk_phase": "closed",
      "why": {p: "session" for p in ("BABA/9988", "JD/9618", "NTES/9999", "BIDU/9888")}}),
    ("FX silent 18 min: Wed 23 Dec 10:58 HKT", str(hkt("2026-12-23 10:58")),
     {"us_phase": "overnight", "hk_phase": "continuous",
      "why": {p: "stale" for p in ("BABA/9988", "JD/9618", "NTES/9999", "BIDU/9888")}}),
    ("suspect: 1 s after the 5e-324 bid, Wed 23 Dec 13:30:01 HKT",
     str(hkt("2026-12-23 13:30:01")),
     {"us_phase": "overnight", "hk_phase": "continuous",
      "why": {"BABA/9988": "suspect", "JD/9618": None}}),
    ("HK half day afternoon: Thu 24 Dec 13:30 HKT", str(hkt("2026-12-24 13:30")),
     {"us_phase": "overnight", "hk_phase": "closed",
      "why": {p: "session" for p in ("BABA/9988", "JD/9618", "NTES/9999", "BIDU/9888")}}),
]

# the reference must produce exactly these (seed 1; any seed in fact, since
# every alert comes from a planned event)
EXPECTED_TOTALS = {"alerts": 30, "opens": 15, "reverted": 8, "session": 3,
                   "halted": 1, "stale": 1, "suspect": 2}
# without calendars: the 7 "none" events open and revert, and the 3 session
# closes become reverted ones
CONTROL_TOTALS = {"alerts": 44, "opens": 22, "reverted": 18, "session": 0,
                  "halted": 1, "stale": 1, "suspect": 2}


def strip_calendars(text):
    out, skip = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skip = line.startswith("[calendar")
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ generation

class Walk:
    """A geometric random walk on a 60 s grid (its own RNG), laid out per
    segment so that every leg reads the same path: value(t) is the grid
    value of t's minute. A segment starts where the previous one ended."""

    def __init__(self, rng, start_value, daily_vol, lo=None, hi=None):
        self.rng = rng
        self.sigma = daily_vol / math.sqrt(1440.0)
        self.value = start_value
        self.lo, self.hi = lo, hi
        self.start = None
        self.path = []

    def gauss(self):
        u1 = self.rng.random() or 1e-12
        u2 = self.rng.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def layout(self, start, end):
        self.start = start
        self.path = []
        for _ in range((end - start) // MIN + 2):
            self.path.append(self.value)
            self.value *= math.exp(self.sigma * self.gauss())
            if self.lo is not None:
                self.value = min(max(self.value, self.lo), self.hi)

    def at(self, t):
        return self.path[(t - self.start) // MIN]


def us_phase(cal, t):
    return cal.phase_at(t)


def hk_tick(price):
    return 0.1 if price >= 100 else (0.05 if price >= 20 else 0.01)


def grid_round(x, step):
    return round(round(x / step) * step, 4)


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.cfg = None
        self.records = {"us": [], "hk": [], "fx": []}

    def forced(self, company, t):
        for ev in EVENTS:
            if ev[1] == company and ev[2] - FORCE_MARGIN <= t < ev[3] + FORCE_MARGIN:
                return True
        return False

    def shift_bp(self, company, t):
        for ev in EVENTS:
            if ev[1] == company and ev[2] <= t < ev[3]:
                return ev[4]
        return 0

    def run(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        cfg_path = os.path.join(out_dir, "config.toml")
        with open(cfg_path, "w") as f:
            f.write(CONFIG)
        with open(os.path.join(out_dir, "control.toml"), "w") as f:
            f.write(strip_calendars(CONFIG))
        self.cfg = adrmon_ref.Config(cfg_path)
        self.us_cal = self.cfg.calendars["US"]
        self.hk_cal = self.cfg.calendars["HK"]
        self.pairs = {p.adr: p for p in self.cfg.pairs}
        fx_walk = Walk(random.Random(self.rng.random()), 7.80, 0.0008, 7.76, 7.84)
        walks = {c: Walk(random.Random(self.rng.random()), v[2], 0.01)
                 for c, v in COMPANIES.items()}
        self.fx_walk, self.walks = fx_walk, walks
        for seg_start, seg_end in SEGMENTS:
            fx_walk.layout(seg_start, seg_end)
            for w in walks.values():
                w.layout(seg_start, seg_end)
            self.gen_fx(seg_start, seg_end)
            for i, company in enumerate(COMPANIES):
                self.gen_us(company, seg_start, seg_end, i)
                self.gen_hk(company, seg_start, seg_end, i)
            self.gen_status(seg_start, seg_end)
        for name, recs in self.records.items():
            recs.sort(key=lambda r: r[0])    # stable: equal ts keep their order
            with open(os.path.join(out_dir, f"{name}.jsonl"), "w") as f:
                for _, line in recs:
                    f.write(line + "\n")
        with open(os.path.join(out_dir, "plan.json"), "w") as f:
            json.dump(self.plan(), f, indent=1)

    # fx: every ~60 s round the clock, except the planned gaps
    def gen_fx(self, start, end):
        t = start + 7 * MS
        while t < end:
            if not any(a <= t < b for a, b in FX_GAPS):
                self.emit_fx(t)
            t += int(60_000 * (0.5 + self.rng.random())) * MS
        for a, b in FX_GAPS:   # FX resumes exactly at the end of a gap
            if start <= b < end:
                self.emit_fx(b + 3 * MS)

    def fx_mid_at(self, t):
        return self.fx_walk.at(t)

    def emit_fx(self, t):
        mid = round(self.fx_mid_at(t), 4)
        rec = {"type": "fx", "ts": t, "pair": "USDHKD",
               "bid": round(mid - 0.0002, 4), "ask": round(mid + 0.0003, 4)}
        self.records["fx"].append((t, json.dumps(rec, separators=(",", ":"))))

    # US: cadence by US phase; both legs of an event every <= 60 s
    US_CADENCE_S = {"overnight": 120, "pre": 300, "regular": 120, "post": 300, "closed": 900}
    US_HALF_SPREAD_BP = {"overnight": 4, "pre": 6, "regular": 1, "post": 6, "closed": 8}

    def gen_us(self, company, start, end, idx):
        adr = COMPANIES[company][0]
        t = start + (11 + idx) * MS
        exact = [e[2] for e in EXACT_QUOTES if e[0] == "US" and e[1] == adr and start <= e[2] < end]
        times = []
        while t < end:
            times.append(t)
            cad = self.US_CADENCE_S[us_phase(self.us_cal, t)]
            if self.forced(company, t):
                cad = min(cad, 60)
            t += int(cad * 1000 * (0.5 + self.rng.random())) * MS
        times = sorted(set(times) | set(exact))
        for t in times:
            # the quote after the 5e-324 one comes at least 20 s later
            if (company == BAD_ADR_BID[0] and BAD_ADR_BID[1] < t < BAD_ADR_BID[1] + 20 * NS):
                continue
            self.emit_us(company, t)

    def emit_us(self, company, t):
        adr, code, _ = COMPANIES[company]
        pair = self.pairs[adr]
        fair_hkd = self.walks[company].at(t)
        fx = self.fx_mid_at(t)
        mid = fair_hkd * pair.ratio_at(t) / fx
        mid *= 1 + (self.shift_bp(company, t) + 2 * (self.rng.random() - 0.5)) / 1e4
        half = max(0.005, mid * self.US_HALF_SPREAD_BP[us_phase(self.us_cal, t)] / 1e4)
        bid = grid_round(mid - half, 0.01)
        ask = grid_round(mid + half, 0.01)
        if ask <= bid:
            ask = round(bid + 0.01, 2)
        if company == BAD_ADR_BID[0] and t == BAD_ADR_BID[1]:
            bid = 5e-324
        rec = {"type": "quote", "ts": t, "venue": "US", "sym": adr, "bid": bid, "ask": ask,
               "bid_size": 100 * (1 + int(self.rng.random() * 20)),
               "ask_size": 100 * (1 + int(self.rng.random() * 20))}
        self.records["us"].append((t, json.dumps(rec, separators=(",", ":"))))

    # HK: quotes 08:00-17:00 HKT on weekdays (continuous ~90 s, other phases
    # ~180 s), silent at night; both legs of an event every <= 60 s
    def gen_hk(self, company, start, end, idx):
        code = COMPANIES[company][1]
        exact = [e[2] for e in EXACT_QUOTES if e[0] == "HK" and e[1] == code and start <= e[2] < end]
        if HALT[1] == code and start <= HALT[4] < end:
            exact.append(HALT[4])
        t = start + (23 + idx) * MS
        times = []
        while t < end:
            local = dt.datetime.fromtimestamp(t // NS, HKT)
            daytime = 8 <= local.hour < 17 and bool(self.hk_cal.day_intervals(local.date()))
            forced = self.forced(company, t)
            if not daytime and not forced:
                t += 60 * NS
                continue
            times.append(t)
            cad = 90 if self.hk_cal.phase_at(t) == "continuous" else 180
            if forced:
                cad = min(cad, 60)
            t += int(cad * 1000 * (0.5 + self.rng.random())) * MS
        times = sorted(set(times) | set(exact))
        for t in times:
            if HALT[1] == code and HALT[2] <= t < HALT[4]:
                continue     # no HK quotes while halted (until 11:01)
            self.emit_hk(company, t)

    def emit_hk(self, company, t):
        _, code, _ = COMPANIES[company]
        mid = self.walks[company].at(t) * (1 + 2 * (self.rng.random() - 0.5) / 1e4)
        if code == BAD_HK[0] and BAD_HK[1] <= t < BAD_HK[2]:
            mid /= 10
        tick = hk_tick(mid)
        n = math.floor(mid / tick)
        bid, ask = round(n * tick, 3), round((n + 1) * tick, 3)
        rec = {"type": "quote", "ts": t, "venue": "HK", "sym": code, "bid": bid, "ask": ask,
               "bid_size": 100 * (1 + int(self.rng.random() * 50)),
               "ask_size": 100 * (1 + int(self.rng.random() * 50))}
        self.records["hk"].append((t, json.dumps(rec, separators=(",", ":"))))

    # status: the halt and resumption, and a trading=true for every HK code at
    # 09:00:00 HKT of each HK trading day in the segment (no-ops)
    def gen_status(self, start, end):
        venue, code, halt_at, resume_at, _ = HALT
        if start <= halt_at < end:
            for ts, trading in ((halt_at, False), (resume_at, True)):
                rec = {"type": "status", "ts": ts, "venue": venue, "sym": code, "trading": trading}
                self.records["hk"].append((ts, json.dumps(rec, separators=(",", ":"))))
        day = dt.datetime.fromtimestamp(start // NS, HKT).date()
        while True:
            ts = hkt(f"{day} 09:00")
            if ts >= end:
                break
            if ts >= start and self.hk_cal.day_intervals(day):
                for _, code2, _ in COMPANIES.values():
                    rec = {"type": "status", "ts": ts, "venue": "HK", "sym": code2, "trading": True}
                    self.records["hk"].append((ts, json.dumps(rec, separators=(",", ":"))))
            day += dt.timedelta(days=1)

    def plan(self):
        return {
            "files": ["us.jsonl", "hk.jsonl", "fx.jsonl"],
            "events": [{"label": e[0], "pair": f"{COMPANIES[e[1]][0]}/{COMPANIES[e[1]][1]}",
                        "start": e[2], "end": e[3], "bp": e[4],
                        "expect": [list(x) for x in e[5]], "why": e[6]} for e in EVENTS],
            "event_slack_ns": EVENT_SLACK,
            "board": [{"label": b[0], "at": b[1], "expect": b[2]} for b in BOARD],
            "totals": EXPECTED_TOTALS,
            "control_totals": CONTROL_TOTALS,
            "us_live": sorted(self.us_cal.live), "hk_live": sorted(self.hk_cal.live),
        }


# ------------------------------------------------------------------ checks

def load_jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def check_alerts(plan, alerts):
    errors = []
    used = [False] * len(alerts)
    slack = plan["event_slack_ns"]
    for ev in plan["events"]:
        idx = [i for i, a in enumerate(alerts)
               if a["pair"] == ev["pair"] and ev["start"] <= a["ts"] <= ev["end"] + slack]
        got = [(alerts[i]["kind"], alerts[i]["side"], alerts[i].get("reason"),
                alerts[i]["ratio"]) for i in idx]
        want = [tuple(x) for x in ev["expect"]]
        if got != want:
            errors.append(f"event {ev['label']} ({ev['why']}): want {want}, got {got}")
        for i in idx:
            used[i] = True
    for i, a in enumerate(alerts):
        if not used[i]:
            errors.append(f"alert outside every planned event: {json.dumps(a)}")
        if a["kind"] == "open" and (a.get("us_phase") not in plan["us_live"]
                                    or a.get("hk_phase") not in plan["hk_live"]):
            errors.append(f"open outside live phases: {json.dumps(a)}")
    totals = count(alerts)
    if totals != plan["totals"]:
        errors.append(f"totals: want {plan['totals']}, got {totals}")
    return errors, totals


def count(alerts):
    totals = {"alerts": len(alerts), "opens": sum(a["kind"] == "open" for a in alerts)}
    for r in ("reverted", "session", "halted", "stale", "suspect"):
        totals[r] = sum(a.get("reason") == r for a in alerts)
    return totals


def check_control(plan, alerts):
    errors = []
    slack = plan["event_slack_ns"]
    for ev in plan["events"]:
        opens = [a for a in alerts if a["pair"] == ev["pair"] and a["kind"] == "open"
                 and ev["start"] <= a["ts"] <= ev["end"] + slack]
        if not opens:
            errors.append(f"control: event {ev['label']} ({ev['why']}) did not open without calendars")
    totals = count(alerts)
    if totals != plan["control_totals"]:
        errors.append(f"control totals: want {plan['control_totals']}, got {totals}")
    return errors, totals


def check_board(plan, index, lines):
    b = plan["board"][index]
    exp = b["expect"]
    errors = []
    by_pair = {l["pair"]: l for l in lines if "pair" in l}
    index_lines = [l for l in lines if "index" in l]
    if len(index_lines) != 1 or lines[-1] is not index_lines[0]:
        errors.append("board: not exactly one index line, last")
    for pair, line in by_pair.items():
        for k in ("us_phase", "hk_phase"):
            if line[k] != exp[k]:
                errors.append(f"{pair}: {k} {line[k]!r}, want {exp[k]!r}")
    for pair, why in exp.get("why", {}).items():
        line = by_pair.get(pair)
        if line is None or line["why"] != why or line["live"] != (why is None):
            errors.append(f"{pair}: why/live {line and (line['why'], line['live'])}, want {why!r}")
    for pair, ratio in exp.get("ratio", {}).items():
        if by_pair[pair]["ratio"] != ratio:
            errors.append(f"{pair}: ratio {by_pair[pair]['ratio']}, want {ratio}")
    return [f"board {index} ({b['label']}): {e}" for e in errors]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    mode = argv.pop(0) if argv and argv[0] in ("check", "check-board", "check-control") else "gen"
    ap = argparse.ArgumentParser(description="issue 9 market-days scenario")
    if mode == "gen":
        ap.add_argument("--out", required=True)
        ap.add_argument("--seed", type=int, default=1)
        args = ap.parse_args(argv)
        Generator(args.seed).run(args.out)
        return 0
    ap.add_argument("--dir", required=True)
    if mode in ("check", "check-control"):
        ap.add_argument("--alerts", required=True)
    else:
        ap.add_argument("--index", type=int, required=True)
        ap.add_argument("--board", required=True)
    args = ap.parse_args(argv)
    with open(os.path.join(args.dir, "plan.json")) as f:
        plan = json.load(f)
    if mode == "check":
        errors, totals = check_alerts(plan, load_jsonl(args.alerts))
        ok_text = f"plan: {len(plan['events'])} events as planned; totals {totals}"
    elif mode == "check-control":
        errors, totals = check_control(plan, load_jsonl(args.alerts))
        ok_text = (f"plan: control (no calendars): all {len(plan['events'])} events open, "
                   f"totals {totals}")
    else:
        errors = check_board(plan, args.index, load_jsonl(args.board))
        ok_text = f"plan: board {args.index} ({plan['board'][args.index]['label']}) as planned"
    for e in errors:
        print("plan: " + e)
    if errors:
        return 1
    print(ok_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
