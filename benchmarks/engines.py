"""The engines of the benchmark behind one small interface: build a folder, open it, run a
``BenchQuery``. imr-search's two engines (``whoosh`` and ``imr-tantivy``) go through its public
``Engine`` interface only (``imr_search.engines.registry.open_engine``); ``sqlite-fts5`` and
``tantivy``
are hand-made baselines of the same documents."""

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
from benchmarks.corpus import OUT, CorpusLetter, iter_letters
from benchmarks.queries import BenchQuery, to_whoosh
from imr_search.engines.registry import EngineName, open_engine
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.service import prepare

ENGINES = ("whoosh", "imr-tantivy", "sqlite-fts5", "tantivy")
# The benchmark's names of imr-search's own engines -> the engine each index folder holds.
IMR_ENGINES: dict[str, EngineName] = {"whoosh": "whoosh", "imr-tantivy": "tantivy"}


class Searcher(Protocol):
    name: str

    def run(self, q: BenchQuery) -> Outcome: ...

    def close(self) -> None: ...


class ImrSearcher:
    """One of imr-search's engines, through the ``Engine`` interface."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.engine: Engine = open_engine(path)

    def run(self, q: BenchQuery) -> Outcome:
        request = to_whoosh(q)
        if q.box:  # as the search box runs it: checked, a case number opens its letter
            request = prepare(self.engine, request).request
        r = self.engine.search(request)
        facets = {n: {f.value: f.count for f in fs if f.count} for n, fs in r.facets.items()}
        return Outcome(total=r.total, shown=len(r.groups if q.letters else r.hits), facets=facets)

    def close(self) -> None:
        self.engine.close()


def build_imr(engine: EngineName) -> Callable[[Path, Iterable[CorpusLetter]], None]:
    def build(path: Path, corpus: Iterable[CorpusLetter]) -> None:
        opened = open_engine(path, engine=engine, create=True)
        try:
            with opened.writer(rebuild=True) as w:
                for c in corpus:
                    w.put(c.letter, source_key=c.name, content_hash=c.digest)
        finally:
            opened.close()

    return build


def _letters(corpus: Iterable[CorpusLetter]) -> Iterable[Letter]:
    return (c.letter for c in corpus)


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


BUILDERS: dict[str, Callable[[Path, Iterable[CorpusLetter]], None]] = {
    "whoosh": build_imr("whoosh"),
    "imr-tantivy": build_imr("tantivy"),
    "sqlite-fts5": lambda p, c: sqlite_fts5.build(p, _letters(c)),
    "tantivy": lambda p, c: tantivy_engine.build(p, _letters(c)),
}
SIZES: dict[str, Callable[[Path], int]] = {
    "whoosh": _folder_size,
    "imr-tantivy": _folder_size,
    "sqlite-fts5": sqlite_fts5.size_bytes,
    "tantivy": tantivy_engine.size_bytes,
}


def open_searcher(engine: str, path: Path) -> Searcher:
    if engine in IMR_ENGINES:
        return ImrSearcher(engine, path)
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
    process, so ``ru_maxrss`` is the build's own peak). The parsed letters stream from the
    corpus cache a chunk at a time, and reading them is timed with the build (about 3% of an
    imr-tantivy build): at 1.8 million letters the whole corpus does not fit in memory."""
    if path.exists():
        shutil.rmtree(path)
    counts = [0, 0]

    def counted() -> Iterable[CorpusLetter]:
        for c in iter_letters(n, seed, out=out, log=False):
            counts[0] += 1
            counts[1] += len(c.letter.items)
            yield c

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    BUILDERS[engine](path, counted())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BuildResult(engine, counts[0], counts[1], seconds, SIZES[engine](path), before, peak)
