"""Entity linking for questions: names, aliases and acronyms read from the graph (never from ingest),
matched loosely (case, plurals, a name's brand word left out) and fuzzily for typos ('lamda', 'fargat')."""

import re
from functools import cached_property, lru_cache, partial
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from kg.facts import EntityRecord
from kg.lexicon import word_classes
from service.qa.memo import Memo

STOP = frozenset(
    """a an the of and or to for in on with by is are be it its what which how does do did can could should
    would i me my we you your r u vs versus between difference compare about tell explain define there
    this that these those when where who whom why much many long big get use used using run runs""".split()
)
NOT_NAME = re.compile(r"[^\w.#+/ -]")
SPACES = re.compile(r"\s+")
DIGIT = re.compile(r"\d")
EDGE = ".,;:"  # stripped from the ends of a phrase of a statement before it is looked up as a name
SUGGESTED = 70  # the WRatio of a name suggested for a word of a question
BRAND_SHARE = 3  # a first word that begins this many multi-word labels is a brand a learner may leave out


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    name = name.lower().replace("’", "'").strip()
    name = NOT_NAME.sub(" ", name)
    return SPACES.sub(" ", name).strip()


def brands(labels: list[str]) -> frozenset[str]:
    """First words shared by several multi-word labels ('Acme Queue', 'Acme Store', 'Acme Stream'): learned from
    the graph's own names, never listed in code."""
    counts: dict[str, int] = {}
    named: set[str] = set()  # a word that is a name, or ends one ('Docker', 'Acme Lambda'), is no brand
    for label in labels:
        words = normalise(label).split()
        named.add(words[-1] if words else "")
        if len(words) >= 2:
            counts[words[0]] = counts.get(words[0], 0) + 1
    return frozenset(w for w, n in counts.items() if n >= BRAND_SHARE and w not in named)


def variants(name: str, brand_words: frozenset[str] = frozenset()) -> set[str]:
    """'Docker images' ~ 'docker image'; with 'acme' a brand, 'Acme Queue' ~ 'queue'."""
    base = normalise(name)
    out = {base}
    first, _, rest = base.partition(" ")
    if first in brand_words and rest:
        out.add(rest)
    for form in list(out):
        if re.search(r"[a-z]{3}s$", form) and not form.endswith("ss"):
            out.add(form[:-1])
            if form.endswith("ies"):
                out.add(form[:-3] + "y")
        elif re.search(r"[a-z]$", form):
            out.add(form + "s")
    return out


class Mention(NamedTuple):  # a name linked in a question
    iri: str
    text: str
    start: int  # word offsets in the question
    end: int
    score: float


