"""Pages of one long line, as PDF extraction gives a table or a list: read in linear time.

The rules and relations once took time quadratic in the length of a sentence (a 200,000-
character line built in 354 s; bench/bench_speed.py measures it). These tests build lines of
30,000 characters and check what must come out of them; they time nothing.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kg.build import read_page_file
from kg.relations import MAX_SENTENCE

SURNAMES = "王李张刘陈杨赵黄周吴孙马朱胡郭何高林罗郑"
GIVEN = "建明文国华志永海春晓"
ROLES = ("副市长", "副县长", "局长", "主任")
IMPLYING_A_BODY = ("副市长", "副县长")
"""Titles that name their body (市政府, 县政府): each gives a post on its own."""
LENGTH = 30_000


def officials() -> list[tuple[str, str]]:
    """(title, name) pairs, every name different."""
    names = ["".join(p) for p in itertools.product(SURNAMES, GIVEN, GIVEN) if p[1] != p[2]]
    return [(ROLES[i % len(ROLES)], name) for i, name in enumerate(names)]


def long_line(separator: str) -> tuple[str, list[tuple[str, str]]]:
    """One line of at least LENGTH characters listing officials at a signing, and those it
    lists."""
    entries, listed, length = [], [], 0
    for role, name in officials():
        if length >= LENGTH:
            break
        entries.append(f"{role}{name}出席全市重点项目集中签约仪式并讲话")
        listed.append((role, name))
        length += len(entries[-1]) + len(separator)
    return separator.join(entries), listed


@pytest.mark.parametrize("separator", ["", "，"], ids=["no-punctuation", "commas-only"])
def test_a_long_line_gives_every_name_and_post_with_short_evidence(nlp, separator):
    line, listed = long_line(separator)
    assert len(line) >= LENGTH
    page = read_page_file((line + "\n").encode("utf-8"), Path("long.txt"), nlp)
    assert len(page.articles) == 1
    mentions = [m for found, _ in page.extracted for m in found]
    relations = [r for _, found in page.extracted for r in found]
    assert {name for _, name in listed} <= {m.text for m in mentions if m.label == "PERSON"}
    posts = {(r.role, r.head.text) for r in relations if r.kind == "holds_role"}
    assert {(role, name) for role, name in listed if role in IMPLYING_A_BODY} <= posts
    longest_name = max(len(m.text) for m in mentions)
    for evidence in {m.sentence for m in mentions} | {r.evidence for r in relations}:
        assert evidence in line
        assert len(evidence) <= MAX_SENTENCE + longest_name
