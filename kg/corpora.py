"""Readers for the public Chinese NER corpora and the mapping of their labels onto ours.

Every reader yields :class:`Sentence` records: the text, entity spans with labels from
:data:`kg.records.NER_LABELS`, and *missing* spans whose tokens are left out of the loss
(BILUO "-"), for text a corpus does not annotate in our terms.

The mapping from each corpus's labels onto ours lives in one place, :data:`LABEL_MAP`.
A corpus label maps to one of our labels, to ``None`` (not an entity of ours: "O"),
to :data:`MISSING` (unknown in our terms: left out of the loss) or to :data:`SPLIT_ORG`
(a coarse organisation label split into GOV, COMPANY or ORG by the name's suffix,
:data:`ORG_SUFFIX_RULES`).

Corpora without job titles (MSRA, People's Daily) tag 书记 or 总经理 as "O"; to keep them
from teaching the model that a title is not a ROLE, :func:`mark_missing_roles` marks
title words from a lexicon as missing in those corpora.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg import localnews
from kg.ner import (
    BREAKABLE,
    HOME_REGION,
    PLACE_SHAPE,
    REFERENCE,
    EntityRules,
    Lexicon,
    load_lexicons,
    place_words,
)
from kg.records import NER_LABELS
from kg.resolve import HOME_WORDS

MISSING = "-"
"""Label value: the span is left out of the loss."""

SPLIT_ORG = "GOV|COMPANY|ORG"
"""Label value: split by :func:`split_org`."""

LABEL_MAP: dict[str, dict[str, str | None]] = {
    "cluener": {
        "name": "PERSON",
        "company": "COMPANY",
        "government": "GOV",
        "organization": "ORG",
        "position": "ROLE",
        "address": "PLACE",
        "scene": "PLACE",
        "book": None,
        "game": None,
        "movie": None,
    },
    "msra": {"PER": "PERSON", "LOC": "PLACE", "ORG": SPLIT_ORG},
    "peoples_daily_ner": {"PER": "PERSON", "LOC": "PLACE", "ORG": SPLIT_ORG},
    "peoples_daily_1998": {"nr": "PERSON", "ns": "PLACE", "nt": SPLIT_ORG, "nz": MISSING},
    "localnews": {label: label for label in NER_LABELS},
    "resume": {
        "NAME": "PERSON",
        "ORG": SPLIT_ORG,
        "TITLE": "ROLE",
        "LOC": "PLACE",
        "CONT": MISSING,
        "EDU": None,
        "PRO": None,
        "RACE": None,
    },
}
"""corpus -> its label -> our label, None ("O"), MISSING or SPLIT_ORG.

Decisions: CLUENER scene (洱海, 故宫, 武夷山; some museums) is PLACE, as our guidelines
count lakes, mountains and named areas as places. CLUENER book/game/movie and Resume
EDU (学历), PRO (专业), RACE (民族) are not entities of ours: "O". People's Daily nz
(other proper nouns: events, languages, brands) and Resume CONT ("中国国籍", nationality
with 国籍) are unknown in our terms: missing.
"""

ORG_SUFFIX_RULES: tuple[tuple[str, str], ...] = (
    (
        "ORG",
        "俱乐部 编辑部 奥委会 奥组委 足协 工商联 科协 社科院 科学院 红十字会 医院 学院 大学 "
        "学校 研究院 研究所 事务所 电视台 电台 报社 通讯社 新华社 出版社 世界银行 世行 亚行",
    ),
    ("COMPANY", "营业部 总部 分部"),
    (
        "GOV",
        "政府 委 委员会 常委会 党组 支部 人大 政协 中央 国务院 法院 检察院 局 厅 部 署 办 "
        "办公室 部门 机关 公安 警方 海关 派出所 监会 央行 人民银行 中央银行 军 军区 部队 "
        "陆战队 议会 国会 参议院 众议院 内阁 白宫 使馆 领事馆 总统府",
    ),
    (
        "COMPANY",
        "公司 集团 银行 行 厂 矿 商场 商店 超市 酒店 饭店 宾馆 合作社 股份 控股 实业 证券 "
        "保险 药业 电器 百货 书店 农场",
    ),
)
"""Ordered (label, space-separated suffixes): the first group with a suffix of the name
decides; a name with none is ORG.

