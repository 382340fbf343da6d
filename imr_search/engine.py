"""The search-engine boundary: the one narrow interface the CLI, the server and precedent lookup
use. No engine library is imported here; ``imr_search.whoosh_engine`` implements it with Whoosh
and ``imr_search.tantivy_engine`` with tantivy, each passing ``tests/test_engine_contract.py``.
Engines compile the query tree of ``imr_search.query`` and map the documents of
``imr_search.documents``; neither the language nor the mapping belongs to an engine.

Everything crossing this boundary is a plain imr-search type defined below or in
``imr_search.model``: no engine object leaks out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol, Self

from pydantic import ConfigDict, Field, PlainSerializer, computed_field

from imr_search.model import Decision, Item, Letter
from imr_search.query import FILTER_FIELDS, Node

SortOrder = Literal["relevance", "decided", "-decided"]
SORT_ORDERS: tuple[SortOrder, ...] = ("relevance", "decided", "-decided")

# Filter names accepted by SearchRequest.filters (and the CLI options / API parameters of the
# same names), from the one table in imr_search.query. Values within one filter are OR-ed;
# filters are AND-ed with each other and with the query.
FILTERS: tuple[str, ...] = tuple(FILTER_FIELDS)

# Facets reported when SearchRequest.facets is true, in display order. Counts are over the
# whole result set, not the page.
FACETS: tuple[str, ...] = (
    "decision",
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

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search. ``query`` is text in the query language of the README (``imr_search.query``);
    an empty query matches every item. ``tree``, when given, is the query already parsed (or
    built, as precedent lookup does) and ``query`` is then only the text shown to the user.
    ``page`` is 1-based."""

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


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a snippet; ``match`` is true for the highlighted query terms. Presenters
    escape and colour segments themselves, so no markup ever comes out of the engine."""

    text: str
    match: bool = False


def plain_text(segments: Sequence[Segment]) -> str:
    """A snippet without its highlighting."""
    return "".join(s.text for s in segments)


def _rounded(x: float) -> float:
    return round(x, 4)


# What the JSON of a result says differently from the Python object. The classes below are
# the one description of their JSON (``imr_search.jsonforms`` dumps them with pydantic, and
# the API's schema is derived from them).
_JSON = ConfigDict(json_schema_serialization_defaults_required=True)
Rounded = Annotated[float, PlainSerializer(_rounded, return_type=float)]
PlainSnippet = Annotated[
    list[Segment],
    PlainSerializer(plain_text, return_type=str),
    Field(description="Plain text."),
]
Outcome = Annotated[
    str | None,
    Field(description="The letter's case outcome: upheld, overturned, partially overturned."),
]


@dataclass(slots=True)
class ItemSummary:
    """Which disputed item of which letter, what was asked and how IMR decided it: the fields
    every list of items shows (search hits, closest precedents, similar rationales), written
    once here and extended by each (``Hit``, ``precedents.Precedent``, ``similar.Member``)."""

    __pydantic_config__ = _JSON

    item_id: Annotated[str, Field(description="<letter id>#<item number>")]
    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    decision: Annotated[Decision, Field(description="upheld or overturned")]
    service: str

    @classmethod
    def of(cls, record: ItemRecord, **more: Any) -> Self:
        """The summary of a stored item, with ``more`` fields of a subclass."""
        return cls(
            item_id=record.item_id,
            letter_id=record.letter_id,
            case_number=record.case_number,
            decision_date=record.decision_date,
            decision=record.item.decision,
            service=record.item.service,
            **more,
        )


@dataclass(slots=True)
class Hit(ItemSummary):
    """One matching disputed item, with its letter's headline fields."""

    item_number: int
    specialties: list[str]
    license_states: list[str]
    category: str | None
    subcategory: str | None
    body_region: str | None
    modality: str | None
    drug: str | None
    partial: bool
    imr_guideline: Annotated[
        str | None,
        Field(
            serialization_alias="guideline", description="The IMR reviewer's citation, as written."
        ),
    ]
    guideline_sources: list[str]
    snippet: PlainSnippet
    score: Rounded = 0.0
    outcome: Outcome = None  # LETTER_OUTCOMES
    # The guideline era of the request and the date it was read from ("ur_denial_date", or
    # "decision_date" standing in for a missing one): imr_search.eras.
    era: Annotated[
        str | None, Field(description="Guideline era of the request (docs/eras.md).")
    ] = None
    era_basis: Annotated[
        str | None,
        Field(description="ur_denial_date, or decision_date when the letter gives no UR date."),
    ] = None


