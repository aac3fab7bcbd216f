"""Entity resolution: home-city expansion, aliases, merges, stable ids."""

from __future__ import annotations

import pytest

from kg.records import HOME_REGION, Mention, Relation
from kg.resolve import Resolver, resolve


@pytest.fixture(scope="module")
def liaocheng():
    return Resolver("聊城市")


def m(text: str, label: str, context: str = "", implicit: bool = False) -> Mention:
    return Mention(text, label, "p.txt#0", "句子。", context=context, implicit=implicit)


@pytest.mark.parametrize(
    ("text", "label", "context", "name"),
    [
        ("市委", "GOV", "", "聊城市委"),
        ("市政府", "GOV", "", "聊城市人民政府"),
        ("聊城市政府", "GOV", "", "聊城市人民政府"),
        ("市委宣传部", "GOV", "", "聊城市委宣传部"),
        ("宣传部", "GOV", "市委", "聊城市委宣传部"),
        ("县政府", "GOV", "刚察县委", "刚察县人民政府"),
        ("县政府", "GOV", "冠县", "冠县人民政府"),  # 冠县县长: the place before the title
        ("区政府", "GOV", "东昌府区", "东昌府区人民政府"),
        ("省工信厅", "GOV", "", "山东省工业和信息化厅"),
        ("中共聊城市委", "GOV", "", "聊城市委"),
        ("市关工委", "ORG", "", "聊城市关工委"),
        ("我市", "PLACE", "", "聊城市"),
        ("聊城", "PLACE", "", "聊城市"),
        ("东阿", "PLACE", "", "东阿县"),
        ("山东", "PLACE", "", "山东省"),
        ("棉服产业", "INDUSTRY", "", "棉服"),
        ("商务部", "GOV", "", "商务部"),
    ],
)
def test_canonical_names_in_a_city_paper(liaocheng, text, label, context, name):
    assert liaocheng.canonical(m(text, label, context)) == name


def test_county_paper_resolves_county_shorthand():
    guanxian = Resolver("冠县")
    assert guanxian.canonical(m("县委", "GOV")) == "冠县委"
    assert guanxian.canonical(m("县政府", "GOV")) == "冠县人民政府"
    assert guanxian.canonical(m("我县", "PLACE")) == "冠县"
    assert guanxian.canonical(m("市委", "GOV")) == "聊城市委"


def test_an_autonomous_prefectures_paper_resolves_its_own_shorthand(tag):
    """州委, 州政府 and a bare 州长 in a 迪庆州 paper are the prefecture's; its 市政府 is
    a city's of the prefecture, not the prefecture's."""
    diqing = Resolver("迪庆藏族自治州")
    assert diqing.canonical(m("州委", "GOV")) == "迪庆藏族自治州委"
    assert diqing.canonical(m("州政府", "GOV")) == "迪庆藏族自治州人民政府"
    assert diqing.canonical(m("我州", "PLACE")) == "迪庆藏族自治州"
    assert diqing.canonical(m("市政府", "GOV")) is None
    assert diqing.canonical(m("市政府", "GOV"), {"市": "香格里拉市"}) == "香格里拉市人民政府"
    _, _, relations = tag("州委副书记、州长张华主持会议。")
    posts = {(r.head.text, r.role, r.tail.text) for r in relations if r.kind == "holds_role"}
    assert ("张华", "州长", "州政府") in posts


def test_county_shorthand_in_a_city_paper_without_context_is_dropped(liaocheng):
    assert liaocheng.canonical(m("县政府", "GOV")) is None


