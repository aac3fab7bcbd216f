"""kg evaluate: exact counts on a hand-made graph and gold file, and the real gold files load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build
from kg.evaluate import (
    Counts,
    EvaluationError,
    GoldEntity,
    Node,
    Report,
    agreement,
    evaluate,
    evaluate_docs,
    evaluate_many,
    evaluate_per_home_city,
    format_report,
    load_gold,
    node_matches,
    pairing,
    score,
    scored_as_built,
)
from kg.export.rdf import write_turtle
from kg.graph import build_graph
from kg.records import Article, Dataset, Entity, Fact, Source

from .conftest import GOLD, needs_gold

DATA = Dataset("gb2260", "GB/T 2260", "")
"""Reference data: what a graph takes from it is not extraction and is not scored."""

DOC_D = "000_3b686d864aefadfd.txt"
DOC_E = "001_5d684e7cc0ae9713.txt"
IN_D = Source(Article(DOC_D, 4, "", "", 0, 0).id, "D 的句子")
IN_E = Source(Article(DOC_E, 0, "", "", 0, 0).id, "E 的句子")

GOLD_D = {
    "doc": DOC_D,
    "entities": [
        {"name": "李长萍", "type": "PERSON", "aliases": []},
        {"name": "张洁", "type": "PERSON", "aliases": []},
        {"name": "赵六", "type": "PERSON", "aliases": []},
        {"name": "习近平", "type": "PERSON", "aliases": [], "optional": True},
        {"name": "聊城市委", "type": "GOV", "aliases": ["市委"]},
        {"name": "聊城市人民政府", "type": "GOV", "aliases": ["市政府"]},
        {"name": "本报", "type": "ORG", "aliases": [], "optional": True},
        {"name": "侯营\u3000镇", "type": "PLACE", "aliases": []},
        {"name": "东昌府区", "type": "PLACE", "aliases": []},
        {"name": "云海制衣", "type": "COMPANY", "aliases": []},
    ],
    "relations": [
        {"type": "holds_role", "person": "李长萍", "role": "书记", "org": "聊城市委"},
        {"type": "holds_role", "person": "张洁", "role": "记者", "org": "本报", "optional": True},
        {"type": "holds_role", "person": "赵六", "role": "主任", "org": "聊城市人民政府"},
        {"type": "located_in", "head": "云海制衣", "tail": "侯营\u3000镇"},
        {"type": "located_in", "head": "云海制衣", "tail": "东昌府区", "optional": True},
        {"type": "part_of", "head": "侯营\u3000镇", "tail": "东昌府区"},
    ],
}
GOLD_E = {
    "doc": DOC_E,
    "entities": [
        {"name": "外人", "type": "PERSON", "aliases": []},
        {"name": "侯营镇", "type": "PLACE", "aliases": []},
        {"name": "东昌府区", "type": "PLACE", "aliases": []},
    ],
    "relations": [{"type": "part_of", "head": "侯营镇", "tail": "东昌府区"}],
}


def _entity(entity_id: str, kind: str, name: str, *aliases: str, sources=(IN_D,)) -> Entity:
    return Entity(entity_id, kind, name, set(aliases), list(sources))


def _fact(kind: str, head: str, tail: str, role: str | None = None, sources=(IN_D,)) -> Fact:
    return Fact(kind, head, tail, role, sources=list(sources))


@pytest.fixture(scope="module")
def graph_path(tmp_path_factory) -> Path:
    articles = [Article(DOC_D, 4, "D", "", 0, 10), Article(DOC_E, 0, "E", "", 0, 10)]
    both = (IN_D, IN_E)
    entities = [
        _entity("person/李长萍", "PERSON", "李 长萍"),
        _entity("person/李书记", "PERSON", "李书记", "李长萍"),
        _entity("person/张洁", "PERSON", "张洁"),
        _entity("person/王五", "PERSON", "王五"),
        _entity("person/习近平", "PERSON", "习近平"),
        _entity("person/外人", "PERSON", "外人", sources=(IN_E,)),
        _entity("gov/市委", "GOV", "市委"),
        _entity("org/本报", "ORG", "本报"),
        _entity("place/侯营镇", "PLACE", "侯营镇", sources=both),
        _entity("company/云海制衣", "COMPANY", "云海制衣"),
        _entity("company/东昌府区", "COMPANY", "东昌府区", sources=both),
        _entity("industry/棉服", "INDUSTRY", "棉服"),
        Entity("place/山东省", "PLACE", "山东省", reference=DATA),
    ]
    facts = [
        _fact("holds_role", "person/李长萍", "gov/市委", "书 记"),
        _fact("holds_role", "person/李书记", "gov/市委", "书记"),
        _fact("holds_role", "person/李长萍", "gov/市委", "副书记"),
        _fact("holds_role", "person/张洁", "org/本报", "记者"),
        _fact("located_in", "company/云海制衣", "place/侯营镇"),
        _fact("located_in", "company/云海制衣", "company/东昌府区"),
        _fact("in_industry", "company/云海制衣", "industry/棉服"),
        _fact("part_of", "place/侯营镇", "company/东昌府区", sources=(IN_E,)),
        Fact("part_of", "company/东昌府区", "place/山东省", reference=DATA),
    ]
    path = tmp_path_factory.mktemp("graph") / "graph.ttl"
    write_turtle(build_graph(articles, entities, facts), path)
    return path


def write_gold(path: Path, *docs: dict) -> Path:
    path.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in docs), "utf-8")
    return path


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.fp, c.fn)


def test_entity_counts(graph_path, tmp_path):
    report = evaluate(write_gold(tmp_path / "d.jsonl", GOLD_D), graph_path)
    assert {kind: counts(c) for kind, c in report.entities.items()} == {
        "PERSON": (2, 2, 1),  # 李长萍 (whitespace), 张洁 | duplicate 李书记, 王五 | 赵六
        "GOV": (1, 0, 1),  # 市委 by alias | 聊城市人民政府
        "COMPANY": (1, 1, 0),  # 云海制衣 | 东昌府区 typed COMPANY
        "ORG": (0, 0, 0),  # 本报 is optional
        "PLACE": (1, 0, 1),  # 侯营镇 vs gold "侯营　镇" | 东昌府区
        "PROJECT": (0, 0, 0),
        "INDUSTRY": (0, 1, 0),  # 棉服 is not in the gold
    }
    assert counts(report.entity_micro) == (5, 4, 3)
    assert report.missing_docs == []


def test_relation_counts(graph_path, tmp_path):
    report = evaluate(write_gold(tmp_path / "d.jsonl", GOLD_D), graph_path)
    assert {kind: counts(c) for kind, c in report.relations.items()} == {
        "holds_role": (1, 2, 1),  # role "书 记" | duplicate person, 副书记 | 赵六
        "located_in": (1, 0, 0),  # the one to 东昌府区 matches an optional relation
        "part_of": (0, 0, 1),  # read in doc E only
        "in_industry": (0, 1, 0),
        "invests_in": (0, 0, 0),
    }
    assert counts(report.role_pairs) == (1, 2, 1)
    assert counts(report.relation_micro) == (2, 3, 2)


def test_duplicates(graph_path, tmp_path):
    report = evaluate(write_gold(tmp_path / "d.jsonl", GOLD_D), graph_path)
    assert [(d.doc, d.type, d.name) for d in report.duplicates] == [(DOC_D, "PERSON", "李长萍")]
    assert [node.rsplit("/", 1)[1] for node in report.duplicates[0].nodes] == ["李书记", "李长萍"]


def test_documents_are_scored_apart_and_summed(graph_path, tmp_path):
    gold_d = write_gold(tmp_path / "d.jsonl", GOLD_D)
    gold_e = write_gold(tmp_path / "e.jsonl", GOLD_E)
    report = evaluate_many([gold_d, gold_e], graph_path)
    assert report.docs == [DOC_D, DOC_E]
    assert counts(report.entities["PERSON"]) == (3, 2, 1)
    assert counts(report.entities["PLACE"]) == (2, 0, 2)
    assert counts(report.entities["COMPANY"]) == (1, 2, 0)
    assert counts(report.relations["part_of"]) == (1, 0, 1)


def test_each_document_has_its_own_report(graph_path, tmp_path):
    gold_d = write_gold(tmp_path / "d.jsonl", GOLD_D)
    other = {"doc": "002_cb29aed98be3fa2a.txt", "entities": [], "relations": []}
    gold_e = write_gold(tmp_path / "e.jsonl", GOLD_E, other)
    reports = evaluate_docs([gold_d, gold_e], graph_path)
    assert [r.docs for r in reports] == [[DOC_D], [DOC_E], ["002_cb29aed98be3fa2a.txt"]]
    assert [r.missing_docs for r in reports] == [[], [], ["002_cb29aed98be3fa2a.txt"]]
    assert [counts(r.entities["PERSON"]) for r in reports] == [(2, 2, 1), (1, 0, 0), (0, 0, 0)]
    summed = sum(reports, Report.blank())
    whole = evaluate_many([gold_d, gold_e], graph_path)
    assert summed.entities == whole.entities and summed.relations == whole.relations


def test_a_second_annotation_scored_as_a_build():
    """Its required items are the output (its optional ones too with ``everything``); the
    gold's optional items count neither way."""
    gold = {
        "doc": DOC_D,
        "entities": [
            {"name": "李长萍", "type": "PERSON", "aliases": []},
            {"name": "聊城市委", "type": "GOV", "aliases": ["市委"]},
            {"name": "本报", "type": "ORG", "aliases": [], "optional": True},
        ],
        "relations": [],
    }
    second = {
        "doc": DOC_D,
        "entities": [
            {"name": "李长萍", "type": "PERSON", "aliases": []},
            {"name": "市委", "type": "GOV", "aliases": [], "optional": True},
            {"name": "本报", "type": "ORG", "aliases": []},
            {"name": "东昌府区", "type": "PLACE", "aliases": [], "optional": True},
        ],
        "relations": [],
    }
    required = scored_as_built(gold, second)
    assert required.docs == [DOC_D]
    assert counts(required.entity_micro) == (1, 0, 1)
    everything = scored_as_built(gold, second, everything=True)
    assert counts(everything.entities["GOV"]) == (1, 0, 0)
    assert counts(everything.entities["PLACE"]) == (0, 1, 0)
    assert counts(everything.entities["ORG"]) == (0, 0, 0)


