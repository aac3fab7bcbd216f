"""Benchmark ``kg build`` on an archive: People's Daily, January 1998, as page files.

The corpus (../shared/corpora/peoples_daily_1998) becomes one page file per day and page
(19980101-01.txt, ...; the articles of a page separated by blank lines, tags dropped). Each
step runs ``kg build`` in a fresh process, as a user would:

- a full build with ``--jobs 1`` and one with ``--jobs 2`` (fresh output folders): wall
  time, characters per second, peak memory (the summed proportional set size of the build's
  processes, sampled, and the largest single process);
- adding one page (the last page of the month, held back) to the archive built with 2 jobs;
- a rebuild with nothing new.

Results go to bench/results/build.json (and are quoted in README.md). Run it on a quiet
machine:

    python bench/bench_build.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results"
SAMPLE_SECONDS = 0.2
KG = "from kg.cli import main; main()"
"""``python -c KG ARGS`` runs ``kg ARGS``."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="folder for the archive")
    parser.add_argument("--output", type=Path, default=RESULTS / "build.json")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    return parser.parse_args(argv)


def write_archive(corpora: Path, folder: Path) -> list[Path]:
    """People's Daily 1998-01 as page files, one per day and page; returns them sorted."""
    from kg.corpora import CORPUS_FILES, parse_peoples_daily_line

    pages: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    source = corpora / CORPUS_FILES["peoples_daily_1998"]["train"]
    for line in source.read_text(encoding="utf-8").splitlines():
        text, _ = parse_peoples_daily_line(line)
        if text:
            day, page, article, _ = line.split(maxsplit=1)[0].split("/")[0].split("-")
            pages[f"{day}-{page}"][article].append(text)
    folder.mkdir(parents=True, exist_ok=True)
    for name, articles in pages.items():
        blocks = [
            paragraphs[0] + "\n\n" + "\n".join("\u3000\u3000" + p for p in paragraphs[1:])
            for paragraphs in articles.values()
        ]
        (folder / f"{name}.txt").write_text("\n\n\n".join(blocks) + "\n", encoding="utf-8")
    return sorted(folder.glob("*.txt"))


def _children(pid: int) -> list[int]:
    """The process and all its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(fields[1])].append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _pss_mb(pids: list[int]) -> float:
    """The summed proportional set size of the processes, in MB."""
    total = 0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith("Pss:"))
    return total / 1024


def run_build(archive: Path, out: Path, jobs: int) -> dict[str, float | str]:
    """Run ``kg build`` in a fresh process: wall time, peak memory, its report."""
    command = [sys.executable, "-c", KG, "build", str(archive), "-o", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--jobs", str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _pss_mb(_children(process.pid)))
        time.sleep(SAMPLE_SECONDS)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"kg build failed ({process.returncode}):\n{stderr}")
    return {"seconds": round(seconds, 2), "peak_pss_mb": round(peak), "report": stdout}


def count_triples(graph: Path) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=graph, format=ox.RdfFormat.TURTLE))


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = Path("/proc/meminfo").read_text().split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(),
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    archive = work / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    pages = write_archive(args.corpora, archive)
    held_back = pages[-1].rename(work / pages[-1].name)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in archive.glob("*.txt"))
    results: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "archive": {"pages": len(pages) - 1, "chars": chars},
        "full_build": {},
    }
    for jobs in args.jobs:
        out = work / f"out-{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        run = run_build(archive, out, jobs)
        run["chars_per_s"] = round(chars / float(run["seconds"]))
        results["full_build"][f"jobs_{jobs}"] = run
        print(f"jobs {jobs}: {run['seconds']} s, {run['chars_per_s']:,} chars/s", flush=True)
    builds = results["full_build"]
    if "jobs_1" in builds and "jobs_2" in builds:
        speedup = builds["jobs_1"]["seconds"] / builds["jobs_2"]["seconds"]
        results["speedup_2_jobs"] = round(speedup, 2)
    out = work / f"out-{max(args.jobs)}"
    shutil.move(held_back, archive / held_back.name)
    results["add_one_page"] = run_build(archive, out, max(args.jobs))
    results["nothing_new"] = run_build(archive, out, max(args.jobs))
    results["archive"]["triples"] = count_triples(out / "graph.ttl")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
