#!/usr/bin/env python3
"""Vendor symbology end to end (issue 15): [aliases] makes a vendor's file the
canonical one, byte for byte; without it the file is refused, and says why.

Usage: aliases_e2e.py BUILD_DIR SOURCE_DIR

1. adrmon-gen writes a day for config/demo.toml with dislocations, so it has
   alerts of its own (at least 4 are required, or the comparison proves
   nothing).
2. The same day rewritten in vendor symbols, field by field in the text (no
   JSON round trip): US `BABA` -> `BABA US`, HK `9988` -> `09988.HK`, FX
   `USDHKD` -> `USD/HKD`.
3. replay of the vendor files with demo.toml plus [aliases.US|HK|FX] for every
   symbol: the alert file is byte-identical to the canonical replay's, with no
   reject at all.
4. replay of the vendor files without [aliases]: every tick is unknown_symbol,
   no alert, the hint line names each file's first distinct symbols, and the
   summary lists them per file (text and JSON), in order of appearance.
5. The aliased vendor day as a person reads it: `replay --human --tz
   Asia/Hong_Kong` prints one line per alert, naming the configured pair, at
   the alert's ts in Hong Kong time (+08:00, from Python's own tz database);
   `run --tz America/New_York` ends each line with the receive time
   ("| recv HH:MM:SS.mmm EST"), replay never.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from e2e_common import fail

build, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
adrmon = os.path.join(build, "apps", "adrmon")
gen = os.path.join(build, "tools", "adrmon-gen")
config = os.path.join(src, "config", "demo.toml")
work = tempfile.mkdtemp(prefix="aliases_e2e.")
NAMES = ("us.jsonl", "hk.jsonl", "fx.jsonl")
DASH = "\u2014"
ELLIPSIS = "\u2026"


def run(args):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p


# ---- 1. a generated day with alerts ------------------------------------------
canon = os.path.join(work, "canonical")
run([gen, "--config", config, "--out", canon, "--seed", "15", "--duration-s", "300",
     "--dislocations", "8"])
canon_files = [os.path.join(canon, n) for n in NAMES]

# ---- 2. the same day in vendor symbols --------------------------------------
vendor = os.path.join(work, "vendor")
os.makedirs(vendor)
SYM = re.compile(r'"sym":"([^"]*)"')
FXPAIR = re.compile(r'"pair":"USDHKD"')


def vendor_us(sym):
    return sym + " US"


def vendor_hk(sym):
    return sym.zfill(5) + ".HK"


first_seen = {}  # vendor file -> its distinct symbols, in order of appearance
for name, to_vendor in (("us.jsonl", vendor_us), ("hk.jsonl", vendor_hk), ("fx.jsonl", None)):
    seen = []
    with open(os.path.join(canon, name)) as f, open(os.path.join(vendor, name), "w") as out:
        for line in f:
            if to_vendor is None:
                line, n = FXPAIR.subn('"pair":"USD/HKD"', line)
                sym = "USD/HKD" if n else None
            else:
                m = SYM.search(line)
                sym = to_vendor(m.group(1)) if m else None
                if m:
                    line = line[:m.start(1)] + sym + line[m.end(1):]
            if sym is not None and sym not in seen:
                seen.append(sym)
            out.write(line)
    if not seen:
        fail(f"{name}: no symbol rewritten")
    first_seen[os.path.join(vendor, name)] = seen
vendor_files = [os.path.join(vendor, n) for n in NAMES]
for c, v in zip(canon_files, vendor_files):
    if open(c).read() == open(v).read():
        fail(f"{v} is not rewritten")

# ---- 3. with [aliases]: the same alerts, byte for byte -----------------------
text = open(config).read()
adrs = re.findall(r'^adr\s*=\s*"([^"]+)"', text, re.M)
hks = re.findall(r'^hk\s*=\s*"([^"]+)"', text, re.M)
if len(adrs) != 26 or len(hks) != 26:
    fail(f"demo.toml: expected 26 pairs, read {len(adrs)} ADRs and {len(hks)} HK codes")
aliased = os.path.join(work, "aliased.toml")
with open(aliased, "w") as f:
    f.write(text)
    f.write("\n[aliases.US]\n")
    f.writelines(f'"{vendor_us(a)}" = "{a}"\n' for a in adrs)
    f.write("[aliases.HK]\n")
    f.writelines(f'"{vendor_hk(h)}" = "{h}"\n' for h in hks)
    f.write('[aliases.FX]\n"USD/HKD" = "USDHKD"\n')


def replay(cfg, files, tag):
    alerts = os.path.join(work, tag + ".alerts.jsonl")
    summary = os.path.join(work, tag + ".summary.json")
    p = run([adrmon, "replay", "--config", cfg, "--alerts", alerts, "--summary-json", summary,
             *files])
    return open(alerts, "rb").read(), json.load(open(summary)), p.stderr


want, want_summary, _ = replay(config, canon_files, "canonical")
lines = want.count(b"\n")
if lines < 4:
    fail(f"the generated day has {lines} alerts: too few for a real check")
if want_summary["rejected"] != 0:
    fail(f"the canonical day has rejects: {want_summary['rejects']}")
got, got_summary, _ = replay(aliased, vendor_files, "aliased")
if got != want:
    got_lines = got.count(b"\n")
    fail(f"vendor files with [aliases]: alerts differ from the canonical day's "
         f"({got_lines} vs {lines} lines)")
if got_summary["rejected"] != 0 or got_summary["accepted"] != want_summary["accepted"]:
    fail(f"with [aliases]: accepted {got_summary['accepted']} (want {want_summary['accepted']}), "
         f"rejects {got_summary['rejects']}")
if "unknown_symbols" in got_summary:
    fail(f"with [aliases] the summary still lists unknown symbols: {got_summary['unknown_symbols']}")
print(f"with [aliases]: {lines} alerts byte-identical to the canonical day, "
      f"{got_summary['accepted']} ticks accepted, no rejects")

# ---- 4. without [aliases]: refused, with the hint and the symbol list --------
none, bare, err = replay(config, vendor_files, "bare")
if none != b"":
    fail(f"vendor files without [aliases] produced alerts:\n{none[:400]!r}")
if bare["accepted"] != 0 or bare["rejects"]["unknown_symbol"] != bare["ticks_read"]:
    fail(f"without [aliases]: accepted {bare['accepted']}, rejects {bare['rejects']}, "
         f"read {bare['ticks_read']}: want every tick unknown_symbol")
for path, seen in first_seen.items():
    listed = seen[:4]
    if bare.get("unknown_symbols", {}).get(path) != listed:
        fail(f"summary JSON unknown_symbols[{path}] = {bare.get('unknown_symbols', {}).get(path)}, "
             f"want the first distinct {listed}")
    quoted = ", ".join(f"'{s}'" for s in listed) + (f", {ELLIPSIS}" if len(listed) == 4 else "")
    hint = f"unknown symbols: {quoted} {DASH} see [aliases]"
    hint_line = [ln for ln in err.splitlines()
                 if ln.startswith(f"adrmon: {path}: ") and "rejects are unknown_symbol: " + hint in ln]
    if len(hint_line) != 1:
        fail(f"no single hint line for {path} containing {hint!r}:\n{err}")
    summary_line = f"  file {path}: unknown symbols {quoted} {DASH} see [aliases]"
    if summary_line not in err.splitlines():
        fail(f"the summary lacks {summary_line!r}:\n{err}")
    print(f"without [aliases]: {os.path.basename(path)} refused, hint and summary name {listed}")

# ---- 5. the human lines: configured names, --tz, receive time only in run ----
p = run([adrmon, "replay", "--config", aliased, "--human", "--tz", "Asia/Hong_Kong", "--quiet",
         *vendor_files])
human = p.stdout.splitlines()
alerts = [json.loads(a) for a in want.decode().splitlines()]
if len(human) != len(alerts):
    fail(f"replay --human printed {len(human)} lines for {len(alerts)} alerts")
hk = ZoneInfo("Asia/Hong_Kong")
for line, a in zip(human, alerts):
    t = datetime.fromtimestamp(a["ts"] // 10**9, tz=timezone.utc).astimezone(hk)
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d+08:00" % (a["ts"] % 10**9 // 1000)
    if not line.startswith(stamp + " ") or f" {a['pair']} " not in line or "recv" in line:
        fail(f"human line {line!r} does not start with {stamp} or name {a['pair']} (or has recv)")
p = subprocess.run([adrmon, "run", "--config", aliased, "--tz", "America/New_York",
                    "--exit-when-done", "--status-interval", "0", "--dashboard", "off",
                    "--alerts", os.path.join(work, "run.alerts.jsonl"),
                    *[f"--source=file:{f}" for f in vendor_files]],
                   capture_output=True, text=True, timeout=120)
if p.returncode != 0:
    fail(f"run exited {p.returncode}:\n{p.stderr}")
run_lines = p.stdout.splitlines()
if open(os.path.join(work, "run.alerts.jsonl"), "rb").read() != want:
    fail("run of the aliased vendor day: alerts differ from the canonical replay's")
recv = re.compile(r" \| recv \d\d:\d\d:\d\d\.\d{3} E[SD]T$")
if len(run_lines) != len(alerts) or not all(recv.search(ln) for ln in run_lines):
    fail(f"run --tz America/New_York: {len(run_lines)} lines, want {len(alerts)} each ending "
         f"'| recv HH:MM:SS.mmm EST':\n" + "\n".join(run_lines[:3]))
if not all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}-0[45]:00 ", ln) for ln in run_lines):
    fail("run --tz America/New_York: a line without a -05:00/-04:00 timestamp:\n" + run_lines[0])
print(f"human lines: replay --tz Asia/Hong_Kong {len(human)} lines at +08:00 with the configured "
      f"names; run --tz America/New_York adds the receive time: {run_lines[0][-22:]}")
print("aliases: ok")
