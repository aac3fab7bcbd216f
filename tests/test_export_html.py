"""kg.export.html: an offline, escaped, deterministic HTML page from the graph."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import kg.export
from kg.export import html as export_html
from kg.export.html import EDGE_COLOURS, TYPE_COLOURS, _json_pieces, render_html, write_html
from kg.records import Source

ARTICLE = "article/000_3b686d864aefadfd.txt#4"
ARTICLE_0 = "article/000_3b686d864aefadfd.txt#0"
LI_SENTENCE = (
    "当天下午,市委书记李长萍到省驻聊新闻媒体、市新闻传媒中心等地开展走访调研,"
    "看望慰问一线新闻工作者。"
)
YUNHAI_SENTENCE = "深秋时节,走进东昌府区侯营镇云海制衣加工车间,映入眼帘的是一片繁忙景象。"
EVIL_NAME = "</script><script>window.__pwned=1;alert(1)</script>"
EVIL_ALIAS = '<img src=x onerror="window.__pwned=2;alert(2)">'
EVIL_SENTENCE = "他说\"<img src=x onerror='window.__pwned=3;alert(3)'>\"'引号'&amp;\u2028完"


def add_article(graph: nx.MultiDiGraph, node: str, title: str, index: int) -> None:
    graph.add_node(
        node,
        kind="article",
        title=title,
        source="000_3b686d864aefadfd.txt",
        index=index,
        date="2024-11-08",
        start=0,
        end=100,
        reporters=(),
    )


def add_entity(
    graph: nx.MultiDiGraph,
    node: str,
    type_: str,
    name: str,
    sources: tuple[Source, ...],
    aliases: tuple[str, ...] = (),
    code: str = "",
) -> None:
    graph.add_node(
        node,
        kind="entity",
        type=type_,
        name=name,
        aliases=aliases,
        official=False,
        code=code,
        sources=sources,
        reference=None,
        successor="",
        successor_since="",
        note="",
    )


def add_fact(
    graph: nx.MultiDiGraph,
    kind: str,
    head: str,
    tail: str,
    sentence: str,
    role: str | None = None,
    article: str = ARTICLE,
    amount_yuan: float | None = None,
) -> None:
    graph.add_edge(
        head,
        tail,
        key=(kind, head, tail, role or ""),
        kind=kind,
        role=role,
        amount_yuan=amount_yuan,
        sources=(Source(article, sentence),),
        reference=None,
    )


def seed_graph() -> nx.MultiDiGraph:
    """李长萍 书记 of 聊城市委; 云海制衣 in 侯营镇, in the 棉服 industry."""
    graph = nx.MultiDiGraph()
    add_article(graph, ARTICLE_0, '"小棉袄"闯出大市场', 0)
    add_article(graph, ARTICLE, "我市举办庆祝第25个中国记者节活动", 4)
    li = (Source(ARTICLE, LI_SENTENCE),)
    yunhai = (Source(ARTICLE_0, YUNHAI_SENTENCE),)
    add_entity(graph, "person/李长萍", "PERSON", "李长萍", li)
    add_entity(graph, "gov/聊城市委", "GOV", "聊城市委", li, aliases=("市委",))
    add_entity(graph, "company/云海制衣", "COMPANY", "云海制衣", yunhai)
    add_entity(graph, "place/侯营镇", "PLACE", "侯营镇", yunhai)
    add_entity(graph, "industry/棉服", "INDUSTRY", "棉服", yunhai)
    graph.nodes["person/李长萍"]["official"] = True
    add_fact(graph, "holds_role", "person/李长萍", "gov/聊城市委", LI_SENTENCE, role="书记")
    for kind, tail in (("located_in", "place/侯营镇"), ("in_industry", "industry/棉服")):
        add_fact(graph, kind, "company/云海制衣", tail, YUNHAI_SENTENCE, article=ARTICLE_0)
    return graph


def evil_graph() -> nx.MultiDiGraph:
    """The seed graph plus an organisation whose name, role and sentence carry markup."""
    graph = seed_graph()
    add_entity(
        graph,
        "org/evil",
        "ORG",
        EVIL_NAME,
        (Source(ARTICLE, EVIL_SENTENCE),),
        aliases=(EVIL_ALIAS,),
    )
    add_fact(graph, "holds_role", "person/李长萍", "org/evil", EVIL_SENTENCE, role="<b>主任</b>")
    return graph


class PageParser(HTMLParser):
    """Collects tags, attributes and the text of the kg-data script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data_blocks: list[str] = []
        self.texts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self._open = "kg-data" if attributes.get("id") == "kg-data" else tag

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "kg-data":
            self.data_blocks.append(data)
        elif self._open in ("title", "h1", "p"):
            self.texts[self._open] = self.texts.get(self._open, "") + data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def page_data(page: str) -> dict:
    parser = parse(page)
    assert len(parser.data_blocks) == 1
    return json.loads(parser.data_blocks[0])


