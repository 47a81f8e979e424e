"""Word lists and small tests on text and tokens that the rules share."""

import re
from functools import cache

from rapidfuzz.distance import Levenshtein
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from ingest.rules.model import text_of, tokens
from kg.lexicon import english_words, lemma_table, verbs_only, word_classes

NEGATIONS = frozenset({"no", "not", "n't", "never", "without", "cannot", "except", "nor", "neither", "non"})
HEDGES = ("sort of", "kind of", "not exactly", "not quite", "in a way")
OBJECT_STOPS = frozenset(
    {
        "that",
        "which",
        "who",
        "so",
        "because",
        "when",
        "if",
        "whereas",
        "but",
        "while",
        "since",
        "regardless",
        "=>",
        "as",
    }
)
CAPABILITIES = frozenset({"supports", "integrated_with", "exposes", "runs_on", "supports_language"})
CATEGORY_HEADS = frozenset(
    """offering service platform registry repository tool technology paradigm database system storage
    model engine broker cache warehouse queue stream gateway framework runtime language""".split()
)
LIMITING = re.compile(r"(?i)\b(can't|cannot|can not|unable to|not able to|can only|only one|only works)\b")
PRONOUNS = frozenset({"this", "these", "that", "it", "they", "there", "you", "we", "i.e", "i.e.", "e.g", "e.g."})
RELATIVES = frozenset({"which", "that", "who", "because", "so"})
CLAUSE_BREAKS = frozenset({";", "but", "whereas", "however", "while"})
CONCESSIONS = frozenset({"although", "though"})  # a clause that ends at its comma
SUBORDINATORS = frozenset({"if", "unless", "else", "otherwise"})  # not "when": "Total order: when every ..." defines
QUALIFIERS = frozenset({"regardless", "irrespective"})
PREPOSITIONS = frozenset({"at", "in", "on", "for", "by", "with", "from", "to", "within", "per", "when", "if"})
EXAMPLE_LEADS = frozenset({"e.g", "eg"})  # not "i.e.": it restates its parent, often a property
EQUALS = frozenset({"=", "==", ":="})
LEADING = frozenset({"a", "an", "the", "in", "your", "our", "each", "every", "with", "both", '"', "'", "("})
COORDINATORS = frozenset({"/", ",", "and", "or", "&", "+"})
WORKLOADS = frozenset({"container", "job", "workload", "task", "function", "application", "app", "image"})
AUXILIARIES = frozenset({"be", "have", "do", "can", "will", "would", "should", "may", "might", "must", "could"})
ADJECTIVE_ENDINGS = ("ive", "able", "ible", "al", "ful", "less", "ous", "ic", "ed", "ant", "ent")


UNIT = re.compile(r"(\d)(GB|MB|KB|TB|ms|s|min)\b")
SPACE = re.compile(r"\s+")
ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def literal(text: str) -> str:
    """Normalise text used as a fact's object: no bullets or trailing punctuation, '&' -> 'and',
    '10GB' -> '10 GB', lower-case first letter unless it starts an acronym or a name."""
    text = text.replace("&", " and ").replace('"', "").replace("...", " ")
    text = UNIT.sub(r"\1 \2", text)
    text = SPACE.sub(" ", text).strip(" .,;:!?-=")
    text = ARTICLE.sub("", text)
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower():
        text = text[:1].lower() + text[1:]
    return text


def strip_parenthetical(text: str) -> str:
    return re.sub(r"\s*[\(\[][^)\]]*[\)\]]?\s*$", "", text).strip() or text


def readable(span: Span) -> bool:
    """Most words are words: OCR noise from a diagram ('(NW) (AW) (MM) Dodee r Daemic m') is not."""
    tokens = [t for t in span if not t.is_punct and not t.like_num]
    if not tokens:
        return False
    known = sum(1 for t in tokens if t.ent_id_ or t.is_stop or (len(t.text) > 1 and t.lower_ in english_words()))
    return known / len(tokens) >= 0.75


def lead_in(doc: Doc) -> bool:
    """'Find base images for many technologies or OS:', 'For event-driven architecture choose X, e.g:', 'major
    performance downside because': a line that introduces what follows it states nothing itself."""
    words = [t for t in doc if not t.is_space]
    return text_of(doc).rstrip().endswith(":") or (len(words) > 1 and words[-1].lower_ in DANGLING_ENDS)


DANGLING_ENDS = frozenset({"because", "since", "so", "of", "for", "to", "with", "and", "or", "but", "the", "a", "like"})


