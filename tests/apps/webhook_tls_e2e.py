#!/usr/bin/env python3
"""End-to-end: `adrmon run` with an https webhook, the real daemon over a generated day.

Usage: webhook_tls_e2e.py BUILD_DIR SOURCE_DIR

1. Throughput: runs alternate A B A B (A: no webhook, B: a telegram webhook over TLS
   to a port that accepts TCP and never answers the handshake); the engine's
   ticks/s with the dead TLS endpoint over that without, best of each, must be
   >= 0.5 (a loose floor: these machines are shared). The figures are printed.
   Every run's alert log equals `adrmon replay`'s; B's stderr names the TLS
   failure and never the bot token or the url's path.
2. Delivery: a real TLS endpoint (python's ssl over a CA and certificate made
   now with the openssl CLI), ca_file = that CA, format = "slack": every alert
   of the day arrives as {"text": ...}, one per alert line of the log.
"""
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

BUILD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
GEN = os.path.join(BUILD, "tools", "adrmon-gen")
DEMO = os.path.join(SRC, "config", "demo.toml")
WORK = tempfile.mkdtemp(prefix="adrmon-tls-e2e-")
TOKEN = "4242:SECRETTOKENxyz"


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def gen_day():
    out = os.path.join(WORK, "day")
    run([GEN, "--config", DEMO, "--out", out, "--seed", "6", "--duration-s", "900",
         "--dislocations", "40"], stdout=subprocess.DEVNULL)
    return [os.path.join(out, n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]


def replay(files):
    out = os.path.join(WORK, "replay.jsonl")
    run([ADRMON, "replay", "--config", DEMO, "--alerts", out, "--quiet", *files])
    return open(out).read()


def daemon(config, files, name, timeout=120):
    alerts = os.path.join(WORK, name + ".jsonl")
    summary = os.path.join(WORK, name + ".summary.json")
    args = [ADRMON, "run", "--config", config, "--alerts", alerts, "--summary-json", summary,
            "--no-stdout-alerts", "--dashboard", "off", "--exit-when-done"]
    for f in files:
        args += ["--source", "file:%s?speed=max" % f]
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        fail("%s: exit %d: %s" % (name, p.returncode, p.stderr))
    return open(alerts).read(), json.load(open(summary)), p.stderr


def with_webhook(name, table):
    path = os.path.join(WORK, name + ".toml")
    open(path, "w").write(open(DEMO).read() + "\n[webhook]\n" + table)
    return path


def throughput(files, expected):
    # Accepts TCP (the kernel, from the backlog) and never says a word: the
    # TLS handshake never completes.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(64)
    port = dead.getsockname()[1]
    cfg = with_webhook("dead", 'url = "https://127.0.0.1:%d/bot%s/sendMessage"\n'
                               'format = "telegram"\nchat_id = -100123\ntimeout_ms = 30000\n'
                               'retries = 3\nqueue_capacity = 16\n' % (port, TOKEN))
    rates = {"none": [], "dead-tls": []}
    for rnd in range(2):  # A B A B
        for name, config in (("none", DEMO), ("dead-tls", cfg)):
            got, s, err = daemon(config, files, "%s-%d" % (name, rnd))
            if got != expected:
                fail("%s: alert log differs from replay" % name)
            rates[name].append(s["ticks_per_second"])
            if name == "dead-tls":
                # The handshake waits out timeout_ms (30 s), so what is reported is
                # the shutdown grace ending with alerts still pending.
                if "webhook: " not in err or "shutdown grace: counted lost" not in err:
                    fail("dead TLS endpoint's lost alerts not reported: " + err)
                for secret in (TOKEN, "SECRETTOKEN", "/bot", "sendMessage"):
                    if secret in err:
                        fail("stderr holds %r: %s" % (secret, err))
    dead.close()
    a, b = max(rates["none"]), max(rates["dead-tls"])
    ratio = b / a
    print("engine ticks/s, A B A B: no webhook %s, dead TLS webhook %s; best %.0f vs %.0f, "
          "ratio %.2f" % (["%.0f" % r for r in rates["none"]],
                          ["%.0f" % r for r in rates["dead-tls"]], a, b, ratio))
    if ratio < 0.5:
        fail("a dead TLS endpoint slowed the engine (ratio %.2f < 0.5)" % ratio)


def make_pki():
    def sh(cmd):
        run(cmd, shell=True, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    sh("openssl req -x509 %s -keyout ca.key -out ca.pem -subj /CN=e2e-ca "
       "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign" % key)
    open(os.path.join(WORK, "srv.ext"), "w").write(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key "
       "-out srv.csr -subj /CN=127.0.0.1")
    sh("openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
       "-out srv.pem -extfile srv.ext")
    return [os.path.join(WORK, n) for n in ("ca.pem", "srv.pem", "srv.key")]


def delivery(files, expected):
    ca, cert, key = make_pki()
    bodies = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers["Content-Length"])
            bodies.append((self.path, self.rfile.read(n).decode()))
            # One write for the whole answer: headers and body in two segments
            # would meet the client's delayed ACK (Nagle) and cost ~40 ms each.
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            self.wfile.flush()

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    cfg = with_webhook("slack", 'url = "https://127.0.0.1:%d/services/T/B/K"\nformat = "slack"\n'
                                'ca_file = "%s"\nmax_per_second = 100000\nqueue_capacity = 65536\n'
                                'shutdown_grace_ms = 10000\n' % (srv.server_address[1], ca))
    got, s, err = daemon(cfg, files, "slack")
    srv.shutdown()
    if got != expected:
        fail("slack run: alert log differs from replay")
    n = len(expected.splitlines())
    if len(bodies) != n:
        fail("the TLS endpoint got %d bodies for %d alerts; stderr: %s" % (len(bodies), n, err))
    for path, body in bodies:
        if path != "/services/T/B/K" or list(json.loads(body)) != ["text"]:
            fail("unexpected request %s %s" % (path, body))
    print("real TLS endpoint: %d alerts, %d {\"text\": ...} bodies" % (n, len(bodies)))


def main():
    files = gen_day()
    expected = replay(files)
    if not expected:
        fail("the generated day has no alerts")
    throughput(files, expected)
    delivery(files, expected)


if __name__ == "__main__":
    main()
