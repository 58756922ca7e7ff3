#!/usr/bin/env python3
"""End to end: the binary capture (docs/FORMATS.md, "Binary capture").

Usage: capture_e2e.py CASE BUILD_DIR SOURCE_DIR
  convert  convert --to capture of the sample day; replay of it gives the JSON
           Lines replay's alerts byte for byte; tools/capture_reader.py prints
           exactly what convert --to jsonl writes; a config whose instrument
           table differs is refused
  record   run --record (files at max speed): the capture holds every tick, and
           its replay gives run's and replay's alerts
  kill9    kill -9 during a paced run --record: replay reports the missing index,
           repairs, and its alerts are those of the ticks it kept; a tail cut
           inside the last block is reported in bytes and dropped
  fromto   replay --from/--to of the capture = replay --from/--to of the JSON Lines
  damaged  a block in the middle fails its CRC: replay exits 1 naming the block and
           its offset, with the alerts of the blocks before it, the same whether
           a second thread decodes (the default) or not (--parse-threads 1)
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

from e2e_common import fail, killed_at_exit, merged_lines, sample_files, wait_until

CASE, BUILD, SRC = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
READER = os.path.join(SRC, "tools", "capture_reader.py")
DEMO = os.path.join(SRC, "config", "demo.toml")
SAMPLE = sample_files(SRC)
WORK = tempfile.mkdtemp(prefix="adrmon-capture-")
STARTED = killed_at_exit()
TICKS = 34272  # accepted ticks of the sample day


def path(name):
    return os.path.join(WORK, name)


def run(args, ok=(0,)):
    p = subprocess.run(args, capture_output=True, timeout=300)
    if p.returncode not in ok:
        fail("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()))
    return p


def replay(files, extra=()):
    """Alerts (bytes) of adrmon replay over `files`, and its stderr."""
    p = run([ADRMON, "replay", "--config", DEMO, "--quiet", *extra, *files])
    return p.stdout, p.stderr.decode()


def convert_capture(out):
    run([ADRMON, "convert", "--config", DEMO, "--to", "capture", "-o", out, "--quiet", *SAMPLE])
    return out


def info(cap):
    return json.loads(run([sys.executable, READER, "--info", cap]).stdout)


def same(got, want, what):
    if got != want:
        fail("%s: %d alert lines, expected %d (bytes differ)" %
             (what, got.count(b"\n"), want.count(b"\n")))
    print("%s: %d alerts identical" % (what, want.count(b"\n")))


def case_convert():
    expected, _ = replay(SAMPLE)
    if expected.count(b"\n") == 0:
        fail("the sample day gives no alerts")
    cap = convert_capture(path("day.cap"))
    got, err = replay([cap])
    if err:
        fail("replay of a whole capture said: " + err)
    same(got, expected, "replay of the capture")
    i = info(cap)
    if i["records"] != TICKS or not i["had_index"] or i["instruments"][1] != ["US", "BABA"]:
        fail("capture info %s" % i)
    # The Python reader prints what convert --to jsonl writes, line for line.
    jsonl = run([ADRMON, "convert", "--config", DEMO, "--quiet", *SAMPLE]).stdout
    py = run([sys.executable, READER, cap]).stdout
    if py != jsonl:
        a, b = py.splitlines(), jsonl.splitlines()
        bad = next((n for n in range(min(len(a), len(b))) if a[n] != b[n]), min(len(a), len(b)))
        fail("capture_reader.py differs from convert --to jsonl at line %d: %r vs %r" %
             (bad + 1, a[bad] if bad < len(a) else None, b[bad] if bad < len(b) else None))
    print("capture_reader.py: %d ticks = convert --to jsonl" % len(py.splitlines()))
    # A config whose instrument table differs is refused, naming the id.
    other = path("other.toml")
    with open(DEMO) as f, open(other, "w") as o:
        o.write(f.read().replace('adr = "BABA"', 'adr = "BABAX"', 1))
    p = run([ADRMON, "replay", "--config", other, "--quiet", cap], ok=(2,))
    msg = p.stderr.decode()
    if "instrument table differs" not in msg or "id 1" not in msg or "BABAX" not in msg:
        fail("mismatched config: " + msg)
    # A capture replays alone.
    p = run([ADRMON, "replay", "--config", DEMO, "--quiet", cap, SAMPLE[0]], ok=(2,))
    if "replayed alone" not in p.stderr.decode():
        fail("capture + file: " + p.stderr.decode())


def case_record():
    expected, _ = replay(SAMPLE)
    cap, alerts = path("run.cap"), path("run.jsonl")
    p = run([ADRMON, "run", "--config", DEMO, "--alerts", alerts, "--no-stdout-alerts",
             "--dashboard", "off", "--exit-when-done", "--record", cap,
             *sum((["--source", "file:%s?speed=max" % f] for f in SAMPLE), [])])
    err = p.stderr.decode()
    if "recorded %d tick(s)" % TICKS not in err or "; 0 lost" not in err:
        fail("run --record: " + err)
    same(open(alerts, "rb").read(), expected, "run --record's own alert log")
    got, err = replay([cap])
    same(got, expected, "replay of run's capture")
    i = info(cap)
    if i["records"] != TICKS or i["creator"] != "adrmon run --record":
        fail("capture info %s" % i)


def case_kill9():
    cap = path("killed.cap")
    args = [ADRMON, "run", "--config", DEMO, "--alerts", path("killed.jsonl"),
            "--no-stdout-alerts", "--dashboard", "off", "--record", cap,
            *sum((["--source", "file:%s?speed=20" % f] for f in SAMPLE), [])]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    STARTED.append(proc)

    def blocks():  # the reader scans a capture without an index
        p = subprocess.run([sys.executable, READER, "--info", cap], capture_output=True)
        if p.returncode != 0:  # not created yet, or its header half written
            return 0
        return json.loads(p.stdout)["blocks"]

    if not wait_until(lambda: blocks() >= 3, 120, 0.1):
        fail("no 3 blocks recorded within 120 s")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    if proc.returncode != -signal.SIGKILL:
        fail("the daemon ended with %s before the kill" % proc.returncode)
    before = info(cap)
    if before["had_index"]:
        fail("a killed writer left an index")

    # Cut the file inside its last block too: a torn write.
    torn = path("torn.cap")
    data = open(cap, "rb").read()
    cut = len(data) - before["torn_bytes"] - 7
    open(torn, "wb").write(data[:cut])

    for name, f in (("killed", cap), ("torn", torn)):
        got, err = replay([f])
        after = info(f)
        if "no block index" not in err or "repaired" not in err or not after["had_index"]:
            fail("%s: replay did not report and repair: %s / %s" % (name, err, after))
        kept = after["records"]
        if name == "torn":
            if after["blocks"] != before["blocks"] - 1 or "torn tail of " not in err or \
                    "torn tail of 0 byte(s)" in err:
                fail("torn: %s (before %s)" % (err, before))
        elif kept != before["records"]:
            fail("killed: kept %d of %d records" % (kept, before["records"]))
        # The alerts are exactly those of the first `kept` ticks of the merged day.
        prefix = path(name + "-prefix.jsonl")
        with open(prefix, "wb") as out:
            out.writelines(merged_lines(SAMPLE)[:kept])
        want, _ = replay([prefix])
        same(got, want, "%s capture (%d ticks kept; %s)" % (name, kept, err.strip()))
        again, err = replay([f])
        if err or again != got:
            fail("%s: second replay after repair said %r" % (name, err))


def case_fromto():
    cap = convert_capture(path("day.cap"))
    lines = merged_lines(SAMPLE)
    ts = [json.loads(l)["ts"] for l in lines]
    for lo, hi in ((ts[len(ts) // 3], ts[2 * len(ts) // 3]), (ts[100], ts[100]),
                   (ts[-1] + 1, ts[-1] + 5), (0, ts[5000])):
        bounds = ["--from", str(lo), "--to", str(hi)]
        want, _ = replay(SAMPLE, bounds)
        got, err = replay([cap], bounds)
        same(got, want, "--from %d --to %d" % (lo, hi))
    # RFC 3339 bounds read the same instant.
    want, _ = replay([cap], ["--from", "1763951460000000000"])
    got, _ = replay([cap], ["--from", "2025-11-24T02:31:00Z"])
    same(got, want, "--from in RFC 3339")


def block_offsets(data):
    """Byte offsets of the blocks of capture bytes `data`: from the first block
    header (magic CBLK), each next one 40 + its compressed bytes further on."""
    at, out = data.find(b"CBLK"), []
    while 0 <= at and data[at:at + 4] == b"CBLK":
        out.append(at)
        at += 40 + int.from_bytes(data[at + 8:at + 12], "little")
    return out


def case_damaged():
    cap = convert_capture(path("day.cap"))
    data = bytearray(open(cap, "rb").read())
    blocks = block_offsets(bytes(data))
    if len(blocks) != info(cap)["blocks"] or len(blocks) < 4:
        fail("walked %d blocks, the header says %d" % (len(blocks), info(cap)["blocks"]))
    bad = blocks[len(blocks) // 2]
    data[bad + 40 + 5] ^= 0x5A  # a payload byte: its CRC-32 no longer matches
    broken = path("broken.cap")
    open(broken, "wb").write(bytes(data))
    full, _ = replay(SAMPLE)
    outs = {}
    for threads in ("0", "1"):  # decoded on a second thread (default), and on the replay's own
        p = run([ADRMON, "replay", "--config", DEMO, "--quiet", "--parse-threads", threads, broken],
                ok=(1,))
        err = p.stderr.decode()
        want = "block %d at offset %d" % (len(blocks) // 2, bad)
        if want not in err or "replay stopped there" not in err:
            fail("--parse-threads %s: stderr does not name %s: %s" % (threads, want, err))
        if not full.startswith(p.stdout) or p.stdout == full:
            fail("--parse-threads %s: alerts are not a strict prefix of the whole day's" % threads)
        outs[threads] = p.stdout
    same(outs["0"], outs["1"], "damaged block %d: the alerts before it, either decoder" %
         (len(blocks) // 2))


CASES = {"convert": case_convert, "record": case_record, "kill9": case_kill9,
         "fromto": case_fromto, "damaged": case_damaged}
if __name__ == "__main__":
    CASES[CASE]()
