"""NER on real sentences of the seed pages."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from kg.ner import (
    DEFAULT_MODEL,
    PLACE_SHAPE,
    Lexicon,
    doc_text,
    dotted_names,
    join_titles,
    known_places,
    legal_forms,
    load_pipeline,
    read_lexicon,
)
from kg.records import NER_LABELS


def ents(doc) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in doc.ents}


def rules_for(home_city: str) -> spacy.language.Language:
    """The entity rules alone, for a home region."""
    rules = spacy.blank("zh")
    rules.add_pipe("kg_entity_rules", config={"home_city": home_city})
    return rules


def test_pipeline_is_a_spacy_zh_pipeline_with_the_rule_component(nlp):
    assert nlp.lang == "zh"
    assert "kg_entity_rules" in nlp.pipe_names
    assert DEFAULT_MODEL.name == "zh_kg"


def test_chain_of_titles_gives_bodies_roles_and_the_name(nlp):
    doc = nlp("市委常委、宣传部部长、统战部部长柳庆发出席并致辞")
    assert ents(doc) >= {
        ("市委", "GOV"),
        ("常委", "ROLE"),
        ("宣传部", "GOV"),
        ("统战部", "GOV"),
        ("部长", "ROLE"),
        ("柳庆发", "PERSON"),
    }


def test_two_character_name_before_a_verb(nlp):
    doc = nlp("省工信厅副厅长王茂庆,副市长王刚出席会议。")
    assert ("王刚", "PERSON") in ents(doc)
    assert ("王茂庆", "PERSON") in ents(doc)
    assert ("省工信厅", "GOV") in ents(doc)


def test_byline_names_stay_separate(nlp):
    doc = nlp("本报讯(记者 林晨 黄振)11月8日,是第25个中国记者节。")
    assert {("林晨", "PERSON"), ("黄振", "PERSON")} <= ents(doc)


def test_company_names_by_their_endings_and_a_list(nlp):
    doc = nlp(
        "与会人员还现场观摩了山东博源精密机械有限公司、中通客车股份有限公司、乖宝宠物食品集团有限公司。"
    )
    assert {
        ("山东博源精密机械有限公司", "COMPANY"),
        ("中通客车股份有限公司", "COMPANY"),
        ("乖宝宠物食品集团有限公司", "COMPANY"),
    } <= ents(doc)


def test_company_name_with_brackets(nlp):
    doc = nlp("一、山海情(聊城)农产品有限公司 地址:聊城市东昌府区北关街7号")
    assert ("山海情(聊城)农产品有限公司", "COMPANY") in ents(doc)
    assert {("聊城市", "PLACE"), ("东昌府区", "PLACE")} <= ents(doc)


def test_company_before_a_company_title_and_its_later_mentions(nlp):
    doc = nlp("云海制衣总经理任凤云告诉记者。走进侯营镇云海制衣加工车间。")
    found = [e.text for e in doc.ents if e.label_ == "COMPANY"]
    assert found == ["云海制衣", "云海制衣"]
    assert ("任凤云", "PERSON") in ents(doc)


def test_places_towns_and_home_villages(nlp):
    doc = nlp("在东阿县艾山村,工作人员在直播销售艾草产品。东昌府区侯营镇")
    assert {("东阿县", "PLACE"), ("艾山村", "PLACE"), ("侯营镇", "PLACE")} <= ents(doc)


def test_county_short_name_needs_its_full_name_or_the_home_region(nlp):
    far = nlp("推动公共服务合作交流。")
    assert not [e for e in far.ents if e.label_ == "PLACE"]
    near = nlp("近年来,东阿大力推进中医药产业。")
    assert ("东阿", "PLACE") in ents(near)


def test_generic_projects_are_not_names(nlp):
    doc = nlp("要着力做好重点项目谋划储备,深挖项目投资潜力。")
    assert not [e for e in doc.ents if e.label_ == "PROJECT"]


def test_named_project_and_industries(nlp):
    doc = nlp(
        "侯营镇高标准建设侯营棉服加工产业园。东阿县大力推进医疗健康、康养文旅、中医药等多业态融合发展。"
    )
    assert ("侯营棉服加工产业园", "PROJECT") in ents(doc)
    assert {("医疗健康", "INDUSTRY"), ("康养文旅", "INDUSTRY"), ("中医药", "INDUSTRY")} <= ents(doc)


def test_a_lexicon_industry_inside_a_longer_term_is_left_to_the_model():
    """汽车 in 汽车零配件 and 食品 in 绿色食品 are no industries of their own; 棉服 after
    推进 and after a place is."""
    rules = rules_for("聊城市")
    found = ents(
        rules("该企业生产汽车零配件和绿色食品。我们要推进棉服产业发展，东昌府区棉服远销各地。")
    )
    industries = {text for text, label in found if label == "INDUSTRY"}
    assert not industries & {"汽车", "食品"}
    assert {"棉服产业", "棉服"} <= industries


def test_a_list_of_industries_begins_after_a_function_character():
    rules = rules_for("聊城市")
    found = ents(rules("园区引进了半导体材料、锂电池等产业。"))
    assert {("半导体材料", "INDUSTRY"), ("锂电池", "INDUSTRY")} <= found
    assert ("了半导体材料", "INDUSTRY") not in found


def test_a_league_and_a_banner_have_their_committees_and_governments():
    """Inner Mongolia's leagues and banners are levels as cities and counties are; the
    democratic league's committee is none."""
    rules = rules_for("锡林郭勒盟")
    found = ents(rules("锡林郭勒盟委书记张明，阿巴嘎旗人民政府旗长刘洋，民盟委员会委员王刚"))
    assert {("锡林郭勒盟委", "GOV"), ("阿巴嘎旗人民政府", "GOV")} <= found
    assert not {text for text, label in found if label == "GOV"} & {"盟委员会", "民盟委员会"}


