"""Stage 1 (kg.ingest): reading, cleaning and splitting the real seed pages."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import (
    MAX_ARTICLE_CHARS,
    IngestError,
    clean_text,
    load_pages,
    page_articles,
    read_page,
    simplified,
    split_articles,
)
from kg.records import Article

from .conftest import ROOT, SEEDS, traditional

PAGE_000 = SEEDS / "000_3b686d864aefadfd.txt"
PAGE_001 = SEEDS / "001_5d684e7cc0ae9713.txt"
PAGE_003 = SEEDS / "003_24df4ab27af73296.txt"
NEWS_001 = next(
    line
    for line in PAGE_001.read_text(encoding="utf-8").split("\n")
    if line.startswith("本报讯(记者 张伟 于新新)")
)
"""A news item of page 001: 山东华电聊城九标段343.75兆瓦风电项目 starts."""


def articles_of(path: Path) -> list[Article]:
    return split_articles(clean_text(read_page(path)), path.name)


def article_titled(path: Path, title: str) -> Article:
    return next(a for a in articles_of(path) if a.title == title)


# --- reading ------------------------------------------------------------------------------


def test_read_utf8_page() -> None:
    assert read_page(PAGE_000) == PAGE_000.read_bytes().decode("utf-8")


def test_read_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    text = PAGE_000.read_text(encoding="utf-8")
    page = tmp_path / PAGE_000.name
    page.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert read_page(page) == text


def test_gb18030_page_gives_the_same_articles(tmp_path: Path) -> None:
    text = PAGE_000.read_text(encoding="utf-8")
    page = tmp_path / PAGE_000.name
    page.write_bytes(text.encode("gb18030"))
    assert read_page(page) == text
    assert load_pages([page]) == (articles_of(PAGE_000), [])


@pytest.mark.parametrize("page", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_a_page_in_traditional_characters_gives_its_simplified_articles(
    page: Path, tmp_path: Path
) -> None:
    twin = tmp_path / page.name
    twin.write_text(traditional(page.read_text(encoding="utf-8")), encoding="utf-8")
    assert twin.read_text(encoding="utf-8") != page.read_text(encoding="utf-8")
    assert load_pages([twin]) == (articles_of(page), [])


def test_a_big5_page_in_traditional_characters_reads_in_simplified(tmp_path: Path) -> None:
    page = tmp_path / "big5.txt"
    page.write_bytes(traditional(NEWS_001).encode("big5"))
    assert "華電" in page.read_bytes().decode("big5")
    (article,) = page_articles(page.read_bytes(), page)
    assert article.text == clean_text(NEWS_001)
    assert "山东华电聊城九标段343.75兆瓦风电项目在阳谷县正式开工建设" in article.text


READINGS = {"華": "huá", "電": "diàn", "項": "xiàng", "設": "shè", "長": "zhǎng", "書": "shū"}
READINGS |= {"黨": "dǎng", "會": "huì", "區": "qū", "執": "zhí", "總": "zǒng", "經": "jīng"}


def test_pinyin_written_after_characters_is_dropped(tmp_path: Path) -> None:
    """Some sites write the reading after characters (華(huá)電(diàn)); with one in a few
    characters, the page is still read, and read without them."""
    glossed = "".join(f"{c}({READINGS[c]})" if c in READINGS else c for c in traditional(NEWS_001))
    tones = sum(c in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ" for c in glossed)
    assert tones > 0.05 * len(glossed.replace(" ", ""))
    page = tmp_path / "glossed.txt"
    page.write_text(glossed, encoding="utf-8")
    (article,) = page_articles(page.read_bytes(), page)
    assert article.text == clean_text(NEWS_001)
    assert clean_text("研发(R&D)中心(一期)项目") == "研发(R&D)中心(一期)项目"


def test_simplified_text_keeps_the_characters_a_converter_would_change() -> None:
    page = ROOT / "data" / "localnews" / "texts" / "dong2_035.txt"
    text = page.read_text(encoding="utf-8")
    assert "乾安县委、县政府" in simplified(text)
    assert simplified(text) == text
    assert simplified("乾县") == "乾县"
    assert simplified("") == ""


def test_binary_file_is_rejected_naming_the_file(tmp_path: Path) -> None:
    page = tmp_path / "scan.txt"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(IngestError, match=r"scan\.txt: not a text page \(binary data\)"):
        read_page(page)


def test_a_saved_web_page_is_refused_naming_the_file(tmp_path: Path) -> None:
    """A page saved as HTML would give its markup to the tagger as words; a text that quotes
    a tag further on is still text."""
    news = PAGE_001.read_text(encoding="utf-8")
    page = tmp_path / "news.html"
    page.write_text(f'<!DOCTYPE html>\n<html lang="zh"><body><p>{news}</p></body></html>')
    with pytest.raises(IngestError, match=r"news\.html: an HTML page, not text"):
        read_page(page)
    quoted = tmp_path / "quoted.txt"
    quoted.write_text(f"{news}\n<html>", encoding="utf-8")
    assert read_page(quoted).startswith(news[:20])


def test_control_characters_are_binary_data(tmp_path: Path) -> None:
    page = tmp_path / "ctrl.txt"
    page.write_bytes(b"\x01\x02\x03\x1b[0m\x07" * 200)
    with pytest.raises(IngestError, match=r"ctrl\.txt: .*binary data"):
        read_page(page)


def test_random_high_bytes_are_garbage(tmp_path: Path) -> None:
    rng = random.Random(7)
    page = tmp_path / "noise.txt"
    page.write_bytes(bytes(rng.randint(0x80, 0xFF) for _ in range(3000)))
    with pytest.raises(IngestError, match=r"noise\.txt: not a text page"):
        read_page(page)


def test_mojibake_is_garbage_not_text(tmp_path: Path) -> None:
    """UTF-8 bytes read as Latin-1 and saved again: valid UTF-8, but not a page."""
    text = PAGE_000.read_text(encoding="utf-8")
    page = tmp_path / "mojibake.txt"
    page.write_bytes(text.encode("utf-8").decode("latin-1").encode("utf-8"))
    with pytest.raises(IngestError, match=r"mojibake\.txt: not a text page \(garbled"):
        read_page(page)


def test_japanese_bytes_are_not_taken_for_gbk(tmp_path: Path) -> None:
    """Shift-JIS bytes decode as GB18030 without error, into rare characters: refused."""
    page = tmp_path / "sjis.txt"
    page.write_bytes(
        ("日本語のテキストです。東京都は今日、会議を開きました。\n" * 20).encode("cp932")
    )
    with pytest.raises(IngestError, match=r"sjis\.txt: not a text page \(garbled"):
        read_page(page)


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n", b"\xef\xbb\xbf\n", "\u3000\n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    page = tmp_path / "blank.txt"
    page.write_bytes(content)
    with pytest.raises(IngestError, match=r"blank\.txt: empty file$"):
        read_page(page)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"nope\.txt: no such file"):
        read_page(tmp_path / "nope.txt")


# --- loading ------------------------------------------------------------------------------


def test_load_pages_skips_bad_paths_and_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "no_pages").mkdir()
    missing = tmp_path / "missing.txt"
    articles, problems = load_pages(
        [PAGE_000, missing, tmp_path / "empty.txt", tmp_path / "binary.txt", tmp_path / "no_pages"]
    )
    assert articles == articles_of(PAGE_000)
    assert len(problems) == 4
    assert all("\n" not in problem for problem in problems)
    assert problems[0].startswith(f"{missing}:")
    assert any(p.endswith("empty.txt: empty file") for p in problems)
    assert any("binary.txt: not a text page (binary data)" in p for p in problems)
    assert any("no_pages" in p and "no .txt files" in p for p in problems)


def test_load_pages_reads_folders_sorted_and_recursive(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    shutil.copy(PAGE_001, tmp_path / "b" / PAGE_001.name)
    shutil.copy(PAGE_000, tmp_path / PAGE_000.name)
    (tmp_path / "notes.md").write_text("not a page")
    articles, problems = load_pages([tmp_path])
    assert problems == []
    assert articles == articles_of(PAGE_000) + articles_of(PAGE_001)


def test_a_broken_link_in_a_folder_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    shutil.copy(PAGE_000, tmp_path / PAGE_000.name)
    (tmp_path / "moved.txt").symlink_to(tmp_path / "gone" / "moved.txt")
    articles, problems = load_pages([tmp_path])
    assert articles == articles_of(PAGE_000)
    assert problems == [
        f"{tmp_path / 'moved.txt'}: not a readable file (a broken link or a special file)"
    ]


def test_load_pages_reads_a_page_once(tmp_path: Path) -> None:
    articles, problems = load_pages([PAGE_000, PAGE_000])
    assert (articles, problems) == (articles_of(PAGE_000), [])


# --- cleaning -----------------------------------------------------------------------------


def test_sentence_broken_across_a_blank_line_is_joined() -> None:
    raw = PAGE_000.read_text(encoding="utf-8")
    assert "高标准建\n\n设侯营" in raw
    cleaned = clean_text(raw)
    assert "高标准建设侯营棉服加工产业园,12月底可投入使用" in cleaned
    assert "\n\n为促进企业发展,我市科学精准进行帮扶" in cleaned


def test_narrow_column_lines_are_joined_without_spaces() -> None:
    excerpt = (
        "“聊城农产品出口市场范围相对\n"
        "集中，开拓新市场力度不够。”“农业企\n"
        "业科技投入有待增加，供应链建设不\n"
        "完善。”\n"
        "\n"
        "6月9日上午，市政协召开加快推\n"
        "动农产品抢“鲜”出口专题协商会议，\n"
    )
    assert clean_text(excerpt) == (
        "“聊城农产品出口市场范围相对集中，开拓新市场力度不够。”“农业企业科技投入有待增加，"
        "供应链建设不完善。”\n\n6月9日上午，市政协召开加快推动农产品抢“鲜”出口专题协商会议，"
    )


def test_column_text_broken_by_blank_lines_is_joined() -> None:
    cleaned = clean_text(read_page(SEEDS / "004_a5410352c8169bb8.txt"))
    assert "助力企业融资纾困，开展政金企对接活动4场，帮助企业对接资金9.3亿元；" in cleaned
    assert "营业收入500亿元。" in clean_text(read_page(PAGE_003))


def test_an_indented_line_starts_a_paragraph() -> None:
    cleaned = clean_text(read_page(SEEDS / "004_a5410352c8169bb8.txt"))
    assert "同比增长 10% 以上\n\n5月24日，东昌府区梁水镇国兴现代农业有限公司" in cleaned


def test_headlines_stay_on_their_own_lines() -> None:
    cleaned = clean_text(PAGE_000.read_text(encoding="utf-8"))
    lines = cleaned.split("\n")
    for headline in (
        '"小棉袄"闯出大市场',
        "—我市棉服产业高质量发展综述",
        "聊城市对口支援刚察县消费帮扶倡议书",
        "刚察县农畜产品 聊城直营店简介",
        "我市举办庆祝第25个中国记者节活动",
    ):
        assert headline in lines


def test_headline_lines_of_a_headline_last_page_are_not_joined() -> None:
    lines = clean_text(PAGE_003.read_text(encoding="utf-8")).split("\n")
    assert "让“聊城味道”香飘海外" in lines
    assert "——市政协专题协商助力农产品抢“鲜”出口" in lines
    assert "编后" in lines


def test_a_line_ending_a_sentence_is_not_joined() -> None:
    assert clean_text("这是第一句。\n这是第二句") == "这是第一句。\n这是第二句"


def test_spaced_out_characters_are_closed_up() -> None:
    assert (
        clean_text(" ■ 本 报 记 者 林金彦\n本报通讯员 张爽") == "■ 本报记者 林金彦\n本报通讯员 张爽"
    )
    assert (
        clean_text("1—4 月 份 ，全 市 工 业 投 资 同 比 增 长") == "1—4月份，全市工业投资同比增长"
    )
    assert clean_text("本报讯（记者 张颖） 6 月 12 日，记者从市工商联了解到") == (
        "本报讯（记者 张颖）6月12日，记者从市工商联了解到"
    )


def test_stray_spaces_in_running_text_are_removed() -> None:
    line = (
        '近年来,东阿县大力推 进医疗健康、康养文旅、中 医药等多业态融合发展,将 "康养东阿"'
        "绿色健康新名 片擦得更亮。"
    )
    assert clean_text(line) == (
        '近年来,东阿县大力推进医疗健康、康养文旅、中医药等多业态融合发展,将"康养东阿"'
        "绿色健康新名片擦得更亮。"
    )


def test_names_in_bylines_stay_separate() -> None:
    bold = "■ 本报记者 **张洁** 本报通讯员 **闵庆才 于继镔**"
    assert clean_text(bold) == "■ 本报记者 张洁 本报通讯员 闵庆才 于继镔"
    assert clean_text("■ 朱海波 陈丽丽") == "■ 朱海波 陈丽丽"
    news = "本报讯(记者 林晨 黄振)11月8日,是第25个中国记者节。当天,市委书记李长萍到 省驻聊媒体。"
    assert clean_text(news) == news.replace("到 省", "到省")
    caption = "将时尚化落实到每一个产品细节上,提供更高级的家居 体验。 ■ 本报记者 赵宗锋"
    assert clean_text(caption) == caption.replace("家居 体验。 ■", "家居体验。■")
    site = "东南网漳州10月16日讯(通讯员 黄水成 罗奇伟 赖思臻 本网记者 卢丽娟)又到金秋 收获季。"
    assert clean_text(site) == site.replace("金秋 收获", "金秋收获")


def test_spaces_in_headlines_and_quoted_titles_are_kept() -> None:
    assert clean_text("铸魂 强基 赋能") == "铸魂 强基 赋能"
    body = "12月27日,“七十五载风华盛 繁森家乡看发展”全国摄影展开展仪式在孔繁森同志纪念馆举行。"
    assert clean_text(body) == body


def test_characters_are_normalised() -> None:
    raw = "ＡＢＣ公司发布１２３项\u200b成果，（试行）。\x07\tok\r\n农畜产品\u3000直营店简介"
    assert clean_text(raw) == "ABC公司发布123项成果，（试行）。\tok\n农畜产品 直营店简介"


def test_html_character_references_are_read() -> None:
    lines = PAGE_001.read_text(encoding="utf-8").split("\n")
    quoted = next(line for line in lines if line.startswith("本次大赛实现了“订单式”"))
    page = f"{NEWS_001}\n{quoted}"
    saved = page.replace(" ", "&nbsp;", 1).replace("“", "&ldquo;").replace("”", "&#8221;")
    assert "&nbsp;" in saved and "&ldquo;" in saved and "&#8221;" in saved
    assert clean_text(saved) == clean_text(page)
    assert clean_text("研发(R&D)投入&amp;产出") == "研发(R&D)投入&产出"


def test_bold_markers_are_stripped() -> None:
    assert "**" not in clean_text(PAGE_000.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_cleaning_a_clean_page_changes_nothing(page: Path) -> None:
    cleaned = clean_text(read_page(page))
    assert clean_text(cleaned) == cleaned


# --- splitting ----------------------------------------------------------------------------

EXPECTED_TITLES = {
    # a feature (with banner and subtitle), a photo caption, the 刚察 news item, a letter
    # (倡议书), the shop list, four 时政 items, a closing photo caption
    "000": [
        '"小棉袄"闯出大市场',
        "",
        "2024 刚察县绿色有机农畜产品推介会聊城分会场活动启动",
        "聊城市对口支援刚察县消费帮扶倡议书",
        "刚察县农畜产品 聊城直营店简介",
        "我市举办庆祝第25个中国记者节活动",
        '聊城市"手牵手"孤困儿童关爱帮扶 专场演出举行',
        "全省工业领域设备更新和技术改造现场会暨《山东省先进制造业促进条例》宣贯会议在聊城召开",
        "全省广播电视和网络视听调研座谈会 在聊城召开",
        "",
    ],
    # eight news items (one with a dated subtitle, one with a kicker) and a feature
    "001": [
        "山东省工商联十四届四次执委会议将在聊城召开",
        "“七十五载风华盛 繁森家乡看发展”全国摄影展开展",
        "山东华电聊城九标段343.75兆瓦风电项目在阳谷开工建设",
        "第十三届中国创新创业大赛创新挑战赛(聊城)高端装备制造、汽车及零部件和新材料产业赛举行",
        "东阿县推动大健康产业集聚化发展",
        "1—11月东昌府区进出口总额同比增长16.09%",
        "1—11月我市限上零售额362.6亿元",
        "市自然资源和规划局叫响“资源为民”党建品牌",
        "刻在骨子里的“繁森烙印”",
    ],
    # a feature, three news items behind section label and kickers, the 目击 photo, a news
    # item, and the 巡察 notice with its address list and table
    "002": [
        "点燃经济发展新引擎",
        "在平举办金砖国家无人机巡测总决赛",
        "夺取一季度工业经济“开门红”",
        "冠县电商产业跑出“加速度”",
        "目击",
        "东昌府区打造低空经济人才摇篮",
        "十四届市委第八轮巡察公告",
    ],
    # headline-last layout: a feature, a news item, a photo, a news item, a photo, a story,
    # its 编后 commentary, a news item
    "003": [
        "让“聊城味道”香飘海外",
        "我市畅通政企沟通渠道",
        "",
        "聊城培育建设四大轴承产业集群",
        "",
        "“走错了？我送您！”",
        "编后",
        "我市巧借“外脑”助力钢管产业升级",
    ],
    # headline-last layout: two news items, a photo, a feature with two subheads, an
    # infographic with a photo, three news items
    "004": [
        "聊城市工业经济持续稳定向好",
        "我市47个项目入选省企业技术创新项目计划",
        "",
        "固本强基 行稳致远",
        "",
        "山东省学习贯彻习近平法治思想专题宣讲走进聊城",
        "我市安排部署防汛抗旱工作",
        "我市宣传文旅部门到韩国和日本开展文化交流和文旅宣介活动",
    ],
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_TITLES))
def test_articles_and_titles_per_page(prefix: str) -> None:
    page = next(SEEDS.glob(f"{prefix}_*.txt"))
    articles = articles_of(page)
    assert [a.title for a in articles] == EXPECTED_TITLES[prefix]
    assert [a.index for a in articles] == list(range(len(articles)))
    assert {a.source for a in articles} == {page.name}


@pytest.mark.parametrize("page", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_offsets_cover_the_page(page: Path) -> None:
    text = clean_text(read_page(page))
    articles = split_articles(text, page.name)
    covered = [False] * len(text)
    previous_end = 0
    for article in articles:
        assert article.text == text[article.start : article.end]
        assert article.text == article.text.strip()
        assert article.start >= previous_end
        previous_end = article.end
        covered[article.start : article.end] = [True] * len(article.text)
    assert all(c.isspace() for c, done in zip(text, covered, strict=True) if not done)


def test_feature_byline_and_reporters() -> None:
    feature = articles_of(PAGE_000)[0]
    assert feature.byline == "■ 本报记者 张洁 本报通讯员 闵庆才 于继镔"
    assert feature.reporters == ("张洁", "闵庆才", "于继镔")
    assert feature.text.startswith("锚定现代化 改革再深化 当好排头兵\n\n")
    assert feature.date is None


def test_news_item_byline_reporters_and_date() -> None:
    item = article_titled(PAGE_000, "我市举办庆祝第25个中国记者节活动")
    assert item.id == "000_3b686d864aefadfd.txt#5"
    assert item.byline == "本报讯(记者 林晨 黄振)"
    assert item.reporters == ("林晨", "黄振")
    assert item.date == "2024-11-08"
    assert item.text.startswith("一时政动态,\n\n我市举办庆祝第25个中国记者节活动\n\n本报讯")
    assert item.text.endswith("齐心协力建设全市新闻媒体互帮互助、温馨和谐的大家庭。")


def test_two_line_byline_of_a_feature() -> None:
    feature = article_titled(PAGE_001, "刻在骨子里的“繁森烙印”")
    assert feature.reporters == ("夏旭光", "郭绍隆", "孙亚飞")


def test_photo_caption_with_credit() -> None:
    caption = articles_of(PAGE_000)[1]
    assert caption.text.startswith("11月7日,在东阿县艾山村")
    assert caption.text.endswith("■田雨")
    assert (caption.byline, caption.reporters) == ("■田雨", ("田雨",))
    assert caption.date == "2024-11-07"


def test_credit_after_text_closes_the_caption_even_when_text_follows() -> None:
    page = (
        "我市举办庆祝第25个中国记者节活动\n\n"
        "本报讯(记者 林晨 黄振)11月8日,是第25个中国记者节。\n\n\n"
        "11月7日,在东阿县艾山村,工作人员在直播销售艾草产品。\n\n"
        "■ 田雨\n\n"
        "近年来,东阿县大力推进医疗健康、康养文旅、中医药等多业态融合发展。"
    )
    articles = split_articles(page, "x.txt")
    assert [a.title for a in articles] == ["我市举办庆祝第25个中国记者节活动", "", ""]
    assert articles[1].text == "11月7日,在东阿县艾山村,工作人员在直播销售艾草产品。\n\n■ 田雨"
    assert articles[1].reporters == ("田雨",)
    assert articles[2].reporters == ()


def test_year_of_a_date_comes_from_a_full_date_on_the_page() -> None:
    """Page 001 announces "2025年1月2日"; its datelines "12月27日" are of 2024."""
    articles = articles_of(PAGE_001)
    assert articles[0].date == "2025-01-02"
    assert [a.date for a in articles[1:5]] == ["2024-12-27"] * 4


def test_no_date_without_a_year() -> None:
    item = article_titled(PAGE_000, "我市举办庆祝第25个中国记者节活动")
    alone = split_articles(item.text, "alone.txt")
    assert [a.title for a in alone] == ["我市举办庆祝第25个中国记者节活动"]
    assert alone[0].date is None
    assert all(a.date is None for a in articles_of(PAGE_003))


def test_headline_last_page() -> None:
    first = articles_of(PAGE_003)[0]
    assert first.text.startswith("■ 本报记者 林金彦\n本报通讯员 张爽\n\n“聊城农产品出口")
    assert first.text.endswith("让“聊城味道”香飘海外\n——市政协专题协商助力农产品抢“鲜”出口")
    assert first.reporters == ("林金彦", "张爽")
    news = articles_of(PAGE_003)[1]
    assert news.byline == "本报讯（记者 张颖）"
    assert news.text.endswith("聚力建设“四个平台”\n\n我市畅通政企沟通渠道")


def test_notice_keeps_its_list_and_table() -> None:
    notice = articles_of(SEEDS / "002_cb29aed98be3fa2a.txt")[-1]
    assert "23. 高唐县梁村镇府前街北便民服务中心西侧" in notice.text
    assert notice.text.endswith("市县统筹第四巡察组\t高唐县赵寨子镇、梁村镇及部分村(社区)")


WIND_TITLE = "山东华电聊城九标段343.75兆瓦风电项目在阳谷开工建设"
WIND_BODY = NEWS_001.removeprefix("本报讯(记者 张伟 于新新)").strip()
"""Page 001's wind farm item, for copies of it as web pages print news (12月27日,…)."""


