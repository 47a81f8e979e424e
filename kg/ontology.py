"""The ontology (data/ontology.ttl): relation names, labels, inverses, symmetric and literal relations, and the
relation registry: one Relation per relation, with its verb phrase, cue phrases and question words."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.locations import ONTOLOGY_FILE
from kg.model import local_name, snake
from kg.namespaces import KG


@dataclass(frozen=True)
class Relation:
    """One relation as the registry declares it; ingest reads `cues`, the service `asked_by` and `verb`."""

    name: str  # snake_case, as facts name it
    label: str
    verb: str  # "runs on": subject, verb, object reads as English
    inverse: str | None
    literal: bool  # its objects are text, not entities
    cues: tuple[str, ...] = ()
    asked_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ontology:
    graph: Graph
    labels: dict[str, str]  # relation name (snake_case) -> label
    inverses: dict[str, str]
    symmetric: frozenset[str]
    literal: frozenset[str]  # relations whose objects are text, not entities
    parents: dict[str, str]  # relation -> super-relation
    classes: frozenset[str]
    relations: dict[str, Relation]

    def inverse(self, relation: str) -> str | None:
        if relation in self.symmetric:
            return relation
        return self.inverses.get(relation)

    def label(self, relation: str) -> str:
        return self.labels.get(relation, relation.replace("_", " "))

    def verb(self, relation: str) -> str:
        """The verb phrase of a relation ('runs on'); its label for relations the registry does not declare."""
        known = self.relations.get(relation)
        return known.verb if known else self.label(relation)


def _relation(iri: object) -> str:
    return snake(local_name(str(iri)))


def _in_kg(iri: object) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(str(KG))


@cache
def load_ontology(path: Path = ONTOLOGY_FILE) -> Ontology:
    graph = Graph()
    graph.parse(path, format="turtle")
    props: set[URIRef] = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        props.update(URIRef(str(p)) for p in graph.subjects(RDF.type, kind) if _in_kg(p))
    prov = {KG.source, KG.line, KG.text, KG.rule, KG.contrast, KG.section, KG.verbPhrase, KG.cue, KG.askedBy}
    prov |= {KG.kind, KG.about}  # passages
    props -= prov
    labels = {_relation(p): str(graph.value(p, RDFS.label) or _relation(p)) for p in props}
    inverses = {_relation(a): _relation(b) for a, b in graph.subject_objects(OWL.inverseOf)}
    symmetric = frozenset(_relation(p) for p in graph.subjects(RDF.type, OWL.SymmetricProperty))
    literal = frozenset(
        _relation(p) for p in graph.subjects(RDF.type, OWL.DatatypeProperty) if _in_kg(p) and p not in prov
    )
    parents = {_relation(a): _relation(b) for a, b in graph.subject_objects(RDFS.subPropertyOf) if _in_kg(b)}
    classes = frozenset(local_name(str(c)) for c in graph.subjects(RDF.type, OWL.Class) if _in_kg(c))
    relations = {
        name: Relation(
            name,
            labels[name],
            str(graph.value(p, KG.verbPhrase) or labels[name]),
            inverses.get(name, name if name in symmetric else None),
            name in literal,
            tuple(sorted(str(c) for c in graph.objects(p, KG.cue))),
            tuple(sorted(str(q) for q in graph.objects(p, KG.askedBy))),
        )
        for p in props
        if (name := _relation(p))
    }
    return Ontology(graph, labels, inverses, symmetric, literal, parents, classes, relations)
