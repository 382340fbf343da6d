"""The records imr-search works with: a letter and its disputed items. No I/O here.

The JSON form (``Letter.to_dict``) is a public contract: `imr-search parse` prints it, the index
stores it, the API returns it. Dates are ``datetime.date`` in Python and ISO 8601 in JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Decision = Literal["upheld", "overturned"]
Layout = Literal["2014", "2013-notice", "professional-review"]
Sex = Literal["male", "female"]
GuidelineSource = Literal["MTUS", "ODG", "ACOEM", "other"]

DECISIONS: tuple[Decision, ...] = ("upheld", "overturned")
LAYOUTS: tuple[Layout, ...] = ("2014", "2013-notice", "professional-review")


@dataclass(slots=True)
class Citation:
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "part": self.part,
            "edition": self.edition,
            "chapter": self.chapter,
            "section": self.section,
            "pages": self.pages,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(
            source=d["source"],
            part=d.get("part"),
            edition=d.get("edition"),
            chapter=d.get("chapter"),
            section=d.get("section"),
            pages=d.get("pages"),
            text=d.get("text", ""),
        )


@dataclass(slots=True)
class Drug:
    """A pharmaceutical request: generic ``name`` (brands mapped), and what the request states.
    ``ingredients`` lists every active ingredient (generic names, in the order written;
    a brand or compound kit expanded through ``data/drugs.json``)."""

    name: str
    brand: str | None = None
    strength: str | None = None
    quantity: int | None = None
    refills: int | None = None
    ingredients: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ingredients": list(self.ingredients),
            "brand": self.brand,
            "strength": self.strength,
            "quantity": self.quantity,
            "refills": self.refills,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Drug:
        return cls(
            name=d["name"],
            brand=d.get("brand"),
            strength=d.get("strength"),
            quantity=d.get("quantity"),
            refills=d.get("refills"),
            # Records made before ingredients were listed: the name's parts.
            ingredients=list(d["ingredients"] if "ingredients" in d else _parts(d["name"])),
        )


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


@dataclass(slots=True)
class Item:
    """One disputed item/service and the IMR decision on it: the unit of a precedent."""

    number: int
    service: str
    decision: Decision
    original_request: str | None = None
    partial: bool = False
    category: str | None = None
    subcategory: str | None = None
    body_region: str | None = None  # the first of body_regions (kept for compatibility)
    modality: str | None = None
    retrospective: bool = False
    drug: Drug | None = None
    claims_guideline: str | None = None
    imr_guideline: str | None = None
    claims_citations: list[Citation] = field(default_factory=list)
    imr_citations: list[Citation] = field(default_factory=list)
    rationale: str = ""
    # Every body region the service names, in order (body_region is the first).
    body_regions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "service": self.service,
            "original_request": self.original_request,
            "partial": self.partial,
            "decision": self.decision,
            "category": self.category,
            "subcategory": self.subcategory,
            "body_region": self.body_region,
            "body_regions": list(self.body_regions),
            "modality": self.modality,
            "retrospective": self.retrospective,
            "drug": self.drug.to_dict() if self.drug else None,
            "claims_guideline": self.claims_guideline,
            "imr_guideline": self.imr_guideline,
            "claims_citations": [c.to_dict() for c in self.claims_citations],
            "imr_citations": [c.to_dict() for c in self.imr_citations],
            "rationale": self.rationale,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Item:
        return cls(
            number=d["number"],
            service=d["service"],
            decision=d["decision"],
            original_request=d.get("original_request"),
            partial=bool(d.get("partial", False)),
            category=d.get("category"),
            subcategory=d.get("subcategory"),
            body_region=d.get("body_region"),
            body_regions=list(
                d["body_regions"]
                if "body_regions" in d
                else ([d["body_region"]] if d.get("body_region") else [])
            ),
            modality=d.get("modality"),
            retrospective=bool(d.get("retrospective", False)),
            drug=Drug.from_dict(d["drug"]) if d.get("drug") else None,
            claims_guideline=d.get("claims_guideline"),
            imr_guideline=d.get("imr_guideline"),
            claims_citations=[Citation.from_dict(c) for c in d.get("claims_citations", [])],
            imr_citations=[Citation.from_dict(c) for c in d.get("imr_citations", [])],
            rationale=d.get("rationale", ""),
        )


@dataclass(slots=True)
class Reviewer:
    specialties: list[str] = field(default_factory=list)
    board_certified: bool | None = None
    license_states: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "specialties": list(self.specialties),
            "board_certified": self.board_certified,
            "license_states": list(self.license_states),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reviewer:
        return cls(
            specialties=list(d.get("specialties", [])),
            board_certified=d.get("board_certified"),
            license_states=list(d.get("license_states", [])),
        )


@dataclass(slots=True)
class Patient:
    age: int | None = None
    sex: Sex | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"age": self.age, "sex": self.sex}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Patient:
        return cls(age=d.get("age"), sex=d.get("sex"))


DATE_FIELDS = (
    "date_assigned",
    "date_of_injury",
    "decision_date",
    "ur_denial_date",
    "application_received",
)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


@dataclass(slots=True)
class Letter:
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "layout": self.layout,
            "case_number": self.case_number,
            "priority": self.priority,
            "date_assigned": _iso(self.date_assigned),
            "date_of_injury": _iso(self.date_of_injury),
            "decision_date": _iso(self.decision_date),
            "ur_denial_date": _iso(self.ur_denial_date),
            "application_received": _iso(self.application_received),
            "reviewer": self.reviewer.to_dict(),
            "patient": self.patient.to_dict(),
            "summary": self.summary,
            "items": [i.to_dict() for i in self.items],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Letter:
        return cls(
            id=d["id"],
            source=d["source"],
            layout=d["layout"],
            case_number=d.get("case_number"),
            priority=d.get("priority"),
            date_assigned=_date(d.get("date_assigned")),
            date_of_injury=_date(d.get("date_of_injury")),
            decision_date=_date(d.get("decision_date")),
            ur_denial_date=_date(d.get("ur_denial_date")),
            application_received=_date(d.get("application_received")),
            reviewer=Reviewer.from_dict(d.get("reviewer", {})),
            patient=Patient.from_dict(d.get("patient", {})),
            summary=d.get("summary", ""),
            items=[Item.from_dict(i) for i in d.get("items", [])],
            warnings=list(d.get("warnings", [])),
        )
