"""The JSON API: health, questions, entities with their facts and evidence, comparison, paths, a
Cytoscape.js view of the graph, exports and the OpenAPI description of all of it."""

from io import BytesIO
from itertools import pairwise
from typing import Any

import networkx as nx
from flask import Blueprint, Response, current_app, jsonify, request

from kg.errors import BadQuery
from kg.facts import EntityRecord, FactRecord
from kg.paths import edges_between, neighbourhood, shortest_paths
from kg.sparql import content_type
from kg.stores import serialize
from service.graphview import positions, top
from service.state import State, state
from service.vocabulary import term, vocabulary

bp = Blueprint("api", __name__)

EXPORTS = {  # format parameter -> (rdflib serializer, media type); graphml is written by networkx
    "ttl": ("turtle", "text/turtle"),
    "nt": ("nt", "application/n-triples"),
    "trig": ("trig", "application/trig"),
    "jsonld": ("json-ld", "application/ld+json"),
    "graphml": ("graphml", "application/graphml+xml"),
}
SHARED_FIELDS = ("predicate", "term", "predicate_label", "object", "object_label", "object_is_entity")
MAX_LIMIT = 1000
MAX_PATHS = 10


# ------------------------------------------------------------------------------------------ parameters


def text_param(name: str) -> str:
    """A required, non-blank query parameter."""
    value = request.args.get(name, "")
    if not value.strip():
        raise BadQuery(f"parameter {name!r} is required")
    return value


def int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"parameter {name!r} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise BadQuery(f"parameter {name!r} must be from {low} to {high}, not {value}")
    return value


# --------------------------------------------------------------------------------------------- shapes


def entity_json(ent: EntityRecord) -> dict[str, Any]:
    return {"id": ent.key, "iri": ent.iri, "label": ent.label, "type": ent.type, "aliases": list(ent.aliases)}


def fact_json(st: State, fact: FactRecord) -> dict[str, Any]:
    subject = st.snapshot.entities.get(fact.subject)
    obj = st.snapshot.entities.get(fact.object) if fact.object_is_entity else None
    return {
        "subject": subject.key if subject else fact.subject,
        "subject_label": subject.label if subject else fact.subject,
        "predicate": fact.predicate,
        "term": term(fact.predicate),
        "predicate_label": st.snapshot.ontology.label(fact.predicate),
        "object": obj.key if obj else fact.object,
        "object_label": obj.label if obj else fact.object,
        "object_is_entity": fact.object_is_entity,
        "support": fact.support,
        "confidence": st.snapshot.confidence(fact),
        "contradicted": (fact.subject, fact.predicate, fact.object) in st.snapshot.beaten,
        "sources": fact.sources,
        "evidence": fact.evidence,
    }


def node_key(st: State, iri: str) -> str:
    ent = st.snapshot.entities.get(iri)
    return ent.key if ent else iri


# ------------------------------------------------------------------------------------------ endpoints


@bp.get("/healthz")
def healthz() -> Response:
    return Response(state().health_json, content_type="application/json")


@bp.route("/api/ask", methods=["GET", "POST"])
def ask() -> Response:
    question = request.values.get("q")
    if question is None and request.method == "POST":
        body = request.get_json(silent=True)
        question = body.get("q") if isinstance(body, dict) else None
    if not isinstance(question, str) or not question.strip():
        raise BadQuery("parameter 'q' (the question) is required")
    limit = current_app.config["MAX_QUESTION"]
    if len(question) > limit:
        raise BadQuery(f"the question is longer than {limit} characters")
    return Response(state().answer_json(question), content_type="application/json")


@bp.get("/api/entities")
def entities() -> Response:
    """Entities whose label or alias is, starts with or contains q (in that order), or whose key starts
    with it; every entity when q is empty."""
    needle = request.args.get("q", "").strip().lower()
    limit = int_param("limit", 50, 1, MAX_LIMIT)
    ranked = []
    for ent in state().snapshot.entities.values():
        names = [ent.label.lower(), *(a.lower() for a in ent.aliases)]
        if not needle or needle in names or needle == ent.key:
            rank = 0
        elif ent.key.startswith(needle) or any(n.startswith(needle) for n in names):
            rank = 1
        elif any(needle in n for n in names):
            rank = 2
        else:
            continue
        ranked.append((rank, ent.label.lower(), ent.key, ent))
    ranked.sort(key=lambda r: r[:3])
    return jsonify(query=needle, entities=[entity_json(r[3]) for r in ranked[:limit]])


@bp.get("/api/entities/<ident>")
def entity(ident: str) -> Response:
    st = state()
    ent = st.entity(ident, "id")
    return jsonify(
        entity=entity_json(ent),
        facts_out=[fact_json(st, f) for f in st.facts_out.get(ent.iri, [])],
        facts_in=[fact_json(st, f) for f in st.facts_in.get(ent.iri, [])],
    )


