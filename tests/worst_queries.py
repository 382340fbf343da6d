"""The worst queries we can construct, run in a process of their own so that its peak memory
is theirs (``tests/search/test_bounds.py`` starts it; issue 28).

    python tests/worst_queries.py INDEX TIME_LIMIT

Prints one JSON line per query: its name, "answered" or "refused" (a query error) or the
foreign exception, the wall-clock and CPU seconds, and the process's peak resident memory (MB)
after it. The memory baseline is taken after a first search has loaded the engine.
"""

from __future__ import annotations

import functools
import json
import resource
import string
import sys
import time
from collections.abc import Callable
from typing import Any

from imr_search.analysis.citator import citator
from imr_search.engines.registry import open_engine
from imr_search.errors import QueryError
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

LIMIT = 1000  # characters: the default --max-query-length


def _fit(parts: list[str], sep: str, limit: int = LIMIT) -> str:
    """As many of ``parts`` joined by ``sep`` as ``limit`` characters hold."""
    out = ""
    for part in parts:
        longer = f"{out}{sep}{part}" if out else part
        if len(longer) > limit:
            break
        out = longer
    return out


PREFIXES = [a + b + "*" for a in string.ascii_lowercase for b in string.ascii_lowercase]
WORDS = ["the", "of", "and", "to", "patient", "was", "for", "in"]

# name -> query text: every one at most LIMIT characters, as a user may send.
QUERIES: dict[str, str] = {
    # The sloppiest phrase the language admits, of the commonest repeated word, and mixed.
    "sloppy repeated word": '"' + " ".join(["the"] * 8) + '"~20',  # refused: repeats
    "sloppy common words": '"' + " ".join(WORDS) + '"~20',
    # What issue 28 found unbounded (now refused before running).
    "sloppy 20 words slop 1000": '"' + " ".join(["a"] * 20) + '"~1000',
    "age past 64 bits": "age:99999999999999999999999999",
    # The longest exact phrases: of a repeated word (refused), of common words repeated.
    "exact phrase of 249 words": '"' + " ".join(["the"] * 249) + '"',
    "exact phrase of common words": '"' + " ".join(WORDS * 4)[: LIMIT - 2] + '"',
    # One word of 1,000 letters (a spelling correction search of it) and 200 unknown words.
    "1,000-letter word": ("abcdefghij" * 100)[:LIMIT],
    "unknown words": _fit([f"zq{i}xw" for i in range(400)], " "),
    # Patterns: OR-ed prefixes up to the length limit, every letter, an infix over everything.
    "OR-ed prefixes": _fit(PREFIXES, " OR "),
    "every letter": " OR ".join(f"{c}*" for c in string.ascii_lowercase),
    "infix patterns": _fit([f"*{c}*" for c in string.ascii_lowercase], " OR "),
    # Nesting as deep as the language admits, negations, every range.
    "nested": "(" * 31 + "mri OR pain" + ")" * 31,
    "negations": _fit([f"NOT {w}" for w in ["mri", "pain", "the", "of", "lumbar"] * 40], " "),
    "ranges": "age:[0 TO 150] decided:[0001 TO 9999] injured:[1900 TO] received:{TO 2100}",
}
CITATOR: dict[str, str] = {"citator of OR-ed prefixes": QUERIES["OR-ed prefixes"]}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(name: str, run: Callable[[], Any]) -> dict[str, Any]:
    wall, cpu = time.monotonic(), time.process_time()
    try:
        run()
        outcome = "answered"
    except QueryError:
        outcome = "refused"
    except Exception as exc:  # the test reports it: any foreign exception is a failure
        outcome = f"{type(exc).__name__}: {exc}"
    return {
        "name": name,
        "outcome": outcome,
        "wall": time.monotonic() - wall,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
    }


def main(index: str, time_limit: float) -> None:
    engine: Engine = open_engine(index)
    engine.search(SearchRequest("pain", facets=True))  # loads what every search uses
    print(json.dumps({"name": "baseline", "peak_mb": _peak_mb()}), flush=True)
    for name, text in QUERIES.items():
        request = SearchRequest(text, facets=True, letters=True, time_limit=time_limit)
        print(json.dumps(_measure(name, functools.partial(engine.search, request))), flush=True)
    for name, text in CITATOR.items():
        request = SearchRequest(text, time_limit=time_limit)
        print(json.dumps(_measure(name, functools.partial(citator, engine, request))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
