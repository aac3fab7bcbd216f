"""One entity's neighbourhood as a page of its own: ``kg view GRAPH.ttl --focus NAME --hops K``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.export.html import write_html
from kg.graph import entity_nodes
from kg.load_graph import load_graph

MAX_LISTED = 10
"""Candidates named in an error message."""


class ViewError(ValueError):
    """A name that picks no entity, or more than one."""


@dataclass(frozen=True)
class View:
    """What ``write_view`` wrote."""

    path: Path
    entity: str
    shown: int


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _names(graph: nx.MultiDiGraph, node: str) -> list[str]:
    data = graph.nodes[node]
    return [data["name"], *data.get("aliases", ())]


def _listed(names: dict[str, list[str]], nodes: list[str]) -> str:
    """'id (name), ...' for at most ``MAX_LISTED`` nodes, with a count of the rest."""
    text = ", ".join(f"{n} ({names[n][0]})" for n in nodes[:MAX_LISTED])
    more = len(nodes) - MAX_LISTED
    return f"{text} and {more} more" if more > 0 else text


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The id of the one entity of the graph called ``name``: see ``pick_entity``."""
    return pick_entity(name, {n: _names(graph, n) for n in entity_nodes(graph)})


def pick_entity(name: str, names: dict[str, list[str]]) -> str:
    """The id of the one entity called ``name``: its id, its name or an alias (white space and
    case ignored), among ``names`` (entity id -> its name, then its aliases)."""
    if name in names:
        return name
    wanted = _key(name)
    found = [n for n, known in names.items() if wanted in map(_key, known)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ViewError(
            f"{name!r} names {len(found)} entities: {_listed(names, found)}; "
            "give the id of one of them"
        )
    near = [n for n, known in names.items() if wanted and any(wanted in _key(x) for x in known)]
    hint = f"; names containing it: {_listed(names, near)}" if near else ""
    raise ViewError(f"no entity is named {name!r}{hint}")


def neighbourhood(graph: nx.MultiDiGraph, node: str, hops: int) -> nx.MultiDiGraph:
    """The entities at most ``hops`` relations from ``node`` (either way), the relations
    between them, and the articles."""
    near = nx.single_source_shortest_path_length(
        graph.to_undirected(as_view=True), node, cutoff=hops
    )
    articles = [n for n, kind in graph.nodes(data="kind") if kind == "article"]
    return graph.subgraph([*near, *articles]).copy()


def default_path(name: str, hops: int) -> Path:
    """``NAME-Khops.html`` in the current folder, with characters unsafe in file names replaced."""
    safe = re.sub(r'[\s/\\:*?"<>|]+', "_", name).strip("._") or "entity"
    return Path(f"{safe}-{hops}hops.html")


def write_view(
    graph_path: Path, name: str, hops: int, out: Path | None, *, max_nodes: int | None = None
) -> View:
    """Write the page of the neighbourhood of the entity called ``name`` in a graph.ttl."""
    graph = load_graph(graph_path)
    node = find_entity(graph, name)
    near = neighbourhood(graph, node, hops)
    entity = graph.nodes[node]["name"]
    path = out or default_path(entity, hops)
    title = f"{entity} · {hops} 跳邻域"
    write_html(near, path, max_nodes=max_nodes, title=title, focus=node)
    return View(path, node, min(len(entity_nodes(near)), max_nodes or len(near)))
