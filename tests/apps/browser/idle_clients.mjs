// Engine throughput with 0 and with 20 dashboard WebSocket clients that never
// read, measured in the same test run on the same generated trading day.
//
// Each round: `adrmon run` with the dashboard on a free port and one TCP
// source; (B rounds) 20 WebSocket clients complete the handshake and then
// never read; adrmon-cast then serves the day at full speed. The rate is
// taken from /metrics (adrmon_ticks_accepted_total, published every 100 ms)
// between its first and its last change. Rounds alternate A B A B so drift on
// this shared machine hits both; the best round of each is compared.
// Asserts only a generous bound (20 clients >= 1/3 of 0 clients).
//
// Usage: node idle_clients.mjs BUILD_DIR SOURCE_DIR
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const [BUILD, SRC] = process.argv.slice(2).map((p) => path.resolve(p));
const ADRMON = path.join(BUILD, "apps", "adrmon");
const GEN = path.join(BUILD, "tools", "adrmon-gen");
const CAST = path.join(BUILD, "tools", "adrmon-cast");
const DEMO = path.join(SRC, "config", "demo.toml");
const CLIENTS = 20;
const DAY_S = Number(process.env.IDLE_DAY_S || 23400);  // 6.5 h: one HK trading day
const QUOTE_RATE = process.env.IDLE_QUOTE_RATE || "4";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "adrmon-idle-"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on("error", reject);
  });
}

async function metric(port, name) {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await r.text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.split(" ")[1]) : NaN;
}

// A WebSocket client that completes the handshake and then never reads.
function idleClient(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.on("error", reject);
    s.on("connect", () => s.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    const onData = (d) => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n")) {
        s.off("data", onData);
        s.pause();  // never read again: the kernel buffers fill, then the server's
        if (!got.startsWith("HTTP/1.1 101")) reject(new Error("handshake: " + got.split("\r\n")[0]));
        else resolve(s);
      }
    };
    s.on("data", onData);
  });
}

async function round(clients, files, total) {
  const dashPort = await freePort();
  const feedPort = await freePort();
  const config = path.join(work, `round-${dashPort}.toml`);
  fs.writeFileSync(config, fs.readFileSync(DEMO, "utf8").replace(/^listen = .*$/m, `listen = "127.0.0.1:${dashPort}"`));
  const err = fs.openSync(path.join(work, `round-${dashPort}.stderr`), "w");
  const daemon = spawn(ADRMON, ["run", "--config", config, "--no-stdout-alerts", "--source", `tcp://127.0.0.1:${feedPort}`],
    { stdio: ["ignore", "ignore", err] });
  const sockets = [];
  let cast;
  try {
    for (let i = 0; i < 200; i++) {
      try { if ((await fetch(`http://127.0.0.1:${dashPort}/health`)).ok) break; } catch (e) { /* not yet */ }
      await sleep(25);
    }
    for (let i = 0; i < clients; i++) sockets.push(await idleClient(dashPort));
    await sleep(300);
    const connected = await metric(dashPort, "adrmon_dashboard_ws_clients");
    if (connected !== clients) throw new Error(`expected ${clients} clients, metrics say ${connected}`);
    cast = spawn(CAST, ["--config", DEMO, "--listen", `tcp://127.0.0.1:${feedPort}`, "--speed", "max", ...files],
      { stdio: ["ignore", "ignore", "ignore"] });
    let first = null, last = null, prev = 0;
    const deadline = Date.now() + 300000;
    while (Date.now() < deadline) {
      const n = await metric(dashPort, "adrmon_ticks_accepted_total");
      const t = performance.now();
      if (n !== prev) {
        if (first === null) first = { t, n };
        last = { t, n };
        prev = n;
      }
      if (n >= total) break;
      await sleep(10);
    }
    if (!last || last.n < total) throw new Error(`engine accepted ${last && last.n} of ${total}`);
    const dropped = await metric(dashPort, "adrmon_dashboard_ws_pair_updates_dropped_total");
    const stillConnected = await metric(dashPort, "adrmon_dashboard_ws_clients");
    return { rate: (last.n - first.n) / ((last.t - first.t) / 1000), dropped, stillConnected };
  } finally {
    for (const s of sockets) s.destroy();
    if (cast) cast.kill("SIGTERM");
    daemon.kill("SIGTERM");
    await new Promise((r) => daemon.once("exit", r));
  }
}

async function main() {
  const day = path.join(work, "day");
  const gen = spawnSync(GEN, ["--config", DEMO, "--out", day, "--seed", "11", "--duration-s", String(DAY_S),
    "--quote-rate", QUOTE_RATE, "--quiet-feed", "0"], { encoding: "utf8" });
  const m = /wrote (\d+) US, (\d+) HK, (\d+) FX ticks/.exec(gen.stderr || "");
  if (gen.status !== 0 || !m) throw new Error("adrmon-gen failed: " + gen.stderr);
  const files = ["us", "hk", "fx"].map((n) => path.join(day, n + ".jsonl"));
  const total = Number(m[1]) + Number(m[2]) + Number(m[3]);
  console.log(`generated day: ${DAY_S} s, quote rate ${QUOTE_RATE}/s per instrument, ${total} ticks`);

  const results = { 0: [], [CLIENTS]: [] };
  for (const clients of [0, CLIENTS, 0, CLIENTS]) {
    const r = await round(clients, files, total);
    results[clients].push(r);
    console.log(`round: ${String(clients).padStart(2)} idle clients: ${Math.round(r.rate)} ticks/s` +
      (clients ? ` (pair deltas dropped ${r.dropped}, still connected ${r.stillConnected})` : ""));
  }
  const best = (list) => Math.max(...list.map((r) => r.rate));
  const a = best(results[0]), b = best(results[CLIENTS]);
  console.log(`engine ticks/s over the day: 0 idle clients ${Math.round(a)}, ${CLIENTS} idle clients ` +
    `${Math.round(b)} (ratio ${(b / a).toFixed(2)})`);
  fs.rmSync(work, { recursive: true, force: true });
  if (!(b >= a / 3)) {
    console.log("FAIL: idle clients slowed the engine below 1/3");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  console.log("1 passed, 0 failed");
}

main().catch((e) => { console.error(e.stack || String(e)); console.log("0 passed, 1 failed"); process.exit(1); });
