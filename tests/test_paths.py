"""kg.paths: shortest paths either way along edges, over an undirected copy made once per graph."""

import networkx as nx
import pytest

from kg.paths import shortest_paths, undirected


def graph(*edges: tuple[str, str]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for s, o in edges:
        g.add_edge(s, o, key="p", predicate="p", support=1)
    return g


@pytest.mark.parametrize(
    ("edges", "source", "target", "paths"),
    [
        ([("a", "b"), ("b", "c")], "a", "c", [["a", "b", "c"]]),
        ([("b", "a"), ("c", "b")], "a", "c", [["a", "b", "c"]]),  # against the edges' direction
        ([("a", "b"), ("c", "d")], "a", "d", []),
    ],
)
def test_shortest_paths(edges: list[tuple[str, str]], source: str, target: str, paths: list[list[str]]) -> None:
    assert shortest_paths(graph(*edges), source, target) == paths


def test_the_undirected_copy_is_made_once_and_again_when_the_graph_grows() -> None:
    g = graph(("a", "b"))
    first = undirected(g)
    assert undirected(g) is first
    g.add_edge("b", "c", key="p", predicate="p", support=1)
    assert undirected(g) is not first
    assert shortest_paths(g, "a", "c") == [["a", "b", "c"]]
