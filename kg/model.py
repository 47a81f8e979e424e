"""Entity, Evidence and Fact: the seam between extraction and the graph, and their RDF form."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.namespaces import ENT, EVI, KG, PAS

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Entity:
    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    source: str
    line: int
    text: str
    rule: str
    contrast: str = ""
    section: str = ""  # the heading (or "Label:") the statement sits under


@dataclass(frozen=True)
class Fact:
    """One statement of a fact. `object` is an entity key when `object_is_entity`, else literal text."""

    subject: str
    predicate: str
    object: str
    object_is_entity: bool
    evidence: Evidence


@dataclass(frozen=True)
class Passage:
    """One statement of a note as written, kept whether or not a fact was read from it."""

    source: str
    line: int
    text: str  # verbatim
    section: str  # the heading path, ' > ' joined
    kind: str  # heading | item | row | cell | term | question | answer | sentence
    about: tuple[str, ...] = ()  # entity keys the outline says it is about
    parent_line: int = 0  # the line of the statement it sits under (its list item, heading or row); 0: none


def slug(text: str) -> str:
    """A stable IRI-safe key for an entity name: 'Amazon ECS' -> 'amazon-ecs', 'C#' -> 'c-sharp'."""
    text = text.replace("#", "-sharp").replace("+", "-plus").replace(".", "-dot-")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entity"


def camel(name: str) -> str:
    """'runs_on' -> 'runsOn'."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """'runsOn' -> 'runs_on'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@lru_cache(maxsize=65536)
def entity_iri(key: str) -> URIRef:
    return ENT[key]


@lru_cache(maxsize=4096)
def relation_iri(name: str) -> URIRef:
    return KG[camel(name)]


@lru_cache(maxsize=65536)
def recurring(text: str) -> Literal:
    """A plain literal of a value that recurs (a source, rule, section, kind or name): made once."""
    return Literal(text)


@lru_cache(maxsize=65536)
def line_number(line: int) -> Literal:
    return Literal(line, datatype=XSD.integer)


# Made once: a Namespace builds (and validates) a new URIRef at every attribute access.
EVIDENCE, SOURCE, LINE, TEXT, RULE, CONTRAST, SECTION = (
    KG[n] for n in ("Evidence", "source", "line", "text", "rule", "contrast", "section")
)


PASSAGE, KIND, ABOUT, PARENT_LINE = KG.Passage, KG.kind, KG.about, KG.parentLine
TYPE, SUBJECT, PREDICATE, OBJECT, LABEL, ALT_LABEL = (
    RDF.type, RDF.subject, RDF.predicate, RDF.object, RDFS.label, SKOS.altLabel
)  # fmt: skip


def local_name(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def entity_triples(entity: Entity) -> Iterator[Triple]:
    iri = entity_iri(entity.key)
    yield iri, TYPE, KG[entity.type]
    yield iri, LABEL, recurring(entity.label)
    for alias in entity.aliases:
        if alias != entity.label:
            yield iri, ALT_LABEL, recurring(alias)


def relation_declaration(name: str, label: str) -> Iterator[Triple]:
    """Declare a relation the ontology does not name, so every predicate in the graph has a label."""
    iri = relation_iri(name)
    yield iri, TYPE, OWL.ObjectProperty
    yield iri, LABEL, Literal(label)
    yield iri, RDFS.subPropertyOf, KG.relatedTo


def fact_object(fact: Fact) -> URIRef | Literal:
    return entity_iri(fact.object) if fact.object_is_entity else Literal(fact.object)


def fact_triples(fact: Fact) -> Iterator[Triple]:
    """The fact itself, plus a reified kg:Evidence node that says where it was read."""
    s, p, o = entity_iri(fact.subject), relation_iri(fact.predicate), fact_object(fact)
    yield s, p, o
    ev = fact.evidence
    digest = hashlib.sha1(
        "\x1f".join([str(s), str(p), str(o), ev.source, str(ev.line), ev.rule, ev.contrast]).encode()
    ).hexdigest()[:20]
    node = EVI[digest]
    yield node, TYPE, EVIDENCE
    yield node, SUBJECT, s
    yield node, PREDICATE, p
    yield node, OBJECT, o
    yield node, SOURCE, recurring(ev.source)
    yield node, LINE, line_number(ev.line)
    yield node, TEXT, Literal(ev.text)
    yield node, RULE, recurring(ev.rule)
    if ev.contrast:
        yield node, CONTRAST, Literal(ev.contrast)
    yield node, SECTION, recurring(ev.section)


def passage_triples(passage: Passage) -> Iterator[Triple]:
    """A passage node: its source, line, verbatim text, section path, kind, the entities it is about and the
    line of the statement it sits under (so a list item's children can be gathered)."""
    digest = hashlib.sha1(
        "\x1f".join([passage.source, str(passage.line), passage.kind, passage.text]).encode()
    ).hexdigest()[:20]
    node = PAS[digest]
    yield node, TYPE, PASSAGE
    yield node, SOURCE, recurring(passage.source)
    yield node, LINE, line_number(passage.line)
    yield node, TEXT, Literal(passage.text)
    yield node, SECTION, recurring(passage.section)
    yield node, KIND, recurring(passage.kind)
    for key in passage.about:
        yield node, ABOUT, entity_iri(key)
    if passage.parent_line:
        yield node, PARENT_LINE, Literal(passage.parent_line, datatype=XSD.integer)