def sentences(data: dict, refs: list[list[int]]) -> list[str]:
    """The sentences that ``[article, sentence]`` references point to."""
    return [data["sentences"][sentence] for _article, sentence in refs]


def section(data: dict, node: str, heading: str) -> list[dict]:
    """The facts under one heading of a node's side panel."""
    return dict((h, facts) for h, facts in data["info"][node]["sections"])[heading]


def fact_lines(facts: list[dict]) -> list[str]:
    return [f"{fact['label']} · {fact['name']}" for fact in facts]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(seed_graph(), title="聊城 kg")


@pytest.fixture(scope="module")
def data(page: str) -> dict:
    return page_data(page)


def test_written_page_is_utf8_with_charset_and_readable_chinese(tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    write_html(seed_graph(), out)
    raw = out.read_bytes()
    text = raw.decode("utf-8")
    assert '<meta charset="utf-8">' in text
    assert "李长萍".encode() in raw
    assert "\\u674e" not in text


def test_no_external_resources(page: str) -> None:
    parser = parse(page)
    for _tag, attributes in parser.tags:
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), (name, value)
    assert "//cdn" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.IGNORECASE)
    assert not [t for t, a in parser.tags if t in ("iframe", "img")]
    assert [a for t, a in parser.tags if t == "link"] == [{"rel": "icon", "href": "data:,"}]
    assert not [a for t, a in parser.tags if t == "script" and "src" in a]
    assert "bootstrap" not in page.lower()
    assert "tom-select" not in page.lower()


def test_embeds_vis_network(page: str) -> None:
    vis_js = export_html._vis_js()
    assert len(vis_js) > 100_000
    assert vis_js in page
    assert "new vis.Network(" in page
    assert 'JSON.parse(document.getElementById("kg-data").textContent)' in page


def test_nodes_have_labels_types_colours_and_whole_pixel_positions(data: dict) -> None:
    nodes = {n["id"]: n for n in data["nodes"]}
    assert sorted(nodes) == [
        "company/云海制衣",
        "gov/聊城市委",
        "industry/棉服",
        "person/李长萍",
        "place/侯营镇",
    ]
    assert nodes["person/李长萍"]["label"] == "李长萍"
    assert nodes["gov/聊城市委"]["type"] == "GOV"
    for node in nodes.values():
        assert node["color"] == TYPE_COLOURS[node["type"]]
        assert isinstance(node["x"], int) and isinstance(node["y"], int)
    assert len({(n["x"], n["y"]) for n in nodes.values()}) == 5
    assert len(set(TYPE_COLOURS.values())) == 7
    assert data["options"]["physics"] is False


def test_edges_point_head_to_tail_with_role_or_relation_label(data: dict) -> None:
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    assert set(edges) == {
        ("person/李长萍", "gov/聊城市委"),
        ("company/云海制衣", "place/侯营镇"),
        ("company/云海制衣", "industry/棉服"),
    }
    post = edges["person/李长萍", "gov/聊城市委"]
    assert (post["label"], post["kind"], post["relation"]) == ("书记", "holds_role", "任职")
    assert post["color"] == {"color": EDGE_COLOURS["holds_role"]}
    assert sentences(data, post["sources"]) == [LI_SENTENCE]
    assert edges["company/云海制衣", "place/侯营镇"]["label"] == "位于"
    assert edges["company/云海制衣", "industry/棉服"]["label"] == "行业"
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is True


