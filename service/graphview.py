"""What the page draws of the graph: a fixed layout computed once per graph (so a reload or a filter keeps
every entity where it was) and the most connected entities for a first view of a large graph."""

import math
import threading
import zlib

import networkx as nx

LAYOUT_SEED = 7
LAYOUT_MAX = 1500  # entities laid out by force; the rest (large graphs only) sit on a spiral around them
SPACING = 90.0  # pixels per sqrt(entity): the drawing grows with the graph, the density stays the same

_lock = threading.Lock()
_cache: dict[int, tuple[nx.MultiDiGraph, dict[str, tuple[float, float]]]] = {}


def ranked(g: nx.MultiDiGraph) -> list[str]:
    """Entities, the most connected first (ties by IRI, so the order is fixed)."""
    return sorted(g, key=lambda n: (-g.degree(n), n))


EDGES_PER_NODE = 4  # a first view draws at most this many relations per entity, the best supported


def top(g: nx.MultiDiGraph, limit: int) -> nx.MultiDiGraph:
    """The `limit` most connected entities and the best supported relations among them (dense graphs have
    far more relations among their hubs than a page can draw)."""
    core = g.subgraph(ranked(g)[:limit])
    edges = sorted(core.edges(keys=True, data=True), key=lambda e: (-e[3]["support"], e[0], e[1], e[2]))
    kept = nx.MultiDiGraph()
    kept.add_nodes_from(core.nodes(data=True))
    kept.add_edges_from(edges[: limit * EDGES_PER_NODE])
    return kept


def positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Pixel positions of every entity of `g`, computed on first use and kept while `g` lives."""
    with _lock:
        cached = _cache.get(id(g))
        if cached and cached[0] is g:
            return cached[1]
    found = layout(g)
    with _lock:
        _cache.clear()  # one graph per process
        _cache[id(g)] = (g, found)
    return found


def layout(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A seeded force-directed layout of the most connected LAYOUT_MAX entities (deterministic: the same graph
    gives the same drawing); any others on a spiral outside it, in rank order."""
    order = ranked(g)
    core = nx.Graph(g.subgraph(order[:LAYOUT_MAX]).to_undirected())
    if not core:
        return {}
    scale = SPACING * math.sqrt(len(core))
    if len(core) == 1:
        placed = {order[0]: (0.0, 0.0)}
    else:
        raw = nx.spring_layout(core, seed=LAYOUT_SEED, k=1.6 / math.sqrt(len(core)), iterations=60)
        placed = {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in raw.items()}
    for i, node in enumerate(order[LAYOUT_MAX:]):
        angle = i * 2.399963 + (zlib.crc32(node.encode()) % 100) / 1000  # the golden angle
        radius = scale * 1.15 + SPACING * math.sqrt(i + 1) * 0.5
        placed[node] = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
    return placed
