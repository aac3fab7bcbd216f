"""kg.load_graph: Turtle written by kg/export/rdf.py reads back into the same graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import render_html
from kg.export.rdf import write_turtle
from kg.load_graph import GraphFileError, load_graph
from kg.records import Dataset, Source
from tests.test_export_html import (
    ARTICLE,
    ARTICLE_0,
    LI_SENTENCE,
    YUNHAI_SENTENCE,
    add_entity,
    add_fact,
    evil_graph,
    seed_graph,
)

DATA = Dataset("gb2260", "GB/T 2260 行政区划", "1.5.31")


def rich_graph() -> nx.MultiDiGraph:
    """Markup, odd characters in ids, a post without a role that its article calls former, an
    amount, a fact read twice, a place and a link taken from the division data, a former place
    and its successor."""
    graph = evil_graph()
    add_entity(graph, "company/a b%c#d×e", "COMPANY", "a b%c#d×e", (Source(ARTICLE_0, "句。"),))
    add_entity(graph, "project/园区", "PROJECT", "园区", ())
    add_entity(graph, "place/东昌府区", "PLACE", "东昌府区", (), code="371502")
    add_fact(graph, "invests_in", "company/a b%c#d×e", "project/园区", "句。", amount_yuan=2.5e7)
    add_fact(graph, "holds_role", "person/李长萍", "company/a b%c#d×e", LI_SENTENCE)
    for data in graph["person/李长萍"]["company/a b%c#d×e"].values():
        data["sources"] = (Source(ARTICLE, LI_SENTENCE, former=True),)
    both = (Source(ARTICLE_0, YUNHAI_SENTENCE), Source(ARTICLE, LI_SENTENCE))
    graph.nodes["person/李长萍"]["sources"] = both
    for data in graph["person/李长萍"]["gov/聊城市委"].values():
        data["sources"] = both
    graph.nodes[ARTICLE_0]["date"] = None
    add_entity(graph, "place/聊城市", "PLACE", "聊城市", (), code="371500")
    graph.nodes["place/聊城市"]["reference"] = DATA
    graph.add_edge(
        "place/东昌府区",
        "place/聊城市",
        key=("part_of", "place/东昌府区", "place/聊城市", ""),
        kind="part_of",
        role=None,
        amount_yuan=None,
        sources=(),
        reference=DATA,
    )
    add_entity(graph, "place/叙州区", "PLACE", "叙州区", (), code="511504")
    former = (Source(ARTICLE_0, "句。"),)
    add_entity(graph, "place/宜宾县", "PLACE", "宜宾县", former, code="511521")
    graph.nodes["place/宜宾县"].update(successor="place/叙州区", successor_since="2018")
    return graph


def without_reporters(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Node attributes, the reporters of articles left out (the Turtle does not keep them)."""
    return {n: {k: v for k, v in d.items() if k != "reporters"} for n, d in graph.nodes(data=True)}


def edges(graph: nx.MultiDiGraph) -> dict[tuple, dict]:
    return {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}


@pytest.mark.parametrize("make", [seed_graph, rich_graph])
def test_turtle_reads_back_into_the_same_graph(make, tmp_path: Path) -> None:
    graph = make()
    write_turtle(graph, tmp_path / "graph.ttl")
    loaded = load_graph(tmp_path / "graph.ttl")
    assert without_reporters(loaded) == without_reporters(graph)
    assert edges(loaded) == edges(graph)
    assert render_html(loaded) == render_html(graph)


def test_fact_sentences_go_back_to_their_articles(tmp_path: Path) -> None:
    write_turtle(rich_graph(), tmp_path / "graph.ttl")
    loaded = load_graph(tmp_path / "graph.ttl")
    (post,) = loaded["person/李长萍"]["gov/聊城市委"].values()
    assert post["sources"] == (Source(ARTICLE_0, YUNHAI_SENTENCE), Source(ARTICLE, LI_SENTENCE))
    (investment,) = loaded["company/a b%c#d×e"]["project/园区"].values()
    assert investment["amount_yuan"] == 2.5e7
    (unnamed,) = loaded["person/李长萍"]["company/a b%c#d×e"].values()
    assert unnamed["role"] is None
    assert unnamed["sources"] == (Source(ARTICLE, LI_SENTENCE, former=True),)


def test_a_file_that_is_not_turtle_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(GraphFileError, match=r"bad\.ttl"):
        load_graph(bad)
    with pytest.raises(GraphFileError, match=r"missing\.ttl"):
        load_graph(tmp_path / "missing.ttl")
