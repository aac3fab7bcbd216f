"""kg.view and ``kg view``: one entity's neighbourhood as a page of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export.rdf import write_turtle
from kg.graph import entity_nodes
from kg.view import ViewError, default_path, find_entity, neighbourhood
from tests.test_export_html import YUNHAI_SENTENCE, add_entity, add_fact, page_data, seed_graph


def chain_graph():
    """seed graph plus 侯营镇 -> 东昌府区 -> 聊城市, and two bodies both called 市委."""
    graph = seed_graph()
    for node, name in (("place/东昌府区", "东昌府区"), ("place/聊城市", "聊城市")):
        add_entity(graph, node, "PLACE", name, ())
    add_fact(graph, "part_of", "place/侯营镇", "place/东昌府区", YUNHAI_SENTENCE)
    add_fact(graph, "part_of", "place/东昌府区", "place/聊城市", YUNHAI_SENTENCE)
    add_entity(graph, "gov/冠县县委", "GOV", "冠县县委", (), aliases=("市委",))
    return graph


@pytest.fixture
def ttl(tmp_path: Path) -> Path:
    path = tmp_path / "graph.ttl"
    write_turtle(chain_graph(), path)
    return path


def test_find_by_name_alias_or_id_ignoring_spaces_and_case() -> None:
    graph = chain_graph()
    assert find_entity(graph, "李长萍") == "person/李长萍"
    assert find_entity(graph, " 李 长萍 ") == "person/李长萍"
    assert find_entity(graph, "gov/冠县县委") == "gov/冠县县委"
    add_entity(graph, "org/abc", "ORG", "ABC Group", (), aliases=("abc",))
    assert find_entity(graph, "abcgroup") == "org/abc"


def test_an_ambiguous_name_lists_the_ids() -> None:
    with pytest.raises(ViewError) as error:
        find_entity(chain_graph(), "市委")
    message = str(error.value)
    assert "'市委' names 2 entities" in message
    assert "gov/冠县县委 (冠县县委)" in message and "gov/聊城市委 (聊城市委)" in message


def test_an_unknown_name_suggests_names_containing_it() -> None:
    with pytest.raises(ViewError, match="no entity is named '东昌'; names containing it: "):
        find_entity(chain_graph(), "东昌")
    with pytest.raises(ViewError, match=r"^no entity is named '不存在'$"):
        find_entity(chain_graph(), "不存在")


@pytest.mark.parametrize(
    ("hops", "expected"),
    [
        (0, ["place/侯营镇"]),
        (1, ["company/云海制衣", "place/东昌府区", "place/侯营镇"]),
        (
            2,
            ["company/云海制衣", "industry/棉服", "place/东昌府区", "place/侯营镇", "place/聊城市"],
        ),
    ],
)
def test_neighbourhood_follows_relations_both_ways(hops: int, expected: list[str]) -> None:
    graph = chain_graph()
    near = neighbourhood(graph, "place/侯营镇", hops)
    assert entity_nodes(near) == expected
    assert all(near.nodes[n] == graph.nodes[n] for n in near)
    assert "article/000_3b686d864aefadfd.txt#0" in near


def test_default_path_is_safe() -> None:
    assert default_path("李长萍", 2) == Path("李长萍-2hops.html")
    assert default_path('a/b c:"d"', 1) == Path("a_b_c_d-1hops.html")


def test_cli_writes_the_page_with_the_entity_selected(ttl: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = CliRunner().invoke(
        main, ["view", str(ttl), "--focus", "侯营镇", "--hops", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "3 entities, 1 hop from place/侯营镇" in result.output
    page = out.read_text(encoding="utf-8")
    data = page_data(page)
    assert data["focus"] == "place/侯营镇"
    assert [n["id"] for n in data["nodes"]] == [
        "company/云海制衣",
        "place/东昌府区",
        "place/侯营镇",
    ]
    assert "<title>侯营镇 · 1 跳邻域</title>" in page


def test_cli_max_nodes_keeps_the_nearest(ttl: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    args = [
        "view",
        str(ttl),
        "--focus",
        "聊城市",
        "--hops",
        "3",
        "--max-nodes",
        "2",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert [n["id"] for n in data["nodes"]] == ["place/东昌府区", "place/聊城市"]


def test_cli_default_output_is_named_after_the_entity(ttl: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        result = runner.invoke(main, ["view", str(ttl), "--focus", "李长萍", "--hops", "2"])
        assert result.exit_code == 0, result.output
        assert Path("李长萍-2hops.html").is_file()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("市委", "Error: '市委' names 2 entities"),
        ("无名", "Error: no entity is named '无名'"),
    ],
)
def test_cli_errors_go_to_stderr_without_traceback(ttl: Path, name: str, message: str) -> None:
    result = CliRunner().invoke(main, ["view", str(ttl), "--focus", name])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_cli_rejects_a_file_that_is_not_turtle(tmp_path: Path) -> None:
    bad = tmp_path / "notes.ttl"
    bad.write_text(json.dumps({"not": "turtle"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["view", str(bad), "--focus", "x"])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr and "notes.ttl" in result.stderr