def test_side_panel_has_names_posts_members_places_industries_and_sources(data: dict) -> None:
    assert data["info"]["gov/聊城市委"]["names"] == ["聊城市委", "市委"]
    (post,) = section(data, "person/李长萍", "职务")
    assert (post["label"], post["name"], post["id"]) == ("书记", "聊城市委", "gov/聊城市委")
    assert post["dates"] == ["2024-11-08"]
    assert sentences(data, post["sources"]) == [LI_SENTENCE]
    article = data["articles"][post["sources"][0][0]]
    assert article == [
        "我市举办庆祝第25个中国记者节活动",
        "2024-11-08",
        "000_3b686d864aefadfd.txt #4",
    ]
    assert fact_lines(section(data, "gov/聊城市委", "成员")) == ["书记 · 李长萍"]
    assert fact_lines(section(data, "company/云海制衣", "地点")) == ["位于 · 侯营镇"]
    assert fact_lines(section(data, "company/云海制衣", "行业")) == ["行业 · 棉服"]
    assert fact_lines(section(data, "place/侯营镇", "位于此地")) == ["位于 · 云海制衣"]
    assert fact_lines(section(data, "industry/棉服", "本行业")) == ["行业 · 云海制衣"]
    company = data["info"]["company/云海制衣"]
    assert sentences(data, company["sources"]) == [YUNHAI_SENTENCE]
    assert data["articles"][company["sources"][0][0]][0] == '"小棉袄"闯出大市场'


def timeline_graph() -> nx.MultiDiGraph:
    """The seed graph plus posts read over time: 李长萍 书记 from 2024-11-08 to 2025-01-02,
    主任 on 2025-01-02, 会长 in an undated article; 柳庆发 and 王刚 in 聊城市委 too."""
    graph = seed_graph()
    later = "article/001_5d684e7cc0ae9713.txt#2"
    add_article(graph, later, "市委常委会召开会议", 2)
    graph.nodes[later]["date"] = "2025-01-02"
    graph.nodes[ARTICLE_0]["date"] = None
    for node, type_, name in (
        ("gov/聊城市人大常委会", "GOV", "聊城市人大常委会"),
        ("org/聊城市慈善总会", "ORG", "聊城市慈善总会"),
        ("person/柳庆发", "PERSON", "柳庆发"),
        ("person/王刚", "PERSON", "王刚"),
    ):
        add_entity(graph, node, type_, name, ())
    (post,) = graph["person/李长萍"]["gov/聊城市委"].values()
    post["sources"] = (Source(later, "市委书记李长萍主持会议。"), Source(ARTICLE, LI_SENTENCE))
    for person, role, body, article in (
        ("person/李长萍", "主任", "gov/聊城市人大常委会", later),
        ("person/李长萍", "会长", "org/聊城市慈善总会", ARTICLE_0),
        ("person/王刚", "秘书长", "gov/聊城市委", later),
        ("person/柳庆发", "常委", "gov/聊城市委", ARTICLE),
    ):
        add_fact(graph, "holds_role", person, body, f"{role}{person}。", role=role, article=article)
    return graph


def test_side_panel_timeline_of_a_person_and_of_an_organisation() -> None:
    """A person's posts in date order (undated last), an organisation's holders by role, each
    with its first and last date and its number of articles, as kg timeline gives them."""
    data = page_data(render_html(timeline_graph()))
    assert data["info"]["person/李长萍"]["timeline"] == [
        ["书记", "聊城市委", "2024-11-08", "2025-01-02", 2, False, None],
        ["主任", "聊城市人大常委会", "2025-01-02", "2025-01-02", 1, False, None],
        ["会长", "聊城市慈善总会", None, None, 1, False, None],
    ]
    assert data["info"]["gov/聊城市委"]["timeline"] == [
        ["书记", "李长萍", "2024-11-08", "2025-01-02", 2, False, None],
        ["常委", "柳庆发", "2024-11-08", "2024-11-08", 1, False, None],
        ["秘书长", "王刚", "2025-01-02", "2025-01-02", 1, False, None],
    ]
    assert data["info"]["person/王刚"]["timeline"] == [
        ["秘书长", "聊城市委", "2025-01-02", "2025-01-02", 1, False, None]
    ]
    for node in ("company/云海制衣", "place/侯营镇", "industry/棉服"):
        assert "timeline" not in data["info"][node]


def test_timeline_names_are_data_for_the_script_never_markup() -> None:
    data = page_data(render_html(evil_graph()))
    posts = data["info"]["person/李长萍"]["timeline"]
    assert ["<b>主任</b>", EVIL_NAME, "2024-11-08", "2024-11-08", 1, False, None] in posts
    assert data["info"]["org/evil"]["timeline"] == [
        ["<b>主任</b>", "李长萍", "2024-11-08", "2024-11-08", 1, False, None]
    ]


