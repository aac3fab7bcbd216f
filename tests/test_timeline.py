"""Posts over time: the interval query of README.md and ``kg timeline``, on built graphs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export.rdf import write_turtle
from kg.records import Tenure
from kg.timeline import TimelineError, render, timeline
from tests.test_cli import readme_query
from tests.test_export_html import LI_SENTENCE, add_entity, add_fact, page_data
from tests.test_view import chain_graph

from .conftest import SEEDS

PAGES = {
    "2013-03-05.txt": (
        "市委常委会召开扩大会议\n\n"
        "本报讯 2013年3月5日,市委书记王建国主持召开市委常委会扩大会议,传达学习全国两会精神,"
        "研究部署全市春季农业生产工作。市长助理赵敏出席会议。\n\n"
        "会议指出,各级各部门要抓好小麦春季管理,确保夏粮丰收。\n"
    ),
    "2015-09-18.txt": (
        "全市重点项目建设现场推进会召开\n\n"
        "本报讯 2015年9月18日,市委书记王建国到经济开发区调研重点项目建设,副市长赵敏陪同。\n\n"
        "王建国强调,要加快项目建设进度,推动经济持续健康发展。\n"
    ),
}
"""Two pages of different dates: 王建国 is 书记 in both, 赵敏 changes post."""

COUNTS = ("articles", "former", "ended")
HELD_ON = "Who held 书记 of 聊城市委 on a given day"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def build(pages: Path, out: Path) -> Path:
    result = run("build", str(pages), "-o", str(out), "--no-cache")
    assert result.exit_code == 0, result.output
    return out / "graph.ttl"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("pages")
    for name, text in PAGES.items():
        (pages / name).write_text(text, encoding="utf-8")
    return build(pages, tmp_path_factory.mktemp("two"))


def held_on(graph: Path, day: str) -> list[dict[str, str]]:
    """The README's interval query, asked for ``day``."""
    query = readme_query(HELD_ON).replace('"2024-11-08"', f'"{day}"')
    result = run("query", str(graph), query, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_who_held_the_post_on_a_day_of_the_seeds(seeds: Path) -> None:
    rows = held_on(seeds, "2024-11-08")
    assert [(r["person"], r["from"], r["to"]) for r in rows] == [
        ("李长萍", "2024-11-08", "2024-11-08")
    ]
    assert held_on(seeds, "2024-11-09") == []


def test_the_interval_spans_pages_of_different_dates(two: Path) -> None:
    rows = held_on(two, "2014-06-01")
    assert [(r["person"], r["from"], r["to"]) for r in rows] == [
        ("王建国", "2013-03-05", "2015-09-18")
    ]
    assert held_on(two, "2015-09-18") == rows
    assert held_on(two, "2016-01-01") == []


def test_a_person_s_posts_in_date_order(seeds: Path, two: Path) -> None:
    result = run("timeline", "李长萍", "--graph", str(seeds))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "李长萍 (person/李长萍)"
    assert lines[1].split() == ["role", "organization", "first", "last", *COUNTS]
    row = ["书记", "聊城市委", "2024-11-08", "2024-11-08", "1", "False"]
    assert row in [r.split() for r in lines]
    found = timeline(two, "赵敏")
    assert found.person and found.entity == "person/赵敏"
    assert found.tenures == [
        Tenure("市长助理", "赵敏", "聊城市人民政府", "2013-03-05", "2013-03-05", 1),
        Tenure("副市长", "赵敏", "聊城市人民政府", "2015-09-18", "2015-09-18", 1),
    ]


def test_an_organisation_s_holders_by_role(seeds: Path, two: Path) -> None:
    found = timeline(seeds, "市委")
    assert found.entity == "gov/聊城市委" and not found.person
    assert found.columns == ("role", "person", "first", "last", *COUNTS)
    roles = [t.role for t in found.tenures]
    assert roles == sorted(roles)
    assert Tenure("书记", "李长萍", "聊城市委", "2024-11-08", "2024-11-08", 1) in found.tenures
    members = [t for t in found.tenures if t.role == "常委"]
    assert len(members) >= 3
    assert [t.by_date() for t in members] == sorted(t.by_date() for t in members)
    assert timeline(two, "市委").tenures == [
        Tenure("书记", "王建国", "聊城市委", "2013-03-05", "2015-09-18", 2)
    ]


FORMER_PAGE = (
    "老干部迎春座谈会召开\n\n"
    "本报讯 2016年1月20日,原市委书记王建国、市委书记刘强出席老干部迎春座谈会。\n"
)
"""A later page that calls 王建国's post former: it ended by then."""


def test_a_post_an_article_calls_former_ended_by_its_date(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, text in {**PAGES, "2016-01-20.txt": FORMER_PAGE}.items():
        (pages / name).write_text(text, encoding="utf-8")
    graph = build(pages, tmp_path / "out")
    assert timeline(graph, "王建国").tenures == [
        Tenure("书记", "王建国", "聊城市委", "2013-03-05", "2015-09-18", 3, True, "2016-01-20")
    ]
    assert Tenure("书记", "刘强", "聊城市委", "2016-01-20", "2016-01-20", 1) in (
        timeline(graph, "聊城市委").tenures
    )
    assert [r["person"] for r in held_on(graph, "2016-01-20")] == ["刘强"]
    said = run("query", str(graph), "SELECT ?e WHERE { ?m kg:former true ; kg:evidence ?e }")
    assert said.output.count("原市委书记王建国") == 1
    info = page_data((graph.parent / "graph.html").read_text(encoding="utf-8"))["info"]
    found = timeline(graph, "王建国")
    assert info[found.entity]["timeline"] == [list(row.values()) for row in found.rows()]


def test_csv_is_rfc_4180_with_a_header(two: Path) -> None:
    result = run("timeline", "person/赵敏", "--graph", str(two), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "role,organization,first,last,articles,former,ended",
        "市长助理,聊城市人民政府,2013-03-05,2013-03-05,1,False,",
        "副市长,聊城市人民政府,2015-09-18,2015-09-18,1,False,",
    ]
    assert result.stdout_bytes.count(b"\r\n") == 3


def test_csv_quotes_commas_and_quotes(tmp_path: Path) -> None:
    graph = chain_graph()
    add_entity(graph, "org/甲乙", "ORG", '甲,乙"丙"', ())
    add_fact(graph, "holds_role", "person/李长萍", "org/甲乙", LI_SENTENCE, role="顾问")
    write_turtle(graph, tmp_path / "graph.ttl")
    result = run("timeline", "李长萍", "--graph", str(tmp_path / "graph.ttl"), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "书记,聊城市委,2024-11-08,2024-11-08,1,False,",
        '顾问,"甲,乙""丙""",2024-11-08,2024-11-08,1,False,',
    ]


def test_json_is_a_list_of_objects(two: Path) -> None:
    result = run("timeline", "聊城市人民政府", "--graph", str(two), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "role": "副市长",
            "person": "赵敏",
            "first": "2015-09-18",
            "last": "2015-09-18",
            "articles": 1,
            "former": False,
            "ended": None,
        },
        {
            "role": "市长助理",
            "person": "赵敏",
            "first": "2013-03-05",
            "last": "2013-03-05",
            "articles": 1,
            "former": False,
            "ended": None,
        },
    ]


def test_undated_posts_have_no_dates_and_come_last(seeds: Path) -> None:
    rows = json.loads(run("timeline", "聊城市委", "--graph", str(seeds), "--format", "json").output)
    dated = [r["first"] is not None for r in rows if r["role"] == "常委"]
    assert dated == sorted(dated, reverse=True)
    undated = next(r for r in rows if r["first"] is None)
    assert undated["last"] is None and undated["articles"] >= 1


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("李长萍", "person/李长萍"),
        (" 李 长萍 ", "person/李长萍"),
        ("gov/冠县县委", "gov/冠县县委"),
        ("冠县 县委", "gov/冠县县委"),
        ("abcgroup", "org/abc"),
    ],
)
def test_a_name_alias_or_id_is_found_as_kg_view_finds_it(
    tmp_path: Path, name: str, entity: str
) -> None:
    """From the index when the name is written as in the graph, else by a scan of the labels
    (white space and case aside); the file is read without a store beside it."""
    graph = chain_graph()
    add_entity(graph, "org/abc", "ORG", "ABC Group", (), aliases=("abc",))
    write_turtle(graph, tmp_path / "graph.ttl")
    assert timeline(tmp_path / "graph.ttl", name).entity == entity


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("市委", "Error: '市委' names 2 entities: gov/冠县县委 (冠县县委), gov/聊城市委"),
        ("东昌", "Error: no entity is named '东昌'; names containing it: place/东昌府区"),
        ("  ", "Error: give the name, an alias or the id of an entity"),
    ],
)
def test_a_name_that_fits_nothing_or_several_is_a_one_line_error(
    tmp_path: Path, name: str, message: str
) -> None:
    graph = tmp_path / "graph.ttl"
    write_turtle(chain_graph(), graph)
    result = CliRunner().invoke(main, ["timeline", name, "--graph", str(graph)])
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_a_missing_graph_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("timeline", "李长萍", "--graph", str(tmp_path / "none.ttl"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: graph file not found: {tmp_path / 'none.ttl'}\n"


def test_unknown_format(two: Path) -> None:
    with pytest.raises(TimelineError, match="unknown format 'xml'"):
        render(timeline(two, "王建国"), "xml")


@pytest.mark.parametrize("name", ["李长萍", "林晨", "聊城市委", "本报"])
def test_the_page_s_side_panel_shows_the_same_timeline(seeds: Path, name: str) -> None:
    found = timeline(seeds, name)
    info = page_data((seeds.parent / "graph.html").read_text(encoding="utf-8"))["info"]
    assert info[found.entity]["timeline"] == [list(row.values()) for row in found.rows()]
