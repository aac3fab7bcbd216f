"""Relations stage: a tagged Doc -> mentions and relations, as the text states them.

Posts (holds_role) come from chains of titles before a name, "市委常委、宣传部部长、
统战部部长柳庆发", and from lists of officials sharing a sentence; a title with no body
written either continues the chain's body (党组书记、局长) or implies one (副市长 -> 市政府).
Places give located_in (a name written after its place, an address) and part_of (places
written one after another, 东昌府区侯营镇); industries and projects give in_industry and
invests_in within a clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise, zip_longest

from spacy.tokens import Doc, Span

from kg.gazetteer import AUTONOMOUS_REGION, gazetteer
from kg.ner import (
    ACTING_PREFIXES,
    FIRM_AFTER,
    HOME_PLACE,
    LEGAL_FORM,
    LEGAL_WORDS,
    LEVELS,
    PLACES_KEY,
    REFERENCE,
    doc_text,
    read_pairs,
)
from kg.records import HOME_REGION, Article, Mention, Relation

SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
CLAUSE_BREAK = re.compile(r"[，,：:]")
CHAIN_GAP = re.compile(r"^[\s、，,]*$")
FORMER = re.compile(r"(?:原|前任)$")
"""Before a title or a chain of them, a post its holder no longer has (原县委书记,
市人大常委会原主任)."""
NOMINEE = re.compile("候选人|人选|提名人")
"""After a title: a post its holder is proposed for, not one held (副县长候选人胡书伟)."""
LOCATED_BEFORE = re.compile(r"(?:位于|地处|坐落于|坐落在)\s*$")
LOCATED_VERB = re.compile(r"^\s*(?:在|落户|位于|落地|坐落在|坐落于|选址)\s*$")
STREET_TAIL = re.compile(r"^[0-9]+号")
ADDRESS_GAP = re.compile(r"^[^，,。；;、]{0,30}$")
ADDRESS = re.compile(r"^\s*(?:地址|位于|坐落于|落户|地处)[:：]?\s*$")
OPEN = ("(", "（")
HOMETOWN_CHAMBER = re.compile("(?:商会|同乡会)$")
"""A chamber of the people of one place in another, named host first (深圳市湘潭商会, 台州开化商会):
in the host, and its two places say nothing of each other."""
BRANCH = re.compile(
    r"(?:分公司|分行|支行|分店|分院|分中心|销售中心|办事处|直营店|专卖店|门店|体验店|营业部|代表处)$"
)
CLOSE_BRACKET = re.compile(r"[^()（）\n]*[)）]")
ENUMERATOR = re.compile(r"\s*(?:[0-9０-９]+[.．、]|[一二三四五六七八九十]+、)?\s*")
BUILD_VERB = re.compile(r"建设|建成|打造|开工|投建|投资|实施|推进|落地|运营|承建|规划")
INDUSTRY_VERB = re.compile(
    r"发展|推进|培育|壮大|打造|做强|布局|聚焦|形成|主导|生产|年产|主营|从事|立足|依托|深耕"
)
OWNS = re.compile(r"的|(?:就|共|现|已)?(?:拥)?有")
"""Between a place and its industry (艾山村的艾草产品, 侯营镇就有棉服加工企业), when a product
or firm word follows the industry (``FIRM_AFTER``)."""
ALL_IN_ONE = re.compile(r"集([^。；;]{2,60}?)于一体")
AMOUNT = re.compile(r"(?:总投资|投资|投资额)(?:约|达|超|近)?([0-9]+(?:\.[0-9]+)?)(万|亿)元")
ORG_LABELS = ("GOV", "ORG", "COMPANY")
RESPECTIVELY = re.compile(r"^\s*分别(?:在|于|以|聚焦|发展)?\s*$")
SPREAD = re.compile(r"(?:产业|行业)?(?:主要|大多|多|重点)?(?:分布|集中|集聚|布局)(?:在|于)")
REPRESENTED = re.compile(r"\s*(?:等)?为代表的\s*")
KEY_INDUSTRIES = re.compile(
    r"等?(?:[0-9一二三四五六七八九十两多]+个)?(?:(?:重点|主导|支柱|特色|优势)(?:产业|行业)|产业类别)"
)
WIDER = re.compile(r"全国|全省|国家|我国|我省")
LIST_GAP = re.compile(r"\s*[、和及]\s*")
ADJACENT = re.compile("")
ADJACENT_OR_DE = re.compile("的?")
LEAD_WINDOW = 8
"""Characters before a run of places searched for 位于 and the like."""
WHOLE_WIDE = ("全省", "全国")
GENERIC_BODIES = {"公司": "COMPANY", "集团": "COMPANY", "学校": "ORG", "医院": "ORG", "学院": "ORG"}
"""Bodies written by their kind alone, and the label of the named body they stand for."""
PARTY_COMMITTEE = re.compile("(?:党委|党工委)(?=.)")
LEVEL_NAME = re.compile(
    r"^(?:中共)?[\u3400-\u9fff]{0,8}?[省市县区镇乡旗州](?:委|党委|政府|人民政府|人大|政协)"
)
LOCAL_BODY = re.compile(r"^.{2,}(?:党工委|管委会|管理委员会|办事处|村党支部|村党总支|村委会)$")
"""A zone's, a subdistrict's or a village's body named with its zone or village (泰兴经济开发区
党工委, 东关村党支部): the context of a bare 管委会, 办事处 or 村委会 after it in a chain
(党工委书记、管委会主任; 村党支部书记、村委会主任)."""
BODY_LEVELS = LEVELS + "旗盟"
"""The levels a body's shorthand starts with (市委, 县政府; 旗委 and 盟委 of Inner Mongolia's
banners and leagues)."""
FUSED_HEADS = ("部", "局", "厅")
"""The departments whose head's title news fuses into their name (组织部长, 公安局长, 财政厅长)."""
PLACE_WORD = re.compile("[省市县区镇乡村路街]")
"""A character of a place's name that no personal name has (长江路 misread as 江路悬)."""
REGION_BODY_GAP = re.compile(r"(?:[省市县区旗州]?(?:委|政府))?")
"""What may stand between a region and the title it is the body of: nothing, or its own
committee or government that the tagger left out (达拉特旗|旗委|书记)."""
LISTED = re.compile(r"\s*[、和及与]\s*")
"""What stands between two items of a list."""
REGION_HEAD = re.compile(r"^(?:中共)?(?:[省市县区州旗]|[\u3400-\u9fff]{1,10}?[省市县区州旗])")
"""A body's name that starts with its level (县财政局) or its region (武城县财政局)."""
HOLDERS = ("COMPANY", "GOV", "ORG", "PROJECT")
LOCATABLE = ("COMPANY", "ORG", "PROJECT")
MEDIA_OUTLET = re.compile(r"(?:(?<!电)网|新闻|融媒体中心|传媒中心|电视台|广播电台|报社|报|客户端)$")
"""A media outlet's name, whose place at its head is what it reports on: of the 77 in the
local news corpus that begin with a place, the annotators read 2 as located there."""
NATURAL_FEATURE = re.compile(r"[江河湖海山岭峰]$")
"""A river, lake, sea or mountain, which begins firms' names as a brand (黄河水泥, 长江医药)
and projects' names as their site (棋盘山综合开发项目)."""
FIRM_WORD = re.compile(r"(?<=[^\W\d_]{2})(?:集团(?:有限)?公司|集团|公司)(?!项目|$)")
"""A firm's name ending without its legal form at the start of a project's name (中扩集团玩具
项目, 隆基公司高效组件项目): two characters before it at least, the project's words after."""
PLACE_RANK = (
    ("国", 0),
    ("省", 1),
    ("自治区", 1),
    ("市", 2),
    ("州", 2),
    ("县", 3),
    ("区", 3),
    ("旗", 3),
    ("镇", 4),
    ("乡", 4),
    ("街道", 4),
    ("村", 5),
    ("社区", 5),
    ("街", 6),
    ("路", 6),
)
IMPLIED_ORGS = {
    prefix + title: org
    for title, org in read_pairs("implied_orgs.txt").items()
    for prefix in ("", *ACTING_PREFIXES)
}
"""Title -> the body a bare title belongs to; an acting holder's title (代县长) the same."""


