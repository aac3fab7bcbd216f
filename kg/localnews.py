"""The in-domain corpus ``data/localnews/``: local news annotated by the guidelines.

Layout: ``texts/<doc>.txt`` (one article as published), ``sources.tsv`` (file, address,
home city, province, date) and ``gold.jsonl`` (one line per article in the gold format of
``../shared/annotation/GUIDELINES.md``, plus ``roles``: the job titles written in the
article). While annotators work, each region keeps its own ``sources_<region>.tsv`` and
``gold_<region>.jsonl``; every file matching ``sources*.tsv`` and ``gold*.jsonl`` is read.

This module keeps the measured articles out of the corpus (:class:`Blocklist`: the held-out
hashes of ``../shared/annotation/exclude/``, the dev set and the seed pages; and the blind
held-out set ``data/heldout/``, :func:`story_texts`) and checks that
every annotation is well formed (:func:`check_record`). Character spans for training are
made from the names by :func:`entity_spans`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.records import ENTITY_TYPES, RELATION_TYPES

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "localnews"
HELDOUT_DIR = CORPUS_DIR.parent / "heldout"
"""Articles annotated blind by the guidelines alone, for measuring only (never trained on)."""
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"

WINDOW = 16
"""Characters per window of the text hashes (``exclude/README.md``)."""
WINDOW_HITS = 20
"""A page sharing this many windows with a measured article is that article."""
SPACE = re.compile(r"\s+")

ORG_TYPES = frozenset({"GOV", "COMPANY", "ORG"})
RELATION_ENDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "located_in": (frozenset({"COMPANY", "GOV", "ORG", "PROJECT"}), frozenset({"PLACE"})),
    "part_of": (frozenset({"PLACE"}), frozenset({"PLACE"})),
    "in_industry": (frozenset({"COMPANY", "PLACE", "PROJECT"}), frozenset({"INDUSTRY"})),
    "invests_in": (frozenset({"COMPANY", "GOV", "ORG"}), frozenset({"PROJECT"})),
}
"""Relation kind -> the entity types its head and its tail may have (holds_role apart)."""


def normalise_url(url: str) -> str:
    """The address as ``exclude/README.md`` hashes it: no scheme, lower case, no www./m., no /."""
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE).lower()
    url = re.sub(r"^(www\.|m\.)", "", url)
    return url.rstrip("/")


def url_hash(url: str) -> str:
    return hashlib.sha256(normalise_url(url).encode()).hexdigest()[:16]


def window_hashes(text: str) -> list[str]:
    """SHA-1 (12 hex digits) of every 16-character window of the text, white space removed."""
    flat = SPACE.sub("", text)
    return [
        hashlib.sha1(flat[i : i + WINDOW].encode()).hexdigest()[:12]
        for i in range(len(flat) - WINDOW + 1)
    ]


@dataclass
class Blocklist:
    """What the corpus must not hold: the held-out articles, the dev set and the seeds."""

    urls: set[str] = field(default_factory=set)
    windows: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, shared: Path = SHARED_DIR) -> Blocklist:
        """Read ``exclude/`` and hash the dev texts, dev addresses and seed pages."""
        annotation = shared / "annotation"
        exclude = annotation / "exclude"
        if not (exclude / "url_sha256.txt").is_file():
            raise FileNotFoundError(f"{exclude}: no exclude lists (is ../shared beside the repo?)")
        urls = set((exclude / "url_sha256.txt").read_text().split())
        windows = set((exclude / "text_sha1_16.txt").read_text().split())
        measured = [*(annotation / "dev" / "texts").glob("*.txt"), *(shared / "seeds").glob("*")]
        for path in measured:
            windows.update(window_hashes(path.read_text(encoding="utf-8", errors="replace")))
        for tsv in (annotation / "dev").glob("sources_*.tsv"):
            for row in csv.reader(tsv.open(encoding="utf-8"), delimiter="\t"):
                if len(row) > 1:
                    urls.add(url_hash(row[1]))
        return cls(urls, windows)

    def add_texts(self, texts: Iterable[str]) -> None:
        """Block these texts too (the corpus's own articles: no story twice)."""
        for text in texts:
            self.windows.update(window_hashes(text))

    def reason(self, text: str, url: str = "") -> str | None:
        """Why the page is out (a measured address, or text shared with a measured article)."""
        if url and url_hash(url) in self.urls:
            return "its address is a measured article's"
        hits = sum(h in self.windows for h in window_hashes(text))
        if hits >= WINDOW_HITS:
            return f"{hits} of its 16-character windows belong to a measured article"
        return None


def story_texts(skip: Path) -> Iterator[str]:
    """The texts of the training corpus and of the blind held-out set, but those at or under
    ``skip`` (a page or a folder): a story may be in one of the two, once. A page deleted
    while they are read (another annotator's, refused) is passed over."""
    skip = skip.resolve()
    for folder in (CORPUS_DIR, HELDOUT_DIR):
        for path in sorted((folder / "texts").glob("*.txt")):
            resolved = path.resolve()
            if resolved == skip or skip in resolved.parents:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            yield text


def read_sources(corpus: Path = CORPUS_DIR) -> dict[str, dict[str, str]]:
    """file -> {url, home_city, province, date} from ``sources.tsv`` and ``sources_*.tsv``."""
    rows: dict[str, dict[str, str]] = {}
    for tsv in sorted(corpus.glob("sources*.tsv")):
        for line in tsv.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if not cells[0] or cells[0] == "file":
                continue
            cells += [""] * (5 - len(cells))
            fields = ("url", "home_city", "province", "date")
            rows[cells[0]] = dict(zip(fields, cells[1:5], strict=True))
    return rows


def read_records(
    corpus: Path = CORPUS_DIR, pattern: str = "gold*.jsonl"
) -> Iterator[tuple[Path, int, dict]]:
    """(file, line number, record) for every line of the folder's files matching ``pattern``
    (by default ``gold.jsonl`` and ``gold_*.jsonl``)."""
    for path in sorted(corpus.glob(pattern)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield path, number, json.loads(line)


def surface_forms(entity: dict) -> list[str]:
    return [entity["name"], *entity.get("aliases", [])]


def check_record(record: dict, text: str) -> list[str]:
    """Every problem of one annotated article, as short sentences (empty when it is sound)."""
    problems: list[str] = []
    flat = SPACE.sub("", text)
    names: dict[str, str] = {}
    implied = {r.get("org") for r in record.get("relations", []) if r.get("type") == "holds_role"}
    for entity in record.get("entities", []):
        kind = entity.get("type")
        if kind not in ENTITY_TYPES:
            problems.append(f"entity {entity.get('name')!r}: unknown type {kind!r}")
            continue
        forms = surface_forms(entity)
        written = any(SPACE.sub("", form) in flat for form in forms)
        if not written and entity["name"] not in implied:
            problems.append(
                f"entity {entity['name']!r}: neither the name nor an alias is in the text"
            )
        for form in forms:
            if names.setdefault(form, kind) != kind:
                problems.append(f"{form!r} is listed as {names[form]} and as {kind}")
    for role in record.get("roles", []):
        if role not in text:
            problems.append(f"role {role!r} is not in the text")
    for relation in record.get("relations", []):
        problems += check_relation(relation, names, text)
    return problems


def check_relation(relation: dict, names: dict[str, str], text: str) -> list[str]:
    """Problems of one relation: its kind, its ends' types, its evidence."""
    kind = relation.get("type")
    if kind not in RELATION_TYPES:
        return [f"relation of unknown type {kind!r}"]
    problems = []
    evidence = relation.get("evidence", "")
    if not evidence or SPACE.sub("", evidence) not in SPACE.sub("", text):
        problems.append(f"{kind} evidence {evidence!r} is not in the text")
    if kind == "holds_role":
        ends = [("person", frozenset({"PERSON"})), ("org", ORG_TYPES)]
        if not relation.get("role"):
            problems.append(f"holds_role of {relation.get('person')!r} has no role")
    else:
        heads, tails = RELATION_ENDS[kind]
        ends = [("head", heads), ("tail", tails)]
    for end, allowed in ends:
        name = relation.get(end)
        if name not in names:
            problems.append(f"{kind} {end} {name!r} is not an entity of the article")
        elif names[name] not in allowed:
            problems.append(f"{kind} {end} {name!r} is a {names[name]}, not {'/'.join(allowed)}")
    return problems


def entity_spans(record: dict, text: str) -> list[tuple[int, int, str]]:
    """Character spans (start, end, label) of every written form of every entity and role."""
    return [(start, end, label) for start, end, label, _ in named_spans(record, text)]


def named_spans(record: dict, text: str) -> list[tuple[int, int, str, str]]:
    """Spans (start, end, label, canonical name) of every written form of every entity and
    title (a title's name is its text).

    Each surface form is found wherever it stands in the text; longer forms are placed
    first and a span never overlaps one placed before it.
    """
    forms: dict[str, tuple[str, str]] = {}
    for entity in record.get("entities", []):
        for form in surface_forms(entity):
            forms.setdefault(form, (entity["type"], entity["name"]))
    for role in roles_of(record):
        forms.setdefault(role, ("ROLE", role))
    taken = [False] * len(text)
    spans = []
    for form in sorted(forms, key=len, reverse=True):
        if not form.strip():
            continue
        for match in re.finditer(re.escape(form), text):
            start, end = match.span()
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                spans.append((start, end, *forms[form]))
    return sorted(spans)


def roles_of(record: dict) -> set[str]:
    """The job titles of an article: its ``roles`` and the roles of its holds_role tuples."""
    roles = set(record.get("roles", []))
    roles.update(r["role"] for r in record.get("relations", []) if r.get("type") == "holds_role")
    return roles


def check_corpus(corpus: Path, blocklist: Blocklist | None) -> list[str]:
    """Problems of the whole corpus, one line each naming the file: empty when it is sound."""
    problems = []
    sources = read_sources(corpus)
    seen: set[str] = set()
    for path, number, record in read_records(corpus):
        doc = record.get("doc", "")
        where = f"{path.name}:{number} ({doc})"
        text_path = corpus / "texts" / doc
        if doc in seen:
            problems.append(f"{where}: annotated twice")
        seen.add(doc)
        if not text_path.is_file():
            problems.append(f"{where}: no text file texts/{doc}")
            continue
        text = text_path.read_text(encoding="utf-8")
        problems += [f"{where}: {p}" for p in check_record(record, text)]
        if doc not in sources:
            problems.append(f"{where}: not in sources.tsv")
        if not record.get("home_city"):
            problems.append(f"{where}: no home_city")
        if blocklist is not None:
            why = blocklist.reason(text, sources.get(doc, {}).get("url", ""))
            if why:
                problems.append(f"{where}: measured article: {why}")
    return problems


def corpus_stats(records: Iterable[dict], sources: dict[str, dict[str, str]]) -> dict:
    """Articles, provinces, entities per type and relations per type of a corpus."""
    records = list(records)
    entities: dict[str, int] = {}
    relations: dict[str, int] = {}
    for record in records:
        for entity in record.get("entities", []):
            entities[entity["type"]] = entities.get(entity["type"], 0) + 1
        entities["ROLE"] = entities.get("ROLE", 0) + len(roles_of(record))
        for relation in record.get("relations", []):
            relations[relation["type"]] = relations.get(relation["type"], 0) + 1
    provinces = {sources.get(r["doc"], {}).get("province", "") for r in records} - {""}
    return {
        "articles": len(records),
        "provinces": len(provinces),
        "entities": entities,
        "relations": relations,
    }
