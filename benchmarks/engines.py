"""The three engines of the benchmark behind one small interface: build a folder, open it, run a
``BenchQuery``. imr-search (Whoosh) goes through its public ``Engine`` interface only."""

from __future__ import annotations

import resource
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from benchmarks.baselines import sqlite_fts5, tantivy_engine
from benchmarks.baselines.common import Outcome
from benchmarks.corpus import OUT, CorpusLetter, load
from benchmarks.queries import BenchQuery, to_whoosh
from imr_search.engine import Engine
from imr_search.model import Letter
from imr_search.whoosh_engine import open_engine

ENGINES = ("whoosh", "sqlite-fts5", "tantivy")


class Searcher(Protocol):
    name: str

    def run(self, q: BenchQuery) -> Outcome: ...

    def close(self) -> None: ...


class WhooshSearcher:
    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.engine: Engine = open_engine(path)

    def run(self, q: BenchQuery) -> Outcome:
        r = self.engine.search(to_whoosh(q))
        facets = {n: {f.value: f.count for f in fs if f.count} for n, fs in r.facets.items()}
        return Outcome(total=r.total, shown=len(r.groups if q.letters else r.hits), facets=facets)

    def close(self) -> None:
        self.engine.close()


def build_whoosh(path: Path, corpus: Iterable[CorpusLetter]) -> None:
    engine = open_engine(path, create=True)
    with engine.writer(rebuild=True) as w:
        for c in corpus:
            w.put(c.letter, source_key=c.name, content_hash=c.digest)
    engine.close()


def _letters(corpus: Iterable[CorpusLetter]) -> Iterable[Letter]:
    return (c.letter for c in corpus)


BUILDERS: dict[str, Callable[[Path, list[CorpusLetter]], None]] = {
    "whoosh": build_whoosh,
    "sqlite-fts5": lambda p, c: sqlite_fts5.build(p, _letters(c)),
    "tantivy": lambda p, c: tantivy_engine.build(p, _letters(c)),
}
SIZES: dict[str, Callable[[Path], int]] = {
    "whoosh": lambda p: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()),
    "sqlite-fts5": sqlite_fts5.size_bytes,
    "tantivy": tantivy_engine.size_bytes,
}


def open_searcher(engine: str, path: Path) -> Searcher:
    if engine == "whoosh":
        return WhooshSearcher(path)
    if engine == "sqlite-fts5":
        return sqlite_fts5.SqliteSearcher(path)
    return tantivy_engine.TantivySearcher(path)


@dataclass(frozen=True, slots=True)
class BuildResult:
    engine: str
    letters: int
    items: int
    seconds: float
    size_bytes: int
    rss_before_mib: float
    rss_peak_mib: float


def build_in_child(engine: str, n: int, seed: int, path: Path, out: Path = OUT) -> BuildResult:
    """Build ``engine``'s index of the first ``n`` letters in ``path`` (run in a fresh child
    process, so ``ru_maxrss`` is the build's own peak: it includes the loaded corpus, which
    ``rss_before_mib`` measures)."""
    corpus = load(n, seed, out=out, log=False)
    if path.exists():
        shutil.rmtree(path)
    items = sum(len(c.letter.items) for c in corpus)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    BUILDERS[engine](path, corpus)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BuildResult(engine, len(corpus), items, seconds, SIZES[engine](path), before, peak)
