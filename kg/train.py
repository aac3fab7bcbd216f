"""Train the pipeline: corpora -> DocBin -> ``spacy train`` -> a pipeline directory.

:func:`train` runs five stages, each one ``spacy train``: ``models/configs/ner.cfg`` trains
the NER on every public corpus converted with the label mapping of :mod:`kg.corpora`
(:data:`FULL_MIX`); ``models/configs/ner-finetune.cfg`` fine-tunes it on CLUENER with
mention-replaced copies and on the project's local news corpus ``data/localnews``
(:data:`FINETUNE_MIX`, all eight labels); ``models/configs/relations.cfg`` trains the
relation component, ``models/configs/name_filter.cfg`` the judge of the entity rules'
names and ``models/configs/industry_holder.cfg`` the judge of industries
(:mod:`kg.name_filter`) on the local news over the fine-tuned model's token vectors.
The best NER of the second stage with the best of the other three goes to the output
directory.
:func:`score_spans` and :func:`evaluate_cluener` give per-label exact-span precision,
recall and F1 on CLUENER dev.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.util import load_config, registry
from threadpoolctl import threadpool_limits
from wasabi import msg

import kg.features  # noqa: F401  (registers the architectures the config names)
from kg import localnews
from kg.corpora import (
    SEED,
    Sentence,
    augment,
    corpus_has_roles,
    load_role_lexicon,
    localnews_split,
    mark_missing_roles,
    read_corpus,
    to_doc,
)
from kg.name_filter import add_project_filter, write_name_docbin
from kg.relation_model import write_relation_docbin
from kg.segment import train_segmenter

CONFIGS = Path(__file__).resolve().parents[1] / "models" / "configs"
NER_CONFIG = CONFIGS / "ner.cfg"
"""The first stage's training config: the whole pipeline from scratch."""
FINETUNE_CONFIG = CONFIGS / "ner-finetune.cfg"
"""The second stage's: the first stage's pipeline fine-tuned."""
RELATIONS_CONFIG = CONFIGS / "relations.cfg"
"""The third stage's: the relation component over the second stage's token vectors."""
NAME_FILTER_CONFIG = CONFIGS / "name_filter.cfg"
"""The fourth stage's: the judge of the rule names over the same token vectors."""
HOLDER_CONFIG = CONFIGS / "industry_holder.cfg"
"""The fifth stage's: the judge of industries over the same token vectors and names."""
SMALL_LOCAL_NEWS_ARTICLES = 30
"""Articles of each local news split that ``small`` stages over the token vectors train on."""


class Source(NamedTuple):
    """One corpus split in a training mix."""

    corpus: str
    split: str
    limit: int | None = None
    """At most this many sentences, sampled; None: all."""
    augmented: int = 0
    """Copies with their entity mentions replaced (:func:`kg.corpora.augment`) to add."""


Mix = tuple[Source, ...]
"""The sources of one training run. A source listed twice counts twice."""

FULL_MIX: Mix = (
    Source("cluener", "train"),
    Source("cluener", "train"),
    Source("resume", "train"),
    Source("msra", "train", 10000),
    Source("peoples_daily_1998", "train", 4000),
)
"""The first stage: every corpus; CLUENER, the closest to our labels, weighted two to one."""

FINETUNE_MIX: Mix = (
    Source("cluener", "train", augmented=2),
    Source("localnews", "train", augmented=2),
    Source("localnews", "train"),
    Source("localnews", "train"),
)
"""The second stage: CLUENER train with two copies of it whose mentions are replaced, and
the project's local news (all eight labels, the guidelines' extents) twice with two
mention-replaced copies: four local news sentences to three of CLUENER.

Measured from the same first stage (F1 over the eight labels on the local news dev split;
CLUENER dev, five classes): CLUENER four copies and local news three at learning rate
0.0005, 2,750 steps: 0.63 and 0.749; CLUENER two copies and local news four at 0.001, 3,000
steps: 0.69 and 0.726. This recipe sits between the two: 0.70 and 0.732 at 5,000 steps,
0.72 and 0.730 at 8,000 (the best of 9,000).

Measured against the same stage with slices of Resume, MSRA and People's Daily added, to
keep more of what the first stage learnt of news: spaCy's dev F1 at 2,750 steps 70.9 vs
69.6, CLUENER five-class F1 0.753 at 4,000 steps vs 0.739 at 2,750 for the mix with slices.
"""

