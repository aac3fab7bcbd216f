"""Resolve stage: mentions -> one entity per real thing within a build.

A reader of a city paper expands its shorthand: "市委" is the home city's party committee
(聊城市委), "县政府" after "刚察县委" is 刚察县人民政府, "宣传部" in a chain after 市委 is
聊城市委宣传部, "聊城" is 聊城市. The canonical name is the fullest form; every other
form seen becomes an alias. Identifiers are the type folder and the canonical name. A
person's name is then split into several people where their posts clash (kg/persons.py).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import cache

from kg.gazetteer import (
    AUTONOMOUS_REGION,
    REGION_LEVELS,
    Division,
    FormerDivision,
    Gazetteer,
    division_dataset,
    former_dataset,
    former_divisions,
    gazetteer,
)
from kg.ner import REFERENCE, read_pairs
from kg.persons import Region, split_persons
from kg.records import HOME_REGION, Dataset, Entity, Fact, Mention, Relation, Source

FOLDERS = {
    "PERSON": "person",
    "GOV": "gov",
    "COMPANY": "company",
    "ORG": "org",
    "PLACE": "place",
    "PROJECT": "project",
    "INDUSTRY": "industry",
}
REGION_ENDS = "省市县区州旗盟"
"""The last characters of a province's, city's or county's name (盟 and 旗: Inner Mongolia's)."""
HOME_WORDS = re.compile(f"^(?:我|本|全)([{REGION_ENDS}])$")
HOME_BODY = re.compile(f"^(?:我|本)([{REGION_ENDS}])(?=.)")
"""A body the paper names by its own region (我区政协, 本市政府)."""
DOUBLED_LEVEL_BODIES = ("委", "政府", "人民政府", "人大常委会", "人大", "政协")
"""What follows a region's level written twice (吉县县委, 淮阳县县政府)."""
LEVEL_PREFIX = re.compile(f"^([{REGION_ENDS}])(?!场|民|区|长|下|舰|帜|袍|友|员)")
GOVERNMENT = re.compile(r"^(.+?[省市县区州旗镇乡])政府(.*)$")
TOWN_BODY = re.compile(r"^([镇乡])(政府|人民政府|党委|人大|纪委)$")
"""A town's body named by its level alone (镇政府 of a bare 镇长, 乡党委)."""
TOWN = re.compile(r"^(.+?[镇乡])(?:政府|人民政府|党委|人大|纪委)?$")
"""The town a context names: itself (城关镇) or the town its body is named for (城关镇党委)."""
PARTY = re.compile(r"^中共(?=.)")
BARE_BODIES = ("政协", "人大", "人大常委会", "纪委监委", "纪委", "监委", "政府", "人民政府")
"""Bodies a local paper names without their level: those of the region a chain of titles
names before them (县委常委、纪委书记 -> 县纪委; 市委常委、政府副市长 -> 市人民政府), else the
home region's; a government after a bare level's committee is that level's (县委常委、政府副县长
-> 县政府)."""
PARTY_ORGANS = ("政法委", "政研室", "网信办", "编办", "巡察办", "直属机关工委")
"""Organs only a party committee has: written bare, the home committee's (政法委 in a 汉寿县
paper is 汉寿县委政法委), as the corpus writes them."""
COMMITTEE_ORGANS = re.compile(f"(?:部|{'|'.join(PARTY_ORGANS)})$")
"""Organs of a party committee, which a chain of titles names after it (市委常委、宣传部部长,
县委常委、政法委书记): the committee's own (聊城市委宣传部, 睢县委政法委)."""
ZONE_BODIES = ("管委会", "管理委员会", "党工委", "办事处")
"""A zone's or a subdistrict's bodies, which an article names bare once it has named them in
full (梅河新区管委会 ... 管委会副主任), or right after the zone's other body (清泉街道党工委书记、
办事处主任)."""
ZONE_OF_BODY = re.compile(f"^(.+?)(?:{'|'.join(ZONE_BODIES)})$")
"""The zone a body of it is named for (泰兴经济开发区 of 泰兴经济开发区党工委)."""
INDUSTRY_SUFFIX = re.compile(r"(?:产业集群|产业|行业)$")
INDUSTRY_ACTIVITY = ("加工", "制造", "种植", "养殖")
"""What a sentence may write right after an industry (生猪养殖, 机械加工)."""
INDUSTRY_VARIANT = (*INDUSTRY_ACTIVITY, "产品", "工业", "业")
PLACE_ALIASES = read_pairs("place_aliases.txt")
INDUSTRY_ALIASES = read_pairs("industry_aliases.txt")
PROJECT_SHORT_FORM = 4
"""The shortest project name taken for the end of a longer one (not 项目 or 基地 alone)."""
GOV_ABBREVIATIONS = read_pairs("gov_abbreviations.txt")
ORG_ABBREVIATIONS = read_pairs("org_abbreviations.txt")
ORG_SHORT_ENDING = re.compile(
    "(?<=[省市县区州旗盟])(" + "|".join(sorted(ORG_ABBREVIATIONS, key=len, reverse=True)) + ")$"
)
"""A people's organisation's short ending after a region (天津市文联, 叙永县科协); the national
ones have names of their own (中国侨联 is 中华全国归国华侨联合会)."""
DEPARTMENT = re.compile(r"^(.+?[省市县区])(.+?)(局|厅|委员会|委|办公室|办)$")