def test_a_department_with_its_head_fused_keeps_its_bu():
    """州委组织部长郑艺: the title 部长 is fused into 州委组织部, which keeps its 部."""
    nlp = load_pipeline(home_city="迪庆藏族自治州")
    found = ents(nlp("州委常委、州委组织部长郑艺出席。"))
    assert ("州委组织部", "GOV") in found
    assert ("州委组织", "GOV") not in found


def test_a_name_whose_length_only_a_stop_character_would_tell_is_left_to_the_model():
    """刘志强深入: 强 often follows a name (强调), so the rules cannot tell 刘志 from 刘志强;
    强调 right after the name they can (王建强调)."""
    rules = rules_for("聊城市")
    text = "县委书记刘志强深入园区调研。县长王建强调，要抓好安全生产。"
    persons = {t for t, label in ents(rules(text)) if label == "PERSON"}
    assert persons == {"王建"}
    nlp = load_pipeline(home_city="聊城市")
    persons = {t for t, label in ents(nlp(text)) if label == "PERSON"}
    assert {"刘志强", "王建"} <= persons


def test_rules_add_to_a_model_and_never_override_it(nlp):
    doc = nlp.make_doc("副市长王刚出席会议。")
    doc.ents = [doc.char_span(3, 5, label="ORG")]
    doc = nlp.get_pipe("kg_entity_rules")(doc)
    assert ("王刚", "ORG") in ents(doc)
    assert ("副市长", "ROLE") in ents(doc)


def test_saved_pipeline_loads_back_with_spacy(tmp_path):
    nlp = load_pipeline(home_city="聊城市")
    nlp.to_disk(tmp_path / "zh_kg")
    again = load_pipeline(tmp_path / "zh_kg", home_city="聊城市")
    assert again.pipe_names == nlp.pipe_names
    assert {e.label_ for e in again("市委书记李长萍").ents} <= set(NER_LABELS)
    assert spacy.load(tmp_path / "zh_kg").pipe_names == nlp.pipe_names


def test_shipped_model_runs_after_the_rules_and_keeps_their_entities():
    nlp = load_pipeline(home_city="聊城市")
    assert nlp.pipe_names == [
        "tok2vec",
        "kg_entity_rules",
        "kg_name_filter",
        "ner",
        "split_at_spaces",
        "kg_project_filter",
        "kg_known_places",
        "kg_legal_forms",
        "kg_join_titles",
        "kg_dotted_names",
        "kg_relations",
        "kg_industry_holder",
    ]
    assert set(nlp.get_pipe("ner").labels) == set(NER_LABELS)
    doc = nlp("市委常委、宣传部部长柳庆发出席。")
    assert ("柳庆发", "PERSON") in ents(doc)


