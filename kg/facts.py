"""Reading the graph back: entities with their names, and facts grouped with all their evidence."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.model import local_name, snake
from kg.namespaces import ENT, KG


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


def entities(ds: Dataset, graphs: Iterable[Graph] | None = None) -> dict[str, EntityRecord]:
    """Every entity in the graph (or in the given named graphs), by IRI."""
    labels: dict[str, str] = {}
    types: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    prefix = str(ENT)
    triples = (t for g in graphs for t in g) if graphs is not None else ds.triples((None, None, None))
    for s, p, o in triples:
        if not isinstance(s, URIRef) or not str(s).startswith(prefix):
            continue
        if p == RDFS.label:
            labels[str(s)] = str(o)
        elif p == RDF.type:
            types[str(s)] = local_name(str(o))
        elif p == SKOS.altLabel:
            aliases[str(s)].add(str(o))
    return {
        iri: EntityRecord(iri, iri[len(prefix) :], label, types.get(iri, "Entity"), tuple(sorted(aliases[iri])))
        for iri, label in labels.items()
    }


def facts(ds: Dataset) -> list[FactRecord]:
    """Every fact, merged across sources, from the kg:Evidence nodes."""
    grouped: dict[tuple[str, str, str], FactRecord] = {}
    for node in ds.subjects(RDF.type, KG.Evidence, unique=True):
        s, p, o = ds.value(node, RDF.subject), ds.value(node, RDF.predicate), ds.value(node, RDF.object)
        if s is None or p is None or o is None:
            continue
        key = (str(s), str(p), str(o))
        rec = grouped.get(key)
        if rec is None:
            rec = grouped[key] = FactRecord(str(s), snake(local_name(str(p))), str(o), not isinstance(o, Literal))
        line = ds.value(node, KG.line)
        rec.evidence.append(
            {
                "source": str(ds.value(node, KG.source)),
                "line": int(line.toPython()) if isinstance(line, Literal) else 0,
                "text": str(ds.value(node, KG.text)),
                "rule": str(ds.value(node, KG.rule)),
                **({"contrast": str(c)} if (c := ds.value(node, KG.contrast)) is not None else {}),
                **({"section": str(c)} if (c := ds.value(node, KG.section)) is not None else {}),
            }
        )
    for rec in grouped.values():
        rec.evidence.sort(key=lambda e: (str(e["source"]), int(str(e["line"])), str(e["text"]), str(e["rule"])))
    return sorted(grouped.values(), key=lambda r: (r.subject, r.predicate, r.object))
