"""kg query: read-only SPARQL over graph.ttl, as a table, W3C CSV or W3C JSON."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pyoxigraph as ox
import pytest

import kg.query
from kg.export.rdf import to_ntriples, write_turtle
from kg.graph import build_graph
from kg.query import (
    QueryError,
    install_store,
    is_update,
    prepare_store,
    run_query,
    store_path,
    write_store,
)
from kg.records import Article, Entity, Fact, Source

ARTICLE = Article("000_3b686d864aefadfd.txt", 4, "我市举办庆祝第25个中国记者节活动", "…", 0, 500)
SOURCE = Source(ARTICLE.id, "市委常委、宣传部部长、统战部部长柳庆发出席并致辞。")

WHO_HOLDS_WHAT = """
SELECT ?person ?role ?org WHERE {
  ?m a org:Membership ;
     org:member/rdfs:label ?person ;
     org:role/rdfs:label ?role ;
     org:organization/rdfs:label ?org .
} ORDER BY ?org"""


@pytest.fixture(scope="module")
def graph_path(tmp_path_factory):
    entities = [
        Entity("person/柳庆发", "PERSON", "柳庆发", set(), [SOURCE]),
        Entity("gov/聊城市委宣传部", "GOV", "聊城市委宣传部", {"宣传部"}, [SOURCE]),
        Entity("gov/聊城市委统战部", "GOV", "聊城市委统战部", {"统战部"}, [SOURCE]),
    ]
    facts = [
        Fact("holds_role", "person/柳庆发", "gov/聊城市委宣传部", "部长", sources=[SOURCE]),
        Fact("holds_role", "person/柳庆发", "gov/聊城市委统战部", "部长", sources=[SOURCE]),
    ]
    path = tmp_path_factory.mktemp("graph") / "graph.ttl"
    write_turtle(build_graph([ARTICLE], entities, facts), path)
    return path


def test_membership_count(graph_path):
    text = run_query(graph_path, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a org:Membership }")
    assert text.splitlines() == ["n", "-", "2", "(1 row)"]


def test_who_holds_which_role_in_which_organisation(graph_path):
    lines = run_query(graph_path, WHO_HOLDS_WHAT).splitlines()
    assert lines[0].split() == ["person", "role", "org"]
    assert [line.split() for line in lines[2:4]] == [
        ["柳庆发", "部长", "聊城市委宣传部"],
        ["柳庆发", "部长", "聊城市委统战部"],
    ]
    assert lines[4] == "(2 rows)"


def test_table_columns_align_by_display_width(graph_path):
    lines = run_query(graph_path, WHO_HOLDS_WHAT).splitlines()[:4]
    # 柳庆发 takes 6 terminal columns, so "person" is padded to 6 and role starts at column 8
    assert lines[0].startswith("person  role  org")
    assert lines[1].startswith("------  ----  ")
    assert lines[2].startswith("柳庆发  部长  ")


def test_iris_show_with_prefixes(graph_path):
    text = run_query(graph_path, "SELECT ?p WHERE { ?p a kg:Person }")
    assert "kgr:person/柳庆发" in text


def test_csv_is_w3c(graph_path):
    text = run_query(graph_path, WHO_HOLDS_WHAT, fmt="csv")
    assert text.startswith("person,role,org\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1:] == [["柳庆发", "部长", "聊城市委宣传部"], ["柳庆发", "部长", "聊城市委统战部"]]


def test_json_is_w3c(graph_path):
    query = "SELECT ?m ?person ?unbound WHERE { ?m org:member/rdfs:label ?person } ORDER BY ?m"
    results = json.loads(run_query(graph_path, query, fmt="json"))
    assert results["head"]["vars"] == ["m", "person", "unbound"]
    bindings = results["results"]["bindings"]
    assert len(bindings) == 2
    assert bindings[0]["person"] == {"type": "literal", "value": "柳庆发", "xml:lang": "zh"}
    assert bindings[0]["m"]["type"] == "uri"
    assert bindings[0]["m"]["value"].startswith("https://w3id.org/kg-zh/id/membership/")
    assert "unbound" not in bindings[0]


def test_ask(graph_path):
    assert run_query(graph_path, "ASK { ?p a kg:Official }") == "true\n"
    assert run_query(graph_path, "ASK { ?p a kg:Company }") == "false\n"
    assert json.loads(run_query(graph_path, "ASK { ?p a kg:Official }", fmt="json")) == {
        "head": {},
        "boolean": True,
    }


def test_construct_prints_turtle(graph_path):
    text = run_query(
        graph_path, "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }"
    )
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    assert [t.object.value for t in triples] == ["柳庆发"]
    with pytest.raises(QueryError, match="CONSTRUCT"):
        run_query(graph_path, "DESCRIBE ?p WHERE { ?p a kg:Person }", fmt="json")


def test_query_prefix_declaration_wins(graph_path):
    query = "PREFIX kg: <http://example.org/> ASK { ?p a kg:Person }"
    assert run_query(graph_path, query) == "false\n"


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "delete { ?s ?p ?o } where { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://g>",
        "CREATE GRAPH <http://g>",
        "ADD DEFAULT TO <http://g>",
        "MOVE DEFAULT TO <http://g>",
        "COPY DEFAULT TO <http://g>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "# a comment\nPREFIX ex: <http://example.org/#>\nBASE <http://b/>\n"
        "  INSERT DATA { ex:a ex:b ex:c }",
    ],
)
def test_updates_are_refused(graph_path, query):
    assert is_update(query)
    with pytest.raises(
        QueryError, match=r"^kg query is read-only: update queries are not allowed$"
    ):
        run_query(graph_path, query)


def test_select_mentioning_update_words_is_not_an_update():
    assert not is_update("# INSERT\nSELECT ?insert WHERE { ?insert ?p 'DELETE' }")


def test_syntax_error(graph_path):
    with pytest.raises(QueryError, match=r"^syntax error in query: ") as error:
        run_query(graph_path, "SELECT ?x WHERE { ?x foo:bar ?y ")
    assert "\n" not in str(error.value)


def test_missing_graph_file(tmp_path):
    missing = tmp_path / "nope.ttl"
    with pytest.raises(QueryError, match=r"graph file not found: .*nope\.ttl"):
        run_query(missing, "ASK {}")


def test_unparseable_graph_file(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"cannot read graph file .*broken\.ttl") as error:
        run_query(broken, "ASK {}")
    assert "\n" not in str(error.value)


def test_unknown_format(graph_path):
    with pytest.raises(QueryError, match="unknown format"):
        run_query(graph_path, "ASK {}", fmt="xml")


def test_the_store_beside_the_file_answers_while_it_matches_the_file(graph_path, tmp_path):
    path = tmp_path / "graph.ttl"
    shutil.copy(graph_path, path)
    other = build_graph([ARTICLE], [Entity("person/王五", "PERSON", "王五", set(), [SOURCE])], [])
    store = write_store(path, to_ntriples(other))
    assert store == store_path(path) == tmp_path / "graph.store"
    names = "SELECT ?n WHERE { ?p a kg:Person ; rdfs:label ?n }"
    assert "王五" in run_query(path, names)
    path.write_bytes(path.read_bytes() + b"\n")
    assert "柳庆发" in run_query(path, names)
    assert "王五" not in run_query(path, names)


def test_a_new_store_replaces_the_old_one(graph_path, tmp_path):
    path = tmp_path / "graph.ttl"
    shutil.copy(graph_path, path)
    for name in ("王五", "赵六"):
        graph = build_graph([ARTICLE], [Entity(f"person/{name}", "PERSON", name, set(), [])], [])
        write_store(path, to_ntriples(graph))
    assert "赵六" in run_query(path, "SELECT ?n WHERE { ?p rdfs:label ?n }")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.store", "graph.ttl"]


def test_a_store_loaded_from_a_file_a_chunk_at_a_time_holds_every_triple(
    graph_path, tmp_path, monkeypatch
):
    """A build loads the store from its N-Triples file a few lines at a time."""
    path = tmp_path / "graph.ttl"
    shutil.copy(graph_path, path)
    ntriples = tmp_path / "graph.nt"
    ntriples.write_bytes(ox.serialize(ox.parse(path=graph_path), format=ox.RdfFormat.N_TRIPLES))
    monkeypatch.setattr(kg.query, "STORE_CHUNK_LINES", 7)
    lines = len(ntriples.read_bytes().splitlines())
    assert lines > 7 * 10
    install_store(prepare_store(path, ntriples), path)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_query(path, count).splitlines()[2] == str(lines)
    assert "柳庆发" in run_query(path, WHO_HOLDS_WHAT)