def dependent_fragment(span: Span) -> bool:
    """'if your application cannot ...', 'else you will need ...', 'e.g. SQS, Lambda': a condition or list that
    continues its parent line, with no main clause of its own ('If enabled, each object ...' has one); and
    'Regardless of RBAC permissions', 'Only at the bucket level': an adverbial that qualifies the line above."""
    first = span[0].lower_.rstrip(".")
    if first in EXAMPLE_LEADS:
        return True
    second = span[1].lower_ if len(span) > 1 else ""
    if (first in QUALIFIERS or (first == "only" and second in PREPOSITIONS)) and not any(
        t.lemma_ in AUXILIARIES for t in span
    ):
        return True
    return first in SUBORDINATORS and not any(t.text == "," for t in span[1:])


def participle_clause(doc: Doc, i: int) -> bool:
    """', integrating them with ...', ', including VMs': a comma opening a clause of its own."""
    toks = tokens(doc)
    return (
        toks[i].text == ","
        and i + 2 < len(doc)
        and toks[i + 1].lower_.endswith("ing")
        and toks[i + 2].is_alpha  # ', monitoring.' ends a list: a noun
        and toks[i + 1].lemma_ in word_classes()["verb"]
    )


def relative_pronoun(word: str) -> bool:
    """'which', 'who', or a misspelling of 'which' that is no word ('wich', 'whih')."""
    if word in ("which", "who"):
        return True
    known = word in english_words() or word in STOP_WORDS
    return not known and word[:1] == "w" and Levenshtein.distance(word, "which") == 1


def relative_that(doc: Doc, start: int, i: int, cue: int) -> bool:
    """Is the 'that' at i the subject of the cue's verb, a relative pronoun after the object of a verb
    ('Publishes Health Advisories that include ...', 'includes anything that's manage ...'), with only
    auxiliaries or adverbs between? Not after a verb ('ensures that it includes'), nor when no verb comes
    before, where the noun is the subject's own kind ('Cloud service that integrates with ...', 'X is a
    service that runs ...', 'A CLI tool to execute commands that call ...')."""
    toks = tokens(doc)
    if toks[i].lower_ != "that" or not toks[i - 1].is_alpha or toks[i - 1].lemma_ in verbs_only():
        return False
    between = doc[i + 1 : cue]
    if any(t.lemma_ not in AUXILIARIES and t.lower_ not in LEADING_ADVERBS for t in between):
        return False
    return any(finite_verb(doc, j) for j in range(start, i - 1))


def finite_verb(doc: Doc, j: int) -> bool:
    """Is the word at j only ever a verb, and in a finite form: not '-ed', '-ing' or after 'to'?"""
    toks = tokens(doc)
    word = toks[j]
    infinitive = j > 0 and toks[j - 1].lower_ == "to"
    return word.lemma_ in verbs_only() and not word.lower_.endswith(("ed", "ing")) and not infinitive


def other_antecedent(doc: Doc, start: int, cue: int, subjects: tuple[str, ...]) -> bool:
    """Is the cue inside a clause about another noun than the subject: after 'which/who' or a comma and
    '-ing' ('an infrastructure which might contain ...', 'your infrastructure, including VMs')? Not when the
    '-ing' takes that noun as its object ('monitor applications, integrating them with ...')."""
    toks = tokens(doc)
    back = cue + 1 < len(doc) and toks[cue + 1].lower_ in ("it", "them")
    for i in range(max(start, 1), cue + 1):
        relative = relative_pronoun(toks[i].lower_) or (participle_clause(doc, i - 1) and i == cue and not back)
        relative = relative or relative_that(doc, start, i, cue)
        if relative and doc[i - 1 - (toks[i - 1].text == ",")].ent_id_ not in subjects:
            return True
    return False


def is_negated(tokens: Span) -> bool:
    return any(t.lower_ in NEGATIONS for t in tokens)


LEADING_ADVERBS = frozenset({"only", "also", "just", "still", "often", "usually", "always", "never", "even"})


def verb_initial(tokens: Span) -> bool:
    """Does the phrase start with a verb ('Run on-demand', 'Launch containers', 'Has ...')?"""
    words = [t for t in tokens if t.is_alpha]
    while len(words) > 1 and words[0].lower_ in LEADING_ADVERBS:  # "only has a recency guarantee"
        words = words[1:]
    if not words:
        return False
    first = words[0]
    verbs = word_classes()["verb"]
    return first.lemma_ in AUXILIARIES or (
        first.lemma_ in verbs
        and first.lemma_ not in word_classes()["adj"]
        and not first.text.endswith(("ly", "ed"))  # "Managed NFS", "Fully managed": descriptions
    )


@cache
def _gerunds() -> dict[str, str]:
    return {base: form for form, base in lemma_table().items() if form.endswith("ing") and form != base}


def gerund(verb: str) -> str:
    """'host' -> 'hosting', 'archive' -> 'archiving' (spaCy's lookup table; the verb itself when unknown)."""
    return _gerunds().get(verb.lower(), verb)
