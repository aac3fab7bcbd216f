"""Graph -> one self-contained HTML page with an interactive vis-network view.

The page works offline, from file:// or over HTTP: vis-network 9.1.2 is inlined from the copy
bundled with the installed pyvis package, and the graph travels as JSON in a
``<script type="application/json">`` block that the page reads with ``JSON.parse``. The page
script builds everything it shows with ``textContent``, so no text from an article is ever
parsed as HTML. Positions are computed here (kg/export/layout.py) and physics is off, so even
thousands of nodes are drawn at once. The same graph always gives the same bytes.

What the JSON holds: ``nodes`` and ``edges`` for vis (positions, colours, labels, plus the
entity ``type`` and relation ``kind`` the filters read), ``info`` (per node: names, the facts
by section, the source sentences, a person's ``identity`` note), ``articles`` and
``sentences`` (tables that sources point into as ``[article, sentence]`` index pairs, so that
a sentence is stored once), ``types``, ``kinds``, ``options`` and ``focus`` (a node to select
when the page opens).
"""

from __future__ import annotations

import html
import importlib.util
import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import networkx as nx

from kg.export import atomic_path
from kg.export.layout import layout
from kg.graph import entity_nodes
from kg.records import ENTITY_TYPES, RELATION_TYPES, Source, Tenure

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
SECTIONS = {
    ("holds_role", True): "职务",
    ("holds_role", False): "成员",
    ("located_in", True): "地点",
    ("part_of", True): "地点",
    ("in_industry", True): "行业",
    ("invests_in", True): "投资项目",
    ("invests_in", False): "投资方",
    ("located_in", False): "位于此地",
    ("part_of", False): "下辖",
    ("in_industry", False): "本行业",
}
"""Side-panel heading of a fact, by relation kind and whether the entity is its head."""
SECTION_ORDER = list(dict.fromkeys(SECTIONS.values()))
BIG_GRAPH_EDGES = 2000
"""Above this many edges the page hides edges while the view is dragged or zoomed."""

JSON_SPLIT_DEPTH = 2
"""The page's JSON is made a node, an edge or a table row at a time (``page_pieces``)."""

_VIS_JS = "templates/lib/vis-9.1.2/vis-network.min.js"
_SCRIPT_SAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "'": "\\u0027",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
"""JSON escapes so that the data cannot end its ``<script>`` block or be read as markup."""
_DATA_MARK = "\x00kg-data\x00"
"""Where the data goes in the page, while the page is cut in two around it."""
_OPTIONS: dict[str, Any] = {
    "nodes": {
        "shape": "dot",
        "scaling": {"min": 8, "max": 30},
        "font": {"size": 14, "color": "#222222"},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "font": {"size": 11, "align": "horizontal", "strokeWidth": 3},
        "smooth": False,
        "width": 1,
    },
    "physics": False,
    "layout": {"improvedLayout": False},
    "interaction": {"hover": False, "multiselect": False},
}


def write_html(
    graph: nx.MultiDiGraph,
    path: Path,
    *,
    max_nodes: int | None = None,
    title: str = "kg network",
    focus: str | None = None,
) -> None:
    """Write the page as UTF-8, atomically (temp file in the same folder, then os.replace),
    a piece at a time (``page_pieces``)."""
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8", newline="") as out:
        out.writelines(page_pieces(graph, max_nodes=max_nodes, title=title, focus=focus))


def render_html(
    graph: nx.MultiDiGraph,
    *,
    max_nodes: int | None = None,
    title: str = "kg network",
    focus: str | None = None,
) -> str:
    """The page as a string (``page_pieces`` joined)."""
    return "".join(page_pieces(graph, max_nodes=max_nodes, title=title, focus=focus))


def page_pieces(
    graph: nx.MultiDiGraph,
    *,
    max_nodes: int | None = None,
    title: str = "kg network",
    focus: str | None = None,
) -> Iterator[str]:
    """The page in pieces, the data's JSON a node or a table row at a time, so that a big
    page is written without its whole text in memory.

    ``max_nodes`` keeps only the most connected entities (the nearest to ``focus`` first, when
    given); ``focus`` is an entity id the page selects when it opens.
    """
    every = entity_nodes(graph)
    shown = _kept_nodes(graph, every, max_nodes, focus)
    data = _page_data(graph, shown, focus)
    head, _, tail = (
        _template()
        .substitute(
            title=html.escape(title),
            note=_note(
                len(shown), len(every), None if focus is None else graph.nodes[focus]["name"]
            ),
            type_filters=_filters("type", data["types"]),
            kind_filters=_filters("kind", data["kinds"]),
            data=_DATA_MARK,
            vis_js=_vis_js(),
        )
        .partition(_DATA_MARK)
    )
    yield head
    for piece in _json_pieces(data, JSON_SPLIT_DEPTH):
        yield piece.translate(_SCRIPT_SAFE)
    yield tail


