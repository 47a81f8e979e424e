"""The closest of many strings to a query by normalized Levenshtein similarity, without comparing the query with
every one: strings are indexed by their length and character bigrams, and only those of a length the similarity
allows that share one of the query's rarest bigrams among strings of that length are compared. The count filter of
q-grams makes this exact: two strings within edit distance d share at least max(len) - 1 - 2d bigrams, so a string
close enough shares one of any (bigrams of the query - that many + 1) of them. The answer is the one rapidfuzz's
extractOne gives over the whole list (the best, first in order on ties)."""

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


def bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def edits(length: int, cutoff: float) -> int:
    """The most edits a similarity of `cutoff` allows between strings the longer of which has `length` characters."""
    return int(length * (1 - cutoff) + 1e-9)


def pair_floor(length: int, other: int, cutoff: float) -> int:
    """The fewest bigrams strings of these two lengths share when their similarity is at least `cutoff`."""
    longest = max(length, other)
    return longest - 1 - 2 * edits(longest, cutoff)


def lengths_allowed(length: int, other: int, cutoff: float) -> bool:
    """Can strings of these lengths be that similar? Each character of difference in length is an edit."""
    return cutoff <= 0 or abs(length - other) <= edits(max(length, other), cutoff)


def after(positions: list[int], start: int) -> list[int]:
    """The positions (in increasing order) from `start` on."""
    return positions[bisect_left(positions, start) :] if start else positions


@dataclass
class BigramIndex:
    """Strings appended in order (never removed), with the positions of the strings of each length, and of each
    (bigram, length)."""

    strings: list[str] = field(default_factory=list)
    postings: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    by_length: dict[int, list[int]] = field(default_factory=dict)

    def extend(self, strings: list[str]) -> None:
        for text in strings:
            at, length = len(self.strings), len(text)
            self.strings.append(text)
            self.by_length.setdefault(length, []).append(at)
            for gram in set(bigrams(text)):
                self.postings.setdefault((gram, length), []).append(at)

    def closest(self, query: str, cutoff: float, start: int = 0) -> tuple[str, float, int] | None:
        """(string, similarity, position) of the string (from position `start` on) most like `query` with
        similarity >= cutoff, or None."""
        positions = self.candidates(query, cutoff, start)
        hit = process.extractOne(
            query, [self.strings[at] for at in positions], scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff
        )
        return None if hit is None else (hit[0], hit[1], positions[hit[2]])

    def candidates(self, query: str, cutoff: float, start: int = 0) -> list[int]:
        """The positions from `start` on, in order, of the strings of each length the cutoff allows that share one
        of the query's rarest bigrams among the strings of that length (every string of a length for which bigrams
        rule none out)."""
        counts = Counter(bigrams(query))
        grams = len(query) - 1
        found: set[int] = set()
        for length in self.lengths_near(len(query), cutoff):
            strings = self.by_length[length]
            floor = pair_floor(len(query), length, cutoff) if cutoff > 0 else 0
            if floor <= 0:
                found.update(after(strings, start))
                continue
            needed = grams - floor + 1
            for _, gram in sorted((len(self.postings.get((g, length), ())), g) for g in counts):
                if needed <= 0:
                    break
                found.update(after(self.postings.get((gram, length), []), start))
                needed -= counts[gram]
        return sorted(found)

    def lengths_near(self, length: int, cutoff: float) -> list[int]:
        """The lengths of indexed strings that can be `cutoff` similar to a string of `length` characters."""
        if cutoff <= 0:
            return list(self.by_length)
        near = range(length - edits(length, cutoff), int(length / cutoff) + 2)
        return [m for m in near if m in self.by_length and lengths_allowed(length, m, cutoff)]