@pytest.mark.parametrize(
    ("meta", "date", "reporters"),
    [
        (
            "发布时间:2024-12-28 09:13  来源:聊城日报  作者:张伟 于新新",
            "2024-12-27",
            ("张伟", "于新新"),
        ),
        ("时间：2024/12/28 09:13:08 | 来源：聊城新闻网", "2024-12-27", ()),
        ("2024年12月28日 09:13 来源:聊城日报", "2024-12-27", ()),
        ("2024-12-28 09:13 | 记者/张伟 于新新", "2024-12-27", ("张伟", "于新新")),
        ("2024-12-28 09:13:08  出处:聊城新闻网", "2024-12-27", ()),
        ("聊城日报 / / 2024-12-28 09:13", "2024-12-27", ()),
        ("2024年12月28日 第一版:要闻", "2024-12-27", ()),
        ("(来源:网站编辑 2024-12-28 09:13)", "2024-12-27", ()),
        ("张伟 2024-12-28 09:13 聊城日报", "2024-12-27", ("张伟",)),
    ],
)
def test_a_web_page_line_of_date_and_source_under_the_headline(
    meta: str, date: str, reporters: tuple[str, ...]
) -> None:
    """The headline stands right above the line, the body below it: the headline is the title,
    the line the byline, and the dateline's year is the line's."""
    (article,) = split_articles(clean_text(f"{WIND_TITLE}\n{meta}\n\n{WIND_BODY}"), "web.txt")
    assert article.title == WIND_TITLE
    assert (article.date, article.reporters) == (date, reporters)
    assert article.text.endswith(clean_text(WIND_BODY))


