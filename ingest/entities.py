"""Finding entities the gazetteer does not list, from the structure of the notes:
acronym definitions ("ECS = Elastic Container Service", "Amazon ECR (Elastic Container Registry)"),
vendor-prefixed names ("Amazon X", "Azure X": data/vocabulary.toml), short headings, and capitalised noun phrases."""

import re
from collections.abc import Iterator

from rapidfuzz.distance import Levenshtein
from spacy.lang.en.stop_words import STOP_WORDS

from ingest.names import NameTable
from ingest.nlp import fold
from ingest.sources import Document, Statement
from ingest.vocabulary import SERVICE, vocabulary
from kg.lexicon import english_words, lemma, verbs_only, word_classes
from kg.model import slug

_ACR = r"[A-Z][A-Za-z0-9]{1,7}"
_LONG = r"[A-Z][\w.-]*(?:\s+[A-Za-z][\w.-]*){1,6}"
DEFINITIONS = (  # the first writes no bracket; the others cannot match a text without one
    re.compile(rf"^(?P<acr>{_ACR})\s*(?:==?|:|-)\s*(?P<long>{_LONG})\s*[.!]?$"),
    re.compile(rf"(?P<long>{_LONG})\s*\((?P<acr>{_ACR})\)"),
    re.compile(rf"\b(?P<acr>{_ACR})\s*\((?P<long>{_LONG})\)"),
    re.compile(rf"(?P<acr>{_ACR})\s*==?\s*(?P<long2>{_ACR})\s*\((?P<long>{_LONG})\)"),
)
VENDOR_NAME = re.compile(
    rf"\b(?P<prefix>{vocabulary().prefix_pattern()})\s+(?P<name>(?:[A-Z][A-Za-z0-9-]*|[A-Z0-9]*[A-Z][A-Z0-9]+)(?:\s+(?:[A-Z][A-Za-z0-9-]*|[0-9]+|\+\s+[A-Z][A-Za-z0-9-]*))*)"
)
CAPITALISED = re.compile(
    r"(?<![\w.])(?:[A-Z][a-z]+[A-Za-z]*|[A-Z]{2,}[a-z]?)(?:\s+(?:[A-Z][a-z]+[A-Za-z]*|[A-Z]{2,}s?))+"
)
GENERIC = vocabulary().generic | frozenset(p.lower() for p in vocabulary().prefixes)
CATEGORY_WORDS = vocabulary().category_words
PARTICLES = frozenset({"out", "up", "down", "off"})  # "Fan out", "Scale up": a name may end with one
MINOR = frozenset({"of", "and", "or", "the", "for", "to", "in", "on", "a", "an", "with"})


def initials_match(acronym: str, long: str) -> bool:
    """'ECS' ~ 'Elastic Container Service'; 'FaaS' ~ 'Function as a Service' (minor words optional)."""
    letters = re.sub(r"[^a-z]", "", acronym.lower())
    words = re.findall(r"[A-Za-z][\w-]*", long)
    if len(letters) < 2 or len(words) < 2:
        return False  # "S3" ~ "Service" is no definition
    every = "".join(w[0].lower() for w in words)
    major = "".join(w[0].lower() for w in words if w.lower() not in MINOR)
    return bool(letters) and letters in (every, major)


def singular(phrase: str) -> str:
    """'Docker Repositories' -> 'Docker Repository' (the last word, by spaCy's lookup lemmas)."""
    head, _, last = phrase.rpartition(" ")
    if re.fullmatch(r"[A-Z0-9]{2,}s", last):  # "APIs" -> "API"
        return f"{head} {last[:-1]}".strip()
    if last.isupper() or not last.lower().endswith("s"):
        return phrase
    base = lemma(last)
    if base == last.lower():
        return phrase
    base = base[:1].upper() + base[1:] if last[:1].isupper() else base
    return f"{head} {base}".strip()


