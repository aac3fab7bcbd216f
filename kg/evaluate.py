"""Score a built graph (Turtle) against gold annotations (JSONL), by the rules of GUIDELINES.md.

Every gold line is one document: a source file name (``doc``) with its entities and
relations. The output things of a document are those derived from one of its articles
(``prov:wasDerivedFrom`` an article whose ``kg:sourceFile`` is the doc): entity nodes,
``org:Membership`` posts and reified statements. Counts are taken per document and summed
(micro average).

Matching. An output node matches a gold entity when the types agree and one of its labels
(``rdfs:label`` and ``skos:altLabel``) equals the gold name or an alias, all white space
removed. A relation matches when the kinds agree, each end node has a label among the forms
of the gold end entity, and, for holds_role, the roles are equal without white space. Output
and gold items are paired one to one (a maximum bipartite matching): a pair is a true
positive, an unpaired required gold item a false negative, an unpaired output item a false
positive unless it matches an optional gold item, which neither gains nor loses.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import networkx as nx
import pyoxigraph as ox

from kg.export.rdf import ENTITY_CLASSES, PREFIXES, RELATION_PROPERTIES
from kg.query import QueryError, compact_iri, load_store
from kg.records import ENTITY_TYPES, RELATION_TYPES

MAX_LISTED_DUPLICATES = 10

_TYPE_OF_CLASS = {str(iri): label for label, iri in ENTITY_CLASSES.items()}
_KIND_OF_PROPERTY = {str(iri): kind for kind, iri in RELATION_PROPERTIES.items()}
_CLASS_VALUES = " ".join(f"<{iri}>" for iri in _TYPE_OF_CLASS)

_ENTITY_QUERY = f"""
SELECT DISTINCT ?node ?class ?doc WHERE {{
  VALUES ?class {{ {_CLASS_VALUES} }}
  ?node a ?class ; prov:wasDerivedFrom/kg:sourceFile ?doc .
}}"""
_LABEL_QUERY = f"""
SELECT DISTINCT ?node ?label WHERE {{
  VALUES ?class {{ {_CLASS_VALUES} }}
  ?node a ?class .
  {{ ?node rdfs:label ?label }} UNION {{ ?node skos:altLabel ?label }}
}}"""
_MEMBERSHIP_QUERY = """
SELECT DISTINCT ?item ?person ?role ?org ?doc WHERE {
  ?item a org:Membership ; org:member ?person ; org:organization ?org ;
        prov:wasDerivedFrom/kg:sourceFile ?doc .
  OPTIONAL { ?item org:role/rdfs:label ?role }
}"""
_STATEMENT_QUERY = """
SELECT DISTINCT ?item ?property ?head ?tail ?doc WHERE {
  ?item a rdf:Statement ; rdf:subject ?head ; rdf:predicate ?property ; rdf:object ?tail ;
        prov:wasDerivedFrom/kg:sourceFile ?doc .
}"""
_END_KEYS = {"holds_role": ("person", "org")}
"""Gold fields of a relation's two ends, where they are not head and tail."""

_DOC_QUERY = "SELECT DISTINCT ?doc WHERE { ?article a kg:Article ; kg:sourceFile ?doc }"


class EvaluationError(Exception):
    """A gold file or graph file that cannot be read; the message is one line."""


def squeeze(text: str) -> str:
    """The text without any white space: the form names are compared in."""
    return "".join(text.split())


