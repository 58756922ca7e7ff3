#!/usr/bin/env python3
"""End to end: adrmon-gen's day as ITCH 5.0 and OMD-C, published by adrmon-cast over
MoldUDP64 (multicast on loopback, deliberate drops, a re-request server), SoupBinTCP
(deliberate cuts) and OMD-C UDP, consumed by `adrmon run`.

Usage: venue_net_e2e.py CASE BUILD_DIR SOURCE_DIR
  mold        MoldUDP64 with --drop-every 7 and --gap 300:40, re-request server: every gap
              recovered; alerts byte-identical to `adrmon replay` of the JSON day
  mold_lost   MoldUDP64 with --drop-every 5 and no re-request server: the summary's
              seq_gaps/seq_missing equal what adrmon-cast dropped on purpose
  soupbin     SoupBinTCP cut after every 400 messages: reconnects resume at the next
              sequence; alerts byte-identical
  omdc_udp    OMD-C over UDP (paced): every HK record, no gap; alerts byte-identical
              (and there are some: see below)
  omdc_lost   OMD-C over UDP with --drop-every 9: gaps reported in the summary
  omdc_rts    OMD-C over UDP with --drop-every 9 and adrmon-cast's retransmission service
              (?rts=): every drop recovered (omdc_recovered = what was dropped, no gap
              left, the lost tail seen through the linger heartbeats); alerts byte-identical
  convert_omdc  `adrmon convert --idle-ms` over omdc-udp:// with drops and the RTS: the
              output is byte-identical to `adrmon convert omdc:` of the capture cast
  convert_soupbin  `adrmon convert` over soupbin:// (cut every 400 messages): ends by
              itself at the end of session, byte-identical to `adrmon convert itch:`

`adrmon run` interleaves its sources by arrival, so for a comparison that does not
depend on timing the other two legs come first from a JSON file (read at full speed,
then the publisher starts) and the reference replays one file holding those lines
followed by the network leg's. The venue-format day (adrmon-gen --format venues) comes
with the JSON it decodes to (us.jsonl, hk.jsonl), which is what the reference uses.

With HK last, every HK quote is priced against the day's final US quotes and FX. The
generated dislocations are on the US leg, so demo.toml (enter 50 bps over 12 bps of
costs) finds no alert that way; the OMD-C cases run with TIGHT, demo.toml with no costs
and a 5 bps entry, where the HK leg's own moves open and close breaches (about 100
alerts on this day), so the comparison is over real alerts.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

from e2e_common import fail, free_port, killed_at_exit, merged_lines, wait_until

CASE, BUILD, SRC = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
CAST = os.path.join(BUILD, "tools", "adrmon-cast")
GEN = os.path.join(BUILD, "tools", "adrmon-gen")
DEMO = os.path.join(SRC, "config", "demo.toml")
WORK = tempfile.mkdtemp(prefix="adrmon-venue-net-")
STARTED = killed_at_exit()


def gen_day():
    out = os.path.join(WORK, "day")
    subprocess.run([GEN, "--out", out, "--config", DEMO, "--seed", "7", "--duration-s", "60",
                    "--format", "venues"], check=True, capture_output=True)
    itch = [n for n in os.listdir(out) if n.endswith(".NASDAQ_ITCH50")]
    if len(itch) != 1:
        fail("one ITCH file expected in %s: %s" % (out, itch))
    m = re.match(r"(\d\d)(\d\d)(\d{4})", itch[0])
    date = "%s-%s-%s" % (m.group(3), m.group(1), m.group(2))
    return out, os.path.join(out, itch[0]), os.path.join(out, "hk.omdc"), date


def lines(path):
    return [l for l in open(path).read().splitlines() if l.strip()]


def first_legs_and_reference(first_legs, name, last_leg, config=DEMO):
    """The legs read first, merged by ts into WORK/name, and the alerts of the
    reference: those records followed by the network leg's, replayed."""
    first = os.path.join(WORK, name)
    with open(first, "wb") as f:
        f.writelines(merged_lines(first_legs))
    reference = os.path.join(WORK, "reference.jsonl")
    with open(reference, "w") as f:
        f.write(open(first).read() + open(last_leg).read())
    return first, replay([reference], config)


