"""The benchmark corpus: generated letters, parsed once and cached in ``benchmarks/out/``.

Letter *i* of a generated corpus depends only on the seed and *i* (``imr_synth.corpus``), so the
cache of a seed is a folder of chunks of ``CHUNK`` parsed letters (pickles of ``(name, sha256
of the text, Letter)`` tuples, None for a letter that failed to parse, written by this module
only); a run that needs more letters parses only the missing chunks, and a build reads only the
chunks it needs (so its peak memory does not depend on how large the cache has grown).

Letters whose id repeats an earlier letter's are dropped (an index keeps one letter per id), so
every engine sees exactly the same documents.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse import parse_text
from imr_synth.corpus import make_letter

OUT = Path(__file__).resolve().parent / "out"
CHUNK = 5000
PARSE_SAMPLE = 1000  # letters parsed afresh in every run to measure the parse rate

Cached = tuple[str, str, Letter] | None


@dataclass(frozen=True, slots=True)
class CorpusLetter:
    name: str
    digest: str
    letter: Letter


def _chunk_path(seed: int, out: Path, k: int) -> Path:
    return out / f"parsed-seed{seed}" / f"chunk-{k:05d}.pkl"


def _parse_range(seed: int, start: int, stop: int) -> list[Cached]:
    out: list[Cached] = []
    for i in range(start, stop):
        synth = make_letter(seed, i)
        try:
            letter = parse_text(synth.text, source=synth.name)
        except ParseError:
            out.append(None)
            continue
        digest = hashlib.sha256(synth.text.encode("utf-8")).hexdigest()
        out.append((synth.name, digest, letter))
    return out


def _chunk(seed: int, out: Path, k: int, need: int, log: bool) -> list[Cached]:
    """Chunk ``k`` holding at least its first ``need`` letters (parsing what is missing)."""
    path = _chunk_path(seed, out, k)
    data: list[Cached] = []
    if path.exists():
        with path.open("rb") as fh:
            data = pickle.load(fh)  # our own cache file
    if len(data) >= need:
        return data
    start = time.perf_counter()
    first = k * CHUNK + len(data)
    data.extend(_parse_range(seed, first, k * CHUNK + need))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    if log:
        rate = (k * CHUNK + need - first) / (time.perf_counter() - start)
        print(f"  corpus: letters {first}-{k * CHUNK + need - 1} parsed ({rate:.0f}/s)")
    return data


def iter_letters(
    n: int, seed: int = 1, *, out: Path = OUT, log: bool = True
) -> Iterator[CorpusLetter]:
    """The first ``n`` generated letters, parsed (from the cache, extended as needed), one
    chunk in memory at a time: 1.8 million parsed letters do not fit in memory at once."""
    seen: set[str] = set()
    for k in range(-(-n // CHUNK)):
        chunk = _chunk(seed, out, k, min(CHUNK, n - k * CHUNK), log)
        for entry in chunk[: n - k * CHUNK]:
            if entry is not None and entry[2].id not in seen:
                seen.add(entry[2].id)
                yield CorpusLetter(*entry)


def load(n: int, seed: int = 1, *, out: Path = OUT, log: bool = True) -> list[CorpusLetter]:
    """The first ``n`` generated letters, parsed, as one list (small corpora)."""
    return list(iter_letters(n, seed, out=out, log=log))


def _fill(args: tuple[int, Path, int, int]) -> int:
    seed, out, k, need = args
    return len(_chunk(seed, out, k, need, log=False))


def prepare(n: int, seed: int = 1, *, out: Path = OUT, jobs: int = 1) -> None:
    """Parse the missing chunks of the first ``n`` letters in ``jobs`` processes (a corpus of
    1.8 million letters takes about an hour on one core)."""
    work = [(seed, out, k, min(CHUNK, n - k * CHUNK)) for k in range(-(-n // CHUNK))]
    start, done = time.perf_counter(), 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for count in pool.map(_fill, work):
            done += count
            rate = done / (time.perf_counter() - start)
            print(f"  corpus: {done} of {n} letters ready ({rate:.0f}/s)", flush=True)


def parse_rate(n: int, seed: int = 1) -> float:
    """Letters per second through ``parse_text`` over the first ``min(n, PARSE_SAMPLE)``
    letters; generation is done beforehand and not timed."""
    texts = [make_letter(seed, i) for i in range(min(n, PARSE_SAMPLE))]
    start = time.perf_counter()
    for synth in texts:
        with contextlib.suppress(ParseError):
            parse_text(synth.text, source=synth.name)
    return len(texts) / (time.perf_counter() - start)