def test_model_finds_names_the_rules_cannot():
    """A person with no title before the name."""
    rules = rules_for("聊城市")
    nlp = load_pipeline(home_city="聊城市")
    farmer = "李秀梅和同事们一早就来到了田间，查看小麦长势。"
    assert ("李秀梅", "PERSON") not in ents(rules(farmer))
    assert ("李秀梅", "PERSON") in ents(nlp(farmer))


def test_model_places_are_kept_only_where_the_rules_know_a_place_or_its_shape_says_place():
    nlp = load_pipeline(home_city="聊城市")
    doc = nlp("阿里巴巴与腾讯在杭州签署合作协议，双方将在西湖畔共建实验室。")
    places = {e.text for e in doc.ents if e.label_ == "PLACE"}
    assert "杭州" in places
    known = {s.text for s in doc.spans["kg_places"]}
    assert all(p in known or PLACE_SHAPE.fullmatch(p) for p in places)
    doc = spacy.blank("zh")("杭州西湖阿里")
    doc.spans["kg_places"] = [Span(doc, 0, 2, "PLACE")]
    doc.ents = [Span(doc, 0, 2, "PLACE"), Span(doc, 2, 4, "PLACE"), Span(doc, 4, 6, "PLACE")]
    assert [e.text for e in known_places(doc).ents] == ["杭州", "西湖"]


def test_a_zone_written_with_its_level_keeps_it_and_a_zones_body_is_left_to_the_model(nlp):
    """市经济开发区 is the home city's zone (the resolver expands it); in 市高新区党工委 and
    吉安高新区党工委 the zone is part of a body's name, which the rules leave to the model,
    places and all."""
    doc = nlp(
        "市委书记王建国到市经济开发区调研。市高新区党工委书记李明、吉安高新区党工委副书记张军陪同。"
    )
    found = ents(doc)
    assert ("市经济开发区", "PLACE") in found
    assert ("经济开发区", "PLACE") not in found
    assert not any(text in ("市高新区", "吉安高新区") for text, _ in found)
    assert "吉安" not in {s.text for s in doc.spans["kg_places"]}


def test_the_models_rivers_lakes_and_parks_are_kept_as_places():
    """Names no lexicon lists, that the model tags and their ending says are places."""
    nlp = load_pipeline(home_city="聊城市")
    doc = nlp("游客沿着永定河骑行，来到南湖湿地公园。")
    places = {e.text for e in doc.ents if e.label_ == "PLACE"}
    assert {"永定河", "南湖湿地公园"} <= places
    assert not places & {s.text for s in doc.spans["kg_places"]}


def test_development_zones_and_streets_at_a_crossing_are_places(nlp):
    doc = nlp("会议在高新区举行，聊城经济技术开发区位于东昌东路与会展东路交叉口以东。")
    assert {
        ("高新区", "PLACE"),
        ("聊城经济技术开发区", "PLACE"),
        ("东昌东路", "PLACE"),
        ("会展东路", "PLACE"),
    } <= ents(doc)


def test_names_hold_words_with_boundary_characters(nlp):
    doc = nlp("冠县依托冠县中等职业学校开设电商专业。")
    assert ("冠县中等职业学校", "ORG") in ents(doc)


def test_a_lead_in_verb_that_is_a_body_stem_stays_in_the_name(nlp):
    doc = nlp("建设部政策研究中心主任张强介绍情况，要推动产业研究中心建设。")
    found = {text for text, _ in ents(doc)}
    assert "建设部政策研究中心" in found and "部政策研究中心" not in found


def test_lead_in_prepositions_and_quantifiers_are_no_part_of_a_firm(nlp):
    doc = nlp("会后，赴齐河农商银行调研。除青岛银行外，国内多家银行、个别银行也在列。")
    found = {text for text, _ in ents(doc)}
    assert {"齐河农商银行", "青岛银行"} <= found
    assert not found & {"赴齐河农商银行", "除青岛银行", "国内多家银行", "多家银行", "个别银行"}