SMALL_MIX: Mix = (
    Source("cluener", "train", 300, augmented=1),
    Source("localnews", "train", 100),
    Source("resume", "train", 40),
    Source("msra", "train", 40),
    Source("peoples_daily_1998", "train", 20),
)
DEV_MIX: Mix = (Source("cluener", "dev"),)
FINETUNE_DEV_MIX: Mix = (Source("cluener", "dev"), Source("localnews", "dev"))
"""The second stage keeps its best model by the F1 on CLUENER dev and the local news dev
split together."""
SMALL_DEV_MIX: Mix = (Source("cluener", "dev", 50), Source("localnews", "dev", 50))

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
    for corpus, split, limit, augmented in mix:
        sentences = list(read_corpus(corpora_dir, corpus, split))
        if limit is not None and limit < len(sentences):
            sentences = rng.sample(sentences, limit)
        if not corpus_has_roles(corpus):
            sentences = [mark_missing_roles(s, roles) for s in sentences]
        yield from sentences
        if augmented:
            yield from augment(sentences, augmented)


def write_docbin(nlp: Language, sentences: Iterable[Sentence], path: Path) -> int:
    """Save the reference Docs of the sentences as a DocBin; the number of Docs."""
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"])
    for sentence in sentences:
        docbin.add(to_doc(nlp, sentence))
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(docbin)


def build_docbins(
    corpora_dir: Path, work_dir: Path, train_mix: Mix, dev_mix: Mix
) -> tuple[Path, Path]:
    """Convert the training and dev mixes to ``train.spacy`` and ``dev.spacy`` in work_dir."""
    nlp = spacy.blank("zh")
    roles = load_role_lexicon(corpora_dir)
    train_path, dev_path = work_dir / "train.spacy", work_dir / "dev.spacy"
    write_docbin(nlp, mix_sentences(corpora_dir, train_mix, roles), train_path)
    write_docbin(nlp, mix_sentences(corpora_dir, dev_mix, roles), dev_path)
    return train_path, dev_path


