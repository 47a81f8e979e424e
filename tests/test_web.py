"""The web page at `/` in a real browser: Playwright for Python driving Debian's Chromium against a real
gunicorn server on a free loopback port. Every request the page makes is recorded (only this server may be
asked) and so are console errors. Screenshots go to tests/artifacts/ (git-ignored) for a look by eye.

Without Playwright or Chromium the tests are skipped, except under CI=true, where that is a failure."""

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import networkx as nx
import pytest
from live_server import OPENER, serving
from rdflib import Graph

from kg.locations import PROJECT_ROOT
from service import graphview, vocabulary

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
]
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def base_url(corpus_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(corpus_graph, tmp_path_factory.mktemp("web-server")) as url:
        yield url


def missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("KGQA_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


# ----------------------------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (pip)")
    executable = chromium_path()
    if executable is None:
        missing("chromium (apt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """A page of the app with what it asked for and what it complained about."""

    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self, expected_error: str | None = None) -> None:
        """No request left the server and nothing went wrong, but for an error the test caused (the
        browser logs every 4xx answer, and every aborted request, as a console error)."""
        assert self.requests, "the page made no request at all"
        assert not self.outside, f"requests left the server: {self.outside}"
        errors = [e for e in self.errors if not (expected_error and expected_error in e)]
        assert not errors, f"console errors: {errors}"

    @property
    def size(self) -> str:
        return "desktop" if self.page.viewport_size["width"] == DESKTOP["width"] else "phone"

    def shot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"web-{self.size}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def ask(self, question: str) -> Any:
        box = self.page.get_by_test_id("ask-input")
        box.fill(question)
        box.press("Enter")
        answer = self.page.get_by_test_id("answer")
        self.page.wait_for_function(
            "q => document.getElementById('answer').getAttribute('aria-busy') === 'false'"
            " && document.getElementById('answer').hasAttribute('data-kind')"
            " && document.getElementById('ask-input').value === q",
            arg=question,
            timeout=WAIT_MS,
        )
        return answer


def wait_for_graph(page: Any) -> None:
    page.wait_for_selector("body[data-graph-ready='true']", timeout=WAIT_MS)


def open_page(browser: Any, base_url: str, viewport: dict[str, int], first_view: int = 0) -> Iterator[Visit]:
    """A page at `viewport`; first_view: make its first view of the graph this many entities, not 150."""
    context = browser.new_context(viewport=viewport, accept_downloads=True, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    visit = Visit(page, base_url)

    def route(route: Any) -> None:
        url = route.request.url
        visit.requests.append(url)
        if first_view and url.endswith("/api/graph?limit=150"):
            route.continue_(url=url.replace("limit=150", f"limit={first_view}"))
        elif url.startswith(base_url + "/") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            visit.outside.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: visit.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    page.goto(base_url + "/")
    wait_for_graph(page)
    try:
        yield visit
    finally:
        context.close()


@pytest.fixture
def desktop(browser: Any, base_url: str) -> Iterator[Visit]:
    yield from open_page(browser, base_url, DESKTOP)


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Visit]:
    yield from open_page(browser, base_url, PHONE)


@pytest.fixture(params=["desktop", "phone"])
def visit(request: pytest.FixtureRequest, browser: Any, base_url: str) -> Iterator[Visit]:
    yield from open_page(browser, base_url, DESKTOP if request.param == "desktop" else PHONE)


# ---------------------------------------------------------------------------------------------- tests

POSITIONS = "() => Object.fromEntries(kgqa.cy().nodes().map(n => [n.id(), [n.position('x'), n.position('y')]]))"
OVERLAPS = """() => {
  const boxes = kgqa.labelBoxes(), found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) found.push([a.id, b.id]);
  }
  return {shown: boxes.length, overlaps: found};
}"""


def run_sparql(page: Any, query: str) -> Any:
    page.evaluate("q => kgqa.editor.setValue(q)", query)
    page.get_by_test_id("sparql-run").click()
    page.wait_for_selector(
        "[data-testid=sparql-results]:is([data-state='done'], [data-state='error'])", state="attached"
    )
    return page.get_by_test_id("sparql-results")


def test_ask_shows_the_answer_with_evidence_and_highlights_it(desktop: Visit) -> None:
    answer = desktop.ask("what does batch run on")
    assert answer.get_attribute("data-answered") == "true"
    assert "Amazon ECS" in answer.inner_text()
    evidence = desktop.page.get_by_test_id("evidence")
    assert evidence.locator("li.ev").count() > 0
    assert "other-compute.md:145" in evidence.inner_text()
    assert "Batch jobs are defined as Docker images and run on ECS" in evidence.inner_text()
    highlighted = desktop.page.evaluate(
        "() => ({nodes: kgqa.cy().nodes('.hl').map(n => n.id()), edges: kgqa.cy().edges('.hl').map(e => e.id())})"
    )
    assert {"aws-batch", "amazon-ecs"} <= set(highlighted["nodes"])
    assert "aws-batch|runs_on|amazon-ecs" in highlighted["edges"]
    desktop.page.wait_for_timeout(500)  # the highlight's zoom animation
    desktop.shot("ask")
    desktop.assert_clean()


def test_the_layout_is_the_same_after_a_reload(visit: Visit) -> None:
    page = visit.page
    before = page.evaluate(POSITIONS)
    assert len(before) >= 50
    visit.shot("graph")
    page.reload()
    wait_for_graph(page)
    after = page.evaluate(POSITIONS)
    assert after == before
    visit.assert_clean()


def test_no_two_labels_overlap_at_the_default_zoom(visit: Visit) -> None:
    found = visit.page.evaluate(OVERLAPS)
    wide = visit.page.viewport_size["width"] >= 1000
    assert found["shown"] >= (12 if wide else 6), found  # the most connected entities are named
    assert found["overlaps"] == [], found
    assert visit.page.evaluate("() => kgqa.cy().edges().filter(e => e.style('label') !== '').length") == 0
    visit.assert_clean()


def test_clicking_an_entity_opens_its_facts_beside_the_graph(desktop: Visit) -> None:
    page = desktop.page
    graph = page.get_by_test_id("graph")
    box = graph.bounding_box()
    assert box["width"] >= 600 and box["height"] >= 400, box
    x, y = page.evaluate(
        "() => { const p = kgqa.cy().getElementById('aws-batch').renderedPosition(); return [p.x, p.y]; }"
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    details = page.get_by_test_id("details")
    page.wait_for_selector("[data-testid=details][data-entity='aws-batch']")
    drawer, graph_box = details.bounding_box(), graph.bounding_box()
    assert graph_box["x"] + graph_box["width"] <= drawer["x"], (graph_box, drawer)  # beside, not over it
    assert "entity=aws-batch" in page.url
    facts = details.get_by_test_id("facts").first
    assert "runs on" in facts.inner_text() and "kg:runsOn" in facts.inner_text() and "Amazon ECS" in facts.inner_text()
    assert details.locator("details.fact-evidence .src").count() == 0  # evidence comes on demand
    details.locator("details.fact-evidence summary").first.click()
    assert details.locator("details.fact-evidence[open] .src").first.is_visible()
    edge_labels = page.evaluate("() => kgqa.cy().edges().filter(e => e.style('label') !== '').length")
    assert edge_labels > 0  # the selected entity's relations are named
    desktop.shot("details")
    page.get_by_role("button", name="Whole graph").click()
    page.wait_for_selector("[data-testid=details]", state="hidden")
    desktop.assert_clean()


def test_a_filter_lays_out_fits_and_counts_what_it_shows(visit: Visit) -> None:
    page = visit.page
    visit.ask("what does batch run on")
    assert page.evaluate("() => kgqa.cy().nodes('.hl').length") > 0
    page.select_option("#relation-filter", "runs_on")
    page.wait_for_function("() => document.getElementById('graph-status').textContent.includes('kg:runsOn')")
    shown = page.evaluate(
        "() => ({nodes: kgqa.cy().nodes().not('.hidden').length, edges: kgqa.cy().edges().not('.hidden').map(e => e.data('predicate')),"
        " hl: kgqa.cy().elements('.hl, .faded').length})"
    )
    assert set(shown["edges"]) == {"runs_on"} and shown["hl"] == 0, shown
    status = page.get_by_test_id("graph-status")
    assert status.get_attribute("data-nodes") == str(shown["nodes"])
    assert status.get_attribute("data-edges") == str(len(shown["edges"]))
    assert f"{shown['nodes']} entities and {len(shown['edges'])} relations shown" in status.inner_text()
    inside = page.evaluate(
        "() => { const e = kgqa.cy().extent(), b = kgqa.cy().nodes().not('.hidden').boundingBox({includeLabels: false});"
        " return b.x1 >= e.x1 && b.x2 <= e.x2 && b.y1 >= e.y1 && b.y2 <= e.y2; }"
    )
    assert inside  # fitted
    assert page.evaluate(OVERLAPS)["overlaps"] == []
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'start'})")
    visit.shot("filter")
    page.select_option("#relation-filter", index=0)
    page.wait_for_function(
        "() => document.getElementById('graph-status').getAttribute('data-nodes') === String(kgqa.cy().nodes().length)"
    )
    visit.assert_clean()


def test_expanding_an_entity_adds_its_neighbourhood(desktop: Visit) -> None:
    page = desktop.page
    page.evaluate("() => kgqa.focusEntity('aws-batch', true)")
    page.get_by_role("button", name="Show only this").click()
    page.wait_for_function("() => kgqa.cy().nodes().length < 50")
    before = page.evaluate("() => kgqa.cy().nodes().length")
    page.get_by_label("Find entity", exact=True).fill("Docker")
    page.get_by_label("Find entity", exact=True).press("Enter")
    page.wait_for_selector("[data-testid=details][data-entity='docker']")
    assert page.evaluate("() => kgqa.cy().nodes().length") >= before
    desktop.assert_clean()


def test_a_large_graph_first_shows_its_most_connected_entities(browser: Any, base_url: str) -> None:
    """The first view asks for the 150 most connected entities; here the page is made to ask for 20 (the corpus
    has fewer than 150), and "show all" draws the rest."""
    for visit in open_page(browser, base_url, DESKTOP, first_view=20):
        page = visit.page
        assert page.evaluate("() => kgqa.cy().nodes().length") == 20
        status = page.get_by_test_id("graph-status")
        assert "20 of " in status.inner_text()
        status.get_by_test_id("show-every").click()
        page.wait_for_function("() => kgqa.cy().nodes().length > 50")
        assert page.evaluate(OVERLAPS)["overlaps"] == []
        visit.assert_clean()


def test_back_and_forward_move_through_asked_questions(visit: Visit) -> None:
    page = visit.page
    first, second = "what does batch run on", "what is fargate"
    visit.ask(first)
    visit.ask(second)
    assert "q=what+is+fargate" in page.url
    for question in (first, second):
        page.go_back() if question == first else page.go_forward()
        page.wait_for_function(
            "q => document.getElementById('ask-input').value === q"
            " && document.getElementById('answer').getAttribute('aria-busy') === 'false'"
            " && document.getElementById('answer').hasAttribute('data-kind')",
            arg=question,
        )
        assert page.url.endswith("q=" + question.replace(" ", "+"))
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('kgqa.history')).questions")
    assert stored[:2] == [second, first]
    visit.assert_clean()


def test_a_shared_address_opens_the_question_entity_and_query(browser: Any, base_url: str) -> None:
    query = "SELECT ?s WHERE { ?s kg:runsOn ent:amazon-ecs }"
    address = "/?" + urlencode({"q": "what triggers lambda", "entity": "aws-lambda", "sparql": query})
    for visit in open_page(browser, base_url, DESKTOP):
        page = visit.page
        page.goto(base_url + address)
        wait_for_graph(page)
        page.wait_for_selector("[data-testid=details][data-entity='aws-lambda']")
        page.wait_for_selector("[data-testid=sparql-results][data-state='done']")
        page.wait_for_function("() => document.getElementById('answer').hasAttribute('data-kind')")
        assert page.get_by_test_id("ask-input").input_value() == "what triggers lambda"
        assert page.evaluate("() => kgqa.editor.getValue()") == query
        visit.assert_clean()


def test_a_comparison_takes_the_full_width(visit: Visit) -> None:
    answer = visit.ask("compare batch and lambda")
    assert answer.get_attribute("data-kind") == "comparison"
    table = answer.get_by_test_id("comparison")
    assert table.locator("thead th").all_inner_texts() == ["Aspect", "AWS Batch", "AWS Lambda"]
    assert table.locator("tbody tr").count() >= 2
    width = visit.page.viewport_size["width"]
    assert table.bounding_box()["width"] >= 0.85 * width - 60, table.bounding_box()
    assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= width
    visit.shot("comparison")
    visit.assert_clean()


def test_an_abstention_offers_suggestions_that_can_be_asked(desktop: Visit) -> None:
    answer = desktop.ask("what is the capital of france")
    assert answer.get_attribute("data-answered") == "false"
    suggestion = answer.get_by_test_id("suggestions").get_by_role("button").first
    asked = suggestion.inner_text()
    suggestion.click()
    desktop.page.wait_for_function(
        "q => document.getElementById('answer').getAttribute('data-answered') === 'true'"
        " && document.getElementById('ask-input').value === q",
        arg=asked,
    )
    desktop.assert_clean()


def test_steps_points_and_a_verdict_render_before_the_rest(desktop: Visit) -> None:
    """The answer kinds /api/ask may carry (steps, key points with quotes, a yes/no verdict), rendered from
    whatever the JSON holds: here a made-up answer, so that the page does not wait on the server's kinds."""
    made_up = {
        "question": "can batch run on ec2",
        "answered": True,
        "kind": "yes_no",
        "verdict": "yes",
        "answer": "Yes: AWS Batch runs on Amazon EC2.",
        "steps": ["Create a compute environment", "Submit the job"],
        "points": [{"text": "Batch jobs run on ECS", "source": "other-compute.md", "line": 145}],
        "entities": [],
        "facts": [],
        "evidence": [],
        "sparql": [],
        "comparison": None,
        "suggestions": [],
    }
    desktop.page.route(
        "**/api/ask", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(made_up))
    )
    answer = desktop.ask("can batch run on ec2")
    first = answer.locator(".answer-meta .badge").first
    assert first.get_attribute("data-testid") == "verdict" and first.inner_text().lower() == "yes"
    assert answer.get_by_test_id("steps").locator("li").all_inner_texts() == made_up["steps"]
    assert "other-compute.md:145" in answer.get_by_test_id("points").inner_text()
    desktop.shot("answer-kinds")
    desktop.assert_clean()