def test_county_shorthand_in_a_city_paper_is_the_county_the_article_is_about():
    """A 聊城 paper's story on 冠县: 县委 is 冠县委, not dropped; a county of another city
    named once does not count."""
    mentions = [
        m("冠县", "PLACE"),
        m("冠县", "PLACE"),
        m("刚察县", "PLACE"),
        m("县委", "GOV"),
        m("县政协", "GOV"),
    ]
    entities, _ = resolve([(mentions, [])], "聊城市")
    bodies = {e.name for e in entities if e.type == "GOV"}
    assert bodies == {"冠县委", "冠县政协"}
    alone, _ = resolve([([m("刚察县", "PLACE"), m("县委", "GOV")], [])], "聊城市")
    assert {e.name for e in alone if e.type == "GOV"} == set()


@pytest.mark.parametrize(
    ("written", "context", "name"),
    [
        ("镇政府", "柳林镇", "柳林镇人民政府"),
        ("镇政府", "柳林镇党委", "柳林镇人民政府"),
        ("乡政府", "辛集乡", "辛集乡人民政府"),
        ("镇政府", "", None),
        ("柳林镇政府", "", "柳林镇人民政府"),
    ],
)
def test_a_towns_body_named_by_its_level_is_the_town_its_context_names(written, context, name):
    """镇长 implies 镇政府: the town written before the title or its party committee's."""
    assert Resolver("冠县").body(written, context) == name


@pytest.mark.parametrize(
    ("written", "context", "name"),
    [
        ("管委会", "冠县经济开发区党工委", "冠县经济开发区管委会"),
        ("管委会", "县经济开发区党工委", "冠县经济开发区管委会"),
        ("办事处", "清泉街道党工委", "清泉街道办事处"),
        ("村委会", "东关村党支部", "东关村委会"),
        ("村委会", "", "村委会"),
        ("管委会", "", "管委会"),
    ],
)
def test_a_bare_zone_body_after_its_zones_other_body_is_that_zones(written, context, name):
    """党工委书记、管委会主任: the 管委会 of the zone whose 党工委 the chain names first."""
    assert Resolver("冠县").body(written, context) == name


def test_a_towns_body_with_no_context_is_the_town_of_the_home_region_the_article_is_about():
    """柳林镇 is a town of 冠县 and of other provinces' counties: the article's is 冠县's."""
    mentions = [m("柳林镇", "PLACE"), m("镇政府", "GOV", implicit=True)]
    entities, _ = resolve([(mentions, [])], "冠县")
    assert {e.name for e in entities if e.type == "GOV"} == {"柳林镇人民政府"}


def test_a_villages_bare_body_is_the_village_the_article_names_most():
    mentions = [m("东关村", "PLACE"), m("西关村", "PLACE"), m("东关村", "PLACE")]
    entities, _ = resolve([([*mentions, m("村党支部", "GOV")], [])], "冠县")
    assert {e.name for e in entities if e.type == "GOV"} == {"东关村党支部"}
    alone, _ = resolve([([m("村党支部", "GOV")], [])], "冠县")
    assert {e.name for e in alone if e.type == "GOV"} == {"村党支部"}


def test_aliases_merge_across_articles_and_short_company_forms():
    first = [
        m("市委", "GOV"),
        m("聊城市委", "GOV"),
        m("中国华电集团有限公司", "COMPANY"),
        m("华电", "COMPANY"),
    ]
    second = [Mention("市委", "GOV", "q.txt#1", "另一句。")]
    entities, _ = resolve([(first, []), (second, [])], "聊城市")
    by_id = {e.id: e for e in entities}
    assert by_id["gov/聊城市委"].aliases == {"市委"}
    assert {s.article for s in by_id["gov/聊城市委"].sources} == {"p.txt#0", "q.txt#1"}
    assert "company/华电" not in by_id
    assert by_id["company/中国华电集团有限公司"].aliases == {"华电"}