@dataclass
class Counts:
    """True positives, false positives and false negatives, with P/R/F1 (0.0 when undefined)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class Duplicate:
    """A gold entity that several output nodes match (a resolution that failed to merge)."""

    doc: str
    type: str
    name: str
    nodes: tuple[str, ...]


@dataclass
class Report:
    """Counts per entity type and relation type, summed over the scored documents."""

    docs: list[str]
    entities: dict[str, Counts]
    relations: dict[str, Counts]
    role_pairs: Counts
    duplicates: list[Duplicate] = field(default_factory=list)
    missing_docs: list[str] = field(default_factory=list)

    @classmethod
    def blank(cls) -> Report:
        """A report of no documents."""
        return cls(
            [], {k: Counts() for k in ENTITY_TYPES}, {k: Counts() for k in RELATION_TYPES}, Counts()
        )

    def __add__(self, other: Report) -> Report:
        """Two reports of disjoint documents as one (the counts summed)."""
        return Report(
            docs=self.docs + other.docs,
            entities={k: self.entities[k] + other.entities[k] for k in self.entities},
            relations={k: self.relations[k] + other.relations[k] for k in self.relations},
            role_pairs=self.role_pairs + other.role_pairs,
            duplicates=self.duplicates + other.duplicates,
            missing_docs=self.missing_docs + other.missing_docs,
        )

    @property
    def entity_micro(self) -> Counts:
        return sum(self.entities.values(), Counts())

    @property
    def relation_micro(self) -> Counts:
        return sum(self.relations.values(), Counts())


@dataclass(frozen=True)
class GoldEntity:
    type: str
    name: str
    forms: frozenset[str]
    optional: bool = False


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation; ``ends`` are the form sets of (person, org) or (head, tail)."""

    kind: str
    ends: tuple[frozenset[str], ...]
    role: str = ""
    optional: bool = False


@dataclass(frozen=True)
class GoldDoc:
    doc: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]


@dataclass(frozen=True)
class Node:
    """An output entity node: its IRI, type and white-space-free labels."""

    iri: str
    type: str
    labels: frozenset[str]


@dataclass(frozen=True)
class OutRelation:
    """An output relation; ``ends`` are the label sets of (member, organization) or (s, o)."""

    kind: str
    ends: tuple[frozenset[str], ...]
    role: str = ""


@dataclass
class OutputDoc:
    """What the graph says about one document."""

    nodes: list[Node] = field(default_factory=list)
    relations: list[OutRelation] = field(default_factory=list)


# Gold


def _gold_entity(raw: dict) -> GoldEntity:
    forms = frozenset(squeeze(form) for form in [raw["name"], *raw.get("aliases", ())])
    return GoldEntity(raw["type"], raw["name"], forms, bool(raw.get("optional")))


def _gold_relation(raw: dict, forms: dict[str, frozenset[str]]) -> GoldRelation:
    """A gold relation whose ends are resolved to the forms of the entities they name."""
    names = [raw[key] for key in _END_KEYS.get(raw["type"], ("head", "tail"))]
    ends = tuple(forms.get(name, frozenset({squeeze(name)})) for name in names)
    role = squeeze(raw.get("role") or "")
    return GoldRelation(raw["type"], ends, role, bool(raw.get("optional")))


def _gold_doc(raw: dict) -> GoldDoc:
    entities = tuple(_gold_entity(entity) for entity in raw["entities"])
    forms: dict[str, frozenset[str]] = defaultdict(frozenset)
    for entity in entities:
        forms[entity.name] |= entity.forms
    relations = tuple(_gold_relation(relation, forms) for relation in raw.get("relations", ()))
    return GoldDoc(raw["doc"], entities, relations)


def load_gold(paths: Iterable[Path]) -> list[GoldDoc]:
    """The gold documents of one or more JSONL files, in order; each doc at most once."""
    docs: list[GoldDoc] = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8-sig").split("\n")
        except OSError as error:
            raise EvaluationError(f"cannot read gold file {path}: {error.strerror}") from error
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                docs.append(_gold_doc(json.loads(line)))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                message = f"{type(error).__name__}: {error}"
                raise EvaluationError(f"bad gold line {path}:{number}: {message}") from error
    seen: set[str] = set()
    for doc in docs:
        if doc.doc in seen:
            raise EvaluationError(f"doc {doc.doc} is annotated more than once")
        seen.add(doc.doc)
    return docs


