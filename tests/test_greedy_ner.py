"""The compiled greedy decoding (kg_ner) tags exactly what spaCy's own NER loop tags."""

from __future__ import annotations

import pytest
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.pipeline import EntityRecognizer

from kg.greedy_ner import GreedyEntityRecognizer
from kg.ingest import page_articles

from .conftest import SEEDS


def _spacy_ner(ner: GreedyEntityRecognizer) -> EntityRecognizer:
    """spaCy's EntityRecognizer over the same model and moves."""
    return EntityRecognizer(
        ner.vocab, ner.model, name="ner", moves=ner.moves, update_with_oracle_cut_size=100
    )


def _up_to_ner(nlp, texts: list[str]) -> list:
    """Docs run through the components before the NER (token vectors, preset rule entities)."""
    docs = [nlp.make_doc(text) for text in texts]
    for name, component in nlp.pipeline:
        if name == "ner":
            return docs
        docs = (
            list(component.pipe(docs)) if hasattr(component, "pipe") else list(map(component, docs))
        )
    raise AssertionError("the pipeline has no ner")


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [
        a.text
        for page in sorted(SEEDS.glob("*.txt"))
        for a in page_articles(page.read_bytes(), page)
    ]


def test_the_shipped_pipeline_uses_the_compiled_decoder(nlp):
    assert isinstance(nlp.get_pipe("ner"), GreedyEntityRecognizer)


def test_same_tags_as_spacy_on_the_seed_pages(nlp, seed_texts):
    ours, theirs = _up_to_ner(nlp, seed_texts), _up_to_ner(nlp, seed_texts)
    fast = nlp.get_pipe("ner")
    list(fast.pipe(ours))
    list(_spacy_ner(fast).pipe(theirs))
    assert sum(len(doc.ents) for doc in ours) > 100
    for a, b in zip(ours, theirs, strict=True):
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
        assert (a.to_array([ENT_IOB, ENT_TYPE]) == b.to_array([ENT_IOB, ENT_TYPE])).all()


def test_preset_entities_are_kept_and_the_rest_is_outside(nlp):
    text = "县委书记张三来到青山镇调研。"
    doc = _up_to_ner(nlp, [text])[0]
    preset = doc.char_span(text.index("青山镇"), text.index("青山镇") + 3, label="PROJECT")
    doc.set_ents([preset], default="unmodified")
    nlp.get_pipe("ner")(doc)
    assert ("青山镇", "PROJECT") in [(e.text, e.label_) for e in doc.ents]
    assert all(token.ent_iob_ in ("B", "I", "O") for token in doc)


def test_empty_and_one_character_docs(nlp):
    docs = _up_to_ner(nlp, ["", "市", "张三"])
    tagged = list(nlp.get_pipe("ner").pipe(docs))
    assert len(tagged[0]) == 0
    assert all(token.ent_iob_ for doc in tagged[1:] for token in doc)


def test_a_model_still_learning_a_class_is_decoded_as_spacy_does():
    """In training (the fine-tuning adds PROJECT and INDUSTRY to a first stage that never
    saw them), a class not yet seen is masked: spaCy's own parse, no error."""
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("zh")
    ner = nlp.add_pipe("kg_ner")
    text = "李长萍到侯营镇调研。"
    example = Example.from_dict(nlp.make_doc(text), {"entities": [(0, 3, "PERSON")]})
    nlp.initialize(lambda: [example])
    ner.add_label("PROJECT")
    assert ner.model.attrs["unseen_classes"]
    doc = nlp(text)
    assert all(ent.label_ == "PERSON" for ent in doc.ents)
    assert [t.ent_iob_ for t in doc] and all(t.ent_iob_ in "BIO" for t in doc)