def test_titles_written_back_to_back_are_one_title():
    doc = spacy.blank("zh")("设计总监王明、总经理助理刘洋，市委常委、副市长赵刚")
    spans = {"设计": "ROLE", "总监": "ROLE", "王明": "PERSON", "总经理": "ROLE", "助理": "ROLE"}
    spans |= {"刘洋": "PERSON", "常委": "ROLE", "副市长": "ROLE", "赵刚": "PERSON"}
    doc.ents = [
        doc.char_span(doc.text.index(name), doc.text.index(name) + len(name), label)
        for name, label in spans.items()
    ]
    roles = [e.text for e in join_titles(doc).ents if e.label_ == "ROLE"]
    assert roles == ["设计总监", "总经理助理", "常委", "副市长"]


def test_a_title_followed_by_assistant_is_the_assistants_title():
    """县长助理: the model tags 县长 and leaves 助理, which would make its holder the 县长."""
    doc = spacy.blank("zh")("县长助理、县发改局局长刘洋，县长王明")
    spans = {"县长": "ROLE", "县发改局": "GOV", "局长": "ROLE", "刘洋": "PERSON"}
    doc.ents = [
        doc.char_span(doc.text.index(n), doc.text.index(n) + len(n), label)
        for n, label in spans.items()
    ]
    doc.ents = [*doc.ents, doc.char_span(14, 16, "ROLE")]
    roles = [e.text for e in join_titles(doc).ents if e.label_ == "ROLE"]
    assert roles == ["县长助理", "局长", "县长"]


def tagged(text: str, spans: list[tuple[str, str]]):
    """A Doc of ``text`` with the entities given as (text, label), each at its first place
    from where the one before ended."""
    doc = spacy.blank("zh")(text)
    ents, at = [], 0
    for name, label in spans:
        start = text.index(name, at)
        ents.append(doc.char_span(start, start + len(name), label))
        at = start + len(name)
    doc.ents = ents
    return doc


def test_a_name_cut_at_its_dot_is_one_person():
    """The model's readings of Uyghur and Kazakh names: the first part, the first part short
    of its end, the second part with the dot, or the second part short of its start; an
    untagged part ends at a pair never in a name (主持) or a function word (到)."""
    doc = tagged(
        "副县长阿依努尔·买买提主持会议，县长库尔班·艾力表示，主任阿不都热合曼·吐尔逊、委员约翰·史密斯、"
        "局长艾尔肯·吐尔洪到会",
        [
            ("副县长", "ROLE"),
            ("阿依努", "PERSON"),
            ("县长", "ROLE"),
            ("库尔班", "PERSON"),
            ("·艾力", "PERSON"),
            ("主任", "ROLE"),
            ("阿不都", "PERSON"),
            ("尔逊", "PERSON"),
            ("委员", "ROLE"),
            ("约翰·史密斯", "PERSON"),
            ("局长", "ROLE"),
            ("艾尔肯", "PERSON"),
        ],
    )
    persons = [e.text for e in dotted_names(doc).ents if e.label_ == "PERSON"]
    assert persons == [
        "阿依努尔·买买提",
        "库尔班·艾力",
        "阿不都热合曼·吐尔逊",
        "约翰·史密斯",
        "艾尔肯·吐尔洪",
    ]


def test_the_member_of_a_committees_name_is_no_title():
    """委员 inside 管理委员会 or 工作委员会 is part of a body's name, not a title that keeps the
    model from reading the body; 委员 and 委员长 before a name are titles."""
    text = "县开发区管理委员会副主任李强、政协委员王芳、全国人大常委会副委员长张明出席。"
    roles = [e.text for e in rules_for("聊城市")(text).ents if e.label_ == "ROLE"]
    assert roles == ["副主任", "委员", "副委员长"]


