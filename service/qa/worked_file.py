"""What building the statement index reads from the notes' texts (statements.Worked, most of what opening a graph
costs), kept in a file beside a local store next to kg.open_index's, so that the graph opens again without it.

The file is named by a digest of all it is made from: the open index's body (the statements and entities), the
names the statements are matched against, the code that reads them and the word tables' version. It is kept as
kg.cache_files keeps a table (a digest of its body, written atomically, the files of other sources removed); a
missing, damaged or other file is made anew, and a directory that cannot be written is passed over."""

import hashlib
import marshal
import sys
from importlib.metadata import version
from pathlib import Path

import orjson

from kg import lexicon
from kg.cache_files import read, write
from kg.snapshot import Snapshot
from service.qa import names as names_module
from service.qa import statements as statements_module
from service.qa.names import NameIndex
from service.qa.statements import Worked, work

NAME = "statement-work"


def worked(snapshot: Snapshot, names: NameIndex) -> Worked:
    """`work` over the snapshot's statements, read from the file beside its store when it has one for them."""
    path = path_of(snapshot, names)
    if path is not None:
        found = read(path)
        if isinstance(found, tuple) and len(found) == len(Worked._fields):
            return Worked(*found)
    made = work(snapshot.statements, names.named_in)
    if path is not None:
        write(path, tuple(made))
    return made


def path_of(snapshot: Snapshot, names: NameIndex) -> Path | None:
    """The file for this snapshot and name table; None for a store with no open index file (a server's)."""
    config = snapshot.store.config
    if snapshot.digest is None or config.kind == "sparql":
        return None
    return config.directory / f"{NAME}-{key(snapshot.digest, names)}.marshal"


def key(digest: str, names: NameIndex) -> str:
    """A digest of what `work` reads: the open index's digest, the name table, the code and the word tables."""
    parts = [
        sys.version.encode(),
        str(marshal.version).encode(),
        digest.encode(),
        orjson.dumps([sorted(names.exact.items()), sorted(names.shouted)]),
        Path(statements_module.__file__).read_bytes(),
        Path(names_module.__file__).read_bytes(),
        Path(lexicon.__file__).read_bytes(),  # lemma() and the word classes, derived from the tables below
        version("spacy-lookups-data").encode(),
    ]
    out = hashlib.blake2b(digest_size=16)
    for part in parts:
        out.update(hashlib.blake2b(part).digest())
    return out.hexdigest()
