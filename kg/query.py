"""Read-only SPARQL over a graph.ttl written by ``kg build``: the engine of ``kg query``.

A build writes, beside graph.ttl, an on-disk pyoxigraph store of the same triples
(graph.store), stamped with the Turtle file's identity; a query opens it read-only when the
stamp matches, and otherwise loads the Turtle file into an in-memory store. The prefixes of
the graph contract (kg, kgr, org, prov, skos, rdfs, rdf, dcterms, schema, xsd, owl, time) are
known without PREFIX declarations; a query's own declaration of one of them wins. Results
print as an aligned table, as W3C SPARQL CSV or as W3C SPARQL 1.1 JSON.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.export.rdf import PREFIXES

FORMATS = ("table", "csv", "json")
STORE_SUFFIX = ".store"
"""``graph.ttl`` -> ``graph.store``: the on-disk store of the Turtle file."""
STORE_CHUNK_LINES = 50_000
"""A build loads its store this many triples at a time: pyoxigraph's bulk loader holds a
whole batch of up to a million triples in memory (260 MB for 340,000), and 50,000 at a time
take 100 MB and hardly longer."""

_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON}

_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE
)
_UPDATE_KEYWORD = re.compile(
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_MESSAGE_LIMIT = 200


class QueryError(Exception):
    """A query that cannot run; the message is one line, fit for the terminal."""


def one_line(message: object) -> str:
    """Collapse white space and cut very long messages (pyoxigraph lists expected tokens)."""
    text = " ".join(str(message).split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def is_update(query: str) -> bool:
    """Whether the query is a SPARQL Update request (its first keyword after the prologue)."""
    body = query[_PROLOGUE.match(query).end() :]
    return _UPDATE_KEYWORD.match(body) is not None


def store_path(graph_path: Path) -> Path:
    """The folder of the on-disk store that a build writes beside its Turtle file."""
    return graph_path.with_suffix(STORE_SUFFIX)


def _stamp(graph_path: Path) -> dict[str, int]:
    """What identifies this version of the Turtle file: size, change time, inode."""
    stat = graph_path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def _chunks(ntriples: Path) -> Iterator[bytes]:
    """The lines of an N-Triples file (it has no blank nodes) ``STORE_CHUNK_LINES`` at a
    time."""
    with ntriples.open("rb") as lines:
        while chunk := b"".join(islice(lines, STORE_CHUNK_LINES)):
            yield chunk


def prepare_store(graph_path: Path, ntriples: bytes | Path) -> Path:
    """The triples (N-Triples, or an N-Triples file read in a stream) in a new on-disk store,
    in a temporary folder beside the store of the Turtle file ``graph_path``; leftovers of
    interrupted builds are removed."""
    target = store_path(graph_path)
    for stale in target.parent.glob(f".{target.name}.*"):
        shutil.rmtree(stale, ignore_errors=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    store = ox.Store(str(temp / "db"))
    for chunk in [ntriples] if isinstance(ntriples, bytes) else _chunks(ntriples):
        store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES)
    temp.chmod(0o755)
    return temp


def install_store(prepared: Path, graph_path: Path) -> Path:
    """Stamp a prepared store with the Turtle file's identity (write the file first) and put
    it in place of the previous store."""
    target = store_path(graph_path)
    (prepared / "stamp.json").write_text(json.dumps(_stamp(graph_path)), encoding="utf-8")
    if target.exists():
        old = prepared.with_name(prepared.name + "-old")
        target.rename(old)
        prepared.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        prepared.rename(target)
    return target


def write_store(graph_path: Path, ntriples: bytes) -> Path:
    """Index the triples of the Turtle file ``graph_path`` (given as N-Triples) in an on-disk
    store beside it, stamped with the file's identity; replaces the previous store."""
    return install_store(prepare_store(graph_path, ntriples), graph_path)


def open_store(graph_path: Path) -> ox.Store | None:
    """The on-disk store of the Turtle file when it was made from this very file, else None."""
    folder = store_path(graph_path)
    try:
        stamp = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
        if stamp != _stamp(graph_path):
            return None
        return ox.Store.read_only(str(folder / "db"))
    except (OSError, ValueError):
        return None


def load_store(graph_path: Path) -> ox.Store:
    """The store of the Turtle file: the on-disk one a build wrote beside it while it matches
    the file, else the file loaded into memory; QueryError names the file if it cannot."""
    store = open_store(graph_path)
    if store is not None:
        return store
    store = ox.Store()
    try:
        store.load(path=str(graph_path), format=ox.RdfFormat.TURTLE)
    except FileNotFoundError as error:
        raise QueryError(f"graph file not found: {graph_path}") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise QueryError(f"cannot read graph file {graph_path}: {one_line(error)}") from error
    return store


def execute(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query with the contract's prefixes; QueryError says in one line why it cannot."""
    try:
        return store.query(query, prefixes=PREFIXES)
    except SyntaxError as error:
        raise QueryError(f"syntax error in query: {one_line(error)}") from error
    except (OSError, ValueError, TypeError) as error:
        raise QueryError(f"query failed: {one_line(error)}") from error


def compact_iri(iri: str) -> str:
    """An IRI as prefix:rest when a contract prefix fits (for reading, not for pasting)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _cell(term: object) -> str:
    """How a bound value shows in a table cell."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = compact_iri(term.value)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Literal):
        text = term.value
    else:
        text = str(term)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """An aligned plain-text table with a header, a rule and a row count."""
    widths = [
        max([_width(cell) for cell in column], default=0)
        for column in zip(header, *rows, strict=True)
    ]
    lines = [header, ["-" * width for width in widths], *rows]
    text = [
        "  ".join(_pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    count = len(rows)
    text.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(text) + "\n"


def _solutions_table(solutions: ox.QuerySolutions) -> str:
    variables = solutions.variables
    rows = [[_cell(solution[var]) for var in variables] for solution in solutions]
    return format_table([var.value for var in variables], rows)


def _render(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> str:
    if isinstance(results, ox.QueryTriples):
        if fmt != "table":
            raise QueryError(
                f"format {fmt} is for SELECT and ASK results; CONSTRUCT and DESCRIBE print Turtle"
            )
        return ox.serialize(results, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()
    if fmt in _RESULT_FORMATS:
        text = results.serialize(format=_RESULT_FORMATS[fmt]).decode()
        return text if text.endswith("\n") else text + "\n"
    if isinstance(results, ox.QueryBoolean):
        return "true\n" if bool(results) else "false\n"
    return _solutions_table(results)


def run_query(graph_path: Path, query: str, fmt: str = "table") -> str:
    """Run a read-only SPARQL query over the Turtle file; return the formatted results."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if is_update(query):
        raise QueryError("kg query is read-only: update queries are not allowed")
    return _render(execute(load_store(graph_path), query), fmt)