def _kept_nodes(
    graph: nx.MultiDiGraph, nodes: list[str], max_nodes: int | None, focus: str | None
) -> list[str]:
    """The ``max_nodes`` nodes nearest ``focus``, then of highest degree (ties by id), sorted."""
    if max_nodes is not None and max_nodes < 0:
        raise ValueError(f"max_nodes must be >= 0, got {max_nodes}")
    if max_nodes is None or len(nodes) <= max_nodes:
        return nodes
    hops: dict[str, int] = {}
    if focus is not None:
        hops = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus)
    far = len(nodes)
    ranked = sorted(nodes, key=lambda n: (hops.get(n, far), -graph.degree(n), n))
    return sorted(ranked[:max_nodes])


def _note(shown: int, every: int, focus_name: str | None) -> str:
    """A line saying which nodes were left out (escaped), or nothing."""
    if shown == every:
        return ""
    if focus_name is None:
        text = (
            f"显示连接最多的 {shown} 个实体(共 {every} 个)· showing the {shown} most connected "
            f"of {every} entities (kg build --html-max-nodes)"
        )
    else:
        text = (
            f"显示离{focus_name}最近的 {shown} 个实体(共 {every} 个)· showing the {shown} "
            f"entities nearest {focus_name} of {every} (kg view --max-nodes)"
        )
    return f'<p class="kg-note">{html.escape(text)}</p>\n'


class _Tables:
    """Articles and sentences, each stored once; sources point into them by index."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.articles: list[list[str | None]] = []
        self.sentences: list[str] = []
        self._article_index: dict[str, int] = {}
        self._sentence_index: dict[str, int] = {}

    def refs(self, sources: Iterable[Source]) -> list[list[int]]:
        """``[article, sentence]`` index pairs of the sources, in a stable order."""
        ordered = sorted(sources, key=lambda s: (s.article, s.sentence))
        return [[self._article(s.article), self._sentence(s.sentence)] for s in ordered]

    def _article(self, article: str) -> int:
        if article not in self._article_index:
            self._article_index[article] = len(self.articles)
            self.articles.append(_article_row(self.graph, article))
        return self._article_index[article]

    def _sentence(self, sentence: str) -> int:
        if sentence not in self._sentence_index:
            self._sentence_index[sentence] = len(self.sentences)
            self.sentences.append(sentence)
        return self._sentence_index[sentence]


def _article_row(graph: nx.MultiDiGraph, article: str) -> list[str | None]:
    """Title, date and where to find it (source file #index) of an article node."""
    data = graph.nodes[article] if article in graph else {}
    where = f"{data['source']} #{data['index']}" if "source" in data else article
    return [data.get("title") or "", data.get("date"), where]


def _page_data(graph: nx.MultiDiGraph, shown: list[str], focus: str | None) -> dict[str, Any]:
    """Everything the page script needs."""
    keep = set(shown)
    edges = [e for e in _entity_edges(graph) if e[0] in keep and e[1] in keep]
    widths = {n: _label_width(graph.nodes[n]["name"]) for n in shown}
    positions = layout(shown, ((u, v) for u, v, _ in edges), widths)
    degree = Counter(n for u, v, _ in edges for n in (u, v))
    tables = _Tables(graph)
    nodes = [_node(graph, n, degree[n], positions[n]) for n in shown]
    return {
        "nodes": nodes,
        "edges": _edges(graph, edges, tables),
        "info": {n: _info(graph, n, keep, tables) for n in shown},
        "articles": tables.articles,
        "sentences": tables.sentences,
        "types": _legend(Counter(n["type"] for n in nodes), ENTITY_TYPES, _type_entry),
        "kinds": _legend(Counter(e[2].get("kind", "") for e in edges), RELATION_TYPES, _kind_entry),
        "options": _options(len(edges)),
        "focus": focus if focus in keep else None,
    }


def _label_width(name: str) -> float:
    """About how many pixels a node's label takes: wide CJK characters, narrow others."""
    size = _OPTIONS["nodes"]["font"]["size"]
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in name)


def _options(edge_count: int) -> dict[str, Any]:
    """vis options; a big graph hides its edges while the view moves, to stay smooth."""
    big = edge_count > BIG_GRAPH_EDGES
    interaction = {**_OPTIONS["interaction"], "hideEdgesOnDrag": big, "hideEdgesOnZoom": big}
    return {**_OPTIONS, "interaction": interaction}


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