def test_a_banner_says_when_the_server_cannot_be_reached(desktop: Visit) -> None:
    page = desktop.page
    assert page.get_by_test_id("offline").is_hidden()
    page.route("**/api/ask", lambda route: route.abort())
    answer = desktop.ask("what does batch run on")
    assert page.get_by_test_id("offline").is_visible()
    assert "cannot be reached" in answer.inner_text() and "Failed to fetch" not in answer.inner_text()
    desktop.shot("offline")
    page.unroute("**/api/ask")
    desktop.ask("what is fargate")
    assert page.get_by_test_id("offline").is_hidden()
    desktop.assert_clean(expected_error="net::ERR_FAILED")


def test_sparql_completion_offers_the_graphs_predicates(visit: Visit) -> None:
    page = visit.page
    page.evaluate(
        "() => { kgqa.editor.setValue('SELECT ?s WHERE { ?s '); kgqa.editor.focus();"
        " kgqa.editor.setCursor(kgqa.editor.lineCount(), 0); }"
    )
    page.get_by_test_id("sparql-editor").locator(".CodeMirror textarea").press_sequentially("kg:ru", delay=30)
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    offered = hints.all_inner_texts()
    assert any(h.startswith("kg:runsOn") for h in offered), offered
    visit.shot("sparql-completion")
    hints.filter(has_text="kg:runsOn").first.click()
    assert "kg:runsOn" in page.evaluate("() => kgqa.editor.getValue()")
    visit.assert_clean()


