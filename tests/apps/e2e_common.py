"""Helpers the end-to-end scripts in tests/apps share (they import it from
their own folder): a free 127.0.0.1 port, polling for a condition, the
sample day's files, their merge and the one way a script fails."""
import atexit
import json
import os
import socket
import sys
import time


def free_port(kind=socket.SOCK_STREAM):
    """A 127.0.0.1 port that was free a moment ago (TCP unless `kind` says UDP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout, interval=0.05):
    """Polls pred() every `interval` s for up to `timeout` s; whether it held."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(interval)
    return False


def sample_files(src):
    """data/sample's three tick files under source root `src`, in replay order."""
    return [os.path.join(src, "data", "sample", f) for f in ("us.jsonl", "hk.jsonl", "fx.jsonl")]


def merged_lines(files):
    """Every line of `files` sorted by ts, ties to the earlier file (= replay's merge)."""
    rows = []
    for i, f in enumerate(files):
        for n, line in enumerate(open(f, "rb")):
            rows.append((json.loads(line)["ts"], i, n, line))
    rows.sort()
    return [r[3] for r in rows]


def killed_at_exit():
    """A list for the processes a script starts: each one still running when the
    script exits (a failure included) is killed and reaped, so none is left behind."""
    procs = []

    def kill():
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    atexit.register(kill)
    return procs


def fail(msg):
    """Prints FAIL: msg on stderr and exits 1."""
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)
