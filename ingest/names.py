"""The table of entity names used while reading: gazetteer entries, names already in the graph, and names
discovered in the notes. Each alias points at one entity key."""

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.fuzzy import BigramIndex
from ingest.vocabulary import vocabulary
from kg.lexicon import english_words
from kg.locations import GAZETTEER_FILE
from kg.model import Entity, slug


def name_variants(label: str) -> list[str]:
    """'AWS Lambda' -> ['AWS Lambda', 'Lambda', 'Amazon Lambda']: the vendor prefixes people drop or swap."""
    return vocabulary().variants(label)


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|ch|sh)$", word):
        return word + "es"
    return word + "s"


PLURAL_ENDINGS = ((re.compile(r"ies$"), "y"), (re.compile(r"(?<=[sxh])es$"), ""), (re.compile(r"s$"), ""))


@dataclass
class NameTable:
    entities: dict[str, Entity] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # lower-cased alias -> key
    case_sensitive: set[str] = field(default_factory=set)  # aliases that match only as written
    _folded: BigramIndex = field(default_factory=BigramIndex, repr=False)  # fold() of `aliases`, in their order
    _listed: list[str] = field(default_factory=list, repr=False)  # `aliases`, in the order they were added

    def key_for(self, name: str) -> str | None:
        """The entity a name (or its plural) stands for."""
        low = name.lower().strip()
        if low in self.aliases:
            return self.aliases[low]
        if not low.endswith("s"):
            return None  # every plural ending below ends in 's'
        for ending, singular in PLURAL_ENDINGS:
            form = ending.sub(singular, low)
            if form in self.aliases:
                return self.aliases[form]
        return None

    def add(self, label: str, type_: str, aliases: Sequence[str] = (), key: str | None = None) -> str:
        """Add an entity (or more aliases to the entity one of its names already points at)."""
        key = key or self.key_for(label) or next(filter(None, map(self.key_for, aliases)), None) or slug(label)
        old = self.entities.get(key)
        names = list(dict.fromkeys([*(old.aliases if old else ()), *aliases, label]))
        names = list(dict.fromkeys(v for name in names for v in self._vendor_forms(name)))
        self.entities[key] = Entity(key, old.label if old else label, old.type if old else type_, tuple(names))
        for name in names:
            self._alias(name.lower(), key)
        return key

    def _vendor_forms(self, name: str) -> list[str]:
        """A name and its forms with the vendor prefix dropped or swapped; a dropped prefix that leaves one
        English word ('Azure Policy' -> 'Policy'), or an acronym that is a word, matches only as written."""
        forms = name_variants(name)
        if len(forms) > 1 and " " not in forms[1] and forms[1].lower() in english_words():
            self.case_sensitive.add(forms[1])
        if len(name) > 1 and name.isalpha() and name.isupper() and name.lower() in english_words():
            self.case_sensitive.add(name)  # an acronym that is a word ('MEAN', 'ARM'): 'means' is not MEAN
        return forms

    def closest(self, folded: str, cutoff: float) -> tuple[str, str] | None:
        """(its folded form, the alias) of the alias whose OCR-forgiving form (ingest.nlp.fold) is most like
        `folded`, with normalized Levenshtein similarity >= cutoff (the first in the table's order on ties).
        Aliases are only ever added, in order, so the index grows by the new ones instead of being made afresh
        after each new name."""
        from ingest.nlp import fold

        done = len(self._folded.strings)
        if done < len(self._listed):
            self._folded.extend([fold(a) for a in self._listed[done:]])
        hit = self._folded.closest(folded, cutoff)
        return None if hit is None else (hit[0], self._listed[hit[2]])

    def add_alias(self, key: str, alias: str) -> None:
        ent = self.entities[key]
        if alias.lower() in self.aliases:
            return
        self.entities[key] = Entity(key, ent.label, ent.type, (*ent.aliases, alias))
        self._alias(alias.lower(), key)

    def _alias(self, low: str, key: str) -> None:
        """Point a new lower-cased alias at `key` (an alias, once added, keeps its entity)."""
        if low not in self.aliases:
            self.aliases[low] = key
            self._listed.append(low)


def load_gazetteer(path: Path = GAZETTEER_FILE) -> NameTable:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    table = NameTable(case_sensitive=set(data.get("case_sensitive", {}).get("aliases", [])))
    for type_, rows in data["types"].items():
        for row in rows:
            label, *aliases = [part.strip() for part in row.split("|")]
            variants = [v for name in [label, *aliases] for v in name_variants(name)]
            table.add(label, type_, variants, key=slug(label))
    return table