@pytest.mark.parametrize(
    "meta", ["(来源:网站编辑 2024-12-28 09:13)", "张伟 2024-12-28 09:13 聊城日报"]
)
def test_a_web_page_line_of_date_between_blank_lines_is_no_headline(meta: str) -> None:
    """The line of date, source and author that a site prints under its headline, set
    apart by blank lines, is no headline: the headline above it is the title."""
    (article,) = split_articles(clean_text(f"{WIND_TITLE}\n\n{meta}\n\n{WIND_BODY}"), "web.txt")
    assert (article.title, article.date) == (WIND_TITLE, "2024-12-27")


SUBHEAD_PAGE = (
    "开发区十年速写\n{meta}\n\n"
    "12月27日，记者来到聊城经济技术开发区，走访企业，查看园区。\n\n"
    "十年砥砺造就一座新城\n\n"
    "2014年，开发区挂牌伊始，园区干部职工就以实干精神招商引资，建成标准化厂房20万平方米。\n"
)


def test_a_web_pages_later_headline_without_a_byline_is_a_subheading() -> None:
    """Under a site's line of date and source, a headline with no byline of its own heads a
    part of the same article; on a paper's page, where no such line stands, it opens one."""
    page = SUBHEAD_PAGE.format(meta="发布时间:2024-12-28 09:13 来源:聊城日报")
    (article,) = split_articles(clean_text(page), "web.txt")
    assert article.title == "开发区十年速写"
    assert article.text.endswith("建成标准化厂房20万平方米。")
    printed = split_articles(clean_text(SUBHEAD_PAGE.format(meta="")), "page.txt")
    assert [a.title for a in printed] == ["开发区十年速写", "十年砥砺造就一座新城"]


