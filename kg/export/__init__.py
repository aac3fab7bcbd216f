"""Exports of the graph: Turtle (rdf) and the offline HTML page (html)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HTML_MAX_NODES = 5000
"""Entities the HTML page shows unless told otherwise: the most connected ones. Measured with
bench/bench_html.py: 5,000 nodes are drawn in a few seconds and stay smooth to move."""


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp file in ``path``'s folder to write, put in place of ``path`` by a rename when the
    block ends without an error (removed otherwise), so that a crash never leaves a
    half-written file."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename (``atomic_path``)."""
    with atomic_path(path) as temp:
        temp.write_bytes(data)
