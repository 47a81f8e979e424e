"""The screen against the engine: many generated queries, and Oxigraph as the oracle of what runs.

Every query the screen lets through is evaluated by pyoxigraph in this process, with a loopback listener as
the target of every SERVICE the generator wrote; the listener must never see a connection. Every query the
generator built to carry a real SERVICE must be refused. The generator is seeded, so the cases are the same
on every run.
"""

import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest

from kg.errors import BadQuery, Forbidden, KGError
from kg.iris import is_iri_reference
from kg.safety import LINE_ENDS as LINE_ENDS_READ_AS_LF
from kg.safety import screen
from kg.stores import PREFIX_IRIS

SEED = 20261127
LINE_ENDS = ["\n", "\r", "\r\n", "\f", "\v", "\x85", "\u2028", "\u2029"]
SPELLINGS = ["SERVICE", "service", "SeRvIcE"]


@dataclass(frozen=True)
class Case:
    query: str
    carries_service: bool  # built so that Oxigraph would call the listener
    valid: bool = False  # built as a query that the screen must pass and Oxigraph must parse


class Listener:
    """A loopback TCP listener that counts and closes every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    made = Listener()
    yield made
    made.close()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    made = ox.Store()
    ex = "http://example.org/"
    made.add(ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), ox.Literal("o")))
    made.add(ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "SERVICE"), ox.NamedNode(ex + "service")))
    objects = [ox.Literal(True), ox.Literal(False), ox.Literal(1), ox.Literal("x"), ox.NamedNode(ex + "a.b")]
    for obj in objects:  # so that the patterns before a carried SERVICE match, and the SERVICE is called
        made.add(ox.Quad(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), obj))
    return made


# ------------------------------------------------------------------------------------------ the generator


def prologue(port: int) -> str:
    url = f"http://127.0.0.1:{port}/"
    return f"PREFIX : <{url}> PREFIX ex: <{url}> PREFIX e: <http://example.org/> "


def carrying(rng: random.Random, port: int) -> list[str]:
    """Group-pattern bodies that Oxigraph reads as a SERVICE call to the listener."""
    kw = rng.choice(SPELLINGS)
    url = f"<http://127.0.0.1:{port}/sparql>"
    end = rng.choice(LINE_ENDS)
    group = "{ ?s ?p ?o }"
    return [
        f"{kw} {url} {group}",
        f"{kw} SILENT {url} {group}",
        f"# a comment{end}{kw} {url} {group}",
        f"?s ?p ?o # x{end}{kw} :x {group}",
        f"{kw}#c{end}{url} {group}",
        f"{kw}:x {group}",
        f"{kw}ex:x {group}",
        f"{kw}SILENT{url}{group}",
        f"?s ?p false{kw}{url} {group}",
        f"?s ?p true{kw}:x {group}",
        f"?s ?p 1{kw}{url} {group}",
        f'?s ?p "x"{kw}{url} {group}',
        f"?s ?p e:a.b.{kw}{url} {group}",
        f"BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b){kw}:x#>{end}{group}",
        f"BIND(1 AS ?a) FILTER(COALESCE(?a<e:b,true)){kw}:x#>\n{group}",
        f"BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b#>'''\n) {kw}:x {group} #'''\n",
        f"OPTIONAL {{ {kw} {url} {group} }}",
        f"{{ ?s ?p ?o }} UNION {{ {kw} {url} {group} }}",
        f"FILTER NOT EXISTS {{ {kw} {url} {group} }}",
        f"{{ SELECT * WHERE {{ {kw} {url} {group} }} }}",
    ]


def benign(rng: random.Random) -> list[str]:
    """Group-pattern bodies with SERVICE (or what looks like it) only where it is not a keyword."""
    kw = rng.choice(SPELLINGS)
    end = rng.choice(LINE_ENDS)
    return [
        f'?s ?p ?o FILTER(?o != "{kw} <http://127.0.0.1:9/> {{}}")',
        f"?s ?p ?o FILTER(?o != '''{kw}\n<x> {{ }}''')",
        f'?s ?p ?o FILTER(?o != "\\"{kw}\\\\")',
        f"?{kw} ?p ?o",
        f"?s e:{kw} ?o",
        f"?s e:{kw.lower()}_x.y ?o",
        f"?s <http://example.org/{kw}> ?o",
        f"?s ?p ?o # {kw} <http://127.0.0.1:9/> {{ }}{end}",
        f"?s ?p ?o .{end}# {kw}{end}?s ?p ?o",
        "?s e:a\\-b ?o . ?s e:%41 ?o",
        f"_:{kw} ?p ?o",
        f'?s ?p "x"@en-{kw}',
        f"?s ?p ?o FILTER(?o < <http://example.org/{kw}#x>)",
        "VALUES (?a ?b) { (<http://example.org/a> <http://example.org/b>) }",
        f"?s ?p ?o FILTER(regex(str(?o), '{kw}', 'i'))",
    ]


PALETTE = ["<", ">", "#", "'", '"', "\r", "\n", "\u2028", "{", "}", "(", ")", "?", ":", ".", " ", "\\", "SERVICE"]


def mutate(rng: random.Random, text: str) -> str:
    """The text with a few characters from PALETTE put in at random places."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(PALETTE) + text[at:]
    return text