# Output


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT as variable -> value (IRI or lexical form); unbound variables left out."""
    solutions = store.query(query, prefixes=PREFIXES)
    names = [variable.value for variable in solutions.variables]
    return [
        {name: term.value for name, term in zip(names, solution, strict=True) if term is not None}
        for solution in solutions
    ]


def _labels(store: ox.Store) -> dict[str, frozenset[str]]:
    labels: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _LABEL_QUERY):
        labels[row["node"]].add(squeeze(row["label"]))
    return {node: frozenset(forms) for node, forms in labels.items()}


def read_output(store: ox.Store, docs: set[str]) -> dict[str, OutputDoc]:
    """The nodes and relations of the graph, per document of ``docs``."""
    labels = _labels(store)
    out: dict[str, OutputDoc] = defaultdict(OutputDoc)

    def ends(*iris: str) -> tuple[frozenset[str], ...]:
        return tuple(labels.get(iri, frozenset()) for iri in iris)

    for row in _select(store, _ENTITY_QUERY):
        if row["doc"] in docs:
            entity_type = _TYPE_OF_CLASS[row["class"]]
            out[row["doc"]].nodes.append(Node(row["node"], entity_type, *ends(row["node"])))
    for row in _select(store, _MEMBERSHIP_QUERY):
        if row["doc"] in docs:
            role = squeeze(row.get("role", ""))
            relation = OutRelation("holds_role", ends(row["person"], row["org"]), role)
            out[row["doc"]].relations.append(relation)
    for row in _select(store, _STATEMENT_QUERY):
        kind = _KIND_OF_PROPERTY.get(row["property"])
        if kind and row["doc"] in docs:
            out[row["doc"]].relations.append(OutRelation(kind, ends(row["head"], row["tail"])))
    return out


# Matching

Out = TypeVar("Out")
Gold = TypeVar("Gold", GoldEntity, GoldRelation)
Relation = TypeVar("Relation", OutRelation, GoldRelation)


def pairing(
    outputs: Sequence[Out], required: Sequence[Gold], matches: Callable[[Out, Gold], bool]
) -> dict[int, int]:
    """A maximum one-to-one pairing of outputs with required gold items: output index ->
    gold index."""
    pairs = nx.Graph()
    pairs.add_nodes_from(("out", i) for i in range(len(outputs)))
    pairs.add_edges_from(
        (("out", i), ("gold", j))
        for i, output in enumerate(outputs)
        for j, item in enumerate(required)
        if matches(output, item)
    )
    top = [("out", i) for i in range(len(outputs))]
    paired = nx.bipartite.maximum_matching(pairs, top_nodes=top)
    return {i: paired[("out", i)][1] for i in range(len(outputs)) if ("out", i) in paired}


def score(
    outputs: Sequence[Out], gold: Sequence[Gold], matches: Callable[[Out, Gold], bool]
) -> Counts:
    """Pair outputs with required gold items one to one, as many as can be; count the rest."""
    required = [item for item in gold if not item.optional]
    optional = [item for item in gold if item.optional]
    paired = pairing(outputs, required, matches)
    tp = len(paired)
    ignored = sum(
        1
        for i, output in enumerate(outputs)
        if i not in paired and any(matches(output, item) for item in optional)
    )
    return Counts(tp=tp, fp=len(outputs) - tp - ignored, fn=len(required) - tp)


def node_matches(node: Node, entity: GoldEntity) -> bool:
    return node.type == entity.type and not node.labels.isdisjoint(entity.forms)


def relation_matches(relation: OutRelation, gold: GoldRelation) -> bool:
    return (
        relation.kind == gold.kind
        and relation.role == gold.role
        and all(
            not labels.isdisjoint(forms)
            for labels, forms in zip(relation.ends, gold.ends, strict=True)
        )
    )


def role_pair(relation: Relation) -> Relation:
    """A holds_role relation cut to its person and role."""
    return replace(relation, ends=relation.ends[:1])


def _of_kind(items: Iterable[Out], attribute: str, value: str) -> list[Out]:
    return [item for item in items if getattr(item, attribute) == value]


def duplicates(doc: str, nodes: Sequence[Node], gold: Iterable[GoldEntity]) -> list[Duplicate]:
    """Gold entities (optional ones too) that two or more output nodes match."""
    found = []
    for entity in gold:
        iris = sorted(node.iri for node in nodes if node_matches(node, entity))
        if len(iris) > 1:
            found.append(Duplicate(doc, entity.type, entity.name, tuple(iris)))
    return found


def _score_doc(gold: GoldDoc, output: OutputDoc, report: Report) -> None:
    """Add one document's counts to the report."""
    for kind in ENTITY_TYPES:
        nodes = _of_kind(output.nodes, "type", kind)
        entities = _of_kind(gold.entities, "type", kind)
        report.entities[kind] += score(nodes, entities, node_matches)
    for kind in RELATION_TYPES:
        relations = _of_kind(output.relations, "kind", kind)
        expected = _of_kind(gold.relations, "kind", kind)
        report.relations[kind] += score(relations, expected, relation_matches)
        if kind == "holds_role":
            pairs = [role_pair(relation) for relation in relations]
            report.role_pairs += score(pairs, [role_pair(r) for r in expected], relation_matches)
    report.duplicates.extend(duplicates(gold.doc, output.nodes, gold.entities))