def test_a_headline_with_a_label_above_the_line_after_a_blank_line() -> None:
    """阳谷:… stands apart from the line of date and source, as pages saved from a site may
    have it: still the title, not an article of its own."""
    page = f"阳谷:风电项目开工建设\n\n2024-12-28 09:13  出处:聊城新闻网\n\n{WIND_BODY}"
    (article,) = split_articles(clean_text(page), "web.txt")
    assert (article.title, article.date) == ("阳谷:风电项目开工建设", "2024-12-27")


def test_a_headline_above_a_time_without_its_year_is_the_title() -> None:
    """A site's line of month, day and time (12-28 09:13) under a labelled headline: the
    headline is the title and the line the byline; with no year on the page, no date."""
    page = f"阳谷:风电项目开工建设\n\n12-28 09:13\n\n{WIND_BODY}"
    (article,) = split_articles(clean_text(page), "web.txt")
    assert (article.title, article.byline, article.date) == (
        "阳谷:风电项目开工建设",
        "12-28 09:13",
        None,
    )


@pytest.mark.parametrize("dateline", ["聊城新闻网12月27日阳谷消息", "新华社济南12月27日电"])
def test_a_headline_right_above_an_agencys_dateline_is_the_title(dateline: str) -> None:
    """A body that opens with a site's or an agency's dateline has the line above it for its
    headline, not run into it."""
    body = WIND_BODY.removeprefix("12月27日,")
    text = clean_text(f"{WIND_TITLE}\n{dateline} {body}")
    assert text.startswith(f"{WIND_TITLE}\n{dateline}")
    (article,) = split_articles(text, "copy.txt")
    assert article.title == WIND_TITLE


