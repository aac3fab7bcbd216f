"""Model parts for the character-level Chinese NER, registered by name for spaCy configs.

With spaCy's character segmenter every token is one character, so the prefix, suffix and
shape features of spaCy's default embedding carry nothing. :func:`char_bigram_embed`
embeds each character together with the bigrams it forms with its left and right
neighbours, computed from the token ids inside the model: no token attribute overwritten,
no bigram strings added to the vocabulary. It also embeds the word the character is in
and that word's class, from the segmentation of jieba over the dictionary its package
ships (350,000 words, 18,000 of them places and 4,700 organisations): word boundaries the
training corpora alone do not teach.

:func:`split_at_spaces` (component ``kg_split_at_spaces``) cuts predicted entities at
spaces: the training corpora have none, news pages have bylines such as "张洁 吴兆旭".

:class:`RowClassifier` is the training loop of the pipeline's two small learned judges,
``kg_relations`` (:mod:`kg.relation_model`) and ``kg_name_filter`` (:mod:`kg.name_filter`):
rows of features from the frozen token vectors, a softmax over classes, cross-entropy;
:func:`save_docbin` and :func:`example_with` write and read back their training Docs.

:class:`NumpyGemmOps` routes thinc's matrix products to ``numpy.matmul`` (OpenBLAS), with
identical predictions; the callback ``kg.use_ops.v1`` (``[nlp] before_creation``) makes it
the current backend before the pipeline's models are built, at training and load time.

Registered names: architecture ``kg.CharBigramEmbed.v1``, component
``kg_split_at_spaces``, ops ``NumpyGemmOps`` (backend name ``numpy_gemm``) and callback
``kg.use_ops.v1``. Import this module (or install the package's entry points) before
``spacy.load`` or ``spacy train`` of a config using them.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import jieba
import numpy
from spacy.attrs import IDX, ORTH, SHAPE, SPACY
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.strings import hash_string
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    NumpyOps,
    Optimizer,
    chain,
    concatenate,
    get_ops,
    list2ragged,
    ragged2list,
    set_current_ops,
    with_array,
)
from thinc.types import Floats2d, Ints2d

FEATURES = ("ORTH", "LEFT_BIGRAM", "RIGHT_BIGRAM", "SHAPE", "WORD", "WORD_CLASS")
"""The columns of :func:`char_bigram_features`, in order; ``rows`` of the embed follow it."""

SINGLE, BEGIN, INSIDE, LAST = range(4)
"""A character's place in its word."""

_BOUNDARY = numpy.uint64(0x5BD1E995)
_MIX = numpy.uint64(0x9E3779B97F4A7C15)


@cache
def word_segmenter() -> tuple[jieba.Tokenizer, dict[str, str]]:
    """jieba's tokenizer over the dictionary its package ships, and each word's class there
    (ns place, nr person, nt organisation, n noun...), as ``jieba.posseg`` reads it."""
    jieba.setLogLevel(logging.WARNING)
    from jieba import posseg  # imported here: it reads the dictionary, needed once a model runs

    return posseg.dt.tokenizer, posseg.dt.word_tag_tab


def word_keys(text: str) -> numpy.ndarray:
    """uint64 keys (len(text), 2): per character its word in jieba's segmentation and that
    word's dictionary class (or its length, for a word the dictionary lacks), each with the
    character's place in the word."""
    tokenizer, classes = word_segmenter()
    words = list(tokenizer.cut(text, HMM=False))
    lengths = numpy.array([len(word) for word in words], dtype=numpy.int64)
    word_ids = numpy.array([hash_string(word) for word in words], dtype=numpy.uint64)
    class_ids = numpy.array(
        [hash_string(classes.get(word, f"len{min(len(word), 4)}")) for word in words],
        dtype=numpy.uint64,
    )
    starts = numpy.cumsum(lengths) - lengths
    offset = numpy.arange(int(lengths.sum())) - numpy.repeat(starts, lengths)
    length = numpy.repeat(lengths, lengths)
    place = numpy.select(
        [length == 1, offset == 0, offset == length - 1], [SINGLE, BEGIN, LAST], INSIDE
    ).astype(numpy.uint64)
    per_char = numpy.stack([numpy.repeat(word_ids, lengths), numpy.repeat(class_ids, lengths)], 1)
    return per_char * _MIX + place[:, None]


