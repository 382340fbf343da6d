"""The tantivy search engine behind ``imr_search.search.backend.Engine``.

This package is the only place in imr-search that imports tantivy (a test enforces it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tantivy

from imr_search.engines.tantivy import readonly
from imr_search.engines.tantivy.engine import TantivyEngine
from imr_search.engines.tantivy.publish import publish
from imr_search.engines.tantivy.schema import build_schema, missing_fields
from imr_search.errors import DamagedIndexError, IndexError_, OutdatedIndexError

__all__ = ["TantivyEngine", "open_backend", "publish"]


def open_backend(
    index_dir: Path,
    *,
    create: bool = False,
) -> TantivyEngine:
    """Open the index in ``index_dir``; with ``create``, make it (and the folder) if missing.

    An existing index is never emptied here: ``writer(rebuild=True)`` replaces content.
    """
    index_dir = Path(index_dir)
    try:
        if (index_dir / "meta.json").exists():
            read_only = not readonly.writable(index_dir)
            if read_only:  # opened through links (engines/tantivy/readonly.py)
                return _engine(readonly.open_index(index_dir), index_dir, read_only=True)
            index = tantivy.Index.open(str(index_dir))
        elif create:
            index_dir.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(build_schema(), path=str(index_dir))
        else:
            raise IndexError_(f"no index in {index_dir} (build one with `imr-search index`)")
        # Reload by hand, when meta.json changes (see engine.py), not on a timer.
        index.config_reader(reload_policy="manual")
    except OSError as exc:
        raise IndexError_(f"cannot open the index in {index_dir}: {exc}") from exc
    except ValueError as exc:
        # tantivy's "Data corrupted" and "FileDoesNotExist" (a meta.json that cannot be read,
        # a segment file gone): the index is damaged, and the message says how to replace it.
        raise DamagedIndexError(str(index_dir), _short(exc)) from exc
    return _engine(index, index_dir, read_only=False)


def _short(exc: Exception, limit: int = 160) -> str:
    """tantivy's message on one line, cut to ``limit`` characters."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _engine(index: Any, index_dir: Path, *, read_only: bool) -> TantivyEngine:
    if missing := missing_fields(index.schema):
        # An older imr-search (before the outcome and the received / UR denial dates):
        # OutdatedIndexError, so `imr-search index --rebuild` makes it anew beside the old one.
        raise OutdatedIndexError(str(index_dir), f"it has no {', '.join(missing)}")
    return TantivyEngine(index, index_dir, read_only=read_only)
