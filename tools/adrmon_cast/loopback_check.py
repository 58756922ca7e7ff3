#!/usr/bin/env python3
# loopback_check.py: checks adrmon-cast on real loopback sockets (stdlib only).
#
# Builds the expected stream in Python (lines that parse as ticks per
# tests/reference/adrmon_ref.py, merged by ts with the same head scan as
# FileMerger, ties to the first file, CR and BOM dropped), then runs
# adrmon-cast and compares what clients receive byte for byte:
#   tcp        one client at --speed max gets exactly the expected stream
#   drop       --drop-after N at --speed 100: the first session gets exactly N
#              lines, the reconnected one a contiguous run that ends the stream
#   udp        unicast at --speed 100: datagrams hold whole lines, <= 1400
#              bytes unless one line alone; concatenated = expected stream
#   multicast  the same to 239.255.0.1, received by joining on 127.0.0.1
# Usage: loopback_check.py CAST_BINARY CONFIG FILE...   (exit 0: all passed)
import json
import os
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import adrmon_ref  # noqa: E402

MAX_DATAGRAM = 65507


def expected_lines(config, paths):
    cfg = adrmon_ref.Config(config)

    def lines(path):
        data = open(path, "rb").read()
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for raw in data.split(b"\n"):
            raw = raw[:-1] if raw.endswith(b"\r") else raw
            if raw.strip() == b"" or len(raw) > 64 * 1024:
                continue
            tick = adrmon_ref.parse_record(raw)
            tick = tick and adrmon_ref.check_record(tick, cfg)
            if tick:
                yield tick["ts"], raw

    its = [lines(p) for p in paths]
    heads = [next(it, None) for it in its]
    out = []
    while True:
        best = None
        for i, h in enumerate(heads):
            if h is not None and (best is None or h[0] < heads[best][0]):
                best = i
        if best is None:
            return out
        out.append(heads[best][1])
        heads[best] = next(its[best], None)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp_session(port):
    """Connects (retrying while the listener starts) and reads to EOF or reset."""
    for _ in range(500):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            break
        except ConnectionRefusedError:
            time.sleep(0.01)
    else:
        raise RuntimeError("cannot connect")
    chunks = []
    try:
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            chunks.append(b)
    except ConnectionResetError:
        pass
    s.close()
    return b"".join(chunks)


def udp_receiver(port, group=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((group or "127.0.0.1", port))
    if group:
        mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("127.0.0.1"))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    return s


def udp_collect(s, proc):
    """Datagrams until the publisher exits and the socket has been quiet 0.5 s."""
    got = []
    s.settimeout(0.5)
    while True:
        try:
            got.append(s.recv(70000))
        except socket.timeout:
            if proc.poll() is not None:
                return got


def check_datagrams(got, want):
    bad = [d for d in got if not d.endswith(b"\n") or (d.count(b"\n") > 1 and len(d) > 1400)]
    return not bad and b"".join(got) == want


def main():
    cast, config, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    exp = expected_lines(config, files)
    want = b"".join(l + b"\n" for l in exp)
    want_udp = b"".join(l + b"\n" for l in exp if len(l) + 1 <= MAX_DATAGRAM)
    base = [cast, "--config", config]
    results = {}

    port = free_port()
    p = subprocess.Popen(base + ["--listen", f"tcp://127.0.0.1:{port}", *files])
    got = tcp_session(port)
    results["tcp"] = p.wait() == 0 and got == want

    n = len(exp) // 3
    port = free_port()
    p = subprocess.Popen(base + ["--listen", f"tcp://127.0.0.1:{port}", "--speed", "100",
                                 "--drop-after", str(n), *files])
    first = tcp_session(port)
    time.sleep(0.2)
    second = tcp_session(port)
    tail = second.split(b"\n")[:-1]
    results["drop"] = (p.wait() == 0 and first == b"".join(l + b"\n" for l in exp[:n])
                       and 0 < len(tail) < len(exp) - n and exp[len(exp) - len(tail):] == tail)
    if results["drop"]:
        print(f"drop: first session {n} lines, missed {len(exp) - n - len(tail)} while away")

    for name, group in (("udp", None), ("multicast", "239.255.0.1")):
        port = free_port(socket.SOCK_DGRAM)
        r = udp_receiver(port, group)
        p = subprocess.Popen(base + ["--udp", f"{group or '127.0.0.1'}:{port}", "--speed", "100",
                                     *files])
        results[name] = check_datagrams(udp_collect(r, p), want_udp) and p.returncode == 0
        r.close()

    print(json.dumps(results))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
