"""The networkx graph -> RDF and Turtle, as the graph contract in README.md describes it.

Entities become typed resources with labels and mentions, holds_role edges become
``org:Membership`` posts, the other edges become plain triples plus a reified
``rdf:Statement`` that carries their provenance. The vocabulary (kg/ontology.ttl) is part of
every export. The same graph always gives the same bytes of Turtle.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer

from kg.export import write_atomic
from kg.records import Source

KG = Namespace("https://w3id.org/kg-zh/ns#")
KGR = Namespace("https://w3id.org/kg-zh/id/")

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "kgr": str(KGR),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "owl": str(OWL),
}
"""The prefixes bound in every export, and known to ``kg query`` without declarations."""

ONTOLOGY_PATH = Path(__file__).resolve().parent.parent / "ontology.ttl"

ENTITY_CLASSES: dict[str, URIRef] = {
    "PERSON": KG.Person,
    "GOV": KG.GovernmentBody,
    "COMPANY": KG.Company,
    "ORG": KG.Organization,
    "PLACE": KG.Place,
    "PROJECT": KG.Project,
    "INDUSTRY": KG.Industry,
}
"""NER entity type -> class of the entity."""

RELATION_PROPERTIES: dict[str, URIRef] = {
    "located_in": KG.locatedIn,
    "part_of": KG.partOf,
    "in_industry": KG.inIndustry,
    "invests_in": KG.investsIn,
}
"""Relation kind -> property; holds_role is a membership instead."""

_KEEP_ASCII = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=/"
)
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane * 0x10000, plane * 0x10000 + 0xFFFD) for plane in range(1, 15)),
)
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _keep_raw(char: str) -> bool:
    """Whether ``char`` may stand unencoded in the path of a ``kgr:`` IRI."""
    if char.isascii():
        return char in _KEEP_ASCII
    code = ord(char)
    return (
        any(low <= code <= high for low, high in _UCSCHAR)
        and not char.isspace()
        and unicodedata.category(char) not in _HIDDEN_CATEGORIES
    )


def iri_path(text: str) -> str:
    """Percent-encode ``text`` for an IRI path: '/' and CJK stay raw, unsafe ASCII does not."""
    return "".join(
        char if _keep_raw(char) else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
        for char in text
    )


_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = f"{_PN_CHARS_BASE}_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = re.compile(
    f"(?:[{_PN_CHARS_BASE}_:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_ESCAPED = re.compile(r"[~!$&'()*+,;=/]|^[.-]|\.$")


def _prefixed_local(local: str) -> str | None:
    """The Turtle local name of an encoded ``kgr:`` path, or None where Turtle has none."""
    escaped = _ESCAPED.sub(lambda match: "\\" + match.group(), local)
    return escaped if _PN_LOCAL.fullmatch(escaped) else None


class _Turtle(TurtleSerializer):
    """rdflib's Turtle writer, with ``kgr:`` names written as prefixed names where it can."""

    def get_pname(self, uri: object, gen_prefix: bool = True) -> str | None:
        if isinstance(uri, URIRef) and uri.startswith(KGR):
            local = _prefixed_local(uri[len(KGR) :])
            if local is not None:
                self.addNamespace("kgr", KGR)
                return f"kgr:{local}"
        return super().get_pname(uri, gen_prefix)


def resource(path: str) -> URIRef:
    """The ``kgr:`` IRI of a thing of the build, e.g. ``resource("person/李长萍")``."""
    return KGR[iri_path(path)]


def _digest(*parts: str) -> str:
    """First 16 hex digits of the SHA-1 of the parts joined by '|'."""
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _decimal(amount: float) -> Literal:
    """An xsd:decimal literal in plain notation (no exponent)."""
    return Literal(format(Decimal(repr(float(amount))), "f"), datatype=XSD.decimal)


def _new_graph() -> Graph:
    """An empty graph with exactly the contract's prefixes bound."""
    rdf = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    return rdf


def _date(data: dict) -> Literal | None:
    """The xsd:date of an article node, if the page gives one."""
    return None if data.get("date") is None else Literal(data["date"], datatype=XSD.date)


def _add_article(rdf: Graph, data: dict) -> URIRef:
    """Add an article node; return its IRI."""
    article = resource(f"article/{data['source']}/{data['index']}")
    rdf.add((article, RDF.type, KG.Article))
    rdf.add((article, DCTERMS.title, _zh(data["title"])))
    rdf.add((article, KG.sourceFile, Literal(data["source"])))
    rdf.add((article, KG.articleIndex, Literal(data["index"])))
    rdf.add((article, KG.startOffset, Literal(data["start"])))
    rdf.add((article, KG.endOffset, Literal(data["end"])))
    date = _date(data)
    if date is not None:
        rdf.add((article, DCTERMS.date, date))
    return article


