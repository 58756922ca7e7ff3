#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time and prints executions and
# time per target. Used by `make fuzz` (FUZZ_SECONDS, default 60 per target)
# and, shorter, by .ci/run.
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]      (FUZZ_TARGETS="a b" for some only)
#
# Seeds: tests/fuzz/corpus/ticks (hand-made), every line of data/sample's
# first lines and of tests/data/bad/*.jsonl (one line per seed, plus a few
# multi-line slices), and for the config target every .toml under config/
# and tests/data/config. What the fuzzer adds accumulates in
# BUILD_DIR/corpus/<target> across runs. Before fuzzing, every saved input
# under tests/fuzz/regress/<target>/ is run once: each is a crash found and
# fixed, and must stay fixed. A crash stops the script with exit 1 and
# leaves the input in BUILD_DIR/artifacts/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
secs=${2:-${FUZZ_SECONDS:-60}}
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/ticks" "$seeds/config" "$seeds/itch" "$seeds/omdc" "$seeds/capture" "$seeds/wire" \
  "$build/artifacts"

# --- seed corpora ------------------------------------------------------------
cp "$src"/tests/fuzz/corpus/ticks/* "$seeds/ticks/"
python3 - "$src" "$seeds/ticks" <<'PY'
import glob, hashlib, os, sys
src, out = sys.argv[1], sys.argv[2]
def put(data):
    open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)
files = [os.path.join(src, "data", "sample", n) for n in ("us.jsonl", "hk.jsonl", "fx.jsonl")]
files += sorted(glob.glob(os.path.join(src, "tests", "data", "bad", "*.jsonl")))
for f in files:
    lines = open(f, "rb").read().split(b"\n")[:200]
    for l in set(lines):
        if l:
            put(l + b"\n")
    for i in range(0, min(len(lines), 60), 20):  # a few multi-line slices, framing included
        put(b"\n".join(lines[i:i + 5]) + b"\n")
PY
cp "$src"/config/*.toml "$src"/tests/data/config/*.toml "$seeds/config/"
# Venue seeds, built from the specifications' layouts: ITCH records for the
# fuzz config's BABA (locate 1; the target prepends its directory record) and
# OMD-C packets for 9988 and 13.
python3 - "$seeds" <<'PY'
import os, struct, sys
out = sys.argv[1]
def hdr(t, n, loc=1, ts=34200000000000):
    return bytearray(t.encode() + struct.pack(">HH", loc, 0) + ts.to_bytes(6, "big") + bytes(n - 11))
def rec(m): return struct.pack(">H", len(m)) + bytes(m)
def add(ref, side, sh, px, t="A"):
    m = hdr(t, 36 if t == "A" else 40); m[11:19] = struct.pack(">Q", ref); m[19] = ord(side)
    m[20:24] = struct.pack(">I", sh); m[24:32] = b"BABA    "; m[32:36] = struct.pack(">I", px); return m
def ref_msg(t, n, ref, sh=None):
    m = hdr(t, n); m[11:19] = struct.pack(">Q", ref)
    if sh is not None: m[19:23] = struct.pack(">I", sh)
    return m
def replace(o, n, sh, px):
    m = hdr("U", 35); m[11:19] = struct.pack(">Q", o); m[19:27] = struct.pack(">Q", n)
    m[27:31] = struct.pack(">I", sh); m[31:35] = struct.pack(">I", px); return m
def halt(state):
    m = hdr("H", 25); m[11:19] = b"BABA    "; m[19] = ord(state); return m
book = [add(1, "B", 100, 851200), add(2, "S", 200, 851400), add(3, "B", 50, 851300, "F")]
seeds = {
    "book": book,
    "reduce": book + [ref_msg("E", 31, 1, 40), ref_msg("C", 36, 2, 50), ref_msg("X", 23, 3, 10), ref_msg("D", 19, 2)],
    "replace": book + [replace(1, 9, 300, 851350), ref_msg("E", 31, 9, 1), halt("H"), halt("T")],
    "unknown": book + [ref_msg("E", 31, 77, 1), bytearray(b"Z" + bytes(10))],
}
for name, msgs in seeds.items():
    open(os.path.join(out, "itch", name), "wb").write(b"".join(rec(m) for m in msgs))
def msg(t, body): return struct.pack("<HH", 4 + len(body), t) + body
def entry(q, px, side, lvl, act): return struct.pack("<QiIHBB4x", q, px, 1, side, lvl, act)
def upd(code, es): return msg(53, struct.pack("<I3xB", code, len(es)) + b"".join(es))
def pkt(seq, msgs, filler=0):
    body = b"".join(msgs); return struct.pack("<HBBIQ", 16 + len(body), len(msgs), filler, seq, 1763951400000000000) + body
two = upd(9988, [entry(800, 100000, 0, 1, 0), entry(900, 100100, 1, 1, 0)])
omdc = {
    "book": pkt(1, [two]),
    "shift": pkt(1, [two]) + pkt(2, [upd(9988, [entry(5, 100050, 0, 1, 0), entry(1, 0, 1, 1, 2)])], 47),
    "clear": pkt(1, [two, upd(13, [entry(1, 500, 0, 1, 0), entry(1, 510, 1, 1, 0)])]) + pkt(3, [upd(9988, [entry(0, 0, 0, 0, 74)])]),
    "status": pkt(1, [msg(21, struct.pack("<IB3x", 9988, 2)), msg(20, b"MAIN" + bytes(24)), msg(999, b"xyz")]) + pkt(4, []),
}
for name, data in omdc.items():
    open(os.path.join(out, "omdc", name), "wb").write(data)
PY

# Binary captures: a whole one (60 sample ticks, made by `adrmon convert --to
# capture`) and the same cut inside its block (no footer: the scan path).
cp "$src"/tests/fuzz/corpus/capture/* "$seeds/capture/"
# Bus wire ticks (80 bytes, little-endian, FORMATS.md "Bus"): a quote, an fx
# tick and a halt.
python3 - "$seeds/wire" <<'PY'
import os, struct, sys
out = sys.argv[1]
def wire(kind, venue, sym, ts, bid, ask, bs, as_, seq):
    return struct.pack("<BBBB16sIqqddddQ", 1, kind, venue, len(sym), sym.encode(), 1200, ts,
                       ts + 5000, bid, ask, bs, as_, seq)
recs = {"quote": wire(0, 0, "BABA", 1763951400000000000, 85.12, 85.14, 300, 500, 17),
        "fx": wire(1, 2, "USDHKD", 1763951400000000001, 7.7812, 7.7815, 0, 0, 2**64 - 1),
        "halt": wire(3, 1, "9988", 1763951400000000002, 0, 0, 0, 0, 4)}
for name, r in recs.items():
    assert len(r) == 80
    open(os.path.join(out, name), "wb").write(r)
PY

# The nats:// source's ordering (bus_order_fuzz.cpp): an ack subject or a
# tick Msg-Id on the first line, then FeedOrder operations (origin, n, clock
# step): in order, a re-sent range after newer records, duplicates, a hole
# given up by the clock.
mkdir -p "$seeds/order"
printf '$JS.ACK.ADRMON_TICKS.eng.1.4711.4700.1764600000000000000.12\n\x00\x00\x01\x00\x01\x01\x00\x02\x01' \
  >"$seeds/order/ack_in_order"
printf '00000000000000ff-42\n\x00\x00\x01\x00\x04\x01\x00\x05\x01\x00\x01\x01\x00\x02\x01\x00\x03\x01\x00\x03\x01' \
  >"$seeds/order/resent_range"
printf '$JS.ACK._.H.S.C.1.9.9.1.0.t\n\x00\x00\x01\x04\x09\xff\x04\x0a\xff\x05\x00\x01' \
  >"$seeds/order/hole_expired"

# --- targets -----------------------------------------------------------------
#        target             seeds   dictionary
targets=("fuzz_tick_parser  ticks   tick.dict"
         "fuzz_framing_diff ticks   tick.dict"
         "fuzz_config       config  config.dict"
         "fuzz_itch         itch    itch.dict"
         "fuzz_omdc         omdc    omdc.dict"
         "fuzz_capture      capture capture.dict"
         "fuzz_tick_wire    wire    tick_wire.dict"
         "fuzz_bus_order    order   order.dict")

summary=()
status=0
for t in "${targets[@]}"; do
  read -r name seed dict <<<"$t"
  # FUZZ_TARGETS="fuzz_config ..." runs only those.
  [[ -z "${FUZZ_TARGETS:-}" || " $FUZZ_TARGETS " == *" $name "* ]] || continue
  bin=$build/$name
  corpus=$build/corpus/$name
  mkdir -p "$corpus"
  regress=$src/tests/fuzz/regress/$name
  if compgen -G "$regress/*" >/dev/null; then
    "$bin" -runs=0 "$regress"/* >/dev/null 2>"$build/$name.regress.log" ||
      { echo "fuzz: $name: a saved regression input fails again:"; tail -30 "$build/$name.regress.log"; exit 1; }
  fi
  log=$build/$name.log
  echo "fuzz: $name for ${secs}s ..."
  t0=$(date +%s.%N)
  set +e
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -dict="$src/tests/fuzz/$dict" -artifact_prefix="$build/artifacts/$name-" \
    "$corpus" "$seeds/$seed" >"$log" 2>&1
  rc=$?
  set -e
  took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  units=$(ls "$corpus" | wc -l)
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "fuzz: $name FAILED (exit $rc); see $log and $build/artifacts/"
    grep -E 'FUZZ INVARIANT|ERROR: |SUMMARY: |^line' "$log" | head -10 || true
  fi
  summary+=("$(printf '%-18s %10s execs in %5.1f s  %7.0f execs/s  cov %5s  corpus %5s  %s' "$name" \
    "${execs:-?}" "$took" "$(awk -v n="${execs:-0}" -v t="$took" 'BEGIN { print n / t }')" "${cov:-?}" "$units" \
    "$([[ $rc -eq 0 ]] && echo clean || echo CRASH)")")
done

echo
echo "fuzz summary (ASan+UBSan, ${secs}s per target):"
printf '  %s\n' "${summary[@]}" | tee "$build/fuzz-summary.txt"
exit $status
