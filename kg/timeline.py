"""Posts over time from a built graph: ``kg timeline NAME --graph graph.ttl``.

For a person, the posts in date order; for an organisation, its holders by role. Each post
(an ``org:Membership``) comes with the first and last date of the articles it was read in
(its ``org:memberDuring`` interval) and the number of those articles. Everything is asked
of the graph's store by SPARQL (kg/query.py: the on-disk store beside the Turtle file when
it matches, else the file), so that an archive's graph is never loaded whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template

import pyoxigraph as ox

from kg.export.rdf import ENTITY_CLASSES, resource
from kg.load_graph import node_id
from kg.query import FORMATS, execute, format_table, load_store
from kg.records import Tenure
from kg.view import pick_entity

_CANDIDATES = Template("""
SELECT ?e ?class ?label ?alias WHERE {
  { $match } UNION { VALUES ?e { $id } }
  OPTIONAL { ?e skos:altLabel ?alias }
  ?e a ?class ; rdfs:label ?label .
  VALUES ?class { $classes }
}
""")
"""The entities that $match finds or whose IRI is $id, with all their names."""

_NAMED = Template("?e rdfs:label|skos:altLabel $name")
"""An entity whose name or alias is $name, from the store's index."""

_CONTAINING = Template("""?e rdfs:label|skos:altLabel ?n .
    FILTER(CONTAINS(LCASE(REPLACE(STR(?n), "\\\\s+", "")), $key))""")
"""An entity a name or alias of which contains $key once white space is removed and letters
are lower case: a scan of every label."""

_POSTS = Template("""
SELECT ?role ?name ?first ?last ?ended (COUNT(DISTINCT ?article) AS ?articles)
  (MAX(?said) AS ?former) WHERE {
  ?m $end $entity ; $other ?other ; prov:wasDerivedFrom ?article .
  OPTIONAL { ?m org:role/rdfs:label ?role }
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?first }
  OPTIONAL { ?m org:memberDuring/time:hasEnd/time:inXSDDate ?last }
  OPTIONAL { ?m kg:endedBy ?ended }
  OPTIONAL { ?m kg:mention/kg:former ?said }
  ?other rdfs:label ?name .
}
GROUP BY ?m ?role ?name ?first ?last ?ended
""")
"""The posts at the $end (org:member or org:organization) of which $entity stands, with the
name of the $other end. The terms are written into the query and the patterns come in this
order because pyoxigraph 0.5 plans by them: values given by VALUES or as substitutions, a
group of patterns in one OPTIONAL, and the other end's label before the OPTIONALs are each
read whole before the join (seconds instead of milliseconds at a million triples)."""


class TimelineError(Exception):
    """An empty name or an unknown format (an unreadable graph is a ``QueryError``, a name
    that picks no entity or several a ``ViewError``)."""


@dataclass(frozen=True)
class Timeline:
    """The posts of one entity: of a person (by date) or of an organisation (by role)."""

    entity: str
    name: str
    person: bool
    tenures: list[Tenure]

    @property
    def columns(self) -> tuple[str, ...]:
        """The fields of a row: the other end of each post is the organisation or the person."""
        other = "organization" if self.person else "person"
        return ("role", other, "first", "last", "articles", "former", "ended")

    def rows(self) -> list[dict[str, str | int | None]]:
        """One dict per post, with the fields of ``columns``."""
        return [{c: asdict(t)[c] for c in self.columns} for t in self.tenures]


def _solutions(store: ox.Store, query: str) -> list[dict[str, str | None]]:
    """The rows of a SELECT, each variable's value (None when unbound)."""
    solutions = execute(store, query)
    names = [v.value for v in solutions.variables]
    return [{n: None if s[n] is None else s[n].value for n in names} for s in solutions]


def _candidates(store: ox.Store, name: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Of the entities ``name`` may stand for (those called so, else those whose names contain
    it, white space and case aside, else none; and the one whose id it is): id -> its name
    and aliases, and id -> its class."""
    classes = " ".join(f"<{iri}>" for iri in ENTITY_CLASSES.values())
    key = ox.Literal(re.sub(r"\s+", "", name).lower())
    rows: list[dict[str, str | None]] = []
    for match in (
        _NAMED.substitute(name=ox.Literal(name, language="zh")),
        _CONTAINING.substitute(key=key),
    ):
        query = _CANDIDATES.substitute(
            match=match, id=ox.NamedNode(str(resource(name))), classes=classes
        )
        rows = _solutions(store, query)
        if rows:
            break
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[row["e"]] = row["label"]
        if row["alias"] is not None and row["alias"] != row["label"]:
            aliases[row["e"]].add(row["alias"])
    names = {node_id(e): [labels[e], *sorted(aliases[e])] for e in sorted(labels, key=node_id)}
    return names, {node_id(row["e"]): row["class"] for row in rows}


def _tenures(store: ox.Store, entity: str, name: str, person: bool) -> list[Tenure]:
    """The posts of a person, or the holders of an organisation's posts, in display order."""
    ends = ("org:member", "org:organization")
    end, other = ends if person else ends[::-1]
    query = _POSTS.substitute(end=end, entity=ox.NamedNode(str(resource(entity))), other=other)
    tenures = [
        Tenure(
            role=row["role"] or "",
            person=name if person else row["name"],
            organization=row["name"] if person else name,
            first=row["first"],
            last=row["last"],
            articles=int(row["articles"]),
            former=row["former"] == "true",
            ended=row["ended"],
        )
        for row in _solutions(store, query)
    ]
    return sorted(tenures, key=Tenure.by_date if person else Tenure.by_role)


def timeline(graph_path: Path, name: str) -> Timeline:
    """The timeline of the entity called ``name`` (a name, an alias or an id) in a graph.ttl."""
    name = name.strip()
    if not name:
        raise TimelineError("give the name, an alias or the id of an entity")
    store = load_store(graph_path)
    names, classes = _candidates(store, name)
    entity = pick_entity(name, names)
    person = classes[entity] == str(ENTITY_CLASSES["PERSON"])
    label = names[entity][0]
    return Timeline(entity, label, person, _tenures(store, entity, label, person))


def render(found: Timeline, fmt: str) -> str:
    """The timeline as an aligned table under the entity's name, RFC 4180 CSV with a header
    or a JSON list of objects."""
    rows = found.rows()
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, found.columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt != "table":
        raise TimelineError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    cells = [["" if v is None else str(v) for v in row.values()] for row in rows]
    return f"{found.name} ({found.entity})\n" + format_table(list(found.columns), cells)
