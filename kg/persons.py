"""Persons across an archive: one name is one person while the posts agree.

Resolution first makes one node per name (person/王刚). Over a paper's archive two people can
share a name, and one person's posts change, so the articles that name a person are grouped:

- An article is the unit: a name in one article is one person.
- A post's region is the place its body's name starts with (莘县委 -> 莘县, 聊城市人民政府 ->
  聊城市), placed in the division tree (山东省 > 聊城市 > 莘县). A body without one (商务部)
  or a post in a company has no region and agrees with every post.
- Two regions agree when they are the same or one lies inside the other (a county's bodies and
  its city's, a department and its government). Two other regions are a career step only in
  one province and one after the other: the dates at which they are read lie more than
  ``SAME_TIME`` apart. An undated article could be of any time: its region agrees only with
  regions that contain it or that it contains.
- An article's main region is the most local of its posts' regions; its posts in regions
  unrelated to that one are left out (an article is one person: a list of officials read
  wrongly). The articles of one main region never clash, and go together: in the order of
  their first date (undated last), each such batch joins a group it agrees with: one that
  shares a body, else a related region, else the largest, else the first; a batch that
  agrees with no group starts a new one. The articles without a post in a region then join
  the group that shares a body of theirs, else the largest (the first on a tie).

The largest group keeps the id ``person/王刚``; each other is ``person/王刚@莘县``, named for
the most local region of its posts. Every node read in two or more articles, and every node
of a name that was split, carries a note saying why its articles are one person and, after a
split, what tells it from the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from kg.records import Entity, Fact

SAME_TIME = timedelta(days=7)
"""Posts in two unrelated regions read less than this apart are held at the same time."""
REGION_BODIES = ("GOV", "ORG")
"""Entity types of the bodies whose place prefix is a post's region."""
LISTED_POSTS = 4
"""A note lists this many posts, then says how many more there are."""

Region = tuple[str, ...]
"""A region as its path in the division tree, province first; () for none."""
FactKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class _Post:
    body: str
    title: str
    region: Region


@dataclass
class _Unit:
    """One article that names the person: its date and the posts it reads."""

    article: str
    date: date | None
    posts: list[_Post]

    @cached_property
    def main(self) -> Region:
        """The most local region of the article's posts (the first on a tie), or ()."""
        return max((p.region for p in self.posts), key=len, default=())

    @cached_property
    def regions(self) -> set[Region]:
        """The regions of the posts that lie on one line with the main region: the regions
        of an article's other posts (a list of officials read wrongly) are left out."""
        return {p.region for p in self.posts if p.region and _related(p.region, self.main)}


@dataclass
class _Group:
    units: list[_Unit] = field(default_factory=list)

    @property
    def posts(self) -> list[tuple[_Post, date | None]]:
        return [(p, u.date) for u in self.units for p in u.posts]


def _related(first: Region, second: Region) -> bool:
    """Whether one region is the other or lies inside it."""
    shorter = min(len(first), len(second))
    return first[:shorter] == second[:shorter]


def _clash(units: Iterable[_Unit]) -> tuple[Region, Region, str] | None:
    """Two regions that one person cannot hold posts in, and why, or None."""
    dates: dict[Region, list[date | None]] = defaultdict(list)
    for unit in units:
        for region in unit.regions:
            dates[region].append(unit.date)
    regions = sorted(dates)
    for index, first in enumerate(regions):
        for second in regions[index + 1 :]:
            if _related(first, second):
                continue
            if first[0] != second[0]:
                return first, second, "分属不同省份"
            if None in dates[first] or None in dates[second]:
                return first, second, "文章无日期"
            if _overlap(dates[first], dates[second]):
                return first, second, "同期任职"
    return None


def _overlap(first: list, second: list) -> bool:
    """Whether two spans of dates lie less than ``SAME_TIME`` apart."""
    return min(second) - max(first) <= SAME_TIME and min(first) - max(second) <= SAME_TIME


