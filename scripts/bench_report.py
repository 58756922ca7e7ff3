#!/usr/bin/env python3
"""bench_report.py RESULTS_DIR: Google Benchmark JSON -> report.md + chart script.

Reads the medians of the repetitions (aggregate "median") from every
<suite>.json that scripts/bench.sh wrote, puts each headline figure beside
its same-run baseline with the ratio, marks the issue-4 targets met/missed,
and writes ratios.dat + ratios.gp for gnuplot (ratios.png).
"""
import json
import os
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench-results"


def load(suite):
    path = os.path.join(out, suite + ".json")
    if not os.path.exists(path):
        return {}, {}
    with open(path) as f:
        data = json.load(f)
    med = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
            med[b["run_name"]] = b
    if not med:  # no repetitions: take the single runs
        for b in data["benchmarks"]:
            med[b.get("run_name", b["name"])] = b
    return med, data.get("context", {})


def get(med, name, key="items_per_second"):
    b = med.get(name)
    return None if b is None or key not in b else float(b[key])


def ns_per_item(med, name):
    r = get(med, name)
    return None if not r else 1e9 / r


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    for lim, div, suf in ((1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e3, 1e3, "k")):
        if abs(v) >= lim:
            return f"{v / div:.2f} {suf}{unit}".strip()
    return f"{v:.1f} {unit}".strip()


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


rows = []      # (area, figure, value, baseline name, baseline value, ratio text)
targets = []   # (target, measured, met)
chart = []     # (label, speed-up over baseline)


def row(area, what, v, base_name, b, r, rtext=None):
    rows.append((area, what, v, base_name, b,
                 "n/a" if r is None else (rtext or f"{r:.2f}x")))


def target(text, measured, ok):
    targets.append((text, measured, "n/a" if ok is None else ("**met**" if ok else "**MISSED**")))


# ---- parser
p, ctx = load("parser_bench")
ours, raw, nl = (get(p, n) for n in ("BM_TickParser", "BM_RawSimdjsonWalk", "BM_Nlohmann"))
mem_b, ours_b = get(p, "BM_MemoryRead", "bytes_per_second"), get(p, "BM_TickParser", "bytes_per_second")
row("parser", "TickParser lines/s", fmt(ours, "/s"), "raw simdjson walk", fmt(raw, "/s"), ratio(ours, raw))
row("parser", "TickParser lines/s", fmt(ours, "/s"), "nlohmann::json", fmt(nl, "/s"), ratio(ours, nl))
row("parser", "TickParser bytes/s", fmt(ours_b, "B/s"), "memory read", fmt(mem_b, "B/s"), ratio(ours_b, mem_b))
r_raw, r_nl = ratio(ours, raw), ratio(ours, nl)
target("JSON line -> Tick >= 50% of the raw simdjson walk",
       "n/a" if r_raw is None else f"{100 * r_raw:.0f}%", None if r_raw is None else r_raw >= 0.5)
target("JSON line -> Tick >= 5x nlohmann", "n/a" if r_nl is None else f"{r_nl:.1f}x",
       None if r_nl is None else r_nl >= 5)
if r_nl: chart.append(("parser vs nlohmann", r_nl))
if r_raw: chart.append(("parser vs raw simdjson", r_raw))

# ---- symbol lookup
s, _ = load("symbol_bench")
for n in (30, 200):
    a, b, c = (get(s, f"{x}/{n}") for x in ("BM_SymbolTable", "BM_UnorderedMapHetero", "BM_UnorderedMapString"))
    row("symbol", f"SymbolTable::find, {n} pairs", fmt(a, "/s"), "unordered_map (heterogeneous)", fmt(b, "/s"), ratio(a, b))
    row("symbol", f"SymbolTable::find, {n} pairs", fmt(a, "/s"), "unordered_map (std::string key)", fmt(c, "/s"), ratio(a, c))
    if ratio(a, b): chart.append((f"symbol {n} vs unordered_map", ratio(a, b)))

