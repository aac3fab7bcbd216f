"""The learned judge of the rule names: training Docs, targets, features, what it drops."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.training import Example

from kg.features import example_with
from kg.name_filter import (
    JUDGED,
    RULES_KEY,
    IndustryHolder,
    NameFilter,
    extra_width,
    gold_doc,
    judged,
    name_classifier,
    name_features,
)
from kg.ner import EntityRules, load_lexicons, load_pipeline
from kg.records import NER_LABELS

from .test_localnews import RECORD, TEXT

RULES = EntityRules(load_lexicons(""))


@pytest.fixture(scope="module")
def shipped():
    """The pipeline as kg build loads it for a 聊城 paper, learned components and all."""
    return load_pipeline(home_city="聊城市")


GENERIC = "张三来到山东测试有限公司，高端装备制造产业园项目开工。"
GENERIC_RECORD = {
    "doc": "t_002.txt",
    "entities": [
        {"name": "张三", "type": "PERSON", "aliases": []},
        {"name": "山东测试有限公司", "type": "COMPANY", "aliases": []},
    ],
}


def training_doc(record: dict = RECORD, text: str = TEXT):
    return gold_doc(spacy.blank("zh"), RULES, record, text)


def example(record: dict = RECORD, text: str = TEXT) -> Example:
    reference = training_doc(record, text)
    return example_with(spacy.blank("zh"), reference, reference.spans[RULES_KEY])


def test_a_training_doc_carries_the_gold_entities_and_the_rules_names():
    doc = training_doc(GENERIC_RECORD, GENERIC)
    assert {(e.text, e.label_) for e in doc.ents} == {
        ("张三", "PERSON"),
        ("山东测试有限公司", "COMPANY"),
    }
    ruled = {(s.text, s.label_) for s in doc.spans[RULES_KEY]}
    assert ("高端装备制造产业园项目", "PROJECT") in ruled
    assert ("山东测试有限公司", "COMPANY") in ruled


def test_a_rule_name_is_right_where_the_annotators_wrote_the_same_name_and_type():
    filter_ = NameFilter(spacy.blank("zh").vocab, name_classifier(8, 0.0), "kg_name_filter")
    eg = example(GENERIC_RECORD, GENERIC)
    rows, truth = filter_.examples_to_arrays([eg])
    names = [e.text for e in judged(eg.predicted)]
    assert names == ["山东测试有限公司", "高端装备制造产业园项目"]
    assert len(rows) == 2
    assert truth.tolist() == [[0, 1], [1, 0]]


def test_the_model_learns_from_every_rule_name_but_persons_and_titles():
    assert {e.label_ for e in judged(example().predicted)} == {"GOV", "COMPANY", "PLACE"}
    assert {e.label_ for e in judged(example().predicted, JUDGED)} == {"GOV", "COMPANY", "PLACE"}
    assert {e.label_ for e in judged(example().predicted, ["GOV"])} == {"GOV"}


def test_features_carry_the_type_and_the_length():
    doc = training_doc()
    spans = [s for s in doc.spans[RULES_KEY] if s.text == "山东测试有限公司"]
    row = name_features(doc, spans)[0]
    assert row.shape == (extra_width(),)
    assert row[NER_LABELS.index("COMPANY")] == 1
    assert row.sum() == 2  # the type and one length bucket


def test_names_under_the_threshold_are_dropped_and_the_rest_kept():
    filter_ = NameFilter(
        spacy.blank("zh").vocab, name_classifier(8, 0.0), "kg_name_filter", threshold=0.5
    )
    doc = example(GENERIC_RECORD, GENERIC).predicted
    before = {(e.text, e.label_) for e in doc.ents}
    filter_.set_annotations([doc], [numpy.array([0.9, 0.2])])
    dropped = before - {(e.text, e.label_) for e in doc.ents}
    assert dropped == {("高端装备制造产业园项目", "PROJECT")}


def ruled_and_found(nlp, text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(name, type) of what the entity rules set in ``text``, and of what the pipeline keeps."""
    with nlp.select_pipes(enable=["tok2vec", "kg_entity_rules"]):
        ruled = {(e.text, e.label_) for e in nlp(text).ents}
    return ruled, {(e.text, e.label_) for e in nlp(text).ents}


def test_the_shipped_pipeline_drops_a_rule_name_cut_short_and_the_model_reads_it_whole(shipped):
    """A seed page's sentence: the rules take 市政府 for the body and stop; the filter drops
    it and the model reads the whole name."""
    nlp = shipped
    names = nlp.pipe_names
    assert names.index("kg_entity_rules") + 1 == names.index("kg_name_filter")
    assert names.index("kg_name_filter") < names.index("ner")
    text = (
        "12月27日,市政府新闻办公室召开新闻发布会,"
        "市统战部部长、市工商联党组书记刘志刚介绍大会筹备情况。"
    )
    ruled, found = ruled_and_found(nlp, text)
    assert ("市政府", "GOV") in ruled and ("市政府", "GOV") not in found
    assert ("市政府新闻办公室", "GOV") in found
    assert {("刘志刚", "PERSON"), ("党组书记", "ROLE")} <= found
    assert "市工商联" in {name for name, _ in found}