class Resolver:
    """Canonical names for the mentions of a build, for one home region."""

    def __init__(self, home_city: str) -> None:
        """市 in the paper is the home region where its name is a 市 (聊城市, the county-level
        临清市, 天津市), else the city of the home county; 县 and 区 are the home's own; 省 is
        the home province where that is a 省 (省政协 in a 北京 or a 宁夏 paper is another
        province's, which the paper does not say)."""
        self.places = gazetteer()
        self.home: Division = self.places.region(home_city)
        city = self.home
        if city.level == "county" and not city.name.endswith("市"):
            city = city.parent or city
        province = self.home.province
        self.by_level = {
            "省": province.name if province.name.endswith("省") else None,
            "市": city.name if city.name.endswith("市") else None,
            "县": self.home.name if self.home.name.endswith("县") else None,
            "区": self.home.name if self.home.name.endswith("区") else None,
            "州": city.name if city.name.endswith("州") else None,
            "旗": self.home.name if self.home.name.endswith("旗") else None,
            "盟": city.name if city.name.endswith("盟") else None,
        }
        self.home_short = former_short_names(self.home, self.places)

    def place(self, name: str, named: frozenset[str] = frozenset()) -> str | None:
        """Full name of a place: 我市 -> 聊城市, 聊城 -> 聊城市, 山东 -> 山东省. A short name is
        a division of the home province, a province or a city (义乌 -> 义乌市), or a district,
        county or town whose city or province the article names too (``named``: its places,
        平遥 with 山西); a far one's short name is often a word (西湖, 灵山, 运河) and stays as
        written."""
        if name == HOME_REGION:
            return self.home.name
        home = HOME_WORDS.match(name)
        if home:
            return self.by_level[home.group(1)]
        if name in self.home_short:
            return self.home.name
        name = self.own_region(name)
        name = PLACE_ALIASES.get(name, name)
        level = LEVEL_PREFIX.match(name)
        if (
            level
            and len(name) > 1
            and self.by_level[level.group(1)]
            and not self.places.knows(name)
        ):
            return self.by_level[level.group(1)][:-1] + name
        found = [d for d in self.places.find(name) if d.level != "village"]
        if not found or any(d.name == name for d in found) or BARE_ZONE.fullmatch(name):
            return name
        near = [d for d in found if self.home.province in (d, *d.ancestors())]
        far = [d for d in found if d.level in ("province", "city") or d.name.endswith("市")]
        resolved = near or far or [d for d in found if named & _region_names(d)]
        return resolved[0].name if resolved else name

    def own_region(self, name: str) -> str:
        """自治区 at the start of a name in a paper of an autonomous region is that region
        (自治区政府 -> 内蒙古自治区政府), as 市 is the home city."""
        province = self.home.province.name
        if name.startswith(AUTONOMOUS_REGION) and province.endswith(AUTONOMOUS_REGION):
            return province + name[len(AUTONOMOUS_REGION) :]
        return name

    def division(self, name: str, mentioned: set[str]) -> Division | None:
        """The division a place's full name is, where names repeat across provinces the one
        under a place the same articles mention, else the one in the home region; a name
        only former data knows (宜宾县) is the former division."""
        found = [d for d in self.places.find(name) if d.name == name]
        if not found:
            return former_divisions().get(name)
        if len(found) > 1:
            found = [d for d in found if mentioned & {a.name for a in d.ancestors()}] or [
                d for d in found if d.province.name == self.home.province.name
            ]
        return found[0] if len(found) == 1 else None

    def place_prefix(self, name: str) -> str | None:
        """The place a body's name starts with, in full (刚察县委 -> 刚察县, 黔东南州委 ->
        黔东南苗族侗族自治州, 淮阳县委 -> 淮阳县, a former division; 深圳福田区委 -> 福田区), or
        None."""
        found = self.region_prefix(name)
        return found[1] if found else None

    def region_prefix(self, name: str) -> tuple[str, str, str] | None:
        """The province, city or county a name starts with: as written, in full (深圳福田区 ->
        深圳市福田区), its own name (福田区), and the rest of the name."""
        for end in range(len(name) - 1, 1, -1):
            head = name[:end]
            if head[-1] in REGION_ENDS and (full := self.full_region(head)) is not None:
                return (*full, name[end:])
        return None

    def full_region(self, head: str) -> tuple[str, str] | None:
        """A province, city or county written as ``head`` (黔东南州, 吉县, 深圳福田区: a city's
        short name before its district's): ``head`` in full and the region's own name."""
        if self.places.knows(head):
            full = self.place(head)
            return full, full
        if former_divisions().get(head) is not None:
            return head, head
        for cut in range(2, len(head) - 2):
            outer, inner = head[:cut], head[cut:]
            outers = {d.name for d in self.places.find(outer) if d.level in REGION_LEVELS}
            for division in self.places.find(inner):
                above = outers & {a.name for a in division.ancestors()}
                if division.name == inner and above:
                    return next(iter(above)) + inner, inner
        return None

    def region(self, body: str) -> Region:
        """The region a body's name starts with, as its path in the division tree (莘县委 ->
        山东省, 聊城市, 莘县); () for a body without one."""
        place = self.place_prefix(body)
        if place is None:
            return ()
        division = self.division(place, set())
        if division is None:
            return (place,)
        return tuple(d.name for d in reversed([division, *division.ancestors()]))

    def local_places(self, mentions: Iterable[Mention]) -> dict[str, str]:
        """Level (县, 区, 市, 镇, 村) -> the place of that level inside the home region that
        the mentions name most often (a village, which the division data lists for the home
        region alone, wherever it is)."""
        counts = Counter(
            name
            for m in mentions
            if m.label == "PLACE" and (name := self.place(re.sub(r"\s+", "", m.text)))
        )
        local: dict[str, str] = {}
        for name, _ in counts.most_common():
            if self.inside_home(name) or name.endswith("村"):
                local.setdefault(name[-1], name)
        return local

    def inside_home(self, name: str) -> bool:
        """Whether a division of that full name lies inside the home region (柳林镇 of 冠县,
        where other provinces have a 柳林镇 too)."""
        found = [d for d in self.places.find(name) if d.name == name]
        found = found or [self.division(name, set())]
        return any(d is not None and self.home in d.ancestors() for d in found)

    def context_place(self, context: str) -> str | None:
        """The place a short body's context names: the place its body starts with (冠县委 ->
        冠县), or the place itself (冠县 县长 -> 冠县)."""
        parent = self.body(context, "")
        if parent is None:
            return None
        known = self.places.knows(parent)
        return self.place_prefix(parent) or (self.place(parent) if known else None)

    def body(
        self,
        name: str,
        context: str,
        local: Mapping[str, str] | None = None,
        *,
        state: bool = True,
    ) -> str | None:
        """Full name of a body of the state, the party or another organisation; a level the
        home region lacks (县委 in a city paper) is the article's place of that level
        (``local``: level -> the place of the home region the article names most). Only a
        state or party body (``state``) has its region written in full: an organisation's
        name is its own (德州日报, 聊城大学)."""
        name = self.own_region(PARTY.sub("", name))
        name = self.in_full(name) if state else self.home_body(name)
        if name in BARE_BODIES:
            place = self.context_place(context) if context else None
            level = LEVEL_PREFIX.match(context) if name.endswith("政府") else None
            if place is None and level:
                return self.body(level.group(1) + name, "", local, state=state)
            return GOVERNMENT.sub(r"\1人民政府\2", (place or self.home.name) + name)
        if name in ZONE_BODIES and (zone := ZONE_OF_BODY.match(context)):
            return self.body(zone.group(1) + name, "", local, state=state)
        if name.startswith("村") and VILLAGE_BODY.fullmatch(name):
            village = self.unit_named(VILLAGE, "村", context, local)
            return village + name[1:] if village else name
        if level := TOWN_BODY.match(name):
            town = self.unit_named(TOWN, level.group(1), context, local)
            return GOVERNMENT.sub(r"\1人民政府\2", town + level.group(2)) if town else None
        level = LEVEL_PREFIX.match(name)
        if level and not self.place_prefix(name):
            place = self.context_place(context) if context else None
            if place is None or not place.endswith(level.group(1)):
                place = self.by_level[level.group(1)] or (local or {}).get(level.group(1))
            if place is None:
                return None
            name = place[:-1] + name
        elif context and COMMITTEE_ORGANS.search(name) and not self.place_prefix(name):
            parent = self.body(context, "")
            if parent and parent.endswith("委"):
                name = parent + name
        elif name in PARTY_ORGANS:
            name = self.home.name + "委" + name
        elif context and name[-1] in "局厅" and not self.place_prefix(name):
            name = (self.context_place(context) or "") + name
        return expand_short_form(GOVERNMENT.sub(r"\1人民政府\2", name))

    @staticmethod
    def unit_named(
        pattern: re.Pattern[str], level: str, context: str, local: Mapping[str, str] | None
    ) -> str | None:
        """The town or village of a body named by its level alone (镇政府 of a bare 镇长, 村委会):
        the one the context names (城关镇 镇长, 城关镇党委书记、镇长, 东关村党支部书记、村委会主任),
        else the one of the home region that the article names most (``local``)."""
        named = pattern.match(context)
        if named and named.group(1).endswith(level):
            return named.group(1)
        return (local or {}).get(level)

    def in_full(self, name: str) -> str:
        """A body's name with the region it starts with written in full: 我区政协 -> 吴江区政协,
        黔东南州委 -> 黔东南苗族侗族自治州委, 深圳福田区委 -> 深圳市福田区委, and its level once
        where a paper writes it twice (吉县县委 -> 吉县委)."""
        if (home := self.home_body(name)) != name:
            return home
        found = self.region_prefix(name)
        if found is None:
            return name
        full, region, rest = found
        if rest[:1] == region[-1] and rest[1:] in DOUBLED_LEVEL_BODIES:
            rest = rest[1:]
        return full + rest

    def home_body(self, name: str) -> str:
        """A name the paper writes with its own region (我区政协, 本市医院) with that region's."""
        home = HOME_BODY.match(name)
        if home and self.by_level[home.group(1)]:
            return self.by_level[home.group(1)] + name[home.end() :]
        return name

    def canonical(
        self,
        mention: Mention,
        local: Mapping[str, str] | None = None,
        named: frozenset[str] = frozenset(),
    ) -> str | None:
        """The canonical name of a mention, or None when the text does not say which;
        ``local`` as for :meth:`body`, ``named`` as for :meth:`place`."""
        text = re.sub(r"\s+", "", mention.text)
        if mention.label == "PLACE" and REFERENCE.fullmatch(text):
            return self.place(mention.context) if mention.context else None
        if mention.label == "PLACE":
            return self.place(text, named)
        if mention.label in ("GOV", "ORG") and text != "本报":
            return self.body(text, mention.context, local, state=mention.label == "GOV")
        if mention.label == "INDUSTRY":
            core = INDUSTRY_SUFFIX.sub("", text) or text
            return INDUSTRY_ALIASES.get(core, core)
        return text


