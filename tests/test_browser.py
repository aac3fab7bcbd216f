"""The HTML page in a real browser: Debian's headless Chromium driven by Playwright.

The seeds are built once per module with ``kg build``; the page is opened from file:// and from
a local HTTP server, and every request is recorded (by the browser and by the server). The
screenshots of the seeds' page go to screenshots/ (see README.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export.html import render_html
from kg.export.rdf import ENTITY_CLASSES, PREFIXES
from kg.timeline import timeline
from tests.browser import CHROMIUM, chromium, open_page
from tests.conftest import ROOT, SEEDS
from tests.test_export_html import EVIL_ALIAS, EVIL_NAME, EVIL_SENTENCE, evil_graph
from tests.test_timeline import FORMER_PAGE, PAGES

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
)

SCREENSHOTS = ROOT / "screenshots"
LI = "person/李长萍"
EVIL_PAGE = "\n\n".join(
    (
        "市委召开专题会议",
        "本报记者 张洁",
        '11月8日,市委书记李长萍<img src=x onerror="window.__pwned=1">主持召开会议,'
        '强调"<script>window.__pwned=2</script>"要落实到位,\'引号\'与"双引号"。',
        '东昌府区侯营镇云海制衣\'"><svg onload="window.__pwned=3">公司年产棉服60余万件。',
    )
)
PREFIX_LINES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
PANEL = "#kg-panel:not([hidden])"


def build(pages: Path, out: Path) -> Path:
    """``kg build PAGES -o OUT``; the folder written."""
    result = CliRunner().invoke(main, ["build", str(pages), "-o", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


def sparql(ttl: Path, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over a Turtle file, values as plain strings."""
    store = ox.Store()
    store.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    solutions = store.query(PREFIX_LINES + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


class RecordingServer(ThreadingHTTPServer):
    """An HTTP server that keeps the path of every request it answers."""

    def __init__(self, folder: Path) -> None:
        super().__init__(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
        self.paths: list[str] = []


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder; records each request path on the server instead of logging it."""

    def log_message(self, format: str, *args: Any) -> None:
        self.server.paths.append(self.path)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def server(built: Path) -> Iterator[tuple[str, list[str]]]:
    """Base URL of a local HTTP server of the built folder, and the paths it was asked for."""
    httpd = RecordingServer(built)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/", httpd.paths
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def requests() -> list[str]:
    return []


@pytest.fixture
def page(browser: Any, built: Path, requests: list[str]) -> Iterator[Any]:
    """The seeds' graph.html, opened from file:// and drawn."""
    opened = open_page(browser, (built / "graph.html").as_uri(), requests)
    yield opened
    opened.close()


def visible_nodes(page: Any) -> list[str]:
    """Ids of the nodes the network draws."""
    return page.evaluate("kg.network.body.nodeIndices.slice()")


def visible_edge_kinds(page: Any) -> set[str]:
    return set(page.evaluate("kg.network.body.edgeIndices.map((id) => kg.edges.get(id).kind)"))


def search(page: Any, text: str) -> list[str]:
    """Type into the search box; the names of the results listed."""
    page.fill("#kg-search", text)
    return page.locator("#kg-results button").all_inner_texts()


def wait_centred(page: Any, node: str) -> None:
    """Wait until ``node`` is in the middle of the network's canvas."""
    page.wait_for_function(
        """(id) => {
          const box = document.querySelector("#kg-network canvas").getBoundingClientRect();
          const p = kg.network.canvasToDOM(kg.network.getPosition(id));
          return Math.abs(p.x - box.width / 2) < 5 && Math.abs(p.y - box.height / 2) < 5;
        }""",
        arg=node,
    )


def click_node(page: Any, node: str) -> None:
    """Bring ``node`` to the middle of the view and click it with the mouse."""
    page.evaluate(
        "(id) => kg.network.moveTo({ position: kg.network.getPosition(id), scale: 1.5 })", node
    )
    box = page.locator("#kg-network canvas").bounding_box()
    point = page.evaluate("(id) => kg.network.canvasToDOM(kg.network.getPosition(id))", node)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector(PANEL)


def test_network_holds_every_entity_of_the_turtle(page: Any, built: Path) -> None:
    classes = " ".join(f"<{iri}>" for iri in ENTITY_CLASSES.values())
    (row,) = sparql(
        built / "graph.ttl",
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class }}",
    )
    entities = int(row["n"])
    assert entities > 100
    assert page.evaluate("kg.nodes.length") == entities
    assert len(visible_nodes(page)) == entities
    counts = page.locator('input[data-filter="type"]').evaluate_all(
        "(boxes) => boxes.map((box) => Number(box.parentElement.textContent.split(' ').pop()))"
    )
    assert sum(counts) == entities


