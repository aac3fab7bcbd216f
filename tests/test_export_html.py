"""kg.export.html: an offline, escaped, deterministic HTML page from the graph."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import kg.export
from kg.export import html as export_html
from kg.export.html import TYPE_COLOURS, render_html, write_html
from kg.records import Source

ARTICLE = "article/000_3b686d864aefadfd.txt/4"
ARTICLE_0 = "article/000_3b686d864aefadfd.txt/0"
LI_SENTENCE = (
    "当天下午,市委书记李长萍到省驻聊新闻媒体、市新闻传媒中心等地开展走访调研,"
    "看望慰问一线新闻工作者。"
)
YUNHAI_SENTENCE = "深秋时节,走进东昌府区侯营镇云海制衣加工车间,映入眼帘的是一片繁忙景象。"
EVIL_NAME = "</script><script>alert(1)</script>"
EVIL_SENTENCE = "他说\"<img src=x onerror=alert(1)>\"'引号'&amp;\u2028完"


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
) -> None:
    graph.add_node(
        node,
        kind="entity",
        type=type_,
        name=name,
        aliases=aliases,
        official=False,
        sources=sources,
    )


def add_fact(
    graph: nx.MultiDiGraph,
    kind: str,
    head: str,
    tail: str,
    sentence: str,
    role: str | None = None,
    article: str = ARTICLE,
) -> None:
    graph.add_edge(
        head,
        tail,
        key=(kind, head, tail, role or ""),
        kind=kind,
        role=role,
        amount_yuan=None,
        sources=(Source(article, sentence),),
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
    graph = seed_graph()
    add_entity(graph, "org/evil", "ORG", EVIL_NAME, (Source(ARTICLE, EVIL_SENTENCE),))
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


def tip_lines(item: dict) -> list[str]:
    return [line for heading, lines in item["tip"] for line in (heading, *lines)]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(seed_graph(), title="聊城 kg")


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
    assert not [t for t, a in parser.tags if t in ("link", "iframe", "img")]
    assert not [a for t, a in parser.tags if t == "script" and "src" in a]
    assert "bootstrap" not in page.lower()
    assert "tom-select" not in page.lower()


def test_embeds_vis_network(page: str) -> None:
    vis_js = export_html._vis_asset("vis-network.min.js", "</script")
    assert len(vis_js) > 100_000
    assert vis_js in page
    assert "new vis.Network(" in page
    assert 'JSON.parse(document.getElementById("kg-data").textContent)' in page


def test_data_block_has_entity_nodes_labels_and_colours(page: str) -> None:
    data = page_data(page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert sorted(nodes) == [
        "company/云海制衣",
        "gov/聊城市委",
        "industry/棉服",
        "person/李长萍",
        "place/侯营镇",
    ]
    assert nodes["person/李长萍"]["label"] == "李长萍"
    assert nodes["gov/聊城市委"]["label"] == "聊城市委"
    for node in nodes.values():
        assert node["color"] == TYPE_COLOURS[node["type"]]
    assert len(set(TYPE_COLOURS.values())) == 7


def test_edges_point_head_to_tail_with_role_or_relation_label(page: str) -> None:
    edges = {(e["from"], e["to"]): e for e in page_data(page)["edges"]}
    assert set(edges) == {
        ("person/李长萍", "gov/聊城市委"),
        ("company/云海制衣", "place/侯营镇"),
        ("company/云海制衣", "industry/棉服"),
    }
    assert edges["person/李长萍", "gov/聊城市委"]["label"] == "书记"
    assert edges["company/云海制衣", "place/侯营镇"]["label"] == "位于"
    assert edges["company/云海制衣", "industry/棉服"]["label"] == "行业"
    colours = {e["color"]["color"] for e in edges.values()}
    assert len(colours) == 3
    options = page_data(page)["options"]
    assert options["edges"]["arrows"]["to"]["enabled"] is True


def test_tooltips_show_type_aliases_posts_members_and_sources(page: str) -> None:
    nodes = {n["id"]: n for n in page_data(page)["nodes"]}
    person = tip_lines(nodes["person/李长萍"])
    assert "类型: 人物 (PERSON)" in person
    assert "书记 · 聊城市委" in person
    assert "来源: 《我市举办庆祝第25个中国记者节活动》 2024-11-08" in person
    assert LI_SENTENCE in person
    gov = tip_lines(nodes["gov/聊城市委"])
    assert "市委" in gov
    assert "书记 · 李长萍" in gov
    company = tip_lines(nodes["company/云海制衣"])
    assert '来源: 《"小棉袄"闯出大市场》 2024-11-08' in company
    assert YUNHAI_SENTENCE in company


def test_tooltip_sources_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = seed_graph()
    sentences = tuple(Source(ARTICLE, f"第{i:02d}句。") for i in range(13))
    graph.nodes["place/侯营镇"]["sources"] = sentences
    monkeypatch.setattr(export_html, "MAX_SENTENCES", 10)
    nodes = {n["id"]: n for n in page_data(render_html(graph))["nodes"]}
    lines = tip_lines(nodes["place/侯营镇"])
    assert "第09句。" in lines
    assert "第10句。" not in lines
    assert "另有 3 条来源" in lines


def test_legend_lists_every_type_with_colour_and_count(page: str) -> None:
    legend = re.findall(
        r'<li><span class="kg-swatch" style="background:(#\w+)"></span>(.*?)</li>', page
    )
    assert len(legend) == 7
    assert ("#4e79a7", "人物 (PERSON) 1") in legend
    assert (TYPE_COLOURS["PROJECT"], "项目 (PROJECT) 0") in legend


def test_untrusted_text_never_appears_raw() -> None:
    page = render_html(evil_graph(), title="<i>\"标题\"</i> & 'x'")
    assert "<img" not in page
    assert "</script><script>" not in page
    assert "<script>alert" not in page
    ours = page.replace(export_html._vis_asset("vis-network.min.js", "</script"), "")
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
    assert EVIL_SENTENCE in tip_lines(nodes["org/evil"])
    assert "<b>主任</b> · " + EVIL_NAME in tip_lines(nodes["person/李长萍"])
    labels = {e["label"] for e in data["edges"]}
    assert "<b>主任</b>" in labels


def test_tooltips_are_built_with_text_content_not_html(page: str) -> None:
    script = page.rsplit("<script>", 1)[1]
    assert "textContent" in script
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script


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
    assert "showing 2 of 7 entities" in parse(page).texts["p"]
    four = page_data(render_html(graph, max_nodes=4))
    assert [n["id"] for n in four["nodes"]] == [
        "company/云海制衣",
        "company/阿棉服饰",
        "gov/聊城市委",
        "place/侯营镇",
    ]
    assert "showing 4 of 7 entities" in render_html(graph, max_nodes=4)
    legend_counts = re.findall(r"</span>(.*?)</li>", render_html(graph, max_nodes=4))
    assert "企业 (COMPANY) 2" in legend_counts
    assert "地点 (PLACE) 1" in legend_counts


def test_no_note_when_everything_is_shown(page: str) -> None:
    assert "showing" not in render_html(seed_graph(), max_nodes=5)
    assert "showing" not in page


def test_negative_max_nodes_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_nodes"):
        render_html(seed_graph(), max_nodes=-1)


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


NODE_HARNESS = r"""
const fs = require("fs");
const [page, block] = [2, 3].map((i) => fs.readFileSync(process.argv[i], "utf8"));
function element(tag) {
  return { tag, className: "", textContent: "", children: [],
           appendChild(child) { this.children.push(child); } };
}
function text(node) {
  return [node.textContent, ...node.children.map(text)].filter((t) => t).join("\n");
}
global.document = {
  getElementById: (id) => (id === "kg-data" ? { textContent: block } : element("div")),
  createElement: element,
};
const seen = {};
global.vis = {
  DataSet: function (items) { this.items = items; },
  Network: function (container, data, options) {
    Object.assign(seen, { data, options });
    this.once = (event, callback) => { seen.event = event; callback(); };
    this.setOptions = (changed) => { seen.changed = changed; };
  },
};
new Function(page)();
const show = (item) => ({ id: item.id, label: item.label, title: text(item.title),
                          element: item.title.tag, tip: item.tip });
