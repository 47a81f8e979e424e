"""The spaCy pipeline: spaCy's English tokenizer (its special cases added as needed, ingest.tokenizer) + a
lower-case lookup lemmatizer + an entity ruler built from the name table (its patterns added as needed) + an
OCR-aware fuzzy linker for damaged mentions ("Ecz" -> EC2, "Lamba" -> Lambda)."""

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from spacy.lang.en import English
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ingest.names import NameTable, plural
from ingest.rules.model import text_of, tokens
from ingest.tokenizer import LazyRules, lazy_tokenizer
from ingest.vocabulary import vocabulary
from kg.lexicon import english_words, lemma_table

# ------------------------------------------------------------------ lemmas


@Language.factory("lower_lemmatizer")
def make_lower_lemmatizer(nlp: Language, name: str) -> "LowerLemmatizer":
    return LowerLemmatizer()


class LowerLemmatizer:
    """Lookup lemmas on the lower-cased token, so that 'Supports' and 'Repositories' are found too."""

    def __init__(self) -> None:
        self.table = lemma_table()
        self.ids: dict[int, int] = {}  # a lower-cased form's string id -> its lemma's, as they are met

    def __call__(self, doc: Doc) -> Doc:
        ids, strings = self.ids, doc.vocab.strings
        for token in doc:
            lemma_id = ids.get(token.lower)
            if lemma_id is None:
                low = token.lower_
                lemma_id = ids[token.lower] = strings.add(self.table.get(low, low))
            token.lemma = lemma_id
        return doc


# ------------------------------------------------------------------ fuzzy linking of damaged mentions

_UNSPACE = re.compile(r"[\s.\-_/]")
_FOLD = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "2": "z", "5": "s", "8": "b", "$": "s"})


