"""Train the Chinese NER model: corpora -> DocBin -> ``spacy train`` -> a pipeline directory.

:func:`train` converts a mix of the public corpora (:data:`FULL_MIX`, or :data:`SMALL_MIX`
for a test run) with the label mapping of :mod:`kg.corpora`, trains with the config
``models/configs/ner.cfg`` and copies the best model (by CLUENER dev F1) to the output
directory. :func:`score_spans` and :func:`evaluate_cluener` give per-label exact-span
precision, recall and F1 on CLUENER dev.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.util import load_config, registry
from wasabi import msg

import kg.features  # noqa: F401  (registers the architectures the config names)
from kg.corpora import (
    SEED,
    Sentence,
    corpus_has_roles,
    load_role_lexicon,
    mark_missing_roles,
    read_corpus,
    to_doc,
)
from kg.segment import train_segmenter

NER_CONFIG = Path(__file__).resolve().parents[1] / "models" / "configs" / "ner.cfg"
"""The training config kept in the repository."""

Mix = tuple[tuple[str, str, int | None], ...]
"""(corpus, split, at most this many sentences, sampled; None: all) for each source.

A source listed twice counts twice: CLUENER, the corpus closest to our labels, is weighted
two to one against the news corpora.
"""

FULL_MIX: Mix = (
    ("cluener", "train", None),
    ("cluener", "train", None),
    ("resume", "train", None),
    ("msra", "train", 10000),
    ("peoples_daily_1998", "train", 4000),
)
SMALL_MIX: Mix = (
    ("cluener", "train", 300),
    ("resume", "train", 40),
    ("msra", "train", 40),
    ("peoples_daily_1998", "train", 20),
)
DEV_MIX: Mix = (("cluener", "dev", None),)
SMALL_DEV_MIX: Mix = (("cluener", "dev", 50),)

SMALL_OVERRIDES = {"training.max_epochs": 2, "training.max_steps": 0, "training.eval_frequency": 50}
"""Config overrides for a small run: two passes over the tiny slice."""

CLUENER_TARGET_LABELS = ("PERSON", "COMPANY", "GOV", "ORG", "ROLE")
"""CLUENER name, company, government, organization, position: the classes of the target."""


class TrainingTimeUp(Exception):
    """Raised by the ``kg.time_limit.v1`` callback to end training at its deadline."""


@registry.callbacks("kg.time_limit.v1")
def time_limit(minutes: float) -> Callable[[Language, dict], None]:
    """A ``before_update`` callback that stops training ``minutes`` after its first step."""
    deadline: list[float] = []

    def check(nlp: Language, info: dict) -> None:
        if not deadline:
            deadline.append(time.monotonic() + minutes * 60)
        elif time.monotonic() > deadline[0]:
            raise TrainingTimeUp(f"time limit of {minutes} minutes reached at step {info['step']}")

    return check


def mix_sentences(corpora_dir: Path, mix: Mix, roles: frozenset[str]) -> Iterator[Sentence]:
    """The sentences of a mix; titles marked missing in corpora without ROLE."""
    rng = random.Random(SEED)
    for corpus, split, limit in mix:
        sentences = list(read_corpus(corpora_dir, corpus, split))
        if limit is not None and limit < len(sentences):
            sentences = rng.sample(sentences, limit)
        if not corpus_has_roles(corpus):
            sentences = [mark_missing_roles(s, roles) for s in sentences]
        yield from sentences


def write_docbin(nlp: Language, sentences: Iterable[Sentence], path: Path) -> int:
    """Save the reference Docs of the sentences as a DocBin; the number of Docs."""
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"])
    for sentence in sentences:
        docbin.add(to_doc(nlp, sentence))
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(docbin)


def build_docbins(
    corpora_dir: Path, work_dir: Path, *, small: bool = False, mix: Mix | None = None
) -> tuple[Path, Path]:
    """Convert the training and dev mixes to ``train.spacy`` and ``dev.spacy`` in work_dir.

    The training mix is ``mix`` if given, else :data:`SMALL_MIX` or :data:`FULL_MIX`.
    """
    nlp = spacy.blank("zh")
    roles = load_role_lexicon(corpora_dir)
    train_path, dev_path = work_dir / "train.spacy", work_dir / "dev.spacy"
    train_mix, dev_mix = (SMALL_MIX, SMALL_DEV_MIX) if small else (FULL_MIX, DEV_MIX)
    train_mix = mix if mix is not None else train_mix
    write_docbin(nlp, mix_sentences(corpora_dir, train_mix, roles), train_path)
    write_docbin(nlp, mix_sentences(corpora_dir, dev_mix, roles), dev_path)
    return train_path, dev_path


def write_config(
    path: Path,
    train_path: Path,
    dev_path: Path,
    *,
    small: bool,
    max_minutes: float | None,
    pkuseg_model: Path | None = None,
) -> Path:
    """The repository config with the data paths, small-run settings, time limit and, when
    ``pkuseg_model`` is given, spaCy's pkuseg segmenter with that model instead of characters."""
    overrides: dict[str, object] = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
    if small:
        overrides.update(SMALL_OVERRIDES)
    if pkuseg_model is not None:
        overrides["nlp.tokenizer.segmenter"] = "pkuseg"
        overrides["initialize.tokenizer.pkuseg_model"] = str(pkuseg_model)
    config = load_config(NER_CONFIG, overrides=overrides, interpolate=False)
    if max_minutes is not None:
        config["training"]["before_update"] = {
            "@callbacks": "kg.time_limit.v1",
            "minutes": max_minutes,
        }
    config.to_disk(path)
    return path