def spread_line_ends(rng: random.Random, text: str) -> str:
    """Every space replaced by a line terminator, each chosen at random."""
    return "".join(rng.choice(LINE_ENDS) if ch == " " else ch for ch in text)


def cases(port: int, rounds: int = 40) -> list[Case]:
    rng = random.Random(SEED)
    made: list[Case] = []
    head = prologue(port)
    for _ in range(rounds):
        form = rng.choice(["SELECT * WHERE", "ASK", "select ?s where", "CONSTRUCT { ?s ?p ?o } WHERE"])
        for body in carrying(rng, port):
            query = f"{head}{form} {{ {body} }}"
            made += [Case(query, True), Case(spread_line_ends(rng, query), True)]
            made.append(Case(mutate(rng, query), False))
        for body in benign(rng):
            query = f"{head}{form} {{ {body} }}"
            made.append(Case(query, False, valid=True))
            made.append(Case(mutate(rng, query), False))
    return made


# ------------------------------------------------------------------------------------------------ the tests


def run(store: ox.Store, text: str) -> str:
    """What Oxigraph made of the text: "ok", or the kind of its failure."""
    try:
        result = store.query(text, prefixes=PREFIX_IRIS)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
        return "ok"
    except SyntaxError:
        return "syntax"
    except Exception as exc:
        return type(exc).__name__


def test_what_the_screen_passes_never_reaches_the_network(store: ox.Store, listener: Listener) -> None:
    outcomes: dict[str, int] = {}
    generated = cases(listener.port)
    assert len(generated) > 1_500
    for case in generated:
        try:
            screened = screen(case.query)
        except Forbidden:
            outcome = "forbidden"
        except BadQuery:
            outcome = "bad query"
        else:
            outcome = "passed, oxigraph: " + run(store, screened.text)
            assert listener.connections == 0, f"the screen let a SERVICE through: {case.query!r}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if case.carries_service:
            assert outcome == "forbidden", (case.query, outcome)
        if case.valid:
            assert outcome == "passed, oxigraph: ok", (case.query, outcome)
    time.sleep(0.2)  # a connection made by the last query is counted once accepted
    assert listener.connections == 0
    print(f"\n{len(generated)} generated queries: {sorted(outcomes.items())}")
    assert outcomes["forbidden"] > 600 and outcomes["passed, oxigraph: ok"] > 600


def test_oxigraph_would_have_called_the_listener(store: ox.Store) -> None:
    """The oracle works: unscreened, the carrying cases do reach the listener."""
    own = Listener()
    try:
        rng = random.Random(SEED)
        head = prologue(own.port)
        bodies = carrying(rng, own.port)
        for body in bodies:  # as the screen would pass them on, were it not to refuse them
            run(store, LINE_ENDS_READ_AS_LF.sub("\n", f"{head}SELECT * WHERE {{ {body} }}"))
        assert own.connections == len(bodies)
    finally:
        own.close()


def test_what_the_screen_calls_an_iri_oxigraph_accepts(store: ox.Store) -> None:
    """An IRI that fails Oxigraph's check is read another way by its parser: the screen must be no looser."""
    rng = random.Random(SEED)
    alphabet = "a:/?#[]@!$&'()*+,;=%4F-._~0\u00e9\u2028\ufff0 "
    agreed = 0
    for _ in range(1_500):
        iri = "http://" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        ours = is_iri_reference(iri)
        theirs = "<" not in iri[1:] and run(store, f"SELECT * WHERE {{ BIND(<{iri}> AS ?x) }}") == "ok"
        assert theirs or not ours, iri
        agreed += ours == theirs
    assert agreed > 1_200


def test_a_screen_refusal_is_one_line(listener: Listener) -> None:
    for case in cases(listener.port, rounds=2):
        try:
            screen(case.query)
        except KGError as refused:
            assert "\n" not in refused.message and len(refused.message) < 200