def bigram_keys(doc: Doc) -> numpy.ndarray:
    """uint64 keys (n_tokens, 6): the token, its left and right bigrams, its shape, and the
    keys of :func:`word_keys` at its first character.

    A space between two characters (a token's trailing whitespace, which is no token of
    its own) counts as a boundary, like the start or end of the text.
    """
    ids = doc.to_array([ORTH, SHAPE, SPACY, IDX]).astype(numpy.uint64).reshape(-1, 4)
    orth = ids[:, 0]
    if not len(orth):
        return numpy.zeros((0, len(FEATURES)), dtype=numpy.uint64)
    in_words = word_keys(doc.text)[ids[:, 3].astype(numpy.int64)]
    spaced = ids[:, 2].astype(bool)
    before = numpy.concatenate([[_BOUNDARY], orth[:-1]]).astype(numpy.uint64)
    after = numpy.concatenate([orth[1:], [_BOUNDARY]]).astype(numpy.uint64)
    after[spaced] = _BOUNDARY
    before[1:][spaced[:-1]] = _BOUNDARY
    left = before * _MIX + orth
    right = orth * _MIX + after + _MIX
    chars = numpy.stack([orth, left, right, ids[:, 1]], axis=1)
    return numpy.concatenate([chars, in_words], axis=1)


def char_bigram_features() -> Model[list[Doc], list[Ints2d]]:
    """A layer: Docs -> per Doc the uint64 keys of :func:`bigram_keys` (no gradient)."""
    return Model("char_bigram_features", _features_forward)


def _features_forward(
    model: Model[list[Doc], list[Ints2d]], docs: list[Doc], is_train: bool
) -> tuple[list[Ints2d], Callable[[list[Ints2d]], list[Doc]]]:
    keys = [model.ops.asarray(bigram_keys(doc), dtype="uint64") for doc in docs]
    return keys, lambda d_keys: []


