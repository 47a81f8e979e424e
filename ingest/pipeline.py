"""The composition root of ingest: files -> documents -> entities -> facts -> one named graph per source."""

import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm

from ingest.entities import discover, kind_of_list
from ingest.fanout import fan_out
from ingest.files import SourceFile, read_note
from ingest.files import discover as discover_files
from ingest.names import NameTable, load_gazetteer
from ingest.nlp import build_nlp, expect
from ingest.outline import (
    COMPARE_WORDS,
    Outline,
    build_contexts,
    category_labels,
    column_entities,
    comparison_pairs,
    entity_label_siblings,
    kind_members,
    outline_kinds,
    own_topic,
    sibling_labels,
    table_rows,
)
from ingest.relations import NEGATIONS, Candidate, Context, RelationExtractor
from ingest.sources import Document, SourceError, Statement, cell_spans, passage_kind, read_document, section_path
from ingest.values import fragment, verb_phrase
from ingest.vocabulary import vocabulary
from kg.facts import entities as kg_entities
from kg.lexicon import english_words, lemma
from kg.model import Evidence, Fact, Passage, entity_lines, fact_lines, passage_lines, relation_lines
from kg.ontology import load_ontology
from kg.stores import SourceGraph, Store, StoreConfig, open_store, stage

OBJECT_RELATIONS = frozenset({"runs_on", "depends_on"})
CLAUSE = re.compile(r"(?i)(?:when|where|whenever|if|up\s+to|in|on|at|about|by|with)\s")
CONTRAST = re.compile(r"(?i)\b(?:vs\.?|versus)\s")
CHOICE = re.compile(r"(?i)(?:either|whether)\b")  # "Either batch & aggregate (KPL or PutRecords)": what to do
LIKENESS = re.compile(r"(?i)(?:\w+ly\s+|almost\s+|nearly\s+)?(?:the\s+same\s+as|similar\s+to|like|unlike)\b")
STOPWORDS = re.compile(r"(?i)\b(to|the|a|an|of|and|or|for|in|on|it|is|be|by|as|at)\b")
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "you",
        "your",
        "is",
        "are",
        "be",
        "do",
        "does",
        "not",
        "no",
        "need",
        "just",
        "by",
    ]
)


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    statements: int = 0
    passages: list[Passage] = field(default_factory=list)
    evidence_only: int = 0  # statements kept as passages that gave no fact


WORD = re.compile(r"\w+")


