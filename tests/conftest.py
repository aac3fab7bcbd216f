"""Shared fixtures: the rule pipeline, built once per test session."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from kg.ner import load_pipeline
from kg.records import Article
from kg.relations import extract

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "annotation" / "gold"


def traditional(text: str) -> str:
    """The text in traditional characters, as sites of Taiwan and Hong Kong republish it."""
    return opencc.OpenCC("s2t").convert(text)


needs_gold = pytest.mark.skipif(
    not GOLD.is_dir(), reason="needs ../shared/annotation/gold (a clone without ../shared)"
)
needs_shared = pytest.mark.skipif(
    not (SHARED / "annotation" / "exclude").is_dir(),
    reason="needs ../shared/annotation (a clone without ../shared)",
)


@pytest.fixture(scope="session")
def nlp():
    """The pipeline as kg build loads it, but for the learned name filter (and its project
    filter), relation component and industry holder: the tests that use it check the entity
    rules and the rules of kg.relations, which those judge (tests/test_name_filter.py and
    tests/test_relation_model.py test them)."""
    pipeline = load_pipeline(home_city="聊城市")
    for learned in ("kg_name_filter", "kg_project_filter", "kg_relations", "kg_industry_holder"):
        if learned in pipeline.pipe_names:
            pipeline.disable_pipe(learned)
    return pipeline


@pytest.fixture(scope="session")
def tag(nlp):
    """Tag one text and return (doc, mentions, relations)."""

    def run(text: str, source: str = "page.txt"):
        article = Article(source=source, index=0, title="", text=text, start=0, end=len(text))
        doc = nlp(text)
        mentions, relations = extract(doc, article)
        return doc, mentions, relations

    return run