def test_gold_doc_missing_from_the_graph(graph_path, tmp_path):
    other = {"doc": "002_cb29aed98be3fa2a.txt", "entities": [], "relations": []}
    other["entities"].append({"name": "李兆宪", "type": "PERSON", "aliases": []})
    report = evaluate(write_gold(tmp_path / "x.jsonl", other), graph_path)
    assert report.missing_docs == ["002_cb29aed98be3fa2a.txt"]
    assert counts(report.entities["PERSON"]) == (0, 0, 1)
    assert "not in the graph: 002_cb29aed98be3fa2a.txt" in format_report(report)


def test_a_node_is_paired_with_one_gold_entity_at_most():
    conflated = Node("n", "GOV", frozenset({"市委", "市政府"}))
    gold = [
        GoldEntity("GOV", "聊城市委", frozenset({"聊城市委", "市委"})),
        GoldEntity("GOV", "聊城市人民政府", frozenset({"聊城市人民政府", "市政府"})),
    ]
    assert counts(score([conflated], gold, node_matches)) == (1, 0, 1)
    second = Node("m", "GOV", frozenset({"市委"}))
    assert counts(score([conflated, second], gold, node_matches)) == (2, 0, 0)
    assert pairing([conflated, second], gold, node_matches) == {0: 1, 1: 0}


