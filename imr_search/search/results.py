"""What a search returns: hits, letter groups, facet counts, item records and index statistics.
Plain imr-search types: no engine object leaks out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, PlainSerializer, computed_field

from imr_search.model import Decision, Item, ReasonCode


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
# the one description of their JSON (``imr_search.present.jsonforms`` dumps them with pydantic, and
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
    reasons: Annotated[
        list[ReasonCode], Field(description="what the decision rests on (docs/reasons.md)")
    ]
    reason_sentences: Annotated[
        dict[ReasonCode, list[str]],
        Field(description="for each reason, the rationale's sentences it was read from"),
    ]

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
            reasons=list(record.item.reasons),
            reason_sentences={k: list(v) for k, v in record.item.reason_sentences.items()},
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
    """Letter-level result (``SearchRequest.letters``): the letter and its matching items
    (``items`` in its JSON, for the CLI and the API alike)."""

    __pydantic_config__ = _JSON

    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    specialties: list[str]
    hits: Annotated[list[Hit], Field(serialization_alias="items")]
    score: Rounded = 0.0
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
    scope: Annotated[
        str,
        Field(
            description="Where plain words searched: services (the disputed services and what "
            "the parser derived from them), everywhere (rationales, summaries and citations "
            "too), or fields (the query names its fields)."
        ),
    ] = "services"
    fallback: Annotated[
        bool,
        Field(
            description="No service matched the plain words, so they were searched "
            'everywhere (a phrase of reasoning such as "functional improvement").'
        ),
    ] = False
    also_searched: Annotated[
        list[str],
        Field(description="What the query's words also searched: abbreviations, synonyms, drugs."),
    ] = field(default_factory=list)
    respelled: Annotated[
        dict[str, str],
        Field(description="Words no item has, searched as this spelling instead."),
    ] = field(default_factory=dict)
    elsewhere: Annotated[
        int | None,
        Field(
            description="Further items that only mention the words (rationale, summary, "
            "citations): scope=everywhere shows them; null when not counted."
        ),
    ] = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size)) if self.size else 1


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the index knows of one indexed source file (for incremental indexing)."""

    letter_id: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class LetterSource:
    """Where a letter was indexed from: its source key (a file's absolute path, or another key
    a writer gave) and the sha256 of the bytes that were parsed."""

    key: str
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
    # The letter's other fields an export needs.
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
