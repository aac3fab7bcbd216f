"""The whole path of a build: pages -> articles -> Docs -> relations -> graph -> exports.

Reading a page file (decode, clean, split, NER, relation extraction) is the unit of work: it
runs in a pool of worker processes (``jobs``), or as Dask tasks (``kg.engine``), and its result
is kept in the build cache (``kg.cache``), so that a rebuild reads only new or changed pages.
Results are combined in the order of the pages, so the outputs are the same bytes whatever
``jobs``, the engine and the cache.
What each article says goes to entity resolution as its page is read (no list of every page's
records); the graph of the whole archive is then written out a subject or a piece at a time
through a temporary N-Triples file (the Turtle, the query store) and the page.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import networkx as nx
from more_itertools import constrained_batches
from spacy.language import Language
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from kg.cache import CACHE_FOLDER, BuildCache, fingerprint
from kg.export import atomic_path
from kg.export.html import page_pieces
from kg.export.rdf import convert_ntriples_file, write_ntriples
from kg.graph import build_graph
from kg.ingest import IngestError, page_articles, page_files, read_bytes
from kg.ner import load_pipeline
from kg.query import install_store, prepare_store
from kg.records import Article, Mention, Relation
from kg.relations import extract
from kg.resolve import resolve

PROGRESS_DELAY = 2.0
"""Seconds a build runs before its progress bar shows."""


class BuildError(Exception):
    """A build that cannot go on; the message says why, fit for the terminal."""


@dataclass
class BuildResult:
    """What a build read and wrote."""

    articles: int = 0
    untitled: int = 0
    """Articles that no headline heads (a page of one untitled item, a headline the split
    missed): worth a look where there are many."""
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    pages: int = 0
    pages_read: int = 0
    """Pages read, tagged and extracted by this build (the others came from the cache)."""


@dataclass(frozen=True)
class PageResult:
    """What one page file gives: its articles (text dropped) and what each one says."""

    articles: tuple[Article, ...]
    extracted: tuple[tuple[list[Mention], list[Relation]], ...]
    chars: int


@cache
def _pipeline(model: Path | None, home_city: str) -> Language:
    """The NER pipeline, loaded once per process; forked workers inherit the parent's."""
    return load_pipeline(model, home_city)


PIPE_CHARS = 20_000
"""The tagger reads a page's articles in batches of at most this many characters (an article
longer than that alone): its memory grows with what it reads at once."""


def _length(article: Article) -> int:
    return len(article.text)


def _texts(articles: Iterable[Article]) -> list[str]:
    return [article.text for article in articles]


def read_page_file(data: bytes, path: Path, nlp: Language) -> PageResult:
    """Decode, clean, split, tag and extract one page file; raises ``IngestError``."""
    articles = page_articles(data, path)
    batches = constrained_batches(articles, PIPE_CHARS, get_len=_length, strict=False)
    docs = (doc for batch in batches for doc in nlp.pipe(_texts(batch), batch_size=len(batch)))
    extracted = tuple(extract(doc, article) for doc, article in zip(docs, articles, strict=True))
    return PageResult(
        tuple(replace(article, text="") for article in articles),
        extracted,
        sum(len(article.text) for article in articles),
    )


@dataclass(frozen=True)
class PageReader:
    """Reads one page file into (cache key, pickled ``PageResult``), or (None, the problem);
    picklable, so that pool workers and Dask workers can run it."""

    model: Path | None
    home_city: str
    cache: BuildCache

    def __call__(self, page: Path, data: bytes | None = None) -> tuple[str | None, bytes | str]:
        """Read ``page``, or take its bytes as ``data`` (a worker on another machine)."""
        try:
            data = read_bytes(page) if data is None else data
            result = read_page_file(data, page, _pipeline(self.model, self.home_city))
        except IngestError as error:
            return None, str(error)
        except Exception as error:  # one page must never stop the build of an archive
            return None, f"{page}: internal error ({type(error).__name__}: {error})"
        return self.cache.key(page.name, data), pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class _Engine:
    """Where pages are read: ``jobs`` local processes, or Dask tasks (``dask``) on a local
    cluster of ``jobs`` worker processes or on the cluster whose scheduler is at
    ``scheduler``."""

    jobs: int = 1
    dask: bool = False
    scheduler: str | None = None


