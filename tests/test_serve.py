"""kg serve: the seeds' build over the SPARQL 1.1 Protocol, as clients see it over HTTP."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.serve import open_build

from .conftest import SEEDS

POSTS_OF = """SELECT ?role ?org WHERE {
  ?m org:member/rdfs:label "%s"@zh ; org:role/rdfs:label ?role ;
     org:organization/rdfs:label ?org } ORDER BY ?org ?role"""
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
INSERTED = "ASK { <http://example.org/a> ?p ?o }"
KG = "from kg.cli import main; main()"
START_SECONDS = 30
TIMEOUT = 30


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    build([SEEDS], out, "聊城市", use_cache=False)
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"kg serve did not listen on port {port} within {START_SECONDS} s")


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    """`kg serve` on the build, in its own process on a free port; stopped after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", KG, "serve", str(built), "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(process, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def call(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method=None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request (HTTP errors included)."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(endpoint: str, query: str, accept: str | None = None):
    headers = {"Accept": accept} if accept else {}
    return call(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": query}), None, headers)


def form(endpoint: str, fields: dict[str, str], accept: str | None = None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return call(f"{endpoint}/sparql", urllib.parse.urlencode(fields).encode(), headers)


def json_rows(body: bytes) -> list[tuple[str, ...]]:
    results = json.loads(body)
    names = results["head"]["vars"]
    return [tuple(row[n]["value"] for n in names) for row in results["results"]["bindings"]]


def triple_count(endpoint: str) -> int:
    status, _, body = get(endpoint, TRIPLES)
    assert status == 200
    return int(json_rows(body)[0][0])


def test_select_by_get_answers_sparql_json_by_default(endpoint):
    status, headers, body = get(endpoint, POSTS_OF % "李长萍")
    assert status == 200
    assert headers["Content-Type"] == "application/sparql-results+json"
    assert json.loads(body)["head"]["vars"] == ["role", "org"]
    assert ("书记", "聊城市委") in json_rows(body)


@pytest.mark.parametrize("body_type", ["form", "sparql-query"])
def test_select_by_post(endpoint, body_type):
    query = POSTS_OF % "柳庆发"
    if body_type == "form":
        status, _, body = form(endpoint, {"query": query})
    else:
        headers = {"Content-Type": "application/sparql-query"}
        status, _, body = call(f"{endpoint}/sparql", query.encode(), headers)
    assert status == 200
    assert ("部长", "聊城市委宣传部") in json_rows(body)


def test_csv_tsv_and_xml_by_accept(endpoint):
    query = POSTS_OF % "李长萍"
    status, headers, body = get(endpoint, query, "text/csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["role", "org"] and ["书记", "聊城市委"] in rows
    _, headers, body = get(endpoint, query, "text/tab-separated-values")
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert '"书记"@zh\t"聊城市委"@zh' in body.decode("utf-8").splitlines()
    _, headers, body = get(endpoint, "ASK { ?p a kg:Official }", "application/sparql-results+xml")
    assert headers["Content-Type"] == "application/sparql-results+xml"
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert ET.fromstring(body).find(f"{namespace}boolean").text == "true"


def test_accept_with_quality_values_picks_the_preferred_type(endpoint):
    accept = "application/sparql-results+json;q=0.5, text/csv"
    _, headers, _ = get(endpoint, "ASK { ?s ?p ?o }", accept)
    assert headers["Content-Type"].startswith("text/csv")


def test_construct_as_turtle_or_ntriples(endpoint):
    query = 'CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p rdfs:label "李长萍"@zh, ?l }'
    for accept, fmt in [
        (None, ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ]:
        status, headers, body = get(endpoint, query, accept)
        assert status == 200
        assert headers["Content-Type"].split(";")[0] == fmt.media_type
        triples = list(ox.parse(body, format=fmt))
        assert [t.subject.value for t in triples] == ["https://w3id.org/kg-zh/id/person/李长萍"]


def test_a_type_it_cannot_give_is_406(endpoint):
    status, _, body = get(endpoint, "ASK { ?s ?p ?o }", "text/turtle")
    assert status == 406
    assert b"application/sparql-results+json" in body
    status, _, _ = get(endpoint, "CONSTRUCT WHERE { ?s a kg:Person }", "text/csv")
    assert status == 406


@pytest.mark.parametrize(
    "request_kind",
    ["update field", "sparql-update body", "update in query"],
)
def test_updates_are_refused_and_the_store_is_unchanged(endpoint, request_kind):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    before = triple_count(endpoint)
    if request_kind == "update field":
        status, _, body = form(endpoint, {"update": update})
    elif request_kind == "sparql-update body":
        headers = {"Content-Type": "application/sparql-update"}
        status, _, body = call(f"{endpoint}/sparql", update.encode(), headers)
    else:
        status, _, body = get(endpoint, update)
    assert status == 403
    assert body.decode() == "this SPARQL endpoint is read-only: updates are refused\n"
    assert triple_count(endpoint) == before
    assert json.loads(get(endpoint, INSERTED)[2])["boolean"] is False


def test_a_malformed_query_is_400_with_the_parser_message(endpoint):
    status, headers, body = get(endpoint, "SELECT ?x WHERE { ?x foo:bar ?y ")
    assert status == 400
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    text = body.decode()
    assert text.startswith("syntax error in query: ") and text.count("\n") == 1


def test_requests_without_one_query_are_refused(endpoint):
    assert call(f"{endpoint}/sparql")[0] == 400
    twice = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert call(f"{endpoint}/sparql?{twice}")[0] == 400
    status, _, _ = call(f"{endpoint}/sparql", b"ASK {}", {"Content-Type": "text/plain"})
    assert status == 415
    assert call(f"{endpoint}/sparql", method="DELETE")[0] == 405


def test_page_at_root(endpoint, built):
    status, headers, body = call(f"{endpoint}/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (built / "graph.html").read_bytes()
    assert call(f"{endpoint}/nothing")[0] == 404


def test_cors_lets_a_browser_page_query(endpoint):
    _, headers, _ = get(endpoint, "ASK { ?s ?p ?o }")
    assert headers["Access-Control-Allow-Origin"] == "*"
    preflight = {
        "Origin": "https://yasgui.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    status, headers, _ = call(f"{endpoint}/sparql", headers=preflight, method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_concurrent_clients_get_the_same_answers(endpoint):
    queries = [POSTS_OF % name for name in ("李长萍", "柳庆发", "王刚")] * 8
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda query: get(endpoint, query), queries))
    assert all(status == 200 for status, _, _ in answers)
    alone = [json_rows(get(endpoint, query)[2]) for query in queries[:3]]
    assert [json_rows(body) for _, _, body in answers] == alone * 8
    assert all(alone)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore_queries_it(endpoint, method):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(f"{endpoint}/sparql", method=method))
    rows = graph.query(POSTS_OF % "李长萍")
    assert ("书记", "聊城市委") in {(str(role), str(org)) for role, org in rows}


def test_a_folder_that_is_not_a_build_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path)])
    assert result.exit_code != 0
    assert result.output.count("\n") == 1
    assert str(tmp_path) in result.output and "not a kg build" in result.output


def test_a_port_in_use_is_a_one_line_error(built):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-c", KG, "serve", str(built), "--port", port],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode != 0
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_the_store_of_a_build_is_opened_read_only(built):
    app, source = open_build(built)
    assert source == "graph.store/"
    with pytest.raises(RuntimeError, match="read-write"):
        app.store.update("INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }")


def test_without_its_store_a_build_is_served_from_graph_ttl(built, tmp_path):
    shutil.copy(built / "graph.ttl", tmp_path / "graph.ttl")
    app, source = open_build(tmp_path)
    assert "memory" in source and app.page is None


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "--port" in result.output
