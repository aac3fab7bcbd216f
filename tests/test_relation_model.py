"""The learned relation component: candidates, gold pairs, features, posts from pairs."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

from kg.ner import load_pipeline
from kg.records import Article, Mention, Relation
from kg.relation_model import (
    CARRY_WIDTH,
    CLASSES,
    GOLD_KEY,
    PLACEHOLDER,
    RelationScorer,
    Rules,
    all_candidates,
    by_nature_alone,
    candidates,
    carried_pairs,
    decode,
    feature_width,
    gold_doc,
    inside_in_data,
    pair_classifier,
    pair_features,
    rule_pairs,
    rule_relations,
)
from kg.relations import Extractor, extract

from .test_localnews import RECORD, TEXT

LIST_RECORD = {
    "doc": "t_002.txt",
    "home_city": "测试县",
    "entities": [
        {"name": "城关镇", "type": "PLACE", "aliases": []},
        {"name": "山东甲有限公司", "type": "COMPANY", "aliases": []},
        {"name": "山东乙有限公司", "type": "COMPANY", "aliases": []},
        {"name": "丙项目", "type": "PROJECT", "aliases": []},
    ],
    "relations": [],
}


def tagged():
    return gold_doc(spacy.blank("zh"), RECORD, TEXT)


def named(doc, text: str, nth: int = 0) -> Span:
    return [e for e in doc.ents if e.text == text][nth]


def test_candidates_pair_only_types_a_relation_can_join_within_a_sentence():
    doc = tagged()
    pairs = {(a.text, b.text) for a, b in candidates(doc)}
    assert ("书记", "张三") in pairs and ("书记", "县委") in pairs
    assert ("山东测试有限公司", "城关镇") in pairs
    assert ("张三", "书记") not in pairs
    assert ("县长", "张三") not in pairs


GROUP = "临河县昨日集中开工项目20个。其中，金山新材料项目投资50亿元。\n华为公司参与建设。"


def group_doc():
    """A place stated for a group of projects in one sentence, a project in the next."""
    doc = spacy.blank("zh")(GROUP)
    names = (("临河县", "PLACE"), ("金山新材料项目", "PROJECT"), ("华为公司", "COMPANY"))
    doc.ents = [
        doc.char_span(GROUP.index(name), GROUP.index(name) + len(name), label=label)
        for name, label in names
    ]
    return doc


def test_a_project_is_a_candidate_with_the_places_of_the_sentence_before():
    doc = group_doc()
    pairs = {(a.text, b.text) for a, b in candidates(doc)}
    assert ("金山新材料项目", "临河县") in pairs
    assert ("华为公司", "临河县") not in pairs
    assert ("临河县", "金山新材料项目") not in pairs


def test_a_relation_across_two_sentences_has_both_as_its_evidence():
    doc = group_doc()
    chosen = [("located_in", named(doc, "金山新材料项目"), named(doc, "临河县"))]
    (relation,) = decode(doc, chosen, [], set())
    assert relation.evidence == "临河县昨日集中开工项目20个。其中，金山新材料项目投资50亿元。"


PASSAGE = "临河县位于黄河岸边。\n今年经济运行平稳。\n全县开工金山新材料项目。\n该项目落户城关镇。"
PASSAGE_RECORD = {
    "doc": "t_003.txt",
    "home_city": "临河县",
    "entities": [
        {"name": "临河县", "type": "PLACE", "aliases": ["全县"]},
        {"name": "金山新材料项目", "type": "PROJECT", "aliases": []},
        {"name": "城关镇", "type": "PLACE", "aliases": []},
    ],
    "relations": [
        {
            "type": "located_in",
            "head": "金山新材料项目",
            "tail": "临河县",
            "evidence": "开工金山新材料项目",
        },
        {
            "type": "located_in",
            "head": "金山新材料项目",
            "tail": "城关镇",
            "evidence": "该项目落户城关镇",
        },
    ],
}


def passage_doc():
    """A place named once, a project two sentences on, the project's town in the next."""
    return gold_doc(spacy.blank("zh"), PASSAGE_RECORD, PASSAGE)


