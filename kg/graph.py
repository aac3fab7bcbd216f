"""Entities, facts and articles -> the one in-memory graph (networkx.MultiDiGraph).

Node ids and attributes (the exporters read only these):

- entity nodes: id = ``Entity.id`` ("person/李长萍"); ``kind="entity"``, ``type`` (PERSON, GOV,
  ...), ``name``, ``aliases`` (sorted tuple, without the name), ``official`` (a person with a
  post in a GOV body), ``code`` (a place's GB/T 2260 division code, or ""), ``sources``
  (tuple of ``Source``, sorted; empty for a place known only from the division data),
  ``reference`` (the ``Dataset`` such a place comes from, else None), ``successor`` (a former
  division's successor, an entity id, or "") and ``successor_since`` (the year, or "").
  ``reference`` (the ``Dataset`` such a place comes from, else None), ``note`` (a person's
  identity note: why its articles are one person and, when its name was split, what tells
  it from its namesakes, e.g. "同名，职务相容，视为一人：聊城市委书记(2024-11-08)、…"; ""
  for other entities and for a person read in one article only).
- article nodes: id = ``"article/" + Article.id``; ``kind="article"``, ``title``, ``source``,
  ``index``, ``date`` (ISO date or None), ``start``, ``end``, ``reporters``.
- edges between entity nodes, one per fact, keyed by ``Fact.key``: ``kind`` (a RELATION_TYPES
  value), ``role`` (holds_role), ``amount_yuan`` (invests_in, when stated), ``sources``
  (tuple of ``Source``, sorted; ``Source.article`` is the article node id), ``reference``
  (the ``Dataset`` a fact was taken from, else None).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.records import Article, Entity, Fact, Source


def article_node(article_id: str) -> str:
    """Node id of an article in the graph."""
    return f"article/{article_id}"


def _sources(sources: Iterable[Source], nodes: dict[str, str]) -> tuple[Source, ...]:
    """The sources each once, sorted, pointing to article nodes (``nodes`` holds the node ids
    of the build's articles, so that the sources share them)."""
    return tuple(
        sorted(
            {
                Source(nodes.get(s.article) or article_node(s.article), s.sentence, s.former)
                for s in sources
            },
            key=lambda s: (s.article, s.sentence, s.former),
        )
    )


def build_graph(
    articles: Iterable[Article], entities: Iterable[Entity], facts: Iterable[Fact]
) -> nx.MultiDiGraph:
    """Assemble the graph; insertion order is sorted so that outputs are byte-stable."""
    graph = nx.MultiDiGraph()
    nodes: dict[str, str] = {}
    for article in sorted(articles, key=lambda a: (a.source, a.index)):
        nodes[article.id] = article_node(article.id)
        graph.add_node(
            nodes[article.id],
            kind="article",
            title=article.title,
            source=article.source,
            index=article.index,
            date=article.date,
            start=article.start,
            end=article.end,
            reporters=article.reporters,
        )
    facts = sorted(facts, key=lambda f: f.key)
    entities = sorted(entities, key=lambda e: e.id)
    types = {e.id: e.type for e in entities}
    officials = {f.head for f in facts if f.kind == "holds_role" and types[f.tail] == "GOV"}
    for entity in entities:
        graph.add_node(
            entity.id,
            kind="entity",
            type=entity.type,
            name=entity.name,
            aliases=tuple(sorted(entity.aliases - {entity.name})),
            official=entity.id in officials,
            code=entity.code,
            sources=_sources(entity.sources, nodes),
            reference=entity.reference,
            successor=entity.successor,
            successor_since=entity.successor_since,
            note=entity.note,
        )
    for fact in facts:
        graph.add_edge(
            fact.head,
            fact.tail,
            key=fact.key,
            kind=fact.kind,
            role=fact.role,
            amount_yuan=fact.amount_yuan,
            sources=_sources(fact.sources, nodes),
            reference=fact.reference,
        )
    return graph


def entity_nodes(graph: nx.MultiDiGraph) -> list[str]:
    """Ids of the entity nodes, sorted."""
    return sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "entity")
