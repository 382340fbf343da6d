"""Adding an engine is its package plus one ``EngineEntry``: with the memory engine's entry in
``registry.ENGINES`` (``tests/memory_engine.py``) it is opened by URL and named by ``--engine``;
without it, it is an unknown engine; and a folder never resolves to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_search.engines import registry
from imr_search.errors import IndexError_, UsageError
from imr_search.search.service import SearchService

# isort: split
from expected import hit_ids
from factories import index_letters, make_letter
from memory_engine import ENTRY, MemoryEngine


def test_registering_the_entry_is_all_it_takes(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry.ENGINES, ENTRY.name, ENTRY)
        assert registry.engine_name(" Memory ") == "memory"
        with registry.open_engine("memory://registry-test", create=True) as engine:
            assert isinstance(engine, SearchService)
            assert isinstance(engine.backend, MemoryEngine)
            index_letters(engine, [make_letter("CM1")])
            assert hit_ids(engine) == {"CM1#1"}
            # A second engine on the same URL reads the same index, and asking for it by
            # name agrees with the URL.
            with registry.open_engine("memory://registry-test", engine="memory") as again:
                assert hit_ids(again) == {"CM1#1"}
            with pytest.raises(UsageError, match="served by the memory engine, not whoosh"):
                registry.open_engine("memory://registry-test", engine="whoosh")
        assert registry.stamp("memory://registry-test") == "memory://registry-test"
        # Closed by its last engine, the index is gone: opening without create finds none.
        with pytest.raises(IndexError_, match="no index at memory://registry-test"):
            registry.open_engine("memory://registry-test")
    with pytest.raises(UsageError, match="unknown engine 'memory'"):
        registry.engine_name("memory")
    with pytest.raises(UsageError, match="no engine serves memory:// locations"):
        registry.open_engine("memory://registry-test", create=True)


def test_a_folder_never_resolves_to_the_memory_engine(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry.ENGINES, ENTRY.name, ENTRY)
        empty = tmp_path / "empty"
        empty.mkdir()
        assert registry.folder_engine(empty) is None
        # A new folder gets the default engine, and is recognised as that engine's.
        registry.open_engine(tmp_path / "index", create=True).close()
        assert registry.folder_engine(tmp_path / "index") == registry.DEFAULT_ENGINE
        # Asked for by name, it refuses a folder rather than keep an index nowhere.
        with pytest.raises(UsageError, match="memory engine keeps no index in a folder"):
            registry.open_engine(tmp_path / "other", engine="memory", create=True)
        assert registry.folder_engine(tmp_path / "other") is None
        # --engine offers the engines that keep folders: not this one.
        assert "memory" not in registry.folder_engines()
        assert set(registry.folder_engines()) == set(registry.ENGINES) - {"memory"}