def test_a_league_or_democratic_partys_committee_is_one_name():
    """共青团冠县委 and 民盟聊城市委会 are the league's and the party's committees, not 冠县委 or
    聊城市委 with a word before them; the corpus types the democratic parties' ORG."""
    doc = rules_for("聊城市")(
        "共青团冠县委书记王芳、民盟聊城市委会主委张强、九三学社市委副主委李红出席。"
    )
    found = {(e.text, e.label_) for e in doc.ents}
    assert {("共青团冠县委", "GOV"), ("民盟聊城市委会", "ORG"), ("九三学社市委", "ORG")} <= found
    assert not {"冠县委", "聊城市委", "市委"} & {e.text for e in doc.ents}


def test_a_prefectures_committee_read_into_its_title_is_a_body():
    """州 党委书记 (Xinjiang's prefectures write 州党委) -> 州党委 书记."""
    doc = tagged("州党委书记赵刚", [("党委书记", "ROLE"), ("赵刚", "PERSON")])
    assert ents(join_titles(doc)) == {("州党委", "GOV"), ("书记", "ROLE"), ("赵刚", "PERSON")}


def test_a_dot_that_parts_no_name_joins_nothing():
    """A dot in a title, between a place and a fair, or before a credit is no name's."""
    doc = tagged(
        "“天山·丝路”文化节开幕，中国·东盟博览会，摄影 王明·摄",
        [("中国", "PLACE"), ("东盟博览会", "ORG"), ("王明", "PERSON")],
    )
    before = ents(doc)
    assert ents(dotted_names(doc)) == before


def test_a_towns_committee_read_into_its_title_is_a_body():
    """镇 党委书记 (the model's reading) -> 镇党委 书记, 村 党支部书记 -> 村党支部 书记; a firm's
    党委书记 stays a title."""
    doc = spacy.blank("zh")("镇党委书记张三，公司党委书记李四，村党支部书记王五")
    doc.ents = [
        doc.char_span(1, 5, "ROLE"),
        doc.char_span(5, 7, "PERSON"),
        doc.char_span(10, 14, "ROLE"),
        doc.char_span(14, 16, "PERSON"),
        doc.char_span(18, 23, "ROLE"),
        doc.char_span(23, 25, "PERSON"),
    ]
    assert ents(join_titles(doc)) == {
        ("镇党委", "GOV"),
        ("书记", "ROLE"),
        ("张三", "PERSON"),
        ("党委书记", "ROLE"),
        ("李四", "PERSON"),
        ("村党支部", "GOV"),
        ("王五", "PERSON"),
    }


def test_town_bodies_take_their_town_name(nlp):
    doc = nlp(
        "阳谷县石佛街道办事处召开会议，各街道办事处、各级人社部门参加，地点在郑家镇镇政府门口。"
    )
    found = ents(doc)
    assert {("石佛街道办事处", "GOV"), ("郑家镇镇政府", "GOV")} <= found


def test_the_verb_after_a_name_decides_its_length(nlp):
    doc = nlp("副市长张志强强调，要抓好落实。市长王强强调，常务副市长刘文强出席。")
    persons = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert persons == ["张志强", "王强", "刘文强"]


def test_service_offices_are_government_and_place_names_hold_boundary_characters(nlp):
    doc = nlp("那曲市融媒体中心记者到和平区政务服务中心采访，乡镇便民服务中心也已开放。")
    found = ents(doc)
    assert {("那曲市融媒体中心", "ORG"), ("和平区政务服务中心", "GOV")} <= found
    assert "乡镇便民服务中心" not in {text for text, _ in found}


def test_projects_sharing_the_ending_of_the_last_one(nlp):
    doc = nlp("莘县建设了蔬菜加工、冷链物流、新能源装备产业园等3个园区。推动冠县、莘县产业园建设。")
    found = ents(doc)
    assert {("蔬菜加工", "PROJECT"), ("冷链物流", "PROJECT")} <= found
    assert {("冠县", "PLACE"), ("莘县", "PLACE")} <= found


def leftmost_longest(words: set[str], text: str) -> list[tuple[int, int]]:
    """The reference scan: at each position the longest word there, then on after it."""
    found, i = [], 0
    while i < len(text):
        end = max((i + len(w) for w in words if text.startswith(w, i)), default=0)
        if end:
            found.append((i, end))
        i = end or i + 1
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.sets(st.text("市区县东昌府", min_size=1, max_size=4), max_size=8),
    st.text("市区县东昌府聊城", max_size=40),
)
def test_lexicon_scan_is_leftmost_longest_like_the_reference(words, text):
    assert list(Lexicon(words).finditer(text)) == leftmost_longest(words, text)


