"""The words ingest reads as structure (data/vocabulary.toml): vendor prefixes and category parents."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from kg.locations import DATA_DIR

VOCABULARY_FILE = DATA_DIR / "vocabulary.toml"


@dataclass(frozen=True)
class Vocabulary:
    vendors: tuple[str, ...]  # longest first: "Microsoft Azure" before "Microsoft"
    categories: tuple[tuple[str, re.Pattern[str]], ...]  # (relation, phrases as one whole-word pattern)

    def category(self, text: str) -> str | None:
        """The relation a category parent ('Use cases:', 'Key features') gives the statements under it."""
        return next((name for name, pattern in self.categories if pattern.search(text)), None)

    def vendor_of(self, name: str) -> tuple[str, str]:
        """'Amazon S3' -> ('Amazon', 'S3'); a name without a vendor prefix -> ('', name)."""
        for prefix in self.vendors:
            if name.startswith(prefix + " ") and len(name) > len(prefix) + 1:
                return prefix, name[len(prefix) + 1 :]
        return "", name


def _phrases(words: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w-])(?:{alternatives})(?![\w-])")


@cache
def vocabulary() -> Vocabulary:
    with open(VOCABULARY_FILE, "rb") as fh:
        data = tomllib.load(fh)
    vendors = tuple(sorted(data["vendors"]["prefixes"], key=len, reverse=True))
    categories = tuple((name, _phrases(words)) for name, words in data["categories"].items())
    return Vocabulary(vendors, categories)
