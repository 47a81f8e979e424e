"""The words ingest reads as structure (data/vocabulary.toml): vendor prefixes and category parents."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property

from kg.locations import DATA_DIR

VOCABULARY_FILE = DATA_DIR / "vocabulary.toml"
SERVICE = "Service"  # the type of a vendor-prefixed name found in the notes (the ontology's kg:Service)
TECHNOLOGY = "Technology"  # software a service may run for you (data/gazetteer.toml: Redis, MySQL, ...)

MEMO_SIZE = 1 << 16  # texts a look-up keeps the answers of before it starts again


@dataclass(frozen=True)
class Vocabulary:
    vendors: tuple[tuple[str, ...], ...]  # one group of interchangeable prefixes per vendor
    categories: tuple[tuple[str, re.Pattern[str]], ...]  # (relation, phrases as one whole-word pattern)
    aspects: tuple[tuple[str, re.Pattern[str]], ...]  # a comparison row's aspect -> relation
    defining: re.Pattern[str]  # a table column that defines its row's term ("Definition", "Description")
    aspect_header: re.Pattern[str]  # the first header cell of a comparison table ("Aspect", "Feature")
    generic: frozenset[str]  # words that make no name ("functions", "services", "overview")
    category_words: frozenset[str]  # words of a heading about an aspect ("billing", "limits")
    name_tails: frozenset[str]  # what a product's things are called ("instances"): they end no name
    interface_tails: frozenset[str]  # "PutRecords API": a word after an identifier that notes also drop
    agents: frozenset[str]  # who acts on a thing ("application", "customers"): a subject other than the topic
    aspect_sections: frozenset[str]  # headings about an aspect of the thing above ("scalability")
    area_sections: frozenset[str]  # headings about no one thing ("anti-patterns", "troubleshooting")

    def aspect(self, text: str) -> str | None:
        """The relation a table row's aspect names ('Type' -> is_a, 'Maximum retention' -> has_limit)."""
        return next((name for name, pattern in self.aspects if pattern.search(text)), None)

    def section(self, heading: str) -> str | None:
        """'aspect' for 'Scalability', 'area' for 'Anti-patterns', None for a heading that may name a thing."""
        text = re.sub(r"[^\w\s-]", "", heading).strip().lower()
        return "aspect" if text in self.aspect_sections else "area" if text in self.area_sections else None

    def aspect_column(self, column: str) -> bool:
        """A comparison table's first header cell ('Aspect', 'Feature', or none)."""
        return not column.strip() or bool(self.aspect_header.search(column))

    def defines(self, column: str) -> bool:
        return bool(self.defining.search(column))

    def category(self, text: str) -> str | None:
        """The relation a category parent ('Use cases:', 'Key features') gives the statements under it."""
        known = self._categories_of
        if text not in known:
            if len(known) >= MEMO_SIZE:
                known.clear()
            known[text] = next((name for name, pattern in self.categories if pattern.search(text)), None)
        return known[text]

    @cached_property
    def _categories_of(self) -> dict[str, str | None]:
        """category() of the texts met so far (headings and labels recur: every statement asks of its parent)."""
        return {}

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        """Every vendor prefix, longest first ("Microsoft Azure" before "Azure")."""
        return tuple(sorted((p for group in self.vendors for p in group), key=len, reverse=True))

    @cached_property
    def prefix_words(self) -> frozenset[str]:
        """The vendor prefixes of one word, lower-cased ('aws', 'azure'): a word before a name, never a name."""
        return frozenset(p.lower() for p in self.prefixes if " " not in p)

    def vendor_of(self, name: str) -> tuple[str, str]:
        """'Amazon S3' -> ('Amazon', 'S3'); a name without a vendor prefix -> ('', name)."""
        known = self._vendor_of
        if name not in known:
            if len(known) >= MEMO_SIZE:
                known.clear()
            known[name] = next(
                ((p, name[len(p) + 1 :]) for p in self.prefixes if name.startswith(p + " ") and len(name) > len(p) + 1),
                ("", name),
            )
        return known[name]

    @cached_property
    def _vendor_of(self) -> dict[str, tuple[str, str]]:
        """vendor_of() of the names met so far (every fact asks of its subject's and object's labels)."""
        return {}

    def same_vendor(self, a: str, b: str) -> bool:
        """Do two names carry prefixes of one vendor (or both none)?"""
        pa, pb = self.vendor_of(a)[0], self.vendor_of(b)[0]
        return pa == pb or any(pa in g and pb in g for g in self.vendors)

    def vendors_named(self, text: str) -> set[int]:
        """The vendors (indices of their prefix groups) a text writes a prefix of, as a whole word."""
        return {n for n, pattern in enumerate(self._vendor_patterns) if pattern.search(text)}

    @cached_property
    def _vendor_patterns(self) -> tuple[re.Pattern[str], ...]:
        """One pattern per vendor: any of its prefixes as a whole word."""
        return tuple(re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in group)})(?!\w)") for group in self.vendors)

    def foreign(self, name: str, named: set[int]) -> bool:
        """Is a name another vendor's product than any of the vendors a note names? A note that names no
        vendor ('database notes') makes no name foreign."""
        prefix = self.vendor_of(name)[0]
        return bool(prefix and named) and not any(prefix in self.vendors[n] for n in named)

    def variants(self, name: str) -> list[str]:
        """'AWS Lambda' -> ['AWS Lambda', 'Lambda', 'Amazon Lambda']: the forms people drop or swap."""
        prefix, core = self.vendor_of(name)
        if not prefix:
            return [name]
        group = next(g for g in self.vendors if prefix in g)
        return [name, core, *(f"{p} {core}" for p in group if p != prefix)]

    def prefix_pattern(self) -> str:
        """A regular expression alternative of every prefix (for finding 'Azure Arc' in text)."""
        return "|".join(re.escape(p) for p in self.prefixes)


def _phrases(words: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w-])(?:{alternatives})(?![\w-])")


@cache
def vocabulary() -> Vocabulary:
    with open(VOCABULARY_FILE, "rb") as fh:
        data = tomllib.load(fh)
    vendors = tuple(tuple(group) for group in data["vendors"]["groups"])
    categories = tuple((name, _phrases(words)) for name, words in data["categories"].items())
    aspects = tuple((name, _phrases(words)) for name, words in data["aspects"].items())
    defining = _phrases(data["columns"]["defining"])
    aspect_header = _phrases(data["columns"]["aspect"])
    words, sections = data["words"], data["sections"]
    return Vocabulary(
        vendors,
        categories,
        aspects,
        defining,
        aspect_header,
        frozenset(words["generic"]),
        frozenset(words["category"]),
        frozenset(words["name_tails"]),
        frozenset(words["interface_tails"]),
        frozenset(words["agents"]),
        frozenset(sections["aspects"]),
        frozenset(sections["areas"]),
    )
