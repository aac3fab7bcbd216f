"""One name across an archive: one person while the posts agree, several where they clash."""

from __future__ import annotations

import pytest

from kg.export.html import render_html
from kg.export.rdf import resource, write_turtle
from kg.graph import build_graph
from kg.ingest import split_articles
from kg.load_graph import load_graph
from kg.records import Article, Entity, Mention, Relation
from kg.relations import extract
from kg.resolve import resolve
from tests.browser import CHROMIUM, chromium, open_page

Read = tuple[list[Mention], list[Relation]]
"""The mentions and relations of one article."""


def post(article: str, body: str, role: str, name: str = "王刚") -> Read:
    """An article whose one sentence gives ``name`` the post ``role`` in ``body``."""
    sentence = f"{body}{role}{name}出席会议。"
    person = Mention(name, "PERSON", article, sentence)
    org = Mention(body, "GOV", article, sentence)
    return [person, org], [Relation("holds_role", person, org, sentence, role=role)]


def bare(article: str, name: str = "王刚") -> Read:
    """An article that names ``name`` without a post."""
    return [Mention(name, "PERSON", article, f"{name}介绍了有关情况。")], []


def people(articles: list[Read], dates: dict[str, str | None]) -> dict[str, Entity]:
    entities, _ = resolve(articles, "聊城市", dates)
    return {e.id: e for e in entities if e.type == "PERSON"}


def posts_of(articles: list[Read], dates: dict[str, str | None]) -> set[tuple[str, str]]:
    """(person id, body id) of every post."""
    _, facts = resolve(articles, "聊城市", dates)
    return {(f.head, f.tail) for f in facts if f.kind == "holds_role"}


def test_consistent_posts_in_two_dated_articles_are_one_person():
    articles = [post("a#0", "市政府", "副市长"), post("b#0", "市委", "常委")]
    found = people(articles, {"a#0": "2024-11-08", "b#0": "2024-11-10"})
    assert list(found) == ["person/王刚"]
    note = found["person/王刚"].note
    assert note.startswith("同名，职务相容，视为一人")
    assert "聊城市人民政府副市长(2024-11-08)" in note and "聊城市委常委(2024-11-10)" in note
    assert "同在聊城市" in note


def test_sibling_counties_in_one_week_are_two_people_each_with_its_post():
    articles = [post("a#0", "莘县县委", "书记"), post("b#0", "冠县人民政府", "县长")]
    dates = {"a#0": "2024-11-04", "b#0": "2024-11-08"}
    found = people(articles, dates)
    assert set(found) == {"person/王刚", "person/王刚@冠县"}
    assert {s.article for s in found["person/王刚@冠县"].sources} == {"b#0"}
    assert posts_of(articles, dates) == {
        ("person/王刚", "gov/莘县委"),
        ("person/王刚@冠县", "gov/冠县人民政府"),
    }
    assert "同名另有王刚@冠县：此人任职于莘县，彼任职于冠县" in found["person/王刚"].note
    assert "两地互不隶属，同期任职" in found["person/王刚@冠县"].note


def test_counties_of_two_provinces_are_two_people_years_apart():
    articles = [post("a#0", "莘县县委", "书记"), post("b#0", "宣汉县人民政府", "县长")]
    found = people(articles, {"a#0": "2019-05-04", "b#0": "2024-11-08"})
    assert set(found) == {"person/王刚", "person/王刚@宣汉县"}
    assert "分属不同省份" in found["person/王刚"].note


def test_a_county_official_promoted_to_its_city_stays_one_person():
    articles = [post("a#0", "莘县人民政府", "副县长"), post("b#0", "市政府", "副市长")]
    found = people(articles, {"a#0": "2023-03-02", "b#0": "2024-06-05"})
    assert list(found) == ["person/王刚"]
    assert "上下级地区：聊城市、莘县" in found["person/王刚"].note


def test_a_move_to_another_county_months_later_is_one_career():
    articles = [post("a#0", "莘县人民政府", "副县长"), post("b#0", "冠县人民政府", "县长")]
    found = people(articles, {"a#0": "2023-03-02", "b#0": "2023-09-20"})
    assert list(found) == ["person/王刚"]
    assert "先后任职于莘县、冠县" in found["person/王刚"].note


def test_a_county_read_between_two_readings_of_another_is_a_second_person():
    articles = [
        post("a#0", "莘县县委", "书记"),
        post("b#0", "冠县人民政府", "县长"),
        post("c#0", "莘县县委", "书记"),
    ]
    found = people(articles, {"a#0": "2024-01-05", "b#0": "2024-06-05", "c#0": "2024-12-05"})
    assert set(found) == {"person/王刚", "person/王刚@冠县"}
    assert {s.article for s in found["person/王刚"].sources} == {"a#0", "c#0"}


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("冠县人民政府", {"person/王刚", "person/王刚@冠县"}),  # an undated sibling: any time
        ("市委", {"person/王刚"}),  # an undated superior: no clash at any time
    ],
)
def test_an_undated_article_is_read_at_every_time(other, expected):
    articles = [post("a#0", "莘县县委", "书记"), post("b#0", other, "常委")]
    found = people(articles, {"a#0": "2024-11-04", "b#0": None})
    assert set(found) == expected


WEEK = [
    post("a#0", "莘县县委", "书记"),
    post("b#0", "莘县人民政府", "县长"),
    post("c#0", "冠县人民政府", "县长"),
    bare("d#0"),
]
"""One week's articles: 王刚 twice in 莘县, once in 冠县, once without a post."""
WEEK_DATES = {"a#0": "2024-11-04", "b#0": "2024-11-05", "c#0": "2024-11-06", "d#0": "2024-11-07"}


