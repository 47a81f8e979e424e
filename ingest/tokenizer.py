"""spaCy's English tokenizer with its special cases (1,347 rules for contractions, abbreviations and emoticons)
added as the texts need them: adding them all costs a fresh process more than tokenizing the corpus.

The tokens are spaCy's own. A rule can only apply where its text occurs in the text being tokenized (its
tokens are contiguous, so with the whitespace taken out), and every such rule is added before that text is
tokenized. Rules are found by their first three characters; shorter ones, and those with whitespace, are
added at once. After `EAGER_CHARS` of text every rule left is added, so a long ingest pays for the look-ups
no more than for the rules. Its prefix, suffix and infix patterns are spaCy's, compiled once and kept in the cache
(kg.cache_files.compiled)."""

from collections.abc import Sequence
from typing import Any, cast

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from kg.cache_files import compiled

ANCHOR = 3  # characters of a rule it is looked for by
EAGER_CHARS = 2_000_000  # text tokenized before every rule left is added (~0.1 s of look-ups either way)


class LazyRules:
    """A tokenizer that adds its special cases as texts need them (see the module's docstring)."""

    def __init__(self, tokenizer: Tokenizer, rules: dict[str, Any], eager_chars: int = EAGER_CHARS) -> None:
        self.tokenizer = tokenizer
        self.rules = rules
        self.budget = eager_chars
        self.pending: dict[str, list[str]] = {}  # a rule's first characters -> the rules not added yet
        self.expected = ""  # a text whose rules are all added: the texts inside it need no look
        now = []
        for text in sorted(rules):
            if len(text) < ANCHOR or any(c.isspace() for c in text):
                now.append(text)
            else:
                self.pending.setdefault(text[:ANCHOR], []).append(text)
        self._add(now)

    def __call__(self, text: str) -> Doc:
        if self.pending and text not in self.expected:
            self._add_for(text)
        return self.tokenizer(text)

    def expect(self, text: str) -> None:
        """Adds every rule `text` needs, so that its parts (a document's statements) are tokenized without a look
        each: a rule in a part is in the whole."""
        if self.pending:
            self._add_for(text)
        self.expected = text

    def _add_for(self, text: str) -> None:
        self.budget -= len(text)
        if self.budget < 0:
            self._add(sorted(rule for group in self.pending.values() for rule in group))
            self.pending.clear()
            return
        joined = "".join(text.split())
        pending = self.pending
        for anchor in {joined[i : i + ANCHOR] for i in range(len(joined) - ANCHOR + 1)} & pending.keys():
            group = pending[anchor]
            found = [rule for rule in group if rule in joined]
            if found:
                self._add(found)
                if len(found) == len(group):
                    del pending[anchor]
                else:
                    pending[anchor] = [rule for rule in group if rule not in found]

    def _add(self, texts: list[str]) -> None:
        for text in texts:
            self.tokenizer.add_special_case(text, self.rules[text])


def affix_expressions(nlp: Language) -> tuple[str, str, str]:
    """The prefix, suffix and infix patterns of `nlp`'s language, as spacy.util.compile_*_regex writes them."""
    defaults = nlp.Defaults
    prefixes, suffixes, infixes = (
        cast(Sequence[str], pieces or ()) for pieces in (defaults.prefixes, defaults.suffixes, defaults.infixes)
    )
    return (
        "|".join("^" + piece for piece in prefixes if piece.strip()),
        "|".join(piece + "$" for piece in suffixes if piece.strip()),
        "|".join(piece for piece in infixes if piece.strip()),
    )


def lazy_tokenizer(nlp: Language) -> LazyRules:
    """spaCy's default tokenizer for `nlp`'s language (spacy.language.create_tokenizer), its rules added lazily."""
    defaults = nlp.Defaults
    prefix, suffix, infix = compiled(f"affixes-{nlp.lang}", affix_expressions(nlp))
    tokenizer = Tokenizer(
        nlp.vocab,
        rules={},
        prefix_search=prefix.search if defaults.prefixes else None,
        suffix_search=suffix.search if defaults.suffixes else None,
        infix_finditer=infix.finditer if defaults.infixes else None,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )
    return LazyRules(tokenizer, defaults.tokenizer_exceptions or {})