class Reader:
    """What extracting a document needs, made once per name table (and per process): the pipeline, the relation
    extractor, the words of known names, and the aliases by their first word."""

    def __init__(self, table: NameTable, nlp: Language | None = None) -> None:
        self.table = table
        self.nlp = nlp or build_nlp(table)
        self.labels = {k: e.label for k, e in table.entities.items()}
        self.types = {k: e.type for k, e in table.entities.items()}
        self.extractor = RelationExtractor(self.nlp.vocab, types=self.types, labels=self.labels)
        self.linker = self.nlp.get_pipe("ocr_linker")
        self.readable = {w for alias in table.aliases for w in WORD.findall(alias)}
        self.by_first_word: dict[str, AliasGroup] = {}
        for alias, key in table.aliases.items():
            if len(alias) > 2 and (first := WORD.search(alias)):
                self.by_first_word.setdefault(first[0], AliasGroup()).add(alias, key, first.start())
        self.lock = threading.Lock()  # the linker's context is per document: one document at a time
        self.names = names_of(table)

    def context(self, doc: Document) -> set[str]:
        """Entities a document names somewhere, spelled right: context for linking its damaged mentions. Only
        aliases whose first word the document has are looked for, and only where that word occurs."""
        text = doc.text.lower()
        found: set[str] = set()
        for word in set(WORD.findall(text)):
            if group := self.by_first_word.get(word):
                found |= group.found(word, text)
        return found

    def extract(self, doc: Document) -> Extraction:
        with self.lock:
            return self._extract(doc)

    def _extract(self, doc: Document) -> Extraction:
        table, nlp = self.table, self.nlp
        self.linker.context = self.context(doc)  # type: ignore[attr-defined]
        named = vocabulary().vendors_named(doc.text)
        sdocs = parse(nlp, [st.text for st in doc.statements])
        outline = Outline(doc, sdocs, build_contexts(doc, sdocs))
        found: list[tuple[Statement, Candidate]] = []
        for st, sdoc, ctx in zip(doc.statements, sdocs, outline.contexts, strict=True):
            if link_only(st):
                continue  # "[Learning Module](https://...)": a pointer, no statement
            if st.kind == "heading" or (st.kind == "item" and not is_header_item(doc, st, sdoc)):
                for cand in self.extractor(sdoc, st.kind, st.label, ctx):
                    found.append((st, cand))
                    found.extend((st, c) for c in topic_compound(cand, ctx, table))
        for rule in (
            comparison_pairs(outline),
            table_rows(outline, self.extractor),
            sibling_labels(outline, self.labels),
            entity_label_siblings(outline),
            category_labels(outline),
            outline_kinds(outline),
            kind_members(outline, self.labels, self.types),
        ):
            found.extend(rule)
        found.extend(negation_contrasts(found, table))
        ocr = doc.format == "text"  # only plain text can be OCR output
        facts = list(to_facts(doc, found))
        keys = {k for f in facts for k in ((f.subject, f.object) if f.object_is_entity else (f.subject,))}
        cut = {k for k in keys if short_form_only([table.entities[k].label, *table.entities[k].aliases], doc.text)}
        doc_facts = [
            f
            for f in facts
            if not (ocr and residue(f, self.readable))
            and not foreign(f, named, table)
            and not ({f.subject, f.object} & cut)
        ]
        said = {(f.evidence.line, f.evidence.text) for f in doc_facts}
        evidence_only = sum(1 for st in doc.statements if (st.line, st.raw) not in said)
        return Extraction(doc_facts, len(doc.statements), list(passages(outline)), evidence_only)


def parse(nlp: Language, texts: list[str]) -> list[Doc]:
    """Each text through the pipeline's components, called in turn: for statements of a few words, nlp.pipe's
    generators and per-component error handlers cost more than the components."""
    steps = [component for _, component in nlp.pipeline]
    expect(nlp, "\n".join(texts))
    docs = []
    for text in texts:
        doc = nlp.make_doc(text)
        doc.user_data["text"] = text  # rules.model.text_of: a Doc's text is the text it was made from
        for step in steps:
            doc = step(doc)
        docs.append(doc)
    return docs


