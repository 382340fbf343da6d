"""Test letters with sensible defaults: ``make_letter(...)`` and ``make_item(...)``; and where
the real fixture letters are (``FIXTURES``, ``LETTER_SOURCES``, ``letter_paths()``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imr_search.model import Citation, Drug, Item, Letter, Patient, Reviewer
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

FIXTURES = Path(__file__).parent / "fixtures"
# The 5 seed letter bodies and the 20 published PDFs, as folders to index.
LETTER_SOURCES = [str(FIXTURES / "seeds"), str(FIXTURES / "letters")]


def xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The rows of a workbook's active sheet, values only."""
    import io

    from openpyxl import load_workbook

    # A read-only workbook holds its file open until closed (else an unraisable warning later).
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        return list(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def letter_paths() -> list[Path]:
    """Every fixture letter: the seed texts, then the published PDFs."""
    seeds = sorted((FIXTURES / "seeds").glob("*.txt"))
    return [*seeds, *sorted((FIXTURES / "letters").glob("*.pdf"))]


_ids = itertools.count(1)

RATIONALE = (
    "The MTUS guidelines recommend a trial of conservative care before this service is "
    "considered. The medical records do not document functional improvement with prior "
    "treatment, therefore the request is not medically necessary."
)


def make_item(number: int = 1, **overrides: Any) -> Item:
    """An upheld physical-therapy item unless overridden."""
    values: dict[str, Any] = {
        "number": number,
        "service": "Physical therapy 2 times a week for 6 weeks for the lumbar spine",
        "decision": "upheld",
        "category": "Rehabilitation",
        "subcategory": "Physical Therapy/Occupational Therapy (PT/OT)",
        "body_region": "lumbar spine",
        "imr_guideline": "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine",
        "imr_citations": [
            Citation(
                source="MTUS",
                part="Chronic Pain Medical Treatment",
                edition=2009,
                section="Physical Medicine",
                text="MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine",
            )
        ],
        "rationale": RATIONALE,
    }
    values.update(overrides)
    return Item(**values)


def drug_item(number: int, name: str, subcategory: str, **overrides: Any) -> Item:
    """A Pharmaceuticals item for ``name``."""
    values: dict[str, Any] = {
        "service": f"{name.title()} 10mg #60",
        "category": "Pharmaceuticals",
        "subcategory": subcategory,
        "body_region": None,
        "drug": Drug(name=name, strength="10mg", quantity=60),
    }
    values.update(overrides)
    return make_item(number, **values)


def make_letter(
    letter_id: str | None = None,
    *,
    items: list[Item] | None = None,
    decision_date: dt.date | None = dt.date(2016, 12, 1),
    specialties: list[str] | None = None,
    states: list[str] | None = None,
    age: int | None = 45,
    sex: str | None = "female",
    summary: str = "The patient is a worker who injured the low back while lifting boxes.",
    **overrides: Any,
) -> Letter:
    """A 2014-layout letter with one item unless overridden."""
    n = next(_ids)
    letter_id = letter_id or f"CM16-{n:07d}"
    values: dict[str, Any] = {
        "id": letter_id,
        "source": f"{letter_id}.pdf",
        "layout": "2014",
        "case_number": letter_id,
        "priority": "Standard",
        "date_assigned": dt.date(2016, 11, 20),
        "date_of_injury": dt.date(2012, 3, 4),
        "decision_date": decision_date,
        "reviewer": Reviewer(
            specialties=specialties if specialties is not None else ["Orthopedic Surgery"],
            board_certified=True,
            license_states=states if states is not None else ["CA"],
        ),
        "patient": Patient(age=age, sex=sex),  # type: ignore[arg-type]
        "summary": summary,
        "items": items if items is not None else [make_item()],
    }
    values.update(overrides)
    return Letter(**values)


_SPECIALTIES = [
    ["Orthopedic Surgery"],
    ["Physical Medicine & Rehabilitation"],
    ["Family Practice"],
    ["Anesthesiology", "Pain Medicine"],
    ["Chiropractic"],
]
_STATES = [["CA"], ["CA", "NY"], ["TX"], ["FL", "CA"], ["WA"]]
_AGES = [25, 34, 45, 52, 61, None, 48]
_SEXES = ["female", "male", None]
_ODG = Citation(
    source="ODG",
    part="Neck and Upper Back (Acute & Chronic)",
    section="MRI",
    text="Official Disability Guidelines (ODG) Neck and Upper Back chapter, MRI",
)
_ACOEM = Citation(
    source="ACOEM",
    part="Low Back Disorders",
    text="ACOEM Occupational Medicine Practice Guidelines, 3rd Edition, Low Back Disorders",
)
_OTHER = Citation(source="other", text="UpToDate: epidural steroid injections")
_MTUS_NECK = Citation(
    source="MTUS",
    part="Neck and Upper Back Complaints",
    chapter=8,
    pages="177-179",
    text="MTUS ACOEM Chapter 8 Neck and Upper Back Complaints Page(s): 177-179",
)


def _corpus_items(n: int) -> list[Item]:
    """Items for the n-th corpus letter: a rotating mix of every kind of request."""
    # Each kind's reason codes, as a reader gives them (docs/reasons.md), so that the
    # ``reason`` field, filter and facet have every kind of value to find.
    kinds = [
        lambda k: make_item(
            k,
            reasons=["no-functional-improvement", "exceeds-limits"],
            reason_sentences={
                "no-functional-improvement": ["No functional improvement is documented."],
                "exceeds-limits": ["The visits requested exceed the guideline."],
            },
        ),
        lambda k: drug_item(
            k,
            "tramadol",
            "Opioids",
            decision="overturned",
            rationale="Ongoing opioid use requires documented pain relief and urine drug "
            "screening. Tramadol is recommended for moderate to severe pain.",
            reasons=["criteria-met"],
        ),
        lambda k: make_item(
            k,
            service="MRI of the cervical spine without contrast",
            category="Diagnostic Testing",
            subcategory="Imaging / Radiology",
            body_region="cervical spine",
            modality="mri",
            imr_citations=[_MTUS_NECK, _ODG],
            imr_guideline=_MTUS_NECK.text,
            claims_citations=[_ODG],
            claims_guideline=_ODG.text,
            rationale="Imaging of the neck is recommended when red flags or progressive "
            "neurologic deficit are present; none are documented.",
            reasons=["indications-not-met"],
        ),
        lambda k: drug_item(
            k,
            "cyclobenzaprine",
            "Muscle Relaxant",
            service="Flexeril 7.5mg #90",
            imr_citations=[],
            imr_guideline=None,
            rationale="Muscle relaxants are recommended only for short courses of treatment "
            "of acute exacerbations of chronic low back pain.",
            reasons=["exceeds-limits"],
        ),
        lambda k: make_item(
            k,
            service="Lumbar epidural steroid injection at L4-L5",
            decision="overturned",
            partial=True,
            category="Injection",
            subcategory="Injection",
            imr_citations=[_ACOEM, _OTHER],
            imr_guideline=_ACOEM.text,
            rationale="Radiculopathy is documented by examination and corroborated by "
            "imaging, so an epidural steroid injection is medically necessary.",
            reasons=["criteria-met"],
        ),
        lambda k: drug_item(
            k,
            "hydrocodone/acetaminophen",
            "Opioids",
            service="Norco 10/325mg #120",
            rationale="There is no documentation of functional improvement with opioids.",
            reasons=["no-functional-improvement", "opioid-monitoring"],
        ),
    ]
    count = 1 + n % 3
    # Letter 18 starts one kind later (an overturned tramadol item alone), so the corpus has a
    # letter of each case outcome: upheld, overturned, partially overturned.
    start = n + 1 if n == 18 else n
    return [kinds[(start + i) % len(kinds)](i + 1) for i in range(count)]


def sample_corpus(size: int = 24) -> list[Letter]:
    """A deterministic set of letters covering every field, facet and filter value."""
    letters = []
    for n in range(size):
        letter_id = f"CM{15 + n % 3}-{n:07d}"
        letters.append(
            make_letter(
                letter_id,
                items=_corpus_items(n),
                decision_date=dt.date(2015 + n % 3, 1 + n % 12, 1 + n % 27),
                specialties=_SPECIALTIES[n % len(_SPECIALTIES)],
                states=_STATES[n % len(_STATES)],
                age=_AGES[n % len(_AGES)],
                sex=_SEXES[n % len(_SEXES)],
                date_of_injury=dt.date(2010 + n % 5, 6, 15),
                date_assigned=dt.date(2015 + n % 3, 1 + n % 12, 1),
                # Every fifth letter has neither (an older layout): an open range skips it.
                application_received=None if n % 5 == 4 else dt.date(2014 + n % 3, 1 + n % 12, 10),
                # Letter 23 (decided 2017-12-24) was denied in the ACOEM era (from 2017-12-01).
                ur_denial_date=None
                if n % 5 == 4
                else dt.date(2017, 12, 5)
                if n == 23
                else dt.date(2014 + n % 3, 1 + n % 11, 2),
                summary="The injured worker reports chronic low back pain after a fall."
                if n % 2
                else "This patient sustained a neck injury in a motor vehicle accident.",
            )
        )
    return letters


def index_letters(engine: Engine, letters: list[Letter]) -> None:
    """Put ``letters`` in one batch, each under its own source name."""
    with engine.writer() as w:
        for letter in letters:
            w.put(letter, source_key=letter.source, content_hash=f"hash-{letter.id}")


def rx(
    name: str,
    brand: str | None = None,
    strength: str | None = None,
    quantity: int | None = None,
    refills: int | None = None,
    *,
    ingredients: list[str] | None = None,
) -> Drug:
    """An expected drug (the service-table and drug tests); its ingredients are the generic
    name's parts unless given."""
    parts = name.split("/") if ingredients is None else ingredients
    return Drug(
        name=name,
        brand=brand,
        strength=strength,
        quantity=quantity,
        refills=refills,
        ingredients=parts,
    )


@dataclass
class Counting:
    """A real engine whose searches are counted."""

    engine: Engine
    searches: list[SearchRequest] = field(default_factory=list)

    def search(self, request: SearchRequest) -> Any:
        self.searches.append(request)
        return self.engine.search(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)