def test_a_projects_short_form_joins_the_one_full_name_ending_with_it():
    mentions = [
        m("青禾农业有限公司冷链物流中心", "PROJECT"),
        m("冷链物流中心", "PROJECT"),
        m("项目", "PROJECT"),
        m("东城新区产业园", "PROJECT"),
        m("西城新区产业园", "PROJECT"),
        m("新区产业园", "PROJECT"),
    ]
    entities, _ = resolve([(mentions, [])], "聊城市")
    by_name = {e.name: e for e in entities}
    assert by_name["青禾农业有限公司冷链物流中心"].aliases == {"冷链物流中心"}
    assert "冷链物流中心" not in by_name
    assert "新区产业园" in by_name  # two full names end with it: no merge
    assert "项目" in by_name  # too short to be taken for the end of a name


def test_a_project_with_and_without_xiangmu_is_one_project_across_articles():
    """X产业园 in one article, X产业园项目 in another (and X建设项目, X项目): one node, the first
    name written; a name too short to stand without 项目 stays apart."""
    first = [
        m("中化学新祥云新材料产业园项目", "PROJECT"),
        m("鞋业项目", "PROJECT"),
        m("丰裕食用菌二期建设项目", "PROJECT"),
    ]
    names = ("中化学新祥云新材料产业园", "鞋业", "丰裕食用菌二期项目")
    second = [Mention(n, "PROJECT", "q.txt#1", "另一句。") for n in names]
    entities, _ = resolve([(first, []), (second, [])], "武穴市")
    by_name = {e.name: e for e in entities}
    park = by_name["中化学新祥云新材料产业园项目"]
    assert park.aliases == {"中化学新祥云新材料产业园"}
    assert {s.article for s in park.sources} == {"p.txt#0", "q.txt#1"}
    assert {"鞋业项目", "鞋业"} <= set(by_name)
    assert by_name["丰裕食用菌二期建设项目"].aliases == {"丰裕食用菌二期项目"}


def test_a_name_is_also_known_without_its_place_or_builder_at_its_head():
    said = "文水县锦绣农牧发展有限公司、文水县人民医院和中建材年产200万吨机制骨料生产线项目。"
    firm, hospital = m("文水县锦绣农牧发展有限公司", "COMPANY"), m("文水县人民医院", "ORG")
    county, builder = m("文水县", "PLACE"), m("中建材", "COMPANY")
    project, short = m("中建材年产200万吨机制骨料生产线项目", "PROJECT"), m("冠县纸业", "COMPANY")
    relations = [
        Relation("located_in", firm, county, said),
        Relation("located_in", hospital, county, said),
        Relation("invests_in", builder, project, said),
        Relation("located_in", short, m("冠县", "PLACE"), said),
    ]
    entities, _ = resolve([([], relations)], "吕梁市")
    aliases = {e.name: e.aliases for e in entities}
    assert aliases["文水县锦绣农牧发展有限公司"] == {"锦绣农牧发展有限公司"}
    assert aliases["中建材年产200万吨机制骨料生产线项目"] == {"年产200万吨机制骨料生产线项目"}
    assert aliases["文水县人民医院"] == set()  # an organisation's rest is a generic name
    assert aliases["冠县纸业"] == set()  # too short a rest to name it


def test_a_zone_written_without_its_name_joins_the_one_named_zone_it_shortens():
    one = [m("沧州经济开发区", "PLACE"), m("开发区", "PLACE"), m("经开区", "PLACE")]
    entities, _ = resolve([(one, [])], "沧州市")
    by_name = {e.name: e for e in entities if e.type == "PLACE"}
    assert "秦皇岛市经济技术开发区" not in by_name  # no division found by 经开区 alone
    assert by_name["沧州经济开发区"].aliases >= {"开发区", "经开区"}
    assert "开发区" not in by_name
    two = [m("沧州经济开发区", "PLACE"), m("沧州高新技术产业开发区", "PLACE"), m("开发区", "PLACE")]
    entities, _ = resolve([(two, [])], "沧州市")
    assert "开发区" in {e.name for e in entities}  # it shortens both: no merge
    entities, _ = resolve([([m("高新区", "PLACE")], [])], "聊城市")
    assert "高新区" in {e.name for e in entities}  # no named zone: it stays


