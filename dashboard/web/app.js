// Length: the whole page (table, alert feed, sparklines, WebSocket, sorting,
// the board poll) with no framework and no build step.
// adrmon dashboard client: one WebSocket (/ws), a table of every pair, an
// alert feed and a premium sparkline per pair.
//
// Protocol (JSON text frames from the server):
//   {"type":"snapshot","as_of":ns,"history_seconds":s,"pairs":[...],"alerts":[...],
//    "history":{"ADR/HK":[[ts_ns,premium_bps],...]}}      on connect
//   {"type":"pairs","as_of":ns,"pairs":[changed pairs],"full":true?}  throttled per pair
//   {"type":"alert","alert":{...alert contract...}}          as alerts happen
// Every string from the server (symbols come from config and feeds) reaches
// the page through textContent or canvas text, never parsed as markup.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const token = params.get("token");
  const MAX_ALERTS = 300;

  const state = {
    pairs: new Map(),     // name -> latest pair object
    rows: new Map(),      // name -> {tr, cells, canvas}
    history: new Map(),   // name -> [[ts, premium], ...]
    asOf: 0,
    historyNs: 300e9,
    sortKey: "pair",
    sortAsc: true,
    alertCount: 0,
    messages: 0,
    reconnects: 0,
    filter: "",
    sound: false,
    dirty: new Set(),
    resort: true,
  };

  // ---- formatting -------------------------------------------------------------
  const fix = (v, d) => (v === null || v === undefined || !isFinite(v) ? "—" : v.toFixed(d));
  // A quantity (ADS size, share ratio): integers as integers, anything else to
  // 2 decimals ("300", "233.33"), never a raw double ("233.33333333333334").
  const qty = (v) => {
    if (v === null || v === undefined || !isFinite(v)) return "—";
    const r = Math.round(v * 100) / 100;
    return Number.isInteger(r) ? String(r) : r.toFixed(2);
  };
  const bps = (v) => (v === null || v === undefined || !isFinite(v) ? "—" : (v > 0 ? "+" : "") + v.toFixed(1));
  const hkPriceDigits = (v) => (v !== null && v < 10 ? 3 : 2);
  function age(ts) {
    if (!ts || !state.asOf) return null;
    return Math.max(0, (state.asOf - ts) / 1e9);
  }
  const fmtAge = (a) => (a === null ? "—" : a < 10 ? a.toFixed(1) + "s" : a < 600 ? Math.round(a) + "s" : Math.round(a / 60) + "m");
  function hkt(ns) {  // HKT = UTC+8, no daylight saving
    if (!ns) return "—";
    const d = new Date(ns / 1e6 + 8 * 3600e3);
    const p = (n, w) => String(n).padStart(w || 2, "0");
    return d.getUTCFullYear() + "-" + p(d.getUTCMonth() + 1) + "-" + p(d.getUTCDate()) + " " +
      p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()) + ":" + p(d.getUTCSeconds()) + "." +
      p(d.getUTCMilliseconds(), 3) + " HKT";
  }
  const hktShort = (ns) => hkt(ns).slice(11, 23);

  // ---- the ADR-implied index (GET /api/board, every 2 s) -------------------------
  let boardTimer = null;
  function pollBoard() {
    if (boardTimer !== null) return;
    const tick = () => {
      fetch("/api/board" + (token ? "?token=" + encodeURIComponent(token) : ""), { cache: "no-store" })
        .then((r) => (r.ok ? r.json() : null))
        .then((b) => {
          if (!b || !b.index) return;
          const i = b.index;
          $("index-name").textContent = "implied " + i.index;
          $("index").textContent = i.pairs > 0
            ? bps(i.implied_move_bps) + " (" + i.pairs + " pairs, w " + fix(i.weight_covered, 3) + ")"
            : "—";
        })
        .catch(() => {});
    };
    tick();
    boardTimer = setInterval(tick, 2000);
  }

  // ---- table ------------------------------------------------------------------
  const COLS = ["pair", "adr_bid", "adr_ask", "adr_age", "hk_bid", "hk_ask", "hk_age", "fx", "fx_age",
    "hk_equiv", "premium_bps", "sell_adr_bps", "buy_adr_bps", "breach", "spark"];

  function makeRow(name) {
    const tr = document.createElement("tr");
    tr.dataset.pair = name;
    const cells = {};
    for (const c of COLS) {
      const td = document.createElement("td");
      td.className = c;
      if (c === "pair" || c === "breach") td.classList.add("l");
      if (c.endsWith("_age")) td.classList.add("age");
      cells[c] = td;
      tr.appendChild(td);
    }
    const nameSpan = document.createElement("span");
    nameSpan.textContent = name;
    const ratio = document.createElement("span");
    ratio.className = "ratio";
    cells.pair.append(nameSpan, ratio);
    cells.ratio = ratio;
    const canvas = document.createElement("canvas");
    canvas.className = "spark";
    canvas.width = 180 * (window.devicePixelRatio || 1);
    canvas.height = 22 * (window.devicePixelRatio || 1);
    cells.spark.classList.add("spark");
    cells.spark.appendChild(canvas);
    const row = { tr, cells, canvas };
    state.rows.set(name, row);
    $("rows").appendChild(tr);
    return row;
  }

  function setCell(td, text, classes) {
    if (td.textContent !== text) td.textContent = text;
    td.classList.toggle("stale", !!(classes && classes.stale));
    for (const k of ["pos", "neg", "edge", "edge-hot"]) td.classList.toggle(k, !!(classes && classes[k]));
  }

  function renderRow(p) {
    const row = state.rows.get(p.pair) || makeRow(p.pair);
    const c = row.cells;
    const maxAge = (p.max_age_ns || 3e9) / 1e9;
    const aAge = age(p.adr_ts), hAge = age(p.hk_ts), fAge = age(p.fx_ts);
    const stale = { adr: aAge === null || aAge > maxAge, hk: hAge === null || hAge > maxAge, fx: fAge === null || fAge > maxAge };
    c.ratio.textContent = "×" + qty(p.ratio);
    setCell(c.adr_bid, fix(p.adr_bid, 2), { stale: stale.adr });
    setCell(c.adr_ask, fix(p.adr_ask, 2), { stale: stale.adr });
    setCell(c.adr_age, fmtAge(aAge), { stale: stale.adr });
    const hd = hkPriceDigits(p.hk_bid);
    setCell(c.hk_bid, fix(p.hk_bid, hd), { stale: stale.hk });
    setCell(c.hk_ask, fix(p.hk_ask, hd), { stale: stale.hk });
    setCell(c.hk_age, fmtAge(hAge), { stale: stale.hk });
    const fxMid = p.fx_bid !== null && p.fx_ask !== null ? (p.fx_bid + p.fx_ask) / 2 : null;
    setCell(c.fx, fix(fxMid, 4), { stale: stale.fx });
    setCell(c.fx_age, fmtAge(fAge), { stale: stale.fx });
    setCell(c.hk_equiv, fix(p.hk_equiv, 3), {});
    setCell(c.premium_bps, bps(p.premium_bps), { pos: p.premium_bps > 0.05, neg: p.premium_bps < -0.05 });
    setCell(c.sell_adr_bps, bps(p.sell_adr_bps), { "edge-hot": p.sell_adr_bps > 0, edge: !(p.sell_adr_bps > 0) });
    setCell(c.buy_adr_bps, bps(p.buy_adr_bps), { "edge-hot": p.buy_adr_bps > 0, edge: !(p.buy_adr_bps > 0) });
    const side = p.open_sell_adr ? "sell_adr" : p.open_buy_adr ? "buy_adr" : "";
    let breach = "";
    if (side) {
      const openTs = p["open_ts_" + side];
      const peak = p["peak_" + side + "_bps"];
      breach = (side === "sell_adr" ? "SELL ADR" : "BUY ADR") + " " + fmtAge(age(openTs)) + " pk " + bps(peak);
      if (p.open_sell_adr && p.open_buy_adr) breach = "BOTH SIDES";
    } else if (!p.priced) {
      breach = "waiting for legs";
    } else if (p.live === false) {
      // Only indicative: the gate says why, with both venues' phases.
      breach = "indicative: " + (p.why || "stale") + " · US " + (p.us_phase || "?") +
        " · HK " + (p.hk_phase || "?");
    } else if (!p.fresh) {
      breach = "stale";
    } else if (p.us_phase && p.us_phase !== "open") {
      breach = "live · US " + p.us_phase + " · HK " + p.hk_phase;
    }
    setCell(c.breach, breach, {});
    row.tr.classList.toggle("breach-open", !!side);
    row.tr.classList.toggle("side-sell_adr", side === "sell_adr");
    row.tr.classList.toggle("side-buy_adr", side === "buy_adr");
    row.tr.classList.toggle("unpriced", !p.priced);
    row.tr.classList.toggle("indicative", p.priced && p.live === false);
    row.tr.dataset.open = side;
  }

  function sortValue(p, key) {
    switch (key) {
      case "pair": return p.pair;
      case "adr_age": return age(p.adr_ts);
      case "hk_age": return age(p.hk_ts);
      case "fx_age": return age(p.fx_ts);
      case "fx": return p.fx_bid;
      case "breach": return (p.open_sell_adr || p.open_buy_adr) ? 1 : 0;
      default: return p[key];
    }
  }

  function applySort() {
    const key = state.sortKey, dir = state.sortAsc ? 1 : -1;
    const list = Array.from(state.pairs.values());
    list.sort((a, b) => {
      const x = sortValue(a, key), y = sortValue(b, key);
      if (x === y) return a.id - b.id;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    const body = $("rows");
    let prev = null;
    for (const p of list) {  // move only rows out of place
      const tr = state.rows.get(p.pair).tr;
      const want = prev ? prev.nextSibling : body.firstChild;
      if (tr !== want) body.insertBefore(tr, want);
      prev = tr;
    }
    for (const th of document.querySelectorAll("th[data-sort]")) {
      th.classList.toggle("sorted", th.dataset.sort === key);
      th.classList.toggle("asc", th.dataset.sort === key && state.sortAsc);
    }
  }

  function applyFilter() {
    const f = state.filter.trim().toUpperCase();
    for (const [name, row] of state.rows) row.tr.classList.toggle("hidden", f !== "" && !name.toUpperCase().includes(f));
  }

  // ---- sparklines --------------------------------------------------------------
  function pushHistory(p) {
    if (!p.priced || p.premium_bps === null) return;
    let h = state.history.get(p.pair);
    if (!h) state.history.set(p.pair, (h = []));
    const ts = p.as_of || state.asOf;
    if (h.length && ts - h[h.length - 1][0] < state.historyNs / 600) {
      h[h.length - 1][1] = p.premium_bps;  // same pixel column: keep the latest
    } else {
      h.push([ts, p.premium_bps]);
    }
    const cut = state.asOf - state.historyNs;
    let drop = 0;
    while (drop < h.length && h[drop][0] < cut) drop++;
    if (drop) h.splice(0, drop);
  }

  function drawSpark(name) {
    const row = state.rows.get(name);
    if (!row) return;
    const cv = row.canvas, g = cv.getContext("2d");
    const W = cv.width, H = cv.height, dpr = window.devicePixelRatio || 1;
    g.clearRect(0, 0, W, H);
    const h = state.history.get(name);
    if (!h || h.length < 2 || !state.asOf) return;
    // The window is history_seconds, or what there is of it so far (at least 30 s).
    const t1 = state.asOf;
    const t0 = Math.min(t1 - 30e9, Math.max(t1 - state.historyNs, h[0][0]));
    let lo = 0, hi = 0;
    for (const [, v] of h) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = Math.max(hi - lo, 20);  // at least 20 bp tall: noise stays small
    const mid = (hi + lo) / 2;
    lo = mid - span / 2 - 2; hi = mid + span / 2 + 2;
    const x = (t) => ((t - t0) / (t1 - t0)) * (W - 2) + 1;
    const y = (v) => H - 2 - ((v - lo) / (hi - lo)) * (H - 4);
    g.strokeStyle = "rgba(125,136,150,0.35)";
    g.lineWidth = dpr;
    g.beginPath(); g.moveTo(0, y(0)); g.lineTo(W, y(0)); g.stroke();  // zero premium
    const last = h[h.length - 1][1];
    g.strokeStyle = last >= 0 ? "#e3a04f" : "#6cb6ff";
    g.lineWidth = 1.3 * dpr;
    g.beginPath();
    let started = false;
    for (const [t, v] of h) {
      if (t < t0) continue;
      if (!started) { g.moveTo(x(t), y(v)); started = true; } else g.lineTo(x(t), y(v));
    }
    g.stroke();
    const p = state.pairs.get(name);
    if (p && (p.open_sell_adr || p.open_buy_adr)) {
      g.fillStyle = "#d29922";
      g.beginPath(); g.arc(x(h[h.length - 1][0]), y(last), 2.2 * dpr, 0, 2 * Math.PI); g.fill();
    }
  }

  // ---- alerts -----------------------------------------------------------------
  let audio = null;
  function beep(open) {
    if (!state.sound) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const o = audio.createOscillator(), gain = audio.createGain();
      o.type = "sine";
      o.frequency.value = open ? 880 : 440;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.25, audio.currentTime + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + (open ? 0.25 : 0.15));
      o.connect(gain).connect(audio.destination);
      o.start();
      o.stop(audio.currentTime + 0.3);
    } catch (e) { /* no audio device: the flash still shows */ }
  }

  function span(cls, text) {
    const s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function addAlert(a, live) {
    const li = document.createElement("li");
    li.className = "alert " + (a.kind === "open" ? "open" : "close");
    li.dataset.pair = a.pair;
    li.dataset.kind = a.kind;
    li.dataset.side = a.side;
    let detail;
    if (a.kind === "open") {
      detail = "ADR " + fix(a.adr_bid, 2) + "/" + fix(a.adr_ask, 2) + "  HK " + fix(a.hk_bid, 3) + "/" +
        fix(a.hk_ask, 3) + "  FX " + fix(a.fx_bid, 4) + "  " + qty(a.size_ads || 0) + " ADS  $" +
        Math.round(a.notional_usd || 0).toLocaleString("en-US");
    } else {
      detail = (a.reason || "") + "  peak " + bps(a.peak_edge_bps) + "  open " +
        fmtAge(a.open_ts ? (a.ts - a.open_ts) / 1e9 : null);
    }
    li.append(span("time", hkt(a.ts).slice(11)), span("kind", a.kind.toUpperCase()),
      span("side", a.side === "sell_adr" ? "sell ADR" : "buy ADR"), span("pair", a.pair),
      span("edge", "edge " + bps(a.edge_bps)), span("prem", "prem " + bps(a.mid_premium_bps)),
      span("detail", detail));
    const list = $("alerts");
    list.insertBefore(li, list.firstChild);
    while (list.childElementCount > MAX_ALERTS) list.removeChild(list.lastChild);
    $("no-alerts").style.display = "none";
    state.alertCount++;
    $("nalerts").textContent = String(state.alertCount);
    if (live) {
      li.classList.add("flash");
      beep(a.kind === "open");
      const row = state.rows.get(a.pair);
      if (row) { row.tr.classList.remove("flash"); void row.tr.offsetWidth; }
    }
  }

  // ---- messages -----------------------------------------------------------------
  function onPairs(list) {
    for (const p of list) {
      state.pairs.set(p.pair, p);
      pushHistory(p);
      renderRow(p);
      state.dirty.add(p.pair);
    }
  }

  function onMessage(msg) {
    state.messages++;
    if (msg.as_of && msg.as_of > state.asOf) state.asOf = msg.as_of;
    if (msg.type === "snapshot") {
      state.historyNs = (msg.history_seconds || 300) * 1e9;
      $("spark-head").textContent = "Premium, last " + Math.round(msg.history_seconds || 300) + " s";
      state.history.clear();
      for (const name of Object.keys(msg.history || {})) {
        state.history.set(name, msg.history[name].map((x) => [x[0], x[1]]));
      }
      onPairs(msg.pairs || []);
      $("alerts").textContent = "";
      state.alertCount = 0;
      for (const a of msg.alerts || []) addAlert(a, false);
      state.resort = true;
    } else if (msg.type === "pairs") {
      onPairs(msg.pairs || []);
      state.resort = true;
    } else if (msg.type === "alert") {
      addAlert(msg.alert, true);
    }
  }

  // Ages and sparklines move with event time even for pairs that did not change.
  function frame() {
    $("clock").textContent = hkt(state.asOf);
    $("npairs").textContent = String(state.pairs.size);
    let open = 0;
    for (const p of state.pairs.values()) if (p.open_sell_adr || p.open_buy_adr) open++;
    $("nopen").textContent = String(open);
    $("nopen").classList.toggle("hot", open > 0);
    if (state.resort) {
      for (const p of state.pairs.values()) if (!state.dirty.has(p.pair)) renderRow(p);
      applySort();
      applyFilter();
      state.resort = false;
    }
    for (const name of state.rows.keys()) drawSpark(name);
    state.dirty.clear();
    $("foot").textContent = "messages " + state.messages + " · reconnects " + state.reconnects +
      " · sorted by " + state.sortKey + (state.sortAsc ? " ↑" : " ↓") + " · stale legs greyed (age > max_age)";
  }
  setInterval(frame, 250);

  // ---- connection -----------------------------------------------------------------
  let backoff = 500;
  function setConn(cls, text) {
    const c = $("conn");
    c.className = "pill " + cls;
    c.textContent = text;
  }
  function connect() {
    pollBoard();
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws" +
      (token ? "?token=" + encodeURIComponent(token) : "");
    setConn("wait", state.reconnects ? "reconnecting" : "connecting");
    let ws;
    try { ws = new WebSocket(url); } catch (e) { return retry(); }
    ws.onopen = () => { backoff = 500; setConn("up", "live"); };
    ws.onmessage = (ev) => {
      try { onMessage(JSON.parse(ev.data)); } catch (e) { console.error("adrmon: bad message", e); }
    };
    ws.onclose = () => { setConn("down", "disconnected"); retry(); };
  }
  function retry() {
    state.reconnects++;
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 5000);
  }

  // ---- controls -------------------------------------------------------------------
  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      const k = th.dataset.sort;
      if (state.sortKey === k) state.sortAsc = !state.sortAsc;
      else { state.sortKey = k; state.sortAsc = k === "pair"; }
      state.resort = true;
      frame();
    });
  }
  $("filter").addEventListener("input", (e) => { state.filter = e.target.value; applyFilter(); });
  $("sound").addEventListener("click", () => {
    state.sound = !state.sound;
    const b = $("sound");
    b.setAttribute("aria-pressed", String(state.sound));
    b.textContent = state.sound ? "sound on" : "sound off";
    if (state.sound) beep(true);  // a user gesture unlocks WebAudio
  });

  connect();
})();