def acronym_pairs(text: str) -> Iterator[tuple[str, str]]:
    for pattern in DEFINITIONS if "(" in text else DEFINITIONS[:1]:
        for m in pattern.finditer(text):
            acr, long = m["acr"], m["long"]
            words = long.split()
            for n in range(len(words), 0, -1):  # the shortest tail of the long form the initials fit
                cand = " ".join(words[-n:])
                if initials_match(acr, cand):
                    yield acr, cand
                    break


def near_known(name: str, table: NameTable) -> bool:
    """A damaged spelling of a name we have ('Amazon API Goteway', 'Docker Repositones') is no new entity;
    a known name with more or fewer words ('Kinesis Data Streams API', 'S3 Standard') is no damaged spelling."""
    if extends_known(name, table):
        return False
    folded = fold(name)
    hit = table.closest(folded, 0.8)
    if hit is None:
        return False
    if hit[0] != folded and (hit[0].startswith(folded) or folded.startswith(hit[0])):
        return False  # 'S3 Standard' beside 'S3 Standard-IA': a shorter name, not a damaged one
    return not sibling_name(name, hit[1], table)


def sibling_name(name: str, other: str, table: NameTable) -> bool:
    """'S3 Standard' beside 'SQS Standard': the words that differ are each a known name, so these are two
    products of two things, not one name spelled twice."""
    mine, theirs = name.lower().split(), other.lower().split()
    differ = [(a, b) for a, b in zip(mine, theirs, strict=False) if a != b]
    return (
        len(mine) == len(theirs)
        and bool(differ)
        and all(table.key_for(a) and table.key_for(b) and table.key_for(a) != table.key_for(b) for a, b in differ)
    )


def extends_known(name: str, table: NameTable) -> bool:
    """Does the name open or end with a known name of two or more words, and add whole words to it?"""
    words = name.split()
    return any(
        table.key_for(" ".join(part)) is not None for n in range(2, len(words)) for part in (words[:n], words[-n:])
    )


def discover(docs: list[Document], table: NameTable) -> None:
    """Add to `table` the names these documents define or imply."""
    for doc in docs:
        for st in doc.statements:
            for acr, long in acronym_pairs(st.text):
                _alias_pair(table, acr, long, st.text)
            for m in VENDOR_NAME.finditer(st.text):
                after = re.match(r"\s+([a-z]+)", st.text[m.end() :])
                if after and after[1] not in STOP_WORDS and lemma(after[1]) not in word_classes()["verb"]:
                    continue  # "Azure Cost management", "Azure Data services": a longer name, lower-cased
                if re.match(r"\s+(?:and|or)\s+[A-Z]", st.text[m.end() :]) and not table.key_for(m[0]):
                    continue  # "Azure Management and Governance": a topic of two words, no name
                _vendor_name(m["prefix"], _trim(m["name"]), table)
        _heading_acronyms(doc, table)
        parents = {st.parent for st in doc.statements if st.parent is not None}
        before = set(table.entities)
        for st in doc.statements:
            if st.kind == "item" and st.index in parents and not st.label and not st.raw.rstrip().endswith(":"):
                _outline_concept(st.text, table)
            elif st.kind == "item" and (said := KIND_STATEMENT.match(st.text)):
                _outline_concept(said["name"], table, noun=True)
            elif st.kind == "heading" and st.index in parents and concept_heading(doc, st):
                _outline_concept(st.text, table)
            elif st.kind == "item" and st.label and glossary_entry(st):
                _outline_concept(st.label, table)
            elif st.kind == "item" and st.label and (parent := doc.parent(st)) is not None:
                _kind_label(st.label, parent.text, table)
            elif st.kind == "heading" and (st.text.endswith("?") or is_definition_question(st.text)):
                _question_concept(st.text, table)
            elif st.kind == "table":
                _table_concepts(doc, st, table)
            if st.kind == "heading":
                for side in comparison_sides(st.text):
                    _compared_concept(side, table)
                    _side_full_name(doc, st, side, table)
            if st.kind == "heading" and st.index > 0:  # the first line is the document's title
                _heading_name(st.text, table)
                _named_subject(st.text, table)
            elif st.kind != "heading":
                _capitalised(st.text, table, strict=doc.format == "text")
                _named_subject(st.label or _defined_term(st.text), table)
        _written_aliases(doc, set(table.entities) - before, table)