def test_a_firm_or_project_is_paired_with_the_place_of_an_earlier_sentence_and_back():
    doc = passage_doc()
    carried = carried_pairs(doc).values()
    found = {(c.first.text, c.second.text, c.anchor.text, c.how, c.apart) for c in carried}
    assert ("金山新材料项目", "临河县", "金山新材料项目", 0, 2) in found
    assert ("金山新材料项目", "城关镇", "城关镇", 0, 1) in found
    assert all(c.first.label_ == "PROJECT" and c.second.label_ == "PLACE" for c in carried)


def test_a_carried_pair_is_true_where_its_anchor_is_in_the_evidence_and_says_its_sentence():
    doc = passage_doc()
    gold = {(kind, doc[a:b].text, doc[c:d].text) for kind, a, b, c, d, _ in doc.user_data[GOLD_KEY]}
    assert gold == {
        ("located_in", "金山新材料项目", "临河县"),
        ("located_in", "金山新材料项目", "城关镇"),
    }
    _, carried = all_candidates(doc)
    chosen = [("located_in", named(doc, "金山新材料项目"), named(doc, "城关镇"))]
    (relation,) = decode(doc, chosen, [], set(), carried=carried)
    assert relation.evidence == "该项目落户城关镇。"


def test_a_pair_takes_its_best_kind_other_than_none_at_the_threshold():
    doc = passage_doc()
    pairs, carried = all_candidates(doc)
    scorer = RelationScorer(doc.vocab, pair_classifier(8, 0.0), threshold=0.4)
    scores = numpy.zeros((len(pairs), len(CLASSES)), dtype="float32")
    scores[:, 0] = 1.0
    town = pairs.index((named(doc, "金山新材料项目"), named(doc, "城关镇")))
    scores[town, :2] = (0.55, 0.42)
    rules = Rules(Extractor(doc, PLACEHOLDER), [], carried)
    scorer.set_annotations([doc], [(pairs, scores, rules)])
    assert [(r.kind, r.head.text, r.tail.text) for r in doc._.kg_relations] == [
        ("located_in", "金山新材料项目", "城关镇")
    ]


def test_gold_pairs_follow_the_relations_and_their_evidence():
    doc = tagged()
    found = {
        (kind, doc[a:b].text, doc[c:d].text, neutral)
        for kind, a, b, c, d, neutral in doc.user_data["kg_gold_pairs"]
    }
    assert found == {
        ("role_of", "书记", "张三", False),
        ("role_in", "书记", "县委", False),
        ("role_of", "县长", "李四", False),
        ("located_in", "山东测试有限公司", "城关镇", False),
    }


VISIT = "张三一行来到临河县，察看了金山新材料项目。华为公司位于城关镇。"
VISIT_RECORD = {
    "doc": "t_004.txt",
    "home_city": "临河县",
    "entities": [
        {"name": "张三", "type": "PERSON", "aliases": []},
        {"name": "临河县", "type": "PLACE", "aliases": []},
        {"name": "金山新材料项目", "type": "PROJECT", "aliases": []},
        {"name": "华为公司", "type": "COMPANY", "aliases": []},
        {"name": "城关镇", "type": "PLACE", "aliases": []},
    ],
    "relations": [
        {
            "type": "located_in",
            "head": "金山新材料项目",
            "tail": "临河县",
            "evidence": "来到临河县，察看了金山新材料项目",
        },
        {
            "type": "located_in",
            "head": "华为公司",
            "tail": "城关镇",
            "evidence": "华为公司位于城关镇",
        },
    ],
}