def segmenter_settings(small: bool) -> dict[str, int | None]:
    """pkuseg training data and passes: all of People's Daily, or a slice for a small run."""
    if small:
        return {"paragraphs": 200, "held_out": 100, "iterations": 1}
    return {"paragraphs": None, "held_out": 1000, "iterations": 10}


def replace_dir(source: Path, target: Path) -> Path:
    """Copy a pipeline directory over ``target``, which must be empty or a pipeline."""
    if target.exists():
        if any(target.iterdir()) and not (target / "config.cfg").exists():
            raise FileExistsError(f"{target} exists and is not a spaCy pipeline")
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def train(
    output_dir: Path,
    corpora_dir: Path,
    *,
    small: bool = False,
    max_minutes: float | None = None,
    work_dir: Path | None = None,
    mix: Mix | None = None,
    segmenter: str = "char",
    pkuseg_model: Path | None = None,
) -> Path:
    """Train the NER pipeline and copy the best model to ``output_dir``; returns it.

    ``small`` trains two epochs on a tiny slice (for tests); ``max_minutes`` ends the
    training loop after that long (the best model so far is kept). DocBins, the filled-in
    config and the spaCy run go to ``work_dir`` (a temporary folder when None); ``mix``
    replaces the default training mix. ``segmenter="pkuseg"`` makes the tokens words
    from a pkuseg model instead of characters: ``pkuseg_model``, or one that
    :func:`kg.segment.train_segmenter` trains into the work folder first.
    """
    with tempfile.TemporaryDirectory(prefix="kg-train-") as temporary:
        work = Path(work_dir) if work_dir is not None else Path(temporary)
        train_path, dev_path = build_docbins(Path(corpora_dir), work, small=small, mix=mix)
        if segmenter == "pkuseg" and pkuseg_model is None:
            pkuseg_model = work / "pkuseg"
            counts = train_segmenter(corpora_dir, pkuseg_model, **segmenter_settings(small))
            msg.info(f"pkuseg word F1 on held-out paragraphs: {counts.f1:.4f}")
        config = write_config(
            work / "ner.cfg",
            train_path,
            dev_path,
            small=small,
            max_minutes=max_minutes,
            pkuseg_model=pkuseg_model if segmenter == "pkuseg" else None,
        )
        run_dir = work / "run"
        with contextlib.suppress(TrainingTimeUp):
            spacy_train(config, run_dir, use_gpu=-1)
        return drop_training_settings(replace_dir(run_dir / "model-best", Path(output_dir)))


def drop_training_settings(model_dir: Path) -> Path:
    """Remove the time limit and the paths of this machine's training data from a trained
    pipeline's config, so that the shipped config is the same wherever it was trained."""
    path = model_dir / "config.cfg"
    config = load_config(path, interpolate=False)
    config["training"]["before_update"] = None
    config["paths"].update({"train": None, "dev": None})
    if config["initialize"]["tokenizer"].get("pkuseg_model"):
        config["initialize"]["tokenizer"]["pkuseg_model"] = None
    config.to_disk(path)
    return model_dir


def score_spans(
    gold: Iterable[set[tuple[int, int, str]]],
    predicted: Iterable[set[tuple[int, int, str]]],
    labels: Iterable[str],
) -> dict[str, dict[str, float]]:
    """Exact span+label precision, recall, F1 and support per label and micro ("ALL")."""
    labels = tuple(labels)
    counts = {label: [0, 0, 0] for label in (*labels, "ALL")}
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        for label in labels:
            g = {s for s in gold_spans if s[2] == label}
            p = {s for s in predicted_spans if s[2] == label}
            for key in (label, "ALL"):
                counts[key][0] += len(g & p)
                counts[key][1] += len(p)
                counts[key][2] += len(g)
    return {label: _prf(*numbers) for label, numbers in counts.items()}


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f": f1, "n": float(gold)}


def evaluate_cluener(
    nlp: Language, corpora_dir: Path, labels: Iterable[str] = CLUENER_TARGET_LABELS
) -> dict[str, dict[str, float]]:
    """Per-label and micro exact-span scores of a pipeline on CLUENER dev."""
    sentences = list(read_corpus(Path(corpora_dir), "cluener", "dev"))
    docs = nlp.pipe(s.text for s in sentences)
    predicted = [{(e.start_char, e.end_char, e.label_) for e in doc.ents} for doc in docs]
    return score_spans((set(s.entities) for s in sentences), predicted, labels)
