"""A posting pool that spills to disk in chunks rather than one pickle per posting.

Whoosh sorts a writer's postings in memory until its pool is full (``limitmb``), then writes
sorted runs to temporary files and merges them at commit. Its runs hold one ``pickle.dump``
per posting, and reading them back one ``pickle.load`` per posting: about as much time as
indexing the postings in the first place. Here a run is a series of ``marshal``-ed lists of
postings (``CHUNK`` at a time), so spilling costs one C call per chunk. A large build (the
whole corpus in one batch, which is what ``rebuild`` does) spills; small batches never do.

Whoosh has no public way to change how runs are written: this overrides private methods of
its ``PostingPool`` (``_write_run``, ``_read_run``) and calls others (``_open_run``,
``_remove_run``). ``chunked_pool_fits`` checks that they are still there as this code
assumes; when they are not, the writer keeps Whoosh's own pool (the same index, built more
slowly). tests/engines/test_whoosh_hooks.py checks how they behave on a real writer.
"""

from __future__ import annotations

import inspect
import marshal
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from imr_search.engines.whoosh._whoosh import writing

CHUNK = 20_000

# Whoosh's private run methods this pool overrides or calls, with their parameters after self.
_RUN_METHODS = {
    "_new_run": 0,  # -> (path, file): SortingPool.save writes the run through _write_run
    "_write_run": 2,  # (file, sorted items); closes the file
    "_read_run": 1,  # (path) -> the run's items in order; removes the run
    "_open_run": 1,  # (path) -> a readable binary file
    "_remove_run": 1,  # (path)
}


class ChunkedPostingPool(writing.PostingPool):  # type: ignore[misc]
    """Whoosh's ``PostingPool`` with chunked, marshal-encoded runs."""

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        it = iter(items)
        while chunk := list(islice(it, CHUNK)):
            f.write(marshal.dumps(chunk))
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def _parameters(method: Any) -> int | None:
    try:
        return len(inspect.signature(method).parameters) - 1  # without self
    except (TypeError, ValueError):
        return None


def chunked_pool_fits(writer: Any) -> bool:
    """Whether ``writer`` is a fresh Whoosh ``SegmentWriter`` whose pool is Whoosh's own
    ``PostingPool``, empty, with the private run methods ``ChunkedPostingPool`` relies on."""
    pool = getattr(writer, "pool", None)
    if type(pool) is not writing.PostingPool or not hasattr(writer, "newsegment"):
        return False
    if getattr(pool, "current", None) != [] or getattr(pool, "runs", None) != []:
        return False  # not fresh: postings already added would be lost
    if not callable(getattr(writer, "temp_storage", None)):
        return False
    return all(
        _parameters(getattr(writing.PostingPool, name, None)) == count
        for name, count in _RUN_METHODS.items()
    )


def use_chunked_pool(writer: Any, limitmb: float) -> bool:
    """Give a fresh Whoosh ``SegmentWriter`` (nothing added yet) a chunked pool; False (and
    Whoosh's pool kept) when ``chunked_pool_fits`` says this Whoosh does not fit it."""
    if not chunked_pool_fits(writer):
        return False
    writer.pool = ChunkedPostingPool(writer.temp_storage(), writer.newsegment, limitmb=limitmb)
    return True