def test_a_place_read_from_a_visit_alone_is_left_out_of_training():
    """Its pair is neither right nor wrong: no row, no target; a stated place trains."""
    doc = gold_doc(spacy.blank("zh"), VISIT_RECORD, VISIT)
    found = {(doc[a:b].text, doc[c:d].text, n) for _, a, b, c, d, n in doc.user_data[GOLD_KEY]}
    assert found == {("金山新材料项目", "临河县", True), ("华为公司", "城关镇", False)}
    scorer = RelationScorer(doc.vocab, pair_classifier(8, 0.0))
    rows, targets = scorer.rows_and_targets(Example(doc, doc))
    pairs, _ = all_candidates(doc)
    assert len(rows) == len(targets) == len(pairs) - 1
    assert targets[:, CLASSES.index("located_in")].sum() == 1


AGAIN = "华光公司主营光伏，落户城关镇。今年华光公司扩大光伏产业投资，城关镇给予支持。"
AGAIN_RECORD = {
    "doc": "t_005.txt",
    "home_city": "临河县",
    "entities": [
        {"name": "华光公司", "type": "COMPANY", "aliases": []},
        {"name": "光伏", "type": "INDUSTRY", "aliases": ["光伏产业"]},
        {"name": "城关镇", "type": "PLACE", "aliases": []},
    ],
    "relations": [
        {"type": "in_industry", "head": "华光公司", "tail": "光伏", "evidence": "华光公司主营光伏"},
        {
            "type": "located_in",
            "head": "华光公司",
            "tail": "城关镇",
            "evidence": "华光公司主营光伏，落户城关镇",
        },
    ],
}


def test_an_industry_pair_written_again_outside_its_evidence_is_neutral():
    """The second sentence's firm and industry are neither right nor wrong; its firm and
    place, written outside their evidence too, are taught as no relation."""
    doc = gold_doc(spacy.blank("zh"), AGAIN_RECORD, AGAIN)
    found = {
        (kind, doc[a:b].text, doc[c:d].text, a < doc.text.index("。"), n)
        for kind, a, b, c, d, n in doc.user_data[GOLD_KEY]
    }
    assert found == {
        ("in_industry", "华光公司", "光伏", True, False),
        ("located_in", "华光公司", "城关镇", True, False),
        ("in_industry", "华光公司", "光伏产业", False, True),
    }


def test_features_carry_types_and_the_rules_verdict():
    doc = tagged()
    pairs = candidates(doc)
    rules = rule_pairs(doc, rule_relations(doc))
    rows = pair_features(doc, pairs, rules)
    assert rows.shape == (len(pairs), feature_width(0))
    kinds = slice(-len(CLASSES) - CARRY_WIDTH, -1 - CARRY_WIDTH)
    role = pairs.index((named(doc, "书记"), named(doc, "张三")))
    body = pairs.index((named(doc, "副书记"), named(doc, "县委", 1)))
    company = pairs.index((named(doc, "山东测试有限公司"), named(doc, "城关镇")))
    assert list(rows[role, kinds]) == [kind == "role_of" for kind in CLASSES[1:]]
    assert list(rows[body, kinds]) == [kind == "role_in" for kind in CLASSES[1:]]
    assert not rows[company, kinds].any()


def test_posts_are_put_together_from_their_halves():
    doc = tagged()
    chosen = [
        ("role_of", named(doc, "书记"), named(doc, "张三")),
        ("role_in", named(doc, "书记"), named(doc, "县委")),
        ("role_of", named(doc, "县长"), named(doc, "李四")),
        ("role_of", named(doc, "副书记"), named(doc, "李四")),
        ("located_in", named(doc, "山东测试有限公司"), named(doc, "城关镇")),
    ]
    relations = decode(doc, chosen, [], set())
    posts = {(r.head.text, r.role, r.tail.text, r.tail.implicit) for r in relations}
    assert ("张三", "书记", "县委", False) in posts
    assert ("李四", "县长", "县政府", True) in posts
    assert not any(r.role == "副书记" for r in relations)
    assert ("located_in", "山东测试有限公司", "城关镇") in {
        (r.kind, r.head.text, r.tail.text) for r in relations
    }