def split_persons(
    region_of: Callable[[str], Region],
    entities: dict[str, Entity],
    facts: dict[FactKey, Fact],
    dates: Mapping[str, str | None],
) -> None:
    """Split each person node whose posts clash into one node per person, in place, and note
    on every person node read in several articles why its articles are one person."""
    posts = _posts_by_person(region_of, entities, facts)
    touching: dict[str, list[FactKey]] = {}
    persons = [e for e in entities.values() if e.type == "PERSON"]
    for person in [p for p in persons if len({s.article for s in p.sources}) > 1]:
        groups = _group(_units(person, posts.get(person.id, {}), dates))
        nodes = dict(zip(_ids(person, groups, entities), groups, strict=True))
        if len(nodes) > 1:
            touching = touching or _facts_by_person(entities, facts)
            old = {k: facts.pop(k) for k in touching[person.id] if k in facts}
            _split(person, nodes, entities, old, facts)
        for node, group in nodes.items():
            entities[node].note = _note(group, [(n, g) for n, g in nodes.items() if n != node])


def _facts_by_person(
    entities: Mapping[str, Entity], facts: Mapping[FactKey, Fact]
) -> dict[str, list[FactKey]]:
    """Person id -> the keys of the facts it is an end of."""
    found: dict[str, list[FactKey]] = defaultdict(list)
    for key, fact in facts.items():
        for end in {fact.head, fact.tail}:
            if entities[end].type == "PERSON":
                found[end].append(key)
    return found


def _posts_by_person(
    region_of: Callable[[str], Region], entities: dict[str, Entity], facts: dict[FactKey, Fact]
) -> dict[str, dict[str, list[_Post]]]:
    """Person id -> article -> the posts that article reads."""
    found: dict[str, dict[str, list[_Post]]] = defaultdict(lambda: defaultdict(list))
    for fact in facts.values():
        if fact.kind != "holds_role" or entities[fact.head].type != "PERSON":
            continue
        body = entities[fact.tail]
        region = region_of(body.name) if body.type in REGION_BODIES else ()
        post = _Post(body.id, body.name + (fact.role or ""), region)
        for source in fact.sources:
            if post not in found[fact.head][source.article]:
                found[fact.head][source.article].append(post)
    return found


def _units(
    person: Entity, posts: Mapping[str, list[_Post]], dates: Mapping[str, str | None]
) -> list[_Unit]:
    """The articles naming the person, those with posts in a region first, in date order."""
    articles = sorted({s.article for s in person.sources} | set(posts))
    units = [_Unit(a, _date(dates.get(a)), posts.get(a, [])) for a in articles]
    return sorted(units, key=lambda u: (not u.main, u.date is None, u.date or date.min))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _group(units: list[_Unit]) -> list[_Group]:
    """The articles grouped into persons, by the rule of the module docstring."""
    groups: list[_Group] = []
    for batch in _batches(units):
        fits = [g for g in groups if _clash([*g.units, *batch]) is None]
        if not fits:
            groups.append(_Group())
            fits = groups[-1:]
        if len(fits) > 1:
            fits.sort(key=lambda g: _preference(g, batch, groups))
        fits[0].units.extend(batch)
    return groups


def _batches(units: list[_Unit]) -> list[list[_Unit]]:
    """The articles with posts in one most local region together (they never clash), in the
    order of their first article; then each article without such a post alone."""
    blocks: dict[Region, list[_Unit]] = {}
    for unit in units:
        if unit.main:
            blocks.setdefault(unit.main, []).append(unit)
    return [*blocks.values(), *([u] for u in units if not u.main)]


def _preference(group: _Group, batch: list[_Unit], groups: list[_Group]) -> tuple:
    """Sort key of the groups a batch fits: a shared body, then a related region, then the
    largest, then the first."""
    bodies = {p.body for p, _ in group.posts}
    regions = {p.region for p, _ in group.posts if p.region}
    shares_body = any(p.body in bodies for u in batch for p in u.posts)
    shares_region = any(_related(a, b) for u in batch for a in u.regions for b in regions)
    return (not shares_body, not shares_region, -len(group.units), groups.index(group))


