"""Graph -> one self-contained HTML page with an interactive vis-network view.

The page works offline, from file:// or over HTTP: vis-network 9.1.2 and its CSS are inlined
from the copy bundled with the installed pyvis package, and the graph travels as JSON in a
``<script type="application/json">`` block that the page reads with ``JSON.parse``. Tooltips are
built in the browser with ``textContent``, so no text from an article is ever parsed as HTML.
The same graph always gives the same bytes.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import networkx as nx

from kg.export import write_atomic
from kg.graph import entity_nodes
from kg.records import ENTITY_TYPES, Source

Section = tuple[str, list[str]]
"""A tooltip block: a heading and its lines, shown as text."""
Edge = tuple[str, str, dict[str, Any]]
"""Head, tail and attributes of a graph edge."""

TYPE_COLOURS = {
    "PERSON": "#4e79a7",
    "GOV": "#e15759",
    "COMPANY": "#f28e2b",
    "ORG": "#76b7b2",
    "PLACE": "#59a14f",
    "PROJECT": "#b07aa1",
    "INDUSTRY": "#edc948",
}
TYPE_NAMES = {
    "PERSON": "人物",
    "GOV": "政府机构",
    "COMPANY": "企业",
    "ORG": "组织",
    "PLACE": "地点",
    "PROJECT": "项目",
    "INDUSTRY": "行业",
}
EDGE_LABELS = {
    "holds_role": "任职",
    "located_in": "位于",
    "part_of": "属于",
    "in_industry": "行业",
    "invests_in": "投资",
}
EDGE_COLOURS = {
    "holds_role": "#4e79a7",
    "located_in": "#59a14f",
    "part_of": "#9c755f",
    "in_industry": "#c9a227",
    "invests_in": "#e15759",
}
OTHER_COLOUR = "#9d9d9d"
MAX_SENTENCES = 10
"""Evidence sentences shown per tooltip; the rest are counted, not listed."""

_VIS_DIR = "templates/lib/vis-9.1.2"
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_OPTIONS: dict[str, Any] = {
    "nodes": {
        "shape": "dot",
        "scaling": {"min": 8, "max": 30},
        "font": {"size": 14, "color": "#222222"},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "font": {"size": 11, "align": "middle", "strokeWidth": 3},
        "smooth": {"type": "dynamic"},
    },
    "physics": {
        "solver": "forceAtlas2Based",
        "stabilization": {"enabled": True, "iterations": 500, "updateInterval": 50},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
}


def write_html(
    graph: nx.MultiDiGraph, path: Path, *, max_nodes: int | None = None, title: str = "kg network"
) -> None:
    """Write the page as UTF-8, atomically (temp file in the same folder, then os.replace)."""
    write_atomic(path, render_html(graph, max_nodes=max_nodes, title=title).encode("utf-8"))


def render_html(
    graph: nx.MultiDiGraph, *, max_nodes: int | None = None, title: str = "kg network"
) -> str:
    """The page as a string; ``max_nodes`` keeps only the most connected entities."""
    every = entity_nodes(graph)
    shown = _most_connected(graph, every, max_nodes)
    note = ""
    if len(shown) < len(every):
        note = f'<p class="kg-note">showing {len(shown)} of {len(every)} entities</p>\n'
    return _template().substitute(
        title=html.escape(title),
        note=note,
        legend=_legend(graph, shown),
        data=_json_for_script(_page_data(graph, shown)),
        vis_css=_vis_asset("vis-network.css", "</style"),
        vis_js=_vis_asset("vis-network.min.js", "</script"),
    )


def _most_connected(graph: nx.MultiDiGraph, nodes: list[str], max_nodes: int | None) -> list[str]:
    """The ``max_nodes`` nodes of highest degree (ties by id), sorted by id."""
    if max_nodes is not None and max_nodes < 0:
        raise ValueError(f"max_nodes must be >= 0, got {max_nodes}")
    if max_nodes is None or len(nodes) <= max_nodes:
        return nodes
    ranked = sorted(nodes, key=lambda n: (-graph.degree(n), n))
    return sorted(ranked[:max_nodes])


def _page_data(graph: nx.MultiDiGraph, shown: list[str]) -> dict[str, Any]:
    """Everything the page script needs: vis nodes, vis edges and vis options."""
    keep = set(shown)
    edges = [e for e in _entity_edges(graph) if e[0] in keep and e[1] in keep]
    degree = Counter(n for u, v, _ in edges for n in (u, v))
    return {
        "nodes": [_node(graph, n, degree[n]) for n in shown],
        "edges": [_edge(graph, i, *e) for i, e in enumerate(edges)],
        "options": _OPTIONS,
    }


def _sorted_edges(edges: Iterable[tuple[str, str, Any, dict[str, Any]]]) -> list[Edge]:
    """Edges given with keys and data, in a stable order, without their keys."""
    ranked = sorted(
        edges, key=lambda e: (e[0], e[1], e[3].get("kind", ""), e[3].get("role") or "", str(e[2]))
    )
    return [(u, v, d) for u, v, _, d in ranked]


def _entity_edges(graph: nx.MultiDiGraph) -> list[Edge]:
    """Entity-to-entity edges in a stable order."""
    kinds = graph.nodes(data="kind")
    return _sorted_edges(
        e for e in graph.edges(keys=True, data=True) if kinds[e[0]] == kinds[e[1]] == "entity"
    )


def _node(graph: nx.MultiDiGraph, node: str, degree: int) -> dict[str, Any]:
    data = graph.nodes[node]
    return {
        "id": node,
        "label": data["name"],
        "type": data["type"],
        "color": TYPE_COLOURS.get(data["type"], OTHER_COLOUR),
        "value": degree + 1,
        "tip": _node_tip(graph, node),
    }


def _edge(
    graph: nx.MultiDiGraph, index: int, head: str, tail: str, data: dict[str, Any]
) -> dict[str, Any]:
    kind = data.get("kind", "")
    return {
        "id": f"e{index}",
        "from": head,
        "to": tail,
        "label": _edge_label(data),
        "kind": kind,
        "color": {"color": EDGE_COLOURS.get(kind, OTHER_COLOUR)},
        "tip": _edge_tip(graph, head, tail, data),
    }


def _edge_label(data: dict[str, Any]) -> str:
    """The role for a post, a short Chinese word for other relations, else the kind."""
    kind = data.get("kind", "")
    if kind == "holds_role" and data.get("role"):
        return data["role"]
    return EDGE_LABELS.get(kind, kind)


def _type_label(entity_type: str) -> str:
    name = TYPE_NAMES.get(entity_type)
    return f"{name} ({entity_type})" if name else entity_type


def _node_tip(graph: nx.MultiDiGraph, node: str) -> list[Section]:
    """Tooltip sections of an entity: name and type, aliases, posts, members, sources."""
    data = graph.nodes[node]
    sections: list[Section] = [(data["name"], [f"类型: {_type_label(data['type'])}"])]
    if data.get("aliases"):
        sections.append(("别名", ["、".join(data["aliases"])]))
    outgoing = graph.out_edges(node, keys=True, data=True)
    incoming = graph.in_edges(node, keys=True, data=True)
    for heading, edges, other in (("职务", outgoing, 1), ("成员", incoming, 0)):
        posts = [
            _post(_role(edge[2]), _name(graph, edge[other]))
            for edge in _sorted_edges(edges)
            if edge[2].get("kind") == "holds_role"
        ]
        if posts:
            sections.append((heading, posts))
    return sections + _source_sections(graph, data.get("sources", ()))


def _edge_tip(graph: nx.MultiDiGraph, head: str, tail: str, data: dict[str, Any]) -> list[Section]:
    """Tooltip sections of a relation: what it says, the amount, the sources."""
    lines = [f"{_name(graph, head)} → {_edge_label(data)} → {_name(graph, tail)}"]
    if data.get("amount_yuan") is not None:
        lines.append(f"金额: {_yuan(data['amount_yuan'])}")
    kind = data.get("kind", "")
    heading = f"关系: {EDGE_LABELS.get(kind, kind)}"
    return [(heading, lines), *_source_sections(graph, data.get("sources", ()))]


def _source_sections(graph: nx.MultiDiGraph, sources: Iterable[Source]) -> list[Section]:
    """One section per article (title and date) listing its evidence sentences, capped."""
    by_article: dict[str, list[str]] = defaultdict(list)
    for source in sorted(sources, key=lambda s: (s.article, s.sentence)):
        by_article[source.article].append(source.sentence)
    sections: list[Section] = []
    shown = 0
    for article, sentences in by_article.items():
        room = MAX_SENTENCES - shown
        if room <= 0:
            break
        sections.append((_article_heading(graph, article), sentences[:room]))
        shown += min(room, len(sentences))
    hidden = sum(len(s) for s in by_article.values()) - shown
    if hidden:
        sections.append((f"另有 {hidden} 条来源", []))
    return sections


def _article_heading(graph: nx.MultiDiGraph, article: str) -> str:
    """'来源: 《title》 date' from the article node, or the bare id when the node is missing."""
    data = graph.nodes[article] if article in graph else {}
    heading = f"来源: 《{data['title']}》" if data.get("title") else f"来源: {article}"
    return f"{heading} {data['date']}" if data.get("date") else heading


def _post(role: str, name: str) -> str:
    return f"{role} · {name}"


def _role(data: dict[str, Any]) -> str:
    return data.get("role") or EDGE_LABELS["holds_role"]


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node].get("name", node)


def _yuan(amount: float) -> str:
    """An amount in the units a Chinese reader expects: 亿元, 万元 or 元."""
    for unit, size in (("亿元", 1e8), ("万元", 1e4)):
        if abs(amount) >= size:
            return f"{amount / size:g}{unit}"
    return f"{amount:g}元"


def _legend(graph: nx.MultiDiGraph, shown: list[str]) -> str:
    """Legend items: colour and count of every type, the seven known ones first."""
    counts = Counter(graph.nodes[n]["type"] for n in shown)
    types = [*ENTITY_TYPES, *sorted(set(counts) - set(ENTITY_TYPES))]
    return "".join(
        f'<li><span class="kg-swatch" style="background:{TYPE_COLOURS.get(t, OTHER_COLOUR)}">'
        f"</span>{html.escape(_type_label(t))} {counts[t]}</li>\n"
        for t in types
    )


def _json_for_script(data: Any) -> str:
    """Compact JSON that cannot end its ``<script>`` block or be read as markup."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.translate(str.maketrans(_JSON_ESCAPES))


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(resources.files("kg.export").joinpath("page.html").read_text("utf-8"))


@lru_cache(maxsize=2)
def _vis_asset(name: str, end_tag: str) -> str:
    """A file of the vis-network bundled with pyvis; it must not close the tag it is put in."""
    text = resources.files("pyvis").joinpath(f"{_VIS_DIR}/{name}").read_text("utf-8")
    if end_tag in text.lower() or "<!--" in text:
        raise ValueError(f"pyvis {name} contains {end_tag!r} or '<!--', cannot inline it")
    return text