AUTONOMOUS_HEADS = ("主席", "副主席", "常务副主席")
"""An autonomous region's head and deputy heads: posts in its people's government
(自治区主席 -> 自治区人民政府), as 市长's is in the city's."""
BARE_GOVERNMENTS = ("政府", "人民政府")


def government_of(body: str, title: str) -> str:
    """The body of a head's title written after a region or a bare government: the region's
    government (自治区 主席 -> 自治区政府) or the government of the title's level (政府 区长 ->
    区政府); else ``body``."""
    if body.endswith(AUTONOMOUS_REGION) and title in AUTONOMOUS_HEADS:
        return body + "政府"
    if body in BARE_GOVERNMENTS and IMPLIED_ORGS.get(title, "").endswith("政府"):
        return IMPLIED_ORGS[title]
    return body


def place_rank(name: str) -> int:
    """How small a place is by its ending: province 1 ... village 5, street 6; unknown 9."""
    return next((rank for ending, rank in PLACE_RANK if name.endswith(ending)), 9)


@dataclass
class Post:
    """One title in a chain, with the body written before it (or none)."""

    role: Span
    org: Span | None


def sentences(doc: Doc, text: str | None = None) -> Iterator[Span]:
    """The sentences of a Doc, split at 。！？； and line breaks, and a run longer than
    :data:`MAX_SENTENCE` at clause breaks; ``text`` is the Doc's text where the caller has
    read it already (spaCy rebuilds ``Doc.text`` on every call)."""
    text = doc_text(doc) if text is None else text
    for m in SENTENCE.finditer(text):
        for start, end in pieces(doc, text, m.start(), m.end()):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and text[span.start_char : span.end_char].strip():
                yield span


MAX_SENTENCE = 500
"""Characters of a sentence at most. News sentences are shorter (seeds and dev set: under
230); a page of one line without 。 (a table or list from a PDF) is not one sentence, and as
one it made the evidence of each of its mentions as long as the page."""
PIECE_BREAK = re.compile(r"[，,：:]")