def test_a_place_named_by_its_level_alone_is_the_last_place_of_that_level(tag):
    """该县 after 桃江县 is 桃江县, 全镇 after 临泽镇 is 临泽镇; with no place of its level
    written before it, 该县 names none."""
    county = (
        "桃江县有竹林面积115万亩,竹资源总量居全省第一、全国第三。"
        "该县出台了一系列支持竹产业发展的政策。"
    )
    town = "临泽镇大闸蟹养殖总面积约为28000亩。为实现全镇大闸蟹养殖户的“抱团”发展,协会成立。"
    _, mentions, relations = tag(county + town)
    entities, _ = resolve([(mentions, relations)], "高邮市")
    by_name = {e.name: e for e in entities}
    assert "该县" in by_name["桃江县"].aliases
    assert "全镇" in by_name["临泽镇"].aliases
    _, mentions, relations = tag("该县出台了一系列支持竹产业发展的政策。")
    entities, _ = resolve([(mentions, relations)], "高邮市")
    assert not [e for e in entities if "该县" in e.aliases]


def test_implicit_body_is_no_alias():
    from kg.records import Relation

    person, org = m("王刚", "PERSON"), m("市政府", "GOV", implicit=True)
    relation = Relation("holds_role", person, org, "副市长王刚出席。", role="副市长")
    entities, facts = resolve([([person], [relation])], "聊城市")
    government = next(e for e in entities if e.id == "gov/聊城市人民政府")
    assert government.aliases == set()
    assert [(f.head, f.role, f.tail) for f in facts] == [
        ("person/王刚", "副市长", "gov/聊城市人民政府")
    ]


def test_places_get_division_codes_and_part_of_up_to_the_province(tag):
    _, mentions, relations = tag("东昌府区侯营镇的棉服企业订单饱满。", source="a.txt")
    entities, facts = resolve([(mentions, relations)], "聊城市")
    codes = {e.name: e.code for e in entities if e.type == "PLACE"}
    assert codes["东昌府区"] == "371502"
    assert codes["山东省"] == "370000"
    links = {(f.head, f.tail): f for f in facts if f.kind == "part_of"}
    assert {
        ("place/侯营镇", "place/东昌府区"),
        ("place/东昌府区", "place/聊城市"),
        ("place/聊城市", "place/山东省"),
    } <= set(links)
    assert all(f.reference is not None and f.reference.id == "gb2260" for f in links.values())
    assert links[("place/侯营镇", "place/东昌府区")].sources  # the text writes 东昌府区侯营镇
    assert not links[("place/东昌府区", "place/聊城市")].sources  # only the data says so
    city = next(e for e in entities if e.name == "聊城市")
    assert city.reference is not None and not city.sources


def test_a_county_name_found_in_two_provinces_is_the_one_the_article_places(tag):
    """朝阳区 is in Beijing and in 长春; the article's 长春市 decides."""
    _, mentions, relations = tag("长春市朝阳区的汽车零部件企业加快转型。", source="a.txt")
    entities, facts = resolve([(mentions, relations)], "聊城市")
    chaoyang = next(e for e in entities if e.name == "朝阳区")
    assert chaoyang.code.startswith("2201")
    assert ("place/朝阳区", "place/长春市") in {(f.head, f.tail) for f in facts}


@pytest.mark.parametrize(("home", "code"), [("北京市", "1101"), ("长春市", "2201")])
def test_a_repeated_county_name_with_no_context_is_the_one_in_the_home_region(home, code):
    assert Resolver(home).division("朝阳区", set()).code.startswith(code)


@pytest.mark.parametrize(
    ("home", "expected"), [("聊城市", "聊城市"), ("冠县", "冠县"), ("临清市", "临清市")]
)
def test_the_home_region_itself_is_the_build_home_not_its_city(home, expected):
    assert Resolver(home).place(HOME_REGION) == expected