def test_an_unknown_term_is_warned_about_and_a_parse_error_points_at_its_place(desktop: Visit) -> None:
    page = desktop.page
    run_sparql(page, "SELECT ?s WHERE {\n  ?s kg:runs_on ?o .\n  FILTER (?o = ))\n}")
    warning = page.get_by_test_id("sparql-warning")
    assert "kg:runs_on" in warning.inner_text() and "kg:runsOn" in warning.inner_text()
    where = page.get_by_test_id("sparql-error-at")
    where.wait_for()
    assert where.get_attribute("data-line") == "3", where.inner_text()
    assert page.locator(".CodeMirror .cm-parse-error").count() == 1
    page.evaluate("() => document.getElementById('sparql-title').scrollIntoView({block: 'start'})")
    desktop.shot("sparql-error")
    desktop.assert_clean(expected_error="400")


def test_a_large_result_is_paged(visit: Visit) -> None:
    page = visit.page
    results = run_sparql(page, "SELECT ?s ?p ?o ?e WHERE { ?s ?p ?o . ?e a kg:Evidence } LIMIT 10000")
    assert results.get_attribute("data-state") == "done"
    assert results.locator("thead th").all_inner_texts() == ["s", "p", "o", "e"]  # as projected
    assert results.locator("tbody tr").count() == 100
    info = page.get_by_test_id("page-info")
    assert "of 10,000" in info.inner_text()
    page.get_by_role("button", name="Next ›").click()
    assert info.inner_text().startswith("Rows 101–200") and results.get_attribute("data-page") == "2"
    star = run_sparql(page, "SELECT * WHERE { ?s kg:runsOn ?o } LIMIT 3")
    assert star.locator("thead th").all_inner_texts() == ["s", "o"]  # SELECT *: in the query's order
    visit.assert_clean()


