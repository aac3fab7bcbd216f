"""Read-only SPARQL over a graph.ttl written by ``kg build``: the engine of ``kg query``.

The graph is loaded into an in-memory pyoxigraph store. The prefixes of the graph contract
(kg, kgr, org, prov, skos, rdfs, rdf, dcterms, schema, xsd, owl) are known without PREFIX
declarations; a query's own declaration of one of them wins. Results print as an aligned
table, as W3C SPARQL CSV or as W3C SPARQL 1.1 JSON.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox

from kg.export.rdf import PREFIXES

FORMATS = ("table", "csv", "json")

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


def _one_line(message: object) -> str:
    """Collapse white space and cut very long messages (pyoxigraph lists expected tokens)."""
    text = " ".join(str(message).split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def is_update(query: str) -> bool:
    """Whether the query is a SPARQL Update request (its first keyword after the prologue)."""
    body = query[_PROLOGUE.match(query).end() :]
    return _UPDATE_KEYWORD.match(body) is not None


def load_store(graph_path: Path) -> ox.Store:
    """An in-memory store holding the Turtle file; QueryError names the file if it cannot."""
    store = ox.Store()
    try:
        store.load(path=str(graph_path), format=ox.RdfFormat.TURTLE)
    except FileNotFoundError as error:
        raise QueryError(f"graph file not found: {graph_path}") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise QueryError(f"cannot read graph file {graph_path}: {_one_line(error)}") from error
    return store


def _execute(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return store.query(query, prefixes=PREFIXES)
    except SyntaxError as error:
        raise QueryError(f"syntax error in query: {_one_line(error)}") from error
    except (OSError, ValueError, TypeError) as error:
        raise QueryError(f"query failed: {_one_line(error)}") from error


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
    return _render(_execute(load_store(graph_path), query), fmt)