def former_short_names(home: Division, places: Gazetteer) -> frozenset[str]:
    """Short names that in the paper of a former division are that division: its
    successor's (子长 of 子长市 in a 子长县 paper) and its own where no data knows it (胶南)."""
    if not isinstance(home, FormerDivision):
        return frozenset()
    names = set()
    if home.successor is not None and home.successor.short != home.successor.name:
        names.add(home.successor.short)
    own = home.name[:-1]
    if len(own) >= 2 and not places.knows(own):
        names.add(own)
    return frozenset(names)


def expand_short_form(name: str) -> str:
    """A body's full name from its short form: 聊城市工信局 -> 聊城市工业和信息化局, 聊城市工商联
    -> 聊城市工商业联合会."""
    return ORG_SHORT_ENDING.sub(lambda m: ORG_ABBREVIATIONS[m.group(1)], expand_department(name))


def expand_department(name: str) -> str:
    """A department's full name from its short form: 聊城市工信局 -> 聊城市工业和信息化局."""
    match = DEPARTMENT.match(name)
    if not match or match.group(2) not in GOV_ABBREVIATIONS:
        return name
    place, short, ending = match.groups()
    full = GOV_ABBREVIATIONS[short]
    if full.endswith("办公室"):
        return place + full
    return place + full + ("委员会" if ending == "委" else ending)


