"""What every benchmark engine indexes and returns.

The baselines index exactly what the Whoosh engine indexes for the benchmark's queries: the same
four text fields per disputed item, the same lower-cased filter values and the same facet values
(taken from ``imr_search.search.documents``, so the engines cannot drift apart).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from imr_search.model import Letter
from imr_search.search.documents import item_documents

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


# Benchmark filter name -> the document field it reads (``year`` comes from the facet).
_FILTER_SOURCE = {name: name for name in FILTER_FIELDS} | {"guideline": "gsource"}


def item_rows(letter: Letter) -> Iterator[ItemRow]:
    for doc in item_documents(letter):
        filters = {
            name: doc.facets["year"] if name == "year" else doc.keywords[_FILTER_SOURCE[name]]
            for name in FILTER_FIELDS
        }
        yield ItemRow(
            item_id=doc.item_id,
            letter_id=doc.letter_id,
            text=dict(doc.text),
            filters=filters,
            facets=doc.facets,
            stored=doc.stored,
        )


def letter_json(letter: Letter) -> str:
    return json.dumps(letter.to_dict(), ensure_ascii=False)
