"""Entity linking for questions: names, aliases and acronyms read from the graph (never from ingest),
matched loosely (case, plurals, an 'Amazon'/'AWS' prefix) and fuzzily for typos ('lamda', 'fargat')."""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.facts import EntityRecord
from kg.lexicon import word_classes

STOP = frozenset(
    """a an the of and or to for in on with by is are be it its what which how does do did can could should
    would i me my we you your r u vs versus between difference compare about tell explain define there
    this that these those when where who whom why much many long big get use used using run runs""".split()
)
PREFIXES = ("amazon ", "aws ")


def normalise(name: str) -> str:
    name = name.lower().replace("’", "'").strip()
    name = re.sub(r"[^\w.#+/ -]", " ", name)
    return re.sub(r"\s+", " ", name).strip()


def variants(name: str) -> set[str]:
    """'Docker images' ~ 'docker image'; 'AWS Lambda' ~ 'lambda' ~ 'amazon lambda'."""
    base = normalise(name)
    out = {base}
    for prefix in PREFIXES:
        if base.startswith(prefix):
            out.add(base[len(prefix) :])
    for form in list(out):
        if re.search(r"[a-z]{3}s$", form) and not form.endswith("ss"):
            out.add(form[:-1])
            if form.endswith("ies"):
                out.add(form[:-3] + "y")
        elif re.search(r"[a-z]$", form):
            out.add(form + "s")
    return out


@dataclass(frozen=True)
class Mention:
    iri: str
    text: str
    start: int  # word offsets in the question
    end: int
    score: float


class NameIndex:
    """Every way the graph names an entity, for longest-first matching over the words of a question."""

    def __init__(self, entities: dict[str, EntityRecord]) -> None:
        self.entities = entities
        self.exact: dict[str, str] = {}
        self.shouted: set[str] = set()  # 'MEAN', 'LAMP': names that are words unless written in capitals
        dictionary = frozenset().union(*word_classes().values())
        for iri, ent in sorted(entities.items(), key=lambda kv: (kv[1].type != "AwsService", kv[0])):
            for name in (ent.label, *ent.aliases):
                acronym_word = name.isupper() and name.isalpha() and name.lower() in dictionary
                if acronym_word and ent.type != "AwsService":  # 'EBS' is asked in lower case; 'mean' is a word
                    self.shouted.add(name.lower())
                for form in variants(name):
                    if len(form) >= 2:
                        self.exact.setdefault(form, iri)
        self.choices = [n for n in self.exact if len(n) >= 4]
        self.longest = max((len(n.split()) for n in self.exact), default=1)

    def link(self, question: str) -> list[Mention]:
        words = normalise(question).split()
        found: list[Mention] = []
        i = 0
        while i < len(words):
            hit = None
            for n in range(min(self.longest, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + n])
                short = phrase in STOP or (len(phrase) <= 2 and not re.search(r"\d", phrase))
                shouted = phrase.isalpha() and len(phrase) == 2 and phrase.upper() in question  # "VM", "OS"
                if n == 1 and short and not shouted:
                    continue
                iri = self.exact.get(phrase)
                if iri and phrase in self.shouted and phrase.upper() not in question:
                    iri = None
                if iri:
                    hit = Mention(iri, phrase, i, i + n, 100.0)
                    break
                if n <= 2 and len(phrase) >= 4 and not any(w in STOP for w in phrase.split()):
                    best = process.extractOne(phrase, self.choices, scorer=fuzz.ratio, score_cutoff=84)
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

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Names close to the words of a question that matched nothing."""
        words = [w for w in normalise(text).split() if w not in STOP and len(w) >= 3]
        out: list[str] = []
        for w in words:
            for name, score, _ in process.extract(w, self.choices, scorer=fuzz.WRatio, limit=2):
                label = self.entities[self.exact[name]].label
                if score >= 70 and label not in out:
                    out.append(label)
        return out[:limit]