def test_sections_come_in_a_fixed_order() -> None:
    graph = seed_graph()
    add_entity(graph, "place/东昌府区", "PLACE", "东昌府区", ())
    add_entity(graph, "project/棉服产业园", "PROJECT", "棉服产业园", ())
    add_fact(graph, "part_of", "place/侯营镇", "place/东昌府区", YUNHAI_SENTENCE)
    add_fact(
        graph, "invests_in", "company/云海制衣", "project/棉服产业园", YUNHAI_SENTENCE,
        amount_yuan=1.5e9,
    )  # fmt: skip
    data = page_data(render_html(graph))
    headings = [h for h, _ in data["info"]["company/云海制衣"]["sections"]]
    assert headings == ["地点", "行业", "投资项目"]
    assert [h for h, _ in data["info"]["place/侯营镇"]["sections"]] == ["地点", "位于此地"]
    (investment,) = section(data, "company/云海制衣", "投资项目")
    assert investment["amount"] == "15亿元"
    assert fact_lines(section(data, "project/棉服产业园", "投资方")) == ["投资 · 云海制衣"]
    assert fact_lines(section(data, "place/东昌府区", "下辖")) == ["属于 · 侯营镇"]


def test_a_sentence_is_stored_once(data: dict) -> None:
    assert len(data["sentences"]) == len(set(data["sentences"])) == 2
    assert len(data["articles"]) == 2


def test_parallel_edges_curve_apart() -> None:
    graph = seed_graph()
    add_fact(graph, "holds_role", "person/李长萍", "gov/聊城市委", LI_SENTENCE, role="主任")
    edges = page_data(render_html(graph))["edges"]
    posts = [e for e in edges if e["from"] == "person/李长萍"]
    assert [e.get("smooth") for e in posts] == [
        None,
        {"enabled": True, "roundness": 0.25, "type": "curvedCW"},
    ]


def test_filters_list_every_type_and_relation_with_colour_and_count(page: str, data: dict) -> None:
    boxes = re.findall(
        r'<li><label><input type="checkbox" checked data-filter="(\w+)" value="(\w+)">'
        r'<span class="kg-swatch kg-\w+" style="background:(#\w+)"></span>(.*?)</label></li>',
        page,
    )
    types = [(value, label) for kind, value, _c, label in boxes if kind == "type"]
    kinds = [(value, label) for kind, value, _c, label in boxes if kind == "kind"]
    assert len(types) == 7 and len(kinds) == 5
    assert ("PERSON", "人物 (PERSON) 1") in types
    assert ("PROJECT", "项目 (PROJECT) 0") in types
    assert ("holds_role", "任职 1") in kinds
    assert ("invests_in", "投资 0") in kinds
    assert ("type", "PERSON", "#4e79a7", "人物 (PERSON) 1") in boxes
    assert data["types"][0] == ["PERSON", "人物 (PERSON)", "#4e79a7", 1]


