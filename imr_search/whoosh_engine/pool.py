"""A posting pool that spills to disk in chunks rather than one pickle per posting.

Whoosh sorts a writer's postings in memory until its pool is full (``limitmb``), then writes
sorted runs to temporary files and merges them at commit. Its runs hold one ``pickle.dump``
per posting, and reading them back one ``pickle.load`` per posting: about as much time as
indexing the postings in the first place. Here a run is a series of ``marshal``-ed lists of
postings (``CHUNK`` at a time), so spilling costs one C call per chunk. A large build (the
whole corpus in one batch, which is what ``rebuild`` does) spills; small batches never do.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from imr_search.whoosh_engine._whoosh import writing

CHUNK = 20_000


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


def use_chunked_pool(writer: Any, limitmb: int) -> None:
    """Give a fresh Whoosh ``SegmentWriter`` (nothing added yet) a chunked pool."""
    writer.pool = ChunkedPostingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
