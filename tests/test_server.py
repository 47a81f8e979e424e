"""A real `kgqa serve` on a free loopback port (granian; gunicorn where both are held to a behaviour), queried over
HTTP by urllib, SPARQLWrapper, rdflib and raw sockets: results, limits, errors, headers, slow clients, a saturated
query pool, and stopping and reloading."""

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request

import pytest
from flask import Flask
from graphs import read_dataset
from gunicorn.config import Config
from live_server import OPENER, free_port, serving, start, stop
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ingest.pipeline import run_ingest
from kg.locations import PROJECT_ROOT, SOURCES_DIR
from kg.namespaces import ENT
from kg.stores import StoreConfig
from service import MAX_HEADERS, MAX_URL, create_app
from service.server import json_error_page

LABELS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
CONSTRUCT = f"CONSTRUCT {{ <{ENT['aws-lambda']}> ?p ?o }} WHERE {{ <{ENT['aws-lambda']}> ?p ?o }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """SPARQLWrapper and rdflib use urllib's default opener: keep it off any proxy."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None) -> Any:
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", content_type)) if v}
    return OPENER.open(Request(url, data=data, headers=headers), timeout=30)


@pytest.fixture(scope="module")
def base_url(corpus_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`serve()`, as `kgqa serve` runs it, with a 3 s query timeout (time enough, on a busy machine, to fork query processes under load)."""
    env = {**os.environ, "KGQA_QUERY_TIMEOUT": "3"}
    with serving(corpus_graph, tmp_path_factory.mktemp("server"), env) as url:
        yield url


def sparql(base_url: str, query: str, accept: str) -> Any:
    return get(f"{base_url}/sparql?{urlencode({'query': query})}", accept)


def expected_lambda_triples(corpus_graph: Path) -> set[Any]:
    return set(read_dataset(corpus_graph).triples((URIRef(ENT["aws-lambda"]), None, None)))


def test_select_as_json_and_csv(base_url: str, corpus_graph: Path) -> None:
    expected = {(str(s), str(label)) for s, label in read_dataset(corpus_graph).subject_objects(RDFS.label)}
    with sparql(base_url, LABELS, "application/sparql-results+json") as response:
        assert response.headers.get_content_type() == "application/sparql-results+json"
        assert response.headers["X-KGQA-Truncated"] == "false"
        body = json.load(response)
    assert body["head"]["vars"] == ["s", "label"]
    assert {(row["s"]["value"], row["label"]["value"]) for row in body["results"]["bindings"]} == expected
    with sparql(base_url, LABELS, "text/csv") as response:
        assert response.headers.get_content_type() == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert {(row["s"], row["label"]) for row in rows} == expected


def test_ask_true_and_false(base_url: str) -> None:
    for query, expected in (("ASK { ?s a kg:Evidence }", True), ("ASK { ?s a kg:NoSuchClass }", False)):
        with sparql(base_url, query, "application/sparql-results+json") as response:
            assert json.load(response)["boolean"] is expected


def test_construct_as_turtle(base_url: str, corpus_graph: Path) -> None:
    with sparql(base_url, CONSTRUCT, "text/turtle") as response:
        assert response.headers.get_content_type() == "text/turtle"
        graph = Graph().parse(data=response.read(), format="turtle")
    assert set(graph) == expected_lambda_triples(corpus_graph) and len(graph) > 0


def test_post_form_and_query_body(base_url: str) -> None:
    form = urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    with get(f"{base_url}/sparql", None, form, "application/x-www-form-urlencoded") as response:
        assert json.load(response)["boolean"] is True
    body = b"ASK { ?s ?p ?o }"
    with get(f"{base_url}/sparql", None, body, "application/sparql-query") as response:
        assert json.load(response)["boolean"] is True


def test_errors_under_the_server_are_json_and_a_long_query_leaves_the_server_answering(base_url: str) -> None:
    for query, status in (("INSERT DATA { <http://a.example/> <http://b.example/> 1 }", 403), (CARTESIAN, 503)):
        with pytest.raises(HTTPError) as failed:
            sparql(base_url, query, "application/sparql-results+json")
        assert failed.value.code == status
        assert set(json.load(failed.value)["error"]) == {"code", "message"}
    with get(f"{base_url}/healthz") as response:
        assert json.load(response)["status"] == "ok"


def test_sparqlwrapper_queries_the_endpoint(base_url: str, corpus_graph: Path) -> None:
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    client = sparqlwrapper.SPARQLWrapper(f"{base_url}/sparql")
    client.setTimeout(30)
    client.setQuery(LABELS)
    client.setReturnFormat(sparqlwrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert "AWS Lambda" in {row["label"]["value"] for row in rows}
    client.setQuery("ASK { ?s ?p ?o }")
    assert client.query().convert()["boolean"] is True
    client.setMethod(sparqlwrapper.POST)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(sparqlwrapper.TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert set(graph) == expected_lambda_triples(corpus_graph)


def test_rdflib_sparqlstore_queries_the_endpoint(base_url: str, corpus_graph: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(f"{base_url}/sparql", timeout=30))
    labels = {str(row[1]) for row in remote.query(LABELS)}  # type: ignore[index]
    assert "AWS Lambda" in labels
    assert bool(remote.query("ASK { ?s ?p ?o }")) is True
    assert set(remote.query(CONSTRUCT)) == expected_lambda_triples(corpus_graph)


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_the_wsgi_entry_runs_under_each_servers_own_command(server: str, corpus_graph: Path, tmp_path: Path) -> None:
    port = free_port()
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--port", str(port), "service.wsgi:app"]
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "service.wsgi:app",
        ]
        if "control_socket_disable" in Config().settings:
            command.append("--no-control-socket")
    env = {**os.environ, "KGQA_GRAPH": str(corpus_graph)}
    with (tmp_path / f"{server}.log").open("w+b") as log:
        process = start(command, log, port, env)
        try:
            with sparql(f"http://127.0.0.1:{port}", "ASK { ?s ?p ?o }", "application/sparql-results+json") as response:
                assert json.load(response)["boolean"] is True
        finally:
            stop(process)


def test_serve_refuses_to_start_without_a_graph(tmp_path: Path) -> None:
    command = ["serve", "--graph", str(tmp_path / "none"), "--port", str(free_port()), "--workers", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "kgqa.cli", *command], cwd=PROJECT_ROOT, capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert b"no graph in the memory store" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/api/ask?q=" + quote("what does batch run on"),
        "/sparql?query=" + quote("SELECT ?o WHERE { ent:aws-batch kg:runsOn ?o }"),
    ],
)
def test_under_load_every_valid_request_succeeds(base_url: str, path: str) -> None:
    """wrk (Debian's package) for a few seconds: no non-2xx answer, no socket error. wrk's time limit is long:
    each worker forks its query processes on first use, which takes up to seconds on a busy machine."""
    wrk = shutil.which("wrk")
    if wrk is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is not installed (.ci/run installs it)")
        pytest.skip("wrk is not installed")
    out = subprocess.run(
        [wrk, "-t2", "-c8", "-d3s", "--timeout", "20s", base_url + path],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert re.search(r"Requests/sec:\s+[\d.]+", out), out
    assert "Non-2xx" not in out, out
    assert "Socket errors" not in out, out


# --- limits, errors and headers, the HTTP server's own included ------------------------------------------------------

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
RAW_TIMEOUT_S = 20


@dataclass(frozen=True)
class Raw:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


def raw(base_url: str, data: bytes) -> Raw:
    """Send `data` as it is on a new connection and read the answer until the server closes it."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=RAW_TIMEOUT_S) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return Raw(int(status_line.split()[1]), headers, body)


def request_head(target: str, *extra: str, method: str = "GET") -> bytes:
    return "\r\n".join([f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *extra, "Connection: close", "", ""]).encode()


def assert_json_error(answer: Raw, status: int) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"].startswith("application/json"), answer.headers
    assert set(json.loads(answer.body)["error"]) == {"code", "message"}
    for name in SECURITY_HEADERS:
        assert name.lower() in answer.headers, (name, answer.headers)


@pytest.fixture(scope="module")
def gunicorn_url(corpus_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(corpus_graph, tmp_path_factory.mktemp("gunicorn"), server="gunicorn") as url:
        yield url


@pytest.fixture(params=["granian", "gunicorn"])
def any_server(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(server, base URL) for each server `kgqa serve --server` offers."""
    return request.param, request.getfixturevalue("base_url" if request.param == "granian" else "gunicorn_url")


def test_a_get_query_string_of_8_kb_is_answered(any_server: tuple[str, str]) -> None:
    """8 KB (8,000 bytes) of query string; gunicorn's longest request line is 8,190 bytes."""
    short = urlencode({"query": "ASK { ?s ?p ?o } #"})
    query_string = short + "x" * (8000 - len(short))
    answer = raw(any_server[1], request_head(f"/sparql?{query_string}"))
    assert answer.status == 200 and json.loads(answer.body)["boolean"] is True


def test_a_longer_url_gets_json_414(any_server: tuple[str, str]) -> None:
    """Over service.MAX_URL (32 KB); granian's parser answers URLs over 64 KB itself (a bare 414)."""
    query = "ASK { ?s ?p ?o } #" + "x" * 40_000
    assert_json_error(raw(any_server[1], request_head(f"/sparql?{urlencode({'query': query})}")), 414)


def test_oversized_headers_get_json_431(any_server: tuple[str, str]) -> None:
    assert_json_error(raw(any_server[1], request_head("/healthz", "X-Big: " + "x" * 100_000)), 431)


@pytest.mark.parametrize(
    "data",
    [
        b"HELLO\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\nConnection: close\r\n\r\n",
        b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\nConnection: close\r\n\r\n",
    ],
)
def test_a_malformed_request_gets_400_and_never_html(any_server: tuple[str, str], data: bytes) -> None:
    """gunicorn's own error pages are rewritten as JSON (service.server.write_json_error). granian's parser (hyper)
    has no hook for the answers it gives to what is not HTTP: a bare 400 with an empty body."""
    server, url = any_server
    answer = raw(url, data)
    if server == "gunicorn":
        assert_json_error(answer, 400)
    else:
        assert answer.status == 400 and answer.body == b"", answer


@pytest.fixture(scope="module")
def app(corpus_graph: Path) -> Flask:
    return create_app({"TESTING": True, "GRAPH": str(corpus_graph)})


@pytest.mark.parametrize(
    ("target", "headers", "status"),
    [
        ("/healthz?" + "x" * 8000, {}, 200),
        ("/healthz?" + "x" * (MAX_URL - len("/healthz")), {}, 200),
        ("/healthz?" + "x" * MAX_URL, {}, 414),
        ("/healthz", {"X-Big": "x" * (MAX_HEADERS - 200)}, 200),
        ("/healthz", {"X-Big": "x" * MAX_HEADERS}, 431),
    ],
)
def test_the_apps_own_limits_on_urls_and_headers(
    client: Any, target: str, headers: dict[str, str], status: int
) -> None:
    response = client.get(target, headers=headers)
    assert response.status_code == status
    if status != 200:
        assert set(response.get_json()["error"]) == {"code", "message"}


@pytest.mark.parametrize(
    ("status", "reason", "message", "code"),
    [
        (400, "Bad Request", "Invalid HTTP Version '(9, 9)'", "bad_request"),
        (414, "URI Too Long", "Request Line is too large (9024 > 8190)", "uri_too_long"),
        (431, "Request Header Fields Too Large", "", "request_header_fields_too_large"),
    ],
)
def test_gunicorns_error_pages_are_written_as_json(status: int, reason: str, message: str, code: str) -> None:
    head, _, body = json_error_page(status, reason, message).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == f"HTTP/1.1 {status} {reason}"
    assert f"Content-Length: {len(body)}" in lines and "X-Content-Type-Options: nosniff" in lines
    assert json.loads(body) == {"error": {"code": code, "message": message or reason}}


KINDS_OF_RESPONSE = [  # (method, target, extra header, body, status)
    ("GET", "/", None, b"", 200),
    ("GET", "/static/app.js", None, b"", 200),
    ("GET", "/healthz", None, b"", 200),
    ("GET", "/api/ask?q=what%20does%20batch%20run%20on", None, b"", 200),
    ("GET", "/api/entities?q=batch", None, b"", 200),
    ("GET", "/api/entities/aws-batch", None, b"", 200),
    ("GET", "/api/compare?a=aws-batch&b=aws-lambda", None, b"", 200),
    ("GET", "/api/path?from=aws-batch&to=amazon-ecs", None, b"", 200),
    ("GET", "/api/graph?focus=aws-batch", None, b"", 200),
    ("GET", "/api/export?format=ttl", None, b"", 200),
    ("GET", "/api/openapi.json", None, b"", 200),
    ("GET", "/sparql", None, b"", 200),  # the service description
    ("GET", "/sparql?query=ASK%20%7B%7D", None, b"", 200),
    ("OPTIONS", "/sparql", None, b"", 200),
    ("GET", "/api/ask", None, b"", 400),
    ("GET", "/sparql?query=INSERT%20DATA%20%7B%3Ca%3E%20%3Cb%3E%201%7D", None, b"", 403),
    ("GET", "/nowhere", None, b"", 404),
    ("DELETE", "/healthz", None, b"", 405),
    ("POST", "/api/ask", "Content-Length: 3000000", b"{}", 413),  # refused before the body is read
    ("GET", "/healthz?" + "x" * 40_000, None, b"", 414),
    ("GET", "/healthz", "X-Big: " + "x" * 100_000, b"", 431),
    ("GET", "/sparql?query=" + quote(CARTESIAN), None, b"", 503),
]


@pytest.mark.parametrize(("method", "target", "header", "body", "status"), KINDS_OF_RESPONSE)
def test_every_kind_of_response_carries_the_security_headers(
    base_url: str, method: str, target: str, header: str | None, body: bytes, status: int
) -> None:
    extra = [header or f"Content-Length: {len(body)}"]
    answer = raw(base_url, request_head(target, *extra, method=method) + body)
    assert answer.status == status
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


# --- slow clients, a saturated query pool ----------------------------------------------------------------------------

HEALTHZ_WAIT_S = 5  # far less than the 40 s and more that slow clients held /healthz under gunicorn's 8 threads


@contextlib.contextmanager
def slow_clients(url: str, kind: str, count: int) -> Iterator[None]:
    """`count` connections that send nothing ("idle") or a request head a byte each per 0.2 s ("trickle")."""
    parts = urlsplit(url)
    conns = [socket.create_connection((parts.hostname, parts.port), timeout=5) for _ in range(count)]
    done = threading.Event()
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 1000

    def trickle() -> None:
        for i in range(len(head)):
            if done.wait(0.2):
                return
            for conn in conns:
                with contextlib.suppress(OSError):
                    conn.send(head[i : i + 1])

    thread = threading.Thread(target=trickle, daemon=True)
    if kind == "trickle":
        thread.start()
    try:
        time.sleep(1)  # the server has accepted them all
        yield
    finally:
        done.set()
        if thread.is_alive():
            thread.join(timeout=5)
        for conn in conns:
            conn.close()


@pytest.mark.parametrize(("kind", "count"), [("trickle", 8), ("idle", 200)])
def test_slow_and_idle_clients_do_not_hold_the_workers(base_url: str, kind: str, count: int) -> None:
    with slow_clients(base_url, kind, count):
        for _ in range(3):
            with OPENER.open(f"{base_url}/healthz", timeout=HEALTHZ_WAIT_S) as response:
                assert json.load(response)["status"] == "ok"


@pytest.fixture(scope="module")
def slow_query_server(corpus_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Two query processes per worker, each query allowed 8 s."""
    env = {**os.environ, "KGQA_QUERY_TIMEOUT": "8", "KGQA_QUERY_PROCESSES": "2"}
    with serving(corpus_graph, tmp_path_factory.mktemp("slow"), env) as url:
        yield url


def slow_query(url: str, answers: list[int]) -> None:
    """A cross join that runs until the time limit; its status (503) into `answers`."""
    try:
        with OPENER.open(f"{url}/sparql?{urlencode({'query': CARTESIAN})}", timeout=60) as response:
            answers.append(response.status)
    except HTTPError as error:
        answers.append(error.code)


def test_a_saturated_query_pool_leaves_healthz_and_ask_answering(slow_query_server: str) -> None:
    """Six slow queries for four query processes (two workers x two): /healthz and /api/ask answer while every
    one of them is still running or waiting. A full pool answers the waiting ones 503 (at the latest when the
    time limit ends)."""
    answers: list[int] = []
    threads = [threading.Thread(target=slow_query, args=(slow_query_server, answers)) for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # the queries have reached the pool
        pending_before = sum(t.is_alive() for t in threads)
        for path in ("/healthz", "/api/ask?q=" + quote("what does batch run on")):
            with OPENER.open(slow_query_server + path, timeout=HEALTHZ_WAIT_S) as response:
                assert response.status == 200
        running = sum(t.is_alive() for t in threads)
    finally:
        for thread in threads:
            thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert running > 0 and running >= min(pending_before, 4), (pending_before, running)
    assert answers and set(answers) == {503}, answers


# --- starting, stopping, reloading -----------------------------------------------------------------------------------


def serve_command(graph: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "kgqa.cli", "serve", "--graph", str(graph), "--port", str(port), "--workers", "2"]


def test_sigterm_lets_a_request_in_flight_finish(corpus_graph: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KGQA_QUERY_TIMEOUT": "3"}
    with (tmp_path / "server.log").open("w+b") as log:
        process = start(serve_command(corpus_graph, port), log, port, env)
        try:
            answers: list[int] = []
            thread = threading.Thread(target=slow_query, args=(f"http://127.0.0.1:{port}", answers))
            thread.start()
            time.sleep(1)
            process.send_signal(signal.SIGTERM)
            thread.join(timeout=60)
            assert answers == [503]  # answered (at its time limit), not cut off
            assert process.wait(timeout=60) == 0
        finally:
            stop(process)
        log.seek(0)
        assert b"refused to gracefully stop" not in log.read()  # each worker stopped its query processes and left


def test_sighup_reloads_the_graph_without_a_failed_request(corpus_graph: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(corpus_graph, graph)
    smaller = tmp_path / "smaller"
    run_ingest([SOURCES_DIR / "flashcards.txt"], StoreConfig(directory=smaller))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "server.log").open("w+b") as log:
        process = start(serve_command(graph, port), log, port, None)
        try:
            with OPENER.open(url + "/healthz", timeout=30) as response:
                before = json.load(response)["triples"]
            shutil.copy(smaller / "graph.nq", graph / "graph.nq")
            process.send_signal(signal.SIGHUP)
            seen = {before}
            deadline = time.monotonic() + 60
            while len(seen) == 1 and time.monotonic() < deadline:
                with OPENER.open(url + "/healthz", timeout=30) as response:  # every one answers while workers change
                    seen.add(json.load(response)["triples"])
                time.sleep(0.2)
            assert len(seen) == 2 and min(seen) < before
        finally:
            stop(process)


def test_a_taken_port_gets_one_line_naming_kgqa_port(corpus_graph: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            serve_command(corpus_graph, port), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "KGQA_PORT" in lines[0] and str(port) in lines[0], done.stderr
