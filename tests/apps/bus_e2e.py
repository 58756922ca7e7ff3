#!/usr/bin/env python3
"""End-to-end tests of the bus (issue 12): real nats-server processes (-js, a free
loopback port, a temporary store, killed at exit), the real adrmon feed, run and
alerts, compared with `adrmon replay` of the same files.

Usage: bus_e2e.py CASE BUILD_DIR SOURCE_DIR   (exit 77: no nats-server installed)
  day    one feed publishes the bundled day, one engine consumes nats://: its alert
         log is replay's, line for line; `adrmon alerts --json` reads the same lines
         back from the alerts stream, `adrmon alerts` gives replay --human's lines,
         and --since T keeps alerts with ts >= T
  shards two feeds (US+FX, HK) at once; three --shard I/3 engines give one engine's
         alerts, each once; --pairs gives that engine's alerts of those pairs; the
         alerts stream holds the set once. (Under load an engine once aborted
         here in 2 of 12 runs: cnats 3.4.1's Fetch overran its array; the source
         now pulls through PullFetch, bus/src/pull_fetch.hpp, and 12 of 12 pass)
  cluster three routed servers, replicas = 3: the ticks stream's leader is killed
         mid-stream; feed, stream, engine counts and alerts reconcile, nothing lost or
         duplicated. What was in flight to the dead leader is stored after newer ticks:
         the engine's FeedOrder (bus/include/adrmon/bus/feed_order.hpp) restores the
         feed's order by the Msg-Ids' numbers
  throughput  figures, no assertion (run by hand): a generated day over tcp:// and over
         the bus in the same run, the server's own ceiling with one plain cnats client
         (adrmon-bus-ceiling) and adrmon's share of it, and feed-received ->
         engine-priced latency
  kill9  kill -9 of an engine (durable) mid-stream, restart with the same durable:
         state rebuilt from the stream, replay's alerts, each once in the stream
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request

from e2e_common import fail, free_port, killed_at_exit, sample_files, wait_until

CASE, BUILD, SRC = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
DEMO = os.path.join(SRC, "config", "demo.toml")
SAMPLE = sample_files(SRC)
SAMPLE_TICKS = 34272
WORK = tempfile.mkdtemp(prefix="adrmon-bus-e2e-")
NATS = shutil.which("nats-server") or ("/usr/sbin/nats-server" if os.path.exists("/usr/sbin/nats-server") else None)
STARTED = killed_at_exit()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def start_nats(name, extra=()):
    """One JetStream server on a free loopback port; its url once it accepts connections."""
    port = free_port()
    store = os.path.join(WORK, name + "-store")
    log = open(os.path.join(WORK, name + ".log"), "w")
    proc = subprocess.Popen([NATS, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", store,
                             "-n", name, *extra], stdout=log, stderr=subprocess.STDOUT)
    STARTED.append(proc)
    if not wait_until(lambda: port_open(port) or proc.poll() is not None, 30):
        fail("nats-server %s did not listen on %d" % (name, port))
    if proc.poll() is not None:
        fail("nats-server %s exited %d (see %s)" % (name, proc.returncode, log.name))
    return proc, "nats://127.0.0.1:%d" % port, port


def start_cluster():
    """Three JetStream servers routed into one cluster on loopback, named c1..c3; their
    procs, urls and monitoring ports."""
    cports = [free_port() for _ in range(3)]
    routes = ",".join("nats://127.0.0.1:%d" % p for p in cports)
    servers = []
    for i in range(3):
        mport = free_port()
        proc, url, _ = start_nats("c%d" % (i + 1), ["--cluster_name", "adrmon",
                                                     "--cluster", "nats://127.0.0.1:%d" % cports[i],
                                                     "--routes", routes, "-m", str(mport)])
        servers.append((proc, url, mport))
    return servers


def stream_leader(servers, stream):
    """The name (c1..c3) of the server leading `stream`, from the servers' own monitoring
    endpoint (/jsz); None until one knows it."""
    for _, _, mport in servers:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/jsz?accounts=true&streams=true"
                                        % mport, timeout=2) as r:
                jsz = json.load(r)
        except OSError:
            continue
        for account in jsz.get("account_details") or []:
            for detail in account.get("stream_detail") or []:
                leader = (detail.get("cluster") or {}).get("leader")
                if detail.get("name") == stream and leader:
                    return leader
    return None


def bus_config(url, name="bus.toml", extra=""):
    """demo.toml with a [bus] table (appended: demo.toml ends with [[pair]] tables, and
    [bus] is its own table). Paths in demo.toml are not relative, so a copy works."""
    path = os.path.join(WORK, name)
    with open(path, "w") as out:
        out.write(open(DEMO).read())
        out.write('\n[bus]\nurl = "%s"\n%s' % (url, extra))
    return path


def replay(files):
    out = os.path.join(WORK, "replay-%d.jsonl" % time.monotonic_ns())
    subprocess.run([ADRMON, "replay", "--config", DEMO, "--alerts", out, "--quiet", *files],
                   check=True)
    return open(out).read()


def run_feed(config, url, files, name):
    """adrmon feed --exit-when-done over `files`; its counters (the summary line)."""
    args = [ADRMON, "feed", "--config", config, "--bus", url, "--exit-when-done"]
    for f in files:
        args += ["--source", f]
    p = subprocess.run(args, stderr=subprocess.PIPE, text=True, timeout=120)
    open(os.path.join(WORK, name + ".stderr"), "w").write(p.stderr)
    if p.returncode != 0:
        fail("feed %s exited %d: %s" % (name, p.returncode, p.stderr))
    m = re.search(r"accepted (\d+).*published (\d+), acked (\d+), pending (\d+), retried (\d+), "
                  r"lost (\d+)", p.stderr)
    if not m:
        fail("feed %s printed no summary: %s" % (name, p.stderr))
    keys = ("accepted", "published", "acked", "pending", "retried", "lost")
    return dict(zip(keys, map(int, m.groups())))


def start_engine(config, source, name, extra=()):
    alerts = os.path.join(WORK, name + ".jsonl")
    summary = os.path.join(WORK, name + ".summary.json")
    err = open(os.path.join(WORK, name + ".stderr"), "w+")
    args = [ADRMON, "run", "--config", config, "--source", source, "--alerts", alerts,
            "--summary-json", summary, "--no-stdout-alerts", "--dashboard", "off",
            "--status-interval", "0.1", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
    STARTED.append(proc)
    return proc, alerts, summary, err


def accepted_now(err_path):
    """The engine's accepted count in its latest status line (0 before the first)."""
    found = re.findall(r"accepted (\d+)", open(err_path).read())
    return int(found[-1]) if found else 0


