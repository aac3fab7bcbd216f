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
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.export.rdf import ENTITY_CLASSES, resource
from kg.load_graph import node_id
from kg.query import FORMATS, execute, format_table, load_store
from kg.records import Tenure
from kg.view import pick_entity

_CANDIDATES = """
SELECT ?name ?id ?e ?class ?label ?alias WHERE {
  { SELECT DISTINCT ?e WHERE {
      ?e rdfs:label|skos:altLabel ?n .
      FILTER(CONTAINS(LCASE(REPLACE(STR(?n), "\\\\s+", "")), LCASE(REPLACE(?name, "\\\\s+", ""))))
  } }
  UNION { BIND(?id AS ?e) }
  ?e a ?class ; rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias }
  VALUES ?class { $classes }
}
""".replace("$classes", " ".join(f"<{iri}>" for iri in ENTITY_CLASSES.values()))
"""Every entity whose name or an alias contains NAME (white space and case aside), or whose
id is NAME, with all its names."""

_POSTS = """
SELECT ?p ?o ?role ?person ?organization ?first ?last (COUNT(DISTINCT ?article) AS ?articles)
WHERE {
  ?m a org:Membership ; org:member ?p ; org:organization ?o ; prov:wasDerivedFrom ?article .
  ?article a kg:Article .
  ?p rdfs:label ?person .
  ?o rdfs:label ?organization .
  OPTIONAL { ?m org:role/rdfs:label ?role }
  OPTIONAL {
    ?m org:memberDuring ?span .
    ?span time:hasBeginning/time:inXSDDate ?first ; time:hasEnd/time:inXSDDate ?last .
  }
}
GROUP BY ?p ?o ?m ?role ?person ?organization ?first ?last
"""
"""The posts of ?p (a person) or of ?o (an organisation), whichever is bound."""


class TimelineError(Exception):
    """A graph that cannot be read, or a name that picks no entity or several."""


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
        return ("role", other, "first", "last", "articles")

    def rows(self) -> list[dict[str, str | int | None]]:
        """One dict per post, with the fields of ``columns``."""
        return [{c: asdict(t)[c] for c in self.columns} for t in self.tenures]


def _solutions(store: ox.Store, query: str, **bound: ox.NamedNode | ox.Literal) -> list[dict]:
    """The rows of a SELECT, each variable's value (None when unbound)."""
    substitutions = {ox.Variable(name): term for name, term in bound.items()}
    solutions = execute(store, query, substitutions)
    names = [v.value for v in solutions.variables]
    return [{n: None if s[n] is None else s[n].value for n in names} for s in solutions]


def _candidates(store: ox.Store, name: str) -> tuple[dict[str, list[str]], set[str]]:
    """Of the entities ``name`` may stand for: id -> its name and aliases; the persons' ids."""
    rows = _solutions(
        store, _CANDIDATES, name=ox.Literal(name), id=ox.NamedNode(str(resource(name)))
    )
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[row["e"]] = row["label"]
        if row["alias"] is not None and row["alias"] != row["label"]:
            aliases[row["e"]].add(row["alias"])
    names = {node_id(e): [labels[e], *sorted(aliases[e])] for e in sorted(labels, key=node_id)}
    persons = {node_id(row["e"]) for row in rows if row["class"] == str(ENTITY_CLASSES["PERSON"])}
    return names, persons


def _tenures(store: ox.Store, entity: str, person: bool) -> list[Tenure]:
    """The posts of a person, or the holders of an organisation's posts, in display order."""
    end = "p" if person else "o"
    rows = _solutions(store, _POSTS, **{end: ox.NamedNode(str(resource(entity)))})
    tenures = [
        Tenure(
            role=row["role"] or "",
            person=row["person"],
            organization=row["organization"],
            first=row["first"],
            last=row["last"],
            articles=int(row["articles"]),
        )
        for row in rows
    ]
    return sorted(tenures, key=Tenure.by_date if person else Tenure.by_role)


def timeline(graph_path: Path, name: str) -> Timeline:
    """The timeline of the entity called ``name`` (a name, an alias or an id) in a graph.ttl."""
    if not name.strip():
        raise TimelineError("give the name, an alias or the id of an entity")
    store = load_store(graph_path)
    names, persons = _candidates(store, name.strip())
    entity = pick_entity(name.strip(), names)
    person = entity in persons
    return Timeline(entity, names[entity][0], person, _tenures(store, entity, person))


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