def entity_id(label: str, name: str) -> str:
    return f"{FOLDERS[label]}/{name}"


def _region_names(division: Division) -> set[str]:
    """The full and short names of the regions a division lies in."""
    return {n for a in division.ancestors() for n in (a.name, a.short)}


PROJECT_END = re.compile("(?:建设)?项目$")
"""What a project's name is written with and without (X产业园项目, X二期建设项目)."""


def project_stem(name: str) -> str:
    """A project's name without a final 项目 or 建设项目, where enough is left to name it
    (X产业园 and X产业园项目, X二期建设项目 and X二期项目 are one project, in whichever article
    they are written)."""
    stem = PROJECT_END.sub("", name)
    return stem if len(stem) >= PROJECT_SHORT_FORM else name


def abbreviates(name: str, short: str) -> bool:
    """Whether ``short`` is made of characters of ``name`` in order, the way Chinese names
    are shortened (公交 for 公共交通, 华电 for 中国华电集团)."""
    rest = iter(name)
    return all(char in rest for char in short)


BARE_ZONE = re.compile("(?:经济技术|经济|高新技术产业)?开发区|高新区|经开区|新区")
"""A zone written without its name (开发区, 经开区)."""
ZONE_END = re.compile(f"(?:{BARE_ZONE.pattern})$")
"""A zone's name ends in such a word (泰兴经济开发区)."""
ZONE_SHORT = (("高新区", "高新技术产业开发区"), ("经开区", "经济技术开发区"))
"""A named zone's short ending and the full one (昌吉国家高新区, 昌吉国家高新技术产业开发区)."""
PLACE_LEVELS = ("镇", "乡", "村", "街道", "社区")
"""What a town's, township's or village's name is written without (小北河 of 小北河镇)."""
VILLAGE_BODY = re.compile("(?:村|社区)(?:党支部|党总支|委会|民委员会|居委会|居民委员会|党委)")
"""A village's or community's body written without the village's name (村委会, 村党支部)."""
VILLAGE = re.compile("^(.+?村)(?:党支部|党总支|委会|民委员会|村委会|党委)?$")
"""The village a context names: itself (东关村) or the village of its body (东关村党支部)."""


