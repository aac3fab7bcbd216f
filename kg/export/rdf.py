"""The networkx graph -> RDF and Turtle, as the graph contract in README.md describes it.

Entities become typed resources with labels and mentions, holds_role edges become
``org:Membership`` posts (with the ``time:Interval`` of the dates of the articles that say it
is held, and ``kg:endedBy`` the first that calls it former, 原县委书记), the other
edges become plain triples plus a reified ``rdf:Statement`` that carries their provenance.
The vocabulary (kg/ontology.ttl) is part of every export. The same graph always gives the
same bytes of Turtle.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TextIO

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

from kg.export import write_atomic
from kg.records import Dataset, Source

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
    "time": str(TIME),
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


_CHECK = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=/\u4e00-\u9fff]")
"""A character that may need encoding: all but the common ones, which never do."""


def _encode(match: re.Match[str]) -> str:
    char = match.group()
    return char if _keep_raw(char) else "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def iri_path(text: str) -> str:
    """Percent-encode ``text`` for an IRI path: '/' and CJK stay raw, unsafe ASCII does not."""
    return _CHECK.sub(_encode, text)


def resource(path: str) -> URIRef:
    """The ``kgr:`` IRI of a thing of the build, e.g. ``resource("person/李长萍")``."""
    return KGR[iri_path(path)]


def _digest(*parts: str) -> str:
    """First 16 hex digits of the SHA-1 of the parts joined by '|'."""
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _ref(iri: URIRef) -> str:
    return f"<{iri}>"


_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"})
_KGR = str(KGR)
_INTEGER = _ref(XSD.integer)
_TRUE = f'"true"^^{_ref(XSD.boolean)}'
_TYPE, _LABEL, _ALT_LABEL = _ref(RDF.type), _ref(RDFS.label), _ref(SKOS.altLabel)
_DERIVED, _EVIDENCE, _DATE = _ref(PROV.wasDerivedFrom), _ref(KG.evidence), _ref(DCTERMS.date)
_DATASET = {"class": _ref(KG.Dataset), "version": _ref(DCTERMS.hasVersion)}
_ARTICLE = {
    "class": _ref(KG.Article),
    "title": _ref(DCTERMS.title),
    "source": _ref(KG.sourceFile),
    "index": _ref(KG.articleIndex),
    "start": _ref(KG.startOffset),
    "end": _ref(KG.endOffset),
}
_ENTITY = {
    "official": _ref(KG.Official),
    "code": _ref(KG.divisionCode),
    "successor": _ref(KG.successor),
    "since": _ref(KG.successorSince),
    "note": _ref(KG.identityNote),
    "mention": _ref(KG.mention),
    "mention_class": _ref(KG.Mention),
    "former": _ref(KG.former),
    **{label: _ref(cls) for label, cls in ENTITY_CLASSES.items()},
}
_POST = {
    "class": _ref(ORG.Membership),
    "member": _ref(ORG.member),
    "organization": _ref(ORG.organization),
    "role": _ref(ORG.role),
    "role_class": _ref(ORG.Role),
    "during": _ref(ORG.memberDuring),
    "ended": _ref(KG.endedBy),
}
_TIME = {
    "interval": _ref(TIME.Interval),
    "instant": _ref(TIME.Instant),
    "beginning": _ref(TIME.hasBeginning),
    "end": _ref(TIME.hasEnd),
    "date": _ref(TIME.inXSDDate),
}
_STATEMENT = {
    "class": _ref(RDF.Statement),
    "subject": _ref(RDF.subject),
    "predicate": _ref(RDF.predicate),
    "object": _ref(RDF.object),
    "amount": _ref(KG.investmentYuan),
    **{kind: _ref(prop) for kind, prop in RELATION_PROPERTIES.items()},
}


def _literal(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"'


def _integer(number: int) -> str:
    return f'"{number}"^^{_INTEGER}'


def _date(iso: str) -> str:
    """An xsd:date literal."""
    return f'"{iso}"^^{_ref(XSD.date)}'


def _decimal(amount: float) -> str:
    """An xsd:decimal literal in plain notation (no exponent)."""
    return f'"{Decimal(repr(float(amount))):f}"^^{_ref(XSD.decimal)}'


@lru_cache(maxsize=1 << 16)
def _iri(path: str) -> str:
    """The ``kgr:`` IRI of ``path``, as N-Triples."""
    return f"<{_KGR}{iri_path(path)}>"


@lru_cache(maxsize=1 << 14)
def _zh(text: str) -> str:
    """A ``@zh`` literal."""
    return _literal(text) + "@zh"


class _Lines:
    """The N-Triples lines of one graph, each once, a subject's lines together: the ontology,
    then per article, per entity (its relations included) and its mentions, per post (its
    interval with it), per role, per date instant and per statement, in the graph's order
    (instants by date).

    The lines go to ``out`` a subject at a time (a mention is a subject of its own, so that an
    entity read in thousands of sentences is not held whole): a line repeats only within the
    lines of its subject (an entity's article read in two sentences, a post's date), so only
    those are held to drop repeats, and the lines of a data set, which many subjects cite.
    The recent IRIs and @zh literals are kept to be made once."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.articles: dict[str, str] = {}
        """Article node -> its IRI."""
        self.dates: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.instants: dict[str, str] = {}
        self.subject = ""
        self.lines: dict[str, None] = {}
        self.shared: set[str] = set()
        """The lines of the data sets written so far."""

    def begin(self, subject: str) -> None:
        """Start the lines of ``subject``: those of the previous subject are written."""
        if subject != self.subject:
            self.flush()
            self.subject = subject

    def flush(self) -> None:
        self.out.write("".join(self.lines))
        self.lines.clear()

    def add(self, subject: str, predicate: str, value: str) -> None:
        self.lines[f"{subject} {predicate} {value} .\n"] = None

    def add_shared(self, subject: str, predicate: str, value: str) -> None:
        """A line that other subjects' lines may hold too: kept once in the whole output."""
        line = f"{subject} {predicate} {value} .\n"
        if line not in self.shared:
            self.shared.add(line)
            self.lines[line] = None

    iri = staticmethod(_iri)
    zh = staticmethod(_zh)

    def ontology(self) -> None:
        self.begin("ontology")
        for triple in ox.parse(path=ONTOLOGY_PATH, format=ox.RdfFormat.TURTLE):
            self.add(str(triple.subject), str(triple.predicate), str(triple.object))

    def article(self, node: str, data: dict) -> None:
        article = self.articles[node] = self.iri(f"article/{data['source']}/{data['index']}")
        self.begin(article)
        self.add(article, _TYPE, _ARTICLE["class"])
        self.add(article, _ARTICLE["title"], self.zh(data["title"]))
        self.add(article, _ARTICLE["source"], _literal(data["source"]))
        for key in ("index", "start", "end"):
            self.add(article, _ARTICLE[key], _integer(data[key]))
        if data.get("date") is not None:
            self.dates[node] = data["date"]
            self.add(article, _DATE, _date(data["date"]))

    def provenance(self, subject: str, key: str, sources: Sequence[Source]) -> None:
        """``prov:wasDerivedFrom`` each source article and ``kg:mention`` one ``kg:Mention`` per
        (article, sentence): the mention derives from that article and has that sentence as
        its ``kg:evidence``, so that a fact read in several articles says which sentence each
        gave. ``key`` names the subject in the mentions' IRIs. Written last of the subject."""
        mentions = [self.iri(f"mention/{_digest(key, s.article, s.sentence)}") for s in sources]
        for source, mention in zip(sources, mentions, strict=True):
            self.add(subject, _DERIVED, self.articles[source.article])
            self.add(subject, _ENTITY["mention"], mention)
        for source, mention in zip(sources, mentions, strict=True):
            self.begin(mention)
            self.add(mention, _TYPE, _ENTITY["mention_class"])
            self.add(mention, _DERIVED, self.articles[source.article])
            self.add(mention, _EVIDENCE, self.zh(source.sentence))
            if source.former:
                self.add(mention, _ENTITY["former"], _TRUE)

    def reference(self, subject: str, reference: Dataset | None) -> None:
        """``prov:wasDerivedFrom`` the reference data set (a ``kg:Dataset``, no evidence) a
        thing was taken from."""
        if reference is not None:
            dataset = self.iri(f"dataset/{reference.id}")
            self.add(subject, _DERIVED, dataset)
            self.add_shared(dataset, _TYPE, _DATASET["class"])
            self.add_shared(dataset, _LABEL, self.zh(reference.title))
            if reference.version:
                self.add_shared(dataset, _DATASET["version"], _literal(reference.version))

    def entity(self, graph: nx.MultiDiGraph, node: str, data: dict) -> None:
        """The entity, its binary relations (plain triples) and its mentions."""
        entity = self.iri(node)
        self.begin(entity)
        self.add(entity, _TYPE, _ENTITY[data["type"]])
        if data.get("official"):
            self.add(entity, _TYPE, _ENTITY["official"])
        self.add(entity, _LABEL, self.zh(data["name"]))
        for alias in data.get("aliases", ()):
            self.add(entity, _ALT_LABEL, self.zh(alias))
        if data.get("code"):
            self.add(entity, _ENTITY["code"], _literal(data["code"]))
        if data.get("successor"):
            self.successor(entity, data["successor"], data["successor_since"])
        if data.get("note"):
            self.add(entity, _ENTITY["note"], self.zh(data["note"]))
        self.reference(entity, data.get("reference"))
        for _, tail, edge in graph.out_edges(node, data=True):
            if edge["kind"] != "holds_role":
                self.add(entity, _STATEMENT[edge["kind"]], self.iri(tail))
        self.provenance(entity, node, data.get("sources", ()))

    def successor(self, entity: str, successor: str, since: str) -> None:
        """A former division's successor and the year it became it."""
        self.add(entity, _ENTITY["successor"], self.iri(successor))
        self.add(entity, _ENTITY["since"], f'"{since}"^^{_ref(XSD.gYear)}')

    def membership(self, head: str, tail: str, data: dict) -> None:
        """A holds_role edge -> an ``org:Membership`` with its role, dates, the interval
        they span and provenance."""
        role = data.get("role") or ""
        path = f"membership/{_digest(head, role, tail)}"
        membership = self.iri(path)
        self.begin(membership)
        self.add(membership, _TYPE, _POST["class"])
        self.add(membership, _POST["member"], self.iri(head))
        self.add(membership, _POST["organization"], self.iri(tail))
        if role:
            self.roles[role] = self.iri(f"role/{role}")
            self.add(membership, _POST["role"], self.roles[role])
        sources = data.get("sources", ())
        dated = [(self.dates[s.article], s.former) for s in sources if s.article in self.dates]
        for iso, _ in dated:
            self.add(membership, _DATE, _date(iso))
        if held := [iso for iso, former in dated if not former]:
            self.interval(membership, self.iri(f"{path}/interval"), min(held), max(held))
        if ended := [iso for iso, former in dated if former]:
            self.add(membership, _POST["ended"], _date(min(ended)))
        self.provenance(membership, path, sources)

    def interval(self, membership: str, interval: str, first: str, last: str) -> None:
        """``org:memberDuring`` a ``time:Interval`` from the first to the last date."""
        self.add(membership, _POST["during"], interval)
        self.add(interval, _TYPE, _TIME["interval"])
        for end, iso in (("beginning", first), ("end", last)):
            self.instants[iso] = self.iri(f"instant/{iso}")
            self.add(interval, _TIME[end], self.instants[iso])

    def instant(self, iso: str, iri: str) -> None:
        self.begin(iri)
        self.add(iri, _TYPE, _TIME["instant"])
        self.add(iri, _TIME["date"], _date(iso))

    def role(self, role: str, iri: str) -> None:
        self.begin(iri)
        self.add(iri, _TYPE, _POST["role_class"])
        self.add(iri, _LABEL, self.zh(role))

    def statement(self, head: str, tail: str, data: dict) -> None:
        """The reified statement of a binary relation, with its provenance."""
        path = f"statement/{_digest(data['kind'], head, tail)}"
        statement = self.iri(path)
        self.begin(statement)
        self.add(statement, _TYPE, _STATEMENT["class"])
        self.add(statement, _STATEMENT["subject"], self.iri(head))
        self.add(statement, _STATEMENT["predicate"], _STATEMENT[data["kind"]])
        self.add(statement, _STATEMENT["object"], self.iri(tail))
        if data.get("amount_yuan") is not None:
            self.add(statement, _STATEMENT["amount"], _decimal(data["amount_yuan"]))
        self.reference(statement, data.get("reference"))
        self.provenance(statement, path, data.get("sources", ()))


