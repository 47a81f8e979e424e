"""/healthz and /api/ask answered before Flask runs (service.fast_answers): which requests qualify, and that what is
sent is what the app's endpoints send, head and body, byte for byte."""

from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
import wsgi_environ
from flask import Flask
from werkzeug.test import TestResponse

from service import MAX_URL, create_app, plain_get
from service.fast_answers import FastAnswers, question_of

ASK = "what does batch run on"


@pytest.fixture(scope="module")
def app(corpus_graph: Path) -> Flask:
    return create_app({"TESTING": True, "GRAPH": str(corpus_graph), "MAX_QUESTION": 40})


environ = partial(wsgi_environ.environ, path="/api/ask", query_string="q=" + quote(ASK))


PLAIN = [  # (environ, whether it is a plain GET)
    (environ(), True),
    (environ(path="/healthz", query_string=""), True),
    (environ(query_string="q=" + "x" * (MAX_URL - len("/api/ask") - 2)), True),
    (environ(query_string="q=" + "x" * (MAX_URL - len("/api/ask") - 1)), False),  # 414
    (environ(headers={"X-Big": "x" * 100_000}), False),  # 431
    (environ(method="HEAD"), False),
    (environ(method="POST", data=b"q=x", content_type="application/x-www-form-urlencoded"), False),
    (environ(method="GET", data=b"x"), False),  # a body: the app decides what it means
    (environ(headers={"Transfer-Encoding": "chunked"}), False),
    (environ(query_string="q=%C3%A9"), True),  # escaped: ASCII
    ({**environ(), "QUERY_STRING": "q=\xe9"}, False),  # a raw byte outside ASCII: the app reads it
]


@pytest.mark.parametrize(("env", "expected"), PLAIN)
def test_which_requests_are_plain_gets(env: dict, expected: bool) -> None:
    assert plain_get(env) is expected


QUESTIONS = [  # (query string, the question /api/ask takes, or None: the app's error or another reading)
    ("q=what+runs+on+ec2", "what runs on ec2"),
    ("q=what%20runs%20on%20ec2", "what runs on ec2"),
    ("q=a&q=b", "a"),  # the first, as request.values.get reads it
    ("x=1&q=a", "a"),
    ("q=%C3%A9t%C3%A9", "été"),
    ("q=%FF", "%FF"),  # not UTF-8: left escaped, as werkzeug leaves it
    ("q=a=b;c%2Bd+e%3D", "a=b;c+d e="),  # '=' after the first and ';' are the value's
    ("q=", None),
    ("q=+++", None),
    ("x=1", None),
    ("", None),
    ("q=" + "x" * 21, None),  # longer than the limit
    ("q=" + "x" * 20, "x" * 20),
]


@pytest.mark.parametrize(("query_string", "expected"), QUESTIONS)
def test_the_question_is_read_as_the_endpoint_reads_it(query_string: str, expected: str | None) -> None:
    assert question_of(query_string, 20) == expected


REQUESTS = [  # (path, query string)
    ("/healthz", ""),
    ("/healthz", "x=1"),
    ("/api/ask", "q=" + quote(ASK)),
    ("/api/ask", "q=" + quote(ASK.upper())),
    ("/api/ask", "q=what+is+nothing+at+all"),
    ("/api/ask", "q=%FF"),
    ("/api/ask", "q="),  # the app's 400
    ("/api/ask", "q=" + "x" * 41),  # the app's 400: longer than MAX_QUESTION
    ("/api/ask", ""),
]


def get(app: Flask, path: str, query_string: str) -> TestResponse:
    return app.test_client().get(path, query_string=query_string)


@pytest.mark.parametrize(("path", "query_string"), REQUESTS)
def test_a_fast_answer_is_sent_as_the_endpoint_sends_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch, path: str, query_string: str
) -> None:
    fast = get(app, path, query_string)
    monkeypatch.setattr(FastAnswers, "__call__", lambda self, environ, start: self.wsgi_app(environ, start))
    by_app = get(app, path, query_string)
    assert fast.status == by_app.status
    assert sorted(fast.headers.items()) == sorted(by_app.headers.items())
    assert fast.data == by_app.data


def test_an_error_while_answering_is_the_apps_json_error(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(question: str) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["kgqa"], "answer_json", fail)
    response = get(app, "/api/ask", "q=" + quote(ASK))
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "the server failed to answer; the error is logged"}
    }
    assert "Content-Security-Policy" in response.headers


def test_with_trusted_hosts_every_request_goes_through_the_app(corpus_graph: Path) -> None:
    guarded = create_app({"TESTING": True, "GRAPH": str(corpus_graph), "TRUSTED_HOSTS": ["kgqa.example"]})
    assert guarded.test_client().get("/healthz").status_code == 400
    assert guarded.test_client().get("/healthz", headers={"Host": "kgqa.example"}).status_code == 200
