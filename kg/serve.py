"""``kg serve``: a build's graph over the SPARQL 1.1 Protocol, read-only, and its page.

``/sparql`` answers one query per request: GET ``?query=``, POST of a form with ``query=``,
or POST of an ``application/sparql-query`` body. The results come in the W3C format the
``Accept`` header asks for (JSON, XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples,
RDF/XML or JSON-LD for CONSTRUCT and DESCRIBE; the first of each list by default), written
by pyoxigraph; the contract prefixes need no PREFIX lines, as in ``kg query``. Updates are
refused (403) and the store is opened read-only. ``/`` is the build's ``graph.html``.
Every answer allows any origin (CORS), so that YASGUI in a browser can query.

The app is a WSGI callable (WebOb reads the request: query string, form body, Accept header
with its q-values) served by waitress's pool of threads; they share one pyoxigraph Store,
which is safe for concurrent reads and runs queries without holding the GIL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import waitress
from webob import Request, Response
from webob.acceptparse import Accept

from kg.export.rdf import PREFIXES
from kg.query import QueryError, execute, is_update, load_store, one_line, open_store

SPARQL_PATH = "/sparql"
PAGE_PATHS = ("/", "/graph.html")
MAX_BODY_BYTES = 1 << 20
"""Longer requests are refused (413): a query is a few kilobytes."""

SOLUTION_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
"""Media types of SELECT and ASK results, the default first."""
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
"""Media types of CONSTRUCT and DESCRIBE results, the default first."""

READ_ONLY = "this SPARQL endpoint is read-only: updates are refused"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}

StartResponse = Callable[..., Callable[[bytes], object]]


class ServeError(Exception):
    """A folder that cannot be served or an address that cannot be listened on (one line)."""


class ProtocolError(Exception):
    """A request the endpoint refuses: an HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _text(status: int, message: str) -> Response:
    """A plain-text answer of one line."""
    return Response(status=status, text=message + "\n", content_type="text/plain", charset="utf-8")


def _query_text(request: Request) -> str:
    """The query of a SPARQL protocol request; ProtocolError for an update or a bad request."""
    if request.content_type == "application/sparql-update" or "update" in request.params:
        raise ProtocolError(403, READ_ONLY)
    if "default-graph-uri" in request.params or "named-graph-uri" in request.params:
        raise ProtocolError(
            400,
            "default-graph-uri and named-graph-uri are not supported: the graph is the "
            "default graph",
        )
    if request.method != "POST":
        queries = request.GET.getall("query")
    elif request.content_type == "application/sparql-query":
        queries = [request.text]
    elif request.content_type == "application/x-www-form-urlencoded":
        queries = request.POST.getall("query")
    else:
        raise ProtocolError(
            415,
            f"cannot read a body of type {request.content_type or 'none'!r}: send "
            "application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    if len(queries) != 1:
        raise ProtocolError(400, f"give one query parameter, not {len(queries)}")
    if is_update(queries[0]):
        raise ProtocolError(403, READ_ONLY)
    return queries[0]


def _negotiate(accept: Accept, offers: Iterable[str]) -> str:
    """The offered media type the Accept header prefers; ProtocolError 406 if none fits."""
    offers = list(offers)
    acceptable = accept.acceptable_offers(offers)
    if not acceptable:
        raise ProtocolError(
            406,
            f"cannot answer in {accept.header_value!r}: these results come as " + ", ".join(offers),
        )
    return acceptable[0][0]


def _serialize(
    results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, accept: Accept
) -> Response:
    """The results in the W3C format the client accepts, written by pyoxigraph."""
    if isinstance(results, ox.QueryTriples):
        media_type = _negotiate(accept, GRAPH_TYPES)
        body = ox.serialize(results, format=GRAPH_TYPES[media_type], prefixes=PREFIXES)
    else:
        media_type = _negotiate(accept, SOLUTION_TYPES)
        body = results.serialize(format=SOLUTION_TYPES[media_type])
    charset = "utf-8" if media_type.startswith("text/") else None
    response = Response(body=body, content_type=media_type, charset=charset)
    response.vary = ("Accept",)
    return response


@dataclass(frozen=True)
class Endpoint:
    """The WSGI app: SPARQL over the store at /sparql, the build's page at /."""

    store: ox.Store
    page: bytes | None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        response.headers.update(CORS_HEADERS)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        """The answer to one request."""
        if request.path_info == SPARQL_PATH:
            return self.sparql(request)
        if request.path_info in PAGE_PATHS and request.method in ("GET", "HEAD"):
            if self.page is None:
                return _text(404, "this build has no graph.html")
            return Response(body=self.page, content_type="text/html", charset="utf-8")
        if request.path_info in PAGE_PATHS:
            return _text(405, f"{request.method} not allowed on the page: use GET")
        return _text(404, f"no {request.path_info}: SPARQL is at {SPARQL_PATH}, the page at /")

    def sparql(self, request: Request) -> Response:
        """Run the request's query and write its results, or say why not."""
        if request.method == "OPTIONS":
            return Response(status=204)
        if request.method not in ("GET", "HEAD", "POST"):
            response = _text(405, f"{request.method} not allowed: query by GET or POST")
            response.allow = ("GET", "HEAD", "POST", "OPTIONS")
            return response
        try:
            return _serialize(execute(self.store, _query_text(request)), request.accept)
        except ProtocolError as error:
            return _text(error.status, str(error))
        except QueryError as error:
            return _text(400, str(error))
        except UnicodeDecodeError:
            return _text(400, "the query is not UTF-8")
        except (OSError, ValueError) as error:
            return _text(500, f"query failed: {one_line(error)}")


def open_build(folder: Path) -> tuple[Endpoint, str]:
    """The endpoint of the build in ``folder`` and where its triples come from (for the
    message at start); ServeError names the folder if it is not a build."""
    graph = folder / "graph.ttl"
    if not graph.is_file():
        raise ServeError(f"{folder}: not a kg build (no graph.ttl); make one with kg build -o")
    store = open_store(graph)
    source = "graph.store/"
    if store is None:
        source = "graph.ttl loaded into memory (graph.store/ is missing or older)"
        try:
            store = load_store(graph)
        except QueryError as error:
            raise ServeError(str(error)) from None
    page_path = folder / "graph.html"
    page = page_path.read_bytes() if page_path.is_file() else None
    return Endpoint(store, page), source


def make_server(app: Endpoint, host: str, port: int, threads: int):
    """A waitress server listening on host:port (port 0: any free port), not yet serving;
    ServeError when the address cannot be listened on (in use, unknown host). Waitress's
    warning for each request that waits for a free thread is silenced: under load it would
    print a line per request."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        return waitress.create_server(
            app, host=host, port=port, threads=threads, max_request_body_size=MAX_BODY_BYTES
        )
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
