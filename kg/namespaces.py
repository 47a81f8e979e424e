"""IRIs of the ontology, the entities, the evidence and the per-source named graphs."""

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

BASE = "https://kgqa.example/"
KG = Namespace(BASE + "ontology#")
ENT = Namespace(BASE + "entity/")
EVI = Namespace(BASE + "evidence/")
PAS = Namespace(BASE + "passage/")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
SOURCE_GRAPH_PREFIX = BASE + "graph/source/"

PREFIXES = {"kg": KG, "ent": ENT, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "owl": OWL, "xsd": XSD}


def source_graph(name: str) -> URIRef:
    """The named graph holding the facts read from one source file."""
    return URIRef(SOURCE_GRAPH_PREFIX + quote(name, safe=""))
