#!/usr/bin/env python3
# Length: one case per fault class (bad inputs, disconnect, silence,
# unwritable and full logs, kill -9, TERM under load, soak), each a short
# function; split further they would only share more boilerplate.
"""Robustness end-to-end tests: the real binaries under bad input, faults and load.

Usage: robustness_e2e.py CASE BUILD_DIR SOURCE_DIR

  bad_inputs        every class of tests/data/bad (and > 1 MiB lines made here):
                    exact reject counts by reason from `replay --summary-json`,
                    alerts identical to the file without its bad lines, and
                    `adrmon run` over the same file agreeing with replay
  disconnect        a TCP feed cut mid-line, refused for a second, then back
  silence           one venue goes silent (pairs gate to stale, open breaches
                    close "stale") and comes back (breaches reopen); then every
                    feed silent for a while
  alert_unwritable  alert log path unusable at start: one clear message, exit 2
  alert_full        alert log on /dev/full, and a file that fills mid-run
                    (RLIMIT_FSIZE): the engine is unaffected, losses counted and
                    reported, exit 1, never a broken line
  kill9             kill -9 mid-run, then restart on the same alert log
  term_load         SIGTERM under load (file with bad lines, and TCP) drains
                    without loss
  soak              5 million ticks at full speed through files and through TCP,
                    RSS sampled: flat memory, no drops, counts add up, alerts
                    equal replay's; then the files again with /metrics sampled
                    while they stream: read >= accepted + rejected in every
                    sample, equal at rest (~20 s, ~650 MB of temporary files). Skipped
                    (exit 77) in sanitizer builds -- it measures the Release
                    build -- and with ADRMON_SOAK=0; ADRMON_SOAK_SECONDS sets
                    the length of the generated day (default 4800 s).

Every case writes under a fresh temporary directory and binds loopback only.
The [dashboard] table is dropped from the demo config so cases can run side
by side (it would bind a fixed port).
"""
import json
import os
import atexit
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from e2e_common import free_port, killed_at_exit, merged_lines, wait_until