@pytest.mark.parametrize(("home", "expected"), [("聊城市", "聊城市政协"), ("冠县", "冠县政协")])
def test_a_bare_zhengxie_is_the_home_regions(home, expected):
    assert Resolver(home).body("政协", "") == expected


@pytest.mark.parametrize(
    ("home", "written", "name"),
    [
        ("马山县", "深圳福田区委", "深圳市福田区委"),
        ("马山县", "深圳市福田区委", "深圳市福田区委"),
        ("凯里市", "黔东南州委", "黔东南苗族侗族自治州委"),
        ("凯里市", "黔东南州政府", "黔东南苗族侗族自治州人民政府"),
        ("吉县", "吉县县委", "吉县委"),
        ("睢县", "淮阳县县委", "淮阳县委"),
        ("吴江区", "我区政协", "吴江区政协"),
        ("聊城市", "聊城市市场监管局", "聊城市市场监督管理局"),
        ("鄂尔多斯市", "乌审旗旗委", "乌审旗委"),
        ("达拉特旗", "旗委", "达拉特旗委"),
        ("达拉特旗", "旗政府", "达拉特旗人民政府"),
        ("达拉特旗", "我旗政协", "达拉特旗政协"),
        ("阿巴嘎旗", "盟行政公署", "锡林郭勒盟行政公署"),
    ],
)
def test_a_bodys_region_is_written_in_full_and_its_level_once(home, written, name):
    """One node for a body however the paper writes its region: a short name (黔东南州), a
    city's short name before its district (深圳福田区), 我区, a level written twice (吉县县委)."""
    assert Resolver(home).body(written, "") == name


@pytest.mark.parametrize(
    ("written", "context", "name"),
    [
        ("政法委", "县委", "睢县委政法委"),
        ("政法委", "市委", "商丘市委政法委"),
        ("网信办", "县委", "睢县委网信办"),
        ("宣传部", "县委", "睢县委宣传部"),
        ("纪委", "县委", "睢县纪委"),
        ("纪委", "市委", "商丘市纪委"),
        ("监委", "", "睢县监委"),
        ("政法委", "", "睢县委政法委"),
        ("宣传部", "", "宣传部"),
        ("政府", "市委", "商丘市人民政府"),
        ("政府", "县委", "睢县人民政府"),
        ("人民政府", "", "睢县人民政府"),
    ],
)
def test_a_committees_organs_and_bodies_of_its_level_after_it_in_a_chain(written, context, name):
    """县委常委、政法委书记: the committee's own organ (睢县委政法委, as the corpus writes it);
    市委常委、纪委书记: the discipline commission of the committee's region (商丘市纪委), and
    市委常委、政府副市长 its government; a bare organ only a party committee has is the home
    committee's where no committee is before it; a department (宣传部) could be any body's."""
    assert Resolver("睢县").body(written, context) == name


def test_a_bare_government_after_a_level_the_home_region_lacks_is_no_body():
    """县委常委、政府副县长 in a city's paper with no county named: no county's government."""
    assert Resolver("商丘市").body("政府", "县委") is None
    assert Resolver("商丘市").body("政府", "市委") == "商丘市人民政府"


@pytest.mark.parametrize(
    ("written", "name"),
    [("德州日报", "德州日报"), ("德州新闻网", "德州新闻网"), ("我县人民医院", "武城县人民医院")],
)
def test_an_organisations_name_keeps_its_region_as_written(written, name):
    """德州日报 is the paper's own name, not 德州市日报; 我县 is still the home county."""
    assert Resolver("武城县").canonical(m(written, "ORG")) == name


def test_a_bare_shorthand_keeps_the_home_region_where_another_sentence_names_a_visited_one():
    """In a 启东市 paper, 市委书记王晓斌 is 启东's; 市委副书记何益军 after 如皋市委书记 in another
    sentence is 如皋's: the bare 市委 is not taken for the visited city's."""

    def post(person: str, org: Mention) -> Relation:
        return Relation("holds_role", m(person, "PERSON"), org, "句子。", role="书记")

    relations = [post("王晓斌", m("市委", "GOV")), post("何益军", m("市委", "GOV", "如皋市委"))]
    _, facts = resolve([([], relations)], "启东市")
    assert {(f.head, f.tail) for f in facts if f.kind == "holds_role"} == {
        ("person/王晓斌", "gov/启东市委"),
        ("person/何益军", "gov/如皋市委"),
    }


