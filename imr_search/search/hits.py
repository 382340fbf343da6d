"""Engine-neutral pieces of a result: hits and item records from a stored item record (the JSON
``imr_search.search.documents.item_record`` makes), facet counts in display order, a snippet's lead.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from imr_search.eras import current_era, era_names
from imr_search.model import Item
from imr_search.search.documents import guideline_sources
from imr_search.search.fields import AGE_BANDS
from imr_search.search.request import FACETS
from imr_search.search.results import FacetCount, Hit, ItemRecord, Segment
from imr_search.taxonomy import state_code

SNIPPET_CHARS = 240


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def item_record(record: Mapping[str, Any], score: float = 0.0) -> ItemRecord:
    item = Item.from_dict(record["item"])
    return ItemRecord(
        item_id=f"{record['letter_id']}#{item.number}",
        letter_id=record["letter_id"],
        case_number=record["case_number"],
        decision_date=_date(record["decision_date"]),
        specialties=list(record["specialties"]),
        summary=record["summary"],
        item=item,
        score=score,
        license_states=list(record.get("license_states", [])),
        outcome=record.get("outcome"),
        date_of_injury=_date(record.get("date_of_injury")),
        application_received=_date(record.get("application_received")),
        ur_denial_date=_date(record.get("ur_denial_date")),
        age=record.get("age"),
        sex=record.get("sex"),
    )


def make_hit(record: Mapping[str, Any], snippet: list[Segment], score: float) -> Hit:
    item = Item.from_dict(record["item"])
    return Hit(
        item_id=f"{record['letter_id']}#{item.number}",
        letter_id=record["letter_id"],
        case_number=record["case_number"],
        item_number=item.number,
        service=item.service,
        decision=item.decision,
        reasons=list(item.reasons),
        reason_sentences={k: list(v) for k, v in item.reason_sentences.items()},
        decision_date=_date(record["decision_date"]),
        specialties=list(record["specialties"]),
        license_states=list(record["license_states"]),
        category=item.category,
        subcategory=item.subcategory,
        body_region=item.body_region,
        modality=item.modality,
        drug=item.drug.name if item.drug else None,
        partial=item.partial,
        imr_guideline=item.imr_guideline,
        guideline_sources=guideline_sources(item),
        snippet=snippet,
        score=score,
        outcome=record.get("outcome"),
        era=record.get("era"),
        era_basis=record.get("era_basis"),
    )


def lead(text: str) -> list[Segment]:
    """The start of ``text`` as an unhighlighted snippet."""
    if len(text) <= SNIPPET_CHARS:
        return [Segment(text)] if text else []
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return [Segment(text[: cut if cut > 0 else SNIPPET_CHARS] + " …")]


def _normal(facet: str, value: str) -> str:
    if facet == "era" and value.strip().lower() == "current":
        return current_era().name  # the filter's alias is the era it names
    return (state_code(value) or value) if facet == "state" else value.lower()


def facet_counts(
    counters: Mapping[str, Counter[str]], filters: Mapping[str, Sequence[str] | str]
) -> dict[str, list[FacetCount]]:
    """FacetCount lists in display order; a selected value with no hits is still listed."""
    out: dict[str, list[FacetCount]] = {}
    age_order = list(AGE_BANDS)
    era_order = list(era_names())
    for name in FACETS:
        counter = counters.get(name, Counter())
        given = filters.get(name, ())
        active = [given] if isinstance(given, str) else list(given)
        selected = {_normal(name, v) for v in active}
        values = dict(counter)
        present = {_normal(name, v) for v in values}
        for v in active:
            if _normal(name, v) not in present:
                values[_normal(name, v) if name in ("state", "era") else v] = 0
        if name == "year":
            keys = sorted(values, reverse=True)
        elif name == "age":
            keys = sorted(values, key=lambda v: age_order.index(v) if v in age_order else 99)
        elif name == "era":  # in time order, as the table lists them
            keys = sorted(values, key=lambda v: era_order.index(v) if v in era_order else 99)
        else:
            keys = sorted(values, key=lambda v: (-values[v], v.lower()))
        out[name] = [FacetCount(k, values[k], _normal(name, k) in selected) for k in keys]
    return out