def test_lexicon_finds_titles_leftmost_longest_in_a_chain():
    titles = Lexicon(read_lexicon("titles.txt"))
    text = "市委常委、宣传部部长、统战部部长柳庆发出席"
    assert [text[s:e] for s, e in titles.finditer(text)] == ["常委", "部长", "部长"]


def test_the_text_kept_on_a_doc_is_the_text_spacy_rebuilds(nlp):
    text = "  本报讯(记者 林晨 黄振)\n\n11月8日 , 副市长王刚出席。 \u3000"
    doc = nlp(text)
    assert doc_text(doc) == doc.text == text


def test_a_name_found_by_its_ending_begins_after_a_pair_no_name_holds():
    """签订 is written in the corpora hundreds of times and never inside a name: the project
    signed is not the association's name run on into it."""
    from dataclasses import replace

    from kg.ner import EntityRules, load_lexicons

    text = "会上，县政府与山东华兴农业协会签订华兴智慧农业产业园项目。"
    rules = rules_for("聊城市")
    found = ents(rules(text))
    assert ("华兴智慧农业产业园项目", "PROJECT") in found
    assert not any("签订" in name for name, _ in found)
    lexicons = load_lexicons("聊城市")
    assert "签订" in lexicons.name_breaks
    unbroken = EntityRules(replace(lexicons, name_breaks=frozenset()))
    run_on = {c for c in unbroken.find(text, unbroken.places(text)) if c.label == "PROJECT"}
    assert {text[c.start : c.end] for c in run_on} == {"山东华兴农业协会签订华兴智慧农业产业园项目"}


def test_the_rules_take_no_generic_project_for_a_name():
    """重大项目 and 基础设施项目 end like project names, but the local news annotators never
    list them as names: the rules learned to drop them (unnamed.txt)."""
    rules = rules_for("聊城市")
    doc = rules("今年全县共实施重大项目120个，基础设施项目30个，华兴智慧农业产业园项目开工。")
    projects = {e.text for e in doc.ents if e.label_ == "PROJECT"}
    assert projects == {"华兴智慧农业产业园项目"}


def test_a_bodys_party_group_goes_to_its_title():
    """The model writes 市商务局党组 | 书记; the guidelines 市商务局 | 党组书记."""
    from spacy.tokens import Span

    doc = spacy.blank("zh")("市商务局党组书记王五")
    doc.ents = [Span(doc, 0, 6, "GOV"), Span(doc, 6, 8, "ROLE"), Span(doc, 8, 10, "PERSON")]
    assert ents(join_titles(doc)) == {("市商务局", "GOV"), ("党组书记", "ROLE"), ("王五", "PERSON")}
    alone = spacy.blank("zh")("党组书记王五")
    alone.ents = [Span(alone, 0, 2, "GOV"), Span(alone, 2, 4, "ROLE")]
    assert ents(join_titles(alone)) == {("党组", "GOV"), ("书记", "ROLE")}


def test_no_name_begins_with_a_legal_form():
    """发展 is a lead-in word (发展X产业), but 新发展 | 股份有限公司 is no place to begin."""
    rules = rules_for("聊城市")
    doc = rules("山东华信新发展股份有限公司年产10万吨饲料项目开工。")
    assert ents(doc) == {("山东华信新发展股份有限公司年产10万吨饲料项目", "PROJECT")}


def test_a_village_no_lexicon_lists_is_kept_from_the_model():
    """The division data lists the villages of the home city only (聊城): 黄龙村 of 房县 is
    the model's, and a village's shape is enough to keep it."""
    nlp = load_pipeline(home_city="聊城市")
    doc = nlp("近日，记者来到湖北省房县土城镇黄龙村，村民正在采摘香菇。")
    assert "黄龙村" not in {s.text for s in doc.spans["kg_places"]}
    assert ("黄龙村", "PLACE") in ents(doc)


