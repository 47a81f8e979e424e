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

import pytest
from live_server import OPENER, serving

from kg.locations import PROJECT_ROOT

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
DESKTOP = {"width": 1280, "height": 800}
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

    def assert_clean(self) -> None:
        assert self.requests, "the page made no request at all"
        assert not self.outside, f"requests left the server: {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"

    def shot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"web-{name}.png"
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


def open_page(browser: Any, base_url: str, viewport: dict[str, int]) -> Iterator[Visit]:
    context = browser.new_context(viewport=viewport, accept_downloads=True, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    visit = Visit(page, base_url)

    def route(route: Any) -> None:
        url = route.request.url
        visit.requests.append(url)
        if url.startswith(base_url + "/") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            visit.outside.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: visit.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-graph-ready='true']", timeout=WAIT_MS)
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


# ---------------------------------------------------------------------------------------------- tests


def test_ask_shows_the_answer_with_evidence_and_highlights_it(desktop: Visit) -> None:
    answer = desktop.ask("what does batch run on")
    assert answer.get_attribute("data-answered") == "true"
    assert "Amazon ECS" in answer.inner_text()
    evidence = desktop.page.get_by_test_id("evidence")
    items = evidence.locator("li.ev")
    assert items.count() > 0
    assert "other-compute.md:145" in evidence.inner_text()
    assert "Batch jobs are defined as Docker images and run on ECS" in items.first.inner_text() or (
        "Batch jobs are defined as Docker images and run on ECS" in evidence.inner_text()
    )
    highlighted = desktop.page.evaluate(
        "() => ({nodes: kgqa.cy().nodes('.hl').map(n => n.id()), edges: kgqa.cy().edges('.hl').map(e => e.id())})"
    )
    assert {"aws-batch", "amazon-ecs"} <= set(highlighted["nodes"])
    assert "aws-batch|runs_on|amazon-ecs" in highlighted["edges"]
    desktop.page.wait_for_timeout(500)  # the highlight's zoom animation
    desktop.shot("desktop-ask")
    desktop.assert_clean()


def test_the_graph_has_nodes_and_clicking_one_shows_its_facts(desktop: Visit) -> None:
    page = desktop.page
    graph = page.get_by_test_id("graph")
    box = graph.bounding_box()
    assert box["width"] >= 600 and box["height"] >= 400, box
    counts = page.evaluate("() => [kgqa.cy().nodes().length, kgqa.cy().edges().length]")
    assert counts[0] >= 50 and counts[1] >= 50, counts
    desktop.shot("desktop-graph")
    x, y = page.evaluate(
        "() => { const p = kgqa.cy().getElementById('aws-batch').renderedPosition(); return [p.x, p.y]; }"
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    details = page.get_by_test_id("details")
    details.wait_for(state="visible")
    page.wait_for_selector("[data-testid=details][data-entity='aws-batch']")
    assert "AWS Batch" in details.inner_text()
    facts = details.get_by_test_id("facts").first
    assert "runs on" in facts.inner_text() and "Amazon ECS" in facts.inner_text()
    details.locator("details.fact-evidence summary").first.click()
    assert details.locator("details.fact-evidence[open] .src").first.is_visible()
    desktop.shot("desktop-details")
    # The relation filter keeps only that relation's edges; expanding a node adds its neighbourhood.
    page.select_option("#relation-filter", "runs_on")
    shown = page.evaluate("() => kgqa.cy().edges(':visible').map(e => e.data('predicate'))")
    assert shown and set(shown) == {"runs_on"}
    page.get_by_role("button", name="Show only this").click()
    page.wait_for_function("() => kgqa.cy().nodes().length < 50")
    before = page.evaluate("() => kgqa.cy().nodes().length")
    page.get_by_label("Find entity", exact=True).fill("Docker")
    page.get_by_label("Find entity", exact=True).press("Enter")
    page.wait_for_selector("[data-testid=details][data-entity='docker']")
    assert page.evaluate("() => kgqa.cy().nodes().length") >= before
    desktop.assert_clean()


def test_a_comparison_renders_as_a_table(desktop: Visit) -> None:
    answer = desktop.ask("compare batch and lambda")
    assert answer.get_attribute("data-kind") == "comparison"
    table = answer.get_by_test_id("comparison")
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["Aspect", "AWS Batch", "AWS Lambda"], headers
    assert table.locator("tbody tr").count() >= 2
    desktop.shot("desktop-comparison")
    desktop.assert_clean()


def test_an_abstention_offers_suggestions_that_can_be_asked(desktop: Visit) -> None:
    answer = desktop.ask("what is the capital of france")
    assert answer.get_attribute("data-answered") == "false"
    suggestion = answer.get_by_test_id("suggestions").get_by_role("button").first
    asked = suggestion.inner_text()
    desktop.shot("desktop-abstention")
    suggestion.click()
    desktop.page.wait_for_function(
        "q => document.getElementById('answer').getAttribute('data-answered') === 'true'"
        " && document.getElementById('ask-input').value === q",
        arg=asked,
    )
    desktop.assert_clean()


def test_a_sparql_query_fills_the_results_table_and_downloads(desktop: Visit) -> None:
    page = desktop.page
    assert page.get_by_test_id("sparql-editor").locator(".CodeMirror .cm-keyword").count() > 0  # highlighted
    page.select_option("#sparql-example", label="What runs on what")
    page.get_by_test_id("sparql-run").click()
    results = page.get_by_test_id("sparql-results")
    page.wait_for_selector("[data-testid=sparql-results][data-state='done']")
    assert results.locator("thead th").all_inner_texts() == ["subject", "object"]
    rows = results.locator("tbody tr")
    assert rows.count() > 5
    assert "AWS Batch" in results.inner_text()
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    body = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert body.splitlines()[0].strip() == "subject,object" and "AWS Batch" in body
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Download JSON").click()
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["subject", "object"] and len(data["results"]["bindings"]) == rows.count()
    page.evaluate("() => document.getElementById('sparql-title').scrollIntoView({block: 'start'})")
    desktop.shot("desktop-sparql")
    desktop.shot("desktop-full", full_page=True)
    desktop.assert_clean()


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
    phone.shot("phone")
    phone.shot("phone-full", full_page=True)
    find = page.get_by_label("Find entity", exact=True)
    find.fill("AWS Batch")
    find.press("Enter")
    details = page.get_by_test_id("details")
    page.wait_for_selector("[data-testid=details][data-entity='aws-batch']")
    assert "runs on" in details.inner_text()
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'start'})")
    phone.shot("phone-details")
    phone.assert_clean()


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
