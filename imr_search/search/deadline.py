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
from collections.abc import Iterable
from dataclasses import dataclass, replace

from imr_search.search.request import SearchRequest

OUT_OF_TIME = "ran out of time"  # in every warning of a search or an answer cut short


@dataclass(frozen=True, slots=True)
class Deadline:
    """``limit`` seconds from when it was started (``start``); no limit when None."""

    limit: float | None
    at: float | None

    @classmethod
    def start(cls, limit: float | None) -> Deadline:
        return cls(limit, None if limit is None else time.monotonic() + limit)

    def left(self) -> float | None:
        """Seconds left (0.0 once passed), or None without a limit."""
        return None if self.at is None else max(self.at - time.monotonic(), 0.0)

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

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
