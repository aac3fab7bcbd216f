"""Where recall is lost: each missed gold relation and entity, put in the stage that lost it.

The texts are built one home city at a time, as ``kg evaluate --texts`` does, and scored
as it scores them (:func:`kg.evaluate.pairing`). Each required gold item left unpaired is
then looked up in the pipeline's Docs of the same texts:

- a relation, where its evidence is written: each end is found as an entity of an allowed
  type (``ok``), or of another type, or only inside a longer name (``nested``), or
  overlapping an entity of another extent, or in no entity, or not written there at all;
  with both ends found, the pair was not a candidate (not in one sentence, too many
  entities apart), or was and scored under the threshold, or was chosen and lost after
  (posts, resolution, the graph);
- an entity, anywhere in its article: found with its type but lost after the NER, found
  with another type, only inside a longer name, with another extent, not found, or none
  of its forms written.

``--corpus`` looks at the dev split of ``data/localnews`` (the articles ``kg train`` holds
out) instead of the shared dev set.

    PYTHONPATH=. python bench/bench_recall.py [--corpus] [--model DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "recall.json"
END_STATES = ("ok", "other type", "nested", "other extent", "not found", "not written")
"""What became of a gold end (or entity) where it is written, best first."""
THRESHOLD_BINS = (0.1, 0.2, 0.3, 0.4)
STAGES = (
    ("not found", "not found by the NER"),
    ("other extent", "found with another extent or type"),
    ("other type", "found with another extent or type"),
    ("nested", "only inside a longer name"),
    ("not written", "not written where the evidence is"),
    ("evidence not in", "not written where the evidence is"),
    ("one span", "no candidate pair"),
    ("not in one sentence", "no candidate pair"),
    ("too many", "no candidate pair"),
    ("not a candidate", "no candidate pair"),
    ("under the threshold", "candidate scored under the threshold"),
    ("lost after", "found, lost after the NER or the scoring"),
    ("not chosen", "candidate scored under the threshold"),
)
"""Loss categories -> the stage they belong to, for the summary (first match wins)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="spaCy pipeline directory")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--corpus", action="store_true", help="the local news dev split")
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


@dataclass
class Article:
    """One article of a gold doc as the pipeline read it."""

    text: str
    doc: Doc
    pairs: dict
    """Candidate pair key -> class probabilities (the relation component's)."""
    rule_pairs: dict
    """Candidate pair key -> the kinds the relation rules give it."""


def read_articles(nlp: Language, path: Path) -> list[Article]:
    """The articles of a page file through the pipeline, with their scored candidates."""
    from kg.ingest import page_articles, read_bytes
    from kg.relation_model import key, rule_pairs

    scorer = nlp.get_pipe("kg_relations")
    found = []
    articles = page_articles(read_bytes(path), path)
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        pairs, scores, rules = scorer.predict([doc])[0]
        probabilities = {key(a, b): row for (a, b), row in zip(pairs, scores, strict=True)}
        ruled = rule_pairs(doc, rules.relations, rules.extractor.ents)
        found.append(Article(article.text, doc, probabilities, ruled))
    return found


def end_state(
    article: Article, forms: frozenset[str], types: frozenset[str], low: int, high: int
) -> tuple[str, Span | None]:
    """What became of one gold end between two character offsets, and its span if ``ok``."""
    from kg.evaluate import squeeze

    ents = [e for e in article.doc.ents if e.start_char < high and e.end_char > low]
    exact = [e for e in ents if squeeze(e.text) in forms]
    for ent in exact:
        if ent.label_ in types:
            return "ok", ent
    if exact:
        return "other type", None
    written = [
        m.span()
        for form in forms
        if form
        for m in re.finditer(re.escape(form), article.text[low:high])
    ]
    written = [(low + a, low + b) for a, b in written]
    if not written:
        return "not written", None
    states = []
    for a, b in written:
        over = [e for e in ents if e.start_char < b and e.end_char > a]
        if inside := [e for e in over if e.start_char <= a and b <= e.end_char]:
            states.append(("nested", inside[0]))
        elif over:
            states.append(("other extent", None))
        else:
            states.append(("not found", None))
    return min(states, key=lambda state: END_STATES.index(state[0]))


def evidence_windows(article: Article, evidence: str) -> list[tuple[int, int]]:
    """Where the evidence is written in the article (nowhere when it is empty)."""
    evidence = evidence.strip()
    found = [m.span() for m in re.finditer(re.escape(evidence), article.text)] if evidence else []
    return found


