"""Benchmark what a second annotator scores on the dev set, and kg against that annotator.

``../dev-reread`` (beside the clone, as ``../shared`` is: the annotations quote the dev
set's articles; ``docs/dev-reread.md``) holds the dev set's 59 articles annotated a second
time, blind, by the guidelines alone; each line is checked against its text first. Scored
against the dev set's own annotations the way ``kg evaluate`` scores a build (the dev set's
optional items neutral), the second annotator shows what a careful reader reaches on the
dev set: the ceiling the targets are set under. Two ways are given: its required items as
the output, and its required and optional items (everything it saw); and, as the corpus's
agreement is measured, the two annotations against each other with an item either marks
optional counting neither way. Then kg's build of the dev set is scored against the second
annotator beside the score against the dev set: where kg's errors are kg's, and not one
annotator's reading, the two scores are alike. Every figure has a 95% interval over the
articles (``bench_quality.intervals``).

    PYTHONPATH=. python bench/bench_human.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import tempfile
from pathlib import Path

import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_quality import ROOT, SHARED, Builds, columns, counts_array, doc_counts, f1s, intervals

REREAD = ROOT.parent / "dev-reread"
RESULTS = ROOT / "bench" / "results" / "human.json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="spaCy pipeline directory")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--second", type=Path, default=REREAD, help="the second annotation")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def scores(counts: numpy.ndarray) -> dict:
    """Each column's F1 with its 95% interval."""
    point = f1s(counts, numpy.arange(len(counts)))
    spread = intervals(counts)
    return {
        name: [round(float(p), 3), *spread[name]] for name, p in zip(columns(), point, strict=True)
    }


def kg_against(builds: Builds, second: dict[str, dict]) -> list:
    """kg's dev builds scored against the second annotation of the same docs."""
    from kg.evaluate import evaluate_docs, read_gold_lines

    reports = []
    for gold, graph in builds.graphs["dev"]:
        lines = [second[line["doc"]] for line in read_gold_lines([gold])]
        path = gold.with_name("second.jsonl")
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
        reports += evaluate_docs([path], graph)
    return reports


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from kg.evaluate import agreement, read_gold_lines, scored_as_built
    from kg.localnews import check_record

    dev_gold = sorted((args.shared / "annotation" / "dev").glob("gold_*.jsonl"))
    if not dev_gold:
        sys.exit(f"{args.shared}: no dev set (annotation/dev/gold_*.jsonl)")
    dev = read_gold_lines(dev_gold)
    sheets = sorted(args.second.glob("gold_*.jsonl"))
    if not sheets:
        sys.exit(f"{args.second}: no second annotation (gold_*.jsonl); see docs/dev-reread.md")
    second = {line["doc"]: line for line in read_gold_lines(sheets)}
    missing = sorted({line["doc"] for line in dev} - set(second))
    if missing:
        sys.exit(f"{args.second}: no second annotation of {len(missing)} dev docs ({missing[0]}…)")
    texts = args.shared / "annotation" / "dev" / "texts"
    for doc, line in second.items():
        problems = check_record(line, (texts / doc).read_text(encoding="utf-8"))
        if problems:
            sys.exit(f"{args.second}: {doc}: {problems[0]}")
    results = {
        "agreement (an item either marks optional counts neither way)": scores(
            counts_array(agreement([x], [second[x["doc"]]]) for x in dev)
        ),
        "second annotator, required items": scores(
            counts_array(scored_as_built(x, second[x["doc"]]) for x in dev)
        ),
        "second annotator, all its items": scores(
            counts_array(scored_as_built(x, second[x["doc"]], everything=True) for x in dev)
        ),
    }
    with tempfile.TemporaryDirectory(prefix="kg-human-") as temporary:
        builds = Builds(args.model, Path(temporary))
        builds.dev(args.shared)
        results["kg against the dev set"] = scores(doc_counts(builds.graphs["dev"]))
        results["kg against the second annotator"] = scores(
            counts_array(kg_against(builds, second))
        )
    results["date"] = datetime.date.today().isoformat()
    results["machine"] = f"{platform.machine()}, {platform.python_version()}"
    results["model"] = str(args.model or "models/zh_kg")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, found in results.items():
        if isinstance(found, dict):
            print(name, " ".join(f"{k}={v[0]}" for k, v in found.items()))


if __name__ == "__main__":
    main()
