"""The blank query's counts kept beside each commit (``counts.json``), so that a new process
does not count every item again.

Every item's facet counts and citation pairs are what the search page shows first, what
``imr-search stats`` and the citator start from, and at 1.8 million letters one aggregation
over 52 million facet values and one over the citation pairs cost about a second. A server
counts them once per commit and keeps them; a command is a new process each time. So the
writer counts them right after each commit, while it still holds the index's lock, and writes
them into the index folder with the commit's identity: the SHA-256 of its ``meta.json``, which
every commit rewrites (a new opstamp and segment list) and ``publish`` copies byte for byte.

A reader uses the file only for the commit it names and only when the item count in it equals
the searcher's own: a file of another commit, a damaged or missing one, or one from an older
version of the program is ignored, and the counts are made as before. A write that fails
leaves no file or the previous one (written beside and renamed over), never a wrong answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = "counts.json"
_PARTIAL = FILE + ".partial"
_VERSION = 1


@dataclass(frozen=True, slots=True)
class Kept:
    items: int
    facets: dict[str, Counter[str]]
    pairs: Counter[str] | None  # None: an index without the citator's pairs


def digest(index_dir: Path) -> str | None:
    """The identity of the commit ``meta.json`` names now (None when it cannot be read)."""
    try:
        return hashlib.sha256((index_dir / "meta.json").read_bytes()).hexdigest()
    except OSError:
        return None


def load(index_dir: Path, commit: str) -> Kept | None:
    """The counts kept for ``commit``, or None (no file, another commit's, or unreadable)."""
    try:
        raw: Any = json.loads((index_dir / FILE).read_text("utf-8"))
        if raw.get("version") != _VERSION or raw.get("commit") != commit:
            return None
        pairs = raw["pairs"]
        return Kept(
            int(raw["items"]),
            {name: Counter(values) for name, values in raw["facets"].items()},
            Counter(pairs) if pairs is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(index_dir: Path, commit: str, kept: Kept) -> None:
    """Write ``kept`` as the counts of ``commit`` (beside, then renamed over the old file)."""
    data = {
        "version": _VERSION,
        "commit": commit,
        "items": kept.items,
        "facets": {name: dict(values) for name, values in kept.facets.items()},
        "pairs": dict(kept.pairs) if kept.pairs is not None else None,
    }
    partial = index_dir / _PARTIAL
    try:
        partial.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
        os.replace(partial, index_dir / FILE)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