class AliasGroup:
    """The aliases that share a first word, by where that word starts in them and their length: an alias is
    in a text when the slice around an occurrence of the word is the alias, so a text is searched once per
    occurrence and shape, not once per alias."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.shapes: set[tuple[int, int]] = set()  # (where the word starts in the alias, the alias's length)

    def add(self, alias: str, key: str, start: int) -> None:
        self.keys[alias] = key
        self.shapes.add((start, len(alias)))

    def found(self, word: str, text: str) -> set[str]:
        keys = set()
        at = text.find(word)
        while at >= 0:
            for start, length in self.shapes:
                if at >= start and (key := self.keys.get(text[at - start : at - start + length])):
                    keys.add(key)
            at = text.find(word, at + 1)
        return keys


NOTES_PER_PROCESS = 2  # fewer notes a process and forking costs more than it saves (measured on the corpus: 5 notes)
READ_BYTES_PER_PROCESS = 64_000  # the first pass forks from this many bytes of notes a process (reading is ~0.5 MB/s;
# a process costs ~0.05 CPU s to start and to send its documents back: the corpus's 32 kB are read in one)
_READER: list[Reader] = []  # the reader last made in this process (forked processes inherit it)


def reader_for(table: NameTable) -> Reader:
    """The Reader of `table`, made on first use in each process and kept while the names stay the same (a Dask
    worker keeps it between documents, a process that ingests again between ingests)."""
    if not _READER or (_READER[0].table is not table and _READER[0].names != names_of(table)):
        _READER[:] = [Reader(table)]
    return _READER[0]


def names_of(table: NameTable) -> tuple[object, ...]:
    """What a Reader is made from: every entity and alias, in order, and the case-sensitive aliases."""
    return tuple(table.aliases.items()), tuple(table.entities.values()), frozenset(table.case_sensitive)


def extract(docs: list[Document], table: NameTable, nlp: Language | None = None, *, workers: int = 1) -> Extraction:
    """Facts from documents. With workers > 1, documents are shared among forked processes, each piping
    its documents' statements through its copy of the pipeline."""
    _READER[:] = [Reader(table, nlp)]  # forked processes inherit it
    processes = workers if workers > 1 and len(docs) >= 4 * workers else 1
    out = Extraction()
    for part in fan_out(_extract_document, docs, table, processes=processes):
        out.facts.extend(part.facts)
        out.statements += part.statements
        out.passages.extend(part.passages)
        out.evidence_only += part.evidence_only
    return out


def _extract_document(doc: Document, table: NameTable) -> Extraction:
    return reader_for(table).extract(doc)


def passages(outline: Outline) -> Iterator[Passage]:
    """Every statement of a note as a passage, with the entity the outline says it is about; a table row
    also gives one passage per cell, about its column's entity."""
    doc = outline.doc
    for st, sdoc, ctx in zip(doc.statements, outline.docs, outline.contexts, strict=True):
        section = section_path(doc, st)
        topic = own_topic(st, sdoc) if st.kind == "heading" else ctx.topic
        about = (topic,) if topic else ()
        up = doc.parent(st)
        under = up.line if up else 0
        yield Passage(doc.name, st.line, st.raw, section, passage_kind(doc, st), about, under)
        if st.kind == "row" and st.parent is not None:
            heads = column_entities(outline, doc.statements[st.parent])
            for n, text in cell_spans(st):
                head = heads[n] if n < len(heads) else None
                yield Passage(doc.name, st.line, text, section, "cell", (head,) if head else about, under)


def mostly_words(text: str, names: set[str], share: float = 0.6) -> bool:
    """Is a value mostly words or known names? OCR residue of a diagram ('0.5 os os iontoiner Container',
    'Free Her of LOOD') is not, and makes no fact."""
    tokens = [t for t in re.findall(r"[A-Za-z]+", text) if len(t) > 1]
    if not tokens:
        return bool(re.search(r"\d", text))
    if len({t.lower() for t in tokens}) <= len(tokens) / 2:  # "Apps Apps Apps 0 entainer Container Container"
        return False
    known = sum(
        1 for t in tokens if (t.lower() in english_words() or t.lower() in names or (t.isupper() and len(t) <= 6))
    )
    return known / len(tokens) >= share


def diagram_cells(text: str) -> bool:
    """Is a line of OCR text three or more short cells split by tabs ('Spot Instance<tab>Processed<tab>53',
    'Apps<tab>Apps<tab>0<tab>entainer')? Those are a diagram's labels laid out in columns, not a statement."""
    cells = [c for c in re.split(r"\t+", text.strip()) if c.strip()]
    return len(cells) >= 3 and all(len(c.split()) <= 3 for c in cells)


def residue(fact: Fact, names: set[str]) -> bool:
    """Is an OCR fact read from a diagram's labels, or is its value mostly not words?"""
    return diagram_cells(fact.evidence.text) or not (fact.object_is_entity or mostly_words(fact.object, names))


