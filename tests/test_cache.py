"""The build cache: keys by content, fingerprints of what changes extraction, pruning."""

from __future__ import annotations

import pickle

from kg.cache import BuildCache, fingerprint


def test_key_depends_on_name_content_and_fingerprint(tmp_path):
    cache = BuildCache(tmp_path, "a" * 64)
    key = cache.key("page.txt", "市委书记".encode())
    assert key == cache.key("page.txt", "市委书记".encode())
    assert key != cache.key("other.txt", "市委书记".encode())
    assert key != cache.key("page.txt", "县委书记".encode())
    assert key != BuildCache(tmp_path, "b" * 64).key("page.txt", "市委书记".encode())


def test_fingerprint_follows_home_city_and_model(tmp_path):
    rules = fingerprint(tmp_path / "no-model", "聊城市")
    assert rules == fingerprint(tmp_path / "no-model", "聊城市")
    assert rules != fingerprint(tmp_path / "no-model", "冠县")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (model / "weights").write_bytes(b"1")
    trained = fingerprint(model, "聊城市")
    assert trained != rules
    (model / "weights").write_bytes(b"2")
    assert fingerprint(model, "聊城市") != trained


def test_put_get_and_damaged_entries(tmp_path):
    cache = BuildCache(tmp_path, "f" * 64)
    key = cache.key("page.txt", b"x")
    assert key not in cache and cache.get(key) is None
    cache.put(key, pickle.dumps({"articles": 3}))
    assert key in cache and cache.get(key) == {"articles": 3}
    next(cache.folder.iterdir()).write_bytes(b"\x80\x05damaged")
    assert cache.get(key) is None


def test_prune_keeps_what_the_build_used(tmp_path):
    old = BuildCache(tmp_path, "0" * 64)
    old.put(old.key("a.txt", b"a"), b"")
    cache = BuildCache(tmp_path, "1" * 64)
    used, unused = cache.key("a.txt", b"a"), cache.key("b.txt", b"b")
    cache.put(used, b"")
    cache.put(unused, b"")
    cache.prune([used])
    assert used in cache and unused not in cache
    assert list(tmp_path.iterdir()) == [cache.folder]