def test_search_finds_li_changping_by_name_and_focuses_it(page: Any) -> None:
    assert search(page, "李长萍")[0] == "李长萍"
    page.press("#kg-search", "Enter")
    page.wait_for_selector(PANEL)
    assert page.evaluate("kg.network.getSelectedNodes()") == [LI]
    assert page.inner_text("#kg-panel h2") == "李长萍"
    wait_centred(page, LI)
    assert search(page, "没有这个名字") == []
    assert page.inner_text("#kg-results") == "没有找到"


def test_search_finds_a_node_by_an_alias(page: Any, built: Path) -> None:
    rows = sparql(
        built / "graph.ttl",
        "SELECT ?name ?alias WHERE { ?e rdfs:label ?name ; skos:altLabel ?alias } "
        "ORDER BY ?name ?alias LIMIT 1",
    )
    (row,) = rows
    assert row["name"] in search(page, row["alias"])
    assert f"别名 {row['alias']}" in page.inner_text("#kg-results")


def test_type_filter_hides_and_shows(page: Any) -> None:
    every = visible_nodes(page)
    people = page.evaluate("kg.nodes.get({ filter: (n) => n.type === 'PERSON' }).map((n) => n.id)")
    assert LI in people and LI in every
    page.uncheck('input[data-filter="type"][value="PERSON"]')
    hidden = visible_nodes(page)
    assert sorted(hidden) == sorted(set(every) - set(people))
    assert "holds_role" not in visible_edge_kinds(page)
    page.check('input[data-filter="type"][value="PERSON"]')
    assert sorted(visible_nodes(page)) == sorted(every)
    assert "holds_role" in visible_edge_kinds(page)


def test_relation_filter_hides_and_shows(page: Any) -> None:
    kinds = visible_edge_kinds(page)
    assert {"holds_role", "located_in"} <= kinds
    page.uncheck('input[data-filter="kind"][value="holds_role"]')
    assert visible_edge_kinds(page) == kinds - {"holds_role"}
    page.check('input[data-filter="kind"][value="holds_role"]')
    assert visible_edge_kinds(page) == kinds


def test_side_panel_lists_a_post_with_its_source_sentence(page: Any, built: Path) -> None:
    posts = sparql(
        built / "graph.ttl",
        """SELECT ?role ?org ?evidence ?title WHERE {
             ?m org:member/rdfs:label "李长萍"@zh ; org:role/rdfs:label ?role ;
                org:organization/rdfs:label ?org ; kg:mention ?said .
             ?said kg:evidence ?evidence ; prov:wasDerivedFrom/dcterms:title ?title }""",
    )
    assert posts
    click_node(page, LI)
    assert page.evaluate("kg.network.getSelectedNodes()") == [LI]
    panel = page.inner_text("#kg-panel")
    assert "人物 (PERSON)" in panel
    assert "职务" in panel
    for post in posts:
        assert f"{post['role']} · {post['org']}" in panel
        assert post["evidence"] in panel
        assert f"《{post['title']}》" in panel
    assert "来源文章" in panel


def test_side_panel_shows_posts_over_time(page: Any, built: Path) -> None:
    """A person's posts and an organisation's holders, with dates and article counts, the
    rows of kg timeline."""
    for name, heading, first in (
        ("李长萍", "任职时间线", "2024-11-08 书记 · 聊城市委 · 1 篇"),
        ("聊城市委", "历任 (按职务)", "2024-11-08 书记 · 李长萍 · 1 篇"),
    ):
        rows = timeline(built / "graph.ttl", name).tenures
        search(page, name)
        page.press("#kg-search", "Enter")
        page.wait_for_selector(PANEL)
        assert f"{heading} ({len(rows)})" in page.inner_text("#kg-panel")
        items = page.locator("#kg-panel .kg-timeline li").all_inner_texts()
        assert len(items) == len(rows)
        assert items[0] == first