DASK_MISSING = "the dask engine needs `pip install -e '.[dask]'`"


def _dask_engine() -> ModuleType:
    """``kg.engine``, or a ``BuildError`` saying how to install Dask."""
    try:
        return importlib.import_module("kg.engine")
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] in ("dask", "distributed"):
            raise BuildError(f"{DASK_MISSING} ({error})") from None
        raise


@contextmanager
def _mapped(reader: PageReader, pages: list[Path], engine: _Engine) -> Iterator[Iterator]:
    """``reader`` over ``pages``, results in order: as Dask tasks, in this process, or in a
    pool of up to ``jobs`` workers that fork after the pipeline is loaded, so that they share
    it. Each reading process does its matrix products on one thread: ``jobs`` is the cores
    used."""
    if engine.dask and pages:
        with _dask_engine().mapped(reader, pages, engine.jobs, engine.scheduler) as results:
            yield results
        return
    workers = min(engine.jobs, len(pages))
    with threadpool_limits(limits=1, user_api="blas"):
        if workers <= 1:
            yield map(reader, pages)
            return
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            _pipeline(reader.model, reader.home_city)
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(workers, context, threadpool_limits, (1, "blas"))
        try:
            yield pool.map(reader, pages)
        except BrokenProcessPool:
            raise BuildError(
                "a worker process died while reading pages (out of memory?); the pages read "
                "so far are cached: run the build again, with fewer --jobs if it happens again"
            ) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _cached_key(page: Path, cache: BuildCache | None) -> str | None:
    """The page's cache key when the cache holds it, else None."""
    if cache is None:
        return None
    try:
        key = cache.key(page.name, read_bytes(page))
    except IngestError:
        return None
    return key if key in cache else None


class _Progress:
    """Pages, articles and characters per second on stderr, for long runs on a terminal."""

    def __init__(self, pages: int, show: bool) -> None:
        self.bar = tqdm(
            total=pages, unit="page", file=sys.stderr, disable=not show, delay=PROGRESS_DELAY
        )
        self.articles = 0
        self.chars = 0
        self.start = time.perf_counter()

    def update(self, result: PageResult | str) -> None:
        if isinstance(result, PageResult):
            self.articles += len(result.articles)
            self.chars += result.chars
        speed = self.chars / max(time.perf_counter() - self.start, 1e-9)
        self.bar.set_postfix_str(f"{self.articles} articles, {speed:,.0f} chars/s", refresh=False)
        self.bar.update()

    def close(self) -> None:
        self.bar.close()


def _read_pages(
    pages: list[Path], reader: PageReader, cache: BuildCache | None, engine: _Engine
) -> Iterator[tuple[str | None, PageResult | str, bool]]:
    """(cache key, result or problem, whether it was read now) per page, in the order of the
    pages: pages the cache holds are not read again, the others are read by the ``engine``
    and cached."""
    plan = [(page, _cached_key(page, cache)) for page in pages]
    with _mapped(reader, [page for page, key in plan if key is None], engine) as fresh:
        for page, key in plan:
            cached = cache.get(key) if cache is not None and key is not None else None
            if cached is not None:
                yield key, cached, False
                continue
            new_key, payload = next(fresh) if key is None else reader(page)
            yield new_key, _unpack(new_key, payload, cache), True


