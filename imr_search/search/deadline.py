"""One clock for a whole answer.

A request's time limit bounds everything the answer does, not each search in it: the citator,
the cross-tabs, similar rationales and the overturn rates beside a search run several searches
(and Python work between them), and a limit given to each would let the answer take that many
times the limit. A ``Deadline`` is started once, when the answer starts; each search gets what
is left (``narrowed``), and the work between searches stops once it has ``passed``, saying so
with ``message``. Past it an answer is partial, never wrong in silence.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from imr_search.search.request import SearchRequest
from imr_search.search.results import SearchResult

T = TypeVar("T")

OUT_OF_TIME = "ran out of time"  # in every warning of a search or an answer cut short


@dataclass(slots=True)
class Deadline:
    """``limit`` seconds from when it was started (``start``); no limit when None.

    A search cannot always be stopped once it runs (tantivy's never, Whoosh's not while it
    prepares a long query), so a step of an answer of several searches is started only when
    the time left holds one as slow as the slowest so far (``room``; ``timed`` measures them).
    """

    limit: float | None
    at: float | None
    slowest: float = 0.0  # seconds, of the steps ``timed`` measured

    @classmethod
    def start(cls, limit: float | None) -> Deadline:
        return cls(limit, None if limit is None else time.monotonic() + limit)

    def left(self) -> float | None:
        """Seconds left (0.0 once passed), or None without a limit."""
        return None if self.at is None else max(self.at - time.monotonic(), 0.0)

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def room(self, steps: int = 1) -> bool:
        """Whether the time left holds ``steps`` more steps as slow as the slowest so far."""
        left = self.left()
        return left is None or (left > 0.0 and left >= steps * self.slowest)

    def timed(self, search: Callable[[SearchRequest], T], request: SearchRequest) -> T:
        """``search`` of ``request`` with the time left as its limit, its duration recorded."""
        started = time.monotonic()
        try:
            return search(self.narrowed(request))
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)

    def after(
        self,
        earlier: SearchResult,
        search: Callable[[SearchRequest], SearchResult],
        request: SearchRequest,
    ) -> SearchResult:
        """The next search of an answer (``timed``), unless the one before it ran out of time
        or the deadline has passed: then an empty result saying it ran out. A search started
        with no time left still compiles its query and sets up its matchers, work no clock
        cuts short, for counts that would be partial anyway."""
        if ran_out(earlier.warnings) or self.passed():
            return SearchResult(
                total=0, page=1, size=request.size, warnings=[self.message("left out")]
            )
        return self.timed(search, request)

    def narrowed(self, request: SearchRequest) -> SearchRequest:
        """``request`` with the time that is left as its own limit."""
        return request if self.at is None else replace(request, time_limit=self.left())

    def message(self, what: str) -> str:
        """The warning of an answer cut short: the whole limit, and what was left out."""
        limit = self.limit if self.limit is not None else 0.0
        return f"the answer {OUT_OF_TIME} ({limit:g} s); {what}"


def ran_out(warnings: Iterable[str]) -> bool:
    """Whether any of an engine's or an answer's warnings says it stopped at its time limit."""
    return any(OUT_OF_TIME in w for w in warnings)