CAMEL_CASE = re.compile(r"[a-z][A-Z][a-z]")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A shape key that forgives what OCR confuses: 'Ecz' and 'EC2' fold to 'ecz', '53' and 'S3' to 's3'."""
    return _UNSPACE.sub("", text.lower()).translate(_FOLD)


@Language.factory(
    "ocr_linker",
    default_config={"min_similarity": 0.8, "word_similarity": 0.83, "context_similarity": 0.66},
)
def make_ocr_linker(
    nlp: Language, name: str, *, min_similarity: float, word_similarity: float, context_similarity: float
) -> "OcrLinker":
    return OcrLinker(
        min_similarity=min_similarity, word_similarity=word_similarity, context_similarity=context_similarity
    )


class OcrLinker:
    """Links tokens the ruler missed to an entity whose name they nearly spell.

    Accepts a candidate when its folded form equals a folded alias, or is within `min_similarity`; an
    ordinary English word ('Docket') needs `word_similarity` and the entity named elsewhere in the same
    document (`context`); a looser `context_similarity` is allowed for capitalised non-words in context.
    """

    def __init__(self, *, min_similarity: float, word_similarity: float, context_similarity: float) -> None:
        self.min_similarity = min_similarity
        self.word_similarity = word_similarity
        self.context_similarity = context_similarity
        self.index: dict[str, str] = {}
        self.by_length: dict[int, list[str]] = {}
        self.types: dict[str, str] = {}
        self.context: set[str] = set()
        self._cache: dict[tuple[str, bool], tuple[str, float] | None] = {}
        self._damaged: dict[str, bool] = {}
        self._damaged_ids: dict[int, bool] = {}  # the same by the token's string id
        self.prefix_words = vocabulary().prefix_words

    def set_names(self, table: NameTable) -> None:
        self.index = {}
        for alias, key in table.aliases.items():
            folded = fold(alias)
            if len(folded) >= 2 and re.search("[a-z]", folded):
                self.index.setdefault(folded, key)
        self.by_length = {}
        for folded in self.index:
            self.by_length.setdefault(len(folded), []).append(folded)
        self.types = {key: ent.type for key, ent in table.entities.items()}
        self._cache.clear()

    def _best(self, folded: str) -> tuple[str, float] | None:
        if folded in self.index:
            return folded, 1.0
        if len(folded) < 5:
            return None
        best: tuple[str, float] | None = None
        for n in range(len(folded) - 2, len(folded) + 3):
            near = process.extract(
                folded,
                self.by_length.get(n, ()),
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=self.context_similarity,
                limit=None,
            )
            for cand, score, _ in sorted(near, key=lambda hit: hit[2]):  # in the names' order: the first best wins
                if best is None or score > best[1]:
                    best = (cand, score)
        return best

    def link(self, text: str, *, prefixed: bool = False) -> str | None:
        """The entity key a (possibly damaged) name stands for, or None."""
        folded = fold(text)
        if len(folded) < 2 or not re.search("[a-z0-9]", folded):
            return None
        cache_key = (folded, prefixed)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._best(folded)
        hit = self._cache[cache_key]
        if hit is None:
            return None
        cand, score = hit
        key = self.index[cand]
        words = text.lower().split()
        if len(words) > 1 and score < 1.0 and (words[-1] in STOP_WORDS or all(w in english_words() for w in words)):
            return None  # real words ("runtime as", "Containers can", "Serverless was") are no damaged name
        is_word = text.lower() in english_words()
        in_context = key in self.context or prefixed
        if text.isdigit():
            return key if score == 1.0 and in_context else None
        if score == 1.0:
            return key if (not is_word or in_context) else None
        if CAMEL_CASE.search(text):
            return None  # "GetRecords" is written as code, exactly: not a damaged "PutRecords"
        if is_word:
            return key if in_context and score >= self.word_similarity else None
        if score >= self.min_similarity:
            return key
        capitalised = text[:1].isupper()
        return key if capitalised and in_context and len(folded) >= 6 else None

    def damaged(self, text: str) -> bool:
        """Could this token be a damaged name? Lower-case dictionary words are not."""
        known = self._damaged.get(text)
        if known is None:
            if len(self._damaged) >= 1 << 16:
                self._damaged.clear()
            known = self._damaged[text] = self._could_be_damaged(text)
        return known

    def _could_be_damaged(self, text: str) -> bool:
        if text.lower() in self.prefix_words or text.lower() in STOP_WORDS:
            return False
        if any(c.isdigit() for c in text):
            return True
        if text[:1].isupper():
            return True
        return len(text) >= 5 and text.lower() not in english_words()

    def pair_key(self, first: str, second: str) -> str | None:
        """Two tokens that spell one name: 'Light sail' exactly, 'API Goteway' nearly (one word damaged)."""
        pair = f"{first} {second}"
        if fold(pair) in self.index:
            return self.link(pair)
        if len(fold(pair)) < 6 or (first.lower() in english_words() and second.lower() in english_words()):
            return None
        return self.link(pair)

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents  # each read of doc.ents makes its spans anew
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        strings, damaged = doc.vocab.strings, self._damaged_ids
        spans: list[Span] = []
        toks = tokens(doc)
        n = len(toks)
        for i, token in enumerate(toks):
            if i in taken:
                continue
            could = damaged.get(token.orth)  # by the string's id: token.text makes a new string each time
            if could is None:
                if len(damaged) >= 1 << 16:
                    damaged.clear()
                could = damaged[token.orth] = self.damaged(strings[token.orth])
            if not could:
                continue
            text = token.text
            if not (token.is_alpha or token.like_num or token.is_ascii) or token.is_punct:
                continue
            prefixed = i > 0 and toks[i - 1].lower_ in self.prefix_words
            if i + 1 < n and i + 1 not in taken and toks[i + 1].is_alpha:
                key = self.pair_key(text, toks[i + 1].text)
                if key:
                    spans.append(Span(doc, i, i + 2, label=self.types[key], span_id=key))
                    continue
            key = self.link(text, prefixed=prefixed)
            if key:
                spans.append(Span(doc, i, i + 1, label=self.types[key], span_id=key))
        for ent in ents:  # a name the ruler matched in part: "API Goteway", "Docker Repositones"
            nxt = ent.end
            if len(ent) == 1 and nxt < n and nxt not in taken and toks[nxt].is_alpha and self.damaged(toks[nxt].text):
                key = self.pair_key(ent.text, toks[nxt].text)
                if key and key != ent.ent_id_:
                    spans.append(Span(doc, ent.start, nxt + 1, label=self.types[key], span_id=key))
        if spans:
            doc.ents = filter_spans([*ents, *spans])
        return doc


# ------------------------------------------------------------------ the pipeline


@Language.factory("exact_case")
def make_exact_case(nlp: Language, name: str) -> "ExactCase":
    return ExactCase()


class ExactCase:
    """Drops matches of names that are also ordinary words unless written as listed: 'Batch' is AWS
    Batch, 'batch' is not. (Cheaper than token patterns: the phrase matcher finds them, this filters.)"""

    def __init__(self) -> None:
        self.forms: set[str] = set()
        self.lowered: set[str] = set()

    def set_forms(self, forms: set[str]) -> None:
        self.forms = forms
        self.lowered = {f.lower() for f in forms}

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents  # each read of doc.ents makes its spans anew
        if any(e.text.lower() in self.lowered for e in ents):
            doc.ents = [e for e in ents if e.text.lower() not in self.lowered or e.text in self.forms]
        return doc


@Language.factory("longer_names")
def make_longer_names(nlp: Language, name: str) -> "LongerNames":
    return LongerNames()


class LongerNames:
    """Drops a match of a name's last words inside a longer capitalised name: 'Portal' in 'Service Trust
    Portal' is not 'Azure Portal', though 'Portal' alone may be. A capitalised word opening the text
    ('Use Lambda') does not make a longer name by itself."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}

    def set_labels(self, table: NameTable) -> None:
        self.labels = {key: ent.label.lower() for key, ent in table.entities.items()}

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents  # each read of doc.ents makes its spans anew
        kept = [e for e in ents if not self.tail_of_longer(doc, e)]
        if len(kept) < len(ents):
            doc.ents = kept
        return doc

    def tail_of_longer(self, doc: Doc, ent: Span) -> bool:
        label, text = self.labels.get(ent.ent_id_, ""), ent.text.lower()
        if not label.endswith(" " + text):
            return False
        i, toks = ent.start, tokens(doc)
        while i > 0 and toks[i - 1].is_title and toks[i - 1].is_alpha and not toks[i - 1].is_stop:
            if toks[i - 1].ent_type_ or toks[i - 1].lower_ in label.split():
                return False  # "Azure Portal" written whole, or another name before it
            i -= 1
        capitals = ent.start - i
        return capitals >= 2 or (capitals == 1 and i > 0)


