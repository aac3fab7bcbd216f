"""The whole path of a build: pages -> articles -> Docs -> relations -> graph -> exports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.export.html import write_html
from kg.export.rdf import write_turtle
from kg.graph import build_graph
from kg.ingest import load_pages
from kg.ner import load_pipeline
from kg.relations import extract
from kg.resolve import resolve


@dataclass
class BuildResult:
    """What a build read and wrote."""

    articles: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def build(
    paths: Iterable[Path],
    out_dir: Path,
    home_city: str,
    *,
    html_max_nodes: int | None = None,
    model: Path | None = None,
) -> BuildResult:
    """Read the pages under ``paths`` and write graph.ttl and graph.html into ``out_dir``."""
    articles, problems = load_pages(paths)
    nlp = load_pipeline(model, home_city)
    docs = nlp.pipe(a.text for a in articles)
    per_article = [extract(doc, article) for doc, article in zip(docs, articles, strict=True)]
    entities, facts = resolve(per_article, home_city)
    graph = build_graph(articles, entities, facts)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_turtle(graph, out_dir / "graph.ttl")
    write_html(graph, out_dir / "graph.html", max_nodes=html_max_nodes)
    return BuildResult(
        articles=len(articles),
        entities=Counter(e.type for e in entities),
        relations=Counter(f.kind for f in facts),
        problems=problems,
        outputs=[out_dir / "graph.ttl", out_dir / "graph.html"],
    )
