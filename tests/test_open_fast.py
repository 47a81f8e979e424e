"""Opening a graph fast: statements' names looked up only as long as a name can be, and collection paused while a
graph is built; each gives what the plain way gives."""

import gc

import pytest

from kg.facts import EntityRecord
from service.heap import building
from service.qa.names import STOP, NameIndex, normalise
from service.qa.statements import tokens

ENTITIES = {
    f"e:{key}": EntityRecord(f"e:{key}", key, label, "Service", aliases)
    for key, label, aliases in [
        ("queue", "Acme Queue", ("AQ",)),
        ("store", "Acme Object Store", ()),
        ("stream", "Acme Stream", ()),
        ("net", ".NET Core", ()),
        ("fn", "Function", ("serverless function",)),
    ]
}


def slow_named_in(names: NameIndex, text: str) -> set[str]:
    """_named_in as it was: every phrase up to the longest name, at every word."""
    words = normalise(text).split()
    found: set[str] = set()
    i = 0
    while i < len(words):
        for n in range(min(names.longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n]).strip(".,;:")
            iri = names.exact.get(phrase)
            if iri and not (n == 1 and (phrase in STOP or phrase in names.shouted or len(phrase) <= 2)):
                found.add(iri)
                i += n - 1
                break
        i += 1
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme Queue holds messages.", {"e:queue"}),
        ("Put it in the acme object store, then the queue.", {"e:store", "e:queue"}),
        ("a serverless function; then .NET Core.", {"e:fn"}),  # a leading dot is stripped: no name
        ("Functions scale, AQ: buffers", {"e:fn"}),  # a name of two letters is a word
        ("... acme, object store", {"e:store"}),
        ("nothing named here", set()),
        ("", set()),
    ],
)
def test_named_in(text: str, expected: set[str]) -> None:
    names = NameIndex(ENTITIES)
    assert names._named_in(text) == expected
    assert names._named_in(text) == slow_named_in(names, text)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Queues decouple producers", "Messaging > Queues"),
        ("well-known e.g. caching", "Intro"),
        ("x", ""),
        ("C# and C++ it's fine’s", "Lang > Notes"),
    ],
)
def test_stems_of_a_statement_and_its_section(text: str, section: str) -> None:
    assert set(tokens(f"{text} {section}")) == set(tokens(text)) | set(tokens(section))


@pytest.mark.parametrize("enabled", [True, False])
def test_building_pauses_collection(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with building():
            assert not gc.isenabled()
            with building():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()
