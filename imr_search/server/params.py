"""Search parameters: one model shared by the JSON API and the page, turned into a
``SearchRequest`` and back into URLs, so every state of the page lives in its URL.

The model is declared as a FastAPI query-parameter model, which also documents the parameters in
``/openapi.json``. Dates stay strings here (an empty ``from=`` from the HTML form means "no
date") and are checked in ``to_request`` with a message a user can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Self
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from imr_search.config import Settings
from imr_search.errors import UsageError
from imr_search.search.backend import Engine
from imr_search.search.fields import FIELDS, RANGE_FILTERS
from imr_search.search.filters import FILTER_HELP
from imr_search.search.request import FILTERS, MAX_PAGE_SIZE, SearchRequest, SortOrder
from imr_search.search.service import Prepared, prepare
from imr_search.search.syntax import DATE_FORMS, user_date

# DWC's decision search shows 25 rows a page; the page offers PAGE_SIZES.
DEFAULT_PAGE_SIZE = 25
PAGE_SIZES = (10, 25, 50, 100)
# Values one filter may take in one request, after de-duplication (docs/limits.md): every facet
# link of the page repeats every selected value, so the page grows with the square of their
# number.
# More is a 400, before any search.
MAX_FILTER_VALUES = 50
# Deep pages cost the engine as much as a long export; past this, use the CSV export.
MAX_PAGE = 10_000

# Date ranges beside the decision date: field -> what it bounds (query.RANGE_FILTERS).
RANGES: dict[str, str] = {name: FIELDS[name].description for name in RANGE_FILTERS}


def _filter_field(name: str) -> list[str]:
    help_ = FILTER_HELP[name]
    return Field(
        default_factory=list,
        description=f"{help_} Repeatable: values of one filter are OR-ed; filters are AND-ed.",
    )


class FilterParams(BaseModel):
    """The filters and decision-date range shared by searches and precedent lookups."""

    model_config = ConfigDict(frozen=True)

    decision: list[str] = _filter_field("decision")
    state: list[str] = _filter_field("state")
    specialty: list[str] = _filter_field("specialty")
    category: list[str] = _filter_field("category")
    subcategory: list[str] = _filter_field("subcategory")
    region: list[str] = _filter_field("region")
    modality: list[str] = _filter_field("modality")
    drug: list[str] = _filter_field("drug")
    guideline: list[str] = _filter_field("guideline")
    mtus: list[str] = _filter_field("mtus")
    sex: list[str] = _filter_field("sex")
    year: list[str] = _filter_field("year")
    age: list[str] = _filter_field("age")
    outcome: list[str] = _filter_field("outcome")
    # -- the other date ranges (RANGES), as {name}_from / {name}_to --
    received_from: str | None = Field(None, description="Application received on or after.")
    received_to: str | None = Field(None, description="Application received on or before.")
    injured_from: str | None = Field(
        None, description="Injured on or after (YYYY-MM-DD or MM/DD/YYYY)."
    )
    injured_to: str | None = Field(
        None, description="Injured on or before (YYYY-MM-DD or MM/DD/YYYY)."
    )
    urdenial_from: str | None = Field(
        None, description="UR denial on or after (YYYY-MM-DD or MM/DD/YYYY)."
    )
    urdenial_to: str | None = Field(
        None, description="UR denial on or before (YYYY-MM-DD or MM/DD/YYYY)."
    )
    citation: list[str] = _filter_field("citation")
    urcitation: list[str] = _filter_field("urcitation")
    cites: list[str] = _filter_field("cites")
    era: list[str] = _filter_field("era")
    reason: list[str] = _filter_field("reason")
    date_from: str | None = Field(
        None,
        alias="from",
        description="Earliest decision date (YYYY-MM-DD or MM/DD/YYYY), inclusive.",
    )
    date_to: str | None = Field(
        None, alias="to", description="Latest decision date (YYYY-MM-DD or MM/DD/YYYY), inclusive."
    )

    _filters: dict[str, tuple[str, ...]] | None = PrivateAttr(None)  # filters(), computed once

    @model_validator(mode="after")
    def _few_enough_values(self) -> Self:
        for name, values in self.filters().items():
            if len(values) > MAX_FILTER_VALUES:
                raise ValueError(
                    f"{name}: {len(values)} different values; at most {MAX_FILTER_VALUES} per "
                    "filter (for a wider search, leave the filter out)"
                )
        return self

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Non-empty filters, values stripped and de-duplicated, in FILTERS order."""
        cached = self._filters
        if cached is None:
            cached = self._filters = self._compute_filters()
        return cached

    def _compute_filters(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for name in FILTERS:
            # Case-insensitively, as the engine matches them: "CA" and "ca" are one value.
            kept: dict[str, str] = {}
            for raw in getattr(self, name):
                if value := raw.strip():
                    kept.setdefault(value.casefold(), value)
            values = tuple(kept.values())
            if values:
                out[name] = values
        return out

    def checked(self, engine: Engine) -> tuple[Self, tuple[str, ...]]:
        """These parameters with every filter value checked against the index (aliases
        applied: ``sex=F`` becomes ``sex=female``) and a note per alias applied. Raises
        QueryError for a value no item has, naming the closest values
        (``imr_search.search.filtervalues``)."""
        given = self.filters()
        if not given:
            return self, ()
        prepared = prepare(engine, SearchRequest(filters=given))
        return self.with_filters(prepared.request.filters), prepared.notes

    def with_filters(self, filters: Mapping[str, tuple[str, ...]]) -> Self:
        """These parameters with ``filters`` (as the search service checked them) in place of
        their own."""
        given = self.filters()
        if dict(filters) == given:
            return self
        update = {name: list(filters.get(name, ())) for name in given}
        copy = self.model_copy(update=update)
        copy._filters = None  # model_copy copies private attributes: drop the stale cache
        return copy

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        """The decision-date range; UsageError for a bad or reversed date."""
        date_from = _date("from", self.date_from)
        date_to = _date("to", self.date_to)
        if date_from and date_to and date_from > date_to:
            raise UsageError(f"from ({date_from}) is after to ({date_to})")
        return date_from, date_to

    def ranges(self) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        """The other date ranges given (RANGES); UsageError for a bad or reversed date."""
        out: dict[str, tuple[dt.date | None, dt.date | None]] = {}
        for name in RANGES:
            low = _date(f"{name}_from", getattr(self, f"{name}_from"))
            high = _date(f"{name}_to", getattr(self, f"{name}_to"))
            if low and high and low > high:
                raise UsageError(f"{name}_from ({low}) is after {name}_to ({high})")
            if low or high:
                out[name] = (low, high)
        return out

    def search_request(self, q: str, settings: Settings, **more: Any) -> SearchRequest:
        """The engine request of query ``q`` with these filters and date ranges, under the
        server's time limit; ``more``: the other fields of a search (paging, facets). The query
        is checked first, then the dates (UsageError for either)."""
        query = _query(q, settings)
        date_from, date_to = self.dates()
        return SearchRequest(
            query=query,
            filters=self.filters(),
            date_from=date_from,
            date_to=date_to,
            ranges=self.ranges(),
            time_limit=settings.query_time_limit,
            **more,
        )

    def filter_pairs(self) -> Iterator[tuple[str, str]]:
        """The filters and date ranges as URL parameters (canonical order)."""
        for name, values in self.filters().items():
            for value in values:
                yield name, value
        yield from self.range_pairs()

    def range_pairs(self) -> Iterator[tuple[str, str]]:
        """The date-range parameters as given (canonical URL order)."""
        for name in ("date_from", "date_to"):
            raw = getattr(self, name)
            if raw and raw.strip():
                yield name.removeprefix("date_"), raw.strip()
        for name in RANGES:
            for end in ("from", "to"):
                raw = getattr(self, f"{name}_{end}")
                if raw and raw.strip():
                    yield f"{name}_{end}", raw.strip()


class SearchParams(FilterParams):
    """The state of a search, as query parameters."""

    q: str = Field(
        "",
        description="Query in the imr-search query language (words, phrases, field:value, "
        "ranges such as age:[40 TO 60]). Empty matches every item.",
        examples=["lumbar MRI radiculopathy"],
    )
    sort: SortOrder = Field("relevance", description="relevance, decided (oldest first) or "
                            "-decided (newest first).")  # fmt: skip
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Results per page (25 unless given; at most 100).",
    )
    letters: bool = Field(False, description="Group the results by letter.")
    scope: Literal["services", "everywhere", "all"] = Field(
        "services",
        description="Where plain words search: services (the disputed services and the drug, "
        "category and region derived from them: decisions about the thing asked) or "
        "everywhere (also rationales, case summaries and citations: items that mention it; "
        "all is the same).",
    )
    synonyms: bool = Field(
        True,
        description="Plain words also search their abbreviations, synonyms and drug names "
        "(PT: physical therapy; Norco: hydrocodone/acetaminophen); false: as typed.",
    )
    rates: bool = Field(
        False,
        description="With facets: each facet value's overturned count and overturn rate "
        "(costs one more search).",
    )

    # -- reading ------------------------------------------------------------------------------

    def prepared(
        self, engine: Engine, settings: Settings, *, facets: bool
    ) -> tuple[Self, Prepared]:
        """The search as the search service prepares it (``imr_search.search.service``), and
        these parameters with its filter values (aliases applied) for the page's links. Raises
        UsageError for a parameter the engine must not see."""
        prepared = prepare(engine, self.to_request(settings, facets=facets))
        return self.with_filters(prepared.request.filters), prepared

    def to_request(self, settings: Settings, *, facets: bool) -> SearchRequest:
        """The engine request; raises UsageError for a parameter the engine must not see."""
        return self.search_request(
            self.q,
            settings,
            facets=facets,
            letters=self.letters,
            sort=self.sort,
            page=self.page,
            size=self.size,
            scope="services" if self.scope == "services" else "everywhere",
            synonyms=self.synonyms,
        )

    # -- writing (URLs) -----------------------------------------------------------------------

    def pairs(self) -> Iterator[tuple[str, str]]:
        """The canonical query parameters of this state (defaults left out)."""
        if self.q.strip():
            yield "q", self.q.strip()
        yield from self.filter_pairs()
        if self.sort != "relevance":
            yield "sort", self.sort
        if self.letters:
            yield "letters", "1"
        if self.scope != "services":
            yield "scope", "everywhere"
        if not self.synonyms:
            yield "synonyms", "0"
        if self.rates:
            yield "rates", "1"
        if self.size != DEFAULT_PAGE_SIZE:
            yield "size", str(self.size)
        if self.page != 1:
            yield "page", str(self.page)

    def url(self, base: str, *extra: tuple[str, str]) -> str:
        query = urlencode([*self.pairs(), *extra])
        return f"{base}?{query}" if query else base

    def is_selected(self, name: str, value: str) -> bool:
        """Filter values compare case-insensitively, as the engine matches them."""
        return value.casefold() in {v.casefold() for v in self.filters().get(name, ())}

    def toggled(self, name: str, value: str) -> Self:
        """This search with ``value`` added to, or removed from, filter ``name`` (page 1)."""
        current: list[str] = list(self.filters().get(name, ()))
        if self.is_selected(name, value):
            values = [v for v in current if v.casefold() != value.casefold()]
        else:
            values = [*current, value]
        return self._copy({name: values, "page": 1})

    def changed(self, **changes: object) -> Self:
        """This search with some parameters changed (by field name); page 1 unless given."""
        return self._copy({"page": 1, **changes})

    def _copy(self, update: dict[str, object]) -> Self:
        copy = self.model_copy(update=update)
        copy._filters = None  # model_copy copies private attributes: drop the stale cache
        return copy

    def is_blank(self) -> bool:
        return not self.q.strip() and not self.filters() and not any(self.range_pairs())


