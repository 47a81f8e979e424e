"""Named SPARQL queries, parsed once; the question side runs them with bindings, never with new text."""

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow

from kg.namespaces import PREFIXES


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    query: Query

    def run(self, graph: Graph, **bindings: URIRef) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (IRIs as strings)."""
        result = graph.query(self.query, initBindings=bindings)
        rows = []
        for row in result:
            assert isinstance(row, ResultRow)  # SELECT queries yield rows
            rows.append({str(k): (v.toPython() if isinstance(v, Literal) else v) for k, v in row.asdict().items()})
        return rows

    def shown(self, **bindings: URIRef) -> str:
        """The query as a power user could paste it into /sparql: bindings written in as VALUES."""
        values = "".join(f"  VALUES ?{k} {{ <{v}> }}\n" for k, v in bindings.items())
        head, _, body = self.text.partition("WHERE {")
        return f"{head}WHERE {{\n{values}{body}" if values else self.text


def _named(name: str, text: str) -> NamedQuery:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    return NamedQuery(name, prologue + text.strip() + "\n", prepareQuery(prologue + text, initNs={}))


CONTRASTS = _named(
    "contrasts",
    """
SELECT ?other ?contrast ?source ?line ?text WHERE {
  ?ev rdf:subject ?e ; rdf:predicate kg:comparedWith ; rdf:object ?other ;
      kg:contrast ?contrast ; kg:source ?source ; kg:line ?line ; kg:text ?text .
}
""",
)


FACTS_SP = _named(
    "facts_of_subject",
    """
SELECT ?o ?source ?line ?text ?section WHERE {
  ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      kg:source ?source ; kg:line ?line ; kg:text ?text ; kg:section ?section .
}
""",
)

FACTS_PO = _named(
    "facts_with_object",
    """
SELECT ?s ?source ?line ?text ?section WHERE {
  ?ev rdf:object ?o ; rdf:predicate ?p ; rdf:subject ?s ;
      kg:source ?source ; kg:line ?line ; kg:text ?text ; kg:section ?section .
}
""",
)
