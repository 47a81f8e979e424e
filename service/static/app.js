/* kgqa web page: the Ask, Graph and SPARQL panels. Plain JavaScript, no build step; every request goes to
   this server (the JSON API under /api, the SPARQL endpoint at /sparql). */
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

  function getJSON(url, options) {
    return fetch(url, options).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(errorOf(response, body));
        return JSON.parse(body);
      });
    });
  }

  function keyOfIri(iri) { return String(iri).replace(/^.*\//, ""); }
  function predicateText(p) { return String(p).replace(/_/g, " "); }

  // --------------------------------------------------------------------------------------- the header

  getJSON("/healthz").then(function (h) {
    $("stats").textContent = h.entities + " entities · " + h.facts + " facts · " + h.triples + " triples";
  }).catch(function () { /* the page works without the numbers */ });

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
  var typesShown = {};

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
  var graphStatus = $("graph-status");

  if (window.cytoscape && window.cytoscapeFcose) window.cytoscape.use(window.cytoscapeFcose);

  var STYLE = [
    { selector: "node", style: {
      "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
      "label": "data(label)", "font-size": 13, "color": "#1f2933", "text-valign": "bottom", "text-margin-y": 3,
      "text-wrap": "wrap", "text-max-width": 110, "text-outline-color": "#fff", "text-outline-width": 2,
      "border-width": 1, "border-color": "#fff", "min-zoomed-font-size": 6 } },
    { selector: "edge", style: {
      "width": "data(width)", "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
      "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier",
      "label": "data(plabel)", "font-size": 8, "color": "#52606d", "text-rotation": "autorotate",
      "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1,
      "min-zoomed-font-size": 7 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
    { selector: ".faded", style: { "opacity": 0.18 } },
    { selector: "node.hl", style: { "border-width": 5, "border-color": "#d62728", "font-weight": "bold", "z-index": 10 } },
    { selector: "edge.hl", style: {
      "line-color": "#d62728", "target-arrow-color": "#d62728", "width": 4, "color": "#a61b1b",
      "font-weight": "bold", "z-index": 10, "min-zoomed-font-size": 0 } },
    { selector: ".hidden", style: { "display": "none" } }
  ];

  /** Cytoscape elements from /api/graph, with colour, size and edge label data added. */
  function prepare(data) {
    var supports = data.nodes.map(function (n) { return n.data.support || 1; });
    var low = Math.min.apply(null, supports.concat([1])), high = Math.max.apply(null, supports.concat([1]));
    data.nodes.forEach(function (n) {
      var d = n.data, share = high > low ? ((d.support || 1) - low) / (high - low) : 0;
      d.colour = colourOf(d.type);
      typesShown[d.type] = true;
      d.size = Math.round(16 + 44 * Math.sqrt(share));
      labels[String(d.label).toLowerCase()] = d.id;
    });
    data.edges.forEach(function (e) {
      e.data.plabel = predicateText(e.data.predicate);
      e.data.width = Math.min(1 + (e.data.support || 1) * 0.6, 5);
    });
    return data.nodes.concat(data.edges);
  }

  function layout(animate) {
    var options = window.cytoscapeFcose
      ? { name: "fcose", quality: "proof", randomize: !animate, animate: !!animate, animationDuration: 400,
          nodeRepulsion: 30000, idealEdgeLength: 110, nodeSeparation: 120, packComponents: true, padding: 20 }
      : { name: "cose", animate: false, padding: 20, nodeRepulsion: 12000, idealEdgeLength: 90 };
    var run = cy.elements(":visible").layout(options);
    var done = new Promise(function (resolve) { run.one("layoutstop", resolve); });
    run.run();
    return done;
  }

  function loadGraph(url, replace) {
    graphStatus.textContent = "Loading the graph…";
    return getJSON(url).then(function (data) {
      var elements = prepare(data);
      if (!cy) {
        cy = window.cytoscape({
          container: $("graph"), elements: elements, style: STYLE, wheelSensitivity: 0.3,
          minZoom: 0.1, maxZoom: 4, boxSelectionEnabled: false
        });
        cy.on("tap", "node", function (evt) { showDetails(evt.target.id()); });
        cy.on("dbltap", "node", function (evt) { expand(evt.target.id()); });
      } else if (replace) {
        cy.elements().remove();
        cy.add(elements);
      } else {
        cy.add(elements.filter(function (e) { return cy.getElementById(e.data.id).empty(); }));
      }
      fillRelations(data.edges);
      drawLegend();
      applyFilter();
      applyHighlight();
      return layout(!replace).then(function () {
        cy.fit(cy.elements(":visible"), 20);
        graphStatus.textContent = cy.nodes(":visible").length + " entities and " +
          cy.edges(":visible").length + " relations shown. Click an entity for its facts; double-click to expand it.";
        document.body.setAttribute("data-graph-ready", "true");
      });
    }).catch(function (err) {
      graphStatus.textContent = "The graph could not be loaded: " + err.message;
    });
  }

  function fillRelations(edges) {
    var select = $("relation-filter"), have = {};
    Array.prototype.forEach.call(select.options, function (o) { have[o.value] = true; });
    var found = {};
    edges.forEach(function (e) { found[e.data.predicate] = true; });
    Object.keys(found).sort().forEach(function (p) {
      if (!have[p]) select.appendChild(el("option", { value: p, text: predicateText(p) }));
    });
    var datalist = $("entity-names");
    clear(datalist);
    cy.nodes().map(function (n) { return n.data("label"); }).sort().forEach(function (label) {
      datalist.appendChild(el("option", { value: label }));
    });
  }

  /** Show only the edges of the chosen relation, and the entities they join. */
  function applyFilter() {
    if (!cy) return;
    var wanted = $("relation-filter").value;
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
  }

  function drawLegend() {
    var legend = clear($("legend"));
    Object.keys(typesShown).sort().forEach(function (type) {
      legend.appendChild(el("span", { class: "key" },
        el("span", { class: "swatch", style: "background:" + TYPE_COLOURS[type], "aria-hidden": "true" }),
        typeText(type)));
    });
    legend.appendChild(el("span", { class: "key" }, "size = how many notes support it"));
  }

  /** Add the neighbourhood of an entity to the graph. */
  function expand(id) {
    return loadGraph("/api/graph?focus=" + encodeURIComponent(id) + "&depth=" + $("depth").value, false);
  }

  /** Replace the graph by the neighbourhood of an entity. */
  function focusOnly(id) {
    return loadGraph("/api/graph?focus=" + encodeURIComponent(id) + "&depth=" + $("depth").value, true)
      .then(function () { select(id); });
  }

  function select(id) {
    if (!cy) return;
    var node = cy.getElementById(id);
    if (node.empty()) return;
    cy.nodes().unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: 300 });
  }

  /** Find an entity by name: in the graph, else through /api/entities; focus it and show its details. */
  function find(text) {
    var needle = text.trim().toLowerCase();
    if (!needle) return;
    var id = labels[needle];
    var found = id ? Promise.resolve(id) : getJSON("/api/entities?limit=1&q=" + encodeURIComponent(needle))
      .then(function (d) { return d.entities.length ? d.entities[0].id : null; });
    found.then(function (key) {
      if (!key) { graphStatus.textContent = "No entity is called “" + text + "”."; return; }
      var present = cy && !cy.getElementById(key).empty();
      (present ? Promise.resolve() : expand(key)).then(function () {
        if ($("relation-filter").value) { $("relation-filter").value = ""; applyFilter(); }
        select(key);
        showDetails(key);
      });
    }).catch(function (err) { graphStatus.textContent = err.message; });
  }

  // ------------------------------------------------------------------------------- the details panel

  var details = $("details"), detailsBody = $("details-body"), lastFocus = null;

  function showDetails(id) {
    lastFocus = document.activeElement;
    details.hidden = false;
    $("details-title").textContent = "Loading…";
    clear(detailsBody);
    return getJSON("/api/entities/" + encodeURIComponent(id)).then(function (d) {
      var ent = d.entity;
      $("details-title").textContent = ent.label;
      select(ent.id);
      append(detailsBody, [
        el("p", { class: "meta" },
          el("span", { class: "swatch", style: "background:" + colourOf(ent.type), "aria-hidden": "true" }),
          typeText(ent.type),
          ent.aliases.length ? " · also called " + ent.aliases.join(", ") : ""),
        el("div", { class: "actions" },
          el("button", { type: "button", onclick: function () { expand(ent.id); } }, "Expand neighbourhood"),
          el("button", { type: "button", onclick: function () { focusOnly(ent.id); } }, "Show only this"),
          el("button", { type: "button", onclick: function () { ask("what is " + ent.label); } }, "Ask about it")),
        factList("Facts about " + ent.label, d.facts_out, "object", "object_label"),
        factList("Facts pointing to " + ent.label, d.facts_in, "subject", "subject_label")
      ]);
      details.setAttribute("data-entity", ent.id);
      details.focus();
    }).catch(function (err) {
      $("details-title").textContent = "Not found";
      detailsBody.appendChild(el("p", { class: "error", role: "alert" }, err.message));
    });
  }

  function factList(title, facts, otherKey, otherLabel) {
    if (!facts.length) return null;
    return el("section", { class: "facts" },
      el("h4", {}, title + " (" + facts.length + ")"),
      el("ul", { class: "fact-list", "data-testid": "facts" }, facts.map(function (f) {
        var other = f.object_is_entity || otherKey === "subject"
          ? el("button", { type: "button", class: "link", onclick: function () { find(f[otherLabel]); } }, f[otherLabel])
          : el("span", { class: "value" }, f[otherLabel]);
        var head = otherKey === "object"
          ? [el("span", { class: "pred" }, f.predicate_label), " ", other]
          : [other, " ", el("span", { class: "pred" }, f.predicate_label)];
        return el("li", { class: "fact" },
          el("div", {}, head, el("span", { class: "support", title: "notes that state it" }, " ×" + f.support)),
          evidenceDetails(f.evidence));
      })));
  }

  function evidenceDetails(evidence) {
    if (!evidence || !evidence.length) return null;
    return el("details", { class: "fact-evidence" },
      el("summary", {}, evidence.length === 1 ? "1 sentence" : evidence.length + " sentences"),
      el("ul", {}, evidence.map(function (ev) { return evidenceItem(ev, "li"); })));
  }

  function evidenceItem(ev, tag) {
    return el(tag, { class: "ev" },
      el("span", { class: "src" }, ev.source + ":" + ev.line),
      ev.section ? el("span", { class: "section" }, ev.section) : null,
      el("q", {}, String(ev.text).trim()));
  }

  function closeDetails() {
    details.hidden = true;
    details.removeAttribute("data-entity");
    if (lastFocus && lastFocus.focus && document.body.contains(lastFocus)) lastFocus.focus();
  }

  $("details-close").addEventListener("click", closeDetails);
  details.addEventListener("keydown", function (e) { if (e.key === "Escape") closeDetails(); });

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
    var missing = highlighted && cy && highlighted.nodes.some(function (id) { return cy.getElementById(id).empty(); });
    if (missing) loadGraph("/api/graph", true); else applyHighlight();
  }

  function applyHighlight() {
    $("clear-highlight").disabled = !highlighted;
    if (!cy) return;
    cy.batch(function () {
      cy.elements().removeClass("hl faded");
      if (!highlighted) return;
      highlighted.nodes.forEach(function (id) { cy.getElementById(id).addClass("hl"); });
      highlighted.edges.forEach(function (id) { cy.getElementById(id).addClass("hl"); });
      // Edges between two highlighted entities that the answer's facts name under another direction.
      cy.elements().not(".hl").addClass("faded");
    });
    var hl = cy.nodes(".hl");
    if (hl.nonempty()) fitTo(hl.union(cy.edges(".hl")), 60);
  }

  /** Fit the view to some elements, zooming in no further than makes them comfortable to read. */
  function fitTo(eles, padding) {
    var max = cy.maxZoom();
    cy.maxZoom(1.4);
    cy.animate({ fit: { eles: eles, padding: padding } }, {
      duration: 400, complete: function () { cy.maxZoom(max); }
    });
  }

  $("clear-highlight").addEventListener("click", function () {
    highlighted = null;
    applyHighlight();
    if (cy) cy.fit(cy.elements(":visible"), 20);
  });

  // ------------------------------------------------------------------------------------------ asking

  var answerBox = $("answer"), askInput = $("ask-input");

  function ask(question) {
    question = String(question || "").trim();
    if (!question) return Promise.resolve();
    askInput.value = question;
    answerBox.setAttribute("aria-busy", "true");
    clear(answerBox).appendChild(el("p", { class: "placeholder" }, "Looking in the notes…"));
    return getJSON("/api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ q: question })
    }).then(function (d) {
      renderAnswer(d);
      highlightAnswer(d);
    }).catch(function (err) {
      clear(answerBox).appendChild(el("p", { class: "error", role: "alert" }, "The question could not be asked: " + err.message));
      $("evidence-block").hidden = true;
      $("answer-sparql").hidden = true;
    }).then(function () { answerBox.setAttribute("aria-busy", "false"); });
  }

  function renderAnswer(d) {
    clear(answerBox);
    answerBox.setAttribute("data-kind", d.kind);
    answerBox.setAttribute("data-answered", String(d.answered));
    var head = el("p", { class: "answer-meta" },
      el("span", { class: "badge " + (d.answered ? "ok" : "no") }, d.answered ? "answered" : "not in the notes"),
      el("span", { class: "badge kind" }, predicateText(d.kind)));
    answerBox.appendChild(head);
    if (!d.answered) {
      answerBox.appendChild(el("p", { class: "abstain" }, d.answer));
      if (d.suggestions && d.suggestions.length) {
        answerBox.appendChild(el("p", { class: "hint" }, "The notes do know about:"));
        answerBox.appendChild(el("ul", { class: "suggestions", "data-testid": "suggestions" },
          d.suggestions.map(function (s) {
            return el("li", {}, el("button", { type: "button", class: "chip", onclick: function () { ask(s); } }, s));
          })));
      }
    } else if (d.kind === "comparison" && d.comparison) {
      answerBox.appendChild(comparisonTable(d.comparison));
      var text = el("details", { class: "as-text" }, el("summary", {}, "The answer as text"), el("p", {}, d.answer));
      answerBox.appendChild(text);
    } else {
      answerBox.appendChild(el("p", { class: "answer-text" }, d.answer));
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
    ["Everything about AWS Lambda (CONSTRUCT)",
      "CONSTRUCT { ent:aws-lambda ?p ?o }\nWHERE { ent:aws-lambda ?p ?o }"]
  ];
  var PREFIXES = [
    ["kg:", "https://kgqa.example/ontology#"], ["ent:", "https://kgqa.example/entity/"],
    ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"], ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
    ["skos:", "http://www.w3.org/2004/02/skos/core#"], ["owl:", "http://www.w3.org/2002/07/owl#"],
    ["xsd:", "http://www.w3.org/2001/XMLSchema#"]
  ];
  var RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
  var DOWNLOADS = {
    csv: { accept: "text/csv", file: "kgqa-results.csv" },
    json: { accept: "application/sparql-results+json, application/ld+json;q=0.9", file: "kgqa-results.json" }
  };

  var sparqlStatus = $("sparql-status"), resultsTable = $("sparql-results");
  var exampleSelect = $("sparql-example");
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
      "Tab": false,          // Tab leaves the editor, as everywhere else on the page
      "Shift-Tab": false
    }
  });
  editor.setValue(EXAMPLES[0][1]);
  exampleSelect.addEventListener("change", function () { editor.setValue(EXAMPLES[+exampleSelect.value][1]); });

  function short(iri) {
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][1]) === 0) return PREFIXES[i][0] + iri.slice(PREFIXES[i][1].length);
    }
    return iri;
  }

  function postQuery(accept) {
    return fetch("/sparql", {
      method: "POST",
      headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: editor.getValue() }).toString()
    });
  }

  function termCell(term) {
    if (!term) return el("td", { class: "none" }, "");
    if (term.type === "uri") return el("td", { class: "uri", title: term.value }, short(term.value));
    if (term.type === "bnode") return el("td", { class: "bnode" }, "_:" + term.value);
    return el("td", { class: "literal", title: term.datatype ? short(term.datatype) : (term["xml:lang"] || null) }, term.value);
  }

  /** One N-Triples term as a SPARQL JSON term (enough for showing it). */
  function ntTerm(text) {
    if (text[0] === "<") return { type: "uri", value: text.slice(1, -1) };
    if (text.slice(0, 2) === "_:") return { type: "bnode", value: text.slice(2) };
    var m = /^"((?:[^"\\]|\\.)*)"(?:\^\^<([^>]*)>|@([\w-]+))?$/.exec(text);
    if (!m) return { type: "literal", value: text };
    var value = m[1].replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, function (_, c) {
      if (c[0] === "u" || c[0] === "U") return String.fromCodePoint(parseInt(c.slice(1), 16));
      return { n: "\n", r: "\r", t: "\t" }[c] || c;
    });
    return { type: "literal", value: value, datatype: m[2] };
  }

  function parseNTriples(body) {
    var term = /<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[\w-]+)?/g;
    return body.split("\n").filter(function (l) { return l.trim() && l.trim()[0] !== "#"; }).map(function (line) {
      var parts = line.match(term) || [];
      return { subject: ntTerm(parts[0] || ""), predicate: ntTerm(parts[1] || ""), object: ntTerm(parts[2] || "") };
    });
  }

  function showTable(vars, rows) {
    var thead = resultsTable.tHead, tbody = resultsTable.tBodies[0];
    clear(thead).appendChild(el("tr", {}, vars.map(function (v) { return el("th", { scope: "col" }, v); })));
    clear(tbody);
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      fragment.appendChild(el("tr", {}, vars.map(function (v) { return termCell(row[v]); })));
    });
    tbody.appendChild(fragment);
  }

  function runQuery() {
    var started = performance.now();
    sparqlStatus.className = "status";
    sparqlStatus.textContent = "Running…";
    resultsTable.setAttribute("aria-busy", "true");
    return postQuery(RESULTS_ACCEPT).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(errorOf(response, body));
        var type = (response.headers.get("Content-Type") || "").split(";")[0];
        var ms = Math.round(performance.now() - started), note;
        if (type === "application/n-triples") {
          var triples = parseNTriples(body);
          showTable(["subject", "predicate", "object"], triples);
          note = triples.length + " triples";
        } else {
          var data = JSON.parse(body);
          if (typeof data.boolean === "boolean") {
            showTable(["boolean"], [{ boolean: { type: "literal", value: String(data.boolean) } }]);
            note = "ASK: " + data.boolean;
          } else {
            showTable(data.head.vars, data.results.bindings);
            note = data.results.bindings.length + (data.results.bindings.length === 1 ? " row" : " rows");
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
      sparqlStatus.className = "status error";
      sparqlStatus.textContent = "The query failed: " + err.message;
      resultsTable.setAttribute("data-state", "error");
    }).then(function () { resultsTable.setAttribute("aria-busy", "false"); });
  }

  function download(kind) {
    var spec = DOWNLOADS[kind];
    sparqlStatus.className = "status";
    sparqlStatus.textContent = "Preparing the " + kind.toUpperCase() + " file…";
    return postQuery(spec.accept).then(function (response) {
      if (!response.ok) return response.text().then(function (body) { throw new Error(errorOf(response, body)); });
      var type = (response.headers.get("Content-Type") || "").split(";")[0];
      var file = type === "application/ld+json" ? "kgqa-results.jsonld" : spec.file;
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
  $("download-csv").addEventListener("click", function () { download("csv"); });
  $("download-json").addEventListener("click", function () { download("json"); });

  // ------------------------------------------------------------------------------------ graph controls

  $("find-form").addEventListener("submit", function (e) { e.preventDefault(); find($("find-input").value); });
  $("relation-filter").addEventListener("change", function () {
    applyFilter();
    if (cy) cy.fit(cy.elements(":visible"), 20);
  });
  $("show-all").addEventListener("click", function () { $("relation-filter").value = ""; loadGraph("/api/graph", true); });
  $("fit").addEventListener("click", function () { if (cy) cy.fit(cy.elements(":visible"), 20); });

  if (window.cytoscape) loadGraph("/api/graph", true);
  else graphStatus.textContent = "The graph library did not load.";

  // A question in the address (?q=...) is asked on load, so that answers can be linked to.
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) ask(initial);

  window.kgqa = { ask: ask, find: find, runQuery: runQuery, editor: editor, cy: function () { return cy; } };
})();
