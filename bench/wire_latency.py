#!/usr/bin/env python3
"""wire_latency.py BUILD_DIR OUT_JSON [SECONDS [DESIGN,...]]: the daemon's wire -> alert latency.

Issue 10's latency case: `adrmon run --source udp://127.0.0.1:PORT` fed by adrmon-cast
at 20,000 ticks/s paced (adrmon-gen on config/pairs.toml: 26 pairs x 2 legs x 380
quotes/s + 240 USD/HKD ticks/s, real time, 10 injected dislocations a second so the
alert stages have hundreds of samples), once per design of the pipeline ([pipeline]
design and wait, DESIGNS below), each SECONDS long (default 20), in one run.
The udp:// source stamps each datagram with the kernel's receive time
(SO_TIMESTAMPNS), so the summary's stages count from the wire:
  recv_to_parsed   wire -> Tick (the feed thread; inline: the engine thread)
  parsed_to_priced queue hop + engine
  recv_to_priced   wire -> priced, per tick (the issue's "wire -> priced")
  priced_to_alert  alert queue hop + format + the alert line written (inline: format,
                   write and flush on the engine thread, no hop)
Writes OUT_JSON: {"rate": ticks/s sent, "designs": {name: {"stages": {...}, "drops": ...}}};
scripts/bench_report.py puts it beside latency_floor_bench's floors of the same run.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

build, out = sys.argv[1], sys.argv[2]
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
only = sys.argv[4].split(",") if len(sys.argv) > 4 else None  # DESIGNS to run (default all)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
adrmon = os.path.join(build, "apps", "adrmon")
gen = os.path.join(build, "tools", "adrmon-gen")
cast = os.path.join(build, "tools", "adrmon-cast")
for tool in (adrmon, gen, cast):
    if not os.access(tool, os.X_OK):
        sys.exit("wire_latency.py: %s is not built" % tool)

work = tempfile.mkdtemp(prefix="adrmon-wire-latency-")
day = os.path.join(work, "day")
subprocess.run([gen, "--config", os.path.join(root, "config", "pairs.toml"), "--out", day,
                "--seed", "11", "--duration-s", str(seconds), "--quote-rate", "380",
                "--fx-rate", "240", "--dislocations", str(10 * seconds)], check=True, stdout=subprocess.DEVNULL)
files = [os.path.join(day, f) for f in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
ticks = sum(1 for f in files for line in open(f) if line.strip())
base = open(os.path.join(root, "config", "pairs.toml")).read()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# name -> [pipeline] keys. staged-block was the default before issue 10; inline is the
# default on 2 CPUs now (design = "auto").
DESIGNS = {
    "staged-block": {"design": "staged", "wait": "block"},
    "staged-yield": {"design": "staged", "wait": "yield"},
    "staged-spin": {"design": "staged", "wait": "spin"},
    "staged-spin-engine": {"design": "staged", "wait": "spin", "sink_wait": "block"},
    "inline": {"design": "inline"},
}


def one(design):
    # Dirty pages left by what ran before (the generated day, earlier designs'
    # logs) are written back first, so no design's alert writes queue behind them.
    os.sync()
    time.sleep(1)
    config = os.path.join(work, "run-%s.toml" % design)
    with open(config, "w") as f:
        f.write(base + "\n[pipeline]\n" +
                "".join('%s = "%s"\n' % kv for kv in DESIGNS[design].items()))
    port = free_udp_port()
    summary = os.path.join(work, "summary-%s.json" % design)
    err = open(os.path.join(work, "run-%s.stderr" % design), "w+")
    run = subprocess.Popen(os.environ.get("WL_WRAP", "").split() + [adrmon, "run", "--config", config, "--source",
                            "udp://127.0.0.1:%d?rcvbuf=8388608" % port, "--alerts",
                            os.path.join(work, "alerts-%s.jsonl" % design), "--summary-json",
                            summary, "--no-stdout-alerts", "--dashboard", "off",
                            "--status-interval", "0"], stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 20
    while "source(s)" not in open(err.name).read():  # bound and running
        if run.poll() is not None or time.monotonic() > deadline:
            sys.exit("wire_latency.py: adrmon run did not start: " + open(err.name).read())
        time.sleep(0.05)
    subprocess.run([cast, "--config", config, "--udp", "127.0.0.1:%d" % port, "--speed", "1",
                    *files], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # the last datagrams through the engine and the sink
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=60)
    s = json.load(open(summary))
    src = s["sources"][0]
    return {"stages": s["latency_ns"], "ticks_read": s["ticks_read"], "alerts": s["alerts"],
            "dropped": src.get("dropped", 0), "kernel_drops": src.get("kernel_drops", 0),
            "kernel_stamped": src.get("kernel_stamped", 0)}


result = {"rate": ticks / seconds, "ticks": ticks, "seconds": seconds, "designs": {}}
for design in [d for d in DESIGNS if only is None or d in only]:
    result["designs"][design] = r = one(design)
    st = r["stages"]
    print("wire_latency: %-18s read %d of %d, wire->priced p50 %d p99 %d p99.9 %d ns, "
          "priced->alert p50 %d p99 %d ns (%d alerts)" %
          (design, r["ticks_read"], ticks, st["recv_to_priced"]["p50"], st["recv_to_priced"]["p99"],
           st["recv_to_priced"]["p99_9"], st["priced_to_alert"]["p50"],
           st["priced_to_alert"]["p99"], r["alerts"]))
with open(out, "w") as f:
    json.dump(result, f, indent=1)