def short_fail(proc, summary, what):
    """Stops the engine and fails with `what` and its summary's reject reasons."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
        s = json.load(open(summary))
        reasons = {k: v for k, v in s.get("rejects", {}).items() if v}
        fail("%s (rejects %s, summary %s)" % (what, reasons, s))
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        fail("%s (no summary: %s)" % (what, e))


def stop(proc, timeout=60):
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=timeout)
    if rc != 0:
        fail("engine exited %d after SIGTERM" % rc)


def same_alerts(got, expected, what):
    for line in got.splitlines():
        json.loads(line)  # every line complete
    if got != expected:
        fail("%s: alerts differ from replay (%d vs %d lines)" %
             (what, len(got.splitlines()), len(expected.splitlines())))
    print("%s: %d alerts identical to replay" % (what, len(got.splitlines())))


def read_alert_stream(url, extra=()):
    p = subprocess.run([ADRMON, "alerts", "--bus", url, "--json", *extra], capture_output=True,
                       text=True, timeout=60)
    if p.returncode != 0:
        fail("adrmon alerts exited %d: %s" % (p.returncode, p.stderr))
    return p.stdout


def engine_on(config, source, name, ticks, extra=()):
    """Runs an engine on `source` until it has accepted `ticks`, stops it; alerts, summary."""
    proc, alerts, summary, err = start_engine(config, source, name, extra)
    if not wait_until(lambda: accepted_now(err.name) >= ticks or proc.poll() is not None, 60):
        fail("%s accepted %d of %d ticks in 60 s" % (name, accepted_now(err.name), ticks))
    if proc.poll() is not None:
        fail("%s exited %d: %s" % (name, proc.returncode, open(err.name).read()))
    stop(proc)
    s = json.load(open(summary))
    if s["accepted"] != ticks or s["ticks_read"] != s["accepted"] + s["rejected"] + s["dropped"]:
        fail("%s: accepted %d of %d, counts %s" % (name, s["accepted"], ticks, s))
    return open(alerts).read() if os.path.exists(alerts) else "", s


def case_day():
    _, url, _ = start_nats("n1")
    config = bus_config(url)
    expected = replay(SAMPLE)
    c = run_feed(config, url, SAMPLE, "feed")
    if (c["accepted"], c["published"], c["acked"], c["pending"], c["lost"]) != \
            (SAMPLE_TICKS, SAMPLE_TICKS, SAMPLE_TICKS, 0, 0):
        fail("feed counts %s" % c)
    print("feed: %d accepted, published and acked, none lost" % SAMPLE_TICKS)
    got, _ = engine_on(config, url + "?silence_ms=0", "engine", SAMPLE_TICKS)
    same_alerts(got, expected, "engine on nats://")
    same_alerts(read_alert_stream(url), expected, "alerts stream (adrmon alerts --json)")
    human = subprocess.run([ADRMON, "alerts", "--bus", url, "--config", config],
                           capture_output=True, text=True, timeout=60)
    replay_human = subprocess.run([ADRMON, "replay", "--config", DEMO, "--human", "--quiet",
                                   *SAMPLE], capture_output=True, text=True, check=True).stdout
    if human.returncode != 0 or human.stdout != replay_human:
        fail("adrmon alerts (readable): rc %d, %d lines unlike replay --human's %d" %
             (human.returncode, len(human.stdout.splitlines()), len(replay_human.splitlines())))
    human_hk = subprocess.run([ADRMON, "alerts", "--bus", url, "--config", config, "--tz",
                               "Asia/Hong_Kong"], capture_output=True, text=True, timeout=60)
    replay_hk = subprocess.run([ADRMON, "replay", "--config", DEMO, "--human", "--quiet", "--tz",
                                "Asia/Hong_Kong", *SAMPLE], capture_output=True, text=True,
                               check=True).stdout
    if human_hk.returncode != 0 or human_hk.stdout != replay_hk or "+08:00" not in replay_hk:
        fail("adrmon alerts --tz Asia/Hong_Kong: rc %d, lines unlike replay --human --tz's:\n%s" %
             (human_hk.returncode, human_hk.stdout[:400]))
    last_ts = json.loads(expected.splitlines()[-1])["ts"]
    if read_alert_stream(url, ["--since", str(last_ts)]) != expected.splitlines(True)[-1]:
        fail("adrmon alerts --since: not the last alert only")
    print("adrmon alerts: readable lines (UTC and --tz) and --since agree")


def shard_ticks(files, pairs):
    """How many ticks of `files` an engine running `pairs` (names) accepts: theirs and FX."""
    conf = tomllib.load(open(DEMO, "rb"))
    symbols = set()
    for p in conf["pair"]:
        if "%s/%s" % (p["adr"], p["hk"].lstrip("0") or "0") in pairs:
            symbols.add(("US", p["adr"]))
            symbols.add(("HK", p["hk"].lstrip("0") or "0"))
    n = 0
    for f in files:
        for line in open(f):
            r = json.loads(line)
            if r["type"] == "fx" or (r["venue"], r["sym"].lstrip("0") or "0") in symbols:
                n += 1
    return n


def pair_names():
    return ["%s/%s" % (p["adr"], p["hk"].lstrip("0") or "0")
            for p in tomllib.load(open(DEMO, "rb"))["pair"]]


def sorted_lines(text):
    return sorted(text.splitlines(True))


def case_shards():
    """Two feeds (US+FX, HK) at once; one engine, three --shard engines and a --pairs
    engine on the same stream: the shards' alerts together are the one engine's, each
    exactly once, and the alerts stream holds that set once (Msg-Id)."""
    _, url, _ = start_nats("n1")
    config = bus_config(url)
    us, hk, fx = SAMPLE
    results = {}
    feeds = [threading.Thread(target=lambda k=k, fs=fs: results.__setitem__(
        k, run_feed(config, url, fs, k))) for k, fs in (("feed_usfx", [us, fx]), ("feed_hk", [hk]))]
    for t in feeds:
        t.start()
    for t in feeds:
        t.join()
    if len(results) != 2 or any(c["lost"] or c["pending"] or c["published"] != c["acked"]
                                for c in results.values()):
        fail("feed counts %s" % results)
    if sum(c["acked"] for c in results.values()) != SAMPLE_TICKS:
        fail("the feeds acked %s, not %d ticks" % (results, SAMPLE_TICKS))
    print("two feeds: %s" % {k: c["acked"] for k, c in results.items()})
    names = pair_names()
    whole, _ = engine_on(config, url + "?silence_ms=0", "one", SAMPLE_TICKS)
    if not whole:
        fail("the one engine raised no alert")
    together = []
    for i in range(1, 4):
        mine = [n for k, n in enumerate(names) if k % 3 == i - 1]
        got, _ = engine_on(config, url + "?silence_ms=0", "shard%d" % i,
                           shard_ticks(SAMPLE, mine), ["--shard", "%d/3" % i])
        for line in got.splitlines(True):
            if json.loads(line)["pair"] not in mine:
                fail("shard %d/3 alerted on %s" % (i, line))
        together += got.splitlines(True)
    if sorted(together) != sorted_lines(whole):
        fail("three shards: %d alerts, one engine %d (sets differ)" %
             (len(together), len(whole.splitlines())))
    print("three shards: the one engine's %d alerts, each once" % len(together))
    chosen = sorted({json.loads(l)["pair"] for l in whole.splitlines()})[:2]
    got, _ = engine_on(config, url + "?silence_ms=0", "pairs", shard_ticks(SAMPLE, chosen),
                       ["--pairs", ",".join(chosen)])
    want = [l for l in whole.splitlines(True) if json.loads(l)["pair"] in chosen]
    if got.splitlines(True) != want:
        fail("--pairs %s: %d alerts, expected %d" % (",".join(chosen), len(got.splitlines()),
                                                     len(want)))
    print("--pairs %s: the one engine's %d alerts of them" % (",".join(chosen), len(want)))
    stream = read_alert_stream(url)
    if sorted_lines(stream) != sorted_lines(whole):
        fail("alerts stream: %d alerts after five engines, expected the %d once" %
             (len(stream.splitlines()), len(whole.splitlines())))
    print("alerts stream: %d alerts, each once after five engines" % len(stream.splitlines()))


def case_kill9():
    """An engine with a durable is killed (-9) mid-stream while the feed still publishes
    (paced); restarted with the same durable it rebuilds its state from the stream and
    carries on: its alert log is replay's, and the alerts stream holds every alert once."""
    _, url, _ = start_nats("n1")
    config = bus_config(url)
    expected = replay(SAMPLE)
    args = [ADRMON, "feed", "--config", config, "--bus", url, "--exit-when-done"]
    for f in SAMPLE:
        args += ["--source", "file:%s?speed=25" % f]  # the 300 s day in about 12 s
    feed_err = open(os.path.join(WORK, "feed.stderr"), "w+")
    feed = subprocess.Popen(args, stderr=feed_err)
    STARTED.append(feed)
    source = url + "?durable=eng&silence_ms=0"
    first, _, _, err1 = start_engine(config, source, "first")
    if not wait_until(lambda: accepted_now(err1.name) >= 8000 or first.poll() is not None, 60):
        fail("the first engine accepted %d ticks in 60 s" % accepted_now(err1.name))
    if first.poll() is not None:
        fail("the first engine exited %d" % first.returncode)
    first.kill()  # SIGKILL: no drain, no summary, publishes in flight lost
    first.wait()
    killed_at = accepted_now(err1.name)
    print("killed the first engine at %d ticks (%d alerts in its log)" %
          (killed_at, len(open(os.path.join(WORK, "first.jsonl")).read().splitlines())
           if os.path.exists(os.path.join(WORK, "first.jsonl")) else 0))
    if feed.poll() is not None:
        fail("the feed ended before the kill; nothing was mid-stream")
    got, s = engine_on(config, source, "second", SAMPLE_TICKS)
    if feed.wait(timeout=60) != 0:
        fail("feed exited %d: %s" % (feed.returncode, open(feed_err.name).read()))
    log = open(os.path.join(WORK, "second.stderr")).read()
    if "rebuilding state" not in log:
        fail("the restarted engine did not rebuild from the stream: %s" % log)
    same_alerts(got, expected, "engine restarted with durable after kill -9 at %d ticks" %
                killed_at)
    stream = read_alert_stream(url)
    if stream != expected:
        fail("alerts stream after kill -9 + restart: %d alerts, replay %d (or not in order)" %
             (len(stream.splitlines()), len(expected.splitlines())))
    print("alerts stream: replay's %d alerts, each exactly once" % len(stream.splitlines()))