class ApiSearchParams(SearchParams):
    """The JSON API's parameters: unknown parameters are an error there (a typo must not
    silently widen a search); the page ignores them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    facets: bool = Field(False, description="Include facet counts over the whole result set.")
    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="json, or csv / xlsx for an export (docs/exports.md)."
    )


class PrecedentsParams(FilterParams):
    """A precedent lookup: the request as a doctor would write it, optional facts of the case,
    and the same filters as a search."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request: str = Field(
        ...,
        min_length=1,
        max_length=500,
        description="The requested service, as written in a request for authorization.",
        examples=["MRI cervical spine w/o contrast", "Norco 10/325 #120"],
    )
    summary: str | None = Field(
        None, max_length=5000, description="Facts of the case, to rank the closest precedents."
    )
    exclude: str | None = Field(
        None,
        max_length=200,
        description="A letter id whose items are left out (the letter being read).",
    )
    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="json, or csv / xlsx: the rates and closest precedents as rows."
    )


def _query(q: str, settings: Settings) -> str:
    """The query stripped; UsageError past the setting's length (before any parsing)."""
    query = q.strip()
    if len(query) > settings.max_query_length:
        raise UsageError(
            f"the query is too long ({len(query)} characters; "
            f"the limit is {settings.max_query_length})"
        )
    return query