def test_format_report(graph_path, tmp_path):
    text = format_report(evaluate(write_gold(tmp_path / "d.jsonl", GOLD_D), graph_path))
    lines = text.splitlines()
    assert lines[0] == "docs: 1"
    assert lines[2].split() == ["entities", "P", "R", "F1", "tp", "fp", "fn"]
    assert lines[3].split() == ["PERSON", "0.500", "0.667", "0.571", "2", "2", "1"]
    assert "ORG - - - 0 0 0" in [" ".join(line.split()) for line in lines]
    assert any(line.split()[:3] == ["holds_role", "(person+role)", "0.333"] for line in lines)
    assert "duplicates: 1" in lines
    assert f"  {DOC_D} PERSON 李长萍: kgr:person/李书记, kgr:person/李长萍" in lines


def test_bad_inputs(graph_path, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"doc": DOC_D, "entities": []}) + "\n{not json\n", "utf-8")
    with pytest.raises(EvaluationError, match=r"broken\.jsonl:2"):
        evaluate(broken, graph_path)
    twice = write_gold(tmp_path / "twice.jsonl", GOLD_D, GOLD_D)
    with pytest.raises(EvaluationError, match="more than once"):
        evaluate(twice, graph_path)
    with pytest.raises(EvaluationError, match="cannot read gold file"):
        evaluate(tmp_path / "none.jsonl", graph_path)
    with pytest.raises(EvaluationError, match=r"graph file not found: .*none\.ttl"):
        evaluate(write_gold(tmp_path / "d.jsonl", GOLD_D), tmp_path / "none.ttl")


