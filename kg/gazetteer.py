"""Administrative divisions of China (GB/T 2260 codes) and the countries of the world.

The data is the division tree that the jionlp package ships (province, city, county with
codes and short names; towns and villages below them). It is read straight from the
installed package's data files, without importing jionlp itself.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gb2260.data import data as gb2260_revisions
from gb2260.division import make_year_key

from kg.records import Dataset

LEVELS = ("province", "city", "county", "town", "village")
PLACEHOLDER = re.compile(r"市辖区|县|市|.*直辖.*")
"""Names GB/T 2260 gives to groupings of divisions rather than to divisions (市辖区,
省直辖县级行政区划; in jionlp's tree 省直辖行政区划 above 仙桃市, 市直辖行政区划 above the towns
of 中山市)."""
REGION_LEVELS = ("province", "city", "county")
AUTONOMOUS_REGION = "自治区"


@dataclass(frozen=True)
class Division:
    """One administrative division; ``parent`` is None for a province."""

    name: str
    level: str
    short: str = ""
    code: str = ""
    parent: Division | None = None

    def ancestors(self) -> list[Division]:
        """Parent, grandparent... up to the province."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def province(self) -> Division:
        return ([self, *self.ancestors()])[-1]


def _version(package: str) -> str:
    """The installed version of a package, or "" when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def division_dataset() -> Dataset:
    """The division tree as reference data: its name and the jionlp version that ships it."""
    return Dataset("gb2260", "GB/T 2260 行政区划 (jionlp china_location)", _version("jionlp"))


def former_dataset() -> Dataset:
    """The GB/T 2260 revisions of 2002-2014 as reference data (the gb2260 package)."""
    title = "GB/T 2260 行政区划 2002-2014 年各版 (gb2260)"
    return Dataset("gb2260-revisions", title, _version("gb2260"))


def _dictionary_file(name: str) -> Path:
    """Path of a data file in the installed jionlp package."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jionlp package (division data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name


def _division_lines() -> list[str]:
    with zipfile.ZipFile(_dictionary_file("china_location.zip")) as archive:
        member = archive.namelist()[0]
        with archive.open(member) as raw:
            return io.TextIOWrapper(raw, encoding="utf-8").read().splitlines()


