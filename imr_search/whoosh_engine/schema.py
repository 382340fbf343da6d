"""The Whoosh schema and the mapping from a Letter to index documents.

Every disputed item is one document (``kind:item``) carrying its letter's fields; each letter
also gets one ``kind:letter`` document that stores the letter's whole JSON (for ``get_letter``),
its source key and content hash (for incremental indexing) and its words for spelling
suggestions (``words``). Letter documents have no field the query language searches, so only
a blank query or a negation could match them; the engine requires ``kind:item`` for those.

Facet-like fields are indexed as whole, lower-cased values, so ``category:pharmaceuticals`` and
``specialty:"Physical Medicine & Rehabilitation"`` both match case-insensitively. Facet counting
reads one per-document column (``facets``) that holds every facet value of the item, so counts
never load stored fields.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from imr_search.model import Item, Letter
from imr_search.whoosh_engine._whoosh import analysis, columns, fields

KIND_ITEM = "item"
KIND_LETTER = "letter"

# Age bands of the ``age`` facet and filter: label -> inclusive (low, high).
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "<30": (None, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60+": (60, None),
}

# IMR citation sources for the ``guideline`` facet/filter; "none" when the IMR cited nothing.
GUIDELINE_VALUES = ("MTUS", "ODG", "ACOEM", "other", "none")

# USPS codes (reviewer license states). ``state:`` accepts the code or the name.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands",
}  # fmt: skip
_STATE_BY_NAME = {name.lower(): code for code, name in US_STATES.items()}

# Separators inside the ``facets`` column: facets by RS, values by US.
_RS, _US = "\x1e", "\x1f"


def state_code(value: str) -> str:
    """The USPS code for a code or a state name (case-insensitive); the input if unknown."""
    v = value.strip()
    return _STATE_BY_NAME.get(v.lower(), v.upper() if len(v) == 2 else v)


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, (lo, hi) in AGE_BANDS.items():
        if (lo is None or age >= lo) and (hi is None or age <= hi):
            return label
    return None  # pragma: no cover - the bands cover every integer


def _keyword_analyzer() -> Any:
    # The whole value is one lower-cased token ("Physical Medicine & Rehabilitation").
    return analysis.IDTokenizer() | analysis.LowercaseFilter()


def _text_analyzer() -> Any:
    return analysis.StemmingAnalyzer()


def build_schema() -> Any:
    """The schema (a ``whoosh.fields.Schema``)."""
    kw = _keyword_analyzer
    text = _text_analyzer
    return fields.Schema(
        # bookkeeping
        uid=fields.ID(unique=True),  # letter id (letter docs) or item id (item docs)
        kind=fields.ID(),
        letter_id=fields.ID(),
        source_key=fields.ID(),
        lid=fields.COLUMN(columns.VarBytesColumn()),  # letter id, for grouping
        src=fields.COLUMN(columns.VarBytesColumn()),  # "key\0hash" on letter docs
        facets=fields.COLUMN(columns.VarBytesColumn()),
        # decision date as a day ordinal (0: none), for sorting and stats
        day=fields.COLUMN(columns.NumericColumn("i")),
        stored=fields.STORED(),  # JSON: the letter (letter docs) or the item record
        # searchable text
        service=fields.TEXT(analyzer=text()),
        rationale=fields.TEXT(analyzer=text()),
        summary=fields.TEXT(analyzer=text()),
        guideline=fields.TEXT(analyzer=text()),
        words=fields.TEXT(analyzer=analysis.StandardAnalyzer(stoplist=None), phrase=False),
        # whole-value, case-insensitive fields
        decision=fields.ID(analyzer=kw()),
        category=fields.ID(analyzer=kw()),
        subcategory=fields.ID(analyzer=kw()),
        drug=fields.ID(analyzer=kw()),
        region=fields.ID(analyzer=kw()),
        modality=fields.ID(analyzer=kw()),
        specialty=fields.ID(analyzer=kw()),
        state=fields.ID(analyzer=kw()),
        mtus=fields.ID(analyzer=kw()),
        gsource=fields.ID(analyzer=kw()),
        case=fields.ID(analyzer=kw()),
        sex=fields.ID(analyzer=kw()),
        # typed fields
        decided=fields.DATETIME(),
        injured=fields.DATETIME(),
        assigned=fields.DATETIME(),
        age=fields.NUMERIC(int, bits=32),
        partial=fields.BOOLEAN(),
    )


def _dt(d: dt.date | None) -> dt.datetime | None:
    return dt.datetime(d.year, d.month, d.day) if d else None


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


def item_facets(letter: Letter, item: Item) -> dict[str, list[str]]:
    """Facet name -> the item's values (display form), as counted by the engine."""
    year = [str(letter.decision_date.year)] if letter.decision_date else []
    band = age_band(letter.patient.age)
    return {
        "decision": [item.decision],
        "category": [item.category] if item.category else [],
        "subcategory": [item.subcategory] if item.subcategory else [],
        "specialty": list(dict.fromkeys(letter.reviewer.specialties)),
        "state": list(dict.fromkeys(state_code(s) for s in letter.reviewer.license_states)),
        "guideline": guideline_sources(item),
        "mtus": mtus_parts(item),
        "region": [item.body_region] if item.body_region else [],
        "year": year,
        "age": [band] if band else [],
        "sex": [letter.patient.sex] if letter.patient.sex else [],
    }


