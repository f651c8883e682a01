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
  var index = new Map();
  var nbrs = new Array(N), providerOf = new Int32Array(N).fill(-1), topicsOf = new Array(N);
  for (var i = 0; i < N; i++) {
    var rec = DATA.nodes[i];
    ids[i] = rec[0]; kind[i] = rec[1]; label[i] = rec[2];
    index.set(rec[0], i);
    nbrs[i] = []; topicsOf[i] = [];
  }
  var E = DATA.edges.length / 3, edgeColor = {};
  var DASHES = E < 6000;  // dashed lines are slow to draw: large graphs tell edge kinds by colour only
  EDGE_KINDS.forEach(function (k) { edgeColor[k.name] = { color: k.color, highlight: k.color, hover: k.color, inherit: false }; });
  var edgeItems = new Array(E);
  for (var e = 0; e < E; e++) {
    var s = DATA.edges[3 * e], t = DATA.edges[3 * e + 1], k = EDGE_KINDS[DATA.edges[3 * e + 2]];
    nbrs[s].push(t); nbrs[t].push(s);
    if (kind[s] === ARTICLE && k.name === "publisher") providerOf[s] = t;
    if (kind[s] === ARTICLE && k.name === "about") topicsOf[s].push(t);
    var item = { id: e, from: ids[s], to: ids[t], color: edgeColor[k.name] };
    if (k.width !== 1) item.width = k.width;
    if (k.dashes.length && DASHES) item.dashes = k.dashes;
    if (k.arrow) item.arrows = "to";
    edgeItems[e] = item;
  }
  var nodeColor = DATA.kinds.map(function (k) {
    return { background: k.color, border: shade(k.color), highlight: { background: k.color, border: "#1d1d1d" },
      hover: { background: k.color, border: "#1d1d1d" } };
  });
  function shade(hex) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) * 0.7, g = ((v >> 8) & 255) * 0.7, b = (v & 255) * 0.7;
    return "rgb(" + Math.round(r) + "," + Math.round(g) + "," + Math.round(b) + ")";
  }
  var nodeItems = new Array(N);
  for (i = 0; i < N; i++) {
    var r = DATA.nodes[i];
    var item = { id: ids[i], group: KINDS[kind[i]], value: r[3] + 1 };
    if (label[i]) item.label = label[i];
    if (r[4] !== null) { item.x = r[4]; item.y = r[5]; }
    nodeItems[i] = item;
  }

  // -- the network ----------------------------------------------------------------------------------------------
  var groups = {};
  DATA.kinds.forEach(function (k, ki) { groups[k.name] = { shape: k.shape, color: nodeColor[ki], font: FONT }; });
  DATA.options.groups = groups;
  var nodes = new vis.DataSet(nodeItems), edges = new vis.DataSet(edgeItems);
  var container = $("mynetwork");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  network.once("afterDrawing", function () { window.newsgraphFirstDraw = performance.now(); });
  var physics = $("physics");
  physics.checked = !!DATA.options.physics.enabled;
  physics.addEventListener("change", function () { network.setOptions({ physics: { enabled: physics.checked } }); });

  // -- summary and note -----------------------------------------------------------------------------------------
  var c = DATA.counts;
  var parts = KINDS.filter(function (k) { return c[k]; }).map(function (k) { return plural(c[k], k); });
  $("summary").textContent = (parts.length ? parts.join(" · ") : "no nodes") + " · " + plural(E, "edge");
  if (DATA.note) { $("note").textContent = DATA.note; $("note").hidden = false; }

  // -- legend (also the kind filter) ------------------------------------------------------------------------------
  var kindOn = KINDS.map(function () { return true; });
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
  (function legend() {
    var box = $("legend");
    box.appendChild(el("div", "Nodes (click to hide or show)", "legend-title"));
    DATA.kinds.forEach(function (k, ki) {
      var b = el("button", null, "legend-item");
      b.type = "button";
      b.setAttribute("aria-pressed", "true");
      b.dataset.kind = k.name;
      b.appendChild(swatch(k.shape, k.color));
      b.appendChild(el("span", k.name + " (" + fmt(c[k.name] || 0) + ")"));
      b.addEventListener("click", function () {
        kindOn[ki] = !kindOn[ki];
        b.setAttribute("aria-pressed", String(kindOn[ki]));
        b.classList.toggle("off", !kindOn[ki]);
        applyFilters();
      });
      box.appendChild(b);
    });
    box.appendChild(el("div", "Edges", "legend-title"));
    EDGE_KINDS.forEach(function (k) {
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
  })();

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
  function applyFilters() {
    clearHighlight();
    tip.hidden = true;
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
    var updates = [];
    for (i = 0; i < N; i++) {
      want[i] = (!kindOn[kind[i]] || !pass[i]) ? 1 : 0;
      if (want[i] !== hidden[i]) updates.push({ id: ids[i], hidden: !!want[i] });
    }
    hidden = want;
    setHidden(updates);
    drawTimeline();
    var shown = 0;
    for (i = 0; i < N; i++) if (!hidden[i]) shown++;
    $("summary").dataset.shown = String(shown);
    $("summary").title = fmt(shown) + " of " + fmt(N) + " nodes shown";
  }
  [fTopic, fProvider, fSince, fUntil].forEach(function (x) { x.addEventListener("change", applyFilters); });

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
    network.redraw();
  }
  function clearHighlight() {
    if (lit === null) return;
    lit = null;
    litNodes = [];
    litEdges = [];
    network.redraw();
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
      details.appendChild(row("Articles", fmt(d.articles || 0)));
      if (d.domain) details.appendChild(row("Domain", d.domain));
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
    var iri = el("p", ids[i], "iri");
    iri.title = "The node's IRI";
    details.appendChild(iri);
    details.hidden = false;
  }

  // -- selection, focus, search -----------------------------------------------------------------------------------
  function selectNode(i) { highlight(i); showDetails(i); }
  function focusNode(iri) {
    var i = index.get(iri);
    if (i === undefined) return false;
    if (hidden[i]) { resetFilters(); }
    network.selectNodes([iri]);
    selectNode(i);
    // Animating redraws the whole graph each frame: only small graphs are worth it.
    var offset = details.hidden ? 0 : -(details.offsetWidth + 10) / 2;  // centre it in the part left visible
    network.focus(iri, { scale: Math.max(network.getScale(), 1.1), offset: { x: offset, y: 0 },
      animation: N + E > 6000 ? false : { duration: 350, easingFunction: "easeInOutQuad" } });
    return true;
  }
  function resetFilters() {
    fTopic.value = fProvider.value = fSince.value = fUntil.value = "";
    kindOn = kindOn.map(function () { return true; });
    document.querySelectorAll("#legend .legend-item").forEach(function (b) { b.classList.remove("off"); b.setAttribute("aria-pressed", "true"); });
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
      li.addEventListener("mousedown", function (evt) { evt.preventDefault(); results.hidden = true; focusNode(ids[i]); });
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
      if (found.length) { results.hidden = true; focusNode(ids[found[0]]); }
    } else if (evt.key === "Escape") { results.hidden = true; search.blur(); }
  });

  // -- network events ------------------------------------------------------------------------------------------------
  network.on("click", function (params) {
    if (params.nodes.length) selectNode(index.get(params.nodes[0]));
    else if (!params.edges.length) { clearHighlight(); details.hidden = true; }
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
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape" && document.activeElement !== search) { clearHighlight(); network.unselectAll(); details.hidden = true; }
  });
  $("reset").addEventListener("click", function () {
    search.value = "";
    resetFilters();
    network.unselectAll();
    details.hidden = true;
    network.fit({ animation: false });
  });

  applyFilters();
  /** A small scripting surface for tests and users: focus a node, read what is hidden. */
  window.newsgraph = {
    data: DATA,
    focus: focusNode,
    highlighted: function () { return litNodes.slice(); },
    isHidden: function (iri) { var i = index.get(iri); return i === undefined ? undefined : !!hidden[i]; },
    shownNodes: function () { return ids.filter(function (_, i) { return !hidden[i]; }); },
    applyFilters: applyFilters,
    resetFilters: resetFilters,
  };
  window.newsgraphReady = performance.now();
})();
