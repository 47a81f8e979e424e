"""The N-Triples text ingest writes by hand: every literal reads back, in Oxigraph and in rdflib, as the text it was
made from; facts, passages and entities are the triples their rdflib form names."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.model import Entity, Evidence, Fact, Passage, entity_lines, fact_lines, passage_lines, relation_lines
from kg.namespaces import ENT, KG
from kg.ntriples import XSD_INTEGER, integer, literal, ntriples

INTEGER = URIRef(XSD_INTEGER)
TEXTS = [
    "plain words",
    'a "quoted" word',
    "a back\\slash and \\n as written",
    "two\nlines",
    "carriage\r\nreturn",
    "tab\there",
    "control \x00 \x01 \x1f \x7f characters",
    "non-ASCII: café, naïve, 東京, Ωmega, 🚀",
    "line\u2028and paragraph\u2029separators",
    '\\"',  # a backslash before a quote
    "",
    "ends with a backslash \\",
]


def _oxigraph_value(line: str) -> str:
    [triple] = ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES)
    return str(triple.object.value)


@pytest.mark.parametrize("text", TEXTS)
def test_a_literal_reads_back_as_its_text(text: str) -> None:
    line = f"<http://x/s> <http://x/p> {literal(text)} .\n"
    assert _oxigraph_value(line) == text
    [(_, _, obj)] = Graph().parse(data=line, format="nt")
    assert obj == Literal(text)


@pytest.mark.parametrize("text", TEXTS)
def test_a_literal_is_what_rdflib_terms_wrote(text: str) -> None:
    assert literal(text) + " .\n" == ntriples([(URIRef("http://x/s"), URIRef("http://x/p"), Literal(text))])[
        len(b"<http://x/s> <http://x/p> ") :
    ].decode("utf-8")


@pytest.mark.parametrize("n", [0, 1, 12, 100000])
def test_an_integer_is_an_xsd_integer(n: int) -> None:
    [(_, _, obj)] = Graph().parse(data=f"<http://x/s> <http://x/p> {integer(n)} .", format="nt")
    assert obj == Literal(n, datatype=INTEGER)


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")


EVIDENCE = Evidence("a/n.md", 7, '- Quill "runs" on\\ Ink\n', "copula", "Quill: x; Ink: y", "Quill > Runs")


@pytest.mark.parametrize(
    ("fact", "object_"),
    [
        (Fact("quill", "runs_on", "ink", True, EVIDENCE), ENT["ink"]),
        (Fact("quill", "has_property", 'a "fast"\tstore\\', False, EVIDENCE), Literal('a "fast"\tstore\\')),
    ],
)
def test_a_fact_is_its_triple_and_its_evidence(fact: Fact, object_: URIRef | Literal) -> None:
    graph = _graph(fact_lines(fact))
    subject, predicate = ENT["quill"], KG[{"runs_on": "runsOn", "has_property": "hasProperty"}[fact.predicate]]
    assert (subject, predicate, object_) in graph
    [node] = graph.subjects(RDF.type, KG.Evidence)
    assert {(p, o) for p, o in graph.predicate_objects(node)} == {
        (RDF.type, KG.Evidence),
        (RDF.subject, subject),
        (RDF.predicate, predicate),
        (RDF.object, object_),
        (KG.source, Literal("a/n.md")),
        (KG.line, Literal(7, datatype=INTEGER)),
        (KG.text, Literal(EVIDENCE.text)),
        (KG.rule, Literal("copula")),
        (KG.contrast, Literal("Quill: x; Ink: y")),
        (KG.section, Literal("Quill > Runs")),
    }


@pytest.mark.parametrize(
    ("passage", "about", "parent"),
    [
        (Passage("n.md", 3, "Quill \\ ink\r", "A > B", "item", ("quill", "ink"), 2), {ENT["quill"], ENT["ink"]}, 2),
        (Passage("n.md", 1, "# Quill", "", "heading"), set(), None),
    ],
)
def test_a_passage_is_its_node(passage: Passage, about: set[URIRef], parent: int | None) -> None:
    graph = _graph(passage_lines(passage))
    [node] = graph.subjects(RDF.type, KG.Passage)
    assert graph.value(node, KG.text) == Literal(passage.text)
    assert graph.value(node, KG.line) == Literal(passage.line, datatype=INTEGER)
    assert graph.value(node, KG.section) == Literal(passage.section)
    assert graph.value(node, KG.kind) == Literal(passage.kind)
    assert set(graph.objects(node, KG.about)) == about
    assert graph.value(node, KG.parentLine) == (None if parent is None else Literal(parent, datatype=INTEGER))


def test_an_entity_is_its_type_label_and_other_aliases() -> None:
    graph = _graph(entity_lines(Entity("quill", 'Quill "Q"', "Service", ('Quill "Q"', "QL"))))
    iri = ENT["quill"]
    assert set(graph.predicate_objects(iri)) == {
        (RDF.type, KG.Service),
        (RDFS.label, Literal('Quill "Q"')),
        (SKOS.altLabel, Literal("QL")),
    }


def test_a_relation_the_ontology_lacks_is_declared() -> None:
    graph = _graph(relation_lines("feeds_into", "feeds into"))
    assert graph.value(KG.feedsInto, RDFS.label) == Literal("feeds into")
    assert graph.value(KG.feedsInto, RDFS.subPropertyOf) == KG.relatedTo