@needs_gold
def test_the_real_gold_files_load(graph_path):
    paths = sorted(GOLD.glob("*.jsonl"))
    assert paths, "the seed gold files are missing"
    docs = load_gold(paths)
    assert DOC_D in {doc.doc for doc in docs}
    assert all(all(end for end in r.ends) for doc in docs for r in doc.relations)
    report = evaluate_many(paths, graph_path)
    raw = [json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines()]
    persons = sum(
        1 for doc in raw for e in doc["entities"] if e["type"] == "PERSON" and not e.get("optional")
    )
    person = report.entities["PERSON"]
    assert person.tp + person.fn == persons
    assert person.tp >= 2  # 李长萍 and 张洁 are in the seed doc and in the graph


def test_gold_strings_may_hold_unicode_line_separators(tmp_path):
    doc = {"doc": DOC_D, "entities": [{"name": "甲\u2028乙", "type": "ORG", "aliases": []}]}
    (gold,) = load_gold([write_gold(tmp_path / "u.jsonl", doc)])
    assert gold.entities[0].forms == {"甲乙"}


def test_agreement_scores_one_annotation_against_another():
    second = json.loads(json.dumps(GOLD_D))
    second["entities"] = [e for e in second["entities"] if e["name"] != "赵六"]
    second["entities"].append({"name": "钱七", "type": "PERSON", "aliases": []})
    second["relations"] = [r for r in second["relations"] if r.get("person") != "赵六"]
    report = agreement([GOLD_D, GOLD_E], [second])
    assert report.docs == [DOC_D]
    assert counts(report.entities["PERSON"]) == (2, 1, 1)  # 李长萍, 张洁 | 钱七 | 赵六
    assert counts(report.relations["holds_role"]) == (1, 0, 1)
    assert agreement([GOLD_D], [GOLD_D]).entity_micro.f1 == 1.0


def test_what_either_annotator_marks_optional_counts_neither_way():
    """赵六 optional in the second annotation, 习近平 and 本报 optional in the first: none of
    the three is a miss or an extra, whichever annotation is taken as the reference."""
    second = json.loads(json.dumps(GOLD_D))
    for entity in second["entities"]:
        entity["optional"] = entity["name"] == "赵六"
    one, other = agreement([GOLD_D], [second]), agreement([second], [GOLD_D])
    assert counts(one.entities["PERSON"]) == counts(other.entities["PERSON"]) == (2, 0, 0)
    assert counts(one.entities["ORG"]) == counts(other.entities["ORG"]) == (0, 0, 0)
    assert one.entity_micro.f1 == other.entity_micro.f1 == 1.0


def test_each_home_city_is_built_on_its_own(tmp_path):
    """Two papers' articles: each built with its own home city, the counts summed."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("市委召开会议\n\n市委书记王建军主持会议。\n", encoding="utf-8")
    (texts / "b.txt").write_text("县委召开会议\n\n县委书记李四主持会议。\n", encoding="utf-8")
    lines = [
        ("a.txt", "胶南市", "王建军", "胶南市委"),
        ("b.txt", "冠县", "李四", "冠县委"),
    ]
    gold = write_gold(
        tmp_path / "gold.jsonl",
        *(
            {
                "doc": doc,
                "home_city": home,
                "entities": [
                    {"name": person, "type": "PERSON", "aliases": []},
                    {"name": org, "type": "GOV", "aliases": [org[-2:]]},
                ],
                "relations": [{"type": "holds_role", "person": person, "role": "书记", "org": org}],
            }
            for doc, home, person, org in lines
        ),
    )
    homes = []

    def build_graph(pages, out_dir, home_city):
        homes.append((home_city, [p.name for p in pages]))
        build(pages, out_dir, home_city, use_cache=False)
        return out_dir / "graph.ttl"

    reports = evaluate_per_home_city([gold], texts, build_graph, tmp_path / "work")
    assert sorted(homes) == [("冠县", ["b.txt"]), ("胶南市", ["a.txt"])]
    total = sum(reports.values(), Report.blank())
    assert sorted(total.docs) == ["a.txt", "b.txt"]
    assert counts(total.relations["holds_role"]) == (2, 0, 0)