def test_the_rules_keep_the_kinds_left_to_them():
    doc = tagged()
    rules = rule_relations(doc)
    kept = decode(doc, [], rules, {"holds_role"})
    assert {r.kind for r in kept} == {"holds_role"}


def test_a_kind_the_rules_give_takes_the_components_pairs_as_well():
    doc = tagged()
    firm = named(doc, "山东测试有限公司")
    rules = decode(doc, [("located_in", firm, named(doc, "城关镇"))], [], {"holds_role"})
    chosen = [("located_in", firm, named(doc, "开发区"))]
    kept = decode(doc, chosen, rules, {"located_in"})
    assert {r.tail.text for r in kept if r.kind == "located_in"} == {"城关镇", "开发区"}


def test_a_lake_or_mountain_places_only_the_firm_or_project_written_right_after_it():
    """碧波湖畔 is where the ceremony is held, not where 华兴项目 is built; 翠屏山杰安塑料
    names where the plant stands."""
    text = "碧波湖畔，华兴项目开工。翠屏山杰安塑料二期投产，位于城关镇。"
    record = {
        "doc": "t_003.txt",
        "home_city": "测试县",
        "entities": [
            {"name": name, "type": label, "aliases": []}
            for name, label in [
                ("碧波湖", "PLACE"),
                ("华兴项目", "PROJECT"),
                ("翠屏山", "PLACE"),
                ("杰安塑料二期", "PROJECT"),
                ("城关镇", "PLACE"),
            ]
        ],
        "relations": [],
    }
    doc = gold_doc(spacy.blank("zh"), record, text)
    plant = named(doc, "杰安塑料二期")
    chosen = [
        ("located_in", named(doc, "华兴项目"), named(doc, "碧波湖")),
        ("located_in", plant, named(doc, "翠屏山")),
        ("located_in", plant, named(doc, "城关镇")),
    ]
    kept = decode(doc, chosen, [], {"holds_role"})
    assert {(r.head.text, r.tail.text) for r in kept} == {
        ("杰安塑料二期", "翠屏山"),
        ("杰安塑料二期", "城关镇"),
    }
    dam, river = (
        Mention("翠屏山水库工程", "PROJECT", "a", "", 0, 7),
        Mention("翠屏山", "PLACE", "a", "", 0, 3),
    )
    assert not by_nature_alone(Relation("located_in", dam, river, "翠屏山水库工程"))


def test_the_shipped_component_takes_only_its_surest_pairs_of_the_rules_kinds(shipped):
    scorer = shipped.get_pipe("kg_relations")
    assert scorer.rule_kinds == {"in_industry"}
    assert scorer.threshold_of("in_industry") > scorer.threshold_of("located_in")


INDUSTRY_TEXT = "城关镇大力发展光伏产业。"
INDUSTRY_RECORD = {
    "doc": "t_004.txt",
    "home_city": "临河县",
    "entities": [
        {"name": "城关镇", "type": "PLACE", "aliases": []},
        {"name": "光伏", "type": "INDUSTRY", "aliases": []},
    ],
    "relations": [],
}


@pytest.mark.parametrize(("score", "held"), [(0.5, True), (0.4, False)])
def test_an_industry_scored_short_of_a_relation_is_held_without_one(score, held):
    doc = gold_doc(spacy.blank("zh"), INDUSTRY_RECORD, INDUSTRY_TEXT)
    pairs, carried = all_candidates(doc)
    scorer = RelationScorer(
        doc.vocab,
        pair_classifier(8, 0.0),
        threshold=0.4,
        rule_kinds=["in_industry"],
        rule_threshold=0.6,
        industry_threshold=0.45,
    )
    scores = numpy.zeros((len(pairs), len(CLASSES)), dtype="float32")
    scores[:, 0] = 1.0
    town = pairs.index((named(doc, "城关镇"), named(doc, "光伏")))
    scores[town, 0] = 1 - score
    scores[town, CLASSES.index("in_industry")] = score
    scorer.set_annotations(
        [doc], [(pairs, scores, Rules(Extractor(doc, PLACEHOLDER), [], carried))]
    )
    assert doc._.kg_relations == []
    mentions, _ = extract(doc, Article("page.txt", 0, "", INDUSTRY_TEXT, 0, len(INDUSTRY_TEXT)))
    assert {(m.text, m.held) for m in mentions} == {("城关镇", False), ("光伏", held)}


