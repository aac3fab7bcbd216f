"""Benchmark the HTML page: size, Python time, and time to a stable picture in headless Chromium.

Pages: the seeds' graph (built from seeds/ with the rules) and synthetic graphs of N entities
shaped like a city paper's (people holding posts in bodies, companies in places and
industries, places in places, projects invested in), with one source sentence per fact and
per entity. For each page: the bytes, the seconds Python takes to lay out and write it, and
in Debian's Chromium (tests/browser.py) the milliseconds from navigation start to the first
complete drawing of the network (physics is off and positions are given, so that picture is
the stable one), then to redraw after a zoom and after hiding one entity type.

    PYTHONPATH=. python bench/bench_html.py --sizes 1000 5000 20000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.html import render_html  # noqa: E402
from kg.graph import article_node  # noqa: E402
from kg.records import Source  # noqa: E402
from tests.browser import chromium, open_page  # noqa: E402

SHARES = {
    "PERSON": 0.40,
    "GOV": 0.10,
    "COMPANY": 0.15,
    "ORG": 0.10,
    "PLACE": 0.15,
    "PROJECT": 0.05,
    "INDUSTRY": 0.05,
}
CHARS = "张王李刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐东昌府阳谷莘县冠临清茌平高唐聊城"
REDRAW = """(change) => new Promise((resolve) => {
  const start = performance.now();
  kg.network.once("afterDrawing", () => resolve(performance.now() - start));
  if (change === "zoom") kg.network.moveTo({ scale: kg.network.getScale() * 1.5 });
  else document.querySelector('input[data-filter="type"][value="PERSON"]').click();
})"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--no-seeds", action="store_true", help="skip the seeds' page")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the synthetic graphs")
    return parser.parse_args(argv)


def synthetic_graph(size: int, seed: int = 0) -> nx.MultiDiGraph:
    """A graph of about ``size`` entities in the shape of kg/graph.py, with made-up text."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    articles = [article_node(f"synthetic.txt#{i}") for i in range(max(1, size // 10))]
    for index, node in enumerate(articles):
        graph.add_node(
            node, kind="article", title=f"第{index}篇报道", source="synthetic.txt", index=index,
            date="2024-11-08", start=0, end=1000, reporters=(),
        )  # fmt: skip

    def source() -> tuple[Source, ...]:
        words = "".join(rng.choice(CHARS) for _ in range(rng.randint(20, 60)))
        return (Source(rng.choice(articles), words + "。"),)

    ids: dict[str, list[str]] = {}
    for entity_type, share in SHARES.items():
        ids[entity_type] = []
        for i in range(max(1, int(size * share))):
            name = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5))) + str(i)
            node = f"{entity_type.lower()}/{name}"
            ids[entity_type].append(node)
            graph.add_node(
                node, kind="entity", type=entity_type, name=name, aliases=(), official=False,
                sources=source(),
            )  # fmt: skip

    def fact(kind: str, head: str, tail: str, role: str | None = None) -> None:
        graph.add_edge(
            head, tail, key=(kind, head, tail, role or ""), kind=kind, role=role,
            amount_yuan=None, sources=source(),
        )  # fmt: skip

    bodies = ids["GOV"] + ids["ORG"]
    for person in ids["PERSON"]:
        for _ in range(rng.choice((1, 1, 2))):
            fact("holds_role", person, rng.choice(bodies), rng.choice(("书记", "主任", "副市长")))
    for company in ids["COMPANY"]:
        fact("located_in", company, rng.choice(ids["PLACE"]))
        fact("in_industry", company, rng.choice(ids["INDUSTRY"]))
    for i, place in enumerate(ids["PLACE"][1:], 1):
        fact("part_of", place, ids["PLACE"][rng.randrange(i)])
    for project in ids["PROJECT"]:
        fact("located_in", project, rng.choice(ids["PLACE"]))
        fact("invests_in", rng.choice(ids["COMPANY"]), project)
    return graph


def seeds_graph() -> nx.MultiDiGraph:
    """The graph of seeds/, as ``kg build`` makes it (rules only, no cache)."""
    from kg.graph import build_graph
    from kg.ingest import load_pages
    from kg.ner import load_pipeline
    from kg.relations import extract
    from kg.resolve import resolve

    articles, _ = load_pages([ROOT / "seeds"])
    nlp = load_pipeline(None, "聊城市")
    docs = nlp.pipe(a.text for a in articles)
    extracted = [extract(doc, article) for doc, article in zip(docs, articles, strict=True)]
    entities, facts = resolve(extracted, "聊城市")
    return build_graph(articles, entities, facts)


def measure(browser: Any, name: str, graph: nx.MultiDiGraph, folder: Path) -> dict[str, Any]:
    """Size, Python seconds and browser milliseconds of one page."""
    start = time.perf_counter()
    page_text = render_html(graph)
    python_s = time.perf_counter() - start
    path = folder / f"{name}.html"
    path.write_text(page_text, encoding="utf-8")
    requests: list[str] = []
    page = open_page(browser, path.as_uri(), requests, timeout_ms=600_000)
    stable_ms = page.evaluate("performance.now()")
    row = {
        "page": name,
        "entities": page.evaluate("kg.nodes.length"),
        "edges": page.evaluate("kg.edges.length"),
        "MB": len(page_text.encode("utf-8")) / 1e6,
        "python s": python_s,
        "stable picture ms": float(stable_ms),
        "zoom redraw ms": float(page.evaluate(REDRAW, "zoom")),
        "filter redraw ms": float(page.evaluate(REDRAW, "filter")),
        "requests": len(requests) - 1,
    }
    page.close()
    return row


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    pages = [] if args.no_seeds else [("seeds", seeds_graph())]
    pages += [(f"synthetic-{n}", synthetic_graph(n, args.seed)) for n in args.sizes]
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        rows = [measure(browser, name, graph, Path(folder)) for name, graph in pages]
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for row in rows:
        cells = (f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values())
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