def test_the_shipped_pipeline_drops_a_place_that_begins_a_body_and_the_model_reads_the_body(
    shipped,
):
    """The rules take the place a body's name begins with (北京市 of 北京市消防局) for a place
    and stop; the filter drops it, and the body is one GOV, as the guidelines write
    聊城市人民政府. A place that stands alone stays."""
    nlp = shipped
    text = (
        "根据北京市消防局的说法，火灾主要原因是违规燃放礼花弹。"
        "据了解，日本政府已开始建议国民减少出境。"
    )
    ruled, found = ruled_and_found(nlp, text)
    assert {("北京市", "PLACE"), ("日本", "PLACE")} <= ruled
    assert {("北京市消防局", "GOV"), ("日本政府", "GOV")} <= found
    alone = {(e.text, e.label_) for e in nlp("王强来到北京市，走访了三家企业。").ents}
    assert ("北京市", "PLACE") in alone


SECTORS = "本次签约的12个项目涉及生物医药、新材料、现代物流等多个领域，总投资86亿元。"
SECTORS_RECORD = {
    "doc": "t_003.txt",
    "entities": [
        {"name": "生物医药", "type": "INDUSTRY", "aliases": []},
        {"name": "新材料", "type": "INDUSTRY", "aliases": []},
    ],
}


def holder(threshold: float = 0.5, listed_threshold: float = 1.0) -> IndustryHolder:
    vocab = spacy.blank("zh").vocab
    return IndustryHolder(
        vocab,
        name_classifier(8, 0.0),
        "kg_industry_holder",
        threshold=threshold,
        labels=["INDUSTRY"],
        listed_threshold=listed_threshold,
    )


def test_the_industry_holder_learns_from_the_rules_industries_alone():
    eg = example(SECTORS_RECORD, SECTORS)
    rows, truth = holder().examples_to_arrays([eg, example(GENERIC_RECORD, GENERIC)])
    assert len(rows) == 3
    assert truth.tolist() == [[0, 1], [0, 1], [1, 0]]  # 现代物流 was not annotated


def test_the_industry_holder_holds_what_it_scores_over_the_threshold_and_drops_nothing():
    doc = example(SECTORS_RECORD, SECTORS).predicted
    doc._.kg_held = [(0, 2)]
    before = list(doc.ents)
    holder(threshold=0.5).set_annotations([doc], [numpy.array([0.9, 0.2, 0.6])])
    assert list(doc.ents) == before
    assert [SECTORS[a:b] for a, b in doc._.kg_held] == ["本次", "生物医药", "现代物流"]


def test_the_industry_holder_holds_the_likely_others_of_a_list_it_holds_one_of():
    doc = example(SECTORS_RECORD, SECTORS).predicted
    listing = holder(threshold=0.95, listed_threshold=0.7)
    listing.set_annotations([doc], [numpy.array([0.97, 0.8, 0.3])])
    assert [SECTORS[a:b] for a, b in doc._.kg_held] == ["生物医药", "新材料"]
    doc._.kg_held = None
    listing.set_annotations([doc], [numpy.array([0.9, 0.8, 0.3])])
    assert doc._.kg_held == []


def test_the_shipped_pipeline_holds_industries_that_no_relation_reads(shipped):
    """Sectors a sentence lists with no firm, place or project to be in: no in_industry
    pair holds them, the industry holder does, and the graph keeps them."""
    nlp = shipped
    assert nlp.pipe_names[-2:] == ["kg_relations", "kg_industry_holder"]
    doc = nlp(SECTORS)
    held = {SECTORS[a:b] for a, b in doc._.kg_held}
    with nlp.select_pipes(disable=["kg_industry_holder"]):
        assert not nlp(SECTORS)._.kg_held
    assert {"生物医药", "新材料"} <= held


PARK = "6月，广铜“一带一路”高新技术产业合作区集中开工13个项目，总投资达86亿元。"
STARTED = "全市重大项目集中开工仪式在高新区举行，信发集团年产30万吨新材料项目开工。"


def projects(doc) -> set[str]:
    return {e.text for e in doc.ents if e.label_ == "PROJECT"}


def test_the_project_filter_is_the_name_filter_again_after_the_ner(shipped):
    nlp = shipped
    names = nlp.pipe_names
    assert names.index("split_at_spaces") + 1 == names.index("kg_project_filter")
    judge = nlp.get_pipe("kg_project_filter")
    assert judge.types == {"PROJECT"}
    assert judge.model.to_bytes() == nlp.get_pipe("kg_name_filter").model.to_bytes()


def test_the_project_filter_drops_pieces_the_ner_took_for_projects_and_keeps_a_project(shipped):
    """A local news sentence (a training article's): the NER reads the quoted slogan and the
    bare 高新技术产业合作区 of a park's name as projects; the filter drops both. A firm's
    project stays."""
    nlp = shipped
    with nlp.select_pipes(disable=["kg_project_filter"]):
        before = projects(nlp(PARK))
        started = projects(nlp(STARTED))
    after = projects(nlp(PARK))
    assert {"一带一路", "高新技术产业合作区"} <= before
    assert not {"一带一路", "高新技术产业合作区"} & after
    assert after < before
    assert "信发集团年产30万吨新材料项目" in started
    assert projects(nlp(STARTED)) == started