# ---- engine
e, _ = load("engine_bench")
parse_ns = ns_per_item(p, "BM_TickParser")
kinds = {0: "mix", 1: "quotes", 2: "FX"}
for pairs in (1, 30, 200):
    for k, kn in kinds.items():
        name = f"BM_Engine/pairs:{pairs}/kind:{k}"
        if name not in e:
            continue
        mean = ns_per_item(e, name)
        p50, p99, p999 = (get(e, name, c) for c in ("p50_ns", "p99_ns", "p999_ns"))
        row("engine", f"{pairs} pairs, {kn}: ns/tick (p50 / p99 / p99.9)",
            f"{mean:.1f} ({p50:.0f} / {p99:.0f} / {p999:.0f})", "TickParser ns/line",
            "n/a" if parse_ns is None else f"{parse_ns:.0f}", ratio(mean, parse_ns),
            None if parse_ns is None else f"{100 * mean / parse_ns:.0f}% of a parse")
m30 = "BM_Engine/pairs:30/kind:0"
if m30 in e:
    p50, mean = get(e, m30, "p50_ns"), ns_per_item(e, m30)
    target("engine per tick median < 50 ns, 30 pairs (mix)", f"p50 {p50:.0f} ns, mean {mean:.1f} ns",
           p50 < 50 and mean < 50)
f200 = "BM_Engine/pairs:200/kind:2"
if f200 in e:
    p50, mean = get(e, f200, "p50_ns"), ns_per_item(e, f200)
    target("FX tick, 200 pairs < 2 us", f"p50 {p50:.0f} ns, mean {mean:.0f} ns", p50 < 2000 and mean < 2000)
# Issue 10: the vectorised FX scan beside every pair evaluated one by one.
for n, goal in ((30, 100), (200, 500)):
    name, base = f"BM_Engine/pairs:{n}/kind:2", f"BM_EngineFxScalar/pairs:{n}"
    if name in e and base in e:
        mean, b = ns_per_item(e, name), ns_per_item(e, base)
        row("engine", f"{n} pairs, FX tick (FxLanes scan): ns/tick", f"{mean:.0f}",
            "every pair evaluated (scalar)", f"{b:.0f}", ratio(b, mean), f"{b / mean:.1f}x faster")
        target(f"FX tick, {n} pairs <= {goal} ns (vectorised)", f"mean {mean:.0f} ns (scalar {b:.0f} ns)",
               mean <= goal)
        chart.append((f"FX scan {n} pairs vs scalar", ratio(b, mean)))

# ---- queue
q, _ = load("queue_bench")
cands = ["OurSpsc", "CircularBufferQ", "ConcurrentQueueTok", "MutexDeque"]
mut = ns_per_item(q, "BM_Throughput<MutexDeque>/bulk:0/real_time")
mut_p50 = get(q, "BM_Latency<MutexDeque>/real_time", "p50_ns")
for c in cands:
    for bulk in (0, 1):
        t = ns_per_item(q, f"BM_Throughput<{c}>/bulk:{bulk}/real_time")
        row("queue", f"{c}{' bulk' if bulk else ''}: ns/item (burst)", "n/a" if t is None else f"{t:.1f}",
            "mutex+deque ns/item", "n/a" if mut is None else f"{mut:.1f}", ratio(mut, t),
            None if ratio(mut, t) is None else f"{ratio(mut, t):.2f}x faster")
    lat = f"BM_Latency<{c}>/real_time"
    p50, p99 = get(q, lat, "p50_ns"), get(q, lat, "p99_ns")
    row("queue", f"{c}: hop p50 / p99 ns (paced)", "n/a" if p50 is None else f"{p50:.0f} / {p99:.0f}",
        "mutex+deque p50 ns", "n/a" if mut_p50 is None else f"{mut_p50:.0f}", ratio(mut_p50, p50),
        None if ratio(mut_p50, p50) is None else f"{ratio(mut_p50, p50):.2f}x lower")
ours_t = ns_per_item(q, "BM_Throughput<OurSpsc>/bulk:0/real_time")
if ratio(mut, ours_t): chart.append(("SpscQueue vs mutex+deque", ratio(mut, ours_t)))
p50 = get(q, "BM_Latency<OurSpsc>/real_time", "p50_ns")
target("queue hop p50 < 300 ns between two cores", "n/a" if p50 is None else f"{p50:.0f} ns",
       None if p50 is None else p50 < 300)