def full_zone_names(name: str) -> list[str]:
    """The name of a zone written with its full ending, where ``name`` has the short one."""
    return [name.removesuffix(short) + full for short, full in ZONE_SHORT if name.endswith(short)]


def _shortens(label: str, short: str, full: str) -> bool:
    """Whether, within one article, ``short`` is a short form of ``full``, both of ``label``:
    a company's name that the full one holds (华电) or, ending in 公司/集团, abbreviates
    (公交集团); a project's or an organisation's that ends the full one (烘干中心 of
    X公司烘干中心) or lacks its 区 or 项目 (X工业园 of X工业园区); a village's body without
    the village (村委会 of 良枧村委会) or a zone's body without the zone's name (新区党工委);
    a zone without its name (开发区, 经开区 of 泰兴经济开发区) or with its short ending
    (X高新区 of X高新技术产业开发区); a town or village without its level (小北河 of
    小北河镇); an industry variant (棉服加工, 服装业, 煤电工业) of its core (棉服, 服装, 煤电)."""
    if label == "COMPANY":
        stem = re.sub(r"(?:公司|集团)$", "", short)
        shortened = abbreviates if stem != short else str.__contains__
        return len(stem) >= 2 and shortened(full, stem) and len(full) > len(short)
    if label in ("PROJECT", "ORG"):
        return len(short) >= PROJECT_SHORT_FORM and (
            full.endswith(short) or full in (f"{short}区", f"{short}项目")
        )
    if label == "GOV":
        bare = VILLAGE_BODY.fullmatch(short) or BARE_ZONE.match(short) or short in ZONE_BODIES
        return bool(bare) and full.endswith(short)
    if label == "PLACE":
        if BARE_ZONE.fullmatch(short):
            return bool(ZONE_END.search(full)) and abbreviates(full, short)
        level = full.startswith(short) and full[len(short) :] in PLACE_LEVELS
        return level or full in full_zone_names(short)
    return label == "INDUSTRY" and short.startswith(full) and short[len(full) :] in INDUSTRY_VARIANT