def write_config(
    path: Path,
    source: Path,
    overrides: dict[str, object],
    *,
    small: bool,
    max_minutes: float | None,
    pkuseg_model: Path | None = None,
) -> Path:
    """The config ``source`` with ``overrides`` (paths), small-run settings, time limit and,
    when ``pkuseg_model`` is given, spaCy's pkuseg segmenter with that model instead of
    characters."""
    overrides = dict(overrides)
    if small:
        overrides.update(SMALL_OVERRIDES)
    if pkuseg_model is not None:
        overrides["nlp.tokenizer.segmenter"] = "pkuseg"
        overrides["initialize.tokenizer.pkuseg_model"] = str(pkuseg_model)
    config = load_config(source, overrides=overrides, interpolate=False)
    path.parent.mkdir(parents=True, exist_ok=True)
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
    base_model: Path | None = None,
    segmenter: str = "char",
    pkuseg_model: Path | None = None,
) -> Path:
    """Train the pipeline in five stages and save it to ``output_dir``.

    The first stage trains :data:`NER_CONFIG` on :data:`FULL_MIX`; the second fine-tunes
    its best model with :data:`FINETUNE_CONFIG` on :data:`FINETUNE_MIX`; the third trains
    the relation component with :data:`RELATIONS_CONFIG` over the second's best model, the
    fourth the name filter with :data:`NAME_FILTER_CONFIG` and the fifth the industry
    holder with :data:`HOLDER_CONFIG` over the same, and the four are saved together.
    ``base_model`` skips the first stage and fine-tunes that pipeline.
    ``small`` trains two epochs per stage on a tiny slice (for tests); ``max_minutes`` ends
    each stage's training loop after that long (the best model so far is kept). DocBins,
    the filled-in configs and the spaCy runs go to ``work_dir`` (a temporary folder when
    None). ``segmenter="pkuseg"`` makes the tokens words from a pkuseg model instead of
    characters: ``pkuseg_model``, or one that :func:`kg.segment.train_segmenter` trains
    into the work folder first.
    """
    with tempfile.TemporaryDirectory(prefix="kg-train-") as temporary:
        work = Path(work_dir) if work_dir is not None else Path(temporary)
        corpora = Path(corpora_dir)
        if segmenter == "pkuseg" and pkuseg_model is None:
            pkuseg_model = work / "pkuseg"
            counts = train_segmenter(corpora, pkuseg_model, **segmenter_settings(small))
            msg.info(f"pkuseg word F1 on held-out paragraphs: {counts.f1:.4f}")
        settings = {
            "small": small,
            "max_minutes": max_minutes,
            "pkuseg_model": pkuseg_model if segmenter == "pkuseg" else None,
        }
        if base_model is None:
            first_mix = SMALL_MIX if small else FULL_MIX
            first_dev = SMALL_DEV_MIX if small else DEV_MIX
            base_model = run_stage(
                NER_CONFIG, work / "first", corpora, first_mix, first_dev, {}, **settings
            )
        best = run_stage(
            FINETUNE_CONFIG,
            work / "finetune",
            corpora,
            SMALL_MIX if small else FINETUNE_MIX,
            SMALL_DEV_MIX if small else FINETUNE_DEV_MIX,
            {"paths.base_model": str(base_model)},
            **settings,
        )
        relations = train_relations(best, work / "relations", **settings)
        names = train_name_filter(best, work / "name_filter", **settings)
        holder = train_industry_holder(
            best, work / "industry_holder", work / "name_filter", **settings
        )
        trained = with_components(best, relations, names, holder, Path(output_dir))
        return drop_training_settings(trained)


def run_stage(
    config: Path,
    stage_dir: Path,
    corpora_dir: Path,
    train_mix: Mix,
    dev_mix: Mix,
    overrides: dict[str, object],
    **settings: Any,
) -> Path:
    """One ``spacy train`` run of ``config`` on the mixes, in stage_dir; its best model.

    Matrix products run on one thread: with two, sums come out in a different order and
    two runs of the same recipe drift apart (CLUENER dev 0.749 vs 0.753).

    ``settings`` are the keyword arguments of :func:`write_config`.
    """
    train_path, dev_path = build_docbins(corpora_dir, stage_dir, train_mix, dev_mix)
    paths = {"paths.train": str(train_path), "paths.dev": str(dev_path), **overrides}
    filled = write_config(stage_dir / config.name, config, paths, **settings)
    with contextlib.suppress(TrainingTimeUp), threadpool_limits(limits=1, user_api="blas"):
        spacy_train(filled, stage_dir / "run", use_gpu=-1)
    return stage_dir / "run" / "model-best"


def local_news_articles(split: str, limit: int | None = None) -> list[tuple[dict, str]]:
    """(record, text) of the annotated local news articles of one split."""
    found = [
        (record, (localnews.CORPUS_DIR / "texts" / record["doc"]).read_text(encoding="utf-8"))
        for _, _, record in localnews.read_records()
        if localnews_split(record["doc"]) == split
    ]
    return found[:limit]


DocBinWriter = Callable[[Language, Iterable[tuple[dict, str]], Path], int]


def docbin_paths(stage_dir: Path) -> tuple[Path, Path]:
    """Where a stage over the local news keeps its train and dev DocBins."""
    return stage_dir / "train.spacy", stage_dir / "dev.spacy"


