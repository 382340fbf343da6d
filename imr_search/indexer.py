"""Incremental indexing: sources -> parse -> engine, through the Engine interface only.

Each source is hashed (sha256 of its bytes); a source whose hash the index already holds is
skipped without parsing. Changed and new sources are parsed and put; a source that cannot be
parsed is reported with its reason and the rest carry on. Everything goes in one writer batch,
so the index shows the previous content until the single commit at the end (and keeps it if
the run is killed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from imr_search.engine import Engine
from imr_search.errors import ParseError
from imr_search.parse import MAX_BYTES, STDIN, iter_sources, parse_source

Outcome = Literal["indexed", "unchanged", "failed"]


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """One source done: ``done`` of ``total`` sources, what happened to ``path``."""

    done: int
    total: int
    path: str
    outcome: Outcome
    reason: str | None = None


@dataclass(slots=True)
class IndexReport:
    """What a run did. ``letters`` and ``items`` count the whole index after the commit."""

    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    pruned: int = 0
    letters: int = 0
    items: int = 0


def source_key(source: str) -> str:
    """How the index names a source: its absolute path (``-`` for standard input)."""
    return source if source == STDIN else str(Path(source).resolve())


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current_hash(source: str, max_bytes: int) -> str | None:
    """The hash of a file as it is now, or None when it cannot be read here (the parser then
    reports why)."""
    if source == STDIN:
        return None
    path = Path(source)
    try:
        if path.stat().st_size > max_bytes:
            return None
        return content_hash(path.read_bytes())
    except OSError:
        return None


def index_paths(
    engine: Engine,
    paths: Sequence[str],
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: Callable[[IndexProgress], None] | None = None,
    max_bytes: int = MAX_BYTES,
) -> IndexReport:
    """Index the letters under ``paths`` (files and folders; ``-`` for standard input).

    ``rebuild`` replaces the whole index with what this run finds; ``prune`` deletes letters
    whose source file no longer exists. Raises IndexBusyError if another process is writing.
    """
    report = IndexReport()
    sources = list(iter_sources(paths))
    known = {} if rebuild else engine.sources()
    put_ids: set[str] = set()
    with engine.writer(rebuild=rebuild) as writer:
        for done, source in enumerate(sources, 1):
            key = source_key(source)
            reason: str | None = None
            state = known.get(key)
            if state is not None and _current_hash(source, max_bytes) == state.content_hash:
                outcome: Outcome = "unchanged"
                report.unchanged += 1
            else:
                try:
                    parsed = parse_source(source, max_bytes=max_bytes)
                except ParseError as exc:
                    outcome, reason = "failed", exc.reason
                    report.failed.append((source, exc.reason))
                else:
                    digest = content_hash(parsed.data)
                    writer.put(parsed.letter, source_key=key, content_hash=digest)
                    put_ids.add(parsed.letter.id)
                    outcome = "indexed"
                    report.indexed += 1
            if progress is not None:
                progress(IndexProgress(done, len(sources), source, outcome, reason))
        if prune and not rebuild:
            seen = {source_key(s) for s in sources}
            for key, state in known.items():
                gone = key != STDIN and key not in seen and not Path(key).exists()
                if gone and state.letter_id not in put_ids:
                    writer.delete(state.letter_id)
                    report.pruned += 1
    stats = engine.stats()
    report.letters, report.items = stats.letters, stats.items
    return report