@pytest.mark.parametrize(
    ("short", "named", "name"),
    [
        ("西湖", (), "西湖"),  # a lake, not 杭州's 西湖区
        ("灵山", (), "灵山"),  # a mountain or a firm's brand, not 广西's 灵山县
        ("平遥", ("山西",), "平遥县"),  # the article names its province
        ("平遥", ("晋中市",), "平遥县"),  # or its city
        ("义乌", (), "义乌市"),  # a city
        ("光山", (), "光山县"),  # of the home province
    ],
)
def test_a_far_countys_short_name_resolves_only_where_the_article_names_its_region(
    short, named, name
):
    """Short names of districts and counties are often words; far from home, one is taken
    for the division only where the article names the division's city or province too."""
    assert Resolver("罗山县").place(short, frozenset(named)) == name


def test_shorthand_after_a_former_county_is_that_countys():
    """淮阳县 became 淮阳区 in 2019: in a 睢县 paper, 县委 and 县政府 in a chain after 淮阳县委
    (a visiting delegation's officials) are 淮阳县's, not the home county's."""
    suixian = Resolver("睢县")
    assert suixian.body("县委", "淮阳县县委") == "淮阳县委"
    assert suixian.body("县政府", "淮阳县委") == "淮阳县人民政府"
    assert suixian.body("县委", "") == "睢县委"


def test_a_place_the_text_puts_elsewhere_is_not_the_datas_place_of_that_name():
    """户县草堂镇: the data's only 草堂镇 is in 奉节县, so the 草堂镇 read is another place, with
    no code and no parents from the data; 宜宾县南广镇 is the data's 叙州区南广镇, 宜宾县 having
    become 叙州区."""
    said = "西安市户县草堂镇、宜宾县南广镇。"
    relations = [
        Relation("part_of", m("草堂镇", "PLACE"), m("户县", "PLACE"), said),
        Relation("part_of", m("南广镇", "PLACE"), m("宜宾县", "PLACE"), said),
    ]
    entities, facts = resolve([([], relations)], "武山县")
    assert "奉节县" not in {e.name for e in entities}
    assert {(f.head, f.tail) for f in facts if f.head == "place/草堂镇"} == {
        ("place/草堂镇", "place/户县")
    }
    assert ("place/南广镇", "place/叙州区") in {(f.head, f.tail) for f in facts}
    misread = [Relation("part_of", m("河南省", "PLACE"), m("山东省", "PLACE"), "河南、山东。")]
    entities, _ = resolve([([], misread)], "武山县")
    assert {e.name: e.code for e in entities}["河南省"] == "410000"


def test_a_region_read_inside_a_zone_is_dropped():
    """湖北省 partOf 开发区 is a misreading: zones hold towns and villages; 白午村 partOf 开发区
    stays."""
    said = "湖北省开发区白午村。"
    zone = m("开发区", "PLACE")
    relations = [
        Relation("part_of", m("湖北省", "PLACE"), zone, said),
        Relation("part_of", m("白午村", "PLACE"), zone, said),
    ]
    _, facts = resolve([([], relations)], "孝昌县")
    assert {(f.head, f.tail) for f in facts if f.tail == "place/开发区"} == {
        ("place/白午村", "place/开发区")
    }