CASE, BUILD, SRC = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
CAST = os.path.join(BUILD, "tools", "adrmon-cast")
GEN = os.path.join(BUILD, "tools", "adrmon-gen")
BAD = os.path.join(SRC, "tests", "data", "bad")
SAMPLE = [os.path.join(SRC, "data", "sample", n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
WORK = tempfile.mkdtemp(prefix="adrmon-robust-")
# Removed on success (the soak day is ~650 MB); kept when a case fails.
atexit.register(lambda: os.environ.get("ADRMON_KEEP_WORK") or shutil.rmtree(WORK, True))
S0 = 1763951400000000000  # data/sample's first instant
REASONS = ("line_too_long", "invalid_json", "duplicate_field", "wrong_type", "missing_field",
           "unknown_type", "bad_venue", "unknown_symbol", "bad_timestamp", "bad_price", "bad_size",
           "crossed_quote", "fx_out_of_band", "out_of_order")


PROCS = killed_at_exit()  # every process started


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    PROCS.append(p)
    return p


def fail(msg):
    print("FAIL:", msg, "(files kept in %s)" % WORK, file=sys.stderr)
    os.environ["ADRMON_KEEP_WORK"] = "1"
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def demo_config():
    """config/demo.toml without its [dashboard] table."""
    out, skip = [], False
    for line in open(os.path.join(SRC, "config", "demo.toml")):
        if line.startswith("["):
            skip = line.strip() == "[dashboard]"
        if not skip:
            out.append(line)
    path = os.path.join(WORK, "demo.toml")
    open(path, "w").writelines(out)
    return path


DEMO = demo_config()


def fresh(name):
    return os.path.join(WORK, "%s-%d" % (name, time.monotonic_ns()))


def replay(files, config=DEMO):
    """(alerts text, summary dict) of `adrmon replay` over files."""
    out, summ = fresh("replay.jsonl"), fresh("replay.summary.json")
    subprocess.run([ADRMON, "replay", "--config", config, "--alerts", out, "--summary-json", summ,
                    "--quiet", *files], check=True)
    return open(out).read(), json.load(open(summ))


def start_daemon(sources, name, extra=(), config=DEMO, alerts=None, **popen):
    alerts = alerts or os.path.join(WORK, name + ".jsonl")
    summary = os.path.join(WORK, name + ".summary.json")
    err = open(os.path.join(WORK, name + ".stderr"), "w+")
    args = [ADRMON, "run", "--config", config, "--alerts", alerts, "--summary-json", summary,
            "--no-stdout-alerts"]
    for s in sources:
        args += ["--source", s]
    proc = spawn(args + list(extra), stdout=subprocess.DEVNULL, stderr=err, **popen)
    return proc, alerts, summary, err


def wait_exit(proc, what, timeout=60):
    """The exit code; on a hang, every thread's stack (gdb) is printed before failing."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if shutil.which("gdb"):
            r = subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-ex", "thread apply all bt 20"],
                               capture_output=True, text=True, timeout=120)
            print("\n".join(l for l in r.stdout.splitlines() if l.startswith(("Thread", "#"))),
                  file=sys.stderr)
        fail("%s: the daemon did not exit within %d s (stacks above)" % (what, timeout))


def wait_running(err):
    """Until the daemon has started (its signal handlers are in place)."""
    wait_for(lambda: "adrmon: running" in stderr_text(err), 60, "the daemon to start")


def stderr_text(err):
    err.flush()
    err.seek(0)
    return err.read()


def run_files(files, name, config=DEMO, speed="max"):
    """`adrmon run` over files until they end: (rc, alerts text, summary, stderr)."""
    proc, alerts, summary, err = start_daemon(["file:%s?speed=%s" % (f, speed) for f in files], name,
                                              ["--exit-when-done"], config)
    rc = proc.wait(timeout=300)
    text = open(alerts).read() if os.path.exists(alerts) else ""
    s = json.load(open(summary)) if os.path.exists(summary) else None
    return rc, text, s, stderr_text(err)


def wait_for(pred, timeout, what):
    if not wait_until(pred, timeout, 0.02):
        fail("timed out waiting for " + what)


def lines_of(path):
    try:
        with open(path, "rb") as f:
            return f.read().split(b"\n")[:-1]
    except FileNotFoundError:
        return []


def complete_lines(path, what):
    """The alert log's lines, each checked to be one complete JSON object."""
    data = open(path, "rb").read()
    check(data == b"" or data.endswith(b"\n"), "%s: the alert log ends in a cut line" % what)
    out = []
    for raw in data.split(b"\n")[:-1]:
        try:
            out.append(json.loads(raw))
        except ValueError:
            fail("%s: broken alert line %r" % (what, raw[:120]))
    return out


def counts_add_up(s, what):
    check(s["ticks_read"] == s["accepted"] + s["rejected"] + s["dropped"],
          "%s: ticks read %d != accepted %d + rejected %d + dropped %d" %
          (what, s["ticks_read"], s["accepted"], s["rejected"], s["dropped"]))
    check(s["rejected"] == sum(s["rejects"].values()), "%s: rejects by reason do not add up" % what)


def write(path, lines):
    with open(path, "wb") as f:
        f.writelines(lines)
    return path


def gen_day(name, seconds, seed, extra=()):
    out = os.path.join(WORK, name)
    subprocess.run([GEN, "--config", DEMO, "--out", out, "--seed", str(seed), "--duration-s",
                    str(seconds), *extra], check=True, stdout=subprocess.DEVNULL)
    return [os.path.join(out, n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]


def status_ticks_read(err):
    """The last `status:` line's ticks read, or -1."""
    last = -1
    for line in stderr_text(err).splitlines():
        if line.startswith("status:") and "ticks read " in line:
            last = int(line.split("ticks read ")[1].split()[0])
    return last


# ---------------------------------------------------------------- bad inputs

def without_bad_lines(data, base_lines):
    """Matches base's lines, in order, inside `data` (a leading BOM dropped, CRLF as LF).
    Returns the lines left over (the bad ones); fails if base is not a subsequence."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    left, j = [], 0
    for line in lines:
        if j < len(base_lines) and line == base_lines[j]:
            j += 1
        else:
            left.append(line)
    check(j == len(base_lines), "the file is not base.jsonl plus extra lines (%d of %d matched)" %
          (j, len(base_lines)))
    return left


def case_bad_inputs():
    manifest = json.load(open(os.path.join(BAD, "MANIFEST.json")))
    # The committed corpus is what its generator writes.
    regen = os.path.join(WORK, "corpus")
    subprocess.run([sys.executable, os.path.join(BAD, "make_corpus.py"), SRC, regen], check=True)
    for name in list(manifest) + ["base", "MANIFEST"]:
        ext = ".json" if name == "MANIFEST" else ".jsonl"
        check(open(os.path.join(BAD, name + ext), "rb").read() ==
              open(os.path.join(regen, name + ext), "rb").read(),
              "tests/data/bad/%s%s is stale: rerun tests/data/bad/make_corpus.py" % (name, ext))
    huge = os.path.join(WORK, "huge_lines.jsonl")
    out = subprocess.run([sys.executable, os.path.join(BAD, "make_corpus.py"), SRC, "--huge", huge],
                         check=True, capture_output=True, text=True).stdout
    manifest["huge_lines"] = json.loads(out)

    base = os.path.join(BAD, "base.jsonl")
    base_lines = lines_of(base)
    base_alerts, base_summary = replay([base])
    check(len(base_alerts.splitlines()) >= 2 and base_summary["rejected"] == 0,
          "base.jsonl must be clean and raise alerts")

    print("%-17s %6s %8s %6s %6s  %s" % ("class", "lines", "accepted", "blank", "alerts", "rejects"))
    for name, meta in sorted(manifest.items()):
        path = huge if name == "huge_lines" else os.path.join(BAD, name + ".jsonl")
        what = "%s (%s)" % (name, meta["what"])
        alerts, s = replay([path])
        counts_add_up(s, what)
        for reason in REASONS:
            check(s["rejects"][reason] == meta["rejects"].get(reason, 0),
                  "%s: %s = %d, expected %d" % (what, reason, s["rejects"][reason],
                                                 meta["rejects"].get(reason, 0)))
        check(s["blank_lines"] == meta["blank_lines"],
              "%s: blank lines %d, expected %d" % (what, s["blank_lines"], meta["blank_lines"]))
        for line in alerts.splitlines():
            json.loads(line)
        mode = meta["mode"]
        if mode == "clean":
            left = without_bad_lines(open(path, "rb").read(), base_lines)
            check(len(left) == s["rejected"] + s["blank_lines"],
                  "%s: %d extra lines but %d rejects + %d blank" %
                  (what, len(left), s["rejected"], s["blank_lines"]))
            check(s["accepted"] == len(base_lines), "%s: accepted %d of base's %d" %
                  (what, s["accepted"], len(base_lines)))
        if mode in ("clean", "seq"):
            check(alerts == base_alerts, "%s: alerts differ from base.jsonl's" % what)
        if mode in ("exact", "seq"):
            check(s["rejected"] == 0 and s["accepted"] == len(lines_of(path)),
                  "%s: every line must be accepted" % what)
        if mode == "empty":
            check(s["ticks_read"] == 0 and alerts == "", "%s: no ticks, no alerts" % what)

        # The daemon over the same file: the same counts and the same alerts.
        rc, dalerts, ds, derr = run_files([path], "bad-" + name)
        check(rc == 0, "%s: adrmon run exited %d: %s" % (what, rc, derr))
        counts_add_up(ds, what + " (run)")
        check(ds["rejects"] == s["rejects"] and ds["ticks_read"] == s["ticks_read"] and
              ds["blank_lines"] == s["blank_lines"],
              "%s: run counts %s differ from replay's %s" % (what, ds["rejects"], s["rejects"]))
        check(dalerts == alerts, "%s: run's alerts differ from replay's" % what)
        if mode == "seq":
            src = ds["sources"][0]
            for key, want in meta["seq"].items():
                check(src[key] == want, "%s: %s = %d, expected %d" % (what, key, src[key], want))
        nz = {k: v for k, v in s["rejects"].items() if v}
        extra = " seq %s" % meta["seq"] if mode == "seq" else ""
        print("%-17s %6d %8d %6d %6d  %s%s" % (name, s["ticks_read"], s["accepted"],
                                               s["blank_lines"], len(alerts.splitlines()),
                                               nz or "-", extra))
    print("bad inputs: %d classes, exact reject counts, alerts as without the bad lines, "
          "run == replay" % len(manifest))


# ---------------------------------------------------------------- faults

class TcpFeed:
    """A TCP tick server we control: serve(data) to the next client, then close it."""

    def __init__(self, port):
        self.port = port
        self.listener = None

    def listen(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(4)

    def serve(self, data):
        conn, _ = self.listener.accept()
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        conn.close()

    def close(self):
        self.listener.close()


def case_disconnect():
    lines = merged_lines(SAMPLE)
    k = len(lines) // 3
    lost = lines[k]
    expected, _ = replay([write(os.path.join(WORK, "delivered.jsonl"), lines[:k] + lines[k + 1:])])
    feed = TcpFeed(free_port())
    feed.listen()
    done = threading.Event()

    def server():
        feed.serve(b"".join(lines[:k]) + lost[:len(lost) // 2])  # cut mid-line
        feed.close()
        time.sleep(1.0)  # refused meanwhile: the daemon backs off and retries
        feed.listen()
        feed.serve(b"".join(lines[k + 1:]))
        done.set()
    t = threading.Thread(target=server, daemon=True)
    t.start()
    proc, alerts, summary, err = start_daemon(["tcp://127.0.0.1:%d" % feed.port], "disconnect",
                                              ["--status-interval", "0.1"])
    check(done.wait(60), "the daemon did not reconnect")
    wait_for(lambda: status_ticks_read(err) >= len(lines), 60, "every line read")
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=60) == 0, "daemon exit code")
    s = json.load(open(summary))
    src = s["sources"][0]
    text = stderr_text(err)
    counts_add_up(s, "disconnect")
    # At least the reconnect after the cut; once the feed ends the daemon keeps
    # trying (a slower build may get one more connect in before TERM).
    check(src["connects"] >= 2 and src["disconnects"] >= 1, "connects/disconnects: %s" % src)
    check("reconnected after" in text and "refused" in text, "refusal and reconnect not reported")
    check(s["rejected"] == 1 and s["rejects"]["invalid_json"] == 1,
          "the line cut by the drop must be one invalid_json: %s" % s["rejects"])
    check(s["accepted"] == len(lines) - 1, "accepted %d of %d" % (s["accepted"], len(lines) - 1))
    check(src["seq_gaps"] == 1 and src["seq_missing"] == 1, "the lost line's seq gap: %s" % src)
    got = open(alerts).read()
    check(got == expected, "alerts differ from replay of the ticks delivered")
    print("disconnect: cut mid-line, refused ~1 s, reconnected; 1 invalid_json (the cut line), "
          "seq gap 1 (missing 1) reported, %d ticks accepted, %d alerts identical to replay" %
          (s["accepted"], len(got.splitlines())))


def case_silence():
    # WB/9898 is dislocated (sell_adr) from +163.8 s to +183.8 s in data/sample.
    lines = merged_lines(SAMPLE)
    ts = [json.loads(l)["ts"] for l in lines]
    hk = [b'"venue":"HK"' in l for l in lines]
    quiet_from, quiet_to = S0 + 168_000_000_000, S0 + 175_000_000_000
    a = [l for l, t in zip(lines, ts) if t < quiet_from]
    b = [l for l, t, h in zip(lines, ts, hk) if quiet_from <= t < quiet_to and not h]
    c = [l for l, t in zip(lines, ts) if t >= quiet_to]
    path = os.path.join(WORK, "silence-ticks.jsonl")
    open(path, "wb").close()
    proc, alerts, summary, err = start_daemon(["file:%s?follow=1" % path], "silence",
                                              ["--status-interval", "0.1"])
    written = 0

    def phase(chunk):
        nonlocal written
        with open(path, "ab") as f:
            f.writelines(chunk)
        written += len(chunk)
        wait_for(lambda: status_ticks_read(err) >= written, 30, "the daemon to read the file")
        time.sleep(0.3)  # the sink flushes when its queue runs dry
        return [json.loads(x) for x in lines_of(alerts)]

    wb = lambda got: [x for x in got if x["pair"] == "WB/9898" and x["side"] == "sell_adr"]
    got = wb(phase(a))
    check(got and got[-1]["kind"] == "open", "WB/9898 sell_adr must be open before the silence")
    got = wb(phase(b))
    check(got[-1]["kind"] == "close" and got[-1]["reason"] == "stale",
          "WB/9898 must close stale while HK is silent, got %s" % got[-1])
    stale = got[-1]
    check(stale["ts"] - stale["hk_ts"] > 3_000_000_000 and quiet_from < stale["ts"] < quiet_to,
          "the stale close must come once the HK leg is over 3 s old")
    # Every feed silent for 2 s of wall time: nothing may happen (event time stands still).
    before = open(alerts, "rb").read()
    time.sleep(2.0)
    check(proc.poll() is None and open(alerts, "rb").read() == before,
          "the daemon acted while every feed was silent")
    got = wb(phase(c))
    reopened = [x for x in got if x["kind"] == "open" and x["ts"] >= quiet_to]
    check(reopened, "WB/9898 must reopen once HK quotes return")
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=60) == 0, "daemon exit code")
    s = json.load(open(summary))
    counts_add_up(s, "silence")
    expected, _ = replay([path])
    check(open(alerts).read() == expected, "alerts differ from replay of the file as written")
    print("silence: HK silent 7 s -> WB/9898 closed stale at +%.3f s (HK leg %.3f s old); all "
          "feeds silent 2 s -> nothing; HK back -> reopened at +%.3f s; %d alerts == replay" %
          ((stale["ts"] - S0) / 1e9, (stale["ts"] - stale["hk_ts"]) / 1e9,
           (reopened[0]["ts"] - S0) / 1e9, len(expected.splitlines())))


def case_alert_unwritable():
    cases = [(os.path.join(WORK, "no-such-dir", "alerts.jsonl"), "a missing directory"),
             (WORK, "a directory"),
             (os.path.join(DEMO, "alerts.jsonl"), "a path under a regular file")]
    # (Root bypasses file modes, so a chmod 0444 file would not do; the
    # full-at-start case, /dev/full, is in alert_full.)
    for path, what in cases:
        for cmd in ("run", "replay"):
            args = [ADRMON, cmd, "--config", DEMO, "--alerts", path]
            args += ["--source", "file:" + SAMPLE[2]] if cmd == "run" else [SAMPLE[2]]
            r = subprocess.run(args, capture_output=True, text=True, timeout=60)
            msg = r.stderr.strip()
            check(r.returncode == 2, "%s %s: exit %d, expected 2: %s" % (cmd, what, r.returncode, msg))
            check(len(msg.splitlines()) == 1 and path in msg and "cannot open" in msg,
                  "%s %s: expected one clear line naming the path, got: %s" % (cmd, what, msg))
            print("alert log on %s: %s exits 2: %s" % (what, cmd, msg))


def case_alert_full():
    lines = merged_lines(SAMPLE)
    whole = write(os.path.join(WORK, "merged.jsonl"), lines)
    expected, rs = replay([whole])
    # /dev/full from the start.
    proc, _, summary, err = start_daemon(["file:%s?speed=max" % whole], "devfull", ["--exit-when-done"],
                                         alerts="/dev/full")
    rc = proc.wait(timeout=120)
    s, text = json.load(open(summary)), stderr_text(err)
    check(rc == 1, "/dev/full: exit %d, expected 1" % rc)
    check(s["accepted"] == len(lines) and s["rejected"] == 0, "/dev/full: the engine lost ticks")
    check((s["alerts"], s["opens"], s["closes"]) == (rs["alerts"], rs["opens"], rs["closes"]),
          "/dev/full: the engine's alerts differ from replay's")
    check(s["alert_write_errors"] >= 1 and s["alerts_lost"] == rs["alerts"] and
          "/dev/full" in text and "No space left" in text and "%d alert(s) lost" % rs["alerts"] in text,
          "/dev/full: the failure is not counted and reported: %s %s" % (s, text[-400:]))
    report = [l for l in text.splitlines() if "/dev/full" in l]
    print("alert log on /dev/full: all %d ticks accepted, %d alerts raised, exit 1: %s" %
          (s["accepted"], s["alerts"], report[-1]))

    # A disk that fills mid-run: RLIMIT_FSIZE caps the alert log (SIGXFSZ ignored,
    # so write(2) fails with EFBIG, short writes included).
    files = gen_day("fullday", 900, seed=4, extra=("--dislocations", "40"))
    expected, rs = replay(files)
    exp_lines = expected.encode().split(b"\n")[:-1]
    limit = len(expected) // 2
    log = os.path.join(WORK, "full.jsonl")

    def cap():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    summary = os.path.join(WORK, "full.summary.json")
    r = subprocess.run([ADRMON, "run", "--config", DEMO, "--alerts", log, "--summary-json", summary,
                        "--no-stdout-alerts", "--exit-when-done"] +
                       sum((["--source", "file:%s?speed=max" % f] for f in files), []),
                       capture_output=True, text=True, preexec_fn=cap, timeout=300)
    s = json.load(open(summary))
    got = complete_lines(log, "disk full mid-run")
    check(r.returncode == 1, "disk full mid-run: exit %d, expected 1" % r.returncode)
    check(s["accepted"] == rs["accepted"] and s["alerts"] == rs["alerts"],
          "disk full mid-run: the engine was affected")
    check(0 < len(got) < len(exp_lines), "disk full mid-run: expected a partial log, got %d of %d" %
          (len(got), len(exp_lines)))
    # The writer retries later batches, and a smaller one may still fit: the
    # log is replay's alerts in order with the lost ones missing (a gap), never
    # a broken or reordered line.
    want, i, kept = [json.loads(x) for x in exp_lines], 0, []
    for a in got:
        while i < len(want) and want[i] != a:
            i += 1
        check(i < len(want), "disk full mid-run: a line on disk is not one of replay's, in order")
        kept.append(i)
        i += 1
    lost = len(exp_lines) - len(got)
    check(s["alert_write_errors"] >= 1 and s["alerts_lost"] == lost and "File too large" in r.stderr
          and "%d alert(s) lost" % lost in r.stderr,
          "disk full mid-run: not counted (%d lost) or reported: %s" % (lost, r.stderr[-400:]))
    print("alert log full mid-run (cap %d bytes): %d of %d alerts on disk (replay's #%s), all "
          "complete and in order, %d lost and counted; engine accepted all %d ticks; exit 1: %s" %
          (limit, len(got), len(exp_lines), ranges(kept), lost, s["accepted"],
           [l for l in r.stderr.splitlines() if "error" in l][-1]))


def ranges(idx):
    """[0, 1, 2, 7, 8] -> '1-3,8-9' (1-based)."""
    out, start = [], None
    for k, v in enumerate(idx):
        if start is None:
            start = v
        if k + 1 == len(idx) or idx[k + 1] != v + 1:
            out.append("%d-%d" % (start + 1, v + 1) if v > start else "%d" % (start + 1))
            start = None
    return ",".join(out)


def case_kill9():
    files = gen_day("killday", 900, seed=6, extra=("--dislocations", "60"))
    expected, _ = replay(files)
    exp = [json.loads(x) for x in expected.splitlines()]
    log = os.path.join(WORK, "kill9.jsonl")
    rng = random.Random(9)
    for i in range(3):
        if os.path.exists(log):
            os.remove(log)
        proc, _, _, err = start_daemon(["file:%s?speed=200" % f for f in files], "kill9-%d" % i,
                                       alerts=log)
        wait_for(lambda: len(lines_of(log)) >= 3 + 5 * i, 60, "alerts before the kill")
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        got = complete_lines(log, "after kill -9 #%d" % (i + 1))
        check(got == exp[:len(got)], "after kill -9: the log is not replay's first alerts")
        print("kill -9 #%d: %d alerts on disk, every line complete, == replay's first %d" %
              (i + 1, len(got), len(got)))
    # A write torn by a crash (simulated: kill -9 cannot split one write(2) of
    # a regular file): the restart must drop the cut line and say so.
    kept = open(log, "rb").read()
    cut = json.dumps(exp[len(got)], separators=(",", ":")).encode()[:57]
    open(log, "ab").write(cut)
    proc, _, summary, err = start_daemon(["file:%s?speed=max" % f for f in files], "restart",
                                         ["--exit-when-done"], alerts=log)
    check(proc.wait(timeout=120) == 0, "restart exit code")
    text = stderr_text(err)
    check("dropped a cut last line (%d bytes)" % len(cut) in text,
          "the restart did not report the repair: %s" % text)
    got = complete_lines(log, "after the restart")
    check(open(log, "rb").read().startswith(kept), "the restart changed complete lines")
    check(got == exp[:len(kept.splitlines())] + exp, "after the restart: prefix + a full run")
    print("restart on a log with a cut last line: '%s'; log = %d alerts before the kill + %d "
          "of the new run, every line complete" %
          ([l for l in text.splitlines() if "cut last line" in l][0], len(kept.splitlines()), len(exp)))


def case_term_load():
    # A loaded file with bad lines mixed in: TERM at several points.
    files = gen_day("termday", 900, seed=3, extra=("--quote-rate", "8", "--dislocations", "40"))
    lines = merged_lines(files)
    bad = [l + b"\n" for name in sorted(os.listdir(BAD)) if name.endswith(".jsonl")
           for l in without_bad_lines_safe(os.path.join(BAD, name))]
    mixed = []
    for i, l in enumerate(lines):
        mixed.append(l)
        if i % 997 == 0:
            mixed.append(bad[(i // 997) % len(bad)])
    path = write(os.path.join(WORK, "load.jsonl"), mixed)
    expected, rs = replay([path])
    exp = [json.loads(x) for x in expected.splitlines()]
    check(rs["rejected"] > 0, "the load file must carry bad lines")
    for delay in (0.01, 0.04, 0.08):
        proc, alerts, summary, err = start_daemon(["file:%s?speed=max" % path],
                                                  "term-%.2f" % delay)
        wait_running(err)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        check(wait_exit(proc, "TERM (file)") == 0, "TERM exit code")
        s = json.load(open(summary))
        counts_add_up(s, "TERM after %.2f s" % delay)
        check(s["dropped"] == 0, "a file source dropped ticks")
        got = complete_lines(alerts, "TERM")
        check(s["alerts"] == len(got), "summary says %d alerts, log has %d" % (s["alerts"], len(got)))
        check(got == exp[:len(got)], "alerts under load are not replay's prefix")
        for k, v in s["rejects"].items():
            check(v <= rs["rejects"][k], "more %s rejects than in the whole file" % k)
        print("TERM after %.2f s (file): read %d = accepted %d + rejected %d, dropped 0; %d alerts "
              "on disk == summary == replay's first %d" %
              (delay, s["ticks_read"], s["accepted"], s["rejected"], len(got), len(got)))
    # TCP at full speed, TERM mid-stream.
    port = free_port()
    cast = spawn([CAST, "--config", DEMO, "--listen", "tcp://127.0.0.1:%d" % port,
                             "--speed", "max", *files], stderr=subprocess.DEVNULL)
    proc, alerts, summary, err = start_daemon(["tcp://127.0.0.1:%d" % port], "term-tcp",
                                              ["--status-interval", "0.02"])
    wait_for(lambda: status_ticks_read(err) > 0, 60, "ticks over TCP")
    proc.send_signal(signal.SIGTERM)
    check(wait_exit(proc, "TERM (tcp)") == 0, "TERM exit code (tcp)")
    cast.kill()
    cast.wait()
    s = json.load(open(summary))
    counts_add_up(s, "TERM over TCP")
    got = complete_lines(alerts, "TERM over TCP")
    full, _ = replay(files)
    check(got == [json.loads(x) for x in full.splitlines()][:len(got)], "TCP alerts not a prefix")
    check(s["alerts"] == len(got), "summary and log disagree over TCP")
    print("TERM once ticks flow (tcp): read %d = accepted %d + rejected %d + dropped %d; %d alerts, "
          "replay's prefix" % (s["ticks_read"], s["accepted"], s["rejected"], s["dropped"], len(got)))


def without_bad_lines_safe(path):
    """The bad lines of one corpus file (no blank lines; none longer than a tick line x 4)."""
    base = lines_of(os.path.join(BAD, "base.jsonl"))
    data = open(path, "rb").read()
    if not data or path.endswith(("base.jsonl", "blank_only.jsonl", "seq_gaps.jsonl",
                                  "locked.jsonl", "duplicate_ts.jsonl", "out_of_order.jsonl")):
        return []
    left = without_bad_lines(data, base)
    return [l.rstrip(b"\r") for l in left if l.strip() and b"\n" not in l and b"\r" not in l[:-1]]


# ---------------------------------------------------------------- soak

def rss_kb(pid):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n


def sample_rss(proc, err, name):
    """Samples the daemon's VmRSS every 10 ms until it exits: [(seconds, kB)]."""
    samples, start = [], time.monotonic()
    while proc.poll() is None:
        kb = rss_kb(proc.pid)
        if kb is not None:
            samples.append((time.monotonic() - start, kb))
        time.sleep(0.01)
    check(proc.returncode == 0, "soak %s: exit %d: %s" % (name, proc.returncode,
                                                          stderr_text(err)[-500:]))
    return samples, time.monotonic() - start


def flat(samples, wall, name):
    """Flat memory: after a warm-up of a fifth of the run, RSS may not grow by
    more than 8 MB however many more ticks go through. Returns (warm, end, peak) MB."""
    warm = [x for x in samples if x[0] >= wall * 0.2]
    check(len(warm) >= 20, "soak %s: too few RSS samples (%d); run longer" % (name, len(warm)))
    growth = warm[-1][1] - warm[0][1]
    check(growth < 8 * 1024, "soak %s: RSS grew %.1f MB after warm-up (%.1f -> %.1f MB)" %
          (name, growth / 1024, warm[0][1] / 1024, warm[-1][1] / 1024))
    return warm[0][1] / 1024, warm[-1][1] / 1024, max(kb for _, kb in samples) / 1024


def metrics_counts(port):
    """(read, accepted, rejected) from the daemon's /metrics, or None while it is not up."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    read = accepted = rejected = None
    for line in text.splitlines():
        if line.startswith("adrmon_ticks_read_total "):
            read = int(float(line.split()[1]))
        elif line.startswith("adrmon_ticks_accepted_total "):
            accepted = int(float(line.split()[1]))
        elif line.startswith("adrmon_ticks_rejected_total{"):
            rejected = (rejected or 0) + int(float(line.split()[-1]))
    check(read is not None and accepted is not None, "/metrics lacks the tick counters")
    return read, accepted, rejected or 0


def case_soak():
    cache = open(os.path.join(BUILD, "CMakeCache.txt")).read()
    if "ADRMON_SANITIZE:STRING=\n" not in cache or os.environ.get("ADRMON_SOAK") == "0":
        print("soak: skipped (sanitizer build, or ADRMON_SOAK=0): it measures the Release build")
        sys.exit(77)
    seconds = int(os.environ.get("ADRMON_SOAK_SECONDS", "4800"))
    t0 = time.monotonic()
    files = gen_day("soakday", seconds, seed=11, extra=("--quote-rate", "20", "--dislocations", "60"))
    total = sum(count_lines(f) for f in files)
    print("soak: generated %d ticks (%d s of 26 pairs at 20 quotes/s per instrument) in %.1f s" %
          (total, seconds, time.monotonic() - t0))
    expected, rs = replay(files)
    rows = [("soak", "ticks", "wall s", "ticks/s", "RSS warm MB", "RSS end MB", "peak MB")]

    # 1. Files at full speed (one merged, backpressured source).
    proc, alerts, summary, err = start_daemon(["file:%s?speed=max" % f for f in files], "soak-files",
                                              ["--exit-when-done"])
    samples, wall = sample_rss(proc, err, "files")
    s = json.load(open(summary))
    counts_add_up(s, "soak files")
    check(s["ticks_read"] == total and s["accepted"] == rs["accepted"] and s["dropped"] == 0,
          "soak files: read %d of %d, accepted %d (replay %d), dropped %d" %
          (s["ticks_read"], total, s["accepted"], rs["accepted"], s["dropped"]))
    check(open(alerts).read() == expected, "soak files: alerts differ from replay's")
    rows.append(("files", total, wall, total / wall) + flat(samples, wall, "files"))
    with open(os.path.join(BUILD, "soak-rss.tsv"), "w") as f:
        f.write("seconds\tvmrss_kb\n")
        f.writelines("%.3f\t%d\n" % x for x in samples)

    # 2. The same ticks over TCP from adrmon-cast at full speed.
    port = free_port()
    cast = spawn([CAST, "--config", DEMO, "--listen", "tcp://127.0.0.1:%d" % port,
                             "--speed", "max", "--wait-clients", "1", *files],
                            stderr=subprocess.DEVNULL)
    proc, alerts, summary, err = start_daemon(["tcp://127.0.0.1:%d" % port], "soak-tcp",
                                              ["--status-interval", "0.2"])
    samples, start = [], time.monotonic()
    while cast.poll() is None or status_ticks_read(err) < total:
        kb = rss_kb(proc.pid)
        if kb is not None:
            samples.append((time.monotonic() - start, kb))
        check(time.monotonic() - start < 300 and proc.poll() is None, "soak tcp: stuck or died")
        time.sleep(0.01)
    wall = time.monotonic() - start
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=60) == 0 and cast.returncode == 0, "soak tcp: exit codes")
    s = json.load(open(summary))
    counts_add_up(s, "soak tcp")
    check(s["ticks_read"] == total and s["accepted"] == rs["accepted"] and s["dropped"] == 0,
          "soak tcp: read %d of %d, accepted %d, dropped %d" %
          (s["ticks_read"], total, s["accepted"], s["dropped"]))
    check(open(alerts).read() == expected, "soak tcp: alerts differ from replay's")
    rows.append(("tcp", total, wall, total / wall) + flat(samples, wall, "tcp"))

    # 3. The files once more with the dashboard on, /metrics sampled back to back while
    #    the day streams: read >= accepted + rejected in every sample (issue 15), and
    #    read == accepted + rejected == the day once it is all in.
    port = free_port()
    proc, _, _, err = start_daemon(["file:%s?speed=max" % f for f in files], "soak-metrics",
                                   ["--dashboard", "127.0.0.1:%d" % port])
    samples, mid, done = 0, 0, None
    start = time.monotonic()
    while time.monotonic() - start < 300:
        check(proc.poll() is None, "soak metrics: the daemon died: " + stderr_text(err)[-500:])
        c = metrics_counts(port)
        if c is None:
            time.sleep(0.01)
            continue
        read, accepted, rejected = c
        samples += 1
        check(read >= accepted + rejected,
              "soak metrics: sample %d: read %d < accepted %d + rejected %d" %
              (samples, read, accepted, rejected))
        mid += 0 < read < total
        if read == total and accepted + rejected == read:
            done = c
            break
    check(done is not None, "soak metrics: counts never reached the day's %d at rest" % total)
    check(done[1] == rs["accepted"], "soak metrics: accepted %d, replay %d" % (done[1], rs["accepted"]))
    check(mid >= 20, "soak metrics: only %d samples mid-stream; the check did not bite" % mid)
    proc.send_signal(signal.SIGTERM)
    check(wait_exit(proc, "soak metrics") == 0, "soak metrics: exit code")
    print("soak: /metrics sampled %d times (%d mid-stream): read >= accepted + rejected in each; "
          "at rest read %d == accepted %d + rejected %d" % (samples, mid, done[0], done[1], done[2]))

    for r in rows:
        print("%-6s %10s %8s %10s %12s %11s %8s" % tuple(
            x if isinstance(x, str) else ("%.1f" % x if isinstance(x, float) else str(x)) for x in r))
    print("soak: %d ticks x 2 paths; read = accepted (%d) + rejected (%d), dropped 0; %d alerts == "
          "replay on both; RSS flat (< 8 MB growth after warm-up)" %
          (total, s["accepted"], s["rejected"], len(expected.splitlines())))


CASES = {"bad_inputs": case_bad_inputs, "disconnect": case_disconnect, "silence": case_silence,
         "alert_unwritable": case_alert_unwritable, "alert_full": case_alert_full,
         "kill9": case_kill9, "term_load": case_term_load, "soak": case_soak}

if __name__ == "__main__":
    CASES[CASE]()
