"""The closest of many strings to a query by normalized Levenshtein similarity, without comparing the query with
every one: strings are indexed by their character bigrams, and only those sharing one of the query's rarest bigrams
are compared. The count filter of q-grams makes this exact: two strings within edit distance d share at least
max(len) - 1 - 2d bigrams, so a string close enough shares one of any (bigrams of the query - that many + 1) of
them. The answer is the one rapidfuzz's extractOne gives over the whole list (the best, first in order on ties)."""

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


def bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def shared_floor(length: int, cutoff: float) -> int:
    """The fewest bigrams (as a multiset) a query of `length` characters shares with any string whose similarity
    to it is at least `cutoff`: the least, over every longer length such a string may have, of
    longest - 1 - 2 * (the most edits that similarity allows)."""
    longest = int(length / cutoff) + 1 if cutoff > 0 else length
    return min(m - 1 - 2 * int(m * (1 - cutoff) + 1e-9) for m in range(length, longest + 1))


@dataclass
class BigramIndex:
    """Strings appended in order (never removed), with the positions of each bigram's strings."""

    strings: list[str] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

    def extend(self, strings: list[str]) -> None:
        for text in strings:
            at = len(self.strings)
            self.strings.append(text)
            for gram in set(bigrams(text)):
                self.postings.setdefault(gram, []).append(at)

    def closest(self, query: str, cutoff: float) -> tuple[str, float, int] | None:
        """(string, similarity, position) of the string most like `query` with similarity >= cutoff, or None."""
        positions = self.candidates(query, cutoff)
        hit = process.extractOne(
            query, [self.strings[at] for at in positions], scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff
        )
        return None if hit is None else (hit[0], hit[1], positions[hit[2]])

    def candidates(self, query: str, cutoff: float) -> list[int]:
        """The positions, in order, of the strings that share one of the query's rarest bigrams (every string when
        the query is too short for bigrams to rule any out)."""
        grams = bigrams(query)
        floor = shared_floor(len(query), cutoff)
        if floor <= 0:
            return list(range(len(self.strings)))
        counts = Counter(grams)
        probes, needed = [], len(grams) - floor + 1
        for gram in sorted(counts, key=lambda g: len(self.postings.get(g, ()))):
            if needed <= 0:
                break
            probes.append(gram)
            needed -= counts[gram]
        return sorted({at for gram in probes for at in self.postings.get(gram, ())})
