"""Response models: they document the JSON API in ``/openapi.json``.

The endpoints return plain dicts built by ``present`` (and ``Letter.to_dict``), not these
models, so a field added to the record is never silently dropped; the tests check that the
documented fields and the real ones agree. The letter record is not described here: its
schema comes from the record's own dataclasses (``imr_search.model``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class ErrorInfo(BaseModel):
    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="What went wrong, in words a user can act on.")
    detail: Any = Field(
        None,
        description="Extra structure: per-parameter messages for a bad parameter, "
        "position and hint for a bad query, otherwise null.",
    )


class ErrorResponse(BaseModel):
    error: ErrorInfo


class FacetValue(BaseModel):
    value: str
    count: int = Field(description="Items (of the whole result set) with this value.")
    selected: bool = Field(description="The value is one of the search's filters.")
    toggle_url: str = Field(description="This search with the value added or removed.")
    # With rates=1 (issue 15).
    overturned: int | None = Field(None, description="With rates=1: overturned items.")
    rate: float | None = Field(None, description="With rates=1: the value's overturn rate.")


class SearchHit(BaseModel):
    item_id: str = Field(description="<letter id>#<item number>")
    letter_id: str
    case_number: str | None
    item_number: int
    service: str
    decision: str = Field(description="upheld or overturned")
    partial: bool
    decision_date: dt.date | None
    specialties: list[str]
    license_states: list[str]
    category: str | None
    subcategory: str | None
    body_region: str | None
    modality: str | None
    drug: str | None
    guideline: str | None = Field(description="The IMR reviewer's citation, as written.")
    guideline_sources: list[str]
    era: str | None = Field(None, description="Guideline era of the request (docs/eras.md).")
    era_basis: str | None = Field(
        None, description="ur_denial_date, or decision_date when the letter gives no UR date."
    )
    score: float
    snippet: str = Field(description="Plain text.")
    snippet_html: str = Field(description="Escaped text with the matches in <mark>.")
    url: str = Field(description="The item on the letter page.")
    outcome: str | None = Field(
        None, description="The letter's case outcome: upheld, overturned, partially overturned."
    )


class LetterGroupOut(BaseModel):
    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    specialties: list[str]
    outcome: str | None = Field(
        None, description="The letter's case outcome: upheld, overturned, partially overturned."
    )
    score: float
    url: str
    hits: list[SearchHit]


class SearchResponse(BaseModel):
    total: int = Field(description="Matching items (letters when letters=1).")
    page: int
    size: int
    pages: int
    results: list[SearchHit]
    groups: list[LetterGroupOut] | None = Field(None, description="Only when letters=1.")
    facets: dict[str, list[FacetValue]] = Field(description="Only filled when facets=1.")
    warnings: list[str] = Field(description="E.g. the query ran out of time.")
    suggestions: dict[str, str] = Field(description="Query term -> suggested spelling.")


class CategoryCount(BaseModel):
    category: str
    count: int


class StatsResponse(BaseModel):
    letters: int
    items: int
    overturned: int
    overturn_rate: float
    first_decision: dt.date | None
    last_decision: dt.date | None
    top_categories: list[CategoryCount]
    unclassified: int = Field(description='Items without a category ("(none)" in facets).')


class HealthResponse(BaseModel):
    status: str = Field(description='"ok"')
