"""The build cache: what reading a page file gave, kept by the file's content.

An entry is the pickled result of reading, tagging and extracting one page file. Its key is
the SHA-256 of the file's name and bytes and of a fingerprint of everything else that changes
extraction: the ``kg`` package (its source and lexicons, but not the stages after extraction),
the model directory, the versions of Python and the libraries that tag, and the home city.
Entries live in ``<root>/<fingerprint>/<key>.pickle``, written atomically; an entry that
cannot be read counts as missing. After a build, ``prune`` drops the entries it did not use
and every other fingerprint, so the cache holds exactly one archive's pages.
"""

from __future__ import annotations

import hashlib
import pickle
import platform
import shutil
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from kg.export import write_atomic
from kg.ner import DEFAULT_MODEL

PACKAGE = Path(__file__).resolve().parent
CACHE_FOLDER = ".kg-cache"
"""The cache's folder inside the output folder."""
_SUFFIX = ".pickle"
_LIBRARIES = ("spacy", "spacy-pkuseg", "thinc", "jionlp", "gb2260", "charset-normalizer", "opencc")
_NOT_EXTRACTION = (
    *("export", "cli.py", "query.py", "evaluate.py", "view.py", "load_graph.py"),
    *("resolve.py", "graph.py"),
)
"""Files and folders of the package that do not change what a page gives: the exporters,
the other commands, and the stages that run over all pages after the cache."""


def _files(folder: Path, skip: Iterable[str] = ()) -> Iterator[Path]:
    """The files under ``folder``, sorted, without ``__pycache__`` and the ``skip`` folders."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and "__pycache__" not in parts and parts[0] not in skip:
            yield path


def _hash_folder(digest: Any, folder: Path, skip: Iterable[str] = ()) -> None:
    for path in _files(folder, tuple(skip)):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


def fingerprint(model: Path | None, home_city: str) -> str:
    """The hex digest of what, besides a page, decides what reading it gives."""
    digest = hashlib.sha256()
    _hash_folder(digest, PACKAGE, _NOT_EXTRACTION)
    path = model or DEFAULT_MODEL
    if (path / "config.cfg").exists():
        digest.update(b"model\0")
        _hash_folder(digest, path)
    versions = [platform.python_version(), *(_version(name) for name in _LIBRARIES)]
    digest.update("\0".join([*versions, home_city]).encode("utf-8"))
    return digest.hexdigest()


class BuildCache:
    """Pickled per-page results under ``root``, for one fingerprint."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.root = root
        self.fingerprint = fingerprint
        self.folder = root / fingerprint[:32]

    def key(self, name: str, data: bytes) -> str:
        """The key of a page file with this name and these bytes."""
        digest = hashlib.sha256(self.fingerprint.encode("ascii") + b"\0")
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{_SUFFIX}"

    def __contains__(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> Any | None:
        """The entry, or None when it is missing or cannot be read."""
        try:
            with self._path(key).open("rb") as file:
                return pickle.load(file)
        except Exception:  # a damaged entry of any kind is a miss, read again
            return None

    def put(self, key: str, pickled: bytes) -> None:
        """Store an entry already pickled (workers pickle their results anyway)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._path(key), pickled)

    def prune(self, used: Iterable[str]) -> None:
        """Remove the entries not in ``used`` and the folders of other fingerprints."""
        keep = {f"{key}{_SUFFIX}" for key in used}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder != self.folder and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
