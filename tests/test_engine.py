"""``kg build --engine dask``: page reading as Dask tasks gives the bytes of a local build."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import sys
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from kg.build import BuildError, PageReader, build
from kg.cache import CACHE_FOLDER, BuildCache, fingerprint
from kg.cli import main
from kg.engine import mapped

from .conftest import SEEDS

HOME = "聊城市"
OUTPUTS = ("graph.ttl", "graph.html")
PAGES = sorted(SEEDS.glob("*.txt"))


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def cached(out: Path) -> dict[str, object]:
    """The build cache's entries, unpickled, by file name."""
    return {
        path.name: pickle.loads(path.read_bytes())
        for path in (out / CACHE_FOLDER).glob("*/*.pickle")
    }


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    """The seed pages built in this process, one by one."""
    out = tmp_path_factory.mktemp("local")
    build([SEEDS], out, HOME)
    return out


@pytest.fixture
def archive(tmp_path) -> Path:
    """A folder of page files: the seeds and an empty page."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for page in PAGES:
        shutil.copy(page, folder)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_local_dask_workers_give_the_bytes_of_a_local_build(local, archive, tmp_path):
    out = tmp_path / "out"
    result = build([archive], out, HOME, jobs=2, engine="dask")
    assert result.problems == [f"{archive / 'empty.txt'}: empty file"]
    assert (result.pages, result.pages_read, result.articles) == (6, 6, 42)
    assert outputs(out) == outputs(local)
    assert cached(out) == cached(local)


def test_a_running_cluster_at_an_address_reads_the_pages_of_the_same_kg_only(
    local, archive, tmp_path
):
    for page in PAGES[2:]:
        (archive / page.name).unlink()
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        result = build([archive], tmp_path / "out", HOME, engine="dask", scheduler=address)
        stranger = PageReader(None, HOME, BuildCache(tmp_path / "other", "0" * 64))
        with mapped(stranger, PAGES[:1], 1, address) as answers:
            (refused,) = answers
    assert refused[0] is None
    assert refused[1].startswith(f"{PAGES[0]}: not read: the dask worker tcp://")
    assert "has another kg, model or library version" in refused[1]
    assert result.problems == [f"{archive / 'empty.txt'}: empty file"]
    assert result.pages_read == 3
    entries = cached(tmp_path / "out")
    assert len(entries) == 2
    assert entries.items() <= cached(local).items()


class DyingReader(PageReader):
    """A reader whose process dies, as one killed by the kernel for its memory."""

    def __call__(self, page: Path, data: bytes | None = None):
        os._exit(1)


def test_a_page_whose_worker_dies_is_that_pages_problem(tmp_path):
    reader = DyingReader(None, HOME, BuildCache(tmp_path, fingerprint(None, HOME)))
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        mapped(reader, PAGES[:1], 1, None) as answers,
    ):
        assert list(answers) == [
            (None, f"{PAGES[0]}: the dask workers reading it died (out of memory?)")
        ]


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.delitem(sys.modules, "kg.engine", raising=False)
    with pytest.raises(BuildError, match=r"the dask engine needs `pip install -e '\.\[dask\]'`"):
        build(PAGES[:1], tmp_path, HOME, engine="dask", use_cache=False)


def test_the_command_refuses_a_scheduler_without_the_dask_engine(tmp_path):
    result = CliRunner().invoke(
        main, ["build", str(PAGES[0]), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert "Invalid value for --scheduler: needs --engine dask" in result.output


def test_a_scheduler_that_cannot_be_reached_is_a_one_line_error(tmp_path):
    command = ["build", str(PAGES[0]), "-o", str(tmp_path), "--engine", "dask"]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, [*command, "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: cannot reach the dask scheduler at tcp://127.0.0.1:1: ")
    assert not (tmp_path / "graph.ttl").exists()