def case_cluster():
    """R3 on a three-server cluster: the ticks stream's leader is killed (-9) while a paced
    feed publishes and an engine consumes (the hard case: what was in flight to the leader
    fails and is re-sent after newer ticks, so the stream holds them out of the feed's order
    and the engine must restore it). Feed counts (published = acked, none lost), the stream (the
    engine reads exactly the day's ticks: no loss, no duplicate) and the alerts (replay's,
    each once in the alerts stream) reconcile."""
    servers = start_cluster()
    urls = ",".join(u for _, u, _ in servers)
    config = bus_config(urls, extra="replicas = 3\n")
    expected = replay(SAMPLE)
    args = [ADRMON, "feed", "--config", config, "--exit-when-done"]
    for f in SAMPLE:
        args += ["--source", "file:%s?speed=40" % f]  # the 300 s day in about 7.5 s
    feed_err = open(os.path.join(WORK, "feed.stderr"), "w+")
    # The cluster elects its JetStream leaders in a few seconds: the feed retries the
    # stream's creation meanwhile (timeouts, no responders) for up to 30 s.
    feed = subprocess.Popen(args, stderr=feed_err)
    STARTED.append(feed)
    if not wait_until(lambda: feed.poll() is not None or
                      "source(s) ->" in open(feed_err.name).read(), 60) or feed.poll() is not None:
        fail("feed never started on the cluster: %s" % open(feed_err.name).read())
    if not wait_until(lambda: stream_leader(servers, "ADRMON_TICKS") is not None, 30):
        fail("no server names a leader of ADRMON_TICKS")
    leader = stream_leader(servers, "ADRMON_TICKS")
    names = ["c%d" % (i + 1) for i in range(3)]
    if leader not in names:
        fail("stream leader %r is none of %s" % (leader, names))
    victim = servers[names.index(leader)][0]
    survivor = next(u for (_, u, _), n in zip(servers, names) if n != leader)
    # A durable consumer is replicated like its R3 stream (an ephemeral one lives on one
    # server and goes with it).
    proc, alerts, summary, err = start_engine(config, survivor + "?durable=eng&silence_ms=0",
                                              "engine")
    if not wait_until(lambda: accepted_now(err.name) >= 6000 or proc.poll() is not None, 60):
        fail("the engine accepted %d ticks in 60 s" % accepted_now(err.name))
    victim.kill()  # SIGKILL the stream's leader mid-stream
    victim.wait()
    at = accepted_now(err.name)
    if feed.poll() is not None:
        fail("the feed ended before the server was killed")
    if feed.wait(timeout=90) != 0:
        fail("feed exited %d: %s" % (feed.returncode, open(feed_err.name).read()))
    text = open(feed_err.name).read()
    m = re.search(r"published (\d+), acked (\d+), pending (\d+), retried (\d+), lost (\d+)", text)
    if not m:
        fail("feed printed no summary: %s" % text)
    published, acked, pending, retried, lost = map(int, m.groups())
    if (published, acked, pending, lost) != (SAMPLE_TICKS, SAMPLE_TICKS, 0, 0):
        fail("feed counts after the kill: %s" % m.group(0))
    if not wait_until(lambda: accepted_now(err.name) >= SAMPLE_TICKS or proc.poll() is not None, 60):
        short_fail(proc, summary,
                   "the engine accepted %d of %d ticks" % (accepted_now(err.name), SAMPLE_TICKS))
    stop(proc)
    s = json.load(open(summary))
    if s["accepted"] != SAMPLE_TICKS or s["ticks_read"] != SAMPLE_TICKS:
        fail("engine read %d, accepted %d of %d" % (s["ticks_read"], s["accepted"], SAMPLE_TICKS))
    print("R3, stream leader %s killed at %d engine ticks: feed published = acked = %d (retried %d, lost 0), "
          "engine read and accepted %d" % (leader, at, acked, retried, s["accepted"]))
    for line in open(err.name).read().splitlines():
        if "feed order:" in line or "redelivered" in line:
            print(line.split(": ", 1)[-1] if "nats://" in line else line)
    same_alerts(open(alerts).read(), expected, "engine on the R3 cluster")
    stream = read_alert_stream(survivor)
    if sorted_lines(stream) != sorted_lines(expected):
        fail("alerts stream on R3: %d alerts, replay %d" % (len(stream.splitlines()),
                                                           len(expected.splitlines())))
    print("alerts stream on R3: replay's %d alerts, each once" % len(stream.splitlines()))


