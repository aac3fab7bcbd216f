"""Benchmark ``kg query`` and the exports on a graph of more than a million triples.

The graph is People's Daily, January 1998 (see bench_build.py), ``--copies`` times over
under other page names, built with ``kg build --jobs 2`` (the build cache makes a rerun
quick). Then:

- ``kg query`` in a fresh process, as a user runs it, on the store the build wrote (best and
  first of ``--runs``): the membership query of README.md, the members and roles of the
  organisation with the most posts, and a count of things per class (group by);
- the same queries in process on the Turtle file loaded into memory (what ``kg query`` does
  when there is no store), with the load time;
- the export steps on the same graph in process: N-Triples, Turtle, the store, the page.

Results go to bench/results/query.json (and are quoted in README.md):

    python bench/bench_query.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench_build import KG, RESULTS, SHARED, count_triples, machine, run_build, write_archive

HOME = "聊城市"
MEMBERSHIPS = """SELECT ?person ?role ?org ?date WHERE {
  ?m a org:Membership ; org:member/rdfs:label ?person ;
     org:role/rdfs:label ?role ; org:organization/rdfs:label ?org .
  OPTIONAL { ?m dcterms:date ?date }
} ORDER BY ?org ?role"""
LARGEST_ORG = """SELECT ?org (COUNT(?m) AS ?n) WHERE { ?m org:organization ?org }
GROUP BY ?org ORDER BY DESC(?n) LIMIT 1"""
MEMBERS_OF = """SELECT ?person ?role WHERE {
  ?m org:organization <%s> ; org:member/rdfs:label ?person ; org:role/rdfs:label ?role }"""
PER_CLASS = """SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n)"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="folder for archive and graph")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS / "query.json")
    return parser.parse_args(argv)


def write_copies(corpora: Path, archive: Path, copies: int) -> None:
    """The archive ``copies`` times over, page names prefixed with the copy number."""
    once = archive.parent / "once"
    shutil.rmtree(once, ignore_errors=True)
    pages = write_archive(corpora, once)
    archive.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for page in pages:
            target = archive / f"{copy}-{page.name}"
            if not target.exists():
                shutil.copy(page, target)
    shutil.rmtree(once)


def cli_seconds(graph: Path, query: str, runs: int) -> dict[str, float]:
    """Wall time of ``kg query GRAPH QUERY --format csv`` in a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", KG, "query", str(graph), query, "--format", "csv"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return {"first": round(times[0], 3), "best": round(min(times), 3)}


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function()
    return value, round(time.perf_counter() - start, 3)


def largest_org(graph: Path) -> str:
    from kg.query import run_query

    rows = run_query(graph, LARGEST_ORG, "csv").splitlines()
    return rows[1].split(",")[0]


def in_memory(graph: Path, queries: dict[str, str]) -> dict[str, float]:
    """Load the Turtle file into an in-memory store, then run each query."""
    import pyoxigraph as ox

    from kg.query import PREFIXES

    store = ox.Store()
    _, load = timed(lambda: store.load(path=str(graph), format=ox.RdfFormat.TURTLE))
    times = {"load_turtle": load}
    for name, query in queries.items():
        _, times[name] = timed(lambda q=query: list(store.query(q, prefixes=PREFIXES)))
    return times


def export_steps(archive: Path, out: Path, work: Path) -> dict[str, float]:
    """Resolve, graph and each export step over the cached pages, in process."""
    from kg.build import PageResult
    from kg.cache import CACHE_FOLDER, BuildCache, fingerprint
    from kg.export.html import render_html
    from kg.export.rdf import ntriples_to_turtle, to_ntriples
    from kg.graph import build_graph
    from kg.ingest import page_files
    from kg.query import write_store
    from kg.resolve import resolve

    cache = BuildCache(out / CACHE_FOLDER, fingerprint(None, HOME))
    results: list[PageResult] = []
    for page in page_files([archive], []):
        results.append(cache.get(cache.key(page.name, page.read_bytes())))
    articles = [a for r in results for a in r.articles]
    (entities, facts), resolve_s = timed(
        lambda: resolve((x for r in results for x in r.extracted), HOME)
    )
    graph, graph_s = timed(lambda: build_graph(articles, entities, facts))
    ntriples, ntriples_s = timed(lambda: to_ntriples(graph))
    _, turtle_s = timed(lambda: ntriples_to_turtle(ntriples))
    (work / "copy.ttl").write_bytes(b"")
    _, store_s = timed(lambda: write_store(work / "copy.ttl", ntriples))
    _, page_s = timed(lambda: render_html(graph))
    return {
        "resolve": resolve_s,
        "graph": graph_s,
        "ntriples": ntriples_s,
        "turtle_from_ntriples": turtle_s,
        "store": store_s,
        "html": page_s,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-query-"))
    archive, out = work / "archive", work / "out"
    write_copies(args.corpora, archive, args.copies)
    build = run_build(archive, out, 2)
    graph = out / "graph.ttl"
    queries = {
        "memberships": MEMBERSHIPS,
        "members_of_largest_org": MEMBERS_OF % largest_org(graph),
        "count_per_class": PER_CLASS,
    }
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "graph": {
            "copies": args.copies,
            "triples": count_triples(graph),
            "turtle_mb": round(graph.stat().st_size / 1e6, 1),
            "store_mb": round(sum(f.stat().st_size for f in out.rglob("graph.store/*/*")) / 1e6),
            "build": {k: v for k, v in build.items() if k != "report"},
            "report": build["report"],
        },
        "kg_query_store": {name: cli_seconds(graph, q, args.runs) for name, q in queries.items()},
        "in_memory": in_memory(graph, queries),
        "export_steps": export_steps(archive, out, work),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
