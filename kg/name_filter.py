"""The learned judge of the rule names, ``kg_name_filter``: keep or drop what the rules found.

The entity rules (:class:`kg.ner.EntityRules`) find names by lexicon and by their endings,
and they run before the statistical NER, which keeps what they set. Where they are wrong
(政府投资项目, 继浙江理工大学) the NER never gets to read the text. This component sits
between the two: it scores each name the rules set, from the token vectors of the
pipeline's ``tok2vec`` (the name, its first and last character, a few characters on each
side), its type and its length, and drops those under the threshold, so that the NER reads
that stretch itself. It learns from the rules' bodies, firms, organisations, places,
projects and industries (:data:`LEARNED`) and drops names of the types its config lists
(``labels``; shipped: :data:`JUDGED`). Persons and titles are left as the rules set them.

Trained by ``spacy train`` with ``models/configs/name_filter.cfg`` on the local news corpus
(data/localnews): the NER pipeline's ``tok2vec`` frozen and annotating, the rules run on each
article as ``kg build`` runs them (:func:`write_name_docbin`), and a name is right when the
annotators wrote an entity of the same type at the same place.

``kg_project_filter`` is this component again, with the same trained weights, after the
NER: it drops the projects the NER (and the rules) set that the network scores under its
threshold. The NER's projects are the type it reads least well (政府投资项目, 重大项目
集中开工), and the network, which learned from the rules' projects among the rest, tells
many of them apart.

``kg_industry_holder`` (:class:`IndustryHolder`) is the same network trained on the rules'
industries alone (``models/configs/industry_holder.cfg``, on the same DocBins). It runs last
and, instead of dropping, holds the industries the rules and the NER set that it scores at
least its threshold: the graph keeps them where no in_industry relation is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import registry
from thinc.api import Model, Relu, Softmax, chain
from thinc.types import Floats2d

from kg.features import RowClassifier, example_with, save_docbin
from kg.ner import EntityRules, doc_text, load_lexicons
from kg.records import NER_LABELS
from kg.relation_model import bucket
from kg.relations import LIST_GAP

LEARNED = frozenset({"GOV", "COMPANY", "ORG", "PLACE", "PROJECT", "INDUSTRY"})
"""The types of the rule names the model learns from; persons and titles are not judged."""
JUDGED = ("GOV", "COMPANY", "ORG", "PROJECT", "PLACE")
"""The types whose rule names the shipped component drops (its ``labels``). A place it
drops lets the NER read the body it begins (北京市消防局, 日本政府); dropping industries too
lowered the seed pages' relations (`docs/quality-history.md`)."""
CONTEXT = 3
"""Characters read on each side of a name."""
LENGTH_BUCKETS = (2, 3, 4, 6, 8, 12, 20)


def judged(doc: Doc, labels: Iterable[str] = LEARNED) -> list[Span]:
    """The Doc's entities of the given types."""
    labels = frozenset(labels)
    return [e for e in doc.ents if e.label_ in labels]


def right(reference: Doc) -> set[tuple[int, int, str]]:
    """(start, end, type) of a training Doc's gold entities: a rule name is right where the
    annotators wrote an entity of the same type at the same place."""
    return {(e.start, e.end, e.label_) for e in reference.ents}


def name_features(doc: Doc, spans: list[Span]) -> Floats2d:
    """One row per name: mean token vector of the name, of its first and last character,
    of the characters before and after it; its type and length."""
    tensor = doc.tensor
    width = tensor.shape[1] if tensor is not None and tensor.size else 0
    rows = numpy.zeros((len(spans), feature_width(width)), dtype="float32")
    zero = numpy.zeros(width, dtype="float32")

    def mean(start: int, end: int) -> Floats2d:
        start, end = max(0, start), min(len(doc), end)
        return tensor[start:end].mean(0) if end > start else zero

    for row, span in enumerate(spans):
        flags = numpy.zeros(extra_width(), dtype="float32")
        flags[NER_LABELS.index(span.label_)] = 1
        flags[len(NER_LABELS) + bucket(len(span.text), LENGTH_BUCKETS)] = 1
        parts = []
        if width:
            parts = [
                mean(span.start, span.end),
                tensor[span.start],
                tensor[span.end - 1],
                mean(span.start - CONTEXT, span.start),
                mean(span.end, span.end + CONTEXT),
            ]
        rows[row] = numpy.concatenate([*parts, flags])
    return rows


def extra_width() -> int:
    return len(NER_LABELS) + len(LENGTH_BUCKETS) + 1


def feature_width(tensor_width: int) -> int:
    return 5 * tensor_width + extra_width()


