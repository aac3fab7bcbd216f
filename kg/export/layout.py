"""Node positions for the HTML page, computed in Python so that the browser draws at once.

Each connected component is laid out with igraph's Fruchterman-Reingold (C code, on a grid for
large components: 5,000 nodes take about half a second), scaled so that a typical edge is
``EDGE_PX`` long; the components are then packed in rows, the largest first, each taking the
room of its nodes' labels too. The random
generator is seeded for every component and positions are whole pixels, so the same graph
always gets the same positions.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import igraph
import networkx as nx

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""Left, top, right, bottom."""

EDGE_PX = 120.0
"""Least median edge length of a component, in pixels of the page at zoom 1."""
NODE_PX = 60.0
"""Least side of the square each node of a component has to itself, in pixels."""
GAP_PX = 60.0
"""Space between packed components."""
ASPECT = 1.6
"""Width over height of the packed picture (a landscape screen)."""
SEED = 7


def layout(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str]],
    label_widths: Mapping[str, float] | None = None,
) -> dict[str, tuple[int, int]]:
    """Whole-pixel positions of ``nodes``, joined by ``edges`` (pairs of those nodes); a label
    of ``label_widths[node]`` pixels is centred on its node."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(edges)
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    widths = label_widths or {}
    shapes = [_component(graph, members) for members in components]
    boxes = [
        _box(shape, [widths.get(node, 0.0) / 2 for node in members])
        for members, shape in zip(components, shapes, strict=True)
    ]
    shapes = _pack(shapes, boxes)
    return {
        node: (round(x), round(y))
        for members, shape in zip(components, shapes, strict=True)
        for node, (x, y) in zip(members, shape, strict=True)
    }


def _component(graph: nx.Graph, members: list[str]) -> list[Point]:
    """Positions of one connected component."""
    if len(members) == 1:
        return [(0.0, 0.0)]
    index = {node: i for i, node in enumerate(members)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges(members)})
    with _seeded():
        coords = igraph.Graph(n=len(members), edges=pairs).layout_fruchterman_reingold().coords
    return _scaled([(x, y) for x, y in coords], pairs)


@contextmanager
def _seeded() -> Iterator[None]:
    """igraph draws its random numbers from a generator seeded with ``SEED`` meanwhile."""
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def _scaled(points: list[Point], pairs: list[tuple[int, int]]) -> list[Point]:
    """``points`` scaled to give edges and nodes room (``EDGE_PX``, ``NODE_PX``)."""
    median = statistics.median(math.dist(points[u], points[v]) for u, v in pairs) or 1.0
    width = max(x for x, _ in points) - min(x for x, _ in points) + median
    height = max(y for _, y in points) - min(y for _, y in points) + median
    factor = max(EDGE_PX / median, NODE_PX * math.sqrt(len(points) / (width * height)))
    return [(x * factor, y * factor) for x, y in points]


def _box(shape: list[Point], half_widths: list[float]) -> Box:
    """The box of a shape's nodes and of their labels, half a label each side of its node."""
    return (
        min(x - h for (x, _), h in zip(shape, half_widths, strict=True)),
        min(y for _, y in shape),
        max(x + h for (x, _), h in zip(shape, half_widths, strict=True)),
        max(y for _, y in shape),
    )


def _pack(shapes: list[list[Point]], boxes: list[Box]) -> list[list[Point]]:
    """Shapes moved into rows (shelves) of a picture about ``ASPECT`` times as wide as high."""
    sizes = [(right - left, bottom - top) for left, top, right, bottom in boxes]
    area = sum((width + GAP_PX) * (height + GAP_PX) for width, height in sizes)
    row_width = max([math.sqrt(area * ASPECT), *(width for width, _ in sizes)])
    placed: list[list[Point]] = []
    left = top = row_height = 0.0
    for shape, (box_left, box_top, _, _), (width, height) in zip(shapes, boxes, sizes, strict=True):
        if left > 0 and left + width > row_width:
            left, top, row_height = 0.0, top + row_height + GAP_PX, 0.0
        placed.append([(x - box_left + left, y - box_top + top) for x, y in shape])
        left += width + GAP_PX
        row_height = max(row_height, height)
    return placed