def _ids(person: Entity, groups: list[_Group], entities: Mapping[str, Entity]) -> list[str]:
    """Node ids of the groups: the largest (the first on a tie) keeps the person's id, each
    other one is named for the most local region of its posts."""
    main = min(range(len(groups)), key=lambda i: (-len(groups[i].units), i))
    ids: list[str] = []
    for index, group in enumerate(groups):
        if index == main:
            ids.append(person.id)
            continue
        place = max((p.region for p, _ in group.posts), key=len)[-1]
        node, count = f"{person.id}@{place}", 1
        while node in entities or node in ids:
            count += 1
            node = f"{person.id}@{place}{count}"
        ids.append(node)
    return ids


def _split(
    person: Entity,
    groups: dict[str, _Group],
    entities: dict[str, Entity],
    old: dict[FactKey, Fact],
    facts: dict[FactKey, Fact],
) -> None:
    """Replace the person's node by one per group and its facts (``old``, taken out of
    ``facts``) by one per group, each with its articles."""
    owner = {u.article: node for node, group in groups.items() for u in group.units}
    for node in groups:
        entities[node] = Entity(node, person.type, person.name, set(person.aliases))
    for source in person.sources:
        entities[owner[source.article]].sources.append(source)
    for fact in old.values():
        for source in fact.sources:
            node = owner[source.article]
            head = node if fact.head == person.id else fact.head
            tail = node if fact.tail == person.id else fact.tail
            part = Fact(fact.kind, head, tail, fact.role, fact.amount_yuan)
            facts.setdefault(part.key, part).sources.append(source)


def _note(group: _Group, others: list[tuple[str, _Group]]) -> str:
    """Why the group's articles are one person and, after a split, what tells it apart."""
    if len(group.units) < 2 and not others:
        return ""
    parts = [_joined(group, split=bool(others))]
    mine = {r for u in group.units for r in u.regions}
    for node, other in others:
        first, second, why = _clash([*group.units, *other.units])
        own, their = (first, second) if first in mine else (second, first)
        parts.append(
            f"同名另有{_display(node)}：此人任职于{own[-1]}，彼任职于{their[-1]}，"
            f"两地互不隶属，{why}"
        )
    return "；".join(parts)


def _joined(group: _Group, split: bool) -> str:
    """The reason the articles of one group are one person, and the posts they read."""
    listed: dict[str, date | None] = {}
    for post, day in sorted(group.posts, key=lambda p: (p[1] is None, p[1] or date.min)):
        listed.setdefault(post.title, day)
    count = len(group.units)
    if not listed:
        return f"同名，{count}篇文章均未写其职务，视为一人"
    shown = [f"{title}({day or '无日期'})" for title, day in list(listed.items())[:LISTED_POSTS]]
    posts = "、".join(shown) + (f"等{len(listed)}项" if len(listed) > LISTED_POSTS else "")
    if count == 1:
        return f"见于1篇文章，职务：{posts}"
    text = f"同名，职务相容，视为一人：{posts}（{_how(group)}）"
    bare = sum(1 for u in group.units if not u.posts)
    if bare:
        text += f"；另有{bare}篇文章未写职务" + ("，归入文章最多的这一位" if split else "")
    return text


def _how(group: _Group) -> str:
    """How the posts of a group agree: one body, one region, nested regions or in turn."""
    posts = [p for p, _ in group.posts]
    regions = list(dict.fromkeys(p.region for p in posts if p.region))
    if len({p.body for p in posts}) == 1:
        return "同一机构"
    if not regions:
        return "机构不属地方"
    if len(regions) == 1:
        return f"同在{regions[0][-1]}"
    if all(_related(a, b) for a in regions for b in regions):
        return "上下级地区：" + "、".join(r[-1] for r in sorted(regions, key=len))
    return "先后任职于" + "、".join(r[-1] for r in regions)


def _display(node: str) -> str:
    """A node id as a reader sees it: 王刚@莘县."""
    return node.split("/", 1)[1]