def test_the_items_of_a_list_share_the_place_one_of_them_has():
    text = "在城关镇,山东甲有限公司、山东乙有限公司和丙项目建成投产。"
    doc = gold_doc(spacy.blank("zh"), LIST_RECORD, text)
    chosen = [("located_in", named(doc, "山东甲有限公司"), named(doc, "城关镇"))]
    placed = {(r.head.text, r.tail.text) for r in decode(doc, chosen, [], set())}
    assert ("山东乙有限公司", "城关镇") in placed
    assert ("丙项目", "城关镇") not in placed


def test_extract_takes_the_components_relations_with_the_article_id():
    doc = tagged()
    doc._.kg_relations = decode(doc, [], rule_relations(doc), {"holds_role", "located_in"})
    article = Article("page.txt", 3, "", TEXT, 0, len(TEXT))
    _, relations = extract(doc, article)
    assert relations and all(r.head.article == "page.txt#3" for r in relations)
    assert all(r.tail.article == "page.txt#3" for r in relations)


def test_the_division_data_knows_which_place_is_inside_which():
    assert inside_in_data("侯营镇", "东昌府区")
    assert inside_in_data("东昌府区", "聊城")
    assert not inside_in_data("聊城市", "东昌府区")


def test_features_use_the_token_vectors_when_there_are_some():
    doc = tagged()
    doc.tensor = numpy.ones((len(doc), 4), dtype="float32")
    rows = pair_features(doc, candidates(doc), {})
    assert rows.shape[1] == feature_width(4)
    assert rows[:, :8].min() == 1.0


@pytest.fixture(scope="module")
def shipped():
    """The pipeline kg build runs, learned relations included, for a county paper."""
    return load_pipeline(home_city="冠县")


def relations_of(nlp, text: str) -> set[tuple]:
    _, relations = extract(nlp(text), Article("p.txt", 0, "", text, 0, len(text)))
    return {(r.kind, r.head.text, r.role, r.tail.text) for r in relations}


def test_the_shipped_pipeline_reads_posts_and_places(shipped):
    assert "kg_relations" in shipped.pipe_names
    found = relations_of(
        shipped,
        "3月5日,县委副书记、县长王明到城关镇宏达食品有限公司调研。该公司位于城关镇工业园区。",
    )
    assert ("holds_role", "王明", "副书记", "县委") in found
    assert ("holds_role", "王明", "县长", "县政府") in found
    assert ("located_in", "城关镇宏达食品有限公司", None, "城关镇") in found


def test_the_shipped_pipeline_reads_projects_and_industries(shipped):
    found = relations_of(
        shipped,
        "由华兴建材有限公司投资5亿元建设的年产10万吨新型建材项目日前开工。",
    )
    assert ("invests_in", "华兴建材有限公司", None, "年产10万吨新型建材项目") in found
    found = relations_of(shipped, "近年来,河口镇大力发展茶叶、中药材等特色产业。")
    assert {
        ("in_industry", "河口镇", None, "茶叶"),
        ("in_industry", "河口镇", None, "中药材"),
    } <= found


def test_a_title_right_after_a_place_implies_that_places_body(shipped):
    text = "4月2日,阳谷县县长张华带队到冠县考察蔬菜产业。"
    _, relations = extract(shipped(text), Article("p.txt", 0, "", text, 0, len(text)))
    posts = {(r.head.text, r.role, r.tail.text, r.tail.context) for r in relations}
    assert ("张华", "县长", "县政府", "阳谷县") in posts


