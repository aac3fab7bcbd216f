"""Builds of an archive: parallel, incremental through the cache, robust to any input."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.build
from kg.build import BuildError, build
from kg.cache import CACHE_FOLDER

from .conftest import SEEDS, traditional

HOME = "聊城市"
OUTPUTS = ("graph.ttl", "graph.html")
PAGES = sorted(SEEDS.glob("*.txt"))


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def cache_entries(out: Path) -> list[Path]:
    return sorted((out / CACHE_FOLDER).glob("*/*.pickle"))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> dict[str, bytes]:
    """The outputs of the seed pages read one by one, without the cache."""
    out = tmp_path_factory.mktemp("full")
    result = build([SEEDS], out, HOME, use_cache=False)
    assert result.pages == result.pages_read == 5
    assert not (out / CACHE_FOLDER).exists()
    assert sorted(path.name for path in out.iterdir()) == ["graph.html", "graph.store", "graph.ttl"]
    return outputs(out)


def test_pages_tagged_in_small_batches_give_the_same_bytes(full, tmp_path, monkeypatch):
    """Each seed page's articles tagged a few at a time (batches of at most 300 characters,
    longer articles alone) give the outputs of the default batches."""
    monkeypatch.setattr(kg.build, "PIPE_CHARS", 300)
    build([SEEDS], tmp_path, HOME, use_cache=False)
    assert outputs(tmp_path) == full


def test_two_jobs_and_the_cache_give_the_same_bytes(full, tmp_path):
    first = build([SEEDS], tmp_path, HOME, jobs=2)
    assert (first.pages, first.pages_read) == (5, 5)
    assert outputs(tmp_path) == full
    assert len(cache_entries(tmp_path)) == 5
    again = build([SEEDS], tmp_path, HOME, jobs=2)
    assert again.pages_read == 0
    assert (again.articles, again.entities, again.relations) == (
        first.articles,
        first.entities,
        first.relations,
    )
    assert outputs(tmp_path) == full


def test_the_seed_pages_in_traditional_characters_give_the_same_graph(full, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in PAGES:
        (pages / page.name).write_text(traditional(page.read_text(encoding="utf-8")), "utf-8")
    build([pages], tmp_path / "out", HOME, use_cache=False)
    assert outputs(tmp_path / "out") == full


def test_adding_a_page_reads_only_that_page(full, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for page in PAGES[:4]:
        shutil.copy(page, archive)
    out = tmp_path / "out"
    assert build([archive], out, HOME).pages_read == 4
    shutil.copy(PAGES[4], archive)
    added = build([archive], out, HOME)
    assert (added.pages, added.pages_read) == (5, 1)
    assert outputs(out) == full


def test_a_changed_page_or_home_city_is_read_again(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for page in PAGES[:2]:
        shutil.copy(page, archive)
    out = tmp_path / "out"
    build([archive], out, HOME)
    page = archive / PAGES[0].name
    page.write_text(page.read_text(encoding="utf-8") + "\n市委书记李长萍出席。\n", encoding="utf-8")
    assert build([archive], out, HOME).pages_read == 1
    assert len(cache_entries(out)) == 2
    assert build([archive], out, "冠县").pages_read == 2
    assert len(list((out / CACHE_FOLDER).iterdir())) == 1


def test_a_damaged_cache_entry_is_read_again(full, tmp_path):
    build([SEEDS], tmp_path, HOME)
    damaged = cache_entries(tmp_path)[0]
    damaged.write_bytes(b"not a pickle")
    assert build([SEEDS], tmp_path, HOME).pages_read == 1
    assert outputs(tmp_path) == full
    assert damaged.read_bytes() != b"not a pickle"


def test_problems_are_not_cached_and_name_the_file(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(PAGES[0], archive)
    (archive / "empty.txt").write_bytes(b"")
    result = build([archive], tmp_path / "out", HOME, jobs=2)
    assert result.problems == [f"{archive / 'empty.txt'}: empty file"]
    assert len(cache_entries(tmp_path / "out")) == 1
    assert build([archive], tmp_path / "out", HOME).pages_read == 1


def test_a_worker_that_dies_stops_the_build_with_a_clear_error(tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    archive.mkdir()
    for page in PAGES[:2]:
        shutil.copy(page, archive)
    (archive / "zz-dies.txt").write_text("市委书记李长萍出席会议。\n", encoding="utf-8")
    read = kg.build.read_page_file

    def read_or_die(data: bytes, path: Path, nlp):
        if path.name == "zz-dies.txt":
            os._exit(1)
        return read(data, path, nlp)

    monkeypatch.setattr(kg.build, "read_page_file", read_or_die)
    with pytest.raises(BuildError, match="worker process died"):
        build([archive], tmp_path / "out", HOME, jobs=2)
    assert not (tmp_path / "out" / "graph.ttl").exists()


def run_kg(*args: str, **kwargs) -> subprocess.Popen:
    code = "from kg.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, *args], **kwargs)


def test_builds_in_other_processes_give_the_same_bytes(full, tmp_path):
    built = []
    for seed, jobs in (("1", "1"), ("2", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / seed
        process = run_kg(
            "build", str(SEEDS), "-o", str(out), "--jobs", jobs, env=env, stdout=subprocess.DEVNULL
        )
        assert process.wait(timeout=300) == 0
        built.append(outputs(out))
    assert built[0] == built[1]
    assert built[0]["graph.ttl"] == full["graph.ttl"]


def test_a_killed_build_leaves_the_previous_outputs(tmp_path):
    out = tmp_path / "out"
    build([PAGES[0]], out, HOME)
    before = outputs(out)
    archive = tmp_path / "archive"
    archive.mkdir()
    for copy in range(2):
        for page in PAGES:
            shutil.copy(page, archive / f"{copy}-{page.name}")
    process = run_kg("build", str(archive), "-o", str(out), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(cache_entries(out)) < 2 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert outputs(out) == before
    assert len(cache_entries(out)) < len(PAGES) * 2
    finished = build([archive], out, HOME)
    assert 0 < finished.pages_read < len(PAGES) * 2
    fresh = tmp_path / "fresh"
    build([archive], fresh, HOME, use_cache=False)
    assert outputs(out) == outputs(fresh)


# --- any input ----------------------------------------------------------------------------

HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NEWS_CHARS = st.sampled_from("，。、；：！？“”（）《》 \n\u3000市委书记县长公司0123456789")
NEWS_TEXT = st.text(st.one_of(HANZI, NEWS_CHARS), max_size=400)
HTML_LIKE = st.lists(
    st.sampled_from(
        [
            "<script>alert('x')</script>",
            "</script><b>",
            "<!--",
            '"><img src=x onerror=1>',
            "&amp;&lt;",
            "{{ data }}",
            "市委书记李长萍",
            "聊城市<br/>",
            "\n",
        ]
    ),
    max_size=30,
).map("".join)
PAGE = st.one_of(
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    NEWS_TEXT.map(lambda text: text.encode("gbk", errors="ignore")),
    NEWS_TEXT.map(lambda text: text.encode("utf-8")),
    st.integers(1_000, 4_000).map(lambda n: ("聊城市委书记张三" * n)[:n].encode("utf-8")),
    st.just(b""),
    st.text(st.characters(max_codepoint=0x1F), max_size=200).map(str.encode),
    HTML_LIKE.map(lambda text: text.encode("utf-8")),
    st.binary(max_size=300),
)
SCRIPT_DATA = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


def check_outputs(out: Path) -> None:
    """A Turtle file that a strict parser reads, and a page whose data blocks parse."""
    ox.parse(path=out / "graph.ttl", format=ox.RdfFormat.TURTLE).__next__()
    page = (out / "graph.html").read_text(encoding="utf-8")
    blocks = SCRIPT_DATA.findall(page)
    assert blocks
    for block in blocks:
        json.loads(block)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(pages=st.lists(PAGE, min_size=1, max_size=3))
def test_any_input_builds_valid_outputs_and_the_same_bytes_again(pages):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        archive = root / "archive"
        archive.mkdir()
        for index, data in enumerate(pages):
            (archive / f"{index:03d}.txt").write_bytes(data)
        result = build([archive], root / "out", HOME)
        assert all(problem.startswith(str(archive)) for problem in result.problems)
        assert not any("internal error" in problem for problem in result.problems)
        check_outputs(root / "out")
        first = outputs(root / "out")
        build([archive], root / "again", HOME, use_cache=False)
        assert outputs(root / "again") == first
