"""Reading the graph back: entities with their names, and facts grouped with all their evidence."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.model import local_name, snake
from kg.namespaces import ENT, source_graph
from kg.stores import PROLOGUE, Store


@dataclass(frozen=True)
class EntityRecord:
    iri: str
    key: str
    label: str
    type: str
    aliases: tuple[str, ...]


@dataclass
class FactRecord:
    """One fact (subject, predicate, object) with every statement of it across the sources."""

    subject: str  # entity IRI
    predicate: str  # snake_case relation name
    object: str  # entity IRI or literal text
    object_is_entity: bool
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({str(e["source"]) for e in self.evidence})

    @property
    def support(self) -> int:
        """How many sources state the fact: its confidence."""
        return len(self.sources)


ENTITY_PROPERTIES = {RDFS.label: "label", RDF.type: "type", SKOS.altLabel: "alias"}

ENTITY_ROWS = (
    PROLOGUE
    + """SELECT DISTINCT ?e ?p ?v ?g WHERE {
  VALUES ?p { rdfs:label rdf:type skos:altLabel }
  GRAPH ?g { ?e ?p ?v }
  FILTER(STRSTARTS(STR(?e), STR(ent:)))
}"""
)

EVIDENCE_ROWS = (
    PROLOGUE
    + """SELECT ?s ?p ?o ?source ?line ?text ?rule ?contrast ?section WHERE {
  GRAPH ?g {
    ?ev a kg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:source ?source ; kg:line ?line ; kg:text ?text ; kg:rule ?rule .
    OPTIONAL { ?ev kg:contrast ?contrast }
    OPTIONAL { ?ev kg:section ?section }
  }
}"""
)


def entities(store: Store, *, without: Collection[str] = ()) -> dict[str, EntityRecord]:
    """Every entity in the store by IRI; `without` names sources whose graphs are left out."""
    left_out = {str(source_graph(name)) for name in without}
    found: dict[str, dict[str, Any]] = defaultdict(lambda: {"aliases": set()})
    for row in store.select(ENTITY_ROWS):
        if str(row["g"]) in left_out:
            continue
        iri, kind, value = str(row["e"]), ENTITY_PROPERTIES[URIRef(str(row["p"]))], str(row["v"])
        if kind == "alias":
            found[iri]["aliases"].add(value)
        else:
            found[iri][kind] = value
    prefix = str(ENT)
    return {
        iri: EntityRecord(
            iri, iri[len(prefix) :], e["label"], local_name(e.get("type", "Entity")), tuple(sorted(e["aliases"]))
        )
        for iri, e in sorted(found.items())
        if "label" in e
    }


def facts(store: Store) -> list[FactRecord]:
    """Every fact, merged across sources, from the kg:Evidence nodes."""
    grouped: dict[tuple[str, str, str], FactRecord] = {}
    for row in store.select(EVIDENCE_ROWS):
        s, p, o = row["s"], row["p"], row["o"]
        key = (str(s), str(p), str(o))
        rec = grouped.get(key)
        if rec is None:
            rec = grouped[key] = FactRecord(str(s), snake(local_name(str(p))), str(o), not isinstance(o, Literal))
        line = row["line"]
        rec.evidence.append(
            {
                "source": str(row["source"]),
                "line": int(line.toPython()) if isinstance(line, Literal) else 0,
                "text": str(row["text"]),
                "rule": str(row["rule"]),
                **({"contrast": str(c)} if (c := row.get("contrast")) is not None else {}),
                **({"section": str(c)} if (c := row.get("section")) is not None else {}),
            }
        )
    for rec in grouped.values():
        rec.evidence.sort(key=lambda e: (str(e["source"]), int(str(e["line"])), str(e["text"]), str(e["rule"])))
    return sorted(grouped.values(), key=lambda r: (r.subject, r.predicate, r.object))
