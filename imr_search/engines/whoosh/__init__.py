"""The Whoosh search engine behind ``imr_search.search.backend.Engine``.

This package is the only place in imr-search that imports Whoosh.
"""

from __future__ import annotations

import io
from pathlib import Path

from imr_search.engines.whoosh._whoosh import index
from imr_search.engines.whoosh.engine import WRITER_POOL_MB, WhooshEngine
from imr_search.engines.whoosh.schema import PAIR_COLUMN, build_schema
from imr_search.errors import DamagedIndexError, ImrSearchError, IndexError_, OutdatedIndexError

__all__ = ["WhooshEngine", "open_backend"]


def open_backend(
    index_dir: Path,
    *,
    create: bool = False,
    private_hooks: bool = True,
    pool_mb: float = WRITER_POOL_MB,
) -> WhooshEngine:
    """Open the index in ``index_dir``; with ``create``, make it (and the folder) if missing.

    An existing index is never emptied here: ``writer(rebuild=True)`` replaces content.
    ``private_hooks`` and ``pool_mb``: see ``WhooshEngine``.
    """
    index_dir = Path(index_dir)
    schema = build_schema()
    try:
        if index.exists_in(str(index_dir)):
            # The schema the index was written with (its TOC): before index format 2 the text
            # fields dropped stop words, so "not medically necessary" would match every item.
            held = index.open_dir(str(index_dir)).schema
            if not list(held["service"].analyzer("not")):
                raise OutdatedIndexError(str(index_dir), "its text fields drop stop words")
            # Index format 3 added the letter outcome, the received / UR denial dates, the
            # citator and era fields and their facets in the column.
            # Format 4, the reason codes (their field, and the items' stored records).
            needed = ("outcome", "received", "urdenial", "citation", "era", "reason")
            if any(name not in held for name in needed):
                raise OutdatedIndexError(
                    str(index_dir),
                    "it has no outcome, received date, citation, era or reason fields",
                )
            # Format 5 added ``about`` (the service and what the parser derived from
            # it), which plain words search.
            if "about" not in held:
                raise OutdatedIndexError(
                    str(index_dir), "it has no about field (what plain words search)"
                )
            # Made before the citator's pairs: kept without them (the citator then asks row by
            # row; ``outdated`` has ``index --rebuild`` make it anew).
            schema = build_schema(citation_pairs=PAIR_COLUMN in held)
            ix = index.open_dir(str(index_dir), schema=schema)
        elif create:
            index_dir.mkdir(parents=True, exist_ok=True)
            ix = index.create_in(str(index_dir), schema)
        else:
            raise IndexError_(f"no index in {index_dir} (build one with `imr-search index`)")
    except OSError as exc:
        raise IndexError_(f"cannot open the index in {index_dir}: {exc}") from exc
    except ImrSearchError:
        raise
    except Exception as exc:  # the TOC is a pickle: a damaged one raises anything
        why = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        _close_files(exc)
        raise DamagedIndexError(str(index_dir), why) from None
    return WhooshEngine(
        ix,
        index_dir,
        schema=schema,
        private_hooks=private_hooks,
        pool_mb=pool_mb,
    )


def _close_files(exc: BaseException) -> None:
    """Close the files Whoosh left open in the frames ``exc`` passed through: it opens the TOC
    and does not close it when it cannot read it (a server would leak a descriptor a request)."""
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            inner = getattr(value, "file", None)  # Whoosh's StructFile wraps the file
            for f in (value, inner):
                if isinstance(f, io.IOBase) and not f.closed:
                    f.close()
        tb = tb.tb_next