def test_a_part_of_read_against_the_division_data_is_dropped(tag):
    """The text writes 唐山市路北区; read the wrong way round, the data says otherwise."""
    _, mentions, _ = tag("唐山市路北区的企业加快转型。", source="a.txt")
    city, district = (next(x for x in mentions if x.text == n) for n in ("唐山市", "路北区"))
    wrong = Relation("part_of", city, district, "唐山市路北区")
    _, facts = resolve([(mentions, [wrong])], "唐山市")
    links = {(f.head, f.tail) for f in facts if f.kind == "part_of"}
    assert ("place/路北区", "place/唐山市") in links
    assert ("place/唐山市", "place/路北区") not in links


@pytest.mark.parametrize(
    ("home", "short"), [("子长县", "子长"), ("济阳县", "济阳"), ("胶南市", "胶南")]
)
def test_a_former_divisions_paper_reads_its_short_name_as_itself(home, short):
    """子长县 became 子长市 (子长): in a 子长县 paper 子长 is 子长县; 胶南 no data knows."""
    assert Resolver(home).place(short) == home


def test_a_cities_short_name_in_a_county_paper_stays_the_city():
    assert Resolver("宜宾县").place("宜宾") == "宜宾市"


@pytest.mark.parametrize(
    ("home", "text", "name"),
    [
        ("聊城市", "市经济开发区", "聊城市经济开发区"),
        ("冠县", "县经济开发区", "冠县经济开发区"),
        ("聊城市", "市北区", "市北区"),
        ("聊城市", "县经济开发区", "县经济开发区"),
    ],
)
def test_a_zone_written_with_its_level_is_the_home_regions(home, text, name):
    """Like 市委: 市经济开发区 is the home city's; a real district (市北区) stays itself, and
    a level the home region lacks is left as written."""
    assert Resolver(home).canonical(m(text, "PLACE")) == name


@pytest.mark.parametrize("home", ["北京市", "银川市"])
def test_a_bare_province_body_in_a_paper_of_no_province_is_not_the_homes(home):
    """省政协 in a paper of a municipality or an autonomous region is some province's, not
    北京省政协 or 宁夏回族自治省政协; in a province's paper it is that province's."""
    assert Resolver(home).canonical(m("省政协", "GOV")) is None
    assert Resolver("银川市").canonical(m("自治区政府", "GOV")) == "宁夏回族自治区人民政府"
    assert Resolver("聊城市").canonical(m("省政协", "GOV")) == "山东省政协"


def test_an_autonomous_regions_paper_expands_its_own_shorthand():
    """自治区政府 in a 包头 paper is 内蒙古自治区人民政府, as 市政府 is 包头市人民政府."""
    baotou = Resolver("包头市")
    assert baotou.canonical(m("自治区政府", "GOV")) == "内蒙古自治区人民政府"
    assert baotou.canonical(m("自治区党委", "GOV")) == "内蒙古自治区党委"
    assert baotou.canonical(m("自治区", "PLACE")) == "内蒙古自治区"
    assert Resolver("聊城市").canonical(m("自治区政府", "GOV")) == "自治区人民政府"


@pytest.mark.parametrize(
    ("label", "full", "short"),
    [
        ("PLACE", "小北河镇", "小北河"),
        ("PLACE", "昌吉国家高新技术产业开发区", "昌吉国家高新区"),
        ("GOV", "良枧村委会", "村委会"),
        ("GOV", "金普新区党工委", "新区党工委"),
        ("GOV", "梅河新区管委会", "管委会"),
        ("PROJECT", "凤阳硅工业园区", "凤阳硅工业园"),
        ("PROJECT", "鹰方瑞液压器项目", "鹰方瑞液压器"),
        ("ORG", "福建农林大学(古田)菌业研究院", "菌业研究院"),
        ("INDUSTRY", "服装", "服装业"),
        ("INDUSTRY", "煤电", "煤电工业"),
    ],
)
def test_a_short_form_joins_the_one_full_name_of_the_article(label, full, short):
    mentions = [Mention(name, label, "p.txt#0", "句子。", held=True) for name in (full, short)]
    entities, _ = resolve([(mentions, [])], "大连市")
    aliases = {e.name: e.aliases for e in entities}
    assert aliases[full] == {short}
    assert short not in aliases


