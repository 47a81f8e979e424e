"""The graph's own terms for the SPARQL editor: prefixes, classes and predicates with their labels, and the
one SPARQL term of each relation name the API uses (`runs_on` is `kg:runsOn`)."""

from collections import Counter
from typing import Any

from rdflib.namespace import OWL, RDF, RDFS

from kg.model import camel, local_name, snake
from kg.namespaces import KG, PREFIXES
from kg.snapshot import Snapshot

# Terms outside kg: that every graph uses: the entity's type, name and aliases, and the reified evidence.
STANDARD_TERMS = (
    ("rdf:type", "type", "predicate"),
    ("rdfs:label", "label", "predicate"),
    ("skos:altLabel", "alias", "predicate"),
    ("rdf:subject", "evidence subject", "predicate"),
    ("rdf:predicate", "evidence predicate", "predicate"),
    ("rdf:object", "evidence object", "predicate"),
    ("rdfs:subPropertyOf", "sub-property of", "predicate"),
    ("owl:inverseOf", "inverse of", "predicate"),
)


def term(relation: str) -> str:
    """The SPARQL term of a relation name: 'runs_on' -> 'kg:runsOn'."""
    return "kg:" + camel(relation)


def vocabulary(snapshot: Snapshot) -> dict[str, Any]:
    """Prefixes, then the kg: classes and predicates (with how many facts use each relation), then the
    standard terms."""
    onto = snapshot.ontology.graph
    used = Counter(key.predicate for key in snapshot.keys)
    types = Counter(ent.type for ent in snapshot.entities.values())
    classes = [
        {"term": "kg:" + local_name(str(c)), "label": str(onto.value(c, RDFS.label) or local_name(str(c))),
         "count": types.get(local_name(str(c)), 0)}
        for c in sorted(set(onto.subjects(RDF.type, OWL.Class)), key=str)
        if str(c).startswith(str(KG))
    ]  # fmt: skip
    properties = {
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in onto.subjects(RDF.type, kind)
        if str(p).startswith(str(KG))
    }
    names = {local_name(p) for p in properties} | {camel(name) for name in used}
    predicates = [
        {"term": "kg:" + name, "name": snake(name), "label": snapshot.ontology.label(snake(name)),
         "count": used.get(snake(name), 0)}
        for name in sorted(names)
    ]  # fmt: skip
    return {
        "prefixes": {prefix: str(ns) for prefix, ns in PREFIXES.items()},
        "classes": classes,
        "predicates": predicates,
        "standard": [{"term": t, "label": label, "kind": kind} for t, label, kind in STANDARD_TERMS],
    }
