"""NER stage: the spaCy ``zh`` pipeline that tags articles.

Labels: PERSON, GOV, COMPANY, ORG, PLACE, PROJECT, INDUSTRY and ROLE (job titles). The
pipeline is a trained model from ``models/zh_kg`` when one is shipped, followed by the
``kg_entity_rules`` component: lexicons (titles, divisions, bodies, industries) and the
shapes of Chinese names (a company ends in 有限公司, a body is 市委 + 宣传部, a name
follows a title). Rules add what the model did not tag; they never override it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path

import ahocorasick
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.features import keep_freed_memory  # also registers what a pipeline's config names
from kg.gazetteer import Division, gazetteer

LEXICONS = Path(__file__).parent / "lexicons"
PLACES_KEY = "kg_places"
"""doc.spans key of every place name seen, also those inside longer names (东阿 in 东阿阿胶)."""
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "zh_kg"

CJK = "\u3400-\u9fff"
NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9()（）·]")
PROJECT_CHAR = re.compile(rf"[{CJK}A-Za-z0-9()（）·.]")
BOUNDARY = set(
    "的了在和与及或是到为对将由把被从向等于也还又就并让使给其该这那此各每而但若即着过所据跟往至暨"
)
INNER_WORDS = {"中等", "高等", "初等", "对外", "和平", "为民"}
"""Words with a boundary character that names hold (东昌府区中等职业教育学校)."""
CREDIT = re.compile(
    r"(?:■|(?:^|(?<=[\s(（]))(?:摄影|文/|图/|编辑|校对|审核)|联系人(?:及电话)?[:：])\s*", re.M
)
LEVEL_BODY = re.compile(
    r"(?:[省市县区州旗盟](?<![民同联]盟)"
    r"(?:委员会|人民政府|政府|人大常委会|人大|政协|纪委监委|纪委|监委|"
    r"中级人民法院|人民法院|法院|人民检察院|检察院|委(?!员))"
    r"|(?:镇|乡|街道)(?:党委|人民政府|政府|党工委|办事处|人大)"
    r"|村(?:党支部|党总支|村委会|委会|两委))"
)
COUNT = r"(?:[0-9]+|[一二三四五六七八九十两]+|多)个?"
LIST_ITEM = rf"(?:(?!等)[{CJK}]){{2,8}}"
LIST_OF_INDUSTRIES = re.compile(
    rf"((?:{LIST_ITEM}[、和])+{LIST_ITEM})"
    rf"(?:等{COUNT}|等|{COUNT})(?:重点|主导|传统|新兴)?(?:产业类别|产业|行业|业态|领域)"
)
SECTOR_WORDS = ("产业", "行业")
"""Industry or trade: after an industry's name (风电产业), never one alone (生态、产业等领域)."""
ACTING_PREFIXES = ("代理", "代")
"""Before a title, an acting holder's (代县长, 代理区长), as the corpus writes it."""
ACTING = re.compile(f"(?:{'|'.join(ACTING_PREFIXES)})$")
FIRM_AFTER = re.compile(r"(?:加工|生产|制造)?(?:产品|企业|基地|产业|行业)")
"""Product or firm words after an industry (棉服加工企业, 艾草产品): the industry ends there."""
TRADE_AFTER = re.compile(r"产业|行业|企业|园区|基地|项目|等|、|和|及")
WEEKDAY_OR_TIME = re.compile(r"^(?:今年|去年|明年|近年|当天|目前|现在|同时)")


Doc.set_extension("kg_text", default=None, force=True)


def doc_text(doc: Doc) -> str:
    """The Doc's text, made once per Doc: spaCy rebuilds ``Doc.text`` from its tokens on every
    call, and every stage reads it."""
    if doc._.kg_text is None:
        doc._.kg_text = doc.text
    return doc._.kg_text


