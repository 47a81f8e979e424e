"""Entity, Evidence and Fact: the seam between extraction and the graph, and their RDF form."""

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import ENT, EVI, KG, PAS
from kg.ntriples import integer, literal


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


@lru_cache(maxsize=4096)
def relation_iri(name: str) -> URIRef:
    return KG[camel(name)]


# Facts and passages are written as N-Triples text, term by term: rdflib terms cost more to make than the text.
@lru_cache(maxsize=65536)
def _entity_term(key: str) -> str:
    return f"<{ENT}{key}>"


@lru_cache(maxsize=4096)
def _relation_term(name: str) -> str:
    return f"<{relation_iri(name)}>"


@lru_cache(maxsize=65536)
def _recurring(text: str) -> str:
    """The literal of a value that recurs (a source, rule, section or kind): written once."""
    return literal(text)


# kg.facts reads the graph by these
EVIDENCE, SOURCE, LINE, TEXT, RULE, CONTRAST, SECTION = (
    KG[n] for n in ("Evidence", "source", "line", "text", "rule", "contrast", "section")
)
_TYPE, _SUBJECT, _PREDICATE, _OBJECT, _LABEL, _ALT_LABEL = (
    f"<{iri}>" for iri in (RDF.type, RDF.subject, RDF.predicate, RDF.object, RDFS.label, SKOS.altLabel)
)
_EVIDENCE, _SOURCE, _LINE, _TEXT, _RULE, _CONTRAST, _SECTION = (
    f"<{iri}>" for iri in (EVIDENCE, SOURCE, LINE, TEXT, RULE, CONTRAST, SECTION)
)
_PASSAGE, _KIND, _ABOUT, _PARENT_LINE = (f"<{KG[n]}>" for n in ("Passage", "kind", "about", "parentLine"))


def local_name(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def entity_lines(entity: Entity) -> str:
    """An entity's type, label and aliases as N-Triples lines."""
    iri = _entity_term(entity.key)
    lines = [f"{iri} {_TYPE} <{KG}{entity.type}> .\n{iri} {_LABEL} {literal(entity.label)} .\n"]
    lines += [f"{iri} {_ALT_LABEL} {literal(alias)} .\n" for alias in entity.aliases if alias != entity.label]
    return "".join(lines)


def relation_lines(name: str, label: str) -> str:
    """Declare a relation the ontology does not name, so every predicate in the graph has a label: N-Triples."""
    iri = _relation_term(name)
    return (
        f"{iri} {_TYPE} <{OWL.ObjectProperty}> .\n{iri} {_LABEL} {literal(label)} .\n"
        f"{iri} <{RDFS.subPropertyOf}> <{KG.relatedTo}> .\n"
    )


def fact_lines(fact: Fact) -> str:
    """The fact itself, plus a reified kg:Evidence node that says where it was read: N-Triples."""
    s, p = _entity_term(fact.subject), _relation_term(fact.predicate)
    o = _entity_term(fact.object) if fact.object_is_entity else literal(fact.object)
    ev = fact.evidence
    value = o[1:-1] if fact.object_is_entity else fact.object  # the object's IRI or lexical form
    digest = hashlib.sha1(
        "\x1f".join([s[1:-1], p[1:-1], value, ev.source, str(ev.line), ev.rule, ev.contrast]).encode()
    ).hexdigest()[:20]
    node = f"<{EVI}{digest}>"
    contrast = f"{node} {_CONTRAST} {literal(ev.contrast)} .\n" if ev.contrast else ""
    return (
        f"{s} {p} {o} .\n"
        f"{node} {_TYPE} {_EVIDENCE} .\n"
        f"{node} {_SUBJECT} {s} .\n"
        f"{node} {_PREDICATE} {p} .\n"
        f"{node} {_OBJECT} {o} .\n"
        f"{node} {_SOURCE} {_recurring(ev.source)} .\n"
        f"{node} {_LINE} {integer(ev.line)} .\n"
        f"{node} {_TEXT} {literal(ev.text)} .\n"
        f"{node} {_RULE} {_recurring(ev.rule)} .\n"
        f"{contrast}"
        f"{node} {_SECTION} {_recurring(ev.section)} .\n"
    )


def passage_lines(passage: Passage) -> str:
    """A passage node: its source, line, verbatim text, section path, kind, the entities it is about and the
    line of the statement it sits under (so a list item's children can be gathered): N-Triples."""
    digest = hashlib.sha1(
        "\x1f".join([passage.source, str(passage.line), passage.kind, passage.text]).encode()
    ).hexdigest()[:20]
    node = f"<{PAS}{digest}>"
    about = "".join([f"{node} {_ABOUT} {_entity_term(key)} .\n" for key in passage.about])
    parent = f"{node} {_PARENT_LINE} {integer(passage.parent_line)} .\n" if passage.parent_line else ""
    return (
        f"{node} {_TYPE} {_PASSAGE} .\n"
        f"{node} {_SOURCE} {_recurring(passage.source)} .\n"
        f"{node} {_LINE} {integer(passage.line)} .\n"
        f"{node} {_TEXT} {literal(passage.text)} .\n"
        f"{node} {_SECTION} {_recurring(passage.section)} .\n"
        f"{node} {_KIND} {_recurring(passage.kind)} .\n"
        f"{about}{parent}"
    )
