"""Page reading as Dask tasks on ``dask.distributed``: ``kg build --engine dask``.

The task is the unit of work of every build, ``PageReader`` over one page file, on a
``LocalCluster`` of worker processes (one thread each) or on a running cluster. The client
reads each page's bytes and sends them with its task; the worker returns the pickled result
(about 100 KB a page) and the client puts it into the build cache. So workers need ``kg`` and
the same model, but no disk shared with the client: a cluster's machines need not mount the
pages or the output folder, and the cache is written by one process only.

At most ``WINDOW`` tasks per worker thread are in flight, taken in the order of the pages, so
that neither the client nor the workers hold more than that many pages of an archive. A worker
loads the pipeline once (``kg.build._pipeline`` is cached per process) and checks once that
its ``kg``, model and libraries give the client's cache fingerprint.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from distributed import CancelledError, Client, Future, KilledWorker, LocalCluster, get_worker

from kg.build import BuildError, PageReader
from kg.cache import fingerprint
from kg.ingest import IngestError, read_bytes

WINDOW = 4
"""Tasks in flight per worker thread."""
POLL_SECONDS = 5.0
NO_WORKERS_SECONDS = 120.0
"""How long a build waits for a cluster without workers before it gives up."""

Answer = tuple[str | None, bytes | str]
"""What ``PageReader`` gives: (cache key, pickled result), or (None, the problem)."""


@cache
def _worker_fingerprint(model: Path | None, home_city: str) -> str:
    return fingerprint(model, home_city)


def read_on_worker(reader: PageReader, page: Path, data: bytes) -> Answer:
    """``reader`` on a worker, unless the worker's ``kg``, model or libraries differ from the
    client's: its results would enter the cache under the client's fingerprint."""
    if _worker_fingerprint(reader.model, reader.home_city) != reader.cache.fingerprint:
        return None, (
            f"{page}: not read: the dask worker {get_worker().address} has another kg, model "
            "or library version than the machine that builds"
        )
    return reader(page, data)


@contextmanager
def _client(jobs: int, scheduler: str | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``jobs``
    single-threaded worker processes, without dashboard and with only errors logged."""
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler)
    except (OSError, ValueError, TypeError) as error:
        raise BuildError(f"cannot reach the dask scheduler at {scheduler}: {error}") from None
    try:
        yield client
    finally:
        with _silent("distributed.client"):
            client.close()


@contextmanager
def _silent(name: str) -> Iterator[None]:
    """The logger ``name`` silent meanwhile: a client that lost its scheduler logs the end of
    its attempts to reconnect, as it closes, as an error with a traceback."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _submit(client: Client, reader: PageReader, page: Path) -> Future | Answer:
    """The task reading ``page``, or the problem when this machine cannot read the file."""
    try:
        data = read_bytes(page)
    except IngestError as error:
        return None, str(error)
    return client.submit(read_on_worker, reader, page, data, pure=False)


def _threads(client: Client) -> int:
    """The cluster's worker threads; 0 while the scheduler cannot be reached."""
    try:
        return sum(client.nthreads().values())
    except OSError:
        return 0


def _result(client: Client, future: Future, address: str) -> Answer:
    """The task's answer; a ``BuildError`` when the cluster stays without workers for
    ``NO_WORKERS_SECONDS`` or the scheduler is lost."""
    idle = 0.0
    while True:
        try:
            return future.result(timeout=POLL_SECONDS)
        except TimeoutError:
            idle = 0.0 if _threads(client) else idle + POLL_SECONDS
            if idle >= NO_WORKERS_SECONDS:
                raise BuildError(
                    f"the dask cluster at {address} has had no worker for {idle:.0f} s; the "
                    "pages read so far are cached: start workers and run the build again"
                ) from None
        except CancelledError:
            raise BuildError(
                f"lost the dask scheduler at {address}; the pages read so far are cached: "
                "run the build again"
            ) from None


def _answer(client: Client, page: Path, task: Future | Answer, address: str) -> Answer:
    """What reading ``page`` gave; a page that killed its workers or whose task failed is a
    problem of that page, like any page that cannot be read."""
    if not isinstance(task, Future):
        return task
    try:
        return _result(client, task, address)
    except KilledWorker:
        return None, f"{page}: the dask workers reading it died (out of memory?)"
    except BuildError:
        raise
    except Exception as error:  # a task that fails must not stop the build of an archive
        return None, f"{page}: the dask task failed ({type(error).__name__}: {error})"


def _in_order(client: Client, reader: PageReader, pages: list[Path]) -> Iterator[Answer]:
    """The answers for ``pages`` in their order, ``WINDOW`` tasks per worker thread in flight."""
    address = client.scheduler.address
    todo = iter(pages)
    pending: deque[tuple[Path, Future | Answer]] = deque()
    while True:
        window = WINDOW * max(_threads(client), 1)
        while len(pending) < window and (page := next(todo, None)) is not None:
            pending.append((page, _submit(client, reader, page)))
        if not pending:
            return
        page, task = pending.popleft()
        yield _answer(client, page, task, address)


@contextmanager
def mapped(
    reader: PageReader, pages: list[Path], jobs: int, scheduler: str | None
) -> Iterator[Iterator[Answer]]:
    """``reader`` over ``pages`` as Dask tasks, answers in the order of the pages: on a local
    cluster of ``min(jobs, pages)`` workers, or on the cluster whose scheduler is at
    ``scheduler``."""
    with _client(min(jobs, len(pages)), scheduler) as client:
        yield _in_order(client, reader, pages)
