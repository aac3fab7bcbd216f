"""How often each set of gold annotations reads the facts that annotators read differently.

The guidelines leave some readings to judgement, and the sets kg is trained and measured on
need not agree on them. For each set this counts, among the places where a reading could be
made, how often the annotators made it:

- ``place_in_name``: a firm, organisation or project whose name begins with a place of the
  article (文水县锦绣农牧发展有限公司, 偃师市产业集聚区), with located_in to that place;
- ``industry_in_name``: an industry of the article written inside a firm's or project's
  name (包头震雄铜业有限公司 and 铜业), with in_industry between them; and what share of all
  in_industry such pairs are;
- ``home_industries``: the share of in_industry whose head is the paper's home region.

The sets: the local news corpus's training and held-out splits (``data/localnews``), the
blind held-out set (``data/heldout``), and, where ``../shared`` is beside the clone, the
dev set and the seed pages. Counting needs no model.

    PYTHONPATH=. python bench/bench_conventions.py [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
from collections import Counter
from pathlib import Path

from kg import localnews
from kg.corpora import localnews_split
from kg.localnews import surface_forms

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "annotation"
RESULTS = ROOT / "bench" / "results" / "conventions.json"
HOLDERS = ("COMPANY", "ORG", "PROJECT")
SEED_HOME = "聊城市"


def records(folder: Path, pattern: str = "gold*.jsonl") -> list[dict]:
    return [record for _, _, record in localnews.read_records(folder, pattern)]


def gold_sets() -> dict[str, list[dict]]:
    """Each set's records, by name; the shared ones only where ``../shared`` is there."""
    corpus = records(localnews.CORPUS_DIR)
    sets = {
        "corpus train": [r for r in corpus if localnews_split(r["doc"]) == "train"],
        "corpus split": [r for r in corpus if localnews_split(r["doc"]) == "dev"],
        "blind held-out": records(ROOT / "data" / "heldout"),
    }
    if SHARED.is_dir():
        sets["dev set"] = records(SHARED / "dev")
        sets["seeds"] = records(SHARED / "gold", "*.jsonl")
    return sets


def pairs(record: dict, kind: str) -> set[tuple[str, str]]:
    return {(r["head"], r["tail"]) for r in record["relations"] if r["type"] == kind}


def name_place(holder: dict, places: dict[str, str]) -> str | None:
    """The place (canonical name) whose longest form a holder's name begins with."""
    found = [
        (len(form), place)
        for name in surface_forms(holder)
        for form, place in places.items()
        if name.startswith(form) and len(name) > len(form) + 1
    ]
    return max(found)[1] if found else None


def count(records: list[dict]) -> Counter[str]:
    """The readings' candidates and the ones made, over a set's records."""
    counts: Counter[str] = Counter()
    for record in records:
        entities = record["entities"]
        places = {f: e["name"] for e in entities if e["type"] == "PLACE" for f in surface_forms(e)}
        industries = [e for e in entities if e["type"] == "INDUSTRY"]
        located, in_industry = pairs(record, "located_in"), pairs(record, "in_industry")
        home = record.get("home_city", SEED_HOME)
        counts["in_industry"] += len(in_industry)
        counts["home_industries"] += sum(head == home for head, _ in in_industry)
        for holder in (e for e in entities if e["type"] in HOLDERS):
            if place := name_place(holder, places):
                counts[f"{holder['type']} of"] += 1
                counts[f"{holder['type']} read"] += (holder["name"], place) in located
            if holder["type"] == "ORG":
                continue
            for industry in industries:
                if any(
                    f in name for f in surface_forms(industry) for name in surface_forms(holder)
                ):
                    counts["industry_in_name of"] += 1
                    pair = (holder["name"], industry["name"])
                    counts["industry_in_name read"] += pair in in_industry
    return counts


def share(read: int, of: int) -> dict:
    return {"read": read, "of": of, "share": round(read / of, 3) if of else None}


def conventions(records: list[dict]) -> dict:
    counts = count(records)
    read_in_names = counts["industry_in_name read"]
    return {
        "articles": len(records),
        "place_in_name": {t: share(counts[f"{t} read"], counts[f"{t} of"]) for t in HOLDERS},
        "industry_in_name": share(read_in_names, counts["industry_in_name of"]),
        "in_industry_from_names": share(read_in_names, counts["in_industry"]),
        "home_industries": share(counts["home_industries"], counts["in_industry"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "sets": {name: conventions(records) for name, records in gold_sets().items()},
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["sets"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
