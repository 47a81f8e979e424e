"""One reader per note format. Each turns a file's text into the same outline tree (ingest/readers/tree.py):
statements with their kind, depth, parent, line and verbatim text. A new format is one module here, a line in
`ingest.sources.read_document` and its table of (input, expected outline) in tests/test_readers.py."""
