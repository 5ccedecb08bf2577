/// The DNS node's status page (`GET /` and `GET /status` on the admin API): one self-contained
/// HTML document, with its CSS and script inline and no request to any other host, so that it
/// works on an isolated network. It polls the JSON APIs every second with relative URLs (so it
/// also works behind a reverse proxy's path prefix), computes rates from the running totals of
/// `/v1/summary`, and draws sparklines of the last minute as inline SVG.
///
/// For tests that read a DOM dump: every endpoint row carries `data-endpoint` and `data-state`
/// (`up`, `down` or `drained`, as `/v1/state` says), every region block `data-region` and
/// `data-state` (`up`: every endpoint up, `degraded`: some, `down`: none), and
/// `document.body.dataset.loaded` is `"true"` after the first successful poll.
enum StatusPage {
    static let contentType = "text/html; charset=utf-8"

    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Meridian status</title>
    <style>
    :root {
      --bg: #f5f6f8; --card: #ffffff; --line: #e2e5ea; --rule: #eff1f4;
      --text: #1d2530; --muted: #5f6b7a; --faint: #8a94a3; --accent: #2f5fd0;
      --green: #1b7f46; --green-bg: #e3f4ea; --amber: #9a6200; --amber-bg: #fcf0d6; --red: #b8322c; --red-bg: #fbe6e5;
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    header { background: var(--card); border-bottom: 1px solid var(--line); }
    .bar, main, footer { max-width: 1280px; margin: 0 auto; padding-left: 24px; padding-right: 24px; }
    .bar { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; padding-top: 14px; padding-bottom: 14px; }
    .brand { font-weight: 650; font-size: 17px; }
    .brand small { font-weight: 400; font-size: 13px; color: var(--muted); margin-left: 8px; }
    .meta { margin-left: auto; display: flex; align-items: center; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 13px; }
    .meta b { color: var(--text); font-weight: 600; font-variant-numeric: tabular-nums; }
    .live { display: inline-flex; align-items: center; gap: 6px; }
    .live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--faint); }
    .live[data-live="true"]::before { background: var(--green); }
    .live[data-live="false"]::before { background: var(--red); }
    main { display: grid; gap: 20px; padding-top: 20px; padding-bottom: 24px; }
    .banner { background: var(--red-bg); color: var(--red); border: 1px solid #f0c4c1; border-radius: 8px; padding: 10px 14px; }
    .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; min-width: 0; }
    h2 { margin: 0 0 10px; font-size: 12px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); }
    .kpis { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); }
    .kpi .value { margin-top: 2px; font-size: 28px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .kpi .sub { color: var(--muted); font-size: 12px; }
    .regions { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); }
    .region-head { display: flex; align-items: center; gap: 10px; }
    .region-head h3 { margin: 0; font-size: 16px; font-weight: 600; }
    .region-head .rate { margin-left: auto; color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
    .region .sub { color: var(--muted); font-size: 12px; margin: 2px 0 10px; }
    .region[data-state="degraded"] { border-top: 3px solid var(--amber); }
    .region[data-state="down"] { border-top: 3px solid var(--red); }
    .region[data-state="up"] { border-top: 3px solid var(--green); }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th { text-align: left; white-space: nowrap; padding: 4px 10px 6px 0; border-bottom: 1px solid var(--line); color: var(--faint); font-size: 12px; font-weight: 500; }
    td { padding: 7px 10px 7px 0; border-bottom: 1px solid var(--rule); vertical-align: middle; white-space: nowrap; }
    tr:last-child td { border-bottom: 0; }
    td .services { display: block; color: var(--faint); font-size: 12px; white-space: normal; }
    .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
    .muted { color: var(--muted); }
    .badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600; line-height: 20px; }
    .badge.up, .badge.alive { color: var(--green); background: var(--green-bg); }
    .badge.degraded, .badge.drained, .badge.suspect { color: var(--amber); background: var(--amber-bg); }
    .badge.down, .badge.dead, .badge.left { color: var(--red); background: var(--red-bg); }
    .meter { display: inline-block; width: 44px; height: 6px; margin-right: 6px; border-radius: 3px; background: var(--rule); vertical-align: middle; overflow: hidden; }
    .meter > span { display: block; height: 100%; background: var(--green); }
    tr[data-state="drained"] .meter > span { background: var(--amber); }
    tr[data-state="down"] .meter > span { background: var(--faint); }
    .answer { display: grid; grid-template-columns: minmax(90px, 160px) minmax(80px, 1fr) 90px 120px; align-items: center; gap: 14px; padding: 6px 0; border-bottom: 1px solid var(--rule); }
    .answer:last-child { border-bottom: 0; }
    .answer .num { text-align: right; font-variant-numeric: tabular-nums; }
    .spark { display: block; width: 100%; height: 34px; margin-top: 8px; }
    .answer .spark { height: 24px; margin: 0; }
    .spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
    .spark polygon { fill: rgba(47, 95, 208, .09); }
    /* Without gossip the members card is hidden, and the events card takes the whole row. */
    .split { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); }
    .empty { color: var(--faint); padding: 6px 0; }
    footer { color: var(--faint); font-size: 12px; padding-bottom: 28px; }
    footer a { color: var(--muted); }
    @media (max-width: 960px) {
      .regions { grid-template-columns: minmax(0, 1fr); }
      .answer { grid-template-columns: minmax(80px, 1fr) minmax(60px, 1fr) 80px; }
      .answer .total { display: none; }
    }
    </style>
    </head>
    <body>
    <header><div class="bar">
      <div class="brand">Meridian<small>DNS node status</small></div>
      <div class="meta">
        <span>generation <b id="generation">–</b></span>
        <span>uptime <b id="uptime">–</b></span>
        <span class="live" id="live">connecting…</span>
      </div>
    </div></header>
    <main>
      <div class="banner" id="banner" hidden></div>
      <section class="kpis">
        <div class="card kpi"><h2>Queries / s</h2><div class="value" id="qps">–</div><div class="sub" id="queries">&nbsp;</div><div id="qps-spark"></div></div>
        <div class="card kpi"><h2>Steered answers / s</h2><div class="value" id="aps">–</div><div class="sub" id="answers">&nbsp;</div><div id="aps-spark"></div></div>
        <div class="card kpi"><h2>Endpoints up</h2><div class="value" id="endpoints-up">–</div><div class="sub" id="regions-up">&nbsp;</div></div>
        <div class="card kpi"><h2>Fail-open answers</h2><div class="value" id="failed-open">–</div><div class="sub">answered with every endpoint, none being healthy</div></div>
      </section>
      <section class="card"><h2>Answers by region, last minute</h2><div id="answers-by-region"></div></section>
      <section><h2>Regions</h2><div class="regions" id="regions"></div></section>
      <div class="split">
        <section class="card"><h2>Recent health events</h2><div class="scroll" id="events"></div></section>
        <section class="card" id="members-card" hidden><h2>Cluster members</h2><div class="scroll" id="members"></div></section>
      </div>
    </main>
    <footer>Refreshed every second from <a href="v1/state">v1/state</a>, <a href="v1/summary">v1/summary</a>, <a href="v1/events">v1/events</a> and, with gossip, <a href="v1/members">v1/members</a>. Prometheus: <a href="metrics">metrics</a>.</footer>
    <script>
    "use strict";
    const POLL_MS = 1000;
    const WINDOW_S = 60;
    const EVENTS_SHOWN = 20;
    // Samples of /v1/summary over the last minute: {t (node uptime, s), queries, steered, byRegion}.
    let samples = [];

    const byId = (id) => document.getElementById(id);

    // An element with attributes and children; text goes in as text, never as markup.
    function el(tag, attributes, ...children) {
      const node = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes || {})) {
        if (value !== undefined && value !== null) node.setAttribute(name, value);
      }
      for (const child of children.flat()) {
        if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
      }
      return node;
    }

    // JSON from the node; null for a route it does not serve (404: /v1/members without gossip).
    async function getJSON(path) {
      const response = await fetch(path, { cache: "no-store" });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(path + ": HTTP " + response.status);
      return response.json();
    }

    const count = (n) => Number(n).toLocaleString("en-US");
    const rate = (r) => r === null ? "–" : r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString("en-US");
    const service = (name) => name.replace(/\.$/, "");

    function duration(seconds) {
      const s = Math.floor(seconds), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
      if (d > 0) return d + "d " + h + "h";
      if (h > 0) return h + "h " + m + "m";
      return m > 0 ? m + "m " + (s % 60) + "s" : (s % 60) + "s";
    }

    function remember(summary) {
      const sample = { t: summary.uptimeSeconds, queries: summary.queries, steered: summary.steeredAnswers.total, byRegion: summary.steeredAnswers.byRegion };
      const last = samples[samples.length - 1];
      if (last && sample.t <= last.t) samples = [];  // the node restarted: its totals started over
      samples.push(sample);
      while (sample.t - samples[0].t > WINDOW_S) samples.shift();
    }

    // Per-second rates of `value(sample)` between consecutive samples, each as {t, v} at the
    // later sample's time.
    function rates(value) {
      const out = [];
      for (let i = 1; i < samples.length; i++) {
        const dt = samples[i].t - samples[i - 1].t;
        out.push({ t: samples[i].t, v: dt > 0 ? Math.max(0, value(samples[i]) - value(samples[i - 1])) / dt : 0 });
      }
      return out;
    }
    const latest = (series) => series.length ? series[series.length - 1].v : null;

    // A sparkline of the last minute on a time axis, now at the right edge (a backgrounded tab
    // polls less often). The SVG is written as markup (numbers only), which puts it in the SVG
    // namespace without naming that namespace's URI.
    function sparkline(series) {
      const width = 120, height = 30, n = series.length;
      const top = Math.max(1, ...series.map((p) => p.v)), now = n ? series[n - 1].t : 0;
      const points = series.map((p) => [
        (width - (now - p.t) / WINDOW_S * width).toFixed(2),
        (height - 1 - p.v / top * (height - 4)).toFixed(2),
      ]);
      const line = points.map((p) => p.join(",")).join(" ");
      const shapes = n > 1 ? '<polygon points="' + points[0][0] + "," + height + " " + line + " " + points[n - 1][0] + "," + height + '"/><polyline points="' + line + '"/>' : "";
      const box = document.createElement("div");
      box.innerHTML = '<svg class="spark" viewBox="0 0 ' + width + " " + height + '" preserveAspectRatio="none" aria-hidden="true">' + shapes + "</svg>";
      return box.firstChild;
    }

    function regionState(endpoints) {
      const up = endpoints.filter((e) => e.state === "up").length;
      return up === endpoints.length && up > 0 ? "up" : up > 0 ? "degraded" : "down";
    }

    function table(headers, rows) {
      return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
    }

    function renderHeader(state, summary) {
      byId("generation").textContent = state.generation;
      if (summary) byId("uptime").textContent = duration(summary.uptimeSeconds);
    }

    function renderFigures(state, summary) {
      const endpoints = state.regions.flatMap((r) => r.endpoints);
      const upEndpoints = endpoints.filter((e) => e.state === "up").length;
      const upRegions = state.regions.filter((r) => regionState(r.endpoints) === "up").length;
      byId("endpoints-up").textContent = upEndpoints + " / " + endpoints.length;
      byId("regions-up").textContent = upRegions + " of " + state.regions.length + " regions fully up";
      if (!summary) return;
      const queryRates = rates((s) => s.queries), answerRates = rates((s) => s.steered);
      byId("qps").textContent = rate(latest(queryRates));
      byId("queries").textContent = count(summary.queries) + " answered since start";
      byId("qps-spark").replaceChildren(sparkline(queryRates));
      byId("aps").textContent = rate(latest(answerRates));
      byId("answers").textContent = count(summary.steeredAnswers.total) + " steered since start";
      byId("aps-spark").replaceChildren(sparkline(answerRates));
      byId("failed-open").textContent = count(summary.failedOpen);
    }

    function renderAnswers(state, summary) {
      byId("answers-by-region").replaceChildren(...state.regions.map((region) => {
        const series = rates((s) => s.byRegion[region.name] || 0);
        const total = summary ? summary.steeredAnswers.byRegion[region.name] || 0 : 0;
        return el("div", { class: "answer" },
          el("div", {}, el("span", { class: "badge " + regionState(region.endpoints) }, region.name)),
          sparkline(series),
          el("div", { class: "num" }, rate(latest(series)) + " /s"),
          el("div", { class: "num total muted" }, count(total) + " total"),
        );
      }));
    }

    function renderRegions(state) {
      const answerRate = (name) => latest(rates((s) => s.byRegion[name] || 0));
      byId("regions").replaceChildren(...state.regions.map((region) => {
        const status = regionState(region.endpoints);
        const up = region.endpoints.filter((e) => e.state === "up").length;
        const rows = region.endpoints.map((e) => el("tr", { "data-endpoint": e.name, "data-state": e.state },
          el("td", {}, el("b", {}, e.name), el("span", { class: "services" }, e.services.map(service).join(", "))),
          el("td", { class: "mono" }, (e.address.includes(":") ? "[" + e.address + "]" : e.address) + ":" + e.port),
          el("td", {}, el("span", { class: "badge " + e.state }, e.state)),
          el("td", {}, el("span", { class: "meter" }, el("span", { style: "width:" + Math.round(e.capacity * 100) + "%" })), Math.round(e.capacity * 100) + "%"),
          el("td", {}, e.latencyMs === undefined ? el("span", { class: "muted" }, "–") : e.latencyMs.toFixed(1) + " ms"),
          el("td", {}, e.weight),
        ));
        return el("section", { class: "card region", "data-region": region.name, "data-state": status },
          el("div", { class: "region-head" }, el("h3", {}, region.name), el("span", { class: "badge " + status }, status),
            el("span", { class: "rate" }, rate(answerRate(region.name)) + " answers/s")),
          el("div", { class: "sub" }, up + " of " + region.endpoints.length + " endpoints up · clients " + (region.clients.join(", ") || "none")),
          el("div", { class: "scroll" }, table(["Endpoint", "Address", "State", "Capacity", "Latency", "Weight"], rows)),
        );
      }));
    }

    // What an endpoint became, in the words of its state badge.
    const eventState = (e) => e.up ? "up" : e.source === "drain" ? "drained" : "down";

    function renderEvents(events) {
      const shown = events ? events.events.slice(0, EVENTS_SHOWN) : [];
      if (!shown.length) {
        byId("events").replaceChildren(el("div", { class: "empty" }, "No endpoint has changed health since the node started."));
        return;
      }
      byId("events").replaceChildren(table(["Time", "Endpoint", "Region", "Now", "Capacity", "Source"], shown.map((e) => el("tr", {},
        el("td", { class: "mono", title: e.time }, new Date(e.time).toLocaleTimeString([], { hour12: false })),
        el("td", {}, el("b", {}, e.endpoint)),
        el("td", {}, e.region),
        el("td", {}, el("span", { class: "badge " + eventState(e) }, eventState(e))),
        el("td", {}, Math.round(e.capacity * 100) + "%"),
        el("td", { class: "muted" }, e.source),
      ))));
    }

    function renderMembers(members) {
      byId("members-card").hidden = members === null;
      if (members === null) return;
      byId("members").replaceChildren(table(["Member", "Role", "Region", "Status", "Round trip", "Address"], members.members.map((m) => el("tr", { "data-member": m.name, "data-state": m.status },
        el("td", {}, el("b", {}, m.name), m.name === members.self ? el("span", { class: "muted" }, " (this node)") : null),
        el("td", {}, m.role),
        el("td", {}, m.region || el("span", { class: "muted" }, "–")),
        el("td", {}, el("span", { class: "badge " + m.status }, m.status)),
        el("td", {}, m.rttMs === undefined ? el("span", { class: "muted" }, "–") : m.rttMs + " ms"),
        el("td", { class: "mono" }, m.address),
      ))));
    }

    function showLive(error) {
      const live = byId("live"), banner = byId("banner");
      live.dataset.live = error ? "false" : "true";
      live.textContent = error ? "unreachable" : "updated " + new Date().toLocaleTimeString([], { hour12: false });
      banner.hidden = !error;
      if (error) banner.textContent = "Cannot reach this node's admin API (" + error.message + "). Retrying every second; the figures below are from the last successful poll.";
    }

    async function poll() {
      try {
        const [state, summary, events, members] = await Promise.all(["v1/state", "v1/summary", "v1/events", "v1/members"].map(getJSON));
        if (state === null) throw new Error("v1/state: HTTP 404");
        if (summary) remember(summary);
        renderHeader(state, summary);
        renderFigures(state, summary);
        renderAnswers(state, summary);
        renderRegions(state);
        renderEvents(events);
        renderMembers(members);
        showLive(null);
        document.body.dataset.loaded = "true";
      } catch (error) {
        showLive(error);
      } finally {
        setTimeout(poll, POLL_MS);
      }
    }

    document.title = "Meridian · " + location.host;
    poll();
    </script>
    </body>
    </html>
    """#
}
