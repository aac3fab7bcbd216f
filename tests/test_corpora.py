"""The corpus readers and the label mapping, on lines copied from the real corpora."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from kg.corpora import (
    CORPUS_FILES,
    LABEL_MAP,
    MISSING,
    SPLIT_ORG,
    Sentence,
    augment,
    corpus_has_roles,
    corpus_name_breaks,
    listed_places,
    make_sentence,
    mark_missing_roles,
    mention_pool,
    name_breaks,
    parse_peoples_daily_line,
    read_cluener,
    read_corpus,
    read_peoples_daily_1998,
    read_tagged,
    replace_mentions,
    role_lexicon,
    split_org,
    tag_spans,
    to_doc,
    unnamed_strings,
)
from kg.records import NER_LABELS

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

PD_1998 = (
    "19980101-01-001-002/m  中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  \n"
    "19980101-01-001-006/m  在/p  １９９８年/t  来临/v  之际/f  ，/w  我/r  十分/m  高兴/a  "
    "地/u  通过/p  [中央/n  人民/n  广播/vn  电台/n]nt  、/w  [中国/ns  国际/n  广播/vn  "
    "电台/n]nt  和/c  [中央/n  电视台/n]nt  ，/w  向/p  全国/n  各族/r  人民/n  ，/w  向/p  "
    "[香港/ns  特别/a  行政区/n]ns  同胞/n  、/w  澳门/ns  和/c  台湾/ns  同胞/n  ！/w  \n"
)
CLUENER = (
    '{"text": "浙商银行企业信贷部叶老桂博士则从另一个角度对五道门槛进行了解读。", '
    '"label": {"name": {"叶老桂": [[9, 11]]}, "company": {"浙商银行": [[0, 3]]}}}\n'
    '{"text": "吴三桂演义》小说的想像，说是为牛金星所毒杀。", '
    '"label": {"book": {"吴三桂演义》": [[0, 5]]}, "name": {"牛金星": [[15, 17]]}}}\n'
    '{"text": "坚持走到牛奶海、", "label": {"scene": {"牛奶海": [[4, 6]]}}}\n'
)
MSRA = "中\tB-ORG\n共\tI-ORG\n中\tI-ORG\n央\tI-ORG\n致\tO\n\n相\tO\n"
PEOPLES_DAILY_NER = "相 O\n青 B-ORG\n岛 I-ORG\n海 I-ORG\n牛 I-ORG\n队 I-ORG\n和 O\n"
RESUME = (
    "高 B-NAME\n勇 E-NAME\n： O\n男 O\n， O\n中 B-CONT\n国 M-CONT\n国 M-CONT\n籍 E-CONT\n\n"
    "汉 B-RACE\n族 E-RACE\n， O\n工 B-TITLE\n程 M-TITLE\n师 E-TITLE\n、 O\n"
    "美 B-ORG\n国 M-ORG\n项 M-ORG\n目 M-ORG\n管 M-ORG\n理 M-ORG\n协 M-ORG\n会 E-ORG\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def named(sentence: Sentence) -> list[tuple[str, str]]:
    return [(sentence.text[s:e], label) for s, e, label in sentence.entities]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("中共中央", "GOV"),
        ("外交部", "GOV"),
        ("全国人大常委会", "GOV"),
        ("聊城市人民政府", "GOV"),
        ("中国人民银行", "GOV"),
        ("美军", "GOV"),
        ("玉溪卷烟厂", "COMPANY"),
        ("招商银行", "COMPANY"),
        ("招行", "COMPANY"),
        ("信发集团有限公司", "COMPANY"),
        ("金鹏期货北京海鹰路营业部", "COMPANY"),
        ("北京大学", "ORG"),
        ("新华社", "ORG"),
        ("中国足球俱乐部", "ORG"),
        ("世界银行", "ORG"),
        ("联合国", "ORG"),
        ("中国队", "ORG"),
    ],
)
def test_split_org(name: str, label: str) -> None:
    assert split_org(name) == label


def test_label_map_targets_are_ours() -> None:
    allowed = {*NER_LABELS, None, MISSING, SPLIT_ORG}
    for corpus, table in LABEL_MAP.items():
        assert set(table.values()) <= allowed, corpus
    assert set(CORPUS_FILES) | {"localnews"} == set(LABEL_MAP)


def test_corpora_with_roles() -> None:
    assert corpus_has_roles("cluener") and corpus_has_roles("resume")
    assert not corpus_has_roles("msra") and not corpus_has_roles("peoples_daily_1998")


def test_cluener(tmp_path: Path) -> None:
    first, book, scene = read_cluener(write(tmp_path, "dev.json", CLUENER))
    assert named(first) == [("浙商银行", "COMPANY"), ("叶老桂", "PERSON")]
    assert named(book) == [("牛金星", "PERSON")]
    assert named(scene) == [("牛奶海", "PLACE")]


def test_peoples_daily_1998(tmp_path: Path) -> None:
    leaders, greeting = read_peoples_daily_1998(write(tmp_path, "199801.txt", PD_1998))
    assert leaders.text == "中共中央总书记、国家主席江泽民"
    assert named(leaders) == [("中共中央", "GOV"), ("江泽民", "PERSON")]
    assert named(greeting) == [
        ("中央人民广播电台", "ORG"),
        ("中国国际广播电台", "ORG"),
        ("中央电视台", "ORG"),
        ("香港特别行政区", "PLACE"),
        ("澳门", "PLACE"),
        ("台湾", "PLACE"),
    ]


def test_peoples_daily_drops_other_compounds() -> None:
    text, spans = parse_peoples_daily_line("1/m  [一/m  帆/n  风顺/a]i  北京/ns  ")
    assert text == "一帆风顺北京"
    assert spans == [(4, 6, "ns")]


def test_msra_and_peoples_daily_ner(tmp_path: Path) -> None:
    msra = list(read_tagged(write(tmp_path, "msra.txt", MSRA), "msra"))
    assert [named(s) for s in msra] == [[("中共中央", "GOV")], []]
    (team,) = read_tagged(write(tmp_path, "pd.txt", PEOPLES_DAILY_NER), "peoples_daily_ner")
    assert named(team) == [("青岛海牛队", "ORG")]


def test_resume(tmp_path: Path) -> None:
    person, engineer = read_tagged(write(tmp_path, "resume.bmes", RESUME), "resume")
    assert named(person) == [("高勇", "PERSON")]
    assert [person.text[s:e] for s, e in person.missing] == ["中国国籍"]
    assert named(engineer) == [("工程师", "ROLE"), ("美国项目管理协会", "ORG")]


def test_tag_spans_bio_and_bmes() -> None:
    assert list(tag_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "B-LOC"])) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "LOC"),
    ]
    assert list(tag_spans(["S-NAME", "B-ORG", "M-ORG", "E-ORG", "O"])) == [
        (0, 1, "NAME"),
        (1, 4, "ORG"),
    ]


def test_make_sentence_drops_overlaps_and_o() -> None:
    sentence = make_sentence("abcdef", [(0, 3, "ORG"), (1, 2, "PERSON"), (3, 4, None), (4, 6, "-")])
    assert sentence.entities == ((0, 3, "ORG"),)
    assert sentence.missing == ((4, 6),)


def test_mark_missing_roles() -> None:
    sentence = Sentence("国家主席江泽民会见总经理", ((4, 7, "PERSON"),))
    lexicon = role_lexicon(
        [Sentence("国家主席总经理主席", ((0, 4, "ROLE"), (4, 7, "ROLE"), (7, 9, "ROLE")))],
        min_count=1,
    )
    marked = mark_missing_roles(sentence, lexicon)
    assert [marked.text[s:e] for s, e in marked.missing] == ["国家主席", "总经理"]
    assert marked.entities == sentence.entities


def test_replace_mentions_moves_every_span_with_the_text() -> None:
    sentence = Sentence(
        "国家主席江泽民会见叶老桂", ((4, 7, "PERSON"), (9, 12, "PERSON")), ((0, 4),)
    )
    pool = {"PERSON": ["欧阳修远"], "COMPANY": ["华电"]}
    replaced = replace_mentions(sentence, pool, random.Random(0), rate=1.0)
    assert replaced.text == "国家主席欧阳修远会见欧阳修远"
    assert named(replaced) == [("欧阳修远", "PERSON"), ("欧阳修远", "PERSON")]
    assert [replaced.text[s:e] for s, e in replaced.missing] == ["国家主席"]
    assert replace_mentions(sentence, pool, random.Random(0), rate=0.0) == sentence


def test_augment_draws_names_of_the_same_label_from_the_sentences(tmp_path: Path) -> None:
    sentences = list(read_cluener(write(tmp_path, "c.json", CLUENER)))
    pool = mention_pool(sentences)
    assert sorted(pool["PERSON"]) == ["叶老桂", "牛金星"]
    copies = augment(sentences, 3, rate=1.0)
    assert len(copies) == 3 * len(sentences)
    for copy in copies:
        for start, end, label in copy.entities:
            assert copy.text[start:end] in pool[label]
    assert {copy.text[9:12] for copy in copies[::3]} <= {"叶老桂", "牛金星"}


def test_to_doc_leaves_missing_out_of_the_loss() -> None:
    nlp = spacy.blank("zh")
    doc = to_doc(nlp, Sentence("国家主席江泽民说", ((4, 7, "PERSON"),), ((0, 4),)))
    example = Example(nlp.make_doc(doc.text), doc)
    assert example.get_aligned_ner() == [
        *[None] * 4,
        "B-PERSON",
        "I-PERSON",
        "L-PERSON",
        "O",
    ]


@pytest.mark.skipif(not CORPORA.exists(), reason="needs shared/corpora")
@pytest.mark.parametrize(
    ("corpus", "split"), [(c, s) for c, splits in CORPUS_FILES.items() for s in splits]
)
def test_real_corpus_files_map_onto_our_labels(corpus: str, split: str) -> None:
    labels = set()
    count = 0
    for sentence in read_corpus(CORPORA, corpus, split):
        count += 1
        labels |= {label for *_, label in sentence.entities}
        assert all(0 <= s < e <= len(sentence.text) for s, e, _ in sentence.entities)
    assert count > 400
    assert labels <= set(NER_LABELS)
    assert {"PERSON", "PLACE"} <= labels


def test_name_breaks_are_pairs_often_written_and_never_inside_a_name() -> None:
    text = "县政府与华兴公司签订合作协议。"
    company = (text.index("华兴公司"), text.index("华兴公司") + 4, "COMPANY")
    sentences = [Sentence(text, (company,))] * 3 + [Sentence("签订公司章程。")]
    pairs = name_breaks(sentences, min_count=3)
    assert "签订" in pairs
    assert "华兴" not in pairs
    assert "公司" not in pairs
    assert "。" not in "".join(pairs)
    assert "章程" not in pairs


@pytest.mark.skipif(not CORPORA.exists(), reason="needs shared/corpora")
def test_the_shipped_name_breaks_are_those_the_corpora_give() -> None:
    from kg.ner import read_lexicon

    assert read_lexicon("name_breaks.txt") == corpus_name_breaks(CORPORA)


def test_the_shipped_listed_places_are_those_the_local_news_give() -> None:
    from kg.ner import LISTED_PLACES, EntityRules, load_lexicons, read_lexicon

    listed = read_lexicon(LISTED_PLACES)
    assert listed == listed_places()
    assert {"长三角", "粤港澳大湾区"} <= set(listed)
    assert "楚雄州" not in listed  # the division data gives it now
    text = "积极融入长三角一体化发展,对接粤港澳大湾区。"
    found = {text[c.start : c.end] for c in EntityRules(load_lexicons("")).places(text)}
    assert {"长三角", "粤港澳大湾区"} <= found


def test_the_shipped_unnamed_strings_are_those_the_local_news_give() -> None:
    from kg.ner import read_lexicon

    unnamed = read_lexicon("unnamed.txt")
    assert unnamed == unnamed_strings()
    assert {"重大项目", "基础设施项目"} <= set(unnamed)