class TextKeepingTokenizer:
    """A pipeline's tokenizer that keeps on each Doc the text it was given (what ``Doc.text``
    gives back: spaCy's tokenizers lose no character), so that no stage rebuilds it."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc._.kg_text = text
        return doc

    def __getattr__(self, name: str) -> object:
        """Everything else (settings, serialisation) is the wrapped tokenizer's."""
        if name == "tokenizer":
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def read_lexicon(name: str) -> list[str]:
    """Lines of a lexicon file, without comments and blank lines."""
    lines = (LEXICONS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def read_pairs(name: str) -> dict[str, str]:
    """A two-column (tab-separated) lexicon as a dict."""
    return dict(line.split("\t", 1) for line in read_lexicon(name))


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    rank: int = 0
    """Higher rank wins between overlapping candidates of equal length."""

    @property
    def length(self) -> int:
        return self.end - self.start


class Lexicon:
    """Leftmost-longest matching of a set of strings in a text.

    The scan is an Aho-Corasick automaton (pyahocorasick, in C): every occurrence of every
    word in one pass, of which the longest at the leftmost start is taken, then the next
    after its end. (The automaton's own ``iter_long`` misses matches that a longer word's
    prefix hides: 'b' in 'ab' with the words 'b' and 'aba'.)
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = {w for w in words if w}
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)
        self.automaton = ahocorasick.Automaton()
        for word in self.words:
            self.automaton.add_word(word, len(word))
        self.automaton.make_automaton()

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        if not self.words:
            return
        longest: dict[int, int] = {}
        for last, length in self.automaton.iter(text):
            start = last + 1 - length
            longest[start] = max(longest.get(start, 0), last + 1)
        end = 0
        for start in sorted(longest):
            if start >= end:
                end = longest[start]
                yield start, end

    def match_at(self, text: str, i: int) -> int:
        """End of the longest word starting at ``i``, or 0."""
        for n in self.lengths:
            if i + n <= len(text) and text[i : i + n] in self.words:
                return i + n
        return 0

    def endswith(self, text: str) -> str:
        """The longest word that ``text`` ends with, or ''."""
        for n in self.lengths:
            if len(text) >= n and text[-n:] in self.words:
                return text[-n:]
        return ""


@dataclass(frozen=True)
class Lexicons:
    """Everything the rules read from kg/lexicons and the division data."""

    titles: Lexicon
    places: Lexicon
    gov_names: Lexicon
    service_bodies: Lexicon
    industries: Lexicon
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    name_stops: frozenset[str]
    not_names: frozenset[str]
    lead_words: Lexicon
    generic: frozenset[str]
    company_suffixes: Lexicon
    weak_company_suffixes: frozenset[str]
    org_suffixes: Lexicon
    project_suffixes: Lexicon
    weak_project_suffixes: frozenset[str]
    project_kinds: Lexicon
    department: re.Pattern[str]
    shorts_of_county: dict[str, frozenset[str]]
    """County full name -> its short names."""
    home_county_shorts: frozenset[str]
    weak_org_suffixes: frozenset[str]
    name_breaks: frozenset[str]
    """Character pairs the training corpora never write inside a name (name_breaks.txt)."""
    unnamed: frozenset[str]
    """What the rules took for a name in the local news corpus but its annotators did not."""


@cache
def load_lexicons(home_city: str = "") -> Lexicons:
    """Read the lexicons once per home city."""
    places = gazetteer()
    home: Division | None = places.region(home_city) if home_city else None
    surnames = read_lexicon("surnames.txt")
    stems = sorted(read_lexicon("gov_departments.txt"), key=len, reverse=True)
    suffixes = sorted(read_lexicon("gov_suffixes.txt"), key=len, reverse=True)
    department = re.compile(
        r"(?:[省市县区]委?)?(?:" + "|".join(stems) + ")(?:" + "|".join(suffixes) + r")(?!门)"
    )
    projects = read_lexicon("project_suffixes.txt")
    orgs = read_lexicon("org_suffixes.txt")
    companies = read_lexicon("company_suffixes.txt")
    county_shorts = places.county_short_names()
    home_city_region = home.parent if home and home.level == "county" else home
    home_counties = {
        short
        for short, full in county_shorts.items()
        if home_city_region and any(home_city_region in d.ancestors() for d in places.find(full))
    }
    return Lexicons(
        titles=Lexicon(read_lexicon("titles.txt")),
        places=Lexicon(place_words(home)),
        gov_names=Lexicon(read_lexicon("gov_central.txt")),
        service_bodies=Lexicon(read_lexicon("service_bodies.txt")),
        industries=Lexicon(read_lexicon("industries.txt")),
        surnames=frozenset(s for s in surnames if len(s) == 1),
        compound_surnames=frozenset(s for s in surnames if len(s) == 2),
        name_stops=frozenset(read_lexicon("name_stops.txt")),
        not_names=frozenset(read_lexicon("not_names.txt")),
        lead_words=Lexicon(read_lexicon("lead_words.txt")),
        project_kinds=Lexicon(read_lexicon("project_kinds.txt")),
        generic=frozenset(read_lexicon("generic_words.txt")),
        company_suffixes=Lexicon(c.lstrip("*") for c in companies),
        weak_company_suffixes=frozenset(c[1:] for c in companies if c.startswith("*")),
        org_suffixes=Lexicon(o.lstrip("*") for o in orgs),
        weak_org_suffixes=frozenset(o[1:] for o in orgs if o.startswith("*")),
        project_suffixes=Lexicon(p.lstrip("*") for p in projects),
        weak_project_suffixes=frozenset(p[1:] for p in projects if p.startswith("*")),
        department=department,
        shorts_of_county=inverse(county_shorts),
        home_county_shorts=frozenset(home_counties),
        name_breaks=name_breaks(),
        unnamed=frozenset(read_lexicon("unnamed.txt")),
    )


LISTED_PLACES = "listed_places.txt"
"""Places learned from the local news corpus (:func:`kg.corpora.listed_places`)."""


def place_words(home: Division | None, listed: bool = True) -> set[str]:
    """The place names the rules scan for: the division data's, the landmarks, the place
    aliases and, with ``listed``, the places learned from the local news (长三角)."""
    words = gazetteer().place_names(home) | set(read_lexicon("landmarks.txt"))
    words |= set(read_pairs("place_aliases.txt"))
    return words | set(read_lexicon(LISTED_PLACES)) if listed else words


def inverse(mapping: dict[str, str]) -> dict[str, frozenset[str]]:
    """Value -> the keys that map to it."""
    keys: dict[str, set[str]] = {}
    for key, value in mapping.items():
        keys.setdefault(value, set()).add(key)
    return {value: frozenset(found) for value, found in keys.items()}


@lru_cache(maxsize=256)
def short_names(names: frozenset[str]) -> Lexicon:
    """The lexicon of a set of county short names, made once: most pages look for the same."""
    return Lexicon(names)


def is_cjk(char: str) -> bool:
    return bool(char) and "\u3400" <= char <= "\u9fff"


def goes_on(char: str) -> bool:
    """Whether a name could run on over ``char``: a CJK character that is no boundary."""
    return is_cjk(char) and char not in BOUNDARY and char != "、"


class EntityRules:
    """Finds entities by lexicon and by the shape of Chinese names."""

    def __init__(self, lexicons: Lexicons) -> None:
        self.lex = lexicons

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        places = self.places(text)
        found = self.find(text, places)
        place_spans = [doc.char_span(c.start, c.end, "PLACE") for c in places]
        doc.spans[PLACES_KEY] = [span for span in place_spans if span is not None]
        spans = [doc.char_span(c.start, c.end, c.label, alignment_mode="expand") for c in found]
        kept = list(doc.ents)
        taken = {i for ent in kept for i in range(ent.start, ent.end)}
        for span in spans:
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                kept.append(span)
        doc.ents = filter_spans(kept)
        return doc

    def find(self, text: str, places: list[Candidate]) -> list[Candidate]:
        """All entities of ``text``, non-overlapping, in text order; ``places`` are the
        place names found in it (``places(text)``), nested ones included. Cities abroad are
        left to the model: they begin the names of clubs and firms (国际米兰, 巴黎欧莱雅); so
        is a place name right after a title, which is a person's (州委书记沈阳, 副主任岳阳)."""
        roles = self.roles(text)
        bodies = self.bodies(text, places)
        abroad = gazetteer().foreign_cities
        titled = {r.end for r in roles}
        names = [
            *(p for p in places if text[p.start : p.end] not in abroad and p.start not in titled),
            *roles,
            *bodies,
        ]
        lex = self.lex
        names += self.by_suffix(
            text, lex.company_suffixes, lex.weak_company_suffixes, "COMPANY", places
        )
        names += self.by_suffix(text, lex.org_suffixes, lex.weak_org_suffixes, "ORG", places)
        projects = self.by_suffix(
            text, lex.project_suffixes, lex.weak_project_suffixes, "PROJECT", places
        )
        names += projects + self.shared_endings(text, projects, places)
        sites = self.facilities(text, names, places)
        ends = {site.end for site in sites}
        names = [n for n in names if n.end not in ends or n.label == "PLACE"] + sites
        words = [*((p.start, p.end) for p in places), *self.lex.industries.finditer(text)]
        placed = {i for start, end in words for i in range(start, end)}
        names = [c for n in names if (c := self.after_break(text, n, placed)) is not None]
        names = [n for n in names if text[n.start : n.end] not in self.lex.unnamed]
        names += self.industries(text, {p.end for p in places})
        persons = self.persons(text, roles)
        chosen = choose([*names, *persons])
        chosen += self.repeat(text, chosen)
        return sorted(choose(chosen), key=lambda c: c.start)

    def after_break(self, text: str, c: Candidate, placed: set[int]) -> Candidate | None:
        """``c`` cut after the last character pair in it that the training corpora never
        write inside a name (签订, 位于) and that no place or industry name overlaps
        (``placed``: their characters; 韩国首尔 is no break at 国首, 华兴建材 none at 兴建):
        None when under two characters remain; nor does a name begin at 该县 or 我市, nor at
        its level character."""
        if c.label not in BREAKABLE:
            return c
        region_word = REGION_WORD.fullmatch(text[max(0, c.start - 1) : c.start + 1])
        after_region = c.start + 2 if REGION_WORD.match(text, c.start) else c.start
        cut = next(
            (
                i + 2
                for i in range(c.end - 2, c.start - 1, -1)
                if text[i : i + 2] in self.lex.name_breaks and not {i, i + 1} & placed
            ),
            c.start + 1 if region_word else after_region,
        )
        if cut == c.start:
            return c
        return Candidate(cut, c.end, c.label, c.rank) if c.end - cut >= 2 else None

    def places(self, text: str) -> list[Candidate]:
        """Divisions, countries and landmarks; a county's short name only where the full
        name stands in the same text or the county lies in the home region."""
        found = [Candidate(s, e, "PLACE", 1) for s, e in self.lex.places.finditer(text)]
        found += [Candidate(m.start(), m.end(), "PLACE", 1) for m in HOME_PLACE.finditer(text)]
        found += [Candidate(m.start(), m.end(), "PLACE", 1) for m in REFERENCE.finditer(text)]
        written = {text[c.start : c.end] for c in found}
        counties = self.lex.shorts_of_county
        shorts = self.lex.home_county_shorts.union(
            *(counties[name] for name in written if name in counties)
        )
        found += [Candidate(s, e, "PLACE", 1) for s, e in short_names(shorts).finditer(text)]
        found += self.streets(text, found)
        zones = self.zones(text, found)
        found += [zone for zone, body in zones if not body]
        bodies = [zone for zone, body in zones if body]
        return [c for c in found if not any(b.start <= c.start and c.end <= b.end for b in bodies)]

    def streets(self, text: str, places: list[Candidate]) -> list[Candidate]:
        """Streets of an address, before a house number: 北关街7号, 古城楼西大街42号."""
        place_ends = {p.end for p in places}
        found = []
        for m in STREET.finditer(text):
            start = self.run_start(text, m.end(), 7, NAME_CHAR)
            start = max((e for e in place_ends if start <= e < m.end() - 1), default=start)
            start = m.end() - len(self.strip_lead(text[start : m.end()]))
            if m.end() - start >= 3:
                found.append(Candidate(start, m.end(), "PLACE", 1))
        return found

    def zones(self, text: str, places: list[Candidate]) -> list[tuple[Candidate, bool]]:
        """Development zones, places of their own: 高新区, 聊城经济技术开发区 (from the place
        the name begins with, after any lead-in word: 海城市围绕海城开发区), 市经济开发区
        (the home region's, from its level); each with whether its body follows
        (吉安高新区党工委), a body's name that is left to the model, places and all."""
        found = []
        for m in ZONE.finditer(text):
            reach = self.run_start(text, m.start(), 8, NAME_CHAR)
            own = reach if reach == m.start() - 1 and text[reach] in LEVELS else m.start()
            placed = (
                p.start
                for p in places
                if reach <= p.start < m.start() and not self.led_in(text[p.end : m.start()])
            )
            start = min(placed, default=own)
            found.append(
                (Candidate(start, m.end(), "PLACE", 1), bool(ZONE_BODY.match(text, m.end())))
            )
        return found

    def led_in(self, text: str) -> bool:
        """Whether ``text`` holds a lead-in word (围绕, 参观)."""
        return any(True for _ in self.lex.lead_words.finditer(text))

    def roles(self, text: str) -> list[Candidate]:
        """Titles from the lexicon, with 代 or 代理 (acting) before them: 代县长, 代理区长; not
        the 委员 of a 委员会 (管理委员会, 两新组织工作委员会), which is a body's name."""
        found = []
        for start, end in self.lex.titles.finditer(text):
            if text.startswith(COMMITTEE, end - len(TITLE_IN_COMMITTEE)):
                continue
            acting = ACTING.search(text, max(0, start - 2), start)
            found.append(Candidate(acting.start() if acting else start, end, "ROLE", 2))
        return found

    def bodies(self, text: str, places: list[Candidate]) -> list[Candidate]:
        """State and party bodies: 市委, 聊城市人民政府, 省工信厅, 宣传部, 党中央, and service
        offices (东阿县政务服务中心)."""
        found = [Candidate(s, e, "GOV", 3) for s, e in self.lex.gov_names.finditer(text)]
        services = self.lex.service_bodies
        found += self.by_suffix(text, services, frozenset(services.words), "GOV", places)
        for pattern in (LEVEL_BODY, self.lex.department):
            for m in pattern.finditer(text):
                start = extend_with_place(text, m.start(), places)
                if start == m.start() and TOWN_BODY.match(m.group()):
                    start -= town_name(text[max(0, start - 2) : start])
                    if start == m.start():
                        continue
                party = PARTY_BEFORE.search(text, max(0, start - 4), start)
                if party is None or not m.group().endswith("委"):
                    found.append(Candidate(start, m.end(), "GOV", 3))
                else:
                    label = "GOV" if party.group() == "共青团" else "ORG"
                    end = m.end() + (text[m.end() : m.end() + 1] == "会")
                    found.append(Candidate(party.start(), end, label, 3))
        return found

    def by_suffix(
        self,
        text: str,
        suffixes: Lexicon,
        weak: frozenset[str],
        label: str,
        places: list[Candidate],
    ) -> list[Candidate]:
        """Names that end in one of ``suffixes``, reaching left to a plausible start; a weak
        ending (中心, 基地) counts only after a place or a level (市林业发展中心)."""
        longest, chars = SUFFIX_NAMES[label]
        place_starts = {p.start for p in places} | {p.end for p in places}
        found = []
        pattern = "|".join(map(re.escape, sorted(suffixes.words, key=len, reverse=True)))
        for m in re.finditer(pattern, text):
            if WORD_GOES_ON.match(text, m.end()):
                continue
            start = self.left_extent(text, m.start(), longest, chars)
            if start is None:
                continue
            numbers = HOUSE_NUMBER.finditer(text, start, m.start())
            start = max((n.end() for n in numbers), default=start)
            start = min((p.start for p in places if p.start < start < p.end), default=start)
            stem = text[start : m.start()]
            if not (len(stem) == 1 and stem in LEVELS) and not self.specific(stem):
                continue
            weak_start = start in place_starts or (text[start] in LEVELS and m.start() - start > 1)
            if m.group() in weak and not weak_start:
                continue
            if label == "COMPANY" and m.group() in weak:
                start = self.trade_name(text, start, m, places)
                if start is None:
                    continue
            if not self.plausible(label, text[start : m.start()], m.group(), start, place_starts):
                continue
            found.append(Candidate(start, m.end(), label, 3))
        return found

    def shared_endings(
        self, text: str, projects: list[Candidate], places: list[Candidate]
    ) -> list[Candidate]:
        """Projects listed before one that carries their common ending: in "建设了A、B、
        C健康产业园", A and B are 产业园 too."""
        place_spans = {(p.start, p.end) for p in places}
        found = []
        for project in projects:
            items = []
            end = project.start
            while end > 0 and text[end - 1] in "、":
                start = end - 1
                while start > 0 and is_cjk(text[start - 1]) and text[start - 1] not in BOUNDARY:
                    start -= 1
                name = self.after_lead(text[start : end - 1])
                start = end - 1 - len(name)
                if (
                    not 2 <= len(name) <= 8
                    or not self.specific(name)
                    or (start, end - 1) in place_spans
                ):
                    break
                items.append(Candidate(start, end - 1, "PROJECT", 4))
                end = start
            if len(items) >= 2:
                found += items
        return found

    def facilities(
        self, text: str, names: list[Candidate], places: list[Candidate]
    ) -> list[Candidate]:
        """A site named after the firm that runs it, a project of its own:
        X有限公司烘干仓储中心 (the firm's places before it left out)."""
        found = []
        for firm in names:
            if firm.label != "COMPANY" or not LEGAL_FORM.search(text, firm.start, firm.end):
                continue
            m = FACILITY.match(text, firm.end)
            if m is None or any(c in BOUNDARY for c in m.group()):
                continue
            found.append(
                Candidate(after_places(firm.start, places, firm.end), m.end(), "PROJECT", 3)
            )
        return found

    def trade_name(
        self, text: str, start: int, suffix: re.Match[str], places: list[Candidate]
    ) -> int | None:
        """Where a firm called by its trade begins (茌平区金号织业 -> 金号织业): after places,
        with a name of its own, and no 产业/企业 after the trade word (东阿县食品企业 is no
        firm)."""
        own = after_places(start, places)
        stem = text[own : suffix.start()]
        if own == start or len(stem) < 2 or not self.specific(stem):
            return None
        if self.strip_lead(stem) != stem or self.lex.industries.match_at(stem, 0):
            return None
        return None if TRADE_AFTER.match(text, suffix.end()) else own

    def plausible(
        self, label: str, stem: str, ending: str, start: int, place_starts: set[int]
    ) -> bool:
        """Shape checks on a name's stem: a company has no digits (开设3家直营店 is not a
        name) and, with a legal form, more than an industry (新材料股份有限公司 is cut from
        a name; 农业银行 is one); a project is long, numbered or placed (not 深挖项目), more
        than its places and 项目 (梅县区项目13个 counts a county's projects) and not a kind
        of project (技改项目)."""
        if label == "COMPANY":
            industry = self.lex.industries.match_at(stem, 0) == len(stem)
            registered = LEGAL_FORM.search(ending) is not None
            return not (industry and registered) and not any(c.isdigit() for c in stem)
        if label == "PROJECT":
            if QUANTITY.search(stem) or any(True for _ in self.lex.project_kinds.finditer(stem)):
                return False
            if ending == "项目" and start in place_starts and start + len(stem) in place_starts:
                return False
            return len(stem) >= 4 or any(c.isdigit() for c in stem) or start in place_starts
        return True

    def industries(self, text: str, place_ends: set[int]) -> list[Candidate]:
        """Industries from the lexicon where the word stands alone or after a place (a word
        that runs on into a longer term is left to the model) and from lists "X、Y等产业";
        the span keeps a following 产业/行业 (resolve strips it). Any other "X产业" is left to
        the model."""
        found = []
        for start, end in self.lex.industries.finditer(text):
            end += 2 if text[end : end + 2] in SECTOR_WORDS else 0
            if start not in place_ends and self.inside_word(text, start, end):
                continue
            found.append(Candidate(start, end, "INDUSTRY", 0))
        for m in LIST_OF_INDUSTRIES.finditer(text):
            offset = m.start(1)
            for item in re.finditer(r"[^、和]+", m.group(1)):
                name = self.after_lead(item.group()) if item.start() == 0 else item.group()
                name = self.strip_generic(name)
                if name in SECTOR_WORDS:
                    name = item.group()
                start = offset + item.end() - len(name)
                if self.specific(name) and name not in SECTOR_WORDS:
                    found.append(Candidate(start, offset + item.end(), "INDUSTRY", 0))
        return found

    def inside_word(self, text: str, start: int, end: int) -> bool:
        """Whether the word at start:end runs on into a longer term (汽车零配件, 绿色食品):
        a name character after it (not after 产业, nor before a product or firm word) or
        before it (not after a lead-in word such as 推进)."""
        bounded = text[end - 2 : end] in ("产业", "行业") or FIRM_AFTER.match(text, end)
        if end < len(text) and goes_on(text[end]) and not bounded:
            return True
        return (
            start > 0
            and goes_on(text[start - 1])
            and not self.lex.lead_words.endswith(text[max(0, start - 4) : start])
        )

    def persons(self, text: str, roles: list[Candidate]) -> list[Candidate]:
        """Names after a title (市委书记李长萍) and in bylines and credits (记者 林晨 黄振)."""
        confirmed = self.confirmed_names(text)
        found = []
        starts = [r.end for r in roles] + [m.end() for m in CREDIT.finditer(text)]
        for start in starts:
            while start < len(text) and text[start] == " ":
                start += 1
            while (name := self.name_at(text, start, confirmed)) is not None:
                found.append(Candidate(start, start + len(name), "PERSON", 4))
                start += len(name)
                if not text[start : start + 1].isspace():
                    break
                while start < len(text) and text[start].isspace() and text[start] != "\n":
                    start += 1
        return found

    def confirmed_names(self, text: str) -> set[str]:
        """Two- and three-character strings that stand alone somewhere (before a delimiter)."""
        names = set()
        for m in re.finditer(rf"(?<=[^{CJK}])[{CJK}]{{2,4}}(?=[\s、，,。；;)）])", " " + text):
            names.add(m.group())
        return names

    def name_at(self, text: str, i: int, confirmed: set[str]) -> str | None:
        """The personal name that starts at ``i``, or None; None too where only a character
        that often follows a name (强 of 强调, 和) would tell two characters from three
        (赵松强深入): the model reads that name."""
        head = 2 if text[i : i + 2] in self.lex.compound_surnames else 1
        if head == 1 and text[i : i + 1] not in self.lex.surnames:
            return None
        short, long = text[i : i + head + 1], text[i : i + head + 2]
        if len(short) <= head or not all(is_cjk(c) for c in short):
            return None
        if short in self.lex.not_names or self.lex.titles.match_at(text, i):
            return None
        if len(long) > len(short) and is_cjk(long[-1]):
            if long in confirmed:
                return long
            after = i + len(long)
            if text[after - 1 : after + 1] in NAME_VERBS:
                return short
            if text[after : after + 2] in NAME_VERBS:
                return long
            if short in confirmed:
                return short
            if long[-1] in self.lex.name_stops:
                return None
            return long
        return short

    def repeat(self, text: str, chosen: list[Candidate]) -> list[Candidate]:
        """Other occurrences of the names found, tagged the same way (柳庆发在致辞中...)."""
        labels = {
            text[c.start : c.end]: c.label
            for c in chosen
            if c.label in ("PERSON", "COMPANY", "ORG", "PROJECT", "INDUSTRY") and c.length >= 2
        }
        for name, label in list(labels.items()):
            if label == "COMPANY":
                labels.update(dict.fromkeys(self.short_forms(name) - labels.keys(), label))
        found = []
        for name, label in labels.items():
            for m in re.finditer(re.escape(name), text):
                found.append(Candidate(m.start(), m.end(), label, -1))
        return found

    def short_forms(self, name: str) -> set[str]:
        """What news calls a company after its full name: the name without its place and
        legal form when that ends in 集团 (聊城水务集团有限公司 -> 水务集团), or the first two
        characters of the core and 公司/集团 (聊城市东元资产经营有限公司 -> 东元公司); a name
        without a legal form, without its places (茌平区金号织业 -> 金号织业)."""
        core = LEGAL_FORM.sub("", name)
        while n := self.lex.places.match_at(core, 0):
            core = core[n:]
        if not LEGAL_FORM.search(name):
            return {core} if len(core) >= 4 and core != name else set()
        if len(core) < 2:
            return set()
        forms = {core[:2] + "公司", core[:2] + "集团"}
        if core.endswith("集团") and len(core) >= 4:
            forms.add(core)
        return forms

    def left_extent(self, text: str, end: int, longest: int, chars: re.Pattern[str]) -> int | None:
        """Where a name that ends at ``end`` begins: at a boundary, without lead-in words."""
        start = self.run_start(text, end, longest, chars)
        stem = self.strip_lead(text[start:end])
        start = end - len(stem)
        legal = [m.span() for m in LEGAL_WORDS.finditer(text, start, end)]
        for i in range(end - 1, start, -1):
            if any(a <= i < b for a, b in legal) or not self.lex.lead_words.endswith(text[start:i]):
                continue
            placed = any(True for _ in self.lex.places.finditer(text[start:i]))
            if placed or text[i] in LEVELS or self.lex.places.match_at(text, i):
                start = i
                break
        level_only = end - start == 1 and text[start] in LEVELS
        return start if end - start >= 2 or level_only else None

    def run_start(self, text: str, end: int, longest: int, chars: re.Pattern[str]) -> int:
        """Start of the run of name characters before ``end``, at most ``longest`` long; a
        bracket in the name must be closed (山海情(聊城)农产品有限公司)."""
        start = end
        while start > 0 and end - start < longest:
            char = text[start - 1]
            if char in ")）":
                opening = max(text.rfind("(", 0, start), text.rfind("（", 0, start))
                if opening < 0 or end - opening > longest:
                    break
                if not all(chars.match(c) for c in text[opening + 1 : start - 1]):
                    break
                start = opening
                continue
            inner = (
                text[start - 2 : start] in INNER_WORDS or text[start - 1 : start + 1] in INNER_WORDS
            )
            if (char in BOUNDARY and not inner) or char in "(（" or not chars.match(char):
                break
            start -= 1
        return start

    def strip_lead(self, name: str) -> str:
        """``name`` without the lead-in words at its start (参观, 推动, 全市...), unless the
        word is the stem of a body (建设部, 建设局)."""
        while (n := lead_in(self.lex.lead_words, name, 0)) and len(name) - n >= 2:
            name = name[n:]
        return WEEKDAY_OR_TIME.sub("", name)

    def after_lead(self, name: str) -> str:
        """What follows the last lead-in word or function character in ``name``
        (县分别在轴承整装 -> 轴承整装, 盖了半导体新材料 -> 半导体新材料)."""
        words = (end for _, end in self.lex.lead_words.finditer(name))
        marks = (i + 1 for i, char in enumerate(name) if char in BOUNDARY)
        cut = max(chain(words, marks), default=0)
        return name[cut:] if len(name) - cut >= 2 else name

    def strip_generic(self, stem: str) -> str:
        """``stem`` without generic modifiers at its start (传统棉服加工 -> 棉服加工)."""
        while True:
            n = max((len(g) for g in self.lex.generic if stem.startswith(g)), default=0)
            if not n or len(stem) - n < 2:
                return stem
            stem = stem[n:]

    def specific(self, stem: str) -> bool:
        """Whether a stem names something rather than saying "key" or "related"; a stem
        made of generic words, or ending in one (做好重点), is not a name."""
        if len(stem) < 2 or any(stem.endswith(g) for g in self.lex.generic if len(g) > 1):
            return False
        rest = stem
        while rest:
            for n in range(min(len(rest), 5), 0, -1):
                if rest[:n] in self.lex.generic:
                    rest = rest[n:]
                    break
            else:
                return True
        return False


BREAKABLE = frozenset({"COMPANY", "ORG", "PROJECT", "GOV"})
"""Labels of the names that :meth:`EntityRules.after_break` cuts."""
BODY_ENDINGS = frozenset("部局厅委办署处司")
"""Characters that end a body's name and start none (建设部: 建设 is no lead-in verb there)."""


def lead_in(lead_words: Lexicon, name: str, at: int) -> int:
    """End of the lead-in word at ``at`` in ``name``, or 0: none, or it is the stem of a body
    (建设部, 建设局)."""
    end = lead_words.match_at(name, at)
    return end if end and name[end : end + 1] not in BODY_ENDINGS else 0


STREET = re.compile(
    rf"(?<=[{CJK}])(?:大街|大道|街|路)(?=[0-9]+号|与[{CJK}]{{1,6}}?(?:大街|大道|街|路)|交叉)"
)
"""The end of a street's name (the name is read back from it): a lookbehind, not a name
matched from its first character, which took time quadratic in a run of CJK characters."""
ZONE = re.compile(
    "经济技术开发区|高新技术产业开发区|经济开发区|高新区|经开区|开发区|保税区|产业集聚区"
)
ZONE_BODY = re.compile("党工委|管委会|管理委员会|工委|党委")
"""A zone's bodies: the zone before them is part of a body's name, left to the model."""
HOUSE_NUMBER = re.compile(r"[0-9]+号")
"""An address's house number: a name found by its ending starts after it (15号山东XX公司)."""
QUANTITY = re.compile(r"[0-9一二三四五六七八九十几多]+[个名项家批条座处]")
NAME_VERBS = {
    "出席",
    "强调",
    "表示",
    "指出",
    "介绍",
    "告诉",
    "参加",
    "参观",
    "参与",
    "主持",
    "讲话",
    "调研",
    "要求",
    "带队",
    "说明",
}
"""Verbs written right after an official's name: the one that follows decides between a two-
and a three-character name (刘文强出席, 王刚强调)."""
TOWN_BODY = re.compile("镇|乡|街道")
TITLE_IN_COMMITTEE = "委员"
COMMITTEE = TITLE_IN_COMMITTEE + "会"
PARTY_BEFORE = re.compile("(?:共青团|民革|民盟|民建|民进|农工党|致公党|九三学社|台盟)$")
"""The league or democratic party whose committee a region's 委 is when written before it
(共青团平阳县委, 民盟温州市委会: not the region's Party committee); the corpus types the
democratic parties' committees ORG."""
NOT_TOWN = set("一二三四五六七八九十个两多些每各该本全其")
WORD_GOES_ON = re.compile("议|本科|专科|学历|毕业|生(?!产)")
"""After an ending, text that makes it part of another word: 协商会议, 大学本科学历."""
FACILITY = re.compile(rf"[{CJK}]{{2,8}}?(?:中心|基地|仓库|产业园|园区)")
LEGAL_WORDS = re.compile("股份有限公司|有限责任公司|有限公司")
"""Legal forms inside a longer name, which lead-in words (有) never cut."""
LEGAL_FORM = re.compile(f"(?:{LEGAL_WORDS.pattern})$")
HOME_PLACE = re.compile(r"(?:我|本|全)(?:市|县|区|省|旗|盟)")
REFERENCE = re.compile("(?:该[省市县区镇乡村]|[全本我][镇乡村])(?![委政人场域民级长城里属直])")
"""A place named by its level alone (该县, 全镇): the last place of that level written before;
not where the level runs on into a word (该县委, 该市场, 该区域, 全村村民)."""
REGION_WORD = re.compile("[该我本全][省市县区镇乡]")
"""该县, 我市...: a name begins after it, never at its level character."""
HOME_REGION = re.compile(r"(?:我|本|全)(?:市|县|区|旗|盟)")
"""The words the relation rules read as the paper's home region (全省 is a province's)."""
LEVELS = "省市县区"
SUFFIX_NAMES = {
    "COMPANY": (25, NAME_CHAR),
    "ORG": (15, NAME_CHAR),
    "GOV": (15, NAME_CHAR),
    "PROJECT": (30, PROJECT_CHAR),
}


def extend_with_place(text: str, start: int, places: list[Candidate]) -> int:
    """Start of a body's name with the place written before it: 聊城 + 市委 = 聊城市委."""
    level = text[start]
    for place in places:
        if place.end == start + 1 and text[place.end - 1] == level and place.length > 1:
            start = place.start
            break
        if place.end == start and place.label == "PLACE":
            start = place.start
            break
    return start - 2 if text[max(0, start - 2) : start] == "中共" else start


def after_places(start: int, places: list[Candidate], end: int | None = None) -> int:
    """Where a name starting at ``start`` goes on after the places written at its start, one
    after another (and ending before ``end``, when given): 东昌府区梁水镇 | 国兴…"""
    while nxt := next(
        (p.end for p in places if p.start == start and (end is None or p.end < end)), None
    ):
        start = nxt
    return start


def town_name(before: str) -> int:
    """Length of the town name written before 街道办事处/镇政府 when the division data does not
    know the town (铜城街道办事处): two name characters, else 0 (各街道办事处 names none)."""
    if len(before) == 2 and all(is_cjk(c) and c not in BOUNDARY | NOT_TOWN for c in before):
        return 2
    return 0


def choose(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longer first, then higher rank, then earlier."""
    taken: set[int] = set()
    chosen = []
    for c in sorted(candidates, key=lambda c: (-c.length, -c.rank, c.start)):
        if c.length > 0 and not any(i in taken for i in range(c.start, c.end)):
            chosen.append(c)
            taken.update(range(c.start, c.end))
    return chosen


@Language.factory("kg_entity_rules", default_config={"home_city": ""})
def make_entity_rules(nlp: Language, name: str, home_city: str) -> EntityRules:
    """spaCy factory of the rule component; ``home_city`` adds its villages to the places."""
    return EntityRules(load_lexicons(home_city))


def load_pipeline(model: Path | None = None, home_city: str = "") -> Language:
    """The NER pipeline: the rules, then the trained model (when there is one) filling in
    the entities they leave; the model keeps the rules' entities as they are. The pipeline
    and the division data (half a million objects) live as long as the process: they are
    left out of the garbage collector's scans (``gc.freeze``).

    The rules go first because on local news their lexicons are more often right than the
    model; on text they know little of, the model finds most of the entities.
    """
    path = model or DEFAULT_MODEL
    keep_freed_memory()
    nlp = spacy.load(path) if (path / "config.cfg").exists() else spacy.blank("zh")
    nlp = add_rules(nlp, home_city)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    gc.freeze()
    return nlp


RULES = (
    "kg_entity_rules",
    "kg_known_places",
    "kg_legal_forms",
    "kg_join_titles",
    "kg_dotted_names",
)
"""The rule components ``kg build`` adds around the trained model, each kept because the
dev set says it helps (``bench/bench_quality.py --ablate``, README) or, for text the dev set
has none of (names with a dot), because unseen pages do."""
RULES_AFTER_MODEL = False
"""Whether ``kg_entity_rules`` fills in after the model what it left (True) or goes first
and the model fills in after it (False)."""
AFTER_MODEL = ("kg_known_places", "kg_legal_forms", "kg_join_titles", "kg_dotted_names")
"""Rule components that only filter or mend the model's entities."""


def add_rules(nlp: Language, home_city: str) -> Language:
    """Add the entity rules of :data:`RULES` before a trained model's ``ner`` (or alone),
    and the others after it, before the relation component, unless the pipeline has them."""
    if "kg_entity_rules" in RULES and "kg_entity_rules" not in nlp.pipe_names:
        config = {"home_city": home_city}
        if "ner" not in nlp.pipe_names:
            nlp.add_pipe("kg_entity_rules", config=config)
        elif RULES_AFTER_MODEL:
            last_model = "split_at_spaces" if "split_at_spaces" in nlp.pipe_names else "ner"
            nlp.add_pipe("kg_entity_rules", config=config, after=last_model)
        else:
            first = "kg_name_filter" if "kg_name_filter" in nlp.pipe_names else "ner"
            nlp.add_pipe("kg_entity_rules", config=config, before=first)
    last = {"before": "kg_relations"} if "kg_relations" in nlp.pipe_names else {}
    for name in RULES:
        if name in nlp.pipe_names or (name in AFTER_MODEL and "ner" not in nlp.pipe_names):
            continue
        nlp.add_pipe(name, **last)
    return nlp


PLACE_SHAPE = re.compile(
    r"[\u3400-\u9fff]{2,6}(?:村|镇|乡)"
    r"|[\u3400-\u9fff]{1,8}(?:河|湖|山|江|湾|溪|岛|海|峡|公园|景区|园区|工业区|新区)"
)
"""A village's, town's or township's name, a river's, lake's, mountain's, park's or zone's,
which no lexicon can list: the model's is kept."""


@Language.component("kg_known_places")
def known_places(doc: Doc) -> Doc:
    """Keep a PLACE entity only where the rules found a place (division data, lexicons):
    the model's other PLACE guesses are fragments of longer names more often than places
    (on the seed pages: 4 right, 16 wrong)."""
    found = {(span.start, span.end) for span in doc.spans.get(PLACES_KEY, [])}
    doc.ents = [
        e
        for e in doc.ents
        if e.label_ != "PLACE" or (e.start, e.end) in found or PLACE_SHAPE.fullmatch(e.text)
    ]
    return doc


@Language.component("kg_legal_forms")
def legal_forms(doc: Doc) -> Doc:
    """An entity whose name ends in a legal form (有限公司) is a COMPANY, whatever type the
    model gave it (in the local news corpus, all 1,472 such names are)."""
    firms = {e.start for e in doc.ents if e.label_ != "COMPANY" and LEGAL_FORM.search(e.text)}
    if firms:
        doc.ents = [
            Span(doc, e.start, e.end, "COMPANY") if e.start in firms else e for e in doc.ents
        ]
    return doc


PARTY_GROUP = "党组"
"""A body's leading party group: the guidelines write it in the title (党组书记 of 市商务局)."""


@Language.component("kg_join_titles")
def join_titles(doc: Doc) -> Doc:
    """Join job titles written back to back into one (设计 总监 -> 设计总监, 总经理 助理):
    the model tags the modifier before a title the rules found as a title of its own; a
    body's 党组 before its title goes to the title (市商务局党组 书记 -> 市商务局 党组书记)."""
    joined: list[Span] = []
    for ent in with_assistants(doc):
        last = joined[-1] if joined else None
        if last is not None and ent.label_ == last.label_ == "ROLE" and last.end == ent.start:
            joined[-1] = Span(doc, last.start, ent.end, "ROLE")
        elif last is not None and ent.label_ == "ROLE" and party_group_before(last, ent):
            group = len(PARTY_GROUP)
            joined[-1] = Span(doc, last.start, last.end - group, last.label_)
            joined.append(Span(doc, ent.start - group, ent.end, "ROLE"))
        elif last is not None and fused_department(last, ent):
            joined[-1] = Span(doc, last.start, ent.start + 1, last.label_)
        elif committee := local_committee(ent, last):
            joined.append(Span(doc, ent.start - 1, ent.start + committee, "GOV"))
            joined.append(Span(doc, ent.start + committee, ent.end, "ROLE"))
        else:
            joined.append(ent)
    doc.ents = joined
    return doc


ASSISTANT = "助理"
"""Written after a title, its assistant's (县长助理, 总经理助理): one title, not the one
assisted."""


def with_assistants(doc: Doc) -> list[Span]:
    """The Doc's entities, a title followed by 助理 and no entity there taking it along."""
    ents = list(doc.ents)
    for i, ent in enumerate(ents):
        end = ent.end_char + len(ASSISTANT)
        if ent.label_ != "ROLE" or doc[ent.end : ent.end + len(ASSISTANT)].text != ASSISTANT:
            continue
        if i + 1 < len(ents) and ents[i + 1].start_char < end:
            continue
        ents[i] = doc.char_span(ent.start_char, end, label="ROLE") or ent
    return ents


LOCAL_COMMITTEE = re.compile("^(?:党委|党支部|党总支)(?=.)")
"""A party committee or branch at the head of a title (党委书记, 党支部书记)."""
LOCAL_LEVELS = ("镇", "乡", "村", "州")


def local_committee(title: Span, last: Span | None) -> int:
    """The length of the town's, village's or prefecture's committee or branch the model
    read into a title without its level (镇 党委书记, 村 党支部书记, 州 党委书记), the level
    written right before it in no entity, else 0: the committee is a body (镇党委, 村党支部,
    州党委, named for their town, village or prefecture by :mod:`kg.resolve`) and the title the
    rest."""
    doc = title.doc
    committee = LOCAL_COMMITTEE.match(title.text)
    local = (
        committee is not None
        and title.label_ == "ROLE"
        and len(title) == len(title.text)
        and title.start > 0
        and doc[title.start - 1].text in LOCAL_LEVELS
        and (last is None or last.end < title.start)
    )
    return committee.end() if local else 0


NAME_DOT = re.compile("[·•・‧]")
"""A dot between the parts of a transliterated name (艾尔肯·吐尼亚孜, 约翰·史密斯)."""
NAME_PART = (2, 4)
"""The least and most characters of a name's part that no entity covers."""
NAME_GAP = 4
"""The most untagged characters between a person's name and the dot it runs on to."""
PART_BOUNDARY = BOUNDARY - set("都其")
"""Function words that end a name's part (到, 在, 由); transliterations write 都 and 其
(阿不都, 其其格)."""


@Language.component("kg_dotted_names")
def dotted_names(doc: Doc) -> Doc:
    """Join a person's name cut at its dot into one (艾尔肯 · 吐尼亚孜, 雪克 来提·扎克尔): the
    model reads most Uyghur and Kazakh names as their first part or as two persons."""
    ents = list(doc.ents)
    for dot in (m.start() for m in NAME_DOT.finditer(doc.text)):
        joined = dotted_name(doc, ents, dot)
        if joined is not None:
            ents = [e for e in ents if not (joined.start <= e.start and e.end <= joined.end)]
            ents = sorted([*ents, joined], key=lambda e: e.start)
    doc.ents = ents
    return doc


def dotted_name(doc: Doc, ents: list[Span], dot: int) -> Span | None:
    """The person's name across the dot at character ``dot``, or None: a PERSON on one side
    (a few untagged characters may part it from the dot), on the other a PERSON or a name's
    part that no entity covers."""
    if any(e.start_char <= dot < e.end_char and not dot_edged(e, dot) for e in ents):
        return None
    text = doc.text
    before = next((e for e in reversed(ents) if e.start_char < dot and e.end_char <= dot + 1), None)
    after = next((e for e in ents if e.start_char >= dot and e.end_char > dot + 1), None)
    persons = 0
    if before is not None and before.label_ == "PERSON" and dot - before.end_char <= NAME_GAP:
        start, persons = before.start_char, 1
    else:
        start = name_part(text, dot, -1, before)
    if after is not None and after.label_ == "PERSON" and after.start_char - dot <= NAME_GAP:
        end, persons = after.end_char, persons + 1
    else:
        end = name_part(text, dot + 1, 1, after)
    if not persons or start is None or end is None:
        return None
    if not all(map(is_cjk, text[start:dot] + text[dot + 1 : end])):
        return None
    return doc.char_span(start, end, label="PERSON")


def dot_edged(ent: Span, dot: int) -> bool:
    """Whether ``ent`` is a PERSON that the dot at ``dot`` begins or ends (·艾力)."""
    return ent.label_ == "PERSON" and dot in (ent.start_char, ent.end_char - 1)


def name_part(text: str, at: int, step: int, neighbour: Span | None) -> int | None:
    """Where the part of a name from ``at`` ends (leftwards for ``step`` -1), or None: a run
    of CJK characters of a name part's length that no entity covers and that ends at the
    text's edge, a mark (white space, punctuation), a function word, a pair of characters
    never inside a name (主持, 一行), or, leftwards, a title (``neighbour``, the next entity
    that way)."""
    if neighbour is None:
        limit = 0 if step < 0 else len(text)
    else:
        limit = neighbour.end_char if step < 0 else neighbour.start_char
    edge = at
    while edge != limit and is_cjk(text[edge if step > 0 else edge - 1]):
        if breaks_at(text, edge, step) or text[edge if step > 0 else edge - 1] in PART_BOUNDARY:
            break
        edge += step
    if edge == limit:
        stopped = neighbour is None or (step < 0 and neighbour.label_ == "ROLE")
    else:
        mark = text[edge if step > 0 else edge - 1]
        stopped = breaks_at(text, edge, step) or not mark.isalnum() or mark in PART_BOUNDARY
    return edge if stopped and NAME_PART[0] <= abs(edge - at) <= NAME_PART[1] else None


def breaks_at(text: str, edge: int, step: int) -> bool:
    """Whether the two characters from ``edge`` (leftwards for ``step`` -1) are never
    inside a name."""
    return text[min(edge, edge + 2 * step) : max(edge, edge + 2 * step)] in name_breaks()


@cache
def name_breaks() -> frozenset[str]:
    """Character pairs the training corpora never write inside a name (一行, 签订)."""
    return frozenset(read_lexicon("name_breaks.txt"))


def fused_department(body: Span, title: Span) -> bool:
    """Whether ``title`` is the 部长 fused into the department ``body`` names without its
    部 (州委组织 部长 of 州委组织部长): the body takes the 部, and the 长 left after it makes
    the post :meth:`kg.relations.Extractor.fused_posts` reads."""
    return (
        body.label_ == "GOV"
        and title.text == "部长"
        and len(title) == 2
        and body.end == title.start
        and body.text[-1] not in BODY_ENDINGS
    )


def party_group_before(body: Span, title: Span) -> bool:
    """Whether ``body`` (a GOV longer than its 党组) ends in 党组 right before ``title``,
    one token per character."""
    return (
        body.label_ == "GOV"
        and body.end == title.start
        and body.text.endswith(PARTY_GROUP)
        and len(body) == len(body.text) > len(PARTY_GROUP) + 1
    )