@bp.get("/api/compare")
def compare() -> Response:
    """What two entities share (same relation to the same thing), what only one has, and how they link."""
    st = state()
    a, b = st.entity(text_param("a"), "a"), st.entity(text_param("b"), "b")
    facts_a, facts_b = st.facts_out.get(a.iri, []), st.facts_out.get(b.iri, [])
    common = {(f.predicate, f.object) for f in facts_a} & {(f.predicate, f.object) for f in facts_b}
    shared = [f for f in facts_a if (f.predicate, f.object) in common]
    return jsonify(
        a=entity_json(a),
        b=entity_json(b),
        shared=[{key: value for key, value in fact_json(st, f).items() if key in SHARED_FIELDS} for f in shared],
        only_a=[fact_json(st, f) for f in facts_a if (f.predicate, f.object) not in common],
        only_b=[fact_json(st, f) for f in facts_b if (f.predicate, f.object) not in common],
        between=[fact_json(st, f) for f in facts_a if f.object == b.iri]
        + [fact_json(st, f) for f in facts_b if f.object == a.iri],
    )


@bp.get("/api/path")
def path() -> Response:
    """The shortest paths between two entities (edges followed either way), with the edges on each step."""
    st = state()
    source, target = st.entity(text_param("from"), "from"), st.entity(text_param("to"), "to")
    g = st.snapshot.nx
    found = []
    for nodes in shortest_paths(g, source.iri, target.iri, limit=int_param("limit", 3, 1, MAX_PATHS)):
        edges = [
            {
                "source": node_key(st, s),
                "predicate": p,
                "term": term(p),
                "target": node_key(st, o),
                "support": g.edges[s, o, p]["support"],
            }
            for u, v in pairwise(nodes)
            for s, p, o in sorted(set(edges_between(g, u, v)))
        ]
        found.append({"nodes": [entity_json(st.snapshot.entities[n]) for n in nodes], "edges": edges})
    return jsonify({"from": entity_json(source), "to": entity_json(target), "paths": found})


@bp.get("/api/graph")
def graph() -> Response:
    """Cytoscape.js elements: the whole graph (or its `limit` most connected entities), or the neighbourhood
    of `focus` to `depth` hops, with only the `relations` given (comma-separated) if any. Every node carries
    its place in the graph's one fixed layout; `total` counts what the request would show without `limit`."""
    st = state()
    whole = st.snapshot.nx
    g = whole
    depth = int_param("depth", 1, 0, current_app.config["MAX_DEPTH"])
    limit = int_param("limit", 0, 0, 1_000_000)  # 0: no limit
    wanted = {r.strip() for r in request.args.get("relations", "").split(",") if r.strip()}
    if wanted:
        known = {d["predicate"] for _, _, d in g.edges(data=True)} | set(st.snapshot.ontology.labels)
        if unknown := sorted(wanted - known):
            raise BadQuery(f"unknown relations: {', '.join(unknown)}")
        kept = nx.MultiDiGraph()
        kept.add_nodes_from(g.nodes(data=True))
        kept.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if d["predicate"] in wanted)
        g = kept
    if "focus" in request.args:
        g = neighbourhood(g, st.entity(text_param("focus"), "focus").iri, depth)
    elif wanted:
        g = g.subgraph([n for n in g if g.degree(n)])
    total = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    if limit and g.number_of_nodes() > limit:
        g = top(g, limit)
    placed = positions(whole)
    nodes = [
        {
            "data": {"id": node_key(st, n), "label": d["label"], "type": d["type"], "support": d["support"],
                     "degree": whole.degree(n)},
            "position": {"x": placed[n][0], "y": placed[n][1]},
        }
        for n, d in g.nodes(data=True)
    ]  # fmt: skip
    edges = [
        {
            "data": {
                "id": f"{node_key(st, u)}|{d['predicate']}|{node_key(st, v)}",
                "source": node_key(st, u),
                "target": node_key(st, v),
                "predicate": d["predicate"],
                "term": term(d["predicate"]),
                "label": st.snapshot.ontology.label(d["predicate"]),
                "support": d["support"],
            }
        }
        for u, v, d in g.edges(data=True)
    ]
    return jsonify(
        nodes=sorted(nodes, key=lambda e: e["data"]["id"]),
        edges=sorted(edges, key=lambda e: e["data"]["id"]),
        total=total,
    )


@bp.get("/api/vocabulary")
def vocabulary_json() -> Response:
    """The graph's prefixes, classes and predicates (for completion in the SPARQL editor)."""
    return jsonify(vocabulary(state().snapshot))


@bp.get("/api/export")
def export() -> Response:
    st = state()
    fmt = request.args.get("format", "ttl")
    if fmt not in EXPORTS:
        raise BadQuery(f"format must be one of {', '.join(EXPORTS)}, not {fmt!r}")
    if fmt not in st.exports:  # the graph does not change while the service runs
        st.exports[fmt] = export_body(st, fmt)
    response = Response(st.exports[fmt], content_type=content_type(EXPORTS[fmt][1]))
    response.headers["Content-Disposition"] = f'attachment; filename="kgqa-graph.{fmt}"'
    return response


def export_body(st: State, fmt: str) -> bytes:
    serializer = EXPORTS[fmt][0]
    if fmt == "graphml":
        out = BytesIO()
        nx.write_graphml(st.snapshot.nx, out)
        return out.getvalue()
    return serialize(st.store, serializer)


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    from service.openapi import spec  # it reads this module's tables

    return jsonify(spec(current_app.config))
