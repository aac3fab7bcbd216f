"""Turtle -> networkx graph, the inverse of kg/export/rdf.py.

Reads a ``graph.ttl`` that ``kg build`` wrote (the graph contract in README.md) back into the
MultiDiGraph that kg/graph.py describes, so that pages can be made from a built graph. What
the Turtle does not keep is not given back: the reporters of an article.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import networkx as nx
import pyoxigraph
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from kg.export.rdf import ENTITY_CLASSES, KG, KGR, RELATION_PROPERTIES
from kg.records import Dataset, Source

Properties = dict[str, list[Any]]
"""Predicate IRI -> the objects (pyoxigraph terms) of one subject."""

_CLASS_TYPES = {str(iri): entity_type for entity_type, iri in ENTITY_CLASSES.items()}
_PROPERTY_KINDS = {str(iri): kind for kind, iri in RELATION_PROPERTIES.items()}


class GraphFileError(ValueError):
    """A file that cannot be read as Turtle."""


def load_graph(path: Path) -> nx.MultiDiGraph:
    """The graph of a Turtle file written by ``kg build``."""
    subjects = _read(path)
    entities = {s: p for s, p in subjects.items() if _entity_type(p)}
    mentions = {s: _mentions(p, subjects) for s, p in entities.items()}
    graph = nx.MultiDiGraph()
    articles = [p for p in subjects.values() if str(KG.Article) in _values(p, RDF.type)]
    for props in sorted(articles, key=lambda p: (_one(p, KG.sourceFile), _int(p, KG.articleIndex))):
        _add_article(graph, props)
    for subject in sorted(entities, key=node_id):
        _add_entity(graph, subject, entities[subject], mentions[subject], subjects)
    facts = [_fact(s, p, subjects) for s, p in subjects.items() if _is_fact(p)]
    for head, tail, data in sorted(facts, key=lambda f: _key(*f)):
        graph.add_edge(head, tail, key=_key(head, tail, data), **data)
    return graph


def _read(path: Path) -> dict[str, Properties]:
    """Subject IRI -> its properties, from a Turtle file."""
    subjects: dict[str, Properties] = defaultdict(lambda: defaultdict(list))
    try:
        for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            subjects[triple.subject.value][triple.predicate.value].append(triple.object)
    except (SyntaxError, OSError) as error:
        raise GraphFileError(f"cannot read {path} as Turtle: {error}") from None
    return subjects


def _values(props: Properties, predicate: str) -> list[str]:
    return sorted(term.value for term in props.get(str(predicate), ()))


def _one(props: Properties, predicate: str) -> str | None:
    values = _values(props, predicate)
    return values[0] if values else None


def _int(props: Properties, predicate: str) -> int:
    return int(_one(props, predicate) or 0)


def node_id(iri: str) -> str:
    """The graph node id of a ``kgr:`` IRI: the path, percent-decoded; articles get '#index'."""
    path = unquote(iri[len(str(KGR)) :])
    if path.startswith("article/"):
        source, index = path.rsplit("/", 1)
        return f"{source}#{index}"
    return path


def _entity_type(props: Properties) -> str | None:
    found = [_CLASS_TYPES[t] for t in _values(props, RDF.type) if t in _CLASS_TYPES]
    return found[0] if found else None


def _add_article(graph: nx.MultiDiGraph, props: Properties) -> None:
    source = _one(props, KG.sourceFile)
    index = _int(props, KG.articleIndex)
    graph.add_node(
        f"article/{source}#{index}",
        kind="article",
        title=_one(props, DCTERMS.title) or "",
        source=source,
        index=index,
        date=_one(props, DCTERMS.date),
        start=_int(props, KG.startOffset),
        end=_int(props, KG.endOffset),
        reporters=(),
    )


def _mentions(props: Properties, subjects: dict[str, Properties]) -> set[Source]:
    """The (article, sentence) of each mention of an entity, a post or a statement."""
    found = set()
    for mention in _values(props, KG.mention):
        data = subjects.get(mention, {})
        for article in _values(data, PROV.wasDerivedFrom):
            former = "true" in _values(data, KG.former)
            found.update(Source(node_id(article), s, former) for s in _values(data, KG.evidence))
    return found


def _add_entity(
    graph: nx.MultiDiGraph,
    subject: str,
    props: Properties,
    mentions: set[Source],
    subjects: dict[str, Properties],
) -> None:
    name = _one(props, RDFS.label) or ""
    graph.add_node(
        node_id(subject),
        kind="entity",
        type=_entity_type(props),
        name=name,
        aliases=tuple(a for a in _values(props, SKOS.altLabel) if a != name),
        official=str(KG.Official) in _values(props, RDF.type),
        code=_one(props, KG.divisionCode) or "",
        sources=_sorted(mentions),
        reference=_reference(props, subjects),
        successor=node_id(successor) if (successor := _one(props, KG.successor)) else "",
        successor_since=_one(props, KG.successorSince) or "",
        note=_one(props, KG.identityNote) or "",
    )


def _is_fact(props: Properties) -> bool:
    types = _values(props, RDF.type)
    if str(RDF.Statement) in types:
        return _one(props, RDF.predicate) in _PROPERTY_KINDS
    return str(ORG.Membership) in types


def _fact(
    subject: str, props: Properties, subjects: dict[str, Properties]
) -> tuple[str, str, dict[str, Any]]:
    """Head, tail and edge attributes of a post (org:Membership) or a reified statement."""
    if str(ORG.Membership) in _values(props, RDF.type):
        ends = (_one(props, ORG.member), _one(props, ORG.organization))
        kind, role, amount = "holds_role", _role(props, subjects), None
    else:
        ends = (_one(props, RDF.subject), _one(props, RDF.object))
        kind, role = _PROPERTY_KINDS[_one(props, RDF.predicate)], None
        amount = _one(props, KG.investmentYuan)
    data = {
        "kind": kind,
        "role": role,
        "amount_yuan": None if amount is None else float(amount),
        "sources": _sorted(_mentions(props, subjects)),
        "reference": _reference(props, subjects),
    }
    return node_id(ends[0]), node_id(ends[1]), data


def _role(props: Properties, subjects: dict[str, Properties]) -> str | None:
    """The label of a post's role, or None for a post without one."""
    role = _one(props, ORG.role)
    if role is None:
        return None
    return _one(subjects.get(role, {}), RDFS.label) or node_id(role).removeprefix("role/")


def _reference(props: Properties, subjects: dict[str, Properties]) -> Dataset | None:
    """The reference data set a thing was taken from (``prov:wasDerivedFrom`` a
    ``kg:Dataset``), or None."""
    for iri in _values(props, PROV.wasDerivedFrom):
        data = subjects.get(iri, {})
        if str(KG.Dataset) in _values(data, RDF.type):
            label = _one(data, RDFS.label) or ""
            version = _one(data, DCTERMS.hasVersion) or ""
            return Dataset(node_id(iri).removeprefix("dataset/"), label, version)
    return None


def _sorted(sources: set[Source]) -> tuple[Source, ...]:
    return tuple(sorted(sources, key=lambda s: (s.article, s.sentence)))


def _key(head: str, tail: str, data: dict[str, Any]) -> tuple[str, str, str, str]:
    """The edge key kg/graph.py uses: ``Fact.key``."""
    return (data["kind"], head, tail, data["role"] or "")
