"""The judged query set (``tests/data/judged/queries.json``) and its measures: mean
R-precision, recall and the precision of the whole match set, per engine.

The letters are the fixture letters and seeds (``factories.LETTER_SOURCES``) and the
generated letters of ``tests/data/judged/letters``, through the real parser and indexer. Each
query runs as the search box runs it (``SearchRequest(query=...)``, every default), and every
page of its answer is read.

``python tests/judged.py`` prints the figures of the code it imports (docs/benchmarks.md, "The
judged query set"); with ``PYTHONPATH`` pointing at another checkout it measures that one.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from imr_search.engines.registry import open_engine
from imr_search.ingest.indexer import index_paths
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

HERE = Path(__file__).parent
JUDGED = HERE / "data" / "judged"
SOURCES = [str(HERE / "fixtures" / "seeds"), str(HERE / "fixtures" / "letters")]
SOURCES.append(str(JUDGED / "letters"))


@dataclass(frozen=True, slots=True)
class Judged:
    query: str
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class Scores:
    query: str
    r_precision: float
    recall: float
    precision: float  # of the whole match set (1.0 for an empty set)
    matched: int


def judged_queries() -> list[Judged]:
    data = json.loads((JUDGED / "queries.json").read_text("utf-8"))
    return [Judged(q["query"], frozenset(q["relevant"])) for q in data["queries"]]


def ranked(engine: Engine, query: str) -> list[str]:
    """Every item the query matches, best first."""
    out: list[str] = []
    page = 1
    while True:
        result = engine.search(SearchRequest(query=query, size=100, page=page))
        out += [h.item_id for h in result.hits]
        if len(out) >= result.total or not result.hits:
            return out
        page += 1


def score(judged: Judged, found: list[str]) -> Scores:
    r = len(judged.relevant)
    hits = [i for i in found if i in judged.relevant]
    return Scores(
        judged.query,
        r_precision=sum(1 for i in found[:r] if i in judged.relevant) / r,
        recall=len(hits) / r,
        precision=len(hits) / len(found) if found else 1.0,
        matched=len(found),
    )


def measure(engine: Engine) -> list[Scores]:
    return [score(j, ranked(engine, j.query)) for j in judged_queries()]


def means(scores: list[Scores]) -> tuple[float, float, float]:
    n = len(scores)
    return (
        sum(s.r_precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.precision for s in scores) / n,
    )


def build(path: Path, engine_name: str) -> None:
    with open_engine(path, engine=engine_name, create=True) as engine:
        report = index_paths(engine, SOURCES, rebuild=True)
        assert not report.failed, report.failed


def main() -> None:
    verbose = "-v" in sys.argv
    for name in ("whoosh", "tantivy"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "index"
            build(path, name)
            with open_engine(path, engine=name) as engine:
                scores = measure(engine)
        rp, rec, prec = means(scores)
        print(f"{name}: {len(scores)} queries, R-precision {rp:.3f}, recall {rec:.3f}, "
              f"match-set precision {prec:.3f}")  # fmt: skip
        if verbose:
            for s in scores:
                print(f"  {s.query!r:32} R-prec {s.r_precision:.2f} recall {s.recall:.2f} "
                      f"precision {s.precision:.2f} ({s.matched} matched)")  # fmt: skip


if __name__ == "__main__":
    main()