class NameIndex:
    """Every way the graph names an entity, for longest-first matching over the words of a question."""

    def __init__(self, entities: dict[str, EntityRecord], services: frozenset[str] = frozenset()) -> None:
        """`services`: the entity types that are services ('EBS' is asked in lower case; 'mean' is a word)."""
        self.entities = entities
        self.named: Memo[str, frozenset[str]] = Memo()  # text -> the entities it names
        self.exact: dict[str, str] = {}
        self.shouted: set[str] = set()  # 'MEAN', 'LAMP': names that are words unless written in capitals
        dictionary = frozenset().union(*word_classes().values())
        self.brands = brands([n for ent in entities.values() for n in (ent.label, *ent.aliases)])
        ranked = sorted(entities.items(), key=lambda kv: (kv[1].type not in services, kv[0]))
        for pass_brandless in (False, True):  # every name as written first; brand-less forms only where free
            for iri, ent in ranked:
                for name in (ent.label, *ent.aliases):
                    acronym_word = name.isupper() and name.isalpha() and name.lower() in dictionary
                    if acronym_word and ent.type not in services:
                        self.shouted.add(name.lower())
                    for form in variants(name, self.brands if pass_brandless else frozenset()):
                        if len(form) >= 2 and form not in self.brands:
                            self.exact.setdefault(form, iri)
        self.choices = [n for n in self.exact if len(n) >= 4]
        self.near: dict[int, list[str]] = {}  # a length -> the choices whose length allows a close ratio
        self.letters = Letters(self.choices)
        self.longest = max((len(n.split()) for n in self.exact), default=1)

    def named_in(self, text: str) -> frozenset[str]:
        """The entities a statement names, by exact label or alias (no typos: notes are many, questions few)."""
        return self.named.get(text, lambda: frozenset(self._named_in(text)))

    def _named_in(self, text: str) -> set[str]:
        words = normalise(text).split()
        found: set[str] = set()
        exact, spans, shouted = self.exact, self.spans, self.shouted
        count, i = len(words), 0
        while i < count:
            word = words[i]
            longest = min(self.longest, count - i, spans.get(word.lstrip(EDGE), 0))
            for n in range(longest, 1, -1):  # a name of two words or more begins with the word as it stands
                iri = exact.get(" ".join(words[i : i + n]).strip(EDGE))
                if iri:
                    found.add(iri)
                    i += n
                    break
            else:
                phrase = word.strip(EDGE)
                iri = exact.get(phrase)
                if iri and not (phrase in STOP or phrase in shouted or len(phrase) <= 2):
                    found.add(iri)
                i += 1
        return found

    def link(self, question: str) -> list[Mention]:
        """The entities a question names, longest names first, typos matched fuzzily."""
        words = normalise(question).split()
        spans, exact, shouted_names = self.spans, self.exact, self.shouted
        stop = [w in STOP for w in words]
        found: list[Mention] = []
        i = 0
        while i < len(words):
            if stop[i] and words[i] not in spans:  # no name begins with it, and a stop word is not matched fuzzily
                i += 1
                continue
            hit = None
            for n in range(min(self.longest, len(words) - i, max(2, spans.get(words[i], 0))), 0, -1):
                phrase = " ".join(words[i : i + n]) if n > 1 else words[i]
                if n == 1 and (stop[i] or (len(phrase) <= 2 and not DIGIT.search(phrase))):
                    shouted = phrase.isalpha() and len(phrase) == 2 and phrase.upper() in question  # "VM", "OS"
                    if not shouted:
                        continue
                iri = exact.get(phrase)
                if iri and phrase in shouted_names and phrase.upper() not in question:
                    iri = None
                if iri:
                    hit = Mention(iri, phrase, i, i + n, 100.0)
                    break
                if n <= 2 and len(phrase) >= 4 and not stop[i] and (n == 1 or not stop[i + 1]):
                    best = self.closest(phrase)
                    if best and not (best[0] in self.shouted and best[0].upper() not in question):
                        hit = Mention(self.exact[best[0]], phrase, i, i + n, float(best[1]))
                        break
            if hit:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        unique: dict[str, Mention] = {}
        for m in found:
            unique.setdefault(m.iri, m)
        return list(unique.values())

    @cached_property
    def spans(self) -> dict[str, int]:
        """Each first word of a name: the most words a name that begins with it has (link need not look up longer
        phrases that begin with a word; phrases of one or two words it looks up fuzzily, whatever their words)."""
        out: dict[str, int] = {}
        for name in self.exact:
            words = name.split(" ")
            out[words[0]] = max(out.get(words[0], 0), len(words))
        return out

    def closest(self, phrase: str) -> tuple[str, float] | None:
        """The name a phrase is a typo of (fuzzy ratio >= 84), looked up once per phrase (a word or two of a
        question, lower case: the graph's spelling dictionary, not a reading of any question)."""
        return self.typos.get(phrase, lambda: self._closest(phrase))

    def _closest(self, phrase: str) -> tuple[str, float] | None:
        best = process.extractOne(phrase, self.of_length(len(phrase)), scorer=fuzz.ratio, score_cutoff=84)
        return (best[0], float(best[1])) if best else None

    @cached_property
    def typos(self) -> Memo[str, tuple[str, float] | None]:
        """A phrase -> the name it is a typo of (closest)."""
        return Memo()

    @cached_property
    def resembling(self) -> Memo[str, list[str]]:
        """A word -> the labels of the names close to it (suggest)."""
        return Memo()

    def of_length(self, size: int) -> list[str]:
        """The choices a phrase of this length can have a ratio >= 84 with (in their order): the ratio is at most
        100 * (1 - |a - b| / (a + b)) for lengths a and b."""
        if size not in self.near:
            self.near[size] = [n for n in self.choices if 100 * abs(len(n) - size) <= 16 * (len(n) + size)]
        return self.near[size]

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Names close to the words of a question that matched nothing."""
        words = [w for w in normalise(text).split() if w not in STOP and len(w) >= 3]
        out: list[str] = []
        for w in words:
            for label in self.resembling.get(w, partial(self._resembling, w)):
                if label not in out:
                    out.append(label)
        return out[:limit]

    def _resembling(self, word: str) -> list[str]:
        """The labels of the (at most two) names whose WRatio with a word reaches SUGGESTED, the closest first."""
        near = [self.choices[i] for i in self.letters.could_resemble(word, SUGGESTED)]
        found = process.extract(word, near, scorer=fuzz.WRatio, limit=2, score_cutoff=SUGGESTED)
        return [self.entities[self.exact[name]].label for name, _, _ in found]


class Letters:
    """The characters of each name, counted: how many a word shares with a name bounds any score rapidfuzz's
    WRatio can give the pair, so names that cannot reach a cut-off are never scored."""

    def __init__(self, names: list[str]) -> None:
        self.column = {c: i for i, c in enumerate(sorted({c for n in names for c in n}))}
        self.counts = np.zeros((len(names), len(self.column)), dtype=np.int32)
        for row, name in enumerate(names):
            for c in name:
                self.counts[row, self.column[c]] += 1
        self.lengths = np.array([len(n) for n in names], dtype=np.int32)

    def could_resemble(self, word: str, cutoff: float) -> list[int]:
        """The rows (in order) of the names whose WRatio with a word (one token, no spaces) may reach `cutoff`.

        Every score WRatio takes is 2 * LCS / (|a| + |b|) of the word (or a window of it) and the name (or a
        window or re-ordering of its words), scaled by at most 1, 0.95 or 0.9, except 100 when the word is one
        of the name's words. With `shared` letters, LCS <= shared; the whole-string ratios are at most
        2 * shared / (|word| + |name|); when one is 1.5 times the other or longer, the partial ratios (x 0.9)
        align the shorter whole, so at most 2 * shared / (shorter + shared)."""
        counts = np.zeros(len(self.column), dtype=np.int32)
        for c in word:
            if c in self.column:
                counts[self.column[c]] += 1
        shared = np.minimum(self.counts, counts).sum(axis=1)
        size, lengths = len(word), self.lengths
        shorter = np.minimum(lengths, size)
        far = np.maximum(lengths, size) >= 1.5 * shorter
        cut = cutoff - 1e-6
        whole = 200 * shared >= cut * (lengths + size)
        partial = far & (180 * shared >= cut * (shorter + shared))
        own_word = ~far & (shared == size)  # the word may be one of the name's words: 100
        return [int(i) for i in np.nonzero(whole | partial | own_word)[0]]