The ORG group comes first for names that end in a GOV or COMPANY suffix but are
neither (俱乐部, 编辑部, 奥委会, 科学院, 世界银行...); a company's branch office (营业部, 总部)
comes before the GOV 部, and a state bank (人民银行) before the COMPANY 银行, 行 (招行).
"""

SEED = 0
"""Seed of every random sample drawn from the corpora (training mixes, held-out slices)."""

CORPUS_FILES: dict[str, dict[str, str]] = {
    "cluener": {"train": "cluener2020/train.json", "dev": "cluener2020/dev.json"},
    "msra": {"train": "msra_ner/msra_train_bio.txt", "test": "msra_ner/msra_test_bio.txt"},
    "peoples_daily_ner": {
        "dev": "peoples_daily_ner/example.dev",
        "test": "peoples_daily_ner/example.test",
    },
    "peoples_daily_1998": {"train": "peoples_daily_1998/199801.txt"},
    "resume": {
        "train": "resume_ner/train.char.bmes",
        "dev": "resume_ner/dev.char.bmes",
        "test": "resume_ner/test.char.bmes",
    },
}
"""corpus -> split -> file, relative to the corpora folder (shared/corpora)."""

ROLE_SOURCES: tuple[tuple[str, str], ...] = (("cluener", "train"), ("resume", "train"))
"""The (corpus, split) pairs whose ROLE spans make the title lexicon."""


@dataclass(frozen=True)
class Sentence:
    """A text with entity spans (start, end, label) and missing spans (start, end)."""

    text: str
    entities: tuple[tuple[int, int, str], ...] = ()
    missing: tuple[tuple[int, int], ...] = ()


def split_org(name: str) -> str:
    """GOV, COMPANY or ORG for an organisation name, by :data:`ORG_SUFFIX_RULES`."""
    for label, suffixes in ORG_SUFFIX_RULES:
        if name.endswith(tuple(suffixes.split())):
            return label
    return "ORG"


def map_label(corpus: str, label: str, name: str) -> str | None:
    """Our label (or None, MISSING) for a corpus label on the entity text ``name``."""
    mapped = LABEL_MAP[corpus][label]
    return split_org(name) if mapped == SPLIT_ORG else mapped


def make_sentence(text: str, spans: Iterable[tuple[int, int, str | None]]) -> Sentence:
    """A sentence from mapped spans: drop "O" spans, separate missing ones, drop overlaps."""
    entities: list[tuple[int, int, str]] = []
    missing: list[tuple[int, int]] = []
    taken = [False] * len(text)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if label is None or any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        if label == MISSING:
            missing.append((start, end))
        else:
            entities.append((start, end, label))
    return Sentence(text, tuple(entities), tuple(missing))


def read_cluener(path: Path) -> Iterator[Sentence]:
    """CLUENER2020 json lines: ``{"text", "label": {type: {string: [[start, end_incl]]}}}``."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record["text"]
            spans = [
                (start, end + 1, map_label("cluener", label, text[start : end + 1]))
                for label, names in record.get("label", {}).items()
                for positions in names.values()
                for start, end in positions
            ]
            yield make_sentence(text, spans)


def tag_spans(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, type) spans of a BIO or BMES tag sequence."""
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix in ("I", "M", "E") and label == kind and start >= 0
        if not continues and start >= 0:
            yield start, i, kind
            start = -1
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and start < 0):
            start, kind = i, label
        if prefix in ("E", "S") and start >= 0:
            yield start, i + 1, kind
            start = -1


def read_tagged(path: Path, corpus: str) -> Iterator[Sentence]:
    """One ``char tag`` per line, blank lines between sentences (MSRA, People's Daily NER,
    Resume): BIO or BMES."""
    chars: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in [*lines, ""]:
            fields = line.split()
            if len(fields) == 2:
                chars.append(fields[0])
                tags.append(fields[1])
                continue
            if chars:
                text = "".join(chars)
                spans = [
                    (start, end, map_label(corpus, label, text[start:end]))
                    for start, end, label in tag_spans(tags)
                ]
                yield make_sentence(text, spans)
            chars, tags = [], []


PD_TOKEN = re.compile(r"^(\[?)(.+)/([A-Za-z]+)(?:\]([A-Za-z]+))?$")


def parse_peoples_daily_line(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Text and (start, end, tag) spans of one line of 199801.txt (ID dropped).

    Spans are the words tagged nr, ns, nt or nz, with adjacent nr words (surname, given
    name) merged, and the bracketed compounds ``[中央/n 电视台/n]nt``, which override the
    words inside them; compounds of other tags (idioms ``]i``, ``]l``) are dropped.
    """
    text = ""
    words: list[tuple[int, int, str]] = []
    brackets: list[tuple[int, int, str]] = []
    open_at = -1
    for token in line.split()[1:]:
        match = PD_TOKEN.match(token)
        if not match:
            text += token
            continue
        opens, word, pos, closes = match.groups()
        if opens:
            open_at = len(text)
        words.append((len(text), len(text) + len(word), pos))
        text += word
        if closes and open_at >= 0:
            if closes in LABEL_MAP["peoples_daily_1998"]:
                brackets.append((open_at, len(text), closes))
            open_at = -1
    return text, brackets + merge_names(words)