@pytest.mark.parametrize(
    ("above", "date"),
    [("", None), ("\n马庆一主持", None), ("\n马庆一主持\n2024年12月28日", "2024-12-27")],
    ids=["headline", "with a subtitle", "with a subtitle and the date"],
)
def test_a_headline_right_above_a_news_items_opening_is_its_title(
    above: str, date: str | None
) -> None:
    """A headline (with up to two short lines under it, which clean_text may join to it)
    set right above 本报讯, with no blank line, heads the news item: one article, not a
    headline of its own."""
    page = f"{WIND_TITLE}{above}\n{NEWS_001}"
    (article,) = split_articles(clean_text(page), "copy.txt")
    assert article.title.startswith(WIND_TITLE)
    assert (article.date, article.reporters) == (date, ("张伟", "于新新"))


def test_a_headline_and_a_subtitle_right_above_the_dateline_make_one_article() -> None:
    page = f"{WIND_TITLE}\n马庆一讲话\n{WIND_BODY}"
    (article,) = split_articles(clean_text(page), "copy.txt")
    assert article.title.startswith(WIND_TITLE)
    assert article.text.endswith(WIND_BODY.splitlines()[-1])


def test_a_web_pages_subheading_right_under_its_line_of_date_is_no_article() -> None:
    """Headline, the site's line of date and source, a subheading, the body: one article."""
    page = (
        f"{WIND_TITLE}\n发布时间:2024-12-28 09:13 来源:聊城新闻网\n\n"
        f"绿色能源点亮乡村振兴之路\n\n{WIND_BODY}"
    )
    (article,) = split_articles(clean_text(page), "web.txt")
    assert (article.title, article.date) == (WIND_TITLE, "2024-12-27")