def short_forms(names: Sequence[str]) -> set[str]:
    """The names that cut a longer one short inside its word and are an English word themselves ('Node' of
    'Node.js', 'Dynamo' of 'DynamoDB'); a plural ('containers') or the label itself is no short form."""
    words = english_words()
    return {
        a
        for a in names[1:]
        if a.isalpha()
        and a.lower() in words
        and a.lower() != names[0].lower()
        and any(
            n.lower().startswith(a.lower()) and n[len(a) :].lower() not in ("s", "es") and not n[len(a)].isspace()
            for n in names
            if len(n) > len(a)
        )
    }


def short_form_only(names: Sequence[str], text: str) -> bool:
    """Does a note name an entity (label first, then aliases) only by a short form ('Node' in notes on
    Kubernetes, which never write 'Node.js')? Then the word is the note's own, not that entity."""
    short = short_forms(names)
    return bool(short) and not any(
        re.search(rf"(?i)(?<![\w.]){re.escape(n)}(?!\w)", text) for n in names if n not in short
    )


def foreign(fact: Fact, named: set[int], table: NameTable) -> bool:
    """A fact about another vendor's product than the note names: 'Artifacts' in notes on one vendor is not
    the gazetteer's product of that name of another vendor (read through its vendor-less alias)."""
    keys = [fact.subject, fact.object] if fact.object_is_entity else [fact.subject]
    return any(vocabulary().foreign(table.entities[k].label, named) for k in keys if k in table.entities)


def link_only(st: Statement) -> bool:
    """Is the line nothing but a link ('[Learning Module](https://...)', '<https://...>')?"""
    bare = LINKS.sub("", st.raw)
    return bare != st.raw and not re.search(r"[A-Za-z0-9]", re.sub(r"^\W*[-*+]\s", "", bare))


LINKS = re.compile(r"!?\[[^\]]*\]\([^)]*\)|<https?://[^>]*>|https?://\S+")


def is_header_item(doc: Document, st: Statement, sdoc: Doc) -> bool:
    """A question ('Why use AWS Lambda?'), a comparison ('Use Docker or Virtual Machines') or a kind of list
    ('Publish types') that heads a list is a heading in bullet form: it states nothing itself."""
    if st.text.rstrip().endswith("?"):
        return True
    has_children = st.index + 1 < len(doc.statements) and doc.statements[st.index + 1].parent == st.index
    if has_children and kind_of_list(st.text) and not st.label:
        return True  # "Publish types" over its kinds
    return has_children and bool(COMPARE_WORDS.search(st.text)) and len({e.ent_id_ for e in sdoc.ents}) == 2


def topic_compound(cand: Candidate, ctx: Context, table: NameTable) -> Iterator[Candidate]:
    """'Batch jobs ... run on ECS' under 'AWS Batch': what the service's jobs do, the service does."""
    topic = ctx.topic
    if not topic or topic == cand.subject or cand.predicate not in OBJECT_RELATIONS or not cand.object_is_entity:
        return
    subject = table.entities.get(cand.subject)
    if subject is None or subject.type != "Concept" or cand.object == topic:
        return
    head = subject.label.split()[0].lower()
    if head in {a.lower() for a in table.entities[topic].aliases}:
        yield cand._replace(subject=topic, rule=cand.rule + "+topic")