def case_forms(table: NameTable) -> set[str]:
    """The exact spellings (with plurals) of the gazetteer's case-sensitive names."""
    forms = set()
    for original in table.case_sensitive:
        forms.add(original)
        head, _, last = original.rpartition(" ")
        forms.add((head + " " if head else "") + plural(last))
    return forms


class Pattern(NamedTuple):
    label: str  # the entity's type
    key: str
    text: str  # matched on its tokens' lower-case forms


def ruler_patterns(table: NameTable) -> Iterable[Pattern]:
    """Phrase patterns (matched lower-cased) for every alias and its plural."""
    for alias, key in table.aliases.items():
        ent = table.entities[key]
        original = next((a for a in ent.aliases if a.lower() == alias), alias)
        forms = {original}
        if original[-1:].isalpha():
            head, _, last = original.rpartition(" ")
            forms.add((head + " " if head else "") + (last + "s" if last.isupper() else plural(last)))
        for form in forms:
            yield Pattern(ent.type, key, form)


ANCHOR = 3  # characters of a pattern's squeezed text it is looked for by
PREFIX = 8  # characters of a pattern's squeezed text that pick it among those of its anchor
FEW_PREFIXES = 4  # an anchor with no more prefixes has each looked for in the text, without finding the anchor
EAGER_CHARS = 2_000_000  # text matched before every pattern left is added (looking costs ~25 µs a statement)


def squeezed(text: str) -> str:
    """Lower case without whitespace (and one sigma for two): every text a pattern matches holds the pattern's
    squeezed text in its own (tokens are spans of the text, each compared lower-cased)."""
    return "".join(text.lower().split()).replace("ς", "σ")


class Found(NamedTuple):
    """A name matched on tokens [start, end), ordered as spaCy orders such spans: by where, then by its label's and
    its key's string ids."""

    start: int
    end: int
    label_id: int
    key_id: int
    label: str
    key: str


def first_longest(found: Iterable[Found]) -> list[Found]:
    """The matches that overlap no longer or earlier one, in text order: spacy.util.filter_spans over the spans of
    `found` in spaCy's order, without making a Span of each."""
    ordered = sorted(found)
    if all(a.end <= b.start for a, b in pairwise(ordered)):
        return ordered  # no overlaps: every match is kept (most statements)
    kept: list[Found] = []
    taken: set[int] = set()
    for f in sorted(ordered, key=lambda f: (f.end - f.start, -f.start), reverse=True):
        if f.start not in taken and f.end - 1 not in taken:
            kept.append(f)
            taken.update(range(f.start, f.end))
    return sorted(kept)


def prefixes_at(text: str, anchor: str, longest: int) -> set[str]:
    """The text's prefixes, of `anchor`'s length up to `longest` characters, from every place where `anchor` occurs."""
    found: set[str] = set()
    at = text.find(anchor)
    while at >= 0:
        found.update(text[at : at + n] for n in range(len(anchor), longest + 1))
        at = text.find(anchor, at + 1)
    return found


@Language.factory("name_ruler")
def make_name_ruler(nlp: Language, name: str) -> "NameRuler":
    return NameRuler(nlp.vocab, nlp.tokenizer)


