"""Named SPARQL queries; the question side runs them with bindings, never with new text. Each reads inside
`GRAPH ?g`, so that they mean the same on a server whose default graph is not the union of the named graphs."""

from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from kg.stores import PROLOGUE, Store, inline_values


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str

    def run(self, store: Store, **bindings: URIRef) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (IRIs as URIRefs)."""
        return [
            {k: (v.toPython() if isinstance(v, Literal) else v) for k, v in row.items()}
            for row in store.select(self.text, bindings)
        ]

    def shown(self, **bindings: URIRef) -> str:
        """The query as a power user could paste it into /sparql: bindings written in as VALUES."""
        return inline_values(self.text, bindings)


def _named(name: str, text: str) -> NamedQuery:
    return NamedQuery(name, PROLOGUE + text.strip() + "\n")


CONTRASTS = _named(
    "contrasts",
    """
SELECT ?other ?contrast ?source ?line ?text WHERE {
  GRAPH ?g {
    ?ev rdf:subject ?e ; rdf:predicate kg:comparedWith ; rdf:object ?other ;
        kg:contrast ?contrast ; kg:source ?source ; kg:line ?line ; kg:text ?text .
  }
}
""",
)


FACTS_SP = _named(
    "facts_of_subject",
    """
SELECT ?o ?source ?line ?text ?section WHERE {
  GRAPH ?g {
    ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:source ?source ; kg:line ?line ; kg:text ?text ; kg:section ?section .
  }
}
""",
)

FACTS_PO = _named(
    "facts_with_object",
    """
SELECT ?s ?source ?line ?text ?section WHERE {
  GRAPH ?g {
    ?ev rdf:object ?o ; rdf:predicate ?p ; rdf:subject ?s ;
        kg:source ?source ; kg:line ?line ; kg:text ?text ; kg:section ?section .
  }
}
""",
)