def test_a_title_fused_into_its_department_is_read_by_the_shipped_pipeline(shipped):
    """组织部长: 部 ends the body and begins the title, which no pair of entities can hold."""
    found = relations_of(shipped, "县委常委、县委组织部长张三，县委常委、宣传部长李明出席会议。")
    assert ("holds_role", "张三", "部长", "县委组织部") in found
    assert ("holds_role", "李明", "部长", "宣传部") in found
    found = relations_of(shipped, "副市长、市公安局长邵浩浩,罗山县长汪明君出席会议。")
    assert ("holds_role", "邵浩浩", "局长", "市公安局") in found
    assert ("holds_role", "汪明君", "县长", "县政府") in found


def test_a_nominee_does_not_hold_the_post_he_is_proposed_for(shipped):
    """县委常委、副县长候选人胡书伟, as the corpus writes it: 常委, not 副县长."""
    text = "县人大常委会党组书记、主任候选人赵宝权,县委常委、副县长候选人胡书伟出席。"
    found = {(r[1], r[2]) for r in relations_of(shipped, text) if r[0] == "holds_role"}
    assert found == {("赵宝权", "党组书记"), ("胡书伟", "常委")}


def test_a_title_with_no_body_of_its_own_takes_the_chains(shipped):
    found = relations_of(shipped, "会议由市委常委、秘书长王强主持。")
    assert ("holds_role", "王强", "常委", "市委") in found
    assert ("holds_role", "王强", "秘书长", "市委") in found


DEPUTIES_TEXT = (
    "市人大常委会第一副主任王英,副主任袁霞、张清参加,海事局副局长周平、交警支队副局长吴刚出席。"
)
DEPUTIES = {
    "doc": "t_003.txt",
    "home_city": "测试市",
    "entities": [
        {"name": n, "type": "PERSON", "aliases": []}
        for n in ("王英", "袁霞", "张清", "周平", "吴刚")
    ]
    + [
        {"name": "测试市人大常委会", "type": "GOV", "aliases": ["市人大常委会"]},
        {"name": "海事局", "type": "GOV", "aliases": []},
    ],
    "roles": ["第一副主任", "副主任", "副局长"],
    "relations": [],
}


def test_a_bare_deputys_title_right_after_a_holder_takes_that_holders_body():
    """第一副主任王英,副主任袁霞、张清: the deputies of 王英's body, the list sharing the title;
    交警支队 (no entity, as where the tagger misses a body) stands between 周平 and the next
    副局长, which so takes no body."""
    doc = gold_doc(spacy.blank("zh"), DEPUTIES, DEPUTIES_TEXT)
    first, deputy = named(doc, "第一副主任"), named(doc, "副主任")
    chosen = [
        ("role_of", first, named(doc, "王英")),
        ("role_in", first, named(doc, "市人大常委会")),
        ("role_of", deputy, named(doc, "袁霞")),
        ("role_of", deputy, named(doc, "张清")),
        ("role_of", named(doc, "副局长"), named(doc, "周平")),
        ("role_in", named(doc, "副局长"), named(doc, "海事局")),
        ("role_of", named(doc, "副局长", 1), named(doc, "吴刚")),
    ]
    posts = {(r.head.text, r.role, r.tail.text) for r in decode(doc, chosen, [], set())}
    assert posts == {
        ("王英", "第一副主任", "市人大常委会"),
        ("袁霞", "副主任", "市人大常委会"),
        ("张清", "副主任", "市人大常委会"),
        ("周平", "副局长", "海事局"),
    }


LISTED_TEXT = "市政协副主席杨明、陈华、王辉、程新、蒋东,市政协秘书长谭文,市民李丽出席。"
LISTED = {
    **DEPUTIES,
    "entities": [
        {"name": n, "type": "PERSON", "aliases": []}
        for n in ("杨明", "陈华", "王辉", "程新", "蒋东", "谭文", "李丽")
    ]
    + [{"name": "测试市政协", "type": "GOV", "aliases": ["市政协"]}],
    "roles": ["副主席", "秘书长"],
}