def _node(
    graph: nx.MultiDiGraph, node: str, degree: int, position: tuple[int, int]
) -> dict[str, Any]:
    data = graph.nodes[node]
    return {
        "id": node,
        "label": data["name"],
        "type": data["type"],
        "color": TYPE_COLOURS.get(data["type"], OTHER_COLOUR),
        "value": degree + 1,
        "x": position[0],
        "y": position[1],
    }


def _edges(graph: nx.MultiDiGraph, edges: list[Edge], tables: _Tables) -> list[dict[str, Any]]:
    """vis edges; parallel edges between one pair of nodes curve apart."""
    seen: Counter[frozenset[str]] = Counter()
    items = []
    for index, (head, tail, data) in enumerate(edges):
        pair = frozenset((head, tail))
        item = _edge(graph, index, head, tail, data, tables)
        if seen[pair]:
            item["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25 * seen[pair]}
        seen[pair] += 1
        items.append(item)
    return items


def _edge(
    graph: nx.MultiDiGraph,
    index: int,
    head: str,
    tail: str,
    data: dict[str, Any],
    tables: _Tables,
) -> dict[str, Any]:
    kind = data.get("kind", "")
    item = {
        "id": f"e{index}",
        "from": head,
        "to": tail,
        "label": _edge_label(data),
        "kind": kind,
        "relation": _relation_name(kind),
        "color": {"color": EDGE_COLOURS.get(kind, OTHER_COLOUR)},
        "sources": tables.refs(data.get("sources", ())),
        **_reference(data),
    }
    if data.get("amount_yuan") is not None:
        item["amount"] = _yuan(data["amount_yuan"])
    return item


def _edge_label(data: dict[str, Any]) -> str:
    """The role for a post, a short Chinese word for other relations, else the kind."""
    kind = data.get("kind", "")
    if kind == "holds_role" and data.get("role"):
        return data["role"]
    return EDGE_LABELS.get(kind, kind)


def _reference(data: dict[str, Any]) -> dict[str, str]:
    """``{"reference": title}`` of the data set a fact or place was taken from, else {}."""
    reference = data.get("reference")
    return {"reference": reference.title} if reference is not None else {}


def _relation_name(kind: str) -> str:
    return EDGE_LABELS.get(kind, kind)


def _info(graph: nx.MultiDiGraph, node: str, keep: set[str], tables: _Tables) -> dict[str, Any]:
    """Side-panel content of an entity: names, facts by section, source sentences."""
    data = graph.nodes[node]
    return {
        "names": [data["name"], *data.get("aliases", ())],
        "sections": _sections(graph, node, keep, tables),
        "sources": tables.refs(data.get("sources", ())),
        **_reference(data),
        **_identity(data),
        **_timeline(graph, node),
    }


def _identity(data: dict[str, Any]) -> dict[str, str]:
    """``{"identity": note}`` of a person whose articles were joined or whose name was split
    (kg/persons.py), else {}."""
    return {"identity": data["note"]} if data.get("note") else {}


def _timeline(graph: nx.MultiDiGraph, node: str) -> dict[str, list[list[Any]]]:
    """``{"timeline": rows}`` of an entity with posts, as ``kg timeline`` shows them: a
    person's posts in date order, an organisation's holders by role; each row is
    ``[role, organisation or person, first date, last date, articles, former, ended]``.
    Else {}."""
    person = graph.nodes[node]["type"] == "PERSON"
    edges = graph.out_edges(node, data=True) if person else graph.in_edges(node, data=True)
    tenures = [_tenure(graph, h, t, d) for h, t, d in edges if d.get("kind") == "holds_role"]
    rows = [
        [
            t.role,
            t.organization if person else t.person,
            t.first,
            t.last,
            t.articles,
            t.former,
            t.ended,
        ]
        for t in sorted(tenures, key=Tenure.by_date if person else Tenure.by_role)
    ]
    return {"timeline": rows} if rows else {}


def _tenure(graph: nx.MultiDiGraph, head: str, tail: str, data: dict[str, Any]) -> Tenure:
    """A post over time: the first and last date of the articles that say it is held, the
    first that calls it former, and how many articles there are."""
    sources = data.get("sources", ())
    dates = _dates(graph, [s for s in sources if not s.former])
    ended = _dates(graph, [s for s in sources if s.former])
    return Tenure(
        role=data.get("role") or "",
        person=graph.nodes[head]["name"],
        organization=graph.nodes[tail]["name"],
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        articles=len({s.article for s in sources}),
        former=any(s.former for s in sources),
        ended=ended[0] if ended else None,
    )


def _sections(
    graph: nx.MultiDiGraph, node: str, keep: set[str], tables: _Tables
) -> list[list[Any]]:
    """``[heading, facts]`` pairs in ``SECTION_ORDER``; every fact of the node, shown or not."""
    by_heading: dict[str, list[dict[str, Any]]] = defaultdict(list)
    outgoing = _sorted_edges(graph.out_edges(node, keys=True, data=True))
    incoming = _sorted_edges(graph.in_edges(node, keys=True, data=True))
    for edges, is_head in ((outgoing, True), (incoming, False)):
        for head, tail, data in edges:
            other = tail if is_head else head
            kind = data.get("kind", "")
            heading = SECTIONS.get((kind, is_head), f"关系: {kind}")
            by_heading[heading].append(_fact(graph, other, data, keep, tables))
    order = SECTION_ORDER + sorted(set(by_heading) - set(SECTION_ORDER))
    return [[h, by_heading[h]] for h in order if h in by_heading]


def _fact(
    graph: nx.MultiDiGraph, other: str, data: dict[str, Any], keep: set[str], tables: _Tables
) -> dict[str, Any]:
    """One line of a side panel: relation label, the other entity, dates, amount, sources."""
    sources = data.get("sources", ())
    fact = {
        "label": _edge_label(data),
        "name": graph.nodes[other].get("name", other),
        "id": other if other in keep else None,
        "dates": _dates(graph, sources),
        "sources": tables.refs(sources),
        **_reference(data),
    }
    if data.get("amount_yuan") is not None:
        fact["amount"] = _yuan(data["amount_yuan"])
    return fact


def _dates(graph: nx.MultiDiGraph, sources: Iterable[Source]) -> list[str]:
    """The dates of the sources' articles, each once, in order."""
    return sorted({d for s in sources if (d := _article_date(graph, s.article))})


def _article_date(graph: nx.MultiDiGraph, article: str) -> str | None:
    return graph.nodes[article].get("date") if article in graph else None


def _yuan(amount: float) -> str:
    """An amount in the units a Chinese reader expects: 亿元, 万元 or 元."""
    for unit, size in (("亿元", 1e8), ("万元", 1e4)):
        if abs(amount) >= size:
            return f"{amount / size:g}{unit}"
    return f"{amount:g}元"


def _type_entry(entity_type: str) -> list[str]:
    name = TYPE_NAMES.get(entity_type)
    label = f"{name} ({entity_type})" if name else entity_type
    return [entity_type, label, TYPE_COLOURS.get(entity_type, OTHER_COLOUR)]


def _kind_entry(kind: str) -> list[str]:
    return [kind, _relation_name(kind), EDGE_COLOURS.get(kind, OTHER_COLOUR)]


def _legend(
    counts: Counter[str], known: Iterable[str], entry: Callable[[str], list[str]]
) -> list[list[Any]]:
    """``[value, label, colour, count]`` of the known values, then of any others, sorted."""
    values = [*known, *sorted(set(counts) - set(known))]
    return [[*entry(value), counts[value]] for value in values]


def _filters(name: str, legend: list[list[Any]]) -> str:
    """Checkboxes of one filter, each with its colour, label and count (escaped)."""
    return "".join(
        f'<li><label><input type="checkbox" checked data-filter="{name}" '
        f'value="{html.escape(value)}"><span class="kg-swatch kg-{name}" '
        f'style="background:{html.escape(colour)}"></span>{html.escape(label)} {count}'
        "</label></li>\n"
        for value, label, colour, count in legend
    )


def _json_pieces(value: Any, depth: int) -> Iterator[str]:
    """The compact JSON of ``value`` (keys sorted) in pieces: objects and arrays are split
    into their items down to ``depth`` levels. The pieces joined are ``json.dumps``'s text."""
    if depth == 0 or not isinstance(value, dict | list) or not value:
        yield json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return
    is_object = isinstance(value, dict)
    items = sorted(value.items()) if is_object else enumerate(value)
    yield "{" if is_object else "["
    for index, (key, item) in enumerate(items):
        separator = "," if index else ""
        yield separator + (json.dumps(key, ensure_ascii=False) + ":" if is_object else "")
        yield from _json_pieces(item, depth - 1)
    yield "}" if is_object else "]"


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(resources.files("kg.export").joinpath("page.html").read_text("utf-8"))


@lru_cache(maxsize=1)
def _vis_js() -> str:
    """vis-network as bundled with pyvis (found without importing pyvis, which imports
    IPython: half a second); it must not close the script tag it is put in."""
    (folder,) = importlib.util.find_spec("pyvis").submodule_search_locations
    text = Path(folder, _VIS_JS).read_text("utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError("pyvis vis-network.min.js contains '</script' or '<!--', cannot inline it")
    return text