def test_a_name_begins_after_this_countys_word():
    """该县X公司: 县 belongs to 该县, not to the firm's name."""
    rules = rules_for("聊城市")
    doc = rules("记者走访了该县华兴家具有限公司。")
    assert ("华兴家具有限公司", "COMPANY") in ents(doc)


def test_a_level_that_runs_on_into_a_word_names_no_place():
    """该县 and 全镇 stand for a place; 该市场, 该区域 and 该县委 do not."""
    rules = rules_for("聊城市")
    text = "该县积极发展纺织产业,全镇有企业20家。该市场年交易额10亿元,该区域内有企业。"
    found = ents(rules(text))
    assert {("该县", "PLACE"), ("全镇", "PLACE")} <= found
    assert not {text for text, label in found if label == "PLACE"} & {"该市", "该区"}
    assert ("该县", "PLACE") not in ents(rules("该县委书记张三出席。"))


def test_a_zone_named_by_the_home_countys_short_name_is_one_place():
    """东阿 is 东阿县's short name, known only because the county is home: the zone begins
    with it all the same."""
    found = ents(rules_for("东阿县")("东阿经济开发区新上项目12个。"))
    assert ("东阿经济开发区", "PLACE") in found
    assert ("经济开发区", "PLACE") not in found


def test_a_place_name_right_after_a_title_is_left_to_the_model():
    """沈阳 and 岳阳 after a title are persons' names: the rules tag no place there, and the
    shipped pipeline reads a person who holds the post."""
    found = ents(rules_for("东阿县")("县委书记沈阳会见了客商一行，副主任岳阳陪同。"))
    assert not {("沈阳", "PLACE"), ("岳阳", "PLACE")} & found
    doc = load_pipeline(home_city="东阿县")("县委书记沈阳会见了客商一行。")
    assert ("沈阳", "PERSON") in ents(doc)


def test_no_company_is_an_industry_with_a_legal_form():
    """The run back from 股份有限公司 stops at 和 of 东和: 新材料股份有限公司 is no name."""
    found = ents(rules_for("东阿县")("签约企业有东和新材料股份有限公司。"))
    assert ("新材料股份有限公司", "COMPANY") not in found


def test_a_project_named_only_by_its_place_is_a_count_not_a_name():
    """东昌府区项目5个 counts a district's projects; 阳谷县祥光铜业项目 names one."""
    rules = rules_for("聊城市")
    doc = rules("签约项目中，东昌府区项目5个，茌平区项目3个，阳谷县祥光铜业项目开工。")
    projects = {e.text for e in doc.ents if e.label_ == "PROJECT"}
    assert projects == {"阳谷县祥光铜业项目"}


def test_a_name_with_a_legal_form_is_a_company_whatever_the_model_says():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("辽宁东和新材料股份有限公司投资的菱镁产业园项目开工。")
    doc.ents = [doc.char_span(0, 13, "PROJECT"), doc.char_span(16, 23, "PROJECT")]
    assert ents(legal_forms(doc)) == {
        ("辽宁东和新材料股份有限公司", "COMPANY"),
        ("菱镁产业园项目", "PROJECT"),
    }


def test_a_zone_begins_after_the_lead_in_word_before_its_place():
    found = ents(rules_for("聊城市")("阳谷县围绕阳谷经济开发区建设铜产业链。"))
    assert {("阳谷县", "PLACE"), ("阳谷经济开发区", "PLACE")} <= found


def test_an_industrial_cluster_zone_is_a_place():
    """产业集聚区 are zones like 开发区 (the local news annotators: 41 places, 5 projects)."""
    found = ents(rules_for("聊城市")("位于阳谷县产业集聚区的祥光铜业有限公司。"))
    assert ("阳谷县产业集聚区", "PLACE") in found


def test_industry_alone_in_a_list_of_fields_is_no_industry():
    found = ents(rules_for("聊城市")("全市聚焦新能源、新材料、产业、物流等重点领域。"))
    assert {("新能源", "INDUSTRY"), ("物流", "INDUSTRY")} <= found
    assert ("产业", "INDUSTRY") not in found
