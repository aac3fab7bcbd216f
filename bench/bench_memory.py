"""Benchmark the peak memory of ``kg build --jobs 1`` as the archive grows, before and after.

People's Daily, January 1998 (../shared/corpora, as page files: bench_build.py) is built at
three sizes, by the code before (``--before``, main's worktree) and by this code, each
``kg build`` in a fresh process whose peak memory (the summed proportional set size of its
process tree, sampled: bench_build.run_build) is recorded:

- 0.5 M characters: the month's first pages;
- 1.9 M: the whole month. Both are built into fresh output folders, so that every page is
  read (nothing comes from the cache, as with --no-cache); the month's cache is kept;
- 0.5 M in one file: the month's first pages written into one page file, as a dump that
  nothing splits into pages is, and 0.2 M on one line: its first 200,000 characters without
  line breaks, one article as far as anything can tell;
- 20 M: the month 11 times over, each copy under other file names (the years 1998, 2002, ...,
  2038, leap years kept) with its article dates moved by as many years. The copies are not
  read again: their cache entries are made from the month's (the records renamed), so this
  step measures what grows with the archive after reading (resolution, graph, exports) on
  an archive of 20 M characters; reading is per page and does not grow. The text is the
  month's: entities repeat, their sources, articles and mentions grow eleven-fold.

The outputs (graph.ttl, graph.html) of the code before and after are compared byte for byte.
Results go to bench/results/memory.json (quoted in README.md):

    python bench/bench_memory.py [--before ../main] [--after .] [--skip-20m]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from bench_build import RESULTS, ROOT, SHARED, machine, run_build, write_archive

SMALL_CHARS = 500_000
LINE_CHARS = 200_000
COPY_YEARS = range(1998, 2039, 4)
"""The years of the 20 M archive's copies of the month: every fourth, so leap days stay."""
OUTPUTS = ("graph.ttl", "graph.html")
HOME_CITY = "聊城市"
"""``kg build``'s default --home-city: the cache's fingerprint depends on it."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--before", type=Path, default=ROOT.parents[1] / "main")
    parser.add_argument("--after", type=Path, default=ROOT, help="the code after (this one)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the archives")
    parser.add_argument("--output", type=Path, default=RESULTS / "memory.json")
    parser.add_argument("--skip-20m", action="store_true")
    parser.add_argument("--fill-cache", nargs=3, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def chars(folder: Path) -> int:
    return sum(len(page.read_text(encoding="utf-8")) for page in folder.glob("*.txt"))


def first_pages(pages: list[Path], folder: Path, limit: int) -> None:
    """Copy the first pages into ``folder`` until they hold ``limit`` characters."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for page in pages:
        if total >= limit:
            break
        shutil.copy(page, folder / page.name)
        total += len(page.read_text(encoding="utf-8"))


def one_file(source: Path, folder: Path, limit: int | None = None) -> None:
    """The pages of ``source`` as one page file; with ``limit``, its first ``limit``
    characters on one line."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(page.read_text(encoding="utf-8") for page in sorted(source.glob("*.txt")))
    if limit is not None:
        text = text.replace("\n", "")[:limit]
    (folder / "dump.txt").write_text(text, encoding="utf-8")


def copies(pages: list[Path], folder: Path) -> None:
    """The month's pages once per year of ``COPY_YEARS``, named for that year."""
    folder.mkdir(parents=True, exist_ok=True)
    for year in COPY_YEARS:
        for page in pages:
            shutil.copy(page, folder / f"{year}{page.name[4:]}")


def _moved(result: object, name: str, years: int) -> object:
    """A page's records as if read from the page file ``name``, dated ``years`` later."""
    articles = tuple(
        replace(a, source=name, date=a.date and f"{int(a.date[:4]) + years}{a.date[4:]}")
        for a in result.articles
    )
    ids = {old.id: new.id for old, new in zip(result.articles, articles, strict=True)}

    def moved(mention: object) -> object:
        return replace(mention, article=ids[mention.article])

    extracted = tuple(
        (
            [moved(m) for m in mentions],
            [replace(r, head=moved(r.head), tail=moved(r.tail)) for r in relations],
        )
        for mentions, relations in result.extracted
    )
    return replace(result, articles=articles, extracted=extracted)