class Gazetteer:
    """Division lookup by full or short name, and the place names NER should know."""

    def __init__(self, lines: list[str], countries: set[str], cities: set[str]) -> None:
        self.countries = countries
        self.foreign_cities = cities
        self.by_name: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[str, list[Division]] = defaultdict(list)
        self._villages: dict[Division, list[str]] = defaultdict(list)
        self._read(lines)

    def _read(self, lines: list[str]) -> None:
        """Build the tree from the data's lines (one tab of indent per level). Villages, nine
        lines in ten, go to their town's list as they come, the town looked up once. A
        grouping (市直辖行政区划) is no division: what it lists hangs from the division above."""
        path: list[Division] = []
        villages: list[str] = []
        for line in lines:
            if line.startswith("\t\t\t\t"):
                name = line[4:].split("\t", 1)[0]
                if name:
                    villages.append(name)
                continue
            depth = len(line) - len(line.lstrip("\t"))
            fields = line.strip("\t").split("\t")
            if not fields[0]:
                continue
            parent = path[depth - 1] if depth else None
            if depth == 1 and parent is not None and fields[0] == parent.name:
                parent = None
            if parent is not None and PLACEHOLDER.fullmatch(fields[0]):
                del path[depth:]
                path.append(parent)
                villages = self._villages[parent]
                continue
            shorts = fields[2].split("/") if len(fields) > 2 else [""]
            division = Division(
                name=fields[0],
                level=LEVELS[depth],
                code=fields[1] if len(fields) > 1 else "",
                short=shorts[0],
                parent=parent,
            )
            del path[depth:]
            path.append(division)
            if depth == 3:
                villages = self._villages[division]
            self.by_name[division.name].append(division)
            for short in {*shorts, *written_forms(division)}:
                if short and short != division.name:
                    self.by_short[short].append(division)

    def find(self, name: str) -> list[Division]:
        """Divisions whose full or short name is ``name``, larger ones first."""
        found = self.by_name.get(name, []) + self.by_short.get(name, [])
        return sorted(set(found), key=lambda d: (LEVELS.index(d.level), d.code, d.name))

    def region(self, name: str) -> Division:
        """The home region a user names (聊城市, 聊城, 冠县).

        A former division (胶南市, 宜宾县) is the ``FormerDivision`` it was. A name no data
        knows but that has the shape of a region is a region of its own, with no code and no
        parent; anything else raises KeyError."""
        found = [d for d in self.find(name) if d.level in REGION_LEVELS]
        if found:
            return found[0]
        former = former_divisions().get(name)
        if former is not None:
            return former
        if REGION_SHAPE.fullmatch(name):
            return Division(name, LEVEL_OF_ENDING[name[-1]])
        raise KeyError(name)

    def knows(self, name: str) -> bool:
        """Whether the division data lists the region (by full or short name)."""
        return any(d.level in REGION_LEVELS for d in self.find(name))

    def similar(self, name: str) -> list[str]:
        """Provinces, cities and counties written like ``name`` but for one character before
        its ending (唐三市 -> 唐山市): what a user who mistyped a home city meant."""
        return sorted(
            known
            for known, divisions in self.by_name.items()
            if len(known) == len(name)
            and known[-1] == name[-1]
            and sum(a != b for a, b in zip(known, name, strict=True)) == 1
            and any(d.level in REGION_LEVELS for d in divisions)
        )

    def villages(self, region: Division) -> list[str]:
        """Names of the villages and communities inside ``region``."""
        return [
            village
            for town, names in self._villages.items()
            if town == region or region in town.ancestors()
            for village in names
        ]

    def place_names(self, home: Division | None) -> set[str]:
        """Place strings for the NER lexicon: divisions down to towns, the home region's
        villages, province and city short names, an autonomous county's written with 县 or
        自治县 (关岭县) and an ethnic township's with 乡 or 镇 (西口镇), former divisions
        (a two-character one only in the home region's city: 任县 stands in 担任县委 elsewhere),
        countries and large cities abroad.
        County short names are left to ``county_short_names``: alone they are often common
        words (合作, 通道)."""
        names = self.countries | self.foreign_cities
        for name, divisions in self.by_name.items():
            if len(name) == 2 and name.endswith(("区", "道")):
                continue
            large = any(d.level in REGION_LEVELS for d in divisions)
            town = any(d.level == "town" for d in divisions) and name.endswith(TOWN_ENDINGS)
            if large or town:
                names.add(name)
        for short, divisions in self.by_short.items():
            large = any(d.level in ("province", "city") for d in divisions)
            if len(short) >= 2 and (large or short.endswith(SHORT_FORM_ENDINGS)):
                names.add(short)
        former = former_divisions()
        names.update(n for n in former.names() if len(n) >= 3 or within(former.get(n), home))
        if home is not None:
            names.add(home.name)
            names.update(v for v in self.villages(home) if len(v) >= 3)
        return names

    def county_short_names(self) -> dict[str, str]:
        """Short name -> full name of the counties (县, county-level 市, 旗); a district's
        short name (市中 of 市中区) is not used alone in news."""
        return {
            short: d.name
            for short, divisions in self.by_short.items()
            for d in divisions
            if len(short) >= 2 and d.level == "county" and d.name.endswith(("县", "市", "旗"))
        }


AUTONOMOUS_COUNTY_FORMS = ("自治县", "县")
"""How news writes an autonomous county after its short name (关岭自治县, 关岭县)."""
SHORT_FORM_ENDINGS = (*AUTONOMOUS_COUNTY_FORMS, "乡", "镇")
"""The endings of the short forms the NER lexicon takes: autonomous counties' and ethnic
townships' (西口镇 of 西口回族镇)."""


ETHNIC_TOWN = re.compile(
    r"(.{2,}?)(?:(?:壮|满|回|苗|维吾尔|土家|彝|蒙古|藏|布依|侗|瑶|朝鲜|白|哈尼|哈萨克|黎|傣|畲|傈僳"
    r"|仡佬|东乡|高山|拉祜|水|佤|纳西|羌|土|仫佬|锡伯|柯尔克孜|达斡尔|景颇|毛南|撒拉|布朗|塔吉克"
    r"|阿昌|普米|鄂温克|怒|京|基诺|德昂|保安|俄罗斯|裕固|乌孜别克|门巴|鄂伦春|独龙|塔塔尔|赫哲|珞巴)族"
    r"|民族)+([乡镇])"
)
"""An ethnic township's name: its own name, one or more of the 55 minorities (or 民族), 乡 or
镇 (西口回族镇, 新庄傈僳族傣族乡, 朝阳民族乡). jionlp lists the minorities too, in a module
that importing jionlp brings with its banner on standard output, which this module avoids."""


