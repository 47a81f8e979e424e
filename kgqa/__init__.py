"""kgqa: study notes -> knowledge graph -> answers with evidence. The command line lives in `kgqa.cli`."""
