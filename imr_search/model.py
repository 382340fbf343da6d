"""The records imr-search works with: a letter and its disputed items. No I/O here.

These dataclasses are the one description of the record. Their JSON form (``to_dict``, read
back by ``from_dict``) is a public contract: `imr-search parse` prints it, the index and the
record cache store it, the API returns it, and its JSON schema is derived from these classes.
Dates are ``datetime.date`` in Python and ISO 8601 in JSON. Pydantic does the converting and
the checking (``from_dict`` raises ``RecordError`` on a malformed record, naming the fields),
so no field is written out by hand a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

from pydantic import ConfigDict, TypeAdapter, ValidationError, computed_field

from imr_search.errors import RecordError

Decision = Literal["upheld", "overturned"]
Layout = Literal["2014", "2013-notice", "professional-review"]
Sex = Literal["male", "female"]
# Whose category and subcategory an item carries: DWC's own label (imr-search fetch stores it)
# or the parser's classification of the service text.
CategorySource = Literal["dwc", "parsed"]
GuidelineSource = Literal["MTUS", "ODG", "ACOEM", "other"]

DECISIONS: tuple[Decision, ...] = ("upheld", "overturned")
# A letter's case outcome, as DWC's decision search names it (Uphold / Overturn / Partially
# Overturn): every item upheld, every item overturned, or some of each.
LetterOutcome = Literal["upheld", "overturned", "partially overturned"]
LETTER_OUTCOMES: tuple[LetterOutcome, ...] = ("upheld", "overturned", "partially overturned")
# What an item's decision rests on (imr_search.parse.reasons; docs/reasons.md), in the order
# they are listed: the denial codes from the guideline's verdict to the records, then the
# overturned items' code, then anything else.
ReasonCode = Literal[
    "not-recommended",
    "no-functional-improvement",
    "exceeds-limits",
    "indications-not-met",
    "missing-information",
    "opioid-monitoring",
    "criteria-met",
    "other",
]
REASON_CODES: tuple[ReasonCode, ...] = (
    "not-recommended",
    "no-functional-improvement",
    "exceeds-limits",
    "indications-not-met",
    "missing-information",
    "opioid-monitoring",
    "criteria-met",
    "other",
)


# Built on first use (an adapter costs tens of milliseconds to build; a process that never
# converts a record never pays), then kept: a memo of a pure function, not state.
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[Any]) -> TypeAdapter[Any]:
    """The pydantic adapter of one record class (JSON schema: ``adapter(Letter).json_schema()``)."""
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


class _Record:
    """JSON in and out for the record dataclasses below."""

    __slots__ = ()
    # Every field is always in the JSON, defaults included: the schema says so (required).
    __pydantic_config__ = ConfigDict(json_schema_serialization_defaults_required=True)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = adapter(type(self)).dump_python(self, mode="json")
        return out

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``'s content in one step (an index
        stores every letter's record: the two steps were a tenth of a build's time)."""
        return adapter(type(self)).dump_json(self).decode("utf-8")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        """The record ``d`` describes, or RecordError naming each field that is wrong."""
        try:
            out: Self = adapter(cls).validate_python(d)
        except ValidationError as e:
            raise RecordError(f"not a {cls.__name__.lower()} record: {_problems(e)}") from None
        return out


def _problems(e: ValidationError, most: int = 3) -> str:
    """``items.0.number: Input should be a valid integer (got 'one'); source: Field required``"""
    said = []
    for err in e.errors(include_url=False)[:most]:
        where = ".".join(str(part) for part in err["loc"]) or "(the record)"
        got = "" if err["type"] == "missing" else f" (got {err['input']!r:.40})"
        said.append(f"{where}: {err['msg']}{got}")
    more = e.error_count() - most
    return "; ".join(said) + (f"; and {more} more" if more > 0 else "")