def test_a_web_pages_date_source_and_reporters_on_lines_of_their_own_open_one_article() -> None:
    """Headline, the date, the source and the reporters each between blank lines, the body,
    the editors' lines: one article, dated, with its reporters."""
    page = (
        f"{WIND_TITLE}\n\n2024-12-28 10:03:06\n\n来源:聊城新闻网 - 聊城日报\n\n"
        f"本报记者 张伟 于新新\n\n{WIND_BODY}\n责编:王芳\n\n校对:李强\n\n审核:赵刚"
    )
    (article,) = split_articles(clean_text(page), "web.txt")
    assert (article.title, article.date) == (WIND_TITLE, "2024-12-27")
    assert article.text.endswith("审核:赵刚")


def test_items_of_a_site_list_with_fields_parted_by_bars_are_articles() -> None:
    """A site's list: headline, a line of fields parted by bars with the date, the body."""
    body = WIND_BODY.removeprefix("12月27日,")
    page = "".join(
        f"{title}\nadmin | 招商动态 |2024-12-{day}\n{body}\n\n"
        for title, day in ((WIND_TITLE, 28), ("冠县新签约项目12个", 20))
    )
    articles = split_articles(clean_text(page), "list.txt")
    assert [(a.title, a.date) for a in articles] == [
        (WIND_TITLE, "2024-12-28"),
        ("冠县新签约项目12个", "2024-12-20"),
    ]


