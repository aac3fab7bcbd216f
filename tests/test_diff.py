"""kg diff: what a new build adds and drops, on the seeds (four pages, then all five) and on
small graphs written here."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.diff import diff_graphs, to_html, to_json, to_table
from kg.export.rdf import write_turtle
from kg.graph import build_graph
from kg.query import run_query
from kg.records import Article, Entity, Fact, Source

from .conftest import SEEDS

FIFTH_PAGE = "004_a5410352c8169bb8.txt"

POSTS = """SELECT ?person ?role ?org WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?person ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }"""
POSTS_OF_FIFTH_PAGE_ONLY = f"""SELECT ?person ?role ?org WHERE {{
  ?m a org:Membership ; org:member/rdfs:label ?person ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org .
  FILTER NOT EXISTS {{
    ?m prov:wasDerivedFrom/kg:sourceFile ?file . FILTER(?file != "{FIFTH_PAGE}")
  }}
}}"""
POST_DATES = """SELECT ?person ?role ?org ?date WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?person ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org ; dcterms:date ?date }"""


def rows(graph: Path, query: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run_query(graph, query, "csv"))))


def posts(graph: Path, query: str = POSTS) -> set[tuple[str, str, str]]:
    return {(r["person"], r["role"], r["org"]) for r in rows(graph, query)}


def listed(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(p["person"], p["role"], p["organization"]) for p in items}


@pytest.fixture(scope="module")
def seed_graphs(tmp_path_factory) -> tuple[Path, Path]:
    """graph.ttl of the first four seed pages, and of all five."""
    four = tmp_path_factory.mktemp("four-pages")
    for page in sorted(SEEDS.glob("*.txt")):
        if page.name != FIFTH_PAGE:
            shutil.copy(page, four)
    graphs = []
    for name, pages in (("old", four), ("new", SEEDS)):
        out = tmp_path_factory.mktemp(name)
        assert not build([pages], out, "聊城市", use_cache=False).problems
        graphs.append(out / "graph.ttl")
    return graphs[0], graphs[1]


@pytest.fixture(scope="module")
def seed_diff(seed_graphs) -> dict:
    return json.loads(to_json(diff_graphs(*seed_graphs, before="2024-11-01")))


def test_posts_added_are_exactly_those_only_the_fifth_page_has(seed_graphs, seed_diff):
    old, new = seed_graphs
    added = listed(seed_diff["posts"]["added"])
    assert added == posts(new) - posts(old)
    assert added == posts(new, POSTS_OF_FIFTH_PAGE_ONLY)
    assert listed(seed_diff["posts"]["dropped"]) == posts(old) - posts(new) == set()


def test_a_post_read_on_the_fifth_page_is_new_and_flags_a_new_holder(seed_diff):
    added = {(p["person"], p["role"], p["organization"]): p for p in seed_diff["posts"]["added"]}
    # 市无线电监测中心主任郝巧凤: the centre and the role are new, so no one held it before.
    director = added[("郝巧凤", "主任", "聊城市无线电监测中心")]
    assert (director["new_holder"], director["previous_holders"]) == (False, [])
    # 副市长张建军: the first four pages name other vice mayors, 王刚 among them.
    deputy = added[("张建军", "副市长", "聊城市人民政府")]
    assert deputy["new_holder"] is True
    assert "王刚" in deputy["previous_holders"]
    assert "张建军" not in deputy["previous_holders"]


def test_entities_and_investments_added(seed_graphs, seed_diff):
    old, new = seed_graphs
    companies = "SELECT ?name WHERE { ?c a kg:Company ; rdfs:label ?name }"
    new_companies = {r["name"] for r in rows(new, companies)} - {
        r["name"] for r in rows(old, companies)
    }
    added = seed_diff["entities"]["added"]
    assert {e["name"] for e in added if e["type"] == "COMPANY"} == new_companies
    assert "山东信通铝业有限公司" in new_companies
    investments = """SELECT ?investor ?project WHERE {
      ?i kg:investsIn ?p ; rdfs:label ?investor . ?p rdfs:label ?project }"""
    pairs = {(r["investor"], r["project"]) for r in rows(new, investments)}
    pairs -= {(r["investor"], r["project"]) for r in rows(old, investments)}
    assert pairs
    assert {(i["investor"], i["project"]) for i in seed_diff["investments"]["added"]} == pairs
    assert seed_diff["entities"]["dropped"] == seed_diff["investments"]["dropped"] == []


def test_posts_last_seen_before_a_date(seed_graphs, seed_diff):
    last: dict[tuple[str, str, str], str] = {}
    for r in rows(seed_graphs[1], POST_DATES):
        key = (r["person"], r["role"], r["org"])
        last[key] = max(last.get(key, ""), r["date"])
    stale = seed_diff["posts"]["last_seen_before"]
    assert stale, "the seeds have posts of October 2024"
    assert listed(stale) == {key for key, date in last.items() if date < "2024-11-01"}
    assert all(p["last_seen"] == last[(p["person"], p["role"], p["organization"])] for p in stale)


def test_a_graph_against_itself_has_no_changes(seed_graphs):
    report = json.loads(to_json(diff_graphs(seed_graphs[1], seed_graphs[1])))
    assert report["before"] is None
    for section in ("posts", "entities", "investments"):
        assert all(items == [] for items in report[section].values()), section


def test_table_groups_by_section_with_counts(seed_graphs, seed_diff):
    text = to_table(diff_graphs(*seed_graphs))
    added = len(seed_diff["posts"]["added"])
    new_holders = sum(p["new_holder"] for p in seed_diff["posts"]["added"])
    assert f"Posts added: {added} ({new_holders} new holders of a role)\n" in text
    assert "Posts dropped: 0\n" in text
    assert "Posts last seen before" not in text
    line = next(x for x in text.splitlines() if x.startswith("张建军"))
    assert line.split()[:3] == ["张建军", "副市长", "聊城市人民政府"]
    assert "yes (" in line


ARTICLES = [
    Article("page1.txt", 0, "一", "…", 0, 10, date="2024-03-01"),
    Article("page2.txt", 0, "二", "…", 0, 10, date="2024-06-15"),
]
CITY = "gov/临河市人民政府"
TRICKY = "<script>alert(1)</script>赵&钱"


def small_graph(path: Path, articles: list[Article], people: dict[str, str], invest: float):
    """A graph: each person mayor of 临河市 per the article given, 临河建投 investing in a park."""
    sources = {a.id: Source(a.id, f"{a.title}号文。") for a in articles}
    first = sources[articles[0].id]
    entities = [
        Entity(CITY, "GOV", "临河市人民政府", sources=[first]),
        Entity("company/临河建投", "COMPANY", "临河建投", sources=[first]),
        Entity("project/临河产业园", "PROJECT", "临河产业园", sources=[first]),
        *(Entity(f"person/{n}", "PERSON", n, sources=[sources[a]]) for n, a in people.items()),
    ]
    facts = [
        Fact("invests_in", "company/临河建投", "project/临河产业园", None, invest, [first]),
        *(
            Fact("holds_role", f"person/{n}", CITY, "市长", sources=[sources[a]])
            for n, a in people.items()
        ),
    ]
    write_turtle(build_graph(articles, entities, facts), path)
    return path


@pytest.fixture(scope="module")
def small_graphs(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("small")
    old = small_graph(folder / "old.ttl", ARTICLES[:1], {"孙立": "page1.txt#0"}, 1e8)
    new = small_graph(
        folder / "new.ttl", ARTICLES, {TRICKY: "page2.txt#0", "孙立": "page2.txt#0"}, 2.5e8
    )
    return old, new


def test_small_graphs_every_section(small_graphs):
    report = json.loads(to_json(diff_graphs(*small_graphs, before="2024-07-01")))
    (added,) = report["posts"]["added"]
    assert (added["person"], added["person_id"], added["new_holder"]) == (
        TRICKY,
        f"person/{TRICKY}",
        True,
    )
    assert added["previous_holders"] == ["孙立"]
    (moved,) = report["posts"]["last_seen_changed"]
    assert (moved["person"], moved["old_last_seen"], moved["last_seen"]) == (
        "孙立",
        "2024-03-01",
        "2024-06-15",
    )
    assert {p["person"] for p in report["posts"]["last_seen_before"]} == {"孙立", TRICKY}
    assert report["entities"]["added"] == [
        {"type": "PERSON", "id": f"person/{TRICKY}", "name": TRICKY}
    ]
    (changed,) = report["investments"]["amount_changed"]
    assert (changed["old_amount_yuan"], changed["amount_yuan"]) == (1e8, 2.5e8)


def test_html_escapes_every_name_and_needs_nothing_from_outside(small_graphs):
    page = to_html(diff_graphs(*small_graphs))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;赵&amp;钱" in page
    assert "<script" not in page
    assert "赵&钱" not in page
    assert "http://" not in page and "https://" not in page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


def test_cli_writes_json_to_a_file_and_table_to_stdout(small_graphs, tmp_path):
    old, new = map(str, small_graphs)
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(main, ["diff", old, new, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["posts"]["added"][0]["person"] == TRICKY
    table = CliRunner().invoke(main, ["diff", old, new, "--before", "2024-07-01"])
    assert table.exit_code == 0, table.output
    assert "Posts last seen before 2024-07-01: 2\n" in table.output
    assert "Investment amounts changed: 1\n" in table.output
    assert "100,000,000 元  250,000,000 元" in table.output


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "graph file not found"), ("这不是 Turtle <", "cannot read graph file")],
)
def test_cli_bad_input_is_one_line_naming_the_file(small_graphs, tmp_path, content, problem):
    bad = tmp_path / "bad.ttl"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(bad), str(small_graphs[1])])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {problem}") and str(bad) in line
