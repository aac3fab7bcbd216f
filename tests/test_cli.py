"""The command line end to end, as a user runs it, on the seed pages."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import GOLD, SEEDS, needs_gold

MEMBERS = """SELECT ?name ?role ?org WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?name ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org }"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "articles:" in result.output
    return out


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_build_writes_turtle_that_a_strict_parser_accepts_and_a_page(built):
    triples = list(
        pyoxigraph.parse(path=str(built / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    )
    assert len(triples) > 1000
    page = (built / "graph.html").read_text(encoding="utf-8")
    assert "李长萍" in page


def test_query_membership_count_and_posts(built):
    ttl = str(built / "graph.ttl")
    count = run(
        "query", ttl, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a org:Membership }", "--format", "csv"
    )
    assert count.exit_code == 0, count.output
    assert int(count.output.splitlines()[1]) >= 40
    rows = run("query", ttl, MEMBERS, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(rows.output)))
    found = {(r["name"], r["role"], r["org"]) for r in table}
    assert ("李长萍", "书记", "聊城市委") in found
    assert ("柳庆发", "部长", "聊城市委宣传部") in found
    assert ("王刚", "副市长", "聊城市人民政府") in found


def readme_query(heading: str) -> str:
    """The SPARQL block that follows a line of README.md starting with ``heading``."""
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(heading) :]
    return after.split("```sparql\n", 1)[1].split("```", 1)[0]


def test_readme_companies_by_county_and_industry(built):
    query = readme_query("Companies by county and industry")
    rows = run("query", str(built / "graph.ttl"), query, "--format", "csv")
    assert rows.exit_code == 0, rows.output
    found = {
        (r["county"], r["industry"], r["company"]) for r in csv.DictReader(io.StringIO(rows.output))
    }
    assert ("东阿县", "艾草", "东阿艾仙草药业有限公司") in found
    assert all(county.endswith(("县", "区", "市")) for county, _, _ in found)


def test_query_json_from_a_file_and_update_refused(built, tmp_path):
    question = tmp_path / "q.rq"
    question.write_text(MEMBERS, encoding="utf-8")
    result = run("query", str(built / "graph.ttl"), "--file", str(question), "--format", "json")
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["name", "role", "org"]
    update = run("query", str(built / "graph.ttl"), "DELETE WHERE { ?s ?p ?o }")
    assert update.exit_code != 0
    assert "read-only" in update.output


@needs_gold
def test_evaluate_on_the_seed_gold(built):
    result = run(
        "evaluate", *map(str, sorted(GOLD.glob("*.jsonl"))), "--graph", str(built / "graph.ttl")
    )
    assert result.exit_code == 0, result.output
    micro = next(line for line in result.output.splitlines() if line.startswith("micro"))
    assert float(micro.split()[3]) >= 0.70


def test_same_input_same_bytes(built, tmp_path):
    again = run("build", str(SEEDS), "-o", str(tmp_path))
    assert again.exit_code == 0
    assert (tmp_path / "graph.ttl").read_bytes() == (built / "graph.ttl").read_bytes()
    assert (tmp_path / "graph.html").read_bytes() == (built / "graph.html").read_bytes()


def test_bad_input_is_reported_and_the_rest_is_built(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SEEDS / "000_3b686d864aefadfd.txt", pages)
    (pages / "empty.txt").write_bytes(b"")
    (pages / "binary.txt").write_bytes(bytes(range(256)) * 10)
    result = run("build", str(pages), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "binary.txt" in result.output
    assert "missing.txt" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_county_paper_and_unknown_home(tmp_path):
    page = tmp_path / "county.txt"
    page.write_text("冠县召开会议\n\n县委书记张三出席会议,县长李四主持。\n", encoding="utf-8")
    result = run("build", str(page), "-o", str(tmp_path / "out"), "--home-city", "冠县")
    assert result.exit_code == 0, result.output
    rows = run("query", str(tmp_path / "out" / "graph.ttl"), MEMBERS, "--format", "csv").output
    assert "张三,书记,冠县委" in rows
    assert "李四,县长,冠县人民政府" in rows
    assert "articles: 1 (1 without a title)\n" in result.output
    titled = tmp_path / "titled.txt"
    titled.write_text(
        "冠县召开会议\n\n县委书记张三出席会议并讲话,县长李四主持会议。\n", encoding="utf-8"
    )
    summary = run("build", str(titled), "-o", str(tmp_path / "out2"), "--home-city", "冠县")
    assert "articles: 1\n" in summary.output
    unknown = run("build", str(page), "--home-city", "火星")
    assert unknown.exit_code == 2
    assert "火星" in unknown.output


def test_a_mistyped_home_city_is_built_with_a_guess_and_a_rebuild_says_what_was_cached(tmp_path):
    page = tmp_path / "city.txt"
    page.write_text("唐山召开会议\n\n市委书记张三出席会议,市长李四主持。\n", encoding="utf-8")
    first = run("build", str(page), "-o", str(tmp_path / "out"), "--home-city", "唐三市")
    assert first.exit_code == 0, first.output
    assert "唐三市 is not in the division data (did you mean 唐山市?)" in first.output
    assert "pages: 1\n" in first.output
    again = run("build", str(page), "-o", str(tmp_path / "out"), "--home-city", "唐三市")
    assert "pages: 1 (0 read, 1 from the cache)" in again.output


def test_help_explains_every_command():
    for command in ("build", "query", "evaluate"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output


def test_evaluate_builds_each_home_city_from_texts(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("县委召开会议\n\n县委书记李四主持会议。\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    line = {
        "doc": "a.txt",
        "home_city": "冠县",
        "entities": [
            {"name": "李四", "type": "PERSON", "aliases": []},
            {"name": "冠县委", "type": "GOV", "aliases": ["县委"]},
        ],
        "relations": [{"type": "holds_role", "person": "李四", "role": "书记", "org": "冠县委"}],
    }
    gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("evaluate", str(gold), "--texts", str(texts), "--per-city")
    assert result.exit_code == 0, result.output
    assert "冠县: 1 docs" in result.output
    holds = next(line for line in result.output.splitlines() if line.startswith("holds_role "))
    assert holds.split()[-3:] == ["1", "0", "0"]
    neither = run("evaluate", str(gold))
    assert neither.exit_code == 2 and "--graph or --texts" in neither.output


def test_corpus_lexicons_without_the_corpora_is_a_one_line_error(tmp_path):
    out = tmp_path / "lexicons"
    result = run("corpus", "lexicons", "--corpora", str(tmp_path / "none"), "-o", str(out))
    assert result.exit_code == 2
    assert "Invalid value for '--corpora'" in result.output
    assert f"'{tmp_path / 'none'}' does not exist" in result.output
    assert not out.exists()


def test_a_model_folder_that_is_no_pipeline_is_a_one_line_error(tmp_path):
    (tmp_path / "page.txt").write_text("市委书记李长萍到信发集团调研。", encoding="utf-8")
    empty = tmp_path / "models"
    empty.mkdir()
    result = run("build", str(tmp_path / "page.txt"), "--model", str(empty), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert f"{empty} is no spaCy pipeline (it has no config.cfg)" in result.output
    assert not (tmp_path / "graph.ttl").exists()