def status_times(err_path):
    """(up seconds, accepted) of every status line the engine printed."""
    return [(float(u), int(a)) for u, a in
            re.findall(r"status: up ([0-9.]+)s \| ticks read \d+ accepted (\d+)", open(err_path).read())]


def engine_rate(err_path, total):
    """ticks/s from the first status line with a tick to the first with all `total`."""
    pts = status_times(err_path)
    first = next((t, a) for t, a in pts if a > 0)
    last = next((t, a) for t, a in pts if a >= total)
    return (last[1] - first[1]) / max(last[0] - first[0], 1e-9)


def timed_engine(config, source, name, total, before_wait=None):
    proc, alerts, summary, err = start_engine(config, source, name)
    if before_wait:
        before_wait()
    if not wait_until(lambda: accepted_now(err.name) >= total or proc.poll() is not None, 300):
        fail("%s accepted %d of %d" % (name, accepted_now(err.name), total))
    time.sleep(0.25)  # not a synchronisation: one more status line after the last tick
    stop(proc)
    return engine_rate(err.name, total), json.load(open(summary))


def case_throughput():
    """Figures, not assertions: a generated day through TCP (adrmon-cast -> run) and through
    the bus (feed -> JetStream -> run), in the same run; then feed-received -> engine-priced
    latency over the bus at a pace below capacity."""
    gen = os.path.join(BUILD, "tools", "adrmon-gen")
    cast = os.path.join(BUILD, "tools", "adrmon-cast")
    seconds = int(os.environ.get("BUS_BENCH_SECONDS", "3600"))
    out = os.path.join(WORK, "day")
    subprocess.run([gen, "--config", DEMO, "--out", out, "--seed", "5", "--duration-s",
                    str(seconds)], check=True, stdout=subprocess.DEVNULL)
    files = [os.path.join(out, n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
    total = sum(1 for f in files for _ in open(f))
    print("day: %d ticks (%d s generated)" % (total, seconds))
    # TCP, the reference
    port = free_port()
    caster = []
    def start_cast():
        c = subprocess.Popen([cast, "--config", DEMO, "--listen", "tcp://127.0.0.1:%d" % port,
                              "--speed", "max", *files], stderr=subprocess.DEVNULL)
        STARTED.append(c)
        caster.append(c)
    tcp_rate, _ = timed_engine(DEMO, "tcp://127.0.0.1:%d?silence_ms=0" % port, "tcp", total,
                               start_cast)
    caster[0].wait(timeout=60)
    print("tcp://  adrmon-cast -> run:            %9.0f ticks/s" % tcp_rate)
    # The bus: publishing alone, consuming a full stream alone, then both at once.
    _, url, _ = start_nats("n1")
    config = bus_config(url)
    t0 = time.monotonic()
    c = run_feed(config, url, files, "feed")
    pub_rate = c["acked"] / (time.monotonic() - t0)
    print("bus     feed -> JetStream (acked):  %9.0f ticks/s  (%s)" % (pub_rate, c))
    cons_rate, _ = timed_engine(config, url + "?silence_ms=0", "bus_consume", total)
    print("bus     JetStream (full) -> run:    %9.0f ticks/s" % cons_rate)
    # The server's own ceiling, measured alone on a fresh server: one plain cnats
    # client, the same record size, Msg-Ids, window and stream settings.
    _, url0, _ = start_nats("n0")
    ceiling = json.loads(subprocess.run(
        [os.path.join(BUILD, "tools", "adrmon-bus-ceiling"), "--url", url0, "--count", str(total)],
        check=True, capture_output=True, text=True).stdout)
    print("server  ceiling, one cnats client:  publish %9.0f ticks/s, consume %9.0f ticks/s"
          % (ceiling["publish_per_s"], ceiling["consume_per_s"]))
    print("adrmon  share of the ceiling:       feed %3.0f %%, engine %3.0f %%"
          % (100 * pub_rate / ceiling["publish_per_s"], 100 * cons_rate / ceiling["consume_per_s"]))
    _, url2, _ = start_nats("n2")
    config2 = bus_config(url2, "bus2.toml")
    feed_box = []
    def start_feed():
        t = threading.Thread(target=lambda: feed_box.append(run_feed(config2, url2, files, "feed2")))
        t.start()
        feed_box.append(t)
    live_rate, _ = timed_engine(config2, url2 + "?silence_ms=0", "bus_live", total, start_feed)
    feed_box[0].join()
    print("bus     feed -> JetStream -> run:   %9.0f ticks/s  (both at once)" % live_rate)
    # Latency at a pace below capacity: the sample day at 20x (~2,300 ticks/s).
    _, url3, _ = start_nats("n3")
    config3 = bus_config(url3, "bus3.toml")
    paced = ["file:%s?speed=20" % f for f in SAMPLE]
    def start_paced():
        t = threading.Thread(target=lambda: run_feed(config3, url3, paced, "feed3"))
        t.start()
    _, summ = timed_engine(config3, url3 + "?silence_ms=0", "bus_latency", SAMPLE_TICKS, start_paced)
    lat = summ["latency_ns"]["recv_to_priced"]
    print("bus     latency feed-received -> engine-priced at 20x (%d ticks): p50 %.0f us, "
          "p99 %.0f us, p99.9 %.0f us" % (lat["count"], lat["p50"] / 1e3, lat["p99"] / 1e3,
                                           lat["p99_9"] / 1e3))


CASES = {"day": case_day, "shards": case_shards, "kill9": case_kill9, "cluster": case_cluster,
         "throughput": case_throughput}

if __name__ == "__main__":
    if NATS is None:
        print("SKIP: no nats-server installed")
        sys.exit(77)
    CASES[CASE]()
