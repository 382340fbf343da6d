"""One search as the library takes it: ``SearchRequest``, its sort orders, filters, facets and
page size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from imr_search.search.filters import FILTER_FIELDS
from imr_search.search.tree import Node

SortOrder = Literal["relevance", "decided", "-decided"]
# Where plain words search: "services", the disputed services and what the parser derived
# from them (decisions about the thing asked), or "everywhere", rationales, summaries and
# citations too (items that only mention it). ``imr_search.search.fields.DEFAULT_FIELDS``.
Scope = Literal["services", "everywhere"]
SCOPES: tuple[Scope, ...] = ("services", "everywhere")
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "decided", "-decided")

# Filter names accepted by SearchRequest.filters (and the CLI options / API parameters of the
# same names), from the one table in imr_search.search.filters. Values within one filter are OR-ed;
# filters are AND-ed with each other and with the query.
FILTERS: tuple[str, ...] = tuple(FILTER_FIELDS)

# Facets reported when SearchRequest.facets is true, in display order. Counts are over the
# whole result set, not the page.
FACETS: tuple[str, ...] = (
    "decision",
    "reason",
    "outcome",
    "category",
    "subcategory",
    "specialty",
    "state",
    "guideline",
    "mtus",
    "region",
    "year",
    "age",
    "sex",
    "era",
    "cites",
    "citation",
    "urcitation",
)

# The facet of the citator's (IMR citation, claims administrator's citation) pairs, given only
# when ``SearchRequest.citation_pairs`` asks for it (its values: ``documents.citation_pairs``).
PAIR_FACET = "citation_pairs"

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search. ``query`` is text in the query language (docs/query-language.md,
    ``imr_search.search.syntax``); an empty query matches every item. ``tree``, when given, is
    the query already parsed (or built, as precedent lookup does) and ``query`` is then only
    the text shown to the user. ``page`` is 1-based."""

    query: str = ""
    tree: Node | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Other date fields' inclusive bounds: ``{"received": (low, high)}`` (None: open).
    ranges: Mapping[str, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    facets: bool = False
    letters: bool = False
    sort: SortOrder = "relevance"
    page: int = 1
    size: int = 20
    # Seconds; None means no limit. A query that runs out of time returns what it has,
    # with a warning in SearchResult.warnings.
    time_limit: float | None = None
    # Letters whose items are left out: the letter being read, when looking for precedents.
    exclude_letters: tuple[str, ...] = ()
    # The items of these letters alone (None: every letter's): a saved search after an index
    # run asks for the run's letters (``imr_search.analysis.alerts``).
    only_letters: tuple[str, ...] | None = None
    scope: Scope = "services"
    # Plain words also search their abbreviations, synonyms and drug names
    # (``imr_search.search.vocabulary``); False searches the words as typed.
    synonyms: bool = True
    # Also count the (IMR citation, claims administrator's citation) pairs over every match
    # (the citator; ``SearchResult.citation_pairs``), with the facets.
    citation_pairs: bool = False
