"""Filters: the one table of filter names (CLI options, API parameters) and the tree a set of
filter values becomes, beside the query's tree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import NamedTuple

from imr_search.config import MAX_QUERY_LENGTH
from imr_search.errors import QueryError
from imr_search.model import LETTER_OUTCOMES, REASON_CODES
from imr_search.search.fields import AGE_BANDS, ALL_FIELDS, DATE_FIELDS, GUIDELINE_VALUES
from imr_search.search.syntax import enum_value, keyword_value, parse
from imr_search.search.tree import And, Node, Not, Or, Range, Term

# -- filters ---------------------------------------------------------------------------------


def _one_of(values: tuple[str, ...]) -> str:
    """``a, b or c``: a closed list of values in a help text."""
    return ", ".join(values[:-1]) + f" or {values[-1]}"


class Filter(NamedTuple):
    """One filter: its name (the CLI option ``--NAME``, the API parameter ``NAME``), the field
    it narrows, and what a value is (the help text of the CLI, the API and the page)."""

    name: str
    field: str
    help: str


# The one table of filters, in display order. ``year`` and ``age`` are ranges over their
# fields (see _filter_value); the others match a field's values.
FILTER_TABLE: tuple[Filter, ...] = (
    Filter("decision", "decision", "Outcome of the item: upheld or overturned."),
    Filter("state", "state", "A reviewer's license state (USPS code or name)."),
    Filter("specialty", "specialty", "Reviewer specialty, as in the DWC list."),
    Filter("category", "category", "Service category (DWC vocabulary), e.g. Pharmaceuticals."),
    Filter("subcategory", "subcategory", "Service subcategory, e.g. Opioids."),
    Filter("region", "region", "Body region of the service, e.g. lumbar spine."),
    Filter("modality", "modality", "Modality, e.g. MRI."),
    Filter("drug", "drug", "Generic or brand drug name."),
    Filter(
        "guideline",
        "gsource",
        f"Source the IMR reviewer cited: {_one_of(GUIDELINE_VALUES)}.",
    ),
    Filter("mtus", "mtus", "MTUS part the IMR reviewer cited."),
    Filter("sex", "sex", "Patient sex: male or female."),
    Filter("year", "decided", "Decision year, e.g. 2016."),
    Filter(
        "age",
        "age",
        f"Patient age band: {_one_of(tuple(AGE_BANDS))}.",
    ),
    Filter(
        "outcome",
        "outcome",
        f"Case outcome of the letter: {_one_of(LETTER_OUTCOMES)}.",
    ),
    # The guideline citator and eras.
    Filter(
        "citation",
        "citation",
        "Guideline section the IMR cited, as the citator names it, e.g. MTUS > Knee Complaints "
        "2004 > Special Studies.",
    ),
    Filter("urcitation", "urcitation", "Guideline section the claims administrator cited."),
    Filter("cites", "cites", "Guidelines the IMR cited: none, MTUS only, outside MTUS or both."),
    Filter("era", "era", "Guideline era of the request, e.g. mtus-2016, or current."),
    Filter(
        "reason",
        "reason",
        f"What the decision rests on (docs/reasons.md): {_one_of(REASON_CODES)}.",
    ),
)
# Filter name -> the field it narrows.
FILTER_FIELDS: dict[str, str] = {f.name: f.field for f in FILTER_TABLE}
FILTER_HELP: dict[str, str] = {f.name: f.help for f in FILTER_TABLE}


def _filter_value(name: str, value: str) -> Node:
    if name == "year":
        if not re.fullmatch(r"\d{4}", value.strip()):
            raise QueryError(f"year filter: {value!r} is not a year (e.g. 2016)")
        y = int(value)
        return Range("decided", dt.date(y, 1, 1), dt.date(y, 12, 31))
    if name == "age":
        if value not in AGE_BANDS:
            raise QueryError(f"age filter: {value!r} is not one of {', '.join(AGE_BANDS)}")
        lo, hi = AGE_BANDS[value]
        return Range("age", lo, hi)
    if name == "guideline" and value.lower() not in {g.lower() for g in GUIDELINE_VALUES}:
        raise QueryError(f"guideline filter: {value!r} is not one of {', '.join(GUIDELINE_VALUES)}")
    f = ALL_FIELDS[FILTER_FIELDS[name]]
    if f.kind == "enum":
        # The query language's check and message, so ``--decision x`` and ``decision:x`` agree.
        return Term(f.name, enum_value(f, value.strip(), None, label=f"{name} filter"))
    return Term(f.name, keyword_value(f.name, value))


def filter_tree(
    filters: Mapping[str, tuple[str, ...] | str],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    exclude_letters: tuple[str, ...] = (),
    ranges: Mapping[str, tuple[dt.date | None, dt.date | None]] | None = None,
    only_letters: tuple[str, ...] | None = None,
) -> Node | None:
    """The filters as one tree (AND of filters, OR within one), or None when there are none.
    ``ranges``: date field (``received``, ``injured``, ``urdenial``...) -> inclusive bounds;
    ``only_letters``: the items of these letters alone."""
    parts: list[Node] = [Not(Term("letter_id", letter)) for letter in exclude_letters]
    if only_letters is not None:
        # No letters: an id no letter has (every letter has one), so nothing matches.
        among = tuple(Term("letter_id", letter) for letter in only_letters or ("",))
        parts.append(among[0] if len(among) == 1 else Or(among))
    for name, given in filters.items():
        if name not in FILTER_FIELDS:
            raise QueryError(f"unknown filter {name!r} (filters: {', '.join(FILTER_FIELDS)})")
        values = [given] if isinstance(given, str) else list(given)
        if values:
            subs = tuple(_filter_value(name, v) for v in values)
            parts.append(subs[0] if len(subs) == 1 else Or(subs))
    if date_from or date_to:
        parts.append(Range("decided", date_from, date_to))
    for name, (low, high) in (ranges or {}).items():
        if name not in DATE_FIELDS:
            raise QueryError(
                f"unknown date range {name!r} (dates: {', '.join(sorted(DATE_FIELDS))})"
            )
        if low and high and low > high:
            raise QueryError(f"{name}: the range starts ({low}) after it ends ({high})")
        if low or high:
            parts.append(Range(name, low, high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def request_tree(
    query: str,
    tree: Node | None,
    filters: Mapping[str, tuple[str, ...] | str],
    date_from: dt.date | None,
    date_to: dt.date | None,
    exclude_letters: tuple[str, ...],
    *,
    max_length: int = MAX_QUERY_LENGTH,
    ranges: Mapping[str, tuple[dt.date | None, dt.date | None]] | None = None,
    only_letters: tuple[str, ...] | None = None,
) -> tuple[Node, Node | None]:
    """What a SearchRequest asks for, as (query tree, filter tree or None): the given tree, or
    ``query`` parsed. Raises QueryError."""
    node = tree if tree is not None else parse(query, max_length=max_length)
    return node, filter_tree(filters, date_from, date_to, exclude_letters, ranges, only_letters)