def merge_names(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The NER-tagged words, with runs of adjacent nr words merged into one span."""
    spans: list[tuple[int, int, str]] = []
    for start, end, pos in words:
        if pos not in LABEL_MAP["peoples_daily_1998"]:
            continue
        if pos == "nr" and spans and spans[-1][2] == "nr" and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end, "nr")
        else:
            spans.append((start, end, pos))
    return spans


def read_peoples_daily_1998(path: Path) -> Iterator[Sentence]:
    """People's Daily January 1998 (PKU segmented and POS-tagged), one paragraph a line."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text, spans = parse_peoples_daily_line(line)
            if text:
                mapped = [
                    (start, end, map_label("peoples_daily_1998", pos, text[start:end]))
                    for start, end, pos in spans
                ]
                yield make_sentence(text, mapped)


def peoples_daily_text(path: Path) -> Iterator[str]:
    """The raw paragraphs of 199801.txt, without IDs, tags or brackets."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text, _ = parse_peoples_daily_line(line)
            if text:
                yield text


def read_corpus(corpora_dir: Path, corpus: str, split: str) -> Iterator[Sentence]:
    """The sentences of one split of one corpus, mapped onto our labels; ``localnews`` is
    the project's own corpus, read from the repository (:mod:`kg.localnews`)."""
    if corpus == "localnews":
        return read_localnews(localnews.CORPUS_DIR, split)
    path = corpora_dir / CORPUS_FILES[corpus][split]
    if corpus == "cluener":
        return read_cluener(path)
    if corpus == "peoples_daily_1998":
        return read_peoples_daily_1998(path)
    return read_tagged(path, corpus)


BREAK_SOURCES = ("cluener", "resume", "msra", "peoples_daily_1998", "localnews")
"""The training splits whose names decide the name breaks (:func:`corpus_name_breaks`)."""
BREAK_MIN_COUNT = 100
CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def name_breaks(sentences: Iterable[Sentence], min_count: int = BREAK_MIN_COUNT) -> list[str]:
    """Pairs of Chinese characters written at least ``min_count`` times in the sentences and
    never inside a name (COMPANY, PROJECT, ORG, GOV): a name cannot begin before one (签订
    in ...协会签订X产业园项目)."""
    total: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for sentence in sentences:
        text = sentence.text
        total.update(text[i : i + 2] for i in range(len(text) - 1))
        for start, end, label in sentence.entities:
            if label in BREAKABLE:
                inside.update(text[i : i + 2] for i in range(start, end - 1))
    return sorted(
        pair
        for pair, count in total.items()
        if count >= min_count and not inside[pair] and CJK_PAIR.fullmatch(pair)
    )


def corpus_name_breaks(corpora_dir: Path) -> list[str]:
    """The name breaks of the training splits of :data:`BREAK_SOURCES`."""
    splits = (read_corpus(corpora_dir, corpus, "train") for corpus in BREAK_SOURCES)
    return name_breaks(sentence for split in splits for sentence in split)


def training_articles() -> Iterator[tuple[dict, str]]:
    """(record, text) of the local news training split's articles."""
    for _, _, record in localnews.read_records():
        if localnews_split(record["doc"]) == "train":
            path = localnews.CORPUS_DIR / "texts" / record["doc"]
            yield record, path.read_text(encoding="utf-8")


UNNAMED_MIN_ARTICLES = 2
UNNAMED_MAX_SHARE = 0.2
UNNAMED_LABELS = BREAKABLE | {"PLACE"}


def unnamed_strings(
    min_articles: int = UNNAMED_MIN_ARTICLES, max_share: float = UNNAMED_MAX_SHARE
) -> list[str]:
    """What the entity rules take for a name or place in at least ``min_articles`` articles
    of the local news training split but its annotators list (as any entity's name or
    alias) in under ``max_share`` of them (重大项目, 基础设施项目, 中国 in 中国式现代化); the
    home region's words (全市, 我县) and the references to a place (该县, 全镇) stay, as the
    relation rules and the resolver read them."""
    rules = EntityRules(replace(load_lexicons(""), unnamed=frozenset()))
    found: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    for record, text in training_articles():
        forms = {f for entity in record["entities"] for f in localnews.surface_forms(entity)}
        names = {
            text[c.start : c.end]
            for c in rules.find(text, rules.places(text))
            if c.label in UNNAMED_LABELS
        }
        found.update(names)
        listed.update(names & forms)
    return sorted(
        name
        for name, count in found.items()
        if count >= min_articles
        and listed[name] < max_share * count
        and not HOME_REGION.fullmatch(name)
        and not REFERENCE.fullmatch(name)
    )


PLACES_MIN_ARTICLES = 3
PLACES_MIN_SHARE = 0.5


def listed_places(
    min_articles: int = PLACES_MIN_ARTICLES, min_share: float = PLACES_MIN_SHARE
) -> list[str]:
    """Places that the annotators of the local news training split list in at least
    ``min_articles`` articles, and in at least ``min_share`` of the articles that write them,
    where the entity rules find no place and no place shape (长三角, 粤港澳大湾区, 东南亚,
    西昌): areas that no division data holds and short names it does not give. Learned
    without the places learned before (``listed_places.txt``)."""
    rules = EntityRules(replace(load_lexicons(""), places=Lexicon(place_words(None, False))))
    texts: list[str] = []
    listed: Counter[str] = Counter()
    for record, text in training_articles():
        found = {text[c.start : c.end] for c in rules.places(text)}
        texts.append(text)
        listed.update(
            form
            for entity in record["entities"]
            if entity["type"] == "PLACE"
            for form in set(localnews.surface_forms(entity))
            if len(form) >= 2 and form in text and form not in found
        )
    return sorted(
        name
        for name, count in listed.items()
        if count >= min_articles
        and count >= min_share * sum(name in text for text in texts)
        and not PLACE_SHAPE.fullmatch(name)
        and not HOME_WORDS.match(name)
    )


LOCALNEWS_DEV_SHARE = 10
"""One article in this many (by a hash of its file name) is the local news dev split."""
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def localnews_split(doc: str) -> str:
    """ "dev" or "train": a stable split of the local news articles by file name."""
    digest = int(hashlib.sha1(doc.encode()).hexdigest(), 16)
    return "dev" if digest % LOCALNEWS_DEV_SHARE == 0 else "train"


def write_localnews_gold(path: Path, split: str = "dev") -> Path:
    """The gold lines of one split of the local news corpus in one file (to score a build
    of the split's texts, as ``kg evaluate`` does the dev set)."""
    lines = [
        json.dumps(record, ensure_ascii=False) + "\n"
        for _, _, record in localnews.read_records()
        if localnews_split(record["doc"]) == split
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def read_localnews(corpus_dir: Path, split: str) -> Iterator[Sentence]:
    """The annotated local news of one split, cut into sentences, all eight labels."""
    for _, _, record in localnews.read_records(corpus_dir):
        if localnews_split(record["doc"]) != split:
            continue
        text = (corpus_dir / "texts" / record["doc"]).read_text(encoding="utf-8")
        yield from cut_sentences(text, localnews.entity_spans(record, text))


def cut_sentences(text: str, spans: list[tuple[int, int, str]]) -> Iterator[Sentence]:
    """The sentences of a text with the spans inside each (a span across two is dropped)."""
    start = 0
    for piece in SENTENCE_END.split(text):
        end = start + len(piece)
        if piece.strip():
            inside = [
                (s - start, e - start, label) for s, e, label in spans if start <= s and e <= end
            ]
            yield make_sentence(piece, inside)
        start = end


def role_lexicon(sentences: Iterable[Sentence], min_count: int = 2) -> frozenset[str]:
    """Titles (ROLE spans of two or more characters) seen at least ``min_count`` times."""
    counts = Counter(
        s.text[start:end]
        for s in sentences
        for start, end, label in s.entities
        if label == "ROLE" and end - start >= 2
    )
    return frozenset(name for name, n in counts.items() if n >= min_count)


def load_role_lexicon(corpora_dir: Path) -> frozenset[str]:
    """The title lexicon from the training splits in :data:`ROLE_SOURCES`."""
    return role_lexicon(
        s for corpus, split in ROLE_SOURCES for s in read_corpus(corpora_dir, corpus, split)
    )


def corpus_has_roles(corpus: str) -> bool:
    """Whether a corpus annotates job titles (some label maps to ROLE)."""
    return "ROLE" in LABEL_MAP[corpus].values()


def mark_missing_roles(sentence: Sentence, lexicon: frozenset[str]) -> Sentence:
    """Mark the longest lexicon titles outside entities and missing spans as missing."""
    if not lexicon:
        return sentence
    longest = max(map(len, lexicon))
    text = sentence.text
    taken = [False] * len(text)
    for start, end, *_ in (*sentence.entities, *sentence.missing):
        taken[start:end] = [True] * (end - start)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        end = next(
            (
                i + n
                for n in range(min(longest, len(text) - i), 1, -1)
                if text[i : i + n] in lexicon and not any(taken[i : i + n])
            ),
            0,
        )
        if end:
            found.append((i, end))
        i = end or i + 1
    if not found:
        return sentence
    return replace(sentence, missing=tuple(sorted((*sentence.missing, *found))))


def mention_pool(sentences: Iterable[Sentence]) -> dict[str, list[str]]:
    """Every entity name of the sentences by label, repeats kept (a common name is drawn
    more often)."""
    pool: dict[str, list[str]] = {}
    for sentence in sentences:
        for start, end, label in sentence.entities:
            pool.setdefault(label, []).append(sentence.text[start:end])
    return pool


def replace_mentions(
    sentence: Sentence, pool: Mapping[str, Sequence[str]], rng: random.Random, rate: float
) -> Sentence:
    """The sentence with each entity, at probability ``rate``, replaced by a name of the
    same label drawn from ``pool``; the other spans move with the text."""
    spans = sorted([*sentence.entities, *((s, e, MISSING) for s, e in sentence.missing)])
    pieces: list[str] = []
    entities: list[tuple[int, int, str]] = []
    missing: list[tuple[int, int]] = []
    done = 0
    for start, end, label in spans:
        pieces.append(sentence.text[done:start])
        name = sentence.text[start:end]
        if label != MISSING and pool.get(label) and rng.random() < rate:
            name = rng.choice(pool[label])
        at = sum(map(len, pieces))
        pieces.append(name)
        if label == MISSING:
            missing.append((at, at + len(name)))
        else:
            entities.append((at, at + len(name), label))
        done = end
    pieces.append(sentence.text[done:])
    return Sentence("".join(pieces), tuple(entities), tuple(missing))


def augment(sentences: Sequence[Sentence], copies: int, rate: float = 0.5) -> list[Sentence]:
    """``copies`` new versions of the sentences with mentions replaced from their own pool.

    Mention replacement (Dai and Adel, "An Analysis of Simple Data Augmentation for Named
    Entity Recognition", COLING 2020) shows the model each context with other names, so it
    learns the context rather than the names it has seen.
    """
    pool = mention_pool(sentences)
    rng = random.Random(SEED)
    return [replace_mentions(s, pool, rng, rate) for _ in range(copies) for s in sentences]


def to_doc(nlp: Language, sentence: Sentence) -> Doc:
    """A reference Doc: entities set, missing spans unknown, the rest "O".

    Spans are snapped outward to token boundaries; a span that then overlaps another is
    dropped.
    """
    doc = nlp.make_doc(sentence.text)
    entities = [
        doc.char_span(s, e, label=label, alignment_mode="expand")
        for s, e, label in sentence.entities
    ]
    missing = [doc.char_span(s, e, alignment_mode="expand") for s, e in sentence.missing]
    taken: set[int] = set()
    kept_entities = [span for span in entities if span is not None and _claim(span, taken)]
    kept_missing = [span for span in missing if span is not None and _claim(span, taken)]
    doc.set_ents(kept_entities, missing=kept_missing, default="outside")
    return doc


def _claim(span: Span, taken: set[int]) -> bool:
    """Claim the tokens of a span unless one is already taken."""
    tokens = set(range(span.start, span.end))
    if tokens & taken or not tokens:
        return False
    taken |= tokens
    return True
