"""Triples of rdflib terms as N-Triples lines, and a staging file that holds sources' lines until they are written.

Ingest writes each source's named graph here as soon as the source is read, so a large ingest holds one source in
memory, not the corpus; the stores then load the file in bulk (or, where they replace graphs in place, as SPARQL
Update text: N-Triples lines are valid inside INSERT DATA).
"""

import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
XSD_STRING, XSD_INTEGER = str(XSD.string), str(XSD.integer)
LOAD_BYTES = 16 << 20  # N-Triples per bulk load: Oxigraph's bulk loader holds about 15x a load in memory


def term(node: Node) -> str:
    """One rdflib term in N-Triples syntax."""
    if type(node) is URIRef or isinstance(node, URIRef):
        return f"<{node}>"
    if type(node) is Literal or isinstance(node, Literal):
        text = f'"{escaped(node)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype and str(node.datatype) != XSD_STRING:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"no N-Triples term for {node!r}")


def escaped(text: str) -> str:
    """A literal's text with its backslashes, quotes and line breaks escaped: all N-Triples requires (other
    characters, control characters too, may stand as they are). str.replace: a translate table is several times
    slower."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def literal(text: str) -> str:
    """A plain (xsd:string) literal in N-Triples syntax."""
    return f'"{escaped(text)}"'


def integer(n: int) -> str:
    """An xsd:integer literal in N-Triples syntax."""
    return f'"{int(n)}"^^<{XSD_INTEGER}>'


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Triples as N-Triples lines, each ending ' .\\n' (an IRI that recurs is written once and reused)."""
    iris: dict[Node, str] = {}

    def text(node: Node) -> str:
        if type(node) is not URIRef:
            return term(node)
        written = iris.get(node)
        if written is None:
            written = iris[node] = f"<{node}>"
        return written

    return "".join([f"{text(s)} {text(p)} {text(o)} .\n" for s, p, o in triples]).encode("utf-8")


@dataclass(frozen=True)
class Block:
    """One named graph's lines in the staging file."""

    graph: str  # its IRI
    offset: int
    size: int  # bytes
    triples: int


class Staging:
    """Named graphs as N-Triples in an unnamed temporary file (gone when closed, or when the process dies)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="kgqa-staging-")  # noqa: SIM115 (closed by close())
        self.blocks: list[Block] = []
        self.end = 0

    def add(self, graph: str, lines: bytes) -> None:
        self.file.seek(self.end)
        self.file.write(lines)
        self.blocks.append(Block(graph, self.end, len(lines), lines.count(b"\n")))
        self.end += len(lines)

    def read(self, block: Block) -> bytes:
        self.file.seek(block.offset)
        return self.file.read(block.size)

    def loads(self, most: int = LOAD_BYTES) -> Iterator[io.BufferedReader]:
        """The blocks as N-Quads, each triple in its named graph and in the default graph (the union), in streams
        of whole blocks of about `most` bytes of N-Triples: one bulk load each, so a bulk loader's memory is
        bounded by a stream, not by the whole graph."""
        batch: list[Block] = []
        size = 0
        for block in self.blocks:
            if batch and size + block.size > most:
                yield io.BufferedReader(_Chunks(self._quads(batch)), buffer_size=1 << 20)
                batch, size = [], 0
            batch.append(block)
            size += block.size
        if batch:
            yield io.BufferedReader(_Chunks(self._quads(batch)), buffer_size=1 << 20)

    def _quads(self, blocks: Iterable[Block]) -> Iterator[bytes]:
        for block in blocks:
            tail = f"<{block.graph}> .\n".encode()
            lines = self.read(block).splitlines(keepends=True)
            named = b"".join(line[:-2] + tail for line in lines)
            yield named + b"".join(lines)

    def close(self) -> None:
        self.file.close()


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.left:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.left = memoryview(chunk)
        n = min(len(buffer), len(self.left))
        buffer[:n] = self.left[:n]
        self.left = self.left[n:]
        return n
