"""The local news corpus: its checker over the whole corpus, the exclusion of measured
articles, and the spans made from annotated names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpora import cut_sentences, localnews_split, read_corpus, write_localnews_gold
from kg.evaluate import load_gold
from kg.localnews import (
    CORPUS_DIR,
    HELDOUT_DIR,
    Blocklist,
    check_corpus,
    check_record,
    entity_spans,
    normalise_url,
    read_records,
    read_sources,
    story_texts,
    window_hashes,
)
from kg.records import ENTITY_TYPES

from .conftest import SHARED, needs_shared

TEXT = (
    "县委书记张三到开发区调研。县委副书记、县长李四陪同。"
    "张三来到山东测试有限公司,该公司位于城关镇。"
)
RECORD = {
    "doc": "t_001.txt",
    "home_city": "测试县",
    "entities": [
        {"name": "张三", "type": "PERSON", "aliases": []},
        {"name": "李四", "type": "PERSON", "aliases": []},
        {"name": "测试县委", "type": "GOV", "aliases": ["县委"]},
        {"name": "测试县人民政府", "type": "GOV", "aliases": []},
        {"name": "山东测试有限公司", "type": "COMPANY", "aliases": []},
        {"name": "城关镇", "type": "PLACE", "aliases": []},
        {"name": "开发区", "type": "PLACE", "aliases": []},
    ],
    "roles": ["书记", "副书记", "县长"],
    "relations": [
        {
            "type": "holds_role",
            "person": "张三",
            "role": "书记",
            "org": "测试县委",
            "evidence": "县委书记张三",
        },
        {
            "type": "holds_role",
            "person": "李四",
            "role": "县长",
            "org": "测试县人民政府",
            "evidence": "县长李四",
        },
        {
            "type": "located_in",
            "head": "山东测试有限公司",
            "tail": "城关镇",
            "evidence": "山东测试有限公司,该公司位于城关镇",
        },
    ],
}


def test_the_whole_corpus_is_well_formed():
    """Every annotation of data/localnews: types, relation ends, names and evidence found in
    the text, each article once, in sources.tsv, with a home city."""
    records = [record for _, _, record in read_records()]
    assert len(records) >= 400
    assert check_corpus(CORPUS_DIR, None) == []
    provinces = {row["province"] for row in read_sources().values()}
    assert len(provinces) >= 20
    kinds = {e["type"] for r in records for e in r["entities"]}
    assert kinds == set(ENTITY_TYPES)


def test_the_blind_held_out_set_is_well_formed_and_no_training_article():
    """data/heldout: sound annotations, and no story of it in the training corpus."""
    assert len(list(read_records(HELDOUT_DIR))) >= 30
    assert check_corpus(HELDOUT_DIR, None) == []
    training = Blocklist()
    training.add_texts(story_texts(HELDOUT_DIR))
    for page in (HELDOUT_DIR / "texts").glob("*.txt"):
        assert training.reason(page.read_text(encoding="utf-8")) is None, page.name


@needs_shared
@pytest.mark.parametrize("corpus", [CORPUS_DIR, HELDOUT_DIR], ids=["localnews", "heldout"])
def test_no_measured_article_is_in_the_corpus(corpus: Path):
    """The held-out articles (exclude/), the dev set and the seed pages: none in the corpus
    nor in the blind held-out set."""
    blocklist = Blocklist.load(SHARED)
    sources = read_sources(corpus)
    for _, _, record in read_records(corpus):
        text = (corpus / "texts" / record["doc"]).read_text(encoding="utf-8")
        assert blocklist.reason(text, sources[record["doc"]]["url"]) is None, record["doc"]


@needs_shared
def test_a_dev_article_is_refused(tmp_path: Path):
    dev_text = next((SHARED / "annotation" / "dev" / "texts").glob("*.txt"))
    result = CliRunner().invoke(main, ["corpus", "check-page", str(dev_text)])
    assert result.exit_code == 1 and "EXCLUDED" in result.output
    page = tmp_path / "page.txt"
    page.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["corpus", "check-page", str(page), "--url", "x.cn/1"])
    assert result.exit_code == 0, result.output


@needs_shared
def test_a_blind_held_out_story_is_refused_for_the_corpus(tmp_path: Path):
    """A copy of a blind held-out article is no training page, while the article itself
    passes as what it is (a held-out page is checked against the others and the corpus)."""
    held_out = sorted((HELDOUT_DIR / "texts").glob("*.txt"))[0]
    copy = tmp_path / "page.txt"
    copy.write_text(held_out.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["corpus", "check-page", str(copy)])
    assert result.exit_code == 1 and "EXCLUDED" in result.output
    result = CliRunner().invoke(main, ["corpus", "check-page", str(held_out)])
    assert result.exit_code == 0, result.output


def test_story_texts_leave_out_the_folder_checked():
    corpus_texts = {p.read_text(encoding="utf-8") for p in (CORPUS_DIR / "texts").glob("*.txt")}
    held_out_texts = {p.read_text(encoding="utf-8") for p in (HELDOUT_DIR / "texts").glob("*.txt")}
    assert set(story_texts(HELDOUT_DIR)) == corpus_texts
    assert set(story_texts(CORPUS_DIR)) == held_out_texts


def test_story_texts_pass_over_a_page_deleted_while_they_are_read(tmp_path, monkeypatch):
    """Annotators write and refuse pages at the same time: a page listed but gone by the
    time it is read (here a link to nothing) is no error."""
    corpus, held_out = tmp_path / "localnews", tmp_path / "heldout"
    for folder in (corpus, held_out):
        (folder / "texts").mkdir(parents=True)
    (corpus / "texts" / "a_001.txt").write_text("县委书记调研项目。", encoding="utf-8")
    (corpus / "texts" / "a_002.txt").symlink_to(tmp_path / "refused.txt")
    monkeypatch.setattr("kg.localnews.CORPUS_DIR", corpus)
    monkeypatch.setattr("kg.localnews.HELDOUT_DIR", held_out)
    assert list(story_texts(held_out)) == ["县委书记调研项目。"]


def test_addresses_are_normalised_as_the_exclude_readme_says():
    assert normalise_url("https://www.Example.cn/a/1.html/") == "example.cn/a/1.html"
    assert normalise_url("http://m.example.cn/a") == "example.cn/a"
    assert normalise_url("example.cn/www.b") == "example.cn/www.b"


def test_text_windows_ignore_white_space():
    assert window_hashes("县委书记张三到开发区调研。县委副书记") == window_hashes(
        "县委书记 张三\n到开发区调研。县委副书记"
    )
    assert len(window_hashes("一" * 20)) == 5


def test_a_page_sharing_a_passage_with_a_measured_article_is_out():
    measured = "本报讯 县委书记张三到开发区调研企业生产经营情况并召开座谈会听取意见建议会议要求"
    blocklist = Blocklist(windows=set(window_hashes(measured)))
    assert blocklist.reason("另一家网站转载:" + measured) is not None
    assert blocklist.reason(TEXT) is None


def test_a_sound_record_has_no_problems():
    assert check_record(RECORD, TEXT) == []


def test_the_checker_names_each_problem():
    bad = json.loads(json.dumps(RECORD))
    bad["entities"].append({"name": "王五", "type": "PERSON", "aliases": []})
    bad["entities"].append({"name": "城关", "type": "TOWN", "aliases": []})
    bad["relations"].append(
        {"type": "located_in", "head": "城关镇", "tail": "张三", "evidence": "x"}
    )
    bad["relations"].append(
        {"type": "holds_role", "person": "李四", "org": "张三", "evidence": "县长李四"}
    )
    problems = "\n".join(check_record(bad, TEXT))
    assert "'王五'" in problems and "not in the text" in problems
    assert "unknown type 'TOWN'" in problems
    assert "evidence 'x'" in problems
    assert "head '城关镇' is a PLACE" in problems
    assert "has no role" in problems and "org '张三' is a PERSON" in problems


def test_spans_are_every_written_form_longest_first():
    spans = [(TEXT[s:e], label) for s, e, label in entity_spans(RECORD, TEXT)]
    assert spans[:4] == [("县委", "GOV"), ("书记", "ROLE"), ("张三", "PERSON"), ("开发区", "PLACE")]
    assert ("副书记", "ROLE") in spans and ("书记", "ROLE") in spans
    assert spans.count(("张三", "PERSON")) == 2
    assert ("山东测试有限公司", "COMPANY") in spans


def test_sentences_keep_their_spans():
    pieces = list(cut_sentences(TEXT, entity_spans(RECORD, TEXT)))
    assert [p.text[-1] for p in pieces] == ["。", "。", "。"]
    second = pieces[1]
    assert [second.text[s:e] for s, e, _ in second.entities] == ["县委", "副书记", "县长", "李四"]


def test_the_corpus_reads_as_training_sentences_with_a_stable_split():
    train = list(read_corpus(Path("unused"), "localnews", "train"))
    dev = list(read_corpus(Path("unused"), "localnews", "dev"))
    assert len(dev) * 5 < len(train)
    labels = {label for s in train for _, _, label in s.entities}
    assert {"PROJECT", "INDUSTRY", "ROLE", "GOV"} <= labels
    assert localnews_split("lu_001.txt") == localnews_split("lu_001.txt")


def test_the_held_out_split_is_written_as_a_gold_file_kg_evaluate_reads(tmp_path):
    gold = write_localnews_gold(tmp_path / "heldout.jsonl")
    docs = [doc.doc for doc in load_gold([gold])]
    assert docs and all(localnews_split(doc) == "dev" for doc in docs)
    every = [record["doc"] for _, _, record in read_records()]
    assert sorted(docs) == sorted(doc for doc in every if localnews_split(doc) == "dev")
    assert all((CORPUS_DIR / "texts" / doc).is_file() for doc in docs)


@pytest.mark.parametrize("command", ["check", "agreement"])
def test_corpus_commands_report(command):
    result = CliRunner().invoke(main, ["corpus", command, str(CORPUS_DIR)])
    assert result.exit_code == 0, result.output
    assert ("articles" in result.output) if command == "check" else ("micro" in result.output)
