"""Incremental indexing: sources -> parse -> engine, through the Engine interface only.

Each source is hashed (sha256 of its bytes); a source whose hash the index already holds is
skipped without parsing. Changed and new sources are parsed (by a runner: in this process,
worker processes or a cluster; see ``imr_search.ingest``), or taken from the record cache,
and put in the order they were given, so the index is the same whatever ran the parsing. A
source that cannot be parsed is reported with its reason and the rest carry on. Everything
goes in one writer batch, so the index shows the previous content until the single commit at
the end (and keeps it if the run is killed).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from imr_search.errors import RecordError
from imr_search.ingest.abbreviations import letter_pairs, save_counts
from imr_search.ingest.cache import RecordCache
from imr_search.ingest.pipeline import ingest, warning_kind
from imr_search.ingest.tasks import Runner, SerialRunner, content_hash
from imr_search.model import Letter
from imr_search.parse import MAX_BYTES, STDIN, iter_sources
from imr_search.parse.dates import plausible_dates
from imr_search.search.backend import Engine

__all__ = [
    "IndexProgress",
    "IndexReport",
    "content_hash",
    "index_paths",
    "index_records",
    "source_key",
]

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
    """What a run did. ``letters`` and ``items`` count the whole index after the commit;
    ``cached`` of the ``indexed`` came from the record cache (no PDF read); ``warnings``
    counts the parser's warnings of the indexed letters by kind."""

    indexed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    pruned: int = 0
    letters: int = 0
    items: int = 0
    unclassified: int = 0  # items of the whole index without a category
    cached: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    # The letters this run wrote, which alone can hold items new to a saved search
    # (``AlertStore.record_run``); None after a rebuild, which writes every letter anew.
    written: list[str] | None = field(default_factory=list)


def source_key(source: str) -> str:
    """How the index names a source: its absolute path (``-`` for standard input)."""
    return source if source == STDIN else str(Path(source).resolve())


def index_paths(
    engine: Engine,
    paths: Sequence[str],
    *,
    rebuild: bool = False,
    prune: bool = False,
    progress: Callable[[IndexProgress], None] | None = None,
    max_bytes: int = MAX_BYTES,
    runner: Runner | None = None,
    cache: RecordCache | None = None,
    relabel: Callable[[Letter], Letter] | None = None,
    abbreviations: Path | None = None,
) -> IndexReport:
    """Index the letters under ``paths`` (files and folders; ``-`` for standard input).
    ``abbreviations``: where to count the abbreviations the letters define
    (``imr_search.ingest.abbreviations``), after the commit.

    ``rebuild`` replaces the whole index with what this run finds; ``prune`` deletes letters
    whose source file no longer exists. ``runner`` parses (default: in this process);
    ``cache`` supplies and keeps records by content hash. Raises IndexBusyError if another
    process is writing. ``relabel`` gives each parsed letter as it is indexed (DWC's own
    labels on its items: ``imr_search.fetch.labels``); the record cache keeps the parser's.
    """
    report = IndexReport(written=None if rebuild else [])
    sources = list(iter_sources(paths))
    states = {} if rebuild else engine.sources()
    known = {
        s: states[source_key(s)].content_hash
        for s in sources
        if s != STDIN and source_key(s) in states
    }
    put_ids: set[str] = set()
    mined: Counter[tuple[str, str]] = Counter()
    runner = runner if runner is not None else SerialRunner(max_bytes=max_bytes)
    with engine.writer(rebuild=rebuild) as writer:
        outcomes = ingest(sources, runner, known=known, cache=cache, max_bytes=max_bytes)
        for done in outcomes:
            reason: str | None = None
            if done.outcome == "unchanged":
                outcome: Outcome = "unchanged"
                report.unchanged += 1
            elif done.letter is None or done.digest is None:
                outcome, reason = "failed", done.reason or "failed"
                report.failed.append((done.source, reason))
            else:
                # A record cached by an older parser may still hold an impossible date.
                letter = plausible_dates(done.letter)
                letter = letter if relabel is None else relabel(letter)
                writer.put(letter, source_key=source_key(done.source), content_hash=done.digest)
                put_ids.add(letter.id)
                if report.written is not None:
                    report.written.append(letter.id)
                if abbreviations is not None:
                    mined.update(letter_pairs(letter))
                outcome = "indexed"
                report.indexed += 1
                report.cached += done.outcome == "cached"
                report.warnings.update(warning_kind(w) for w in letter.warnings)
            if progress is not None:
                progress(IndexProgress(done.seq + 1, len(sources), done.source, outcome, reason))
        if prune and not rebuild:
            seen = {source_key(s) for s in sources}
            for key, state in states.items():
                gone = key != STDIN and key not in seen and not Path(key).exists()
                if gone and state.letter_id not in put_ids:
                    writer.delete(state.letter_id)
                    report.pruned += 1
        if cache is not None:
            # Before the index commits: a cache that cannot be written (a full disk) fails
            # the run while the index is still as it was.
            cache.commit()
    if abbreviations is not None and (mined or rebuild):
        save_counts(abbreviations, mined, rebuild=rebuild)
    stats = engine.stats()
    report.letters, report.items = stats.letters, stats.items
    report.unclassified = stats.unclassified
    return report


def index_records(
    engine: Engine,
    lines: Iterable[str],
    *,
    name: str,
    rebuild: bool = False,
    progress: Callable[[IndexProgress], None] | None = None,
) -> IndexReport:
    """Index letter records given as JSON Lines, as ``imr-search parse --format jsonl``
    prints them (``name`` is the file's, for messages): nothing is extracted or parsed
    again, so records made once (on a cluster, say) can fill any number of indexes.

    Each letter goes under the source it names, with the hash of its record, so a record
    the index already holds unchanged is skipped. A line that is not a letter record is
    reported as ``NAME:LINE`` with the reason, and the rest carry on.
    """
    report = IndexReport(written=None if rebuild else [])
    states = {} if rebuild else engine.sources()
    with engine.writer(rebuild=rebuild) as writer:
        number = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{name}:{number}"
            reason: str | None = None
            try:
                letter = Letter.from_dict(json.loads(line))
                key = source_key(letter.source)
            except (RecordError, ValueError) as exc:  # not a record, or not JSON at all
                outcome: Outcome = "failed"
                reason = (
                    str(exc)
                    if isinstance(exc, RecordError)
                    else f"not a letter record: not JSON ({exc})"
                )
                report.failed.append((where, reason))
            else:
                digest = content_hash(json.dumps(letter.to_dict(), sort_keys=True).encode())
                held = states.get(key)
                if held is not None and held.content_hash == digest:
                    outcome = "unchanged"
                    report.unchanged += 1
                else:
                    # A record from elsewhere is held to what the parser would keep.
                    letter = plausible_dates(letter)
                    writer.put(letter, source_key=key, content_hash=digest)
                    if report.written is not None:
                        report.written.append(letter.id)
                    outcome = "indexed"
                    report.indexed += 1
                    report.warnings.update(warning_kind(w) for w in letter.warnings)
            if progress is not None:
                progress(IndexProgress(number, number, where, outcome, reason))
    stats = engine.stats()
    report.letters, report.items = stats.letters, stats.items
    report.unclassified = stats.unclassified
    return report
