"""spaCy's NER with its greedy decoding compiled by Numba: the same model, the same entities.

spaCy's transition-based NER predicts one action per token (B, I, L, U or O with a label),
each from the token, the first token of the open entity and the token before. Its Cython
loop checks every action's validity through the generic transition system, which made it
the largest single cost of ``kg build`` (about 40 per cent). :class:`GreedyEntityRecognizer`
(factory ``kg_ner``) is spaCy's ``EntityRecognizer`` with ``predict`` replaced: the token
vectors and the precomputed hidden layer come from the trained model's own layers, and the
per-token loop (hidden sum, maxout, output layer, validity of the BILUO moves with preset
entities, sentence starts and spaces, arg-max, transition) runs in :func:`decode`, compiled
by Numba. Training is spaCy's, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numba
import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.pipeline.ner import DEFAULT_NER_MODEL
from spacy.tokens import Doc
from thinc.api import Model

BEGIN, IN, LAST, UNIT, OUT = 1, 2, 3, 4, 5
"""The BILUO moves, numbered as spaCy's ``ner.pyx`` numbers them."""
MOVE_CODES = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}
IOB_IN, IOB_OUT, IOB_BEGIN = 1, 2, 3
"""``Token.ent_iob`` values: 0 is missing (no preset annotation)."""


class Moves(NamedTuple):
    """The transition system's actions as arrays: move code and label hash per class."""

    codes: numpy.ndarray
    labels: numpy.ndarray


class Tokens(NamedTuple):
    """The token attributes the validity of a move depends on, for a batch of docs."""

    iob: numpy.ndarray
    label: numpy.ndarray
    sent_start: numpy.ndarray
    space: numpy.ndarray


class Weights(NamedTuple):
    """The hidden layer precomputed per token (row 0 is the padding) and the output layer."""

    features: numpy.ndarray
    bias: numpy.ndarray
    output: numpy.ndarray
    output_bias: numpy.ndarray


@numba.njit(cache=True, nogil=True)
def _valid(
    move: int,
    label: int,
    b: int,
    end: int,
    open_label: int,
    is_open: bool,
    tok: Tokens,
) -> bool:
    """Whether a move is valid in the state (buffer at ``b`` of a doc ending at ``end``), as
    spaCy's ``Begin/In/Last/Unit/Out.is_valid``: preset entities are kept, no entity
    crosses a sentence start or starts on a space."""
    iob = tok.iob[b]
    preset = tok.label[b]
    has_next = b + 1 < end
    next_iob = tok.iob[b + 1] if has_next else 0
    next_start = tok.sent_start[b + 1] == 1 if has_next else False
    if move == BEGIN:
        if is_open or not has_next or label == 0 or iob == IOB_IN:
            return False
        if iob == IOB_BEGIN:
            return label == preset and next_iob == IOB_IN
        return not (next_iob == IOB_BEGIN or next_start or tok.space[b])
    if move == IN:
        if not is_open or not has_next or label == 0 or open_label != label:
            return False
        if iob == IOB_BEGIN or next_iob == IOB_BEGIN:
            return False
        if iob == IOB_IN:
            return next_iob not in (0, IOB_OUT) and label == preset
        return not next_start
    if move == LAST:
        if label == 0 or not is_open:
            return False
        if iob == IOB_IN and next_iob != IOB_IN:
            return label == preset
        return open_label == label and next_iob != IOB_IN
    if move == UNIT:
        if label == 0:
            return preset == 0 and iob == IOB_BEGIN
        if is_open or next_iob == IOB_IN:
            return False
        if iob == IOB_BEGIN:
            return label == preset
        return not tok.space[b]
    if move == OUT:
        return not (is_open or iob in (IOB_BEGIN, IOB_IN))
    return False


@numba.njit(cache=True, nogil=True)
def _scores(
    w: Weights,
    ids: numpy.ndarray,
    unmaxed: numpy.ndarray,
    hidden: numpy.ndarray,
    out: numpy.ndarray,
) -> None:
    """The output layer's scores for one state from its three feature tokens (``ids`` are
    rows of ``w.features``), summed in spaCy's order, maxout taking the first maximum;
    ``unmaxed`` and ``hidden`` are the caller's buffers, reused from token to token."""
    width = w.bias.shape[0]
    pieces = width // hidden.shape[0]
    unmaxed[:] = 0.0
    for f in range(ids.shape[0]):
        row = w.features[ids[f], f]
        for i in range(width):
            unmaxed[i] += row[i]
    for i in range(width):
        unmaxed[i] += w.bias[i]
    for j in range(hidden.shape[0]):
        best = unmaxed[j * pieces]
        for p in range(1, pieces):
            if unmaxed[j * pieces + p] > best:
                best = unmaxed[j * pieces + p]
        hidden[j] = best
    for c in range(out.shape[0]):
        total = numpy.float32(0.0)
        for j in range(hidden.shape[0]):
            total += hidden[j] * w.output[c, j]
        out[c] = total + w.output_bias[c]