def within(division: Division | None, home: Division | None) -> bool:
    """Whether ``division`` lies in the home region's city (in the home region itself where
    it is a province or a city)."""
    if division is None or home is None:
        return False
    region = home.parent if home.level == "county" and home.parent is not None else home
    return region in division.ancestors()


def written_forms(division: Division) -> list[str]:
    """The forms news writes an autonomous prefecture, county or ethnic township in, which
    the data does not list: its short name with 州 (楚雄州 of 楚雄彝族自治州), with 自治县 or 县
    (关岭自治县, 关岭县 of 关岭布依族苗族自治县); a township's own name with 乡 or 镇 (西口镇 of
    西口回族镇)."""
    if division.level == "town" and (town := ETHNIC_TOWN.fullmatch(division.name)):
        return [town.group(1) + town.group(2)]
    short = division.short
    if not short or short.endswith(("州", "县")):
        return []
    if division.name.endswith("自治州"):
        return [f"{short}州"]
    if division.name.endswith("自治县"):
        return [short + ending for ending in AUTONOMOUS_COUNTY_FORMS]
    return []


TOWN_ENDINGS = ("镇", "乡", "街道", "苏木")
LEVEL_OF_ENDING = {
    "省": "province",
    "市": "city",
    "州": "city",
    "盟": "city",
    "县": "county",
    "区": "county",
    "旗": "county",
}
REGION_SHAPE = re.compile(r"[\u4e00-\u9fff]{1,8}[省市州盟县区旗]")
"""A name shaped like a province, city or county, for regions the data no longer lists."""


COMMON_WORDS = {"万象", "汉堡", "金边", "亚伦"}
"""City names abroad that are more often common words (包罗万象) or person names."""