IDENTIFIER = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+")  # "PutRecords": a name written as code
VERSUS = re.compile(r"(?i)\s+(?:vs\.?|versus)\s+")


def comparison_sides(text: str) -> list[str]:
    """'OLAP vs OLTP', 'KDS vs. Amazon DynamoDB streams': the two things a heading compares (none when it
    compares more, or a side is a phrase rather than a name)."""
    sides = [s.strip(" :?") for s in VERSUS.split(text)]
    if len(sides) != 2 or any(not 1 <= len(s.split()) <= 4 or not NAME_SHAPE.fullmatch(s) for s in sides):
        return []
    return sides


def _compared_concept(side: str, table: NameTable) -> None:
    """A side of a comparison heading names a thing, even a common noun ('Amazon DynamoDB streams')."""
    if table.key_for(side) or table.key_for(singular(side)):
        return
    if vocabulary().vendor_of(side)[0] and len(side.split()) > 2 and not near_known(side, table):
        table.add(side, "Concept", [side])
        return
    _outline_concept(side, table, noun=True)


def _side_full_name(doc: Document, heading: Statement, side: str, table: NameTable) -> None:
    """'Standard vs FIFO' > 'FIFO queue = ...': an item under the heading that names a side and one noun
    gives the side's full name; when the note also writes that noun after a known name ('SQS queue'),
    the name with it in front ('SQS FIFO queue') is the side's too."""
    key = table.key_for(side) or table.key_for(singular(side))
    if key is None:
        return
    for st in doc.statements:
        if st.parent != heading.index or st.kind != "item":
            continue
        m = re.match(rf"^{re.escape(side)}\s+([a-z]{{3,}})\b\s*(?:$|:|==?\s)", st.label or st.text)
        if not m or m[1] in STOP_WORDS or lemma(m[1]) in verbs_only():
            continue
        noun = m[1]
        table.add_alias(key, f"{side} {noun}")
        for owner in re.findall(rf"\b([A-Z][\w-]*)\s+{noun}s?\b", doc.text):
            found = table.key_for(owner)
            if found and found != key and table.entities[found].type == SERVICE:
                table.add_alias(key, f"{owner} {side} {noun}")


KIND_STATEMENT = re.compile(r"^(?P<name>[A-Z][A-Z0-9]{1,6})\s+(?:is|are)\s+(?:an?|one)\s+\w")


def concept_heading(doc: Document, st: Statement) -> bool:
    """A heading that is a short common noun phrase of English words ('Total order', not 'Lambda Working'
    nor OCR's 'Cacharda and Cacha') with statements of its own under it names a concept; a plural one
    ('Isolation levels') names the kind of what it lists."""
    words = st.text.split()
    after = doc.statements[st.index + 1] if st.index + 1 < len(doc.statements) else None
    return (
        1 < len(words) <= 3
        and all(w.islower() and w in english_words() and w not in MINOR for w in words[1:])
        and words[0].lower() in english_words()
        and not st.text.endswith("?")
        and not VERSUS.search(st.text)
        and after is not None
        and after.kind == "item"
        and after.parent == st.index
        and singular(st.text) == st.text
        and vocabulary().category(st.text) is None
    )


