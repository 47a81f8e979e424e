"""Scoring against facts and questions files (the format of the public development sets).

A fact is recalled when an emitted fact has the same subject (by label or alias), the same relation, and
an object that names the same entity or says the same thing (content words, fuzzy).
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from kg.facts import EntityRecord, FactRecord

STOP = frozenset("""a an the of and or to for in on with by is are be it its no not""".split())


def words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z0-9$.,]+", text.lower().replace("&", " and ")):
        w = w.strip(".,")
        if w and w not in STOP:
            out.add(w[:5] if w.isalpha() else w)  # crude stem: 'scaling' ~ 'scales' ~ 'scalable'
    return out


def names(ent: EntityRecord | None) -> set[str]:
    return {n.lower() for n in (ent.label, *ent.aliases)} if ent else set()


def same_object(expected: str, fact: FactRecord, entities: dict[str, EntityRecord]) -> bool:
    if fact.object_is_entity:
        ent = entities.get(fact.object)
        return expected.lower() in names(ent) or (
            ent is not None and fuzz.ratio(expected.lower(), ent.label.lower()) >= 90
        )
    exp, got = words(expected), words(fact.object)
    if not exp:
        return False
    return len(exp & got) / len(exp) >= 0.6 or fuzz.token_set_ratio(expected.lower(), fact.object.lower()) >= 85


@dataclass
class FactScore:
    total: int
    recalled: int
    missed: list[dict[str, object]]
    grounded: int
    evidence: int

    @property
    def recall(self) -> float:
        return self.recalled / self.total if self.total else 0.0

    @property
    def grounding(self) -> float:
        return self.grounded / self.evidence if self.evidence else 0.0


def score_facts(
    expected: list[dict[str, object]],
    facts: list[FactRecord],
    entities: dict[str, EntityRecord],
    sources: Iterable[Path],
) -> FactScore:
    by_subject: dict[str, list[FactRecord]] = {}
    for f in facts:
        for n in names(entities.get(f.subject)):
            by_subject.setdefault(n, []).append(f)
    missed = []
    for exp in expected:
        pred = str(exp["predicate"]).lower()
        cands = by_subject.get(str(exp["subject"]).lower(), [])
        if not any(f.predicate == pred and same_object(str(exp["object"]), f, entities) for f in cands):
            missed.append(exp)
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sources}
    evidence = [e for f in facts for e in f.evidence]
    # a source is named by its path in the folder ingested, or by its absolute path when ingested alone
    grounded = sum(1 for e in evidence if str(e["text"]) in texts.get(Path(str(e["source"])).name, ""))
    return FactScore(len(expected), len(expected) - len(missed), missed, grounded, len(evidence))


def load(path: Path) -> list[dict[str, object]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list")
    return data


def answer_ok(answer: str, must_contain: list[str]) -> bool:
    """Every entry of must_contain has one of its '|' alternatives in the answer (case-insensitive)."""
    text = answer.lower()
    return all(any(alt.strip().lower() in text for alt in entry.split("|")) for entry in must_contain)
