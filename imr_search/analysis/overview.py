"""What the index holds: the totals, letters per case outcome and items per facet value.

``imr-search stats``, ``/api/stats`` and the ``/stats`` page show this one overview (and export
it as one table, ``present.tables.summary_table``), so the three never count differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from imr_search.model import LETTER_OUTCOMES
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import FacetCount, IndexStats


@dataclass(frozen=True)
class Overview:
    stats: IndexStats
    # (outcome, letters), in LETTER_OUTCOMES order, every outcome (0 included).
    outcomes: Sequence[tuple[str, int]]
    # facet name -> its values' item counts, as a search of everything counts them.
    facets: dict[str, list[FacetCount]]


def overview(engine: Engine) -> Overview:
    everything = engine.search(SearchRequest(facets=True, size=1))
    outcomes = [
        (o, engine.search(SearchRequest(filters={"outcome": (o,)}, letters=True, size=1)).total)
        for o in LETTER_OUTCOMES
    ]
    facets = {name: list(values) for name, values in everything.facets.items() if values}
    return Overview(engine.stats(), outcomes, facets)