def evaluate_docs(gold_paths: Sequence[Path], graph_path: Path) -> list[Report]:
    """Score the graph against each document of several gold files: one report per
    document, in the gold files' order (the unit a score's interval resamples)."""
    gold = load_gold(gold_paths)
    try:
        store = load_store(graph_path)
    except QueryError as error:
        raise EvaluationError(str(error)) from error
    output = read_output(store, {doc.doc for doc in gold})
    built = {row["doc"] for row in _select(store, _DOC_QUERY)}
    reports = []
    for doc in gold:
        report = Report.blank()
        report.docs = [doc.doc]
        report.missing_docs = [] if doc.doc in built else [doc.doc]
        _score_doc(doc, output.get(doc.doc, OutputDoc()), report)
        reports.append(report)
    return reports


def evaluate_many(gold_paths: Sequence[Path], graph_path: Path) -> Report:
    """Score the graph against the documents of several gold files taken together."""
    report = sum(evaluate_docs(gold_paths, graph_path), Report.blank())
    report.missing_docs = sorted(report.missing_docs)
    return report


def as_output(gold: GoldDoc, optional: bool = False) -> OutputDoc:
    """A gold doc's required items (or its optional ones) read as if a system had output
    them: a node per entity, its forms as labels; a relation per relation."""
    nodes = [Node(e.name, e.type, e.forms) for e in gold.entities if e.optional == optional]
    relations = [
        OutRelation(r.kind, r.ends, r.role) for r in gold.relations if r.optional == optional
    ]
    return OutputDoc(nodes, relations)


def optional_where(gold: GoldDoc, other: GoldDoc) -> GoldDoc:
    """``gold`` with each item that ``other`` marks optional made optional too."""
    loose = as_output(other, optional=True)
    entities = tuple(
        replace(e, optional=True) if any(node_matches(n, e) for n in loose.nodes) else e
        for e in gold.entities
    )
    stated = tuple(
        replace(r, optional=True) if any(relation_matches(o, r) for o in loose.relations) else r
        for r in gold.relations
    )
    return replace(gold, entities=entities, relations=stated)


def agreement(first: Sequence[dict], second: Sequence[dict]) -> Report:
    """Scores of one annotation (``second``) against another (``first``) of the same docs.
    An item that either annotator marks optional counts neither way, so F1 is the same
    either way round: it measures how far two annotators agree."""
    report = Report(
        [], {k: Counts() for k in ENTITY_TYPES}, {k: Counts() for k in RELATION_TYPES}, Counts()
    )
    by_doc = {line["doc"]: _gold_doc(line) for line in second}
    for line in first:
        if line["doc"] in by_doc:
            other = by_doc[line["doc"]]
            report.docs.append(line["doc"])
            _score_doc(optional_where(_gold_doc(line), other), as_output(other), report)
    return report


