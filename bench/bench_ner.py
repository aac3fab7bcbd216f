"""Benchmark a trained NER pipeline: throughput on real news text, memory, size, scores.

Throughput is characters per second of ``nlp.pipe`` in one process on People's Daily
(January 1998) paragraphs with their IDs and tags stripped; memory is the peak resident
set of the process (``resource.getrusage``). ``--threads`` caps the BLAS threads before
numpy loads (``--threads 1`` for a one-core figure); ``--ops numpy`` loads the model with
thinc's default backend instead of the model's own, for comparison. ``--cluener`` adds
per-label scores on CLUENER dev, ``--gold`` a document-level check of the seed pages
against the gold files (an entity counts as found when a predicted span of its type
equals its name or an alias). ``--with-rules`` measures the pipeline as ``kg build`` runs
it: the entity rules, then the model.

    PYTHONPATH=. python bench/bench_ner.py models/zh_kg --threads 1 --with-rules --cluener
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="a spaCy pipeline directory")
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--chars", type=int, default=300_000, help="characters to process")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    parser.add_argument("--ops", default=None, help="thinc backend instead of the model's")
    parser.add_argument("--cluener", action="store_true", help="score on CLUENER dev")
    parser.add_argument("--gold", action="store_true", help="check the seed pages' gold")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument(
        "--with-rules",
        action="store_true",
        help="add the entity rules and the place filter around the model, as kg build runs it",
    )
    parser.add_argument("--home-city", default="聊城市", help="home region of the rules")
    parser.add_argument("--gold-dir", type=Path, default=SHARED / "annotation" / "gold")
    return parser.parse_args(argv)


def news_paragraphs(corpora: Path, limit: int) -> list[str]:
    """People's Daily paragraphs, raw text, adding up to about ``limit`` characters."""
    from kg.corpora import CORPUS_FILES, peoples_daily_text

    paragraphs: list[str] = []
    total = 0
    for text in peoples_daily_text(corpora / CORPUS_FILES["peoples_daily_1998"]["train"]):
        if total >= limit:
            break
        paragraphs.append(text)
        total += len(text)
    return paragraphs


def throughput(nlp: object, texts: list[str], batch_size: int) -> dict[str, float]:
    """Characters and entities per second of ``nlp.pipe`` over the texts, after a warm-up."""
    for _ in nlp.pipe(texts[:20], batch_size=batch_size):  # type: ignore[attr-defined]
        pass
    start = time.perf_counter()
    entities = sum(
        len(doc.ents)
        for doc in nlp.pipe(texts, batch_size=batch_size)  # type: ignore[attr-defined]
    )
    seconds = time.perf_counter() - start
    chars = sum(map(len, texts))
    return {"chars": chars, "seconds": seconds, "chars_per_s": chars / seconds, "ents": entities}


def directory_size(path: Path) -> int:
    """Bytes of all files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_memory_mb() -> float:
    """Peak resident set of this process in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gold_pages(gold_dir: Path) -> Iterator[dict]:
    """The gold records (one per seed page) of the gold JSONL files."""
    for path in sorted(gold_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            yield from (json.loads(line) for line in lines if line.strip())


def page_counts(predicted: set[tuple[str, str]], entities: list[dict], kind: str) -> list[int]:
    """[gold found, gold, predicted correct, predicted] for one type on one page."""
    said = {text for text, label in predicted if label == kind}
    of_kind = [e for e in entities if e["type"] == kind]
    known = set().union(*({e["name"], *e["aliases"]} for e in of_kind))
    required = [{e["name"], *e["aliases"]} for e in of_kind if not e.get("optional")]
    found = sum(1 for names in required if names & said)
    return [found, len(required), len(said & known), len(said)]


def gold_check(nlp: object, seeds: Path, gold_dir: Path) -> dict[str, dict[str, float]]:
    """Per-type document-level recall and precision of predicted names on the seed pages.

    ROLE is left out: the gold lists roles only inside relations. "ALL" sums the types.
    """
    counts: dict[str, list[int]] = {}
    for page in gold_pages(gold_dir):
        doc = nlp((seeds / page["doc"]).read_text(encoding="utf-8"))  # type: ignore[operator]
        predicted = {("".join(e.text.split()), e.label_) for e in doc.ents}
        kinds = {e["type"] for e in page["entities"]} | {label for _, label in predicted}
        for kind in kinds - {"ROLE"}:
            numbers = page_counts(predicted, page["entities"], kind)
            for key in (kind, "ALL"):
                counts[key] = [
                    a + b for a, b in zip(counts.get(key, [0] * 4), numbers, strict=True)
                ]
    return {
        kind: {
            "recall": found / gold if gold else 0.0,
            "precision": correct / said if said else 0.0,
            "gold": gold,
            "predicted": said,
        }
        for kind, (found, gold, correct, said) in sorted(counts.items())
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        for variable in THREAD_VARIABLES:
            os.environ[variable] = str(args.threads)
    import spacy

    from kg.ner import add_rules  # (also registers what the model's config names)
    from kg.train import evaluate_cluener

    overrides = {}
    if args.ops:
        overrides = {"nlp": {"before_creation": {"@callbacks": "kg.use_ops.v1", "name": args.ops}}}
    nlp = spacy.load(args.model, config=overrides)
    if args.with_rules:
        add_rules(nlp, args.home_city)
    report: dict[str, object] = {
        "model": str(args.model),
        "pipeline": nlp.pipe_names,
        "ops": type(nlp.get_pipe("tok2vec").model.ops).__name__,
        "size_mb": directory_size(args.model) / 1e6,
        "threads": args.threads,
        "throughput": throughput(nlp, news_paragraphs(args.corpora, args.chars), args.batch_size),
        "peak_rss_mb": peak_memory_mb(),
    }
    if args.cluener:
        report["cluener_dev"] = evaluate_cluener(nlp, args.corpora)
    if args.gold:
        report["seed_gold"] = gold_check(nlp, args.seeds, args.gold_dir)
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