def test_an_iri_in_the_results_focuses_the_graph(visit: Visit) -> None:
    page = visit.page
    results = run_sparql(page, "SELECT ?e WHERE { ?e kg:runsOn ent:amazon-ecs } ORDER BY ?e")
    link = results.get_by_role("button", name="ent:aws-batch")
    link.click()
    page.wait_for_selector("[data-testid=details][data-entity='aws-batch']")
    assert page.evaluate("() => kgqa.cy().nodes(':selected').map(n => n.id())") == ["aws-batch"]
    assert "entity=aws-batch" in page.url
    relations = run_sparql(
        page, "SELECT DISTINCT ?p WHERE { ent:aws-batch ?p ent:amazon-ecs . FILTER (?p = kg:runsOn) }"
    )
    relations.get_by_role("button", name="kg:runsOn").click()  # a relation's term filters the graph by it
    page.wait_for_function("() => document.getElementById('graph-status').textContent.includes('kg:runsOn')")
    visit.assert_clean()


def test_select_downloads_csv_and_json_in_the_projected_order(desktop: Visit) -> None:
    page = desktop.page
    page.select_option("#sparql-example", label="What runs on what")
    results = run_sparql(page, page.evaluate("() => kgqa.editor.getValue()"))
    rows = results.locator("tbody tr").count()
    assert results.locator("thead th").all_inner_texts() == ["subject", "object"] and rows > 5
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    body = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert body.splitlines()[0].strip() == "subject,object" and "AWS Batch" in body
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Download JSON").click()
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["subject", "object"] and len(data["results"]["bindings"]) == rows
    page.evaluate("() => document.getElementById('sparql-title').scrollIntoView({block: 'start'})")
    desktop.shot("sparql")
    desktop.shot("full", full_page=True)
    desktop.assert_clean()