def test_a_title_before_a_list_of_names_is_each_names():
    """The pair scores fall with the distance: where the component reads 副主席 for the first
    names of a long list only, the later names of the list share it; the next holder's own
    title and a name after a comma (市民李丽) stay apart."""
    doc = gold_doc(spacy.blank("zh"), LISTED, LISTED_TEXT)
    read = [("副主席", "杨明", 0), ("副主席", "陈华", 0), ("秘书长", "谭文", 0)]
    bodies = [("副主席", "市政协", 0), ("秘书长", "市政协", 1)]
    chosen = [
        (kind, named(doc, title), named(doc, other, nth))
        for kind, pairs in (("role_of", read), ("role_in", bodies))
        for title, other, nth in pairs
    ]
    posts = {(r.head.text, r.role) for r in decode(doc, chosen, [], set())}
    assert posts == {
        *((name, "副主席") for name in ("杨明", "陈华", "王辉", "程新", "蒋东")),
        ("谭文", "秘书长"),
    }


def test_the_shipped_pipeline_gives_a_bare_deputy_the_body_of_the_holder_before(shipped):
    found = relations_of(shipped, "县人大常委会主任李明,副主任王长江、张玉清出席。")
    assert ("holds_role", "王长江", "副主任", "县人大常委会") in found
    assert ("holds_role", "张玉清", "副主任", "县人大常委会") in found


def test_a_village_written_after_its_town_is_in_no_other_town(shipped):
    """柳林镇古松村和辛集镇福临村: 福临村 is in 辛集镇, written right before it, and in no
    other town of the sentence, whatever a pair's score says."""
    text = "调研组先后来到柳林镇古松村和辛集镇福临村，察看产业发展情况。"
    part_of = {
        (head, tail) for kind, head, _, tail in relations_of(shipped, text) if kind == "part_of"
    }
    assert {("福临村", "辛集镇"), ("古松村", "柳林镇")} <= part_of
    assert ("福临村", "柳林镇") not in part_of


def test_a_banners_head_holds_a_post_in_its_government(shipped):
    found = relations_of(shipped, "旗委副书记、旗长巴特尔，副旗长张明陪同调研。")
    assert ("holds_role", "巴特尔", "副书记", "旗委") in found
    assert ("holds_role", "巴特尔", "旗长", "旗政府") in found
    assert ("holds_role", "张明", "副旗长", "旗政府") in found


def test_a_town_head_holds_a_post_in_the_towns_government(shipped):
    found = relations_of(shipped, "柳林镇党委书记李四、镇长张三，副镇长王五陪同调研。")
    assert ("holds_role", "李四", "书记", "柳林镇党委") in found
    assert ("holds_role", "张三", "镇长", "镇政府") in found
    assert ("holds_role", "王五", "副镇长", "镇政府") in found


def test_a_bare_zone_body_in_a_chain_has_the_zones_body_before_it_as_context(shipped):
    text = "县经济开发区党工委书记、管委会主任赵六，东关村党支部书记、村委会主任李四出席。"
    _, relations = extract(shipped(text), Article("p.txt", 0, "", text, 0, len(text)))
    posts = {(r.role, r.tail.text, r.tail.context) for r in relations}
    assert ("主任", "管委会", "县经济开发区党工委") in posts
    assert ("主任", "村委会", "东关村党支部") in posts


def test_the_shipped_pipeline_places_a_project_in_the_place_of_the_visit(shipped):
    found = relations_of(
        shipped,
        "副县长王强来到冠县经济开发区调研。他先后察看了华源纺织有限公司和光明食品产业园项目。",
    )
    assert ("located_in", "光明食品产业园项目", None, "冠县经济开发区") in found
