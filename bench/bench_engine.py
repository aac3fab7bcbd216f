"""Benchmark ``kg build --engine dask`` against the local process pool, side by side.

The first days of People's Daily, January 1998 (../shared/corpora, written as page files as
bench_build.py does) are built by ``kg build --no-cache`` in a fresh process, with the local
pool (``--jobs N``) and with the Dask engine on a local cluster of N workers (``--engine dask
--jobs N``), interleaved over the rounds so that other work on the machine weighs on both
alike. Each build gives its wall time, characters per second and CPU seconds (of the build
and all its processes: the Dask workers, the pool workers); the outputs of the two engines
are compared byte for byte. Results go to bench/results/engine.json (quoted in README.md):

    python bench/bench_engine.py [--days 10] [--jobs 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench_build import KG, RESULTS, SHARED, machine, write_archive

ENGINES = ("local", "dask")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="folder for the archive")
    parser.add_argument("--output", type=Path, default=RESULTS / "engine.json")
    parser.add_argument("--days", type=int, default=10, help="the first DAYS days of the month")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    return parser.parse_args(argv)


def first_days(corpora: Path, folder: Path, days: int) -> list[Path]:
    """The page files of the month's first ``days`` days (19980101-01.txt, ...)."""
    pages = write_archive(corpora, folder)
    for page in pages[:]:
        if int(page.name[6:8]) > days:
            page.unlink()
            pages.remove(page)
    return pages


def cpu_seconds() -> float:
    """User and system CPU seconds of this process's finished descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(archive: Path, out: Path, engine: str, jobs: int) -> dict[str, float]:
    """``kg build --no-cache`` in a fresh process: wall time and CPU seconds."""
    command = [sys.executable, "-c", KG, "build", str(archive), "-o", str(out), "--no-cache"]
    command += ["--engine", engine, "--jobs", str(jobs)]
    cpu, start = cpu_seconds(), time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    if process.returncode != 0:
        raise SystemExit(f"kg build --engine {engine} failed:\n{process.stderr}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 1)}


def summary(runs: list[dict[str, float]], chars: int) -> dict[str, float]:
    """The best wall time of the rounds, its rate, and the mean CPU seconds."""
    best = min(run["seconds"] for run in runs)
    cpu = sum(run["cpu_seconds"] for run in runs) / len(runs)
    return {
        "best_seconds": best,
        "chars_per_s": round(chars / best),
        "cpu_seconds": round(cpu, 1),
        "chars_per_cpu_s": round(chars / cpu),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-engine-"))
    archive = work / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    pages = first_days(args.corpora, archive, args.days)
    chars = sum(len(page.read_text(encoding="utf-8")) for page in pages)
    results: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "archive": {"days": args.days, "pages": len(pages), "chars": chars},
        "jobs": args.jobs,
        "runs": {engine: [] for engine in ENGINES},
    }
    for round_ in range(args.rounds):
        for engine in ENGINES:
            out = work / f"out-{engine}"
            shutil.rmtree(out, ignore_errors=True)
            run = run_build(archive, out, engine, args.jobs)
            run["chars_per_s"] = round(chars / run["seconds"])
            results["runs"][engine].append(run)
            print(f"round {round_ + 1}, {engine}: {run}", flush=True)
    results["same_bytes"] = all(
        (work / "out-local" / name).read_bytes() == (work / "out-dask" / name).read_bytes()
        for name in ("graph.ttl", "graph.html")
    )
    results["summary"] = {engine: summary(results["runs"][engine], chars) for engine in ENGINES}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