def _written_aliases(doc: Document, keys: set[str], table: NameTable) -> None:
    """Other spellings of the concepts a note names that the note itself writes: a near spelling of a word
    that is no English word ('linearilability' / 'linearizability'), and the name with the kind of the list
    it heads ('snapshot' under 'Isolation levels' is written 'snapshot isolation')."""
    if not keys:
        return
    words = set(re.findall(r"[a-z]{6,}", doc.text.lower()))
    for key in keys:
        low = table.entities[key].label.lower()
        if " " not in low and low not in english_words() and len(low) >= 6:
            for word in words - {low}:
                if Levenshtein.normalized_similarity(word, low) >= 0.9 and not table.key_for(word):
                    table.add_alias(key, word)
    for key in keys:
        identifier, _, tail = table.entities[key].label.partition(" ")
        if tail.lower() in vocabulary().interface_tails and IDENTIFIER.fullmatch(identifier):
            alone = re.search(rf"\b{re.escape(identifier)}\b(?! {re.escape(tail)})", doc.text, re.IGNORECASE)
            if alone and not table.key_for(identifier):
                table.add_alias(key, identifier)  # "PutRecords API" is written "PutRecords" too
    for st in doc.statements:
        parent = doc.parent(st)
        kind = kind_of_list(parent.text) if parent is not None else ""
        member = table.key_for(re.sub(r"\s*\(.*$", "", st.text).strip(" :")) if kind else None
        if member is None or member not in keys:
            continue
        compound = f"{table.entities[member].label} {kind.split()[0]}"
        if re.search(rf"(?i)\b{re.escape(compound)}\b", doc.text) and not table.key_for(compound):
            table.add_alias(member, compound)


def kind_of_list(text: str) -> str:
    """'Isolation levels' -> 'isolation level', 'Publish types' -> 'publish type': a parent whose text is a
    plural noun phrase of two or three words names the kind of the things it lists ('' for any other)."""
    name = text.strip(" :")
    words = name.split()
    if not 2 <= len(words) <= 3 or not NAME_SHAPE.fullmatch(name) or singular(name) == name:
        return ""
    low = [w.lower() for w in words]
    if any(w in STOP_WORDS for w in low) or low[0] in GENERIC:
        return ""
    if vocabulary().category(name) or vocabulary().section(name):
        return ""
    return singular(name).lower()


def _vendor_name(prefix: str, written: str, table: NameTable) -> None:
    """'Azure Reservations': a service of its vendor, even where another vendor's service has the same
    core name ('AWS Pricing Calculator' does not stand for 'Azure Pricing Calculator')."""
    name = singular(written)
    first = name.split()[0].lower() if name else ""
    core = table.key_for(name) if name else None
    if not name or (all(w.lower() in GENERIC or w.lower() in STOP_WORDS for w in name.split()) and not core):
        return  # "AWS services"; but "Azure Service Health" is a name
    if first in STOP_WORDS and not core:
        return
    full = f"{prefix} {name}"
    known = table.key_for(full)
    if known and vocabulary().same_vendor(table.entities[known].label, full):
        return
    if core and (known or not vocabulary().vendor_of(table.entities[core].label)[0]):
        if not known:  # the core name is already an entity of no vendor ('Docker Hub'): the full name is its alias
            table.add_alias(core, full)
        return
    if not core and near_known(full, table):
        return
    table.add(full, SERVICE, [full, f"{prefix} {written}", name, written], key=slug(full) if core else None)


def _trim(name: str) -> str:
    """'AWS Lambda functions' -> 'AWS Lambda': generic words and what a product's things are called
    (data/vocabulary.toml) end no name."""
    words = name.split()
    while words and words[-1].lower() in GENERIC | vocabulary().name_tails:
        words.pop()
    return " ".join(words)


def _alias_pair(table: NameTable, acr: str, long: str, text: str) -> None:
    key = table.key_for(acr) or table.key_for(long) or table.key_for(singular(long))
    if key:
        table.add_alias(key, acr)
        table.add_alias(key, long)
        return
    prefixed = re.search(rf"\b({vocabulary().prefix_pattern()})\s+(?:{re.escape(acr)}|{re.escape(long)})", text)
    label = f"{prefixed.group(1)} {long}" if prefixed else long
    table.add(label, SERVICE if prefixed else "Concept", [label, long, acr])


