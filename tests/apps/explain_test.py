#!/usr/bin/env python3
"""`adrmon explain`, `adrmon check-config` and `adrmon --version` on real files.

Usage: explain_test.py CASE BUILD_DIR SOURCE_DIR
  sample       every alert of `adrmon replay --config config/demo.toml data/sample/*.jsonl`
               is reproduced exactly (exit 0, each field named identical); the same with
               config/pairs.toml; each figure tampered in its last digit (edge_bps,
               mid_premium_bps, notional_usd, ratio) is reported as not reproduced (exit 1)
               naming that field; a threshold the alert did not cross is reported
  market_days  every alert of the issue-9 scenario (calendars, a ratio change, halts,
               session/stale/suspect closes: tests/reference/gen_market_days.py) is
               reproduced exactly and its gate reason is consistent
  check_config check-config on config/pairs.toml, config/demo.toml and deploy/adrmon.toml
               (exit 0, every pair listed with its ratio, both calendars' timezones and live
               phases); a bad key exits 2 with FILE:LINE: key '...'; a dashboard token and a
               webhook URL's path never appear in the output (scheme://host:port only);
               --version prints "adrmon VERSION (git DESCRIBE)"
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from e2e_common import fail, sample_files

case, build, src = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
adrmon = os.path.join(build, "apps", "adrmon")
sample = sample_files(src)
work = tempfile.mkdtemp(prefix="explain_test.")


def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=300)


def replay(config, files):
    p = run([adrmon, "replay", "--config", config, "--quiet"] + files)
    if p.returncode != 0:
        fail(f"replay exit {p.returncode}: {p.stderr}")
    return [l for l in p.stdout.splitlines() if l.strip()]


def explain_all(config, alerts, what):
    p = run([adrmon, "explain", "--config", config, "--brief"], stdin="\n".join(alerts) + "\n")
    lines = p.stdout.splitlines()
    ok = [l for l in lines if l.startswith("reproduced ")]
    if p.returncode != 0 or len(ok) != len(alerts):
        fail(f"{what}: exit {p.returncode}, {len(ok)}/{len(alerts)} reproduced:\n{p.stdout}{p.stderr}")
    for a, l in zip(alerts, ok):
        d = json.loads(a)
        need = ["ratio", "mid_premium_bps"] + (["edge_bps"] if "edge_bps" in d else [])
        need += ["notional_usd"] if d["kind"] == "open" else []
        for f in need:
            if f not in l.split(":", 3)[-1]:
                fail(f"{what}: {f} not reported identical in {l!r}")
    # Each alert on its own as an argument, in full: exit 0 and the verdict line.
    for a in alerts[:3]:
        p = run([adrmon, "explain", "--config", config, a])
        if p.returncode != 0 or "reproduced exactly" not in p.stdout:
            fail(f"{what}: single explain exit {p.returncode}:\n{p.stdout}{p.stderr}")
    print(f"{what}: {len(alerts)} alerts reproduced exactly")


def bump_last_digit(text):
    """Change the last digit of a number's text until it reads as another double
    ('115.90250697757233' -> '115.90250697757234'); at 17 significant digits two
    neighbouring texts can round to the same double."""
    for step in range(1, 10):
        last = int(text[-1])
        new = text[:-1] + str((last + step) % 10)
        if float(new) != float(text):
            return new
    raise AssertionError(f"cannot tamper {text}")


def tampered(line, field):
    m = re.search(r'"%s":(-?[0-9][0-9.e+-]*)' % field, line)
    if not m:
        return None
    old = m.group(1)
    new = bump_last_digit(old) if "." in old else old + ".5"  # ratio 1 -> 1.5, 4857 -> 4857.5
    assert float(new) != float(old)
    return line[: m.start(1)] + new + line[m.end(1) :]


if case == "sample":
    demo = os.path.join(src, "config", "demo.toml")
    alerts = replay(demo, sample)
    if len(alerts) < 10:
        fail(f"the sample gave {len(alerts)} alerts")
    explain_all(demo, alerts, "demo.toml sample")
    pairs = os.path.join(src, "config", "pairs.toml")
    explain_all(pairs, replay(pairs, sample), "pairs.toml sample")

    first_open = next(a for a in alerts if '"kind":"open"' in a)
    reverted = next(a for a in alerts if '"reason":"reverted"' in a)
    for line, field in [(first_open, "edge_bps"), (first_open, "mid_premium_bps"),
                        (first_open, "notional_usd"), (first_open, "ratio"),
                        (reverted, "edge_bps")]:
        bad = tampered(line, field)
        p = run([adrmon, "explain", "--config", demo, bad])
        if p.returncode != 1 or f"{field} differs" not in p.stdout:
            fail(f"tampered {field}: exit {p.returncode}:\n{p.stdout}{p.stderr}")
        # The untampered figures are still reported identical.
        if field != "ratio" and "mid_premium_bps: alert" not in p.stdout:
            fail("no step output")
        print(f"tampered {field}: not reproduced, named")
    # Among many, one tampered line: exit 1, the others reproduced.
    p = run([adrmon, "explain", "--config", demo, "--brief"],
            stdin="\n".join(alerts[:4] + [tampered(first_open, "edge_bps")]) + "\n")
    if p.returncode != 1 or sum(l.startswith("reproduced  ") for l in p.stdout.splitlines()) != 4 or "NOT reproduced" not in p.stdout:
        fail(f"mixed batch: exit {p.returncode}:\n{p.stdout}")
    # A config whose enter threshold is above the alert's edge: not consistent.
    strict = os.path.join(work, "strict.toml")
    with open(demo) as f:
        text = f.read()
    with open(strict, "w") as f:
        f.write(re.sub(r"(?m)^enter_bps = 50$", "enter_bps = 400", text, count=1))
    p = run([adrmon, "explain", "--config", strict, first_open])
    if p.returncode != 1 or "is below enter 400" not in p.stdout:
        fail(f"threshold not crossed: exit {p.returncode}:\n{p.stdout}")
    # Input that is no alert: exit 2 and one message.
    for bad in ['{"ts":1}', "not json", first_open[:-5]]:
        p = run([adrmon, "explain", "--config", demo, bad])
        if p.returncode != 2 or "not an alert line" not in p.stderr:
            fail(f"bad input {bad[:30]!r}: exit {p.returncode}: {p.stderr}")
    print("explain sample: ok")

elif case == "market_days":
    gen = os.path.join(src, "tests", "reference", "gen_market_days.py")
    s = os.path.join(work, "scenario")
    p = run([sys.executable, gen, "--out", s, "--seed", "1"])
    if p.returncode != 0:
        fail(f"gen_market_days: {p.stderr}")
    files = [os.path.join(s, f) for f in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
    cfg = os.path.join(s, "config.toml")
    alerts = replay(cfg, files)
    reasons = {json.loads(a).get("reason") for a in alerts}
    for r in ("reverted", "session", "halted", "stale", "suspect"):
        if r not in reasons:
            fail(f"market days: no {r} close among {len(alerts)} alerts")
    explain_all(cfg, alerts, "market days")
    control = os.path.join(s, "control.toml")
    explain_all(control, replay(control, files), "market days without calendars")
    print("explain market_days: ok")

elif case == "check_config":
    for name in ("config/pairs.toml", "config/demo.toml", "deploy/adrmon.toml"):
        path = os.path.join(src, name)
        p = run([adrmon, "check-config", path])
        if p.returncode != 0 or not p.stdout.startswith(path + ": ok"):
            fail(f"check-config {name}: exit {p.returncode}: {p.stdout[:200]}{p.stderr}")
        text = open(path).read()
        pairs = re.findall(r'adr = "([^"]+)"\s*\nhk = "([^"]+)"\s*\nratio = ([0-9.]+)', text)
        if len(pairs) < 20:
            fail(f"{name}: only {len(pairs)} pairs found in the file")
        for adr, hk, ratio in pairs:
            if not re.search(r"(?m)^  %s/%s +%s " % (re.escape(adr), hk.lstrip("0") or "0", re.escape(str(float(ratio)).removesuffix(".0"))), p.stdout):
                fail(f"{name}: pair {adr}/{hk} ratio {ratio} not listed:\n{p.stdout}")
        for tz, live in (("America/New_York", "regular, overnight"), ("Asia/Hong_Kong", "continuous")):
            if f"timezone {tz}; live phases: {live}" not in p.stdout:
                fail(f"{name}: calendar {tz} / {live} not shown")
        print(f"check-config {name}: ok, {len(pairs)} pairs")
    # deploy/adrmon.toml is the sources' universe verbatim plus the daemon's sections.
    deploy = open(os.path.join(src, "deploy", "adrmon.toml")).read()
    if open(os.path.join(src, "config", "pairs.toml")).read() not in deploy:
        fail("deploy/adrmon.toml does not contain config/pairs.toml verbatim")
    # A misspelt key: exit 2, FILE:LINE: key '...'.
    demo = open(os.path.join(src, "config", "demo.toml")).read()
    bad = os.path.join(work, "bad.toml")
    with open(bad, "w") as f:
        f.write(demo.replace("\nexit_bps = 20\n", "\nexit_bsp = 20\n", 1))
    line = demo[: demo.index("\nexit_bps = 20\n")].count("\n") + 2
    p = run([adrmon, "check-config", bad])
    want = f"adrmon: {bad}:{line}: key 'defaults.exit_bsp': "
    if p.returncode != 2 or not p.stderr.startswith(want) or p.stdout:
        fail(f"bad key: exit {p.returncode}, stderr {p.stderr!r}, want {want!r}")
    # Secrets: a dashboard token and a webhook url's path and credentials stay out.
    secret = os.path.join(work, "secret.toml")
    with open(secret, "w") as f:
        f.write(demo.replace("[dashboard]\n", "[dashboard]\ntoken = \"T0KEN-dash-8c1f\"\n", 1))
        f.write('\n[[webhook]]\nurl = "http://127.0.0.1:9/services/T0KEN-path-77/hook?key=T0KEN-q"\n'
                '\n[[webhook]]\nurl = "https://api.telegram.org/botT0KEN-bot-123:abc/sendMessage"\n'
                'format = "telegram"\nchat_id = "-100123"\n')
    p = run([adrmon, "check-config", secret])
    if p.returncode != 0:
        fail(f"secret config: exit {p.returncode}: {p.stderr}")
    if "T0KEN" in p.stdout + p.stderr:
        fail(f"a secret was printed:\n{p.stdout}")
    if ("webhook[1] http://127.0.0.1:9 (path not shown)" not in p.stdout or "(token set)" not in p.stdout
            or "https://api.telegram.org:443 (path not shown); format telegram" not in p.stdout):
        fail(f"webhook authority / token state not shown:\n{p.stdout}")
    # --version
    p = run([adrmon, "--version"])
    if p.returncode != 0 or not re.fullmatch(r"adrmon [0-9][0-9A-Za-z.+~]* \(git \S+\)\n", p.stdout):
        fail(f"--version: exit {p.returncode}: {p.stdout!r}")
    print("check-config: ok;", p.stdout.strip())
else:
    fail(f"unknown case {case}")