@numba.njit(cache=True, nogil=True)
def decode(
    w: Weights, moves: Moves, tok: Tokens, starts: numpy.ndarray, ends: numpy.ndarray
) -> numpy.ndarray:
    """Greedy BILUO decoding of each doc (tokens ``starts[d]:ends[d]`` of the batch): rows
    (doc, start, end, class) of the entities, offsets within the doc."""
    found = numpy.empty((tok.iob.shape[0], 4), dtype=numpy.int64)
    n = 0
    unmaxed = numpy.empty(w.bias.shape[0], dtype=numpy.float32)
    hidden = numpy.empty(w.output.shape[1], dtype=numpy.float32)
    scores = numpy.empty(w.output.shape[0], dtype=numpy.float32)
    ids = numpy.empty(3, dtype=numpy.int64)
    for d in range(starts.shape[0]):
        open_start, open_label, open_class = -1, 0, -1
        for b in range(starts[d], ends[d]):
            is_open = open_start >= 0
            ids[0] = b + 1
            ids[1] = open_start + 1 if is_open else 0
            ids[2] = b if is_open else 0
            _scores(w, ids, unmaxed, hidden, scores)
            guess = -1
            for c in range(scores.shape[0]):
                if (guess == -1 or scores[c] > scores[guess]) and _valid(
                    moves.codes[c], moves.labels[c], b, ends[d], open_label, is_open, tok
                ):
                    guess = c
            if guess == -1:
                break
            move = moves.codes[guess]
            if move == BEGIN:
                open_start, open_label, open_class = b, moves.labels[guess], guess
            elif move in (LAST, UNIT):
                start = open_start if move == LAST else b
                found[n, 0], found[n, 1], found[n, 2] = d, start - starts[d], b + 1 - starts[d]
                found[n, 3] = open_class if move == LAST else guess
                n += 1
                open_start, open_label, open_class = -1, 0, -1
    return found[:n]


class GreedyEntityRecognizer(EntityRecognizer):
    """spaCy's ``EntityRecognizer`` whose prediction runs :func:`decode`."""

    def predict(self, docs: Sequence[Doc]) -> list:
        """Rows (start, end, label hash) of each doc's entities, as spaCy's greedy parse;
        while training has not yet seen every class, spaCy's own parse (which masks them)."""
        docs = list(docs)
        if self.cfg["beam_width"] != 1:
            raise ValueError(f"kg_ner decodes greedily: beam_width {self.cfg['beam_width']}")
        self._ensure_labels_are_added(docs)
        if self._still_learning():
            return super().predict(docs)
        lengths = numpy.array([len(doc) for doc in docs], dtype=numpy.int64)
        if not lengths.sum():
            return [numpy.empty((0, 3), dtype=numpy.int64) for _ in docs]
        ends = numpy.cumsum(lengths)
        moves = self._moves_arrays()
        rows = decode(self._weights(docs), moves, _token_arrays(docs), ends - lengths, ends)
        rows[:, 3] = moves.labels[rows[:, 3]]
        cuts = numpy.searchsorted(rows[:, 0], numpy.arange(1, len(docs)))
        return numpy.split(rows[:, 1:], cuts)

    def set_annotations(self, docs: Sequence[Doc], entities: list) -> None:
        """Tag each doc's entities, and every token not preset as outside, as spaCy's NER
        (or let spaCy set its own parse's)."""
        if self._still_learning():
            super().set_annotations(docs, entities)
            return
        for doc, rows in zip(docs, entities, strict=True):
            tags = doc.to_array([ENT_IOB, ENT_TYPE])
            for start, end, label in rows.tolist():
                tags[start, 0] = IOB_BEGIN
                tags[start + 1 : end, 0] = IOB_IN
                tags[start:end, 1] = numpy.uint64(label & 0xFFFFFFFFFFFFFFFF)
            tags[tags[:, 0] == 0, 0] = IOB_OUT
            doc.from_array([ENT_IOB, ENT_TYPE], tags)

    def _moves_arrays(self) -> Moves:
        """Move code and label hash (as int64) of every class, from its name (``B-PLACE``)."""
        names = [self.moves.get_class_name(i) for i in range(self.moves.n_moves)]
        strings = self.vocab.strings
        labels = [strings.add(name[2:]) if name[2:] else 0 for name in names]
        return Moves(
            numpy.array([MOVE_CODES[name[0]] for name in names], dtype=numpy.int64),
            numpy.array(labels, dtype=numpy.uint64).view(numpy.int64),
        )

    def _still_learning(self) -> bool:
        """Whether the model lacks its output layer or a class it has not yet trained on: then
        spaCy's own parse decodes it (it masks such classes) instead of :func:`decode`."""
        return not self.model.attrs["has_upper"] or bool(self.model.attrs["unseen_classes"])

    def _weights(self, docs: list[Doc]) -> Weights:
        """The model's hidden layer precomputed for the batch's tokens, and its output layer."""
        model = self.model
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        features = lower.predict(model.get_ref("tok2vec").predict(docs))
        width = lower.get_dim("nO") * lower.get_dim("nP")
        return Weights(
            numpy.ascontiguousarray(features.reshape(features.shape[0], -1, width)),
            numpy.ascontiguousarray(lower.get_param("b").reshape(width)),
            numpy.ascontiguousarray(upper.get_param("W")),
            numpy.ascontiguousarray(upper.get_param("b")),
        )


def _token_arrays(docs: list[Doc]) -> Tokens:
    """Preset entity tags, sentence starts and spaces of the batch's tokens, concatenated."""
    columns = [ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE]
    table = numpy.concatenate([doc.to_array(columns) for doc in docs])
    return Tokens(
        table[:, 0].astype(numpy.int64),
        table[:, 1].view(numpy.int64),
        table[:, 2].astype(numpy.int64),
        table[:, 3].astype(numpy.bool_),
    )


@Language.factory(
    "kg_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_greedy_ner(
    nlp: Language,
    name: str,
    model: Model,
    moves: object,
    update_with_oracle_cut_size: int,
    incorrect_spans_key: str | None,
    scorer: Callable | None,
) -> GreedyEntityRecognizer:
    """spaCy's ``ner`` factory, making a :class:`GreedyEntityRecognizer`."""
    return GreedyEntityRecognizer(
        nlp.vocab,
        model,
        name=name,
        moves=moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        multitasks=[],
        beam_width=1,
        beam_density=0.0,
        beam_update_prob=0.0,
        incorrect_spans_key=incorrect_spans_key,
        scorer=scorer,
    )