def pair_state(article: Article, kind: str, first: Span, second: Span) -> str:
    """What became of a pair whose two ends were both found: candidate or not, and how it
    scored."""
    from kg.relation_model import CLASSES, MAX_ENTITY_GAP, key
    from kg.relations import EntityIndex, sentences

    if first.start == second.start:
        return "one span for both ends"
    index = EntityIndex(article.doc)
    sentence = next((s for s in sentences(article.doc) if s.start <= first.start < s.end), None)
    if sentence is None or not sentence.start <= second.start < sentence.end:
        return "not in one sentence"
    ents = [(e.start, e.end) for e in index.within(sentence)]
    at = {span: i for i, span in enumerate(ents)}
    i, j = at.get((first.start, first.end)), at.get((second.start, second.end))
    if i is None or j is None or abs(i - j) > MAX_ENTITY_GAP:
        return "too many entities apart"
    row = article.pairs.get(key(first, second))
    if row is None:
        return "not a candidate (types)"
    probability = float(row[CLASSES.index(kind)])
    if kind in article.rule_pairs.get(key(first, second), set()):
        ruled = "rules read it"
    else:
        ruled = "rules did not"
    if int(row.argmax()) == CLASSES.index(kind) and probability >= 0.5:
        return f"scored over the threshold, lost after ({ruled})"
    band = next((f"p < {b}" for b in THRESHOLD_BINS if probability < b), "p >= 0.4")
    return f"scored under the threshold, {band} ({ruled})"


def post_state(article: Article, role: str, person: Span, org: Span, low: int, high: int) -> str:
    """What became of a post whose person and body were both found: its title found or
    not, and which of its two halves (title-person, title-body) the component chose."""
    from kg.relation_model import CLASSES, key

    titles = [
        e
        for e in article.doc.ents
        if e.label_ == "ROLE" and e.text == role and low <= e.start_char < high
    ]
    if not titles:
        return "both ends found, title not found"
    halves = []
    for kind, other in (("role_of", person), ("role_in", org)):
        rows = [article.pairs.get(key(title, other)) for title in titles]
        chosen = any(
            row is not None and int(row.argmax()) == CLASSES.index(kind) and row.max() >= 0.5
            for row in rows
        )
        halves.append(chosen)
    if all(halves):
        return "both ends found, both halves chosen, lost after"
    names = ("title-person", "title-body")
    missing = [name for name, ok in zip(names, halves, strict=True) if not ok]
    return f"both ends found, {' and '.join(missing)} not chosen"


def relation_ends(relation: dict) -> list[tuple[str, frozenset[str]]]:
    """A gold relation's ends as (name, allowed types) in candidate order."""
    from kg.relation_model import ORGS, PAIR_TYPES

    kind = relation["type"]
    if kind == "holds_role":
        return [(relation["person"], frozenset({"PERSON"})), (relation["org"], ORGS)]
    heads, tails = PAIR_TYPES[kind]
    return [(relation["head"], heads), (relation["tail"], tails)]


def unwritten(articles: list[Article], forms: frozenset[str]) -> str:
    """Where an end that its evidence does not write is written: elsewhere or nowhere."""
    written = any(form and form in article.text for article in articles for form in forms)
    return "written elsewhere in the article" if written else "nowhere in the article"


def relation_loss(
    articles: list[Article], relation: dict, forms: dict[str, frozenset], types_of: dict[str, str]
) -> str:
    """The stage a missed gold relation was lost in, the furthest any of its places got."""
    from kg.evaluate import squeeze

    ends = relation_ends(relation)
    best = None
    for article in articles:
        for low, high in evidence_windows(article, relation.get("evidence", "")):
            found = [
                end_state(article, forms.get(name, frozenset({squeeze(name)})), types, low, high)
                for name, types in ends
            ]
            states = [state for state, _ in found]
            if states == ["ok", "ok"]:
                if relation["type"] == "holds_role":
                    role = relation.get("role", "")
                    outcome = (9, post_state(article, role, found[0][1], found[1][1], low, high))
                else:
                    outcome = (9, pair_state(article, relation["type"], found[0][1], found[1][1]))
            else:
                worst = max(states, key=END_STATES.index)
                end = 0 if states[0] == worst else 1
                name = ends[end][0]
                said = f"{('head', 'tail')[end]} {worst}"
                other = found[1 - end][1]
                if worst == "nested" and states[1 - end] == "ok" and found[end][1] == other:
                    said += f" in the {('head', 'tail')[1 - end]}'s name ({other.label_})"
                elif worst == "nested":
                    said += f" in a {found[end][1].label_}"
                if worst == "not written":
                    where = unwritten(articles, forms.get(name, frozenset({squeeze(name)})))
                    said += f" ({types_of.get(name, '?')}, {where})"
                outcome = (END_STATES.index("not written") - END_STATES.index(worst), said)
            best = outcome if best is None or outcome[0] > best[0] else best
    return best[1] if best else "evidence not in the text"


def entity_loss(articles: list[Article], entity) -> str:
    """The stage a missed gold entity was lost in, the furthest any of its articles got."""
    types = frozenset({entity.type})
    states = [end_state(a, entity.forms, types, 0, len(a.text)) for a in articles]
    state, span = min(states, key=lambda s: END_STATES.index(s[0]), default=("not written", None))
    if state == "ok":
        return "found by the NER, lost after"
    return f"nested in a {span.label_}" if state == "nested" else state