def encode_facets(facets: dict[str, list[str]], names: tuple[str, ...]) -> bytes:
    return _RS.join(_US.join(facets.get(n, [])) for n in names).encode("utf-8")


def decode_facets(raw: bytes) -> list[list[str]]:
    """Values per facet, in the order the facets were encoded."""
    return [part.split(_US) if part else [] for part in raw.decode("utf-8").split(_RS)]


def drug_terms(item: Item) -> list[str]:
    if not item.drug:
        return []
    name = item.drug.name
    return lower_values([name, *name.split("/"), item.drug.brand])


def citation_text(item: Item) -> str:
    parts = [item.claims_guideline or "", item.imr_guideline or ""]
    for c in (*item.claims_citations, *item.imr_citations):
        parts.extend([c.text, c.part or "", c.section or ""])
    return "\n".join(p for p in parts if p)


def _state_terms(letter: Letter) -> list[str]:
    out: list[str] = []
    for s in letter.reviewer.license_states:
        code = state_code(s)
        out += [code, US_STATES.get(code, s)]
    return lower_values(out)


def item_record_json(letter: Letter, item: Item) -> str:
    """What an item document stores: the item and the letter fields a hit needs."""
    return json.dumps(
        {
            "letter_id": letter.id,
            "case_number": letter.case_number,
            "decision_date": letter.decision_date.isoformat() if letter.decision_date else None,
            "specialties": letter.reviewer.specialties,
            "license_states": letter.reviewer.license_states,
            "summary": letter.summary,
            "item": item.to_dict(),
        },
        ensure_ascii=False,
    )


def letter_documents(
    letter: Letter, *, source_key: str, content_hash: str, facet_names: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    """The documents of one letter: its items, then the letter document."""
    # Every document gets every column: Whoosh's multi-segment column reader misplaces values
    # of a segment that has no column file for a field.
    day = letter.decision_date.toordinal() if letter.decision_date else 0
    common: dict[str, Any] = {
        "letter_id": letter.id,
        "lid": letter.id.encode("utf-8"),
        "src": b"",
        "day": day,
        "summary": letter.summary,
        "specialty": lower_values(letter.reviewer.specialties),
        "state": _state_terms(letter),
        "case": lower_values([letter.case_number]),
        "sex": lower_values([letter.patient.sex]),
    }
    for name, value in (
        ("decided", _dt(letter.decision_date)),
        ("injured", _dt(letter.date_of_injury)),
        ("assigned", _dt(letter.date_assigned)),
    ):
        if value is not None:
            common[name] = value
    if letter.patient.age is not None:
        common["age"] = letter.patient.age
    for item in letter.items:
        doc = dict(common)
        doc.update(
            uid=letter.item_id(item),
            kind=KIND_ITEM,
            stored=item_record_json(letter, item),
            facets=encode_facets(item_facets(letter, item), facet_names),
            service=item.service,
            rationale=item.rationale,
            guideline=citation_text(item),
            decision=item.decision,
            category=lower_values([item.category]),
            subcategory=lower_values([item.subcategory]),
            drug=drug_terms(item),
            region=lower_values([item.body_region]),
            modality=lower_values([item.modality]),
            mtus=lower_values(mtus_parts(item)),
            gsource=lower_values(guideline_sources(item)),
            partial=item.partial,
        )
        yield {k: v for k, v in doc.items() if v != []}
    # The spelling vocabulary (``words``) goes on the letter document only: the summary is
    # indexed once instead of once per item, and spelling only asks whether a word occurs.
    words = [letter.summary]
    for item in letter.items:
        words += [item.service, item.rationale, citation_text(item)]
    yield {
        "uid": letter.id,
        "kind": KIND_LETTER,
        "words": "\n".join(w for w in words if w),
        "letter_id": letter.id,
        "lid": letter.id.encode("utf-8"),
        "source_key": source_key,
        "src": f"{source_key}\0{content_hash}".encode(),
        "facets": b"",
        "day": day,
        "stored": json.dumps(letter.to_dict(), ensure_ascii=False),
    }
