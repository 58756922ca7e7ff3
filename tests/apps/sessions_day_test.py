#!/usr/bin/env python3
"""adrmon-gen --profile sessions against the engine and the reference.

Generates two calendar days (Mon 23 and Tue 24 Nov 2026, config/demo.toml's
real calendars) twice with one seed and requires identical bytes; replays
them with `adrmon replay` and checks the alerts:
  - no line rejected; the alert count is the one README.txt plans;
  - at least one open, and every open is inside live windows (us_phase
    "overnight" or "regular", hk_phase "continuous"), so none of the planned
    dislocations outside them (HK pre-open, HK lunch, US regular) alerted;
  - closes with reason "session" (HK going to lunch and to the closing
    auction) and "halted" (the HK halt) happen;
then runs tests/reference/adrmon_ref.py (the independent implementation) on
the same ticks and requires the same alerts (compare_alerts.py).

Usage: sessions_day_test.py BUILD_DIR SOURCE_DIR
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

BUILD, SRC = sys.argv[1], sys.argv[2]
GEN = os.path.join(BUILD, "tools", "adrmon-gen")
ADRMON = os.path.join(BUILD, "apps", "adrmon")
CONFIG = os.path.join(SRC, "config", "demo.toml")
REF = os.path.join(SRC, "tests", "reference")
FILES = ("us.jsonl", "hk.jsonl", "fx.jsonl")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*cmd, stdout=None):
    r = subprocess.run(cmd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr}")
    return r


def digest(d):
    return [hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest() for f in FILES]


with tempfile.TemporaryDirectory() as tmp:
    days = [os.path.join(tmp, n) for n in ("a", "b")]
    for d in days:
        run(GEN, "--config", CONFIG, "--out", d, "--profile", "sessions", "--start", "2026-11-23",
            "--days", "2", "--seed", "7")
    check(digest(days[0]) == digest(days[1]), "same seed, same bytes")
    files = [os.path.join(days[0], f) for f in FILES]
    readme = open(os.path.join(days[0], "README.txt")).read()
    planned = int(re.search(r"Expected with config/demo.toml: (\d+) alerts", readme).group(1))
    check(planned >= 20, f"README plans {planned} alerts over two days")

    alerts, summary = os.path.join(tmp, "alerts.jsonl"), os.path.join(tmp, "summary.json")
    run(ADRMON, "replay", "--config", CONFIG, "--alerts", alerts, "--summary-json", summary, *files)
    s = json.load(open(summary))
    check(s["rejected"] == 0, f"adrmon replay: {s['ticks_read']} ticks, {s['rejected']} rejected")
    got = [json.loads(line) for line in open(alerts)]
    opens = [a for a in got if a["kind"] == "open"]
    reasons = [a["reason"] for a in got if a["kind"] == "close"]
    check(len(got) == planned, f"{len(got)} alerts, README plans {planned}")
    check(len(opens) >= 1, f"{len(opens)} opens")
    bad = [a for a in opens
           if a["us_phase"] not in ("overnight", "regular") or a["hk_phase"] != "continuous"]
    check(not bad, f"every open in live phases (outside: {bad[:1]})")
    check("session" in reasons, f"closes by session: {reasons.count('session')}")
    check("halted" in reasons, f"closes by halted: {reasons.count('halted')}")
    check(s["open_breaches"] == 0, "no breach left open")

    ref = os.path.join(tmp, "ref.jsonl")
    with open(ref, "w") as out:
        run(sys.executable, os.path.join(REF, "adrmon_ref.py"), "--config", CONFIG, *files,
            stdout=out)
    r = subprocess.run([sys.executable, os.path.join(REF, "compare_alerts.py"), ref, alerts],
                       capture_output=True, text=True)
    check(r.returncode == 0, "reference agrees: " + (r.stdout + r.stderr).strip()[:300])

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("sessions_day: all checks passed")