@dataclass(slots=True)
class LetterGroup:
    """Letter-level result (``SearchRequest.letters``): the letter and its matching items."""

    __pydantic_config__ = _JSON

    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    specialties: list[str]
    hits: list[Hit]
    score: float = 0.0
    outcome: Outcome = None  # LETTER_OUTCOMES


@dataclass(frozen=True, slots=True)
class FacetCount:
    __pydantic_config__ = _JSON

    value: str
    count: Annotated[int, Field(description="Items (of the whole result set) with this value.")]
    selected: Annotated[bool, Field(description="The value is one of the search's filters.")] = (
        False
    )


@dataclass(slots=True)
class SearchResult:
    """``total`` counts items, or letters when the request asked for letters (then ``groups``
    holds the page and ``hits`` is empty)."""

    __pydantic_config__ = _JSON

    total: Annotated[int, Field(description="Matching items (letters when letters=1).")]
    page: int
    size: int
    hits: Annotated[list[Hit], Field(serialization_alias="results")] = field(default_factory=list)
    groups: list[LetterGroup] = field(default_factory=list)
    facets: Annotated[
        dict[str, list[FacetCount]], Field(description="Only filled when facets=1.")
    ] = field(default_factory=dict)
    warnings: Annotated[list[str], Field(description="E.g. the query ran out of time.")] = field(
        default_factory=list
    )
    suggestions: Annotated[
        dict[str, str], Field(description="Query term -> suggested spelling.")
    ] = field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size)) if self.size else 1


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the index knows of one indexed source file (for incremental indexing)."""

    letter_id: str
    content_hash: str


@dataclass(slots=True)
class ItemRecord:
    """A whole stored item with the letter fields precedent analysis needs."""

    item_id: str
    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    specialties: list[str]
    summary: str
    item: Item
    score: float = 0.0
    # The letter's other fields an export needs (issue 12).
    license_states: list[str] = field(default_factory=list)
    outcome: str | None = None
    date_of_injury: dt.date | None = None
    application_received: dt.date | None = None
    ur_denial_date: dt.date | None = None
    age: int | None = None
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryCount:
    category: str
    count: int


def _category_counts(top: list[tuple[str, int]]) -> list[CategoryCount]:
    return [CategoryCount(c, n) for c, n in top]


@dataclass(slots=True)
class IndexStats:
    __pydantic_config__ = _JSON

    letters: int
    items: int
    overturned: int
    first_decision: dt.date | None
    last_decision: dt.date | None
    top_categories: Annotated[
        list[tuple[str, int]],
        PlainSerializer(_category_counts, return_type=list[CategoryCount]),
    ]
    # Items with no category ("(none)" in the category facet): counted, never hidden.
    unclassified: Annotated[
        int, Field(description='Items without a category ("(none)" in facets).')
    ] = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overturn_rate(self) -> float:
        return self.overturned / self.items if self.items else 0.0


class WriterSession(Protocol):
    """A batch of changes that becomes visible all at once, on commit, or not at all."""

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        """Add the letter, replacing any letter with the same id or the same source."""

    def delete(self, letter_id: str) -> None: ...


class ClosesOnExit:
    """``with engine:`` closes the engine when the block ends (the engines inherit this)."""

    __slots__ = ()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class Engine(Protocol):
    def writer(self, *, rebuild: bool = False) -> AbstractContextManager[WriterSession]:
        """Open a writer. Leaving the block normally commits; an exception (or a crash) leaves
        the previous content. ``rebuild`` replaces everything with what the batch puts.
        Raises IndexBusyError at once if another process is writing."""

    def sources(self) -> dict[str, SourceState]:
        """Source key (the path as indexed) -> what was indexed from it."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search. Raises QueryError for a query that cannot be run."""

    def get_letter(self, letter_id: str) -> Letter:
        """The whole record; NotFoundError if unknown."""

    def letter_source(self, letter_id: str) -> str:
        """The source key the letter was indexed from (its file's absolute path, or another
        key a writer gave); NotFoundError if unknown. Serving the original file looks the
        path up here, by id, so no part of a URL ever becomes a path."""

    def iter_items(
        self, request: SearchRequest, *, limit: int | None = None
    ) -> Iterator[ItemRecord]:
        """Every item matching the request's query and filters, best first, whole."""

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        """Items whose rationale is most like ``text`` (``exclude``: an item id to leave out).
        With ``time_limit`` (seconds) it returns what it found by then, best first: fewer
        items, never others (the caller tells a cut answer by the clock)."""

    def suggest(self, term: str) -> list[str]:
        """Indexed terms close to ``term`` (for "did you mean")."""

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        """``with open_engine(...) as engine:`` (see ``ClosesOnExit``)."""

    def __exit__(self, *exc: object) -> None: ...