def missed(outputs: list, gold: list, matches) -> list[int]:
    """Indices into ``gold`` of the required items no output is paired with."""
    from kg.evaluate import pairing

    required = [i for i, item in enumerate(gold) if not item.optional]
    paired = set(pairing(outputs, [gold[i] for i in required], matches).values())
    return [i for n, i in enumerate(required) if n not in paired]


def losses_of_group(nlp: Language, gold_path: Path, graph: Path, texts: Path) -> dict[str, Counter]:
    """Loss counts of one home city's build: per relation kind and per entity type."""
    from kg.evaluate import load_gold, node_matches, read_output, relation_matches
    from kg.query import load_store

    lines = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    output = read_output(load_store(graph), {line["doc"] for line in lines})
    found: dict[str, Counter] = defaultdict(Counter)
    for line, gold in zip(lines, load_gold([gold_path]), strict=True):
        doc_out = output.get(gold.doc)
        articles = read_articles(nlp, texts / gold.doc)
        forms: dict[str, frozenset[str]] = defaultdict(frozenset)
        types_of = {entity.name: entity.type for entity in gold.entities}
        for entity in gold.entities:
            forms[entity.name] |= entity.forms
        for kind in {r.kind for r in gold.relations}:
            indices = [i for i, r in enumerate(gold.relations) if r.kind == kind]
            mine = [r for r in (doc_out.relations if doc_out else []) if r.kind == kind]
            theirs = [gold.relations[i] for i in indices]
            for n in missed(mine, theirs, relation_matches):
                raw = line["relations"][indices[n]]
                found[kind][relation_loss(articles, raw, forms, types_of)] += 1
        for kind in {e.type for e in gold.entities}:
            theirs = [e for e in gold.entities if e.type == kind]
            mine = [node for node in (doc_out.nodes if doc_out else []) if node.type == kind]
            for n in missed(mine, theirs, node_matches):
                found[f"entity {kind}"][entity_loss(articles, theirs[n])] += 1
    return found


def run(model: Path | None, gold_paths: list[Path], texts: Path, work: Path) -> dict:
    """Build each home city, score it, and count the losses over all of them."""
    from kg.build import _pipeline, build
    from kg.evaluate import Report, evaluate_per_home_city

    def build_graph(pages: list[Path], out_dir: Path, home_city: str) -> Path:
        result = build(pages, out_dir, home_city, model=model, use_cache=False)
        _pipeline.cache_clear()
        for problem in result.problems:
            print(f"skipped: {problem}", file=sys.stderr)
        return out_dir / "graph.ttl"

    folder = work / "builds"
    reports = evaluate_per_home_city(gold_paths, texts, build_graph, folder)
    total: dict[str, Counter] = defaultdict(Counter)
    for home, group in zip(sorted(reports), sorted(folder.iterdir()), strict=True):
        nlp = _pipeline(model, home)
        graph = group / "out" / "graph.ttl"
        for kind, counts in losses_of_group(nlp, group / "gold.jsonl", graph, texts).items():
            total[kind].update(counts)
        _pipeline.cache_clear()
    report = sum(reports.values(), Report.blank())
    return {
        "docs": len(report.docs),
        "relations": {k: counts_row(c) for k, c in report.relations.items()},
        "entities": {k: counts_row(c) for k, c in report.entities.items()},
        "losses": {kind: dict(total[kind].most_common()) for kind in sorted(total)},
        "by_stage": summary({kind: dict(total[kind]) for kind in sorted(total)}),
    }


def counts_row(counts) -> dict:
    return {
        "p": round(counts.precision, 3),
        "r": round(counts.recall, 3),
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
    }


def stage_of(category: str) -> str:
    return next(stage for words, stage in STAGES if words in category)


def summary(losses: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The loss counts of each kind and type summed by stage."""
    found = {}
    for kind, counts in losses.items():
        stages: Counter = Counter()
        for category, n in counts.items():
            stages[stage_of(category)] += n
        found[kind] = dict(stages.most_common())
    return found


def print_losses(losses: dict[str, dict[str, int]]) -> None:
    for kind, counts in losses.items():
        print(f"{kind}: {sum(counts.values())}")
        for state, n in counts.items():
            print(f"  {n:4d}  {state}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="kg-recall-") as temporary:
        work = Path(temporary)
        if args.corpus:
            from kg.corpora import write_localnews_gold

            gold = [write_localnews_gold(work / "corpus-dev.jsonl")]
            texts = ROOT / "data" / "localnews" / "texts"
        else:
            dev = args.shared / "annotation" / "dev"
            gold, texts = sorted(dev.glob("gold_*.jsonl")), dev / "texts"
        results = run(args.model, gold, texts, work)
    results["set"] = "data/localnews dev split" if args.corpus else "shared dev set"
    results["date"] = datetime.date.today().isoformat()
    results["machine"] = f"{platform.machine()}, {platform.python_version()}"
    results["model"] = str(args.model or "models/zh_kg")
    out = args.out or RESULTS.with_name("recall-corpus.json" if args.corpus else "recall.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_losses(results["losses"])


if __name__ == "__main__":
    main()