# ---- alert formatting
a, _ = load("alert_format_bench")
fa, fs = get(a, "BM_FormatAlertJson"), get(a, "BM_SnprintfBaseline")
row("alerts", "format_alert_json alerts/s", fmt(fa, "/s"), "snprintf %.17g", fmt(fs, "/s"), ratio(fa, fs))
if ratio(fa, fs): chart.append(("alert format vs snprintf", ratio(fa, fs)))

# ---- replay
r, _ = load("replay_bench")
e2e, merge, rd = (get(r, n) for n in ("BM_ReplayEndToEnd/real_time", "BM_ReplayMergeOnly/real_time", "BM_ReadFiles/real_time"))
row("replay", "files -> engine -> alerts, ticks/s", fmt(e2e, "/s"), "read(2) of the files, lines/s", fmt(rd, "/s"), ratio(e2e, rd))
row("replay", "files -> engine -> alerts, ticks/s", fmt(e2e, "/s"), "merge only (no engine)", fmt(merge, "/s"), ratio(e2e, merge))
def daemon_rate(fname, label):
    path = os.path.join(out, fname)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        runs = json.load(f)
    rates = [x["ticks_read"] / x["wall_seconds"] for x in runs if x.get("wall_seconds")]
    if not rates:
        return None
    rate = statistics.median(rates)
    row("replay", f"{label} ticks/s (median of {len(rates)}, {runs[0]['ticks_read']} ticks)",
        fmt(rate, "/s"), "replay_bench end to end", fmt(e2e, "/s"), ratio(rate, e2e))
    return rate


daemon = daemon_rate("replay_daemon.json", "`adrmon replay`")
threaded = daemon_rate("run_daemon.json", "`adrmon run` (unpaced files, default design)")
target("end-to-end replay >= 3M ticks/s (replay_bench)", fmt(e2e, "/s"), None if e2e is None else e2e >= 3e6)
target("end-to-end replay >= 3M ticks/s (`adrmon replay`)", fmt(daemon, "/s"), None if daemon is None else daemon >= 3e6)
target("end-to-end replay >= 3M ticks/s (`adrmon run`)", fmt(threaded, "/s"), None if threaded is None else threaded >= 3e6)

# ---- JSON Lines on both cores (issue 10): same files, same run
p, _ = load("replay_parallel_bench")
walk = get(p, "BM_RawIterateManyWalk/real_time")
one, auto = (get(p, f"BM_Replay/threads:{t}/real_time") for t in (1, 0))
walk_name = "raw simdjson iterate_many walk, 1 thread"
row("replay", "replay stages, parse threads auto, lines/s", fmt(auto, "/s"), walk_name, fmt(walk, "/s"), ratio(auto, walk))
row("replay", "replay stages, parse threads 1, lines/s", fmt(one, "/s"), walk_name, fmt(walk, "/s"), ratio(one, walk))
row("replay", "`adrmon replay` (parse threads auto, the default) ticks/s", fmt(daemon, "/s"), walk_name, fmt(walk, "/s"), ratio(daemon, walk))
row("replay", "`adrmon run` from files ticks/s", fmt(threaded, "/s"), "`adrmon replay`, same run", fmt(daemon, "/s"), ratio(threaded, daemon))
r_auto, r_daemon, r_run = ratio(auto, walk), ratio(daemon, walk), ratio(threaded, daemon)
target("replay >= 1.5x a 1-thread raw iterate_many walk (replay_parallel_bench, auto)",
       "n/a" if r_auto is None else f"{r_auto:.2f}x", None if r_auto is None else r_auto >= 1.5)
target("`adrmon replay` >= 1.5x the raw iterate_many walk (same run)",
       "n/a" if r_daemon is None else f"{r_daemon:.2f}x", None if r_daemon is None else r_daemon >= 1.5)
target("`adrmon run` from files >= 95% of `adrmon replay` (same run)",
       "n/a" if r_run is None else f"{r_run:.0%}", None if r_run is None else r_run >= 0.95)