def write_ntriples(graph: nx.MultiDiGraph, stream: TextIO) -> None:
    """The RDF of a graph built by ``kg.graph.build_graph``, the ontology included, as
    N-Triples in a fixed order, written to ``stream`` a subject at a time: the same graph
    always gives the same text."""
    out = _Lines(stream)
    out.ontology()
    for node, data in graph.nodes(data=True):
        if data["kind"] == "article":
            out.article(node, data)
    for node, data in graph.nodes(data=True):
        if data["kind"] == "entity":
            out.entity(graph, node, data)
    edges = [(head, tail, data) for head, tail, data in graph.edges(data=True)]
    for head, tail, data in edges:
        if data["kind"] == "holds_role":
            out.membership(head, tail, data)
    for role, iri in out.roles.items():
        out.role(role, iri)
    for iso in sorted(out.instants):
        out.instant(iso, out.instants[iso])
    for head, tail, data in edges:
        if data["kind"] != "holds_role":
            out.statement(head, tail, data)
    out.flush()


def to_ntriples(graph: nx.MultiDiGraph) -> bytes:
    """The graph's N-Triples (``write_ntriples``) as UTF-8 bytes."""
    text = io.StringIO()
    write_ntriples(graph, text)
    return text.getvalue().encode("utf-8")


def ntriples_to_turtle(ntriples: bytes) -> bytes:
    """N-Triples -> Turtle with every contract prefix declared, the triples in their order."""
    return ox.serialize(
        ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
        format=ox.RdfFormat.TURTLE,
        prefixes=PREFIXES,
    )


def convert_ntriples_file(ntriples: Path, turtle: Path) -> None:
    """``ntriples_to_turtle`` from file to file, streamed: the triples are never all in memory."""
    ox.serialize(
        ox.parse(path=ntriples, format=ox.RdfFormat.N_TRIPLES),
        turtle,
        format=ox.RdfFormat.TURTLE,
        prefixes=PREFIXES,
    )


def to_turtle(graph: nx.MultiDiGraph) -> bytes:
    """The graph's RDF as UTF-8 Turtle; the same graph always gives the same bytes."""
    return ntriples_to_turtle(to_ntriples(graph))


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """The graph's RDF as an rdflib Graph with the contract's prefixes bound."""
    rdf = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    return rdf.parse(data=to_turtle(graph), format="turtle")


def write_turtle(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write the graph's RDF as UTF-8 Turtle to ``path``, atomically."""
    write_atomic(path, to_turtle(graph))