def test_a_construct_is_shown_as_turtle_and_downloads_as_a_graph(visit: Visit) -> None:
    page = visit.page
    page.select_option("#sparql-example", label="Everything about AWS Lambda (CONSTRUCT)")
    run_sparql(page, page.evaluate("() => kgqa.editor.getValue()"))
    turtle = page.get_by_test_id("sparql-turtle")
    assert "ent:aws-lambda" in turtle.inner_text() or "entity/aws-lambda" in turtle.inner_text()
    offered = page.get_by_test_id("downloads").get_by_role("button").all_inner_texts()
    assert "Download Turtle" in offered and "Download CSV" not in offered
    for name, fmt in (("Turtle", "turtle"), ("N-Triples", "nt"), ("JSON-LD", "json-ld")):
        with page.expect_download() as download:
            page.get_by_role("button", name="Download " + name).click()
        graph = Graph().parse(data=Path(download.value.path()).read_text(encoding="utf-8"), format=fmt)
        assert len(graph) > 3, name
    page.evaluate("() => document.getElementById('sparql-title').scrollIntoView({block: 'start'})")
    visit.shot("construct")
    visit.assert_clean()


def test_on_a_phone_the_panels_stack(phone: Visit) -> None:
    page = phone.page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.ask("what does batch run on")
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".panel.ask", ".panel.graph-panel", ".panel.sparql-panel")
    ]
    for upper, lower in pairwise(boxes):
        assert upper["y"] + upper["height"] <= lower["y"] + 1, boxes
        assert upper["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.shot("ask")
    phone.shot("full", full_page=True)
    find = page.get_by_label("Find entity", exact=True)
    find.fill("AWS Batch")
    find.press("Enter")
    details = page.get_by_test_id("details")
    page.wait_for_selector("[data-testid=details][data-entity='aws-batch']")
    assert "runs on" in details.inner_text()
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'start'})")
    phone.shot("details")
    phone.assert_clean()


