"""Benchmark ``kg timeline`` and the interval query of README.md on an archive-sized graph.

The graph is bench_html.py's synthetic city paper (people holding posts in bodies, companies,
places, projects; made-up names) with its articles dated one day apart from 2008 on and each
post read in one to four articles, exported as ``kg build`` exports (graph.ttl and the
graph.store beside it). Timed in a fresh process, as a user runs them (best and first of
``--runs``): ``kg timeline`` of the person with the most posts, of the body with the most
holders, of that person's name spelt with spaces (found by a scan of the labels, not the
index) and of a name that fits nothing (the error lists names containing it: a scan too),
and ``kg query`` of the README's "who held 书记 of 聊城市委 on a day" for that body.

    PYTHONPATH=. python bench/bench_timeline.py --size 100000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_build import KG, RESULTS, machine  # noqa: E402
from bench_html import synthetic_graph  # noqa: E402

from kg.export import write_atomic  # noqa: E402
from kg.export.rdf import ntriples_to_turtle, to_ntriples  # noqa: E402
from kg.query import write_store  # noqa: E402
from kg.records import Source  # noqa: E402
from tests.test_cli import readme_query  # noqa: E402

HELD_ON = readme_query("Who held 书记 of 聊城市委 on a given day").replace(
    '"2024-11-08"', '"2014-06-01"'
)
"""The README's question, of 2014-06-01; the body's name goes in for 聊城市委."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="entities of the graph")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS / "timeline.json")
    return parser.parse_args(argv)


def dated_graph(size: int) -> nx.MultiDiGraph:
    """The synthetic graph, its articles a day apart, each post read in 1 to 4 articles."""
    rng = random.Random(1)
    graph = synthetic_graph(size)
    articles = [n for n, kind in graph.nodes(data="kind") if kind == "article"]
    for day, node in enumerate(articles):
        graph.nodes[node]["date"] = (date(2008, 1, 1) + timedelta(days=day)).isoformat()
    for _, _, data in graph.edges(data=True):
        if data["kind"] == "holds_role":
            more = [Source(a, f"第{a}篇。") for a in rng.sample(articles, rng.randint(0, 3))]
            data["sources"] = tuple(sorted({*data["sources"], *more}, key=lambda s: s.article))
    return graph


def export(graph: nx.MultiDiGraph, folder: Path) -> tuple[Path, int]:
    """graph.ttl and graph.store as ``kg build`` writes them; the number of triples."""
    ntriples = to_ntriples(graph)
    path = folder / "graph.ttl"
    write_atomic(path, ntriples_to_turtle(ntriples))
    write_store(path, ntriples)
    return path, ntriples.count(b"\n")


def most(graph: nx.MultiDiGraph, end: int) -> str:
    """The name of the entity at ``end`` (0 head, 1 tail) of the most posts."""
    posts = Counter(e[end] for e in graph.edges(data="kind") if e[2] == "holds_role")
    return graph.nodes[posts.most_common(1)[0][0]]["name"]


def cli_seconds(args: list[str], runs: int) -> dict[str, float]:
    """Wall time of ``kg ARGS`` in a fresh process, and its exit status."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", KG, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        times.append(time.perf_counter() - start)
    return {"first": round(times[0], 3), "best": round(min(times), 3), "exit": done.returncode}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    graph = dated_graph(args.size)
    with tempfile.TemporaryDirectory() as work:
        ttl, triples = export(graph, Path(work))
        person, body = most(graph, 0), most(graph, 1)
        held_on = HELD_ON.replace("聊城市委", body)
        result = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": machine(),
            "entities": args.size,
            "posts": sum(1 for e in graph.edges(data="kind") if e[2] == "holds_role"),
            "triples": triples,
            "graph_ttl_mb": round(ttl.stat().st_size / 1e6, 1),
            **{
                f"timeline_{what}_s": cli_seconds(
                    ["timeline", name, "--graph", str(ttl), "--format", "csv"], args.runs
                )
                for what, name in (
                    ("person", person),
                    ("body", body),
                    ("spaced_name", " ".join(person)),
                    ("unknown_name", "无此人"),
                )
            },
            "held_on_query_s": cli_seconds(["query", str(ttl), held_on], args.runs),
        }
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
