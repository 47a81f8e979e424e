"""The knowledge graph: ontology, entities, facts with evidence, storage and queries.

`kg` imports neither `ingest` nor `service`; both of them talk to the graph through it.
"""
