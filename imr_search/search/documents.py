"""From a Letter to what every engine indexes: one document per disputed item, one per letter.

This is domain logic (which words a field searches, which values a facet counts, what a hit
stores), so it lives here, once; an engine only maps these documents onto its own schema. The
field names are the query language's (``imr_search.search.fields.ALL_FIELDS``), so a compiled query
and a mapped document always agree.

- ``ItemDocument``: the item's text fields (analysed by the engine), its whole-value keyword
  terms (already normalised: lower case, states as USPS codes), its dates and age, its facet
  values in display form, the decision day (for sorting) and the stored JSON record a hit is
  made from.
- ``LetterDocument``: the letter's whole JSON (``get_letter``), its source key and content hash
  (incremental indexing) and its words (spelling suggestions).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from imr_search.eras import letter_era
from imr_search.guidelines import cites, labels
from imr_search.model import Item, Letter
from imr_search.search.fields import AGE_BANDS, GUIDELINE_VALUES
from imr_search.search.request import FACETS
from imr_search.taxonomy import state_code


@dataclass(frozen=True, slots=True)
class ItemDocument:
    item_id: str
    letter_id: str
    day: int  # the decision date's ordinal; 0 when the letter has none
    text: dict[str, str]  # about, service, rationale, summary, guideline
    keywords: dict[str, list[str]]  # field -> normalised whole values (may be empty)
    dates: dict[str, dt.date]  # decided, injured, assigned, received, urdenial (those it has)
    age: int | None
    facets: dict[str, list[str]]  # facet -> display values, in FACETS order
    stored: str  # JSON: the item record (see ``item_record_json``)
    # (IMR citation, claims administrator's citation) pairs, display form, joined by
    # PAIR_SEP: counted like a facet when the citator asks (``SearchRequest.citation_pairs``).
    citation_pairs: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LetterDocument:
    letter_id: str
    source_key: str
    content_hash: str
    day: int
    words: str  # every word of the letter, for spelling suggestions
    stored: str  # JSON: the whole letter


def reviewer_states(letter: Letter) -> list[str]:
    """The reviewer's license states as USPS codes (an unknown name kept as written)."""
    return list(dict.fromkeys(state_code(s) or s for s in letter.reviewer.license_states))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, (lo, hi) in AGE_BANDS.items():
        if (lo is None or age >= lo) and (hi is None or age <= hi):
            return label
    return None  # pragma: no cover - the bands cover every integer