def tight_config():
    """demo.toml with no costs and a 5 bps entry (see the module's docstring)."""
    text = open(DEMO).read()
    for old, new in (("enter_bps = 50", "enter_bps = 5"), ("exit_bps = 20", "exit_bps = 1"),
                     ("cost_bps = 12", "cost_bps = 0"),
                     ("conversion_fee_usd = 0.05", "conversion_fee_usd = 0")):
        if old not in text:
            fail("demo.toml has no '%s' line to change" % old)
        text = text.replace(old, new, 1)
    path = os.path.join(WORK, "tight.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def replay(files, config=DEMO):
    out = os.path.join(WORK, "replay.jsonl")
    subprocess.run([ADRMON, "replay", "--config", config, "--alerts", out, "--quiet", *files],
                   check=True)
    return open(out).read()


def run(first_file, net_spec, cast_args, name, ends_itself, config=DEMO):
    """The daemon over the JSON legs then the network leg; returns (alerts, summary, cast stderr)."""
    alerts = os.path.join(WORK, name + ".jsonl")
    summary = os.path.join(WORK, name + ".summary.json")
    err = open(os.path.join(WORK, name + ".stderr"), "w+")
    args = [ADRMON, "run", "--config", config, "--alerts", alerts, "--summary-json", summary,
            "--no-stdout-alerts", "--dashboard", "off", "--source", "file:%s?speed=max" % first_file,
            "--source", net_spec]
    if ends_itself:
        args.append("--exit-when-done")
    daemon = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
    STARTED.append(daemon)
    time.sleep(1.5)  # the JSON legs are in the engine before the network leg starts
    if daemon.poll() is not None:
        fail("daemon exited early: %s" % open(err.name).read())
    cast = subprocess.Popen([CAST, *cast_args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    STARTED.append(cast)
    _, cast_err = cast.communicate(timeout=120)
    if cast.returncode != 0:
        fail("adrmon-cast exit %d: %s" % (cast.returncode, cast_err))
    print(cast_err.strip())
    if ends_itself:
        try:
            rc = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            fail("the daemon did not end at the end of session: %s" % open(err.name).read())
    else:
        time.sleep(1.0)  # a network source never ends by itself: let the counts settle, then stop
        daemon.send_signal(signal.SIGTERM)
        rc = daemon.wait(timeout=60)
    err.seek(0)
    log = err.read()
    if rc != 0:
        fail("daemon exit %d: %s" % (rc, log))
    s = json.load(open(summary))
    src = [x for x in s["sources"] if x["name"] == net_spec]
    if len(src) != 1:
        fail("no summary entry for %s: %s" % (net_spec, s["sources"]))
    return open(alerts).read(), src[0], cast_err, log


def same(got, want, what):
    if got != want:
        g, w = got.splitlines(), want.splitlines()
        for i, (a, b) in enumerate(zip(g, w)):
            if a != b:
                fail("%s: alert %d differs:\n got  %s\n want %s" % (what, i + 1, a, b))
        fail("%s: %d alerts, replay has %d" % (what, len(g), len(w)))
    if not want:
        fail("%s: the reference has no alerts; the comparison would prove nothing" % what)


def dropped_on_purpose(cast_err, what):
    m = re.search(r"(\d+) (?:packets )?\((\d+) messages\) dropped on purpose", cast_err)
    if not m:
        fail("%s: no drop count in adrmon-cast's summary" % what)
    return int(m.group(1)), int(m.group(2))


def us_case(name, cast_extra, spec_extra, expect_lost):
    out, itch, _, date = gen_day()
    us = os.path.join(out, "us.jsonl")
    first, want = first_legs_and_reference(
        [os.path.join(out, "hk.jsonl"), os.path.join(out, "fx.jsonl")], "hkfx.jsonl", us)
    port = free_port(socket.SOCK_DGRAM)
    if name.startswith("mold"):
        group = "239.255.91.%d" % (port % 200 + 1)
        rr = free_port(socket.SOCK_DGRAM)
        spec = "moldudp64://%s:%d?session=ADRMON0001&iface=127.0.0.1&date=%s%s" % (
            group, port, date, spec_extra.replace("RR", str(rr)))
        args = ["--itch", itch, "--udp", "%s:%d" % (group, port), "--session", "ADRMON0001",
                "--speed", "30", "--heartbeat-ms", "50", "--linger-ms", "1500"] + \
               [a.replace("RR", str(rr)) for a in cast_extra]
    else:
        port = free_port(socket.SOCK_STREAM)
        spec = "soupbin://127.0.0.1:%d?user=adrmon&password=secret&date=%s" % (port, date)
        args = ["--itch", itch, "--listen", "127.0.0.1:%d" % port, "--user", "adrmon",
                "--password", "secret", "--speed", "30", "--linger-ms", "3000"] + cast_extra
    got, src, cast_err, log = run(first, spec, args, name, ends_itself=True)
    n_us = len(lines(us))
    if expect_lost:
        packets, messages = dropped_on_purpose(cast_err, name)
        if src["seq_gaps"] != packets or src["seq_missing"] != messages:
            fail("%s: summary seq_gaps %d / seq_missing %d, adrmon-cast dropped %d packets (%d "
                 "messages)" % (name, src["seq_gaps"], src["seq_missing"], packets, messages))
        if "not recovered" not in log:
            fail("%s: no gap logged:\n%s" % (name, log))
        print("%s: %d gaps, %d messages reported lost (exactly what was dropped); %d of %d US "
              "records accepted" % (name, packets, messages, src["ticks"], n_us))
        return
    if src["seq_gaps"] != 0 or src["seq_missing"] != 0:
        fail("%s: gaps left: %s" % (name, src))
    if src["ticks"] != n_us:
        fail("%s: %d US records accepted, us.jsonl has %d" % (name, src["ticks"], n_us))
    same(got, want, name)
    print("%s: %d US records, %d alerts byte-identical to replay; source %s" %
          (name, n_us, len(want.splitlines()), src))
    if name == "soupbin" and src["connects"] < 2:
        fail("soupbin: the cuts did not reconnect: %s" % src)


def omdc_case(name, cast_extra, rts=False):
    out, _, omdc, _ = gen_day()
    config = tight_config()
    hk = os.path.join(out, "hk.jsonl")
    first, want = first_legs_and_reference(
        [os.path.join(out, "us.jsonl"), os.path.join(out, "fx.jsonl")], "usfx.jsonl", hk, config)
    port = free_port(socket.SOCK_DGRAM)
    spec = "omdc-udp://127.0.0.1:%d" % port
    args = ["--omdc", omdc, "--udp", "127.0.0.1:%d" % port, "--speed", "30"] + cast_extra
    if rts:
        rts_port = free_port(socket.SOCK_STREAM)
        spec += "?rts=127.0.0.1:%d&rts_user=e2e" % rts_port
        args += ["--rts", "127.0.0.1:%d" % rts_port, "--heartbeat-ms", "50", "--linger-ms", "1500"]
    got, src, cast_err, log = run(first, spec, args, name, ends_itself=False, config=config)
    n_hk = len(lines(hk))
    if rts:
        packets, messages = dropped_on_purpose(cast_err, name)
        counters = src.get("counters", {})
        recovered = counters.get("omdc_recovered", 0)
        if packets == 0 or recovered != messages:
            fail("%s: omdc_recovered %d, adrmon-cast dropped %d packets (%d messages): %s" %
                 (name, recovered, packets, messages, src))
        if src["seq_gaps"] != 0 or src["seq_missing"] != 0 or src["ticks"] != n_hk:
            fail("%s: %s, hk.jsonl has %d" % (name, src, n_hk))
        if counters.get("omdc_rerequests", 0) < 1 or "not recovered" in log:
            fail("%s: no re-request, or a gap lost: %s\n%s" % (name, counters, log))
        same(got, want, name)
        print("%s: %d of %d dropped messages recovered over RTS with %d requests; %d HK "
              "records, %d alerts byte-identical to replay" %
              (name, recovered, messages, counters["omdc_rerequests"], n_hk,
               len(want.splitlines())))
        return
    if cast_extra:
        packets, messages = dropped_on_purpose(cast_err, name)
        # A dropped last packet is seen by nobody: no later SeqNum reveals it.
        if not (0 < src["seq_gaps"] <= packets and 0 < src["seq_missing"] <= messages):
            fail("%s: summary %s, adrmon-cast dropped %d packets (%d messages)" %
                 (name, src, packets, messages))
        print("%s: %d gaps / %d messages reported (adrmon-cast dropped %d / %d)" %
              (name, src["seq_gaps"], src["seq_missing"], packets, messages))
        return
    if src["seq_gaps"] != 0 or src["ticks"] != n_hk:
        fail("%s: %s, hk.jsonl has %d" % (name, src, n_hk))
    same(got, want, name)
    print("%s: %d HK records, %d alerts byte-identical to replay" % (name, n_hk,
                                                                    len(want.splitlines())))


def convert_case(name):
    """`adrmon convert` of a network source against `adrmon convert` of the file cast."""
    out, itch, omdc, date = gen_day()
    ref = os.path.join(WORK, name + ".ref.jsonl")
    got = os.path.join(WORK, name + ".jsonl")
    base = [ADRMON, "convert", "--config", DEMO]
    if name == "convert_omdc":
        subprocess.run(base + ["--out", ref, "--quiet", "omdc:" + omdc], check=True)
        port, rts = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM)
        spec = "omdc-udp://127.0.0.1:%d?rts=127.0.0.1:%d" % (port, rts)
        cast_args = ["--omdc", omdc, "--udp", "127.0.0.1:%d" % port, "--rts",
                     "127.0.0.1:%d" % rts, "--speed", "60", "--drop-every", "9",
                     "--heartbeat-ms", "50", "--linger-ms", "1500"]
        extra = ["--idle-ms", "1000"]  # OMD-C never ends by itself
    else:
        subprocess.run(base + ["--out", ref, "--quiet", "itch:%s?date=%s" % (itch, date)],
                       check=True)
        port = free_port(socket.SOCK_STREAM)
        spec = "soupbin://127.0.0.1:%d?user=adrmon&password=secret&date=%s" % (port, date)
        cast_args = ["--itch", itch, "--listen", "127.0.0.1:%d" % port, "--user", "adrmon",
                     "--password", "secret", "--speed", "60", "--linger-ms", "3000",
                     "--drop-every", "400"]
        extra = []  # ends at the end of session (Z)
    err = open(os.path.join(WORK, name + ".stderr"), "w+")
    if name == "convert_soupbin":  # the server first: the client would retry with backoff
        cast = subprocess.Popen([CAST, *cast_args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        STARTED.append(cast)
    conv = subprocess.Popen(base + ["--out", got, *extra, spec], stdout=subprocess.DEVNULL,
                            stderr=err)
    STARTED.append(conv)
    if name == "convert_omdc":
        # The receiver is bound once it has logged its receive buffer: then the cast starts.
        if not wait_until(lambda: "receive buffer" in open(err.name).read(), 30):
            fail("%s: convert did not bind: %s" % (name, open(err.name).read()))
        cast = subprocess.Popen([CAST, *cast_args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        STARTED.append(cast)
    _, cast_err = cast.communicate(timeout=120)
    if cast.returncode != 0:
        fail("adrmon-cast exit %d: %s" % (cast.returncode, cast_err))
    try:
        rc = conv.wait(timeout=60)
    except subprocess.TimeoutExpired:
        fail("%s: convert did not end: %s" % (name, open(err.name).read()))
    log = open(err.name).read()
    if rc != 0:
        fail("%s: convert exit %d: %s" % (name, rc, log))
    want, have = open(ref).read(), open(got).read()
    if not want:
        fail("%s: the reference is empty" % name)
    if have != want:
        g, w = have.splitlines(), want.splitlines()
        for i, (a, b) in enumerate(zip(g, w)):
            if a != b:
                fail("%s: record %d differs:\n got  %s\n want %s" % (name, i + 1, a, b))
        fail("%s: %d records, the file gives %d\n%s" % (name, len(g), len(w), log))
    if name == "convert_omdc" and "omdc_recovered=" not in log:
        fail("%s: nothing recovered over RTS (were drops made?):\n%s\n%s" % (name, log,
                                                                            cast_err))
    print("%s: %d records byte-identical to convert of the file" % (name,
                                                                 len(want.splitlines())))


CASES = {
    "mold": lambda: us_case("mold", ["--rerequest", "127.0.0.1:RR", "--drop-every", "7",
                                     "--gap", "300:40"], "&rerequest=127.0.0.1:RR", False),
    "mold_lost": lambda: us_case("mold_lost", ["--drop-every", "5"], "&rerequest_timeout_ms=100",
                                 True),
    "soupbin": lambda: us_case("soupbin", ["--drop-every", "400"], "", False),
    "omdc_udp": lambda: omdc_case("omdc_udp", []),
    "omdc_lost": lambda: omdc_case("omdc_lost", ["--drop-every", "9"]),
    "omdc_rts": lambda: omdc_case("omdc_rts", ["--drop-every", "9"], rts=True),
    "convert_omdc": lambda: convert_case("convert_omdc"),
    "convert_soupbin": lambda: convert_case("convert_soupbin"),
}

if __name__ == "__main__":
    CASES[CASE]()
    print("ok")