def _heading_acronyms(doc: Document, table: NameTable) -> None:
    """A heading 'ECR' followed by 'Elastic Container Registry' (or 'Elastic Container Service: ...')."""
    for st in doc.statements:
        if st.kind != "heading" or not re.fullmatch(_ACR, st.text) or not st.text[1:].isupper():
            continue
        for child in doc.statements[st.index + 1 : st.index + 3]:
            long = child.label or child.text
            if child.kind == "item" and initials_match(st.text, long) and len(long.split()) <= 6:
                _alias_pair(table, st.text, long, long)
                break


def _heading_name(text: str, table: NameTable) -> None:
    m = re.match(r"(?i)^(?:what(?:'s| is| are)|why(?: use)?)\s+(.+?)\s*\??$", text)
    name = (m.group(1) if m else text).strip(" ?:")
    if not name or lemma(name.split()[0]) in verbs_only() or vocabulary().section(name):
        return  # "Why Decouple?" asks about doing, not about a thing; "Resilience" is a topic area
    words = name.split()
    if not 1 <= len(words) <= 3 or any(w.lower() in GENERIC for w in words) or table.key_for(name):
        return
    if vocabulary().category(name):
        return  # "KPL Features": a category heading
    if any(table.key_for(w) for w in words) or not all(w[:1].isupper() for w in words):
        return
    if re.fullmatch(r"[A-Za-z][\w.+#-]*(?:\s+[A-Za-z][\w.+#-]*)*", name):
        table.add(singular(name), "Concept", [name, singular(name)])


NAME_SHAPE = re.compile(r"[A-Za-z][\w.+#/'-]*(?:\s+[A-Za-z0-9][\w.+#/'-]*){0,4}")
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
LEADING_STOPS = frozenset("this these that those it they there some each every any all i you we".split())


def _table_concepts(doc: Document, header: Statement, table: NameTable) -> None:
    """A comparison table's header ('Aspect | InnoDB | MyISAM') names what it compares; a term table's
    first column ('Term | Definition') names the terms it defines."""
    cells = header.cells
    if len(cells) >= 3 and vocabulary().aspect_column(cells[0]):
        for cell in cells[1:]:
            _outline_concept(cell, table)
    elif len(cells) >= 2 and any(vocabulary().defines(c) for c in cells[1:]):
        for row in doc.statements[header.index + 1 :]:
            if row.kind != "row" or row.parent != header.index:
                break
            if row.cells and row.cells[0]:
                _outline_concept(row.cells[0], table)


def _outline_concept(text: str, table: NameTable, *, noun: bool = False) -> None:
    """A list item that its children describe ('read committed'), or a glossary term ('Initiative: ...'):
    the outline names a concept, even a common noun. Phrases that say something (verbs, sentence
    punctuation, category words) name none."""
    name = re.sub(r"\s*\(.*\)\s*$", "", re.sub(r"^[^\w(]+", "", text)).strip(" :*_")
    words = name.split()
    if not words or not NAME_SHAPE.fullmatch(name) or table.key_for(name) or table.key_for(singular(name)):
        return
    if vocabulary().section(name):
        return
    low = [w.lower() for w in words]
    if low[0] in LEADING_STOPS or (low[0] in STOP_WORDS and low[0] not in NUMBER_WORDS):
        return
    if (
        low[0] in GENERIC
        or any(w in CATEGORY_WORDS for w in low)
        or (len(words) > 1 and low[-1] in STOP_WORDS - PARTICLES)
    ):
        return
    if not noun and (lemma(low[0]) in verbs_only() or low[0].endswith("ly")):  # "Use X", "literally ...": a saying
        return
    if low[0].endswith(("ed", "ing")) and lemma(low[0]) != low[0]:  # "Supported engines", "Limited throughput"
        return
    if len(words) == 1 and not (words[0][:1].isupper() or len(words[0]) > 3):
        return
    if near_known(name, table):
        return
    table.add(name, "Concept", [name, singular(name)] if singular(name) != name else [name])