# ---- binary capture (issue 10): the same day, same run
c, _ = load("capture_bench")
for what, a, b, base in (
        ("read path (no engine)", "BM_CaptureRead/real_time", "BM_JsonlRead/real_time",
         "JSON Lines read, parse, merge"),
        ("-> engine (replay in process)", "BM_CaptureReplay/real_time", "BM_JsonlReplay/real_time",
         "JSON Lines -> engine")):
    ca, ja = get(c, a), get(c, b)
    row("capture", f"capture {what}, ticks/s", fmt(ca, "/s"), base, fmt(ja, "/s"), ratio(ca, ja))
    if ratio(ca, ja): chart.append((f"capture {what.split(' (')[0]} vs JSONL", ratio(ca, ja)))
cap_runs = os.path.join(out, "capture_replay.json")
if os.path.exists(cap_runs):
    with open(cap_runs) as f:
        runs = json.load(f)
    rate = {m: statistics.median(x["summary"]["ticks_read"] / x["summary"]["wall_seconds"]
                                 for x in runs if x["mode"] == m and x["summary"].get("wall_seconds"))
            for m in ("jsonl", "capture")}
    n = runs[0]["summary"]["ticks_read"]
    r_cap = ratio(rate["capture"], rate["jsonl"])
    row("capture", f"`adrmon replay CAPTURE` ticks/s (median of 3, {n} ticks)", fmt(rate["capture"], "/s"),
        "`adrmon replay` JSON Lines, interleaved", fmt(rate["jsonl"], "/s"), r_cap)
    target("`adrmon replay CAPTURE` >= 10x `adrmon replay` of its JSON Lines (same day, same run)",
           "n/a" if r_cap is None else f"{r_cap:.1f}x", None if r_cap is None else r_cap >= 10)
    sizes = os.path.join(out, "capture_sizes.json")
    if os.path.exists(sizes) and n:
        with open(sizes) as f:
            z = json.load(f)
        bpt, gz, raw = (z[k] / n for k in ("capture_bytes", "jsonl_gzip_bytes", "jsonl_bytes"))
        row("capture", "capture bytes/tick", f"{bpt:.1f}", "gzip -6 JSON Lines bytes/tick", f"{gz:.1f}",
            ratio(bpt, gz), f"{bpt / gz:.2f}x gzip's size")
        row("capture", "compression ratio (JSON Lines bytes / capture bytes)", f"{raw / bpt:.1f}x",
            "gzip -6 of the JSON Lines", f"{raw / gz:.1f}x", ratio(raw / bpt, raw / gz))

# ---- wire -> alert latency through the daemon (issue 10), beside its floors
fl, _ = load("latency_floor_bench")
floors = {}
for name, label in (("BM_FloorCacheLinePingPong/iterations:8/real_time", "cache-line ping-pong"),
                    ("BM_FloorFutexWake/iterations:4/real_time", "futex wake"),
                    ("BM_FloorUdpLoopback/iterations:8/real_time", "UDP loopback one way"),
                    ("BM_FloorFileWrite/iterations:4/real_time", "write(2) of an alert line, 100 us apart"),
                    ("BM_FloorFileWriteCold/iterations:1/real_time", "write(2) of an alert line, 10 ms apart")):
    p50, p99 = get(fl, name, "p50_ns"), get(fl, name, "p99_ns")
    floors[label] = (p50, p99)
    row("latency", f"floor: {label}, p50 / p99 ns", "n/a" if p50 is None else f"{p50:.0f} / {p99:.0f}",
        "", "", None)
