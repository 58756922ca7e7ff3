#!/usr/bin/env python3
"""Honest exits (issue 15): the real adrmon binary, its exit codes and stderr.

Usage: exits_e2e.py BUILD_DIR SOURCE_DIR

- A missing config, or a directory given as --config, stops start-up with one
  line naming the file and the errno text (not "FILE:0: key '(file)'" nor
  "missing table [fx]"), for run, replay and check-config.
- Relative [[source]] paths and [sinks] alerts in a config resolve against the
  config file's directory, whatever the working directory; absolute ones are kept.
- A tick source that cannot be read: a directory makes `run` print its summary
  and then exit 1 with a last line naming the path and the errno text (a good
  source beside it is still counted); a missing file stops start-up (exit 2,
  one line, no summary). `replay` exits non-zero for both.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from e2e_common import fail, sample_files

BUILD, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ADRMON = os.path.join(BUILD, "apps", "adrmon")
DEMO = os.path.join(SRC, "config", "demo.toml")
SAMPLE = sample_files(SRC)
WORK = tempfile.mkdtemp(prefix="adrmon-exits-")


def check(cond, msg):
    if not cond:
        fail(msg)


def adrmon(*args, cwd=WORK):
    p = subprocess.run([ADRMON, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def run(config, *sources, cwd=WORK, extra=()):
    args = ["run", "--config", config, "--exit-when-done", "--dashboard", "off",
            "--no-stdout-alerts", *extra]
    for s in sources:
        args += ["--source", s]
    return adrmon(*args, cwd=cwd)


def lines_of(paths):
    return sum(1 for p in paths for line in open(p, "rb") if line.strip())


def config_errors():
    missing = os.path.join(WORK, "nope.toml")
    for cmd in (["run", "--config", missing, "--source", "file:" + SAMPLE[0]],
                ["replay", "--config", missing, SAMPLE[0]],
                ["check-config", missing]):
        rc, _, err = adrmon(*cmd)
        check(rc != 0, "%s with a missing config exited 0" % cmd[0])
        check(err == "adrmon: %s: cannot open: No such file or directory\n" % missing,
              "%s, missing config: stderr %r" % (cmd[0], err))
    folder = WORK + "/"
    for cmd in (["run", "--config", folder, "--source", "file:" + SAMPLE[0]],
                ["replay", "--config", folder, SAMPLE[0]]):
        rc, _, err = adrmon(*cmd)
        check(rc != 0, "%s with a directory as config exited 0" % cmd[0])
        check(err == "adrmon: %s: is a directory\n" % folder,
              "%s, directory config: stderr %r" % (cmd[0], err))
        check("missing table" not in err and "(file)" not in err, err)
    print("config: missing file and directory name the file and errno; exit %d" % rc)


def relative_paths():
    cfgdir = os.path.join(WORK, "etc")
    os.makedirs(os.path.join(cfgdir, "ticks"))
    for f in SAMPLE[:2]:
        shutil.copy(f, os.path.join(cfgdir, "ticks"))
    config = os.path.join(cfgdir, "adrmon.toml")
    with open(DEMO) as src, open(config, "w") as out:
        out.write(src.read())
        out.write('\n[[source]]\nspec = "file:ticks/us.jsonl"\n'
                  '[[source]]\nspec = "file:ticks/hk.jsonl?speed=max"\n'
                  '[[source]]\nspec = "file:%s"\n'  # absolute: kept
                  '[sinks]\nalerts = "alerts.jsonl"\nstdout = false\n' % SAMPLE[2])
    elsewhere = os.path.join(WORK, "elsewhere")
    os.makedirs(elsewhere)
    args = ["run", "--config", config, "--exit-when-done", "--dashboard", "off",
            "--summary-json", os.path.join(WORK, "rel.json")]
    rc, _, err = adrmon(*args, cwd=elsewhere)
    check(rc == 0, "relative [[source]] run: rc %d\n%s" % (rc, err))
    summary = json.load(open(os.path.join(WORK, "rel.json")))
    check(summary["ticks_read"] == lines_of(SAMPLE),
          "relative sources read %d ticks, want %d" % (summary["ticks_read"], lines_of(SAMPLE)))
    log = os.path.join(cfgdir, "alerts.jsonl")
    check(os.path.exists(log), "the alert log is not next to the config")
    check(not os.path.exists(os.path.join(elsewhere, "alerts.jsonl")),
          "the alert log was written in the working directory")
    rc, want, err = adrmon("replay", "--config", DEMO, *SAMPLE)
    check(rc == 0, "replay: " + err)
    got = open(log).read()
    check(got == want and got, "alerts from the config's sources differ from replay's")
    print("paths: [[source]] and [sinks] alerts resolve against %s; %d ticks, %d alerts == replay" %
          (cfgdir, summary["ticks_read"], got.count("\n")))


def unreadable_sources():
    folder = os.path.join(WORK, "a_directory")
    os.makedirs(folder)
    # A directory alone: summary, then one last line naming it with errno, exit 1.
    rc, _, err = run(DEMO, "file:" + folder)
    check(rc == 1, "run over a directory source: rc %d\n%s" % (rc, err))
    lines = err.splitlines()
    check(any(l.startswith("summary: ticks read 0") for l in lines), "no summary:\n" + err)
    check(lines[-1] == "adrmon: exit 1: a source failed: %s: read error: Is a directory" % folder,
          "last line: %r" % lines[-1])
    check(err.index("summary: ticks read") < err.rindex("exit 1"), "exit line before summary")
    # Beside a good source: the good one is still read and counted, and still exit 1.
    rc, _, err = run(DEMO, "file:" + SAMPLE[2], "file:" + folder)
    check(rc == 1, "good + directory: rc %d\n%s" % (rc, err))
    check("summary: ticks read %d," % lines_of(SAMPLE[2:]) in err, "good source not counted:\n" + err)
    # A missing file: start-up refuses (exit 2), one line, no all-zero summary.
    missing = os.path.join(WORK, "nope.jsonl")
    rc, _, err = run(DEMO, "file:" + missing)
    check(rc == 2, "run over a missing source: rc %d\n%s" % (rc, err))
    check(err == "adrmon: %s: cannot open: No such file or directory\n" % missing, repr(err))
    # replay: non-zero for both, naming the path and errno.
    rc, _, err = adrmon("replay", "--config", DEMO, folder)
    check(rc != 0 and "%s: read error: Is a directory" % folder in err, "replay dir: %d %r" % (rc, err))
    rc, _, err = adrmon("replay", "--config", DEMO, missing)
    check(rc != 0 and "%s: cannot open: No such file or directory" % missing in err,
          "replay missing: %d %r" % (rc, err))
    print("sources: a directory -> summary then exit 1 naming it; missing -> exit 2 at start-up; "
          "replay non-zero for both")


def main():
    config_errors()
    relative_paths()
    unreadable_sources()
    shutil.rmtree(WORK, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
