/* newsgraph page: builds the vis-network view from the JSON data, plus search, filters, timeline and details.
 * Feed text is untrusted: it only ever reaches the DOM through textContent, Option() or attribute setters,
 * and only http/https URLs become links or images. */
"use strict";

/** The vis-network instance (tests and users script against it). */
var network = null;

(function () {
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var KINDS = DATA.kinds.map(function (k) { return k.name; });
  var EDGE_KINDS = DATA.edgeKinds;
  var N = DATA.nodes.length;
  var ARTICLE = KINDS.indexOf("article"), PROVIDER = KINDS.indexOf("provider");
  var TOPIC = KINDS.indexOf("topic"), IMAGE = KINDS.indexOf("image");
  var FONT = { color: "#2b2f33" };

  // -- helpers ------------------------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function safeUrl(u) {
    if (typeof u !== "string" || /[\u0000-\u0020"'<>\\`]/.test(u.trim())) return null;
    try {
      var p = new URL(u.trim());
      return (p.protocol === "http:" || p.protocol === "https:") ? p.href : null;
    } catch (e) { return null; }
  }
  function link(url, text) {
    var safe = safeUrl(url);
    if (!safe) return el("span", text);
    var a = el("a", text);
    a.href = safe;
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    a.referrerPolicy = "no-referrer";
    return a;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function plural(n, word) { return fmt(n) + " " + word + (n === 1 ? "" : "s"); }
  function day(iso) { return iso ? iso.slice(0, 10) : ""; }
  function when(iso) { return iso ? iso.slice(0, 10) + " " + iso.slice(11, 16) + " UTC" : ""; }

  // -- the graph's data ---------------------------------------------------------------------------------------
  var ids = new Array(N), kind = new Int8Array(N), label = new Array(N), info = DATA.info;
  var degree = new Int32Array(N), comm = new Int32Array(N), isHub = new Uint8Array(N);
  var index = new Map();
  var nbrs = new Array(N), providerOf = new Int32Array(N).fill(-1), topicsOf = new Array(N);
  var maxDegree = 1;
  for (var i = 0; i < N; i++) {
    var rec = DATA.nodes[i];
    ids[i] = rec[0]; kind[i] = rec[1]; label[i] = rec[2]; degree[i] = rec[3]; comm[i] = rec[6];
    if (rec[3] > maxDegree) maxDegree = rec[3];
    index.set(rec[0], i);
    nbrs[i] = []; topicsOf[i] = [];
  }
  DATA.hubs.forEach(function (h) { isHub[h] = 1; });
  var E = DATA.edges.length / 3;
  var BIG = E > 2000, DASHES = E < 6000;  // dashed lines are slow to draw: large graphs tell edge kinds by colour only
  var edgeFrom = new Int32Array(E), edgeTo = new Int32Array(E);
  function edgeStyle(k, faded) {
    var a = faded ? 0.08 : BIG ? 0.3 : 0.6, v = parseInt(k.color.slice(1), 16);
    var rgba = "rgba(" + (v >> 16) + "," + ((v >> 8) & 255) + "," + (v & 255) + "," + a + ")";
    return { color: rgba, highlight: k.color, hover: k.color, inherit: false };
  }
  var styles = EDGE_KINDS.map(function (k) { return [edgeStyle(k, false), edgeStyle(k, true)]; });
  var edgeItems = new Array(E);
  for (var e = 0; e < E; e++) {
    var s = DATA.edges[3 * e], t = DATA.edges[3 * e + 1], ki = DATA.edges[3 * e + 2], k = EDGE_KINDS[ki];
    edgeFrom[e] = s; edgeTo[e] = t;
    nbrs[s].push(t); nbrs[t].push(s);
    if (kind[s] === ARTICLE && k.name === "publisher") providerOf[s] = t;
    if (kind[s] === ARTICLE && k.name === "about") topicsOf[s].push(t);
    var faded = isHub[s] || isHub[t];
    var item = { id: e, from: ids[s], to: ids[t], color: styles[ki][faded ? 1 : 0] };
    var w = k.width * (BIG ? 0.7 : 1);
    if (w !== 1) item.width = w;
    if (k.dashes.length && DASHES) item.dashes = k.dashes;
    if (k.arrow) item.arrows = "to";
    edgeItems[e] = item;
  }
  function shade(hex) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) * 0.7, g = ((v >> 8) & 255) * 0.7, b = (v & 255) * 0.7;
    return "rgb(" + Math.round(r) + "," + Math.round(g) + "," + Math.round(b) + ")";
  }
  function nodeColor(hex) {
    return { background: hex, border: shade(hex), highlight: { background: hex, border: "#1d1d1d" },
      hover: { background: hex, border: "#1d1d1d" } };
  }
  var kindColor = DATA.kinds.map(function (k) { return nodeColor(k.color); });
  var GREY = "#b8c0c8", greyColor = nodeColor(GREY);
  /** Node radius (canvas units) from its number of connections. */
  var size = new Float32Array(N);
  for (i = 0; i < N; i++) size[i] = kind[i] === IMAGE ? 4 : 5 + 27 * Math.sqrt(degree[i] / maxDegree);

  // -- colour modes: by kind, by provider, by community -----------------------------------------------------------
  var topProviders = [];
  (function () {
    var list = [];
    for (var i = 0; i < N; i++) if (kind[i] === PROVIDER) list.push(i);
    list.sort(function (a, b) { return (info[b].articles || 0) - (info[a].articles || 0) || a - b; });
    topProviders = list.slice(0, DATA.palette.length - 1);
  })();
  var providerSlot = new Map();
  topProviders.forEach(function (p, n) { providerSlot.set(p, n); });
  var COMMS = DATA.communities.slice(0, DATA.palette.length - 1);
  /** The colour group of node i in a mode: an index into groupsOf(mode), or -1 (grey, "other"). */
  function groupOf(mode, i) {
    if (mode === "provider") {
      var p = kind[i] === PROVIDER ? i : kind[i] === ARTICLE ? providerOf[i] : -1;
      var slot = providerSlot.get(p);
      return slot === undefined ? -1 : slot;
    }
    if (mode === "community") return comm[i] >= 0 && comm[i] < COMMS.length ? comm[i] : -1;
    return kind[i];
  }
  function groupsOf(mode) {
    if (mode === "provider") return topProviders.map(function (p, n) { return { name: info[p].label, color: DATA.palette[n] }; });
    if (mode === "community") return COMMS.map(function (c, n) { return { name: c.name, color: DATA.palette[n] }; });
    return DATA.kinds.map(function (k) { return { name: k.name, color: k.color }; });
  }
  var paletteColor = DATA.palette.map(nodeColor);
  function colorFor(mode, i) {
    var g = groupOf(mode, i);
    if (mode === "kind") return kindColor[kind[i]];
    return g < 0 ? greyColor : paletteColor[g];
  }

  // -- the state: what the URL fragment holds ------------------------------------------------------------------------
  var DEFAULT_KINDS = KINDS.filter(function (k, ki) { return !(DATA.declutter && ki === IMAGE); });
  var state = { q: "", topic: "", provider: "", since: "", until: "", kinds: DEFAULT_KINDS.slice(), color: "kind",
    focus: "", depth: 0, path: [], overview: !!DATA.overview, open: [] };
  function readHash() {
    var h = location.hash.replace(/^#/, ""), p = new URLSearchParams(h), out = JSON.parse(JSON.stringify(state));
    out.q = p.get("q") || "";
    ["topic", "provider", "since", "until", "focus"].forEach(function (k) { out[k] = p.get(k) || ""; });
    if (p.has("kinds")) out.kinds = p.get("kinds").split(",").filter(function (k) { return KINDS.indexOf(k) >= 0; });
    var c = p.get("color");
    if (c === "provider" || c === "community" || c === "kind") out.color = c;
    var d = parseInt(p.get("depth") || "0", 10);
    out.depth = d >= 1 && d <= 3 ? d : 0;
    out.path = (p.get("path") || "").split("|").filter(function (x) { return index.has(x); }).slice(0, 2);
    if (out.path.length !== 2) out.path = [];
    if (!index.has(out.focus)) out.focus = "";
    if (p.has("overview")) out.overview = p.get("overview") === "1";
    out.open = (p.get("open") || "").split("|").filter(function (x) { return index.has(x); });
    return out;
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    ["topic", "provider", "since", "until"].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
    if (state.kinds.join(",") !== DEFAULT_KINDS.join(",")) p.set("kinds", state.kinds.join(","));
    if (state.color !== "kind") p.set("color", state.color);
    if (state.focus) p.set("focus", state.focus);
    if (state.focus && state.depth) p.set("depth", String(state.depth));
    if (state.path.length === 2) p.set("path", state.path.join("|"));
    if (state.overview !== !!DATA.overview) p.set("overview", state.overview ? "1" : "0");
    if (state.overview && state.open.length) p.set("open", state.open.join("|"));
    var text = p.toString();
    var url = location.href.replace(/#.*$/, "") + (text ? "#" + text : "");
    if (url !== location.href) {
      try { history.replaceState(null, "", url); } catch (err) { /* a sandboxed frame: keep the state in memory */ }
    }
  }
  state = readHash();

  // The drawing is stretched (at most twofold) to the window's shape, so it fills the window at the first sight.
  var container = $("mynetwork"), sx = 1, sy = 1;
  (function () {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var i = 0; i < N; i++) {
      var r = DATA.nodes[i];
      if (r[4] === null) continue;
      x0 = Math.min(x0, r[4]); x1 = Math.max(x1, r[4]); y0 = Math.min(y0, r[5]); y1 = Math.max(y1, r[5]);
    }
    var W = container.clientWidth, H = container.clientHeight;
    if (!(x1 > x0 && y1 > y0 && W > 0 && H > 0)) return;
    var k = Math.min(2.2, Math.max(0.5, (W / H) / ((x1 - x0) / (y1 - y0))));
    sx = Math.sqrt(k); sy = 1 / sx;
  })();
  var nodeItems = new Array(N);
  for (i = 0; i < N; i++) {
    var r = DATA.nodes[i];
    var item = { id: ids[i], group: KINDS[kind[i]], size: size[i] };
    if (state.color !== "kind") item.color = colorFor(state.color, i);
    if (r[4] !== null) { item.x = Math.round(r[4] * sx); item.y = Math.round(r[5] * sy); }
    if (isHub[i]) item.borderWidth = 2;
    nodeItems[i] = item;
  }

  // -- the network ----------------------------------------------------------------------------------------------
  var groups = {};
  DATA.kinds.forEach(function (k, ki) { groups[k.name] = { shape: k.shape, color: kindColor[ki] }; });
  DATA.options.groups = groups;
  var nodes = new vis.DataSet(nodeItems), edges = new vis.DataSet(edgeItems);
  network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  network.once("afterDrawing", function () { window.newsgraphFirstDraw = performance.now(); });
  var vnode = ids.map(function (id) { return network.body.nodes[id]; });

  // -- physics: from the current positions, for a few seconds --------------------------------------------------------
  var physics = $("physics"), physicsTimer = null;
  function physicsOff() {
    if (physicsTimer !== null) { clearTimeout(physicsTimer); physicsTimer = null; }
    network.setOptions({ physics: { enabled: false } });
    physics.checked = false;
    keepInView();
  }
  function physicsOn() {
    network.setOptions({ physics: DATA.physics });
    network.startSimulation();
    physics.checked = true;
    if (physicsTimer !== null) clearTimeout(physicsTimer);
    physicsTimer = setTimeout(physicsOff, 3000);
  }
  network.on("stabilized", function () { if (physics.checked) physicsOff(); });
  physics.checked = false;
  physics.addEventListener("change", function () { if (physics.checked) physicsOn(); else physicsOff(); });
  /** Fit again when a node left the view (physics moved it out). */
  function keepInView() {
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    for (var i = 0; i < N; i++) {
      if (hidden[i]) continue;
      var n = vnode[i];
      if (n.x < a.x || n.x > b.x || n.y < a.y || n.y > b.y) { fitShown(); return; }
    }
  }

  // -- summary and note -----------------------------------------------------------------------------------------
  var c = DATA.counts;
  var parts = KINDS.filter(function (k) { return c[k]; }).map(function (k) { return plural(c[k], k); });
  $("summary").textContent = (parts.length ? parts.join(" · ") : "no nodes") + " · " + plural(E, "edge");
  if (DATA.note) { $("note").textContent = DATA.note; $("note").hidden = false; }

  // -- legend: counts what is shown; kinds toggle; colour groups ------------------------------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var x = document.createElementNS(SVG, tag);
    for (var a in attrs) x.setAttribute(a, attrs[a]);
    return x;
  }
  function swatch(shape, color) {
    var s = svgEl("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" });
    var f = { fill: color, stroke: shade(color) };
    if (shape === "dot") s.appendChild(svgEl("circle", Object.assign({ cx: 8, cy: 8, r: 6 }, f)));
    else if (shape === "diamond") s.appendChild(svgEl("polygon", Object.assign({ points: "8,1 15,8 8,15 1,8" }, f)));
    else if (shape === "triangle") s.appendChild(svgEl("polygon", Object.assign({ points: "8,2 15,14 1,14" }, f)));
    else s.appendChild(svgEl("rect", Object.assign({ x: 2, y: 2, width: 12, height: 12 }, f)));
    return s;
  }
  var kindButtons = [], kindCounts = [], groupBox = null;
  (function legend() {
    var box = $("legend");
    box.appendChild(el("div", "Shown (click a kind to hide or show it)", "legend-title"));
    DATA.kinds.forEach(function (k, ki) {
      var b = el("button", null, "legend-item");
      b.type = "button";
      b.dataset.kind = k.name;
      b.appendChild(swatch(k.shape, state.color === "kind" ? k.color : GREY));
      var name = el("span", k.name, "legend-name"), count = el("span", "0", "legend-count");
      b.appendChild(name);
      b.appendChild(count);
      b.addEventListener("click", function () {
        var on = state.kinds.indexOf(k.name) >= 0;
        state.kinds = KINDS.filter(function (x) { return x === k.name ? !on : state.kinds.indexOf(x) >= 0; });
        applyFilters();
      });
      kindButtons.push(b);
      kindCounts.push(count);
      box.appendChild(b);
    });
    groupBox = el("div", null, "legend-groups");
    box.appendChild(groupBox);
    var present = EDGE_KINDS.filter(function (k, ki) {
      for (var e = 0; e < E; e++) if (DATA.edges[3 * e + 2] === ki) return true;
      return false;
    });
    if (present.length) box.appendChild(el("div", "Edges", "legend-title"));
    present.forEach(function (k) {
      var row = el("div", null, "legend-edge");
      var s = svgEl("svg", { width: 28, height: 10, viewBox: "0 0 28 10", "aria-hidden": "true" });
      var line = svgEl("line", { x1: 1, y1: 5, x2: k.arrow ? 21 : 27, y2: 5, stroke: k.color, "stroke-width": k.width * 1.5 });
      if (k.dashes.length && DASHES) line.setAttribute("stroke-dasharray", k.dashes.join(" "));
      s.appendChild(line);
      if (k.arrow) s.appendChild(svgEl("polygon", { points: "20,1 27,5 20,9", fill: k.color }));
      row.appendChild(s);
      row.appendChild(el("span", k.label));
      box.appendChild(row);
    });
    box.appendChild(el("div", "Size: number of connections", "legend-foot"));
    DATA.hubs.forEach(function (h) {
      box.appendChild(el("div", "Faded: the edges of " + info[h].label + " (on " + fmt(info[h].articles || 0)
        + " articles)", "legend-foot"));
    });
  })();
  function updateLegend() {
    var counts = KINDS.map(function () { return 0; });
    var groups = groupsOf(state.color), gc = groups.map(function () { return 0; }), other = 0;
    for (var i = 0; i < N; i++) {
      if (hidden[i]) continue;
      counts[kind[i]]++;
      if (state.color !== "kind") { var g = groupOf(state.color, i); if (g < 0) other++; else gc[g]++; }
    }
    KINDS.forEach(function (k, ki) {
      var on = state.kinds.indexOf(k) >= 0;
      kindCounts[ki].textContent = fmt(counts[ki]);
      kindButtons[ki].classList.toggle("off", !on);
      kindButtons[ki].setAttribute("aria-pressed", String(on));
      kindButtons[ki].title = on ? "Hide the " + k + " nodes" : "Show the " + k + " nodes";
    });
    while (groupBox.firstChild) groupBox.removeChild(groupBox.firstChild);
    if (state.color === "kind") return;
    groupBox.appendChild(el("div", state.color === "provider" ? "Colour: provider" : "Colour: community", "legend-title"));
    groups.forEach(function (g, n) {
      if (!gc[n]) return;
      var row = el("div", null, "legend-group");
      row.appendChild(swatch("dot", g.color));
      row.appendChild(el("span", g.name, "legend-name"));
      row.appendChild(el("span", fmt(gc[n]), "legend-count"));
      groupBox.appendChild(row);
    });
    if (other) {
      var row = el("div", null, "legend-group");
      row.appendChild(swatch("dot", GREY));
      row.appendChild(el("span", "other", "legend-name"));
      row.appendChild(el("span", fmt(other), "legend-count"));
      groupBox.appendChild(row);
    }
  }
  var colorBy = $("color-by");
  colorBy.value = state.color;
  function setColorMode(mode) {
    state.color = mode;
    colorBy.value = mode;
    for (var i = 0; i < N; i++) { var n = vnode[i]; if (n) { n.options.color = colorFor(mode, i); } }
    kindButtons.forEach(function (b, ki) {
      b.replaceChild(swatch(DATA.kinds[ki].shape, mode === "kind" ? DATA.kinds[ki].color : GREY), b.firstChild);
    });
    updateLegend();
    writeHash();
    requestRedraw();
  }
  colorBy.addEventListener("change", function () { setColorMode(colorBy.value); });

  // -- filters ----------------------------------------------------------------------------------------------------
  var fTopic = $("f-topic"), fProvider = $("f-provider"), fSince = $("f-since"), fUntil = $("f-until");
  function fillSelect(select, kindIndex) {
    var list = [];
    for (var i = 0; i < N; i++) if (kind[i] === kindIndex) list.push(i);
    list.sort(function (a, b) {
      var x = info[a].label.toLowerCase(), y = info[b].label.toLowerCase();
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    list.forEach(function (i) {
      var n = info[i].articles || 0;
      select.appendChild(new Option(info[i].label + " (" + fmt(n) + ")", ids[i]));
    });
  }
  fillSelect(fTopic, TOPIC);
  fillSelect(fProvider, PROVIDER);
  var dates = [];
  for (i = 0; i < N; i++) if (kind[i] === ARTICLE && info[i].date) dates.push(info[i].date);
  dates.sort();
  if (dates.length) {
    fSince.min = fUntil.min = day(dates[0]);
    fSince.max = fUntil.max = day(dates[dates.length - 1]);
  }

  var hidden = new Uint8Array(N), tip = $("tip");
  function articlePasses(i, useDates) {
    var tv = fTopic.value, pv = fProvider.value;
    if (pv && (providerOf[i] < 0 || ids[providerOf[i]] !== pv)) return false;
    if (tv && !topicsOf[i].some(function (t) { return ids[t] === tv; })) return false;
    if (useDates && (fSince.value || fUntil.value)) {
      var d = info[i].date;
      if (!d) return false;
      if (fSince.value && d < fSince.value + "T00:00:00Z") return false;
      if (fUntil.value && d > fUntil.value + "T23:59:59Z") return false;
    }
    return true;
  }
  /** Hide or show nodes. vis-network's DataSet.update re-parses every node's options (seconds at 20,000 nodes),
   *  so the flags are set on vis' node objects and one data-changed event recomputes what is drawn. */
  function setHidden(updates) {
    if (!updates.length) return;
    var body = network.body;
    if (!body || !body.nodes || !body.emitter) { nodes.update(updates); return; }
    updates.forEach(function (u) { var n = body.nodes[u.id]; if (n) n.options.hidden = u.hidden; });
    body.emitter.emit("_dataChanged");
  }
  function filtering() { return !!(fTopic.value || fProvider.value || fSince.value || fUntil.value); }
  /** Nodes within `depth` hops of i; hubs are reached but not gone through (unless i is one). */
  function around(i, depth) {
    var seen = new Uint8Array(N), frontier = [i];
    seen[i] = 1;
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (u) {
        if (isHub[u] && u !== i) return;
        nbrs[u].forEach(function (v) { if (!seen[v]) { seen[v] = 1; next.push(v); } });
      });
      frontier = next;
    }
    return seen;
  }
  /** The shortest path from a to b, through no hub and no image if there is one, else through anything. */
  function shortestPath(a, b) {
    function bfs(avoid) {
      var prev = new Int32Array(N).fill(-1), queue = [a];
      prev[a] = a;
      for (var q = 0; q < queue.length; q++) {
        var u = queue[q];
        if (u === b) break;
        if (u !== a && avoid(u)) continue;
        var ns = nbrs[u];
        for (var n = 0; n < ns.length; n++) {
          var v = ns[n];
          if (prev[v] < 0) { prev[v] = u; queue.push(v); }
        }
      }
      if (prev[b] < 0) return null;
      var out = [b];
      while (out[out.length - 1] !== a) out.push(prev[out[out.length - 1]]);
      return out.reverse();
    }
    return bfs(function (u) { return isHub[u] || kind[u] === IMAGE; }) || bfs(function (u) { return kind[u] === IMAGE; })
      || bfs(function () { return false; });
  }
  var pathNodes = null, pathBar = $("pathbar"), pathStart = null;
  function applyFilters(options) {
    options = options || {};
    tip.hidden = true;
    state.topic = fTopic.value; state.provider = fProvider.value; state.since = fSince.value; state.until = fUntil.value;
    var active = filtering(), pass = new Uint8Array(N), want = new Uint8Array(N);
    for (var i = 0; i < N; i++) if (kind[i] === ARTICLE) pass[i] = !active || articlePasses(i, true) ? 1 : 0;
    for (i = 0; i < N; i++) {
      if (kind[i] === ARTICLE || !active) { if (kind[i] !== ARTICLE) pass[i] = 1; continue; }
      if (kind[i] === IMAGE) continue;
      pass[i] = nbrs[i].some(function (j) { return kind[j] === ARTICLE && pass[j]; }) ? 1 : 0;
    }
    for (i = 0; i < N; i++) {
      if (kind[i] === IMAGE && active) pass[i] = nbrs[i].some(function (j) { return kind[j] !== IMAGE && pass[j]; }) ? 1 : 0;
    }
    var focus = state.focus ? index.get(state.focus) : undefined;
    var near = focus !== undefined && state.depth ? around(focus, state.depth) : null;
    pathNodes = null;
    if (state.path.length === 2) {
      var found = shortestPath(index.get(state.path[0]), index.get(state.path[1]));
      pathNodes = found || [];
      pathBar.textContent = "";
      pathBar.appendChild(el("span", found ? "Path: " + found.map(function (j) { return info[j].label; }).join(" → ")
        : "No path between " + info[index.get(state.path[0])].label + " and " + info[index.get(state.path[1])].label));
      var x = el("button", "×", "close");
      x.type = "button";
      x.title = "Clear the path";
      x.addEventListener("click", function () { state.path = []; applyFilters(); });
      pathBar.appendChild(x);
      pathBar.hidden = false;
    } else if (pathStart === null) pathBar.hidden = true;
    var onPath = null;
    if (pathNodes) { onPath = new Uint8Array(N); pathNodes.forEach(function (j) { onPath[j] = 1; }); }
    var open = null;
    if (state.overview) {
      open = new Uint8Array(N);
      state.open.forEach(function (iri) { var j = index.get(iri); open[j] = 1; nbrs[j].forEach(function (v) { open[v] = 1; }); });
    }
    var updates = [];
    for (i = 0; i < N; i++) {
      var off = state.kinds.indexOf(KINDS[kind[i]]) < 0 || !pass[i];
      if (near && !near[i]) off = true;
      if (open && kind[i] !== TOPIC && kind[i] !== PROVIDER && !open[i]) off = true;
      if (onPath) off = !onPath[i];
      want[i] = off ? 1 : 0;
      if (want[i] !== hidden[i]) updates.push({ id: ids[i], hidden: !!want[i] });
    }
    hidden = want;
    setHidden(updates);
    drawTimeline();
    var shown = 0;
    for (i = 0; i < N; i++) if (!hidden[i]) shown++;
    $("summary").dataset.shown = String(shown);
    $("summary").title = fmt(shown) + " of " + fmt(N) + " nodes shown";
    $("images").checked = state.kinds.indexOf("image") >= 0;
    $("depth").value = String(state.depth);
    $("depth").disabled = !state.focus;
    if ($("overview")) $("overview").checked = state.overview;
    updateLegend();
    rankLabels();
    if (pathNodes && pathNodes.length) highlightPath(pathNodes);
    else if (focus !== undefined && !hidden[focus]) highlight(focus);
    else clearHighlight();
    writeHash();
    if (options.fit !== false) fitShown();
  }
  /** Zoom to fit what is shown (a small graph is animated; a large one jumps). */
  var baseScale = 1;
  function fitShown() {
    var shown = [];
    for (var i = 0; i < N; i++) if (!hidden[i]) shown.push(ids[i]);
    if (!shown.length) return;
    network.fit({ nodes: shown, animation: false, maxZoomLevel: 1.6 });  // asks for a redraw (not drawn here)
    baseScale = network.getScale();
  }
  [fTopic, fProvider, fSince, fUntil].forEach(function (x) { x.addEventListener("change", function () { applyFilters(); }); });
  $("images").addEventListener("change", function () {
    var on = $("images").checked;
    state.kinds = KINDS.filter(function (k) { return k === "image" ? on : state.kinds.indexOf(k) >= 0; });
    applyFilters();
  });
  $("depth").addEventListener("change", function () { state.depth = parseInt($("depth").value, 10) || 0; applyFilters(); });

  // -- timeline: articles per day, week or month; drag to choose the date range -----------------------------------
  var DAY = 86400000;
  var unit = "day", bins = [], binCount = 0, first = 0;
  function unitKey(ms) {
    if (unit === "day") return Math.floor(ms / DAY);
    var d = new Date(ms);
    if (unit === "week") { var dd = Math.floor(ms / DAY); return Math.floor((dd + 3) / 7); } // weeks start Monday
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  }
  function keyStart(key) {
    if (unit === "day") return new Date(key * DAY);
    if (unit === "week") return new Date((key * 7 - 3) * DAY);
    return new Date(Date.UTC(Math.floor(key / 12), key % 12, 1));
  }
  function keyEnd(key) { return new Date(keyStart(key + 1).getTime() - DAY); }
  function iso(d) { return d.toISOString().slice(0, 10); }
  if (dates.length) {
    var lo = Date.parse(dates[0]), hi = Date.parse(dates[dates.length - 1]), span = (hi - lo) / DAY;
    unit = span <= 92 ? "day" : span <= 3 * 366 ? "week" : "month";
    first = unitKey(lo);
    binCount = unitKey(hi) - first + 1;
  }
  (function axis() {  // a few dates under the bars: years, months or days, whichever fit
    var box = $("timeline-axis"), marks = [];
    for (var b = 0; b < binCount; b++) {
      var d = keyStart(b + first), text = null;
      if (unit === "month") text = d.getUTCMonth() === 0 || b === 0 ? String(d.getUTCFullYear()) : null;
      else if (unit === "week") text = d.getUTCDate() <= 7 || b === 0 ? iso(d).slice(0, 7) : null;
      else text = iso(d).slice(5);
      if (text !== null) marks.push([b, text]);
    }
    var stride = Math.max(1, Math.ceil(marks.length / 12));
    marks.forEach(function (m, n) {
      if (n % stride) return;
      var span = el("span", m[1]);
      span.style.left = (m[0] / binCount * 100) + "%";
      box.appendChild(span);
    });
  })();
  var dragFrom = null, dragTo = null;
  function binAt(evt) {
    var box = $("timeline-svg").getBoundingClientRect();
    var x = Math.min(Math.max(evt.clientX - box.left, 0), box.width - 1);
    return Math.floor(x / box.width * binCount);
  }
  function selectedBins() {
    if (dragFrom !== null) return [Math.min(dragFrom, dragTo), Math.max(dragFrom, dragTo)];
    if (!fSince.value && !fUntil.value) return null;
    var a = fSince.value ? unitKey(Date.parse(fSince.value + "T00:00:00Z")) - first : 0;
    var b = fUntil.value ? unitKey(Date.parse(fUntil.value + "T00:00:00Z")) - first : binCount - 1;
    return [a, b];
  }
  var bgRects = [], barRects = [], barTitles = [];
  function drawTimeline() {
    var svg = $("timeline-svg"), cap = $("timeline-caption");
    if (!binCount) { cap.textContent = "No dated articles"; return; }
    bins = new Array(binCount).fill(0);
    var undated = 0;
    for (var i = 0; i < N; i++) {
      if (kind[i] !== ARTICLE || !articlePasses(i, false)) continue;
      if (!info[i].date) { undated++; continue; }
      bins[unitKey(Date.parse(info[i].date)) - first]++;
    }
    var max = Math.max.apply(null, bins) || 1, H = 40;
    if (!barRects.length) {  // built once, then only updated: a click keeps its target
      svg.setAttribute("viewBox", "0 0 " + binCount * 10 + " " + H);
      for (var n = 0; n < binCount; n++) {
        bgRects.push(svg.appendChild(svgEl("rect", { x: n * 10, y: 0, width: 10, height: H, class: "bin-bg" })));
        var bar = svg.appendChild(svgEl("rect", { x: n * 10 + 1, width: 8, class: "bar" }));
        barTitles.push(bar.appendChild(document.createElementNS(SVG, "title")));
        barRects.push(bar);
      }
    }
    var sel = selectedBins();
    for (var b = 0; b < binCount; b++) {
      var h = bins[b] ? Math.max(2, bins[b] / max * (H - 2)) : 0;
      var on = !sel || (b >= sel[0] && b <= sel[1]);
      bgRects[b].setAttribute("class", on && sel ? "bin-sel" : "bin-bg");
      barRects[b].setAttribute("y", H - h);
      barRects[b].setAttribute("height", h);
      barRects[b].setAttribute("class", on ? "bar" : "bar off");
      barTitles[b].textContent = (unit === "day" ? iso(keyStart(b + first)) : unit === "week"
        ? "week of " + iso(keyStart(b + first)) : iso(keyStart(b + first)).slice(0, 7)) + ": " + plural(bins[b], "article");
    }
    var range = sel ? iso(keyStart(Math.max(sel[0], 0) + first)) + " – " + iso(keyEnd(Math.min(sel[1], binCount - 1) + first))
      : iso(keyStart(first)) + " – " + iso(keyEnd(first + binCount - 1));
    cap.textContent = "Articles per " + unit + " · " + range + (sel ? " (drag to change, double-click to clear)" : " (drag to filter)")
      + (undated ? " · " + plural(undated, "undated article") + " not shown" : "");
  }
  (function timelineEvents() {
    var svg = $("timeline-svg");
    svg.addEventListener("pointerdown", function (evt) {
      if (!binCount) return;
      dragFrom = dragTo = binAt(evt);
      svg.setPointerCapture(evt.pointerId);
      drawTimeline();
    });
    svg.addEventListener("pointermove", function (evt) {
      if (dragFrom === null) return;
      var b = binAt(evt);
      if (b !== dragTo) { dragTo = b; drawTimeline(); }
    });
    svg.addEventListener("pointerup", function () {
      if (dragFrom === null) return;
      var a = Math.min(dragFrom, dragTo), b = Math.max(dragFrom, dragTo);
      dragFrom = dragTo = null;
      fSince.value = iso(keyStart(a + first));
      fUntil.value = iso(keyEnd(b + first));
      applyFilters();
    });
    svg.addEventListener("dblclick", function () { fSince.value = fUntil.value = ""; applyFilters(); });
  })();

  // -- highlight: a node, its neighbours and their edges ------------------------------------------------------------
  // Drawn over the graph after vis-network's own frame (a veil, then the lit nodes and edges again), so a click
  // costs the size of the neighbourhood, not of the graph.
  var lit = null, litNodes = [], litEdges = [];
  function highlight(i) {
    var seen = {};
    litNodes = [ids[i]];
    seen[i] = true;
    nbrs[i].forEach(function (j) { if (!seen[j]) { seen[j] = true; litNodes.push(ids[j]); } });
    litEdges = network.getConnectedEdges(ids[i]);
    lit = i;
    requestRedraw();
  }
  function clearHighlight() {
    if (lit === null) return;
    lit = null;
    litNodes = [];
    litEdges = [];
    requestRedraw();
  }
  network.on("afterDrawing", function (ctx) {
    if (lit === null || !network.body) return;
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    ctx.save();
    ctx.fillStyle = "rgba(250,251,252,0.86)";
    ctx.fillRect(a.x, a.y, b.x - a.x, b.y - a.y);
    ctx.restore();
    var body = network.body, labels = [];
    litEdges.forEach(function (id) {
      var e = body.edges[id];
      if (e && !e.options.hidden && !e.from.options.hidden && !e.to.options.hidden) e.draw(ctx);
    });
    litNodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n || n.options.hidden) return;
      var r = n.draw(ctx);
      if (r && r.drawExternalLabel) labels.push(r.drawExternalLabel);
    });
    labels.forEach(function (f) { f(); });
  });

  function requestRedraw() {
    if (network.body && network.body.emitter) network.body.emitter.emit("_requestRedraw"); else network.redraw();
  }
  function highlightPath(path) {
    litNodes = path.map(function (j) { return ids[j]; });
    litEdges = [];
    for (var n = 1; n < path.length; n++) {
      var a = ids[path[n - 1]], b = ids[path[n]];
      network.getConnectedEdges(a).forEach(function (id) {
        var ed = edges.get(id);
        if (ed && (ed.from === b || ed.to === b)) litEdges.push(id);
      });
    }
    lit = path[0];
    requestRedraw();
  }

  // -- labels: drawn by the page, most connected first, never overlapping (level of detail) -------------------------
  // vis-network draws no label; after each frame the page places labels greedily in the order of the nodes'
  // connections, tries four spots around each node, and skips any that would overlap one already placed. The
  // first TOP labels are always candidates; more become candidates as the reader zooms in (their number grows
  // with the area zoomed into), so labels appear as the drawing makes room for them.
  var TOP = 30, order = [], rankOf = new Int32Array(N).fill(-1), widths = new Float32Array(N).fill(-1);
  var measure = document.createElement("canvas").getContext("2d"), placed = [];
  var RINGS = [0, 14, 30, 50, 76, 110, 150], RINGS_NEAR = [0];
  function fontPx(rank, i) { return rank < 5 && kind[i] !== ARTICLE ? 15 : rank < TOP ? 13 : 12; }
  function fontOf(i, px) { return (kind[i] === ARTICLE ? "500 " : "650 ") + px + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"; }
  /** The label drawn: in the overview, topics and providers say how many articles they have. */
  function labelText(i) {
    return state.overview && (kind[i] === TOPIC || kind[i] === PROVIDER) ? label[i] + " · " + fmt(info[i].articles || 0) : label[i];
  }
  var widthsFor = null;
  function textWidth(i, px) {
    if (widthsFor !== state.overview) { widths.fill(-1); widthsFor = state.overview; }
    if (widths[i] < 0) { measure.font = fontOf(i, 100); widths[i] = measure.measureText(labelText(i)).width / 100; }
    return widths[i] * px;
  }
  /** The shown, labelled nodes, most connected first (hubs included: they are big and named). */
  function rankLabels() {
    order = [];
    for (var i = 0; i < N; i++) if (!hidden[i] && label[i] && kind[i] !== IMAGE) order.push(i);
    order.sort(function (a, b) { return degree[b] - degree[a] || kind[b] - kind[a] || a - b; });
    rankOf.fill(-1);
    order.forEach(function (i, r) { rankOf[i] = r; });
  }
  /** Place labels for the current view: a list of {i, x, y, w, h, px} boxes in CSS pixels of the canvas. */
  function placeLabels(onlyTop) {
    var scale = network.getScale(), t = network.body.view.translation;
    var W = container.clientWidth, H = container.clientHeight;
    var zoom = Math.max(1, scale / baseScale), budget = onlyTop ? TOP : Math.round(TOP * zoom * zoom);
    var out = [], grid = new Map(), CELL = 64;
    function cells(b, add) {
      var x0 = Math.floor(b.x / CELL), x1 = Math.floor((b.x + b.w) / CELL);
      var y0 = Math.floor(b.y / CELL), y1 = Math.floor((b.y + b.h) / CELL);
      for (var gx = x0; gx <= x1; gx++) for (var gy = y0; gy <= y1; gy++) {
        var key = gx * 100003 + gy, list = grid.get(key);
        if (add) { if (!list) grid.set(key, list = []); list.push(b); continue; }
        if (list) for (var n = 0; n < list.length; n++) {
          var o = list[n];
          if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) return true;
        }
      }
      return false;
    }
    var first = lit !== null ? litNodes.map(function (id) { return index.get(id); }) : [];
    var litSet = null;
    if (first.length) { litSet = new Uint8Array(N); first.forEach(function (j) { litSet[j] = 1; }); }
    var candidates = first.concat(litSet ? [] : order.slice(0, budget));
    ["legend", "pathbar", "details"].forEach(function (id) {  // the panels over the drawing hide what is under them
      var e = $(id);
      if (e && !e.hidden && e.offsetWidth) cells({ i: -1, x: e.offsetLeft, y: e.offsetTop, w: e.offsetWidth, h: e.offsetHeight }, true);
    });
    // The big nodes in view are obstacles too (a label never covers one), and so is every candidate's own node.
    for (var o = 0; o < N; o++) {
      if (hidden[o] || (litSet && !litSet[o])) continue;
      var rr = size[o] * scale;
      if (rr < 5 && rankOf[o] < 0) continue;
      var no = vnode[o];
      if (!no) continue;
      var ox = no.x * scale + t.x, oy = no.y * scale + t.y;
      if (ox < -rr || oy < -rr || ox > W + rr || oy > H + rr) continue;
      if (rr < 5 && !(rankOf[o] < budget)) continue;
      cells({ i: -1, x: ox - rr, y: oy - rr, w: 2 * rr, h: 2 * rr }, true);
    }
    for (var c = 0; c < candidates.length; c++) {
      var i = candidates[c];
      if (hidden[i] || !label[i]) continue;
      var n = vnode[i];
      if (!n) continue;
      var x = n.x * scale + t.x, y = n.y * scale + t.y, r = size[i] * scale;
      if (x < -200 || x > W + 200 || y < -50 || y > H + 50) continue;
      var rank = rankOf[i] < 0 ? TOP : rankOf[i], px = fontPx(rank, i), w = textWidth(i, px) + 6, h = px + 5;
      // Beside the node first; the most connected may move further out, on a leader line.
      var rings = rank < TOP || (litSet && litSet[i]) ? RINGS : RINGS_NEAR, done = false;
      for (var q = 0; q < rings.length && !done; q++) {
        var d = rings[q], rd = r + d, dg = rd * 0.72;
        var spots = [[x - w / 2, y + rd + 2], [x - w / 2, y - rd - 2 - h], [x + rd + 3, y - h / 2], [x - rd - 3 - w, y - h / 2],
          [x + dg, y + dg], [x - dg - w, y + dg], [x + dg, y - dg - h], [x - dg - w, y - dg - h]];
        for (var sp = 0; sp < spots.length; sp++) {
          var b = { i: i, x: spots[sp][0], y: spots[sp][1], w: w, h: h, px: px, nx: x, ny: y, r: r, lead: d > 0 };
          if (b.x < 2 || b.y < 2 || b.x + b.w > W - 2 || b.y + b.h > H - 2) continue;
          if (cells(b, false)) continue;
          cells(b, true);
          out.push(b);
          done = true;
          break;
        }
      }
    }
    return out;
  }
  function drawLabels(ctx) {
    placed = placeLabels(false);
    var ratio = network.canvas.pixelRatio || window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "middle";
    ctx.textAlign = "center";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "rgba(60,70,80,0.55)";
    ctx.lineWidth = 1;
    placed.forEach(function (b) {  // leader lines: from the node's rim to the nearest point of its label
      if (!b.lead) return;
      var px = Math.max(b.x, Math.min(b.nx, b.x + b.w)), py = Math.max(b.y, Math.min(b.ny, b.y + b.h));
      var dx = px - b.nx, dy = py - b.ny, len = Math.sqrt(dx * dx + dy * dy) || 1;
      ctx.beginPath();
      ctx.moveTo(b.nx + dx / len * b.r, b.ny + dy / len * b.r);
      ctx.lineTo(px, py);
      ctx.stroke();
    });
    placed.forEach(function (b) {
      ctx.font = fontOf(b.i, b.px);
      ctx.lineWidth = 4;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      var cx = b.x + b.w / 2, cy = b.y + b.h / 2;
      var text = labelText(b.i);
      ctx.strokeText(text, cx, cy);
      ctx.fillStyle = kind[b.i] === ARTICLE ? "#30363d" : "#161b22";
      ctx.fillText(text, cx, cy);
    });
    ctx.restore();
  }
  /** Before the first frame: move apart the most connected nodes whose labels would not fit at the initial zoom. */
  function makeRoomForTopLabels() {
    for (var round = 0; round < 60; round++) {
      fitShown();
      var got = placeLabels(true), ok = new Uint8Array(N);
      got.forEach(function (b) { ok[b.i] = 1; });
      var want = order.slice(0, TOP), missing = want.filter(function (i) { return !ok[i]; });
      if (!missing.length) return;
      var scale = network.getScale();
      missing.forEach(function (i) {
        // Push the node away from the nearest placed top label, mostly up or down (labels are wide and low).
        var n = vnode[i], best = null, bd = Infinity;
        got.forEach(function (b) {
          var m = vnode[b.i], d = Math.abs(m.x - n.x) + Math.abs(m.y - n.y);
          if (d < bd) { bd = d; best = m; }
        });
        var dy = best ? (n.y >= best.y ? 1 : -1) : 1, dx = best ? (n.x >= best.x ? 1 : -1) : 1;
        var step = 22 / scale;
        n.x += dx * step * 0.6;  // vis' own moveNode would start a simulation step each time
        n.y += dy * step;
      });
    }
  }

  // -- details panel ------------------------------------------------------------------------------------------------
  var details = $("details");
  function nodeButton(iri, text) {
    var j = index.get(iri);
    if (j === undefined) return el("span", text);
    var b = el("button", text, "node-link");
    b.type = "button";
    b.addEventListener("click", function () { focusNode(iri); });
    return b;
  }
  function row(name, content) {
    var d = el("div", null, "row");
    d.appendChild(el("span", name, "key"));
    if (typeof content === "string") d.appendChild(el("span", content));
    else d.appendChild(content);
    return d;
  }
  function neighbourList(i, wanted, limit) {
    var list = nbrs[i].filter(function (j) { return kind[j] === wanted; });
    list = Array.from(new Set(list));
    list.sort(function (a, b) {
      var x = info[a].date || "", y = info[b].date || "";
      return x < y ? 1 : x > y ? -1 : a - b;
    });
    var ul = el("ul", null, "list");
    list.slice(0, limit).forEach(function (j) {
      var li = el("li");
      li.appendChild(nodeButton(ids[j], info[j].label));
      if (info[j].date) li.appendChild(el("span", day(info[j].date), "muted"));
      ul.appendChild(li);
    });
    if (list.length > limit) ul.appendChild(el("li", "… and " + fmt(list.length - limit) + " more", "muted"));
    return list.length ? ul : null;
  }
  /** The buttons that find a story from a node: its neighbourhood, a path from or to it. */
  function storyTools(i) {
    var box = el("div", null, "tools");
    box.appendChild(el("span", "Around it:", "key"));
    [1, 2, 3].forEach(function (d) {
      var b = el("button", d + (d === 1 ? " hop" : " hops"), "tool");
      b.type = "button";
      b.dataset.depth = String(d);
      if (state.focus === ids[i] && state.depth === d) b.classList.add("on");
      b.addEventListener("click", function () {
        state.focus = ids[i];
        state.depth = state.depth === d ? 0 : d;
        state.path = [];
        applyFilters();
        showDetails(i);
      });
      box.appendChild(b);
    });
    var p = el("button", pathStart !== null && pathStart !== i ? "Path to here" : "Path from here…", "tool path");
    p.type = "button";
    p.addEventListener("click", function () {
      if (pathStart !== null && pathStart !== i) { setPath(pathStart, i); return; }
      pathStart = i;
      pathBar.textContent = "Path from " + info[i].label + ": click the other end";
      pathBar.hidden = false;
    });
    box.appendChild(p);
    return box;
  }
  function setPath(a, b) {
    pathStart = null;
    state.path = [ids[a], ids[b]];
    state.depth = 0;
    state.focus = "";
    applyFilters();
  }
  function showDetails(i) {
    var d = info[i], k = KINDS[kind[i]];
    while (details.firstChild) details.removeChild(details.firstChild);
    var close = el("button", "×", "close");
    close.type = "button";
    close.title = "Close";
    close.setAttribute("aria-label", "Close details");
    close.addEventListener("click", function () { details.hidden = true; });
    details.appendChild(close);
    var tag = el("div", k, "kind");
    tag.style.borderColor = DATA.kinds[kind[i]].color;
    details.appendChild(tag);
    details.appendChild(el("h2", d.title || d.label));
    if (k === "article") {
      if (d.date) details.appendChild(row("Date", when(d.date)));
      if (d.provider) details.appendChild(row("Provider", nodeButton(d.provider[0], d.provider[1])));
      if (d.topics) {
        var ts = el("span");
        d.topics.forEach(function (t, n) { if (n) ts.appendChild(document.createTextNode(", ")); ts.appendChild(nodeButton(t[0], t[1])); });
        details.appendChild(row("Topics", ts));
      }
      if (d.type) details.appendChild(row("Type", d.type));
      var img = safeUrl(d.image);
      if (img) {
        var im = document.createElement("img");
        im.className = "thumb";
        im.alt = "";
        im.loading = "lazy";
        im.referrerPolicy = "no-referrer";
        im.addEventListener("error", function () { im.hidden = true; });
        im.src = img;
        details.appendChild(im);
      }
      if (d.excerpt) details.appendChild(el("p", d.excerpt, "excerpt"));
      if (d.stub) details.appendChild(el("p", "Known only from other articles' related lists.", "muted"));
      if (d.url) {
        var p = el("p", null, "open");
        p.appendChild(safeUrl(d.link) ? link(d.link, "Open the article ↗") : el("span", d.url, "muted"));
        details.appendChild(p);
      }
      var rel = neighbourList(i, ARTICLE, 15);
      if (rel) { details.appendChild(el("h3", "Related articles")); details.appendChild(rel); }
    } else if (k === "provider" || k === "topic") {
      var logo = safeUrl(d.logo);
      if (logo) {
        var lg = document.createElement("img");
        lg.className = "logo";
        lg.alt = "";
        lg.referrerPolicy = "no-referrer";
        lg.addEventListener("error", function () { lg.hidden = true; });
        lg.src = logo;
        details.insertBefore(lg, details.querySelector("h2"));
      }
      details.appendChild(row("Articles", fmt(d.articles || 0)));
      if (d.domain) details.appendChild(row("Domain", d.domain));
      if (d.description) details.appendChild(el("p", d.description, "excerpt"));
      [["broader", "Broader"], ["narrower", "Narrower"]].forEach(function (x) {
        if (!d[x[0]]) return;
        var ts = el("span");
        d[x[0]].forEach(function (t, n) { if (n) ts.appendChild(document.createTextNode(", ")); ts.appendChild(nodeButton(t[0], t[1])); });
        details.appendChild(row(x[1], ts));
      });
      if (isHub[i]) details.appendChild(el("p", "On most articles: its edges are faded and paths avoid it.", "muted"));
      var arts = neighbourList(i, ARTICLE, 15);
      if (arts) { details.appendChild(el("h3", "Latest articles on this page")); details.appendChild(arts); }
    } else {
      if (d.width && d.height) details.appendChild(row("Size", d.width + " × " + d.height));
      var src = safeUrl(d.link);
      if (src) {
        var pic = document.createElement("img");
        pic.className = "thumb";
        pic.alt = "";
        pic.loading = "lazy";
        pic.referrerPolicy = "no-referrer";
        pic.addEventListener("error", function () { pic.hidden = true; });
        pic.src = src;
        details.appendChild(pic);
        var q = el("p", null, "open");
        q.appendChild(link(src, "Open the image ↗"));
        details.appendChild(q);
      } else if (d.url) details.appendChild(el("p", d.url, "muted"));
      var users = neighbourList(i, ARTICLE, 15);
      if (users) { details.appendChild(el("h3", "Used by")); details.appendChild(users); }
    }
    details.appendChild(storyTools(i));
    var iri = el("p", ids[i], "iri");
    iri.title = "The node's IRI";
    details.appendChild(iri);
    details.hidden = false;
  }

  // -- selection, focus, search -----------------------------------------------------------------------------------
  function fitTo(list) {
    var shown = list.filter(function (j) { return !hidden[j]; }).map(function (j) { return ids[j]; });
    if (!shown.length) return;
    network.fit({ nodes: shown, animation: false, maxZoomLevel: 1.6 });
    if (!details.hidden && shown.length) {  // keep it clear of the details panel
      var s = network.getScale(), v = network.getViewPosition(), W = container.clientWidth;
      var free = W - details.offsetWidth - 20;
      if (free > 200) network.moveTo({ position: { x: v.x + (details.offsetWidth + 20) / 2 / s, y: v.y }, scale: s * free / W });
    }
    baseScale = Math.min(baseScale, network.getScale());
  }
  function selectNode(i) {
    if (pathStart !== null && pathStart !== i) { setPath(pathStart, i); showDetails(i); return; }
    if (state.focus !== ids[i]) { state.focus = ids[i]; if (!state.depth) state.depth = 0; }
    if (state.path.length) { state.path = []; applyFilters({ fit: false }); }
    highlight(i);
    showDetails(i);
    $("depth").disabled = false;
    writeHash();
  }
  function focusNode(iri) {
    var i = index.get(iri);
    if (i === undefined) return false;
    if (hidden[i]) {
      fTopic.value = fProvider.value = fSince.value = fUntil.value = "";
      state.path = []; state.depth = 0;
      if (state.kinds.indexOf(KINDS[kind[i]]) < 0) state.kinds = state.kinds.concat([KINDS[kind[i]]]);
      if (state.overview) state.open = state.open.concat([iri]);
    }
    state.focus = iri;
    applyFilters({ fit: false });
    network.selectNodes([iri]);
    showDetails(i);
    fitTo(state.depth ? ids.map(function (_, j) { return j; }) : [i].concat(nbrs[i]));
    return true;
  }
  function resetFilters() {
    fTopic.value = fProvider.value = fSince.value = fUntil.value = "";
    state.kinds = DEFAULT_KINDS.slice();
    state.focus = ""; state.depth = 0; state.path = []; state.q = ""; state.open = [];
    state.overview = !!DATA.overview;
    pathStart = null;
    applyFilters();
  }
  var search = $("search"), results = $("search-results"), lower = label.map(function (_, i) { return info[i].label.toLowerCase(); });
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var exact = [], prefix = [], inner = [];
    for (var i = 0; i < N; i++) {
      var p = lower[i].indexOf(q);
      if (p < 0) continue;
      (lower[i] === q ? exact : p === 0 ? prefix : inner).push(i);
      if (exact.length + prefix.length >= 12) break;
    }
    return exact.concat(prefix, inner).slice(0, 12);
  }
  function showResults() {
    while (results.firstChild) results.removeChild(results.firstChild);
    var found = matches(search.value);
    found.forEach(function (i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.appendChild(swatch(DATA.kinds[kind[i]].shape, DATA.kinds[kind[i]].color));
      li.appendChild(el("span", info[i].label));
      li.addEventListener("mousedown", function (evt) {
        evt.preventDefault();
        results.hidden = true;
        state.q = search.value.trim();
        focusNode(ids[i]);
      });
      results.appendChild(li);
    });
    if (!found.length && search.value.trim()) results.appendChild(el("li", "Nothing found", "muted"));
    results.hidden = !search.value.trim();
  }
  search.addEventListener("input", showResults);
  search.addEventListener("focus", showResults);
  search.addEventListener("blur", function () { results.hidden = true; });
  search.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter") {
      var found = matches(search.value);
      state.q = search.value.trim();
      results.hidden = true;
      if (found.length) focusNode(ids[found[0]]);
      else writeHash();
    } else if (evt.key === "Escape") { results.hidden = true; search.blur(); }
  });

  // -- network events ------------------------------------------------------------------------------------------------
  network.on("click", function (params) {
    if (params.nodes.length) {
      var i = index.get(params.nodes[0]);
      if (state.overview && (kind[i] === TOPIC || kind[i] === PROVIDER)) {
        var at = state.open.indexOf(ids[i]);
        state.open = at < 0 ? state.open.concat([ids[i]]) : state.open.filter(function (x) { return x !== ids[i]; });
        state.focus = ids[i];
        applyFilters({ fit: false });
        showDetails(i);
        fitTo(at < 0 ? [i].concat(nbrs[i]) : ids.map(function (_, j) { return j; }));
        return;
      }
      selectNode(i);
    } else if (!params.edges.length) {
      clearHighlight();
      details.hidden = true;
      if (state.focus && !state.depth) { state.focus = ""; $("depth").disabled = true; writeHash(); }
    }
  });
  network.on("hoverNode", function (params) {
    var i = index.get(params.node), d = info[i];
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    tip.appendChild(el("div", KINDS[kind[i]], "kind"));
    tip.appendChild(el("div", d.title || d.label, "tip-title"));
    var extra = [];
    if (d.date) extra.push(day(d.date));
    if (d.provider) extra.push(d.provider[1]);
    if (d.articles !== undefined) extra.push(plural(d.articles, "article"));
    if (d.domain) extra.push(d.domain);
    if (extra.length) tip.appendChild(el("div", extra.join(" · "), "muted"));
    var x = params.pointer.DOM.x, y = params.pointer.DOM.y;
    tip.style.left = Math.min(x + 14, container.clientWidth - 300) + "px";
    tip.style.top = (y + 14) + "px";
    tip.hidden = false;
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });
  network.on("afterDrawing", drawLabels);
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape" && document.activeElement !== search) {
      clearHighlight(); network.unselectAll(); details.hidden = true; pathStart = null;
      if (state.focus && !state.depth) { state.focus = ""; writeHash(); }
      if (!state.path.length) pathBar.hidden = true;
    }
  });
  $("reset").addEventListener("click", function () {
    search.value = "";
    network.unselectAll();
    details.hidden = true;
    resetFilters();
  });
  if ($("overview")) {
    $("overview-box").hidden = !DATA.overview;
    $("overview").addEventListener("change", function () { state.overview = $("overview").checked; applyFilters(); });
  }

  // -- the first view: the state of the URL fragment, labels made room for ------------------------------------------
  function restore() {
    fTopic.value = state.topic; fProvider.value = state.provider; fSince.value = state.since; fUntil.value = state.until;
    search.value = state.q;
    colorBy.value = state.color;
    applyFilters({ fit: true });
    var f = state.focus ? index.get(state.focus) : undefined;
    if (f !== undefined && !state.path.length) {
      network.selectNodes([state.focus]);
      showDetails(f);
      fitTo(state.depth ? ids.map(function (_, j) { return j; }) : [f].concat(nbrs[f]));
    }
  }
  var initial = readHash();
  drawTimeline();
  void container.getBoundingClientRect();  // the bar, filled, and the timeline, drawn, settle the canvas' size
  network.setSize("100%", "100%");  // now, so that the first fit is the one drawn
  restore();
  if (!location.hash) {
    var saved = lit;
    lit = null;
    makeRoomForTopLabels();
    lit = saved;
  }
  var initialScale = network.getScale();
  window.addEventListener("hashchange", function () {
    var next = readHash();
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    if (state.color !== colorBy.value) setColorMode(state.color);
    restore();
  });
  /** A small scripting surface for tests and users: focus a node, read what is hidden and where labels are. */
  window.newsgraph = {
    data: DATA,
    focus: focusNode,
    highlighted: function () { return litNodes.slice(); },
    isHidden: function (iri) { var i = index.get(iri); return i === undefined ? undefined : !!hidden[i]; },
    shownNodes: function () { return ids.filter(function (_, i) { return !hidden[i]; }); },
    applyFilters: applyFilters,
    resetFilters: resetFilters,
    state: function () { return JSON.parse(JSON.stringify(state)); },
    initialScale: initialScale,
    /** The labels drawn in the last frame: {id, label, x, y, w, h, px} in CSS pixels of the drawing. */
    labels: function () {
      return placed.map(function (b) { return { id: ids[b.i], label: labelText(b.i), x: b.x, y: b.y, w: b.w, h: b.h, px: b.px }; });
    },
    /** The shown, labelled nodes, most connected first. */
    ranked: function () { return order.map(function (i) { return ids[i]; }); },
    path: function () { return pathNodes ? pathNodes.map(function (j) { return ids[j]; }) : null; },
    setPath: function (a, b) { setPath(index.get(a), index.get(b)); },
    physicsOn: physicsOn,
    physicsOff: physicsOff,
    colorBy: setColorMode,
  };
  void initial;
  window.newsgraphReady = performance.now();
})();
