"""The relation rules: small generators `(sentence or clause, context) -> Iterator[Candidate]`, one per kind of
sentence or phrasing, collected in `registry.REGISTRY`. The relations themselves and their cue phrases are data
(data/ontology.ttl, read by ingest/cues.py)."""