wl_path = os.path.join(out, "wire_latency.json")
if os.path.exists(wl_path):
    with open(wl_path) as f:
        wl = json.load(f)
    designs = wl["designs"]
    for name, r in designs.items():
        st = r["stages"]
        for stage, what, floor in (("recv_to_priced", "wire -> priced", "UDP loopback one way"),
                                   ("priced_to_alert", "priced -> alert written", "write(2) of an alert line, 10 ms apart")):
            x, f50 = st[stage], floors[floor][0]
            row("latency", f"{name}: {what} p50 / p99 / p99.9 ns ({wl['rate']:.0f} ticks/s UDP)",
                f"{x['p50']} / {x['p99']} / {x['p99_9']}", f"{floor} p50 ns",
                "n/a" if f50 is None else f"{f50:.0f}", ratio(x["p50"], f50),
                None if ratio(x["p50"], f50) is None else f"{ratio(x['p50'], f50):.1f}x the floor")
    # The default on 2 CPUs ([pipeline] design = "auto" -> inline), the design before issue 10
    # (staged, wait = block) and the best p99 of the run.
    best = min(designs, key=lambda w: designs[w]["stages"]["recv_to_priced"]["p99"])
    shown = [("inline (the default on 2 CPUs)", designs.get("inline")),
             ("staged-block (the default before)", designs.get("staged-block"))]
    if best not in ("inline", "staged-block"):
        shown.append((f"{best} (best p99)", designs[best]))
    for name, r in shown:
        if r is None:
            continue
        wp, pa = r["stages"]["recv_to_priced"], r["stages"]["priced_to_alert"]
        target(f"wire -> priced p50 <= 5 us, p99 <= 50 us, UDP 20k ticks/s, {name}",
               f"p50 {wp['p50'] / 1e3:.1f} us, p99 {wp['p99'] / 1e3:.1f} us",
               wp["p50"] <= 5000 and wp["p99"] <= 50000)
        cold = floors["write(2) of an alert line, 10 ms apart"][1]
        target(f"priced -> alert written p99 <= 50 us, {name}",
               f"p99 {pa['p99'] / 1e3:.1f} us (a lone write(2) 10 ms apart: p99 "
               + ("n/a" if cold is None else f"{cold / 1e3:.1f} us") + ")",
               pa["p99"] <= 50000)
    new, old = designs.get("inline"), designs.get("staged-block")
    if new and old:
        worse = [f"{k} {new['stages'][k]['p99_9'] / 1e3:.0f} vs {old['stages'][k]['p99_9'] / 1e3:.0f} us"
                 for k in ("recv_to_priced", "priced_to_alert", "recv_to_alert")
                 if new["stages"][k]["p99_9"] > old["stages"][k]["p99_9"]]
        target("no stage worse at p99.9 than the design before (inline vs staged-block, same run)",
               "; ".join(worse) if worse else "none worse", not worse)

# ---- write
with open(os.path.join(out, "report.md"), "w") as f:
    f.write("# adrmon benchmark report\n\n")
    f.write(f"Run {ctx.get('date', '?')} on {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs "
            f"at {ctx.get('mhz_per_cpu', '?')} MHz, load average {ctx.get('load_avg', '?')}. "
            f"Medians of the repetitions. Each figure is beside a baseline measured in the same run; "
            f"only the ratios carry over to another machine or another hour.\n\n")
    f.write("## Targets (issue 4)\n\n| target | measured | |\n|---|---|---|\n")
    for t in targets:
        f.write(f"| {t[0]} | {t[1]} | {t[2]} |\n")
    f.write("\n## Figures and baselines\n\n| area | figure | value | baseline | baseline value | ratio |\n"
            "|---|---|---|---|---|---|\n")
    for x in rows:
        f.write("| " + " | ".join(str(c) for c in x) + " |\n")
    f.write("\nRaw results: `<suite>.json` (Google Benchmark), `replay_daemon.json`, `run_daemon.json`. Chart: `ratios.png`.\n")

with open(os.path.join(out, "ratios.dat"), "w") as f:
    for label, v in chart:
        f.write(f"\"{label}\" {v:.4f}\n")
with open(os.path.join(out, "ratios.gp"), "w") as f:
    f.write(f"""set terminal pngcairo size 900,480 noenhanced font ",10"
set output "{out}/ratios.png"
set title "adrmon vs same-run baselines (x faster; parser vs raw simdjson: fraction of the ceiling)"
set style fill solid 0.7
set boxwidth 0.6
set logscale y 2
set yrange [0.25:*]
set grid ytics
set xtics rotate by -25
set ylabel "ratio (log scale)"
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
plot "{out}/ratios.dat" using 0:2:xtic(1) with boxes notitle, \\
     "" using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.8 notitle
""")
for t in targets:
    print(f"  {t[2]:>12}  {t[0]}: {t[1]}")
