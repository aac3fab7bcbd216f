"""kg.export.layout: whole-pixel, repeatable positions; components packed apart."""

from __future__ import annotations

import itertools
import math
import random

import igraph
import networkx as nx

from kg.export.layout import EDGE_PX, GAP_PX, layout


def boxes(positions: dict[str, tuple[int, int]], parts: list[set[str]]) -> list[tuple[int, ...]]:
    """The bounding box (left, top, right, bottom) of each group of nodes."""
    result = []
    for part in parts:
        xs = [positions[n][0] for n in part]
        ys = [positions[n][1] for n in part]
        result.append((min(xs), min(ys), max(xs), max(ys)))
    return result


def overlap(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def two_stars_and_loners() -> tuple[list[str], list[tuple[str, str]]]:
    edges = [("hub", f"leaf{i}") for i in range(30)] + [("a", "b"), ("b", "c")]
    nodes = ["hub", "a", "b", "c", "alone1", "alone2"] + [f"leaf{i}" for i in range(30)]
    return nodes, edges


def test_every_node_gets_whole_pixels_and_distinct_places() -> None:
    nodes, edges = two_stars_and_loners()
    positions = layout(nodes, edges)
    assert sorted(positions) == sorted(nodes)
    assert all(isinstance(c, int) for point in positions.values() for c in point)
    assert len(set(positions.values())) == len(nodes)


def test_same_graph_same_positions_whatever_the_order() -> None:
    nodes, edges = two_stars_and_loners()
    first = layout(nodes, edges)
    random.seed(12345)
    again = layout(list(reversed(nodes)), [(v, u) for u, v in reversed(edges)])
    assert first == again


def test_components_do_not_overlap_and_edges_have_room() -> None:
    nodes, edges = two_stars_and_loners()
    positions = layout(nodes, edges)
    graph = nx.Graph(edges)
    graph.add_nodes_from(nodes)
    parts = list(nx.connected_components(graph))
    placed = boxes(positions, parts)
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            assert not overlap(a, b)
    lengths = sorted(math.dist(positions[u], positions[v]) for u, v in edges)
    assert lengths[len(lengths) // 2] >= EDGE_PX - 1


def test_igraph_random_generator_is_given_back() -> None:
    layout(["a", "b"], [("a", "b")])
    random.seed(3)
    expected = random.random()
    random.seed(3)
    igraph.Graph(n=3, edges=[(0, 1)]).layout_random()
    assert random.random() != expected


def test_empty_and_single() -> None:
    assert layout([], []) == {}
    assert layout(["a"], []) == {"a": (0, 0)}


def test_packed_components_leave_room_for_labels() -> None:
    positions = layout(list("abcd"), [], dict.fromkeys("abcd", 300.0))
    for a, b in itertools.combinations(positions.values(), 2):
        assert abs(a[0] - b[0]) >= 300 + GAP_PX - 1 or abs(a[1] - b[1]) >= GAP_PX - 1
    assert len({x for x, _ in layout(list("abcd"), []).values()}) > 1