@registry.architectures("kg.NameClassifier.v1")
def name_classifier(hidden_width: int, dropout: float) -> Model[Floats2d, Floats2d]:
    """Name features -> probabilities of wrong and right."""
    return chain(Relu(nO=hidden_width, dropout=dropout), Softmax(nO=2))


class NameFilter(RowClassifier):
    """spaCy component: drop the rule names of the types in ``labels`` that the model scores
    under the threshold."""

    learned: frozenset[str] = LEARNED
    """The types of the rule names the model learns from."""

    def __init__(
        self,
        vocab,
        model: Model,
        name: str = "kg_name_filter",
        *,
        threshold: float = 0.5,
        labels: Iterable[str] = JUDGED,
    ) -> None:
        super().__init__(vocab, model, name, threshold=threshold)
        self.types = frozenset(labels)

    def predict(self, docs: Iterable[Doc]) -> list[Floats2d]:
        """Per Doc, the probability that each judged name is right."""
        found = []
        for doc in docs:
            spans = judged(doc, self.types)
            rows = name_features(doc, spans)
            found.append(self.model.predict(rows)[:, 1] if spans else numpy.zeros(0))
        return found

    def set_annotations(self, docs: Iterable[Doc], scores: list[Floats2d]) -> None:
        for doc, chances in zip(docs, scores, strict=True):
            dropped = {
                (s.start, s.end)
                for s, p in zip(judged(doc, self.types), chances, strict=True)
                if p < self.threshold
            }
            doc.ents = [e for e in doc.ents if (e.start, e.end) not in dropped]

    def rows_and_targets(self, example: Example) -> tuple[Floats2d, Floats2d]:
        """Features of the rules' names on the predicted Doc and one-hot (wrong, right)."""
        spans = judged(example.predicted, self.learned)
        gold = right(example.reference)
        target = numpy.zeros((len(spans), 2), dtype="float32")
        for i, span in enumerate(spans):
            target[i, int((span.start, span.end, span.label_) in gold)] = 1
        return name_features(example.predicted, spans), target

    def score(self, examples: Iterable[Example], **kwargs) -> dict[str, float]:
        """Precision of the judged names kept, the share of the gold entities of the judged
        types they are (recall), and F1."""
        return self.micro_scores(
            "names",
            (
                (
                    {(e.start, e.end, e.label_) for e in judged(example.predicted, self.types)},
                    {t for t in right(example.reference) if t[2] in self.types},
                )
                for example in examples
            ),
        )


class IndustryHolder(NameFilter):
    """spaCy component, after ``kg_relations``: hold (``doc._.kg_held``) the industries
    that the model scores at least the threshold, so that the graph keeps them where no
    in_industry relation is read (涉及高端装备制造、精细化工、新材料等多个领域). It learns
    from the industries the entity rules find, and judges those the rules and the NER set."""

    learned = frozenset({"INDUSTRY"})

    def __init__(
        self,
        vocab,
        model: Model,
        name: str = "kg_industry_holder",
        *,
        threshold: float = 0.95,
        labels: Iterable[str] = ("INDUSTRY",),
        listed_threshold: float = 1.0,
    ) -> None:
        super().__init__(vocab, model, name, threshold=threshold, labels=labels)
        self.listed_threshold = listed_threshold

    def set_annotations(self, docs: Iterable[Doc], scores: list[Floats2d]) -> None:
        """Hold the industries scored at least the threshold, and those scored at least
        ``listed_threshold`` written in one list (A、B和C) with one held."""
        for doc, chances in zip(docs, scores, strict=True):
            industries = judged(doc, self.types)
            scored = {
                (s.start_char, s.end_char): p for s, p in zip(industries, chances, strict=True)
            }
            held = set(doc._.kg_held or ()) | {s for s, p in scored.items() if p >= self.threshold}
            listed = listed_with(industries, doc_text(doc), held)
            held |= {s for s in listed if scored[s] >= self.listed_threshold}
            doc._.kg_held = sorted(held)

    def score(self, examples: Iterable[Example], **kwargs) -> dict[str, float]:
        """Precision of the industries held, the share of the gold industries they are
        (recall), and F1."""
        return self.micro_scores(
            "names",
            (
                (
                    set(example.predicted._.kg_held or ()),
                    {
                        (e.start_char, e.end_char)
                        for e in example.reference.ents
                        if e.label_ in self.types
                    },
                )
                for example in examples
            ),
        )