@registry.architectures("kg.CharBigramEmbed.v1")
def char_bigram_embed(width: int, rows: list[int]) -> Model[list[Doc], list[Floats2d]]:
    """Hash embeddings of char, left bigram, right bigram, shape, word and word class,
    mixed by a Maxout.

    ``rows`` gives the table sizes in the order of :data:`FEATURES`.
    """
    if len(rows) != len(FEATURES):
        raise ValueError(f"rows needs {len(FEATURES)} sizes ({', '.join(FEATURES)})")
    tables = [
        HashEmbed(width, n_rows, column=i, seed=8 + i, dropout=0.0) for i, n_rows in enumerate(rows)
    ]
    return chain(
        char_bigram_features(),
        list2ragged(),
        with_array(concatenate(*tables)),
        with_array(Maxout(width, width * len(tables), nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )


SEPARATORS = frozenset("，,、；;：:。！？!?\"“”‘’'《》")
"""Characters no entity name spans."""


def space_cuts(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The pieces of tokens [start, end) between spaces and separating punctuation (，、"
    and the like; not brackets or the · of foreign names); line breaks do not cut (they may
    wrap a name)."""
    piece = start
    for token in doc[start:end]:
        if (token.is_space and "\n" not in token.text) or token.text in SEPARATORS:
            if piece < token.i:
                yield piece, token.i
            piece = token.i + 1
        elif token.whitespace_ and token.i + 1 < end:
            yield piece, token.i + 1
            piece = token.i + 1
    if piece < end:
        yield piece, end


MIN_ENTITY_CHARS = 2
"""Shorter pieces are dropped: a one-character entity is nearly always a stray fragment."""


@Language.component("kg_split_at_spaces")
def split_at_spaces(doc: Doc) -> Doc:
    """Cut entities at spaces and separating punctuation: names in a byline ("张洁 吴兆旭")
    are separate entities. Pieces of one character ("中", "港") are dropped.
    """
    doc.ents = [
        Span(doc, start, end, label=ent.label)
        for ent in doc.ents
        for start, end in space_cuts(doc, ent.start, ent.end)
        if len(doc[start:end].text) >= MIN_ENTITY_CHARS
    ]
    return doc


class RowClassifier(TrainablePipe):
    """A component whose model scores rows of features with a softmax (``kg_relations``,
    ``kg_name_filter``): the training loop they share. A subclass says how an example
    becomes rows and one-hot targets (:meth:`rows_and_targets`)."""

    def __init__(self, vocab, model: Model, name: str, *, threshold: float = 0.5) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.threshold = threshold
        self.cfg: dict = {}
        """Settings live in the pipeline's config, not in the saved ``cfg``, so that the
        config of a trained pipeline is what decides them."""

    def rows_and_targets(self, example: Example) -> tuple[Floats2d, Floats2d]:
        raise NotImplementedError

    def examples_to_arrays(self, examples: Iterable[Example]) -> tuple[Floats2d, Floats2d]:
        """The rows and targets of all the examples, one array each."""
        pairs = [self.rows_and_targets(example) for example in examples]
        if not pairs:
            return numpy.zeros((0, 0), dtype="float32"), numpy.zeros((0, 0), dtype="float32")
        return numpy.concatenate([r for r, _ in pairs]), numpy.concatenate([t for _, t in pairs])

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optimizer | None = None,
        losses: dict[str, float] | None = None,
    ) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        rows, truth = self.examples_to_arrays(examples)
        if not len(rows):
            return losses
        scores, backprop = self.model.begin_update(rows)
        loss, gradient = self.get_loss(examples, (scores, truth))
        backprop(gradient)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples, scores_truth) -> tuple[float, Floats2d]:
        """Mean cross-entropy of the softmax scores against the one-hot targets, and its
        gradient."""
        scores, truth = scores_truth
        gradient = (scores - truth) / max(1, len(scores))
        loss = float(-(truth * numpy.log(numpy.clip(scores, 1e-9, 1))).sum() / max(1, len(scores)))
        return loss, gradient

    @staticmethod
    def micro_scores(prefix: str, found_and_truth: Iterable[tuple[set, set]]) -> dict[str, float]:
        """Micro precision, recall and F1 (``prefix_p``, ``_r``, ``_f``) of what each example's
        predicted Doc holds against what it should."""
        tp = predicted = gold = 0
        for found, truth in found_and_truth:
            tp += len(found & truth)
            predicted += len(found)
            gold += len(truth)
        p = tp / predicted if predicted else 0.0
        r = tp / gold if gold else 0.0
        return {
            f"{prefix}_p": p,
            f"{prefix}_r": r,
            f"{prefix}_f": 2 * p * r / (p + r) if p + r else 0.0,
        }

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp=None) -> None:
        """Size the model from the rows of the first examples, their predicted Docs given
        the token vectors of ``nlp``'s tok2vec."""
        examples = list(get_examples())[:20]
        tok2vec = nlp.get_pipe("tok2vec")
        for example in examples:
            if example.predicted.tensor is None or not example.predicted.tensor.size:
                tok2vec.set_annotations([example.predicted], tok2vec.predict([example.predicted]))
        rows, truth = self.examples_to_arrays(examples)
        self.model.initialize(X=rows, Y=truth)


def example_with(nlp: Language, reference: Doc, spans: Iterable[Span]) -> Example:
    """An Example of a training Doc whose predicted Doc carries ``spans`` of the reference as
    its entities (and nothing else): what the component trained on it reads."""
    predicted = nlp.make_doc(reference.text)
    predicted.ents = [Span(predicted, s.start, s.end, label=s.label_) for s in spans]
    return Example(predicted, reference)


def save_docbin(docs: Iterable[Doc], path: Path) -> int:
    """Save training Docs with their entities and ``user_data``; the number of Docs."""
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in docs:
        docbin.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(docbin)


@registry.ops("NumpyGemmOps")
class NumpyGemmOps(NumpyOps):
    """NumpyOps whose ``gemm`` is ``numpy.matmul``."""

    name = "numpy_gemm"

    def gemm(
        self,
        x: Floats2d,
        y: Floats2d,
        out: Floats2d | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Floats2d:
        """``x @ y`` with optional transposes, into ``out`` when given."""
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


@registry.callbacks("kg.use_ops.v1")
def use_ops(name: str = "numpy_gemm") -> Callable[[type[Language]], type[Language]]:
    """A ``before_creation`` callback: make the thinc backend ``name`` the current one."""

    def set_ops(lang_class: type[Language]) -> type[Language]:
        set_current_ops(get_ops(name))
        return lang_class

    return set_ops


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameters (malloc.h)."""
MMAP_THRESHOLD = 32 * 1024**2
"""Blocks up to this size come from the heap (glibc's largest setting)."""
TRIM_THRESHOLD = 512 * 1024**2


def keep_freed_memory() -> None:
    """Let glibc's malloc keep freed memory for the next arrays instead of giving it back to
    the system at once: the model's layers allocate and free arrays of megabytes for every
    page, each faulted in again page by page (a third of the tok2vec's time went to the
    kernel). Arrays larger than that (a page of one long line) are not given huge pages
    either (numpy's ``NUMPY_MADVISE_HUGEPAGE=0``): zeroing them took the kernel twice the
    tok2vec's own time. The malloc part does nothing where the C library is not glibc."""
    arrays = getattr(numpy, "_core", None) or numpy.core  # numpy 2 renamed numpy.core
    arrays.multiarray._set_madvise_hugepage(False)
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
