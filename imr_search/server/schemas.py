"""Response models: they document the JSON API in ``/openapi.json``.

The endpoints return plain dicts built by ``imr_search.present.jsonforms`` and ``server.present``
(and ``Letter.to_dict``), not these models, so a field added to a result is never silently
dropped. The results' schemas are derived from the result classes themselves (the letter's
from ``imr_search.model``): what is written here is only what the API adds to them and the
error shape; tests/server/test_server_schema.py checks every answer against the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from imr_search.search.results import FacetCount, Hit, IndexStats, LetterGroup, SearchResult


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


# What the API adds to the JSON of a result (``imr_search.present.jsonforms``): the page links and
# the
# marked-up snippet (``server.present``). Each is its result class plus those fields, so the
# schema of the shared fields comes from the classes themselves. Never instantiated: the
# endpoints return what ``server.present`` builds, and tests/server/test_server_schema.py checks it
# against this schema.


@dataclass(frozen=True, kw_only=True)
class FacetValue(FacetCount):
    __pydantic_config__ = ConfigDict()  # only these fields' defaults are optional in the JSON

    selected: Annotated[bool, Field(description="The value is one of the search's filters.")]
    toggle_url: Annotated[str, Field(description="This search with the value added or removed.")]
    # With rates=1.
    overturned: Annotated[int | None, Field(description="With rates=1: overturned items.")] = None
    rate: Annotated[float | None, Field(description="With rates=1: the value's overturn rate.")] = (
        None
    )


@dataclass(kw_only=True)
class SearchHit(Hit):
    snippet_html: Annotated[str, Field(description="Escaped text with the matches in <mark>.")]
    url: Annotated[str, Field(description="The item on the letter page.")]


@dataclass(kw_only=True)
class LetterGroupOut(LetterGroup):
    # The schema's own: the served lists hold served items (hence the narrower types).
    hits: Annotated[list[SearchHit], Field(serialization_alias="items")]  # type: ignore[assignment]
    url: str


_Results = Annotated[list[SearchHit], Field(serialization_alias="results")]
_Groups = Annotated[list[LetterGroupOut] | None, Field(description="Only when letters=1.")]
_Facets = Annotated[dict[str, list[FacetValue]], Field(description="Only filled when facets=1.")]


@dataclass(kw_only=True)
class SearchResponse(SearchResult):
    __pydantic_config__ = ConfigDict()  # only groups is optional in the JSON

    # The schema's own: the served lists hold served items (hence the narrower types).
    hits: _Results  # type: ignore[assignment]
    groups: _Groups = None  # type: ignore[assignment]
    facets: _Facets  # type: ignore[assignment]
    warnings: Annotated[list[str], Field(description="E.g. the query ran out of time.")]
    suggestions: Annotated[dict[str, str], Field(description="Query term -> suggested spelling.")]


class OutcomeCount(BaseModel):
    outcome: str = Field(description="A letter's case outcome.")
    letters: int = Field(description="Letters with this outcome.")


class ValueCount(BaseModel):
    value: str
    count: int = Field(description="Items with this value.")


@dataclass(kw_only=True)
class StatsResponse(IndexStats):
    """The index statistics (their class's JSON), then what the /stats page shows beside them."""

    outcomes: Annotated[list[OutcomeCount], Field(description="Letters per case outcome.")]
    facets: Annotated[
        dict[str, list[ValueCount]], Field(description="Items per value of each facet.")
    ]


class CacheResponse(BaseModel):
    size: int = Field(description="Answers the response cache may keep (0: off).")
    held: int = Field(description="Answers it keeps now.")
    hits: int = Field(description="Searches answered from it since the process started.")
    misses: int = Field(description="Searches it could not answer (off: 0).")
    hit_rate: float | None = Field(description="hits / (hits + misses); null before any.")


class HealthResponse(BaseModel):
    status: str = Field(description='"ok"')
    cache: CacheResponse = Field(description="This server process's response cache.")