def glossary_entry(st: Statement) -> bool:
    """'**ReplicaSet**: keeps ...', 'Artifacts: a component in ...': a term set off in bold as a paragraph, or
    followed by a noun phrase that opens with an article, defines it; 'Max item size: 400 KB' gives a value."""
    # a bold term opening a paragraph ('**ReplicaSet**: keeps ...'); one in a list under a topic is its aspect
    # ('- **Retention**: ...' under SNS), and defines a term only as an article opens its body
    bold = not st.bulleted and bool(re.match(r"^(\*\*|__)[^*_]+(\*\*|__)\s*:", st.raw.strip()))
    return bool(st.body) and (bold or bool(re.match(r"(?i)(an?|the)\s", st.body)))


QUESTION_NAME = re.compile(r"(?i)^(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?P<name>[^?]{2,60}?)\s*\??$")


def is_definition_question(text: str) -> str:
    """'What is a lifecycle policy?' -> 'lifecycle policy': the question asks what the thing is."""
    m = QUESTION_NAME.match(text.strip())
    if not m or len(m["name"].split()) > 6 or re.search(r"(?i)\b(of|for|to|with|between|and)\b", m["name"]):
        return ""
    return m["name"]


SCOPED = re.compile(r"^(?P<term>.+?)\s+(?:in|on)\s+(?:the\s+context\s+of\s+)?(?P<scope>[\w .-]{1,40})$")


def _question_concept(text: str, table: NameTable) -> None:
    """'What is a object in S3?' names 'S3 object' (and is matched as written); 'What is S3 cross-region
    replication (CRR)?' names it with its acronym and without the name it opens with."""
    name = is_definition_question(text)
    if not name:
        return
    acronym = re.search(r"\(([A-Z][A-Za-z0-9]{1,7})\)\s*$", name)
    name = re.sub(r"\s*\(.*\)\s*$", "", name).strip()
    label, aliases = name, [name]
    if m := SCOPED.match(name):
        term = m["term"]
        label = f"{m['scope']} {term}" if len(term.split()) == 1 and table.key_for(m["scope"]) else term
        aliases = [name, label, *(f"{term} {p} {m['scope']}" for p in ("in", "on"))]  # 'object on S3' too
    elif len(words := name.split()) > 2 and table.key_for(words[0]):  # "S3 cross-region replication"
        aliases.append(" ".join(words[1:]))
    if acronym:
        aliases.append(acronym.group(1))
    known = table.key_for(label)
    if known or near_known(label, table):
        for alias in aliases:
            if known and not table.key_for(alias):
                table.add_alias(known, alias)
        return
    before = len(table.entities)
    _outline_concept(label, table, noun=True)  # "What is a commit?": a noun, whatever else it can be
    key = table.key_for(label)
    if key and len(table.entities) > before:
        for alias in [*aliases, *(a.replace("-", "") for a in aliases if "-" in a)]:
            if not table.key_for(alias):
                table.add_alias(key, alias)


def _defined_term(text: str) -> str:
    """'EBS Snapshots = backup of the volume ...' -> 'EBS Snapshots'."""
    m = re.match(r"^([A-Z][\w.-]*(?:\s+[A-Z0-9][\w.-]*){0,3})\s*==?\s", text)
    return m.group(1) if m else ""


def _named_subject(name: str, table: NameTable) -> None:
    """A 'Label:', heading or defined term that names a product of a service we know: 'S3 Standard',
    'Snowball Edge', 'DynamoDB Accelerator (DAX)' (the acronym in brackets becomes an alias)."""
    acronym = re.search(r"\(([A-Z][A-Z0-9]{1,6})\)\s*$", name)
    name = re.sub(r"\s*\(.*$", "", name).strip()
    known = table.key_for(name)
    if acronym and known and not table.key_for(acronym.group(1)):
        table.add_alias(known, acronym.group(1))
    words = name.split()
    if not 2 <= len(words) <= 4 or not title_words(words) or table.key_for(name) or near_known(name, table):
        return
    if any(w.lower() in GENERIC or w.lower() in CATEGORY_WORDS or w.lower() in MINOR for w in words):
        return
    if vocabulary().category(" ".join(words[1:])):  # "KPL Features": what the known name has, no new name
        return
    base = table.key_for(words[0])
    if not base:
        return
    vendor = vocabulary().vendor_of(table.entities[base].label)[0]
    prefix = f"{vendor} " if vendor else ""
    extra = [acronym.group(1)] if acronym and not table.key_for(acronym.group(1)) else []
    table.add(singular(name), "Concept", [name, singular(name), *extra, *([prefix + name] if prefix else [])])


