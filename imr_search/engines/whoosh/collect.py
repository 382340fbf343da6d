"""Collecting every match of a query, scored, with less per-match work than Whoosh's
``UnlimitedCollector`` (which also keeps a set of every docnum and re-sorts on a two-part key).

A search needs every match anyway (exact totals, facet counts over the whole result set,
letter grouping), so the per-match cost is what a large result set pays. ``collect_matches``
steps the matcher in one tight loop; wrapped in Whoosh's ``TimeLimitCollector`` (a request
with a time limit), the wrapper drives ``matches``/``collect`` instead and stops it in time.

Only Whoosh's public collector API is used: the methods its documentation says to override
(``prepare``, ``collect``, ``matches``, ``collect_matches``, ``results``) and the public
``Matcher`` and ``Results`` interfaces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from imr_search.engines.whoosh._whoosh import collectors, searching

_REPLACE_EVERY = 1024  # matches between matcher simplifications (exhausted sub-matchers)


class AllMatches(collectors.Collector):  # type: ignore[misc]
    """Every match as (docnum, score); a blank query (boolean context) scores 1.0 each."""

    matcher: Any  # set by Collector.set_subsearcher for each segment
    offset: int

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        super().prepare(top_searcher, q, context)
        self.pairs: list[tuple[int, float]] = []
        self._scored = context.weighting is not None
        weighting = top_searcher.weighting
        self._final = weighting.final if self._scored and weighting.use_final else None

    def _score(self, docnum: int) -> float:
        if not self._scored:
            return 1.0
        score = float(self.matcher.score())
        if self._final is not None:
            score = float(self._final(self.top_searcher, docnum, score))
        return score

    def _each_match(self) -> Iterator[int]:
        # Moves ``self.matcher`` along, so ``_score`` can read each match's score.
        m = self.matcher
        while m.is_active():
            yield m.id()
            m.next()

    def matches(self) -> Any:
        # Scoring needs the matcher on each match (``all_ids`` does not move it).
        return self._each_match() if self._scored else self.matcher.all_ids()

    def collect(self, sub_docnum: int) -> Any:
        docnum = self.offset + sub_docnum
        self.pairs.append((docnum, self._score(docnum)))

    def collect_matches(self) -> None:
        offset, append = self.offset, self.pairs.append
        if not self._scored:
            for sub_docnum in self.matcher.all_ids():
                append((offset + sub_docnum, 1.0))
            return
        if self._final is not None:
            for sub_docnum in self._each_match():
                self.collect(sub_docnum)
            return
        m = self.matcher
        n = 0
        while m.is_active():
            append((offset + m.id(), m.score()))
            m.next()
            n += 1
            if n % _REPLACE_EVERY == 0:
                m = m.replace(0)
        self.matcher = m

    def results(self) -> Any:
        found = searching.Results(
            self.top_searcher, self.q, [(score, docnum) for docnum, score in self.ranked()]
        )
        found.collector = self
        return found

    def ranked(self) -> list[tuple[int, float]]:
        """The matches best first; equal scores in index order (as Whoosh orders them)."""
        self.pairs.sort(key=lambda pair: -pair[1])
        return self.pairs
