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

from kg.records import Dataset

LEVELS = ("province", "city", "county", "town", "village")


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


def division_dataset() -> Dataset:
    """The division tree as reference data: its name and the jionlp version that ships it."""
    try:
        version = importlib.metadata.version("jionlp")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    return Dataset("gb2260", "GB/T 2260 行政区划 (jionlp china_location)", version)


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
        lines in ten, go to their town's list as they come, the town looked up once."""
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
            division = Division(
                name=fields[0],
                level=LEVELS[depth],
                code=fields[1] if len(fields) > 1 else "",
                short=fields[2] if len(fields) > 2 else "",
                parent=parent,
            )
            del path[depth:]
            path.append(division)
            if depth == 3:
                villages = self._villages[division]
            self.by_name[division.name].append(division)
            if division.short and division.short != division.name:
                self.by_short[division.short].append(division)

    def find(self, name: str) -> list[Division]:
        """Divisions whose full or short name is ``name``, larger ones first."""
        found = self.by_name.get(name, []) + self.by_short.get(name, [])
        return sorted(set(found), key=lambda d: (LEVELS.index(d.level), d.code, d.name))

    def region(self, name: str) -> Division:
        """The home region a user names (聊城市, 聊城, 冠县).

        A name the data does not know but that has the shape of a region (胶南市, 宜宾县: a
        former division) is a region of its own, with no code and no parent; anything else
        raises KeyError."""
        found = [d for d in self.find(name) if d.level in ("province", "city", "county")]
        if found:
            return found[0]
        if REGION_SHAPE.fullmatch(name):
            return Division(name, LEVEL_OF_ENDING[name[-1]])
        raise KeyError(name)

    def knows(self, name: str) -> bool:
        """Whether the division data lists the region (by full or short name)."""
        return any(d.level in ("province", "city", "county") for d in self.find(name))

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
        villages, province and city short names, countries and large cities abroad. County
        short names are left to ``county_short_names``: alone they are often common words
        (合作, 通道)."""
        names = self.countries | self.foreign_cities
        for name, divisions in self.by_name.items():
            if len(name) == 2 and name.endswith(("区", "道")):
                continue
            large = any(d.level in ("province", "city", "county") for d in divisions)
            town = any(d.level == "town" for d in divisions) and name.endswith(TOWN_ENDINGS)
            if large or town:
                names.add(name)
        for short, divisions in self.by_short.items():
            if len(short) >= 2 and any(d.level in ("province", "city") for d in divisions):
                names.add(short)
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
