"""The SPARQL tokenizer and the IRI check the screen rests on: tables of (input, expected)."""

import pytest

from kg import sparql_tokens as tk
from kg.iris import is_iri_reference, scheme_of


def kinds(text: str) -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tk.tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?s", [(tk.WORD, "SELECT"), (tk.VAR, "?s")]),
        ("<http://a/b#c>", [(tk.IRI, "<http://a/b#c>")]),
        ("< a>", [(tk.PUNCT, "<"), (tk.WORD, "a"), (tk.PUNCT, ">")]),
        ("?a<?b", [(tk.VAR, "?a"), (tk.PUNCT, "<"), (tk.VAR, "?b")]),
        ("ex:a\\-b%41", [(tk.PNAME, "ex:a\\-b%41")]),
        ("ex:a.b.c", [(tk.PNAME, "ex:a.b"), (tk.PUNCT, "."), (tk.WORD, "c")]),  # as Oxigraph reads it
        (":x", [(tk.PNAME, ":x")]),
        ("SERVICE:x", [(tk.PNAME, "SERVICE:x")]),
        ("falseSERVICE", [(tk.WORD, "falseSERVICE")]),
        ("true.FROM", [(tk.WORD, "true.FROM")]),
        ("_:b1 $v", [(tk.BNODE, "_:b1"), (tk.VAR, "$v")]),
        ("'''a''b''' 'c\\'d'", [(tk.STRING, "'''a''b'''"), (tk.STRING, "'c\\'d'")]),
        ('"x"@en-GB^^', [(tk.STRING, '"x"'), (tk.LANGTAG, "@en-GB"), (tk.PUNCT, "^^")]),
        (
            "1 1.5 .5 1e3 1.",
            [
                (tk.NUMBER, "1"),
                (tk.NUMBER, "1.5"),
                (tk.NUMBER, ".5"),
                (tk.NUMBER, "1e3"),
                (tk.NUMBER, "1"),
                (tk.PUNCT, "."),
            ],
        ),
        ("a # c\rb", [(tk.WORD, "a"), (tk.COMMENT, "# c"), (tk.WORD, "b")]),
        ("{}()[];,", [(tk.PUNCT, ch) for ch in "{}()[];,"]),
        ("&& || != <= >=", [(tk.PUNCT, op) for op in ("&&", "||", "!=", "<=", ">=")]),
        ("   ", []),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(("text", "offset"), [("a \\ b", 2), ('"open', 0), ("a & b", 2), ("x\u00a0", 1), ("@", 0)])
def test_where_no_terminal_fits(text: str, offset: int) -> None:
    with pytest.raises(tk.TokenError) as error:
        list(tk.tokens(text))
    assert error.value.position == offset


@pytest.mark.parametrize(
    ("iri", "valid", "scheme"),
    [
        ("http://example.org/a?b#c", True, "http"),
        ("FILE:///etc/passwd", True, "file"),
        ("urn:isbn:123", True, "urn"),
        ("mailto:a@b.c", True, "mailto"),
        ("http://[::1]:80/", True, "http"),
        ("relative/path", True, None),
        ("?b)&&(?c", True, None),
        ("", True, None),
        ("http://e/a%zz", False, "http"),
        ("http://e/a b", False, "http"),
        ("http://e/a#b#c", False, "http"),
        ("http://e:x/", False, "http"),
        ("http://[::zz]/", False, "http"),
        ("1a:b", False, None),
        ("http://e/\ufff0", False, "http"),
    ],
)
def test_iri_references(iri: str, valid: bool, scheme: str | None) -> None:
    assert is_iri_reference(iri) is valid
    assert scheme_of(iri) == scheme
