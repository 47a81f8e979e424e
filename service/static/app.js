/* kgqa web page: the Ask, Graph and SPARQL panels. Plain JavaScript, no build step; every request goes to
   this server (the JSON API under /api, the SPARQL endpoint at /sparql). The address carries the question
   (?q=), the focused entity (?entity=) and the SPARQL query (?sparql=); Back and Forward move through them. */
(function () {
  "use strict";

  // ------------------------------------------------------------------------------------------ helpers

  var $ = function (id) { return document.getElementById(id); };

  /** An element: el("p", {class: "x", onclick: f}, "text", child, [more children]). */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
    else node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /** The message of an error answer ({"error": {"code", "message"}}), else the status line. */
  function errorOf(response, body) {
    try {
      var parsed = JSON.parse(body);
      if (parsed && parsed.error && parsed.error.message) return parsed.error.message;
    } catch (e) { /* not JSON */ }
    return response.status + " " + response.statusText;
  }

  // ------------------------------------------------------------------------- reaching the server

  var UNREACHABLE = "the server cannot be reached";

  /** fetch, with a banner while the server cannot be reached (instead of "Failed to fetch" everywhere). */
  function request(url, options) {
    return fetch(url, options).then(function (response) {
      offline(false);
      return response;
    }, function () {
      offline(true);
      throw new Error(UNREACHABLE);
    });
  }

  var retrying = null;

  /** Show or hide the banner; while it shows, ask /healthz every few seconds, so it goes when the server is back. */
  function offline(down) {
    $("offline").hidden = !down;
    document.body.classList.toggle("is-offline", down);
    if (down && !retrying) {
      retrying = setInterval(function () { request("/healthz").catch(function () { /* still down */ }); }, 5000);
    } else if (!down && retrying) {
      clearInterval(retrying);
      retrying = null;
    }
  }

  $("offline-retry").addEventListener("click", function () {
    request("/healthz").then(function () { window.location.reload(); }).catch(function () { /* still down */ });
  });

  function getJSON(url, options) {
    return request(url, options).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(errorOf(response, body));
        return JSON.parse(body);
      });
    });
  }

  function keyOfIri(iri) { return String(iri).replace(/^.*\//, ""); }
  function predicateText(p) { return String(p).replace(/_/g, " "); }
  /** The SPARQL term of an API relation name: runs_on -> kg:runsOn. */
  function termOf(name) {
    return "kg:" + String(name).replace(/_([a-z0-9])/g, function (_, c) { return c.toUpperCase(); });
  }

  // ------------------------------------------------------------------ the address and the history

  var HISTORY_KEY = "kgqa.history", HISTORY_SIZE = 25;

  function stored() {
    try {
      var data = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "{}");
      return { questions: data.questions || [], queries: data.queries || [] };
    } catch (e) { return { questions: [], queries: [] }; }
  }

  function remember(kind, value) {
    var data = stored();
    data[kind] = [value].concat(data[kind].filter(function (v) { return v !== value; })).slice(0, HISTORY_SIZE);
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(data)); } catch (e) { /* private mode */ }
    showHistory();
  }

  function showHistory() {
    var data = stored();
    var list = clear($("recent-questions"));
    data.questions.forEach(function (q) { list.appendChild(el("option", { value: q })); });
    var select = clear($("sparql-history"));
    select.appendChild(el("option", { value: "", text: data.queries.length ? "choose one…" : "none yet" }));
    data.queries.forEach(function (q, i) {
      select.appendChild(el("option", { value: String(i), text: q.replace(/\s+/g, " ").slice(0, 70) }));
    });
  }

  /** The page's state in the address: q, entity, sparql. */
  function addressState() {
    var params = new URLSearchParams(window.location.search);
    return { q: params.get("q") || "", entity: params.get("entity") || "", sparql: params.get("sparql") || "" };
  }

  /** A new history entry with `change` applied to the address (nothing when it is the same). */
  function pushAddress(change) {
    var now = addressState(), next = Object.assign({}, now, change);
    if (next.q === now.q && next.entity === now.entity && next.sparql === now.sparql) return;
    var params = new URLSearchParams();
    ["q", "entity", "sparql"].forEach(function (k) { if (next[k]) params.set(k, next[k]); });
    var search = params.toString();
    window.history.pushState(next, "", window.location.pathname + (search ? "?" + search : ""));
  }

  // --------------------------------------------------------------------------------------- the header

  getJSON("/healthz").then(function (h) {
    $("stats").textContent = h.entities + " entities · " + h.facts + " facts · " + h.triples + " triples";
  }).catch(function () { /* the banner says it if the server is down */ });

  // ------------------------------------------------------------------------------------------ the graph

  var TYPE_COLOURS = {
    AwsService: "#e8871e",
    Concept: "#4c78a8",
    Technology: "#54a24b",
    ProgrammingLanguage: "#b279a2",
    Product: "#e45756",
    Service: "#9d755d"
  };
  var TYPE_NAMES = { AwsService: "AWS service", ProgrammingLanguage: "programming language" };
  var OTHER_COLOURS = ["#72b7b2", "#eeca3b", "#ff9da6", "#bab0ac", "#79706e"];
  var FIRST_VIEW = 150;     // the most connected entities drawn first; "Show all" draws the rest
  var LABEL_PX = 13;        // node labels keep this size on screen at every zoom

  function colourOf(type) {
    if (!TYPE_COLOURS[type]) {
      TYPE_COLOURS[type] = OTHER_COLOURS[Object.keys(TYPE_COLOURS).length % OTHER_COLOURS.length];
    }
    return TYPE_COLOURS[type];
  }

  function typeText(type) {
    return TYPE_NAMES[type] || String(type || "entity").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  }

  var cy = null;
  var labels = {};          // lower-case label -> node id, for the answer's facts (they carry labels)
  var highlighted = null;   // {nodes: [...ids], edges: [...ids]} of the last answer
  var total = null;         // {nodes, edges} of the whole graph
  var graphStatus = $("graph-status");
  var decluttered = null;   // the zoom the labels were last sized and sorted out for
  var transpose = null;     // on a portrait screen the (landscape) layout is drawn with x and y swapped

  /** Where an entity is drawn: its place in the graph's one layout, transposed on portrait screens. */
  function place(node) {
    var home = node.data("home");
    if (transpose === null) transpose = $("graph").clientHeight > $("graph").clientWidth * 1.15;
    return transpose ? { x: home.y, y: home.x } : { x: home.x, y: home.y };
  }

  if (window.cytoscape && window.cytoscapeFcose) window.cytoscape.use(window.cytoscapeFcose);

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
      "label": "data(label)", "font-size": LABEL_PX, "color": "#1f2933",
      "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": 110, "text-outline-color": "#fff", "text-outline-width": 2,
      "border-width": 1, "border-color": "#fff", "z-index": "data(degree)" } },
    { selector: "node.nolabel", style: { "label": "" } },
    { selector: "edge", style: {
      "width": "data(width)", "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
      "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier", "label": "",
      "font-size": 11, "color": "#243b53", "text-rotation": "autorotate",
      "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 2 } },
    { selector: "edge.show-label, edge:selected", style: { "label": "data(plabel)", "z-index": 9 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
    { selector: ".faded", style: { "opacity": 0.18 } },
    { selector: "node.hl", style: { "border-width": 5, "border-color": "#d62728", "font-weight": "bold", "z-index": 10 } },
    { selector: "edge.hl", style: {
      "line-color": "#d62728", "target-arrow-color": "#d62728", "width": 4, "color": "#a61b1b",
      "label": "data(plabel)", "font-weight": "bold", "z-index": 10 } },
    { selector: ".hidden", style: { "display": "none" } }
  ];

  /** Cytoscape elements from /api/graph, with colour, size and edge label data added. */
  function prepare(data) {
    data.nodes.forEach(function (n) {
      var d = n.data;
      d.colour = colourOf(d.type);
      d.size = Math.round(16 + 30 * Math.min(1, Math.sqrt((d.support || 1) / 40)));
      d.home = { x: n.position.x, y: n.position.y };
      labels[String(d.label).toLowerCase()] = d.id;
    });
    data.edges.forEach(function (e) {
      e.data.plabel = e.data.label || predicateText(e.data.predicate);
      e.data.width = Math.min(1 + (e.data.support || 1) * 0.6, 5);
    });
    return data.nodes.concat(data.edges);
  }

  function createGraph(elements) {
    cy = window.cytoscape({
      container: $("graph"), elements: elements, style: STYLE, wheelSensitivity: 0.3, layout: { name: "preset" },
      minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false,
      hideEdgesOnViewport: elements.length > 1500  // panning a dense graph stays smooth
    });
    cy.on("tap", "node", function (evt) { focusEntity(evt.target.id(), true); });
    cy.on("dbltap", "node", function (evt) { expand(evt.target.id()); });
    cy.on("mouseover", "node", function (evt) { evt.target.connectedEdges().addClass("show-label"); });
    cy.on("mouseout", "node", function (evt) {
      evt.target.connectedEdges().filter(function (e) {
        return !e.source().selected() && !e.target().selected();
      }).removeClass("show-label");
    });
    cy.on("mouseover", "edge", function (evt) { evt.target.addClass("show-label"); });
    cy.on("mouseout", "edge", function (evt) { if (!evt.target.selected()) evt.target.removeClass("show-label"); });
    cy.on("select", "node", function (evt) { evt.target.connectedEdges().addClass("show-label"); });
    cy.on("unselect", "node", function (evt) { evt.target.connectedEdges().removeClass("show-label"); });
    var pending = null;
    cy.on("zoom", function () {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () { pending = null; if (cy.zoom() !== decluttered) declutter(); }, 120);
    });
  }

  /** Node labels keep their size on screen as the view zooms out; where labels would collide, the less
      connected entity's label is hidden (the selected and highlighted ones are kept first). */
  function declutter() {
    if (!cy) return;
    decluttered = cy.zoom();
    var size = LABEL_PX / decluttered;  // the same size on screen at every zoom
    cy.startBatch();
    cy.nodes().removeClass("nolabel");
    cy.nodes().style({ "font-size": size, "text-max-width": Math.round(110 * size / LABEL_PX) });
    cy.edges().style({ "font-size": size * 0.9, "text-background-padding": 2 / cy.zoom() });
    cy.endBatch();
    var nodes = cy.nodes().not(".hidden").sort(function (a, b) {
      var pa = (a.selected() ? 2 : 0) + (a.hasClass("hl") ? 1 : 0), pb = (b.selected() ? 2 : 0) + (b.hasClass("hl") ? 1 : 0);
      return (pb - pa) || (b.data("degree") - a.data("degree")) || (a.id() < b.id() ? -1 : 1);
    });
    // Boxes already taken (kept labels, and the bodies of better-ranked entities, drawn above), in a grid.
    var grid = {}, CELL = 160, shown = 0, hide = [];
    function cells(b, visit) {
      for (var gx = Math.floor(b.x1 / CELL); gx <= Math.floor(b.x2 / CELL); gx++) {
        for (var gy = Math.floor(b.y1 / CELL); gy <= Math.floor(b.y2 / CELL); gy++) {
          if (visit(gx + "," + gy)) return true;
        }
      }
      return false;
    }
    function taken(b) { return cells(b, function (k) { return (grid[k] || []).some(function (o) { return overlaps(o, b); }); }); }
    function take(b) { cells(b, function (k) { (grid[k] = grid[k] || []).push(b); return false; }); }
    nodes.forEach(function (n) {
      var box = labelBox(n);
      if (box && taken(box)) hide.push(n);
      else if (box) { take(box); shown++; }
      take(n.boundingBox({ includeLabels: false, includeEdges: false, includeOverlays: false }));
    });
    cy.batch(function () { hide.forEach(function (n) { n.addClass("nolabel"); }); });
    document.body.setAttribute("data-labels", String(shown));
  }

  function labelBox(node) {
    var b = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
    return b && b.w > 0 && b.h > 0 ? b : null;
  }

  function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }

  /** The shown labels' boxes on screen (for tests and for checking by hand). */
  function shownLabelBoxes() {
    return cy.nodes().not(".hidden").not(".nolabel").map(function (n) {
      var b = n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      return { id: n.id(), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
    });
  }

  /** The zoom and pan that fit some elements' bodies (labels left out: their size follows the zoom). */
  function viewportFor(eles, padding, maxZoom) {
    var bb = eles.nodes().boundingBox({ includeLabels: false, includeOverlays: false });  // edges: costly, and inside
    var w = cy.width() - 2 * padding - 80, h = cy.height() - 2 * padding - 16;  // room for labels at the edges
    var zoom = Math.min(maxZoom || cy.maxZoom(), Math.max(cy.minZoom(), Math.min(w / Math.max(bb.w, 1), h / Math.max(bb.h, 1))));
    return { zoom: zoom, pan: { x: cy.width() / 2 - zoom * (bb.x1 + bb.w / 2), y: (cy.height() - 16) / 2 - zoom * (bb.y1 + bb.h / 2) } };
  }

  function fitVisible() {
    if (!cy) return;
    var visible = cy.elements().not(".hidden");
    cy.stop(true);  // an earlier animated fit (the last answer's) must not land after this one
    if (visible.nonempty()) cy.viewport(viewportFor(visible, 24, 1.6));
    declutter();
  }

  /** Load /api/graph at `url`: replace the graph, or (from = a node id) add to it, animating the new
      entities out of that node to their places. */
  function loadGraph(url, from) {
    graphStatus.textContent = "Loading the graph…";
    return getJSON(url).then(function (data) {
      var elements = prepare(data);
      if (!cy) {
        createGraph(elements);
      } else if (!from) {
        cy.elements().remove();
        cy.add(elements);
      } else {
        var parent = cy.getElementById(from), origin = parent.nonempty() ? parent.position() : null;
        var fresh = elements.filter(function (e) { return cy.getElementById(e.data.id).empty(); });
        if (origin) fresh.forEach(function (e) { if (e.position) e.position = { x: origin.x, y: origin.y }; });
        var added = cy.add(fresh);
        added.nodes().forEach(function (n) {
          if (!origin) n.position(place(n));
          n.animate({ position: place(n) }, { duration: 450 });
        });
      }
      if (!from) {
        cy.nodes().forEach(function (n) { n.position(place(n)); });
        if (!url.match(/focus=/)) total = data.total;
      }
      fillRelations();
      drawLegend();
      if ($("relation-filter").value) {
        applyFilter();
      } else {
        applyHighlight(false, true);
      }
      // A new graph is fitted before its first frame (drawing it unfitted first costs a frame); an expansion
      // is fitted once its entities have moved out.
      if (!from && !$("relation-filter").value) fitVisible();
      return new Promise(function (resolve) {
        if (from) setTimeout(resolve, 480);
        else window.requestAnimationFrame(function () { window.requestAnimationFrame(resolve); });
      }).then(function () {
        if (from && !$("relation-filter").value) fitVisible();
        showCounts(data.total);
        if (!document.body.hasAttribute("data-graph-ready") && window.performance && performance.mark) {
          performance.mark("kgqa-graph-drawn");  // the first drawn graph (bench/web.py reads it)
        }
        document.body.setAttribute("data-graph-ready", "true");
      });
    }).catch(function (err) {
      graphStatus.textContent = "The graph could not be loaded: " + err.message;
    });
  }

  function showCounts(requested) {
    var nodes = cy.nodes().not(".hidden").length, edges = cy.edges().not(".hidden").length;
    var filter = $("relation-filter").value;
    clear(graphStatus);
    var part = !filter && total && cy.nodes().length < total.nodes;
    var text = part
      ? nodes + " of " + total.nodes.toLocaleString("en") + " entities and " + edges + " of " +
        total.edges.toLocaleString("en") + " relations shown"
      : nodes + " entities and " + edges + " relations shown";
    if (filter) text += " (only “" + predicateText(filter) + "”, " + termOf(filter) + ")";
    graphStatus.appendChild(document.createTextNode(text + ". "));
    if (requested && requested.nodes > cy.nodes().length && !filter) {
      graphStatus.appendChild(document.createTextNode("These are the most connected and their best supported relations: "));
      graphStatus.appendChild(el("button", { type: "button", class: "link", "data-testid": "show-every",
        onclick: function () { loadGraph("/api/graph"); } }, "show all"));
      graphStatus.appendChild(document.createTextNode(". "));
    }
    graphStatus.appendChild(document.createTextNode("Click an entity for its facts; double-click to expand it."));
    graphStatus.setAttribute("data-nodes", String(nodes));
    graphStatus.setAttribute("data-edges", String(edges));
  }

  function fillRelations() {
    var select = $("relation-filter"), chosen = select.value, found = {};
    cy.edges().forEach(function (e) { found[e.data("predicate")] = (found[e.data("predicate")] || 0) + 1; });
    clear(select).appendChild(el("option", { value: "", text: "all relations" }));
    Object.keys(found).sort().forEach(function (p) {
      select.appendChild(el("option", { value: p, text: predicateText(p) + " · " + termOf(p) + " (" + found[p] + ")" }));
    });
    if (chosen && found[chosen]) select.value = chosen;
    var datalist = clear($("entity-names"));
    cy.nodes().map(function (n) { return n.data("label"); }).sort().forEach(function (label) {
      datalist.appendChild(el("option", { value: label }));
    });
  }

  /** Show only the edges of the chosen relation and the entities they join; lay them out again, fit them,
      count them and drop the last answer's highlight (it no longer matches what is shown). */
  function applyFilter() {
    if (!cy) return Promise.resolve();
    var wanted = $("relation-filter").value;
    highlighted = null;
    applyHighlight(false);
    cy.batch(function () {
      cy.elements().removeClass("hidden");
      if (!wanted) return;
      cy.edges().forEach(function (e) { if (e.data("predicate") !== wanted) e.addClass("hidden"); });
      cy.nodes().forEach(function (n) {
        if (n.connectedEdges().filter(function (e) { return !e.hasClass("hidden"); }).empty() && !n.selected()) {
          n.addClass("hidden");
        }
      });
    });
    markLegend();
    var done;
    if (!wanted) {
      cy.nodes().forEach(function (n) { n.position(place(n)); });
      done = Promise.resolve();
    } else {
      // From the fixed places, without randomising, so the same filter gives the same drawing.
      var visible = cy.elements().not(".hidden");
      visible.nodes().forEach(function (n) { n.position(place(n)); });
      var run = visible.layout(window.cytoscapeFcose
        ? { name: "fcose", randomize: false, animate: false, quality: "proof", nodeRepulsion: 30000,
            idealEdgeLength: 110, nodeSeparation: 120, packComponents: true, fit: false }
        : { name: "preset", fit: false });
      done = new Promise(function (resolve) { run.one("layoutstop", resolve); });
      run.run();
    }
    return done.then(function () { fitVisible(); showCounts(null); });
  }

  function drawLegend() {
    var legend = clear($("legend")), types = {}, relations = {};
    cy.nodes().forEach(function (n) { types[n.data("type")] = (types[n.data("type")] || 0) + 1; });
    cy.edges().forEach(function (e) { relations[e.data("predicate")] = (relations[e.data("predicate")] || 0) + 1; });
    legend.appendChild(el("div", { class: "legend-group" }, el("span", { class: "legend-title" }, "Types"),
      Object.keys(types).sort().map(function (type) {
        return el("span", { class: "key" },
          el("span", { class: "swatch", style: "background:" + colourOf(type), "aria-hidden": "true" }),
          typeText(type) + " (" + types[type] + ")");
      }),
      el("span", { class: "key muted" }, "size = how many notes support it")));
    var narrow = window.matchMedia && window.matchMedia("(max-width: 900px)").matches;
    legend.appendChild(el("details", { class: "legend-relations", open: !narrow },
      el("summary", { class: "legend-title" }, "Relations (" + Object.keys(relations).length + "): label and SPARQL term"),
      el("div", { class: "legend-group" },
      Object.keys(relations).sort().map(function (p) {
        return el("button", { type: "button", class: "key relation", "data-relation": p,
          title: "Show only " + predicateText(p), onclick: function () {
            var select = $("relation-filter");
            select.value = select.value === p ? "" : p;
            applyFilter();
          } }, predicateText(p), " ", el("code", {}, termOf(p)), " " + relations[p]);
      }))));
    markLegend();
  }

  function markLegend() {
    var wanted = $("relation-filter").value;
    document.querySelectorAll("#legend .relation").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-relation") === wanted));
    });
  }

  /** Add the neighbourhood of an entity to the graph, growing out of it. */
  function expand(id) {
    return loadGraph("/api/graph?focus=" + encodeURIComponent(id) + "&depth=" + $("depth").value, id);
  }

  /** Replace the graph by the neighbourhood of an entity. */
  function focusOnly(id) {
    $("relation-filter").value = "";
    return loadGraph("/api/graph?focus=" + encodeURIComponent(id) + "&depth=" + $("depth").value)
      .then(function () { select(id); });
  }

  function select(id) {
    if (!cy) return;
    var node = cy.getElementById(id);
    if (node.empty()) return;
    cy.nodes().unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: 300, complete: declutter });
  }

  /** Focus an entity by id: bring it into the graph if it is not there, select it, show its details, and
      (push) record it in the address. */
  function focusEntity(key, push) {
    var present = cy && !cy.getElementById(key).empty();
    var ready = present ? Promise.resolve() : expand(key);
    return ready.then(function () {
      if ($("relation-filter").value && cy.getElementById(key).hasClass("hidden")) {
        $("relation-filter").value = "";
        return applyFilter();
      }
    }).then(function () {
      if (push) pushAddress({ entity: key });
      var shown = showDetails(key);  // opens the drawer first: the graph narrows, then the entity is centred
      select(key);
      return shown;
    });
  }

  /** Find an entity by name: in the graph, else through /api/entities; focus it. */
  function find(text) {
    var needle = String(text).trim().toLowerCase();
    if (!needle) return Promise.resolve();
    var id = labels[needle];
    var found = id ? Promise.resolve(id) : getJSON("/api/entities?limit=1&q=" + encodeURIComponent(needle))
      .then(function (d) { return d.entities.length ? d.entities[0].id : null; });
    return found.then(function (key) {
      if (!key) { graphStatus.textContent = "No entity is called “" + text + "”."; return; }
      return focusEntity(key, true);
    }).catch(function (err) { graphStatus.textContent = err.message; });
  }

  // -------------------------------------------------------------------------------- the details drawer

  var details = $("details"), detailsBody = $("details-body"), lastFocus = null;

  function setDrawer(open) {
    details.hidden = !open;
    $("graph-wrap").classList.toggle("with-details", open);
    if (cy) cy.resize();
  }

  function showDetails(id) {
    lastFocus = document.activeElement;
    setDrawer(true);
    $("details-title").textContent = "Loading…";
    clear(detailsBody);
    return getJSON("/api/entities/" + encodeURIComponent(id)).then(function (d) {
      var ent = d.entity;
      $("details-title").textContent = ent.label;
      append(detailsBody, [
        el("p", { class: "meta" },
          el("span", { class: "swatch", style: "background:" + colourOf(ent.type), "aria-hidden": "true" }),
          typeText(ent.type), " · ", el("code", {}, "ent:" + ent.id),
          ent.aliases.length ? " · also called " + ent.aliases.join(", ") : ""),
        el("div", { class: "actions" },
          el("button", { type: "button", onclick: function () { expand(ent.id); } }, "Expand neighbourhood"),
          el("button", { type: "button", onclick: function () { focusOnly(ent.id); } }, "Show only this"),
          el("button", { type: "button", onclick: function () { ask("what is " + ent.label); } }, "Ask about it")),
        factGroups("Facts about " + ent.label, d.facts_out, true),
        factGroups("Facts pointing to " + ent.label, d.facts_in, false)
      ]);
      details.setAttribute("data-entity", ent.id);
      details.focus({ preventScroll: true });
    }).catch(function (err) {
      $("details-title").textContent = "Not found";
      detailsBody.appendChild(el("p", { class: "error", role: "alert" }, err.message));
    });
  }

  /** Facts grouped by relation (label and SPARQL term), each with its evidence on demand. */
  function factGroups(title, facts, outgoing) {
    if (!facts.length) return null;
    var groups = {}, order = [];
    facts.forEach(function (f) {
      if (!groups[f.predicate]) { groups[f.predicate] = []; order.push(f.predicate); }
      groups[f.predicate].push(f);
    });
    order.sort();
    return el("section", { class: "facts" },
      el("h4", {}, title + " (" + facts.length + ")"),
      el("div", { "data-testid": "facts" }, order.map(function (p) {
        var first = groups[p][0];
        return el("div", { class: "relation-group" },
          el("h5", {}, outgoing ? "" : "← ", first.predicate_label, " ", el("code", { class: "term" }, first.term || termOf(p))),
          el("ul", { class: "fact-list" }, groups[p].map(function (f) {
            var name = outgoing ? f.object_label : f.subject_label;
            var other = !outgoing || f.object_is_entity
              ? el("button", { type: "button", class: "link", onclick: function () {
                focusEntity(outgoing ? f.object : f.subject, true);
              } }, name)
              : el("span", { class: "value" }, name);
            return el("li", { class: "fact" },
              el("div", {}, other, el("span", { class: "support", title: "notes that state it" }, " ×" + f.support)),
              evidenceOnDemand(f.evidence));
          })));
      })));
  }

  function evidenceOnDemand(evidence) {
    if (!evidence || !evidence.length) return null;
    var list = el("ul", {});
    var box = el("details", { class: "fact-evidence" },
      el("summary", {}, evidence.length === 1 ? "1 sentence" : evidence.length + " sentences"), list);
    box.addEventListener("toggle", function () {
      if (box.open && !list.firstChild) evidence.forEach(function (ev) { list.appendChild(evidenceItem(ev, "li")); });
    });
    return box;
  }

  function evidenceItem(ev, tag) {
    return el(tag, { class: "ev" },
      el("span", { class: "src" }, ev.source + ":" + ev.line),
      ev.section ? el("span", { class: "section" }, ev.section) : null,
      el("q", {}, String(ev.text).trim()));
  }

  function closeDetails() {
    setDrawer(false);
    details.removeAttribute("data-entity");
    if (cy) cy.nodes().unselect();
    if (lastFocus && lastFocus.focus && document.body.contains(lastFocus)) lastFocus.focus({ preventScroll: true });
  }

  $("details-close").addEventListener("click", function () { closeDetails(); pushAddress({ entity: "" }); });
  details.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeDetails(); pushAddress({ entity: "" }); } });

  // --------------------------------------------------------------------------------------- highlight

  /** Mark the entities and facts an answer used; fade the rest. */
  function highlightAnswer(answer) {
    var nodes = {}, edges = {};
    (answer.entities || []).forEach(function (e) { nodes[keyOfIri(e.iri)] = true; });
    (answer.facts || []).forEach(function (f) {
      var s = labels[String(f.subject).toLowerCase()], o = labels[String(f.object).toLowerCase()];
      if (s) nodes[s] = true;
      if (o) nodes[o] = true;
      if (s && o) edges[s + "|" + f.predicate + "|" + o] = true;
    });
    var comparison = answer.comparison;
    if (comparison) {
      [comparison.a, comparison.b].forEach(function (name) {
        var id = labels[String(name).toLowerCase()];
        if (id) nodes[id] = true;
      });
    }
    highlighted = Object.keys(nodes).length ? { nodes: Object.keys(nodes), edges: Object.keys(edges) } : null;
    if (!cy) return;
    var missing = highlighted && highlighted.nodes.filter(function (id) { return cy.getElementById(id).empty(); });
    if ($("relation-filter").value) {
      $("relation-filter").value = "";
      cy.elements().removeClass("hidden");
      markLegend();
    }
    if (missing && missing.length) {
      // Bring the answer's entities that are not drawn yet in, at their places, then mark them.
      var keep = highlighted;
      missing.reduce(function (chain, id) {
        return chain.then(function () {
          return cy.getElementById(id).empty() ? loadGraph("/api/graph?depth=1&focus=" + encodeURIComponent(id), id) : null;
        });
      }, Promise.resolve()).then(function () { highlighted = keep; applyHighlight(true); });
    } else {
      applyHighlight(true);
    }
  }

  /** Mark the last answer's elements; zoomTo: fit them; later: the caller fits (and sorts out labels). */
  function applyHighlight(zoomTo, later) {
    $("clear-highlight").disabled = !highlighted;
    if (!cy) return;
    cy.batch(function () {
      cy.elements().removeClass("hl faded");
      if (!highlighted) return;
      highlighted.nodes.forEach(function (id) { cy.getElementById(id).addClass("hl"); });
      highlighted.edges.forEach(function (id) { cy.getElementById(id).addClass("hl"); });
      cy.elements().not(".hl").addClass("faded");
    });
    var hl = cy.nodes(".hl");
    if (zoomTo && hl.nonempty()) fitTo(hl.union(cy.edges(".hl")), 60);
    else if (!later) declutter();
  }

  /** Fit the view to some elements, zooming in no further than makes them comfortable to read. */
  function fitTo(eles, padding) {
    cy.animate(viewportFor(eles, padding, 1.4), { duration: 400, complete: declutter });
  }

  $("clear-highlight").addEventListener("click", function () {
    highlighted = null;
    applyHighlight(false);
    fitVisible();
  });

  // ------------------------------------------------------------------------------------------ asking

  var answerBox = $("answer"), askInput = $("ask-input"), asking = 0;

  /** Ask a question; push = record it in the address (a new Back step). */
  function ask(question, push) {
    question = String(question || "").trim();
    if (!question) return Promise.resolve();
    askInput.value = question;
    if (push !== false) pushAddress({ q: question });
    remember("questions", question);
    var mine = ++asking;
    answerBox.setAttribute("aria-busy", "true");
    answerBox.removeAttribute("data-kind");
    clear(answerBox).appendChild(el("p", { class: "placeholder" }, "Looking in the notes…"));
    return getJSON("/api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ q: question })
    }).then(function (d) {
      if (mine !== asking) return;
      renderAnswer(d);
      highlightAnswer(d);
    }).catch(function (err) {
      if (mine !== asking) return;
      wide(false);
      clear(answerBox).appendChild(el("p", { class: "error", role: "alert" }, "The question could not be asked: " + err.message));
      answerBox.setAttribute("data-kind", "error");
      $("evidence-block").hidden = true;
      $("answer-sparql").hidden = true;
    }).then(function () { if (mine === asking) answerBox.setAttribute("aria-busy", "false"); });
  }

  /** Comparisons take the full width of the page. */
  function wide(on) {
    $("layout").classList.toggle("wide-answer", on);
    if (cy) setTimeout(function () { cy.resize(); }, 0);
  }

  var VERDICTS = { yes: "Yes", no: "No", unknown: "Not known" };

  function renderAnswer(d) {
    clear(answerBox);
    answerBox.setAttribute("data-kind", d.kind);
    answerBox.setAttribute("data-answered", String(d.answered));
    var head = el("p", { class: "answer-meta" },
      typeof d.verdict === "string" && VERDICTS[d.verdict]
        ? el("span", { class: "badge verdict verdict-" + d.verdict, "data-testid": "verdict" }, VERDICTS[d.verdict]) : null,
      el("span", { class: "badge " + (d.answered ? "ok" : "no") }, d.answered ? "answered" : "not in the notes"),
      el("span", { class: "badge kind" }, predicateText(d.kind)));
    answerBox.appendChild(head);
    var isComparison = d.answered && d.kind === "comparison" && d.comparison;
    wide(!!isComparison);
    if (!d.answered) {
      answerBox.appendChild(el("p", { class: "abstain" }, d.answer));
      if (d.suggestions && d.suggestions.length) {
        answerBox.appendChild(el("p", { class: "hint" }, "The notes do know about:"));
        answerBox.appendChild(el("ul", { class: "suggestions", "data-testid": "suggestions" },
          d.suggestions.map(function (s) {
            return el("li", {}, el("button", { type: "button", class: "chip", onclick: function () { ask(s); } }, s));
          })));
      }
    } else if (isComparison) {
      answerBox.appendChild(comparisonTable(d.comparison));
      answerBox.appendChild(el("details", { class: "as-text" }, el("summary", {}, "The answer as text"), el("p", {}, d.answer)));
    } else {
      answerBox.appendChild(el("p", { class: "answer-text" }, d.answer));
    }
    if (Array.isArray(d.steps) && d.steps.length) {
      answerBox.appendChild(el("ol", { class: "steps", "data-testid": "steps" }, d.steps.map(function (s) {
        return el("li", {}, typeof s === "string" ? s : (s.text || JSON.stringify(s)));
      })));
    }
    if (Array.isArray(d.points) && d.points.length) {
      answerBox.appendChild(el("ul", { class: "points", "data-testid": "points" }, d.points.map(function (p) {
        if (typeof p === "string") return el("li", {}, p);
        return el("li", { class: "ev" },
          p.source ? el("span", { class: "src" }, p.source + (p.line ? ":" + p.line : "")) : null,
          el("q", {}, String(p.text || "").trim()));
      })));
    }
    if (d.entities && d.entities.length) {
      answerBox.appendChild(el("p", { class: "entities" }, "Entities: ", d.entities.map(function (e) {
        return el("button", { type: "button", class: "chip", onclick: function () { find(e.label); } }, e.label);
      })));
    }
    renderEvidence(d.evidence || []);
    renderAnswerSparql(d.sparql || []);
  }

  function comparisonTable(c) {
    function cell(values) {
      if (!values || !values.length) return el("td", { class: "none" }, "—");
      return el("td", {}, values.length === 1 ? values[0] : el("ul", {}, values.map(function (v) { return el("li", {}, v); })));
    }
    var wrap = el("div", { class: "comparison" });
    wrap.appendChild(el("div", { class: "table-scroll", tabindex: "0", "aria-label": "Comparison table" },
      el("table", { class: "compare", "data-testid": "comparison" },
        el("caption", {}, c.a + " vs " + c.b),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Aspect"),
          el("th", { scope: "col" }, c.a), el("th", { scope: "col" }, c.b))),
        el("tbody", {}, (c.rows || []).map(function (r) {
          return el("tr", {}, el("th", { scope: "row" }, r.aspect), cell(r.a), cell(r.b));
        })))));
    if (c.contrasts && c.contrasts.length) {
      wrap.appendChild(el("h4", {}, "How they differ"));
      wrap.appendChild(el("ul", { class: "contrasts" }, c.contrasts.map(function (x) {
        return el("li", {}, typeof x === "string" ? x : JSON.stringify(x));
      })));
    }
    if (c.shared && c.shared.length) {
      wrap.appendChild(el("h4", {}, "Both"));
      wrap.appendChild(el("ul", { class: "shared" }, c.shared.map(function (x) {
        return el("li", {}, x.aspect ? x.aspect + ": " + x.value : String(x));
      })));
    }
    if (c.recommendation) wrap.appendChild(el("p", { class: "recommendation" }, c.recommendation));
    return wrap;
  }

  var EVIDENCE_SHOWN = 12;

  function renderEvidence(evidence) {
    var list = clear($("evidence"));
    $("evidence-block").hidden = !evidence.length;
    evidence.forEach(function (ev, i) {
      var item = evidenceItem(ev, "li");
      if (i >= EVIDENCE_SHOWN && evidence.length > EVIDENCE_SHOWN + 3) item.hidden = true;
      list.appendChild(item);
    });
    if (evidence.length > EVIDENCE_SHOWN + 3) {
      var more = el("li", { class: "more" }, el("button", { type: "button", class: "link", onclick: function () {
        Array.prototype.forEach.call(list.children, function (li) { li.hidden = false; });
        more.remove();
      } }, "Show all " + evidence.length + " sentences"));
      list.appendChild(more);
    }
  }

  function renderAnswerSparql(queries) {
    var box = clear($("answer-sparql-list"));
    $("answer-sparql").hidden = !queries.length;
    queries.forEach(function (q) {
      box.appendChild(el("div", { class: "query" },
        el("pre", {}, el("code", {}, q)),
        el("button", { type: "button", onclick: function () {
          editor.setValue(q);
          $("sparql-title").scrollIntoView({ behavior: "smooth" });
          editor.focus();
        } }, "Open in the SPARQL panel")));
    });
  }

  $("ask-form").addEventListener("submit", function (e) { e.preventDefault(); ask(askInput.value); });
  document.querySelectorAll("[data-ask]").forEach(function (b) {
    b.addEventListener("click", function () { ask(b.getAttribute("data-ask")); });
  });

  // ------------------------------------------------------------------------------------------ SPARQL

  var EXAMPLES = [
    ["What runs on what",
      "SELECT ?subject ?object WHERE {\n  ?s kg:runsOn ?o .\n  ?s rdfs:label ?subject .\n  ?o rdfs:label ?object .\n}\nORDER BY ?subject ?object"],
    ["Entities of each type",
      "SELECT ?type (COUNT(?e) AS ?entities) WHERE {\n  ?e a ?type ; rdfs:label ?label .\n  FILTER (STRSTARTS(STR(?type), STR(kg:)))\n}\nGROUP BY ?type\nORDER BY DESC(?entities)"],
    ["The sentences behind a fact",
      "# Where do the notes say that AWS Batch runs on something?\nSELECT ?object ?source ?line ?text WHERE {\n  ?ev rdf:subject ent:aws-batch ;\n      rdf:predicate kg:runsOn ;\n      rdf:object ?o ;\n      kg:source ?source ; kg:line ?line ; kg:text ?text .\n  ?o rdfs:label ?object .\n}\nORDER BY ?source ?line"],
    ["Most discussed entities",
      "SELECT ?entity (COUNT(DISTINCT ?ev) AS ?statements) WHERE {\n  ?ev a kg:Evidence ; rdf:subject ?e .\n  ?e rdfs:label ?entity .\n}\nGROUP BY ?entity\nORDER BY DESC(?statements)\nLIMIT 15"],
    ["Every triple (paged)", "SELECT * WHERE { ?s ?p ?o }"],
    ["Everything about AWS Lambda (CONSTRUCT)",
      "CONSTRUCT { ent:aws-lambda ?p ?o }\nWHERE { ent:aws-lambda ?p ?o }"]
  ];
  var PREFIXES = [
    ["kg:", "https://kgqa.example/ontology#"], ["ent:", "https://kgqa.example/entity/"],
    ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"], ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
    ["skos:", "http://www.w3.org/2004/02/skos/core#"], ["owl:", "http://www.w3.org/2002/07/owl#"],
    ["xsd:", "http://www.w3.org/2001/XMLSchema#"]
  ];
  var KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "ORDER BY", "GROUP BY", "LIMIT",
    "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "VALUES", "BIND", "COUNT", "STR", "LANG", "REGEX", "CONTAINS"];
  var RESULTS_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  var TABLE_DOWNLOADS = [["CSV", "text/csv", "csv"], ["TSV", "text/tab-separated-values", "tsv"],
    ["JSON", "application/sparql-results+json", "json"]];
  var GRAPH_DOWNLOADS = [["Turtle", "text/turtle", "ttl"], ["N-Triples", "application/n-triples", "nt"],
    ["JSON-LD", "application/ld+json", "jsonld"], ["RDF/XML", "application/rdf+xml", "rdf"]];
  var PAGE_ROWS = 100;

  var sparqlStatus = $("sparql-status"), resultsTable = $("sparql-results");
  var exampleSelect = $("sparql-example");
  var vocab = { terms: [], known: {}, byName: {}, names: {} };  // names: term -> API relation name
  var result = { vars: [], rows: [], page: 0 };
  var errorMark = null;

  EXAMPLES.forEach(function (ex, i) { exampleSelect.appendChild(el("option", { value: String(i), text: ex[0] })); });

  var editor = window.CodeMirror.fromTextArea($("sparql-text"), {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    lineWrapping: true,
    viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query",
    extraKeys: {
      "Ctrl-Enter": function () { runQuery(); },
      "Cmd-Enter": function () { runQuery(); },
      "Ctrl-Space": function (cm) { cm.showHint({ hint: complete, completeSingle: false }); },
      "Tab": false,          // Tab leaves the editor, as everywhere else on the page
      "Shift-Tab": false
    }
  });
  editor.setValue(EXAMPLES[0][1]);
  exampleSelect.addEventListener("change", function () { editor.setValue(EXAMPLES[+exampleSelect.value][1]); });
  $("sparql-history").addEventListener("change", function () {
    var i = $("sparql-history").value;
    if (i !== "") editor.setValue(stored().queries[+i]);
  });

  // The graph's own terms, for completion and for the unknown-term warning; served by this server.
  getJSON("/api/vocabulary").then(function (v) {
    var terms = [];
    PREFIXES.forEach(function (p) { terms.push({ text: p[0], label: "prefix " + p[1] }); });
    v.classes.forEach(function (c) { terms.push({ text: c.term, label: "class · " + c.label }); });
    v.predicates.forEach(function (p) {
      terms.push({ text: p.term, label: p.label + (p.count ? " · " + p.count + " facts" : ""), count: p.count });
      vocab.known[p.term] = true;
      vocab.byName[p.name] = p.term;
      vocab.names[p.term] = p.name;
    });
    v.classes.forEach(function (c) { vocab.known[c.term] = true; });
    v.standard.forEach(function (s) { terms.push({ text: s.term, label: s.label }); });
    vocab.terms = terms;
    checkTerms();
  }).catch(function () { /* completion of keywords still works */ });

  /** show-hint source: prefixed names (kg:, rdf:, ent: entity ids …) and keywords matching the word typed. */
  function complete(cm) {
    var cursor = cm.getCursor(), line = cm.getLine(cursor.line);
    var start = cursor.ch;
    while (start > 0 && /[\w:\-]/.test(line.charAt(start - 1))) start--;
    var word = line.slice(start, cursor.ch), lower = word.toLowerCase();
    var list = vocab.terms.filter(function (t) { return t.text.toLowerCase().indexOf(lower) === 0; })
      .sort(function (a, b) { return (b.count || 0) - (a.count || 0); });  // the most used relations first
    if (/^ent:/i.test(word) && cy) {
      cy.nodes().forEach(function (n) {
        var text = "ent:" + n.id();
        if (text.indexOf(lower) === 0) list.push({ text: text, label: n.data("label") });
      });
    }
    if (word.indexOf(":") < 0) {
      KEYWORDS.forEach(function (k) { if (k.toLowerCase().indexOf(lower) === 0 && word) list.push({ text: k, label: "keyword" }); });
    }
    return {
      list: list.slice(0, 60).map(function (t) {
        return { text: t.text, displayText: t.text + "  —  " + t.label, className: "hint-term" };
      }),
      from: window.CodeMirror.Pos(cursor.line, start),
      to: window.CodeMirror.Pos(cursor.line, cursor.ch)
    };
  }

  editor.on("inputRead", function (cm, change) {
    if (cm.state.completionActive) return;
    var typed = change.text.join("");
    var cursor = cm.getCursor(), before = cm.getLine(cursor.line).slice(0, cursor.ch);
    if (/(^|[\s({.;,])[a-z]*:[\w-]*$/i.test(before) && /[\w:]/.test(typed)) {
      cm.showHint({ hint: complete, completeSingle: false });
    }
  });

  var checkTimer = null;
  editor.on("blur", function () { checkTerms(); });
  editor.on("change", function () {
    if (errorMark) { errorMark.clear(); errorMark = null; }
    if (checkTimer) clearTimeout(checkTimer);
    checkTimer = setTimeout(checkTerms, 250);
  });

  /** Warn about kg: terms this graph does not have (kg:runs_on matches nothing: the term is kg:runsOn). */
  function checkTerms() {
    var box = $("sparql-warning");
    if (!vocab.terms.length) return;
    var text = editor.getValue().replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^>\s]*>|#[^\n]*/g, " ");
    var unknown = {}, m, re = /(^|[^\w:])(kg:[A-Za-z_][\w-]*)/g;
    var typing = editor.hasFocus() ? editor.indexFromPos(editor.getCursor()) : -1;  // not the word being typed
    while ((m = re.exec(text))) {
      var start = m.index + m[1].length, end = start + m[2].length;
      if (!vocab.known[m[2]] && !(typing >= start && typing <= end)) unknown[m[2]] = true;
    }
    var names = Object.keys(unknown);
    box.hidden = !names.length;
    if (!names.length) return;
    clear(box).appendChild(document.createTextNode("Not a term of this graph, so it matches nothing: "));
    names.forEach(function (name, i) {
      var guess = vocab.byName[name.slice(3)] || vocab.byName[name.slice(3).replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase()];
      append(box, [i ? "; " : "", el("code", {}, name), guess ? [" (did you mean ", el("code", {}, guess), "?)"] : null]);
    });
    append(box, ". The relation filter and the entity details show each relation's term.");
  }

  function short(iri) {
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][1]) === 0) return PREFIXES[i][0] + iri.slice(PREFIXES[i][1].length);
    }
    return iri;
  }

  function postQuery(query, accept) {
    return request("/sparql", {
      method: "POST",
      headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: query }).toString()
    });
  }

  function termCell(term) {
    if (!term) return el("td", { class: "none" }, "");
    if (term.type === "uri") {
      var entity = PREFIXES[1][1];
      if (term.value.indexOf(entity) === 0) {
        var key = term.value.slice(entity.length);
        return el("td", { class: "uri" }, el("button", { type: "button", class: "link iri", title: "Show " + key + " in the graph",
          onclick: function () { showInGraph(key); } }, short(term.value)));
      }
      var relation = vocab.names[short(term.value)];
      if (relation && cy && cy.edges().some(function (e) { return e.data("predicate") === relation; })) {
        return el("td", { class: "uri" }, el("button", { type: "button", class: "link iri",
          title: "Show only “" + predicateText(relation) + "” in the graph", onclick: function () {
            $("relation-filter").value = relation;
            $("graph-title").scrollIntoView({ behavior: "smooth", block: "start" });
            applyFilter();
          } }, short(term.value)));
      }
      return el("td", { class: "uri", title: term.value }, short(term.value));
    }
    if (term.type === "bnode") return el("td", { class: "bnode" }, "_:" + term.value);
    return el("td", { class: "literal", title: term.datatype ? short(term.datatype) : (term["xml:lang"] || null) }, term.value);
  }

  function showInGraph(key) {
    $("graph-title").scrollIntoView({ behavior: "smooth", block: "start" });
    return focusEntity(key, true);
  }

  /** SELECT * columns in the order the query first names them (the order a reader of the query expects). */
  function columnOrder(query, vars) {
    var body = query.replace(/"(?:[^"\\\n]|\\.)*"|<[^>\s]*>|#[^\n]*/g, " ");
    if (!/select\s+(distinct\s+|reduced\s+)?\*/i.test(body)) return vars;
    var seen = [], m, re = /[?$]([A-Za-z_][\w]*)/g;
    while ((m = re.exec(body))) { if (seen.indexOf(m[1]) < 0 && vars.indexOf(m[1]) >= 0) seen.push(m[1]); }
    return seen.concat(vars.filter(function (v) { return seen.indexOf(v) < 0; }));
  }

  function showTable(vars, rows) {
    result = { vars: vars, rows: rows, page: 0 };
    $("sparql-graph").hidden = true;
    resultsTable.hidden = false;
    var thead = resultsTable.tHead;
    clear(thead).appendChild(el("tr", {}, vars.map(function (v) { return el("th", { scope: "col" }, v); })));
    showPage(0);
  }

  function showPage(page) {
    var pages = Math.max(1, Math.ceil(result.rows.length / PAGE_ROWS));
    page = Math.min(Math.max(page, 0), pages - 1);
    result.page = page;
    var tbody = clear(resultsTable.tBodies[0]), fragment = document.createDocumentFragment();
    var first = page * PAGE_ROWS, rows = result.rows.slice(first, first + PAGE_ROWS);
    rows.forEach(function (row) {
      fragment.appendChild(el("tr", {}, result.vars.map(function (v) { return termCell(row[v]); })));
    });
    tbody.appendChild(fragment);
    $("pager").hidden = result.rows.length <= PAGE_ROWS;
    $("page-info").textContent = "Rows " + (rows.length ? first + 1 : 0) + "–" + (first + rows.length) + " of " +
      result.rows.length.toLocaleString("en") + " (page " + (page + 1) + " of " + pages + ")";
    $("page-prev").disabled = page === 0;
    $("page-next").disabled = page >= pages - 1;
    resultsTable.setAttribute("data-page", String(page + 1));
  }

  $("page-prev").addEventListener("click", function () { showPage(result.page - 1); });
  $("page-next").addEventListener("click", function () { showPage(result.page + 1); });

  function showTurtle(text) {
    result = { vars: [], rows: [], page: 0 };
    clear(resultsTable.tHead);
    clear(resultsTable.tBodies[0]);
    resultsTable.hidden = true;
    $("pager").hidden = true;
    var box = $("sparql-graph");
    box.hidden = false;
    box.textContent = text;
  }

  function offerDownloads(kind) {
    var box = clear($("downloads"));
    (kind === "graph" ? GRAPH_DOWNLOADS : TABLE_DOWNLOADS).forEach(function (d) {
      box.appendChild(el("button", { type: "button", "data-format": d[2], onclick: function () { download(d); } }, "Download " + d[0]));
    });
  }

  /** Where a parse error points (line, column), read from the message: "line 2, column 5", "2:5" or
      "at char 18"; null when it says nothing of the kind. */
  function errorPosition(message, query) {
    var m = /line\s*:?\s*(\d+)\D{1,12}?col(?:umn)?\s*:?\s*(\d+)/i.exec(message) || /\b(\d+):(\d+)\b/.exec(message);
    if (m) return { line: +m[1], column: +m[2] };
    m = /at char(?:acter)?\s*(\d+)/i.exec(message) || /offset\s*(\d+)/i.exec(message);
    if (!m) return null;
    var before = query.slice(0, +m[1]).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  function showError(message, query) {
    sparqlStatus.className = "status error";
    sparqlStatus.textContent = "The query failed: " + message;
    var box = $("sparql-error-at"), at = errorPosition(message, query);
    box.hidden = !at;
    if (!at) return;
    var lineText = query.split("\n")[at.line - 1];
    if (lineText === undefined) { box.hidden = true; return; }
    box.textContent = "Line " + at.line + ", column " + at.column +
      (lineText.trim() ? ":\n" + lineText + "\n" + " ".repeat(Math.max(0, at.column - 1)) + "^" : ": the end of the query (is a brace missing?)");
    box.setAttribute("data-line", String(at.line));
    box.setAttribute("data-column", String(at.column));
    var from = window.CodeMirror.Pos(at.line - 1, at.column - 1);
    var token = editor.getTokenAt(window.CodeMirror.Pos(at.line - 1, at.column));
    var end = token && token.end > at.column - 1 ? token.end : at.column;
    if (errorMark) errorMark.clear();
    errorMark = editor.markText(from, window.CodeMirror.Pos(at.line - 1, Math.max(end, at.column)), { className: "cm-parse-error" });
  }

  function runQuery(push) {
    var query = editor.getValue(), started = performance.now();
    if (push !== false) pushAddress({ sparql: query });
    remember("queries", query);
    checkTerms();
    sparqlStatus.className = "status";
    sparqlStatus.textContent = "Running…";
    $("sparql-error-at").hidden = true;
    resultsTable.setAttribute("aria-busy", "true");
    resultsTable.setAttribute("data-state", "running");
    return postQuery(query, RESULTS_ACCEPT).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(errorOf(response, body));
        var type = (response.headers.get("Content-Type") || "").split(";")[0];
        var ms = Math.round(performance.now() - started), note;
        if (type === "text/turtle") {
          showTurtle(body);
          offerDownloads("graph");
          note = "A graph, as Turtle";
        } else {
          var data = JSON.parse(body);
          offerDownloads("table");
          if (typeof data.boolean === "boolean") {
            showTable(["boolean"], [{ boolean: { type: "literal", value: String(data.boolean) } }]);
            note = "ASK: " + data.boolean;
          } else {
            showTable(columnOrder(query, data.head.vars), data.results.bindings);
            var n = data.results.bindings.length;
            note = n.toLocaleString("en") + (n === 1 ? " row" : " rows");
          }
        }
        if (response.headers.get("X-KGQA-Truncated") === "true") {
          note += " (cut at the row cap of " + response.headers.get("X-KGQA-Row-Cap") + ")";
        }
        sparqlStatus.textContent = note + " in " + ms + " ms.";
        resultsTable.setAttribute("data-state", "done");
      });
    }).catch(function (err) {
      showTable([], []);
      clear($("downloads"));
      showError(err.message, query);
      resultsTable.setAttribute("data-state", "error");
    }).then(function () { resultsTable.setAttribute("aria-busy", "false"); });
  }

  function download(spec) {
    var file = "kgqa-results." + spec[2];
    sparqlStatus.className = "status";
    sparqlStatus.textContent = "Preparing " + file + "…";
    return postQuery(editor.getValue(), spec[1]).then(function (response) {
      if (!response.ok) return response.text().then(function (body) { throw new Error(errorOf(response, body)); });
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el("a", { href: url, download: file, hidden: true });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        sparqlStatus.textContent = "Downloaded " + file + ".";
      });
    }).catch(function (err) {
      sparqlStatus.className = "status error";
      sparqlStatus.textContent = "The download failed: " + err.message;
    });
  }

  $("sparql-run").addEventListener("click", function () { runQuery(); });

  // ------------------------------------------------------------------------------------ graph controls

  $("find-form").addEventListener("submit", function (e) { e.preventDefault(); find($("find-input").value); });
  $("relation-filter").addEventListener("change", function () { applyFilter(); });
  $("show-all").addEventListener("click", function () {
    $("relation-filter").value = "";
    closeDetails();
    loadGraph("/api/graph?limit=" + FIRST_VIEW);
  });
  $("fit").addEventListener("click", fitVisible);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (cy) { cy.resize(); declutter(); } }, 150);
  });

  // ------------------------------------------------------------------------- the address, restored

  /** Bring the page to the state in the address (on load, and on Back / Forward). */
  function restore(state, first) {
    if (state.q && state.q !== askInput.value) ask(state.q, false);
    else if (!state.q && !first) {
      askInput.value = "";
      wide(false);
      clear(answerBox).appendChild(el("p", { class: "placeholder" }, "Answers come from the notes only, with the sentences that say so."));
      answerBox.removeAttribute("data-kind");
      $("evidence-block").hidden = true;
      $("answer-sparql").hidden = true;
      highlighted = null;
      applyHighlight(false);
    }
    if (state.sparql && state.sparql !== editor.getValue()) {
      editor.setValue(state.sparql);
      runQuery(false);
    } else if (state.sparql && first) {
      runQuery(false);
    }
    if (state.entity && details.getAttribute("data-entity") !== state.entity) focusEntity(state.entity, false);
    else if (!state.entity && !details.hidden) closeDetails();
  }

  window.addEventListener("popstate", function () { restore(addressState(), false); });

  showHistory();
  var initial = addressState();
  if (initial.sparql) editor.setValue(initial.sparql);
  var graphReady = window.cytoscape ? loadGraph("/api/graph?limit=" + FIRST_VIEW) : Promise.resolve();
  if (!window.cytoscape) graphStatus.textContent = "The graph library did not load.";
  graphReady.then(function () { restore(initial, true); });

  window.kgqa = {
    ask: ask, find: find, focusEntity: focusEntity, runQuery: runQuery, editor: editor,
    cy: function () { return cy; }, labelBoxes: shownLabelBoxes, declutter: declutter
  };
})();