@pytest.mark.parametrize(
    ("label", "names", "short"),
    [
        ("PLACE", ("小北河镇", "小北河村"), "小北河"),  # a town and a village
        ("GOV", (), "村党支部"),  # no named branch in the article
        ("PLACE", (), "沧州经开区"),  # its full name is not in the article
    ],
)
def test_a_short_form_stays_where_the_article_has_no_one_full_name(label, names, short):
    mentions = [m(name, label) for name in (*names, short)]
    entities, _ = resolve([(mentions, [])], "大连市")
    assert short in {e.name for e in entities}


def test_industry_short_form_and_full_name_are_one_industry():
    resolver = Resolver("聊城市")
    names = {
        resolver.canonical(Mention(text, "INDUSTRY", "a#0", ""))
        for text in ("文旅", "文化旅游", "文旅产业")
    }
    assert names == {"文化旅游"}


def test_an_industry_stays_where_something_is_in_it_or_it_is_held():
    said = "全县围绕光伏、旅游、家纺三大产业招商。"
    mentions = [
        Mention("光伏", "INDUSTRY", "a#0", said, held=True),
        Mention("旅游", "INDUSTRY", "a#0", said),
        Mention("家纺", "INDUSTRY", "a#0", said),
        Mention("城关镇", "PLACE", "a#0", said),
    ]
    relations = [Relation("in_industry", mentions[3], mentions[2], said)]
    entities, _ = resolve([(mentions, relations)], "临清市")
    assert {e.name for e in entities if e.type == "INDUSTRY"} == {"光伏", "家纺"}


def test_an_industry_written_with_its_activity_after_it_is_known_by_both():
    said = "该镇生猪养殖和机械行业发展迅速。"
    mentions = [Mention(name, "INDUSTRY", "a#0", said, held=True) for name in ("生猪", "机械")]
    entities, _ = resolve([(mentions, [])], "临清市")
    aliases = {e.name: e.aliases for e in entities}
    assert aliases["生猪"] == {"生猪养殖"}
    assert aliases["机械"] == set()  # 机械行业: no activity after it


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("省工信厅", "山东省工业和信息化厅"),
        ("市工信局", "聊城市工业和信息化局"),
        ("市发改委", "聊城市发展和改革委员会"),
        ("冠县住建局", "冠县住房和城乡建设局"),
        ("市外办", "聊城市外事办公室"),
        ("市工业和信息化局", "聊城市工业和信息化局"),
        ("市委宣传部", "聊城市委宣传部"),
    ],
)
def test_department_short_forms_expand_through_the_abbreviation_lexicon(short, full):
    assert Resolver("聊城市").body(short, "") == full


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("市工商联", "聊城市工商业联合会"),
        ("聊城市工商联", "聊城市工商业联合会"),
        ("冠县妇联", "冠县妇女联合会"),
        ("全国工商联", "全国工商联"),
        ("中国侨联", "中国侨联"),
        ("工商联", "工商联"),
    ],
)
def test_peoples_organisations_short_endings_expand(short, full):
    """市工商联 and 市工商业联合会 in one paper are one body: the short ending is written out
    after a region; a bare 工商联 says not whose, and the national bodies' full names are
    their own (中国侨联 is 中华全国归国华侨联合会)."""
    assert Resolver("聊城市").body(short, "", state=False) == full


def test_company_short_form_made_of_characters_of_the_full_name_merges(tag):
    _, mentions, relations = tag(
        "聊城市公共交通集团有限公司新开两条线路。公交集团表示，将继续优化线网。", source="a.txt"
    )
    entities, _ = resolve([(mentions, relations)], "聊城市")
    company = next(e for e in entities if e.name == "聊城市公共交通集团有限公司")
    assert "公交集团" in company.aliases
    assert not [e for e in entities if e.name == "公交集团"]