def _merge_short_forms(names: dict[tuple[str, str], str]) -> None:
    """Within one article, a short form (:func:`_shortens`) joins the full name it shortens,
    where there is exactly one."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (label, _), name in names.items():
        counts[label][name] += 1
    for (label, surface), name in list(names.items()):
        if label == "PERSON":
            continue
        others = (o for o, count in counts[label].items() if count and o != name)
        found = [o for o in others if _shortens(label, name, o)]
        if len(found) == 1:
            names[(label, surface)] = found[0]
            counts[label][name] -= 1
            counts[label][found[0]] += 1


class _Sources:
    """Where entities and facts were read: each (article, sentence) once per entity or fact,
    and each article id and sentence string once for the archive, shared by the sources."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.seen: set[tuple[object, str, str]] = set()
        """(owner, article, sentence) of the sources of the current article."""

    def next_article(self) -> None:
        """Sources of the next article follow: the repeats of one article's are dropped."""
        self.seen.clear()

    def add(
        self,
        owner: object,
        sources: list[Source],
        article: str,
        sentence: str,
        former: bool = False,
    ) -> None:
        """Append the source to ``sources``, those of ``owner``, unless it is already there."""
        if (owner, article, sentence) in self.seen:
            return
        self.seen.add((owner, article, sentence))
        shared = self.texts.setdefault
        sources.append(Source(shared(article, article), shared(sentence, sentence), former))


def resolve(
    per_article: Iterable[tuple[list[Mention], list[Relation]]],
    home_city: str,
    dates: Mapping[str, str | None] | None = None,
) -> tuple[list[Entity], list[Fact]]:
    """Entities and facts of a build from the mentions and relations of its articles, taken
    one article at a time; ``dates`` maps an article id to its ISO date (an article missing is
    undated), read only once every article is taken: it may be filled while they are read."""
    resolver = Resolver(home_city)
    entities: dict[str, Entity] = {}
    facts: dict[tuple[str, str, str, str], Fact] = {}
    sources = _Sources()
    held: set[str] = set()
    projects: dict[str, str] = {}
    """A project's name without 项目 -> the id of the first project so named, with or without."""
    for mentions, relations in per_article:
        names = _article_names(resolver, mentions, relations)
        sources.next_article()

        def node(mention: Mention, names: dict = names) -> str | None:
            name = names.get((mention.label, _key(mention)))
            if name is None:
                return None
            eid = entity_id(mention.label, name)
            if mention.label == "PROJECT":
                eid = projects.setdefault(project_stem(name), eid)
            entity = entities.setdefault(eid, Entity(eid, mention.label, name))
            if not mention.implicit:
                entity.aliases.add(re.sub(r"\s+", "", mention.text))
                entity.aliases.update(_with_activity(mention))
            sources.add(eid, entity.sources, mention.article, mention.sentence)
            return eid

        for mention in mentions:
            if (eid := node(mention)) and mention.held:
                held.add(eid)
        for relation in relations:
            head, tail = node(relation.head), node(relation.tail)
            if head is None or tail is None or head == tail:
                continue
            fact = Fact(relation.kind, head, tail, relation.role, relation.amount_yuan)
            fact = facts.setdefault(fact.key, fact)
            sources.add(
                fact.key, fact.sources, relation.head.article, relation.evidence, relation.former
            )
    split_persons(cache(resolver.region), entities, facts, dates or {})
    _add_divisions(resolver, entities, facts)
    _names_without_their_head(entities, facts)
    for entity in entities.values():
        entity.aliases.discard(entity.name)
    return _related_industries(entities, facts, held), list(facts.values())


