"""Phrases from pair terms against the positional phrase, over a whole benchmark index.

    python -m benchmarks.phrases --index /work/bench-out/index-imr-tantivy-1800000 \\
        --corpus /work/bench-out --json /work/bench-out/phrases.json

Issue 27's exactness check at the corpus's size (``tests/engines/test_tantivy_pairs.py`` makes
the same check on 400 letters): runs of 2 to 5 words are taken from the texts of the first
``--letters`` letters of the benchmark corpus, as written; those the index's pairs answer
(every adjacent pair of words frequent) are sorted by the number of items their positional
phrase matches, a power of two per bin, and drawn from each bin in turn (rare phrases to
phrases in most items) until ``--phrases`` are picked. Each is then searched both ways on the
same index (its pairs switched off for the positional answer, so the expectation never comes
from the pair path): the totals and every facet's counts must be equal, and the items matched
too for phrases matching at most ``--items`` items (listing millions of item ids would measure
the listing). A difference is printed and makes the exit code 1. Times are the median of
``--rounds`` runs per phrase and way, after one run that is left out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.mechanisms import pct
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import TantivyEngine
from imr_search.search.documents import item_documents
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService

# Shuffled windows the pairs answer whose positional count is taken, to fill the bins: this
# many per phrase wanted (most windows hold a word that is not frequent: they are passed over
# before counting; a positional phrase of frequent words costs up to 0.7 s at 1.8 million).
CANDIDATES_PER_PHRASE = 4


def _request(phrase: str, *, facets: bool = False, size: int = 1) -> SearchRequest:
    # Every text field, as typed: the phrase alone decides what matches.
    return SearchRequest(
        query=f'"{phrase}"', facets=facets, size=size, scope="everywhere", synonyms=False
    )


@contextmanager
def positional(service: SearchService) -> Iterator[None]:
    backend = service.backend
    assert isinstance(backend, TantivyEngine)
    pairs, backend.pairs = backend.pairs, None
    try:
        yield
    finally:
        backend.pairs = pairs


def windows(letters: int, corpus_dir: Path) -> list[str]:
    """Every run of 2 to 5 words in the items' texts of the first ``letters`` letters."""
    out: set[str] = set()
    for entry in corpus.iter_letters(letters, out=corpus_dir, log=False):
        for doc in item_documents(entry.letter):
            for text in doc.text.values():
                words = re.findall(r"\w+", text or "")
                for n in range(2, 6):
                    out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return sorted(out)


def sample(service: SearchService, candidates: list[str], wanted: int) -> list[tuple[str, int]]:
    """(phrase, positional total) pairs the index's pairs answer, drawn from each power of two
    of the total in turn."""
    backend = service.backend
    assert isinstance(backend, TantivyEngine)
    pairs = backend.pairs
    assert pairs is not None
    bins: dict[int, list[tuple[str, int]]] = {}
    answered = (p for p in candidates if pairs.covers(backend.analyzer.analyze(p)))
    with positional(service):
        for phrase in itertools.islice(answered, wanted * CANDIDATES_PER_PHRASE):
            total = service.search(_request(phrase)).total
            if total:
                bins.setdefault(int(math.log2(total)), []).append((phrase, total))
    picked: list[tuple[str, int]] = []
    for row in itertools.zip_longest(*(bins[k] for k in sorted(bins))):
        picked += [p for p in row if p is not None]
        if len(picked) >= wanted:
            break
    return picked[:wanted]


def _answer(service: SearchService, phrase: str, items: bool) -> dict[str, Any]:
    result = service.search(_request(phrase, facets=True))
    return {
        "total": result.total,
        "facets": {k: sorted((f.value, f.count) for f in v) for k, v in result.facets.items()},
        "items": sorted(i.item_id for i in service.iter_items(_request(phrase))) if items else [],
    }


def _timed(service: SearchService, phrase: str, rounds: int) -> float:
    runs = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        service.search(_request(phrase, size=20))
        runs.append(time.perf_counter() - start)
    return statistics.median(runs[1:])


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(27)
    candidates = windows(args.letters, args.corpus)
    rng.shuffle(candidates)
    problems: list[str] = []
    rows = []
    with open_engine(args.index) as opened:
        assert isinstance(opened, SearchService)
        service = opened
        start = time.perf_counter()
        picked = sample(service, candidates, args.phrases)
        sampling = time.perf_counter() - start
        for phrase, total in picked:
            listed = total <= args.items
            paired = _answer(service, phrase, listed)
            pair_ms = _timed(service, phrase, args.rounds) * 1000
            with positional(service):
                expected = _answer(service, phrase, listed)
                positional_ms = _timed(service, phrase, args.rounds) * 1000
            if paired != expected:
                problems.append(f"{phrase!r}: pair terms and positions differ")
            rows.append(
                {
                    "phrase": phrase,
                    "words": len(phrase.split()),
                    "total": total,
                    "items_compared": listed,
                    "pair_ms": round(pair_ms, 2),
                    "positional_ms": round(positional_ms, 2),
                }
            )
    by_bin: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_bin.setdefault(int(math.log2(row["total"])), []).append(row)
    return {
        "index": str(args.index),
        "letters_sampled": args.letters,
        "windows": len(candidates),
        "sampling_s": round(sampling, 1),
        "phrases": len(rows),
        "items_compared": sum(r["items_compared"] for r in rows),
        "bins": {
            f"{2**k}-{2 ** (k + 1) - 1} items": {
                "phrases": len(b),
                "pair_ms_p50": round(statistics.median(r["pair_ms"] for r in b), 2),
                "positional_ms_p50": round(statistics.median(r["positional_ms"] for r in b), 2),
            }
            for k, b in sorted(by_bin.items())
        },
        "pair_ms_p95": round(pct([r["pair_ms"] for r in rows], 95), 2),
        "positional_ms_p95": round(pct([r["positional_ms"] for r in rows], 95), 2),
        "rows": rows,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="a tantivy benchmark index")
    ap.add_argument("--corpus", type=Path, default=corpus.OUT, help="the corpus cache's folder")
    ap.add_argument("--letters", type=int, default=2000, help="letters whose text is sampled")
    ap.add_argument("--phrases", type=int, default=240)
    ap.add_argument("--minimum", type=int, default=200, help="fewer phrases found is a failure")
    ap.add_argument("--items", type=int, default=20000, help="compare item ids up to this many")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    report = run(args)
    with open("/proc/loadavg") as f:
        report["load_average"] = f.read().split()[:3]
    brief = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(brief, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    for problem in report["problems"]:
        print(problem, file=sys.stderr)
    if report["phrases"] < args.minimum:
        print(f"only {report['phrases']} phrases the pairs answer were found", file=sys.stderr)
        return 1
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