def _kind_label(label: str, parent: str, table: NameTable) -> None:
    """'File Gateway: ...' under 'AWS Storage Gateway = ...': a title-case label with the head noun of a name
    its parent line names is a kind of that thing, and a name of its own."""
    words = label.split()
    if not 2 <= len(words) <= 3 or not title_words(words) or table.key_for(label) or not NAME_SHAPE.fullmatch(label):
        return
    if any(w.lower() in GENERIC or w.lower() in CATEGORY_WORDS or w.lower() in MINOR for w in words):
        return
    named = re.search(rf"\b(?:[A-Z][\w-]*\s+)+{re.escape(words[-1])}\b", parent)
    key = table.key_for(named[0]) if named else None
    if key is not None and table.entities[key].label.split()[-1] == words[-1]:
        table.add(label, "Concept", [label, *_vendor_forms_of(label, key, table)])


def _vendor_forms_of(name: str, key: str, table: NameTable) -> list[str]:
    """'Snowball Edge' beside 'AWS Snowball': the name with the vendor prefix of the thing it is a product of."""
    vendor = vocabulary().vendor_of(table.entities[key].label)[0]
    return [f"{vendor} {name}"] if vendor else []


def title_words(words: list[str]) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() for w in words)


def plausible_name(words: list[str], table: NameTable, *, strict: bool) -> bool:
    """Is a capitalised phrase a name rather than OCR residue? Its words are not repeated, and some word
    (in plain text that may be OCR'd: every word) is an English word or a name as the table spells it."""
    if len({w.lower() for w in words}) < len(words):
        return False

    def known(w: str) -> bool:
        key = table.key_for(w)
        return w.lower() in english_words() or (key is not None and w in table.entities[key].aliases)

    return all(map(known, words)) if strict else any(map(known, words))


def names_a_subject(rest: str) -> bool:
    """Does a verb of the third person follow ('Application Insights uses ...', '... is a ...'), so that the
    capitalised words before it are the sentence's subject, not its first words?"""
    after = re.match(r"\s+([a-z]+)\b", rest)
    word = after[1] if after else ""
    third_person = word.endswith("s") and lemma(word) != word and lemma(word) in word_classes()["verb"]
    return word in ("is", "are") or third_person


def _capitalised(text: str, table: NameTable, *, strict: bool = False) -> None:
    for m in CAPITALISED.finditer(text):
        opening = m.start() == 0 or re.search(r"[:>\-]\s*$", text[: m.start()])
        if opening and not table.key_for(m.group(0).split()[0]) and not names_a_subject(text[m.end() :]):
            continue  # a capital at the start of a sentence says nothing, unless a known name or a verb follows
        words = m.group(0).split()
        while words and words[0].lower() in GENERIC:
            words.pop(0)
        if len(words) < 2 or any(w.lower() in GENERIC | CATEGORY_WORDS or w.lower() in STOP_WORDS for w in words):
            continue  # "Lambda Billing", "Batch Vs Lambda": a heading's words, not a name
        if all(w.isupper() for w in words) or lemma(words[0]) in verbs_only() or words[-1].endswith("ed"):
            continue  # "PROXY REQUESTS", "Create Thumbnails", "RAM Provisioned"
        if not plausible_name(words, table, strict=strict):
            continue  # "Mgn Magnito", "Container Container": OCR residue
        name = " ".join(words)
        if not table.key_for(name) and not table.key_for(singular(name)) and not near_known(name, table):
            base = table.key_for(words[0])
            extra = _vendor_forms_of(name, base, table) if base else []
            table.add(singular(name), "Concept", [name, singular(name), *extra])