def test_an_e_papers_line_of_paper_date_and_page_opens_its_first_article() -> None:
    """聊城日报 2024年12月28日 第02版:要闻 above the first headline is no article of its own,
    and does not make the page one of headlines after their bodies."""
    page = f"聊城日报 2024年12月28日 第02版:要闻\n\n{WIND_TITLE}\n\n{NEWS_001}\n"
    (article,) = split_articles(clean_text(page), "epaper.txt")
    assert (article.title, article.start) == (WIND_TITLE, 0)
    assert article.reporters == ("张伟", "于新新")


def test_a_web_pages_recommended_story_under_its_label_is_an_article_of_its_own() -> None:
    """新闻推荐 and the opening of another story under it, on a web page: not a subheading of
    the article above, which keeps its credit line."""
    page = (
        f"{WIND_TITLE}\n2024-12-28 09:13 来源:聊城日报\n\n{WIND_BODY}\n\n本报记者张伟摄影报道\n\n"
        "新闻推荐\n\n冠县新签约项目12个\n\n12月26日,冠县举行重点项目集中签约活动,签约项目12个。\n"
    )
    first, recommended = split_articles(clean_text(page), "web.txt")
    assert (first.title, recommended.title) == (WIND_TITLE, "冠县新签约项目12个")
    assert first.text.endswith("本报记者张伟摄影报道")
    assert recommended.text.startswith("新闻推荐")


def test_the_headline_not_the_subtitle_below_it_is_the_title() -> None:
    """Headline, a subtitle that reads as a sentence, the e-paper's line, the body: one
    article, titled by its headline."""
    subtitle = "提振信心,鼓足干劲,为绿色发展添一份力"
    page = f"{WIND_TITLE}\n\n{subtitle}\n\n2024年12月28日 第一版:要闻\n\n{WIND_BODY}"
    (article,) = split_articles(clean_text(page), "epaper.txt")
    assert (article.title, article.date) == (WIND_TITLE, "2024-12-27")