def _add_divisions(resolver: Resolver, entities: dict[str, Entity], facts: dict) -> None:
    """Division codes for the places, and part_of up to the province from the division data;
    a former division (宜宾县) gets its code and parents of that time, and its successor. A
    part_of read the wrong way round, the data's whole inside its part, is dropped.

    A province, city or county read as part of a zone (湖北省 partOf 开发区) is dropped too.

    Those links, and the parent and successor places they add, are taken from the data, not
    read: they carry the data set as their reference and no article (a link the text also
    states keeps that article as its source).
    """
    datasets = {Division: division_dataset(), FormerDivision: former_dataset()}
    places = [e for e in entities.values() if e.type == "PLACE"]
    by_article: dict[str, set[str]] = {}
    for place in places:
        for source in place.sources:
            by_article.setdefault(source.article, set()).add(place.name)
    tree: dict[str, Division] = {}
    for place in places:
        articles = {s.article for s in place.sources}
        division = resolver.division(place.name, set().union(*(by_article[a] for a in articles)))
        if division is not None:
            tree[place.id] = division
    read = [f for f in facts.values() if f.kind == "part_of" and f.reference is None]
    for fact in read:
        head, tail = tree.get(fact.head), tree.get(fact.tail)
        if head is not None and tail is not None and _elsewhere(head, tail):
            del tree[fact.head]
    for place in places:
        if place.id in tree:
            _add_division(entities, facts, place, tree[place.id], datasets)
    for key, fact in list(facts.items()):
        if fact.kind == "part_of" and fact.reference is None:
            tail_name = entities[fact.tail].name
            if _misread(tree.get(fact.head), tree.get(fact.tail), tail_name):
                del facts[key]


def _misread(part: Division | None, whole: Division | None, whole_name: str) -> bool:
    """Whether a part_of read goes against the division data: the data puts the whole inside
    the part (唐山市 partOf 路北区, read the wrong way round from 唐山市路北区), or a province,
    city or county is read inside a zone (湖北省 partOf 开发区), which holds towns and villages."""
    if part is None:
        return False
    if whole is not None and _data_denies(part, whole):
        return True
    return part.level in REGION_LEVELS and bool(ZONE_END.search(whole_name))


def _elsewhere(part: Division, whole: Division) -> bool:
    """Whether the division data puts the division taken for a place read inside ``whole``
    neither inside it nor around it: the place is another of that name (西安市户县草堂镇 is
    not the data's only 草堂镇, of 奉节县), and gets no code or parents from the data. A former
    division counts with what it became (宜宾县南广镇 is the data's 叙州区南广镇). A province's
    or a city's name is one place: read inside another, it is misread."""
    if part.level in ("province", "city"):
        return False
    wholes = {whole}
    if isinstance(whole, FormerDivision) and whole.successor is not None:
        wholes.add(whole.successor)
    return not wholes & set(part.ancestors()) and not _data_denies(part, whole)


def _data_denies(part: Division, whole: Division) -> bool:
    """Whether the division data puts the place read as the whole inside the one read as its
    part (唐山市 partOf 路北区, read the wrong way round from 唐山市路北区). Other links the data
    lacks stay: a name the data knows elsewhere (古城区 of 丽江市) may be another place."""
    return bool(part.code) and part.code in {a.code for a in whole.ancestors()}


