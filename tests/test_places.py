"""Places as they were: former divisions by name, their codes of that time, their successors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.gazetteer import FormerDivision, former_divisions, gazetteer
from kg.load_graph import load_graph
from kg.records import Mention
from kg.resolve import Resolver

MEMBERS = """SELECT ?name ?role ?org WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?name ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }"""

PLACES = """SELECT ?place ?code ?successor ?since ?data WHERE {
  ?p a kg:Place ; rdfs:label ?place .
  OPTIONAL { ?p kg:divisionCode ?code }
  OPTIONAL { ?p kg:successor/rdfs:label ?successor ; kg:successorSince ?since }
  OPTIONAL { ?p prov:wasDerivedFrom/a kg:Dataset ; prov:wasDerivedFrom ?data }
} ORDER BY ?place"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("楚雄州", "楚雄彝族自治州"),
        ("黔东南州", "黔东南苗族侗族自治州"),
        ("关岭自治县", "关岭布依族苗族自治县"),
        ("关岭县", "关岭布依族苗族自治县"),
        ("克州", "克孜勒苏柯尔克孜自治州"),  # the data lists two short names: 克州/克孜勒苏
        ("克孜勒苏", "克孜勒苏柯尔克孜自治州"),
        ("西口镇", "西口回族镇"),  # an ethnic township with its own name and its level
        ("大雪山乡", "大雪山彝族拉祜族傣族乡"),
    ],
)
def test_an_autonomous_region_is_found_as_news_writes_it(written, full):
    places = gazetteer()
    assert [d.name for d in places.find(written)] == [full]
    assert written in places.place_names(None)


def test_a_merged_county_city_has_its_code_and_parent_of_that_time_and_no_successor():
    """胶南市 (370284) is listed up to the 2012 revision; the revisions do not say what took
    its place, so it has no successor."""
    jiaonan = former_divisions().get("胶南市")
    assert jiaonan.code == "370284" and jiaonan.level == "county"
    assert [d.name for d in jiaonan.ancestors()] == ["青岛市", "山东省"]
    assert jiaonan.listed == (2002, 2012)
    assert jiaonan.successor is None and jiaonan.since == ""


def test_the_change_list_gives_the_successor_and_the_year():
    yibin = former_divisions().get("宜宾县")
    assert (yibin.code, yibin.parent.name) == ("511521", "宜宾市")
    assert (yibin.successor.name, yibin.successor.code, yibin.since) == ("叙州区", "511504", "2018")
    assert not isinstance(yibin.successor, FormerDivision)


def test_a_code_kept_under_a_new_name_gives_the_successor_and_the_revision_year():
    """530800 is 思茅市 in the revisions up to 2006 and 普洱市 from 2007; the change list does
    not name it. Its earlier code (532701, 思茅地区's) is kept too."""
    simao = former_divisions().get("思茅市")
    assert simao.codes == ("532701", "530800") and simao.code == "530800"
    assert (simao.successor.name, simao.since) == ("普洱市", "2007")


def test_a_former_two_character_county_is_a_place_in_its_own_city_only():
    """户县 (now 鄠邑区) in a 西安 paper of 2010; elsewhere a two-character former county is
    more often the end of a word (担任县委 holds 任县)."""
    places = gazetteer()
    assert "户县" in places.place_names(places.region("西安市"))
    assert "户县" in places.place_names(places.region("周至县"))
    assert "户县" not in places.place_names(places.region("聊城市"))
    assert "户县" not in places.place_names(None)


def test_current_names_and_groupings_are_not_former_divisions():
    assert former_divisions().get("聊城市") is None
    assert former_divisions().get("市辖区") is None
    home = gazetteer().region("聊城市")
    assert not isinstance(home, FormerDivision) and home.code == "371500"
    assert isinstance(gazetteer().region("胶南市"), FormerDivision)
    unknown = gazetteer().region("梦溪县")
    assert not isinstance(unknown, FormerDivision) and (unknown.code, unknown.parent) == ("", None)
    with pytest.raises(KeyError):
        gazetteer().region("火星")


