"""Exports: the rows of a search (CSV and XLSX), of facet counts and of a precedent answer.

The CLI and the server export the same columns in the same order (``COLUMNS``, documented in
docs/exports.md): one row per disputed item, with its letter's fields, human-readable headers.
Cells are typed here (dates, numbers, booleans) and written by each format: CSV as text, XLSX
as typed cells. A text cell a spreadsheet would run as a formula (CSV injection) is written as
text in both.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from imr_search.present.terminal import citation_line
from imr_search.search.results import FacetCount, ItemRecord

# (key, header), in export order. The keys are stable names for code; users see the headers.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("item_id", "Item ID"),
    ("letter_id", "Letter ID"),
    ("case_number", "Case number"),
    ("item_number", "Item"),
    ("decision_date", "Decision date"),
    ("decision", "Decision"),
    ("reasons", "Reasons"),
    ("reason_sentences", "Reason sentences"),
    ("outcome", "Case outcome"),
    ("partial", "Partial"),
    ("service", "Service"),
    ("original_request", "Original request"),
    ("category", "Category"),
    ("subcategory", "Subcategory"),
    ("body_region", "Body region"),
    ("modality", "Modality"),
    ("drug", "Drug"),
    ("specialties", "Reviewer specialties"),
    ("license_states", "Reviewer license states"),
    ("date_of_injury", "Date of injury"),
    ("application_received", "Application received"),
    ("ur_denial_date", "UR denial date"),
    ("age", "Patient age"),
    ("sex", "Patient sex"),
    ("guideline_sources", "IMR guideline sources"),
    ("guideline", "IMR guideline"),
    ("imr_citations", "IMR citations"),
    ("claims_guideline", "Claims administrator guideline"),
    ("rationale", "Rationale"),
    ("score", "Score"),
    ("url", "Letter URL"),
)
HEADERS: tuple[str, ...] = tuple(header for _, header in COLUMNS)

# A cell a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def letter_url(base_url: str, letter_id: str, item_number: int | None = None) -> str:
    """The letter page on a server at ``base_url`` (and the item's anchor)."""
    url = f"{base_url.rstrip('/')}/letters/{quote(letter_id, safe='')}"
    return f"{url}#item-{item_number}" if item_number is not None else url


def record_values(record: ItemRecord, base_url: str) -> list[object]:
    """One item's typed values, in COLUMNS order (lists are joined by the writers)."""
    item = record.item
    values: dict[str, object] = {
        "item_id": record.item_id,
        "letter_id": record.letter_id,
        "case_number": record.case_number,
        "item_number": item.number,
        "decision_date": record.decision_date,
        "decision": item.decision,
        "reasons": list(item.reasons),
        # "code: sentence", one per sentence a reason was read from.
        "reason_sentences": [
            f"{code}: {s}" for code, said in item.reason_sentences.items() for s in said
        ],
        "outcome": record.outcome,
        "partial": item.partial,
        "service": item.service,
        "original_request": item.original_request,
        "category": item.category,
        "subcategory": item.subcategory,
        "body_region": item.body_region,
        "modality": item.modality,
        "drug": item.drug.name if item.drug else None,
        "specialties": list(record.specialties),
        "license_states": list(record.license_states),
        "date_of_injury": record.date_of_injury,
        "application_received": record.application_received,
        "ur_denial_date": record.ur_denial_date,
        "age": record.age,
        "sex": record.sex,
        "guideline_sources": list(dict.fromkeys(c.source for c in item.imr_citations)),
        "guideline": item.imr_guideline,
        "imr_citations": [citation_line(c) for c in item.imr_citations],
        "claims_guideline": item.claims_guideline,
        "rationale": item.rationale,
        "score": float(f"{record.score:.4g}") if record.score else None,
        "url": letter_url(base_url, record.letter_id, item.number),
    }
    return [values[key] for key, _ in COLUMNS]


def text_cell(value: object) -> str:
    """A value as CSV text: ISO dates, true/false, lists joined by "; ", formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(records: Iterable[ItemRecord], base_url: str) -> Iterator[list[str]]:
    """The header, then one row per item."""
    yield list(HEADERS)
    for record in records:
        yield [text_cell(v) for v in record_values(record, base_url)]


def xlsx_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    """A one-sheet workbook: the header in bold and frozen, typed cells, text never a formula."""
    from openpyxl import Workbook  # imported here: only XLSX exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("imr-search")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: object, *, head: bool = False) -> Any:
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        if not isinstance(value, str | int | float | dt.date | None):
            value = str(value)
        # openpyxl writes dates as date cells; its stubs name only datetime.
        c = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        if isinstance(value, str):
            c.data_type = "s"  # openpyxl would take "=..." for a formula
        if head:
            c.font = bold
        if isinstance(value, dt.date):
            c.number_format = "yyyy-mm-dd"
        return c

    sheet.append([cell(h, head=True) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def records_xlsx(records: Iterable[ItemRecord], base_url: str) -> bytes:
    return xlsx_bytes(HEADERS, (record_values(r, base_url) for r in records))


# -- facet counts and precedent answers ----------------------------------------------------------

FACET_HEADERS = ("Facet", "Value", "Count", "Selected")


def facet_rows(facets: Mapping[str, list[FacetCount]]) -> Iterator[list[object]]:
    """One row per facet value, facets in display order."""
    for name, values in facets.items():
        for f in values:
            yield [name, f.value, f.count, f.selected]


PRECEDENT_HEADERS = (
    "Section", "Value", "Items", "Overturned", "Upheld", "Overturn rate", "95% CI low",
    "95% CI high", "Case number", "Item ID", "Decision date", "Decision", "Service", "Match",
    "Closeness", "IMR guideline", "Key sentence",
)  # fmt: skip


def precedent_rows(answer: Mapping[str, Any]) -> Iterator[list[object]]:
    """A precedent answer (``jsonforms.precedents_dict``) as rows: the overall rate, each
    breakdown row, then each closest precedent."""

    def rate(section: str, value: str, r: Mapping[str, Any]) -> list[object]:
        low, high = r["interval_95"]
        cells = [r["items"], r["overturned"], r["upheld"], r["overturn_rate"], low, high]
        return [section, value, *cells, *([None] * 9)]

    label = answer["match"]["label"] if answer.get("match") else "no match"
    yield rate("overall", label, answer)
    for name, rows in answer["breakdowns"].items():
        for row in rows:
            yield rate(f"by {name}", row["value"], row)
    for x in answer["closest"]:
        yield [
            "closest", None, *([None] * 6), x["case_number"], x["item_id"], x["decision_date"],
            x["decision"], x["service"], x["match"], x["closeness"], x["guideline"],
            x["key_sentence"],
        ]  # fmt: skip