def _add_division(
    entities: dict[str, Entity],
    facts: dict,
    place: Entity,
    division: Division,
    datasets: dict[type, Dataset],
) -> None:
    """The place's code, part_of up to its province, and a former division's successor
    (with its own code and parents), from the data the division comes from."""
    place.code = division.code
    child, known = place, division
    for parent in division.ancestors():
        node = _data_place(entities, parent, datasets)
        fact = facts.setdefault(
            ("part_of", child.id, node.id, ""), Fact("part_of", child.id, node.id)
        )
        fact.reference = datasets[type(known)]
        child, known = node, parent
    if isinstance(division, FormerDivision) and division.successor is not None:
        node = _data_place(entities, division.successor, datasets)
        _add_division(entities, facts, node, division.successor, datasets)
        place.successor, place.successor_since = node.id, division.since


def _data_place(
    entities: dict[str, Entity], division: Division, datasets: dict[type, Dataset]
) -> Entity:
    """The place node of a division, added from its data when no article names it."""
    eid = entity_id("PLACE", division.name)
    node = entities.setdefault(
        eid, Entity(eid, "PLACE", division.name, reference=datasets[type(division)])
    )
    node.code = division.code
    return node


def _with_activity(mention: Mention) -> set[str]:
    """An industry written with its activity after it in its sentence (生猪 of 生猪养殖):
    that longer name, which annotators and readers give the industry as often as the core."""
    if mention.label != "INDUSTRY":
        return set()
    return {mention.text + a for a in INDUSTRY_ACTIVITY if mention.text + a in mention.sentence}


def _names_without_their_head(entities: dict[str, Entity], facts: dict) -> None:
    """A firm or project whose name begins with the name of its place (文水县锦绣农牧发展有限公司
    in 文水县), or a project with its builder's (中建材年产200万吨机制骨料生产线项目 built by
    中建材), is also called by the rest of its name, as papers and annotators write it either
    way: the rest, of :data:`PROJECT_SHORT_FORM` characters or more, becomes an alias."""
    for fact in facts.values():
        if fact.kind not in ("located_in", "invests_in"):
            continue
        named, prefix = (
            (fact.head, fact.tail) if fact.kind == "located_in" else (fact.tail, fact.head)
        )
        entity, other = entities.get(named), entities.get(prefix)
        if entity is None or other is None or entity.type not in ("COMPANY", "PROJECT"):
            continue
        forms = sorted(
            (f for f in (other.name, *other.aliases) if entity.name.startswith(f)), key=len
        )
        if forms and len(rest := entity.name[len(forms[-1]) :]) >= PROJECT_SHORT_FORM:
            entity.aliases.add(rest)


def _related_industries(entities: dict[str, Entity], facts: dict, held: set[str]) -> list[Entity]:
    """The entities, with an industry kept only when something is said to be in it, or
    is likely to be (``held``, the ids of industries with a held mention): a sector named
    in passing (金融服务, 旅游) is not an industry of the graph."""
    linked = held | {f.tail for f in facts.values() if f.kind == "in_industry"}
    return [e for e in entities.values() if e.type != "INDUSTRY" or e.id in linked]


def _key(mention: Mention) -> str:
    return f"{mention.text}\t{mention.context}"


def _article_names(
    resolver: Resolver, mentions: list[Mention], relations: list[Relation]
) -> dict[tuple[str, str], str]:
    """(label, surface and context) -> canonical name, for one article. A surface that
    does not resolve on its own (宣传部) takes the name its mention with a context has
    (市委 ... 宣传部 -> 聊城市委宣传部); one that does (市委, the home's) keeps it, though
    another sentence's 市委 is a visited city's (如皋市委书记陈晓东, 市委副书记…)."""
    names: dict[tuple[str, str], str] = {}
    every = [*mentions, *(m for r in relations for m in (r.head, r.tail))]
    local = resolver.local_places(every)
    named = frozenset(re.sub(r"\s+", "", m.text) for m in every if m.label == "PLACE")
    for mention in every:
        name = resolver.canonical(mention, local, named)
        if name:
            names[(mention.label, _key(mention))] = name
    with_context = {
        (label, key.split("\t")[0]): name
        for (label, key), name in names.items()
        if "\t" in key and not key.endswith("\t")
    }
    for (label, key), name in list(names.items()):
        if key.endswith("\t") and name == re.sub(r"\s+", "", key[:-1]):
            names[(label, key)] = with_context.get((label, key[:-1]), name)
    _merge_short_forms(names)
    return names
