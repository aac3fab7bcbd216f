"""Train and score a pkuseg word segmenter on the People's Daily 1998 segmentation.

spaCy's Chinese tokenizer can segment with pkuseg, but pkuseg's pretrained models cannot be
downloaded here, so :func:`train_segmenter` trains one with ``spacy_pkuseg.train`` on the
segmented paragraphs of ``peoples_daily_1998/199801.txt`` (a held-out slice scores it).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import spacy_pkuseg

from kg.corpora import CORPUS_FILES, PD_TOKEN, SEED
from kg.evaluate import Counts


def segmented_paragraphs(path: Path) -> Iterator[list[str]]:
    """The words of each paragraph of 199801.txt (ID, tags and brackets dropped)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            words = []
            for token in line.split()[1:]:
                match = PD_TOKEN.match(token)
                words.append(match.group(2) if match else token)
            if words:
                yield words


def split_paragraphs(
    corpora_dir: Path, paragraphs: int | None, held_out: int
) -> tuple[list[list[str]], list[list[str]]]:
    """A shuffled training sample of ``paragraphs`` (None: all the rest) and a held-out slice."""
    path = corpora_dir / CORPUS_FILES["peoples_daily_1998"]["train"]
    data = list(segmented_paragraphs(path))
    random.Random(SEED).shuffle(data)
    test, rest = data[:held_out], data[held_out:]
    return (rest if paragraphs is None else rest[:paragraphs]), test


def write_words(paragraphs: Iterable[list[str]], path: Path) -> Path:
    """pkuseg's training format: one paragraph a line, words separated by spaces."""
    path.write_text("".join(" ".join(words) + "\n" for words in paragraphs), encoding="utf-8")
    return path


def word_spans(words: Iterable[str]) -> set[tuple[int, int]]:
    """The (start, end) character offsets of consecutive words."""
    spans, start = set(), 0
    for word in words:
        spans.add((start, start + len(word)))
        start += len(word)
    return spans


def segmentation_counts(cut: Callable[[str], list[str]], paragraphs: Iterable[list[str]]) -> Counts:
    """Word-level true and false positives and misses of a ``cut(text) -> words`` function."""
    counts = Counts()
    for words in paragraphs:
        expected, got = word_spans(words), word_spans(cut("".join(words)))
        counts += Counts(len(expected & got), len(got - expected), len(expected - got))
    return counts


def train_segmenter(
    corpora_dir: Path,
    output_dir: Path,
    *,
    paragraphs: int | None = None,
    held_out: int = 1000,
    iterations: int = 10,
) -> Counts:
    """Train a pkuseg model into ``output_dir``; its word counts on the held-out slice."""
    train, test = split_paragraphs(Path(corpora_dir), paragraphs, held_out)
    output_dir = Path(output_dir)
    with tempfile.TemporaryDirectory(prefix="kg-pkuseg-") as work:
        train_file = write_words(train, Path(work) / "train.txt")
        test_file = write_words(test, Path(work) / "test.txt")
        spacy_pkuseg.train(str(train_file), str(test_file), str(output_dir), train_iter=iterations)
    segmenter = spacy_pkuseg.pkuseg(model_name=str(output_dir))
    return segmentation_counts(segmenter.cut, test)
