#!/usr/bin/env python3
"""The monitoring files against a live /metrics.

Usage: monitoring_test.py BUILD_DIR SOURCE_DIR

Starts the real daemon on the bundled sample (paced, so the latency
histograms fill) with the dashboard on a free loopback port and a webhook to a
local HTTP endpoint that answers 200 (the webhook families exist only with a
webhook configured), scrapes /metrics, and proves that every adrmon_* metric
name in deploy/grafana/adrmon.json and deploy/prometheus/adrmon.rules.yml
(parsed out of their PromQL expressions) is exposed, and every label matcher
they use (stage="recv_to_priced", ...) names a label value that exists.
Then `promtool check rules` and `promtool check config` must pass.
"""
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from e2e_common import free_port

build, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
adrmon = os.path.join(build, "apps", "adrmon")
grafana = os.path.join(src, "deploy", "grafana", "adrmon.json")
rules = os.path.join(src, "deploy", "prometheus", "adrmon.rules.yml")
scrape = os.path.join(src, "deploy", "prometheus", "prometheus.yml")
work = tempfile.mkdtemp(prefix="monitoring_test.")
proc = None


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    if proc is not None and proc.poll() is None:
        proc.kill()
    sys.exit(1)


# ---- the expressions -------------------------------------------------------
def grafana_exprs(path):
    out = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                out.append(node["expr"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.load(open(path)))
    return out


def rule_exprs(path):
    """expr: values of a rules file, inline or as a block scalar (|)."""
    lines = open(path).read().splitlines()
    out, i = [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)expr:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        indent, value = len(m.group(1)), m.group(2)
        if value not in ("|", ">", "|-", ">-"):
            out.append(value)
            continue
        block = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            block.append(lines[i].strip())
            i += 1
        out.append(" ".join(block))
    return out


NAME = re.compile(r"\b(adrmon_[a-z0-9_]+)\b")
MATCHER = re.compile(r"\b(adrmon_[a-z0-9_]+)\{([^}]*)\}")

g_exprs, r_exprs = grafana_exprs(grafana), rule_exprs(rules)
if len(g_exprs) < 10 or len(r_exprs) < 8:
    fail(f"too few expressions parsed: grafana {len(g_exprs)}, rules {len(r_exprs)}")
used = {}
for where, exprs in (("grafana", g_exprs), ("rules", r_exprs)):
    for e in exprs:
        for n in NAME.findall(e):
            used.setdefault(n, set()).add(where)
print(f"expressions: grafana {len(g_exprs)}, rules {len(r_exprs)}; adrmon metric names used: {len(used)}")

# The topics the issue asks for are all covered.
for needle in ("adrmon_source_lines_total", "adrmon_ticks_rejected_total", "adrmon_source_seq_gaps_total",
               "adrmon_latency_seconds_bucket", "adrmon_open_breaches", "adrmon_alerts_total",
               "adrmon_webhook_delivered_total", "adrmon_webhook_failed_total",
               "adrmon_pair_premium_bps", "adrmon_pair_edge_bps", "adrmon_pair_leg_age_seconds",
               "adrmon_pair_breach_open"):
    if "grafana" not in used.get(needle, ()):
        fail(f"the Grafana dashboard does not use {needle}")
for needle in ("adrmon_source_lines_total", "adrmon_source_seq_gaps_total", "adrmon_ticks_rejected_total",
               "adrmon_alert_write_errors_total", "adrmon_alerts_lost_total", "adrmon_webhook_failed_total",
               "adrmon_latency_seconds_bucket"):
    if "rules" not in used.get(needle, ()):
        fail(f"the alert rules do not use {needle}")


# ---- a webhook endpoint that answers 200 -----------------------------------
class Hook(http.server.BaseHTTPRequestHandler):
    received = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hook.received += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()

# ---- the daemon --------------------------------------------------------------
dash_port = free_port()
config = os.path.join(work, "monitoring.toml")
with open(os.path.join(src, "config", "demo.toml")) as f:
    text = f.read()
with open(config, "w") as f:
    f.write(text)
    f.write('\n[webhook]\nurl = "http://127.0.0.1:%d/alerts"\nmax_per_second = 1000\n' % hook.server_address[1])
sample = [os.path.join(src, "data", "sample", n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
args = [adrmon, "run", "--config", config, "--dashboard", "127.0.0.1:%d" % dash_port,
        "--no-stdout-alerts", "--alerts", os.path.join(work, "alerts.jsonl")]
# Paced at 20x: the sample's first alerts fall within its first ~15 s of event time.
for path in sample:
    args += ["--source", "file:%s?speed=20" % path]
err = open(os.path.join(work, "daemon.err"), "w")
proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)


def get(path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (dash_port, path), timeout=5) as r:
        return r.read().decode()


deadline = time.time() + 60
metrics = ""
while time.time() < deadline:
    if proc.poll() is not None:
        fail("daemon exited early: " + open(os.path.join(work, "daemon.err")).read())
    try:
        metrics = get("/metrics")
        alerts = re.search(r'^adrmon_alerts_total\{kind="open"\} (\S+)', metrics, re.M)
        if alerts and float(alerts.group(1)) >= 1 and Hook.received >= 1:
            break
    except OSError:
        pass
    time.sleep(0.5)
else:
    fail("no alert reached /metrics and the webhook within 60 s:\n" + metrics[-2000:])
time.sleep(1)  # let a delivery's counter follow its POST
metrics = get("/metrics")


# ---- the board's gauges equal /api/board --------------------------------------
def samples_of(text, name):
    out = {}
    for m in re.finditer(r"^%s\{([^}]*)\} (\S+)$" % name, text, re.M):
        out[tuple(sorted(re.findall(r'([a-z_]+)="([^"]*)"', m.group(1))))] = float(m.group(2))
    return out


# A scrape between two equal board reads saw that board (event time only moves
# forward, so equal reads mean nothing was published in between).
for attempt in range(200):
    b1 = get("/api/board")
    board_metrics = get("/metrics")
    if get("/api/board") == b1:
        break
    time.sleep(0.05)
else:
    fail("the board never held still across one scrape")
board = json.loads(b1)
premium = samples_of(board_metrics, "adrmon_pair_premium_bps")
age = samples_of(board_metrics, "adrmon_pair_leg_age_seconds")
checked = 0
for p in board["pairs"]:
    key = (("pair", p["pair"]),)
    if p["mid_premium_bps"] is None:
        if key in premium:
            fail(f"unpriced {p['pair']} has a premium gauge")
        continue
    if premium.get(key) != p["mid_premium_bps"]:
        fail(f"{p['pair']}: adrmon_pair_premium_bps {premium.get(key)} != /api/board {p['mid_premium_bps']}")
    hk_age = age.get((("leg", "hk"), ("pair", p["pair"])))
    if hk_age is None or abs(hk_age - (p["at"] - p["hk_ts"]) / 1e9) > 1e-9:
        fail(f"{p['pair']}: hk leg age {hk_age} != ({p['at']} - {p['hk_ts']}) / 1e9")
    checked += 1
if checked < 5:
    fail(f"only {checked} priced pairs on the board")
version = subprocess.run([adrmon, "--version"], capture_output=True, text=True).stdout.split()
info = samples_of(board_metrics, "adrmon_build_info")
if len(info) != 1 or list(info.values())[0] != 1:
    fail(f"adrmon_build_info: {info}")
labels = dict(list(info)[0])
if [labels.get("version"), "(git", labels.get("commit") + ")"] != version[1:4] or not labels.get("simd"):
    fail(f"adrmon_build_info labels {labels} do not match adrmon --version {version}")
print(f"board gauges: {checked} priced pairs' premium and hk age equal /api/board; build {labels}")
proc.send_signal(signal.SIGTERM)
try:
    proc.wait(timeout=60)
except subprocess.TimeoutExpired:
    fail("daemon did not stop on SIGTERM")
if proc.returncode != 0:
    fail(f"daemon exit {proc.returncode}: " + open(os.path.join(work, "daemon.err")).read())
hook.shutdown()

# ---- names and label values on /metrics --------------------------------------
exposed = {}  # name -> list of label dicts
for line in metrics.splitlines():
    if not line or line.startswith("#"):
        continue
    m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
    if not m:
        fail(f"unparsable /metrics line: {line!r}")
    labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
    exposed.setdefault(m.group(1), []).append(labels)
missing = sorted(n for n in used if n not in exposed)
if missing:
    fail("used by the monitoring files but not on /metrics: " + ", ".join(
        f"{n} ({'/'.join(sorted(used[n]))})" for n in missing))
for e in g_exprs + r_exprs:
    for name, body in MATCHER.findall(e):
        for label, op, value in re.findall(r'([a-zA-Z_]+)\s*(=~|!=|!~|=)\s*"([^"]*)"', body):
            if op == "=" and not any(l.get(label) == value for l in exposed[name]):
                fail(f"{name}{{{label}=\"{value}\"}} matches no sample on /metrics")
for name in sorted(used):
    print(f"  {name:40s} {len(exposed[name]):3d} sample(s)  used by {', '.join(sorted(used[name]))}")
print(f"all {len(used)} adrmon metric names used are on /metrics ({len(exposed)} names exposed); "
      f"webhook endpoint got {Hook.received} POSTs")

# ---- promtool ------------------------------------------------------------------
promtool = shutil.which("promtool")
if promtool is None:
    print("promtool missing: install Debian's prometheus package (scripts/setup.sh does)")
    sys.exit(77)
for what, path in (("rules", rules), ("config", scrape)):
    p = subprocess.run([promtool, "check", what, path], capture_output=True, text=True)
    print(p.stdout.strip())
    if p.returncode != 0:
        fail(f"promtool check {what}: {p.stdout}{p.stderr}")
print("monitoring: ok")