def scored_as_built(gold: dict, annotation: dict, *, everything: bool = False) -> Report:
    """A second annotation of a gold doc scored as a build of it is: its required items (and,
    with ``everything``, its optional ones too) as the output; the gold's optional items
    count neither way. How close a careful reader comes to the gold, on kg's own terms."""
    other = _gold_doc(annotation)
    output = as_output(other)
    if everything:
        loose = as_output(other, optional=True)
        output = OutputDoc(output.nodes + loose.nodes, output.relations + loose.relations)
    report = Report.blank()
    report.docs = [gold["doc"]]
    _score_doc(_gold_doc(gold), output, report)
    return report


def read_gold_lines(paths: Iterable[Path]) -> list[dict]:
    """The raw JSON lines of gold files (checked as :func:`load_gold` checks them)."""
    load_gold(paths)
    return [
        json.loads(line)
        for path in paths
        for line in Path(path).read_text(encoding="utf-8-sig").split("\n")
        if line.strip()
    ]


def evaluate_per_home_city(
    gold_paths: Sequence[Path],
    texts: Path,
    build_graph: Callable[[list[Path], Path, str], Path],
    work: Path,
    default_home: str = "聊城市",
) -> dict[str, Report]:
    """Build the texts of each home city of the gold lines on their own and score each build.

    ``build_graph(pages, out_dir, home_city)`` builds the pages and returns the Turtle
    file; lines without ``home_city`` belong to ``default_home``.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for line in read_gold_lines(gold_paths):
        groups[line.get("home_city") or default_home].append(line)
    reports = {}
    for number, (home, lines) in enumerate(sorted(groups.items())):
        folder = work / f"{number:03d}"
        folder.mkdir(parents=True)
        pages = [texts / line["doc"] for line in lines]
        missing = [str(page) for page in pages if not page.is_file()]
        if missing:
            raise EvaluationError(f"no text for gold docs: {', '.join(missing)}")
        graph = build_graph(pages, folder / "out", home)
        gold = folder / "gold.jsonl"
        gold.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
        reports[home] = evaluate(gold, graph)
    return reports


def evaluate(gold_path: Path, graph_path: Path) -> Report:
    """Score the graph against one gold file."""
    return evaluate_many([gold_path], graph_path)


# Report


def _metric(value: float, denominator: int) -> str:
    return f"{value:.3f}" if denominator else "-"


def _row(name: str, counts: Counts) -> str:
    metrics = (
        _metric(counts.precision, counts.tp + counts.fp),
        _metric(counts.recall, counts.tp + counts.fn),
        _metric(counts.f1, counts.tp + counts.fp + counts.fn),
    )
    return (
        f"{name:<26}"
        + "".join(f"{m:>7}" for m in metrics)
        + "".join(f"{n:>6}" for n in (counts.tp, counts.fp, counts.fn))
    )


def _table(title: str, rows: Iterable[tuple[str, Counts]]) -> list[str]:
    header = f"{title:<26}" + "".join(f"{h:>7}" for h in ("P", "R", "F1"))
    header += "".join(f"{h:>6}" for h in ("tp", "fp", "fn"))
    return [header, *(_row(name, counts) for name, counts in rows)]


def format_report(report: Report) -> str:
    """The report as a plain-text table."""
    lines = [f"docs: {len(report.docs)}"]
    if report.missing_docs:
        lines.append(f"not in the graph: {', '.join(report.missing_docs)}")
    lines.append("")
    lines += _table("entities", [*report.entities.items(), ("micro", report.entity_micro)])
    lines.append("")
    relation_rows: list[tuple[str, Counts]] = []
    for kind, counts in report.relations.items():
        relation_rows.append((kind, counts))
        if kind == "holds_role":
            relation_rows.append(("holds_role (person+role)", report.role_pairs))
    relation_rows.append(("micro", report.relation_micro))
    lines += _table("relations", relation_rows)
    lines.append("")
    lines.append(f"duplicates: {len(report.duplicates)}")
    for duplicate in report.duplicates[:MAX_LISTED_DUPLICATES]:
        nodes = ", ".join(compact_iri(iri) for iri in duplicate.nodes)
        lines.append(f"  {duplicate.doc} {duplicate.type} {duplicate.name}: {nodes}")
    return "\n".join(lines) + "\n"