@pytest.mark.parametrize(
    ("name", "parents"),
    [("仙桃市", ["湖北省"]), ("石河子市", ["新疆维吾尔自治区"]), ("虎门镇", ["东莞市", "广东省"])],
)
def test_the_groupings_of_the_division_data_are_no_places(name, parents):
    """jionlp lists 仙桃市 under 省直辖行政区划 and the towns of 东莞市 under 市直辖行政区划:
    groupings of divisions, not divisions."""
    places = gazetteer()
    assert [d.name for d in places.find(name)[0].ancestors()] == parents
    assert places.find("省直辖行政区划") == places.find("市直辖行政区划") == []
    assert "市直辖行政区划" not in places.place_names(None)


def test_a_town_of_a_city_without_counties_lies_in_the_city(tmp_path):
    page = tmp_path / "dongguan.txt"
    page.write_text(
        "虎门镇电子信息产业项目动工\n\n近日，虎门镇新引进的电子信息产业项目动工，总投资10亿元。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("build", str(page), "-o", str(out), "--home-city", "东莞市")
    assert result.exit_code == 0, result.output
    parts = run(
        "query",
        str(out / "graph.ttl"),
        "SELECT ?a ?b WHERE { ?x kg:partOf ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }",
        "--format",
        "csv",
    ).output.splitlines()
    assert sorted(parts[1:]) == ["东莞市,广东省", "虎门镇,东莞市"]


@pytest.mark.parametrize(
    ("home", "body"),
    [("胶南市", "胶南市委"), ("临清市", "临清市委"), ("冠县", "聊城市委"), ("天津市", "天津市委")],
)
def test_shi_in_a_paper_is_the_home_when_the_home_is_a_shi(home, body):
    assert Resolver(home).canonical(Mention("市委", "GOV", "a.txt#0", "句子。")) == body


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[str, Path]:
    """Two pages of an old 胶南市 archive, one naming 宜宾县: the build's output and graph."""
    folder = tmp_path_factory.mktemp("archive")
    (folder / "jiaonan.txt").write_text(
        "市委召开常委会议\n\n市委书记王建军主持会议并讲话。\n", encoding="utf-8"
    )
    (folder / "yibin.txt").write_text(
        "宜宾县发展茶叶产业\n\n近日，宜宾县新建的茶叶加工厂投产，当地群众增收。\n", encoding="utf-8"
    )
    out = folder / "out"
    result = run("build", str(folder), "-o", str(out), "--home-city", "胶南市")
    assert result.exit_code == 0, result.output
    return result.output, out / "graph.ttl"


def test_home_city_takes_a_former_name(archive):
    output, graph = archive
    assert "warning" not in output
    assert "former division: 胶南市 370284 in 青岛市 (GB/T 2260 of 2002-2012)" in output
    rows = run("query", str(graph), MEMBERS, "--format", "csv").output
    assert "王建军,书记,胶南市委" in rows


def test_a_former_place_in_the_text_gets_its_code_and_successor(archive):
    _, graph = archive
    rows = run("query", str(graph), PLACES, "--format", "csv").output.splitlines()
    assert "宜宾县,511521,叙州区,2018," in rows
    assert "叙州区,511504,,,https://w3id.org/kg-zh/id/dataset/gb2260" in rows
    parts = run(
        "query",
        str(graph),
        "SELECT ?data WHERE { ?s rdf:subject/rdfs:label '宜宾县'@zh ; "
        "rdf:object/rdfs:label '宜宾市'@zh ; prov:wasDerivedFrom ?data }",
        "--format",
        "csv",
    ).output
    assert "dataset/gb2260-revisions" in parts
    turtle = graph.read_text(encoding="utf-8")
    assert 'kg:successorSince "2018"^^xsd:gYear' in turtle


def test_the_successor_reads_back_from_the_turtle(archive):
    node = load_graph(archive[1]).nodes["place/宜宾县"]
    assert (node["successor"], node["successor_since"], node["code"]) == (
        "place/叙州区",
        "2018",
        "511521",
    )
