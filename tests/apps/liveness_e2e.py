#!/usr/bin/env python3
"""Feed liveness in wall time (issue 15): a daemon whose TCP feed goes silent.

Usage: liveness_e2e.py BUILD_DIR SOURCE_DIR

adrmon-cast publishes data/sample up to +170 s (WB/9898 sell_adr is open then) and
exits: the feed is silent. Within silence_ms + one watchdog tick the source must be
down in /health (503, JSON naming it), in /metrics (adrmon_source_up 0,
adrmon_source_last_tick_seconds) and in the log, and the open breach must close
`feed_down` stamped with the latest event time seen. A second adrmon-cast then
publishes the rest: the source comes up again (log, /health 200) and the breach
opens again. `adrmon replay` of the same ticks has no feed_down at all and agrees
with the daemon up to the outage.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from e2e_common import fail, free_port, killed_at_exit, merged_lines, sample_files

BUILD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
CAST = os.path.join(BUILD, "tools", "adrmon-cast")
DEMO = os.path.join(SRC, "config", "demo.toml")
SAMPLE = sample_files(SRC)
WORK = tempfile.mkdtemp(prefix="adrmon-liveness-")
S0 = 1763951400000000000  # data/sample's first instant
SILENCE_MS = 1500
PROCS = killed_at_exit()


def check(cond, msg):
    if not cond:
        fail(msg)


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    fail("timed out waiting for " + what)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return 0, ""


def alerts(path):
    try:
        return [json.loads(l) for l in open(path) if l.strip()]
    except FileNotFoundError:
        return []


def metric(text, name, source):
    for line in text.splitlines():
        if line.startswith('%s{source="%s"}' % (name, source)):
            return float(line.rsplit(" ", 1)[1])
    return None


def cast(port, path):
    p = subprocess.Popen([CAST, "--config", DEMO, "--listen", "tcp://127.0.0.1:%d" % port,
                          "--speed", "max", path], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    PROCS.append(p)
    return p


def main():
    lines = merged_lines(SAMPLE)
    ts = [json.loads(l)["ts"] for l in lines]
    cut = S0 + 170_000_000_000
    a = os.path.join(WORK, "a.jsonl")
    c = os.path.join(WORK, "c.jsonl")
    open(a, "wb").writelines(l for l, t in zip(lines, ts) if t < cut)
    open(c, "wb").writelines(l for l, t in zip(lines, ts) if t >= cut)
    last_a = max(t for t in ts if t < cut)

    port, dash = free_port(), free_port()
    src = "tcp://127.0.0.1:%d?silence_ms=%d" % (port, SILENCE_MS)
    out = os.path.join(WORK, "alerts.jsonl")
    err = open(os.path.join(WORK, "daemon.stderr"), "w+")
    cast1 = cast(port, a)
    time.sleep(0.2)
    d = subprocess.Popen([ADRMON, "run", "--config", DEMO, "--source", src, "--alerts", out,
                          "--no-stdout-alerts", "--dashboard", "127.0.0.1:%d" % dash],
                         stdout=subprocess.DEVNULL, stderr=err)
    PROCS.append(d)
    base = "http://127.0.0.1:%d" % dash
    wait_for(lambda: get(base + "/health")[0] == 200, 10, "the dashboard")
    check(cast1.wait(timeout=60) == 0, "adrmon-cast (part A) failed")
    silent_from = time.monotonic()  # the cast has sent its last line and closed
    wb = lambda: [x for x in alerts(out) if x["pair"] == "WB/9898" and x["side"] == "sell_adr"]
    wait_for(lambda: wb() and wb()[-1]["kind"] in ("open", "close"), 10, "WB/9898 alerts")
    # Down within silence_ms + one watchdog tick (250 ms at most) + scheduling slack.
    status, body = wait_for(lambda: (lambda r: r if r[0] == 503 else None)(get(base + "/health")),
                            10, "/health 503")
    took = time.monotonic() - silent_from
    check(took <= SILENCE_MS / 1000 + 0.25 + 0.5,
          "source down after %.3f s, silence_ms is %d" % (took, SILENCE_MS))
    h = json.loads(body)
    check(h["status"] == "unhealthy" and h["sources"][0]["name"] == src and
          h["sources"][0]["state"] == "down", "/health body: %s" % body)
    check(h["alert_log"] == "ok", "alert log state in /health: %s" % body)
    m = get(base + "/metrics")[1]
    check(metric(m, "adrmon_source_up", src) == 0, "adrmon_source_up must be 0")
    age = metric(m, "adrmon_source_last_tick_seconds", src)
    check(age is not None and age >= SILENCE_MS / 1000, "adrmon_source_last_tick_seconds %s" % age)
    check(metric(m, "adrmon_source_downs_total", src) == 1, "adrmon_source_downs_total")
    closed = wait_for(lambda: [x for x in wb() if x.get("reason") == "feed_down"], 5,
                      "WB/9898 to close feed_down")[0]
    check(closed["ts"] == last_a, "feed_down close stamped %d, latest event ts %d" %
          (closed["ts"], last_a))
    every = alerts(out)
    check(all(every[i]["ts"] <= every[i + 1]["ts"] for i in range(len(every) - 1)),
          "alert stream out of order")
    check(not any(x["kind"] == "open" and x["ts"] == last_a for x in every[every.index(closed):]),
          "nothing may open while the feed is down")
    log = err.read() if err.seek(0) == 0 else ""
    check("source down" in log and "every pair gated feed_down" in log, "log lines:\n" + log)

    cast2 = cast(port, c)
    wait_for(lambda: get(base + "/health")[0] == 200, 15, "/health 200 after the feed returns")
    check(cast2.wait(timeout=60) == 0, "adrmon-cast (part C) failed")
    reopened = wait_for(lambda: [x for x in wb() if x["kind"] == "open" and x["ts"] >= cut], 10,
                        "WB/9898 to open again")[0]
    err.seek(0)
    log = err.read()
    check("source up" in log and "every venue has a live source again" in log, "log:\n" + log)
    d.terminate()
    check(d.wait(timeout=60) == 0, "daemon exit code")

    # Replay of the same ticks: unchanged (no wall clock, no feed_down), and the
    # daemon agrees with it up to the outage.
    both = os.path.join(WORK, "ac.jsonl")
    open(both, "wb").writelines(lines)
    rep = os.path.join(WORK, "replay.jsonl")
    subprocess.run([ADRMON, "replay", "--config", DEMO, "--alerts", rep, "--quiet", both],
                   check=True)
    r = alerts(rep)
    check(not any(x.get("reason") == "feed_down" for x in r), "replay produced feed_down")
    before = [x for x in alerts(out) if x["ts"] < last_a]
    check(before == [x for x in r if x["ts"] < last_a], "daemon and replay differ before the outage")
    print("liveness: silent feed down after %.3f s (silence_ms %d) -> /health 503, "
          "adrmon_source_up 0, WB/9898 closed feed_down at ts %d (latest seen); feed back -> "
          "/health 200, reopened at +%.3f s; replay has no feed_down and %d alerts agree before "
          "the outage" % (took, SILENCE_MS, closed["ts"], (reopened["ts"] - S0) / 1e9, len(before)))


main()
