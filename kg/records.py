"""The records that pass between stages: the contract of the pipeline in one place.

text -> Article (ingest) -> spaCy Doc (ner) -> Mention, Relation (relations)
-> Entity, Fact (resolve) -> networkx graph (graph) -> Turtle, HTML (export);
Tenure: a post over time, read back from the graph (kg timeline, the HTML side panel)
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PERSON", "GOV", "COMPANY", "ORG", "PLACE", "PROJECT", "INDUSTRY")
"""Entity types that become graph nodes. ROLE is an NER label too, but a role is part of a post."""

NER_LABELS = (*ENTITY_TYPES, "ROLE")

RELATION_TYPES = ("holds_role", "located_in", "part_of", "in_industry", "invests_in")

HOME_REGION = "本地"
"""The text of an implicit PLACE mention that stands for the home region of the build (the
region whose industries an article lists without naming it); resolve reads it as that region."""


@dataclass(frozen=True)
class Article:
    """One article of a newspaper page; ``text == page_text[start:end]`` of the cleaned page."""

    source: str
    index: int
    title: str
    text: str
    start: int
    end: int
    byline: str = ""
    reporters: tuple[str, ...] = ()
    date: str | None = None

    @property
    def id(self) -> str:
        """Stable identifier: source file name and position on the page."""
        return f"{self.source}#{self.index}"


@dataclass(frozen=True)
class Mention:
    """A surface form of an entity in an article.

    ``context`` carries what the text says around a short form that a reader needs to
    expand it, e.g. the parent body "市委" for a bare "宣传部" in a chain of titles.
    ``implicit`` marks a mention the text does not spell out (the government implied
    by the title 副市长); it never becomes an alias. ``held`` marks an industry that the
    relation component scores something in, short of reading the relation: the graph keeps
    it as an industry all the same.
    """

    text: str
    label: str
    article: str
    sentence: str
    start: int = -1
    end: int = -1
    context: str = ""
    implicit: bool = False
    held: bool = False


@dataclass(frozen=True)
class Relation:
    """A relation between two mentions, as the text states it."""

    kind: str
    head: Mention
    tail: Mention
    evidence: str
    role: str | None = None
    amount_yuan: float | None = None
    former: bool = False
    """A post the article says its holder no longer has (原县委书记)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact or entity was read: the article id and the evidence sentence; ``former``
    where the article calls the post former (原县委书记)."""

    article: str
    sentence: str
    former: bool = False


@dataclass(frozen=True)
class Dataset:
    """Reference data that facts are taken from rather than read (the division tree)."""

    id: str
    title: str
    version: str


@dataclass
class Entity:
    """One node per real thing within a build."""

    id: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    sources: list[Source] = field(default_factory=list)
    code: str = ""
    """A place's GB/T 2260 division code, where the division data knows it."""
    reference: Dataset | None = None
    """The reference data a place known only from it (a parent place) comes from."""
    successor: str = ""
    """A former division's successor (an entity id), where the division data says it."""
    successor_since: str = ""
    """The year the former division became its successor."""
    note: str = ""
    """Why a person's articles are one person and what tells them from a namesake, for a
    person read in several articles or whose name was split (kg/persons.py)."""


@dataclass
class Fact:
    """A resolved relation between entity ids, with all the places it was read."""

    kind: str
    head: str
    tail: str
    role: str | None = None
    amount_yuan: float | None = None
    sources: list[Source] = field(default_factory=list)
    reference: Dataset | None = None
    """The reference data the fact was taken from (a place's parent in the division
    tree); ``sources`` holds only the articles that state it."""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.head, self.tail, self.role or "")


@dataclass(frozen=True)
class Tenure:
    """A post over time, as ``kg timeline`` and the page's side panel show it: a person's role
    in an organisation, the first and last date of the articles that say it is held (None
    when none of them is dated), whether some article calls it former (原县委书记) and the date
    of the first dated one that does (``ended``, else None), and how many articles that is in
    all."""

    role: str
    person: str
    organization: str
    first: str | None
    last: str | None
    articles: int
    former: bool = False
    ended: str | None = None

    def by_date(self) -> tuple[bool, str, str, str, str, str]:
        """Sort key of a person's posts: by first then last date, undated ones last."""
        dates = (self.first is None, self.first or "", self.last or "")
        return (*dates, self.role, self.organization, self.person)

    def by_role(self) -> tuple[str, bool, str, str, str, str, str]:
        """Sort key of an organisation's holders: by role, then as ``by_date``."""
        return (self.role, *self.by_date())