def _date(name: str, raw: str | None) -> dt.date | None:
    if raw is None or not raw.strip():
        return None
    day = user_date(raw)
    if day is None:
        raise UsageError(f"{name}: {raw.strip()!r} is not a date (use {DATE_FORMS})")
    return day


# -- the index summary, the citator and cross-tabs -------------------------------------------


class StatsParams(BaseModel):
    """``/api/stats``: the whole index, in one format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="json, or csv / xlsx: the same as rows (table, value, count)."
    )


class AnalysisParams(FilterParams):
    """A search to analyse: the query and filters of a search, without paging."""

    q: str = Field("", description="Query in the imr-search query language; empty: every item.")
    format: Literal["json", "csv", "xlsx"] = Field("json", description="json, csv or xlsx.")

    def to_request(self, settings: Settings) -> SearchRequest:
        return self.search_request(self.q, settings)

    def pairs(self) -> Iterator[tuple[str, str]]:
        if self.q.strip():
            yield "q", self.q.strip()
        yield from self.filter_pairs()


class CitatorParams(AnalysisParams):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sort: Literal["items", "rate", "overturned", "citation"] = Field(
        "items", description="items (most cited first), rate, overturned or citation (name)."
    )
    limit: int | None = Field(None, ge=1, le=100_000, description="Rows to return.")


class CrosstabParams(AnalysisParams):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: str = Field(..., description="A facet name, or month.", examples=["era", "month"])
    cols: str | None = Field(None, description="A second facet (or month) for columns.")