def fill_cache(month_out: Path, archive: Path, out: Path) -> None:
    """Cache entries in ``out`` for the copies in ``archive`` from the month's cache; runs
    under the code measured (``--fill-cache``), whose files the cache's fingerprint hashes."""
    from kg.cache import CACHE_FOLDER, BuildCache, fingerprint

    key = fingerprint(None, HOME_CITY)
    source, target = BuildCache(month_out / CACHE_FOLDER, key), BuildCache(out / CACHE_FOLDER, key)
    for page in sorted(archive.glob("*.txt")):
        data = page.read_bytes()
        result = source.get(source.key(f"1998{page.name[4:]}", data))
        if result is None:
            raise SystemExit(f"{page.name}: the month's cache lacks its page")
        years = int(page.name[:4]) - 1998
        pickled = pickle.dumps(_moved(result, page.name, years), pickle.HIGHEST_PROTOCOL)
        target.put(target.key(page.name, data), pickled)


def measure(code: Path, archives: dict[str, Path], work: Path, big: Path | None) -> dict:
    """Peak memory of the builds of each archive by the code in ``code``."""
    os.environ["PYTHONPATH"] = str(code)
    found: dict[str, dict] = {}
    for size, archive in archives.items():
        out = work / f"out-{code.name}-{size}"
        shutil.rmtree(out, ignore_errors=True)
        found[size] = run_build(archive, out, 1)
        print(f"{code} {size}: {found[size]['peak_pss_mb']} MB", flush=True)
    if big is not None:
        out = work / f"out-{code.name}-20M"
        shutil.rmtree(out, ignore_errors=True)
        month = work / f"out-{code.name}-1.9M"
        command = [sys.executable, __file__, "--fill-cache", str(month), str(big), str(out)]
        subprocess.run(command, check=True)
        found["20M"] = run_build(big, out, 1)
        print(f"{code} 20M: {found['20M']['peak_pss_mb']} MB", flush=True)
    return found


def same_outputs(first: Path, second: Path) -> bool:
    """Whether two builds wrote the same graph.ttl and graph.html."""
    return all(filecmp.cmp(first / name, second / name, shallow=False) for name in OUTPUTS)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.fill_cache:
        fill_cache(*args.fill_cache)
        return
    work = (args.work or Path(tempfile.mkdtemp(prefix="kg-bench-memory-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    args.before, args.after, args.output = (
        path.resolve() for path in (args.before, args.after, args.output)
    )
    os.chdir(work)  # ``python -c`` puts the working folder first on the path: not a kg there
    pages = write_archive(args.corpora, work / "1.9M")
    first_pages(pages, work / "0.5M", SMALL_CHARS)
    one_file(work / "0.5M", work / "0.5M in one file")
    one_file(work / "0.5M", work / "0.2M on one line", LINE_CHARS)
    archives = {
        size: work / size for size in ("0.5M", "1.9M", "0.5M in one file", "0.2M on one line")
    }
    big = None if args.skip_20m else work / "20M"
    if big is not None:
        copies(pages, big)
    sizes = {size: chars(work / size) for size in [*archives, *(["20M"] if big else [])]}
    results: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "chars": sizes,
        "code": {"before": str(args.before.resolve()), "after": str(args.after.resolve())},
        "before": measure(args.before.resolve(), archives, work, big),
        "after": measure(args.after.resolve(), archives, work, big),
    }
    before, after = (f"out-{code.resolve().name}" for code in (args.before, args.after))
    results["same_bytes"] = {
        size: same_outputs(work / f"{before}-{size}", work / f"{after}-{size}") for size in sizes
    }
    for code in ("before", "after"):
        peaks = {size: run["peak_pss_mb"] for size, run in results[code].items()}
        results[f"{code}_ratio_1.9M_to_0.5M"] = round(peaks["1.9M"] / peaks["0.5M"], 2)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