def test_an_article_without_a_post_joins_the_largest_person():
    found = people(WEEK, WEEK_DATES)
    assert {s.article for s in found["person/王刚"].sources} == {"a#0", "b#0", "d#0"}
    assert "另有1篇文章未写职务，归入文章最多的这一位" in found["person/王刚"].note


def test_notes_only_where_articles_were_joined_or_a_name_split():
    found = people([bare("a#0"), bare("b#0"), bare("c#0", "李明")], {})
    assert found["person/王刚"].note == "同名，2篇文章均未写其职务，视为一人"
    assert found["person/李明"].note == ""


def test_the_split_does_not_depend_on_the_order_of_the_articles():
    articles = WEEK
    dates = {**WEEK_DATES, "d#0": None}

    def summary(order: list[Read]) -> list[tuple[str, str, tuple[str, ...]]]:
        found = people(order, dates)
        return [(i, e.note, tuple(sorted(s.article for s in e.sources))) for i, e in found.items()]

    assert sorted(summary(articles)) == sorted(summary(articles[::-1]))
    assert {i for i, *_ in summary(articles)} == {"person/王刚", "person/王刚@冠县"}


def test_split_ids_and_notes_go_through_turtle_and_back(tmp_path):
    dated = {"a.txt": "2024-11-04", "b.txt": None}
    pages = [Article(source, 0, "", "", 0, 0, date=day) for source, day in dated.items()]
    articles = [post("a.txt#0", "莘县县委", "书记"), post("b.txt#0", "冠县人民政府", "县长")]
    entities, facts = resolve(articles, "聊城市", {a.id: a.date for a in pages})
    graph = build_graph(pages, entities, facts)
    assert str(resource("person/王刚@冠县")).endswith("/person/王刚%40冠县")
    path = tmp_path / "graph.ttl"
    write_turtle(graph, path)
    assert "kg:identityNote" in path.read_text(encoding="utf-8")
    loaded = load_graph(path)
    assert loaded.nodes["person/王刚@冠县"]["note"] == graph.nodes["person/王刚@冠县"]["note"]
    assert "文章无日期" in loaded.nodes["person/王刚"]["note"]


PAGES = {
    "a.txt": "莘县召开乡村振兴工作会议\n\n本报讯(记者 张洁)2024年11月4日,"
    "莘县县委书记王刚主持召开乡村振兴工作会议,部署冬季农业生产。",
    "b.txt": "冠县推进棉纺产业升级\n\n本报讯(记者 林晨)2024年11月8日,"
    "冠县县委副书记、县长王刚到棉纺企业调研,察看生产情况。",
    "c.txt": "莘县调度重点项目\n\n本报讯(记者 林晨)2023年3月2日,"
    "莘县县委常委、副县长李明到项目现场调研。",
    "d.txt": "全市文旅工作会议召开\n\n本报讯(记者 林晨)2024年6月5日,"
    "全市文旅工作会议召开,副市长李明出席并讲话。",
}


@pytest.fixture(scope="module")
def page_graph(nlp):
    """The graph of four dated pages: two 王刚 in two counties in one week, and 李明 promoted
    from 莘县 to the city."""
    extracted, articles = [], []
    for source, text in PAGES.items():
        for article in split_articles(text, source):
            articles.append(article)
            extracted.append(extract(nlp(article.text), article))
    entities, facts = resolve(extracted, "聊城市", {a.id: a.date for a in articles})
    return build_graph(articles, entities, facts)


def test_pages_two_wang_gang_in_two_counties_and_one_promoted_li_ming(page_graph):
    posts = {
        (head, data["role"], tail)
        for head, tail, data in page_graph.edges(data=True)
        if data["kind"] == "holds_role"
    }
    assert ("person/王刚", "书记", "gov/莘县委") in posts
    assert ("person/王刚@冠县", "县长", "gov/冠县人民政府") in posts
    assert {
        ("person/李明", "副县长", "gov/莘县人民政府"),
        ("person/李明", "副市长", "gov/聊城市人民政府"),
    } <= posts
    assert "person/李明@聊城市" not in page_graph
    assert page_graph.nodes["person/王刚@冠县"]["name"] == "王刚"
    assert "上下级地区" in page_graph.nodes["person/李明"]["note"]


def test_the_side_panel_says_why(page_graph):
    page = render_html(page_graph)
    note = page_graph.nodes["person/王刚@冠县"]["note"]
    assert "同名另有王刚" in note
    assert f'"identity":"{note}"' in page
    assert "function identityParts(info)" in page


def test_facts_of_a_split_person_keep_their_sources():
    articles = [post("a#0", "莘县县委", "书记"), post("b#0", "冠县人民政府", "县长")]
    _, facts = resolve(articles, "聊城市", {"a#0": "2024-11-04", "b#0": "2024-11-04"})
    by_head = {f.head: f for f in facts if f.kind == "holds_role"}
    assert [s.article for s in by_head["person/王刚@冠县"].sources] == ["b#0"]
    assert [s.article for s in by_head["person/王刚"].sources] == ["a#0"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}")
def test_the_side_panel_shows_the_note_as_text(page_graph, tmp_path):
    graph = page_graph.copy()
    graph.nodes["person/王刚@冠县"]["note"] += "<b>注</b>"
    path = tmp_path / "graph.html"
    path.write_text(render_html(graph, focus="person/王刚@冠县"), encoding="utf-8")
    with chromium() as browser:
        opened = open_page(browser, path.as_uri(), [])
        opened.wait_for_selector("#kg-panel:not([hidden])")
        panel = opened.inner_text("#kg-panel")
        assert "同一人说明\n" + graph.nodes["person/王刚@冠县"]["note"] in panel
        assert opened.locator("#kg-panel b").count() == 0
        opened.close()