def _content(text: str) -> set[str]:
    return {lemma(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and w not in NEGATIONS}


def negation_contrasts(
    found: list[tuple[Statement, Candidate]], table: NameTable
) -> Iterator[tuple[Statement, Candidate]]:
    """ECS 'You must provision the infrastructure' vs Fargate 'You do not provision the infrastructure':
    the same point stated for two services, once negated, compares them."""
    points = [
        (
            st,
            c,
            _content(c.object),
            bool(set(re.findall(r"[a-z']+", c.object.lower())) & (NEGATIONS | {"don't"})),
        )
        for st, c in found
        if c.predicate in ("has_property", "requires") and not c.object_is_entity
    ]
    seen = set()
    for st, c, words, negated in points:
        if not negated or len(words) < 2:
            continue
        for _, d, other, other_neg in points:
            if other_neg or d.subject == c.subject or (c.subject, d.subject) in seen:
                continue
            if table.entities[c.subject].type != table.entities[d.subject].type:
                continue
            if len(words & other) >= 2 and len(words & other) / max(len(words), len(other)) >= 0.5:  # one point
                seen.add((c.subject, d.subject))
                first, second = table.entities[c.subject].label, table.entities[d.subject].label
                contrast = f"{first}: {c.object}; {second}: {d.object}"
                yield (
                    st,
                    Candidate(c.subject, "compared_with", d.subject, True, "negation_contrast", contrast),
                )


def to_facts(doc: Document, found: Iterable[tuple[Statement, Candidate]]) -> Iterator[Fact]:
    onto = load_ontology()
    seen = set()
    for st, c in found:
        if not c.object or (c.object_is_entity and c.object == c.subject):
            continue
        if not c.object_is_entity and not re.search(r"[A-Za-z]{3}|\d", STOPWORDS.sub("", c.object)):
            continue  # "requires to": no value left
        if not c.object_is_entity and fragment(c.object, c.predicate):
            continue  # "your own library, or": a phrase cut off
        if c.predicate == "is_a" and not c.object_is_entity and LIKENESS.match(c.object):
            continue  # "almost the same as Azure PowerShell": a comparison, not a kind
        if c.predicate == "is_a" and not c.object_is_entity and CHOICE.match(c.object):
            continue  # "either batch and aggregate or ...": a choice between alternatives, not a kind
        if c.predicate == "is_a" and not c.object_is_entity and verb_phrase(c.object):
            continue  # "provided by linearizable systems": a passive, not a kind
        if c.predicate == "is_a" and not c.object_is_entity and CLAUSE.match(c.object):
            c = c._replace(predicate="has_property")  # "when every read can be sequenced": a saying, not a kind
        if c.object_is_entity and c.predicate != "compared_with" and CONTRAST.search(st.text):
            continue  # "X offers 24 hours retention vs. KDF": the other side of a contrast, not X's object
        section = next((a.text for a in doc.ancestors(st) if a.kind == "heading" or a.label), "")
        ev = Evidence(doc.name, st.line, st.raw, c.rule, c.contrast, section)
        facts = [Fact(c.subject, c.predicate, c.object, c.object_is_entity, ev)]
        inverse = onto.inverse(c.predicate)
        if inverse and c.object_is_entity:
            facts.append(
                Fact(
                    c.object,
                    inverse,
                    c.subject,
                    True,
                    replace(ev, rule=c.rule + "+inverse"),
                )
            )
        for fact in facts:
            key = (fact.subject, fact.predicate, fact.object, st.index)
            if key not in seen:
                seen.add(key)
                yield fact


# ------------------------------------------------------------------ writing the graph


@dataclass
class IngestReport:
    documents: int = 0
    statements: int = 0
    entities: int = 0
    facts: int = 0  # distinct (subject, relation, object), as `kgqa facts` lists them
    evidence_only: int = 0  # statements kept as passages only: no fact was read from them
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    graph: str = ""  # the store written


def source_ntriples(doc_facts: list[Fact], table: NameTable, doc_passages: Sequence[Passage] = ()) -> bytes:
    """A source's named graph as N-Triples: the entities it names, the relations the ontology lacks, its facts
    with their evidence, and its passages."""
    onto = load_ontology()
    keys = {f.subject for f in doc_facts} | {f.object for f in doc_facts if f.object_is_entity}
    keys |= {k for p in doc_passages for k in p.about}
    lines = [entity_lines(table.entities[key]) for key in sorted(keys)]
    lines += [
        relation_lines(n, n.replace("_", " ")) for n in sorted({f.predicate for f in doc_facts} - set(onto.labels))
    ]
    lines += map(fact_lines, doc_facts)
    lines += map(passage_lines, doc_passages)
    return "".join(lines).encode("utf-8")


def seed_names(table: NameTable, config: StoreConfig, replacing: set[str], held: Store | None = None) -> None:
    """Names already in the graph (from sources not being replaced) join the table: the graph is the
    one source of names. Read from `held` when the ingest holds the store open, else from the store opened and
    closed again (not held open while the passes fork their workers)."""
    store = held or open_store(config, write=True)
    try:
        known = kg_entities(store, without=replacing)
    finally:
        if store is not held:
            store.close()
    for rec in known.values():
        table.add(rec.label, rec.type, [rec.label, *rec.aliases], key=rec.key)


@dataclass(frozen=True)
class Note:
    """A note to extract: its source name and file; with its bytes when it is sent to a cluster, whose workers
    may not see this machine's files."""

    name: str
    path: Path
    data: bytes | None = None

    def read(self) -> Document:
        if self.data is None:
            return read_document(self.path, self.name)
        with tempfile.TemporaryDirectory(prefix="kgqa-note-") as tmp:
            copy = Path(tmp) / self.path.name
            copy.write_bytes(self.data)
            try:
                return read_document(copy, self.name)
            except SourceError as exc:
                raise SourceError(str(exc).replace(str(copy), str(self.path))) from None


@dataclass(frozen=True)
class SourceResult:
    """One source extracted: its named graph as N-Triples, and what the report counts."""

    name: str
    sha256: str = ""
    ntriples: bytes = b""
    statements: int = 0
    evidence_only: int = 0
    facts: frozenset[tuple[str, str, str]] = frozenset()  # (subject, relation, object), as `kgqa facts` lists
    entities: frozenset[str] = frozenset()
    error: str = ""


KEPT_CHARS = 40_000_000  # the most text the first pass keeps read for the second (~6M words), not to parse it twice
_KEPT: dict[str, Document] = {}  # documents the first pass read, by source name; forked workers inherit them


def extract_note(note: Note, table: NameTable) -> SourceResult:
    """Read one note (or take the document the first pass kept), extract its facts and passages, and make its
    named graph's triples (in a worker)."""
    doc = _KEPT.pop(note.name, None) if note.data is None else None
    if doc is None:
        try:
            doc = note.read()
        except SourceError as exc:
            return SourceResult(note.name, error=str(exc))
    part = reader_for(table).extract(doc)
    return SourceResult(
        doc.name,
        doc.sha256,
        source_ntriples(part.facts, table, part.passages),
        part.statements,
        part.evidence_only,
        frozenset((f.subject, f.predicate, f.object) for f in part.facts),
        frozenset(k for f in part.facts for k in (f.subject, f.object) if k in table.entities),
    )


def find_names(
    files: list[SourceFile], table: NameTable, report: IngestReport, progress: bool, processes: int = 1
) -> list[Note]:
    """The first pass: read each file (in `processes` forked processes when there is enough to read), add the
    names it defines to the table, and keep the document for the second pass while the kept text stays under
    KEPT_CHARS; the notes that could be read, and the errors of those that could not."""
    notes = []
    kept = 0
    _KEPT.clear()
    if len(files) < NOTES_PER_PROCESS * processes or sum(map(size, files)) < READ_BYTES_PER_PROCESS * processes:
        processes = 1
    read = fan_out(_read, files, None, processes=processes)
    for source, doc in tqdm(
        zip(files, read, strict=True), total=len(files), desc="names", unit="file", disable=not progress, leave=False
    ):
        if isinstance(doc, str):
            report.errors.append(doc)
            continue
        discover([doc], table)
        notes.append(Note(doc.name, source.path))
        if kept + len(doc.text) <= KEPT_CHARS:
            _KEPT[doc.name] = doc
            kept += len(doc.text)
    return notes


def size(source: SourceFile) -> int:
    """The bytes a file holds (0 when it cannot be looked at: reading it says why)."""
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def _read(source: SourceFile, _: None) -> Document | str:
    """A file's document, or why it cannot be read."""
    try:
        return read_document(source.path, source.name)
    except SourceError as exc:
        return str(exc)


def with_bytes(notes: list[Note]) -> Iterator[Note]:
    """Each note with its bytes, read as it is sent (a cluster's workers may not share this machine's files)."""
    for note in notes:
        try:
            yield replace(note, data=read_note(note.path))
        except SourceError:
            yield note  # its worker reads it, and says why it cannot


def run_ingest(
    paths: list[Path],
    config: StoreConfig,
    *,
    progress: bool = False,
    rebuild: bool = False,
    scheduler: str = "",
    processes: int = 0,
) -> IngestReport:
    """Read the files, extract, and replace each file's named graph (`rebuild`: build a new graph of these
    files alone, whatever state the old one is in). Streams: a first pass finds the names, a second extracts
    one document at a time (in `processes` local processes, default one per core up to 4, or on the Dask
    cluster at `scheduler`) and stages its named graph as soon as it is done. The store is written only when
    every source is staged, in one transaction or bulk load (on a SPARQL server, one request per batch of whole
    sources), so a failed or killed ingest leaves the previous graph whole. Unreadable files are reported, not
    fatal."""
    started = time.perf_counter()
    report = IngestReport(graph=config.describe())
    files = discover_files(paths)
    table = load_gazetteer()
    processes = processes or min(os.cpu_count() or 1, 4)
    forks = bool(scheduler) or len(files) >= NOTES_PER_PROCESS * processes
    held = None if rebuild or forks else open_store(config, write=True)  # nothing forks: opened once, read, written
    try:
        return _ingest(files, table, config, report, held, rebuild, progress, scheduler, processes, started)
    finally:
        if held is not None:
            held.close()


def _ingest(
    files: list[SourceFile],
    table: NameTable,
    config: StoreConfig,
    report: IngestReport,
    held: Store | None,
    rebuild: bool,
    progress: bool,
    scheduler: str,
    processes: int,
    started: float,
) -> IngestReport:
    if not rebuild:
        seed_names(table, config, {f.name for f in files}, held)
    notes = find_names(files, table, report, progress, 1 if scheduler else processes)
    if not notes:
        report.errors.append("no readable notes: the graph was left as it was")
        return report
    if not rebuild and len(notes) < len(files):
        seed_names(table, config, {n.name for n in notes}, held)  # the graphs of unreadable files stay: their names too
    if len(notes) < NOTES_PER_PROCESS * processes:
        processes = 1
    if processes > 1 and not scheduler:
        reader_for(table)  # made once, before the processes fork
    fact_keys: set[int] = set()
    entities: set[str] = set()
    results = fan_out(
        extract_note,
        with_bytes(notes) if scheduler else notes,
        table,
        processes=processes,
        scheduler=scheduler,
    )

    def sources() -> Iterator[SourceGraph]:
        for result in tqdm(results, total=len(notes), desc="extracting", disable=not progress, leave=False):
            if result.error:
                report.errors.append(result.error)
                continue
            report.documents += 1
            report.statements += result.statements
            report.evidence_only += result.evidence_only
            fact_keys.update(map(hash, result.facts))
            entities.update(result.entities)
            yield SourceGraph(result.name, result.sha256, ntriples=result.ntriples)

    try:
        staged = stage(
            sources(), into=config, rebuild=rebuild
        )  # the store is opened after: no process forks with it open
    finally:
        _KEPT.clear()
    try:
        if held is not None:
            held.replace_staged(staged)  # closed by run_ingest
        else:
            store = open_store(config, write=True, rebuild=rebuild)
            try:
                store.replace_staged(staged)
            finally:
                store.close()
    finally:
        staged.close()
    report.facts = len(fact_keys)
    report.entities = len(entities)
    report.seconds = time.perf_counter() - started
    return report
