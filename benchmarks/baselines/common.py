"""What every benchmark engine indexes and returns.

The baselines index exactly what the Whoosh engine indexes for the benchmark's queries: the same
four text fields per disputed item, the same lower-cased filter values and the same facet values
(taken from ``imr_search.whoosh_engine.schema``, so the three engines cannot drift apart).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from imr_search.model import Letter
from imr_search.whoosh_engine.schema import (
    citation_text,
    drug_terms,
    guideline_sources,
    item_facets,
    item_record_json,
    lower_values,
    mtus_parts,
    state_code,
)

TEXT_FIELDS = ("service", "rationale", "summary", "guideline")
FILTER_FIELDS = (
    "decision", "category", "subcategory", "region", "modality", "drug", "specialty", "state",
    "guideline", "mtus", "sex", "year",
)  # fmt: skip


@dataclass(slots=True)
class ItemRow:
    item_id: str
    letter_id: str
    text: dict[str, str]
    filters: dict[str, list[str]]
    facets: dict[str, list[str]]
    stored: str


@dataclass(slots=True)
class Outcome:
    """What one query returned: the total (items, or letters when grouping), the number of
    hits (or groups) on the page, and facet counts (facet -> value -> count)."""

    total: int
    shown: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def item_rows(letter: Letter) -> Iterator[ItemRow]:
    year = [str(letter.decision_date.year)] if letter.decision_date else []
    for item in letter.items:
        filters = {
            "decision": lower_values([item.decision]),
            "category": lower_values([item.category]),
            "subcategory": lower_values([item.subcategory]),
            "region": lower_values([item.body_region]),
            "modality": lower_values([item.modality]),
            "drug": drug_terms(item),
            "specialty": lower_values(letter.reviewer.specialties),
            "state": lower_values(state_code(s) for s in letter.reviewer.license_states),
            "guideline": lower_values(guideline_sources(item)),
            "mtus": lower_values(mtus_parts(item)),
            "sex": lower_values([letter.patient.sex]),
            "year": year,
        }
        yield ItemRow(
            item_id=letter.item_id(item),
            letter_id=letter.id,
            text={
                "service": item.service,
                "rationale": item.rationale,
                "summary": letter.summary,
                "guideline": citation_text(item),
            },
            filters=filters,
            facets=item_facets(letter, item),
            stored=item_record_json(letter, item),
        )


def letter_json(letter: Letter) -> str:
    return json.dumps(letter.to_dict(), ensure_ascii=False)