# ------------------------------------------------------------------------------- the API the page uses


def test_the_graph_api_places_every_entity_the_same_way_every_time(base_url: str) -> None:
    def get(path: str) -> Any:
        with OPENER.open(base_url + path, timeout=30) as response:
            return json.loads(response.read())

    whole = get("/api/graph")
    places = {n["data"]["id"]: n["position"] for n in whole["nodes"]}
    assert len(places) == whole["total"]["nodes"] >= 50 and len(set(map(str, places.values()))) == len(places)
    assert {n["data"]["id"]: n["position"] for n in get("/api/graph")["nodes"]} == places
    focused = get("/api/graph?focus=aws-batch&depth=1")
    assert all(n["position"] == places[n["data"]["id"]] for n in focused["nodes"])
    top = get("/api/graph?limit=10")
    degrees = sorted((n["data"]["degree"] for n in whole["nodes"]), reverse=True)
    assert len(top["nodes"]) == 10 and top["total"] == whole["total"]
    assert sorted((n["data"]["degree"] for n in top["nodes"]), reverse=True) == degrees[:10]
    edge = next(e["data"] for e in whole["edges"] if e["data"]["predicate"] == "runs_on")
    assert edge["term"] == "kg:runsOn" and edge["label"] == "runs on"


def test_the_vocabulary_names_each_relation_once_for_sparql(base_url: str) -> None:
    with OPENER.open(base_url + "/api/vocabulary", timeout=30) as response:
        vocabulary = json.loads(response.read())
    predicates = {p["term"]: p for p in vocabulary["predicates"]}
    assert predicates["kg:runsOn"]["name"] == "runs_on" and predicates["kg:runsOn"]["count"] > 0
    assert "kg:Service" in {c["term"] for c in vocabulary["classes"]}
    assert vocabulary["prefixes"]["kg"] == "https://kgqa.example/ontology#"
    with OPENER.open(base_url + "/api/entities/aws-batch", timeout=30) as response:
        facts = json.loads(response.read())["facts_out"]
    assert all(f["term"] == "kg:" + f["term"][3:] and f["term"] in predicates for f in facts)


def test_the_page_and_everything_it_loads_come_from_this_server(base_url: str) -> None:
    """Without a browser too: every script and stylesheet is a local path that answers, the page forbids
    other origins by its Content-Security-Policy, and each vendored library carries its licence."""
    with OPENER.open(base_url + "/", timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode("utf-8")
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("app.js") for a in assets) and any("cytoscape" in a for a in assets)
    for asset in assets:
        if asset.startswith(("data:", "#")):
            continue
        assert asset.startswith("/"), asset
        with OPENER.open(base_url + asset, timeout=30) as response:
            assert response.status == 200, asset
    vendored = sorted((PROJECT_ROOT / "service" / "static" / "vendor").iterdir())
    assert vendored
    for folder in vendored:
        assert (folder / "LICENSE").is_file() and (folder / "package.json").is_file(), folder
        version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
        assert folder.name.endswith("-" + version), folder


@pytest.mark.parametrize(
    ("relation", "term"),
    [("runs_on", "kg:runsOn"), ("triggers", "kg:triggers"), ("supports_language", "kg:supportsLanguage")],
)
def test_each_relation_has_one_sparql_term(relation: str, term: str) -> None:
    assert vocabulary.term(relation) == term


def test_the_first_view_keeps_the_hubs_and_their_best_supported_relations() -> None:
    g = nx.MultiDiGraph()
    for i in range(6):  # a hub joined to every other node, a weak chain among them
        g.add_edge("hub", f"n{i}", key="uses", predicate="uses", support=5)
        g.add_edge(f"n{i}", f"n{(i + 1) % 6}", key="runs_on", predicate="runs_on", support=1)
    first = graphview.top(g, 3)
    assert set(first) == {"hub", "n0", "n1"} and first.number_of_edges() == 3
    dense = nx.MultiDiGraph()
    for i in range(10):  # more relations between two entities than a first view of two draws
        dense.add_edge("a", "b", key=f"r{i}", predicate=f"r{i}", support=i)
    kept = sorted(d["support"] for _, _, d in graphview.top(dense, 2).edges(data=True))
    assert kept == list(range(10 - 2 * graphview.EDGES_PER_NODE, 10))
    assert graphview.layout(g) == graphview.layout(g.copy())  # seeded: the same drawing every time
