"""Benchmark ``kg serve``: the membership query of README.md under many concurrent clients.

Two builds are served, each by ``kg serve`` in a process of its own, as a user runs it: the
seed pages, and People's Daily, January 1998 (``../shared/corpora``, as page files: see
bench_build.py), built with ``kg build --jobs 2`` (the build cache makes a rerun quick;
``--reuse`` serves the builds already in ``--work``). For each, ``--clients`` threads (in
this process, on 127.0.0.1, one kept-alive connection each) POST the query as a form,
asking for SPARQL JSON, for ``--seconds``: requests per second, latency median, p95 and max,
and errors (a status other than 200, a failed connection, or an answer other than the first
answer, byte for byte: none are allowed). The server's CPU time over the run says whether
its threads used both cores, and what a request costs whatever else runs on the machine.
One client alone gives the latency of a single request. ``--threads 1 4`` (the default)
serves with one thread and with four.

Results go to bench/results/serve.json (and are quoted in README.md):

    python bench/bench_serve.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench_build import KG, RESULTS, ROOT, SHARED, count_triples, machine, run_build, write_archive
from bench_query import MEMBERSHIPS

START_SECONDS = 60
REQUEST_TIMEOUT = 60
BODY = urllib.parse.urlencode({"query": MEMBERSHIPS}).encode()
HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/sparql-results+json",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="folder for archive and builds")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4], help="kg serve --threads")
    parser.add_argument("--output", type=Path, default=RESULTS / "serve.json")
    parser.add_argument("--reuse", action="store_true", help="serve the builds already in --work")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(build: Path, port: int, threads: int) -> subprocess.Popen:
    """``kg serve BUILD`` in a process of its own, once it listens."""
    command = [sys.executable, "-c", KG, "serve", str(build), "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--threads", str(threads)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"kg serve {build} did not start listening on port {port}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(port: int, until: float, expected: bytes, out: dict[str, list]) -> None:
    """POST the query over one kept-alive connection until the deadline; note each latency
    and each error."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            connection.request("POST", "/sparql", body=BODY, headers=HEADERS)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                out["errors"].append(f"status {response.status}: {body[:200]!r}")
            elif body != expected:
                out["errors"].append("not the first answer")
            else:
                out["latencies"].append(time.perf_counter() - start)
        except (OSError, http.client.HTTPException) as error:
            out["errors"].append(f"{type(error).__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    connection.close()


def load(port: int, clients: int, seconds: float, expected: bytes) -> dict[str, Any]:
    """``clients`` threads querying for ``seconds``: throughput, latencies, errors."""
    out: dict[str, list] = {"latencies": [], "errors": []}
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, until, expected, out)) for _ in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies = sorted(out["latencies"])
    return {
        "clients": clients,
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "latency_ms": {
            "median": round(1000 * statistics.median(latencies), 1),
            "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "errors": len(out["errors"]),
        "first_errors": out["errors"][:5],
    }


def bench_build(build: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Serve one build with each --threads and put it under load."""
    results: dict[str, Any] = {
        "triples": count_triples(build / "graph.ttl"),
        "store_mb": round(sum(f.stat().st_size for f in (build / "graph.store").rglob("*")) / 1e6),
    }
    for threads in args.threads:
        port = free_port()
        server = start_server(build, port, threads)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            connection.request("POST", "/sparql", body=BODY, headers=HEADERS)
            answer = connection.getresponse().read()
            connection.close()
            single = load(port, 1, min(args.seconds, 5.0), answer)
            cpu_before = cpu_seconds(server.pid)
            loaded = load(port, args.clients, args.seconds, answer)
            cpu = cpu_seconds(server.pid) - cpu_before
            loaded["server_cpu_per_wall_s"] = round(cpu / loaded["seconds"], 2)
            loaded["server_cpu_ms_per_request"] = round(1000 * cpu / loaded["requests"], 1)
        finally:
            server.terminate()
            server.wait(timeout=30)
        results[f"threads_{threads}"] = {
            "rows": len(json.loads(answer)["results"]["bindings"]),
            "response_kb": round(len(answer) / 1024, 1),
            "one_client": single,
            "concurrent": loaded,
        }
        print(build.name, threads, json.dumps(results[f"threads_{threads}"]), flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    seeds_out, archive, month_out = work / "seeds", work / "archive", work / "month"
    if not archive.is_dir():
        write_archive(args.corpora, archive)
    if not args.reuse:
        run_build(ROOT / "seeds", seeds_out, 2)
        run_build(archive, month_out, 2)
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "query": MEMBERSHIPS,
        "seeds": bench_build(seeds_out, args),
        "peoples_daily_1998_01": {
            "pages": len(list(archive.glob("*.txt"))),
            **bench_build(month_out, args),
        },
    }
    errors = sum(
        run[load_kind]["errors"]
        for name in ("seeds", "peoples_daily_1998_01")
        for key, run in results[name].items()
        if key.startswith("threads_")
        for load_kind in ("one_client", "concurrent")
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if errors:
        raise SystemExit(f"{errors} requests failed")


if __name__ == "__main__":
    main()
