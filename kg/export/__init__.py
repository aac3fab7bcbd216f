"""Exports of the graph: Turtle (rdf) and the offline HTML page (html)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

HTML_MAX_NODES = 5000
"""Entities the HTML page shows unless told otherwise: the most connected ones. Measured with
bench/bench_html.py: 5,000 nodes are drawn in a few seconds and stay smooth to move."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename, so that
    a crash never leaves a half-written file."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