@dataclass(slots=True)
class Citation(_Record):
    """One guideline named in a citation paragraph.

    ``part`` is the MTUS part or the guideline's chapter/topic name ("Neck and Upper Back
    Complaints", "Chronic Pain Medical Treatment"); ``edition`` its year; ``chapter`` the ACOEM
    chapter number; ``section`` the named section(s); ``pages`` as written ("177-179").
    """

    source: GuidelineSource
    part: str | None = None
    edition: int | None = None
    chapter: int | None = None
    section: str | None = None
    pages: str | None = None
    text: str = ""


@dataclass(slots=True, kw_only=True)
class Drug(_Record):
    """A pharmaceutical request: generic ``name`` (brands mapped), and what the request states.
    ``ingredients`` lists every active ingredient (generic names, in the order written;
    a brand or compound kit expanded through ``data/drugs.json``)."""

    name: str
    ingredients: list[str] = field(default_factory=list)
    brand: str | None = None
    strength: str | None = None
    quantity: int | None = None
    refills: int | None = None

    def __post_init__(self) -> None:
        # Records made before ingredients were listed: the name's parts.
        if not self.ingredients:
            self.ingredients = _parts(self.name)


def _parts(name: str) -> list[str]:
    return [p for p in name.split("/") if p and p != "compound"]


@dataclass(slots=True)
class Classification:
    """What a service text is, in the DWC vocabulary (see ``imr_search.parse.classify``)."""

    category: str | None = None
    subcategory: str | None = None
    body_region: str | None = None
    modality: str | None = None
    retrospective: bool = False
    drug: Drug | None = None
    body_regions: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Item(_Record):
    """One disputed item/service and the IMR decision on it: the unit of a precedent."""

    # Keyword-only so the fields can stand in the order of the JSON contract.
    number: int
    service: str
    original_request: str | None = None
    partial: bool = False
    decision: Decision
    category: str | None = None
    subcategory: str | None = None
    body_region: str | None = None  # the first of body_regions (kept for compatibility)
    # Every body region the service names, in order (body_region is the first).
    body_regions: list[str] = field(default_factory=list)
    modality: str | None = None
    retrospective: bool = False
    drug: Drug | None = None
    claims_guideline: str | None = None
    imr_guideline: str | None = None
    claims_citations: list[Citation] = field(default_factory=list)
    imr_citations: list[Citation] = field(default_factory=list)
    rationale: str = ""
    # The codes the decision rests on (REASON_CODES order), and for each the rationale's
    # sentences it was read from.
    reasons: list[ReasonCode] = field(default_factory=list)
    reason_sentences: dict[ReasonCode, list[str]] = field(default_factory=dict)
    category_source: CategorySource = "parsed"

    def __post_init__(self) -> None:
        # Records made before every region was listed: the one region they had.
        if not self.body_regions and self.body_region:
            self.body_regions = [self.body_region]


@dataclass(slots=True)
class Reviewer(_Record):
    specialties: list[str] = field(default_factory=list)
    board_certified: bool | None = None
    license_states: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Patient(_Record):
    age: int | None = None
    sex: Sex | None = None


@dataclass(slots=True)
class Letter(_Record):
    """One IMR Final Determination Letter."""

    id: str
    source: str
    layout: Layout
    case_number: str | None = None
    priority: str | None = None
    date_assigned: dt.date | None = None
    date_of_injury: dt.date | None = None
    decision_date: dt.date | None = None
    ur_denial_date: dt.date | None = None
    application_received: dt.date | None = None
    reviewer: Reviewer = field(default_factory=Reviewer)
    patient: Patient = field(default_factory=Patient)
    summary: str = ""
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def item_id(self, item: Item) -> str:
        """The stable id of one item: ``<letter id>#<item number>``."""
        return f"{self.id}#{item.number}"

    # Derived from the items, and part of the JSON (read-only: ``from_dict`` ignores it).
    @computed_field  # type: ignore[prop-decorator]
    @property
    def outcome(self) -> LetterOutcome | None:
        """The case outcome (LETTER_OUTCOMES); None for a letter without items."""
        decisions = {i.decision for i in self.items}
        if not decisions:
            return None
        if len(decisions) > 1:
            return "partially overturned"
        return "upheld" if decisions == {"upheld"} else "overturned"
