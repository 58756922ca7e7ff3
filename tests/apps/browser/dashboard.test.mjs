// The dashboard in a real browser: Debian's chromium driven by playwright-core.
//
// Replays data/sample through the real daemon (`adrmon run`, paced at
// DASH_SPEED x real time, dashboard on a free port), opens the page and
// checks that the table lists every configured pair, that the first breach
// `adrmon replay` finds in the same files shows in the alert feed and
// highlights its row, and that the page logged no error (a CSP or script
// error would). Saves BUILD/test-artifacts/dashboard.png. Then replays the
// same files at full speed through a second daemon and checks that the page
// prints fractional sizes to 2 decimals ("233.33 ADS", not the raw double
// "233.33333333333334") and no raw double anywhere in the table or feed.
//
// Usage: node dashboard.test.mjs BUILD_DIR SOURCE_DIR
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const [BUILD, SRC] = process.argv.slice(2).map((p) => path.resolve(p));
const ADRMON = path.join(BUILD, "apps", "adrmon");
const SPEED = process.env.DASH_SPEED || "2";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SAMPLE = ["us", "hk", "fx"].map((n) => path.join(SRC, "data", "sample", n + ".jsonl"));
const ARTIFACTS = path.join(BUILD, "test-artifacts");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "adrmon-browser-"));

