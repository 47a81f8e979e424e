"""Is a fact's text value a whole phrase? A value cut off mid-phrase ('your own library, or', 'SDK)',
'you to') or a lone verb or adverb ('optimize', 'specifically') says nothing true on its own."""

import re

from kg.lexicon import lemma, verbs_only, word_classes
from kg.ontology import load_ontology

DANGLING = frozenset(
    """or and nor but to of with for by in on at from into via than as the a an any some all every each
    your their its our this that these those e.g i.e such here""".split()
)


def balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in ("()", "[]", "{}"))


def fragment(value: str, relation: str = "") -> bool:
    """Does the value start with a coordinator or end on a word that needs more after it, leave a
    bracket open, or consist of one verb or adverb alone? An adverb alone is whole as the value of a relation
    that takes no object, a text relation whose verb ends its phrase ('scales' + 'automatically', 'is priced'
    + 'monthly'); not after a preposition ('is described as' + 'specifically') or an object's verb ('provides')."""
    words = re.findall(r"[A-Za-z][A-Za-z.'-]*", value)
    if not words or not balanced(value):
        return bool(words)
    last = words[-1].lower().rstrip(".")
    if last in DANGLING or words[0] in ("and", "or", "nor"):  # "and scale containerized applications"
        return True
    if len(words) == 1 and re.fullmatch(r"[a-z]+", words[0]):
        participle = last.endswith("ed") and lemma(last) in verbs_only()  # "must be retried"
        onto = load_ontology()
        manner = relation in onto.literal and onto.verb(relation).split()[-1] not in DANGLING  # "scales automatically"
        return (last.endswith("ly") and not manner) or last in verbs_only() or participle
    return False


FINITE = frozenset({"is", "are", "was", "were"})
RELATIVES = frozenset({"where", "that", "which", "who", "when"})  # "point where pages are flushed": a kind
PREPOSITIONS = frozenset("by with at in on to from for as into through via".split())


def verb_phrase(value: str) -> bool:
    """Does a supposed kind open with a verb form and a preposition ('provided by linearizable systems',
    'easily done with ...', 'reading at a slower rate') or hold a finite 'is/are'? That is a passive, a
    progressive or a sentence, not a kind; 'managed service' is a kind."""
    words = re.findall(r"[a-z]+", value.lower())
    head = words[: next((n for n, w in enumerate(words) if w in RELATIVES), len(words))]
    if FINITE & set(head):  # "all data are encrypted after it reaches S3": a sentence, not a kind
        return True
    while words and words[0].endswith("ly"):
        words = words[1:]
    if len(words) < 2 or words[1] not in PREPOSITIONS:
        return False
    first = words[0]
    if first in word_classes()["adj"] and first not in word_classes()["noun"]:
        return True  # "available in the portal", "similar to X": a description, not a kind
    return lemma(first) != first and lemma(first) in word_classes()["verb"] and not first.endswith("s")