@dataclass
class _Reading:
    """What reading the pages gave, in the order of the pages, but for what each article says:
    that goes straight to resolution, a page at a time."""

    articles: list[Article] = field(default_factory=list)
    dates: dict[str, str | None] = field(default_factory=dict)
    """Article id -> its ISO date."""
    keys: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    read: int = 0
    """Pages read now, not taken from the cache."""

    def take(
        self, pages: Iterable[tuple[str | None, PageResult | str, bool]], bar: _Progress
    ) -> Iterator[tuple[list[Mention], list[Relation]]]:
        """The mentions and relations of each article of the pages read, noting the rest."""
        try:
            for key, result, fresh in pages:
                self.read += fresh
                bar.update(result)
                if isinstance(result, str):
                    self.problems.append(result)
                    continue
                self.articles.extend(result.articles)
                self.dates.update((a.id, a.date) for a in result.articles)
                self.keys.append(key)
                yield from result.extracted
        finally:
            bar.close()


def _unpack(key: str | None, payload: bytes | str, cache: BuildCache | None) -> PageResult | str:
    """A worker's answer as a result (cached on the way), or the problem it reports."""
    if key is None:
        return payload
    if cache is not None:
        cache.put(key, payload)
    return pickle.loads(payload)


def _write_outputs(graph: nx.MultiDiGraph, out_dir: Path, html_max_nodes: int | None) -> list[Path]:
    """Write the N-Triples to a temporary file, a subject at a time; from it, stream the
    Turtle into a temporary file and bulk-load the query store in a thread meanwhile
    (pyoxigraph works without the GIL); write the page a piece at a time; then replace each
    output atomically, the query store last: an interrupted build leaves the previous
    outputs."""
    turtle_path, page_path = out_dir / "graph.ttl", out_dir / "graph.html"
    handle, name = tempfile.mkstemp(prefix=".graph.", suffix=".nt.tmp", dir=out_dir)
    ntriples = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            write_ntriples(graph, stream)
        with ThreadPoolExecutor(1) as pool:
            store = pool.submit(prepare_store, turtle_path, ntriples)
            with atomic_path(turtle_path) as turtle, atomic_path(page_path) as page:
                convert_ntriples_file(ntriples, turtle)
                with page.open("w", encoding="utf-8", newline="") as out:
                    out.writelines(page_pieces(graph, max_nodes=html_max_nodes))
            return [turtle_path, page_path, install_store(store.result(), turtle_path)]
    finally:
        ntriples.unlink(missing_ok=True)


def build(
    paths: Iterable[Path],
    out_dir: Path,
    home_city: str,
    *,
    html_max_nodes: int | None = None,
    model: Path | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    progress: bool = False,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Read the pages under ``paths`` and write graph.ttl, graph.html and the query store of
    graph.ttl into ``out_dir``; ``jobs`` worker processes read pages the cache lacks, or with
    the ``dask`` engine Dask tasks on ``jobs`` local workers or on the cluster whose scheduler
    is at ``scheduler``."""
    problems: list[str] = []
    pages = page_files(paths, problems)
    build_cache = BuildCache(out_dir / CACHE_FOLDER, fingerprint(model, home_city))
    reader = PageReader(model, home_city, build_cache)
    where = _Engine(jobs, engine == "dask", scheduler)
    done = _Reading()
    read = _read_pages(pages, reader, build_cache if use_cache else None, where)
    records = done.take(read, _Progress(len(pages), progress))
    entities, facts = resolve(records, home_city, done.dates)
    counts = Counter(e.type for e in entities), Counter(f.kind for f in facts)
    graph = build_graph(done.articles, entities, facts)
    del entities, facts  # the graph holds what the exports need: their memory is reused
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = _write_outputs(graph, out_dir, html_max_nodes)
    if use_cache:
        build_cache.prune(done.keys)
    return BuildResult(
        articles=len(done.articles),
        untitled=sum(not article.title for article in done.articles),
        entities=counts[0],
        relations=counts[1],
        problems=problems + done.problems,
        outputs=outputs,
        pages=len(pages),
        pages_read=done.read,
    )
