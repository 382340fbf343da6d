"""Exports: the rows of a search (CSV and XLSX), facet counts, and the writers of every table.

The CLI and the server export the same columns in the same order (``COLUMNS``, documented in
docs/exports.md): one row per disputed item, with its letter's fields, human-readable headers.
Cells are typed here (dates, numbers, booleans) and written by each format: CSV as text, XLSX
as typed cells. Every export the CLI and the server write (search, facets, precedents, the
citator, cross-tabs, alerts) goes through ``csv_lines``/``write_csv`` or ``xlsx_bytes`` here, so
a text cell a spreadsheet would run as a formula (CSV injection: one beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is defused in this one place. The tables
(stats, cross-tabs, the citator, precedents) are described in ``present.tables`` and written by
``table_csv`` and ``table_xlsx`` here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO
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
    ("category_source", "Category source"),
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

# A text cell a spreadsheet would run as a formula (CSV injection, OWASP's list): CSV gets a
# leading apostrophe, XLSX a string cell with Excel's quote prefix.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def runs_as_formula(text: str) -> bool:
    """True for text a spreadsheet would evaluate if it were typed into a cell."""
    return text.startswith(_FORMULA_START)


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
        "category_source": item.category_source,
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
    if isinstance(value, int | float):
        return str(value)  # a number (even a negative one) is data, not a formula
    text = str(value)
    return "'" + text if runs_as_formula(text) else text


def csv_lines(rows: Iterable[Iterable[object]], *, chunk: int = 64 * 1024) -> Iterator[str]:
    """CSV text (RFC 4180 line ends) in pieces of about ``chunk`` characters, every cell through
    ``text_cell``: what the server streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([text_cell(v) for v in row])
        if buffer.tell() >= chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(out: TextIO, rows: Iterable[Iterable[object]]) -> None:
    """CSV to a terminal or pipe (``\\n`` line ends), every cell through ``text_cell``."""
    writer = csv.writer(out, lineterminator="\n")
    # With "\n" line ends Python 3.11's writer leaves a carriage return inside a cell unquoted,
    # which a reader takes for the end of the row: such a row is quoted whole.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [text_cell(v) for v in row]
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)


def csv_rows(records: Iterable[ItemRecord], base_url: str) -> Iterator[list[object]]:
    """The header, then one row per item (for ``csv_lines`` or ``write_csv``)."""
    yield list(HEADERS)
    for record in records:
        yield record_values(record, base_url)


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
            # and Excel would make it one again when the cell is edited, without the prefix
            c.quotePrefix = runs_as_formula(value)
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


# -- any table the tool shows (stats, cross-tabs, the citator, precedents) ---------------------


def table_csv(rows: Iterable[Sequence[object]]) -> str:
    """A table (its header first) as CSV text, each cell as ``text_cell`` writes it (formulas
    defused): the one CSV writer of every table the CLI and the server export."""
    return "".join(csv_lines(rows))


def table_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    """A table (its header first) as a one-sheet workbook (``xlsx_bytes``). The cells keep
    their types (``present.tables`` reads them from the JSON form): counts are numbers a
    spreadsheet can sum, and text that looks like a number ("2017", a facet value) stays text."""
    it = iter(rows)
    header = [str(h) for h in next(it, [])]
    return xlsx_bytes(header, it)
