"""Training: the model parts of kg.features, the scorer, and a small end-to-end run."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.tokens import Span
from thinc.api import NumpyOps, get_current_ops, set_current_ops

from kg.features import (
    FEATURES,
    NumpyGemmOps,
    bigram_keys,
    char_bigram_embed,
    split_at_spaces,
    use_ops,
    word_keys,
)
from kg.records import NER_LABELS
from kg.train import NER_CONFIG, TrainingTimeUp, score_spans, time_limit, train

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def test_bigram_keys_follow_the_text() -> None:
    nlp = spacy.blank("zh")
    keys = bigram_keys(nlp.make_doc("市长市长说"))
    assert keys.shape == (5, len(FEATURES)) and keys.dtype == numpy.uint64
    orth, left, right = keys[:, 0], keys[:, 1], keys[:, 2]
    assert orth[0] == orth[2] and orth[0] != orth[1]
    assert left[1] == left[3] and right[0] == right[2]
    assert left[0] != left[2]
    assert len(set(left) | set(right)) == 8
    assert bigram_keys(nlp.make_doc("")).shape == (0, len(FEATURES))


def test_a_space_is_a_bigram_boundary() -> None:
    nlp = spacy.blank("zh")
    spaced = bigram_keys(nlp.make_doc("张洁 吴兆旭"))
    apart = numpy.concatenate([bigram_keys(nlp.make_doc(t)) for t in ("张洁", "吴兆旭")])
    numpy.testing.assert_array_equal(spaced, apart)


def test_word_keys_follow_the_dictionary_words() -> None:
    """聊城市/人民政府: a word's characters share its word, marked by their places; the same
    word elsewhere has the same keys, and a place name's class is not a body's."""
    city = word_keys("聊城市人民政府")
    county = word_keys("县人民政府")
    assert city.shape == (7, 2)
    numpy.testing.assert_array_equal(city[3:], county[1:])
    assert len(set(city[:3, 0])) == 3 and len(set(city[3:, 0])) == 3 and city[4, 0] == city[5, 0]
    assert city[0, 1] != city[3, 1]
    assert word_keys("").shape == (0, 2)


def test_split_at_spaces_cuts_names_but_not_line_breaks() -> None:
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("记者 朱海波 陈丽丽\n郭\n伟")
    doc.ents = [Span(doc, 2, 8, "PERSON"), Span(doc, 9, 12, "PERSON")]
    names = [(e.text, e.label_) for e in split_at_spaces(doc).ents]
    assert names == [("朱海波", "PERSON"), ("陈丽丽", "PERSON"), ("郭\n伟", "PERSON")]


def test_split_at_spaces_cuts_at_separating_punctuation() -> None:
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("阳谷县、莘县")
    doc.ents = [Span(doc, 0, 6, "PLACE")]
    assert [e.text for e in split_at_spaces(doc).ents] == ["阳谷县", "莘县"]


def test_split_at_spaces_drops_one_character_pieces() -> None:
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("港 中国华电集团")
    doc.ents = [Span(doc, 0, 1, "PLACE"), Span(doc, 1, 7, "COMPANY")]
    assert [e.text for e in split_at_spaces(doc).ents] == ["中国华电集团"]


def test_char_bigram_embed_outputs_one_row_per_char() -> None:
    nlp = spacy.blank("zh")
    docs = [nlp.make_doc("聊城市委书记"), nlp.make_doc("好")]
    model = char_bigram_embed(width=16, rows=[50, 100, 100, 10, 100, 10])
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(6, 16), (1, 16)]
    with pytest.raises(ValueError, match="rows"):
        char_bigram_embed(width=16, rows=[50, 100])


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True)])
def test_numpy_gemm_ops_matches_numpy_ops(trans1: bool, trans2: bool) -> None:
    rng = numpy.random.default_rng(0)
    x = rng.random((7, 5), dtype="float32")
    y = rng.random((5, 3), dtype="float32")
    x = numpy.ascontiguousarray(x.T) if trans1 else x
    y = numpy.ascontiguousarray(y.T) if trans2 else y
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    fast = NumpyGemmOps().gemm(x, y, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(fast, expected, rtol=1e-5)
    out = numpy.zeros_like(expected)
    assert NumpyGemmOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out


def test_use_ops_sets_the_current_backend() -> None:
    before = get_current_ops()
    try:
        assert use_ops("numpy_gemm")(spacy.blank("zh").__class__)
        assert isinstance(get_current_ops(), NumpyGemmOps)
    finally:
        set_current_ops(before)


def test_time_limit_stops_after_the_deadline() -> None:
    check = time_limit(minutes=0)
    check(spacy.blank("zh"), {"step": 0})
    with pytest.raises(TrainingTimeUp):
        check(spacy.blank("zh"), {"step": 1})


def test_score_spans() -> None:
    gold = [{(0, 2, "PERSON"), (3, 5, "GOV")}, {(0, 3, "ROLE")}]
    predicted = [{(0, 2, "PERSON"), (3, 5, "ORG")}, {(0, 3, "ROLE"), (4, 6, "PLACE")}]
    scores = score_spans(gold, predicted, ["PERSON", "GOV", "ORG", "ROLE"])
    assert scores["PERSON"]["f"] == 1.0
    assert scores["GOV"]["r"] == 0.0 and scores["ORG"]["p"] == 0.0
    assert scores["ALL"]["p"] == pytest.approx(2 / 3) and scores["ALL"]["r"] == pytest.approx(2 / 3)


def test_config_is_in_the_repository() -> None:
    assert NER_CONFIG.exists()
    config = spacy.util.load_config(NER_CONFIG)
    assert config["nlp"]["tokenizer"]["segmenter"] == "char"
    assert config["components"]["tok2vec"]["model"]["embed"]["@architectures"] == (
        "kg.CharBigramEmbed.v1"
    )


@pytest.mark.skipif(not CORPORA.exists(), reason="needs shared/corpora")
def test_small_training_run(tmp_path: Path) -> None:
    """All five stages, two epochs each on a tiny slice of every corpus and of the local
    news: a pipeline that loads, with our eight labels, the name filter (before the NER and,
    judging projects, after it), the relation component and the industry holder."""
    before = get_current_ops()
    try:
        model_dir = train(
            tmp_path / "model", CORPORA, small=True, max_minutes=5, work_dir=tmp_path / "work"
        )
    finally:
        set_current_ops(before)
    nlp = spacy.load(model_dir)
    assert nlp.pipe_names == [
        "tok2vec",
        "kg_name_filter",
        "ner",
        "split_at_spaces",
        "kg_project_filter",
        "kg_relations",
        "kg_industry_holder",
    ]
    assert nlp.config["training"]["before_update"] is None
    assert "base_model" not in nlp.config["paths"]
    assert (tmp_path / "work" / "first" / "run" / "model-best").exists()
    finetuned = spacy.util.load_config(tmp_path / "work" / "finetune" / "ner-finetune.cfg")
    assert finetuned["paths"]["base_model"] == str(
        tmp_path / "work" / "first" / "run" / "model-best"
    )
    assert set(nlp.get_pipe("ner").labels) == set(NER_LABELS)
    doc = nlp("聊城市委书记李长萍到信发集团调研。")
    assert len(doc) == 17
    assert all(ent.label_ in NER_LABELS for ent in doc.ents)
    assert isinstance(doc._.kg_relations, list)
    relations = tmp_path / "work" / "relations"
    assert (relations / "run" / "model-best" / "kg_relations").exists()
    assert (tmp_path / "work" / "name_filter" / "run" / "model-best" / "kg_name_filter").exists()
    holder = tmp_path / "work" / "industry_holder" / "run" / "model-best" / "kg_industry_holder"
    assert holder.exists()
    assert spacy.util.load_config(relations / "relations.cfg")["paths"]["base_model"] == str(
        tmp_path / "work" / "finetune" / "run" / "model-best"
    )