def _add_provenance(
    rdf: Graph, subject: URIRef, sources: Iterable[Source], articles: dict[str, URIRef]
) -> None:
    """``prov:wasDerivedFrom`` each source article and ``kg:evidence`` each sentence."""
    for source in sources:
        rdf.add((subject, PROV.wasDerivedFrom, articles[source.article]))
        rdf.add((subject, KG.evidence, _zh(source.sentence)))


def _add_entity(rdf: Graph, node: str, data: dict, articles: dict[str, URIRef]) -> None:
    entity = resource(node)
    rdf.add((entity, RDF.type, ENTITY_CLASSES[data["type"]]))
    if data.get("official"):
        rdf.add((entity, RDF.type, KG.Official))
    rdf.add((entity, RDFS.label, _zh(data["name"])))
    for alias in data.get("aliases", ()):
        rdf.add((entity, SKOS.altLabel, _zh(alias)))
    for source in data.get("sources", ()):
        mention = resource(f"mention/{_digest(node, source.article, source.sentence)}")
        rdf.add((entity, PROV.wasDerivedFrom, articles[source.article]))
        rdf.add((entity, KG.mention, mention))
        rdf.add((mention, RDF.type, KG.Mention))
        _add_provenance(rdf, mention, [source], articles)


def _add_membership(
    rdf: Graph,
    head: str,
    tail: str,
    data: dict,
    articles: dict[str, URIRef],
    dates: dict[str, Literal],
) -> None:
    """A holds_role edge -> an ``org:Membership`` with its role, dates and provenance."""
    role = data.get("role") or ""
    membership = resource(f"membership/{_digest(head, role, tail)}")
    rdf.add((membership, RDF.type, ORG.Membership))
    rdf.add((membership, ORG.member, resource(head)))
    rdf.add((membership, ORG.organization, resource(tail)))
    if role:
        role_iri = resource(f"role/{role}")
        rdf.add((membership, ORG.role, role_iri))
        rdf.add((role_iri, RDF.type, ORG.Role))
        rdf.add((role_iri, RDFS.label, _zh(role)))
    sources = data.get("sources", ())
    _add_provenance(rdf, membership, sources, articles)
    for source in sources:
        if source.article in dates:
            rdf.add((membership, DCTERMS.date, dates[source.article]))


def _add_statement(
    rdf: Graph, head: str, tail: str, data: dict, articles: dict[str, URIRef]
) -> None:
    """A binary relation -> the plain triple and its reified statement with provenance."""
    triple = (resource(head), RELATION_PROPERTIES[data["kind"]], resource(tail))
    rdf.add(triple)
    statement = resource(f"statement/{_digest(data['kind'], head, tail)}")
    rdf.add((statement, RDF.type, RDF.Statement))
    rdf.add((statement, RDF.subject, triple[0]))
    rdf.add((statement, RDF.predicate, triple[1]))
    rdf.add((statement, RDF.object, triple[2]))
    if data.get("amount_yuan") is not None:
        rdf.add((statement, KG.investmentYuan, _decimal(data["amount_yuan"])))
    _add_provenance(rdf, statement, data.get("sources", ()), articles)


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """The RDF of a graph built by ``kg.graph.build_graph``, ontology included."""
    rdf = _new_graph()
    rdf.parse(ONTOLOGY_PATH, format="turtle")
    articles: dict[str, URIRef] = {}
    dates: dict[str, Literal] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "article":
            articles[node] = _add_article(rdf, data)
            date = _date(data)
            if date is not None:
                dates[node] = date
    for node, data in graph.nodes(data=True):
        if data["kind"] == "entity":
            _add_entity(rdf, node, data, articles)
    for head, tail, data in graph.edges(data=True):
        if data["kind"] == "holds_role":
            _add_membership(rdf, head, tail, data, articles, dates)
        else:
            _add_statement(rdf, head, tail, data, articles)
    return rdf


def to_turtle(graph: nx.MultiDiGraph) -> bytes:
    """The graph's RDF as UTF-8 Turtle; the same graph always gives the same bytes."""
    stream = io.BytesIO()
    _Turtle(to_rdf(graph)).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def write_turtle(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write the graph's RDF as UTF-8 Turtle to ``path``, atomically."""
    write_atomic(path, to_turtle(graph))