def lower_values(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v.strip() and v.strip().lower() not in out:
            out.append(v.strip().lower())
    return out


def guideline_sources(item: Item) -> list[str]:
    """The IMR citation sources of an item, in GUIDELINE_VALUES order ("none" if none)."""
    found = {c.source for c in item.imr_citations}
    return [g for g in GUIDELINE_VALUES[:4] if g in found] or ["none"]


def mtus_parts(item: Item) -> list[str]:
    parts: list[str] = []
    for c in item.imr_citations:
        if c.source == "MTUS" and c.part and c.part not in parts:
            parts.append(c.part)
    return parts


# The facet value of an item that has no category or subcategory: unclassified items are
# counted and can be filtered on (``--category "(none)"``), never silently absent.
UNCLASSIFIED = "(none)"


def drug_terms(item: Item) -> list[str]:
    """The generic name, each ingredient of a combination, every active ingredient (kits
    and compounds expanded) and the brand."""
    if not item.drug:
        return []
    name = item.drug.name
    return lower_values([name, *name.split("/"), *item.drug.ingredients, item.drug.brand])


def item_regions(item: Item) -> list[str]:
    """Every body region of the item (``body_region`` alone for older records)."""
    return list(
        dict.fromkeys(item.body_regions or ([item.body_region] if item.body_region else []))
    )


# Subcategories and modalities that join several services: the service text says which one an
# item is ("occupational therapy" must not find every physical therapy request, nor "EMG"
# every nerve conduction study), so these are left out of ``about``.
JOINED_LABELS = frozenset(
    {"Physical Therapy/Occupational Therapy (PT/OT)", "EMG/NCV/NCS", "emg/ncv"}
)


def about_text(item: Item) -> str:
    """What plain words search (the ``about`` field): the service as written and what the
    parser derived from it, so "norco" finds "Hydrocodone/APAP 10/325mg" (its brand),
    "lumbar" finds "MRI L-spine" (its region) and "opioids" every opioid (its subcategory)."""
    # Here, not at the top: importing the parser's drug table loads the whole parser, which a
    # search (this module gives it UNCLASSIFIED and the pair separator) does not need.
    from imr_search.parse.drugs import drug_class

    derived = [
        *drug_terms(item),
        # The drug's class, whatever the item was filed under ("Post-op Norco" is an
        # adjunct surgical service, and an opioid).
        (drug_class(item.drug.name) or "") if item.drug else "",
        item.category or "",
        item.subcategory or "",
        item.modality or "",
        *item_regions(item),
    ]
    kept = (d for d in derived if d and d not in JOINED_LABELS)
    return "\n".join([item.service, *dict.fromkeys(kept)])


def citation_text(item: Item) -> str:
    parts = [item.claims_guideline or "", item.imr_guideline or ""]
    for c in (*item.claims_citations, *item.imr_citations):
        parts.extend([c.text, c.part or "", c.section or ""])
    return "\n".join(p for p in parts if p)


def item_facets(letter: Letter, item: Item) -> dict[str, list[str]]:
    """Facet name -> the item's values (display form), as the engines count them."""
    band = age_band(letter.patient.age)
    facets: dict[str, list[str]] = {
        "decision": [item.decision],
        "reason": list(item.reasons),
        "category": [item.category or UNCLASSIFIED],
        "subcategory": [item.subcategory or UNCLASSIFIED],
        "specialty": list(dict.fromkeys(letter.reviewer.specialties)),
        "state": reviewer_states(letter),
        "guideline": guideline_sources(item),
        "mtus": mtus_parts(item),
        "region": item_regions(item),
        "year": [str(letter.decision_date.year)] if letter.decision_date else [],
        "age": [band] if band else [],
        "sex": [letter.patient.sex] if letter.patient.sex else [],
        "outcome": [letter.outcome] if letter.outcome else [],
        **citator_facets(letter, item),
    }
    return {name: facets[name] for name in FACETS}


def citator_facets(letter: Letter, item: Item) -> dict[str, list[str]]:
    """The citator's and the eras' facets (display form); their keywords are these lower-cased."""
    era = letter_era(letter)
    return {
        "era": [era.era.name] if era else [],
        "cites": [cites(item)],
        "citation": labels(item.imr_citations),
        "urcitation": labels(item.claims_citations),
    }


# Between the two citations of a pair: no label holds it (labels are printable text).
PAIR_SEP = "\x1f"


def citation_pairs(item: Item) -> list[str]:
    """Every (IMR citation, claims administrator's citation) label pair of the item, once:
    the citator's "answered" counts are these counted over a search's items."""
    ur = labels(item.claims_citations)
    pairs = (f"{imr}{PAIR_SEP}{answered}" for imr in labels(item.imr_citations) for answered in ur)
    return list(dict.fromkeys(pairs))


def split_pair(value: str) -> tuple[str, str]:
    imr, _, answered = value.partition(PAIR_SEP)
    return imr, answered


def item_record(letter: Letter, item: Item) -> dict[str, Any]:
    """What an item document stores: the item and the letter fields a hit needs."""
    era = letter_era(letter)
    return {
        "letter_id": letter.id,
        "case_number": letter.case_number,
        "decision_date": letter.decision_date.isoformat() if letter.decision_date else None,
        "specialties": letter.reviewer.specialties,
        "license_states": letter.reviewer.license_states,
        "summary": letter.summary,
        # The era, and which date decided it: the decision date stands in for a missing
        # UR denial date, and a reader should know.
        "era": era.era.name if era else None,
        "era_basis": era.basis if era else None,
        "item": item.to_dict(),
        # Letter fields exports and letter results show.
        "outcome": letter.outcome,
        "date_of_injury": _iso(letter.date_of_injury),
        "application_received": _iso(letter.application_received),
        "ur_denial_date": _iso(letter.ur_denial_date),
        "age": letter.patient.age,
        "sex": letter.patient.sex,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def item_documents(letter: Letter) -> list[ItemDocument]:
    day = letter.decision_date.toordinal() if letter.decision_date else 0
    dates = {
        name: value
        for name, value in (
            ("decided", letter.decision_date),
            ("injured", letter.date_of_injury),
            ("assigned", letter.date_assigned),
            ("received", letter.application_received),
            ("urdenial", letter.ur_denial_date),
        )
        if value is not None
    }
    letter_keywords: dict[str, list[str]] = {
        "letter_id": [letter.id],
        "specialty": lower_values(letter.reviewer.specialties),
        "state": lower_values(reviewer_states(letter)),
        "case": lower_values([letter.case_number]),
        "sex": lower_values([letter.patient.sex]),
        "outcome": [letter.outcome] if letter.outcome else [],
    }
    docs: list[ItemDocument] = []
    for item in letter.items:
        keywords: dict[str, list[str]] = {
            **letter_keywords,
            "decision": [item.decision],
            "reason": list(item.reasons),
            "category": lower_values([item.category or UNCLASSIFIED]),
            "subcategory": lower_values([item.subcategory or UNCLASSIFIED]),
            "drug": drug_terms(item),
            "region": lower_values(item_regions(item)),
            "modality": lower_values([item.modality]),
            "mtus": lower_values(mtus_parts(item)),
            "gsource": lower_values(guideline_sources(item)),
            "partial": ["true" if item.partial else "false"],
            **{name: lower_values(v) for name, v in citator_facets(letter, item).items()},
        }
        docs.append(
            ItemDocument(
                item_id=letter.item_id(item),
                letter_id=letter.id,
                day=day,
                text={
                    "about": about_text(item),
                    "service": item.service,
                    "rationale": item.rationale,
                    "summary": letter.summary,
                    "guideline": citation_text(item),
                },
                keywords=keywords,
                dates=dates,
                age=letter.patient.age,
                facets=item_facets(letter, item),
                stored=json.dumps(item_record(letter, item), ensure_ascii=False),
                citation_pairs=citation_pairs(item),
            )
        )
    return docs


def letter_document(letter: Letter, *, source_key: str, content_hash: str) -> LetterDocument:
    words = [letter.summary]
    for item in letter.items:
        words += [item.service, item.rationale, citation_text(item)]
    return LetterDocument(
        letter_id=letter.id,
        source_key=source_key,
        content_hash=content_hash,
        day=letter.decision_date.toordinal() if letter.decision_date else 0,
        words="\n".join(w for w in words if w),
        stored=letter.to_json(),
    )