def pieces(doc: Doc, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most :data:`MAX_SENTENCE` characters (or up to the
    end of an entity that reaches past it), each cut in its second half (:func:`cut_at`)."""
    if end - start <= MAX_SENTENCE:
        yield start, end
        return
    ents = [(e.start_char, e.end_char) for e in doc.ents]
    while end - start > MAX_SENTENCE:
        cut = min(end, cut_at(text, ents, start + MAX_SENTENCE // 2, start + MAX_SENTENCE))
        yield start, cut
        start = cut
    yield start, end


def cut_at(text: str, ents: list[tuple[int, int]], low: int, high: int) -> int:
    """Where to cut between ``low`` and ``high``: after the last comma or colon outside an
    entity, else in the middle of the longest stretch without entities (between the rows
    of a table), else at the end of the entity that covers it all."""
    first = max(0, bisect_right(ents, (low, low)) - 1)
    near = [e for e in ents[first : bisect_left(ents, (high, high))] if e[1] > low]
    for m in reversed(list(PIECE_BREAK.finditer(text, low, high))):
        if not any(a <= m.start() < b for a, b in near):
            return m.end()
    edges = [low, *(x for a, b in near for x in (max(a, low), min(b, high))), high]
    gaps = [(b - a, a) for a, b in zip(edges[::2], edges[1::2], strict=True) if b > a]
    if not gaps:
        return near[-1][1]
    width, at = max(gaps)
    return at + width // 2


class EntityIndex:
    """A Doc's entities read once (spaCy builds ``Doc.ents`` anew on every call), and those
    of a span of it found by bisection: linear work in the length of a sentence."""

    def __init__(self, doc: Doc) -> None:
        self.ents = list(doc.ents)
        self.starts = [e.start for e in self.ents]
        self.ends = [e.end for e in self.ents]

    def within(self, span: Span) -> list[Span]:
        """The entities that lie inside ``span`` (what ``span.ents`` gives)."""
        low = bisect_left(self.starts, span.start)
        return self.ents[low : max(low, bisect_right(self.ends, span.end))]


class Extractor:
    """Relations of one article."""

    def __init__(self, doc: Doc, article: Article) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.article = article
        self.index = EntityIndex(doc)
        self.ents = self.index.ents
        self.wholes = list(ALL_IN_ONE.finditer(self.text))
        self.ends = [e.end_char for e in self.ents]
        self.companies = {LEGAL_FORM.sub("", e.text) for e in self.ents if e.label_ == "COMPANY"}
        places = list(doc.spans.get(PLACES_KEY, []))
        self.place_order = sorted(range(len(places)), key=lambda i: places[i].start_char)
        """Indices into the Doc's place names (all, nested ones too), by where they start."""
        self.place_spans = places
        self.place_starts = [places[i].start_char for i in self.place_order]
        self._said: dict[tuple[int, int], str] = {}

    def said(self, sentence: Span) -> str:
        """A sentence's text without the spaces around it, made once per sentence (it is the
        evidence of every mention and relation read in it)."""
        at = (sentence.start_char, sentence.end_char)
        if at not in self._said:
            self._said[at] = self.sentence_text(sentence).strip()
        return self._said[at]

    def sentence_text(self, sentence: Span) -> str:
        return self.text[sentence.start_char : sentence.end_char]

    def mention(self, span: Span, sentence: Span, context: str = "") -> Mention:
        if span.label_ == "PLACE" and REFERENCE.fullmatch(span.text):
            context = self.referent(span)
        return Mention(
            text=span.text,
            label=span.label_,
            article=self.article.id,
            sentence=self.said(sentence),
            start=span.start_char,
            end=span.end_char,
            context=context,
        )

    def referent(self, reference: Span) -> str:
        """The place a reference (该县, 全镇) stands for: the last place of its level written
        before it (绥宁县 ... 该县), or "" where there is none."""
        level = reference.text[-1]
        before = self.ents[: bisect_right(self.ends, reference.start_char)]
        named = (
            e.text
            for e in reversed(before)
            if e.label_ == "PLACE"
            and e.text.endswith(level)
            and not REFERENCE.fullmatch(e.text)
            and not HOME_PLACE.fullmatch(e.text)
        )
        return next(named, "")

    def implied(self, text: str, label: str, sentence: Span, context: str = "") -> Mention:
        return Mention(
            text=text,
            label=label,
            article=self.article.id,
            sentence=self.said(sentence),
            context=context,
            implicit=True,
        )

    def gap(self, left: Span, right: Span) -> str:
        return self.text[left.end_char : right.start_char]

    def title_gap(self, left: Span, right: Span) -> str:
        """The gap before a title without the 原 of a former post (市人大常委会原主任)."""
        gap = self.gap(left, right)
        return FORMER.sub("", gap) if right.label_ == "ROLE" else gap

    def mentions(self) -> list[Mention]:
        """Every entity mention, ROLE aside, with its sentence; a body listed after another
        with the list's context (:meth:`list_context`)."""
        found = []
        for sentence in sentences(self.doc, self.text):
            before: Span | None = None
            context = ""
            for ent in self.index.within(sentence):
                if ent.label_ == "ROLE":
                    before = None
                    continue
                context = self.list_context(before, ent, context)
                found.append(self.mention(ent, sentence, context))
                before = ent
        return found

    def list_context(self, before: Span | None, ent: Span, context: str) -> str:
        """The context of a body listed right after another (县农业农村局、林业和草原局): the
        last body of the list written with its level or region, whose region the bare ones
        share; else none."""
        listed = before is not None and before.label_ == ent.label_ == "GOV"
        if not listed or not LISTED.fullmatch(self.gap(before, ent)):
            return ""
        return before.text if REGION_HEAD.match(before.text) else context

    def relations(self) -> list[Relation]:
        found: list[Relation] = []
        home: Span | None = None
        for sentence in sentences(self.doc, self.text):
            ents = self.index.within(sentence)
            found += self.posts(sentence, ents)
            found += self.places(sentence, ents)
            found += self.builders(sentence, ents)
            found += self.respective(sentence, ents)
            found += self.industry_phrases(sentence, ents)
            found += self.firm_lines(sentence, ents)
            if self.starts_paragraph(sentence.start_char):
                home = None
            topic = None
            for clause in self.clauses(sentence):
                found += self.clause_relations(sentence, clause, topic or home)
                topic = topic or self.topic(clause)
            home = next((e for e in reversed(ents) if self.home_region(e)), home)
        return found

    def starts_paragraph(self, start: int) -> bool:
        """Whether the text at ``start`` follows a line break (spaces aside)."""
        i = start - 1
        while i >= 0 and self.text[i] == " ":
            i -= 1
        return i >= 0 and self.text[i] == "\n"

    def home_region(self, ent: Span) -> bool:
        """我市, 全市, 本县...: the paper's home region, not 全省 or 全国."""
        return bool(HOME_PLACE.fullmatch(ent.text)) and self.industry_subject(ent)

    def topic(self, clause: list[Span]) -> Span | None:
        """The clause's subject when it can carry industries into the clauses after it
        (东阿县牢固树立…理念，聚焦阿胶、生物医药主导产业)."""
        if not clause:
            return None
        subject = self.subject(clause)
        if subject.label_ in ("PLACE", "COMPANY") and self.industry_subject(subject):
            return subject
        return None

    def posts(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """holds_role from chains of [body] title items that end in one or more names."""
        found: list[Relation] = []
        chain: list[Post] = []
        written: Span | None = None
        last: Span | None = None
        for ent in ents:
            if last is not None and not CHAIN_GAP.match(self.title_gap(last, ent)):
                chain, written = [], None
            if ent.label_ == "ROLE":
                if last is not None and last.label_ == "PERSON":
                    chain = []
                chain.append(Post(ent, self.post_org(ent, last, written, chain)))
                written = None
            elif (
                ent.label_ == "PERSON"
                and chain
                and last is not None
                and (
                    last.label_ == "ROLE"
                    or (last.label_ == "PERSON" and self.gap(last, ent).isspace())
                )
            ):
                found += self.holds(sentence, ent, chain)
            elif ent.label_ in (*ORG_LABELS, "PLACE"):
                if last is not None and last.label_ == "PERSON":
                    chain = []
                written = ent
            else:
                chain, written = [], None
            last = ent
        return found

    def post_org(
        self, role: Span, last: Span | None, written: Span | None, chain: list[Post]
    ) -> Span | None:
        """The body of a title: written right before it, else the chain's body, unless the
        title implies its own (副市长)."""
        if written is not None and last is written and not self.title_gap(written, role):
            return self.named_body(written.text, written.start_char) or written
        kind = self.text[max(0, role.start_char - 2) : role.start_char]
        if named := self.named_body(kind, role.start_char - 2):
            return named
        if role.text in IMPLIED_ORGS or not chain:
            return None
        return chain[-1].org

    def named_body(self, kind: str, before: int) -> Span | None:
        """The body a kind word stands for (公司总经理): the last body of that kind named
        before it in the article (山东XX有限公司 ... 公司总经理)."""
        if kind not in GENERIC_BODIES:
            return None
        earlier = [
            e
            for e in self.ents[: bisect_right(self.ends, before)]
            if e.end_char <= before
            and e.label_ == GENERIC_BODIES[kind]
            and e.text.endswith(kind)
            and e.text != kind
        ]
        return earlier[-1] if earlier else None

    def holds(self, sentence: Span, person: Span, chain: list[Post]) -> list[Relation]:
        """One holds_role per title in the chain; a body takes the chain's earlier body as
        its context (市委 ... 宣传部 -> 市委宣传部; 东昌府区 区长 -> 东昌府区 区政府): the body
        named with its place before the chain in the sentence, if any, then each body named
        with its place; a bare one (市委) only while there is none."""
        found = []
        context = self.named_body_before(sentence, chain)
        former_chain = self.former(chain[0])
        first = chain[0].org or chain[0].role
        whole_chain = self.former_at(first.start_char)
        for post in chain:
            former_chain = whole_chain or (former_chain and not self.names_new_body(post, chain[0]))
            if NOMINEE.match(self.text, post.role.end_char):
                continue
            role = post.role.text
            org_span = post.org
            if org_span is not None and org_span.label_ != "PLACE":
                org = self.mention(org_span, sentence, context)
                org, role = self.party_committee(org, org_span, post.role)
                org = replace(org, text=government_of(org.text, role))
            elif role in IMPLIED_ORGS and self.paper_written(IMPLIED_ORGS[role]):
                label = "ORG" if IMPLIED_ORGS[role] == "本报" else "GOV"
                place = org_span.text if org_span is not None else context
                org = self.implied(IMPLIED_ORGS[role], label, sentence, place)
            else:
                continue
            shorthand = org.text[:1] in BODY_LEVELS
            named = LEVEL_NAME.match(org.text) or LOCAL_BODY.match(org.text)
            if not org.implicit and (not context if shorthand else named):
                context = org.text
            found.append(
                Relation(
                    "holds_role",
                    self.mention(person, sentence),
                    org,
                    self.said(sentence),
                    role=role,
                    former=former_chain or self.former(post),
                )
            )
        return found

    def former(self, post: Post) -> bool:
        """Whether 原 or 前任 stands right before the post's title, or before its body where
        the body is written right before the title (原县委书记, 县委原书记)."""
        starts = [post.role.start_char]
        if post.org is not None and post.org.end_char == post.role.start_char:
            starts.append(post.org.start_char)
        return any(self.former_at(at) for at in starts)

    def former_at(self, at: int) -> bool:
        return bool(FORMER.search(self.text[max(0, at - 2) : at]))

    @staticmethod
    def names_new_body(post: Post, first: Post) -> bool:
        """Whether a later post of a chain names a body of its own: a 原 written after the
        chain's first body does not reach it (济宁医学院原党委书记、山东第二医科大学教授), one
        written before the whole chain does (原市委常委、市委宣传部部长)."""
        return post.org is not None and (
            first.org is None or post.org.start_char != first.org.start_char
        )

    def party_committee(self, org: Mention, org_span: Span, role: Span) -> tuple[Mention, str]:
        """A state body's party committee written into the title (市国资委 党委书记): the
        committee is the body (市国资委党委, 书记), as the corpus writes it; a firm's or a
        school's keeps it in the title (华电山东公司 党委书记)."""
        prefix = PARTY_COMMITTEE.match(role.text)
        if org_span.label_ != "GOV" or prefix is None or org_span.end_char != role.start_char:
            return org, role.text
        end = org.end + prefix.end()
        return replace(org, text=self.text[org.start : end], end=end), role.text[prefix.end() :]

    def named_body_before(self, sentence: Span, chain: list[Post]) -> str:
        """The last body named with its place (嘉峪关市委), or region written as a title's body
        (达拉特旗书记), earlier in the sentence than the chain: a later bare 市委 or 市长 of the
        sentence is that place's (嘉峪关市委书记马光明, 市委副书记、市长郑亚军 in another city's
        paper), and so is a bare department (达拉特旗书记…、发改局局长李锐)."""
        start = min(
            span.start_char for post in chain for span in (post.role, post.org) if span is not None
        )
        ents = self.index.within(sentence)
        named = (
            e.text
            for e, after in reversed(list(zip_longest(ents, ents[1:])))
            if e.end_char <= start
            and e.text[:1] not in BODY_LEVELS
            and (
                (e.label_ == "GOV" and LEVEL_NAME.match(e.text))
                or (e.label_ == "PLACE" and self.titled_region(e, after))
            )
        )
        return next(named, "")

    def titled_region(self, place: Span, after: Span | None) -> bool:
        """A region written right before a title, or before its committee or government (a
        title, or a body named by its level) as their body: 冠县 县长, 达拉特旗旗委书记 where
        the tagger took the place alone, 我市 市委书记."""
        if after is None or not (after.label_ == "ROLE" or after.text[:1] in BODY_LEVELS):
            return False
        gap = self.gap(place, after).strip()
        return place.text[-1] in "省市县区旗州" and bool(REGION_BODY_GAP.fullmatch(gap))

    def fused_posts(self) -> list[Relation]:
        """Titles fused into the name before them, read apart from :meth:`relations`, whose
        posts are candidates' features too: 部长 or 局长 written into its department's name
        (县委组织部长张三, 组织部长张三 after 州委常委, 市公安局长邵浩浩), and a government's head
        into its region's (罗山县长汪明君, 宜宾市长徐进). The body's last character and 长 make
        the title, which no entity can hold beside the body; the name right after holds it
        there."""
        found = []
        for sentence in sentences(self.doc, self.text):
            ents = self.index.within(sentence)
            context = ""
            for body, person in pairwise(ents):
                if body.label_ == "GOV" and body.text.endswith("委"):
                    context = body.text
                if person.label_ != "PERSON" or self.gap(body, person) != "长":
                    continue
                if body.label_ == "GOV" and body.text.endswith(FUSED_HEADS):
                    org = self.mention(body, sentence, context)
                elif (government := self.fused_government(body, person)) is not None:
                    org = self.implied(government, "GOV", sentence, body.text)
                else:
                    continue
                holder, evidence = self.mention(person, sentence), self.said(sentence)
                role = body.text[-1] + "长"
                found.append(Relation("holds_role", holder, org, evidence, role=role))
        return found

    def fused_government(self, place: Span, person: Span) -> str | None:
        """The government whose head's title a region's name runs into (罗山县 长): a region
        of two characters or more before its level, not after 代 (代县长 is an acting head),
        nor where 长 begins a place (湖南省长沙县) that the tagger misread as a name."""
        head = IMPLIED_ORGS.get(place.text[-1] + "长")
        if place.label_ != "PLACE" or head is None or len(place.text) < 3:
            return None
        acting = place.start_char > 0 and self.text[place.start_char - 1] in "代副"
        named = "长" + person.text
        a_place = any(gazetteer().find(named[:k]) for k in (2, 3))
        return None if acting or a_place or PLACE_WORD.search(person.text) else head

    def paper_written(self, org: str) -> bool:
        """A reporter's body is 本报 only where the article writes 本报 (a site's story by
        记者 X is no paper's); the other implied bodies always are."""
        return org != "本报" or "本报" in self.text

    def places(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """part_of for places written in a row; located_in for names listed right after
        their place (我市A公司、B公司) or followed by an address."""
        found = []
        for i, (left, right) in enumerate(pairwise(ents)):
            gap = self.gap(left, right)
            if left.label_ == "PLACE" and gap == "":
                if right.label_ == "PLACE" and place_rank(left.text) < place_rank(right.text):
                    found.append(self.relate("part_of", right, left, sentence))
                elif right.label_ in HOLDERS and right.label_ != "GOV":
                    listed = self.run(ents[i + 1 :], right.label_, LIST_GAP)
                    found += [self.located(name, left, sentence) for name in listed]
                elif right.label_ == "INDUSTRY" and self.industry_subject(left):
                    found.append(self.relate("in_industry", left, right, sentence))
        found += self.addresses(sentence, ents)
        found += self.streets(sentence, ents)
        found += self.bracketed(sentence, ents)
        found += self.placed_names(sentence, ents)
        return found

    def relate(self, kind: str, head: Span, tail: Span, sentence: Span) -> Relation:
        """A relation between two tagged spans, with the sentence as evidence."""
        return Relation(
            kind, self.mention(head, sentence), self.mention(tail, sentence), self.said(sentence)
        )

    def home_industry(self, industry: Span, sentence: Span) -> Relation:
        """in_industry of the home region, which the sentence does not name."""
        home = self.implied(HOME_REGION, "PLACE", sentence)
        return Relation("in_industry", home, self.mention(industry, sentence), self.said(sentence))

    def located(self, holder: Span, place: Span, sentence: Span) -> Relation:
        return self.relate("located_in", holder, place, sentence)

    def placed_names(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """A name that begins with a local place is there (东阿艾仙草药业有限公司 in 东阿县);
        a name after 位于 and places and 的 (位于东昌府区堂邑镇的X示范园), or before
        在/落户/位于 and places, is in the smallest of them."""
        found = []
        for ent in ents:
            if ent.label_ in LOCATABLE and (place := self.place_in_name(ent)) is not None:
                found.append(self.located(ent, place, sentence))
            if ent.label_ in LOCATABLE and self.chamber_host(ent) is None:
                found += [
                    self.relate("part_of", small, large, sentence)
                    for large, small in pairwise(self.name_places(ent))
                    if place_rank(large.text) < place_rank(small.text)
                ]
        for i, ent in enumerate(ents):
            if ent.label_ in LOCATABLE and i and self.gap(ents[i - 1], ent) == "的":
                run = self.run(ents[i - 1 :: -1], "PLACE", ADJACENT_OR_DE)[::-1]
                if run and LOCATED_BEFORE.search(self.before(run[0], LEAD_WINDOW)):
                    found.append(self.located(ent, run[-1], sentence))
        for i, ent in enumerate(ents[:-1]):
            if ent.label_ in LOCATABLE and LOCATED_VERB.match(self.gap(ent, ents[i + 1])):
                run = self.run(ents[i + 1 :], "PLACE", ADJACENT)
                if run:
                    found.append(
                        self.located(ent, max(run, key=lambda p: place_rank(p.text)), sentence)
                    )
        return found

    def place_in_name(self, ent: Span) -> Span | None:
        """The smallest local place of the places a name begins with (东昌府区梁水镇X公司 ->
        梁水镇, 日本大阪X馆 -> 大阪); a branch is where its name says before the branch word
        (X有限公司聊城分公司 -> 聊城), not where the parent is. A media outlet is not where its
        name says, nor a firm or organisation where a river or mountain at its head is."""
        if branch := BRANCH.search(ent.text):
            at = ent.start_char + branch.start()
            return next((p for p in self.inner_places(ent) if p.end_char == at), None)
        if MEDIA_OUTLET.search(ent.text):
            return None
        if (host := self.chamber_host(ent)) is not None:
            return host
        brand = ent.label_ != "PROJECT"
        return next(
            (
                p
                for p in reversed(self.name_places(ent))
                if local_place(p.text) and not (brand and natural_feature(p.text))
            ),
            None,
        )

    def chamber_host(self, ent: Span) -> Span | None:
        """The host of a chamber of one place's people in another (深圳市湘潭商会 -> 深圳市):
        the first of two places its name begins with, where the second is not inside it
        (阜宁沟墩商会 is 沟墩's, in 阜宁)."""
        if not HOMETOWN_CHAMBER.search(ent.text):
            return None
        places = self.name_places(ent)
        if len(places) < 2 or inside_in_data(places[1].text, places[0].text):
            return None
        return places[0]

    def inner_places(self, ent: Span) -> list[Span]:
        """The place names written inside ``ent``, short of its end."""
        first = bisect_left(self.place_starts, ent.start_char)
        last = bisect_left(self.place_starts, ent.end_char)
        return [
            p
            for p in map(self.place_spans.__getitem__, sorted(self.place_order[first:last]))
            if p.end_char < ent.end_char
        ]

    def name_places(self, ent: Span) -> list[Span]:
        """The places a name begins with, one after another (东昌府区, 梁水镇 of
        东昌府区梁水镇X公司), the longest at each step."""
        inner = self.inner_places(ent)
        chain: list[Span] = []
        end = ent.start_char
        while nxt := max((p for p in inner if p.start_char == end), key=len, default=None):
            chain.append(nxt)
            end = nxt.end_char
        return chain

    def streets(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """A name next to a street address (柳园南路7号水务集团, 市机关事务管理局(东昌府区
        花园北路22号)) is on that street."""
        found = []
        text = self.text
        for i, street in enumerate(ents):
            if street.label_ != "PLACE" or not STREET_TAIL.match(text[street.end_char :]):
                continue
            after = [e for e in ents[i + 1 :] if e.label_ in (*LOCATABLE, "GOV")]
            before = [e for e in ents[:i] if e.label_ in (*LOCATABLE, "GOV")]
            if after and ADDRESS_GAP.match(self.gap(street, after[0])):
                found.append(self.located(after[0], street, sentence))
            elif before and ADDRESS_GAP.match(self.gap(before[-1], street)):
                found.append(self.located(before[-1], street, sentence))
        return found

    def addresses(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """A name followed by 地址:/位于 and places, on the same line or as the heading of
        the address line, is in the places below the city."""
        found = []
        if ents and ADDRESS.match(self.text[sentence.start_char : ents[0].start_char]):
            heading = self.entity_before(sentence.start_char)
            if heading is not None and heading.label_ in HOLDERS:
                found += self.in_address(heading, ents, sentence)
        for i, ent in enumerate(ents[:-1]):
            if ent.label_ in HOLDERS and ADDRESS.match(self.gap(ent, ents[i + 1])):
                found += self.in_address(ent, ents[i + 1 :], sentence)
        return found

    def in_address(self, holder: Span, ents: list[Span], sentence: Span) -> list[Relation]:
        """located_in for the local places written one after another from ``ents[0]``."""
        run = self.run(ents, "PLACE", ADJACENT)
        return [self.located(holder, p, sentence) for p in run if local_place(p.text)]

    def entity_before(self, start: int) -> Span | None:
        """The last entity of the Doc that ends before ``start``, if only spaces and line
        breaks lie between."""
        i = bisect_right(self.ends, start) - 1
        if i < 0 or self.text[self.ents[i].end_char : start].strip():
            return None
        return self.ents[i]

    def bracketed(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """A body with its address in brackets, 市机关事务管理局(东昌府区花园北路22号), or an
        address line ending in the body in brackets, 高新区九州街道…9楼东侧(粮盐集团)."""
        found = []
        text = self.text
        for i, ent in enumerate(ents):
            if ent.label_ not in (*LOCATABLE, "GOV"):
                continue
            if text[ent.end_char : ent.end_char + 1] in OPEN and i + 1 < len(ents):
                close = self.closing(ent.end_char)
                inside = [e for e in ents[i + 1 :] if e.end_char <= close]
                if inside and inside[0].start_char == ent.end_char + 1:
                    found += self.in_address(ent, inside, sentence)
            elif (
                text[ent.start_char - 1 : ent.start_char] in OPEN
                and self.closing(ent.start_char - 1) == ent.end_char
            ):
                line = max(text.rfind(c, sentence.start_char, ent.start_char) for c in "\n，,；;。")
                before = [e for e in ents[:i] if e.start_char > line]
                if before and ENUMERATOR.fullmatch(
                    text[max(line + 1, sentence.start_char) : before[0].start_char]
                ):
                    places = [p for p in before if p.label_ == "PLACE" and local_place(p.text)]
                    found += [self.located(ent, p, sentence) for p in places]
        return found

    def closing(self, start: int) -> int:
        """Where the bracket opened at ``start`` closes (-1 if it does not on the line)."""
        m = CLOSE_BRACKET.match(self.text, start + 1)
        return m.end() - 1 if m else -1

    def clauses(self, sentence: Span) -> Iterator[list[Span]]:
        """Entities of each clause (split at commas and colons)."""
        start = sentence.start_char
        ents = self.index.within(sentence)
        first = 0
        for part in CLAUSE_BREAK.split(self.sentence_text(sentence)):
            end = start + len(part)
            while first < len(ents) and ents[first].start_char < start:
                first += 1
            last = first
            while last < len(ents) and ents[last].end_char <= end:
                last += 1
            yield ents[first:last]
            start = end + 1

    def clause_relations(
        self, sentence: Span, ents: list[Span], topic: Span | None = None
    ) -> list[Relation]:
        """in_industry and invests_in, with the clause's subject as head; a clause that
        begins with an industry takes the topic (the sentence's subject, else the home
        region named earlier in the paragraph) as its subject."""
        if not ents:
            return []
        found = []
        subject = self.subject(ents)
        if subject.label_ == "INDUSTRY":
            if topic is not None:
                found += self.topic_industries(sentence, ents, topic)
            else:
                found += self.home_industries(sentence, ents)
        for ent in ents:
            if ent is subject or ent.start_char < subject.end_char:
                continue
            between = self.text[subject.end_char : ent.start_char]
            if ent.label_ == "INDUSTRY" and subject.label_ in ("PLACE", "COMPANY", "PROJECT"):
                if (
                    self.industry_subject(subject)
                    and not self.all_in_one(ent)
                    and (
                        not between
                        or INDUSTRY_VERB.search(between)
                        or (OWNS.fullmatch(between) and FIRM_AFTER.match(self.text, ent.end_char))
                    )
                ):
                    found.append(self.relate("in_industry", subject, ent, sentence))
            elif ent.label_ == "PROJECT" and subject.label_ in ("COMPANY", "GOV"):
                if BUILD_VERB.search(between):
                    amount = AMOUNT.search(self.sentence_text(sentence))
                    relation = self.relate("invests_in", subject, ent, sentence)
                    found.append(replace(relation, amount_yuan=yuan(amount) if amount else None))
            elif (
                ent.label_ == "PROJECT" and subject.label_ == "PLACE" and BUILD_VERB.search(between)
            ):
                found.append(self.relate("located_in", ent, subject, sentence))
        for ent in ents:
            if ent.label_ in ("PROJECT", "COMPANY"):
                found += self.industry_in_name(sentence, ent, ents)
        return found

    def topic_industries(self, sentence: Span, ents: list[Span], topic: Span) -> list[Relation]:
        """The topic is in the industries a clause begins with, listed one after another."""
        industries = self.run(ents, "INDUSTRY", LIST_GAP)
        lead = CLAUSE_BREAK.split(self.text[sentence.start_char : ents[0].start_char])[-1]
        if len(lead) > 12 or not (INDUSTRY_VERB.search(lead) or len(industries) >= 2):
            return []
        return [self.relate("in_industry", topic, x, sentence) for x in industries]

    def home_industries(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """Industries listed as key ones or as the kinds of industry of something local
        (化工、有色、建材等重点行业; 涉及纺织、食品等多个产业类别) in a sentence that names no
        subject and nothing wider than the home region: the paper's home region's."""
        industries = self.run(ents, "INDUSTRY", LIST_GAP)
        if len(industries) < 2 or not KEY_INDUSTRIES.match(self.text, industries[-1].end_char):
            return []
        within = self.index.within(sentence)
        if WIDER.search(self.sentence_text(sentence)) or any(
            not self.industry_subject(e) for e in within
        ):
            return []
        return [self.home_industry(x, sentence) for x in industries]

    def builders(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """invests_in for a project named after its builder (信发集团新型环保建材产业园) and
        for a project built by a body named after it (X项目由Y公司投资建设, X是Y重点打造的)."""
        found = []
        companies = self.companies
        amount = AMOUNT.search(self.sentence_text(sentence))
        for i, project in enumerate(ents):
            if project.label_ != "PROJECT":
                continue
            builder = self.builder_in_name(project, companies)
            if builder is None:
                builder = next(
                    (
                        b
                        for b in ents[i + 1 :]
                        if b.label_ in ("COMPANY", "GOV", "ORG")
                        and BUILD_VERB.search(self.text[b.end_char : b.end_char + 8])
                    ),
                    None,
                )
            if builder is not None:
                relation = self.relate("invests_in", builder, project, sentence)
                found.append(replace(relation, amount_yuan=yuan(amount) if amount else None))
        return found

    def builder_in_name(self, project: Span, companies: set[str]) -> Span | None:
        """The company a project's name begins with (a company of the article, or any name
        with its legal form), as a span of the name."""
        owner = max(
            (
                c
                for c in companies
                if len(c) >= 2 and project.text.startswith(c) and c != project.text
            ),
            key=len,
            default=None,
        )
        if owner is None:
            legal = LEGAL_WORDS.search(project.text) or FIRM_WORD.search(project.text)
            if legal is None:
                return None
            owner = project.text[: legal.end()]
        return self.doc.char_span(project.start_char, project.start_char + len(owner), "COMPANY")

    def industry_subject(self, subject: Span) -> bool:
        """A place can have industries, but not "全省"/"全国" (a province's or the nation's
        meeting in a city paper) nor a country (中国创新创业大赛)."""
        if subject.label_ != "PLACE":
            return True
        return subject.text not in WHOLE_WIDE and subject.text not in gazetteer().countries

    def respective(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """ "A、B、C分别在X、Y、Z等领域": the places and industries pair up in order."""
        found = []
        for i, ent in enumerate(ents[:-1]):
            if ent.label_ != "PLACE" or not RESPECTIVELY.match(self.gap(ent, ents[i + 1])):
                continue
            places = self.run(ents[i::-1], "PLACE", LIST_GAP)[::-1]
            industries = self.run(ents[i + 1 :], "INDUSTRY", LIST_GAP)
            if len(places) == len(industries) >= 2:
                found += [
                    self.relate("in_industry", p, x, sentence)
                    for p, x in zip(places, industries, strict=True)
                ]
        return found

    def industry_phrases(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """Industries where a sentence says so: "X产业主要分布在A、B" (A and B are in X),
        "以A、B为代表的X企业" (A and B are in X)."""
        found = []
        for i, ent in enumerate(ents[:-1]):
            nxt = ents[i + 1]
            if ent.label_ == "INDUSTRY" and SPREAD.fullmatch(self.gap(ent, nxt)):
                places = self.run(ents[i + 1 :], "PLACE", LIST_GAP)
                found += [self.relate("in_industry", p, ent, sentence) for p in places]
            leader = ent.label_ in ("COMPANY", "PROJECT")
            if leader and nxt.label_ == "INDUSTRY" and REPRESENTED.fullmatch(self.gap(ent, nxt)):
                named = self.run(ents[i::-1], ent.label_, LIST_GAP)
                found += [self.relate("in_industry", c, nxt, sentence) for c in named]
        return found

    def all_in_one(self, ent: Span) -> bool:
        """Whether an entity stands in "集A、B于一体", which describes a firm named next to it."""
        return any(m.start(1) <= ent.start_char < m.end(1) for m in self.wholes)

    def firm_lines(self, sentence: Span, ents: list[Span]) -> list[Relation]:
        """A firm "集A、B、C于一体" is in the industries A, B, C: the firm named before 集
        in the sentence, else the first one named after 于一体."""
        found = []
        for m in self.wholes:
            if not sentence.start_char <= m.start() < sentence.end_char:
                continue
            firms = [e for e in ents if e.label_ == "COMPANY"]
            firm = next((f for f in reversed(firms) if f.end_char <= m.start()), None)
            firm = firm or next((f for f in firms if f.start_char >= m.end()), None)
            if firm is not None:
                found += [
                    self.relate("in_industry", firm, e, sentence)
                    for e in ents
                    if e.label_ == "INDUSTRY" and m.start(1) <= e.start_char < m.end(1)
                ]
        return found

    def run(self, ents: list[Span], label: str, joins: re.Pattern[str]) -> list[Span]:
        """The entities of ``label`` written one after another from ``ents[0]`` (``ents`` may
        go backwards), each gap between two of them matching ``joins``."""
        found: list[Span] = []
        for ent in ents:
            if ent.label_ != label or (found and not joins.fullmatch(self.between(found[-1], ent))):
                break
            found.append(ent)
        return found

    def before(self, span: Span, chars: int) -> str:
        """The ``chars`` characters of text before a span."""
        return self.text[max(0, span.start_char - chars) : span.start_char]

    def between(self, a: Span, b: Span) -> str:
        """The text between two spans, in whichever order they stand."""
        return self.gap(a, b) if a.start_char < b.start_char else self.gap(b, a)

    def subject(self, ents: list[Span]) -> Span:
        """The clause's first entity; of places written in a row, the smallest."""
        first = ents[0]
        for nxt in ents[1:]:
            if first.label_ == nxt.label_ == "PLACE" and not self.gap(first, nxt):
                first = nxt
            else:
                break
        return first

    def industry_in_name(self, sentence: Span, holder: Span, ents: list[Span]) -> list[Relation]:
        """A project or company whose name holds an industry found in the same sentence."""
        return [
            self.relate("in_industry", holder, ind, sentence)
            for ind in self.index.within(sentence)
            if ind.label_ == "INDUSTRY" and ind.text in holder.text
        ]


@lru_cache(maxsize=65536)
def inside_in_data(place: str, larger: str) -> bool:
    """Whether the division data has a division called ``place`` inside one called ``larger``."""
    places = gazetteer()
    wider = {d.name for d in places.find(larger)}
    return any(wider & {a.name for a in d.ancestors()} for d in places.find(place))


def local_place(name: str) -> bool:
    """A county, town or village, or a place abroad the division data does not know; not a
    country, province or city (a company named 聊城… in a 聊城 paper says nothing new)."""
    places = gazetteer()
    if name in places.countries:
        return False
    return all(d.level in ("county", "town", "village") for d in places.find(name))


def natural_feature(name: str) -> bool:
    """A river, lake or mountain that the division data does not hold as a division."""
    return bool(NATURAL_FEATURE.search(name)) and not gazetteer().find(name)


def yuan(match: re.Match[str]) -> float:
    """An amount such as 12.5亿元 in yuan."""
    return float(match.group(1)) * (1e8 if match.group(2) == "亿" else 1e4)


def extract(doc: Doc, article: Article) -> tuple[list[Mention], list[Relation]]:
    """Mentions and relations of one tagged article: the relations the pipeline's learned
    component set (``doc._.kg_relations``, :mod:`kg.relation_model`), else the rules'."""
    extractor = Extractor(doc, article)
    learned = doc._.kg_relations if Doc.has_extension("kg_relations") else None
    if learned is None:
        return extractor.mentions(), extractor.relations() + extractor.fused_posts()
    held = set(doc._.kg_held or ())
    mentions = [
        replace(m, held=True) if (m.start, m.end) in held else m for m in extractor.mentions()
    ]
    return mentions, [relabel(relation, article) for relation in learned]


def relabel(relation: Relation, article: Article) -> Relation:
    """A relation read outside a build (empty article id), given the article's id."""
    head = replace(relation.head, article=article.id)
    return replace(relation, head=head, tail=replace(relation.tail, article=article.id))