def _world() -> tuple[set[str], set[str]]:
    """Countries (short and full names) and the capitals and large cities of the countries
    other than China, also written with 市 (首尔, 首尔市), from jionlp's world list."""
    countries: set[str] = set()
    cities: set[str] = set()
    text = _dictionary_file("world_location.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.endswith(":"):
            continue
        fields = [*line.split("\t"), "", ""]
        countries.update(f for f in fields[:2] if f)
        if fields[0] != "中国":
            names = [n for n in (fields[2], *fields[3].split("/")) if len(n) >= 2]
            cities.update(n for n in names if n not in COMMON_WORDS)
            cities.update(n + "市" for n in names if n[-1] not in "市岛")
    return countries, cities - countries


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process."""
    return Gazetteer(_division_lines(), *_world())


@dataclass(frozen=True)
class FormerDivision(Division):
    """A division today's data no longer lists, as the GB/T 2260 revisions of 2002-2014 list
    it: ``code`` and ``parent`` those of the last revision that lists it, ``codes`` all its
    codes (the last one last), ``listed`` the years of the first and the last revision that
    list it; ``successor`` what it became in the year ``since``, where the data says so."""

    codes: tuple[str, ...] = ()
    listed: tuple[int, int] = (0, 0)
    successor: Division | None = None
    since: str = ""

    def summary(self) -> str:
        """What the data says of it: 宜宾县 511521 in 宜宾市 (GB/T 2260 of 2002-2014),
        succeeded by 叙州区 in 2018."""
        where = f" in {self.parent.name}" if self.parent else ""
        text = f"{self.name} {self.code}{where} (GB/T 2260 of {self.listed[0]}-{self.listed[1]})"
        if self.successor is not None:
            text += f", succeeded by {self.successor.name} in {self.since}"
        return text


class FormerDivisions:
    """Former divisions by name: the names of provinces, cities and counties in the GB/T 2260
    revisions (gb2260 package) that today's data does not know.

    A successor is taken from jionlp's change list (宜宾县 => 叙州区, 2018-06-19) or, where a
    code is kept and its name changes from one revision to the next (530800: 思茅市, then
    普洱市), is the next revision's name with that revision's year. A code that ends (胶南市,
    merged into 黄岛区) has no successor: the revisions do not say what took its place."""

    def __init__(
        self, current: Gazetteer, revisions: dict[int | None, dict[int, str]], changes: list[str]
    ) -> None:
        self.current = current
        self.revisions = [
            (make_year_key(key)[0], revisions[key]) for key in sorted(revisions, key=make_year_key)
        ]
        self.changes = _changes(changes)
        self.listings = self._listings()
        self.by_name: dict[str, FormerDivision | None] = {}
        for name in self.listings:
            self._former(name)

    def get(self, name: str) -> FormerDivision | None:
        """The former division of that full name, or None."""
        return self.by_name.get(name)

    def names(self) -> list[str]:
        return list(self.listings)

    def _listings(self) -> dict[str, tuple[int, int, dict[int, None]]]:
        """Former name -> first and last revision (indexes) that list it, and its codes."""
        listings: dict[str, tuple[int, int, dict[int, None]]] = {}
        known: dict[str, bool] = {}
        for index, (_, table) in enumerate(self.revisions):
            for code, name in table.items():
                if name not in known:
                    known[name] = bool(PLACEHOLDER.fullmatch(name)) or self.current.knows(name)
                if known[name]:
                    continue
                first, _, codes = listings.get(name, (index, index, {}))
                codes.pop(code, None)
                codes[code] = None
                listings[name] = (first, index, codes)
        return listings

    def _former(self, name: str) -> FormerDivision | None:
        """The former division of a listed name, its parent and successor made first."""
        if name in self.by_name:
            return self.by_name[name]
        self.by_name[name] = None
        first, last, codes = self.listings[name]
        year, table = self.revisions[last]
        code = next(reversed(codes))
        successor, since = self._successor(name, code, last)
        self.by_name[name] = FormerDivision(
            name,
            _level(code),
            code=str(code),
            parent=self._parent(code, table),
            codes=tuple(str(c) for c in codes),
            listed=(self.revisions[first][0], year),
            successor=successor,
            since=since,
        )
        return self.by_name[name]

    def _division(self, name: str, code: int) -> Division | None:
        """The division ``name`` with ``code`` at some time: today's where the data knows
        the name (of the same code, else of the same province), else a former one."""
        found = [d for d in self.current.by_name.get(name, []) if d.level in REGION_LEVELS]
        same = [d for d in found if d.code == str(code)] or [
            d for d in found if d.code[:2] == str(code)[:2]
        ]
        if same:
            return same[0]
        return self._former(name) if name in self.listings else None

    def _parent(self, code: int, table: dict[int, str]) -> Division | None:
        """The parent of that time: the city, or the province where the city is a grouping."""
        for parent in (code // 100 * 100, code // 10000 * 10000):
            name = table.get(parent)
            if parent != code and name and not PLACEHOLDER.fullmatch(name):
                return self._division(name, parent)
        return None

    def _successor(self, name: str, code: int, last: int) -> tuple[Division | None, str]:
        """The successor and the year of change, from the change list or a renamed code."""
        successor, year = None, ""
        if name in self.changes:
            new, year = self.changes[name]
            successor = self._new_division(new)
        elif last + 1 < len(self.revisions):
            year, table = self.revisions[last + 1]
            renamed = table.get(code)
            if renamed and not PLACEHOLDER.fullmatch(renamed):
                successor = self._division(renamed, code)
        return (successor, str(year)) if successor is not None else (None, "")

    def _new_division(self, names: list[str]) -> Division | None:
        """The division a change-list line ends in: province, city and county names."""
        *above, name = names
        found = [
            d
            for d in self.current.by_name.get(name, [])
            if d.level in REGION_LEVELS and {a.name for a in d.ancestors()} >= set(above[1:])
        ]
        if found:
            return found[0]
        return self._former(name) if name in self.listings else None


def _level(code: int) -> str:
    """The level a GB/T 2260 code is of: province (370000), city (370200) or county."""
    if code % 10000 == 0:
        return "province"
    return "city" if code % 100 == 0 else "county"


def _changes(lines: list[str]) -> dict[str, tuple[list[str], str]]:
    """Old name -> the names it changed into (province, city, county) and the year, from
    jionlp's change list (date, approval, old province, city, county with short names)."""
    changes = {}
    for line in lines:
        old, _, new = line.partition("=>")
        fields = old.split("\t")
        changes[fields[-2]] = (new.split("\t"), fields[0][:4])
    return changes


@cache
def former_divisions() -> FormerDivisions:
    """The former divisions, read once per process."""
    changes = _dictionary_file("china_location_change.txt").read_text(encoding="utf-8")
    return FormerDivisions(gazetteer(), gb2260_revisions, changes.splitlines())