class NameRuler:
    """The name table's aliases as entities: spaCy's span ruler with phrase patterns matched lower-cased (overlaps
    resolved first-longest, as spacy.pipeline.SpanRuler does), each pattern tokenized and added only when a text
    holds its squeezed text (see `squeezed`): a small ingest pays for the names it mentions, not the gazetteer.
    After `eager_chars` of text every pattern left is added, so a large ingest stops looking."""

    def __init__(self, vocab: Vocab, tokenizer: Callable[[str], Doc], eager_chars: int = EAGER_CHARS) -> None:
        self.tokenizer = tokenizer
        self.budget = eager_chars
        self.strings = vocab.strings
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self.labels: dict[int, tuple[int, int, str, str]] = {}  # a match id -> its label's and key's ids, label, key
        self.pending: dict[str, dict[str, list[tuple[str, Pattern]]]] = {}  # an anchor -> a prefix -> (squeezed
        # text, pattern) not added: "aws" holds every "AWS …" name, its prefix "awsxyz" only a few
        self.expected = ""  # a text whose patterns are all added: the texts inside it need no look

    def set_patterns(self, patterns: Iterable[Pattern]) -> None:
        now = []
        for pattern in patterns:
            text = squeezed(pattern.text)
            if len(text) < ANCHOR:
                now.append(pattern)
            else:
                group = self.pending.setdefault(text[:ANCHOR], {})
                group.setdefault(text[:PREFIX], []).append((text, pattern))
        self._add(now)

    def __call__(self, doc: Doc) -> Doc:
        if self.pending and (text := text_of(doc)) not in self.expected:
            self._add_for(text)
        labels = self.labels
        found = {Found(start, end, *labels[m]) for m, start, end in self.matcher(doc) if start != end}
        doc.ents = [Span(doc, f.start, f.end, label=f.label, span_id=f.key) for f in first_longest(found)]
        return doc

    def expect(self, text: str) -> None:
        """Adds every pattern `text` could match, so that its parts (a document's statements) are matched without
        a look each: a part's squeezed text is in the whole's."""
        if self.pending:
            self._add_for(text)
        self.expected = text

    def _add_for(self, text: str) -> None:
        self.budget -= len(text)
        pending = self.pending
        if self.budget < 0:
            self._add(pattern for group in pending.values() for texts in group.values() for _, pattern in texts)
            pending.clear()
            return
        joined = squeezed(text)
        for anchor in {joined[i : i + ANCHOR] for i in range(len(joined) - ANCHOR + 1)} & pending.keys():
            group = pending[anchor]
            few = len(group) <= FEW_PREFIXES
            for prefix in list(group) if few else prefixes_at(joined, anchor, PREFIX) & group.keys():
                texts = group[prefix]
                found = [pattern for squeezed_text, pattern in texts if squeezed_text in joined]
                if found:
                    self._add(found)
                    if len(found) == len(texts):
                        del group[prefix]
                    else:
                        group[prefix] = [(t, pattern) for t, pattern in texts if t not in joined]
            if not group:
                del pending[anchor]

    def _add(self, patterns: Iterable[Pattern]) -> None:
        for pattern in patterns:
            self.matcher.add(pattern.key, [self.tokenizer(pattern.text)])
            ids = self.strings.add(pattern.label), self.strings.add(pattern.key)
            self.labels[ids[1]] = (*ids, pattern.label, pattern.key)


def expect(nlp: Language, text: str) -> None:
    """Readies `nlp`'s tokenizer rules and name patterns for every part of `text`: a document's statements, parsed
    next, then need no look each."""
    for part in (nlp.tokenizer, *(component for _, component in nlp.pipeline)):
        if isinstance(part, LazyRules | NameRuler):
            part.expect(text)


@cache
def _english() -> Language:
    return English(create_tokenizer=lazy_tokenizer)


def build_nlp(table: NameTable) -> Language:
    """The pipeline for a name table. Pipelines made in one process share one vocabulary and tokenizer
    (making spaCy's English tokenizer costs more than reading a small note)."""
    base = _english()
    nlp = English(vocab=base.vocab, create_tokenizer=lambda _: base.tokenizer)
    nlp.add_pipe("lower_lemmatizer")
    nlp.add_pipe("name_ruler").set_patterns(ruler_patterns(table))  # type: ignore[attr-defined]
    nlp.add_pipe("exact_case").set_forms(case_forms(table))  # type: ignore[attr-defined]
    linker = nlp.add_pipe("ocr_linker")
    linker.set_names(table)  # type: ignore[attr-defined]
    nlp.add_pipe("longer_names").set_labels(table)  # type: ignore[attr-defined]
    return nlp