def test_a_two_character_name_spaced_out_in_a_byline_is_one_name() -> None:
    """Papers space a two-character name out to the width of three (周 涛): the byline keeps
    it whole, and the line is not run into the body's first line."""
    page = f"{WIND_TITLE}\n\n本报记者 张 伟 通讯员 于新新\n{WIND_BODY}"
    cleaned = clean_text(page)
    assert "本报记者 张伟 通讯员 于新新\n12月27日" in cleaned
    (article,) = split_articles(cleaned, "page.txt")
    assert article.reporters == ("张伟", "于新新")
    assert clean_text("我 们\n") == "我 们"


def test_a_web_page_without_dateline_is_dated_by_its_line() -> None:
    body = WIND_BODY.removeprefix("12月27日,")
    (article,) = split_articles(f"{WIND_TITLE}\n发布时间:2024-12-28\n{body}", "web.txt")
    assert (article.title, article.date) == (WIND_TITLE, "2024-12-28")


def test_a_headline_right_above_the_dateline_is_not_joined_to_it() -> None:
    text = clean_text(f"{WIND_TITLE}\n{WIND_BODY}")
    assert text.startswith(f"{WIND_TITLE}\n12月27日,")
    (article,) = split_articles(text, "copy.txt")
    assert article.title == WIND_TITLE
    labelled = clean_text(f"阳谷:风电项目开工建设\n{WIND_BODY}")
    assert split_articles(labelled, "copy.txt")[0].title == "阳谷:风电项目开工建设"
    comma = clean_text(f"绿色发展,风电项目开工建设\n发布时间:2024-12-28\n{WIND_BODY}")
    assert split_articles(comma, "copy.txt")[0].title == "绿色发展,风电项目开工建设"


def test_a_line_broken_before_a_date_is_still_joined() -> None:
    text = "项目建设方面,山东华电聊城九标段343.75兆瓦风电项目于\n12月27日,在阳谷县正式开工建设。"
    assert clean_text(text) == text.replace("\n", "")


def test_an_editor_line_after_the_body_closes_the_article() -> None:
    credits = "来源:聊城日报\n\n责任编辑:于新新"
    page = f"{WIND_TITLE}\n\n{WIND_BODY}\n{credits}\n\n{WIND_BODY}"
    articles = split_articles(clean_text(page), "web.txt")
    assert [a.title for a in articles] == [WIND_TITLE, ""]
    assert articles[0].text.endswith(credits)
    assert articles[1].text == clean_text(WIND_BODY)


def test_an_overlong_article_is_read_in_parts_cut_at_line_breaks() -> None:
    """The wind farm item and copies of its body under one headline, longer than
    MAX_ARTICLE_CHARS twice over (a file that nothing splits, as a dump or a corpus is): parts
    of at most that length, each ending a line, that together hold every character; the
    first keeps the byline and all keep the title."""
    copies = 2 * MAX_ARTICLE_CHARS // len(WIND_BODY) + 1
    body = "\n".join([NEWS_001] + [WIND_BODY] * copies)
    page = clean_text(f"{WIND_TITLE}\n\n{body}")
    articles = split_articles(page, "dump.txt")
    assert len(articles) == 3
    assert [a.index for a in articles] == list(range(len(articles)))
    assert all(len(a.text) <= MAX_ARTICLE_CHARS and a.title == WIND_TITLE for a in articles)
    assert all(a.text == page[a.start : a.end] for a in articles)
    assert all(page[a.end : a.end + 1] in ("", "\n") for a in articles)
    assert "".join(a.text for a in articles).replace("\n", "") == page.replace("\n", "")
    assert articles[0].reporters == ("张伟", "于新新") and articles[1].reporters == ()


def test_an_overlong_line_is_cut_at_a_comma_else_at_the_length() -> None:
    clause = "聊城市委书记李长萍出席会议"
    commas = split_articles(clean_text(",".join([clause] * 8000)), "commas.txt")
    assert all(a.text.endswith(clause + ",") for a in commas[:-1]) and len(commas) == 3
    bare = split_articles(clean_text(clause * 8000), "line.txt")
    assert [len(a.text) for a in bare] == [MAX_ARTICLE_CHARS] * 2 + [4000]


def test_empty_page_has_no_articles() -> None:
    assert split_articles("", "x.txt") == []
    assert split_articles("\n\n \n", "x.txt") == []


PAGE_ALPHABET = st.sampled_from(
    list("本报讯记者通讯员■ 张洁林晨聊城市委会议召开（）()，。、；：？！“”—·12年月日%a\t\n\n\n")
)


@settings(max_examples=300, deadline=None)
@given(st.text(PAGE_ALPHABET, max_size=300))
def test_any_text_splits_into_articles_covering_it(raw: str) -> None:
    page = clean_text(raw)
    articles = split_articles(page, "x.txt")
    covered: set[int] = set()
    for index, article in enumerate(articles):
        assert article.index == index
        assert article.text and article.text == page[article.start : article.end]
        covered.update(range(article.start, article.end))
    assert all(c.isspace() for i, c in enumerate(page) if i not in covered)