let passed = 0;
function check(cond, what) {
  if (!cond) throw new Error("FAIL: " + what);
  passed++;
  console.log("ok   " + what);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitHealth(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url + "health");
      if (r.ok) return;
    } catch (e) { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("dashboard did not come up at " + url);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(CHROMIUM + " missing: run scripts/setup.sh (Debian chromium)");
  // The breach to look for: the first open alert of the batch replay.
  const replayOut = path.join(work, "replay.jsonl");
  execFileSync(ADRMON, ["replay", "--config", path.join(SRC, "config", "demo.toml"), "--alerts", replayOut,
    "--quiet", ...SAMPLE]);
  const replay = fs.readFileSync(replayOut, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const firstOpen = replay.find((a) => a.kind === "open");
  check(firstOpen !== undefined, "the replay has an open alert (" + (firstOpen && firstOpen.pair) + ")");

  const fractional = replay.filter((a) => a.kind === "open" && !Number.isInteger(a.size_ads));
  check(fractional.length > 0, "the replay has an open alert with a fractional size (" +
    (fractional[0] && fractional[0].pair + " " + fractional[0].size_ads) + ")");

  const port = await freePort();
  const demo = fs.readFileSync(path.join(SRC, "config", "demo.toml"), "utf8").replace(/^\[dashboard\][\s\S]*?(?=^\[|(?![\s\S]))/m, "");
  const nPairs = (demo.match(/^\[\[pair\]\]/gm) || []).length;
  const config = path.join(work, "dash.toml");
  fs.writeFileSync(config, demo + `\n[dashboard]\nlisten = "127.0.0.1:${port}"\n`);

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "adrmon-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1560, height: 940 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const daemons = [];
  const startDaemon = (cfg, speed, name) => {
    const err = fs.openSync(path.join(work, name + ".stderr"), "w");
    const d = spawn(ADRMON, ["run", "--config", cfg, "--no-stdout-alerts",
      ...SAMPLE.map((f) => "--source=file:" + f + "?speed=" + speed)], { stdio: ["ignore", "ignore", err] });
    daemons.push(d);
    return d;
  };
  startDaemon(config, SPEED, "daemon");
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitHealth(url, 15000);
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];
    page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(url);

    await page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n, nPairs, { timeout: 15000 });
    const names = await page.$$eval("#rows tr", (trs) => trs.map((t) => t.dataset.pair));
    check(names.length === nPairs, `the table shows all ${nPairs} configured pairs`);
    check(new Set(names).size === nPairs, "each pair once");
    check(names.includes(firstOpen.pair), "the table has " + firstOpen.pair);
    await page.waitForSelector("#conn.up", { timeout: 10000 });
    check(true, "connection state shows live");

    const sel = `#alerts li.open[data-pair="${firstOpen.pair}"][data-side="${firstOpen.side}"]`;
    await page.waitForSelector(sel, { timeout: 60000 });
    check(true, `alert feed shows the ${firstOpen.side} open of ${firstOpen.pair}`);
    const rowSel = `#rows tr[data-pair="${firstOpen.pair}"]`;
    await page.waitForSelector(rowSel + ".breach-open.side-" + firstOpen.side, { timeout: 5000 });
    const breachText = await page.textContent(rowSel + " td.breach");
    check(/BUY ADR|SELL ADR/.test(breachText), `row ${firstOpen.pair} highlighted, breach cell "${breachText}"`);
    const clock = await page.textContent("#clock");
    check(/^2025-11-24 \d\d:\d\d:\d\d\.\d{3} HKT$/.test(clock), "event time shown: " + clock);
    const topAlert = await page.$eval("#alerts li", (li) => li.dataset.pair);
    check(typeof topAlert === "string" && topAlert.length > 0, "alert feed newest first: " + topAlert);

    await page.waitForTimeout(1500);  // a few more points on the sparklines
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: false });
    check(fs.statSync(shot).size > 10000, "screenshot saved: " + shot);
    check(problems.length === 0, "no console or page errors" + (problems.length ? ": " + problems.join(" | ") : ""));

    // Every alert of the day at once (speed max): the snapshot carries them all.
    const fastPort = await freePort();
    const fastConfig = path.join(work, "fast.toml");
    fs.writeFileSync(fastConfig, demo + `\n[dashboard]\nlisten = "127.0.0.1:${fastPort}"\n`);
    startDaemon(fastConfig, "max", "fast");
    const fastUrl = `http://127.0.0.1:${fastPort}/`;
    await waitHealth(fastUrl, 15000);
    const fast = await context.newPage();
    const fastProblems = [];
    fast.on("console", (m) => { if (m.type() === "error") fastProblems.push(m.text()); });
    fast.on("pageerror", (e) => fastProblems.push(String(e)));
    const opens = replay.filter((a) => a.kind === "open").length;
    for (let tries = 0; ; tries++) {  // the replay may still be running when the page connects
      await fast.goto(fastUrl);
      await fast.waitForSelector("#conn.up", { timeout: 10000 });
      const n = await fast.$$eval("#alerts li.open", (lis) => lis.length).catch(() => 0);
      if (n >= opens || tries > 20) break;
      await fast.waitForTimeout(250);
    }
    const details = (a) => fast.$$eval(`#alerts li.open[data-pair="${a.pair}"][data-side="${a.side}"] span.detail`,
      (spans) => spans.map((x) => x.textContent));
    for (const a of fractional) {
      const want = "  " + (Math.round(a.size_ads * 100) / 100).toFixed(2) + " ADS  ";
      const texts = await details(a);
      check(texts.some((t) => t.includes(want)), `${a.pair} size ${a.size_ads} shown as "${want.trim()}": ${JSON.stringify(texts)}`);
    }
    const integral = replay.find((a) => a.kind === "open" && Number.isInteger(a.size_ads));
    const intTexts = await details(integral);
    check(intTexts.some((t) => t.includes("  " + integral.size_ads + " ADS  ")),
      `whole size ${integral.size_ads} shown as is: ${JSON.stringify(intTexts)}`);
    const shown = await fast.$eval("body", (b) => b.innerText);
    const raw = shown.match(/\d\.\d{5,}/g);
    check(raw === null, "no raw double on the page" + (raw ? ": " + raw.slice(0, 5).join(", ") : ""));
    check(fastProblems.length === 0, "no console or page errors at full speed" +
      (fastProblems.length ? ": " + fastProblems.join(" | ") : ""));
  } finally {
    await context.close();
    for (const d of daemons) {
      d.kill("SIGTERM");
      await new Promise((r) => (d.exitCode !== null ? r() : d.once("exit", r)));
    }
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  for (const name of ["daemon", "fast"]) {
    try { console.error(fs.readFileSync(path.join(work, name + ".stderr"), "utf8")); } catch (_) {}
  }
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});