def test_side_panel_says_a_post_is_former(browser: Any, tmp_path: Path) -> None:
    """A post a later article calls former (原市委书记): its dates are those it was held, and
    the date by which it had ended follows."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, text in {**PAGES, "2016-01-20.txt": FORMER_PAGE}.items():
        (pages / name).write_text(text, encoding="utf-8")
    out = build(pages, tmp_path / "out")
    opened = open_page(browser, (out / "graph.html").as_uri(), [])
    search(opened, "王建国")
    opened.press("#kg-search", "Enter")
    opened.wait_for_selector(PANEL)
    items = opened.locator("#kg-panel .kg-timeline li").all_inner_texts()
    assert items == ["2013-03-05 – 2015-09-18 书记 · 聊城市委 · 3 篇 · 2016-01-20 已称原任"]
    opened.close()


def test_no_request_leaves_the_page(
    browser: Any, built: Path, server: tuple[str, list[str]]
) -> None:
    base, served = server
    for url in ((built / "graph.html").as_uri(), base + "graph.html"):
        requests: list[str] = []
        opened = open_page(browser, url, requests)
        search(opened, "李长萍")
        opened.press("#kg-search", "Enter")
        opened.wait_for_selector(PANEL)
        opened.uncheck('input[data-filter="type"][value="PLACE"]')
        click_node(opened, LI)
        opened.close()
        assert requests == [url]
    assert served == ["/graph.html"]


def test_markup_in_article_text_never_runs(browser: Any, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "evil.txt").write_text(EVIL_PAGE, encoding="utf-8")
    out = build(pages, tmp_path / "out")
    dialogs: list[str] = []
    opened = open_page(browser, (out / "graph.html").as_uri(), [], dialogs)
    search(opened, "李长萍")
    opened.press("#kg-search", "Enter")
    opened.wait_for_selector(PANEL)
    assert_nothing_ran(opened, dialogs)
    assert '<img src=x onerror="window.__pwned=1">' in opened.inner_text("#kg-panel")
    opened.close()


def test_markup_in_names_and_sentences_never_runs(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "evil.html"
    path.write_text(render_html(evil_graph(), title=EVIL_NAME), encoding="utf-8")
    dialogs: list[str] = []
    opened = open_page(browser, path.as_uri(), [], dialogs)
    search(opened, "onerror")
    opened.click("#kg-results button")
    opened.wait_for_selector(PANEL)
    panel = opened.inner_text("#kg-panel")
    click_node(opened, LI)
    assert_nothing_ran(opened, dialogs)
    assert opened.title() == EVIL_NAME
    assert search(opened, "onerror") == [EVIL_NAME]
    assert EVIL_ALIAS in panel
    assert EVIL_SENTENCE.split("\u2028")[0] in panel
    assert "<b>主任</b> · " + EVIL_NAME in opened.inner_text("#kg-panel")
    opened.close()


def assert_nothing_ran(page: Any, dialogs: list[str]) -> None:
    """No dialog, no global set by a payload, no element made from article text."""
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img, svg, iframe, b, #kg-panel script").count() == 0
    assert page.locator("script").count() == 3


def test_view_page_opens_on_its_entity(browser: Any, built: Path, tmp_path: Path) -> None:
    out = tmp_path / "li.html"
    args = ["view", str(built / "graph.ttl"), "--focus", "李长萍", "--hops", "1", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    opened = open_page(browser, out.as_uri(), [])
    opened.wait_for_selector(PANEL)
    assert opened.evaluate("kg.network.getSelectedNodes()") == [LI]
    assert opened.inner_text("#kg-panel h2") == "李长萍"
    assert 1 < opened.evaluate("kg.nodes.length") < 50
    opened.close()


def test_screenshots_of_the_seeds_page(page: Any) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    overview = SCREENSHOTS / "graph-seeds.png"
    page.screenshot(path=str(overview))
    search(page, "李长萍")
    page.press("#kg-search", "Enter")
    page.wait_for_selector(PANEL)
    wait_centred(page, LI)
    focused = SCREENSHOTS / "graph-seeds-panel.png"
    page.screenshot(path=str(focused))
    for shot in (overview, focused):
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