def listed_with(spans: list[Span], text: str, marked: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (start, end) characters of the ``spans`` written in one list (A、B和C) with a
    ``marked`` one; ``spans`` in text order."""
    runs: list[list[tuple[int, int]]] = []
    for span in spans:
        chars = (span.start_char, span.end_char)
        if runs and LIST_GAP.fullmatch(text[runs[-1][-1][1] : span.start_char]):
            runs[-1].append(chars)
        else:
            runs.append([chars])
    return {chars for run in runs if marked.intersection(run) for chars in run}


NAME_CLASSIFIER = {"@architectures": "kg.NameClassifier.v1", "hidden_width": 64, "dropout": 0.1}
"""The network of the name filter and the industry holder, by default."""


def register(factory: str, threshold: float, labels: Iterable[str]) -> Callable[..., NameFilter]:
    """Register a :class:`NameFilter` as the spaCy factory ``factory``, with its default
    settings; the factory function."""

    def make(
        nlp: Language, name: str, model: Model, threshold: float, labels: list[str]
    ) -> NameFilter:
        return NameFilter(nlp.vocab, model, name, threshold=threshold, labels=labels)

    defaults = {"model": NAME_CLASSIFIER, "threshold": threshold, "labels": list(labels)}
    return Language.factory(factory, default_config=defaults, func=make)


make_name_filter = register("kg_name_filter", 0.5, JUDGED)
make_project_filter = register("kg_project_filter", 0.1, ["PROJECT"])


@Language.factory(
    "kg_industry_holder",
    default_config={
        "model": NAME_CLASSIFIER,
        "threshold": 0.95,
        "labels": ["INDUSTRY"],
        "listed_threshold": 0.7,
    },
)
def make_industry_holder(
    nlp: Language,
    name: str,
    model: Model,
    threshold: float,
    labels: list[str],
    listed_threshold: float,
) -> IndustryHolder:
    """The industry holder; ``listed_threshold``: the score at which an industry written in
    one list with a held one is held too (in the shipped pipeline 0.7)."""
    return IndustryHolder(
        nlp.vocab,
        model,
        name,
        threshold=threshold,
        labels=labels,
        listed_threshold=listed_threshold,
    )


def add_project_filter(nlp: Language) -> NameFilter:
    """Add ``kg_project_filter`` after the NER with the weights of the pipeline's trained
    ``kg_name_filter``."""
    after = "split_at_spaces" if "split_at_spaces" in nlp.pipe_names else "ner"
    judge = nlp.add_pipe("kg_project_filter", after=after)
    judge.from_bytes(nlp.get_pipe("kg_name_filter").to_bytes(exclude=["vocab"]), exclude=["vocab"])
    return judge


RULES_KEY = "kg_rule_names"
"""``Doc.spans`` key of the names the rules found in a training article."""


def gold_doc(nlp: Language, rules: EntityRules, record: dict, text: str) -> Doc:
    """A reference Doc of an annotated article: its gold entities, and in ``spans`` the
    names the rules find in it."""
    from kg.localnews import entity_spans

    doc = nlp.make_doc(text)
    found = [
        doc.char_span(start, end, label=label) for start, end, label in entity_spans(record, text)
    ]
    doc.ents = [span for span in found if span is not None]
    ruled = [Span(doc, e.start, e.end, label=e.label_) for e in rules(nlp.make_doc(text)).ents]
    doc.spans[RULES_KEY] = ruled
    return doc


def write_name_docbin(nlp: Language, articles: Iterable[tuple[dict, str]], path: Path) -> int:
    """Save the gold Docs of (record, text) pairs, the rules run with the lexicons of each
    article's home city; the number of Docs."""
    return save_docbin(gold_docs(nlp, articles), path)


def gold_docs(nlp: Language, articles: Iterable[tuple[dict, str]]) -> Iterator[Doc]:
    """:func:`gold_doc` of each article, grouped by home city so that each city's lexicons
    are read once."""
    by_home = sorted(articles, key=lambda article: article[0].get("home_city", ""))
    for home, group in groupby(by_home, key=lambda article: article[0].get("home_city", "")):
        rules = EntityRules(load_lexicons(home))
        for record, text in group:
            yield gold_doc(nlp, rules, record, text)


@registry.readers("kg.NameCorpus.v1")
def name_corpus(path: Path) -> Callable[[Language], Iterator[Example]]:
    """Examples whose predicted Docs carry the names the rules found (and nothing else)."""

    def read(nlp: Language) -> Iterator[Example]:
        for reference in DocBin().from_disk(path).get_docs(nlp.vocab):
            yield example_with(nlp, reference, reference.spans[RULES_KEY])

    return read