console.log(JSON.stringify({
  nodes: seen.data.nodes.items.map(show),
  edges: seen.data.edges.items.map(show),
  event: seen.event,
  changed: seen.changed,
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_page_script_builds_text_tooltips_and_freezes_layout(tmp_path: Path) -> None:
    page = render_html(evil_graph())
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    (tmp_path / "page.js").write_text(script, encoding="utf-8")
    (tmp_path / "block.json").write_text(parse(page).data_blocks[0], encoding="utf-8")
    (tmp_path / "harness.js").write_text(NODE_HARNESS, encoding="utf-8")
    run = subprocess.run(
        ["node", "harness.js", "page.js", "block.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result = json.loads(run.stdout)
    nodes = {n["id"]: n for n in result["nodes"]}
    evil = nodes["org/evil"]
    assert evil["label"] == EVIL_NAME
    assert evil["element"] == "div"
    assert "tip" not in evil
    assert EVIL_SENTENCE in evil["title"].split("\n")
    assert "书记 · 聊城市委" in nodes["person/李长萍"]["title"]
    assert len(result["edges"]) == 4
    assert result["event"] == "stabilizationIterationsDone"
    assert result["changed"] == {"physics": False}


def test_empty_graph_renders() -> None:
    data = page_data(render_html(nx.MultiDiGraph()))
    assert data["nodes"] == [] and data["edges"] == []