def local_news_docbins(write: DocBinWriter, stage_dir: Path, small: bool) -> tuple[Path, Path]:
    """The train and dev DocBins of the local news corpus, written by ``write`` into
    ``stage_dir``."""
    nlp = spacy.blank("zh")
    limit = SMALL_LOCAL_NEWS_ARTICLES if small else None
    train_path, dev_path = docbin_paths(stage_dir)
    write(nlp, local_news_articles("train", limit), train_path)
    write(nlp, local_news_articles("dev", limit), dev_path)
    return train_path, dev_path


def train_on_local_news(
    config: Path, docbins: tuple[Path, Path], ner_model: Path, stage_dir: Path, **settings: Any
) -> Path:
    """A stage over ``ner_model``'s frozen tok2vec: ``config`` trained on the local news
    corpus, on the (train, dev) ``docbins``; its best model."""
    train_path, dev_path = docbins
    paths = {
        "paths.train": str(train_path),
        "paths.dev": str(dev_path),
        "paths.base_model": str(ner_model),
    }
    settings = {**settings, "pkuseg_model": None}
    filled = write_config(stage_dir / config.name, config, paths, **settings)
    with contextlib.suppress(TrainingTimeUp), threadpool_limits(limits=1, user_api="blas"):
        spacy_train(filled, stage_dir / "run", use_gpu=-1)
    return stage_dir / "run" / "model-best"


def train_relations(ner_model: Path, stage_dir: Path, **settings: Any) -> Path:
    """The relation stage: ``relations.cfg`` over ``ner_model``'s tok2vec; its best model."""
    docbins = local_news_docbins(write_relation_docbin, stage_dir, settings.get("small", False))
    return train_on_local_news(RELATIONS_CONFIG, docbins, ner_model, stage_dir, **settings)


def train_name_filter(ner_model: Path, stage_dir: Path, **settings: Any) -> Path:
    """The name filter's stage: ``name_filter.cfg`` over ``ner_model``'s tok2vec; its best
    model."""
    docbins = local_news_docbins(write_name_docbin, stage_dir, settings.get("small", False))
    return train_on_local_news(NAME_FILTER_CONFIG, docbins, ner_model, stage_dir, **settings)


def train_industry_holder(
    ner_model: Path, stage_dir: Path, names_dir: Path, **settings: Any
) -> Path:
    """The industry holder's stage: ``industry_holder.cfg`` over ``ner_model``'s tok2vec,
    on the name filter's DocBins in ``names_dir``; its best model."""
    return train_on_local_news(
        HOLDER_CONFIG, docbin_paths(names_dir), ner_model, stage_dir, **settings
    )


def with_components(
    ner_model: Path, relation_model: Path, name_filter: Path, holder: Path, output_dir: Path
) -> Path:
    """Save the NER pipeline with the trained ``kg_name_filter`` before its ``ner`` and again,
    as ``kg_project_filter``, after it, then ``kg_relations`` and ``kg_industry_holder``
    last."""
    nlp = spacy.load(ner_model)
    nlp.add_pipe("kg_name_filter", source=spacy.load(name_filter), before="ner")
    add_project_filter(nlp)
    nlp.add_pipe("kg_relations", source=spacy.load(relation_model))
    nlp.add_pipe("kg_industry_holder", source=spacy.load(holder))
    with tempfile.TemporaryDirectory(prefix="kg-model-") as temporary:
        nlp.to_disk(Path(temporary) / "model")
        return replace_dir(Path(temporary) / "model", output_dir)


def drop_training_settings(model_dir: Path) -> Path:
    """Remove the time limit and the paths of this machine's training data from a trained
    pipeline's config, so that the shipped config is the same wherever it was trained."""
    path = model_dir / "config.cfg"
    config = load_config(path, interpolate=False)
    config["training"]["before_update"] = None
    config["paths"].update({"train": None, "dev": None})
    config["paths"].pop("base_model", None)
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
