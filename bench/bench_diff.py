"""Benchmark ``kg diff`` on two versions of a synthetic graph, as a user runs it.

The new graph is bench_html.py's synthetic graph of N entities (people holding posts in
bodies, companies, places, projects invested in); the old one is the same graph without 5 %
of its people and projects and 5 % of the other posts, as if the new build had more pages.
Both are written as ``kg build`` writes them: graph.ttl and its on-disk store graph.store.
``kg diff`` runs in a fresh process, once on the stores and once on the Turtle files alone
(the stores removed), writing JSON; the report's counts are checked against what was
removed. Results go to bench/results/diff.json (and are quoted in README.md):

    PYTHONPATH=. python bench/bench_diff.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
from bench_build import KG, RESULTS, machine
from bench_html import synthetic_graph

from kg.export.rdf import ntriples_to_turtle, to_ntriples
from kg.query import store_path, write_store

SHARE_REMOVED = 0.05


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=RESULTS / "diff.json")
    return parser.parse_args(argv)


def older(graph: nx.MultiDiGraph, seed: int) -> tuple[nx.MultiDiGraph, int, int]:
    """The graph without some people, projects and posts; how many entities and posts that
    removes."""
    rng = random.Random(seed)
    old = graph.copy()
    gone = [
        node
        for node, data in graph.nodes(data=True)
        if data.get("type") in ("PERSON", "PROJECT") and rng.random() < SHARE_REMOVED
    ]
    old.remove_nodes_from(gone)
    posts = [
        (u, v, k) for u, v, k, d in old.edges(keys=True, data=True) if d["kind"] == "holds_role"
    ]
    old.remove_edges_from(p for p in posts if rng.random() < SHARE_REMOVED)
    return old, len(gone), _posts(graph) - _posts(old)


def _posts(graph: nx.MultiDiGraph) -> int:
    return sum(1 for _, _, kind in graph.edges(data="kind") if kind == "holds_role")


def write(graph: nx.MultiDiGraph, path: Path) -> int:
    """graph.ttl and graph.store as a build writes them; the number of triples."""
    ntriples = to_ntriples(graph)
    path.write_bytes(ntriples_to_turtle(ntriples))
    write_store(path, ntriples)
    return ntriples.count(b"\n")


def run_diff(old: Path, new: Path, out: Path) -> float:
    start = time.perf_counter()
    command = [sys.executable, "-c", KG, "diff", str(old), str(new), "--format", "json"]
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    return round(time.perf_counter() - start, 2)


def measure(size: int, seed: int, folder: Path) -> dict[str, object]:
    new_graph = synthetic_graph(size, seed)
    old_graph, entities_removed, posts_removed = older(new_graph, seed)
    old, new, out = folder / "old.ttl", folder / "new.ttl", folder / "diff.json"
    triples = write(new_graph, new)
    write(old_graph, old)
    with_store = run_diff(old, new, out)
    report = json.loads(out.read_text(encoding="utf-8"))
    added = report["entities"]["added"]
    assert len(added) == entities_removed, (len(added), entities_removed)
    assert len(report["posts"]["added"]) == posts_removed, posts_removed
    for path in (old, new):
        shutil.rmtree(store_path(path))
    turtle_only = run_diff(old, new, out)
    return {
        "entities": new_graph.number_of_nodes(),
        "triples_new": triples,
        "turtle_mb_new": round(new.stat().st_size / 1e6, 1),
        "posts_added": len(report["posts"]["added"]),
        "entities_added": len(added),
        "kg_diff_with_stores_s": with_store,
        "kg_diff_turtle_only_s": turtle_only,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="kg-bench-diff-") as work:
            rows.append(measure(size, args.seed, Path(work)))
        print(json.dumps(rows[-1]), flush=True)
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": rows,
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
