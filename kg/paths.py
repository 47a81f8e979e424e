"""The graph as networkx, for paths and neighbourhoods: entities are nodes, entity-to-entity facts edges."""

import weakref
from collections.abc import Iterable

import networkx as nx

from kg.errors import BadQuery, NotFound
from kg.facts import EntityRecord, FactRecord


def project(entities: dict[str, EntityRecord], facts: Iterable[FactRecord]) -> nx.MultiDiGraph:
    """Nodes carry label, type and support; edges carry the predicate and support (number of sources)."""
    g = nx.MultiDiGraph()
    for iri, ent in sorted(entities.items()):  # a fixed node order: the same shortest path every time
        g.add_node(iri, label=ent.label, type=ent.type, support=0)
    for fact in facts:
        if fact.object_is_entity and fact.subject in g and fact.object in g:
            g.add_edge(fact.subject, fact.object, key=fact.predicate, predicate=fact.predicate, support=fact.support)
            for node in (fact.subject, fact.object):
                g.nodes[node]["support"] += fact.support
    return g


def neighbourhood(g: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The subgraph within `depth` hops of `node`, edges followed in both directions."""
    if node not in g:
        raise NotFound(f"no entity {node!r} in the graph")
    if depth < 0:
        raise BadQuery(f"depth must be 0 or more, not {depth}")
    reach = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), node, cutoff=depth)
    return g.subgraph(reach).copy()


def shortest_paths(g: nx.MultiDiGraph, source: str, target: str, *, limit: int = 3) -> list[list[str]]:
    """Up to `limit` shortest node paths from source to target, edges followed in either direction."""
    for name, node in (("source", source), ("target", target)):
        if node not in g:
            raise NotFound(f"no {name} entity {node!r} in the graph")
    und = undirected(g)
    try:
        found = []
        for path in nx.all_shortest_paths(und, source, target):
            found.append(path)
            if len(found) >= limit:
                break
        return found
    except nx.NetworkXNoPath:
        return []


_UNDIRECTED: "weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[int, int, nx.Graph]]" = weakref.WeakKeyDictionary()


def undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """`g` as a simple undirected graph, made once per graph (again if its size changed), not per path asked."""
    size = (g.number_of_nodes(), g.number_of_edges())
    kept = _UNDIRECTED.get(g)
    if kept is None or kept[:2] != size:
        kept = (*size, nx.Graph(g.to_undirected(as_view=True)))
        _UNDIRECTED[g] = kept
    return kept[2]


def edges_between(g: nx.MultiDiGraph, a: str, b: str) -> list[tuple[str, str, str]]:
    """(subject, predicate, object) of every edge joining a and b, in either direction."""
    out = [(a, d["predicate"], b) for d in g.get_edge_data(a, b, default={}).values()]
    out += [(b, d["predicate"], a) for d in g.get_edge_data(b, a, default={}).values()]
    return out