def test_untrusted_text_never_appears_raw() -> None:
    page = render_html(evil_graph(), title="<i>\"标题\"</i> & 'x'")
    assert "<img" not in page
    assert "</script><script>" not in page
    assert "<script>window" not in page
    ours = page.replace(export_html._vis_js(), "")
    for raw in ("<b>", "<i>", "\u2028", "\"'"):
        assert raw not in ours, raw
    block = parse(page).data_blocks[0]
    assert not set("<>&'\u2028\u2029") & set(block)
    assert page.count("</script>") == 3
    parser = parse(page)
    assert parser.texts["title"] == parser.texts["h1"] == "<i>\"标题\"</i> & 'x'"
    data = page_data(page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["org/evil"]["label"] == EVIL_NAME
    assert data["info"]["org/evil"]["names"] == [EVIL_NAME, EVIL_ALIAS]
    assert EVIL_SENTENCE in data["sentences"]
    assert "<b>主任</b> · " + EVIL_NAME in fact_lines(section(data, "person/李长萍", "职务"))
    assert "<b>主任</b>" in {e["label"] for e in data["edges"]}


def test_page_script_shows_text_only_through_text_content(page: str) -> None:
    script = page.rsplit("<script>", 1)[1]
    assert "textContent" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    assert "new Function" not in script


def test_max_nodes_keeps_most_connected_and_says_so() -> None:
    graph = seed_graph()
    sentence = "东昌府区侯营镇棉服企业..."
    add_entity(graph, "place/东昌府区", "PLACE", "东昌府区", ())
    add_entity(graph, "company/阿棉服饰", "COMPANY", "阿棉服饰", ())
    add_fact(graph, "part_of", "place/侯营镇", "place/东昌府区", sentence)
    add_fact(graph, "located_in", "company/阿棉服饰", "place/侯营镇", sentence)
    # degrees: 侯营镇 3, 云海制衣 2, the rest 1 (ties go to the smallest id)
    page = render_html(graph, max_nodes=2)
    data = page_data(page)
    assert [n["id"] for n in data["nodes"]] == ["company/云海制衣", "place/侯营镇"]
    assert [(e["from"], e["to"]) for e in data["edges"]] == [("company/云海制衣", "place/侯营镇")]
    assert "showing the 2 most connected of 7 entities" in parse(page).texts["p"]
    assert "显示连接最多的 2 个实体(共 7 个)" in parse(page).texts["p"]
    places = section(data, "place/侯营镇", "地点")
    assert [(f["name"], f["id"]) for f in places] == [("东昌府区", None)]
    here = section(data, "place/侯营镇", "位于此地")
    assert [(f["name"], f["id"]) for f in here] == [
        ("云海制衣", "company/云海制衣"),
        ("阿棉服饰", None),
    ]
    four = render_html(graph, max_nodes=4)
    assert [n["id"] for n in page_data(four)["nodes"]] == [
        "company/云海制衣",
        "company/阿棉服饰",
        "gov/聊城市委",
        "place/侯营镇",
    ]
    assert "showing the 4 most connected of 7 entities" in four
    assert "企业 (COMPANY) 2" in four
    assert "地点 (PLACE) 1" in four


def test_max_nodes_with_a_focus_keeps_the_nearest_first() -> None:
    graph = seed_graph()
    add_entity(graph, "place/东昌府区", "PLACE", "东昌府区", ())
    add_fact(graph, "part_of", "place/侯营镇", "place/东昌府区", YUNHAI_SENTENCE)
    page = render_html(graph, max_nodes=2, focus="industry/棉服")
    data = page_data(page)
    assert [n["id"] for n in data["nodes"]] == ["company/云海制衣", "industry/棉服"]
    assert data["focus"] == "industry/棉服"
    assert "showing the 2 entities nearest 棉服 of 6 (kg view --max-nodes)" in page
    assert page_data(render_html(graph))["focus"] is None


def test_no_note_when_everything_is_shown(page: str) -> None:
    assert "showing" not in render_html(seed_graph(), max_nodes=5)
    assert "showing" not in page


def test_negative_max_nodes_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_nodes"):
        render_html(seed_graph(), max_nodes=-1)


def test_big_graphs_hide_edges_while_moving(monkeypatch: pytest.MonkeyPatch, data: dict) -> None:
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is False
    monkeypatch.setattr(export_html, "BIG_GRAPH_EDGES", 2)
    interaction = page_data(render_html(seed_graph()))["options"]["interaction"]
    assert interaction["hideEdgesOnDrag"] is interaction["hideEdgesOnZoom"] is True


def test_output_is_deterministic(tmp_path: Path) -> None:
    write_html(seed_graph(), tmp_path / "a.html")
    reordered = nx.MultiDiGraph()
    graph = seed_graph()
    reordered.add_nodes_from(reversed(list(graph.nodes(data=True))))
    reordered.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    write_html(reordered, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert render_html(evil_graph()) == render_html(evil_graph())


def test_write_leaves_no_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    out.write_text("old", encoding="utf-8")
    write_html(seed_graph(), out)
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    assert out.read_text(encoding="utf-8") == render_html(seed_graph())


def test_failed_write_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "graph.html"
    out.write_text("old", encoding="utf-8")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(kg.export.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_html(seed_graph(), out)
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    assert out.read_text(encoding="utf-8") == "old"


def test_empty_graph_renders() -> None:
    data = page_data(render_html(nx.MultiDiGraph()))
    assert data["nodes"] == [] and data["edges"] == []


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_the_json_made_in_pieces_is_the_json_made_whole(depth):
    """The page's data is written a piece at a time; joined, the pieces are json.dumps's text."""
    data = {
        "sentences": [LI_SENTENCE, YUNHAI_SENTENCE, EVIL_SENTENCE],
        "info": {"person/李长萍": {"names": ["李长萍"], "sources": [[0, 1]]}, "gov/空": {}},
        "edges": [],
        "focus": None,
        "options": {"physics": False, "scaling": {"min": 8}},
    }
    whole = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert "".join(_json_pieces(data, depth)) == whole
